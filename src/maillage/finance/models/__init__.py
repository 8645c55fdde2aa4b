"""The finance module's models, one file per concept.

- `accounts`: the chart of accounts' classes as CERFA 15059 lines, and the workspace's mapping
  of its accounts to them;
- `funding`: funders (with the socio-economic typology), resources, funding agreements and
  what hangs off them (projects' keys, instalments, deadlines, variance explanations);
- `projects`: projects and their multi-year budgets;
- `staff`: people (employees and volunteers), contracts and time entries;
- `time_summary`: time entries summed by month and by week, kept by the database;
- `ledger`: FEC lines, assignment rules and the lines' allocations to projects;
- `documents`: documents written in the background (the EU pack).
"""

from .accounts import AccountMapping, CostCategory, FinanceSettings
from .documents import DocumentJob
from .funding import (
    Funder,
    FunderLevel,
    FunderSource,
    FundingAgreement,
    FundingKey,
    IndirectBase,
    Instalment,
    ReportingDeadline,
    Resource,
    ResourceKind,
    VarianceExplanation,
)
from .ledger import AssignmentRule, LedgerAllocation, LedgerLine
from .projects import BudgetLine, Project
from .staff import Contract, Person, TimeEntry
from .time_summary import TimeMonth, TimeWeek

__all__ = [
    "AccountMapping",
    "AssignmentRule",
    "BudgetLine",
    "Contract",
    "CostCategory",
    "DocumentJob",
    "FinanceSettings",
    "Funder",
    "FunderLevel",
    "FunderSource",
    "FundingAgreement",
    "FundingKey",
    "IndirectBase",
    "Instalment",
    "LedgerAllocation",
    "LedgerLine",
    "Person",
    "Project",
    "ReportingDeadline",
    "Resource",
    "ResourceKind",
    "TimeEntry",
    "TimeMonth",
    "TimeWeek",
    "VarianceExplanation",
]
