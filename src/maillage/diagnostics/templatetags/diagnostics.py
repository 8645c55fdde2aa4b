"""`{% engagement_header engagement "swot" %}`: an engagement's title, status and its sections
(a section shows once its URL exists)."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

register = template.Library()

SECTIONS = [
    ("overview", _("Overview"), "diagnostics:engagement"),
    ("fieldwork", pgettext_lazy("diagnostic section", "Fieldwork"), "diagnostics:fieldwork"),
    ("findings", _("Findings"), "diagnostics:findings"),
    ("questionnaires", _("Questionnaire"), "diagnostics:questionnaires"),
    ("swot", _("SWOT and priorities"), "diagnostics:swot"),
    ("scenarios", _("Scenarios"), "diagnostics:scenarios"),
    ("recommendations", _("Recommendations"), "diagnostics:recommendations"),
    ("plan", _("Plan"), "diagnostics:plan"),
    ("committee", _("Steering committee"), "diagnostics:committee"),
    ("deliverables", _("Deliverables"), "diagnostics:deliverables"),
]


@register.inclusion_tag("diagnostics/_header.html", takes_context=True)
def engagement_header(context, engagement, active=""):
    workspace = context["current_workspace"]
    sections = []
    for key, label, url_name in SECTIONS:
        try:
            url = reverse(url_name, args=[workspace.slug, engagement.pk])
        except NoReverseMatch:
            continue
        sections.append({"key": key, "label": label, "url": url, "active": key == active})
    return {
        "engagement": engagement,
        "sections": sections,
        "current_workspace": workspace,
        "current_membership": context.get("current_membership"),
    }
