"""Projects: the sheet's rules (dates, codes, manager), the list and its filters, the pages
(create and edit through the forms, stale edits, guests), deletion refused when used."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.core.exceptions import StaleObjectError
from maillage.finance.models import BudgetLine, Project
from maillage.finance.services import projects as services
from tests.factories import (
    BudgetLineFactory,
    FundingAgreementFactory,
    LedgerAllocationFactory,
    MembershipFactory,
    ProjectFactory,
    TimeEntryFactory,
    UserFactory,
)


def url(name, workspace, *args):
    return reverse(f"finance:{name}", args=[workspace.slug, *args])


def _fields(**overrides):
    return {
        "code": "JARDINS",
        "name": "Jardins partagés",
        "start_date": date(2025, 1, 1),
        "end_date": date(2026, 12, 31),
        "status": Project.Status.ACTIVE,
        **overrides,
    }


def _form(**overrides):
    data = {
        "version": 1,
        "code": "JARDINS",
        "name": "Jardins partagés",
        "status": "active",
        "start_date": "2025-01-01",
        "end_date": "2026-12-31",
        "manager": "",
        "objectives": "Trois jardins en QPV.",
        "activities": "Ateliers hebdomadaires.",
    }
    data.update(overrides)
    return data


# --- services --------------------------------------------------------------------------------


def test_a_project_is_created_with_its_years(workspace, owner):
    with scope(workspace=workspace):
        project = services.project_create(
            workspace=workspace, user=owner.user, manager=owner.user, **_fields()
        )
    assert project.years == [2025, 2026]
    assert project.manager == owner.user


def test_the_end_may_not_come_before_the_start(workspace, owner):
    with scope(workspace=workspace), pytest.raises(ValidationError) as error:
        services.project_create(
            workspace=workspace, user=owner.user, **_fields(end_date=date(2024, 12, 31))
        )
    assert error.value.message_dict["end_date"] == [
        "The end date must not be before the start date."
    ]


def test_codes_are_unique_in_a_workspace_whatever_their_case(workspace, other_workspace, owner):
    ProjectFactory(workspace=workspace, code="JARDINS")
    ProjectFactory(workspace=other_workspace, code="REPAIR")
    with scope(workspace=workspace):
        with pytest.raises(ValidationError) as error:
            services.project_create(
                workspace=workspace, user=owner.user, **_fields(code="jardins ")
            )
        assert error.value.message_dict["code"] == ["Another project already has this code."]
        # The same code in another workspace is no clash.
        services.project_create(workspace=workspace, user=owner.user, **_fields(code="REPAIR"))


def test_the_manager_is_a_member_of_the_workspace(workspace, owner):
    stranger = UserFactory()
    with scope(workspace=workspace), pytest.raises(ValidationError) as error:
        services.project_create(workspace=workspace, user=owner.user, manager=stranger, **_fields())
    assert "member of this workspace" in error.value.message_dict["manager"][0]


def test_dates_cannot_leave_budget_years_behind(workspace, owner):
    project = ProjectFactory(workspace=workspace)  # 2025–2026
    BudgetLineFactory(workspace=workspace, project=project, year=2026)
    with scope(workspace=workspace):
        with pytest.raises(ValidationError) as error:
            services.project_update(
                project, user=owner.user, expected_version=1, end_date=date(2025, 12, 31)
            )
        assert error.value.message_dict["end_date"] == [
            "The budget has lines in 2026, outside these dates: delete them first, or keep "
            "that year in the project."
        ]
        services.project_update(
            project, user=owner.user, expected_version=1, end_date=date(2027, 6, 30)
        )
    assert project.years == [2025, 2026, 2027]


def test_a_stale_edit_raises_and_changes_nothing(workspace, owner):
    project = ProjectFactory(workspace=workspace, name="Avant")
    with scope(workspace=workspace):
        services.project_update(project, user=owner.user, expected_version=1, name="Première")
        with pytest.raises(StaleObjectError):
            services.project_update(
                Project.objects.get(pk=project.pk),
                user=owner.user,
                expected_version=1,
                name="Seconde",
            )
        assert Project.objects.get(pk=project.pk).name == "Première"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda w, p: FundingAgreementFactory(workspace=w, projects=[p]), "1 funding agreement"),
        (lambda w, p: TimeEntryFactory(workspace=w, project=p), "1 time entry is charged"),
        (lambda w, p: LedgerAllocationFactory(workspace=w, project=p), "1 ledger line"),
    ],
)
def test_a_project_in_use_cannot_be_deleted(workspace, owner, make, reason):
    project = ProjectFactory(workspace=workspace)
    make(workspace, project)
    with scope(workspace=workspace):
        with pytest.raises(ValidationError) as error:
            services.project_delete(project, user=owner.user)
        assert reason in error.value.messages[0]
        assert "Close or cancel it instead" in error.value.messages[0]
        assert Project.objects.filter(pk=project.pk).exists()


def test_deleting_a_project_deletes_its_budget(workspace, owner):
    project = ProjectFactory(workspace=workspace)
    BudgetLineFactory.create_batch(3, workspace=workspace, project=project)
    with scope(workspace=workspace):
        services.project_delete(project, user=owner.user)
        assert not Project.objects.filter(pk=project.pk).exists()
        assert not BudgetLine.objects.filter(workspace=workspace).exists()


# --- pages -----------------------------------------------------------------------------------


def test_create_a_project_through_the_form(workspace, member, member_client):
    response = member_client.post(url("project_create", workspace), _form(manager=member.user.pk))
    with scopes_disabled():
        project = Project.objects.get(workspace=workspace, code="JARDINS")
    assert response.status_code == 302
    assert response["Location"] == url("project", workspace, project.pk)
    assert project.manager == member.user
    assert project.objectives == "Trois jardins en QPV."
    page = member_client.get(response["Location"]).content.decode()
    assert "Jardins partagés" in page and "Trois jardins en QPV." in page
    assert "INVALID_TEMPLATE_VARIABLE" not in page


def test_the_form_says_what_is_wrong(workspace, member_client):
    ProjectFactory(workspace=workspace, code="JARDINS")
    response = member_client.post(url("project_create", workspace), _form(end_date="2024-01-01"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Another project already has this code." in page
    with scopes_disabled():
        assert Project.objects.filter(workspace=workspace).count() == 1


def test_the_manager_is_chosen_among_the_members(workspace, member, member_client):
    stranger = UserFactory(full_name="Intrus Extérieur")
    MembershipFactory(user=stranger)  # a member elsewhere
    page = member_client.get(url("project_create", workspace)).content.decode()
    assert member.user.full_name in page
    assert "Intrus Extérieur" not in page
    response = member_client.post(url("project_create", workspace), _form(manager=stranger.pk))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_edit_a_project(workspace, member_client):
    project = ProjectFactory(workspace=workspace)
    response = member_client.post(
        url("project_edit", workspace, project.pk), _form(code=project.code, status="closed")
    )
    assert response.status_code == 302
    with scopes_disabled():
        project.refresh_from_db()
    assert project.status == "closed"
    assert project.version == 2


def test_a_stale_form_is_refused_with_a_conflict_and_nothing_is_overwritten(
    workspace, owner, member_client
):
    project = ProjectFactory(workspace=workspace, name="Nom d'origine")
    form_page = member_client.get(url("project_edit", workspace, project.pk))
    assert 'name="version" value="1"' in form_page.content.decode()
    with scope(workspace=workspace):  # someone else saves first
        services.project_update(project, user=owner.user, expected_version=1, name="Leur nom")
    response = member_client.post(
        url("project_edit", workspace, project.pk), _form(code=project.code, name="Mon nom")
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    with scopes_disabled():
        assert Project.objects.get(pk=project.pk).name == "Leur nom"


def test_a_guest_reads_but_cannot_write(workspace, guest_client):
    project = ProjectFactory(workspace=workspace, name="Lecture seule")
    page = guest_client.get(url("project", workspace, project.pk)).content.decode()
    assert "Lecture seule" in page
    assert url("project_edit", workspace, project.pk) not in page
    assert url("project_budget", workspace, project.pk) not in page
    listing = guest_client.get(url("projects", workspace)).content.decode()
    assert url("project_create", workspace) not in listing
    assert guest_client.get(url("project_create", workspace)).status_code == 403
    response = guest_client.post(url("project_edit", workspace, project.pk), _form())
    assert response.status_code == 403
    with scopes_disabled():
        assert Project.objects.get(pk=project.pk).name == "Lecture seule"


def test_delete_page_refuses_a_funded_project(workspace, member_client):
    project = ProjectFactory(workspace=workspace)
    FundingAgreementFactory(workspace=workspace, projects=[project])
    page = member_client.get(url("project_delete", workspace, project.pk)).content.decode()
    assert "cannot be deleted" in page and "1 funding agreement funds it" in page
    assert 'name="version"' not in page  # no delete button
    response = member_client.post(url("project_delete", workspace, project.pk), follow=True)
    assert "This project cannot be deleted" in response.content.decode()
    with scopes_disabled():
        assert Project.objects.filter(pk=project.pk).exists()


def test_delete_a_project(workspace, member_client):
    project = ProjectFactory(workspace=workspace)
    response = member_client.post(url("project_delete", workspace, project.pk), {"version": 1})
    assert response["Location"] == url("projects", workspace)
    with scopes_disabled():
        assert not Project.objects.filter(pk=project.pk).exists()


def test_the_list_filters_by_status_year_and_text(workspace, member_client):
    ProjectFactory(workspace=workspace, code="JARD", name="Jardins", status="active")
    ProjectFactory(
        workspace=workspace,
        code="OLD",
        name="Ancien chantier",
        status="closed",
        start_date=date(2020, 1, 1),
        end_date=date(2021, 6, 30),
    )
    ProjectFactory(workspace=workspace, code="REP", name="Repair café", status="draft")

    def codes(**params):
        response = member_client.get(url("projects", workspace), params)
        return [p.code for p in response.context["page_obj"]]

    assert codes() == ["OLD", "JARD", "REP"]  # by name
    assert codes(status="closed") == ["OLD"]
    assert codes(year="2021") == ["OLD"]
    assert codes(year="2025") == ["JARD", "REP"]
    assert codes(q="café") == ["REP"]
    assert codes(q="jard", status="active") == ["JARD"]


def test_the_list_shows_planned_cash_totals(workspace, member_client):
    project = ProjectFactory(workspace=workspace)
    BudgetLineFactory(workspace=workspace, project=project, category="60", amount="100.10")
    BudgetLineFactory(workspace=workspace, project=project, category="64", amount="200.20")
    BudgetLineFactory(workspace=workspace, project=project, category="86", amount="999")
    BudgetLineFactory(workspace=workspace, project=project, category="70", amount="50")
    row = member_client.get(url("projects", workspace)).context["page_obj"][0]
    assert row.planned_charges == Decimal("300.30")  # in kind (86) apart
    assert row.planned_products == Decimal("50.00")
