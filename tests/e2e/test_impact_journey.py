"""The impact journey in a real browser, under the CSP: define an indicator with a breakdown,
set a target, enter a measurement with its breakdown (a wrong sum refused first), see the chart
and the figures, then ask for the impact report as PDF and download it from its job's page."""

import re
from datetime import date

from django_scopes import scope
from playwright.sync_api import expect

from maillage.impact.services import breakdowns_ensure_defaults
from maillage.workspaces.models import Role
from tests.e2e.test_ecosystem_matrix_graph import _watch
from tests.e2e.test_foundation_journey import sign_in
from tests.factories import MembershipFactory


def test_define_target_measure_chart_and_pdf(new_page, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    membership = MembershipFactory(role=Role.MEMBER)
    workspace = membership.workspace
    with scope(workspace=workspace):
        breakdowns_ensure_defaults(workspace)
    year = date.today().year
    page = new_page(width=1300, height=950)
    problems = _watch(page)
    sign_in(page, membership.user.email)

    # Define the indicator.
    page.goto(f"/w/{workspace.slug}/impact/")
    page.get_by_role("link", name="New indicator").click()
    page.get_by_label("Code", exact=True).fill("EMP-01")
    page.get_by_role("textbox", name="Name", exact=True).fill(
        "Personnes accompagnées vers l'emploi"
    )
    page.get_by_label("Unit", exact=True).fill("personnes")
    page.get_by_role("combobox", name="Frequency", exact=True).select_option("quarter")
    page.get_by_role("checkbox", name="Gender", exact=True).check()
    page.get_by_role("checkbox", name=re.compile("^8\\. Decent work")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Personnes accompagnées vers l'emploi"
    )

    # Set the target of the first quarter.
    page.get_by_role("link", name="Set a target").first.click()
    page.get_by_role("combobox", name="Period").select_option(f"{year}-Q1")
    page.get_by_role("textbox", name="Target value").fill("100")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Target set")

    # Enter the measurement: a breakdown that does not add up is refused, nothing is lost.
    page.get_by_role("link", name="Enter a measurement").first.click()
    page.get_by_role("combobox", name="Period").select_option(f"{year}-Q1")
    page.get_by_label("Value", exact=True).fill("120")
    page.get_by_label("Women").fill("70")
    page.get_by_label("Men", exact=True).fill("40")
    page.get_by_label("Narrative").fill("Deux permanences de plus au premier trimestre.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-danger")).to_contain_text("the values add up to 110")
    expect(page.get_by_label("Narrative")).to_have_value(
        "Deux permanences de plus au premier trimestre."
    )
    page.get_by_label("Other or not stated").fill("10")
    page.get_by_role("button", name="Save").click()

    # The figures and the chart.
    page.get_by_label("Year").select_option(str(year))
    page.get_by_role("button", name="Show").click()
    expect(page.locator('[data-figure="actual"]')).to_have_text(re.compile(r"120\s+personnes"))
    expect(page.locator('[data-figure="target"]')).to_have_text(re.compile(r"100\s+personnes"))
    chart = page.locator("figure.chart svg[role=img]").first
    expect(chart).to_be_visible()
    expect(page.locator("figure.chart figcaption").first).to_contain_text("target and actual")
    expect(page.get_by_text("Deux permanences de plus")).to_be_visible()
    # The breakdown charts arrive after the page (HTMX), under the CSP.
    expect(page.locator("#breakdowns figure.chart svg[role=img]")).to_have_count(1)
    expect(page.locator("#breakdowns figcaption")).to_contain_text("by gender")

    # The impact report as PDF: the button asks for the document, written in the background
    # (at once in tests); its page offers the download.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Impact").click()
    page.get_by_role("link", name="Impact report").click()
    page.get_by_role("button", name=re.compile("PDF")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact report (PDF)")
    expect(page.get_by_role("status")).to_contain_text("The document is ready.")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Download impact-report-.*\.pdf$")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert download.path().read_bytes().startswith(b"%PDF")
    assert not problems, problems
