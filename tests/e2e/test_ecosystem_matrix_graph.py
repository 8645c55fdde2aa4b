"""Coverage matrices, network graph and map in a real browser, under the CSP: open a matrix cell
and see its actors; open the graph and click through to an actor; the map draws its markers
from local files."""

import re
from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from maillage.workspaces.models import Role
from tests.e2e.test_foundation_journey import sign_in
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    RelationFactory,
    RelationTypeFactory,
)


def _watch(page):
    """Console errors (CSP violations included) and uncaught exceptions."""
    problems = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def _registry(workspace):
    funds = RelationTypeFactory(workspace=workspace, code="funds", name="funds")
    hub = ActorFactory(
        workspace=workspace,
        name="Fondation Pivot",
        profile="foundation",
        level="regional",
        mission_connect=True,
        latitude=Decimal("45.76"),
        longitude=Decimal("4.83"),
    )
    locals_ = [
        ActorFactory(
            workspace=workspace,
            name=f"Association locale {n}",
            level="local",
            profile="association_volunteer",
            mission_support=True,
            latitude=Decimal("45.4") + n,
            longitude=Decimal("4.3"),
        )
        for n in range(3)
    ]
    ActorFactory(
        workspace=workspace, name="Entreprise nationale", profile="company_ge", level="national"
    )
    for actor in locals_:
        RelationFactory(workspace=workspace, source=hub, target=actor, relation_type=funds)
    return hub


def test_matrix_cell_graph_node_and_map(new_page, live_server, transactional_db, settings):
    settings.MAP_TILE_URL = ""  # no request leaves the test server
    membership = MembershipFactory(role=Role.MEMBER)
    workspace = membership.workspace
    hub = _registry(workspace)
    slug = workspace.slug

    page = new_page(width=1300, height=950)
    problems = _watch(page)
    sign_in(page, membership.user.email)

    # Matrices: a gap is said in words; a cell opens the list of its actors.
    page.goto(reverse("ecosystem:matrices", kwargs={"workspace_slug": slug}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Coverage matrices")
    profile_matrix = page.locator('table[data-matrix="profile"]')
    expect(profile_matrix.locator("td.heat-0").first).to_contain_text("gap")
    cell = profile_matrix.locator('a[data-cell="local:association"]')
    expect(cell).to_contain_text("3")
    cell.click()
    expect(page).to_have_url(re.compile(r"/ecosystem/\?.*level=local"))
    for n in range(3):
        expect(page.get_by_role("link", name=f"Association locale {n}")).to_be_visible()
    expect(page.get_by_role("link", name="Fondation Pivot")).to_have_count(0)
    expect(page.get_by_role("link", name="Entreprise nationale")).to_have_count(0)

    # Mission matrix: the regional "connect" cell lists the hub.
    page.goto(reverse("ecosystem:matrices", kwargs={"workspace_slug": slug}))
    page.locator('table[data-matrix="mission"] a[data-cell="regional:connect"]').click()
    expect(page.get_by_role("link", name="Fondation Pivot")).to_be_visible()

    # Graph: the hub is the biggest node; its node links to the actor page.
    page.goto(reverse("ecosystem:graph", kwargs={"workspace_slug": slug}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Network graph")
    actor_url = reverse("ecosystem:actor", kwargs={"workspace_slug": slug, "pk": hub.pk})
    node = page.locator(f'figure.graph-figure svg a[href="{actor_url}"]')
    expect(node).to_have_count(1)
    expect(page.locator("#graph-table tbody tr").first).to_contain_text("Fondation Pivot")
    node.locator("circle").click()
    expect(page).to_have_url(re.compile(re.escape(actor_url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fondation Pivot")

    # Map: Leaflet from local files draws the four located actors; the table lists them too.
    page.goto(reverse("ecosystem:map", kwargs={"workspace_slug": slug}))
    expect(page.locator("#ecosystem-map")).to_have_attribute("data-ready", "4")
    expect(page.locator("#ecosystem-map .leaflet-control-zoom")).to_be_visible()
    expect(page.locator("#map-table tbody tr")).to_have_count(4)
    assert problems == []
