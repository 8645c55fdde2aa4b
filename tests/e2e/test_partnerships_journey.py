"""A partnership's journey in a real browser, under the CSP.

The journey is a chain of steps, each a function taking the `Journey` and checking what the user
sees: create a partnership, add two members, pass a gate (go), see it in the portfolio at
02 Frame. Other areas extend it by adding steps (fill a canvas, record an evaluation, download
the sheet) and calling them from `test_partnership_journey` in order.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django_scopes import scopes_disabled
from playwright.sync_api import expect

from maillage.partnerships.models import Partnership
from maillage.workspaces.models import Role
from tests.e2e.test_ecosystem_matrix_graph import _watch
from tests.e2e.test_foundation_journey import sign_in
from tests.factories import ActorFactory, MembershipFactory, PartnershipKindFactory

NAME = "Alliance contre le gaspillage alimentaire"


@dataclass
class Journey:
    page: object
    workspace: object
    actors: dict = field(default_factory=dict)
    partnership_id: int | None = None
    problems: list = field(default_factory=list)

    def url(self, suffix: str = "") -> str:
        return f"/w/{self.workspace.slug}/partnerships/{suffix}"


def start(new_page, width=1280) -> Journey:
    membership = MembershipFactory(role=Role.MANAGER)
    workspace = membership.workspace
    PartnershipKindFactory(workspace=workspace, name="Advocacy alliance", position=0)
    actors = {
        "association": ActorFactory(
            workspace=workspace, name="Banque alimentaire du Rhône", profile="association_large"
        ),
        "company": ActorFactory(
            workspace=workspace, name="Restaurants Lumière", profile="company_pme"
        ),
    }
    page = new_page(width=width, height=950)
    journey = Journey(page=page, workspace=workspace, actors=actors, problems=_watch(page))
    sign_in(page, membership.user.email)
    return journey


def step_create_partnership(journey: Journey) -> None:
    page = journey.page
    page.goto(journey.url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Partnerships")
    page.get_by_role("link", name="New partnership").click()
    page.get_by_label("Name").fill(NAME)
    page.get_by_label("Kind").select_option(label="Advocacy alliance")
    page.get_by_label("Summary").fill("Réduire le gaspillage dans la restauration lyonnaise.")
    page.get_by_label("Make a common front to change society").check()
    page.get_by_label("Reach beneficiaries better").check()
    page.get_by_label("Downstream").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("created at 01 Meet")
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.locator(".stage-badge").first).to_have_text("01 Meet")
    with scopes_disabled():
        journey.partnership_id = Partnership.objects.get(name=NAME).pk


def step_add_members(journey: Journey) -> None:
    page = journey.page
    for key, role in (("association", "Lead"), ("company", "Partner")):
        actor = journey.actors[key]
        summary = page.get_by_text("Add a member", exact=True)
        if not page.get_by_label("Organisation").is_visible():
            summary.click()
        page.get_by_label("Organisation").fill(f"{actor.name} #{actor.pk}")
        page.get_by_label("Role").select_option(label=role)
        page.get_by_role("button", name="Add the member").click()
        expect(page.get_by_role("status").first).to_contain_text(f"{actor.name} is now a member")
    members = page.get_by_role("table", name="Members with their role and side")
    expect(members).to_contain_text("Banque alimentaire du Rhône")
    # The sides come from the organisations' profiles.
    expect(members.get_by_role("row", name=re.compile("Restaurants Lumière"))).to_contain_text(
        "Company"
    )
    expect(
        members.get_by_role("row", name=re.compile("Banque alimentaire du Rhône"))
    ).to_contain_text("Association")


def step_pass_gate(journey: Journey, outcome: str = "Go: move to the next stage") -> None:
    page = journey.page
    page.get_by_role("link", name="Gates", exact=True).first.click()
    expect(page.get_by_role("heading", name="Record a gate decision")).to_be_visible()
    expect(page.get_by_text("01 Meet → 02 Frame").first).to_be_visible()
    page.get_by_label(outcome).check()
    page.get_by_label("Deciders").fill("Claire Martin\nPaul Dupont")
    page.get_by_label("Rationale").fill("Les deux partenaires partagent le diagnostic.")
    page.get_by_label("Criterion 1").fill("Un diagnostic partagé")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status").first).to_contain_text("moves to 02 Frame")
    log = page.get_by_role("region", name="Transition log")
    expect(log).to_contain_text("01 Meet → 02 Frame")
    expect(log).to_contain_text("Un diagnostic partagé")
    expect(page.locator(".stage-badge").first).to_have_text("02 Frame")
    expect(page.get_by_role("img", name=re.compile("stages over time"))).to_be_visible()


def step_record_evaluation(journey: Journey) -> None:
    """The evaluation tab: a round, the association's scores with evidence, the chart's table
    and the latest average (tests/e2e/test_partnerships_evaluation.py goes further)."""
    page = journey.page
    page.goto(journey.url(f"{journey.partnership_id}/"))
    page.get_by_role("link", name="Evaluation", exact=True).first.click()
    page.get_by_role("link", name="Record an evaluation").click()
    page.get_by_label("Evaluated on").fill("2026-06-30")
    page.get_by_label("Title").fill("Fin de l'expérimentation")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Score of Banque alimentaire du Rhône").click()
    for dimension, score, evidence in (
        ("Value added for the association", "4", "Un local deux jours par semaine"),
        ("Real impact on the common good", "3", "320 repas sauvés en juin"),
    ):
        block = page.get_by_role("group", name=dimension)
        block.get_by_label("Score (1 to 5)").select_option(score)
        block.get_by_label("Evidence").fill(evidence)
    page.get_by_role("button", name="Save the scores").click()
    expect(page.get_by_text("average 3.50 out of 5")).to_be_visible()
    page.get_by_text("Figures shown in the chart").click()
    expect(page.locator("figure.chart table tbody td")).to_have_text(["4.00", "—", "3.00"])


def step_fill_canvas(journey: Journey) -> None:
    """The company's objectives canvas: an objective with figures, then a need to find."""
    page = journey.page
    company = journey.actors["company"].name
    page.goto(journey.url(f"{journey.partnership_id}/"))
    page.get_by_role("link", name="Canvas", exact=True).first.click()
    canvas = page.get_by_role("region", name=re.compile(company))
    canvas.get_by_role("link", name="Add — Objectives").click()
    page.get_by_label("Value-chain level").select_option("downstream")
    page.get_by_label("Text").fill("Donner les invendus du soir à des associations")
    page.get_by_label("Figures").fill("200 repas par semaine")
    page.get_by_role("button", name="Save", exact=True).click()
    canvas = page.get_by_role("region", name=re.compile(company))
    expect(canvas).to_contain_text("200 repas par semaine")
    canvas.get_by_role("link", name="Add — Needs").click()
    page.get_by_label("Text").fill("Une chambre froide")
    page.get_by_label(re.compile("Internal, external")).select_option("to_find")
    page.get_by_role("button", name="Save", exact=True).click()
    canvas = page.get_by_role("region", name=re.compile(company))
    expect(canvas).to_contain_text("Une chambre froide")
    expect(canvas).to_contain_text("To find")


def step_download_sheet(journey: Journey) -> None:
    """The sheet in Word and in PDF, named after the partnership, with its content."""
    from io import BytesIO

    from docx import Document
    from pypdf import PdfReader

    page = journey.page
    page.goto(journey.url(f"{journey.partnership_id}/"))
    for language, kind in (("fr", "PDF"), ("en", "Word (.docx)")):
        page.get_by_role("button", name="Partnership sheet").click()
        link = page.locator(f'.dropdown-menu a[lang="{language}"]', has_text=kind)
        with page.expect_download() as info:
            link.click()
        download = info.value
        data = Path(download.path()).read_bytes()
        if kind == "PDF":
            assert download.suggested_filename.startswith("partenariat-")
            text = " ".join(
                " ".join(p.extract_text().split()) for p in PdfReader(BytesIO(data)).pages
            )
            assert "Banque alimentaire du Rhône" in text
            assert "200 repas par semaine" in text
        else:
            assert download.suggested_filename.endswith(".docx")
            text = "\n".join(p.text for p in Document(BytesIO(data)).paragraphs)
            assert NAME in text


def step_see_in_portfolio(journey: Journey) -> None:
    page = journey.page
    page.goto(journey.url())
    funnel = page.get_by_role("region", name="Active partnerships by stage")
    expect(funnel.get_by_role("listitem").nth(1)).to_contain_text("02 Frame")
    expect(funnel.get_by_role("listitem").nth(1)).to_contain_text("1")
    page.get_by_label("Stage", exact=True).select_option(label="02 Frame")
    page.get_by_role("button", name="Filter").click()
    row = page.get_by_role("row", name=re.compile(NAME))
    expect(row).to_contain_text("02 Frame")
    expect(row).to_contain_text("Banque alimentaire du Rhône")  # the lead


def test_partnership_journey(new_page, transactional_db):
    journey = start(new_page)
    step_create_partnership(journey)
    step_add_members(journey)
    step_fill_canvas(journey)
    step_pass_gate(journey)
    step_record_evaluation(journey)
    step_download_sheet(journey)
    step_see_in_portfolio(journey)
    assert journey.problems == []


def test_partnership_journey_on_a_phone(new_page, transactional_db):
    journey = start(new_page, width=390)
    step_create_partnership(journey)
    step_add_members(journey)
    step_pass_gate(journey)
    assert journey.problems == []
