"""Exports of the impact module: CSV/XLSX in the import's columns, round trip, safety, views."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from maillage.core.exports import iter_csv, write_xlsx
from maillage.core.imports import run_import_file
from maillage.core.models import AuditEvent
from maillage.impact.importers import IndicatorImporter, MeasurementImporter, TargetImporter
from maillage.impact.models import Indicator, Measurement, Target
from maillage.impact.views import exports
from tests.conftest import client_for
from tests.factories import ActorFactory, MeasurementFactory, MembershipFactory
from tests.impact.test_imports import (  # noqa: F401
    INDICATORS,
    MEASUREMENTS,
    gender,
    indicators,
    sdg_targets,
)

pytestmark = pytest.mark.django_db

KINDS = {
    "indicators": (IndicatorImporter, exports.indicator_table_columns),
    "targets": (TargetImporter, exports.target_table_columns),
    "measurements": (MeasurementImporter, exports.measurement_table_columns),
}


def records(workspace, kind, **options):
    with scope(workspace=workspace):
        if kind == "indicators":
            return exports.indicator_records(
                workspace, Indicator.objects.filter(workspace=workspace)
            )
        if kind == "targets":
            return exports.target_records(workspace, chunk_size=2, **options)
        return exports.measurement_records(workspace, chunk_size=2, **options)


def csv_text(workspace, kind, **options) -> str:
    # Consumed outside the scope, as a streamed response is.
    return "".join(iter_csv(KINDS[kind][1](), records(workspace, kind, **options)))


def xlsx_bytes(workspace, kind) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, KINDS[kind][1](), records(workspace, kind))
    return buffer.getvalue()


def reimport(workspace, kind, data, filename):
    with scope(workspace=workspace):
        return run_import_file(KINDS[kind][0](workspace=workspace), data, filename, commit=True)


def rows_of(text: str) -> list[dict]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def data(workspace, member, indicators, gender):  # noqa: F811
    """Targets and measurements of every kind, for the workspace and an actor, one with a
    would-be formula in its text."""
    actor = ActorFactory(workspace=workspace, name="Les Ateliers")
    with scope(workspace=workspace):
        report = run_import_file(
            MeasurementImporter(workspace=workspace, user=member.user),
            (
                MEASUREMENTS
                + f'EMP-01;actor:{actor.pk};2025-Q1;;7,5;;;;=HYPERLINK("http://x");;;'
                + '"Genre: Femmes=2,5; Genre: Hommes=5"\n'
                + "MOY-01;;2025-Q2;;-3;;;;-3 compared with Q1;;;\n"
            ).encode(),
            "m.csv",
            commit=True,
        )
        assert report.committed and not report.errors, report.errors
        report = run_import_file(
            TargetImporter(workspace=workspace, user=member.user),
            (
                "indicator;subject;period;target value;target (text);note\n"
                "EMP-01;;2025-Q1;120;;@convention\n"
                f"EMP-01;actor:{actor.pk};2025-Q1;10,25;;\n"
                "QUAL-01;;2025;;Des bénévoles qui restent;\n"
            ).encode(),
            "t.csv",
            commit=True,
        )
        assert report.committed and not report.errors, report.errors
    return actor


def test_indicators_csv_imports_back_unchanged(workspace, member, gender, sdg_targets):  # noqa: F811
    with scope(workspace=workspace):
        report = run_import_file(
            IndicatorImporter(workspace=workspace, user=member.user),
            INDICATORS.encode() + b"=CMD;@SUM(A1);;;;;;;;;;;;\n",
            "i.csv",
            commit=True,
        )
    assert report.committed and not report.errors, report.errors
    text = csv_text(workspace, "indicators")
    rows = {row["Code"]: row for row in rows_of(text)}
    assert list(rows) == ["'=CMD", "EMP-01", "QUAL-01", "TAUX-01"]
    assert rows["'=CMD"]["Name"] == "'@SUM(A1)"  # formula injection neutralised
    emp = rows["EMP-01"]
    assert (emp["Kind"], emp["Aggregation"], emp["Frequency"]) == ("quantitative", "sum", "quarter")
    assert (emp["SDG goals"], emp["SDG targets"], emp["Breakdown dimensions"]) == (
        "1, 4, 8",
        "4.4; 8.5",
        "Genre",
    )
    assert emp["External codes"] == "IRIS+ PI4060 | VALOR'ESS"
    assert (rows["TAUX-01"]["Ratio as a percentage"], rows["TAUX-01"]["Decimal places"]) == (
        "yes",
        "1",
    )
    again = reimport(workspace, "indicators", text.encode("utf-8"), "export.csv")
    assert not again.errors, again.errors
    assert (again.total, again.create, again.update, again.unchanged) == (4, 0, 0, 4)
    with scopes_disabled():
        assert Indicator.objects.get(workspace=workspace, code="=CMD").name == "@SUM(A1)"


def test_targets_and_measurements_csv_import_back_unchanged(workspace, data):
    measurements = csv_text(workspace, "measurements")
    rows = rows_of(measurements)
    assert list(rows[0]) == [str(c.label) for c in MeasurementImporter.columns]
    by_key = {(r["Indicator code"], r["Subject"], r["Period"]): r for r in rows}
    first = by_key["EMP-01", "workspace", "2025-Q1"]
    assert (first["Status"], first["Value"], first["Measured on"]) == (
        "measured",
        "20",
        "2025-04-15",
    )
    assert first["Breakdowns"] == "Genre: Femmes=12; Genre: Hommes=8"
    assert (
        by_key["EMP-01", f"actor:{data.pk}", "2025-Q1"]["Narrative"] == '\'=HYPERLINK("http://x")'
    )
    assert by_key["MOY-01", "workspace", "2025-Q1"]["Value"] == "12,5"  # a decimal comma
    assert by_key["MOY-01", "workspace", "2025-Q2"]["Value"] == "-3"  # a number, not quoted
    assert by_key["MOY-01", "workspace", "2025-Q2"]["Narrative"] == "'-3 compared with Q1"
    ratio = by_key["TAUX-01", "workspace", "2025-Q1"]
    assert (ratio["Numerator"], ratio["Denominator"], ratio["Value"]) == ("45", "60", "75")
    assert by_key["QUAL-01", "workspace", "2025"]["Observation"] == "Des bénévoles fidèles"
    assert by_key["EMP-01", "workspace", "2025-Q2"]["Status"] == "not_measured"
    report = reimport(workspace, "measurements", measurements.encode(), "export.csv")
    assert not report.errors, report.errors
    assert (report.total, report.create, report.update, report.unchanged) == (7, 0, 0, 7)
    with scopes_disabled():
        narrative = Measurement.objects.get(workspace=workspace, tracked__subject_id=data.pk)
        assert narrative.narrative == '=HYPERLINK("http://x")'

    targets = csv_text(workspace, "targets")
    rows = rows_of(targets)
    assert [(r["Indicator code"], r["Subject"], r["Period"], r["Target value"]) for r in rows] == [
        ("EMP-01", "workspace", "2025-Q1", "120"),
        ("EMP-01", f"actor:{data.pk}", "2025-Q1", "10,25"),
        ("QUAL-01", "workspace", "2025", ""),
    ]
    assert rows[0]["Note"] == "'@convention"
    report = reimport(workspace, "targets", targets.encode(), "export.csv")
    assert not report.errors, report.errors
    assert (report.total, report.unchanged) == (3, 3)


def test_xlsx_exports_import_back_unchanged_and_never_hold_formulas(workspace, data):
    content = xlsx_bytes(workspace, "measurements")
    sheet = load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    narrative = header.index("Narrative")
    value = header.index("Value")
    rows = list(sheet.iter_rows(min_row=2))
    formula = next(row for row in rows if "HYPERLINK" in (row[narrative].value or ""))
    assert formula[narrative].data_type == "s"  # a string, never a formula
    assert formula[value].data_type == "n" and formula[value].value == 7.5
    report = reimport(workspace, "measurements", content, "export.xlsx")
    assert not report.errors, report.errors
    assert (report.total, report.unchanged) == (7, 7)
    for kind in ("targets", "indicators"):
        report = reimport(workspace, kind, xlsx_bytes(workspace, kind), "export.xlsx")
        assert not report.errors, report.errors
        assert report.unchanged == report.total > 0


def test_an_export_in_french_imports_back_unchanged(workspace, data):
    with translation.override("fr"):
        text = csv_text(workspace, "measurements")
        assert "Genre: Femmes=2,5; Genre: Hommes=5" in text
        report = reimport(workspace, "measurements", text.encode(), "export.csv")
    assert not report.errors, report.errors
    assert report.unchanged == report.total == 7


def test_a_changed_export_updates_only_the_changed_row(workspace, data):
    text = csv_text(workspace, "measurements").replace(";12,5;", ";13;")
    report = reimport(workspace, "measurements", text.encode(), "export.csv")
    assert (report.update, report.unchanged) == (1, 6)
    with scopes_disabled():
        assert Measurement.objects.filter(workspace=workspace, value=13).count() == 1


def test_records_cost_queries_per_indicator_and_page_never_per_row(workspace, data, indicators):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def read():
        with scope(workspace=workspace):
            rows = exports.measurement_records(workspace, chunk_size=100)
        with CaptureQueriesContext(connection) as queries:
            found = list(rows)
        return len(found), len(queries)

    count, few = read()
    with scopes_disabled():
        tracked = indicators["MOY-01"].tracks.get()
    for month in (1, 4, 7, 10):
        MeasurementFactory(
            workspace=workspace,
            tracked=tracked,
            period_start=date(2024, month, 1),
            period_end=date(2024, month + 2, 30 if month in (4, 7) else 31),
            value=Decimal(month),
        )
    assert read() == (count + 4, few)


# --- views -------------------------------------------------------------------------------------


def url(workspace, name, query=""):
    path = reverse(f"impact:{name}", kwargs={"workspace_slug": workspace.slug})
    return f"{path}?{query}" if query else path


def body(response) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)
    return response.content


def test_csv_views_stream_and_filter_by_indicator(workspace, data, guest, indicators):  # noqa: F811
    client = client_for(guest)
    response = client.get(url(workspace, "export_measurements_csv"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"impact-measurements-{workspace.slug}-" in response["Content-Disposition"]
    assert len(rows_of(body(response).decode("utf-8"))) == 7
    emp = indicators["EMP-01"]
    response = client.get(url(workspace, "export_measurements_csv", f"indicator={emp.pk}"))
    assert {r["Indicator code"] for r in rows_of(body(response).decode())} == {"EMP-01"}
    response = client.get(url(workspace, "export_targets_csv", f"indicator={emp.pk}"))
    assert len(rows_of(body(response).decode())) == 2
    response = client.get(url(workspace, "export_indicators_csv", f"indicator={emp.pk}"))
    assert [r["Code"] for r in rows_of(body(response).decode())] == ["EMP-01"]
    assert client.get(url(workspace, "export_measurements_csv", "indicator=x")).status_code == 404
    with scopes_disabled():
        assert AuditEvent.objects.filter(
            workspace=workspace, changes__export="impact_measurements"
        ).exists()


def test_xlsx_views(workspace, data, member):
    client = client_for(member)
    for kind, count in (("indicators", 4), ("targets", 3), ("measurements", 7)):
        response = client.get(url(workspace, f"export_{kind}_xlsx"))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(body(response))).active
        assert sheet.max_row == count + 1, kind
    assert client.post(url(workspace, "export_indicators_xlsx")).status_code == 405


def test_exports_never_show_another_workspace(workspace, other_workspace, data, indicators):  # noqa: F811
    outsider = client_for(MembershipFactory(workspace=other_workspace))
    emp = indicators["EMP-01"]
    for kind in ("indicators", "targets", "measurements"):
        for file_format in ("csv", "xlsx"):
            name = f"export_{kind}_{file_format}"
            assert outsider.get(url(workspace, name)).status_code == 404
            # Their own workspace: nothing of A, and A's indicator id is not found.
            response = outsider.get(url(other_workspace, name))
            assert response.status_code == 200
            assert b"EMP-01" not in body(response)
            foreign = outsider.get(url(other_workspace, name, f"indicator={emp.pk}"))
            assert foreign.status_code == 404
    with scopes_disabled():
        assert Target.objects.filter(workspace=other_workspace).count() == 0
