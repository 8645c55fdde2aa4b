"""Parsing what people type in the time grid (hours, a week) and the grid's cell names."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_HOURS = re.compile(r"^(\d+(?:[.,]\d*)?|[.,]\d+)\s*h?$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def parse_hours(text: str) -> Decimal | None:
    """Hours as typed in a cell: "7,5", "7.5", "7.25", "8h", "" (empty: None). Comma or point;
    at most 2 decimal places (never rounded); the bounds are the service's."""
    cleaned = _SPACES.sub("", text or "")
    if not cleaned:
        return None
    match = _HOURS.match(cleaned)
    if match is None:
        raise ValidationError(
            _("“%(value)s” is not a number of hours: write e.g. 7,5 or 7.5.")
            % {"value": text.strip()[:20]}
        )
    number = match.group(1).replace(",", ".")
    try:
        value = Decimal(number if not number.endswith(".") else number[:-1] or "0")
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": text[:20]}) from None
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("At most 2 decimal places, e.g. 7.25."))
    return value


def cell_name(prefix: str, project_id: int, agreement_id: int | None, day: date) -> str:
    """`h_12_0_20250303`: hours of project 12, no agreement, on 3 March 2025 (`v_` its version)."""
    return f"{prefix}_{project_id}_{agreement_id or 0}_{day:%Y%m%d}"


_CELL = re.compile(r"^h_(\d+)_(\d+)_(\d{8})$")


def parse_cell_name(name: str) -> tuple[int, int | None, date] | None:
    """`h_12_5_20250303` → (12, 5, date(2025, 3, 3)); None for anything else."""
    match = _CELL.match(name or "")
    if match is None:
        return None
    try:
        day = datetime.strptime(match.group(3), "%Y%m%d").date()
    except ValueError:
        return None
    agreement = int(match.group(2)) or None
    return int(match.group(1)), agreement, day


_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_week(text: str) -> date | None:
    """The Monday of an ISO week written 2025-W10 (or 2025W10), or of the week holding a date
    written 2025-03-05; None if unreadable."""
    text = (text or "").strip()
    match = _WEEK.match(text)
    try:
        if match:
            day = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        else:
            day = date.fromisoformat(text)
    except ValueError:
        return None
    monday = date.fromordinal(day.toordinal() - day.weekday())
    return monday if 1990 <= monday.year <= 2100 else None
