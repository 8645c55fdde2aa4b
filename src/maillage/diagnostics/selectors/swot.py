"""Reads for the SWOT: each finding's frequency and weight, and the board of SWOT items with
their weight and rank, in a constant number of queries whatever the number of findings."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch
from django.db.models.functions import Coalesce

from .. import scoring
from ..choices import Quadrant
from ..models import Dimension, Finding, FindingSource, SwotItem


def findings_with_weight(engagement):
    """The engagement's findings annotated with `frequency` (distinct interviews plus distinct
    documents among their sources) and `weight` (frequency × severity), in one query."""
    return (
        Finding.objects.filter(engagement=engagement)
        .annotate(
            frequency=Coalesce(Count("sources__interview", distinct=True), 0)
            + Coalesce(Count("sources__document", distinct=True), 0)
        )
        .annotate(weight=F("frequency") * F("severity"))
    )


def finding_weights(engagement) -> dict[int, dict]:
    """{finding id: {quadrant, dimension_id, statement, frequency, severity, weight}} (1 query).

    The weight is checked against `scoring.finding_weight`, the reference arithmetic."""
    rows = findings_with_weight(engagement).values(
        "id", "quadrant", "dimension_id", "statement", "severity", "frequency"
    )
    result = {}
    for row in rows:
        row["weight"] = scoring.finding_weight(row["frequency"], row["severity"])
        result[row["id"]] = row
    return result


def item_links(engagement) -> dict[int, list[int]]:
    """{SWOT item id: [finding ids]} for the engagement (1 query)."""
    through = SwotItem.findings.through
    links: dict[int, list[int]] = defaultdict(list)
    for item_id, finding_id in through.objects.filter(swotitem__engagement=engagement).values_list(
        "swotitem_id", "finding_id"
    ):
        links[item_id].append(finding_id)
    return links


@dataclass
class BoardItem:
    item: SwotItem
    weight: int = 0
    rank: int = 0
    finding_count: int = 0
    dimensions: list = field(default_factory=list)


@dataclass
class QuadrantColumn:
    key: str
    label: str
    items: list


def ranked_items(engagement, weights=None, links=None) -> dict[str, list[BoardItem]]:
    """Each quadrant's items, heaviest first (ties: position, then id), with their rank (1 = the
    heaviest of the quadrant), weight (sum of their findings' weights) and dimensions."""
    weights = finding_weights(engagement) if weights is None else weights
    links = item_links(engagement) if links is None else links
    dimensions = {d.pk: d for d in Dimension.objects.filter(engagement=engagement)}
    by_quadrant: dict[str, list[BoardItem]] = {q: [] for q in Quadrant.values}
    for item in SwotItem.objects.filter(engagement=engagement):
        ids = [i for i in links.get(item.pk, []) if i in weights]
        dimension_ids = sorted(
            {weights[i]["dimension_id"] for i in ids},
            key=lambda d: (dimensions[d].position, d),
        )
        by_quadrant.setdefault(item.quadrant, []).append(
            BoardItem(
                item=item,
                weight=sum(weights[i]["weight"] for i in ids),
                finding_count=len(ids),
                dimensions=[dimensions[d] for d in dimension_ids],
            )
        )
    for rows in by_quadrant.values():
        rows.sort(key=lambda r: (-r.weight, r.item.position, r.item.pk))
        for rank, row in enumerate(rows, start=1):
            row.rank = rank
    return by_quadrant


def board(engagement) -> dict:
    """The SWOT page: the four quadrants (strengths, weaknesses, opportunities, threats) and
    how many findings no item uses yet. Five queries, whatever the size."""
    weights = finding_weights(engagement)
    links = item_links(engagement)
    by_quadrant = ranked_items(engagement, weights, links)
    used = {i for ids in links.values() for i in ids}
    return {
        "quadrants": [
            QuadrantColumn(key=q.value, label=q.label, items=by_quadrant.get(q.value, []))
            for q in Quadrant
        ],
        "finding_count": len(weights),
        "unused_count": len([i for i in weights if i not in used]),
    }


def item_evidence(engagement, item: SwotItem) -> list[Finding]:
    """The findings an item rests on, heaviest first, with their sources (interview or
    document) prefetched: the item's traceability."""
    sources = FindingSource.objects.select_related("interview", "document").order_by("id")
    return list(
        findings_with_weight(engagement)
        .filter(swot_items=item)
        .select_related("dimension")
        .prefetch_related(Prefetch("sources", queryset=sources))
        .order_by("-weight", "id")
    )


def other_items(engagement, item: SwotItem):
    """The items an item can be merged into or a finding moved to."""
    return (
        SwotItem.objects.filter(engagement=engagement)
        .exclude(pk=item.pk)
        .order_by("quadrant", "position", "id")
    )
