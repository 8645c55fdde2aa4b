"""Imports of the registry: actors (CSV/XLSX), relations, data·inclusion structures (JSON)."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.core.imports import read_table, run_import, run_import_file
from maillage.core.imports.parsing import ImportFileError
from maillage.core.models import EPCI, AuditEvent, Commune
from maillage.ecosystem.importers import (
    ActorImporter,
    DataInclusionImporter,
    RelationImporter,
)
from maillage.ecosystem.models import Actor, Relation
from tests.conftest import client_for
from tests.factories import (
    ActorFactory,
    AudienceFactory,
    RelationTypeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"

SIREN_A, SIRET_A1, SIRET_A2 = "552100554", "55210055400013", "55210055400021"
SIREN_B, SIRET_B1 = "732829320", "73282932000017"
SIREN_C, SIRET_C1 = "443061841", "44306184100013"


@pytest.fixture
def territory(db):
    """Two communes of the Loire (Saint-Étienne in its metropolis) and a homonym elsewhere."""
    metropole = EPCI.objects.create(siren="244200770", name="Saint-Étienne Métropole", kind="METRO")
    communes = [
        Commune(
            code="42218",
            name="Saint-Étienne",
            department_id="42",
            epci=metropole,
            postal_codes=["42000", "42100"],
        ),
        Commune(code="42095", name="Firminy", department_id="42", postal_codes=["42700"]),
        Commune(code="69123", name="Lyon", department_id="69", postal_codes=["69001"]),
        Commune(code="01004", name="Ambérieu-en-Bugey", department_id="01"),
        Commune(code="26001", name="Saint-Martin", department_id="26"),
        Commune(code="73001", name="Saint-Martin", department_id="73"),
    ]
    for commune in communes:
        commune.save()
    return metropole


@pytest.fixture
def terms(workspace):
    return {
        "theme": ThemeFactory(workspace=workspace, name="Emploi et insertion"),
        "theme2": ThemeFactory(workspace=workspace, name="Santé"),
        "audience": AudienceFactory(workspace=workspace, name="Jeunes"),
    }


def run(workspace, text, *, user=None, importer=ActorImporter, filename="f.csv", **options):
    data = text if isinstance(text, bytes) else text.encode()
    with scope(workspace=workspace):
        return run_import_file(importer(workspace=workspace, user=user), data, filename, **options)


def actors(workspace, **filters):
    with scopes_disabled():
        return list(Actor.objects.filter(workspace=workspace, **filters).order_by("pk"))


def errors(report):
    return [(e.line, e.column, e.message) for e in report.errors]


FULL = (
    "Nom;Sigle;Profil;SIRET;RNA;Site web;Description;Échelon;Commune;Missions;Thèmes;Publics;"
    "ODD;Latitude;Longitude;Notes;Vérifié le\n"
    f"Maison de l'Emploi;MDE | Maison emploi;association bénévole;{SIRET_A1};W421234567;"
    "www.mde.example.org;Accueil des demandeurs;régional;42218;sensibiliser, accompagner;"
    "emploi et INSERTION | sante;jeunes;8, 1;45,43389;4,38722;À rappeler;31/12/2025\n"
)


def test_import_creates_actors_with_derived_fields(workspace, owner, territory, terms):
    report = run(workspace, FULL, user=owner.user, commit=True)
    assert errors(report) == []
    assert report.committed and report.saved == {"create": 1, "update": 0}
    (actor,) = actors(workspace)
    assert actor.name == "Maison de l'Emploi"
    assert actor.aliases == "MDE\nMaison emploi"
    assert actor.profile == "association_volunteer"
    assert (actor.siret, actor.siren, actor.rna) == (SIRET_A1, SIREN_A, "W421234567")
    assert actor.website == "https://www.mde.example.org"
    assert actor.level == "regional"
    # The territory is completed upwards from the commune.
    assert (actor.commune_id, actor.epci_id, actor.department_id, actor.region_id) == (
        "42218",
        "244200770",
        "42",
        "84",
    )
    assert actor.missions == ["raise_awareness", "support"]
    assert actor.sdg_list == [1, 8]
    assert (actor.latitude, actor.longitude) == (Decimal("45.43389"), Decimal("4.38722"))
    assert actor.notes == "À rappeler" and str(actor.last_verified_on) == "2025-12-31"
    assert (
        actor.search_text
        == "Maison de l'Emploi\nMDE\nMaison emploi\nAccueil des demandeurs\n" + ("Saint-Étienne")
    )
    assert actor.name_key == "maison emploi"
    assert actor.created_by == owner.user
    with scopes_disabled():
        assert set(actor.themes.all()) == {terms["theme"], terms["theme2"]}
        assert list(actor.audiences.all()) == [terms["audience"]]
        # One audit event for the whole import, none per row.
        events = AuditEvent.objects.filter(workspace=workspace)
        assert events.filter(changes__import="actors").count() == 1
        assert events.count() == 1


def test_the_imported_actor_is_found_by_search(workspace, territory, terms):
    from maillage.ecosystem.search import ActorFilters, search_actors

    run(workspace, FULL, commit=True)
    with scope(workspace=workspace):
        page = search_actors(workspace, ActorFilters(q="etienne"))
    assert [a.name for a in page.actors] == ["Maison de l'Emploi"]


def test_identifiers_are_checked_cell_by_cell(workspace):
    text = (
        "name;profile;siret;siren;rna\n"
        f"A;fondation;{SIRET_A1[:-1]}9;;\n"  # 2: wrong check digit
        "B;fondation;;12345;\n"  # 3: SIREN too short
        "C;fondation;;;X123\n"  # 4: RNA format
        f"D;fondation;{SIRET_B1};{SIREN_A};\n"  # 5: the SIRET is not of this SIREN
        f"E;fondation;{SIRET_A1[:3]} {SIRET_A1[3:6]} {SIRET_A1[6:9]} {SIRET_A1[9:]};;w751234567\n"
    )
    report = run(workspace, text)
    found = errors(report)
    assert [(line, column) for line, column, _m in found] == [
        (2, "siret"),
        (3, "siren"),
        (4, "rna"),
        (5, "siret"),
    ]
    assert "check digit" in found[0][2]
    assert "9 digits" in found[1][2]
    assert "W followed by 9 digits" in found[2][2]
    assert "does not belong to the SIREN" in found[3][2]
    assert (report.valid, report.invalid, report.create) == (1, 4, 1)
    # The headers reported are the file's.
    assert report.errors[0].header == "siret"


def test_all_or_nothing_stores_nothing_when_one_row_fails(workspace):
    text = (
        "name;profile;siren\n"
        + "".join(f"Acteur {i};fondation;\n" for i in range(30))
        + "Mauvais;inconnu;\n"
    )
    report = run(workspace, text, commit=True)
    assert not report.committed and report.invalid == 1
    assert errors(report)[0][:2] == (32, "profile")
    assert actors(workspace) == []
    with scopes_disabled():
        assert not AuditEvent.objects.filter(workspace=workspace).exists()
    # Without all-or-nothing, the valid rows are saved.
    partial = run(workspace, text, commit=True, all_or_nothing=False)
    assert partial.committed and partial.saved["create"] == 30
    assert len(actors(workspace)) == 30


def test_reimport_creates_no_duplicates_and_reports_unchanged(workspace, territory, terms):
    text = FULL + (
        f"Réseau B;;tête de réseau;{SIRET_B1};;;;national;;;;;;;;;\n"
        "Collectif sans numéro;;association;;;;;local;Firminy;;;;;;;;\n"
    )
    first = run(workspace, text, commit=True)
    assert errors(first) == []
    assert first.saved == {"create": 3, "update": 0}
    with scopes_disabled():
        versions = dict(Actor.objects.filter(workspace=workspace).values_list("name", "version"))
    again = run(workspace, text, commit=True)
    assert (again.create, again.update, again.unchanged) == (0, 0, 3)
    assert len(actors(workspace)) == 3
    # One change: one update, the version goes up, the rest stays.
    changed = text.replace("Accueil des demandeurs", "Accueil et orientation")
    third = run(workspace, changed, commit=True)
    assert (third.create, third.update, third.unchanged) == (0, 1, 2)
    (mde,) = actors(workspace, siret=SIRET_A1)
    assert mde.description == "Accueil et orientation"
    assert mde.version == versions["Maison de l'Emploi"] + 1
    assert "Accueil et orientation" in mde.search_text
    (collectif,) = actors(workspace, name="Collectif sans numéro")
    assert collectif.version == versions["Collectif sans numéro"]


def test_columns_absent_from_the_file_are_kept(workspace, territory, terms):
    run(workspace, FULL, commit=True)
    report = run(workspace, f"siret;description\n{SIRET_A1};Nouvelle description\n")
    assert report.file_error  # the name is required
    report = run(workspace, f"nom;siret;odd\nMaison de l'Emploi;{SIRET_A1};3\n", commit=True)
    assert report.saved == {"create": 0, "update": 1}
    (actor,) = actors(workspace)
    assert actor.sdg_list == [3]
    assert actor.commune_id == "42218" and actor.description == "Accueil des demandeurs"
    assert actor.missions == ["raise_awareness", "support"]
    with scopes_disabled():
        assert actor.themes.count() == 2


def test_matching_order_siret_rna_siren_then_name_and_place(workspace, territory):
    by_siret = ActorFactory(workspace=workspace, name="Par SIRET", siret=SIRET_A1, siren=SIREN_A)
    by_rna = ActorFactory(workspace=workspace, name="Par RNA", rna="W421111111")
    by_siren = ActorFactory(workspace=workspace, name="Par SIREN", siren=SIREN_C)
    by_name = ActorFactory(workspace=workspace, name="Les Amis de Firminy", commune_id="42095")
    elsewhere = ActorFactory(workspace=workspace, name="Amis de Firminy", commune_id="69123")
    text = (
        "name;profile;siret;rna;siren;commune\n"
        f"Par SIRET renommé;fondation;{SIRET_A1};;;\n"
        # A new SIRET, but the RNA is known (and that actor has no SIRET yet): it gets it.
        f"Par RNA;fondation;{SIRET_B1};W421111111;;\n"
        # A SIRET of a known SIREN whose actor has no SIRET.
        f"Par SIREN;fondation;{SIRET_C1};;;\n"
        # No identifier: the normalised name in the same commune.
        "amis de FIRMINY;association;;;;42095\n"
    )
    report = run(workspace, text, commit=True)
    assert errors(report) == [] and report.saved == {"create": 0, "update": 4}
    with scopes_disabled():
        for actor in (by_siret, by_rna, by_siren, by_name, elsewhere):
            actor.refresh_from_db()
    assert by_siret.name == "Par SIRET renommé"
    assert (by_rna.siret, by_rna.siren) == (SIRET_B1, SIREN_B)
    assert by_siren.siret == SIRET_C1
    assert by_name.name == "amis de FIRMINY" and elsewhere.name == "Amis de Firminy"
    assert len(actors(workspace)) == 5


def test_an_ambiguous_match_is_an_error_on_its_cell(workspace):
    ActorFactory(workspace=workspace, name="Un", siren=SIREN_A, siret=SIRET_A1)
    ActorFactory(workspace=workspace, name="Deux", siren=SIREN_A, siret=SIRET_A2)
    ActorFactory(workspace=workspace, name="Homonyme")
    ActorFactory(workspace=workspace, name="Homonyme", commune_id=None)
    report = run(workspace, f"name;siren\nQuelle?;{SIREN_A}\nHomonyme;\n")
    assert [(line, column) for line, column, _m in errors(report)] == [(2, "siren"), (3, "name")]
    assert "“Un”" in errors(report)[0][2] and "merge them first" in errors(report)[0][2]


def test_duplicates_inside_the_file(workspace):
    text = (
        "name;profile;siret\n"
        f"A;fondation;{SIRET_A1}\n"
        f"A bis;fondation;{SIRET_A1}\n"
        "Sans numéro;fondation;\n"
        "sans numero;fondation;\n"
    )
    report = run(workspace, text)
    assert [(line, column) for line, column, _m in errors(report)] == [(3, "siret"), (5, "name")]
    assert "line 2" in errors(report)[0][2] and "line 4" in errors(report)[1][2]


def test_profiles_levels_missions_in_many_writings(workspace):
    cases = [
        ("fondation", "foundation"),
        ("PME", "company_pme"),
        ("Collectivité", "public_commune"),
        ("association bénévole", "association_volunteer"),
        ("Association_Employer", "association_employer"),
        ("Foundation or endowment fund", "foundation"),
        ("SCOP", "ess_enterprise"),
        ("Conseil régional", "public_region"),
    ]
    text = "name;profile;level;missions\n" + "".join(
        f"Acteur {i};{written};{level};{missions}\n"
        for i, ((written, _c), level, missions) in enumerate(
            zip(
                cases,
                [
                    "régional",
                    "Local",
                    "national",
                    "virtuel",
                    "départemental",
                    "Europe",
                    "",
                    "en ligne",
                ],
                [
                    "observer",
                    "mettre en relation|accompagner",
                    "Raise awareness",
                    "connect, support",
                    "",
                    "sensibilisation",
                    "OBSERVE",
                    "accompagnement",
                ],
                strict=True,
            )
        )
    )
    report = run(workspace, text, commit=True)
    assert errors(report) == []
    got = actors(workspace)
    assert [a.profile for a in got] == [code for _w, code in cases]
    assert [a.level for a in got] == [
        "regional",
        "local",
        "national",
        "virtual",
        "departmental",
        "europe",
        "",
        "virtual",
    ]
    assert got[1].missions == ["connect", "support"]
    bad = run(workspace, "name;profile;missions;odd\nX;fondation;chanter;18\n")
    assert [(c, "accepted values" in m or "1 to 17" in m) for _l, c, m in errors(bad)] == [
        ("missions", True),
        ("sdg", True),
    ]


def test_a_new_actor_needs_a_profile(workspace):
    report = run(workspace, "name\nSans profil\n")
    assert errors(report) == [(2, "profile", errors(report)[0][2])]
    assert "profile is required" in errors(report)[0][2]
    ActorFactory(workspace=workspace, name="Déjà là", profile="funder")
    report = run(workspace, "name;profile\nDéjà là;\n", commit=True)
    assert report.unchanged == 1 and actors(workspace)[0].profile == "funder"


def test_unknown_terms_are_errors_naming_the_known_ones(workspace, terms):
    report = run(
        workspace, "name;profile;themes;audiences\nX;fondation;Emploi et insertion;Aînés\n"
    )
    ((line, column, message),) = errors(report)
    assert (line, column) == (2, "audiences")
    assert "Aînés" in message and "Jeunes" in message


def test_territories_by_code_or_name_and_consistency(workspace, territory):
    text = (
        "name;profile;region;department;commune;epci\n"
        "A;fondation;;42;Firminy;\n"  # 2: name + department
        "B;fondation;;;Saint-Martin;\n"  # 3: two communes of that name
        "C;fondation;;69;42218;\n"  # 4: commune not in that department
        "D;fondation;11;42;;\n"  # 5: department not in that region
        "E;fondation;;1;1004;\n"  # 6: leading zeros lost by a spreadsheet
        "F;fondation;Auvergne-Rhône-Alpes;;;\n"  # 7: a region by name
        "G;fondation;;;99999;\n"  # 8: unknown code
        "H;fondation;;;;244200770\n"  # 9: an EPCI
        "I;fondation;;;Saint-Martin;\n"  # 10: the same, again ambiguous
        "J;fondation;;73;Saint-Martin;\n"  # 11: disambiguated by the department
    )
    report = run(workspace, text, commit=True, all_or_nothing=False)
    assert [(line, column) for line, column, _m in errors(report)] == [
        (3, "commune"),
        (4, "department"),
        (5, "region"),
        (8, "commune"),
        (10, "commune"),
    ]
    assert "26001" in errors(report)[0][2] and "73001" in errors(report)[0][2]
    by_name = {a.name: a for a in actors(workspace)}
    assert (by_name["A"].commune_id, by_name["A"].region_id) == ("42095", "84")
    assert (by_name["E"].commune_id, by_name["E"].department_id) == ("01004", "01")
    assert by_name["F"].region_id == "84" and by_name["F"].department_id is None
    assert by_name["H"].epci_id == "244200770"
    assert by_name["J"].commune_id == "73001"


def test_coordinates_need_both_and_stay_in_range(workspace):
    text = "name;profile;latitude;longitude\nA;fondation;45.1234567;\nB;fondation;91;2\n"
    report = run(workspace, text)
    assert [(line, column) for line, column, _m in errors(report)] == [
        (2, "longitude"),
        (3, "latitude"),
    ]


def test_an_import_never_matches_another_workspace(workspace, other_workspace):
    foreign = ActorFactory(
        workspace=other_workspace, name="Ailleurs", siret=SIRET_A1, siren=SIREN_A
    )
    ActorFactory(workspace=other_workspace, name="Sans numéro")
    text = f"name;profile;siret\nIci;fondation;{SIRET_A1}\nSans numéro;fondation;\n"
    report = run(workspace, text, commit=True)
    assert report.saved == {"create": 2, "update": 0}
    assert {a.name for a in actors(workspace)} == {"Ici", "Sans numéro"}
    with scopes_disabled():
        foreign.refresh_from_db()
    assert foreign.name == "Ailleurs" and foreign.version == 1


def test_queries_per_chunk_not_per_row(workspace, territory, terms, monkeypatch):
    monkeypatch.setattr(ActorImporter, "chunk_size", 50)

    def queries(rows: int, offset: int) -> int:
        text = "name;profile;siret;commune;themes;audiences\n" + "".join(
            f"Acteur {offset + i};fondation;;{'42218' if i % 2 else 'Firminy'};Santé;Jeunes\n"
            for i in range(rows)
        )
        with CaptureQueriesContext(connection) as captured:
            report = run(workspace, text, commit=True)
        assert report.committed and report.saved["create"] == rows
        return len(captured)

    small, large = queries(50, 0), queries(200, 1000)
    # 4 chunks instead of 1: the difference is 3 chunks' worth, whatever the number of rows.
    per_chunk = (large - small) / 3
    assert per_chunk <= 12, (small, large)
    # Re-import: updates, the themes of matched actors read once per chunk.
    text = "name;profile;commune;themes\n" + "".join(
        f"Acteur {i};fondation;Firminy;Emploi et insertion\n" for i in range(1000, 1200, 2)
    )
    with CaptureQueriesContext(connection) as captured:
        report = run(workspace, text, commit=True)
    assert report.saved == {"create": 0, "update": 100}
    assert len(captured) <= 2 * 15


def test_xlsx_file(workspace):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "Profil", "SIREN", "Latitude", "Longitude", "Vérifié le"])
    import datetime

    sheet.append(["Tableur", "PME", int(SIREN_A), 45.5, 4.25, datetime.datetime(2025, 3, 1)])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(workspace, buffer.getvalue(), filename="acteurs.xlsx", commit=True)
    assert errors(report) == []
    (actor,) = actors(workspace)
    assert (actor.siren, actor.latitude, str(actor.last_verified_on)) == (
        SIREN_A,
        Decimal("45.5"),
        "2025-03-01",
    )


def test_upload_page_documents_the_layout_and_the_keys(member, workspace):
    client = client_for(member)
    response = client.get(reverse("imports:upload", args=[workspace.slug]) + "?kind=actors")
    assert response.status_code == 200
    html = response.content.decode()
    layout = html[html.index('id="import-layout"') :]
    assert layout.count("identifies the row") == 3
    for text in ("SIRET", "RNA number", "Territorial level", "sensibiliser", "Commune"):
        assert text in layout


def test_web_upload_and_commit(member, workspace, territory, terms, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from maillage.core.models import ImportJob

    settings.MEDIA_ROOT = tmp_path
    client = client_for(member)
    upload = reverse("imports:upload", args=[workspace.slug]) + "?kind=actors"
    response = client.post(
        upload,
        {"file": SimpleUploadedFile("acteurs.csv", FULL.encode()), "all_or_nothing": "on"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        job = ImportJob.objects.filter(workspace=workspace).latest("id")
    assert job.status == "validated" and job.report["counts"]["create"] == 1
    client.post(reverse("imports:commit", args=[workspace.slug, job.pk]))
    job.refresh_from_db()
    assert job.status == "done"
    assert [a.name for a in actors(workspace)] == ["Maison de l'Emploi"]


# --- relations ---------------------------------------------------------------------------------


@pytest.fixture
def network(workspace):
    types = {
        "member_of": RelationTypeFactory(
            workspace=workspace, code="member_of", name="est membre de"
        ),
        "partners_with": RelationTypeFactory(
            workspace=workspace, code="partners_with", name="est partenaire de", is_symmetric=True
        ),
    }
    people = {
        "a": ActorFactory(workspace=workspace, name="Réseau Alpha", siret=SIRET_A1, siren=SIREN_A),
        "b": ActorFactory(workspace=workspace, name="Béta Solidarité", rna="W421234567"),
        "c": ActorFactory(workspace=workspace, name="Coopérative Gamma", siren=SIREN_C),
        "d1": ActorFactory(workspace=workspace, name="Delta"),
        "d2": ActorFactory(workspace=workspace, name="Delta"),
    }
    return types, people


def relations(workspace):
    with scopes_disabled():
        return sorted(
            (r.source.name, r.relation_type.code, r.target.name, r.start_date, r.notes)
            for r in Relation.objects.filter(workspace=workspace).select_related(
                "source", "target", "relation_type"
            )
        )


def test_relations_import_and_reimport(workspace, network):
    _types, people = network
    text = (
        "source;type;cible;début;fin;notes\n"
        f"W421234567;member_of;{SIRET_A1};01/01/2024;;depuis 2024\n"
        f"beta solidarite;est partenaire de;{SIREN_C};;;\n"
        f"Delta #{people['d1'].pk};member_of;Réseau Alpha;;;\n"
    )
    report = run(workspace, text, importer=RelationImporter, commit=True)
    assert errors(report) == [] and report.saved == {"create": 3, "update": 0}
    again = run(workspace, text, importer=RelationImporter, commit=True)
    assert (again.create, again.update, again.unchanged) == (0, 0, 3)
    # A symmetric relation written the other way round is the same relation.
    reverse_text = f"source;type;target;notes\n{SIREN_C};partners_with;W421234567;inverse\n"
    report = run(workspace, reverse_text, importer=RelationImporter, commit=True)
    assert report.saved == {"create": 0, "update": 1}
    got = relations(workspace)
    assert len(got) == 3
    assert ("Béta Solidarité", "partners_with", "Coopérative Gamma", None, "inverse") in got


def test_relations_errors(workspace, other_workspace, network):
    ActorFactory(workspace=other_workspace, name="Ailleurs", siret=SIRET_B1)
    text = (
        "source;type;target;start_date;end_date\n"
        "Delta;member_of;Réseau Alpha;;\n"  # 2: two actors are named Delta
        f"{SIRET_B1};member_of;Réseau Alpha;;\n"  # 3: another workspace's actor
        "Réseau Alpha;aime;Béta Solidarité;;\n"  # 4: unknown type
        "Réseau Alpha;member_of;Réseau Alpha;;\n"  # 5: itself
        "Réseau Alpha;member_of;Béta Solidarité;02/01/2024;01/01/2024\n"  # 6: dates
        "Réseau Alpha;member_of;Coopérative Gamma;;\n"  # 7: fine
        f"{SIRET_A1};member_of;{SIREN_C};;\n"  # 8: the same as line 7
    )
    report = run(workspace, text, importer=RelationImporter, commit=True)
    assert [(line, column) for line, column, _m in errors(report)] == [
        (2, "source"),
        (3, "source"),
        (4, "relation_type"),
        (5, "target"),
        (6, "end_date"),
        (8, "target"),
    ]
    assert "Several actors" in errors(report)[0][2]
    assert "member_of" in errors(report)[2][2]
    assert "line 7" in errors(report)[5][2]
    assert relations(workspace) == []


# --- data·inclusion ------------------------------------------------------------------------------


def test_core_reads_json_lists_of_objects():
    table = read_table(
        json.dumps(
            {"items": [{"a": 1, "b": ["x", "y"]}, {}, {"b": None, "c": True, "a": "  t "}]}
        ).encode(),
        "structures.json",
    )
    assert table.format == "json" and table.header == ["a", "b", "c"]
    assert table.rows == [(1, ["1", '["x","y"]', ""]), (3, ["t", "", "true"])]
    for bad, message in ((b"{", "cannot be read near line 1"), (b'{"a": 1}', "list of objects")):
        with pytest.raises(ImportFileError, match=message):
            read_table(bad, "x.json")


def test_data_inclusion_import(workspace, territory, owner):
    data = (DATA / "data_inclusion_structures.json").read_bytes()
    report = run(
        workspace, data, importer=DataInclusionImporter, filename="structures.json", commit=True
    )
    assert errors(report) == []
    assert report.saved == {"create": 3, "update": 0}
    by_name = {a.name: a for a in actors(workspace)}
    ccas = by_name["CCAS de Saint-Étienne"]
    assert ccas.profile == "public_commune"  # from its network (réseaux porteurs)
    assert (ccas.siret, ccas.siren) == ("21420218600018", "214202186")
    assert (ccas.commune_id, ccas.department_id, ccas.region_id) == ("42218", "42", "84")
    assert ccas.website == "https://www.saint-etienne.fr/ccas"
    assert ccas.latitude == Decimal("45.43987")
    # The antenna shares the SIRET but has another name: another actor.
    assert by_name["CCAS de Saint-Étienne – antenne Montreynaud"].siret == "21420218600018"
    # No SIRET, no code_insee: the commune by name and postal code.
    assoc = by_name["Association Entraide Firminy"]
    assert assoc.profile == "association_employer" and assoc.commune_id == "42095"
    again = run(
        workspace, data, importer=DataInclusionImporter, filename="structures.json", commit=True
    )
    assert (again.create, again.update, again.unchanged) == (0, 0, 3)


def test_data_inclusion_errors(workspace, territory):
    structures = [
        {"id": "x--1", "source": "x", "nom": "Bonne structure", "siret": "123"},
        {"id": "x--2", "source": "x", "nom": "Autre", "code_insee": "99999"},
        {"id": "x--3", "source": "x", "nom": "Troisième"},
        {"id": "x--3", "source": "x", "nom": "Doublon d'identifiant"},
        {"id": "x--5", "source": "x"},
    ]
    report = run(
        workspace,
        json.dumps(structures),
        importer=DataInclusionImporter,
        filename="s.json",
    )
    assert [(line, column) for line, column, _m in errors(report)] == [
        (1, "siret"),
        (2, "code_insee"),
        (4, "id"),
        (5, "nom"),
    ]


# --- the command -------------------------------------------------------------------------------


def test_import_file_command(workspace, owner, tmp_path, territory, terms):
    path = tmp_path / "acteurs.csv"
    path.write_text(FULL, encoding="utf-8")
    out = io.StringIO()
    call_command("import_file", "actors", str(path), workspace=workspace.slug, stdout=out)
    assert "to create: 1" in out.getvalue() and "Dry run" in out.getvalue()
    assert actors(workspace) == []
    out = io.StringIO()
    call_command(
        "import_file",
        "actors",
        str(path),
        workspace=workspace.slug,
        user=owner.user.email,
        commit=True,
        stdout=out,
    )
    assert "Imported: 1 created, 0 updated." in out.getvalue()
    (actor,) = actors(workspace)
    assert actor.created_by == owner.user
    relations_path = tmp_path / "relations.csv"
    relations_path.write_text(f"source;type;target\n{SIRET_A1};nope;{SIRET_A1}\n")
    with pytest.raises(CommandError):
        call_command(
            "import_file",
            "relations",
            str(relations_path),
            workspace=workspace.slug,
            stdout=io.StringIO(),
        )
    json_path = DATA / "data_inclusion_structures.json"
    out = io.StringIO()
    call_command(
        "import_file", "data_inclusion", str(json_path), workspace=workspace.slug, stdout=out
    )
    assert "to create: 3" in out.getvalue()


def test_a_stale_table_is_checked_again_at_commit(workspace):
    """The preview may be old: the commit validates every row again."""
    text = "name;profile;siret\nA;fondation;" + SIRET_A1 + "\n"
    with scope(workspace=workspace):
        table = read_table(text.encode(), "f.csv")
        preview = run_import(ActorImporter(workspace=workspace), table)
    assert preview.create == 1
    ActorFactory(workspace=workspace, name="Créé entre-temps", siret=SIRET_A1)
    with scope(workspace=workspace):
        report = run_import(ActorImporter(workspace=workspace), table, commit=True)
    assert report.saved == {"create": 0, "update": 1}
    assert [a.name for a in actors(workspace)] == ["A"]


# --- the deferred full-text indexing (SQLite) ----------------------------------------------------


def _trigger_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = %s",
            ["ecosystem_actor_fts_ai"],
        )
        return cursor.fetchone()[0] == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 trigger")
def test_the_search_trigger_survives_imports_and_failures(workspace, monkeypatch):
    from django.db import IntegrityError

    from maillage.ecosystem import importers
    from maillage.ecosystem.search import ActorFilters, search_actors

    report = run(workspace, "name;profile\nÉtienne Solidaire;fondation\n", commit=True)
    assert report.committed and _trigger_exists()
    with scope(workspace=workspace):
        assert [a.name for a in search_actors(workspace, ActorFilters(q="etienne")).actors] == [
            "Étienne Solidaire"
        ]

    def broken(*args, **kwargs):
        raise IntegrityError("boom")

    monkeypatch.setattr(importers, "insert_rows", broken)
    report = run(workspace, "name;profile\nAutre;fondation\n", commit=True)
    assert not report.committed and report.invalid == 1
    assert "conflicts with data already stored" in report.errors[0].message
    assert _trigger_exists()
    monkeypatch.undo()
    # Actors created outside imports are still indexed by the trigger.
    ActorFactory(workspace=workspace, name="Saint-Étienne Accueil")
    with scope(workspace=workspace):
        found = search_actors(workspace, ActorFilters(q="etienne")).actors
    assert sorted(a.name for a in found) == ["Saint-Étienne Accueil", "Étienne Solidaire"]


def test_web_upload_of_a_json_file(member, workspace, territory, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from maillage.core.models import ImportJob

    settings.MEDIA_ROOT = tmp_path
    client = client_for(member)
    page = client.get(reverse("imports:upload", args=[workspace.slug]) + "?kind=data_inclusion")
    assert ".json" in page.content.decode()  # the file input accepts it
    data = (DATA / "data_inclusion_structures.json").read_bytes()
    client.post(
        reverse("imports:upload", args=[workspace.slug]) + "?kind=data_inclusion",
        {"file": SimpleUploadedFile("structures.json", data), "all_or_nothing": "on"},
    )
    with scopes_disabled():
        job = ImportJob.objects.filter(workspace=workspace).latest("id")
    assert job.status == "validated", job.error_message
    assert job.report["file"]["format"] == "json"
    assert job.report["counts"]["create"] == 3
