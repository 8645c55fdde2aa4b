"""The finance module's tabs (see core/navigation.py): a section shows once its URL exists."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SECTIONS = [
    ("dashboard", _("Dashboard"), "finance:home"),
    ("projects", _("Projects"), "finance:projects"),
    ("agreements", _("Agreements"), "finance:agreements"),
    ("funders", _("Funders"), "finance:funders"),
    ("people", _("Staff and volunteers"), "finance:people"),
    ("time", pgettext_lazy("time spent", "Time"), "finance:time_week"),
    ("ledger", _("Ledger"), "finance:ledger"),
    ("checks", _("Checks"), "finance:checks"),
    ("model", _("Socio-economic model"), "finance:socio_economic_model"),
    ("settings", _("Settings"), "finance:settings"),
]
