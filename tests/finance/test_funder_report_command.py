"""`manage.py funder_report`: every format, the language, the salaries, and clear errors."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from . import golden

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(workspace):
    return golden.build(workspace)


def run(*args) -> str:
    out = io.StringIO()
    call_command("funder_report", *args, stdout=out)
    return out.getvalue()


def test_json_on_the_standard_output(workspace, case):
    output = run("--workspace", workspace.slug, "--agreement", "REGION-25", "--format", "json")
    data = json.loads(output)
    assert data["agreement"]["reference"] == "REGION-25"
    assert data["totals"]["claimable"] == "574.35"
    assert data["charges_total"]["actual"] == "1853.09"
    staff = next(line for line in data["charges"] if line["key"] == "64")
    assert staff["items"][0]["rate"] == "26.14"  # whoever runs it reads the database


def test_json_to_a_file_without_salaries(workspace, case, tmp_path):
    target = tmp_path / "report.json"
    output = run(
        "--workspace", workspace.slug, "--agreement", "region-25", "--format", "json",
        "--output", str(target), "--hide-salaries",
    )  # fmt: skip
    assert str(target) in output
    data = json.loads(target.read_text(encoding="utf-8"))
    staff = next(line for line in data["charges"] if line["key"] == "64")
    assert [item["rate"] for item in staff["items"]] == [None, None]
    assert [item["amount"] for item in staff["items"]] == [None, None]
    assert staff["actual"] == "480.95"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_xlsx(workspace, case, tmp_path, language):
    target = tmp_path / "report.xlsx"
    run(
        "--workspace", workspace.slug, "--agreement", "REGION-25", "--format", "xlsx",
        "--output", str(target), "--language", language,
    )  # fmt: skip
    book = load_workbook(target)
    expected = "Compte rendu" if language == "fr" else "Financial report"
    assert book.sheetnames[0] == expected
    values = [v for row in book[expected].iter_rows(values_only=True) for v in row]
    assert Decimal(str(next(v for v in values if v == 1853.09))) == Decimal("1853.09")


def test_docx(workspace, case, tmp_path):
    target = tmp_path / "report.docx"
    run(
        "--workspace", workspace.slug, "--agreement", "REGION-25", "--format", "docx",
        "--output", str(target), "--language", "en",
    )  # fmt: skip
    assert zipfile.is_zipfile(target)
    document = Document(str(target))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "€574.35" in cells and "€1,853.09" in cells


def test_pdf_in_french_by_default(workspace, case, tmp_path):
    target = tmp_path / "report.pdf"
    run(
        "--workspace", workspace.slug, "--agreement", "REGION-25", "--format", "pdf",
        "--output", str(target),
    )  # fmt: skip
    content = target.read_bytes()
    assert content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "574,35" in text and "1\u202f853,09" in text.replace("\xa0", "\u202f")


def test_a_document_without_output_gets_its_usual_name(workspace, case, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    output = run(
        "--workspace", workspace.slug, "--agreement", "REGION-25", "--format", "xlsx",
        "--language", "en",
    )  # fmt: skip
    assert (tmp_path / "financial-report-region-25.xlsx").exists()
    assert "financial-report-region-25.xlsx" in output


def test_an_unknown_reference_is_a_clear_error(workspace, case):
    with pytest.raises(CommandError) as error:
        run("--workspace", workspace.slug, "--agreement", "NOPE-99", "--format", "json")
    assert "No agreement with the reference 'NOPE-99'" in str(error.value)
    assert "FONDATION-25, REGION-25" in str(error.value)


def test_an_unknown_workspace_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No workspace with the slug 'nowhere'"):
        run("--workspace", "nowhere", "--agreement", "REGION-25", "--format", "json")


def test_another_workspaces_agreement_is_not_found(workspace, other_workspace, case):
    with pytest.raises(CommandError, match="No agreement"):
        run("--workspace", other_workspace.slug, "--agreement", "REGION-25", "--format", "json")


def test_an_unwritable_output_is_a_clear_error(workspace, case, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        run(
            "--workspace", workspace.slug, "--agreement", "REGION-25", "--format", "xlsx",
            "--output", str(tmp_path / "missing-directory" / "report.xlsx"),
        )  # fmt: skip
