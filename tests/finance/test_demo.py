"""The finance demo (`finance.demo.seed`): what the issue asks of it, and the checks it triggers."""

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scope

from maillage.finance import demo
from maillage.finance.checks import Kind, run_checks
from maillage.finance.models import (
    Funder,
    FundingAgreement,
    LedgerAllocation,
    LedgerLine,
    Person,
    Project,
    TimeEntry,
)
from tests.factories import UserFactory

TODAY = date(2026, 11, 30)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module (the FEC import and a year of hours take a few seconds)."""
    from tests.factories import WorkspaceFactory

    with django_db_blocker.unblock():
        workspace = WorkspaceFactory(slug="demo-finance")
        users = {"owner": UserFactory(), "manager": UserFactory()}
        with scope(workspace=workspace):
            result = demo.seed(workspace, users, today=TODAY)
        yield workspace, users, result
        with scope(workspace=workspace):
            workspace.delete()


def test_the_demo_has_what_the_issue_asks(seeded):
    workspace, _users, result = seeded
    assert result["created"] is True
    with scope(workspace=workspace):
        assert Project.objects.filter(workspace=workspace).count() == 3
        levels = set(
            Funder.objects.filter(workspace=workspace, source="public").values_list(
                "level", flat=True
            )
        )
        assert levels == {"state", "region", "department", "eu"}
        assert Funder.objects.filter(workspace=workspace, source="private_organisations").exists()
        assert Person.objects.filter(workspace=workspace, kind="employee").count() == 8
        assert Person.objects.filter(workspace=workspace, kind="volunteer").count() == 3
        entries = TimeEntry.objects.filter(workspace=workspace)
        assert entries.filter(date__year=2025).count() == entries.count() > 2000
        months = {d.month for d in entries.dates("date", "month")}
        assert months == set(range(1, 13))
        lines = LedgerLine.objects.filter(workspace=workspace)
        assert lines.count() == result["ledger_lines"] > 900
        # Every entry balances, and the rules put the analytic labels on their projects.
        assert sum(line.debit for line in lines) == sum(line.credit for line in lines)
        by_rules = LedgerAllocation.objects.filter(workspace=workspace, rule__isnull=False)
        assert by_rules.count() > 200


def test_the_checks_show_the_two_deliberate_mistakes(seeded):
    workspace, _users, _result = seeded
    with scope(workspace=workspace):
        findings = run_checks(workspace)
        fse = FundingAgreement.objects.get(workspace=workspace, reference="FSE-2025-AURA-0087")
    kinds = sorted(f.kind for f in findings)
    assert kinds == [Kind.ABOVE_MAX_RATE, Kind.LINE_OVER_ALLOCATED]
    double = next(f for f in findings if f.kind == Kind.LINE_OVER_ALLOCATED)
    assert double.amount == Decimal("2400.00")
    rate = next(f for f in findings if f.kind == Kind.ABOVE_MAX_RATE)
    assert rate.agreement_ids == {fse.pk}
    assert rate.amount > 0


def test_seeding_twice_adds_nothing(seeded):
    workspace, users, _result = seeded
    with scope(workspace=workspace):
        before = TimeEntry.objects.filter(workspace=workspace).count()
        assert demo.seed(workspace, users, today=TODAY) == {"created": False}
        assert TimeEntry.objects.filter(workspace=workspace).count() == before
