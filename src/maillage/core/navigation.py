"""A module's sub-navigation (tabs): each app lists its sections in `<app>/navigation.py` as
`SECTIONS = [(key, label, url name), ...]`; a section shows once its URL exists.

    {% load module_nav %}{% module_nav "impact" "sdg" %}
"""

from importlib import import_module

from django.urls import NoReverseMatch, reverse


def sections(app: str, workspace, active: str = "") -> list[dict]:
    declared = import_module(f"maillage.{app}.navigation").SECTIONS
    items = []
    for key, label, url_name in declared:
        try:
            url = reverse(url_name, kwargs={"workspace_slug": workspace.slug})
        except NoReverseMatch:
            continue
        items.append({"key": key, "label": label, "url": url, "active": key == active})
    return items
