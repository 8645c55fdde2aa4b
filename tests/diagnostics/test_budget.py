"""Budget in days and euros vs time spent: exact Decimal arithmetic (used + remaining = budget
to the cent), percentages, over-budget flag, time spent CRUD and the list's budget column."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.diagnostics.models import TimeSpent
from maillage.diagnostics.selectors.engagements import Budget, budget, with_budget
from tests.factories import EngagementFactory, TimeSpentFactory

pytestmark = pytest.mark.django_db

cents = st.decimals(min_value=0, max_value=Decimal("9999.99"), places=2)


def url(name, workspace, *args):
    return reverse(f"diagnostics:{name}", args=[workspace.slug, *args])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    budget_amount=st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2),
    amounts=st.lists(cents, max_size=8),
    days=st.lists(st.decimals(min_value=0, max_value=Decimal("9.99"), places=2), max_size=8),
)
def test_used_plus_remaining_is_the_budget_to_the_cent(workspace, budget_amount, amounts, days):
    with scopes_disabled():
        engagement = EngagementFactory(
            workspace=workspace, budget_amount=budget_amount, budget_days=Decimal("25.00")
        )
        for index, amount in enumerate(amounts):
            TimeSpentFactory(
                engagement=engagement, amount=amount, days=days[index] if index < len(days) else 0
            )
        engagement.refresh_from_db()
        result = budget(engagement)
    assert result.amount_used == sum(amounts, Decimal("0"))
    assert result.amount_used + result.amount_remaining == budget_amount
    assert result.days_used + result.days_remaining == Decimal("25.00")
    assert result.amount_over == (sum(amounts, Decimal("0")) > budget_amount)
    assert isinstance(result.amount_used, Decimal)


def test_many_cents_add_up_exactly(workspace):
    engagement = EngagementFactory(workspace=workspace, budget_amount=Decimal("1.00"))
    for _ in range(10):
        TimeSpentFactory(engagement=engagement, amount=Decimal("0.10"), days=Decimal("0.10"))
    with scopes_disabled():
        result = budget(engagement)
        (listed,) = with_budget([engagement])
    assert result.amount_used == Decimal("1.00") and result.amount_remaining == 0
    assert result.amount_percent == Decimal("100.0") and not result.amount_over
    assert listed.budget.amount_used == Decimal("1.00")


def test_percent_and_over_budget():
    assert Budget(
        Decimal("25"), Decimal("25000"), Decimal("10"), Decimal("9000")
    ).days_percent == Decimal("40.0")
    over = Budget(Decimal("25"), Decimal("25000"), Decimal("26.5"), Decimal("24000"))
    assert over.days_over and over.over and not over.amount_over
    assert over.days_remaining == Decimal("-1.5")
    assert over.bar_percent == 100
    zero = Budget(Decimal("0"), Decimal("0"))
    assert zero.days_percent is None and zero.amount_percent is None and zero.bar_percent == 0


def test_time_spent_crud_and_page(member_client, workspace):
    engagement = EngagementFactory(workspace=workspace, budget_days=2, budget_amount=2000)
    response = member_client.post(
        url("time_create", workspace, engagement.pk),
        {
            "version": 1,
            "spent_on": "2026-02-03",
            "person": "Anne",
            "days": "2,5",
            "amount": "2 500,50",
            "description": "Entretiens",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        entry = TimeSpent.objects.get(engagement=engagement)
    assert entry.days == Decimal("2.50") and entry.amount == Decimal("2500.50")
    page = member_client.get(url("engagement", workspace, engagement.pk)).content.decode()
    assert "over budget" in page
    # a negative number names the field
    response = member_client.post(
        url("time_edit", workspace, engagement.pk, entry.pk),
        {"version": 1, "spent_on": "2026-02-03", "person": "Anne", "days": "-1", "amount": "0"},
    )
    assert response.status_code == 200
    assert "Enter 0.00 or more" in response.content.decode()
    response = member_client.post(
        url("time_edit", workspace, engagement.pk, entry.pk),
        {"version": 1, "spent_on": "2026-02-03", "person": "Anne", "days": "1", "amount": "1000"},
    )
    assert response.status_code == 302
    page = member_client.get(url("engagement", workspace, engagement.pk)).content.decode()
    assert "over budget" not in page
    # stale delete, then delete
    response = member_client.post(
        url("time_edit", workspace, engagement.pk, entry.pk), {"version": 1, "delete": "1"}
    )
    assert response.status_code == 409
    response = member_client.post(
        url("time_edit", workspace, engagement.pk, entry.pk), {"version": 2, "delete": "1"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert not TimeSpent.objects.exists()


def test_list_shows_budget_and_interviews(member_client, workspace):
    from tests.factories import InterviewFactory

    engagement = EngagementFactory(
        workspace=workspace, budget_days=10, budget_amount=1000, expected_interviews=22
    )
    TimeSpentFactory(engagement=engagement, days=Decimal("12"), amount=Decimal("100"))
    InterviewFactory(engagement=engagement, status="done", held_on=datetime.date(2026, 2, 1))
    InterviewFactory(engagement=engagement, status="planned", held_on=None)
    page = member_client.get(url("home", workspace)).content.decode()
    assert "1/22" in page
    assert "over budget" in page
