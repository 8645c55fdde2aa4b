"""The funder report's downloads on the golden case, read back: XLSX (openpyxl), DOCX
(python-docx), PDF (pypdf) and JSON, in English and French; salaries only for members allowed to
see them; text cells safe from formula injection."""

import io
import json
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from maillage.finance.reports import cerfa_json, cerfa_layout
from maillage.workspaces.models import Role
from tests.conftest import client_for
from tests.factories import (
    BudgetLineFactory,
    LedgerAllocationFactory,
    LedgerLineFactory,
    MembershipFactory,
    VarianceExplanationFactory,
)

from . import golden

pytestmark = pytest.mark.django_db
D = Decimal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TIME_SECRETS_EN = ("€26.14", "€31.36", "€379.03", "€101.92", "€15.00")


@pytest.fixture
def case(workspace):
    case = golden.build(workspace)
    VarianceExplanationFactory(
        workspace=workspace,
        agreement=case["region"],
        line="68",
        text="Amortissement de la serre, non prévu au budget.",
    )
    return case


@pytest.fixture
def treasurer(workspace):
    return MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=True)


@pytest.fixture
def volunteer_member(workspace):
    return MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=False)


def download(membership, workspace, agreement, extension, **params):
    url = reverse(
        f"finance:agreement_report_{extension}",
        kwargs={"workspace_slug": workspace.slug, "pk": agreement.pk},
    )
    response = client_for(membership).get(url, params)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert f".{extension}" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    return response, b"".join(response.streaming_content)


def cents(value) -> Decimal:
    """A spreadsheet number (float) as the Decimal it stands for, to the cent."""
    return D(str(value)).quantize(D("0.01"))


# --- XLSX ------------------------------------------------------------------------------------


def rows_by_label(sheet) -> dict:
    return {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}


def test_xlsx_sheets_values_and_totals_to_the_cent(workspace, case, treasurer):
    response, content = download(treasurer, workspace, case["region"], "xlsx")
    assert response["Content-Type"] == XLSX
    assert "financial-report-region-25.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Financial report", "Detail", "Funding plan"]
    main = book["Financial report"]
    rows = rows_by_label(main)
    assert cents(rows["Claimable from this funder"][1]) == D("574.35")
    assert cents(rows["Eligible costs of the action"][1]) == D("1553.09")
    assert cents(rows["Amount granted"][1]) == D("20000.00")
    assert cents(rows["64 – Staff costs"][2]) == D("480.95")
    assert cents(rows["Indirect charges allocated to the action (flat rate)"][2]) == D("72.14")
    assert cents(rows["Total charges"][2]) == D("1853.09")
    assert cents(rows["74 – Operating subsidies"][2]) == D("939.98")
    assert cents(rows["Region(s)"][2]) == D("574.35")
    assert cents(rows["Private funders (foundations, companies)"][2]) == D("365.63")
    assert cents(rows["Total products"][2]) == D("2939.98")
    assert cents(rows["86 – Use of voluntary contributions in kind"][2]) == D("60.00")
    assert cents(rows["87 – Voluntary contributions in kind"][2]) == D("60.00")
    assert rows["68 – Depreciation and provisions"][5] == (
        "Amortissement de la serre, non prévu au budget."
    )
    assert rows["70 – Sales of goods and services"][5] == "Explanation needed"
    # Numbers are numbers, in euros; the form's order: charges, total, 86, then products.
    labels = [row[0] for row in main.iter_rows(values_only=True)]
    assert (
        labels.index("Total charges")
        < labels.index("86 – Use of voluntary contributions in kind")
        < labels.index("70 – Sales of goods and services")
    )
    for row in main.iter_rows():
        if row[0].value == "Total charges":
            assert isinstance(row[2].value, int | float) and "€" in row[2].number_format
            assert row[0].font.bold
        if row[0].value == "Region(s)":
            assert row[0].alignment.indent == 2
    # The detail: every item with its line, adding up to the line.
    detail = book["Detail"]
    header, *items = list(detail.iter_rows(values_only=True))
    assert header[0] == "Line" and header[-1] == "Amount"
    totals = defaultdict(Decimal)
    for item in items:
        if item[0] and item[-1] is not None:
            totals[item[0]] += cents(item[-1])
    assert totals == {
        "60": D("500.00"),
        "62": D("500.00"),
        "64": D("480.95"),
        "68": D("300.00"),
        "86": D("60.00"),
        "70": D("2000.00"),
    }
    alice = next(item for item in items if item[4] == "Alice Martin")
    assert (cents(alice[5]), cents(alice[6]), cents(alice[-1])) == (
        D("14.50"),
        D("26.14"),
        D("379.03"),
    )
    fees = next(item for item in items if item[9] == "6226")
    assert (cents(fees[10]), cents(fees[-1])) == (D("50.00"), D("500.00"))
    # The funding plan, by category, adding up.
    plan = list(book["Funding plan"].iter_rows(values_only=True))
    assert plan[0] == (
        "Eligible category",
        "Eligible costs",
        "REGION-25",
        "FONDATION-25",
        "The association's own funds",
    )
    staff = next(row for row in plan if row[0] == "64 – Staff costs")
    assert [cents(v) for v in staff[1:]] == [D("480.95"), D("151.61"), D("215.63"), D("113.71")]
    total = next(row for row in plan if row[0] == "Total")
    assert [cents(v) for v in total[1:]] == [D("1480.95"), D("551.61"), D("365.63"), D("563.71")]


def test_xlsx_in_french_keeps_the_forms_sheet_names(workspace, case, treasurer):
    _, content = download(treasurer, workspace, case["region"], "xlsx", language="fr")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Compte rendu", "Détail", "Plan de financement"]
    values = [v for row in book["Compte rendu"].iter_rows(values_only=True) for v in row]
    assert "Réalisé" in values  # "Actual", from the catalogue
    assert 574.35 in values


def test_xlsx_without_the_permission_has_no_rate_or_time_amount(workspace, case, volunteer_member):
    _, content = download(volunteer_member, workspace, case["region"], "xlsx")
    book = load_workbook(io.BytesIO(content))
    _header, *items = list(book["Detail"].iter_rows(values_only=True))
    time_rows = [item for item in items if item[4] in ("Alice Martin", "Bob Petit", "Vera Blanc")]
    assert len(time_rows) == 3
    for item in time_rows:
        assert item[5] is not None  # the hours
        assert item[6] is None and item[-1] is None  # no rate, no amount
    every_number = {
        cents(v)
        for sheet in book
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if isinstance(v, int | float)
    }
    assert not every_number & {D("26.14"), D("31.36"), D("379.03"), D("101.92")}
    # The line's total stays.
    assert cents(rows_by_label(book["Financial report"])["64 – Staff costs"][2]) == D("480.95")


def test_xlsx_text_cells_never_become_formulas(workspace, case, treasurer):
    VarianceExplanationFactory(
        workspace=workspace, agreement=case["region"], line="70", text='=HYPERLINK("http://x")'
    )
    line = LedgerLineFactory(
        workspace=workspace,
        account_number="6068",
        category="60",
        debit=D("10.00"),
        label="@SUM(A1:A9)",
        piece_ref="+33",
        entry_date=golden.MARCH.replace(day=20),
    )
    LedgerAllocationFactory(workspace=workspace, line=line, project=case["project"], share=100)
    _, content = download(treasurer, workspace, case["region"], "xlsx")
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    dangerous = [c for c in cells if isinstance(c.value, str) and c.value.lstrip("'")[:1] in "=+@"]
    assert {c.value for c in dangerous} >= {
        '\'=HYPERLINK("http://x")',
        "'@SUM(A1:A9)",
        "'+33",
    }
    assert all(c.data_type == "s" and c.value.startswith("'") for c in dangerous)


# --- DOCX ------------------------------------------------------------------------------------


def docx_text(content: bytes) -> tuple[str, list[list[str]]]:
    document = Document(io.BytesIO(content))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    rows = [
        [cell.text.replace("\xa0", " ") for cell in row.cells]
        for table in document.tables
        for row in table.rows
    ]
    return paragraphs, rows


def test_docx_has_the_form_the_explanations_the_plan_and_the_signature(workspace, case, treasurer):
    response, content = download(treasurer, workspace, case["region"], "docx")
    assert response["Content-Type"] == DOCX
    paragraphs, rows = docx_text(content)
    assert "Financial report of the funded action (CERFA 15059)" in paragraphs
    assert ["Total charges", "€0.00", "€1,853.09", "—", "+€1,853.09"] in rows
    assert ["Region(s)", "€0.00", "€574.35", "—", "+€574.35"] in rows
    assert ["Total products", "€0.00", "€2,939.98", "—", "+€2,939.98"] in rows
    assert ["Claimable from this funder", "€574.35"] in rows
    assert ["64 – Staff costs", "€480.95", "€151.61", "€215.63", "€113.71"] in rows
    assert "Amortissement de la serre, non prévu au budget." in paragraphs
    assert "No explanation given yet." in paragraphs  # 70, among others
    assert "I certify that the information in this financial report is accurate." in paragraphs
    assert ["Alice Martin", "03/03/2025 – 03/04/2025", "14.50 h", "€26.14", "€379.03"] in rows
    assert "Annex: detail of the lines" in paragraphs


def test_docx_without_the_permission(workspace, case, volunteer_member):
    _, content = download(volunteer_member, workspace, case["region"], "docx")
    paragraphs, rows = docx_text(content)
    flat = paragraphs + "\n".join("|".join(row) for row in rows)
    assert ["Alice Martin", "03/03/2025 – 03/04/2025", "14.50 h"] in rows
    for secret in TIME_SECRETS_EN:
        assert secret not in flat
    assert ["64 – Staff costs", "€0.00", "€480.95", "—", "+€480.95"] in rows


# --- PDF -------------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"[\u202f\u00a0]", " ", text)


def test_pdf_in_english_has_the_totals_and_numbered_pages(workspace, case, treasurer):
    response, content = download(treasurer, workspace, case["region"], "pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(content)
    pages = len(PdfReader(io.BytesIO(content)).pages)
    assert pages >= 2
    assert f"Page 1 / {pages}" in text and f"Page {pages} / {pages}" in text
    for figure in ("€1,853.09", "€2,939.98", "€574.35", "€365.63", "€1,553.09", "€1,086.89"):
        assert figure in text
    assert "Amortissement de la serre" in text
    assert "I certify that the information in this financial report is accurate." in text
    assert "€26.14" in text and "€379.03" in text


def test_pdf_in_french(workspace, case, treasurer, client):
    _, content = download(treasurer, workspace, case["region"], "pdf", language="fr")
    text = pdf_text(content)
    for figure in ("1 853,09 €", "2 939,98 €", "574,35 €", "365,63 €", "1 553,09 €"):
        assert figure in text
    assert "Réalisé" in text
    assert "€1,853.09" not in text


def test_pdf_follows_the_interface_language(workspace, case, treasurer, settings):
    client = client_for(treasurer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    url = reverse(
        "finance:agreement_report_pdf",
        kwargs={"workspace_slug": workspace.slug, "pk": case["region"].pk},
    )
    response = client.get(url)
    assert "574,35 €" in pdf_text(b"".join(response.streaming_content))


def test_pdf_without_the_permission(workspace, case, volunteer_member):
    _, content = download(volunteer_member, workspace, case["region"], "pdf")
    text = pdf_text(content)
    assert "Alice Martin" in text and "14.50 h" in text
    for secret in TIME_SECRETS_EN:
        assert secret not in text
    assert "€480.95" in text


# --- JSON ------------------------------------------------------------------------------------


def all_lines(data) -> list[dict]:
    return [
        *data["charges"],
        data["charges_total"],
        data["in_kind_use"],
        *data["products"],
        data["products_total"],
        data["in_kind_source"],
    ]


def test_json_lines_items_totals_plan_and_findings(workspace, case, treasurer):
    response, content = download(treasurer, workspace, case["region"], "json")
    assert response["Content-Type"] == "application/json"
    data = json.loads(content)
    assert data["salaries_shown"] is True
    assert data["agreement"]["reference"] == "REGION-25"
    assert data["totals"] == {
        "received": "0.00",
        "eligible": "1553.09",
        "charged": "574.35",
        "claimable": "574.35",
        "charges_planned": "0.00",
        "charges_actual": "1853.09",
        "products_planned": "0.00",
        "products_actual": "2939.98",
        "planned_balance": "0.00",
        "balance": "1086.89",
        "in_kind_use": "60.00",
        "in_kind_source": "60.00",
    }
    lines = {line["key"]: line for line in all_lines(data)}
    assert lines["74:region"]["actual"] == "574.35" and lines["74:region"]["level"] == 1
    assert lines["68"]["explanation"] == "Amortissement de la serre, non prévu au budget."
    assert lines["68"]["needs_explanation"] is True
    assert "68" not in data["missing_explanations"] and "70" in data["missing_explanations"]
    for line in all_lines(data):
        assert set(line) >= {"key", "label", "planned", "actual", "ratio", "explanation"}
        if line["items"]:
            assert sum(D(item["amount"]) for item in line["items"]) == D(line["actual"])
    alice = lines["64"]["items"][0]
    assert (alice["label"], alice["hours"], alice["rate"], alice["amount"]) == (
        "Alice Martin",
        "14.50",
        "26.14",
        "379.03",
    )
    assert alice["person_id"] == case["alice"].pk
    fees = lines["62"]["items"][0]
    assert (fees["account"], fees["share"], fees["amount"]) == ("6226", "50.00", "500.00")
    staff = next(row for row in data["funding_plan"]["rows"] if row["category"] == "64")
    assert (staff["this"], staff["others"], staff["own"]) == (
        "151.61",
        {"FONDATION-25": "215.63"},
        "113.71",
    )
    assert data["findings"] == []


def test_json_without_the_permission(workspace, case, volunteer_member):
    _, content = download(volunteer_member, workspace, case["region"], "json")
    data = json.loads(content)
    assert data["salaries_shown"] is False
    lines = {line["key"]: line for line in all_lines(data)}
    for key in ("64", "86"):
        for item in lines[key]["items"]:
            assert item["kind"] == "time"
            assert item["rate"] is None and item["amount"] is None and item["hours"]
    assert lines["64"]["actual"] == "480.95"
    assert lines["62"]["items"][0]["amount"] == "500.00"  # ledger shares stay
    text = content.decode()
    for secret in ("26.14", "31.36", "379.03", "101.92"):
        assert secret not in text


def test_report_as_dict_is_exact_with_many_decimals(workspace, case):
    BudgetLineFactory(workspace=workspace, project=case["project"], category="60", amount=450)
    with scope(workspace=workspace):
        report = cerfa_layout.build(case["region"], "en")
    data = cerfa_json.report_as_dict(report, sensitive=True)
    purchases = data["charges"][0]
    assert (purchases["planned"], purchases["actual"], purchases["ratio"]) == (
        "450.00",
        "500.00",
        "111.1",
    )
    assert purchases["variance"] == "50.00"
    json.dumps(data)  # nothing but JSON types
