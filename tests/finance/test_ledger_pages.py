"""The ledger's pages: the list (filters, totals, pagination, export), a line and its allocations,
the account mapping and the assignment rules; who may do what."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from maillage.finance.models import AccountMapping, AssignmentRule, LedgerAllocation, LedgerLine
from tests.factories import (
    AssignmentRuleFactory,
    FundingAgreementFactory,
    LedgerAllocationFactory,
    LedgerLineFactory,
    ProjectFactory,
)


def url(workspace, name, *args, query=""):
    return reverse(f"finance:{name}", args=[workspace.slug, *args]) + (f"?{query}" if query else "")


@pytest.fixture
def ledger(workspace):
    """A few lines over two years, two journals; one assigned to JARDINS."""
    project = ProjectFactory(workspace=workspace, code="JARDINS")
    lines = {
        "tools": LedgerLineFactory(
            workspace=workspace, label="Outils JARDINS", debit=Decimal("120.50"), piece_ref="FA-1"
        ),
        "rent": LedgerLineFactory(
            workspace=workspace,
            label="Loyer mars",
            account_number="6132",
            category="61",
            debit=Decimal("800"),
        ),
        "supplier": LedgerLineFactory(
            workspace=workspace,
            label="Outils JARDINS",
            account_number="4010000",
            category="",
            debit=0,
            credit=Decimal("120.50"),
        ),
        "sale": LedgerLineFactory(
            workspace=workspace,
            journal_code="VE",
            journal_label="Ventes",
            label="Atelier vélo",
            account_number="706",
            category="70",
            entry_date=date(2024, 11, 5),
            debit=0,
            credit=Decimal("300"),
        ),
    }
    LedgerAllocationFactory(workspace=workspace, line=lines["tools"], project=project)
    return project, lines


def _labels(response) -> list[str]:
    return [line.label for line, _allocations, _share in response.context["rows"]]


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_lines_totals_and_links(member_client, workspace, ledger):
    _project, lines = ledger
    response = member_client.get(url(workspace, "ledger"))
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["totals"] == {
        "count": 4,
        "debit": Decimal("920.50"),
        "credit": Decimal("420.50"),
    }
    assert url(workspace, "ledger_line", lines["tools"].pk) in page
    assert "JARDINS 100 %" in page
    assert reverse("imports:upload", args=[workspace.slug]) + "?kind=fec" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("year=2024", ["Atelier vélo"]),
        ("journal=VE", ["Atelier vélo"]),
        ("account=613", ["Loyer mars"]),
        ("category=61", ["Loyer mars"]),
        ("category=none", ["Outils JARDINS"]),
        ("category=cash&assigned=no", ["Loyer mars", "Atelier vélo"]),
        ("assigned=yes", ["Outils JARDINS"]),
        ("assigned=no&year=2025", ["Loyer mars", "Outils JARDINS"]),
        ("q=fa-1", ["Outils JARDINS"]),
        ("q=outils&category=60", ["Outils JARDINS"]),
        ("year=1999&account=abc&category=zz", None),  # wrong values are ignored: every line
    ],
)
def test_filters(member_client, workspace, ledger, query, expected):
    response = member_client.get(url(workspace, "ledger", query=query))
    assert response.status_code == 200
    labels = sorted(_labels(response))
    assert labels == (
        sorted(expected)
        if expected is not None
        else sorted(["Outils JARDINS", "Loyer mars", "Outils JARDINS", "Atelier vélo"])
    )
    if expected:
        totals = response.context["totals"]
        assert totals["count"] == len(expected)


def test_filter_by_project(member_client, workspace, ledger):
    project, _lines = ledger
    response = member_client.get(url(workspace, "ledger", query=f"project={project.pk}"))
    assert _labels(response) == ["Outils JARDINS"]
    assert response.context["totals"]["debit"] == Decimal("120.50")


def test_the_list_is_paginated_by_50(member_client, workspace):
    LedgerLineFactory.create_batch(51, workspace=workspace)
    first = member_client.get(url(workspace, "ledger"))
    assert len(first.context["rows"]) == 50
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(member_client.get(url(workspace, "ledger", query="page=2")).context["rows"]) == 1


def test_a_guest_reads_but_sees_no_import_button(guest_client, workspace, ledger):
    response = guest_client.get(url(workspace, "ledger"))
    assert response.status_code == 200
    assert b"?kind=fec" not in response.content


def test_exports_follow_the_filter_and_carry_the_allocations(member_client, workspace, ledger):
    response = member_client.get(url(workspace, "ledger_export_csv", query="year=2025"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = text.strip().split("\r\n")
    assert rows[0].startswith("JournalCode;JournalLib;EcritureNum;EcritureDate")
    assert len(rows) == 4  # header + the three lines of 2025 (one allocation each at most)
    assert any("JARDINS" in row and ";100" in row for row in rows)
    response = member_client.get(url(workspace, "ledger_export_xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 5
    assert values[0][:4] == ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate")


# --- a line and its allocations ------------------------------------------------------------------


def test_the_line_page_shows_fields_entry_and_allocations(member_client, workspace):
    project = ProjectFactory(workspace=workspace, code="JARDINS")
    line = LedgerLineFactory(workspace=workspace, entry_number="AC7", label="Outils")
    LedgerLineFactory(
        workspace=workspace, entry_number="AC7", account_number="4010000", label="Fournisseur X"
    )
    LedgerLineFactory(workspace=workspace, entry_number="AC8", label="Another entry")
    LedgerAllocationFactory(workspace=workspace, line=line, project=project, share=60)
    page = member_client.get(url(workspace, "ledger_line", line.pk)).content.decode()
    for name in ("JournalCode", "EcritureNum", "PieceRef", "ValidDate", "Idevise"):
        assert name in page
    assert "Fournisseur X" in page and "Another entry" not in page
    assert "JARDINS" in page and "60.00 %" in page and "by hand" in page


def test_assigning_by_hand_and_going_beyond_100_percent(member_client, workspace):
    line = LedgerLineFactory(workspace=workspace)
    first, second = ProjectFactory(workspace=workspace), ProjectFactory(workspace=workspace)
    create = url(workspace, "ledger_allocation_create", line.pk)
    response = member_client.post(
        create, {"project": first.pk, "share": "100", "version": 1}, follow=True
    )
    assert "Line assigned." in response.content.decode()
    response = member_client.post(
        create, {"project": second.pk, "share": "50", "version": 1}, follow=True
    )
    page = response.content.decode()
    assert "now charged 150.00 % in all, beyond 100 %" in page
    with scopes_disabled():
        assert {a.rule_id for a in LedgerAllocation.objects.filter(line=line)} == {None}
        assert LedgerAllocation.objects.filter(line=line).count() == 2


def test_an_agreement_must_fund_the_project(member_client, workspace):
    line = LedgerLineFactory(workspace=workspace)
    project = ProjectFactory(workspace=workspace)
    response = member_client.post(
        url(workspace, "ledger_allocation_create", line.pk),
        {
            "project": project.pk,
            "agreement": FundingAgreementFactory(workspace=workspace).pk,
            "share": "100",
            "version": 1,
        },
    )
    assert response.status_code == 200
    assert "This agreement does not fund this project." in response.content.decode()


def test_edit_and_remove_an_allocation(member_client, workspace):
    allocation = LedgerAllocationFactory(workspace=workspace, share=100)
    edit = url(workspace, "ledger_allocation_edit", allocation.pk)
    data = {"project": allocation.project_id, "share": "40", "version": 1}
    assert member_client.post(edit, data).status_code == 302
    allocation.refresh_from_db()
    assert allocation.share == Decimal("40.00")
    stale = member_client.post(edit, data)  # version 1 again: someone saved in between
    assert stale.status_code == 409
    member_client.post(edit, {"delete": "1", "version": allocation.version})
    with scopes_disabled():
        assert not LedgerAllocation.objects.filter(pk=allocation.pk).exists()


def test_a_guest_cannot_assign(guest_client, workspace):
    line = LedgerLineFactory(workspace=workspace)
    project = ProjectFactory(workspace=workspace)
    create = url(workspace, "ledger_allocation_create", line.pk)
    assert guest_client.get(create).status_code == 403
    response = guest_client.post(create, {"project": project.pk, "share": "100", "version": 1})
    assert response.status_code == 403
    with scopes_disabled():
        assert not LedgerAllocation.objects.exists()


def test_a_foreign_line_is_a_404(member_client, workspace, other_workspace):
    foreign = LedgerLineFactory(workspace=other_workspace)
    assert member_client.get(url(workspace, "ledger_line", foreign.pk)).status_code == 404


# --- mapping and rules ---------------------------------------------------------------------------


def test_a_manager_maps_accounts_and_the_lines_follow(manager_client, member_client, workspace):
    line = LedgerLineFactory(workspace=workspace, account_number="62260000", category="62")
    create = url(workspace, "ledger_mapping_create")
    assert member_client.post(create, {"prefix": "6226", "category": "64"}).status_code == 403
    response = manager_client.post(
        create, {"prefix": "6226", "category": "64", "version": 1}, follow=True
    )
    assert "Accounts 6226… now go to 64" in response.content.decode()
    line.refresh_from_db()
    assert line.category == "64"
    with scopes_disabled():
        mapping = AccountMapping.objects.get(workspace=workspace)
    page = manager_client.get(url(workspace, "ledger_mappings")).content.decode()
    assert "6226…" in page and url(workspace, "ledger_mapping_edit", mapping.pk) in page
    manager_client.post(
        url(workspace, "ledger_mapping_edit", mapping.pk), {"delete": "1", "version": 1}
    )
    line.refresh_from_db()
    assert line.category == "62"


def test_a_manager_writes_reorders_and_applies_rules(manager_client, workspace):
    jardins = ProjectFactory(workspace=workspace, code="JARDINS")
    other = ProjectFactory(workspace=workspace, code="AUTRE")
    LedgerLineFactory(workspace=workspace, label="Outils JARDINS")
    create = url(workspace, "ledger_rule_create")
    empty = manager_client.post(create, {"project": jardins.pk, "share": "100", "version": 1})
    assert "at least one criterion" in empty.content.decode()
    for project, field in ((other, "account_prefix"), (jardins, "label_contains")):
        value = "606" if field == "account_prefix" else "jardins"
        data = {"project": project.pk, "share": "100", "version": 1, field: value}
        assert manager_client.post(create, data).status_code == 302
    with scopes_disabled():
        second = AssignmentRule.objects.get(project=jardins)
    manager_client.post(url(workspace, "ledger_rule_move", second.pk), {"direction": "up"})
    response = manager_client.post(url(workspace, "ledger_rules_apply"), follow=True)
    assert "1 line assigned by the rules." in response.content.decode()
    with scopes_disabled():
        assert LedgerAllocation.objects.get().project == jardins
    page = manager_client.get(url(workspace, "ledger_rules")).content.decode()
    assert "label contains" in page and "“jardins”" in page


def test_members_read_rules_but_only_managers_write_them(member_client, workspace):
    rule = AssignmentRuleFactory(workspace=workspace)
    assert member_client.get(url(workspace, "ledger_rules")).status_code == 200
    assert member_client.get(url(workspace, "ledger_rule_edit", rule.pk)).status_code == 403
    assert member_client.post(url(workspace, "ledger_rules_apply")).status_code == 403


def test_deleting_a_rule_says_what_it_removed(manager_client, workspace):
    rule = AssignmentRuleFactory(workspace=workspace)
    LedgerAllocationFactory(workspace=workspace, rule=rule)
    response = manager_client.post(
        url(workspace, "ledger_rule_edit", rule.pk), {"delete": "1", "version": 1}, follow=True
    )
    assert "Rule deleted with the 1 allocations it had made." in response.content.decode()
    with scopes_disabled():
        assert not LedgerLine.objects.filter(allocations__isnull=False).exists()
