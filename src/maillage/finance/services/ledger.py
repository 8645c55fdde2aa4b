"""Writes of the ledger: the account mapping (and recategorising the lines), assignment rules
(and applying them), and allocations made by hand. Validated, atomic, audited and, for edits,
optimistically locked (`core.services`). The FEC import itself is `finance.importers.fec`.

- A line's category is its account's longest mapped prefix's, else its first two digits'
  (`accounts.default_category`), else none. Changing the mapping recategorises the stored
  lines: one UPDATE per group of accounts, never one per line.
- Rules are tried by position; the first that matches a line charges its share of the line to
  its project (and agreement). Only lines of a charge or product class (60–68, 70–78) get a
  rule's allocation; lines with an allocation made by hand are never touched by the rules.
- A hand allocation (`rule` empty) survives every re-run of the rules. Editing an allocation a
  rule made turns it into a hand allocation: a person decided.
"""

import sqlite3
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core import audit
from maillage.core.services import tenant_create, tenant_delete, tenant_update

from ..models import AccountMapping, AssignmentRule, CostCategory, LedgerAllocation, LedgerLine
from ..selectors.ledger import RULE_CATEGORIES

RULES_CHUNK = 5000


# --- the account mapping -------------------------------------------------------------------------


def _normalise_prefix(fields: dict) -> None:
    if isinstance(fields.get("prefix"), str):
        fields["prefix"] = fields["prefix"].strip()


def mapping_create(*, workspace, user, request=None, **fields) -> AccountMapping:
    _normalise_prefix(fields)
    with transaction.atomic():
        mapping = tenant_create(
            AccountMapping, workspace=workspace, user=user, request=request, **fields
        )
        ledger_recategorise(workspace)
    return mapping


def mapping_update(
    mapping: AccountMapping, *, user, expected_version: int | None, request=None, **changes
) -> AccountMapping:
    _normalise_prefix(changes)
    with transaction.atomic():
        mapping = tenant_update(
            mapping, user=user, expected_version=expected_version, request=request, **changes
        )
        ledger_recategorise(mapping.workspace)
    return mapping


def mapping_delete(
    mapping: AccountMapping, *, user, expected_version: int | None = None, request=None
) -> None:
    workspace = mapping.workspace
    with transaction.atomic():
        tenant_delete(mapping, user=user, expected_version=expected_version, request=request)
        ledger_recategorise(workspace)


def ledger_recategorise(workspace) -> int:
    """Give every stored line the category its account falls in now. Returns the lines changed.

    One UPDATE per mapped prefix (over the accounts no longer mapped prefix takes), one per
    default category (over the accounts no mapping takes) and one for the rest; each changes
    only the lines whose category differs.
    """
    lines = LedgerLine.objects.filter(workspace=workspace)
    prefixes = list(
        AccountMapping.objects.filter(workspace=workspace).values_list("prefix", "category")
    )
    mapped = [prefix for prefix, _category in prefixes]
    changed = 0
    with transaction.atomic():
        for prefix, category in prefixes:
            group = lines.filter(account_number__startswith=prefix)
            for longer in mapped:
                if len(longer) > len(prefix) and longer.startswith(prefix):
                    group = group.exclude(account_number__startswith=longer)
            changed += group.exclude(category=category).update(category=category)
        unmapped = lines
        for prefix in mapped:
            unmapped = unmapped.exclude(account_number__startswith=prefix)
        rest = unmapped
        for code in CostCategory.values:
            group = unmapped.filter(account_number__startswith=code)
            changed += group.exclude(category=code).update(category=code)
            rest = rest.exclude(account_number__startswith=code)
        changed += rest.exclude(category="").update(category="")
    return changed


# --- assignment rules ----------------------------------------------------------------------------


def _normalise_rule(fields: dict) -> None:
    for name in ("account_prefix", "journal_code", "label_contains"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()


def _check_funding(workspace, project, agreement) -> None:
    """The project and agreement belong to the workspace; the agreement funds the project."""
    if project is not None and project.workspace_id != workspace.pk:
        raise ValidationError({"project": _("Choose a project of this workspace.")})
    if agreement is None:
        return
    if agreement.workspace_id != workspace.pk:
        raise ValidationError({"agreement": _("Choose an agreement of this workspace.")})
    if project is not None and not agreement.projects.filter(pk=project.pk).exists():
        raise ValidationError({"agreement": _("This agreement does not fund this project.")})


def rule_create(*, workspace, user, request=None, **fields) -> AssignmentRule:
    _normalise_rule(fields)
    _check_funding(workspace, fields.get("project"), fields.get("agreement"))
    with transaction.atomic():
        last = AssignmentRule.objects.filter(workspace=workspace).aggregate(last=Max("position"))
        fields["position"] = (last["last"] or 0) + 1
        return tenant_create(
            AssignmentRule, workspace=workspace, user=user, request=request, **fields
        )


def rule_update(
    rule: AssignmentRule, *, user, expected_version: int | None, request=None, **changes
) -> AssignmentRule:
    """Change a rule. Its allocations stay as they are until the rules are applied again."""
    _normalise_rule(changes)
    _check_funding(
        rule.workspace,
        changes.get("project", rule.project),
        changes.get("agreement", rule.agreement if rule.agreement_id else None),
    )
    return tenant_update(
        rule, user=user, expected_version=expected_version, request=request, **changes
    )


def rule_delete(
    rule: AssignmentRule, *, user, expected_version: int | None = None, request=None
) -> int:
    """Delete a rule and the allocations it made (left alone, they would pass for hand-made
    ones). Returns how many lines lost their allocation."""
    with transaction.atomic():
        removed = LedgerAllocation.objects.filter(workspace=rule.workspace, rule=rule)
        count = removed.count()
        removed.delete()
        tenant_delete(rule, user=user, expected_version=expected_version, request=request)
    return count


def rule_move(rule: AssignmentRule, *, user, up: bool, request=None) -> None:
    """Swap the rule with the one before it (`up`) or after it; positions become 1, 2, 3…"""
    with transaction.atomic():
        ordered = list(
            AssignmentRule.objects.select_for_update()
            .filter(workspace=rule.workspace)
            .order_by("position", "id")
        )
        index = next(i for i, r in enumerate(ordered) if r.pk == rule.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(ordered):
            return
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            if item.position != position:
                tenant_update(
                    item,
                    user=user,
                    expected_version=item.version,
                    request=request,
                    position=position,
                )


@dataclass
class RulesResult:
    assigned: int  # lines that got a rule's allocation
    unassigned: int  # lines of a charge or product class that no rule matches
    by_hand: int  # lines left alone because someone assigned them by hand

    def message(self) -> str:
        text = ngettext(
            "%(count)s line assigned by the rules.",
            "%(count)s lines assigned by the rules.",
            self.assigned,
        ) % {"count": self.assigned}
        if self.unassigned:
            text += " " + ngettext(
                "%(count)s charge or product line matches no rule.",
                "%(count)s charge or product lines match no rule.",
                self.unassigned,
            ) % {"count": self.unassigned}
        if self.by_hand:
            text += " " + ngettext(
                "%(count)s line assigned by hand was left as it is.",
                "%(count)s lines assigned by hand were left as they are.",
                self.by_hand,
            ) % {"count": self.by_hand}
        return text


class RuleMatcher:
    """Finds the first rule (by position) a line matches; labels compared case-folded."""

    def __init__(self, rules: list[AssignmentRule]):
        self.rules = [
            (
                rule,
                rule.account_prefix,
                rule.journal_code.casefold(),
                rule.label_contains.casefold(),
            )
            for rule in rules
        ]

    def first(self, account: str, journal: str, label: str, aux_label: str):
        journal = journal.casefold()
        folded = None
        for rule, prefix, journal_code, needle in self.rules:
            if prefix and not account.startswith(prefix):
                continue
            if journal_code and journal != journal_code:
                continue
            if needle:
                if folded is None:
                    folded = (label.casefold(), aux_label.casefold())
                if needle not in folded[0] and needle not in folded[1]:
                    continue
            return rule
        return None


def ledger_apply_rules(*, workspace, user, lines=None, request=None) -> RulesResult:
    """Re-assign the lines (all the workspace's, or the queryset or ids `lines`) by the rules.

    Lines with an allocation made by hand are left alone. For the others, the allocations rules
    made are replaced by the first matching rule's (by position), if any; only lines of a
    charge or product class get one. Lines are read by chunks (ids, account, journal, labels),
    matched in Python (case-insensitive, the same on SQLite and PostgreSQL) and their
    allocations inserted in bulk. Writes one audit event.
    """
    scope = LedgerLine.objects.filter(workspace=workspace)
    if isinstance(lines, QuerySet) and lines.model is LedgerLine:
        scope = lines.filter(workspace=workspace)
    elif lines is not None:
        scope = scope.filter(pk__in=list(lines))
    by_hand_lines = LedgerAllocation.objects.filter(workspace=workspace, rule__isnull=True).values(
        "line_id"
    )
    rules = list(AssignmentRule.objects.filter(workspace=workspace).order_by("position", "id"))
    matcher = RuleMatcher(rules)
    assigned = unassigned = 0
    with transaction.atomic():
        by_hand = set(scope.filter(pk__in=by_hand_lines).values_list("pk", flat=True))
        LedgerAllocation.objects.filter(
            workspace=workspace, rule__isnull=False, line__in=scope
        ).exclude(line__in=by_hand_lines).delete()
        # Keyset pages in id order; the category is checked here, not in SQL, or the database
        # may walk the category index and sort every page anew.
        pages = scope.order_by("pk").values_list(
            "pk", "category", "account_number", "journal_code", "label", "aux_account_label"
        )
        eligible = frozenset(RULE_CATEGORIES)
        writer = AllocationWriter(workspace, user)
        last = 0
        while True:
            chunk = list(pages.filter(pk__gt=last)[:RULES_CHUNK])
            if not chunk:
                break
            last = chunk[-1][0]
            new = []
            for pk, category, account, journal, label, aux_label in chunk:
                if category not in eligible or pk in by_hand:
                    continue
                rule = matcher.first(account, journal, label, aux_label) if rules else None
                if rule is None:
                    unassigned += 1
                else:
                    new.append((pk, rule))
            writer.write(new)
            assigned += len(new)
        result = RulesResult(assigned=assigned, unassigned=unassigned, by_hand=len(by_hand))
        audit.record(
            audit.Action.OTHER,
            user=user,
            workspace=workspace,
            request=request,
            object_repr=_("Assignment rules applied: %(count)s lines assigned")
            % {"count": assigned},
            changes={
                "assign_rules": len(rules),
                "assigned": assigned,
                "unassigned": unassigned,
                "by_hand": len(by_hand),
            },
        )
    return result


#: Rows per INSERT on SQLite: a statement costs more than its rows (and, where triggers fire,
#: a statement journal of ~23 µs); 500 rows of 26 values stay far below the parameter limit.
ROWS_PER_INSERT = 500


def insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows into `model`'s table, in the current transaction: COPY on PostgreSQL
    (ten times faster than row by row), multi-row INSERTs elsewhere (twice as fast as
    `executemany`, five times where the table has triggers). No model instances, no signals,
    no `full_clean`: for values already checked (the FEC and time imports, the rules). On
    SQLite the rows take consecutive ids, in order."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(name) for name in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # Written with SQLite's own placeholders on its own cursor: Django's wrapper rewrites
        # every `%s` of a statement by a regular expression, which for 13,000 of them cost
        # more than the rows (the FEC import: 63,000 → 45,000 lines/s).
        raw = cursor.cursor
        one_row = f"({', '.join(['?'] * len(columns))})"
        for start in range(0, len(rows), ROWS_PER_INSERT):
            part = rows[start : start + ROWS_PER_INSERT]
            sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([one_row] * len(part))}"  # noqa: S608 - no user text
            sqlite3.Cursor.execute(raw, sql, [value for row in part for value in row])


class AllocationWriter:
    """Inserts rule allocations in bulk (a million lines may get one), with the values
    `tenant_create` would store."""

    COLUMNS = (
        "workspace_id",
        "created_at",
        "updated_at",
        "created_by_id",
        "version",
        "line_id",
        "project_id",
        "agreement_id",
        "share",
        "rule_id",
    )

    def __init__(self, workspace, user):
        now = timezone.now()
        self.now = (
            connection.ops.adapt_datetimefield_value(now) if connection.vendor == "sqlite" else now
        )
        self.workspace_id = workspace.pk
        self.user_id = user.pk if user is not None else None

    def write(self, items: list[tuple[int, AssignmentRule]]) -> None:
        now, workspace_id, user_id = self.now, self.workspace_id, self.user_id
        insert_rows(
            LedgerAllocation,
            self.COLUMNS,
            [
                (
                    workspace_id,
                    now,
                    now,
                    user_id,
                    1,
                    line_id,
                    rule.project_id,
                    rule.agreement_id,
                    rule.share,
                    rule.pk,
                )
                for line_id, rule in items
            ],
        )


# --- allocations by hand -------------------------------------------------------------------------


def _check_allocation(workspace, line, fields: dict, allocation=None) -> None:
    if line.workspace_id != workspace.pk:
        raise ValidationError(_("This line belongs to another workspace."))
    project = fields.get("project", allocation.project if allocation else None)
    agreement = fields.get(
        "agreement", allocation.agreement if allocation and allocation.agreement_id else None
    )
    _check_funding(workspace, project, agreement)


def allocation_create(*, workspace, user, line: LedgerLine, request=None, **fields):
    """Charge a share of `line` to a project (and agreement), by hand. Shares adding up to more
    than 100 % are allowed (the checks report the line as charged twice)."""
    fields.pop("rule", None)
    _check_allocation(workspace, line, fields)
    return tenant_create(
        LedgerAllocation, workspace=workspace, user=user, request=request, line=line, **fields
    )


def allocation_update(
    allocation: LedgerAllocation, *, user, expected_version: int | None, request=None, **changes
) -> LedgerAllocation:
    """Change an allocation; one a rule made becomes a hand allocation (the rules leave it)."""
    changes.pop("line", None)
    _check_allocation(allocation.workspace, allocation.line, changes, allocation)
    changes["rule"] = None
    return tenant_update(
        allocation, user=user, expected_version=expected_version, request=request, **changes
    )


def allocation_delete(
    allocation: LedgerAllocation, *, user, expected_version: int | None = None, request=None
) -> None:
    tenant_delete(allocation, user=user, expected_version=expected_version, request=request)


def over_charged(total_share: Decimal) -> bool:
    return total_share > Decimal("100")
