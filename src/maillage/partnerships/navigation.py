"""The partnership module's tabs (see core/navigation.py): a section shows once its URL exists."""

from django.utils.translation import gettext_lazy as _

SECTIONS = [
    ("portfolio", _("Portfolio"), "partnerships:home"),
    ("actions", _("Action items"), "partnerships:action_items"),
    ("kinds", _("Kinds"), "partnerships:kinds"),
]
