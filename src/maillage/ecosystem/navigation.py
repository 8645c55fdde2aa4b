"""The ecosystem module's sub-navigation: a section shows once its URL exists."""

from django.urls import NoReverseMatch, reverse
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


def sections(workspace, active: str = "") -> list[dict]:
    items = []
    for key, label, url_name in SECTIONS:
        try:
            url = reverse(url_name, kwargs={"workspace_slug": workspace.slug})
        except NoReverseMatch:
            continue
        items.append({"key": key, "label": label, "url": url, "active": key == active})
    return items
