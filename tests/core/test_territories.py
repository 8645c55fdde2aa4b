"""Territories: built-in regions/departments, the communes/EPCI import, search and autocomplete."""

import json
import shutil
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from maillage.core.territories import selectors
from maillage.core.territories.data import DEPARTMENTS, REGIONS
from maillage.core.territories.models import EPCI, Commune, Department, Region
from maillage.core.territories.normalize import normalize_search_text
from tests.conftest import client_for

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "territories"
# /work/main/tests/core/test_territories.py → parents[3] is /work, next to the repository.
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "cog-2026"
OVERSEAS_COLLECTIVITIES = {"975", "977", "978", "984", "986", "987", "988", "989"}


def run_import(directory) -> str:
    out = StringIO()
    call_command("import_territories", str(directory), stdout=out, stderr=StringIO())
    return out.getvalue()


def copy_fixtures(tmp_path) -> Path:
    target = tmp_path / "cog"
    shutil.copytree(FIXTURES, target)
    return target


def edit_json(path: Path, change) -> None:
    rows = json.loads(path.read_text(encoding="utf-8"))
    change(rows)
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def fixture_territories(db):
    run_import(FIXTURES)


# --- Built-in regions and departments ------------------------------------------------------------


@pytest.mark.django_db
def test_regions_and_departments_are_present_after_migrate():
    assert Region.objects.count() == 18
    assert Department.objects.count() == 101
    assert Department.objects.get(code="2A").region_id == "94"
    assert Department.objects.get(code="2B").region_id == "94"
    assert Department.objects.get(code="976").region_id == "06"
    assert Region.objects.get(code="06").name == "Mayotte"
    assert Department.objects.get(code="75").region_id == "11"
    assert Department.objects.get(code="75").name == "Paris"
    assert Department.objects.filter(code__startswith="97").count() == 5
    assert not Department.objects.filter(code__in=OVERSEAS_COLLECTIVITIES).exists()
    assert not Region.objects.filter(code__in=OVERSEAS_COLLECTIVITIES).exists()
    assert Region.objects.get(code="84").departments.count() == 12


@pytest.mark.django_db
def test_post_migrate_upserts_builtin_territories_without_duplicates():
    Region.objects.filter(code="84").update(name="Renamed")
    Department.objects.filter(code="42").update(name="Renamed", region_id="11")

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert Region.objects.get(code="84").name == "Auvergne-Rhône-Alpes"
    loire = Department.objects.get(code="42")
    assert (loire.name, loire.region_id) == ("Loire", "84")
    assert (Region.objects.count(), Department.objects.count()) == (18, 101)


def test_builtin_data_matches_the_reference_files():
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE}")
    regions = json.loads((REFERENCE / "regions.json").read_text(encoding="utf-8"))
    departments = json.loads((REFERENCE / "departements.json").read_text(encoding="utf-8"))
    assert dict(REGIONS) == {r["code"]: r["nom"] for r in regions if r["zone"] != "com"}
    assert {code: (name, region) for code, name, region in DEPARTMENTS} == {
        d["code"]: (d["nom"], d["region"]) for d in departments if d["zone"] != "com"
    }
    # What is left out: exactly the overseas collectivities with a special status.
    assert {d["code"] for d in departments if d["zone"] == "com"} == OVERSEAS_COLLECTIVITIES


# --- Import command on small hand-made files -----------------------------------------------------


@pytest.mark.django_db
def test_import_keeps_current_communes_and_links_them():
    output = run_import(FIXTURES)

    assert "EPCI: 3 (3 created, 0 updated" in output
    assert "Communes: 8 (8 created, 0 updated" in output
    assert "Communes without a department (overseas collectivities 975): 1" in output
    assert Commune.objects.count() == 8
    assert EPCI.objects.count() == 3
    # The arrondissement municipal and the commune déléguée are not current communes.
    assert not Commune.objects.filter(code__in=["75101", "01015"]).exists()

    saint_etienne = Commune.objects.get(code="42218")
    assert saint_etienne.name == "Saint-Étienne"
    assert saint_etienne.search_name == "saint etienne"
    assert saint_etienne.department_id == "42"
    assert saint_etienne.epci_id == "244200770"
    assert saint_etienne.postal_codes == ["42000", "42100", "42230"]
    assert saint_etienne.population == 173136
    metropole = EPCI.objects.get(siren="244200770")
    assert (metropole.name, metropole.kind, metropole.population) == (
        "Saint-Étienne Métropole",
        "METRO",
        407700,
    )
    assert set(metropole.communes.values_list("code", flat=True)) == {"42218", "42207", "42043"}
    assert Commune.objects.get(code="2A004").department_id == "2A"
    assert Commune.objects.get(code="97611").department.region_id == "06"
    saint_pierre = Commune.objects.get(code="97502")  # Saint-Pierre-et-Miquelon: no department
    assert saint_pierre.department_id is None
    assert saint_pierre.label == "Saint-Pierre (975)"
    assert Commune.objects.get(code="29083").epci_id is None  # Île-de-Sein belongs to no EPCI


@pytest.mark.django_db
def test_reimport_is_idempotent_and_updates_changes(tmp_path):
    directory = copy_fixtures(tmp_path)
    run_import(directory)

    output = run_import(directory)
    assert "EPCI: 3 (0 created, 0 updated" in output
    assert "Communes: 8 (0 created, 0 updated" in output
    assert (Commune.objects.count(), EPCI.objects.count()) == (8, 3)

    def rename_and_move(rows):
        for row in rows:
            if row["code"] == "42043":
                row["nom"] = "Chambœuf-en-Forez"
                row["population"] = 1800

    def move_member(rows):
        for row in rows:
            if row["code"] == "244200770":
                row["nom"] = "Saint-Étienne Métropole (renamed)"
                row["membres"] = [m for m in row["membres"] if m["code"] != "42207"]
            if row["code"] == "242010056":
                row["membres"].append({"code": "42207"})

    edit_json(directory / "communes.json", rename_and_move)
    edit_json(directory / "epci.json", move_member)
    output = run_import(directory)

    assert "EPCI: 3 (0 created, 1 updated" in output
    assert "Communes: 8 (0 created, 2 updated" in output
    assert (Commune.objects.count(), EPCI.objects.count()) == (8, 3)
    chamboeuf = Commune.objects.get(code="42043")
    assert (chamboeuf.name, chamboeuf.search_name, chamboeuf.population) == (
        "Chambœuf-en-Forez",
        "chamboeuf en forez",
        1800,
    )
    assert Commune.objects.get(code="42207").epci_id == "242010056"
    assert EPCI.objects.get(siren="244200770").name == "Saint-Étienne Métropole (renamed)"


@pytest.mark.django_db
def test_communes_missing_from_new_files_are_kept_and_counted(tmp_path):
    directory = copy_fixtures(tmp_path)
    run_import(directory)
    edit_json(directory / "communes.json", lambda rows: rows.pop(0))  # drop Saint-Étienne

    output = run_import(directory)

    assert "Communes: 7 (0 created, 0 updated, 1 absent from the file, kept)" in output
    assert Commune.objects.filter(code="42218").exists()


@pytest.mark.django_db
def test_import_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Directory not found"):
        run_import(tmp_path / "nowhere")


@pytest.mark.django_db
def test_import_missing_file_is_a_clear_error(tmp_path):
    directory = copy_fixtures(tmp_path)
    (directory / "epci.json").unlink()
    with pytest.raises(CommandError, match=r"File not found: .*epci\.json"):
        run_import(directory)
    assert not Commune.objects.exists()


@pytest.mark.django_db
def test_import_bad_json_is_a_clear_error(tmp_path):
    directory = copy_fixtures(tmp_path)
    (directory / "communes.json").write_text('[{"code": "42218",', encoding="utf-8")
    with pytest.raises(CommandError, match=r"communes\.json is not valid JSON \(line 1"):
        run_import(directory)
    assert not EPCI.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("communes.json", {"code": "42218"}, r"communes\.json must contain a JSON list"),
        ("communes.json", [{"code": "42218", "type": "commune-actuelle"}], "has no valid “nom”"),
        ("communes.json", [{"code": "4", "type": "commune-actuelle"}], "invalid INSEE code"),
        ("epci.json", [{"code": "12", "nom": "X", "type": "CC"}], "invalid SIREN"),
        ("epci.json", [{"code": "200000172", "nom": "X", "type": "CC"}], "no valid “membres”"),
    ],
)
def test_import_malformed_entries_write_nothing(tmp_path, filename, content, message):
    directory = copy_fixtures(tmp_path)
    (directory / filename).write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run_import(directory)
    assert not Commune.objects.exists()
    assert not EPCI.objects.exists()


# --- Full reference files (slow: ~35,000 communes) -----------------------------------------------


@pytest.mark.django_db
def test_import_full_cog_2026_reference_files_slow():
    if not REFERENCE.is_dir():
        pytest.skip(f"reference data not found at {REFERENCE}")
    started = time.perf_counter()
    output = run_import(REFERENCE)
    first_run = time.perf_counter() - started

    assert Commune.objects.count() == 34969
    assert EPCI.objects.count() == 1255
    assert "Communes: 34969 (34969 created" in output
    saint_etienne = selectors.commune_hierarchy("42218")
    assert saint_etienne.commune.name == "Saint-Étienne"
    assert saint_etienne.department.code == "42"
    assert saint_etienne.epci.name == "Saint-Étienne Métropole"
    assert saint_etienne.region.code == "84"
    assert Commune.objects.get(code="75056").department.region_id == "11"
    assert Commune.objects.get(code="97611").department.region_id == "06"
    assert Commune.objects.filter(department="2A").count() == 124
    assert Commune.objects.filter(department__isnull=True).count() == 94  # overseas collectivities
    assert Commune.objects.filter(search_name="").count() == 0

    output = run_import(REFERENCE)
    assert "EPCI: 1255 (0 created, 0 updated" in output
    assert "Communes: 34969 (0 created, 0 updated" in output
    assert (Commune.objects.count(), EPCI.objects.count()) == (34969, 1255)
    assert first_run < 60


# --- Search and hierarchy ------------------------------------------------------------------------


@given(st.text())
def test_normalized_text_is_lowercase_ascii_words_and_stable(text):
    normalized = normalize_search_text(text)
    assert set(normalized) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")
    assert "  " not in normalized
    assert normalized == normalized.strip()
    assert normalize_search_text(normalized) == normalized
    if text.isascii():
        assert normalize_search_text(text.upper()) == normalize_search_text(text.lower())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Chambœuf", "chamboeuf"),
        ("  ÎLE-DE-SEIN ", "ile de sein"),
    ],
)
def test_normalize_search_text_examples(text, expected):
    assert normalize_search_text(text) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["etienne", "saint etienne", "SAINT-ÉTIENNE", "st étien", "Étienne saint"]
)
def test_search_finds_saint_etienne_accent_and_case_insensitively(fixture_territories, query):
    assert selectors.search_communes(query)[0].code == "42218"


@pytest.mark.django_db
def test_search_matches_word_prefixes_only_and_ranks(fixture_territories):
    assert [c.name for c in selectors.search_communes("ile de s")] == ["Île-de-Sein"]
    assert [c.name for c in selectors.search_communes("chamboeuf")] == ["Chambœuf"]
    assert selectors.search_communes("tienne") == []  # not the start of a word
    # Exact name first, then by population.
    assert [c.code for c in selectors.search_communes("saint")] == ["42218", "42207", "97502"]
    assert [c.code for c in selectors.search_communes("saint", limit=1)] == ["42218"]
    assert [c.code for c in selectors.search_communes("saint", department="42")] == [
        "42218",
        "42207",
    ]
    assert [c.code for c in selectors.search_communes("2a0")] == ["2A004"]
    assert [c.code for c in selectors.search_communes("4220")] == ["42207"]
    assert selectors.search_communes("") == []
    assert selectors.search_communes(" - ") == []


@pytest.mark.django_db
def test_commune_save_fills_the_search_name():
    commune = Commune.objects.create(code="99999", name="Écueillé-sur-Mer", department_id="36")
    assert commune.search_name == "ecueille sur mer"
    commune.name = "Œuvre"
    commune.save(update_fields=["name"])
    commune.refresh_from_db()
    assert commune.search_name == "oeuvre"
    assert [c.code for c in selectors.search_communes("oeuv")] == ["99999"]


@pytest.mark.django_db
def test_hierarchy_helpers(fixture_territories):
    path = selectors.commune_hierarchy("42218")
    assert (path.epci.siren, path.department.code, path.region.code) == ("244200770", "42", "84")
    overseas = selectors.commune_hierarchy(Commune.objects.get(code="97502"))
    assert (overseas.epci, overseas.department, overseas.region) == (None, None, None)
    assert [c.name for c in selectors.communes_in_department("42")] == [
        "Chambœuf",
        "Saint-Chamond",
        "Saint-Étienne",
    ]
    assert [c.code for c in selectors.communes_in_region("94")] == ["2A004"]
    assert [c.code for c in selectors.communes_in_epci("200054781")] == ["75056"]
    assert [d.code for d in selectors.departments(region="94")] == ["2A", "2B"]
    assert selectors.regions().count() == 18
    with pytest.raises(Commune.DoesNotExist):
        selectors.get_commune("00000")


# --- Autocomplete view ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_autocomplete_requires_login(client, fixture_territories):
    url = reverse("territories:communes")
    assert url == "/territories/communes/"
    response = client.get(url, {"q": "etienne"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_autocomplete_returns_json(fixture_territories, user):
    response = client_for(user).get(reverse("territories:communes"), {"q": "saint etienne"})
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "code": "42218",
            "name": "Saint-Étienne",
            "label": "Saint-Étienne (42)",
            "department": "42",
            "postal_codes": ["42000", "42100", "42230"],
        }
    ]
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_autocomplete_returns_html_options_to_htmx(fixture_territories, user):
    client = client_for(user)
    url = reverse("territories:communes")
    response = client.get(url, {"q": "saint", "department": "42"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="42218">Saint-Étienne (42)</option>' in html
    assert '<option value="42207">Saint-Chamond (42)</option>' in html
    assert "97502" not in html
    assert client.get(url, headers={"HX-Request": "true"}).content.decode().strip() == ""
    assert client.post(url, {"q": "saint"}).status_code == 405
