"""A small association's month, computed by hand: the golden case of the allocation engine.

Hourly costs (1,607 productive hours a year full time, 35 h a week):
- Alice, full time: (30,000 + 12,000) / 1,607 = 26.1357… → 26.14 €/h;
- Bob, 17.5 h a week: (18,000 + 7,200) / 803.5 = 31.3627… → 31.36 €/h;
- Vera, volunteer: 15 €/h (in kind).

Project JARDINS (2025), funded by
- REGION-25 (Region, public): eligible 60, 61, 62, 64; maximum rate 50 %; indirect costs 15 %
  of direct staff costs; granted 20,000 €; key 40 %;
- FONDATION-25 (a foundation, private): eligible 60, 64; granted 10,000 €; key 30 %.

Costs in March 2025:
- Alice 3 and 4 March, 7 h + 7.5 h, no agreement: 14.5 × 26.14 = 379.03 €;
- Bob 5 March, 3.25 h charged to FONDATION-25: 3.25 × 31.36 = 101.92 €;
- Vera 6 March, 4 h: 60.00 € in kind (86 and 87);
- ledger: 6063 tools 500.00 € (100 %), 6226 fees 1,000.00 € at 50 % → 500.00 €,
  6811 depreciation 300.00 € (68: eligible nowhere), 706 sales 2,000.00 € (a product).

REGION-25: the action's eligible costs are 379.03 + 101.92 + 500 + 500 = 1,480.95 €, of which
staff 480.95 €, indirect 15 % = 72.1425 €, eligible total 1,553.0925 €. Charged: 40 % of the
costs without an agreement in its categories: 151.612 + 200 + 200 = 551.612 €, indirect 15 % of
151.612 = 22.7418 €, total 574.3538 € → 574.35 €. The maximum (50 % of 1,553.0925 = 776.55 €)
holds.

FONDATION-25: eligible 379.03 + 101.92 + 500 = 980.95 €; charged 30 % × 379.03 = 113.709,
Bob's 101.92 and 30 % × 500 = 150: 365.629 € → 365.63 €.
"""

import datetime
from decimal import Decimal

from tests.factories import (
    ContractFactory,
    FunderFactory,
    FundingAgreementFactory,
    FundingKeyFactory,
    LedgerAllocationFactory,
    LedgerLineFactory,
    PersonFactory,
    ProjectFactory,
    TimeEntryFactory,
    VolunteerFactory,
)

MARCH = datetime.date(2025, 3, 1)


def build(workspace):
    project = ProjectFactory(
        workspace=workspace,
        code="JARDINS",
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    region = FundingAgreementFactory(
        workspace=workspace,
        reference="REGION-25",
        funder=FunderFactory(workspace=workspace, name="Région", source="public", level="region"),
        amount_granted=Decimal("20000"),
        eligible_categories=["60", "61", "62", "64"],
        max_rate=Decimal("50"),
        indirect_rate=Decimal("15"),
        indirect_base="staff",
        projects=[project],
    )
    foundation = FundingAgreementFactory(
        workspace=workspace,
        reference="FONDATION-25",
        funder=FunderFactory(
            workspace=workspace,
            name="Fondation",
            source="private_organisations",
            level="other",
        ),
        kind="patronage",
        amount_granted=Decimal("10000"),
        eligible_categories=["60", "64"],
        projects=[project],
    )
    FundingKeyFactory(workspace=workspace, project=project, agreement=region, share=40)
    FundingKeyFactory(workspace=workspace, project=project, agreement=foundation, share=30)
    alice = PersonFactory(workspace=workspace, first_name="Alice", last_name="Martin")
    ContractFactory(
        workspace=workspace,
        person=alice,
        start_date=datetime.date(2024, 1, 1),
        weekly_hours=35,
        gross_annual_salary=Decimal("30000"),
        annual_employer_charges=Decimal("12000"),
    )
    bob = PersonFactory(workspace=workspace, first_name="Bob", last_name="Petit")
    ContractFactory(
        workspace=workspace,
        person=bob,
        start_date=datetime.date(2024, 9, 1),
        weekly_hours=Decimal("17.5"),
        gross_annual_salary=Decimal("18000"),
        annual_employer_charges=Decimal("7200"),
    )
    vera = VolunteerFactory(
        workspace=workspace, first_name="Vera", last_name="Blanc", valuation_rate=15
    )
    TimeEntryFactory(
        workspace=workspace, person=alice, project=project, date=MARCH.replace(day=3), hours=7
    )
    TimeEntryFactory(
        workspace=workspace,
        person=alice,
        project=project,
        date=MARCH.replace(day=4),
        hours=Decimal("7.5"),
    )
    TimeEntryFactory(
        workspace=workspace,
        person=bob,
        project=project,
        agreement=foundation,
        date=MARCH.replace(day=5),
        hours=Decimal("3.25"),
    )
    TimeEntryFactory(
        workspace=workspace, person=vera, project=project, date=MARCH.replace(day=6), hours=4
    )
    lines = {}
    for account, category, debit, credit, share in [
        ("6063", "60", "500.00", "0", 100),
        ("6226", "62", "1000.00", "0", 50),
        ("6811", "68", "300.00", "0", 100),
        ("706", "70", "0", "2000.00", 100),
    ]:
        line = LedgerLineFactory(
            workspace=workspace,
            account_number=account,
            category=category,
            debit=Decimal(debit),
            credit=Decimal(credit),
            entry_date=MARCH.replace(day=10),
        )
        LedgerAllocationFactory(workspace=workspace, line=line, project=project, share=share)
        lines[account] = line
    return {
        "project": project,
        "region": region,
        "foundation": foundation,
        "alice": alice,
        "bob": bob,
        "vera": vera,
        "lines": lines,
    }
