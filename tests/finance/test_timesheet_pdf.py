"""The monthly timesheet to sign (PDF): read back with pypdf."""

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django_scopes import scope
from pypdf import PdfReader

from maillage.finance.selectors.time import french_public_holidays, month_timesheet
from tests.factories import (
    ContractFactory,
    FundingAgreementFactory,
    PersonFactory,
    ProjectFactory,
    TimeEntryFactory,
    VolunteerFactory,
)


@pytest.fixture
def march(workspace):
    """Camille's March 2025: two projects, one of them partly on an EU agreement."""
    person = PersonFactory(
        workspace=workspace, first_name="Camille", last_name="Durand", job_title="Animatrice"
    )
    ContractFactory(
        workspace=workspace, person=person, weekly_hours=35, start_date=date(2024, 1, 1)
    )
    gardens = ProjectFactory(workspace=workspace, code="JARDINS", name="Jardins partagés")
    jobs = ProjectFactory(workspace=workspace, code="EMPLOI", name="Emploi des jeunes")
    fse = FundingAgreementFactory(workspace=workspace, reference="FSE-2025-0042", projects=[jobs])
    for day, project, agreement, hours in [
        (3, gardens, None, "4"),
        (3, jobs, fse, "3.5"),
        (4, jobs, fse, "7"),
        (5, gardens, None, "2.25"),
        (31, jobs, None, "1"),
    ]:
        TimeEntryFactory(
            workspace=workspace,
            person=person,
            project=project,
            agreement=agreement,
            date=date(2025, 3, day),
            hours=Decimal(hours),
            note="Comité de suivi" if day == 4 else "",
        )
    TimeEntryFactory(workspace=workspace, person=person, project=jobs, date=date(2025, 4, 1))
    return person


def _url(workspace, person, year=2025, month=3):
    return reverse("finance:timesheet_pdf", args=[workspace.slug, person.pk, year, month])


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_month_totals_per_day_project_and_month(workspace, march):
    with scope(workspace=workspace):
        sheet = month_timesheet(march, 2025, 3)
    assert [
        (c.project.code, c.agreement and c.agreement.reference, c.total) for c in sheet.columns
    ] == [
        ("EMPLOI", None, Decimal("1")),
        ("EMPLOI", "FSE-2025-0042", Decimal("10.5")),
        ("JARDINS", None, Decimal("6.25")),
    ]
    assert len(sheet.days) == 31
    assert sheet.days[2].total == Decimal("7.5") and sheet.days[2].hours == [
        None,
        Decimal("3.5"),
        Decimal(4),
    ]
    assert sheet.total == Decimal("17.75")
    # 21 working days in March 2025, no public holiday: 21 × 7 h.
    assert sheet.contract_hours == Decimal("147")
    assert sheet.balance == Decimal("-129.25")


def test_contractual_hours_leave_out_public_holidays(workspace):
    person = PersonFactory(workspace=workspace)
    ContractFactory(
        workspace=workspace, person=person, weekly_hours=35, start_date=date(2024, 1, 1)
    )
    # May 2025: 22 weekdays, of which 1, 8 and 29 May (Ascension) are public holidays.
    assert date(2025, 5, 29) in french_public_holidays(2025)
    with scope(workspace=workspace):
        assert month_timesheet(person, 2025, 5).contract_hours == Decimal(19 * 7)


def test_the_pdf_shows_names_projects_agreements_and_totals(workspace, member_client, march):
    response = member_client.get(_url(workspace, march))
    assert response.status_code == 200
    assert (
        'inline; filename="timesheet-camille-durand-2025-03.pdf"' in response["Content-Disposition"]
    )
    text = _pdf_text(response)
    for expected in (
        "Timesheet of March 2025",
        "Camille Durand",
        "Animatrice",
        "Permanent (CDI), 35.00 h a week",
        "JARDINS",
        "EMPLOI",
        "FSE-2025-0042",
        "17.75 h",  # hours of the month
        "147.00 h",  # contractual hours
        "-129.25 h",
        "10.50",  # the agreement's column
        "Comité de suivi",
        "Employee",
        "Manager",
        "Date",
    ):
        assert expected in text, expected
    assert "April" not in text
    assert "Page 1 / 1" in text  # a month and its signatures fit on one page


def test_the_pdf_follows_the_page_language(workspace, member_client, march):
    member_client.cookies["maillage_language"] = "fr"
    text = _pdf_text(member_client.get(_url(workspace, march)))
    assert "mars 2025" in text and "lun 3" in text and "Page 1 / 1" in text


def test_a_volunteer_timesheet_has_no_contractual_hours(workspace, member_client):
    volunteer = VolunteerFactory(workspace=workspace, first_name="Bruno", last_name="Vidal")
    TimeEntryFactory(workspace=workspace, person=volunteer, date=date(2025, 3, 8), hours=4)
    text = _pdf_text(member_client.get(_url(workspace, volunteer)))
    assert "Bruno Vidal" in text and "Volunteering: no contractual hours" in text
    assert "4.00 h" in text


def test_an_impossible_month_is_not_found(workspace, member_client, march):
    assert member_client.get(_url(workspace, march, month=13)).status_code == 404
    assert member_client.get(_url(workspace, march, year=1789)).status_code == 404


def test_a_guest_may_read_the_timesheet(workspace, guest_client, march):
    assert guest_client.get(_url(workspace, march)).status_code == 200
