"""The impact module's tabs (see core/navigation.py): a section shows once its URL exists."""

from django.utils.translation import gettext_lazy as _

SECTIONS = [
    ("indicators", _("Indicators"), "impact:home"),
    ("sdg", _("SDG"), "impact:sdg"),
    ("reports", _("Impact report"), "impact:report"),
    ("settings", _("Breakdowns"), "impact:dimensions"),
]
