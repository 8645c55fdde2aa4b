"""The time grid in a real browser, under the CSP: add two rows, type a week of hours with the
keyboard only (Tab, arrows, Enter), see the totals follow, reload and find every cell saved."""

import re
from datetime import date

from django_scopes import scope
from playwright.sync_api import expect

from maillage.finance.models import TimeEntry
from maillage.workspaces.models import Role
from tests.e2e.test_ecosystem_matrix_graph import _watch
from tests.e2e.test_foundation_journey import sign_in
from tests.factories import (
    ContractFactory,
    FundingAgreementFactory,
    MembershipFactory,
    PersonFactory,
    ProjectFactory,
)


def test_type_a_week_of_hours_with_the_keyboard(new_page, transactional_db):
    membership = MembershipFactory(role=Role.MEMBER)
    workspace = membership.workspace
    person = PersonFactory(
        workspace=workspace, first_name="Camille", last_name="Durand", email=membership.user.email
    )
    ContractFactory(
        workspace=workspace, person=person, weekly_hours=35, start_date=date(2025, 1, 1)
    )
    gardens = ProjectFactory(workspace=workspace, code="JARDINS", name="Jardins partagés")
    jobs = ProjectFactory(workspace=workspace, code="EMPLOI", name="Emploi des jeunes")
    fse = FundingAgreementFactory(workspace=workspace, reference="FSE-2025-0042", projects=[jobs])
    page = new_page(width=1300, height=950)
    problems = _watch(page)
    sign_in(page, membership.user.email)

    page.goto(f"/w/{workspace.slug}/finance/time/?week=2025-W10")
    expect(
        page.get_by_role("heading", level=2, name=re.compile("Camille Durand, week 10"))
    ).to_be_visible()
    # Two rows: a project alone, then a project with the agreement funding it (the agreement
    # list follows the project chosen).
    page.get_by_label("Project", exact=True).select_option(label="JARDINS – Jardins partagés")
    page.get_by_role("button", name="Add the row").click()
    page.get_by_label("Project", exact=True).select_option(label="EMPLOI – Emploi des jeunes")
    agreement = page.get_by_label("Agreement (optional)")
    expect(agreement.locator(f"option[value='{fse.pk}']")).to_be_enabled()
    agreement.select_option(str(fse.pk))
    page.get_by_role("button", name="Add the row").click()

    # The new row's Monday has the focus; type the week with the keyboard only.
    monday = page.get_by_role("textbox", name="Hours on EMPLOI · FSE-2025-0042 on Monday 3 March")
    expect(monday).to_be_focused()
    for value in ["3", "3", "3,5", "3", "3"]:  # EMPLOI, Monday to Friday
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")  # back on Friday
    page.keyboard.press("ArrowDown")  # JARDINS, Friday
    page.keyboard.type("4")
    page.keyboard.press("ArrowLeft")  # the caret goes to the start of "4"…
    page.keyboard.press("ArrowLeft")  # …then to Thursday
    page.keyboard.type("4")
    page.keyboard.press("Shift+Tab")  # Wednesday
    page.keyboard.type("4")
    page.keyboard.press("Enter")  # saves the cell (no row below: it stays)

    # The totals follow, cell after cell (HTMX, out of band).
    expect(page.locator("#week-total")).to_have_text(re.compile(r"^27\.50\s+h$"))
    expect(page.locator("#day-total-20250305")).to_have_text(re.compile(r"^7\.50\s+h$"))
    expect(page.locator(f"#row-total-{jobs.pk}_{fse.pk}")).to_have_text(re.compile(r"^15\.50\s+h$"))
    expect(page.locator(f"#row-total-{gardens.pk}_0")).to_have_text(re.compile(r"^12\.00\s+h$"))
    expect(page.get_by_text(re.compile(r"7\.50\s+h below the contract"))).to_be_visible()

    # A value above 24 h is refused in place, with a message tied to the cell.
    saturday = page.get_by_role("textbox", name="Hours on JARDINS on Saturday 8 March")
    saturday.fill("25")
    saturday.press("Tab")
    expect(page.get_by_role("alert").filter(has_text="At most 24 h in a cell")).to_be_visible()
    expect(saturday).to_have_attribute("aria-invalid", "true")

    # Reload: every cell was saved.
    page.reload()
    expect(monday).to_have_value("3")
    expect(
        page.get_by_role("textbox", name="Hours on EMPLOI · FSE-2025-0042 on Wednesday 5 March")
    ).to_have_value("3.5")
    expect(page.get_by_role("textbox", name="Hours on JARDINS on Thursday 6 March")).to_have_value(
        "4"
    )
    expect(page.get_by_role("textbox", name="Hours on JARDINS on Saturday 8 March")).to_have_value(
        ""
    )
    expect(page.locator("#week-total")).to_have_text(re.compile(r"^27\.50\s+h$"))
    with scope(workspace=workspace):
        assert TimeEntry.objects.filter(person=person).count() == 8
        assert TimeEntry.objects.filter(agreement=fse).count() == 5
    # The refused value (422) is the only error the browser reports.
    assert [p for p in problems if "422" not in p] == []
