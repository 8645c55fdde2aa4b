"""Every list page runs a number of queries that does not grow with its rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from maillage.core import audit
from maillage.ecosystem.models import NetworkHeadQualification
from tests.api.helpers import make_token
from tests.factories import ActorFactory, ImportJobFactory, InvitationFactory, MembershipFactory


def _add_duplicates(workspace, owner, n):
    for i in range(n):  # pairs sharing an RNA number, and pairs with the same name
        rna = f"W{workspace.pk % 100:02d}{i:07d}"
        ActorFactory.create_batch(2, workspace=workspace, rna=rna)
        ActorFactory.create_batch(2, workspace=workspace, name=f"Homonyme {i}")
    with scopes_disabled():
        for actor in ActorFactory.create_batch(n, workspace=workspace):
            NetworkHeadQualification.objects.create(
                workspace=workspace,
                actor=actor,
                peer_recognition=True,
                shares_and_relays=bool(actor.pk % 2),
                assessed_on=date(2025, 1, 1),
                assessed_by=owner.user,
            )


def _add_mapped_network(workspace, owner, n):
    """Actors spread over levels, profiles and missions, with coordinates and relations."""
    from decimal import Decimal
    from itertools import pairwise

    from tests.factories import ActorFactory, RelationFactory, RelationTypeFactory

    levels = ["regional", "departmental", "local", "national"]
    profiles = ["association_employer", "public_region", "company_pme", "intermediary"]
    relation_type = RelationTypeFactory(workspace=workspace)
    actors = [
        ActorFactory(
            workspace=workspace,
            level=levels[i % 4],
            profile=profiles[i % 4],
            mission_connect=bool(i % 2),
            mission_support=bool(i % 3),
            latitude=Decimal("45.5") + Decimal(i) / 100,
            longitude=Decimal("4.5"),
        )
        for i in range(n + 1)
    ]
    for source, target in pairwise(actors):
        RelationFactory(
            workspace=workspace, source=source, target=target, relation_type=relation_type
        )


def _add_registry(workspace, owner, n):
    """Actors with territories, themes and contacts, and relations of several types."""
    from tests.factories import ContactFactory, RelationFactory, ThemeFactory

    theme = ThemeFactory(workspace=workspace)
    actors = ActorFactory.create_batch(
        n, workspace=workspace, region_id="84", department_id="42", mission_observe=True
    )
    for actor in actors:
        actor.themes.add(theme)
        ContactFactory(workspace=workspace, actor=actor)
        RelationFactory(workspace=workspace, source=actor)


def _add_members(workspace, owner, n):
    MembershipFactory.create_batch(n, workspace=workspace)
    InvitationFactory.create_batch(n, workspace=workspace, created_by=owner.user)


def _add_events(workspace, owner, n):
    for i in range(n):
        audit.record(audit.Action.OTHER, user=owner.user, workspace=workspace, object_repr=str(i))


def _add_jobs(workspace, owner, n):
    ImportJobFactory.create_batch(n, workspace=workspace, created_by=owner.user)


def _add_tokens(workspace, owner, n):
    for _ in range(n):
        make_token(MembershipFactory(workspace=workspace))


def _add_indicators(workspace, owner, n):
    """Indicators with SDG goals, a breakdown dimension, targets and measurements of the year."""
    from tests.factories import (
        BreakdownCategoryFactory,
        IndicatorFactory,
        MeasurementFactory,
        TargetFactory,
        TrackedIndicatorFactory,
    )

    category = BreakdownCategoryFactory(workspace=workspace)
    today = date.today()
    start, end = date(today.year, 1, 1), date(today.year, 3, 31)
    for i in range(n):
        indicator = IndicatorFactory(
            workspace=workspace, sdg_goals=1 << (i % 17 + 1), aggregation="sum"
        )
        with scopes_disabled():
            indicator.dimensions.add(category.dimension)
        tracked = TrackedIndicatorFactory(workspace=workspace, indicator=indicator)
        TargetFactory(workspace=workspace, tracked=tracked, period_start=start, period_end=end)
        MeasurementFactory(workspace=workspace, tracked=tracked, period_start=start, period_end=end)


def _add_sdg_indicators(workspace, owner, n):
    """Indicators linked to SDG goals and targets, with targets and measurements of the year."""
    from maillage.impact.models import SdgTarget
    from tests.factories import (
        IndicatorFactory,
        MeasurementFactory,
        TargetFactory,
        TrackedIndicatorFactory,
    )

    sdg_targets = [
        SdgTarget.objects.get_or_create(
            code=f"{goal}.{part}",
            defaults={
                "goal": goal,
                "position": position,
                "title_fr": "Cible",
                "title_en": "Target",
            },
        )[0]
        for goal, part, position in [(1, "1", 1), (4, "4", 4), (8, "5", 5), (8, "a", 11)]
    ]
    today = date.today()
    start, end = date(today.year, 1, 1), date(today.year, 3, 31)
    for i in range(n):
        target = sdg_targets[i % len(sdg_targets)]
        indicator = IndicatorFactory(
            workspace=workspace, sdg_goals=(1 << target.goal) | (1 << (i % 17 + 1))
        )
        with scopes_disabled():
            indicator.sdg_targets.add(target)
        tracked = TrackedIndicatorFactory(workspace=workspace, indicator=indicator)
        TargetFactory(workspace=workspace, tracked=tracked, period_start=start, period_end=end)
        MeasurementFactory(workspace=workspace, tracked=tracked, period_start=start, period_end=end)


def _add_resource_mix(workspace, owner, n):
    """Funders with agreements over two years, resources, staff and volunteer time, ledger."""
    from tests.factories import LedgerAllocationFactory
    from tests.finance.test_socio_economic import _add_rows

    _add_rows(workspace, n)
    LedgerAllocationFactory.create_batch(n, workspace=workspace)


def _add_people(workspace, owner, n):
    """Employees with a contract and hours, and volunteers."""
    from tests.factories import ContractFactory, TimeEntryFactory, VolunteerFactory

    for _ in range(n):
        contract = ContractFactory(workspace=workspace)
        TimeEntryFactory(workspace=workspace, person=contract.person, date=date.today())
    VolunteerFactory.create_batch(n, workspace=workspace)


def _add_funding(workspace, owner, n):
    """Projects with budget lines, funders with resources, agreements funding several projects
    with keys, instalments and reporting deadlines (some overdue, some due soon)."""
    from datetime import timedelta

    from tests.factories import (
        BudgetLineFactory,
        FunderFactory,
        FundingAgreementFactory,
        FundingKeyFactory,
        InstalmentFactory,
        ProjectFactory,
        ReportingDeadlineFactory,
        ResourceFactory,
    )

    today = date.today()
    for i in range(n):
        projects = ProjectFactory.create_batch(
            2, workspace=workspace, start_date=today - timedelta(days=30), end_date=today
        )
        BudgetLineFactory(workspace=workspace, project=projects[0], year=today.year)
        funder = FunderFactory(workspace=workspace)
        ResourceFactory(workspace=workspace, year=today.year)
        agreement = FundingAgreementFactory(
            workspace=workspace,
            funder=funder,
            projects=projects,
            start_date=today - timedelta(days=30),
            end_date=today + timedelta(days=30),
        )
        FundingKeyFactory(workspace=workspace, agreement=agreement, project=projects[0])
        InstalmentFactory(workspace=workspace, agreement=agreement, received_on=today)
        ReportingDeadlineFactory(
            workspace=workspace, agreement=agreement, due_on=today + timedelta(days=i % 90 - 20)
        )


def _add_ledger(workspace, owner, n):
    """Ledger lines over two journals, half assigned (by a rule or by hand), mappings, rules."""
    from tests.factories import (
        AccountMappingFactory,
        AssignmentRuleFactory,
        FundingAgreementFactory,
        LedgerAllocationFactory,
        LedgerLineFactory,
    )

    agreement = FundingAgreementFactory(workspace=workspace)
    with scopes_disabled():
        project = agreement.projects.first()
    rule = AssignmentRuleFactory(workspace=workspace, project=project, agreement=agreement)
    for i in range(n):
        line = LedgerLineFactory(workspace=workspace, journal_code="AC" if i % 2 else "BQ")
        if i % 2:
            LedgerAllocationFactory(
                workspace=workspace, line=line, project=project, rule=rule if i % 4 else None
            )
        AccountMappingFactory(workspace=workspace, prefix=f"{6000 + i + n}")
        AssignmentRuleFactory(workspace=workspace, project=project)


def _add_action_items(workspace, owner, n):
    """Action items over several partnerships, from meetings, some for a member, some overdue."""
    from datetime import timedelta

    from tests.factories import (
        ActionItemFactory,
        MeetingFactory,
        PartnershipFactory,
        PartnershipMemberFactory,
    )

    today = date.today()
    for i in range(n):
        partnership = PartnershipFactory(workspace=workspace)
        meeting = MeetingFactory(partnership=partnership)
        member = PartnershipMemberFactory(partnership=partnership)
        ActionItemFactory(
            partnership=partnership,
            meeting=meeting,
            owner_member=member if i % 2 else None,
            due_on=today + timedelta(days=i % 10 - 5),
            status="in_progress" if i % 3 else "open",
        )


def _add_partnerships(workspace, owner, n):
    """Partnerships across the stages, with a lead member and a partner each, some with an
    overdue gate, an evaluation score and a health light."""
    from datetime import timedelta

    from tests.factories import PartnershipFactory, PartnershipMemberFactory

    stages = ["meet", "frame", "experiment", "deploy"]
    for i in range(n):
        partnership = PartnershipFactory(
            workspace=workspace,
            stage=stages[i % 4],
            status="paused" if i % 7 == 3 else "active",
            health=["green", "amber", "red", "unknown"][i % 4],
            evaluation_score="3.50" if i % 2 else None,
            next_gate_on=date.today() + timedelta(days=(i % 5) - 2),
        )
        PartnershipMemberFactory(partnership=partnership, role="lead")
        PartnershipMemberFactory(partnership=partnership)


def _add_engagements(workspace, owner, n):
    """Engagements with two organisations, interviews done and time spent each."""
    from tests.factories import (
        EngagementFactory,
        EngagementOrganisationFactory,
        InterviewFactory,
        TimeSpentFactory,
    )

    for i in range(n):
        engagement = EngagementFactory(workspace=workspace, status=["preparation", "plan"][i % 2])
        EngagementOrganisationFactory(engagement=engagement)
        EngagementOrganisationFactory(engagement=engagement)
        InterviewFactory(engagement=engagement, status="done", held_on=date(2026, 2, 1))
        TimeSpentFactory(engagement=engagement, days="1.50", amount="1500.25")


LIST_PAGES = {
    "workspaces:members": _add_members,
    "workspaces:dashboard": _add_events,
    "workspaces:audit": _add_events,
    "imports:list": _add_jobs,
    "api_tokens:list": _add_tokens,
    "ecosystem:home": _add_registry,
    "ecosystem:relations": _add_registry,
    "ecosystem:settings": _add_registry,
    "ecosystem:duplicates": _add_duplicates,
    "ecosystem:network_heads": _add_duplicates,
    "ecosystem:matrices": _add_mapped_network,
    "ecosystem:graph": _add_mapped_network,
    "ecosystem:map": _add_mapped_network,
    "impact:home": _add_indicators,
    "impact:dimensions": _add_indicators,
    "impact:sdg": _add_sdg_indicators,
    "finance:ledger": _add_ledger,
    "finance:ledger_mappings": _add_ledger,
    "finance:ledger_rules": _add_ledger,
    "finance:home": _add_funding,
    "finance:projects": _add_funding,
    "finance:funders": _add_funding,
    "finance:resources": _add_funding,
    "finance:agreements": _add_funding,
    "finance:people": _add_people,
    "finance:socio_economic_model": _add_resource_mix,
    "partnerships:home": _add_partnerships,
    "partnerships:action_items": _add_action_items,
    "diagnostics:home": _add_engagements,
}


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", sorted(LIST_PAGES))
def test_query_count_is_constant_in_the_number_of_rows(owner, owner_client, workspace, url_name):
    url = reverse(url_name, args=[workspace.slug])
    LIST_PAGES[url_name](workspace, owner, 2)
    _count(owner_client, url)  # warm caches (content types, session)
    few = _count(owner_client, url)
    LIST_PAGES[url_name](workspace, owner, 30)
    many = _count(owner_client, url)
    assert many == few, f"{url_name}: {few} queries with 2 rows, {many} with 32"
    assert many <= 15
