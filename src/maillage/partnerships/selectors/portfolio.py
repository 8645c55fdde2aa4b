"""The portfolio: the partnerships a user may see, filtered, with the funnel of their stages.

Reads only the denormalised fields of `Partnership` (stage, status, health, trend, latest
evaluation, next gate) plus the lead member through a subquery: one query per page whatever the
number of partnerships (see bench/RESULTS.md for 5,000 of them).
"""

import re
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from maillage.ecosystem.models import Actor

from ..access import visible_partnerships
from ..checklists import Health
from ..choices import STAGE_ORDER, MemberRole, Stage, Status
from ..models import PartnershipKind, PartnershipMember

_ACTOR_REFERENCE = re.compile(r"#(?P<pk>\d+)\s*$")


@dataclass
class PortfolioFilters:
    stage: str = ""
    status: str = ""
    kind: int | None = None
    health: str = ""
    actor: Actor | None = None
    actor_text: str = ""
    q: str = ""
    overdue: bool = False

    @property
    def active(self) -> bool:
        return bool(
            self.stage
            or self.status
            or self.kind
            or self.health
            or self.actor_text
            or self.q
            or self.overdue
        )


def _int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def parse_filters(request) -> PortfolioFilters:
    """The filters of the query string; unknown values are ignored."""
    get = request.GET
    stage = get.get("stage", "")
    status = get.get("status", "")
    health = get.get("health", "")
    kind = _int(get.get("kind", ""))
    if (
        kind is not None
        and not PartnershipKind.objects.filter(workspace=request.workspace, pk=kind).exists()
    ):
        kind = None
    actor_text = get.get("actor", "").strip()[:230]
    actor = None
    if actor_text:
        match = _ACTOR_REFERENCE.search(actor_text)
        actors = Actor.objects.filter(workspace=request.workspace)
        if match:
            actor = actors.filter(pk=int(match["pk"])).first()
        elif actor_text.isdigit():
            actor = actors.filter(pk=int(actor_text)).first()
        else:
            found = list(actors.filter(name__iexact=actor_text)[:2])
            actor = found[0] if len(found) == 1 else None
    return PortfolioFilters(
        stage=stage if stage in Stage.values else "",
        status=status if status in Status.values else "",
        kind=kind,
        health=health if health in Health.values else "",
        actor=actor,
        actor_text=actor_text,
        q=get.get("q", "").strip()[:100],
        overdue=get.get("overdue") == "1",
    )


def portfolio(request, filters: PortfolioFilters):
    """The visible partnerships matching `filters`, by name (`attach_leads` on a page)."""
    queryset = visible_partnerships(request)
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.kind:
        queryset = queryset.filter(kind_id=filters.kind)
    if filters.health:
        queryset = queryset.filter(health=filters.health)
    if filters.actor_text:
        if filters.actor is None:
            return queryset.none()
        queryset = queryset.filter(
            pk__in=PartnershipMember.objects.filter(actor=filters.actor).values("partnership")
        )
    if filters.q:
        queryset = queryset.filter(Q(name__icontains=filters.q) | Q(summary__icontains=filters.q))
    if filters.overdue:
        queryset = queryset.filter(
            next_gate_on__lt=timezone.localdate(), status__in=[Status.ACTIVE, Status.PAUSED]
        )
    return queryset.select_related("kind").order_by("name", "id")


def attach_leads(partnerships) -> list:
    """Set `lead_name` and `lead_id` on each partnership of a page: its lead member, else its
    first member. One query for the page (not a subquery per row: with a filter that makes the
    database sort, SQLite would compute it for every matching row before the sort)."""
    partnerships = list(partnerships)
    order = {role: i for i, role in enumerate(MemberRole.values)}
    leads: dict[int, PartnershipMember] = {}
    rows = (
        PartnershipMember.objects.filter(partnership__in=[p.pk for p in partnerships])
        .select_related("actor")
        .only("partnership_id", "role", "actor_id", "actor__name")
        .order_by("id")
    )
    for member in rows:
        best = leads.get(member.partnership_id)
        if best is None or order[member.role] < order[best.role]:
            leads[member.partnership_id] = member
    for partnership in partnerships:
        lead = leads.get(partnership.pk)
        partnership.lead_name = lead.actor.name if lead else ""
        partnership.lead_id = lead.actor_id if lead else None
    return partnerships


def funnel(request) -> dict:
    """Counts of the visible partnerships: active ones by stage (01→04), paused and ended apart.

    `stages` is a list of {stage, label, count, width} where width is a percentage of the
    largest stage, for the funnel's bars."""
    queryset = visible_partnerships(request)
    aggregates = {
        stage: Count("pk", filter=Q(stage=stage, status=Status.ACTIVE)) for stage in STAGE_ORDER
    }
    aggregates["paused"] = Count("pk", filter=Q(status=Status.PAUSED))
    aggregates["ended"] = Count("pk", filter=Q(status=Status.ENDED))
    aggregates["overdue"] = Count(
        "pk",
        filter=Q(next_gate_on__lt=timezone.localdate(), status__in=[Status.ACTIVE, Status.PAUSED]),
    )
    counts = queryset.aggregate(**aggregates)
    largest = max([counts[s] for s in STAGE_ORDER] + [1])
    return {
        "stages": [
            {
                "stage": stage,
                "label": Stage(stage).label,
                "count": counts[stage],
                "width": max(round(100 * counts[stage] / largest), 4 if counts[stage] else 0),
            }
            for stage in STAGE_ORDER
        ],
        "active": sum(counts[s] for s in STAGE_ORDER),
        "paused": counts["paused"],
        "ended": counts["ended"],
        "overdue": counts["overdue"],
    }
