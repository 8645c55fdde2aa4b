"""`{% partnership_header partnership "canvas" %}`: a partnership's title, stage, status, health
and its tabs (a tab shows once its URL exists)."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

register = template.Library()

# Short labels, so that the seven tabs fit a laptop's width in French; each page's title says
# more.
TABS = [
    ("overview", _("Overview"), "partnerships:partnership"),
    ("canvas", pgettext_lazy("tab", "Canvas"), "partnerships:canvas"),
    ("plans", pgettext_lazy("tab", "Plans"), "partnerships:plans"),
    ("meetings", pgettext_lazy("tab", "Meetings"), "partnerships:meetings"),
    ("risks", pgettext_lazy("tab", "Risks"), "partnerships:risks"),
    ("evaluation", _("Evaluation"), "partnerships:evaluations"),
    ("decisions", pgettext_lazy("tab", "Gates"), "partnerships:decisions"),
]


@register.inclusion_tag("partnerships/_header.html", takes_context=True)
def partnership_header(context, partnership, active=""):
    workspace = context["current_workspace"]
    tabs = []
    for key, label, url_name in TABS:
        try:
            url = reverse(url_name, args=[workspace.slug, partnership.pk])
        except NoReverseMatch:
            continue
        tabs.append({"key": key, "label": label, "url": url, "active": key == active})
    return {
        "partnership": partnership,
        "tabs": tabs,
        "current_workspace": workspace,
        "current_membership": context.get("current_membership"),
        "active": active,
    }
