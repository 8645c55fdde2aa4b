"""Prioritised dimensions: criticality from findings and questionnaire answers (hand-computed),
the computed order, and the agreed ranking (ranks unique 1..n)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from maillage.diagnostics.models import Dimension
from maillage.diagnostics.selectors import priorities as selectors
from maillage.diagnostics.services import priorities as services
from tests.factories import (
    DimensionFactory,
    EngagementFactory,
    FindingFactory,
    FindingSourceFactory,
    InterviewFactory,
    QuestionnaireAnswerFactory,
    QuestionnaireFactory,
    QuestionnaireInvitationFactory,
    QuestionnaireItemFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(workspace):
    """Burden = Σ weight (frequency × severity) of the weaknesses and threats:

    A: weakness sev 4 × 2 interviews = 8, threat sev 2 × 2 = 4, strength sev 5 (not counted)
       → burden 12 (the largest: findings part 1)
    B: weakness sev 5 × 1 interview = 5 → burden 5 → findings part 5/12
    C: no finding → findings part 0

    Questionnaire means: A answers 2 and 3 → 2.5; B none; C answers 1 and 1 → 1.

    Criticality = 100 × (0.6 × findings part + 0.4 × (5 − mean) / 4), or 100 × findings part:
      A: 100 × (0.6 × 1 + 0.4 × 2.5/4) = 100 × (0.6 + 0.25) = 85.00
      B: 100 × 5/12 = 41.666… → 41.67
      C: 100 × (0 + 0.4 × 4/4) = 40.00
    Computed order: A, B, C.
    """
    engagement = EngagementFactory(workspace=workspace)
    a = DimensionFactory(engagement=engagement, name="A", position=0)
    b = DimensionFactory(engagement=engagement, name="B", position=1)
    c = DimensionFactory(engagement=engagement, name="C", position=2)
    i1, i2 = InterviewFactory(engagement=engagement), InterviewFactory(engagement=engagement)
    for dimension, quadrant, severity, interviews in (
        (a, "weakness", 4, (i1, i2)),
        (a, "threat", 2, (i1, i2)),
        (a, "strength", 5, (i1, i2)),
        (b, "weakness", 5, (i1,)),
    ):
        finding = FindingFactory(dimension=dimension, quadrant=quadrant, severity=severity)
        for interview in interviews:
            FindingSourceFactory(finding=finding, interview=interview)
    questionnaire = QuestionnaireFactory(engagement=engagement)
    item_a = QuestionnaireItemFactory(questionnaire=questionnaire, dimension=a)
    item_c = QuestionnaireItemFactory(questionnaire=questionnaire, dimension=c)
    for value_a, value_c in ((2, 1), (3, 1)):
        invitation = QuestionnaireInvitationFactory(questionnaire=questionnaire)
        QuestionnaireAnswerFactory(invitation=invitation, item=item_a, value=value_a)
        QuestionnaireAnswerFactory(invitation=invitation, item=item_c, value=value_c)
    return engagement, a, b, c


def test_criticality_on_a_hand_computed_case(case):
    engagement, _a, _b, _c = case
    with scope(workspace=engagement.workspace):
        rows = selectors.priorities(engagement)
    assert [(r.dimension.name, r.burden, r.mean, r.answers) for r in rows] == [
        ("A", 12, Decimal("2.50"), 2),
        ("B", 5, None, 0),
        ("C", 0, Decimal("1.00"), 2),
    ]
    assert [r.criticality for r in rows] == [Decimal("85.00"), Decimal("41.67"), Decimal("40.00")]
    assert [r.computed_rank for r in rows] == [1, 2, 3]
    chart = selectors.criticality_chart(rows)
    assert chart.table.rows[0] == ("A", (Decimal("85.00"),))


@pytest.mark.parametrize(
    ("ranks", "error"),
    [
        ((1, 1, 2), "twice"),
        ((1, 2, 4), "between 1 and 3"),
        ((1, None, 2), "Give every dimension a rank"),
    ],
)
def test_ranks_must_be_unique_from_1_to_n(case, ranks, error):
    engagement, *dimensions = case
    values = {
        d.pk: {"rank": r, "rationale": "", "version": d.version}
        for d, r in zip(dimensions, ranks, strict=True)
    }
    with scope(workspace=engagement.workspace), pytest.raises(ValidationError) as raised:
        services.save_ranking(dimensions, values, user=UserFactory())
    assert error in str(raised.value)
    with scopes_disabled():
        assert not Dimension.objects.filter(priority_rank__isnull=False).exists()


def test_ranking_saved_with_rationale_and_cleared(case):
    engagement, a, b, c = case
    user = UserFactory()
    with scope(workspace=engagement.workspace):
        values = {
            a.pk: {"rank": 2, "rationale": "Boards decide later", "version": a.version},
            b.pk: {"rank": 1, "rationale": "Blocks everything", "version": b.version},
            c.pk: {"rank": 3, "rationale": "", "version": c.version},
        }
        services.save_ranking([a, b, c], values, user=user)
        assert [(d.name, d.priority_rank) for d in Dimension.objects.order_by("priority_rank")] == [
            ("B", 1),
            ("A", 2),
            ("C", 3),
        ]
        fresh = list(Dimension.objects.order_by("position"))
        services.save_ranking(
            fresh,
            {d.pk: {"rank": None, "rationale": "", "version": d.version} for d in fresh},
            user=user,
        )
        assert not Dimension.objects.filter(priority_rank__isnull=False).exists()


def test_priorities_pages(case, member_client, guest_client, workspace):
    engagement, a, b, c = case
    url = reverse("diagnostics:priorities", args=[workspace.slug, engagement.pk])
    page = guest_client.get(url)
    assert page.status_code == 200
    assert "85.00" in page.content.decode()
    edit = reverse("diagnostics:priorities_edit", args=[workspace.slug, engagement.pk])
    assert guest_client.post(edit, {}).status_code == 403
    data = {f"version_{d.pk}": d.version for d in (a, b, c)}
    data |= {f"rank_{a.pk}": 1, f"rank_{b.pk}": 1, f"rank_{c.pk}": 3}
    refused = member_client.post(edit, data)
    assert refused.status_code == 200
    assert "Rank 1 is given twice." in refused.content.decode()
    data[f"rank_{b.pk}"] = 2
    data[f"rationale_{b.pk}"] = "Two business models"
    assert member_client.post(edit, data).status_code == 302
    with scopes_disabled():
        b.refresh_from_db()
    assert (b.priority_rank, b.priority_rationale) == (2, "Two business models")
    # A stale version → 409 and nothing written.
    data[f"rank_{a.pk}"], data[f"rank_{b.pk}"] = 2, 1
    stale = member_client.post(edit, data)
    assert stale.status_code == 409


@given(st.lists(st.one_of(st.none(), st.integers(-2, 9)), min_size=1, max_size=8))
def test_check_ranks_accepts_exactly_the_permutations_or_nothing(ranks):
    errors = services.check_ranks(dict(enumerate(ranks)))
    n = len(ranks)
    valid = all(r is None for r in ranks) or sorted(ranks, key=lambda r: r or 0) == list(
        range(1, n + 1)
    )
    assert (errors == {}) == valid
