"""An alliance diagnostic in a real browser, under the CSP.

The journey is a chain of steps, each a function taking the `Journey` and checking what the user
sees: create an engagement (and see its seven dimensions), involve the two allied
organisations. Other areas extend it by adding steps (record an interview and code two findings,
see the SWOT, score the scenarios, validate a recommendation, generate the diagnostic report)
and calling them from `test_diagnostic_journey` in order.
"""

import re
from dataclasses import dataclass, field

from django_scopes import scopes_disabled
from playwright.sync_api import expect

from maillage.diagnostics.choices import DEFAULT_DIMENSIONS
from maillage.diagnostics.models import Engagement
from maillage.workspaces.models import Role
from tests.e2e.test_ecosystem_matrix_graph import _watch
from tests.e2e.test_foundation_journey import sign_in
from tests.factories import ActorFactory, MembershipFactory

TITLE = "Diagnostic de l'alliance Cerise + SPTF"


@dataclass
class Journey:
    page: object
    workspace: object
    membership: object
    actors: dict = field(default_factory=dict)
    engagement_id: int | None = None
    problems: list = field(default_factory=list)

    def url(self, suffix: str = "") -> str:
        return f"/w/{self.workspace.slug}/diagnostics/{suffix}"

    def engagement_url(self, suffix: str = "") -> str:
        return self.url(f"{self.engagement_id}/{suffix}")


def start(new_page, width=1280) -> Journey:
    # A member who may read interview notes (sensitive data), as the consultant is.
    membership = MembershipFactory(role=Role.MANAGER, can_view_sensitive=True)
    workspace = membership.workspace
    actors = {
        "cerise": ActorFactory(workspace=workspace, name="Cerise", profile="association_large"),
        "sptf": ActorFactory(
            workspace=workspace, name="Social Performance Task Force", profile="association_large"
        ),
    }
    page = new_page(width=width, height=950)
    journey = Journey(
        page=page,
        workspace=workspace,
        membership=membership,
        actors=actors,
        problems=_watch(page),
    )
    sign_in(page, membership.user.email)
    return journey


def step_create_engagement(journey: Journey) -> None:
    page = journey.page
    page.goto(journey.url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alliance diagnostics")
    page.get_by_role("link", name="New engagement").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Start date").fill("2026-01-05")
    page.get_by_label("End date").fill("2026-09-30")
    page.get_by_label("Consultants").fill("Anne Conseil\nBruno Appui")
    page.get_by_label("Project lead").fill("Directrice des opérations de Cerise")
    page.get_by_label("Focal point").fill("Directrice IT et opérations de SPTF")
    page.get_by_label("Budget (days)").fill("25")
    page.get_by_label("Budget (€, excl. VAT)").fill("25000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("seven dimensions")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    milestones = page.get_by_role("table", name=re.compile("Milestones"))
    expect(milestones.get_by_role("row")).to_have_count(4)  # the header and three milestones
    with scopes_disabled():
        journey.engagement_id = Engagement.objects.get(title=TITLE).pk
    # The seven dimensions of the method, in order.
    page.get_by_role("link", name="Dimensions", exact=True).first.click()
    table = page.get_by_role("table", name=re.compile("Dimensions in order"))
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(7)
    for index, (_key, _french, english) in enumerate(DEFAULT_DIMENSIONS):
        expect(rows.nth(index)).to_contain_text(english)


def step_involve_organisations(journey: Journey) -> None:
    page = journey.page
    page.goto(journey.engagement_url())
    section = page.locator("#organisations")
    for key in ("cerise", "sptf"):
        actor = journey.actors[key]
        if not section.get_by_label("Organisation").is_visible():
            section.get_by_text("Add an organisation", exact=True).click()
        section.get_by_label("Organisation").fill(f"{actor.name} #{actor.pk}")
        section.get_by_role("button", name="Add the organisation").click()
        expect(page.get_by_role("status").first).to_contain_text(f"{actor.name} is involved")
    expect(page.locator("#organisations")).to_contain_text("Social Performance Task Force")


def step_record_interview_and_code_two_findings(journey: Journey) -> None:
    """Add a stakeholder, record an individual interview with its notes (the consultant may read
    notes), code two findings from it, and see them in the findings list with their weight."""
    page = journey.page
    page.goto(journey.engagement_url("fieldwork/"))
    expect(page.locator("#progress-title")).to_have_text("Interviews against the plan")
    page.get_by_role("link", name="Add a stakeholder").click()
    page.get_by_label(re.compile(r"^Name")).fill("Awa Diallo")
    page.get_by_label("E-mail").fill("awa.diallo@example.org")
    page.get_by_label("Job title").fill("Directrice des opérations")
    page.get_by_label("Category").select_option("direction")
    page.get_by_label("Consents to be interviewed").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Awa Diallo")
    page.get_by_role("link", name="Plan or record an interview").click()
    page.get_by_label(re.compile(r"^Status")).select_option("done")
    page.get_by_label("Awa Diallo").check()
    page.get_by_label("Held on").fill("2026-02-10")
    page.get_by_label("Interviewer").fill("Anne Conseil")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Interview recorded")
    page.get_by_role("link", name="Edit the notes").click()
    page.get_by_label("Notes").fill("Les décisions communes prennent trois mois.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".interview-notes")).to_contain_text("trois mois")
    findings = (
        ("weakness", "Les décisions communes sont lentes", "4", "On attend l'autre conseil."),
        ("strength", "Les équipes se font confiance", "2", "On se connaît bien."),
    )
    for quadrant, statement, severity, quote in findings:
        form = page.locator("details.code-finding")
        if form.get_attribute("open") is None:
            form.locator("summary").click()
        form.get_by_label("Dimension").select_option(index=2)
        form.get_by_label("SWOT quadrant").select_option(quadrant)
        form.get_by_label("Statement").fill(statement)
        form.get_by_label("Severity").select_option(severity)
        form.get_by_label("Supporting quote").fill(quote)
        form.get_by_role("button", name="Code the finding").click()
        expect(page.get_by_role("status").first).to_contain_text("Finding coded")
    page.get_by_role("link", name="Findings", exact=True).first.click()
    table = page.get_by_role("table", name="Findings of the engagement")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    # Sorted by weight: 1 source × severity 4 first.
    expect(rows.first).to_contain_text("Les décisions communes sont lentes")
    rows.first.get_by_role("link").click()
    expect(page.locator("#sources")).to_contain_text("On attend l'autre conseil.")
    expect(page.locator("#sources")).to_contain_text("Anonymised")


def step_see_the_swot(journey: Journey) -> None:
    """Build the SWOT from the two coded findings, see each in its quadrant with its weight,
    follow an item to its evidence (the quote), and see the prioritised dimensions."""
    page = journey.page
    page.goto(journey.engagement_url("swot/"))
    page.get_by_role("button", name="Build the SWOT from the findings").click()
    expect(page.get_by_role("status").first).to_contain_text("SWOT built: 2 new items")
    weaknesses = page.locator("#quadrant-weakness")
    expect(weaknesses).to_contain_text("Les décisions communes sont lentes")
    expect(weaknesses).to_contain_text("weight 4")  # 1 interview × severity 4
    expect(page.locator("#quadrant-strength")).to_contain_text("Les équipes se font confiance")
    weaknesses.get_by_role("link", name=re.compile("1 finding")).click()
    expect(page.locator("main")).to_contain_text("On attend l'autre conseil.")
    page.goto(journey.engagement_url("swot/"))
    page.get_by_role("link", name="Prioritised dimensions").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Prioritised dimensions")
    expect(page.locator("main")).to_contain_text("100.00")  # the only burdened dimension
    expect(page.locator("figure.chart svg")).to_have_count(1)


def step_score_the_scenarios(journey: Journey) -> None:
    """Score the four default scenarios on the six criteria (one grid, saved whole), see the
    weighted scores, ranking and sensitivity, and select the target scenario."""
    page = journey.page
    page.goto(journey.engagement_url("scenarios/"))
    page.get_by_role("link", name="Score the scenarios").click()
    selects = page.locator("select[name^='score_']")
    count = selects.count()
    assert count == 24  # four scenarios × six criteria
    scenario_ids = []
    for index in range(count):
        name = selects.nth(index).get_attribute("name")
        scenario_id = name.split("_")[1]
        if scenario_id not in scenario_ids:
            scenario_ids.append(scenario_id)
        # The first scenario does best everywhere, the last worst: a clear-cut ranking.
        selects.nth(index).select_option(str(5 - scenario_ids.index(scenario_id)))
    page.locator("textarea[name^='why_']").first.fill("Entretiens avec les deux directions")
    page.get_by_role("button", name="Save the scores").click()
    expect(page.get_by_role("status").first).to_contain_text("Scores saved")
    grid = page.get_by_role("table", name=re.compile("Score of each scenario"))
    first = grid.locator("tbody tr").first
    expect(first).to_contain_text("5.00")
    expect(page.locator("#sensitivity")).to_contain_text("The ranking holds for every ±20 % change")
    page.get_by_role("link", name="Select the target scenario").click()
    page.get_by_label("Target scenario").select_option(index=1)
    page.get_by_label("Why this scenario").fill("Le mieux classé, et il tient à ±20 %.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#target")).to_contain_text("Le mieux classé")


def step_validate_a_recommendation(journey: Journey) -> None:
    """Propose a recommendation, see the boards refused before the directions, then validate it
    by the directions and by the boards (who and when shown)."""
    page = journey.page
    page.goto(journey.engagement_url("recommendations/"))
    page.get_by_role("link", name="Add a recommendation").click()
    page.get_by_label("Dimension").select_option(index=1)
    page.get_by_label("Title").fill("Clarifier les circuits de décision communs")
    page.get_by_label("Priority").select_option(label="High")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Recommendation added")
    page.get_by_label("Validated by (names)").fill("Les deux directrices générales")
    page.get_by_role("button", name="Validated by the directions").click()
    expect(page.get_by_role("status").first).to_contain_text("Validated by the directions")
    page.get_by_label("Validated by (names)").fill("Conseils d'administration")
    page.get_by_role("button", name="Validated by the boards").click()
    expect(page.get_by_role("status").first).to_contain_text("Validated by the boards")
    expect(page.locator("#workflow-title").locator("..")).to_contain_text(
        "Conseils d'administration"
    )
    page.goto(journey.engagement_url("recommendations/"))
    expect(page.locator("main")).to_contain_text("Validated by the boards")


def step_generate_the_diagnostic_report(journey: Journey) -> None:
    """Download the diagnostic report in French (PDF) and English (Word) and read them: the
    SWOT and the coded finding are there; the interviewee's name and the notes are not."""
    from io import BytesIO
    from pathlib import Path

    from docx import Document
    from pypdf import PdfReader

    page = journey.page
    page.goto(journey.engagement_url("deliverables/"))
    texts = {}
    for language, kind in (("fr", "PDF"), ("en", "Word")):
        link = page.locator(
            f'a[lang="{language}"][href*="kind=diagnostic"]', has_text=re.compile(f"^{kind}$")
        )
        with page.expect_download() as info:
            link.click()
        data = Path(info.value.path()).read_bytes()
        if kind == "PDF":
            pages = PdfReader(BytesIO(data)).pages
            texts[language] = " ".join(" ".join(p.extract_text().split()) for p in pages)
        else:
            texts[language] = "\n".join(p.text for p in Document(BytesIO(data)).paragraphs)
            for table in Document(BytesIO(data)).tables:
                texts[language] += "\n".join(c.text for row in table.rows for c in row.cells)
        assert info.value.suggested_filename.startswith("diagnostic-")
    assert "SWOT" in texts["fr"] and "SWOT" in texts["en"]
    assert "Les décisions communes sont lentes" in texts["fr"]
    for text in texts.values():
        assert "Awa Diallo" not in text
        assert "trois mois" not in text  # the interview notes


def test_diagnostic_journey(new_page, transactional_db):
    journey = start(new_page)
    step_create_engagement(journey)
    step_involve_organisations(journey)
    step_record_interview_and_code_two_findings(journey)
    step_see_the_swot(journey)
    step_score_the_scenarios(journey)
    step_validate_a_recommendation(journey)
    step_generate_the_diagnostic_report(journey)
    assert journey.problems == []


def test_diagnostic_journey_on_a_phone(new_page, transactional_db):
    journey = start(new_page, width=390)
    step_create_engagement(journey)
    assert journey.problems == []
