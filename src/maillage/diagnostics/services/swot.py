"""Writes for the SWOT.

`build` groups the findings by quadrant and dimension: one item per group, its text the
group's heaviest statement, ranked by weight (Σ frequency × severity of its findings).

Rebuilding never touches what people edited: it only places the findings that are in no item
yet — into the quadrant's existing item for that dimension when there is one (an item whose
findings all share that dimension), else into a new item — and then re-ranks every quadrant.
Deleting an item frees its findings, which the next build places again.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.services import create_child, tenant_delete, tenant_update

from ..models import Finding, SwotItem
from ..selectors import swot as selectors


def rerank(engagement) -> None:
    """Store each item's rank (within its quadrant) as its position."""
    for rows in selectors.ranked_items(engagement).values():
        for row in rows:
            if row.item.position != row.rank:
                SwotItem.objects.filter(pk=row.item.pk).update(position=row.rank)


def build(engagement, *, user, request=None) -> int:
    """Place the findings not yet in any item; returns how many items were created."""
    with transaction.atomic():
        weights = selectors.finding_weights(engagement)
        links = selectors.item_links(engagement)
        used = {i for ids in links.values() for i in ids}
        groups: dict[tuple[str, int], list[dict]] = {}
        for row in weights.values():
            if row["id"] not in used:
                groups.setdefault((row["quadrant"], row["dimension_id"]), []).append(row)
        if not groups:
            rerank(engagement)
            return 0
        # Existing single-dimension items, by (quadrant, dimension): the first one takes new
        # findings of its group.
        existing: dict[tuple[str, int], int] = {}
        for item in SwotItem.objects.filter(engagement=engagement).order_by("position", "id"):
            dims = {weights[i]["dimension_id"] for i in links.get(item.pk, []) if i in weights}
            if len(dims) == 1:
                existing.setdefault((item.quadrant, dims.pop()), item.pk)
        created = 0
        for (quadrant, dimension_id), rows in sorted(
            groups.items(), key=lambda g: (g[0][0], g[0][1])
        ):
            ids = [row["id"] for row in rows]
            item_id = existing.get((quadrant, dimension_id))
            if item_id is None:
                heaviest = min(rows, key=lambda r: (-r["weight"], r["id"]))
                item = create_child(
                    SwotItem,
                    "engagement",
                    engagement,
                    user=user,
                    request=request,
                    quadrant=quadrant,
                    text=heaviest["statement"],
                )
                created += 1
            else:
                item = SwotItem(pk=item_id)
            item.findings.add(*ids)
        rerank(engagement)
    return created


def item_update(item: SwotItem, *, user, expected_version=None, request=None, **changes):
    return tenant_update(
        item, user=user, expected_version=expected_version, request=request, **changes
    )


def item_delete(item: SwotItem, *, user, expected_version=None, request=None) -> None:
    engagement = item.engagement
    with transaction.atomic():
        tenant_delete(item, user=user, expected_version=expected_version, request=request)
        rerank(engagement)


def merge(target: SwotItem, source: SwotItem, *, user, request=None) -> SwotItem:
    """Move every finding of `source` into `target` (whose text stays), then delete `source`."""
    if target.pk == source.pk or target.engagement_id != source.engagement_id:
        raise ValidationError({"target": _("Choose another item of this SWOT.")})
    with transaction.atomic():
        target.findings.add(*source.findings.all())
        tenant_delete(source, user=user, request=request)
        rerank(target.engagement)
    return target


def move_finding(finding: Finding, source: SwotItem, target: SwotItem, *, user, request=None):
    """Take `finding` out of `source` and put it into `target` (same engagement)."""
    if target.pk == source.pk or target.engagement_id != source.engagement_id:
        raise ValidationError({"target": _("Choose another item of this SWOT.")})
    if finding.engagement_id != source.engagement_id:
        raise ValidationError({"finding": _("This finding is not part of this SWOT.")})
    with transaction.atomic():
        source.findings.remove(finding)
        target.findings.add(finding)
        rerank(source.engagement)
