"""Reads of a partnership's overview: members, guests, latest decisions, what the other tabs
hold and the finance projects linked to it."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from maillage.finance.models import Project

from ..choices import MemberRole
from ..models import Partnership, PartnershipGuest


def members(partnership: Partnership):
    """The members, the lead first, then partners, funders and facilitators, by name."""
    order = {role: i for i, role in enumerate(MemberRole.values)}
    rows = partnership.members.select_related("actor").order_by("actor__name", "id")
    return sorted(rows, key=lambda m: order.get(m.role, len(order)))


def guests(partnership: Partnership):
    return list(
        PartnershipGuest.objects.filter(partnership=partnership)
        .select_related("membership__user", "member__actor")
        .order_by("membership__user__email", "id")
    )


def latest_decisions(partnership: Partnership, limit: int = 5):
    return list(partnership.decisions.order_by("-decided_on", "-id")[:limit])


def projects(partnership: Partnership):
    return list(
        Project.objects.filter(partnership=partnership)
        .select_related("manager")
        .order_by("-start_date", "name")
    )


#: (tab url name, label, how to count it) for the overview's links to the other tabs.
SECTIONS = (
    ("partnerships:canvas", _("Canvas lines"), "canvas_entries"),
    ("partnerships:plans", _("Work axes"), "axes"),
    ("partnerships:meetings", _("Meetings"), "meetings"),
    ("partnerships:risks", _("Risks"), "risks"),
    ("partnerships:evaluations", _("Evaluations"), "evaluations"),
    ("partnerships:decisions", _("Gate decisions"), "decisions"),
)


def section_counts(partnership: Partnership, workspace_slug: str) -> list[dict]:
    """What each other tab holds, with its link (an empty link for a tab not built yet)."""
    counts = {key: getattr(partnership, key).count() for _u, _l, key in SECTIONS}
    sections = []
    for url_name, label, key in SECTIONS:
        try:
            url = reverse(url_name, args=[workspace_slug, partnership.pk])
        except NoReverseMatch:
            url = ""
        sections.append({"label": label, "count": counts[key], "url": url})
    return sections
