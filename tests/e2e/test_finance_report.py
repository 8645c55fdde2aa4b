"""The funder report in a real browser, under the CSP: from the agreement's page to its CERFA
15059 report, open a drill-down, write the explanation of a variance (HTMX: the line and the
banner change in place), then download the XLSX and the PDF."""

import re

from playwright.sync_api import expect

from maillage.workspaces.models import Role
from tests.e2e.test_ecosystem_matrix_graph import _watch
from tests.e2e.test_foundation_journey import sign_in
from tests.factories import MembershipFactory
from tests.finance import golden


def test_open_the_report_explain_a_variance_and_download(new_page, transactional_db):
    membership = MembershipFactory(role=Role.MEMBER, can_view_sensitive=True)
    workspace = membership.workspace
    case = golden.build(workspace)
    page = new_page(width=1400, height=950)
    problems = _watch(page)
    sign_in(page, membership.user.email)

    # From the agreement's page, with its summary.
    page.goto(f"/w/{workspace.slug}/finance/agreements/{case['region'].pk}/")
    expect(page.locator('[data-figure="claimable"]')).to_have_text(re.compile(r"574\.35"))
    page.get_by_role("link", name="Financial report (CERFA 15059)", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Financial report (CERFA 15059)")
    line = page.locator("#line-74-region")
    expect(line.get_by_role("cell").nth(1)).to_have_text(re.compile(r"574\.35"))

    # The drill-down of the staff costs: who, when, how many hours, at what cost.
    staff = page.locator("#line-64")
    staff.get_by_text("2 items behind this line").click()
    expect(staff.get_by_role("link", name="Alice Martin")).to_be_visible()
    expect(staff.get_by_role("cell", name="€379.03")).to_be_visible()

    # The banner lists 68 (300 € not planned); explain it.
    banner = page.locator("#missing-explanations")
    expect(banner.get_by_role("link", name="68 – Depreciation and provisions")).to_be_visible()
    depreciation = page.locator("#line-68")
    depreciation.get_by_text("Write the explanation").click()
    depreciation.get_by_role("textbox").fill("Amortissement de la serre, non prévu au budget.")
    depreciation.get_by_role("button", name="Save the explanation").click()
    depreciation = page.locator("#line-68")
    expect(depreciation.get_by_text("Explanation saved.")).to_be_visible()
    expect(depreciation.locator("[data-explanation]")).to_have_text(
        re.compile("Amortissement de la serre, non prévu au budget.")
    )
    expect(banner.get_by_role("link", name="68 – Depreciation and provisions")).to_have_count(0)
    expect(banner.get_by_role("link", name="70 – Sales of goods and services")).to_be_visible()
    expect(page.locator("#line-68.report-missing")).to_have_count(0)

    # The downloads.
    with page.expect_download() as info:
        page.get_by_role("link", name="Download Excel").click()
    spreadsheet = info.value
    assert spreadsheet.suggested_filename == "financial-report-region-25.xlsx"
    content = spreadsheet.path().read_bytes()
    assert len(content) > 2000 and content.startswith(b"PK")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    document = info.value
    assert document.suggested_filename == "financial-report-region-25.pdf"
    content = document.path().read_bytes()
    assert len(content) > 2000 and content.startswith(b"%PDF")
    assert not problems, problems
