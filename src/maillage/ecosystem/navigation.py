"""The ecosystem module's tabs (see core/navigation.py)."""

from django.utils.translation import gettext_lazy as _

SECTIONS = [
    ("actors", _("Actors"), "ecosystem:home"),
    ("relations", _("Relations"), "ecosystem:relations"),
    ("matrices", _("Coverage matrices"), "ecosystem:matrices"),
    ("graph", _("Network graph"), "ecosystem:graph"),
    ("map", _("Map"), "ecosystem:map"),
    ("duplicates", _("Possible duplicates"), "ecosystem:duplicates"),
    ("settings", _("Lists and catalogue"), "ecosystem:settings"),
]
