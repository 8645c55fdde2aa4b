"""Coverage matrices (seed 004) on a hand-checked fixture: counts, gaps, totals, filters, links to
the actor list, XLSX export, query counts and workspace isolation."""

import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope
from openpyxl import load_workbook

from maillage.ecosystem.matrices import (
    Matrix,
    cell_params,
    coverage_matrix,
    describe_filters,
    filters_to_params,
)
from maillage.ecosystem.models import PROFILE_FAMILY, Profile
from maillage.ecosystem.search import ActorFilters
from tests.factories import ActorFactory, ThemeFactory

LEVELS = ["international", "europe", "national", "regional", "departmental", "local", "virtual"]


@pytest.fixture
def registry(workspace, other_workspace):
    """Six actors, checked by hand:

    | actor | level    | profile               | missions          | territory        | theme   |
    |-------|----------|-----------------------|-------------------|------------------|---------|
    | A     | regional | public_region         | connect, support  | region 84        | insert. |
    | B     | regional | association_employer  | connect           | region 84, 42    |         |
    | C     | local    | association_volunteer | observe           | region 84, 42    | insert. |
    | D     | local    | association_employer  | (none)            | region 11        |         |
    | E     | national | intermediary          | raise, connect    |                  |         |
    | F     | (none)   | company_pme           | support           | region 84        |         |
    """
    theme = ThemeFactory(workspace=workspace, name="Insertion")
    actors = {
        "A": ActorFactory(
            workspace=workspace,
            name="Région Alpha",
            level="regional",
            profile="public_region",
            mission_connect=True,
            mission_support=True,
            region_id="84",
        ),
        "B": ActorFactory(
            workspace=workspace,
            name="Association Bravo",
            level="regional",
            profile="association_employer",
            mission_connect=True,
            region_id="84",
            department_id="42",
        ),
        "C": ActorFactory(
            workspace=workspace,
            name="Collectif Charlie",
            level="local",
            profile="association_volunteer",
            mission_observe=True,
            region_id="84",
            department_id="42",
        ),
        "D": ActorFactory(
            workspace=workspace,
            name="Association Delta",
            level="local",
            profile="association_employer",
            region_id="11",
        ),
        "E": ActorFactory(
            workspace=workspace,
            name="Réseau Echo",
            level="national",
            profile="intermediary",
            mission_raise_awareness=True,
            mission_connect=True,
        ),
        "F": ActorFactory(
            workspace=workspace,
            name="PME Foxtrot",
            level="",
            profile="company_pme",
            mission_support=True,
            region_id="84",
        ),
    }
    actors["A"].themes.add(theme)
    actors["C"].themes.add(theme)
    # Another workspace's actors never count.
    ActorFactory.create_batch(
        3, workspace=other_workspace, level="regional", profile="public_region", region_id="84"
    )
    return actors, theme


def _cell(matrix: Matrix, row: str, column: str) -> int:
    rows = [r.key for r in matrix.rows]
    columns = [c.key for c in matrix.columns]
    return matrix.counts[rows.index(row)][columns.index(column)]


def test_profile_matrix_by_family(workspace, registry):
    with scope(workspace=workspace):
        matrix = coverage_matrix(workspace, ActorFilters(), "profile")
    assert [r.key for r in matrix.rows] == LEVELS
    assert [c.key for c in matrix.columns][:3] == ["public", "association", "foundation"]
    assert _cell(matrix, "regional", "public") == 1
    assert _cell(matrix, "regional", "association") == 1
    assert _cell(matrix, "local", "association") == 2
    assert _cell(matrix, "national", "intermediary") == 1
    assert _cell(matrix, "local", "public") == 0
    assert matrix.row_totals[LEVELS.index("regional")] == 2
    assert matrix.row_totals[LEVELS.index("international")] == 0
    columns = [c.key for c in matrix.columns]
    assert matrix.column_totals[columns.index("association")] == 3
    assert matrix.total == 5
    assert matrix.unplaced == 1  # F has no level
    assert ("local", "public") in matrix.gaps
    assert ("local", "association") not in matrix.gaps
    assert len(matrix.gaps) == 7 * 9 - 4
    # A family column stands for every profile of the family.
    association = matrix.columns[columns.index("association")]
    assert set(association.values) == {
        p for p in Profile.values if PROFILE_FAMILY[p] == "association"
    }


def test_profile_matrix_detailed(workspace, registry):
    with scope(workspace=workspace):
        matrix = coverage_matrix(workspace, ActorFilters(), "profile_detailed")
    assert len(matrix.columns) == len(Profile.values)
    assert _cell(matrix, "local", "association_volunteer") == 1
    assert _cell(matrix, "local", "association_employer") == 1
    assert _cell(matrix, "regional", "public_region") == 1
    assert matrix.total == 5


def test_mission_matrix_counts_an_actor_in_each_of_its_missions(workspace, registry):
    with scope(workspace=workspace):
        matrix = coverage_matrix(workspace, ActorFilters(), "mission")
    assert [c.key for c in matrix.columns] == ["raise_awareness", "observe", "connect", "support"]
    assert _cell(matrix, "regional", "connect") == 2
    assert _cell(matrix, "regional", "support") == 1
    assert _cell(matrix, "regional", "observe") == 0
    assert _cell(matrix, "local", "observe") == 1
    assert _cell(matrix, "national", "raise_awareness") == 1
    assert _cell(matrix, "national", "connect") == 1
    # Totals count each actor once: E has two missions but is one actor.
    assert matrix.row_totals[LEVELS.index("national")] == 1
    assert matrix.row_totals[LEVELS.index("regional")] == 2
    assert matrix.row_totals[LEVELS.index("local")] == 1  # D states no mission
    assert matrix.column_totals == [1, 1, 3, 1]
    assert matrix.total == 4
    assert matrix.without_mission == 1
    assert matrix.unplaced == 1


def test_restricted_to_a_region_a_department_and_a_theme(workspace, registry):
    with scope(workspace=workspace):
        region = coverage_matrix(workspace, ActorFilters(territory="region:84"), "profile")
        department = coverage_matrix(workspace, ActorFilters(territory="department:42"), "mission")
        themed = coverage_matrix(workspace, ActorFilters(themes=[registry[1].pk]), "profile")
    assert region.total == 3  # A, B, C (F has no level)
    assert region.unplaced == 1
    assert _cell(region, "local", "association") == 1
    assert department.total == 2  # B and C
    assert _cell(department, "regional", "connect") == 1
    assert themed.total == 2  # A and C
    assert _cell(themed, "regional", "public") == 1
    assert _cell(themed, "local", "association") == 1


def test_axis_filters_keep_only_their_rows_and_columns(workspace, registry):
    with scope(workspace=workspace):
        matrix = coverage_matrix(
            workspace,
            ActorFilters(levels=["local", "regional"], profiles=["association_employer"]),
            "profile",
        )
        missions = coverage_matrix(workspace, ActorFilters(missions=["connect"]), "mission")
    assert [r.key for r in matrix.rows] == ["regional", "local"]
    assert [c.key for c in matrix.columns] == ["association"]
    assert matrix.columns[0].values == ("association_employer",)
    assert matrix.counts == [[1], [1]]
    assert [c.key for c in missions.columns] == ["connect"]
    assert missions.total == 3


def test_one_query_per_matrix_whatever_the_rows(workspace, registry, django_assert_num_queries):
    ActorFactory.create_batch(20, workspace=workspace, level="europe", profile="funder")
    filters = ActorFilters(territory="region:84", themes=[registry[1].pk], missions=["connect"])
    with scope(workspace=workspace):
        for kind in ("profile", "profile_detailed", "mission"):
            with django_assert_num_queries(1):
                coverage_matrix(workspace, filters, kind)


def test_as_dict_is_json_ready(workspace, registry):
    with scope(workspace=workspace):
        matrix = coverage_matrix(workspace, ActorFilters(territory="region:84"), "mission")
    data = json.loads(json.dumps(matrix.as_dict()))
    assert data["kind"] == "mission"
    assert [r["key"] for r in data["rows"]] == LEVELS
    assert data["counts"][LEVELS.index("regional")] == [0, 0, 2, 1]
    assert data["total"] == 3
    assert {"row": "regional", "column": "observe"} in data["gaps"]
    assert data["filters"]["territory"] == "region:84"
    with pytest.raises(ValueError):
        coverage_matrix(workspace, ActorFilters(), "nonsense")


def test_heat_steps():
    matrix = Matrix(
        "profile", "t", [], [], [[0, 1, 5, 10]], [16], [0, 1, 5, 10], 16, ActorFilters()
    )
    assert [matrix.heat(n) for n in (0, 1, 2, 3, 5, 10)] == [0, 1, 1, 2, 3, 5]
    assert matrix.heat_ranges() == [(1, 1, 2), (2, 3, 4), (3, 5, 6), (4, 7, 8), (5, 9, 10)]


def test_cell_params_and_filters_round_trip(workspace, registry):
    filters = ActorFilters(territory="region:84", themes=[7], network_head=False, sdg=3)
    with scope(workspace=workspace):
        matrix = coverage_matrix(workspace, filters, "profile")
    association = next(c for c in matrix.columns if c.key == "association")
    row = next(r for r in matrix.rows if r.key == "local")
    params = cell_params(matrix, row, association)
    assert ("level", "local") in params
    assert sorted(v for k, v in params if k == "profile") == sorted(association.values)
    assert ("territory", "region:84") in params
    assert ("theme", "7") in params
    assert ("network_head", "no") in params
    assert ("sdg", "3") in params
    assert filters_to_params(ActorFilters()) == []


def test_describe_filters(workspace, registry):
    with scope(workspace=workspace):
        described = dict(
            describe_filters(
                workspace, ActorFilters(territory="department:42", themes=[registry[1].pk])
            )
        )
    assert described["Territory"].startswith("Loire")
    assert described["Theme"] == "Insertion"


# --- the page ------------------------------------------------------------------------------


def _url(workspace, name="ecosystem:matrices"):
    return reverse(name, kwargs={"workspace_slug": workspace.slug})


def test_page_shows_heat_map_gaps_and_totals(member_client, workspace, registry):
    response = member_client.get(_url(workspace))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Territorial level × actor profile" in html
    assert "Territorial level × mission" in html
    assert 'class="heat-0"' in html and ">gap<" in html  # gaps are said in words
    assert "heat-5" in html
    assert "no actor at this level" in html  # legend
    assert "1 actor has no territorial level" in html
    assert "1 actor states no mission" in html
    assert 'style="' not in html.split("<main", 1)[1]  # CSP: no inline style


def test_a_cell_opens_the_list_of_its_actors(member_client, workspace, registry):
    response = member_client.get(_url(workspace), {"territory": "region:84"})
    cells = response.context["matrices"][0]["rows"]
    local = next(r for r in cells if r["header"].key == "local")
    association = next(c for c in local["cells"] if c["cell"].column.key == "association")
    url = association["url"]
    parts = urlsplit(url)
    assert parts.path == _url(workspace, "ecosystem:home")
    query = parse_qs(parts.query)
    assert query["level"] == ["local"]
    assert query["territory"] == ["region:84"]
    assert set(query["profile"]) == {
        p for p in Profile.values if PROFILE_FAMILY[p] == "association"
    }
    assert f'href="{url.replace("&", "&amp;")}"' in response.content.decode()
    listing = member_client.get(url).content.decode()
    assert "Collectif Charlie" in listing
    assert "Association Delta" not in listing  # region 11
    assert "Association Bravo" not in listing  # regional
    # Gaps are not links.
    public = next(c for c in local["cells"] if c["cell"].column.key == "public")
    assert public["url"] == ""


def test_mission_cell_link(member_client, workspace, registry):
    response = member_client.get(_url(workspace))
    rows = response.context["matrices"][1]["rows"]
    regional = next(r for r in rows if r["header"].key == "regional")
    connect = next(c for c in regional["cells"] if c["cell"].column.key == "connect")
    query = parse_qs(urlsplit(connect["url"]).query)
    assert query == {"level": ["regional"], "mission": ["connect"]}
    listing = member_client.get(connect["url"]).content.decode()
    assert "Région Alpha" in listing and "Association Bravo" in listing
    assert "Réseau Echo" not in listing


def test_detailed_columns_and_filters_on_the_page(member_client, workspace, registry):
    response = member_client.get(_url(workspace), {"columns": "detailed", "theme": registry[1].pk})
    html = response.content.decode()
    assert response.context["detailed"] is True
    assert "Territorial level × detailed profile" in html
    assert "Restricted to:" in html and "Insertion" in html
    assert response.context["matrices"][0]["matrix"].total == 2


def test_bad_filter_is_reported_and_ignored(member_client, workspace, registry):
    response = member_client.get(_url(workspace), {"territory": "planet:mars"})
    assert response.status_code == 200
    assert "Unknown territory" in response.content.decode()
    assert response.context["matrices"][0]["matrix"].total == 5


def test_guest_reads_the_matrices(guest_client, workspace, registry):
    assert guest_client.get(_url(workspace)).status_code == 200
    assert guest_client.get(_url(workspace, "ecosystem:matrices_xlsx")).status_code == 200
    assert guest_client.post(_url(workspace)).status_code == 403


def test_other_workspace_sees_only_its_own(workspace, other_workspace, registry):
    from tests.conftest import client_for
    from tests.factories import MembershipFactory

    client = client_for(MembershipFactory(workspace=other_workspace))
    response = client.get(_url(other_workspace))
    matrix = response.context["matrices"][0]["matrix"]
    assert matrix.total == 3
    assert client.get(_url(workspace)).status_code == 404


def test_page_query_count_is_constant(member_client, workspace, registry):
    url = _url(workspace)
    params = {"territory": "region:84", "theme": registry[1].pk}
    member_client.get(url, params)
    with CaptureQueriesContext(connection) as few:
        member_client.get(url, params)
    ActorFactory.create_batch(
        25, workspace=workspace, level="local", profile="expert", region_id="84"
    )
    with CaptureQueriesContext(connection) as many:
        member_client.get(url, params)
    assert len(many) == len(few)


def test_xlsx_export(member_client, workspace, registry):
    response = member_client.get(
        _url(workspace, "ecosystem:matrices_xlsx"), {"territory": "department:42"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 3
    sheet = book[book.sheetnames[0]]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    flat = [str(v) for row in values for v in row if v is not None]
    assert "Territorial level × actor profile" in flat
    assert any(v.startswith("Loire") for v in flat)  # the filter, written at the top
    header = next(i for i, row in enumerate(values) if row[0] == "Territorial level")
    columns = values[header]
    regional = next(row for row in values[header:] if row[0] == "Regional")
    assert regional[columns.index("Associations")] == 1
    assert regional[columns.index("Public authorities")] == 0
    total = next(row for row in values[header:] if row[0] == "Total")
    assert total[-1] == 2
    # Gaps are marked with a fill.
    gap_row = header + 1 + LEVELS.index("regional") + 1
    gap_cell = sheet.cell(gap_row, columns.index("Public authorities") + 1)
    assert gap_cell.value == 0 and gap_cell.fill.fill_type == "lightUp"
    missions = book[book.sheetnames[2]]
    assert any(
        "several missions" in str(row[0]) for row in missions.iter_rows(values_only=True) if row[0]
    )
