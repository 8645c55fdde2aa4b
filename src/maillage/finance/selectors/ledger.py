"""Reads of the ledger: the filtered list and its totals, a line's entry, the account mapping."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Sum

from ..models import AccountMapping, AssignmentRule, LedgerAllocation, LedgerLine, Project
from ..models.accounts import CHARGE_CATEGORIES, PRODUCT_CATEGORIES, default_category

#: The categories whose lines the assignment rules may charge to a project (cash charges and
#: products; balance-sheet accounts and contributions in kind never get a rule's allocation).
RULE_CATEGORIES = (*CHARGE_CATEGORIES, *PRODUCT_CATEGORIES)
ZERO = Decimal("0.00")
#: The category filter's value for every cash charge and product (what the rules assign).
CASH = "cash"


# --- the account mapping -------------------------------------------------------------------------


def mappings(workspace) -> QuerySet:
    return AccountMapping.objects.filter(workspace=workspace).order_by("prefix", "id")


def account_categoriser(workspace) -> Callable[[str], str]:
    """A function giving an account's category: its longest mapped prefix's, else its first two
    digits' (`default_category`), else "" (balance-sheet accounts). Remembers each account."""
    prefixes = sorted(
        mappings(workspace).values_list("prefix", "category"), key=lambda p: -len(p[0])
    )
    cache: dict[str, str] = {}

    def categorise(account: str) -> str:
        found = cache.get(account)
        if found is None:
            found = next(
                (category for prefix, category in prefixes if account.startswith(prefix)),
                None,
            )
            if found is None:
                found = default_category(account) or ""
            cache[account] = found
        return found

    return categorise


# --- the list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerFilter:
    """What the ledger page shows: every criterion is optional."""

    year: int | None = None
    journal: str = ""
    account: str = ""  # account number prefix
    category: str = ""  # a CostCategory value, "none" (no category) or CASH (60–68, 70–78)
    assigned: str = ""  # "yes", "no" or ""
    project: Project | None = None
    query: str = ""  # in the label or the supporting document's reference

    @property
    def is_active(self) -> bool:
        return any(
            (
                self.year,
                self.journal,
                self.account,
                self.category,
                self.assigned,
                self.project,
                self.query,
            )
        )


def lines(workspace) -> QuerySet:
    return LedgerLine.objects.filter(workspace=workspace)


def filter_lines(workspace, criteria: LedgerFilter) -> QuerySet:
    queryset = lines(workspace)
    if criteria.year:
        queryset = queryset.filter(entry_date__year=criteria.year)
    if criteria.journal:
        queryset = queryset.filter(journal_code=criteria.journal)
    if criteria.account:
        queryset = queryset.filter(account_number__startswith=criteria.account)
    if criteria.category == "none":
        queryset = queryset.filter(category="")
    elif criteria.category == CASH:
        queryset = queryset.filter(category__in=RULE_CATEGORIES)
    elif criteria.category:
        queryset = queryset.filter(category=criteria.category)
    allocations = LedgerAllocation.objects.filter(line=OuterRef("pk"))
    if criteria.assigned == "yes":
        queryset = queryset.filter(Exists(allocations))
    elif criteria.assigned == "no":
        queryset = queryset.filter(~Exists(allocations))
    if criteria.project is not None:
        queryset = queryset.filter(Exists(allocations.filter(project=criteria.project)))
    if criteria.query:
        queryset = queryset.filter(
            Q(label__icontains=criteria.query) | Q(piece_ref__icontains=criteria.query)
        )
    return queryset


def with_allocations(queryset: QuerySet) -> QuerySet:
    """Lines with their allocations (project, agreement) prefetched: one query for a page."""
    return queryset.prefetch_related(
        Prefetch(
            "allocations",
            queryset=LedgerAllocation.objects.select_related("project", "agreement", "rule"),
        )
    )


def totals(queryset: QuerySet) -> dict:
    """The number of lines and their debit and credit totals (one query)."""
    found = queryset.order_by().aggregate(
        count=Count("pk"), debit=Sum("debit"), credit=Sum("credit")
    )
    return {
        "count": found["count"],
        "debit": found["debit"] or ZERO,
        "credit": found["credit"] or ZERO,
    }


def years(workspace) -> list[int]:
    """The years from the first entry to the last, newest first (two index lookups)."""
    dates = lines(workspace).order_by("entry_date").values_list("entry_date", flat=True)
    first, last = dates.first(), dates.order_by("-entry_date").first()
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))


def journals(workspace) -> list[tuple[str, str]]:
    """(code, label) of every journal the ledger has lines in."""
    return list(
        lines(workspace)
        .order_by()
        .values("journal_code")
        .annotate(label=Max("journal_label"))
        .order_by("journal_code")
        .values_list("journal_code", "label")
    )


# --- a line --------------------------------------------------------------------------------------


def entry_lines(line: LedgerLine) -> QuerySet:
    """The other lines of the line's entry (same journal and entry number)."""
    return (
        lines(line.workspace_id)
        .filter(journal_code=line.journal_code, entry_number=line.entry_number)
        .exclude(pk=line.pk)
        .order_by("id")
    )


def line_allocations(line: LedgerLine) -> QuerySet:
    return LedgerAllocation.objects.filter(
        workspace_id=line.workspace_id, line=line
    ).select_related("project", "agreement", "rule")


def share_total(line: LedgerLine, *, excluding: LedgerAllocation | None = None) -> Decimal:
    """The shares of the line already charged, in percent."""
    queryset = LedgerAllocation.objects.filter(workspace_id=line.workspace_id, line=line)
    if excluding is not None:
        queryset = queryset.exclude(pk=excluding.pk)
    return queryset.aggregate(total=Sum("share"))["total"] or ZERO


# --- rules ---------------------------------------------------------------------------------------


def rules(workspace) -> QuerySet:
    return (
        AssignmentRule.objects.filter(workspace=workspace)
        .select_related("project", "agreement")
        .annotate(allocation_count=Count("allocations"))
        .order_by("position", "id")
    )
