"""Periods of measurement: months, quarters, years, or custom date ranges.

A period is a pair of dates `(start, end)`, both included. Monthly, quarterly and yearly
indicators use calendar periods only (`is_aligned`); a custom indicator takes any range (a school
year, a funding agreement's term). Periods have a short key used in forms, files and the API:
"2025-03" (March 2025), "2025-Q1", "2025"; a custom period is written "2025-09-01..2026-08-31".
"""

import calendar
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import Frequency

Period = tuple[date, date]

_KEY_PATTERNS = (
    (re.compile(r"^(\d{4})$"), Frequency.YEAR),
    (re.compile(r"^(\d{4})-?[QT]([1-4])$", re.IGNORECASE), Frequency.QUARTER),
    (re.compile(r"^[QT]([1-4])[ -/]?(\d{4})$", re.IGNORECASE), "quarter_reversed"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), Frequency.MONTH),
    (re.compile(r"^(\d{1,2})/(\d{4})$"), "month_reversed"),
    (
        re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/|→| au | to )\s*(\d{4}-\d{2}-\d{2})$"),
        Frequency.CUSTOM,
    ),
)


def month(year: int, number: int) -> Period:
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def quarter(year: int, number: int) -> Period:
    first = 3 * (number - 1) + 1
    return date(year, first, 1), month(year, first + 2)[1]


def year(number: int) -> Period:
    return date(number, 1, 1), date(number, 12, 31)


def period_of(frequency: str, day: date) -> Period:
    """The calendar period of `frequency` that contains `day`."""
    if frequency == Frequency.MONTH:
        return month(day.year, day.month)
    if frequency == Frequency.QUARTER:
        return quarter(day.year, (day.month - 1) // 3 + 1)
    if frequency == Frequency.YEAR:
        return year(day.year)
    raise ValueError("A custom frequency has no calendar period.")


def is_aligned(frequency: str, start: date, end: date) -> bool:
    """Whether (start, end) is exactly one period of `frequency` (any range for custom)."""
    if frequency == Frequency.CUSTOM:
        return start <= end
    return period_of(frequency, start) == (start, end)


def check_period(frequency: str, start: date | None, end: date | None) -> None:
    """Raise a ValidationError that says which period was expected."""
    if start is None or end is None:
        raise ValidationError({"period_start": _("Give the period.")})
    if end < start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if not is_aligned(frequency, start, end):
        expected = period_label(frequency, *period_of(frequency, start))
        raise ValidationError(
            {
                "period_start": _(
                    "This indicator takes whole periods (%(frequency)s, e.g. %(example)s), not "
                    "%(start)s – %(end)s."
                )
                % {
                    "frequency": Frequency(frequency).label.lower(),
                    "example": expected,
                    "start": date_format(start, "SHORT_DATE_FORMAT"),
                    "end": date_format(end, "SHORT_DATE_FORMAT"),
                }
            }
        )


def periods_between(frequency: str, start: date, end: date) -> list[Period]:
    """Every calendar period of `frequency` that meets the range [start, end], in order."""
    if frequency == Frequency.CUSTOM:
        raise ValueError("A custom frequency has no calendar periods.")
    periods = []
    current = period_of(frequency, start)
    while current[0] <= end:
        periods.append(current)
        following = date.fromordinal(current[1].toordinal() + 1)
        current = period_of(frequency, following)
    return periods


def period_key(frequency: str, start: date, end: date) -> str:
    """ "2025-03", "2025-Q1", "2025", or "2025-09-01..2026-08-31"."""
    if frequency == Frequency.MONTH and is_aligned(frequency, start, end):
        return f"{start.year}-{start.month:02d}"
    if frequency == Frequency.QUARTER and is_aligned(frequency, start, end):
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if frequency == Frequency.YEAR and is_aligned(frequency, start, end):
        return str(start.year)
    return f"{start.isoformat()}..{end.isoformat()}"


def parse_period(text: str) -> Period:
    """The period a key names; French forms are read too ("T1 2025", "03/2025", "… au …")."""
    cleaned = " ".join(str(text).split())
    for pattern, kind in _KEY_PATTERNS:
        found = pattern.match(cleaned)
        if not found:
            continue
        try:
            if kind == Frequency.YEAR:
                return year(int(found.group(1)))
            if kind == Frequency.QUARTER:
                return quarter(int(found.group(1)), int(found.group(2)))
            if kind == "quarter_reversed":
                return quarter(int(found.group(2)), int(found.group(1)))
            if kind == Frequency.MONTH:
                return month(int(found.group(1)), int(found.group(2)))
            if kind == "month_reversed":
                return month(int(found.group(2)), int(found.group(1)))
            start, end = (date.fromisoformat(found.group(i)) for i in (1, 2))
        except ValueError:
            break
        if end < start:
            raise ValidationError(_("The period ends before it starts."))
        return start, end
    raise ValidationError(
        _(
            "“%(value)s” is not a period: write 2025 (a year), 2025-Q1 (a quarter), 2025-03 "
            "(a month) or 2025-09-01..2026-08-31."
        )
        % {"value": str(text)[:60]}
    )


def period_label(frequency: str, start: date, end: date) -> str:
    """How a period reads in the active language: "Q1 2025" / "T1 2025", "March 2025"…"""
    if is_aligned(Frequency.YEAR, start, end):
        return str(start.year)
    if is_aligned(Frequency.QUARTER, start, end):
        return pgettext("quarter label", "Q%(number)s %(year)s") % {
            "number": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    if is_aligned(Frequency.MONTH, start, end):
        return date_format(start, "YEAR_MONTH_FORMAT")
    return f"{date_format(start, 'SHORT_DATE_FORMAT')} – {date_format(end, 'SHORT_DATE_FORMAT')}"


def recent_periods(frequency: str, today: date, count: int) -> list[Period]:
    """The `count` periods up to the one containing `today` (oldest first), for form choices."""
    periods = [period_of(frequency, today)]
    while len(periods) < count:
        previous = date.fromordinal(periods[0][0].toordinal() - 1)
        periods.insert(0, period_of(frequency, previous))
    return periods
