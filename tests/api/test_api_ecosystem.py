"""The ecosystem API: actors and relations CRUD, search with filters, matrices, taxonomies."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from maillage.core.models import AuditEvent
from maillage.core.sdg import goals_to_mask
from maillage.ecosystem.models import Actor, Relation, RelationType
from maillage.ecosystem.services import taxonomy_ensure_defaults
from maillage.workspaces.models import Role
from tests.api.helpers import bearer, english_client, make_token
from tests.factories import (
    ActorFactory,
    AudienceFactory,
    MembershipFactory,
    RelationFactory,
    RelationTypeFactory,
    ThemeFactory,
)

VALID_SIREN = "732829320"  # check digit computed with the Luhn algorithm
VALID_SIRET = "73282932000074"


def _url(workspace, path=""):
    return f"/api/v1/w/{workspace.slug}/{path}"


class Api:
    """Bearer calls for one membership, JSON in and out."""

    def __init__(self, membership):
        _, self.secret = make_token(membership)
        self.workspace = membership.workspace
        self.client = english_client()

    def get(self, path, **params):
        return self.client.get(_url(self.workspace, path), params, headers=bearer(self.secret))

    def send(self, method, path, data=None):
        return getattr(self.client, method)(
            _url(self.workspace, path),
            data=data or {},
            content_type="application/json",
            headers=bearer(self.secret),
        )

    def post(self, path, data):
        return self.send("post", path, data)

    def put(self, path, data):
        return self.send("put", path, data)

    def patch(self, path, data):
        return self.send("patch", path, data)

    def delete(self, path):
        return self.client.delete(_url(self.workspace, path), headers=bearer(self.secret))


@pytest.fixture
def api(member):
    return Api(member)


def _errors(response):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    return {error["loc"][-1]: error["msg"] for error in body["detail"]}


def _actor_count(workspace):
    with scopes_disabled():
        return Actor.objects.filter(workspace=workspace).count()


# --- actors: create, read ----------------------------------------------------------------------


def test_create_an_actor_with_every_field(api, workspace):
    theme = ThemeFactory(workspace=workspace, name="Emploi")
    audience = AudienceFactory(workspace=workspace, name="Jeunes")
    payload = {
        "name": "Les Ateliers du Forez",
        "profile": "ess_enterprise",
        "aliases": ["ADF", " Ateliers Forez ", "ADF"],
        "siret": "732 829 320 00074",
        "rna": "w423001234",
        "website": "https://ateliers-forez.example.org",
        "description": "Chantier d'insertion à Saint-Étienne.",
        "level": "departmental",
        "department": "42",
        "missions": ["support", "connect"],
        "themes": [theme.pk],
        "audiences": [audience.pk],
        "sdg_goals": [8, 1, 8],
        "latitude": 45.4397271,
        "longitude": 4.3871779,
        "notes": "Rencontrés au forum.",
        "last_verified_on": "2026-01-15",
    }
    response = api.post("actors", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Les Ateliers du Forez"
    assert body["version"] == 1
    assert body["aliases"] == ["ADF", "Ateliers Forez"]
    assert body["siret"] == VALID_SIRET
    assert body["siren"] == VALID_SIREN  # follows from the SIRET
    assert body["rna"] == "W423001234"
    assert body["department"] == "42"
    assert body["region"] == "84"  # follows from the department
    assert body["epci"] is None and body["commune"] is None
    assert sorted(body["missions"]) == ["connect", "support"]
    assert body["themes"] == [theme.pk] and body["audiences"] == [audience.pk]
    assert body["sdg_goals"] == [1, 8]
    assert body["latitude"] == 45.43973 and body["longitude"] == 4.38718
    assert body["last_verified_on"] == "2026-01-15"
    assert body["is_network_head"] is False
    assert {"created_at", "updated_at", "id"} <= set(body)
    with scope(workspace=workspace):
        actor = Actor.objects.get(pk=body["id"])
        assert actor.verified_by == api_user(api)
        assert actor.mission_support and actor.mission_connect and not actor.mission_observe
        assert actor.sdg_goals == goals_to_mask([1, 8])
        assert "Saint-Étienne" in actor.search_text
        assert actor.name_key == "ateliers forez"
    assert AuditEvent.objects.filter(
        action="create", object_type="ecosystem.Actor", object_id=str(body["id"])
    ).exists()


def api_user(api):
    with scopes_disabled():
        from maillage.api.models import ApiToken

        return ApiToken.objects.filter(workspace=api.workspace).latest("created_at").user


def test_minimal_actor_has_empty_defaults(api):
    response = api.post("actors", {"name": "Collectif Vélo", "profile": "association_volunteer"})
    assert response.status_code == 201
    body = response.json()
    assert body["level"] is None and body["region"] is None
    assert body["aliases"] == [] and body["missions"] == [] and body["themes"] == []
    assert body["siren"] == body["siret"] == body["rna"] == ""
    assert body["latitude"] is None and body["last_verified_on"] is None


def test_get_an_actor(api, workspace):
    actor = ActorFactory(workspace=workspace, name="Maison de l'ESS", department_id="42")
    response = api.get(f"actors/{actor.pk}")
    assert response.status_code == 200
    assert response.json()["name"] == "Maison de l'ESS"
    assert response.json()["department"] == "42"


def test_actor_of_another_workspace_is_a_404_like_a_missing_one(api, other_workspace):
    foreign = ActorFactory(workspace=other_workspace)
    for method in ("get", "delete"):
        response = getattr(api, method)(f"actors/{foreign.pk}")
        missing = getattr(api, method)("actors/987654321")
        assert response.status_code == missing.status_code == 404
        assert response.json() == missing.json() == {"detail": "Not found", "code": "not_found"}
    response = api.patch(f"actors/{foreign.pk}", {"version": 1, "name": "Volé"})
    assert response.status_code == 404
    with scopes_disabled():
        foreign.refresh_from_db()
    assert foreign.name != "Volé"


# --- actors: validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("siret", "73282932000075"),  # wrong check digit
        ("siret", "1234"),
        ("siren", "732829321"),
        ("rna", "W12"),
        ("website", "not a url"),
        ("department", "99"),
        ("region", "00"),
        ("commune", "42218"),  # no communes loaded in the test database
        ("profile", "cooperative"),
        ("level", "planetary"),
        ("missions", ["observe", "dream"]),
        ("sdg_goals", [18]),
        ("latitude", 95),
        ("themes", [987654321]),
        ("last_verified_on", "2999-01-01"),
    ],
)
def test_invalid_fields_are_422_naming_the_field_and_store_nothing(api, workspace, field, value):
    response = api.post("actors", {"name": "Acteur", "profile": "foundation", field: value})
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert field in {loc for error in detail for loc in error["loc"]}, detail
    assert _actor_count(workspace) == 0


def test_bad_siret_message_says_what_is_wrong(api):
    errors = _errors(api.post("actors", {"name": "A", "profile": "foundation", "siret": "1234"}))
    assert errors["siret"] == "A SIRET has 14 digits; “1234” has 4."


def test_siret_must_belong_to_the_siren(api):
    errors = _errors(
        api.post(
            "actors",
            {"name": "A", "profile": "foundation", "siren": "552100554", "siret": VALID_SIRET},
        )
    )
    assert "siret" in errors


def test_name_and_profile_are_required(api, workspace):
    response = api.post("actors", {"siren": VALID_SIREN})
    assert response.status_code == 422
    missing = {error["loc"][-1] for error in response.json()["detail"]}
    assert missing == {"name", "profile"}
    assert _errors(api.post("actors", {"name": "  ", "profile": "expert"})) == {
        "name": "A name is required."
    }
    assert _actor_count(workspace) == 0


def test_theme_of_another_workspace_is_refused(api, other_workspace):
    foreign = ThemeFactory(workspace=other_workspace)
    errors = _errors(api.post("actors", {"name": "A", "profile": "expert", "themes": [foreign.pk]}))
    assert errors["themes"] == f"Unknown id in this workspace: {foreign.pk}"


def test_latitude_without_longitude_is_refused(api):
    errors = _errors(api.post("actors", {"name": "A", "profile": "expert", "latitude": 45.0}))
    assert "longitude" in errors


# --- actors: update, optimistic locking, delete ------------------------------------------------


def test_put_replaces_the_whole_actor(api, workspace):
    theme = ThemeFactory(workspace=workspace)
    actor = ActorFactory(
        workspace=workspace,
        name="Ancien nom",
        description="Ancienne description",
        department_id="42",
        region_id="84",
        mission_observe=True,
    )
    with scopes_disabled():
        actor.themes.add(theme)
    response = api.put(
        f"actors/{actor.pk}",
        {"version": 1, "name": "Nouveau nom", "profile": "funder", "level": "national"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    assert body["name"] == "Nouveau nom" and body["profile"] == "funder"
    assert body["description"] == "" and body["department"] is None and body["region"] is None
    assert body["missions"] == [] and body["themes"] == []
    with scopes_disabled():
        actor.refresh_from_db()
    assert actor.name_key == "nouveau nom"
    assert "Ancienne" not in actor.search_text


def test_patch_changes_only_the_fields_sent(api, workspace):
    theme = ThemeFactory(workspace=workspace)
    actor = ActorFactory(
        workspace=workspace, name="Garde", description="Reste", mission_connect=True
    )
    response = api.patch(
        f"actors/{actor.pk}", {"version": 1, "themes": [theme.pk], "siret": VALID_SIRET}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Garde" and body["description"] == "Reste"
    assert body["missions"] == ["connect"]
    assert body["themes"] == [theme.pk]
    assert body["siren"] == VALID_SIREN
    assert body["version"] == 2
    # null empties an optional field
    body = api.patch(f"actors/{actor.pk}", {"version": 2, "themes": None, "level": None}).json()
    assert body["themes"] == [] and body["level"] is None and body["version"] == 3


def test_stale_version_is_a_409_and_changes_nothing(api, workspace):
    actor = ActorFactory(workspace=workspace, name="Version un")
    assert api.patch(f"actors/{actor.pk}", {"version": 1, "notes": "premier"}).status_code == 200
    for method in ("patch", "put"):
        response = getattr(api, method)(
            f"actors/{actor.pk}", {"version": 1, "name": "Écrasé", "profile": "expert"}
        )
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "conflict"
        assert "changed this record" in body["detail"]
    with scopes_disabled():
        actor.refresh_from_db()
    assert actor.name == "Version un" and actor.version == 2


def test_version_is_required_to_update(api, workspace):
    actor = ActorFactory(workspace=workspace)
    response = api.patch(f"actors/{actor.pk}", {"name": "Sans version"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "version"


def test_invalid_update_is_a_422_and_keeps_the_actor(api, workspace):
    actor = ActorFactory(workspace=workspace, name="Intact")
    errors = _errors(api.patch(f"actors/{actor.pk}", {"version": 1, "siren": "123456789"}))
    assert "siren" in errors
    with scopes_disabled():
        actor.refresh_from_db()
    assert actor.siren == "" and actor.version == 1


def test_delete_an_actor_with_its_relations(api, workspace):
    relation = RelationFactory(workspace=workspace)
    actor = relation.source
    response = api.delete(f"actors/{actor.pk}")
    assert response.status_code == 204
    with scopes_disabled():
        assert not Actor.objects.filter(pk=actor.pk).exists()
        assert not Relation.objects.filter(pk=relation.pk).exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(actor.pk)).exists()


def test_delete_with_a_stale_version_is_a_409(api, workspace):
    actor = ActorFactory(workspace=workspace)
    assert api.delete(f"actors/{actor.pk}?version=7").status_code == 409
    assert api.delete(f"actors/{actor.pk}?version=1").status_code == 204


# --- roles -------------------------------------------------------------------------------------


def test_guest_token_reads_but_cannot_write(guest, workspace):
    guest_api = Api(guest)
    actor = ActorFactory(workspace=workspace)
    relation = RelationFactory(workspace=workspace, source=actor)
    assert guest_api.get("actors").status_code == 200
    assert guest_api.get(f"actors/{actor.pk}").status_code == 200
    assert guest_api.get("relations").status_code == 200
    assert guest_api.get("matrices/profile").status_code == 200
    writes = [
        ("post", "actors", {"name": "Invité", "profile": "expert"}),
        ("put", f"actors/{actor.pk}", {"version": 1, "name": "Invité", "profile": "expert"}),
        ("patch", f"actors/{actor.pk}", {"version": 1, "name": "Invité"}),
        ("delete", f"actors/{actor.pk}", None),
        (
            "post",
            "relations",
            {
                "source": actor.pk,
                "target": relation.target_id,
                "relation_type": relation.relation_type_id,
            },
        ),
        ("patch", f"relations/{relation.pk}", {"version": 1, "notes": "x"}),
        ("delete", f"relations/{relation.pk}", None),
    ]
    for method, path, data in writes:
        response = (
            guest_api.delete(path) if method == "delete" else guest_api.send(method, path, data)
        )
        assert response.status_code == 403, (method, path)
        assert response.json()["code"] == "permission_denied"
        assert response.json()["required_role"] == "member"
    assert _actor_count(workspace) == 2
    with scopes_disabled():
        actor.refresh_from_db()
    assert actor.version == 1


def test_member_may_write(member, workspace):
    response = Api(member).post("actors", {"name": "Écrit", "profile": "expert"})
    assert response.status_code == 201


# --- search ------------------------------------------------------------------------------------


@pytest.fixture
def registry(workspace):
    """A small registry to search: accents, filters, verification dates."""
    theme = ThemeFactory(workspace=workspace, name="Emploi")
    audience = AudienceFactory(workspace=workspace, name="Jeunes")
    today = date.today()
    actors = {
        "etienne": ActorFactory(
            workspace=workspace,
            name="Atelier de Saint-Étienne",
            profile="ess_enterprise",
            level="local",
            department_id="42",
            region_id="84",
            mission_support=True,
            sdg_goals=goals_to_mask([8]),
            last_verified_on=today,
        ),
        "lyon": ActorFactory(
            workspace=workspace,
            name="Réseau Lyon Solidaire",
            aliases="RLS",
            profile="intermediary",
            level="regional",
            department_id="69",
            region_id="84",
            mission_connect=True,
            is_network_head=True,
            last_verified_on=today - timedelta(days=400),
        ),
        "lille": ActorFactory(
            workspace=workspace,
            name="Fonds Nord Avenir",
            description="Finance les projets de Saint-Étienne-au-Mont",
            profile="funder",
            level="regional",
            department_id="59",
            region_id="32",
            mission_support=True,
            mission_observe=True,
        ),
    }
    with scopes_disabled():
        actors["etienne"].themes.add(theme)
        actors["lille"].audiences.add(audience)
    return actors, theme, audience


def _names(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_search_ignores_accents_and_case(api, registry):
    response = api.get("actors", q="ETIENNE")
    assert sorted(_names(response)) == ["Atelier de Saint-Étienne", "Fonds Nord Avenir"]
    body = response.json()
    assert body["count"] == 2 and body["capped"] is False
    assert body["page"] == 1 and body["num_pages"] == 1
    assert _names(api.get("actors", q="rls")) == ["Réseau Lyon Solidaire"]  # an alias


def test_search_ranks_name_matches_first(api, registry):
    # "Étienne" is in the first one's name, in the description of the other.
    assert _names(api.get("actors", q="saint etienne"))[0] == "Atelier de Saint-Étienne"


def test_without_query_actors_come_by_name(api, registry):
    assert _names(api.get("actors")) == [
        "Atelier de Saint-Étienne",
        "Fonds Nord Avenir",
        "Réseau Lyon Solidaire",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"profile": ["funder", "intermediary"]}, {"lille", "lyon"}),
        ({"level": "regional"}, {"lille", "lyon"}),
        ({"territory": "region:84"}, {"etienne", "lyon"}),
        ({"territory": "department:59"}, {"lille"}),
        ({"mission": "support"}, {"etienne", "lille"}),
        ({"mission": ["connect", "observe"]}, {"lyon", "lille"}),
        ({"sdg": 8}, {"etienne"}),
        ({"network_head": "true"}, {"lyon"}),
        ({"network_head": "false"}, {"etienne", "lille"}),
        ({"unverified_days": 30}, {"lyon", "lille"}),
        ({"q": "etienne", "level": "local"}, {"etienne"}),
        ({"q": "etienne", "territory": "region:84"}, {"etienne"}),
    ],
)
def test_search_filters(api, registry, params, expected):
    actors, _theme, _audience = registry
    names = {actors[key].name for key in expected}
    assert set(_names(api.get("actors", **params))) == names


def test_theme_and_audience_filters_take_ids(api, registry):
    actors, theme, audience = registry
    assert _names(api.get("actors", theme=theme.pk)) == [actors["etienne"].name]
    assert _names(api.get("actors", audience=audience.pk)) == [actors["lille"].name]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"profile": "cooperative"}, "profile"),
        ({"level": "planetary"}, "level"),
        ({"mission": "dream"}, "mission"),
        ({"territory": "planet:3"}, "territory"),
        ({"sdg": 18}, "sdg"),
        ({"sdg": "x"}, "sdg"),
        ({"network_head": "maybe"}, "network_head"),
        ({"unverified_days": -1}, "unverified_days"),
        ({"page": 0}, "page"),
        ({"per_page": 201}, "per_page"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_invalid_filter_is_a_422_naming_the_parameter(api, registry, params, parameter):
    response = api.get("actors", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert parameter in {loc for error in body["detail"] for loc in error["loc"]}
    assert all(error["loc"][0] == "query" for error in body["detail"])


def test_theme_of_another_workspace_is_an_invalid_filter(api, registry, other_workspace):
    foreign = ThemeFactory(workspace=other_workspace)
    response = api.get("actors", theme=foreign.pk)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "theme"]


def test_search_pages(api, workspace):
    for i in range(7):
        ActorFactory(workspace=workspace, name=f"Maison {i}", description="tiers-lieu")
    first = api.get("actors", q="tiers lieu", per_page=3).json()
    assert first["count"] == 7 and first["num_pages"] == 3 and len(first["items"]) == 3
    last = api.get("actors", q="tiers lieu", per_page=3, page=3).json()
    assert len(last["items"]) == 1
    seen = {
        i["id"] for p in (1, 2, 3) for i in api.get("actors", per_page=3, page=p).json()["items"]
    }
    assert len(seen) == 7
    beyond = api.get("actors", per_page=3, page=9).json()
    assert beyond["items"] == [] and beyond["count"] == 7 and beyond["page"] == 9


def test_search_never_shows_another_workspace(api, workspace, other_workspace):
    ActorFactory(workspace=other_workspace, name="Étienne ailleurs")
    ActorFactory(workspace=workspace, name="Étienne ici")
    assert _names(api.get("actors", q="etienne")) == ["Étienne ici"]
    assert _names(api.get("actors")) == ["Étienne ici"]


def _queries(api, path, **params):
    api.get(path, **params)  # the first call of a token records its use (once a minute)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, **params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"q": "acteur"}, {"q": "acteur", "level": "local"}])
def test_search_queries_do_not_grow_with_the_page(api, workspace, params):
    theme = ThemeFactory(workspace=workspace)
    audience = AudienceFactory(workspace=workspace)

    def add(count):
        for _ in range(count):
            actor = ActorFactory(workspace=workspace)
            with scopes_disabled():
                actor.themes.add(theme)
                actor.audiences.add(audience)

    add(2)
    few = _queries(api, "actors", per_page=200, **params)
    add(25)
    many = _queries(api, "actors", per_page=200, **params)
    assert few == many


def test_relation_list_queries_do_not_grow(api, workspace):
    RelationFactory.create_batch(2, workspace=workspace)
    few = _queries(api, "relations", limit=200)
    RelationFactory.create_batch(20, workspace=workspace)
    assert _queries(api, "relations", limit=200) == few


# --- relations ---------------------------------------------------------------------------------


@pytest.fixture
def pair(workspace):
    with scope(workspace=workspace):
        taxonomy_ensure_defaults(workspace)
        funds = RelationType.objects.get(workspace=workspace, code="funds")
    return (
        ActorFactory(workspace=workspace, name="Fondation Alpha"),
        ActorFactory(workspace=workspace, name="Association Beta"),
        funds,
    )


def test_relation_crud(api, pair, workspace):
    alpha, beta, funds = pair
    response = api.post(
        "relations",
        {
            "source": alpha.pk,
            "target": beta.pk,
            "relation_type": funds.pk,
            "start_date": "2025-01-01",
            "notes": "Appel à projets 2025",
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["source"] == alpha.pk and created["source_name"] == "Fondation Alpha"
    assert created["target"] == beta.pk and created["target_name"] == "Association Beta"
    assert created["relation_type"] == funds.pk and created["relation_type_code"] == "funds"
    assert created["start_date"] == "2025-01-01" and created["end_date"] is None
    assert created["version"] == 1
    rid = created["id"]

    assert api.get(f"relations/{rid}").json()["notes"] == "Appel à projets 2025"
    listed = api.get("relations").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == rid

    patched = api.patch(f"relations/{rid}", {"version": 1, "end_date": "2025-12-31"})
    assert patched.status_code == 200
    assert patched.json()["end_date"] == "2025-12-31" and patched.json()["version"] == 2
    stale = api.patch(f"relations/{rid}", {"version": 1, "notes": "écrasé"})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"

    replaced = api.put(
        f"relations/{rid}",
        {"version": 2, "source": beta.pk, "target": alpha.pk, "relation_type": funds.pk},
    ).json()
    assert replaced["source"] == beta.pk and replaced["end_date"] is None
    assert replaced["notes"] == ""

    assert api.delete(f"relations/{rid}?version=1").status_code == 409
    assert api.delete(f"relations/{rid}").status_code == 204
    assert api.get(f"relations/{rid}").status_code == 404


def test_relation_validation(api, pair, other_workspace):
    alpha, beta, funds = pair
    base = {"source": alpha.pk, "target": beta.pk, "relation_type": funds.pk}
    assert api.post("relations", base).status_code == 201
    assert "relation_type" in _errors(api.post("relations", base))  # already recorded
    assert "target" in _errors(api.post("relations", {**base, "target": alpha.pk}))
    assert "end_date" in _errors(
        api.post(
            "relations",
            {**base, "source": beta.pk, "start_date": "2025-06-01", "end_date": "2025-01-01"},
        )
    )
    foreign = ActorFactory(workspace=other_workspace)
    foreign_type = RelationTypeFactory(workspace=other_workspace)
    assert _errors(api.post("relations", {**base, "source": foreign.pk})) == {
        "source": f"Unknown id in this workspace: {foreign.pk}"
    }
    assert "relation_type" in _errors(
        api.post("relations", {**base, "relation_type": foreign_type.pk})
    )
    with scopes_disabled():
        assert Relation.objects.count() == 1


def test_relation_list_filters(api, pair, workspace):
    alpha, beta, funds = pair
    gamma = ActorFactory(workspace=workspace, name="Collectif Gamma")
    other_type = RelationTypeFactory(workspace=workspace)
    one = RelationFactory(workspace=workspace, source=alpha, target=beta, relation_type=funds)
    two = RelationFactory(workspace=workspace, source=gamma, target=alpha, relation_type=other_type)
    RelationFactory(workspace=workspace, source=beta, target=gamma, relation_type=other_type)
    ids = lambda response: {item["id"] for item in response.json()["items"]}  # noqa: E731
    assert ids(api.get("relations", actor=alpha.pk)) == {one.pk, two.pk}
    assert ids(api.get("relations", relation_type=funds.pk)) == {one.pk}
    assert api.get("relations").json()["count"] == 3


def test_relation_of_another_workspace_is_a_404(api, other_workspace):
    foreign = RelationFactory(workspace=other_workspace)
    assert api.get(f"relations/{foreign.pk}").status_code == 404
    assert api.patch(f"relations/{foreign.pk}", {"version": 1, "notes": "x"}).status_code == 404
    assert api.delete(f"relations/{foreign.pk}").status_code == 404
    with scopes_disabled():
        assert Relation.objects.filter(pk=foreign.pk).exists()


# --- taxonomies --------------------------------------------------------------------------------


def test_taxonomies_list_the_workspace_terms(api, workspace, other_workspace):
    with scope(workspace=workspace):
        taxonomy_ensure_defaults(workspace)
    ThemeFactory(workspace=other_workspace, name="Ailleurs")
    themes = api.get("themes", limit=200).json()
    assert themes["count"] == 12
    assert "Ailleurs" not in {t["name"] for t in themes["items"]}
    assert api.get("audiences").json()["count"] == 13
    types = api.get("relation-types").json()["items"]
    assert {t["code"] for t in types} >= {"member_of", "funds", "partners_with"}
    partners = next(t for t in types if t["code"] == "partners_with")
    assert partners["is_symmetric"] is True


# --- matrices ----------------------------------------------------------------------------------


def test_profile_matrix(api, registry, other_workspace):
    ActorFactory(workspace=other_workspace, profile="funder", level="regional")
    response = api.get("matrices/profile")
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "profile"
    rows = [r["key"] for r in body["rows"]]
    columns = [c["key"] for c in body["columns"]]
    assert rows[0] == "international" and "regional" in rows
    cell = lambda r, c: body["counts"][rows.index(r)][columns.index(c)]  # noqa: E731
    assert cell("regional", "funder") == 1  # not the other workspace's funder
    assert cell("regional", "intermediary") == 1
    assert cell("local", "ess") == 1
    assert body["total"] == 3
    assert {"row": "national", "column": "funder"} in body["gaps"]
    funder_column = body["columns"][columns.index("funder")]
    assert funder_column["profiles"] == ["funder"]


def test_mission_matrix_with_filters(api, registry):
    body = api.get("matrices/mission", territory="region:84").json()
    rows = [r["key"] for r in body["rows"]]
    columns = [c["key"] for c in body["columns"]]
    assert columns == ["raise_awareness", "observe", "connect", "support"]
    assert body["counts"][rows.index("regional")][columns.index("connect")] == 1
    assert body["counts"][rows.index("regional")][columns.index("support")] == 0
    assert body["total"] == 2
    assert body["filters"]["territory"] == "region:84"
    detailed = api.get("matrices/profile_detailed", level="regional").json()
    assert [r["key"] for r in detailed["rows"]] == ["regional"]
    assert detailed["total"] == 2


def test_matrix_refuses_invalid_filters_and_unknown_kinds(api, registry):
    response = api.get("matrices/profile", territory="nowhere")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "territory"]
    assert api.get("matrices/maturity").status_code == 404


def test_matrix_queries_do_not_grow(api, workspace):
    ActorFactory.create_batch(2, workspace=workspace)
    few = _queries(api, "matrices/mission")
    ActorFactory.create_batch(20, workspace=workspace, level="national", mission_connect=True)
    assert _queries(api, "matrices/mission") == few


def test_openapi_documents_the_ecosystem_operations(workspace):
    schema = english_client().get("/api/v1/openapi.json").json()
    actors = schema["paths"]["/api/v1/w/{slug}/actors"]
    assert actors["post"]["x-minimum-role"] == "member"
    assert actors["get"]["x-minimum-role"] == "guest"
    names = {p["name"] for p in actors["get"]["parameters"]}
    assert {"q", "profile", "territory", "theme", "network_head", "page", "per_page"} <= names


def test_every_guest_write_is_audited_as_refused(guest, workspace):
    Api(guest).post("actors", {"name": "Invité", "profile": "expert"})
    assert AuditEvent.objects.filter(action="access_denied", workspace=workspace).exists()


def test_manager_and_owner_may_write(workspace):
    for role in (Role.MANAGER, Role.OWNER):
        membership = MembershipFactory(workspace=workspace, role=role)
        assert (
            Api(membership).post("actors", {"name": role, "profile": "expert"}).status_code == 201
        )
