"""The network graph: building, filters, centrality, SVG, GEXF and Kumu exports, isolation."""

import io
import json
import re

import networkx as nx
import pytest
from defusedxml.ElementTree import fromstring as parse_xml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from maillage.ecosystem import graph as graph_module
from maillage.ecosystem.graph import (
    betweenness_scores,
    degree_scores,
    draw_svg,
    gexf_bytes,
    kumu_blueprint,
    load_graph,
    ranking,
)
from maillage.ecosystem.search import ActorFilters
from tests.conftest import client_for
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    RelationFactory,
    RelationTypeFactory,
)


@pytest.fixture
def network(workspace, other_workspace):
    """A hub funding four actors, a bridge between the hub and a second group, an isolated
    actor, and another workspace's relations.

        hub → a, b, c, d (funds);  d — bridge (partners, symmetric);  bridge → e, f (member of)
    """
    funds = RelationTypeFactory(workspace=workspace, code="funds", name="funds", position=1)
    partners = RelationTypeFactory(
        workspace=workspace, code="partners", name="partners with", is_symmetric=True, position=2
    )
    member = RelationTypeFactory(
        workspace=workspace, code="member_of", name="member of", position=3
    )
    make = ActorFactory
    actors = {
        "hub": make(
            workspace=workspace,
            name="Hub Fondation",
            profile="foundation",
            level="regional",
            region_id="84",
        ),
        "a": make(workspace=workspace, name="Asso A", level="local", region_id="84"),
        "b": make(workspace=workspace, name="Asso B", level="local", region_id="84"),
        "c": make(workspace=workspace, name="Asso C", level="local", region_id="84"),
        "d": make(workspace=workspace, name="Asso D", level="local", region_id="84"),
        "bridge": make(
            workspace=workspace,
            name="Pont Réseau",
            profile="intermediary",
            level="departmental",
            region_id="11",
        ),
        "e": make(
            workspace=workspace,
            name="Entreprise E",
            profile="company_pme",
            level="local",
            region_id="11",
        ),
        "f": make(
            workspace=workspace,
            name="Entreprise F",
            profile="company_tpe",
            level="local",
            region_id="11",
        ),
        "alone": make(workspace=workspace, name="Seul", level="local", region_id="84"),
    }
    relations = []
    for name in "abcd":
        relations.append(
            RelationFactory(
                workspace=workspace, source=actors["hub"], target=actors[name], relation_type=funds
            )
        )
    relations.append(
        RelationFactory(
            workspace=workspace, source=actors["d"], target=actors["bridge"], relation_type=partners
        )
    )
    for name in "ef":
        relations.append(
            RelationFactory(
                workspace=workspace,
                source=actors[name],
                target=actors["bridge"],
                relation_type=member,
            )
        )
    # Two relations between the same pair: both kept.
    relations.append(
        RelationFactory(
            workspace=workspace, source=actors["hub"], target=actors["a"], relation_type=partners
        )
    )
    RelationFactory.create_batch(3, workspace=other_workspace)
    return {"actors": actors, "relations": relations, "types": (funds, partners, member)}


def _load(workspace, **kwargs):
    with scope(workspace=workspace):
        return load_graph(workspace, **kwargs)


def test_graph_of_the_workspace(workspace, network):
    loaded = _load(workspace)
    graph = loaded.graph
    actors = network["actors"]
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.number_of_nodes() == 8  # the isolated actor is left out
    assert graph.number_of_edges() == 8
    assert actors["alone"].pk not in graph
    assert graph.number_of_edges(actors["hub"].pk, actors["a"].pk) == 2
    assert graph.nodes[actors["hub"].pk]["label"] == "Hub Fondation"
    assert graph.nodes[actors["hub"].pk]["family"] == "foundation"
    assert not loaded.truncated
    with_isolated = _load(workspace, include_isolated=True)
    assert with_isolated.graph.number_of_nodes() == 9


def test_filters_on_profile_level_territory_and_relation_type(workspace, network):
    member = network["types"][2]
    actors = network["actors"]
    by_type = _load(workspace, relation_type_ids=[member.pk]).graph
    assert set(by_type.nodes) == {actors["bridge"].pk, actors["e"].pk, actors["f"].pk}
    by_territory = _load(workspace, filters=ActorFilters(territory="region:11")).graph
    assert set(by_territory.nodes) == {actors["bridge"].pk, actors["e"].pk, actors["f"].pk}
    by_level = _load(workspace, filters=ActorFilters(levels=["local"])).graph
    assert by_level.number_of_edges() == 0  # relations need both ends in the filter
    by_profile = _load(
        workspace, filters=ActorFilters(profiles=["foundation", "association_employer"])
    ).graph
    assert by_profile.number_of_edges() == 5
    assert actors["bridge"].pk not in by_profile


def test_centrality_ranks_the_hub_and_the_bridge_first(workspace, network):
    graph = _load(workspace).graph
    actors = network["actors"]
    degree = degree_scores(graph)
    assert ranking(graph, degree)[0] == actors["hub"].pk
    assert degree[actors["hub"].pk] == 5
    betweenness = betweenness_scores(graph)
    top = ranking(graph, betweenness)
    # d and the bridge link the hub's group to the companies; the hub reaches four actors.
    assert set(top[:3]) == {actors["hub"].pk, actors["d"].pk, actors["bridge"].pk}
    assert betweenness[actors["e"].pk] == 0


def test_betweenness_is_sampled_and_deterministic_on_large_graphs(monkeypatch):
    monkeypatch.setattr(graph_module, "EXACT_BETWEENNESS_LIMIT", 20)
    monkeypatch.setattr(graph_module, "BETWEENNESS_SAMPLES", 10)
    star = nx.MultiDiGraph()
    for i in range(1, 60):
        star.add_edge(0, i)
    first, second = betweenness_scores(star), betweenness_scores(star)
    assert first == second
    assert max(first, key=first.get) == 0


def test_svg_is_csp_safe_linked_and_capped(workspace, network):
    loaded = _load(workspace, include_isolated=True)
    scores = degree_scores(loaded.graph)
    drawing = draw_svg(
        loaded,
        scores,
        measure="degree",
        node_url=lambda pk: f"/actor/{pk}/",
        describe=lambda pk: loaded.graph.nodes[pk]["label"],
        limit=5,
    )
    svg = drawing.svg
    parse_xml(svg)  # well-formed XML
    assert "style=" not in svg and "<script" not in svg and "<style" not in svg
    assert len(drawing.nodes) == 5 and drawing.capped and drawing.total_nodes == 9
    hub = network["actors"]["hub"].pk
    assert drawing.nodes[0] == hub
    assert f'href="/actor/{hub}/"' in svg
    assert "<title>Hub Fondation</title>" in svg
    assert "marker-end=" in svg  # directed relation types have arrows
    # Deterministic layout: the same graph draws the same picture.
    again = draw_svg(
        loaded,
        scores,
        measure="degree",
        node_url=lambda pk: f"/actor/{pk}/",
        describe=lambda pk: loaded.graph.nodes[pk]["label"],
        limit=5,
    )
    assert again.svg == svg
    # The biggest node is the hub.
    radii = {
        m.group(1): float(m.group(2))
        for m in re.finditer(
            r'href="/actor/(\d+)/"><title>[^<]*</title><circle [^>]*r="([\d.]+)"', svg
        )
    }
    assert max(radii, key=radii.get) == str(hub)


def test_gexf_parses_back(workspace, network):
    loaded = _load(workspace)
    parsed = nx.read_gexf(io.BytesIO(gexf_bytes(loaded)))
    assert parsed.number_of_nodes() == 8
    assert parsed.number_of_edges() == 8
    hub = str(network["actors"]["hub"].pk)
    assert parsed.nodes[hub]["label"] == "Hub Fondation"
    assert parsed.nodes[hub]["profile"] == "foundation"
    assert parsed.nodes[hub]["level"] == "regional"
    edge_types = sorted(data["relation_type"] for _, _, data in parsed.edges(data=True))
    assert edge_types == ["funds"] * 4 + ["member_of"] * 2 + ["partners"] * 2


def test_kumu_blueprint(workspace, network):
    loaded = _load(workspace)
    blueprint = kumu_blueprint(loaded)
    assert len(blueprint["elements"]) == 8
    assert len(blueprint["connections"]) == 8
    ids = {e["id"] for e in blueprint["elements"]}
    assert all(c["from"] in ids and c["to"] in ids for c in blueprint["connections"])
    hub = next(e for e in blueprint["elements"] if e["label"] == "Hub Fondation")
    assert hub["type"] == "Foundations"
    partners = [c for c in blueprint["connections"] if c["type"] == "partners with"]
    assert partners and all(c["direction"] == "mutual" for c in partners)


def test_truncated_when_too_many_relations(workspace, network):
    loaded = _load(workspace, max_relations=3)
    assert loaded.truncated
    assert loaded.graph.number_of_edges() == 3


# --- pages and exports ------------------------------------------------------------------------


def _url(workspace, name="ecosystem:graph"):
    return reverse(name, kwargs={"workspace_slug": workspace.slug})


def test_page(member_client, workspace, network):
    response = member_client.get(_url(workspace))
    assert response.status_code == 200
    html = response.content.decode()
    hub = network["actors"]["hub"]
    actor_url = reverse("ecosystem:actor", kwargs={"workspace_slug": workspace.slug, "pk": hub.pk})
    assert f'<a href="{actor_url}">' in html  # a node and a table row link to the actor
    assert "<svg" in html and 'id="graph-table"' in html
    assert 'style="' not in html.split("<main", 1)[1]
    assert response.context["top"][0]["pk"] == hub.pk
    assert "partners with" in html and "(both ways)" in html  # legend


def test_page_with_betweenness_and_filters(member_client, workspace, network):
    funds = network["types"][0]
    response = member_client.get(
        _url(workspace), {"measure": "betweenness", "relation_type": funds.pk}
    )
    assert response.status_code == 200
    assert response.context["measure"] == "betweenness"
    assert response.context["drawing"].total_nodes == 5
    empty = member_client.get(_url(workspace), {"level": "virtual"})
    assert "No relation between the actors of these filters." in empty.content.decode()


def test_exports_honour_the_filters(member_client, workspace, network):
    member = network["types"][2]
    gexf = member_client.get(_url(workspace, "ecosystem:graph_gexf"), {"relation_type": member.pk})
    assert gexf.status_code == 200
    assert ".gexf" in gexf["Content-Disposition"]
    parsed = nx.read_gexf(io.BytesIO(gexf.content))
    assert parsed.number_of_nodes() == 3 and parsed.number_of_edges() == 2
    kumu = member_client.get(_url(workspace, "ecosystem:graph_json"), {"territory": "region:84"})
    data = json.loads(kumu.content)
    assert len(data["elements"]) == 5  # hub, a, b, c, d
    assert len(data["connections"]) == 5


def test_workspace_isolation(workspace, other_workspace, network):
    client = client_for(MembershipFactory(workspace=other_workspace))
    data = json.loads(client.get(_url(other_workspace, "ecosystem:graph_json")).content)
    names = {e["label"] for e in data["elements"]}
    assert len(data["connections"]) == 3
    assert "Hub Fondation" not in names
    assert client.get(_url(workspace)).status_code == 404


def test_page_query_count_is_constant(member_client, workspace, network):
    url = _url(workspace)
    member_client.get(url)
    with CaptureQueriesContext(connection) as few:
        member_client.get(url)
    RelationFactory.create_batch(20, workspace=workspace, relation_type=network["types"][0])
    with CaptureQueriesContext(connection) as many:
        member_client.get(url)
    assert len(many) == len(few)
