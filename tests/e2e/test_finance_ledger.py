"""The ledger in a real browser, under the CSP: import a FEC from the ledger page (upload,
preview, commit), see its lines in the ledger, then assign one to a project by hand."""

import re

from playwright.sync_api import expect

from maillage.workspaces.models import Role
from tests.e2e.test_ecosystem_matrix_graph import _watch
from tests.e2e.test_foundation_journey import sign_in
from tests.factories import MembershipFactory, ProjectFactory
from tests.finance.fec_files import fec_text, purchase, sale


def test_import_a_fec_see_it_and_assign_a_line(new_page, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    membership = MembershipFactory(role=Role.MEMBER)
    workspace = membership.workspace
    ProjectFactory(workspace=workspace, code="JARDINS", name="Jardins partagés")
    path = tmp_path / "FEC2025.txt"
    lines = [*purchase("AC000001", "120,50", label="Outils du jardin"), *sale("VE000001", "300")]
    path.write_bytes(fec_text(lines, delimiter="|").encode("iso-8859-15"))

    page = new_page(width=1300, height=950)
    problems = _watch(page)
    sign_in(page, membership.user.email)

    # From the (empty) ledger to the import page, which documents the FEC's columns.
    page.goto(f"/w/{workspace.slug}/finance/ledger/")
    expect(page.get_by_text("No line yet")).to_be_visible()
    page.get_by_role("link", name="Import a FEC").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ledger (FEC)")
    expect(page.locator("#import-layout")).to_contain_text("EcritureDate")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name=re.compile("Upload and check")).click()

    # The preview, then the commit.
    expect(page.get_by_role("heading", name=re.compile("Preview"))).to_be_visible()
    expect(page.locator("#import-decision")).to_contain_text("4 rows will be saved")
    page.get_by_role("button", name="Commit the import").click()
    expect(page.get_by_role("status")).to_contain_text("Import finished: 4 created, 0 updated.")
    page.get_by_role("link", name="See the result").click()

    # The ledger shows the four lines and their totals.
    expect(page.locator('[data-total="count"]')).to_have_text("4")
    expect(page.locator('[data-total="debit"]')).to_have_text("€420.50")
    expect(page.get_by_role("link", name="Outils du jardin")).to_have_count(2)

    # Assign the charge line to the project, by hand.
    page.get_by_label("Account").fill("606")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Outils du jardin").click()
    expect(page.get_by_text("Not charged to any project.")).to_be_visible()
    page.get_by_role("link", name="Assign to a project").click()
    page.get_by_label("Project").select_option(label="JARDINS – Jardins partagés")
    page.get_by_label("Share of the line (%)").fill("100")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Line assigned.")
    allocations = page.get_by_role("table", name="Allocations of the line")
    expect(allocations).to_contain_text("JARDINS – Jardins partagés")
    expect(allocations).to_contain_text("by hand")

    # Back in the ledger, the line is assigned.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Ledger").click()
    page.get_by_label("Assigned", exact=True).select_option("yes")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator('[data-total="count"]')).to_have_text("1")
    expect(page.get_by_text("JARDINS 100 %")).to_be_visible()
    assert not problems, problems
