"""The finance dashboard and the finance block of the workspace's dashboard: reporting deadlines
due within 60 days or overdue (flagged), submitted ones gone; agreements ending; the year's
totals."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.finance.selectors.agreements import deadlines_due
from tests.factories import (
    FunderFactory,
    FundingAgreementFactory,
    InstalmentFactory,
    ProjectFactory,
    ReportingDeadlineFactory,
    ResourceFactory,
)

TODAY = timezone.localdate()


def _deadlines(workspace):
    funder = FunderFactory(workspace=workspace, name="Région Sud")
    agreement = FundingAgreementFactory(workspace=workspace, funder=funder, reference="SUD-42")
    refused = FundingAgreementFactory(workspace=workspace, funder=funder, status="refused")

    def make(days, label, **extra):
        return ReportingDeadlineFactory(
            workspace=workspace,
            agreement=extra.pop("agreement", agreement),
            due_on=TODAY + timedelta(days=days),
            label=label,
            **extra,
        )

    return {
        "overdue": make(-3, "Bilan en retard"),
        "soon": make(20, "Compte rendu intermédiaire"),
        "edge": make(60, "Dernier jour de l'horizon"),
        "later": make(61, "Trop loin"),
        "done": make(5, "Déjà envoyé", submitted_on=TODAY - timedelta(days=1)),
        "refused": make(10, "Demande refusée", agreement=refused),
    }


def test_the_deadlines_due_are_those_within_60_days_and_the_overdue(workspace):
    made = _deadlines(workspace)
    from django_scopes import scope

    with scope(workspace=workspace):
        rows = deadlines_due(workspace, TODAY)
    assert [row.deadline.label for row in rows] == [
        "Bilan en retard",
        "Compte rendu intermédiaire",
        "Dernier jour de l'horizon",
    ]
    assert [row.overdue for row in rows] == [True, False, False]
    assert rows[0].late_days == 3 and rows[1].days == 20
    assert made["later"].pk not in {row.deadline.pk for row in rows}


def test_the_dashboard_lists_them_with_agreement_and_funder(workspace, member_client):
    made = _deadlines(workspace)
    response = member_client.get(reverse("finance:home", args=[workspace.slug]))
    page = response.content.decode()
    assert [row.deadline for row in response.context["overdue"]] == [made["overdue"]]
    assert [row.deadline for row in response.context["upcoming"]] == [made["soon"], made["edge"]]
    assert "Bilan en retard" in page and "Overdue by 3 days" in page
    assert "list-group-item-danger deadline-overdue" in page
    assert "Due in 20 days" in page and "SUD-42" in page and "Région Sud" in page
    assert "Trop loin" not in page and "Déjà envoyé" not in page and "Demande refusée" not in page
    assert "INVALID_TEMPLATE_VARIABLE" not in page


def test_marking_a_deadline_submitted_from_the_dashboard_removes_it(workspace, member_client):
    made = _deadlines(workspace)
    response = member_client.post(
        reverse("finance:deadline_submit", args=[workspace.slug, made["overdue"].pk]),
        {"version": 1, "next": "dashboard"},
    )
    assert response["Location"] == reverse("finance:home", args=[workspace.slug])
    after = member_client.get(response["Location"])
    assert after.context["overdue"] == []
    assert "marked as submitted today" in after.content.decode()


def test_the_years_totals_and_the_agreements_ending(workspace, member_client):
    funder = FunderFactory(workspace=workspace)
    year = TODAY.year
    ending = FundingAgreementFactory(
        workspace=workspace,
        funder=funder,
        projects=[],
        reference="FIN-BIENTOT",
        amount_granted="1000.50",
        signed_on=date(year, 1, 2),
        start_date=date(year, 1, 1),
        end_date=TODAY + timedelta(days=30),
    )
    FundingAgreementFactory(
        workspace=workspace,
        funder=funder,
        reference="AN-DERNIER",
        projects=[],
        amount_granted="7000",
        signed_on=date(year - 1, 6, 1),
        start_date=date(year - 1, 1, 1),
        end_date=TODAY + timedelta(days=400),
    )
    FundingAgreementFactory(
        workspace=workspace,
        funder=funder,
        amount_granted="9999",
        projects=[],
        status="requested",
        start_date=date(year, 1, 1),
        end_date=date(year, 12, 31),
    )
    InstalmentFactory(
        workspace=workspace, agreement=ending, received_on=date(year, 1, 15), amount="400.24"
    )
    InstalmentFactory(
        workspace=workspace, agreement=ending, received_on=date(year - 1, 12, 31), amount="1"
    )
    ResourceFactory(workspace=workspace, year=year, amount="250")
    InstalmentFactory(
        workspace=workspace, agreement=ending, received_on=date(year, 2, 1), amount="0.01"
    )
    ProjectFactory(
        workspace=workspace,
        code="EN-COURS",
        start_date=TODAY - timedelta(days=10),
        end_date=TODAY + timedelta(days=10),
    )
    ProjectFactory(
        workspace=workspace, code="FINI", start_date=date(2000, 1, 1), end_date=date(2000, 12, 31)
    )
    response = member_client.get(reverse("finance:home", args=[workspace.slug]))
    figures = response.context["figures"]
    assert (figures.granted, figures.received, figures.resources) == (
        Decimal("1000.50"),
        Decimal("400.25"),
        Decimal("250.00"),
    )
    assert [a.reference for a in response.context["ending"]] == ["FIN-BIENTOT"]
    assert [p.code for p in response.context["running"]] == ["EN-COURS"]
    assert response.context["running_count"] == 1
    page = response.content.decode()
    assert "€1,000.50" in page and "€400.25" in page
    # An earlier year chosen in the selector: last year's agreement and instalment.
    response = member_client.get(reverse("finance:home", args=[workspace.slug]), {"year": year - 1})
    figures = response.context["figures"]
    assert (figures.year, figures.granted, figures.received) == (
        year - 1,
        Decimal("7000.00"),
        Decimal("1.00"),
    )
    assert f"Agreements signed in {year - 1}" in response.content.decode()
    # A year outside the agreements' years falls back to this year.
    response = member_client.get(reverse("finance:home", args=[workspace.slug]), {"year": 1900})
    assert response.context["figures"].year == year


def test_the_dashboard_links_every_section(workspace, member_client):
    page = member_client.get(reverse("finance:home", args=[workspace.slug])).content.decode()
    for name in ("projects", "agreements", "funders", "resources"):
        assert f'href="{reverse(f"finance:{name}", args=[workspace.slug])}"' in page


def test_the_workspace_dashboard_shows_the_deadlines_due(workspace, member_client):
    _deadlines(workspace)
    page = member_client.get(
        reverse("workspaces:dashboard", args=[workspace.slug])
    ).content.decode()
    assert "Reports due to funders" in page
    assert "Bilan en retard" in page and "list-group-item-danger" in page
    assert "Compte rendu intermédiaire" in page and "Région Sud" in page
    assert "Trop loin" not in page and "Déjà envoyé" not in page


def test_the_workspace_dashboard_says_nothing_of_finance_without_finance_data(
    workspace, member_client
):
    page = member_client.get(
        reverse("workspaces:dashboard", args=[workspace.slug])
    ).content.decode()
    assert "Reports due to funders" not in page
    ProjectFactory(workspace=workspace)
    page = member_client.get(
        reverse("workspaces:dashboard", args=[workspace.slug])
    ).content.decode()
    assert "No report due to a funder within 60 days." in page


def test_the_workspace_dashboard_keeps_a_constant_number_of_queries(workspace, member_client):
    url = reverse("workspaces:dashboard", args=[workspace.slug])
    _deadlines(workspace)
    member_client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(url).status_code == 200
        return len(queries)

    few = count()
    agreement = FundingAgreementFactory(workspace=workspace)
    for days in range(1, 12):
        ReportingDeadlineFactory(
            workspace=workspace, agreement=agreement, due_on=TODAY + timedelta(days=days)
        )
    assert count() == few
