"""Exports of the registry: CSV/XLSX round trip, data·inclusion v1 and HSDS 3.0 validation."""

import csv
import io
import json
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from maillage.core.imports import run_import_file
from maillage.core.models import AuditEvent
from maillage.ecosystem import exports
from maillage.ecosystem.importers import ActorImporter
from maillage.ecosystem.models import Actor
from tests.conftest import client_for
from tests.ecosystem.test_imports import FULL, SIRET_B1, actors, terms, territory  # noqa: F401
from tests.factories import ActorFactory, ContactFactory

pytestmark = pytest.mark.django_db

HSDS_ORGANIZATION = (
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "hsds-3.0" / "organization.json"
)

MORE = (
    f"Réseau B;;tête de réseau;{SIRET_B1};;;;national;;;;;;;;;\n"
    "=SOMME(A1:A9);;association;;;;-1 is a formula;local;Firminy;observer;Santé;;17;;;;\n"
    "UE;Union européenne;Union européenne;;;;;europe;;;;;;;;;\n"
    "Collectif sans commune;;association;;;http://collectif.example.org/page?a=1;;;;;;;;;;;\n"
)


@pytest.fixture
def registry(workspace, territory, terms):  # noqa: F811
    with scope(workspace=workspace):
        report = run_import_file(
            ActorImporter(workspace=workspace), (FULL + MORE).encode(), "f.csv", commit=True
        )
    assert report.committed and not report.errors, report.errors
    return actors(workspace)


def records(workspace, **filters):
    with scope(workspace=workspace):
        queryset = Actor.objects.filter(workspace=workspace, **filters)
        return exports.actor_records(workspace, queryset, chunk_size=2)


def reimport(workspace, data: bytes, filename: str):
    with scope(workspace=workspace):
        return run_import_file(ActorImporter(workspace=workspace), data, filename, commit=True)


def body(response) -> bytes:
    """The whole content; for a streamed response, reading it to the end closes it (the test
    client wraps it as a WSGI server would)."""
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)
    return response.content


def test_csv_export_imports_back_unchanged(workspace, registry):
    from maillage.core.exports import iter_csv

    text = "".join(iter_csv(exports.table_columns(), records(workspace)))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Name", "Other names", "Profile", "SIRET"]
    by_name = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    # Formula injection: the cell is quoted, and the import removes the quote again.
    assert "'=SOMME(A1:A9)" in by_name
    assert by_name["'=SOMME(A1:A9)"]["Description"] == "'-1 is a formula"
    mde = by_name["Maison de l'Emploi"]
    assert mde["Other names"] == "MDE | Maison emploi"
    assert (mde["Commune"], mde["Department"], mde["Region"]) == ("42218", "42", "84")
    assert mde["Missions"] == "raise_awareness | support"
    assert mde["Sustainable Development Goals"] == "1, 8"
    assert mde["Latitude"] == "45,43389" and mde["Last verified on"] == "2025-12-31"
    report = reimport(workspace, text.encode("utf-8"), "export.csv")
    assert not report.errors, report.errors
    assert (report.total, report.create, report.update, report.unchanged) == (5, 0, 0, 5)
    assert len(actors(workspace)) == 5


def test_xlsx_export_imports_back_unchanged(workspace, registry):
    buffer = io.BytesIO()
    from maillage.core.exports import write_xlsx

    write_xlsx(buffer, exports.table_columns(), records(workspace), sheet_title="Actors")
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    header = [cell.value for cell in sheet[1]]
    formula_row = next(row for row in sheet.iter_rows(min_row=2) if "SOMME" in row[0].value)
    assert formula_row[0].data_type == "s"  # never a formula
    assert sheet.cell(row=2, column=header.index("Latitude") + 1).data_type == "n"
    report = reimport(workspace, buffer.getvalue(), "export.xlsx")
    assert not report.errors, report.errors
    assert (report.create, report.update, report.unchanged) == (0, 0, 5)


def test_records_are_read_by_pages_with_constant_queries(workspace, registry):
    with CaptureQueriesContext(connection) as few:
        list(records(workspace))  # 5 actors in pages of 2: 3 pages (+1 empty)
    ActorFactory.create_batch(6, workspace=workspace)
    with CaptureQueriesContext(connection) as more:
        assert len(list(records(workspace))) == 11
    # 2 queries to start, then 3 per page: linear in pages, never in actors × relations.
    assert len(few) == 2 + 3 * 3 + 1
    assert len(more) == 2 + 3 * 6 + 1


def test_data_inclusion_structures_validate(workspace, registry):
    from data_inclusion.schema.v1 import Structure

    ActorFactory(workspace=workspace, name="X")  # too short, no alias, no commune: left out
    ActorFactory(workspace=workspace, name="Y" * 180 + ".")
    structures = list(exports.data_inclusion_structures(workspace, records(workspace)))
    assert len(structures) == 6
    for structure in structures:
        Structure.model_validate(structure, context={"ignore_warnings": False})
    by_name = {s["nom"]: s for s in structures}
    assert "UE (Union européenne)" in by_name
    assert len(next(n for n in by_name if n.startswith("YYY"))) == 150
    mde = by_name["Maison de l'Emploi"]
    assert mde["source"] == "maillage"
    assert mde["id"] == f"maillage--{workspace.slug}-{registry[0].pk}"
    assert mde["siret"] == registry[0].siret and mde["code_insee"] == "42218"
    assert mde["commune"] == "Saint-Étienne" and "code_postal" not in mde  # two postal codes
    assert mde["latitude"] == pytest.approx(45.43389)
    assert "notes" not in json.dumps(structures)  # internal notes stay home


def test_hsds_organizations_validate(workspace, registry):
    if not HSDS_ORGANIZATION.exists():
        pytest.skip(f"HSDS reference schema not found at {HSDS_ORGANIZATION}")
    import jsonschema

    schema = json.loads(HSDS_ORGANIZATION.read_text())
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    organizations = list(exports.hsds_organizations(workspace, records(workspace)))
    assert len(organizations) == 5
    for organization in organizations:
        errors = sorted(validator.iter_errors(organization), key=str)
        assert not errors, errors
    mde = next(o for o in organizations if o["name"] == "Maison de l'Emploi")
    assert uuid.UUID(mde["id"]).version == 5
    assert mde["id"] == exports.hsds_id(workspace, registry[0].pk)  # stable
    assert {i["identifier_type"]: i["identifier"] for i in mde["organization_identifiers"]} == {
        "SIREN": registry[0].siren,
        "SIRET": registry[0].siret,
        "RNA": registry[0].rna,
    }
    assert mde["locations"][0]["external_identifier"] == "42218"
    assert len({o["id"] for o in organizations}) == 5
    # A bad document is caught by the same validator (the test would see a broken export).
    assert list(validator.iter_errors({"id": "not-a-uuid", "name": "x", "description": ""}))


def test_ids_differ_between_workspaces(workspace, other_workspace):
    assert exports.hsds_id(workspace, 1) != exports.hsds_id(other_workspace, 1)


# --- the views -------------------------------------------------------------------------------


@pytest.fixture
def guest_client(guest):
    return client_for(guest)


def url(workspace, name, query=""):
    return reverse(f"ecosystem:{name}", args=[workspace.slug]) + (f"?{query}" if query else "")


def test_csv_view_streams_and_honours_the_filters(workspace, registry, guest_client):
    ContactFactory(workspace=workspace, actor=registry[0], email="secret.person@example.org")
    response = guest_client.get(url(workspace, "export_csv", "level=regional&level=national"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"actors-{workspace.slug}-" in response["Content-Disposition"]
    text = body(response).decode("utf-8-sig")
    names = [row[0] for row in csv.reader(io.StringIO(text), delimiter=";")][1:]
    assert sorted(names) == ["Maison de l'Emploi", "Réseau B"]
    assert "secret.person" not in text  # contacts are never exported
    with scopes_disabled():
        assert AuditEvent.objects.filter(workspace=workspace, changes__export="csv").exists()
    # A text query keeps the list's ranked matches.
    text = body(guest_client.get(url(workspace, "export_csv", "q=etienne"))).decode("utf-8-sig")
    assert [row[0] for row in csv.reader(io.StringIO(text), delimiter=";")][1:] == [
        "Maison de l'Emploi"
    ]


def test_xlsx_view(workspace, registry, member):
    response = client_for(member).get(url(workspace, "export_xlsx", "profile=association_employer"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(body(response))).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "'=SOMME(A1:A9)",
        "Collectif sans commune",
    ]


def test_xlsx_view_refuses_more_rows_than_excel_holds(workspace, registry, member, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 0)
    response = client_for(member).get(url(workspace, "export_xlsx", "level=local"))
    assert response.status_code == 302
    assert response["Location"] == url(workspace, "home", "level=local")


def test_json_views(workspace, registry, member):
    from data_inclusion.schema.v1 import Structure

    client = client_for(member)
    response = client.get(url(workspace, "export_data_inclusion", "level=regional"))
    assert response.streaming and response["Content-Type"].startswith("application/json")
    (structure,) = json.loads(body(response))
    Structure.model_validate(structure)
    response = client.get(url(workspace, "export_hsds"))
    assert len(json.loads(body(response))) == 5


def test_exports_of_another_workspace_are_not_found(workspace, other_workspace, registry):
    from tests.factories import MembershipFactory

    outsider = client_for(MembershipFactory(workspace=other_workspace))
    for name in ("export_csv", "export_xlsx", "export_data_inclusion", "export_hsds"):
        assert outsider.get(url(workspace, name)).status_code == 404
        response = outsider.get(url(other_workspace, name))
        assert response.status_code == 200
        assert b"Maison" not in body(response)
