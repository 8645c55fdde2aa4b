"""The SWOT built from the findings: ranking on a hand-computed case, idempotent rebuilds,
traceability, edits (text, merge, move, delete), and a constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.diagnostics.models import Finding, FindingSource, SwotItem
from maillage.diagnostics.selectors import swot as selectors
from maillage.diagnostics.services import swot as services
from tests.factories import (
    DimensionFactory,
    EngagementFactory,
    FindingFactory,
    FindingSourceFactory,
    InterviewFactory,
    ReviewedDocumentFactory,
    SwotItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def source(finding, interview=None, document=None, quote="quote"):
    return FindingSourceFactory(
        finding=finding, interview=interview, document=document, quote=quote
    )


@pytest.fixture
def case(workspace):
    """The hand-computed case (weight = frequency × severity; frequency = distinct interviews
    + distinct documents among the sources):

    f1  A weakness severity 4, sources i1, i2            → frequency 2 → weight 8
    f2  A weakness severity 2, sources i1, i1 again, d1  → frequency 2 → weight 4
    f3  B weakness severity 5, source i3                 → frequency 1 → weight 5
    f4  A strength severity 3, sources i1, i2, i3        → frequency 3 → weight 9
    f5  B weakness severity 1, no source                 → frequency 0 → weight 0

    Groups: (weakness, A) = f1 + f2 = 12, text of f1 (the heaviest);
            (weakness, B) = f3 + f5 = 5, text of f3; (strength, A) = f4 = 9.
    Weakness ranks: A-item 1 (12), B-item 2 (5).
    """
    engagement = EngagementFactory(workspace=workspace)
    a = DimensionFactory(engagement=engagement, name="A", position=0)
    b = DimensionFactory(engagement=engagement, name="B", position=1)
    i1, i2, i3 = (InterviewFactory(engagement=engagement) for _ in range(3))
    d1 = ReviewedDocumentFactory(engagement=engagement)
    f1 = FindingFactory(dimension=a, quadrant="weakness", severity=4, statement="Slow decisions")
    f2 = FindingFactory(dimension=a, quadrant="weakness", severity=2, statement="No minutes")
    f3 = FindingFactory(dimension=b, quadrant="weakness", severity=5, statement="Two models")
    f4 = FindingFactory(dimension=a, quadrant="strength", severity=3, statement="Shared values")
    f5 = FindingFactory(dimension=b, quadrant="weakness", severity=1, statement="Minor gap")
    source(f1, i1), source(f1, i2)
    source(f2, i1), source(f2, i1), source(f2, document=d1)
    source(f3, i3)
    source(f4, i1), source(f4, i2), source(f4, i3)
    return {
        "engagement": engagement, "a": a, "b": b, "i": (i1, i2, i3), "d1": d1,
        "f": (f1, f2, f3, f4, f5), "user": UserFactory(),
    }  # fmt: skip


def snapshot(engagement):
    rows = selectors.ranked_items(engagement)
    return {
        q: [(r.rank, r.item.text, r.weight, [d.name for d in r.dimensions]) for r in items]
        for q, items in rows.items()
    }


def test_weights_follow_frequency_times_severity(case):
    with scope(workspace=case["engagement"].workspace):
        weights = selectors.finding_weights(case["engagement"])
    _f1, _f2, _f3, _f4, _f5 = case["f"]
    assert [(weights[f.pk]["frequency"], weights[f.pk]["weight"]) for f in case["f"]] == [
        (2, 8),
        (2, 4),
        (1, 5),
        (3, 9),
        (0, 0),
    ]


def test_build_groups_by_quadrant_and_dimension_and_ranks_by_weight(case):
    engagement = case["engagement"]
    with scope(workspace=engagement.workspace):
        created = services.build(engagement, user=case["user"])
        board = snapshot(engagement)
    assert created == 3
    assert board["weakness"] == [(1, "Slow decisions", 12, ["A"]), (2, "Two models", 5, ["B"])]
    assert board["strength"] == [(1, "Shared values", 9, ["A"])]
    assert board["opportunity"] == board["threat"] == []
    with scopes_disabled():
        positions = dict(SwotItem.objects.values_list("text", "position"))
    assert positions == {"Slow decisions": 1, "Two models": 2, "Shared values": 1}


def test_rebuild_is_idempotent_and_keeps_edits(case):
    engagement, user = case["engagement"], case["user"]
    with scope(workspace=engagement.workspace):
        services.build(engagement, user=user)
        item = SwotItem.objects.get(text="Slow decisions")
        services.item_update(item, user=user, text="Decisions take months")
        before = snapshot(engagement)
        assert services.build(engagement, user=user) == 0
        assert snapshot(engagement) == before
        # A new A-weakness (severity 5, two interviews → 10) joins the existing A item
        # (12 + 10 = 22); a C-weakness gets its own item.
        i1, i2, _i3 = case["i"]
        f6 = FindingFactory(dimension=case["a"], quadrant="weakness", severity=5)
        source(f6, i1), source(f6, i2)
        c = DimensionFactory(engagement=engagement, name="C", position=2)
        f7 = FindingFactory(dimension=c, quadrant="weakness", severity=3, statement="Tools")
        source(f7, i1)
        assert services.build(engagement, user=user) == 1
        board = snapshot(engagement)
    assert board["weakness"] == [
        (1, "Decisions take months", 22, ["A"]),
        (2, "Two models", 5, ["B"]),
        (3, "Tools", 3, ["C"]),
    ]


def test_merge_move_and_delete(case):
    engagement, user = case["engagement"], case["user"]
    _f1, f2, _f3, _f4, _f5 = case["f"]
    with scope(workspace=engagement.workspace):
        services.build(engagement, user=user)
        a_item = SwotItem.objects.get(text="Slow decisions")
        b_item = SwotItem.objects.get(text="Two models")
        services.move_finding(f2, a_item, b_item, user=user)
        # A-item: f1 = 8; B-item: f3 + f5 + f2 = 5 + 0 + 4 = 9 → B first now.
        assert snapshot(engagement)["weakness"] == [
            (1, "Two models", 9, ["A", "B"]),
            (2, "Slow decisions", 8, ["A"]),
        ]
        services.merge(b_item, a_item, user=user)
        assert snapshot(engagement)["weakness"] == [(1, "Two models", 17, ["A", "B"])]
        assert not SwotItem.objects.filter(pk=a_item.pk).exists()
        services.item_delete(b_item, user=user)
        assert snapshot(engagement)["weakness"] == []
        # Its findings are free again: the next build places them.
        assert services.build(engagement, user=user) == 2


def test_merge_refuses_an_item_of_another_engagement(case):
    from django.core.exceptions import ValidationError

    engagement, user = case["engagement"], case["user"]
    with scope(workspace=engagement.workspace):
        mine = SwotItemFactory(engagement=engagement)
        other = SwotItemFactory(engagement=EngagementFactory(workspace=engagement.workspace))
        with pytest.raises(ValidationError):
            services.merge(other, mine, user=user)


def test_swot_page_shows_the_grid_and_the_evidence(case, member_client, workspace):
    engagement = case["engagement"]
    slug = workspace.slug
    response = member_client.post(reverse("diagnostics:swot_build", args=[slug, engagement.pk]))
    assert response.status_code == 302
    page = member_client.get(reverse("diagnostics:swot", args=[slug, engagement.pk]))
    html = page.content.decode()
    for label in ("Strength", "Weakness", "Opportunity", "Threat", "Slow decisions"):
        assert label in html
    with scopes_disabled():
        item = SwotItem.objects.get(text="Slow decisions")
    evidence = member_client.get(
        reverse("diagnostics:swot_item", args=[slug, engagement.pk, item.pk])
    )
    text = evidence.content.decode()
    # Both findings and their sources: the item is traceable to its evidence.
    assert "Slow decisions" in text and "No minutes" in text
    assert case["d1"].title in text
    assert "weight = 2 distinct sources × severity 4 = 8" in text


def test_guest_reads_the_swot_but_cannot_build_or_edit(case, guest_client, workspace):
    engagement = case["engagement"]
    slug = workspace.slug
    assert (
        guest_client.get(reverse("diagnostics:swot", args=[slug, engagement.pk])).status_code == 200
    )
    response = guest_client.post(reverse("diagnostics:swot_build", args=[slug, engagement.pk]))
    assert response.status_code == 403
    with scopes_disabled():
        assert not SwotItem.objects.exists()


def test_an_item_of_another_engagement_is_a_404(case, member_client, workspace):
    other = SwotItemFactory(engagement=EngagementFactory(workspace=workspace))
    url = reverse("diagnostics:swot_item", args=[workspace.slug, case["engagement"].pk, other.pk])
    assert member_client.get(url).status_code == 404


def _bulk_findings(engagement, dimension, interview, count):
    with scopes_disabled():
        findings = Finding.objects.bulk_create(
            Finding(
                workspace=engagement.workspace,
                engagement=engagement,
                dimension=dimension,
                quadrant=("strength", "weakness", "opportunity", "threat")[n % 4],
                statement=f"Finding {n}",
                severity=1 + n % 5,
            )
            for n in range(count)
        )
        FindingSource.objects.bulk_create(
            FindingSource(workspace=engagement.workspace, finding=f, interview=interview)
            for f in findings
        )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_swot_page_query_count_is_constant(member_client, member, workspace):
    counts = []
    for size in (4, 5000):
        engagement = EngagementFactory(workspace=workspace)
        dimensions = [DimensionFactory(engagement=engagement) for _ in range(3)]
        interview = InterviewFactory(engagement=engagement)
        for dimension in dimensions:
            _bulk_findings(engagement, dimension, interview, size // 3 + 1)
        with scope(workspace=workspace):
            services.build(engagement, user=member.user)
        counts.append(
            _queries(
                member_client, reverse("diagnostics:swot", args=[workspace.slug, engagement.pk])
            )
        )
    assert counts[0] == counts[1]
