"""Evaluation rounds (seed 004): scores 1–5 with evidence on three dimensions, the history
chart, the latest average the portfolio shows, and a guest scoring only its own side."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.core.exceptions import StaleObjectError
from maillage.partnerships.choices import Dimension
from maillage.partnerships.models import Evaluation, EvaluationScore, Partnership
from maillage.partnerships.selectors import evaluations as selectors
from maillage.partnerships.services import evaluations as services
from maillage.partnerships.services.evaluations import ScoreRow
from maillage.workspaces.models import Role
from tests.conftest import client_for
from tests.factories import (
    EvaluationFactory,
    EvaluationScoreFactory,
    IndicatorFactory,
    MeasurementFactory,
    MembershipFactory,
    PartnershipFactory,
    PartnershipGuestFactory,
    PartnershipMemberFactory,
    TrackedIndicatorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

A, C, G = Dimension.ASSOCIATION_VALUE, Dimension.COMPANY_RETURN, Dimension.COMMON_GOOD


def url(name, partnership, *args):
    return reverse(f"partnerships:{name}", args=[partnership.workspace.slug, partnership.pk, *args])


def save_scores(evaluation, member, rows, user=None):
    with scope(workspace=evaluation.workspace):
        services.member_scores_save(evaluation, member, rows, user=user or UserFactory())


def refreshed(partnership) -> Partnership:
    with scopes_disabled():
        return Partnership.objects.get(pk=partnership.pk)


def half_up(total: int, count: int) -> Decimal:
    return (Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def setting(workspace):
    """A partnership with an association and a company, and a workspace member."""
    partnership = PartnershipFactory(workspace=workspace)
    association = PartnershipMemberFactory(partnership=partnership, side="association")
    company = PartnershipMemberFactory(partnership=partnership, side="company", role="funder")
    return partnership, association, company


# --- history ---------------------------------------------------------------------------------


def test_history_gives_the_chart_figures_and_the_latest_average_to_the_cent(setting):
    partnership, association, company = setting
    first = EvaluationFactory(partnership=partnership, evaluated_on=datetime.date(2026, 3, 31))
    second = EvaluationFactory(partnership=partnership, evaluated_on=datetime.date(2026, 9, 30))
    empty = EvaluationFactory(partnership=partnership, evaluated_on=datetime.date(2026, 12, 31))
    save_scores(first, association, [ScoreRow(A, 4, "Local ouvert 2 j/sem"), ScoreRow(G, 3, "x")])
    save_scores(first, company, [ScoreRow(C, 2, "Peu de bénévoles"), ScoreRow(G, 4, "y")])
    save_scores(
        second, association, [ScoreRow(A, 5, "ok"), ScoreRow(C, 3, "ok"), ScoreRow(G, 4, "ok")]
    )
    save_scores(second, company, [ScoreRow(A, 4, "ok"), ScoreRow(C, 3, "ok"), ScoreRow(G, 5, "ok")])

    with scope(workspace=partnership.workspace):
        members = selectors.members_of(partnership)
        rounds = selectors.evaluation_rounds(partnership, members)
        chart = selectors.history_chart(partnership, rounds)
    assert [r.evaluation for r in rounds] == [first, second, empty]
    assert rounds[0].averages == [Decimal("4.00"), Decimal("2.00"), Decimal("3.50")]
    assert rounds[0].average == half_up(4 + 3 + 2 + 4, 4) == Decimal("3.25")
    assert rounds[1].averages == [Decimal("4.50"), Decimal("3.00"), Decimal("4.50")]
    assert rounds[1].average == half_up(24, 6) == Decimal("4.00")
    assert rounds[2].average is None
    # The chart plots the rounds with scores only, one line per dimension.
    assert [row[1] for row in chart.table.rows] == [
        (Decimal("4.00"), Decimal("2.00"), Decimal("3.50")),
        (Decimal("4.50"), Decimal("3.00"), Decimal("4.50")),
    ]
    assert chart.table.headers[1:] == (
        "Value for the association",
        "Return for the company",
        "Common good",
    )
    assert [row[0] for row in chart.table.rows] == ["03/31/2026", "09/30/2026"]
    assert 'role="img"' in chart.svg
    assert chart.drawing.y_range == (0.8, 5.2)  # the 1–5 scale, whatever the figures
    # The portfolio reads the latest round with scores, rounded half up.
    partnership = refreshed(partnership)
    assert partnership.evaluation_score == Decimal("4.00")
    assert partnership.evaluated_on == datetime.date(2026, 9, 30)


@settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(scores=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=3))
def test_latest_average_is_the_exact_mean_rounded_half_up(setting, scores):
    partnership, association, _ = setting
    evaluation = EvaluationFactory(partnership=partnership, evaluated_on=datetime.date(2027, 1, 1))
    rows = [ScoreRow(d.value, s, "preuve") for d, s in zip(Dimension, scores, strict=False)]
    save_scores(evaluation, association, rows)
    assert refreshed(partnership).evaluation_score == half_up(sum(scores), len(scores))
    with scope(workspace=partnership.workspace):
        services.evaluation_delete(evaluation, user=UserFactory())


def test_averages_round_half_up_not_to_even(setting):
    partnership, association, company = setting
    third = PartnershipMemberFactory(partnership=partnership)
    fourth = PartnershipMemberFactory(partnership=partnership)
    evaluation = EvaluationFactory(partnership=partnership)
    # 1 + 1 + 1 + 2 + 2 + 2 + 2 + 2 = 13 over 8 = 1.625 → 1.63 (to even would give 1.62).
    for member, values in (
        (association, (1, 1)),
        (company, (1, 2)),
        (third, (2, 2)),
        (fourth, (2, 2)),
    ):
        save_scores(evaluation, member, [ScoreRow(A, values[0], "e"), ScoreRow(G, values[1], "e")])
    assert refreshed(partnership).evaluation_score == Decimal("1.63")
    with scope(workspace=partnership.workspace):
        rounds = selectors.evaluation_rounds(partnership, selectors.members_of(partnership))
    assert rounds[0].average == Decimal("1.63")


def test_refresh_after_deleting_the_latest_round_and_its_scores(setting):
    partnership, association, _ = setting
    old = EvaluationFactory(partnership=partnership, evaluated_on=datetime.date(2026, 1, 31))
    new = EvaluationFactory(partnership=partnership, evaluated_on=datetime.date(2026, 6, 30))
    save_scores(old, association, [ScoreRow(A, 2, "début")])
    save_scores(new, association, [ScoreRow(A, 5, "fin")])
    assert refreshed(partnership).evaluation_score == Decimal("5.00")
    with scope(workspace=partnership.workspace):
        services.evaluation_delete(new, user=UserFactory(), expected_version=new.version)
        assert not EvaluationScore.objects.filter(evaluation_id=new.pk).exists()
    partnership = refreshed(partnership)
    assert (partnership.evaluation_score, partnership.evaluated_on) == (
        Decimal("2.00"),
        datetime.date(2026, 1, 31),
    )
    # Emptying the last scores leaves no evaluation at all.
    with scope(workspace=partnership.workspace):
        stored = EvaluationScore.objects.get(evaluation=old)
    save_scores(old, association, [ScoreRow(A, None, "", version=stored.version)])
    assert refreshed(partnership).evaluation_score is None


def test_refresh_after_a_round_moves_in_time(setting):
    partnership, association, _ = setting
    early = EvaluationFactory(partnership=partnership, evaluated_on=datetime.date(2026, 1, 31))
    late = EvaluationFactory(partnership=partnership, evaluated_on=datetime.date(2026, 6, 30))
    save_scores(early, association, [ScoreRow(A, 1, "a")])
    save_scores(late, association, [ScoreRow(A, 3, "b")])
    with scope(workspace=partnership.workspace):
        services.evaluation_update(
            early,
            user=UserFactory(),
            expected_version=early.version,
            evaluated_on=datetime.date(2026, 12, 1),
        )
    assert refreshed(partnership).evaluation_score == Decimal("1.00")


# --- rules -----------------------------------------------------------------------------------


@given(value=st.one_of(st.integers(max_value=0), st.integers(min_value=6)))
@settings(
    max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
def test_a_score_outside_1_to_5_is_refused_with_a_clear_message(setting, value):
    partnership, association, _ = setting
    evaluation = EvaluationFactory(partnership=partnership)
    with pytest.raises(services.RowError) as error:
        save_scores(evaluation, association, [ScoreRow(C, value, "preuve")])
    assert error.value.dimension == C
    assert "Give a score from 1 to 5" in error.value.message_dict["score"][0]
    with scopes_disabled():
        assert not EvaluationScore.objects.filter(evaluation=evaluation).exists()


@given(
    value=st.integers(min_value=-1000, max_value=1000).map(str)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=4)
)
@settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
def test_the_score_form_takes_1_to_5_only(setting, member_client, value):
    partnership, association, _ = setting
    evaluation = EvaluationFactory(partnership=partnership)
    response = member_client.post(
        url("evaluation_scores", partnership, evaluation.pk, association.pk),
        {f"{A}-score": value, f"{A}-evidence": "Deux ateliers tenus"},
    )
    with scopes_disabled():
        stored = list(EvaluationScore.objects.filter(evaluation=evaluation))
    if value in {"1", "2", "3", "4", "5"}:
        assert response.status_code == 302
        assert [s.score for s in stored] == [int(value)]
    elif value == "":
        assert response.status_code == 200  # evidence without a score
        assert "Give a score from 1 to 5, or empty the evidence." in response.content.decode()
    else:
        assert response.status_code == 200
        assert "Give a score from 1 to 5." in response.content.decode()
        assert stored == []


def test_evidence_is_required_with_a_score_and_nothing_is_half_written(setting, member_client):
    partnership, association, _ = setting
    evaluation = EvaluationFactory(partnership=partnership)
    response = member_client.post(
        url("evaluation_scores", partnership, evaluation.pk, association.pk),
        {
            f"{A}-score": "4",
            f"{A}-evidence": "Local ouvert",
            f"{C}-score": "3",
            f"{C}-evidence": "",
        },
    )
    assert response.status_code == 200
    assert "Say what supports this score" in response.content.decode()
    with scopes_disabled():
        assert not EvaluationScore.objects.filter(evaluation=evaluation).exists()
    # The service refuses it too, on the right row, and rolls back the rows before it.
    with pytest.raises(services.RowError) as error:
        save_scores(evaluation, association, [ScoreRow(A, 4, "ok"), ScoreRow(C, 3, "  ")])
    assert error.value.dimension == C and "evidence" in error.value.message_dict
    with scopes_disabled():
        assert not EvaluationScore.objects.filter(evaluation=evaluation).exists()


def test_one_score_per_member_dimension_and_round(setting):
    partnership, association, company = setting
    evaluation = EvaluationFactory(partnership=partnership)
    EvaluationScoreFactory(evaluation=evaluation, member=association, dimension=A, score=3)
    # The same member again on the same dimension of the same round: refused by the model...
    duplicate = EvaluationScore(
        workspace=partnership.workspace,
        evaluation=evaluation,
        partnership=partnership,
        member=association,
        dimension=A,
        score=4,
        evidence="again",
    )
    with scope(workspace=partnership.workspace), pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "This member already scored this dimension." in str(error.value)
    # ...and the service never creates a second one: without the stored version it is a
    # conflict (someone scored meanwhile), with it the score is updated in place.
    with pytest.raises(StaleObjectError):
        save_scores(evaluation, association, [ScoreRow(A, 4, "again")])
    with scopes_disabled():
        stored = EvaluationScore.objects.get(evaluation=evaluation, member=association)
    save_scores(evaluation, association, [ScoreRow(A, 4, "again", version=stored.version)])
    # Another member, another round or another dimension are fine.
    save_scores(evaluation, company, [ScoreRow(A, 2, "other side")])
    save_scores(evaluation, association, [ScoreRow(C, 2, "other dimension")])
    save_scores(EvaluationFactory(partnership=partnership), association, [ScoreRow(A, 1, "r")])
    with scopes_disabled():
        assert EvaluationScore.objects.filter(member=association, dimension=A).count() == 2
        assert (
            EvaluationScore.objects.get(
                evaluation=evaluation, member=association, dimension=A
            ).score
            == 4
        )


def test_a_member_of_another_partnership_cannot_score(setting):
    partnership, _, _ = setting
    stranger = PartnershipMemberFactory(workspace=partnership.workspace)
    evaluation = EvaluationFactory(partnership=partnership)
    with pytest.raises(ValidationError):
        save_scores(evaluation, stranger, [ScoreRow(A, 3, "x")])


def test_concurrent_edit_of_scores_answers_409(setting, member_client):
    partnership, association, _ = setting
    evaluation = EvaluationFactory(partnership=partnership)
    score = EvaluationScoreFactory(evaluation=evaluation, member=association, dimension=A)
    target = url("evaluation_scores", partnership, evaluation.pk, association.pk)
    data = {f"{A}-score": "2", f"{A}-evidence": "mine", f"{A}-version": str(score.version)}
    save_scores(evaluation, association, [ScoreRow(A, 5, "theirs", version=score.version)])
    response = member_client.post(target, data)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    with scopes_disabled():
        assert EvaluationScore.objects.get(pk=score.pk).score == 5


def test_linked_indicators_show_their_latest_value(setting, member_client):
    partnership, association, _ = setting
    workspace = partnership.workspace
    own = IndicatorFactory(workspace=workspace, name="Repas sauvés", unit="repas")
    shared = IndicatorFactory(workspace=workspace, name="Bénévoles actifs", unit="bénévoles")
    tracked = TrackedIndicatorFactory(
        workspace=workspace, indicator=own, subject_kind="partnership", subject_id=partnership.pk
    )
    MeasurementFactory(workspace=workspace, tracked=tracked, value=120)
    MeasurementFactory(
        workspace=workspace,
        tracked=tracked,
        value=340,
        period_start=datetime.date(2025, 4, 1),
        period_end=datetime.date(2025, 6, 30),
    )
    MeasurementFactory(
        workspace=workspace,
        tracked=TrackedIndicatorFactory(workspace=workspace, indicator=shared),
        value=18,
    )
    evaluation = EvaluationFactory(partnership=partnership)
    response = member_client.post(
        url("evaluation_scores", partnership, evaluation.pk, association.pk),
        {
            f"{G}-score": "4",
            f"{G}-evidence": "Repas sauvés",
            f"{G}-indicators": [own.pk, shared.pk],
        },
    )
    assert response.status_code == 302
    page = member_client.get(url("evaluations", partnership)).content.decode()
    assert "Repas sauvés: <strong>340\u00a0repas</strong>" in page
    assert "Bénévoles actifs: <strong>18\u00a0bénévoles</strong>" in page


def test_an_indicator_of_another_workspace_cannot_be_linked(setting, other_workspace):
    partnership, association, _ = setting
    foreign = IndicatorFactory(workspace=other_workspace)
    evaluation = EvaluationFactory(partnership=partnership)
    with pytest.raises(services.RowError) as error:
        save_scores(evaluation, association, [ScoreRow(A, 3, "x", indicators=[foreign])])
    assert "indicators" in error.value.message_dict


# --- pages -----------------------------------------------------------------------------------


def test_record_a_round_score_it_and_see_it_in_the_chart_table(setting, member_client):
    partnership, association, company = setting
    response = member_client.post(
        url("evaluation_create", partnership),
        {
            "evaluated_on": "2026-06-30",
            "title": "Fin de l'expérimentation",
            "notes": "",
            "version": 1,
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        evaluation = Evaluation.objects.get(partnership=partnership)
    for member, score in ((association, "4"), (company, "3")):
        response = member_client.post(
            url("evaluation_scores", partnership, evaluation.pk, member.pk),
            {f"{A}-score": score, f"{A}-evidence": "Ateliers tenus"},
        )
        assert response.status_code == 302
    page = member_client.get(url("evaluations", partnership)).content.decode()
    assert "Average score per dimension over time (1 to 5)" in page
    assert '<td class="text-end text-nowrap">3.50</td>' in page
    assert "average 3.50 out of 5" in page
    assert refreshed(partnership).evaluation_score == Decimal("3.50")


def test_edit_and_delete_a_round(setting, member_client):
    partnership, association, _ = setting
    evaluation = EvaluationFactory(partnership=partnership)
    save_scores(evaluation, association, [ScoreRow(A, 4, "x")])
    response = member_client.post(
        url("evaluation_edit", partnership, evaluation.pk),
        {
            "evaluated_on": "2026-07-01",
            "title": "Bilan",
            "notes": "",
            "version": evaluation.version,
        },
    )
    assert response.status_code == 302
    assert refreshed(partnership).evaluated_on == datetime.date(2026, 7, 1)
    assert (
        member_client.get(url("evaluation_delete", partnership, evaluation.pk)).status_code == 200
    )
    response = member_client.post(url("evaluation_delete", partnership, evaluation.pk))
    assert response.status_code == 302
    assert refreshed(partnership).evaluation_score is None


def test_a_round_of_another_partnership_is_404(setting, member_client):
    partnership, association, _ = setting
    other = EvaluationFactory(workspace=partnership.workspace)
    assert member_client.get(url("evaluation_edit", partnership, other.pk)).status_code == 404
    response = member_client.get(url("evaluation_scores", partnership, other.pk, association.pk))
    assert response.status_code == 404


def test_evaluations_page_query_count_is_constant(setting, member_client):
    partnership, association, company = setting
    indicator = IndicatorFactory(workspace=partnership.workspace)
    MeasurementFactory(
        workspace=partnership.workspace,
        tracked=TrackedIndicatorFactory(workspace=partnership.workspace, indicator=indicator),
    )

    def add_rounds(count):
        for index in range(count):
            evaluation = EvaluationFactory(
                partnership=partnership,
                evaluated_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=7 * index),
            )
            for member in (association, company):
                score = EvaluationScoreFactory(evaluation=evaluation, member=member, dimension=A)
                with scopes_disabled():
                    score.indicators.add(indicator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = member_client.get(url("evaluations", partnership))
        assert response.status_code == 200
        return len(queries)

    add_rounds(2)
    few = count()
    add_rounds(28)
    assert count() == few


# --- guests ----------------------------------------------------------------------------------


@pytest.fixture
def shared(setting):
    """The partnership shared with a guest speaking for the company."""
    partnership, association, company = setting
    share = PartnershipGuestFactory(partnership=partnership, member=company)
    return partnership, association, company, client_for(share.membership)


def test_a_guest_scores_its_own_side_only(shared):
    partnership, association, company, guest_client = shared
    evaluation = EvaluationFactory(partnership=partnership)
    own = url("evaluation_scores", partnership, evaluation.pk, company.pk)
    assert guest_client.get(own).status_code == 200
    response = guest_client.post(own, {f"{C}-score": "4", f"{C}-evidence": "Engagement salarié"})
    assert response.status_code == 302
    with scopes_disabled():
        assert EvaluationScore.objects.get(evaluation=evaluation).member == company
    other = url("evaluation_scores", partnership, evaluation.pk, association.pk)
    assert guest_client.get(other).status_code == 403
    assert guest_client.post(other, {f"{A}-score": "1", f"{A}-evidence": "x"}).status_code == 403
    page = guest_client.get(url("evaluations", partnership)).content.decode()
    assert own in page and other not in page
    assert url("evaluation_create", partnership) not in page


def test_a_guest_cannot_create_edit_or_delete_rounds(shared):
    partnership, _, _, guest_client = shared
    evaluation = EvaluationFactory(partnership=partnership)
    data = {"evaluated_on": "2026-06-30", "title": "Bilan", "version": 1}
    assert guest_client.get(url("evaluation_create", partnership)).status_code == 403
    assert guest_client.post(url("evaluation_create", partnership), data).status_code == 403
    assert (
        guest_client.post(url("evaluation_edit", partnership, evaluation.pk), data).status_code
        == 403
    )
    assert (
        guest_client.post(url("evaluation_delete", partnership, evaluation.pk)).status_code == 403
    )
    with scopes_disabled():
        assert Evaluation.objects.filter(partnership=partnership).count() == 1


def test_a_guest_sees_nothing_of_a_partnership_not_shared_with_it(shared):
    partnership, _, company, guest_client = shared
    other = PartnershipFactory(workspace=partnership.workspace)
    member = PartnershipMemberFactory(partnership=other)
    evaluation = EvaluationFactory(partnership=other)
    assert guest_client.get(url("evaluations", other)).status_code == 404
    target = url("evaluation_scores", other, evaluation.pk, member.pk)
    assert guest_client.get(target).status_code == 404
    assert guest_client.post(target, {f"{A}-score": "3", f"{A}-evidence": "x"}).status_code == 404
    # Its own member's id under a partnership not shared: 404 too.
    target = url("evaluation_scores", other, evaluation.pk, company.pk)
    assert guest_client.post(target, {f"{A}-score": "3", f"{A}-evidence": "x"}).status_code == 404


def test_a_plain_guest_of_the_workspace_sees_no_partnership(setting):
    partnership, _, _ = setting
    guest = MembershipFactory(workspace=partnership.workspace, role=Role.GUEST)
    assert client_for(guest).get(url("evaluations", partnership)).status_code == 404
