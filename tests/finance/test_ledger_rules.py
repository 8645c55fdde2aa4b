"""The account mapping (recategorising stored lines), assignment rules (criteria, order, share,
hand allocations left alone) and allocations made by hand (finance/services/ledger.py)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from maillage.finance.models import AccountMapping, LedgerAllocation, LedgerLine
from maillage.finance.selectors.ledger import account_categoriser
from maillage.finance.services import ledger as services
from tests.factories import (
    AccountMappingFactory,
    AssignmentRuleFactory,
    FundingAgreementFactory,
    LedgerAllocationFactory,
    LedgerLineFactory,
    ProjectFactory,
)


@pytest.fixture
def scoped(workspace):
    with scope(workspace=workspace):
        yield workspace


def _categories(workspace) -> dict[str, str]:
    with scopes_disabled():
        return dict(
            LedgerLine.objects.filter(workspace=workspace).values_list("account_number", "category")
        )


def _allocations(workspace) -> dict[str, tuple]:
    """{line label: (project code, share, rule id or None)} of every allocation."""
    with scopes_disabled():
        return {
            a.line.label: (a.project.code, a.share, a.rule_id)
            for a in LedgerAllocation.objects.filter(workspace=workspace).select_related(
                "line", "project"
            )
        }


# --- the account mapping -------------------------------------------------------------------------


def test_the_longest_prefix_wins_then_the_first_two_digits(workspace, scoped):
    AccountMappingFactory(workspace=workspace, prefix="62", category="61")
    AccountMappingFactory(workspace=workspace, prefix="6226", category="64")
    categorise = account_categoriser(workspace)
    assert categorise("62260000") == "64"
    assert categorise("6251") == "61"
    assert categorise("6063") == "60"
    assert categorise("7410") == "74"
    assert categorise("4010000") == ""
    assert categorise("8640") == "86"


def test_mapping_changes_recategorise_stored_lines(workspace, owner, scoped):
    for account in ("6226100", "6251", "6063", "4010000", "7062"):
        LedgerLineFactory(workspace=workspace, account_number=account, category="")
    services.ledger_recategorise(workspace)
    assert _categories(workspace) == {
        "6226100": "62",
        "6251": "62",
        "6063": "60",
        "4010000": "",
        "7062": "70",
    }
    mapping = services.mapping_create(
        workspace=workspace, user=owner.user, prefix="6226", category="64"
    )
    services.mapping_create(workspace=workspace, user=owner.user, prefix="70", category="75")
    assert _categories(workspace)["6226100"] == "64"
    assert _categories(workspace)["7062"] == "75"
    services.mapping_update(
        mapping, user=owner.user, expected_version=mapping.version, prefix="62", category="61"
    )
    assert _categories(workspace)["6226100"] == "61"
    assert _categories(workspace)["6251"] == "61"
    services.mapping_delete(AccountMapping.objects.get(prefix="62"), user=owner.user)
    assert _categories(workspace)["6251"] == "62"


def test_recategorising_runs_one_update_per_group_not_per_line(workspace, owner, scoped):
    AccountMappingFactory(workspace=workspace, prefix="6226", category="64")
    AccountMappingFactory(workspace=workspace, prefix="706", category="75")

    def queries(n):
        for _ in range(n):
            LedgerLineFactory(workspace=workspace, account_number="62261", category="")
            LedgerLineFactory(workspace=workspace, account_number="4011", category="60")
        with CaptureQueriesContext(connection) as captured:
            services.ledger_recategorise(workspace)
        return len(captured)

    assert queries(2) == queries(40)
    assert set(_categories(workspace).values()) == {"64", ""}


def test_a_prefix_is_unique_and_digits_only(workspace, owner, scoped):
    services.mapping_create(workspace=workspace, user=owner.user, prefix="606", category="60")
    with pytest.raises(ValidationError, match="already mapped"):
        services.mapping_create(workspace=workspace, user=owner.user, prefix="606", category="61")
    with pytest.raises(ValidationError):
        services.mapping_create(workspace=workspace, user=owner.user, prefix="6A", category="61")


# --- rules ---------------------------------------------------------------------------------------


def _line(workspace, label, account="6063", journal="AC", aux="", **kw):
    return LedgerLineFactory(
        workspace=workspace,
        label=label,
        account_number=account,
        journal_code=journal,
        aux_account_label=aux,
        category=kw.pop("category", account[:2] if account[:1] in "67" else ""),
        **kw,
    )


def test_every_criterion_given_must_match(workspace, owner, scoped):
    project = ProjectFactory(workspace=workspace, code="JARD")
    AssignmentRuleFactory(
        workspace=workspace,
        project=project,
        account_prefix="606",
        journal_code="ac",
        label_contains="jardins",
    )
    _line(workspace, "Outils JARDINS")  # matches
    _line(workspace, "Semis", aux="Association JARDINS du Forez")  # the auxiliary label matches
    _line(workspace, "Outils jardins", account="6132")  # other account
    _line(workspace, "Outils jardins bis", journal="BQ")  # other journal
    _line(workspace, "Outils")  # no label match
    result = services.ledger_apply_rules(workspace=workspace, user=owner.user)
    assert sorted(_allocations(workspace)) == ["Outils JARDINS", "Semis"]
    assert (result.assigned, result.unassigned, result.by_hand) == (2, 3, 0)


def test_labels_match_whatever_their_case_and_accents_case(workspace, owner, scoped):
    AssignmentRuleFactory(workspace=workspace, account_prefix="", label_contains="électricité")
    _line(workspace, "FACTURE ÉLECTRICITÉ MARS")
    services.ledger_apply_rules(workspace=workspace, user=owner.user)
    assert list(_allocations(workspace)) == ["FACTURE ÉLECTRICITÉ MARS"]


def test_the_first_rule_by_position_wins_and_reordering_changes_it(workspace, owner, scoped):
    first = AssignmentRuleFactory(
        workspace=workspace, position=1, project=ProjectFactory(workspace=workspace, code="A")
    )
    second = AssignmentRuleFactory(
        workspace=workspace,
        position=2,
        project=ProjectFactory(workspace=workspace, code="B"),
        account_prefix="6063",
        share=Decimal("40"),
    )
    _line(workspace, "Fournitures")
    services.ledger_apply_rules(workspace=workspace, user=owner.user)
    assert _allocations(workspace) == {"Fournitures": ("A", Decimal("100.00"), first.pk)}
    services.rule_move(second, user=owner.user, up=True)
    services.ledger_apply_rules(workspace=workspace, user=owner.user)
    assert _allocations(workspace) == {"Fournitures": ("B", Decimal("40.00"), second.pk)}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == (1, 2)


def test_hand_allocations_are_never_touched(workspace, owner, scoped):
    rule = AssignmentRuleFactory(workspace=workspace)
    by_hand = _line(workspace, "Assigned by hand")
    LedgerAllocationFactory(workspace=workspace, line=by_hand, share=Decimal("30"), rule=None)
    ruled = _line(workspace, "Assigned by the rule")
    LedgerAllocationFactory(workspace=workspace, line=ruled, rule=rule)
    result = services.ledger_apply_rules(workspace=workspace, user=owner.user)
    allocations = _allocations(workspace)
    assert allocations["Assigned by hand"][1:] == (Decimal("30.00"), None)
    assert allocations["Assigned by the rule"][2] == rule.pk
    assert (result.assigned, result.by_hand) == (1, 1)
    with scopes_disabled():
        assert LedgerAllocation.objects.filter(line=ruled).count() == 1  # replaced, not added


def test_a_rerun_replaces_what_the_rules_made(workspace, owner, scoped):
    rule = AssignmentRuleFactory(workspace=workspace)
    _line(workspace, "Fournitures")
    services.ledger_apply_rules(workspace=workspace, user=owner.user)
    other = ProjectFactory(workspace=workspace, code="OTHER")
    services.rule_update(rule, user=owner.user, expected_version=rule.version, project=other)
    assert _allocations(workspace)["Fournitures"][0] != "OTHER"  # until applied again
    services.ledger_apply_rules(workspace=workspace, user=owner.user)
    assert _allocations(workspace)["Fournitures"][0] == "OTHER"
    services.rule_update(rule, user=owner.user, expected_version=rule.version, account_prefix="61")
    services.ledger_apply_rules(workspace=workspace, user=owner.user)
    assert _allocations(workspace) == {}


def test_only_charges_and_products_get_rule_allocations(workspace, owner, scoped):
    AssignmentRuleFactory(workspace=workspace, account_prefix="", label_contains="jardins")
    _line(workspace, "Charge JARDINS", account="6063")
    _line(workspace, "Product JARDINS", account="7062")
    _line(workspace, "Supplier JARDINS", account="4010000")
    _line(workspace, "In kind JARDINS", account="8640", category="86")
    services.ledger_apply_rules(workspace=workspace, user=owner.user)
    assert sorted(_allocations(workspace)) == ["Charge JARDINS", "Product JARDINS"]


def test_deleting_a_rule_removes_its_allocations(workspace, owner, scoped):
    rule = AssignmentRuleFactory(workspace=workspace)
    _line(workspace, "Fournitures")
    services.ledger_apply_rules(workspace=workspace, user=owner.user)
    assert services.rule_delete(rule, user=owner.user) == 1
    assert _allocations(workspace) == {}


def test_a_rule_needs_a_criterion_and_an_agreement_funding_its_project(workspace, owner, scoped):
    project = ProjectFactory(workspace=workspace)
    with pytest.raises(ValidationError, match="at least one criterion"):
        services.rule_create(workspace=workspace, user=owner.user, project=project)
    elsewhere = FundingAgreementFactory(workspace=workspace)  # funds another project
    with pytest.raises(ValidationError) as error:
        services.rule_create(
            workspace=workspace,
            user=owner.user,
            project=project,
            agreement=elsewhere,
            account_prefix="60",
        )
    assert error.value.message_dict == {"agreement": ["This agreement does not fund this project."]}
    funding = FundingAgreementFactory(workspace=workspace, projects=[project])
    rule = services.rule_create(
        workspace=workspace, user=owner.user, project=project, agreement=funding, account_prefix="6"
    )
    assert rule.position == 1


def test_apply_only_to_some_lines(workspace, owner, scoped):
    AssignmentRuleFactory(workspace=workspace)
    one = _line(workspace, "One")
    _line(workspace, "Two")
    services.ledger_apply_rules(workspace=workspace, user=owner.user, lines=[one.pk])
    assert list(_allocations(workspace)) == ["One"]


# --- hand allocations ----------------------------------------------------------------------------


def test_a_hand_allocation_may_go_beyond_100_percent(workspace, owner, scoped):
    line = _line(workspace, "Fournitures")
    first, second = ProjectFactory(workspace=workspace), ProjectFactory(workspace=workspace)
    services.allocation_create(
        workspace=workspace, user=owner.user, line=line, project=first, share=Decimal("100")
    )
    services.allocation_create(
        workspace=workspace, user=owner.user, line=line, project=second, share=Decimal("50")
    )
    from maillage.finance.selectors.ledger import share_total

    assert share_total(line) == Decimal("150")
    assert services.over_charged(share_total(line))


def test_editing_a_rule_allocation_makes_it_a_hand_one(workspace, owner, scoped):
    rule = AssignmentRuleFactory(workspace=workspace)
    line = _line(workspace, "Fournitures")
    services.ledger_apply_rules(workspace=workspace, user=owner.user)
    allocation = LedgerAllocation.objects.get(line=line)
    services.allocation_update(
        allocation, user=owner.user, expected_version=allocation.version, share=Decimal("60")
    )
    allocation.refresh_from_db()
    assert (allocation.rule_id, allocation.share) == (None, Decimal("60.00"))
    services.ledger_apply_rules(workspace=workspace, user=owner.user)  # left alone now
    assert _allocations(workspace)["Fournitures"] == (rule.project.code, Decimal("60.00"), None)


def test_a_hand_allocation_checks_its_agreement_and_workspace(
    workspace, other_workspace, owner, scoped
):
    line = _line(workspace, "Fournitures")
    project = ProjectFactory(workspace=workspace)
    with pytest.raises(ValidationError, match="does not fund"):
        services.allocation_create(
            workspace=workspace,
            user=owner.user,
            line=line,
            project=project,
            agreement=FundingAgreementFactory(workspace=workspace),
            share=Decimal("100"),
        )
    foreign = ProjectFactory(workspace=other_workspace)
    with pytest.raises(ValidationError, match="project of this workspace"):
        services.allocation_create(
            workspace=workspace, user=owner.user, line=line, project=foreign, share=Decimal("10")
        )


FRENCH = "abcdefghijklmnopqrstuvwxyzéèêëàâçîïôûùœ -"


@given(
    needle=st.text(alphabet=FRENCH, min_size=1, max_size=12).filter(str.strip),
    before=st.text(alphabet=FRENCH, max_size=12),
    after=st.text(alphabet=FRENCH, max_size=12),
)
def test_a_label_containing_the_text_in_any_case_matches(needle, before, after):
    from maillage.finance.models import AssignmentRule
    from maillage.finance.services.ledger import RuleMatcher

    rule = AssignmentRule(label_contains=needle)
    matcher = RuleMatcher([rule])
    assert matcher.first("6063", "AC", before + needle.upper() + after, "") is rule
    assert matcher.first("6063", "AC", "", before + needle.title() + after) is rule
    if needle.casefold() not in (before + after).casefold():
        assert matcher.first("6063", "AC", before + after, "") is None
