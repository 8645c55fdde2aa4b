"""Funders with the seed 002 typology, and the resources received outside agreements: who
brings a resource limits its kinds; a funder in use cannot be deleted."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.finance.models import Funder, Resource, ResourceKind
from maillage.finance.services import funders as services
from tests.factories import (
    ActorFactory,
    BudgetLineFactory,
    FunderFactory,
    FundingAgreementFactory,
    InstalmentFactory,
    ProjectFactory,
    ResourceFactory,
)


def url(name, workspace, *args):
    return reverse(f"finance:{name}", args=[workspace.slug, *args])


def _create(workspace, user, **fields):
    with scope(workspace=workspace):
        return services.funder_create(workspace=workspace, user=user, **fields)


# --- the typology ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "kinds"),
    [
        ("members", ["subscription_dues", "militant_dues"]),
        ("public", ["public_procurement", "subsidy"]),
        ("private_persons", ["service_sale", "gift"]),
        ("private_organisations", ["service_sale", "patronage"]),
    ],
)
def test_each_source_brings_two_kinds_with_or_without_a_counterpart(source, kinds):
    assert services.allowed_kinds(source) == kinds


def test_a_resource_of_a_kind_its_source_cannot_bring_is_refused(workspace, owner):
    members = FunderFactory(workspace=workspace, source="members", level="other")
    with scope(workspace=workspace), pytest.raises(ValidationError) as error:
        services.resource_create(
            workspace=workspace,
            user=owner.user,
            funder=members,
            kind=ResourceKind.PATRONAGE,
            year=2025,
            amount=Decimal("100"),
        )
    assert error.value.message_dict["kind"] == [
        "Members cannot bring Patronage; choose one of: Militant dues, Subscription dues."
    ]


def test_the_resource_form_offers_only_the_kinds_of_the_funders_source(workspace, member_client):
    company = FunderFactory(workspace=workspace, source="private_organisations", level="other")
    response = member_client.get(url("resource_create", workspace) + f"?funder={company.pk}")
    choices = [value for value, _label in response.context["form"].fields["kind"].choices]
    assert choices == ["service_sale", "patronage"]
    page = response.content.decode()
    assert "Patronage (without a counterpart)" in page
    assert "Subsidy</option>" not in page
    assert 'class="table-primary"' in page  # the funder's row of the typology stands out
    refused = member_client.post(
        url("resource_create", workspace) + f"?funder={company.pk}",
        {"version": 1, "kind": "subsidy", "year": 2025, "amount": "10"},
    )
    assert "Select a valid choice" in refused.content.decode()


# --- funders ---------------------------------------------------------------------------------


def test_only_a_public_funder_has_a_level(workspace, owner):
    company = _create(
        workspace, owner.user, name="Entreprise", source="private_organisations", level="region"
    )
    state = _create(workspace, owner.user, name="Préfecture", source="public", level="state")
    assert (company.level, state.level) == ("other", "state")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("732 829 320", "732829320"),
        ("fr-rcs-732829320", "FR-RCS-732829320"),
        ("GB-CHC-1234567", "GB-CHC-1234567"),
        ("", ""),
    ],
)
def test_identifiers_are_sirens_or_org_ids(workspace, owner, typed, stored):
    funder = _create(workspace, owner.user, name="F", source="public", identifier=typed)
    assert funder.identifier == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("732829321", "its check digit is wrong"),
        ("12345", "A SIREN has 9 digits"),
        ("Région", "Enter a SIREN (9 digits) or an org-id.guide identifier"),
    ],
)
def test_a_wrong_identifier_says_why(workspace, owner, typed, message):
    with pytest.raises(ValidationError) as error:
        _create(workspace, owner.user, name="F", source="public", identifier=typed)
    assert message in error.value.message_dict["identifier"][0]


def test_names_are_unique_whatever_their_case(workspace, owner):
    _create(workspace, owner.user, name="Fondation de France", source="private_organisations")
    with pytest.raises(ValidationError) as error:
        _create(workspace, owner.user, name="fondation de france", source="private_organisations")
    assert error.value.message_dict["name"] == ["Another funder already has this name."]


def test_a_linked_actor_gives_its_siren(workspace, owner, other_workspace):
    actor = ActorFactory(workspace=workspace, name="Région Sud", siren="732829320")
    funder = _create(workspace, owner.user, name="Région Sud", source="public", actor=actor)
    assert funder.identifier == "732829320"
    foreign = ActorFactory(workspace=other_workspace)
    with pytest.raises(ValidationError):
        _create(workspace, owner.user, name="Autre", source="public", actor=foreign)


def test_the_source_cannot_change_under_resources_it_could_not_bring(workspace, owner):
    members = FunderFactory(workspace=workspace, source="members", level="other")
    ResourceFactory(workspace=workspace, funder=members, kind="militant_dues")
    with scope(workspace=workspace), pytest.raises(ValidationError) as error:
        services.funder_update(members, user=owner.user, expected_version=1, source="public")
    assert (
        "include Militant dues, which public actors cannot bring"
        in (error.value.message_dict["source"][0])
    )


@pytest.mark.parametrize(
    ("make", "count"),
    [
        (lambda w, f: FundingAgreementFactory(workspace=w, funder=f), "1 agreement"),
        (lambda w, f: ResourceFactory(workspace=w, funder=f, kind="subsidy"), "1 resource"),
        (
            lambda w, f: BudgetLineFactory(workspace=w, category="74", funder=f),
            "1 project budget line",
        ),
    ],
)
def test_a_funder_in_use_cannot_be_deleted(workspace, owner, make, count):
    funder = FunderFactory(workspace=workspace, name="Région")
    make(workspace, funder)
    with scope(workspace=workspace), pytest.raises(ValidationError) as error:
        services.funder_delete(funder, user=owner.user)
    assert error.value.messages == [
        f"Région cannot be deleted: {count} name it. Delete or move them first; the "
        "funder's history stays otherwise."
    ]


# --- pages -----------------------------------------------------------------------------------


def test_create_a_funder_through_the_form(workspace, member_client):
    actor = ActorFactory(workspace=workspace, name="Conseil départemental de la Loire")
    response = member_client.post(
        url("funder_create", workspace),
        {
            "version": 1,
            "name": "Département de la Loire",
            "source": "public",
            "level": "department",
            "actor": f"{actor.name} #{actor.pk}",
            "identifier": "",
        },
    )
    with scopes_disabled():
        funder = Funder.objects.get(workspace=workspace)
    assert response["Location"] == url("funder", workspace, funder.pk)
    assert (funder.level, funder.actor) == ("department", actor)
    page = member_client.get(response["Location"]).content.decode()
    assert "Département de la Loire" in page and "in the ecosystem" in page
    assert "INVALID_TEMPLATE_VARIABLE" not in page


def test_the_funder_form_suggests_actors_of_the_registry(workspace, member_client):
    page = member_client.get(url("funder_create", workspace)).content.decode()
    suggest = reverse("ecosystem:actor_suggest", args=[workspace.slug])
    assert f'hx-get="{suggest}"' in page
    assert 'list="actor-suggestions"' in page
    assert "js/finance.js" in page


def test_a_stale_funder_form_is_a_conflict(workspace, owner, member_client):
    funder = FunderFactory(workspace=workspace, name="Avant")
    with scope(workspace=workspace):
        services.funder_update(funder, user=owner.user, expected_version=1, name="Eux")
    response = member_client.post(
        url("funder_edit", workspace, funder.pk),
        {"version": 1, "name": "Moi", "source": "public", "level": "region", "identifier": ""},
    )
    assert response.status_code == 409
    with scopes_disabled():
        assert Funder.objects.get(pk=funder.pk).name == "Eux"


def test_the_delete_page_refuses_a_funder_in_use(workspace, member_client):
    funder = FunderFactory(workspace=workspace, name="Région")
    FundingAgreementFactory(workspace=workspace, funder=funder)
    page = member_client.get(url("funder_delete", workspace, funder.pk)).content.decode()
    assert "cannot be deleted" in page and "1 funding agreement" in page
    response = member_client.post(url("funder_delete", workspace, funder.pk), follow=True)
    assert "Région cannot be deleted: 1 agreement name it." in response.content.decode()
    with scopes_disabled():
        assert Funder.objects.filter(pk=funder.pk).exists()
    unused = FunderFactory(workspace=workspace)
    response = member_client.post(url("funder_delete", workspace, unused.pk), {"version": 1})
    assert response["Location"] == url("funders", workspace)


def test_the_funder_page_totals_by_year(workspace, member_client):
    funder = FunderFactory(workspace=workspace)
    signed = FundingAgreementFactory(
        workspace=workspace, funder=funder, amount_granted="10000.10", signed_on=date(2024, 12, 1)
    )
    FundingAgreementFactory(workspace=workspace, funder=funder, amount_granted="5000")  # 2025
    FundingAgreementFactory(
        workspace=workspace, funder=funder, amount_granted="99999", status="refused"
    )
    InstalmentFactory(
        workspace=workspace, agreement=signed, received_on=date(2025, 2, 1), amount="4000.05"
    )
    InstalmentFactory(
        workspace=workspace, agreement=signed, received_on=date(2025, 9, 1), amount="1000"
    )
    response = member_client.get(url("funder", workspace, funder.pk))
    years = [(y.year, y.granted, y.received) for y in response.context["years"]]
    assert years == [
        (2025, Decimal("5000.00"), Decimal("5000.05")),
        (2024, Decimal("10000.10"), Decimal("0.00")),
    ]
    assert response.context["kinds"] == ["Public procurement or delegation", "Subsidy"]


def test_the_funders_list_filters_and_totals(workspace, member_client):
    region = FunderFactory(workspace=workspace, name="Région", source="public", level="region")
    FunderFactory(workspace=workspace, name="Mécène", source="private_organisations", level="other")
    agreement = FundingAgreementFactory(workspace=workspace, funder=region, amount_granted=300)
    InstalmentFactory(workspace=workspace, agreement=agreement, amount="120.50")

    def names(**params):
        response = member_client.get(url("funders", workspace), params)
        return [f.name for f in response.context["page_obj"]]

    assert names() == ["Mécène", "Région"]
    assert names(source="public") == ["Région"]
    assert names(level="region") == ["Région"]
    assert names(q="méc") == ["Mécène"]
    row = member_client.get(url("funders", workspace), {"q": "Région"}).context["page_obj"][0]
    assert (row.agreement_count, row.granted_total, row.received_total) == (
        1,
        Decimal("300"),
        Decimal("120.50"),
    )


# --- resources -------------------------------------------------------------------------------


def test_record_a_resource_in_two_steps(workspace, member_client):
    members = FunderFactory(workspace=workspace, name="Adhérents", source="members", level="other")
    project = ProjectFactory(workspace=workspace)
    first = member_client.get(url("resource_create", workspace))
    assert "Who brings the resource" in first.content.decode()
    second = member_client.get(url("resource_create", workspace), {"funder": members.pk})
    assert second.context["funder"] == members
    response = member_client.post(
        url("resource_create", workspace) + f"?funder={members.pk}",
        {
            "version": 1,
            "kind": "subscription_dues",
            "year": 2025,
            "amount": "2 350,00",
            "label": "Cotisations",
            "project": project.pk,
        },
    )
    assert response["Location"] == url("funder", workspace, members.pk)
    with scopes_disabled():
        resource = Resource.objects.get(workspace=workspace)
    assert (resource.kind, resource.amount, resource.project) == (
        "subscription_dues",
        Decimal("2350.00"),
        project,
    )


def test_a_resource_for_a_project_falls_in_its_years(workspace, owner):
    members = FunderFactory(workspace=workspace, source="members", level="other")
    project = ProjectFactory(workspace=workspace)  # 2025–2026
    with scope(workspace=workspace), pytest.raises(ValidationError) as error:
        services.resource_create(
            workspace=workspace,
            user=owner.user,
            funder=members,
            kind="militant_dues",
            year=2030,
            amount=Decimal("1"),
            project=project,
        )
    assert "runs from 2025 to 2026" in error.value.message_dict["year"][0]


def test_edit_and_delete_a_resource(workspace, member_client):
    resource = ResourceFactory(workspace=workspace, amount=100)
    edit = url("resource_edit", workspace, resource.pk)
    response = member_client.post(
        edit,
        {"version": 1, "kind": "subscription_dues", "year": 2024, "amount": "80", "label": ""},
    )
    assert response.status_code == 302
    with scopes_disabled():
        resource.refresh_from_db()
    assert (resource.kind, resource.year, resource.amount) == (
        "subscription_dues",
        2024,
        Decimal("80.00"),
    )
    assert member_client.post(edit, {"version": 1, "delete": "1"}).status_code == 409
    member_client.post(edit, {"version": 2, "delete": "1"})
    with scopes_disabled():
        assert not Resource.objects.filter(pk=resource.pk).exists()


def test_the_resources_list_filters(workspace, member_client):
    ResourceFactory(workspace=workspace, year=2024, label="Cotisations 2024")
    ResourceFactory(
        workspace=workspace,
        year=2025,
        kind="gift",
        label="Dons",
        funder=FunderFactory(workspace=workspace, source="private_persons", level="other"),
    )

    def labels(**params):
        response = member_client.get(url("resources", workspace), params)
        return [r.label for r in response.context["page_obj"]]

    assert labels() == ["Dons", "Cotisations 2024"]
    assert labels(year="2024") == ["Cotisations 2024"]
    assert labels(kind="gift") == ["Dons"]
    assert labels(q="cotis") == ["Cotisations 2024"]


def test_a_guest_cannot_record_resources(workspace, guest_client):
    funder = FunderFactory(workspace=workspace)
    page = guest_client.get(url("funder", workspace, funder.pk)).content.decode()
    assert url("funder_edit", workspace, funder.pk) not in page
    assert url("resource_create", workspace) not in page
    assert guest_client.get(url("resource_create", workspace)).status_code == 403
