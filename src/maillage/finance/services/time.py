"""Writes of time entries: one cell of the weekly grid (a person's hours on a project, and
optionally an agreement, on a day), or a whole week at once.

Optimistic locking per cell: the grid renders each cell with the identity and version of the
entry it shows (`CellToken`); a save whose token no longer matches what is stored is a
conflict: nothing is written and the caller shows the current value. Saving the value already
stored is never a conflict (a request sent twice changes nothing).

Rules: hours are a Decimal with at most 2 places, above 0 and at most 24 (0 or empty clears the
cell); a person's day never exceeds 24 h in total; hours charged to an agreement are on a
project the agreement funds (`TimeEntry.clean`).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.core.exceptions import StaleObjectError
from maillage.core.money import format_hours
from maillage.core.services import tenant_create, tenant_delete, tenant_update

from ..models import TimeEntry

ZERO = Decimal("0")
MAX_DAY_HOURS = Decimal("24")


@dataclass(frozen=True)
class CellToken:
    """What the user saw in a cell: the entry's id and version, or an empty cell (None)."""

    pk: int
    version: int

    def __str__(self) -> str:
        return f"{self.pk}.{self.version}"

    @classmethod
    def of(cls, entry: TimeEntry | None) -> "CellToken | None":
        return cls(entry.pk, entry.version) if entry is not None else None

    @classmethod
    def parse(cls, text: str) -> "CellToken | None":
        """`"12.3"` → CellToken(12, 3); `""` → None (the cell was empty). Raises ValueError."""
        text = (text or "").strip()
        if not text:
            return None
        pk, _dot, version = text.partition(".")
        return cls(int(pk), int(version))


@dataclass
class CellResult:
    """The stored entry after the save (None: the cell is empty), and what happened."""

    entry: TimeEntry | None
    changed: bool = False
    conflict: bool = False


def check_hours(hours: Decimal | None) -> Decimal | None:
    """The hours of a cell, or None to clear it (None or 0). Raises ValidationError."""
    if hours is None or hours == ZERO:
        return None
    if hours < ZERO:
        raise ValidationError({"hours": _("Hours cannot be negative.")})
    exponent = hours.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and hours != hours.quantize(Decimal("0.01")):
        raise ValidationError({"hours": _("At most 2 decimal places, e.g. 7.25.")})
    if hours > MAX_DAY_HOURS:
        raise ValidationError(
            {
                "hours": _("At most 24 h in a cell: a day has 24 hours (%(hours)s typed).")
                % {"hours": format_hours(hours)}
            }
        )
    return hours.quantize(Decimal("0.01"))


def day_total(person, day: date, *, exclude_pk: int | None = None) -> Decimal:
    entries = TimeEntry.objects.filter(person=person, date=day)
    if exclude_pk is not None:
        entries = entries.exclude(pk=exclude_pk)
    return entries.aggregate(total=Sum("hours"))["total"] or ZERO


def _current(workspace, person, project, agreement, day) -> TimeEntry | None:
    return (
        TimeEntry.objects.select_for_update()
        .filter(
            workspace=workspace,
            person=person,
            project=project,
            agreement=agreement,
            date=day,
        )
        .first()
    )


def time_cell_save(
    *,
    workspace,
    user,
    person,
    project,
    agreement,
    day: date,
    hours: Decimal | None,
    expected: CellToken | None,
    request=None,
) -> CellResult:
    """Set the hours of one cell (create, change or clear its entry). See the module docstring.

    Raises ValidationError (hours out of bounds, a day above 24 h, an agreement that does not
    fund the project); returns a conflict (nothing written) when the cell changed since
    `expected` was read."""
    hours = check_hours(hours)
    with transaction.atomic():
        current = _current(workspace, person, project, agreement, day)
        stored = current.hours if current is not None else None
        if stored == hours:
            return CellResult(entry=current)
        if CellToken.of(current) != expected:
            return CellResult(entry=current, conflict=True)
        if hours is not None:
            others = day_total(person, day, exclude_pk=current.pk if current else None)
            if others + hours > MAX_DAY_HOURS:
                raise ValidationError(
                    {
                        "hours": _(
                            "%(name)s would work %(total)s on %(day)s: at most 24 h a day "
                            "(%(others)s already on other rows)."
                        )
                        % {
                            "name": person.full_name,
                            "total": format_hours(others + hours),
                            "day": date_format(day, "SHORT_DATE_FORMAT"),
                            "others": format_hours(others),
                        }
                    }
                )
        try:
            with transaction.atomic():
                if current is None:
                    entry = tenant_create(
                        TimeEntry,
                        workspace=workspace,
                        user=user,
                        request=request,
                        person=person,
                        project=project,
                        agreement=agreement,
                        date=day,
                        hours=hours,
                    )
                elif hours is None:
                    tenant_delete(
                        current, user=user, expected_version=current.version, request=request
                    )
                    entry = None
                else:
                    entry = tenant_update(
                        current,
                        user=user,
                        expected_version=current.version,
                        request=request,
                        hours=hours,
                    )
        except (StaleObjectError, IntegrityError):
            # Someone wrote the same cell between our read and our write (PostgreSQL).
            return CellResult(
                entry=_current(workspace, person, project, agreement, day), conflict=True
            )
        except ValidationError as error:
            if _is_duplicate(error):
                return CellResult(
                    entry=_current(workspace, person, project, agreement, day), conflict=True
                )
            raise
    return CellResult(entry=entry, changed=True)


def _is_duplicate(error: ValidationError) -> bool:
    codes = {e.code for e in getattr(error, "error_list", [])}
    if hasattr(error, "error_dict"):
        codes |= {e.code for errors in error.error_dict.values() for e in errors}
    return "unique" in codes


@dataclass
class CellChange:
    """One cell of a whole-week submission."""

    key: str
    project: object
    agreement: object
    day: date
    hours: Decimal | None
    expected: CellToken | None
    stored: Decimal | None = None


def time_week_save(
    *, workspace, user, person, changes: list[CellChange], request=None
) -> dict[str, CellResult | ValidationError]:
    """Save the changed cells of a week (the grid submitted without JavaScript), each in its own
    transaction: `{cell key: CellResult or the ValidationError that refused it}`.

    Cells that lower a day's hours go first, so that moving hours from one project to another
    on a full day never trips the 24 h rule halfway."""
    outcome: dict[str, CellResult | ValidationError] = {}
    ordered = sorted(changes, key=lambda c: (c.hours or ZERO) - (c.stored or ZERO))
    for change in ordered:
        try:
            outcome[change.key] = time_cell_save(
                workspace=workspace,
                user=user,
                person=person,
                project=change.project,
                agreement=change.agreement,
                day=change.day,
                hours=change.hours,
                expected=change.expected,
                request=request,
            )
        except ValidationError as error:
            outcome[change.key] = error
    return outcome
