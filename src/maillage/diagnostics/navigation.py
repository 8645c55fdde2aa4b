"""The diagnostic module's tabs at the workspace level (see core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

SECTIONS = [
    ("engagements", _("Engagements"), "diagnostics:home"),
]
