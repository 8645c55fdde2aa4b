"""Record an evaluation in a real browser: a round, each side's scores with evidence, then the
history chart's table and the latest average; a guest scores its own side only."""

import re

from django_scopes import scopes_disabled
from playwright.sync_api import expect

from maillage.partnerships.models import Partnership
from maillage.workspaces.models import Role
from tests.e2e.test_ecosystem_matrix_graph import _watch
from tests.e2e.test_foundation_journey import sign_in
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    PartnershipFactory,
    PartnershipGuestFactory,
    PartnershipMemberFactory,
)


def _score(page, dimension: str, score: str, evidence: str) -> None:
    block = page.get_by_role("group", name=dimension)
    block.get_by_label("Score (1 to 5)").select_option(score)
    block.get_by_label("Evidence").fill(evidence)


def test_record_an_evaluation_and_see_it_in_the_chart_table(new_page, transactional_db):
    membership = MembershipFactory(role=Role.MEMBER)
    workspace = membership.workspace
    partnership = PartnershipFactory(workspace=workspace, name="Alliance anti-gaspillage")
    PartnershipMemberFactory(
        partnership=partnership,
        actor=ActorFactory(workspace=workspace, name="Banque alimentaire du Rhône"),
        side="association",
    )
    company = PartnershipMemberFactory(
        partnership=partnership,
        actor=ActorFactory(workspace=workspace, name="Restaurants Lumière"),
        side="company",
    )
    share = PartnershipGuestFactory(partnership=partnership, member=company)
    page = new_page()
    problems = _watch(page)
    sign_in(page, membership.user.email)

    # The upfront fit check: the association says what it expects and what does not fit.
    page.goto(f"/w/{workspace.slug}/partnerships/{partnership.pk}/evaluation/")
    page.get_by_role("link", name="State the expectations of Banque alimentaire du Rhône").click()
    common = page.get_by_role("group", name="Real impact on the common good")
    common.get_by_label("What is expected").fill("500 repas sauvés par mois")
    common.get_by_label("Does the partnership model fit?").select_option(label="Does not fit")
    page.get_by_role("button", name="Save the expectations").click()
    expect(page.get_by_text("1 expectation does not fit the partnership model.")).to_be_visible()

    # A round, scored by the association.
    page.get_by_role("link", name="Record an evaluation").click()
    page.get_by_label("Evaluated on").fill("2026-06-30")
    page.get_by_label("Title").fill("Fin de l'expérimentation")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("Fin de l'expérimentation"))).to_be_visible()
    page.get_by_role("link", name="Score of Banque alimentaire du Rhône").click()
    _score(page, "Value added for the association", "4", "Un local deux jours par semaine")
    # Evidence is required: a clear message, nothing saved.
    page.get_by_role("group", name="Real impact on the common good").get_by_label(
        "Score (1 to 5)"
    ).select_option("3")
    page.get_by_role("button", name="Save the scores").click()
    expect(page.get_by_text("Say what supports this score")).to_be_visible()
    _score(page, "Real impact on the common good", "3", "320 repas sauvés en juin")
    page.get_by_role("button", name="Save the scores").click()

    # The company's guest scores its own side.
    guest_page = new_page()
    sign_in(guest_page, share.membership.user.email)
    guest_page.goto(f"/w/{workspace.slug}/partnerships/{partnership.pk}/evaluation/")
    expect(guest_page.get_by_role("link", name="Record an evaluation")).to_have_count(0)
    expect(
        guest_page.get_by_role("link", name="Score of Banque alimentaire du Rhône")
    ).to_have_count(0)
    guest_page.get_by_role("link", name="Score of Restaurants Lumière").click()
    _score(guest_page, "Return on engagement for the company", "2", "6 salariés mobilisés")
    _score(guest_page, "Real impact on the common good", "4", "Moins de pertes en cuisine")
    guest_page.get_by_role("button", name="Save the scores").click()
    expect(
        guest_page.get_by_text(re.compile("Scores of Restaurants Lumière for .* saved"))
    ).to_be_visible()

    # The history: the chart's figures in its table, and the latest average.
    page.reload()
    page.get_by_text("Figures shown in the chart").click()
    table = page.locator("figure.chart table")
    expect(table.locator("thead th")).to_have_text(
        ["Evaluation", "Value for the association", "Return for the company", "Common good"]
    )
    expect(table.locator("tbody tr").first).to_contain_text("06/30/2026")
    expect(table.locator("tbody td")).to_have_text(["4.00", "2.00", "3.50"])
    expect(page.get_by_text("average 3.25 out of 5")).to_be_visible()
    with scopes_disabled():
        assert str(Partnership.objects.get(pk=partnership.pk).evaluation_score) == "3.25"
    assert problems == []
