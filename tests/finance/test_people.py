"""Staff and volunteers: the list, people, contracts and their hourly cost, the salary
permission, the finance settings and personal data (export and erasure)."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from maillage.core import personal_data
from maillage.core.models import AuditEvent
from maillage.finance import costs
from maillage.finance.models import Contract, FinanceSettings, Person, TimeEntry
from maillage.workspaces.models import Role
from tests.conftest import client_for
from tests.factories import (
    ContractFactory,
    MembershipFactory,
    PersonFactory,
    ProjectFactory,
    TimeEntryFactory,
    VolunteerFactory,
    WorkspaceFactory,
)


def _url(workspace, name, *args):
    return reverse(f"finance:{name}", args=[workspace.slug, *args])


@pytest.fixture
def hr(workspace):
    """A member allowed to see salaries."""
    return MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=True)


@pytest.fixture
def hr_client(hr):
    return client_for(hr)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- hourly cost ----------------------------------------------------------------------------------


def test_hourly_cost_is_salary_and_charges_over_1607_hours(workspace):
    contract = ContractFactory.build(
        workspace=workspace,
        weekly_hours=Decimal("35"),
        gross_annual_salary=Decimal("30000"),
        annual_employer_charges=Decimal("12000"),
    )
    settings = FinanceSettings(workspace=workspace)
    assert costs.productive_hours(contract, settings) == Decimal("1607")
    # 42,000 / 1,607 = 26.1356565… → 26.14 €/h, the one rounding of a rate; 7 h cost 182.98 €,
    # as in the engine and the funder reports.
    assert costs.hourly_cost(contract, settings) == Decimal("26.14")


def test_part_time_counts_productive_hours_in_proportion(workspace):
    contract = ContractFactory.build(
        workspace=workspace,
        weekly_hours=Decimal("17.5"),
        gross_annual_salary=Decimal("15000"),
        annual_employer_charges=Decimal("6000"),
    )
    settings = FinanceSettings(workspace=workspace)
    assert costs.productive_hours(contract, settings) == Decimal("803.5")
    # Half the pay over half the hours: the same hourly cost as full time.
    assert costs.hourly_cost(contract, settings) == Decimal("26.14")


def test_a_contract_may_give_its_own_productive_hours(workspace):
    contract = ContractFactory.build(workspace=workspace, productive_hours=Decimal("1500"))
    assert costs.hourly_cost(contract, FinanceSettings(workspace=workspace)) == Decimal("28")


# --- the list -------------------------------------------------------------------------------------


def test_list_filters_by_kind_activity_and_name(workspace, member_client):
    PersonFactory(workspace=workspace, first_name="Aïcha", last_name="Benali", email="a@x.org")
    VolunteerFactory(workspace=workspace, first_name="Bruno", last_name="Vidal")
    PersonFactory(workspace=workspace, first_name="Chloé", last_name="Roux", active=False)
    PersonFactory(workspace=WorkspaceFactory(), first_name="Elsewhere", last_name="Nobody")
    url = _url(workspace, "people")

    def names(**params):
        page = member_client.get(url, params).context["page_obj"]
        return [p.first_name for p in page]

    assert names() == ["Aïcha", "Bruno"]
    assert names(kind="volunteer") == ["Bruno"]
    assert names(active="0") == ["Chloé"]
    assert names(active="all") == ["Aïcha", "Chloé", "Bruno"]
    assert names(q="benali aïcha") == ["Aïcha"]
    assert names(q="a@x.org") == ["Aïcha"]
    assert names(q="nobody") == []


def test_list_shows_the_current_contract_and_the_hours_of_the_year(workspace, member_client):
    person = PersonFactory(workspace=workspace)
    ContractFactory(workspace=workspace, person=person, weekly_hours=Decimal("28"))
    today = timezone.localdate()
    TimeEntryFactory(workspace=workspace, person=person, date=today, hours=Decimal("6.5"))
    TimeEntryFactory(
        workspace=workspace, person=person, date=today - timedelta(days=400), hours=Decimal("9")
    )
    (row,) = member_client.get(_url(workspace, "people")).context["page_obj"]
    assert row.current_weekly_hours == Decimal("28")
    assert row.hours_last_year == Decimal("6.5")


def test_guest_reads_the_list_but_cannot_add(workspace, guest_client):
    PersonFactory(workspace=workspace, first_name="Visible")
    response = guest_client.get(_url(workspace, "people"))
    assert response.status_code == 200
    assert "Visible" in response.content.decode()
    assert "New person" not in response.content.decode()
    response = guest_client.post(
        _url(workspace, "person_create"),
        {"first_name": "A", "last_name": "B", "kind": "employee", "version": 1},
    )
    assert response.status_code == 403
    with scope(workspace=workspace):
        assert not Person.objects.filter(first_name="A").exists()


# --- people ---------------------------------------------------------------------------------------


def _person_data(**changes):
    data = {
        "first_name": " Camille ",
        "last_name": "Durand",
        "kind": "employee",
        "job_title": "Animatrice",
        "email": "Camille.Durand@Example.org",
        "valuation_rate": "",
        "version": 1,
    }
    data.update(changes)
    return data


def test_create_an_employee_then_edit(workspace, member, member_client):
    response = member_client.post(_url(workspace, "person_create"), _person_data())
    with scope(workspace=workspace):
        person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(workspace, "person", person.pk)
    assert (person.first_name, person.email) == ("Camille", "camille.durand@example.org")
    assert person.created_by == member.user
    response = member_client.post(
        _url(workspace, "person_edit", person.pk),
        _person_data(job_title="Coordinatrice", version=person.version),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.job_title == "Coordinatrice" and person.version == 2


def test_a_volunteer_needs_a_valuation_rate_written_with_a_comma(workspace, member_client):
    url = _url(workspace, "person_create")
    response = member_client.post(url, _person_data(kind="volunteer"))
    assert response.status_code == 200
    assert "valuation_rate" in response.context["form"].errors
    response = member_client.post(url, _person_data(kind="volunteer", valuation_rate="15,50"))
    assert response.status_code == 302
    with scope(workspace=workspace):
        assert Person.objects.get().valuation_rate == Decimal("15.50")


def test_an_employee_keeps_no_valuation_rate(workspace, member_client):
    member_client.post(_url(workspace, "person_create"), _person_data(valuation_rate="12"))
    with scope(workspace=workspace):
        assert Person.objects.get().valuation_rate is None


def test_two_people_cannot_share_an_email(workspace, member_client):
    PersonFactory(workspace=workspace, email="camille.durand@example.org")
    response = member_client.post(_url(workspace, "person_create"), _person_data())
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_a_stale_edit_is_refused(workspace, member_client):
    person = PersonFactory(workspace=workspace)
    stale = person.version
    person.job_title = "Changed"
    person.version += 1
    with scopes_disabled():
        person.save()
    response = member_client.post(
        _url(workspace, "person_edit", person.pk), _person_data(version=stale)
    )
    assert response.status_code == 200
    assert "Someone else changed this record" in _text(response)
    person.refresh_from_db()
    assert person.job_title == "Changed"


def test_kind_cannot_change_once_hours_are_recorded(workspace, member_client):
    person = PersonFactory(workspace=workspace)
    TimeEntryFactory(workspace=workspace, person=person)
    response = member_client.post(
        _url(workspace, "person_edit", person.pk),
        _person_data(kind="volunteer", valuation_rate="12", version=person.version),
    )
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    person.refresh_from_db()
    assert person.kind == "employee"


def test_deactivate_and_reactivate(workspace, member_client):
    person = PersonFactory(workspace=workspace)
    url = _url(workspace, "person_active", person.pk)
    assert member_client.get(url).status_code == 405
    member_client.post(url, {"active": "0", "version": person.version})
    person.refresh_from_db()
    assert not person.active
    assert list(member_client.get(_url(workspace, "people")).context["page_obj"]) == []
    member_client.post(url, {"active": "1", "version": person.version})
    person.refresh_from_db()
    assert person.active


# --- contracts and the salary permission ----------------------------------------------------------

CONTRACT = {
    "kind": "permanent",
    "start_date": "2025-01-01",
    "end_date": "",
    "weekly_hours": "17,5",
    "gross_annual_salary": "15 000",
    "annual_employer_charges": "6000.00",
    "productive_hours": "",
    "version": 1,
}


def test_a_member_allowed_to_see_salaries_adds_a_contract_and_sees_its_cost(workspace, hr_client):
    person = PersonFactory(workspace=workspace)
    response = hr_client.post(_url(workspace, "contract_create", person.pk), CONTRACT)
    assert response.status_code == 302
    with scope(workspace=workspace):
        contract = Contract.objects.get()
    assert contract.weekly_hours == Decimal("17.5")
    assert contract.gross_annual_salary == Decimal("15000")
    page = _text(hr_client.get(_url(workspace, "person", person.pk)))
    assert "€15,000.00" in page and "€6,000.00" in page
    assert "803.50 h" in page  # 1,607 × 17.5 / 35
    assert '<td class="text-end fw-semibold" data-figure="hourly-cost">€26.14</td>' in page


def test_salaries_are_hidden_without_the_permission(workspace, hr_client, member_client):
    person = PersonFactory(workspace=workspace)
    ContractFactory(
        workspace=workspace,
        person=person,
        gross_annual_salary=Decimal("31234"),
        annual_employer_charges=Decimal("12345"),
    )
    TimeEntryFactory(workspace=workspace, person=person, date=timezone.localdate())
    page = _text(member_client.get(_url(workspace, "person", person.pk)))
    assert "35.00 h" in page and "Permanent (CDI)" in page
    for secret in ("31,234", "12,345", "27.12", "Cost of the hours", "€"):
        assert secret not in page, secret
    # The one allowed sees them all.
    page = _text(hr_client.get(_url(workspace, "person", person.pk)))
    assert "€31,234.00" in page and "Cost of the hours" in page


def test_the_contract_form_has_no_salary_field_without_the_permission(workspace, member_client):
    contract = ContractFactory(workspace=workspace)
    response = member_client.get(_url(workspace, "contract_edit", contract.pk))
    fields = set(response.context["form"].fields)
    assert fields == {"kind", "start_date", "end_date", "weekly_hours", "version"}
    assert "30000" not in response.content.decode()


def test_a_crafted_post_cannot_change_salaries_without_the_permission(workspace, member_client):
    contract = ContractFactory(workspace=workspace, weekly_hours=35)
    response = member_client.post(
        _url(workspace, "contract_edit", contract.pk),
        {
            **CONTRACT,
            "start_date": "2024-01-01",
            "weekly_hours": "30",
            "gross_annual_salary": "99999",
            "annual_employer_charges": "1",
            "productive_hours": "10",
            "version": contract.version,
        },
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.weekly_hours == Decimal("30")  # what they may change
    assert contract.gross_annual_salary == Decimal("30000")
    assert contract.annual_employer_charges == Decimal("12000")
    assert contract.productive_hours is None


def test_adding_or_deleting_a_contract_needs_the_permission(workspace, member_client):
    person = PersonFactory(workspace=workspace)
    contract = ContractFactory(workspace=workspace, person=person)
    assert (
        member_client.post(_url(workspace, "contract_create", person.pk), CONTRACT).status_code
        == 403
    )
    assert member_client.post(_url(workspace, "contract_delete", contract.pk)).status_code == 403
    with scope(workspace=workspace):
        assert Contract.objects.count() == 1


def test_the_services_refuse_salaries_from_a_member_without_the_permission(workspace, member):
    from django.core.exceptions import PermissionDenied

    from maillage.finance.services import people as services

    contract = ContractFactory(workspace=workspace)
    with scope(workspace=workspace), pytest.raises(PermissionDenied):
        services.contract_update(
            contract,
            user=member.user,
            expected_version=contract.version,
            membership=member,
            gross_annual_salary=Decimal("1"),
        )


def test_overlapping_contracts_are_refused(workspace, hr_client):
    person = PersonFactory(workspace=workspace)
    ContractFactory(
        workspace=workspace, person=person, start_date=date(2024, 1, 1), end_date=date(2025, 6, 30)
    )
    url = _url(workspace, "contract_create", person.pk)
    response = hr_client.post(url, {**CONTRACT, "start_date": "2025-06-01"})
    assert response.status_code == 200
    assert "overlaps the one starting on 2024-01-01" in _text(response)
    response = hr_client.post(url, {**CONTRACT, "start_date": "2025-07-01"})
    assert response.status_code == 302
    with scope(workspace=workspace):
        assert Contract.objects.filter(person=person).count() == 2


def test_a_volunteer_has_no_contract(workspace, hr_client):
    volunteer = VolunteerFactory(workspace=workspace)
    response = hr_client.post(_url(workspace, "contract_create", volunteer.pk), CONTRACT)
    assert response.status_code == 302
    with scope(workspace=workspace):
        assert not Contract.objects.exists()


def test_delete_a_contract_warns_of_the_hours_it_costs(workspace, hr_client):
    contract = ContractFactory(workspace=workspace, start_date=date(2025, 1, 1))
    TimeEntryFactory(
        workspace=workspace, person=contract.person, date=date(2025, 3, 3), hours=Decimal("7.5")
    )
    url = _url(workspace, "contract_delete", contract.pk)
    assert "7.50 h recorded during this contract" in _text(hr_client.get(url))
    hr_client.post(url, {"version": contract.version})
    with scope(workspace=workspace):
        assert not Contract.objects.exists()
        assert TimeEntry.objects.count() == 1


def test_the_audit_trail_masks_salaries(workspace, hr, hr_client):
    person = PersonFactory(workspace=workspace)
    hr_client.post(_url(workspace, "contract_create", person.pk), CONTRACT)
    event = AuditEvent.objects.get(object_type="finance.Contract")
    assert event.changes["gross_annual_salary"] == [None, "•••"]
    assert event.changes["weekly_hours"] == [None, "17.5"]


# --- the person's hours ---------------------------------------------------------------------------


def test_person_page_sums_hours_by_month_and_project_with_their_cost(workspace, hr_client):
    person = PersonFactory(workspace=workspace)
    ContractFactory(workspace=workspace, person=person, start_date=date(2020, 1, 1))
    gardens = ProjectFactory(workspace=workspace, code="JARDINS")
    jobs = ProjectFactory(workspace=workspace, code="EMPLOI")
    first = timezone.localdate().replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    TimeEntryFactory(workspace=workspace, person=person, project=gardens, date=first, hours=7)
    TimeEntryFactory(
        workspace=workspace, person=person, project=jobs, date=first, hours=Decimal("0.5")
    )
    TimeEntryFactory(workspace=workspace, person=person, project=jobs, date=previous, hours=3)
    TimeEntryFactory(  # more than 12 months ago: not shown
        workspace=workspace, person=person, project=jobs, date=first.replace(year=first.year - 1)
    )
    hours = hr_client.get(_url(workspace, "person", person.pk)).context["hours"]
    assert [(r.code, r.months[-2:], r.total) for r in hours.rows] == [
        ("EMPLOI", [Decimal(3), Decimal("0.5")], Decimal("3.5")),
        ("JARDINS", [Decimal(0), Decimal(7)], Decimal(7)),
    ]
    assert hours.month_totals[-2:] == [Decimal(3), Decimal("7.5")]
    assert hours.total == Decimal("10.5")
    # 10.5 h at 26.14 €/h (the rate rounded to the cent), the same figure as the engine's.
    assert hours.cost_total == Decimal("274.470")


# --- settings -------------------------------------------------------------------------------------


def test_settings_are_for_managers_and_created_on_first_save(
    workspace, manager_client, member_client
):
    url = _url(workspace, "settings")
    assert member_client.get(url).status_code == 403
    response = manager_client.get(url)
    assert response.status_code == 200 and not response.context["saved"]
    with scope(workspace=workspace):
        assert not FinanceSettings.objects.exists()
    data = {
        "productive_hours_per_year": "1 600",
        "full_time_weekly_hours": "35",
        "variance_threshold_percent": "10",
        "version": 1,
    }
    assert manager_client.post(url, data).status_code == 302
    with scope(workspace=workspace):
        saved = FinanceSettings.objects.get()
        assert saved.productive_hours_per_year == Decimal("1600")
    assert manager_client.post(url, {**data, "variance_threshold_percent": "12"}).status_code == 302
    saved.refresh_from_db()
    assert saved.variance_threshold_percent == Decimal("12") and saved.version == 2
    # Hourly costs follow the settings.
    with scope(workspace=workspace):
        contract = ContractFactory(workspace=workspace)
        assert costs.hourly_cost(contract, costs.get_settings(workspace)) == Decimal("26.25")


# --- personal data --------------------------------------------------------------------------------


@pytest.fixture
def camille(workspace):
    person = PersonFactory(
        workspace=workspace,
        first_name="Camille",
        last_name="Martin",
        email="camille.martin@example.org",
        job_title="Animatrice",
    )
    ContractFactory(workspace=workspace, person=person)
    TimeEntryFactory(workspace=workspace, person=person, hours=Decimal("7.25"), note="Atelier")
    PersonFactory(workspace=workspace, first_name="Dominique", email="dominique@example.org")
    return person


def test_export_holds_the_person_their_contracts_and_hours(camille):
    export = personal_data.export_person("CAMILLE.MARTIN@example.org")
    records = export["records"]
    (person,) = records["finance.Person"]["items"]
    assert person["fields"]["first_name"] == "Camille"
    assert person["fields"]["email"] == "camille.martin@example.org"
    (contract,) = records["finance.Contract"]["items"]
    assert contract["fields"]["gross_annual_salary"] == "30000.00"
    (entry,) = records["finance.TimeEntry"]["items"]
    assert entry["fields"]["hours"] == "7.25" and entry["fields"]["note"] == "Atelier"
    assert entry["workspace"]["slug"] == camille.workspace.slug


def test_erasure_anonymises_the_person_and_keeps_every_figure(camille, workspace):
    admin = MembershipFactory(workspace=workspace, role=Role.OWNER).user
    with scopes_disabled():
        before = sorted(TimeEntry.objects.values_list("pk", "hours", "person_id"))
        contracts = sorted(Contract.objects.values_list("pk", "gross_annual_salary"))

    personal_data.erase_person("camille.martin@example.org", by=admin)

    camille.refresh_from_db()
    assert camille.full_name == f"Erased person #{camille.pk}"
    assert (camille.email, camille.job_title) == ("", "")
    with scopes_disabled():
        assert sorted(TimeEntry.objects.values_list("pk", "hours", "person_id")) == before
        assert sorted(Contract.objects.values_list("pk", "gross_annual_salary")) == contracts
        assert Person.objects.get(first_name="Dominique").email == "dominique@example.org"
    export = personal_data.export_person("camille.martin@example.org")
    assert export["records"]["finance.Person"]["count"] == 0
    assert export["records"]["finance.TimeEntry"]["count"] == 0
