"""Funding agreements: their rules (reference, period, kind vs source, projects), funding keys,
instalments and reporting deadlines, and their pages."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from maillage.finance.models import (
    FundingAgreement,
    FundingKey,
    Instalment,
    ReportingDeadline,
)
from maillage.finance.services import agreements as services
from tests.factories import (
    FunderFactory,
    FundingAgreementFactory,
    FundingKeyFactory,
    IndicatorFactory,
    InstalmentFactory,
    LedgerAllocationFactory,
    ProjectFactory,
    ReportingDeadlineFactory,
    TimeEntryFactory,
)

TODAY = timezone.localdate()


def url(name, workspace, *args):
    return reverse(f"finance:{name}", args=[workspace.slug, *args])


def _fields(funder, **overrides):
    return {
        "reference": "AURA-2025-01",
        "title": "Soutien aux jardins",
        "funder": funder,
        "kind": "subsidy",
        "status": "signed",
        "amount_granted": Decimal("20000"),
        "start_date": date(2025, 1, 1),
        "end_date": date(2025, 12, 31),
        "eligible_categories": ["60", "64"],
        **overrides,
    }


def _create(workspace, user, projects, **fields):
    with scope(workspace=workspace):
        return services.agreement_create(
            workspace=workspace, user=user, projects=projects, **fields
        )


@pytest.fixture
def funder(workspace):
    return FunderFactory(workspace=workspace, name="Région", source="public", level="region")


@pytest.fixture
def project(workspace):
    return ProjectFactory(workspace=workspace, code="JARDINS")


# --- agreements ------------------------------------------------------------------------------


def test_an_agreement_funds_projects_and_requires_indicators(workspace, owner, funder, project):
    indicator = IndicatorFactory(workspace=workspace)
    agreement = _create(
        workspace, owner.user, [project], required_indicators=[indicator], **_fields(funder)
    )
    with scopes_disabled():
        assert list(agreement.projects.all()) == [project]
        assert list(agreement.required_indicators.all()) == [indicator]
    assert agreement.is_public


def test_references_are_unique_whatever_their_case(workspace, owner, funder, project):
    _create(workspace, owner.user, [project], **_fields(funder))
    with pytest.raises(ValidationError) as error:
        _create(workspace, owner.user, [project], **_fields(funder, reference="aura-2025-01"))
    assert error.value.message_dict["reference"] == [
        "Another agreement already has this reference."
    ]


def test_the_eligible_period_ends_after_it_starts(workspace, owner, funder, project):
    with pytest.raises(ValidationError) as error:
        _create(workspace, owner.user, [project], **_fields(funder, end_date=date(2024, 1, 1)))
    assert error.value.message_dict["end_date"] == [
        "The end of the eligible period must not be before its start."
    ]


def test_the_kind_depends_on_the_funders_source(workspace, owner, project):
    company = FunderFactory(workspace=workspace, source="private_organisations", level="other")
    with pytest.raises(ValidationError) as error:
        _create(workspace, owner.user, [project], **_fields(company, kind="subsidy"))
    assert error.value.message_dict["kind"] == [
        "Private organisations cannot bring Subsidy; choose one of: Patronage, Sale of services."
    ]
    _create(workspace, owner.user, [project], **_fields(company, kind="patronage"))


def test_an_agreement_funds_at_least_one_project_during_its_period(workspace, owner, funder):
    with pytest.raises(ValidationError) as error:
        _create(workspace, owner.user, [], **_fields(funder))
    assert error.value.message_dict["projects"] == ["Choose the projects this agreement funds."]
    old = ProjectFactory(
        workspace=workspace, code="OLD", start_date=date(2020, 1, 1), end_date=date(2021, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        _create(workspace, owner.user, [old], **_fields(funder))
    assert (
        "OLD runs entirely outside the eligible period" in (error.value.message_dict["projects"][0])
    )


def test_projects_and_indicators_of_another_workspace_are_refused(
    workspace, other_workspace, owner, funder, project
):
    with pytest.raises(ValidationError):
        _create(
            workspace, owner.user, [ProjectFactory(workspace=other_workspace)], **_fields(funder)
        )
    with pytest.raises(ValidationError):
        _create(
            workspace,
            owner.user,
            [project],
            required_indicators=[IndicatorFactory(workspace=other_workspace)],
            **_fields(funder),
        )


def test_indirect_costs_on_staff_need_staff_to_be_eligible(workspace, owner, funder, project):
    with pytest.raises(ValidationError) as error:
        _create(
            workspace,
            owner.user,
            [project],
            **_fields(funder, eligible_categories=["60"], indirect_rate=Decimal("15")),
        )
    assert "need staff (64)" in error.value.message_dict["indirect_base"][0]


def test_a_keyed_project_cannot_leave_the_agreement(workspace, owner, funder, project):
    other = ProjectFactory(workspace=workspace)
    agreement = FundingAgreementFactory(
        workspace=workspace, funder=funder, projects=[project, other]
    )
    FundingKeyFactory(workspace=workspace, agreement=agreement, project=project, share=40)
    with scope(workspace=workspace):
        with pytest.raises(ValidationError) as error:
            services.agreement_update(
                agreement, user=owner.user, expected_version=1, projects=[other]
            )
        assert error.value.message_dict["projects"] == [
            "JARDINS has a funding key on this agreement: delete the key before removing the "
            "project."
        ]
        services.agreement_update(
            agreement, user=owner.user, expected_version=1, projects=[project]
        )
        assert list(agreement.projects.all()) == [project]


def test_an_agreement_with_charged_costs_cannot_be_deleted(workspace, owner, funder, project):
    agreement = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    TimeEntryFactory(workspace=workspace, project=project, agreement=agreement)
    LedgerAllocationFactory(workspace=workspace, project=project, agreement=agreement)
    with scope(workspace=workspace), pytest.raises(ValidationError) as error:
        services.agreement_delete(agreement, user=owner.user)
    assert error.value.messages == [
        "This agreement cannot be deleted: 1 time entry is charged to it; 1 ledger line is "
        "charged to it. Mark it closed or refused instead (Edit › Status)."
    ]


def test_deleting_an_agreement_deletes_its_parts(workspace, owner, funder, project):
    agreement = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    FundingKeyFactory(workspace=workspace, agreement=agreement, project=project)
    InstalmentFactory(workspace=workspace, agreement=agreement)
    ReportingDeadlineFactory(workspace=workspace, agreement=agreement)
    with scope(workspace=workspace):
        services.agreement_delete(agreement, user=owner.user)
        assert not FundingAgreement.objects.filter(workspace=workspace).exists()
        assert not FundingKey.objects.filter(workspace=workspace).exists()
        assert not Instalment.objects.filter(workspace=workspace).exists()
        assert not ReportingDeadline.objects.filter(workspace=workspace).exists()


# --- funding keys ----------------------------------------------------------------------------


def test_a_key_needs_the_agreement_to_fund_the_project(workspace, owner, funder, project):
    agreement = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    stranger = ProjectFactory(workspace=workspace, code="AUTRE")
    with scope(workspace=workspace):
        with pytest.raises(ValidationError) as error:
            services.funding_key_create(
                agreement, user=owner.user, project=stranger, share=Decimal("10")
            )
        assert error.value.message_dict["project"] == [
            f"This agreement does not fund {stranger}: add the project to the agreement first."
        ]
        services.funding_key_create(
            agreement, user=owner.user, project=project, share=Decimal("10")
        )
        with pytest.raises(ValidationError) as error:
            services.funding_key_create(
                agreement, user=owner.user, project=project, share=Decimal("20")
            )
        assert "already has a key on this project" in error.value.message_dict["project"][0]


@pytest.mark.parametrize("share", [Decimal("0"), Decimal("100.01")])
def test_a_share_lies_between_a_cent_and_all(workspace, owner, funder, project, share):
    agreement = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    with scope(workspace=workspace), pytest.raises(ValidationError) as error:
        services.funding_key_create(agreement, user=owner.user, project=project, share=share)
    assert "share" in error.value.message_dict


def test_keys_above_100_percent_are_flagged_on_the_agreement_page(
    workspace, member_client, funder, project
):
    first = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    second = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    FundingKeyFactory(workspace=workspace, agreement=first, project=project, share="60")
    FundingKeyFactory(workspace=workspace, agreement=second, project=project, share="45.50")
    response = member_client.get(url("agreement", workspace, first.pk))
    row = response.context["keys"][0]
    assert (row.key.share, row.total, row.over) == (Decimal("60.00"), Decimal("105.50"), True)
    page = response.content.decode()
    assert "The keys on JARDINS add up to 105.50 %" in page
    project_page = member_client.get(url("project", workspace, project.pk)).content.decode()
    assert "The keys add up to more than 100 %" in project_page


def test_add_edit_and_delete_a_key_from_the_agreement_page(
    workspace, member_client, funder, project
):
    agreement = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    response = member_client.post(
        url("funding_key_create", workspace, agreement.pk),
        {"key-version": 1, "key-project": project.pk, "key-share": "33,33"},
    )
    assert response["Location"] == url("agreement", workspace, agreement.pk) + "#keys"
    with scopes_disabled():
        key = FundingKey.objects.get(agreement=agreement)
    assert key.share == Decimal("33.33")
    edit = url("funding_key_edit", workspace, key.pk)
    member_client.post(edit, {"key-version": 1, "key-project": project.pk, "key-share": "40"})
    stale = member_client.post(
        edit, {"key-version": 1, "key-project": project.pk, "key-share": "50"}
    )
    assert stale.status_code == 409
    with scopes_disabled():
        assert FundingKey.objects.get(pk=key.pk).share == Decimal("40.00")
    member_client.post(edit, {"key-version": 2, "delete": "1"})
    with scopes_disabled():
        assert not FundingKey.objects.filter(pk=key.pk).exists()


# --- instalments and deadlines ---------------------------------------------------------------


def test_instalments_are_recorded_once_received(workspace, owner, funder, project):
    agreement = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    with scope(workspace=workspace), pytest.raises(ValidationError) as error:
        services.instalment_create(
            agreement, user=owner.user, received_on=TODAY + timedelta(days=1), amount=Decimal("1")
        )
    assert "this date is in the future" in error.value.message_dict["received_on"][0]


def test_the_page_shows_received_against_granted_and_warns_above(
    workspace, member_client, funder, project
):
    agreement = FundingAgreementFactory(
        workspace=workspace, funder=funder, projects=[project], amount_granted=1000
    )
    create = url("instalment_create", workspace, agreement.pk)
    member_client.post(
        create,
        {
            "instalment-version": 1,
            "instalment-received_on": "2025-03-01",
            "instalment-amount": "600",
        },
    )
    response = member_client.get(url("agreement", workspace, agreement.pk))
    assert (response.context["received"], response.context["over_received"]) == (
        Decimal("600.00"),
        False,
    )
    assert response.context["received_percent"] == 60
    member_client.post(
        create,
        {
            "instalment-version": 1,
            "instalment-received_on": "2025-06-01",
            "instalment-amount": "400.01",
        },
    )
    response = member_client.get(url("agreement", workspace, agreement.pk))
    assert response.context["received"] == Decimal("1000.01")
    assert "More was received than granted" in response.content.decode()


def test_an_invalid_instalment_shows_its_own_form(workspace, member_client, funder, project):
    agreement = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    response = member_client.post(
        url("instalment_create", workspace, agreement.pk),
        {"instalment-version": 1, "instalment-received_on": "2025-03-01", "instalment-amount": "0"},
    )
    assert response.status_code == 200
    assert "Enter 0.01 or more." in response.content.decode()


def test_edit_and_delete_an_instalment(workspace, member_client, funder, project):
    instalment = InstalmentFactory(workspace=workspace, amount=500)
    edit = url("instalment_edit", workspace, instalment.pk)
    member_client.post(
        edit,
        {
            "instalment-version": 1,
            "instalment-received_on": "2025-04-02",
            "instalment-amount": "550",
            "instalment-reference": "VIR 12",
        },
    )
    with scopes_disabled():
        instalment.refresh_from_db()
    assert (instalment.amount, instalment.reference) == (Decimal("550.00"), "VIR 12")
    member_client.post(edit, {"instalment-version": 2, "delete": "1"})
    with scopes_disabled():
        assert not Instalment.objects.filter(pk=instalment.pk).exists()


def test_add_a_deadline_then_mark_it_submitted(workspace, member_client, funder, project):
    agreement = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    due = TODAY + timedelta(days=10)
    response = member_client.post(
        url("deadline_create", workspace, agreement.pk),
        {
            "deadline-version": 1,
            "deadline-due_on": due.isoformat(),
            "deadline-label": "CERFA 15059",
        },
    )
    assert response["Location"] == url("agreement", workspace, agreement.pk) + "#deadlines"
    with scopes_disabled():
        deadline = ReportingDeadline.objects.get(agreement=agreement)
    page = member_client.get(url("agreement", workspace, agreement.pk)).content.decode()
    assert "Due in 10 days" in page
    member_client.post(url("deadline_submit", workspace, deadline.pk), {"version": 1})
    with scopes_disabled():
        deadline.refresh_from_db()
    assert deadline.submitted_on == TODAY
    page = member_client.get(url("agreement", workspace, agreement.pk)).content.decode()
    assert "Submitted on" in page
    again = member_client.post(
        url("deadline_submit", workspace, deadline.pk), {"version": 2}, follow=True
    )
    assert "was already submitted" in again.content.decode()
    with scopes_disabled():
        assert ReportingDeadline.objects.get(pk=deadline.pk).version == 2


def test_a_submission_is_not_dated_in_the_future(workspace, owner, funder, project):
    deadline = ReportingDeadlineFactory(workspace=workspace)
    with scope(workspace=workspace), pytest.raises(ValidationError) as error:
        services.deadline_update(
            deadline,
            user=owner.user,
            expected_version=1,
            submitted_on=TODAY + timedelta(days=2),
        )
    assert "submitted_on" in error.value.message_dict


def test_edit_and_delete_a_deadline(workspace, member_client):
    deadline = ReportingDeadlineFactory(workspace=workspace)
    edit = url("deadline_edit", workspace, deadline.pk)
    response = member_client.post(
        edit,
        {
            "deadline-version": 1,
            "deadline-due_on": "2026-07-15",
            "deadline-label": "Bilan final",
            "deadline-submitted_on": "",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        deadline.refresh_from_db()
    assert (deadline.due_on, deadline.label) == (date(2026, 7, 15), "Bilan final")
    member_client.post(edit, {"deadline-version": 2, "delete": "1"})
    with scopes_disabled():
        assert not ReportingDeadline.objects.filter(pk=deadline.pk).exists()


# --- pages -----------------------------------------------------------------------------------


def _form(funder, project, **overrides):
    data = {
        "version": 1,
        "reference": "CD42-2025",
        "title": "Jardins dans la Loire",
        "funder": funder.pk,
        "kind": "subsidy",
        "status": "signed",
        "signed_on": "2025-02-01",
        "amount_granted": "12 500,50",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "eligible_categories": ["60", "64"],
        "max_rate": "80",
        "indirect_rate": "15",
        "indirect_base": "staff",
        "projects": [project.pk],
        "notes": "",
    }
    data.update(overrides)
    return data


def test_create_an_agreement_through_the_form(workspace, member_client, funder, project):
    indicator = IndicatorFactory(workspace=workspace)
    response = member_client.post(
        url("agreement_create", workspace),
        _form(funder, project, required_indicators=[indicator.pk]),
    )
    with scopes_disabled():
        agreement = FundingAgreement.objects.get(workspace=workspace)
        assert list(agreement.required_indicators.all()) == [indicator]
    assert response["Location"] == url("agreement", workspace, agreement.pk)
    assert agreement.amount_granted == Decimal("12500.50")
    assert agreement.eligible_categories == ["60", "64"]
    assert (agreement.max_rate, agreement.indirect_rate) == (Decimal("80.00"), Decimal("15.00"))
    page = member_client.get(response["Location"]).content.decode()
    assert "€12,500.50" in page and "15.00 % of direct staff costs" in page
    assert "Eligible costs and funding" in page  # the place kept for the allocation summary
    assert "INVALID_TEMPLATE_VARIABLE" not in page


def test_the_form_marks_each_kind_with_its_sources(workspace, member_client, funder, project):
    response = member_client.get(
        url("agreement_create", workspace) + f"?funder={funder.pk}&project={project.pk}"
    )
    page = response.content.decode()
    assert 'data-sources="private_organisations private_persons"' in page  # sale of services
    assert f'value="{funder.pk}" selected data-source="public"' in page
    assert response.context["form"].initial["projects"] == [project.pk]


def test_a_kind_the_funder_cannot_bring_is_refused_by_the_form(
    workspace, member_client, funder, project
):
    response = member_client.post(
        url("agreement_create", workspace), _form(funder, project, kind="patronage")
    )
    assert "Public actors cannot bring Patronage" in response.content.decode()
    with scopes_disabled():
        assert not FundingAgreement.objects.exists()


def test_a_stale_agreement_form_changes_nothing(workspace, owner, member_client, funder, project):
    agreement = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    with scope(workspace=workspace):
        services.agreement_update(
            agreement, user=owner.user, expected_version=1, title="Leur titre"
        )
    response = member_client.post(
        url("agreement_edit", workspace, agreement.pk),
        _form(funder, project, reference=agreement.reference, title="Mon titre"),
    )
    assert response.status_code == 409
    with scopes_disabled():
        assert FundingAgreement.objects.get(pk=agreement.pk).title == "Leur titre"


def test_the_delete_page_refuses_an_agreement_with_charged_costs(
    workspace, member_client, funder, project
):
    agreement = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    TimeEntryFactory(workspace=workspace, project=project, agreement=agreement)
    page = member_client.get(url("agreement_delete", workspace, agreement.pk)).content.decode()
    assert "costs are charged to it" in page
    member_client.post(url("agreement_delete", workspace, agreement.pk), {"version": 1})
    with scopes_disabled():
        assert FundingAgreement.objects.filter(pk=agreement.pk).exists()


def test_a_guest_reads_an_agreement_without_its_forms(workspace, guest_client, funder, project):
    agreement = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    ReportingDeadlineFactory(workspace=workspace, agreement=agreement)
    page = guest_client.get(url("agreement", workspace, agreement.pk)).content.decode()
    assert agreement.reference in page
    assert "Mark submitted" not in page and "Add the deadline" not in page
    assert guest_client.post(url("agreement_edit", workspace, agreement.pk)).status_code == 403


def test_the_list_filters_by_funder_status_year_and_project(workspace, member_client, funder):
    other_funder = FunderFactory(workspace=workspace, source="public", level="state")
    jardins = ProjectFactory(workspace=workspace, code="JARD")
    repair = ProjectFactory(workspace=workspace, code="REP")
    FundingAgreementFactory(
        workspace=workspace, reference="A-2025", funder=funder, projects=[jardins]
    )
    FundingAgreementFactory(
        workspace=workspace,
        reference="B-2026",
        funder=other_funder,
        projects=[repair],
        status="requested",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )

    def refs(**params):
        response = member_client.get(url("agreements", workspace), params)
        return [a.reference for a in response.context["page_obj"]]

    assert refs() == ["B-2026", "A-2025"]
    assert refs(funder=funder.pk) == ["A-2025"]
    assert refs(status="requested") == ["B-2026"]
    assert refs(year="2025") == ["A-2025"]
    assert refs(project=repair.pk) == ["B-2026"]
    assert refs(q="a-20") == ["A-2025"]
    assert refs(funder="987654") == ["B-2026", "A-2025"]  # an unknown funder filters nothing
