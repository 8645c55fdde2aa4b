"""The funding journey in a real browser, under the CSP: create a funder, a project with its
budget, an agreement funding it with a key and a reporting deadline, then find the deadline on
the finance dashboard and on the workspace's."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from maillage.workspaces.models import Role
from tests.e2e.test_ecosystem_matrix_graph import _watch
from tests.e2e.test_foundation_journey import sign_in
from tests.factories import MembershipFactory


def test_funder_project_budget_agreement_deadline_dashboard(new_page, transactional_db):
    membership = MembershipFactory(role=Role.MEMBER)
    workspace = membership.workspace
    today = timezone.localdate()
    page = new_page(width=1300, height=950)
    problems = _watch(page)
    sign_in(page, membership.user.email)

    # A funder: the level is asked of public funders only.
    page.goto(f"/w/{workspace.slug}/finance/")
    page.get_by_role("link", name="Funders", exact=True).first.click()
    page.get_by_role("link", name="New funder").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Région Auvergne-Rhône-Alpes")
    source = page.get_by_role("combobox", name="Who brings the resources")
    source.select_option("members")
    expect(page.get_by_role("combobox", name="Level")).to_be_hidden()
    source.select_option("public")
    page.get_by_role("combobox", name="Level").select_option("region")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Région Auvergne-Rhône-Alpes")

    # A project, then its budget for the first year.
    page.goto(f"/w/{workspace.slug}/finance/projects/")
    page.get_by_role("link", name="New project").click()
    page.get_by_role("textbox", name="Code", exact=True).fill("JARDINS")
    page.get_by_role("textbox", name="Name", exact=True).fill("Jardins partagés")
    page.get_by_label("Start date").fill(f"{today.year}-01-01")
    page.get_by_label("End date").fill(f"{today.year + 1}-12-31")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jardins partagés")
    page.get_by_role("link", name="Edit the budget").click()
    page.locator("#id_lines-0-category").select_option("60")
    page.locator("#id_lines-0-label").fill("Outils")
    page.locator("#id_lines-0-amount").fill("1 200,50")
    page.locator("#id_lines-1-category").select_option("74")
    page.locator("#id_lines-1-amount").fill("900")  # no funder: refused, nothing lost
    page.get_by_role("button", name="Save the year").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("names its funder")
    expect(page.locator("#id_lines-0-label")).to_have_value("Outils")
    page.locator("#id_lines-1-funder").select_option(label="Région Auvergne-Rhône-Alpes")
    page.get_by_role("button", name="Save the year").click()
    expect(page.get_by_role("status")).to_contain_text("Budget")
    charges = page.locator("tr.budget-total").first
    expect(charges).to_contain_text("€1,200.50")
    expect(page.locator("tr.budget-balance")).to_contain_text("-€300.50")

    # An agreement with the region: only the kinds a public funder brings are offered.
    page.goto(f"/w/{workspace.slug}/finance/agreements/")
    page.get_by_role("link", name="New agreement").click()
    page.get_by_role("textbox", name="Reference", exact=True).fill("AURA-2025-42")
    page.get_by_role("textbox", name="Title", exact=True).fill("Soutien aux jardins")
    page.get_by_role("combobox", name="Funder").select_option(label="Région Auvergne-Rhône-Alpes")
    expect(page.locator("[data-kind-select] option[value=patronage]")).to_be_disabled()
    page.get_by_role("combobox", name="Kind of resource").select_option("subsidy")
    page.get_by_label("Amount granted (€)").fill("20000")
    page.get_by_label("Eligible from").fill(f"{today.year}-01-01")
    page.get_by_label("Eligible until").fill(f"{today.year}-12-31")
    page.get_by_role("checkbox", name=re.compile("^JARDINS")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Soutien aux jardins")

    # Its key on the project and a reporting deadline.
    page.get_by_label("Share (%)").fill("60")
    page.get_by_role("button", name="Add the key").click()
    expect(page.locator("#keys table")).to_contain_text("60.00 %")
    due = today + timedelta(days=15)
    page.get_by_label("Due on").fill(due.isoformat())
    page.get_by_label("What is due").fill("Compte rendu financier")
    page.get_by_role("button", name="Add the deadline").click()
    expect(page.locator("#deadlines table")).to_contain_text("Due in 15 days")

    # The deadline on the finance dashboard, then on the workspace's.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Agreements").click()
    page.get_by_role("link", name="Dashboard", exact=True).last.click()
    row = page.locator("[data-deadline]")
    expect(row).to_contain_text("Compte rendu financier")
    expect(row).to_contain_text("AURA-2025-42")
    expect(row).to_contain_text("Région Auvergne-Rhône-Alpes")
    expect(row).to_contain_text("Due in 15 days")
    page.goto(f"/w/{workspace.slug}/")
    expect(page.get_by_role("heading", name="Reports due to funders")).to_be_visible()
    expect(page.get_by_text("Compte rendu financier")).to_be_visible()
    assert not problems, problems
