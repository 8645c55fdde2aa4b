"""Money and hours: parsing, rounding, exact allocation and display.

Amounts are ``Decimal`` everywhere; a ``float`` is refused at every entry point.

Where rounding happens (``ROUND_HALF_UP``, to the cent for euros, to 2 places for hours), and
nowhere else:

1. when a *computed* amount or duration is displayed (``format_euros``, ``format_hours``,
   the ``euros`` / ``hours`` template filters, exports) or stored in a ``DecimalField``
   (call ``round_euro`` / ``round_hours`` in the service that stores it);
2. inside ``allocate``, which splits a total that is already in cents into parts in cents
   by the largest-remainder method, so that the parts always add up to the total exactly.

Intermediate computations (rates, shares, sums) keep full precision: round the result, never
the operands.
"""

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from math import lcm

from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

EURO_CENT = Decimal("0.01")
HOUR_PLACES = Decimal("0.01")

# "-", "+" and the typographic minus sign; space, no-break space, narrow no-break space and
# thin space as thousands separators (French writes "1 234,56" with U+202F or U+00A0).
_GROUP_SEPARATORS = " \u00a0\u202f\u2009"
_NUMBER_RE = re.compile(
    r"(?P<sign>[-+\u2212]?)"
    r"(?P<int>\d{1,3}(?:[" + _GROUP_SEPARATORS + r"]\d{3})+|\d+)"
    r"(?:[.,](?P<frac>\d+))?",
    re.ASCII,
)
_GROUP_RE = re.compile("[" + _GROUP_SEPARATORS + "]")


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Return ``value`` as a finite ``Decimal``.

    Accepts a ``Decimal``, an ``int`` or a string written the French way ("1 234,56", with a
    space, no-break space or narrow no-break space between thousands) or with a decimal point
    ("1234.56"), with an optional leading sign. Refuses floats (they cannot hold a cent
    exactly), booleans, strings mixing "," and "." and anything else, with a ``ValueError``
    that says what was wrong.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(_("%(value)s is not a finite number.") % {"value": value})
        return value
    if isinstance(value, bool):
        raise ValueError(_("A boolean is not a number."))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        raise ValueError(
            _("Floating-point number %(value)r refused: pass a Decimal, an int or a string.")
            % {"value": value}
        )
    if not isinstance(value, str):
        raise ValueError(
            _("Cannot read a number from a value of type %(type)s.")
            % {"type": type(value).__name__}
        )
    text = value.strip()
    if not text:
        raise ValueError(_("The number is empty."))
    if "," in text and "." in text:
        raise ValueError(
            _(
                "%(value)r mixes “,” and “.”: use one decimal separator "
                "and spaces between thousands."
            )
            % {"value": value}
        )
    match = _NUMBER_RE.fullmatch(text)
    if match is None:
        raise ValueError(
            _(
                "%(value)r is not a number: expected digits, an optional sign, spaces "
                "between thousands and one decimal separator, e.g. “1 234,56”."
            )
            % {"value": value}
        )
    sign = "-" if match["sign"] in ("-", "\u2212") else ""
    digits = _GROUP_RE.sub("", match["int"])
    frac = match["frac"]
    return Decimal(f"{sign}{digits}.{frac}" if frac else f"{sign}{digits}")


def round_euro(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half away from zero (0.005 → 0.01, -0.005 → -0.01)."""
    return to_decimal(value).quantize(EURO_CENT, rounding=ROUND_HALF_UP)


def round_hours(value: Decimal | int | str) -> Decimal:
    """Round a duration in hours to 2 places, half away from zero."""
    return to_decimal(value).quantize(HOUR_PLACES, rounding=ROUND_HALF_UP)


# Totals past this magnitude could lose digits in `total * 100` under the default context
# (28 significant digits); no amount in the platform comes near it.
_MAX_TOTAL_ADJUSTED = 24


def _total_in_cents(total: Decimal | int) -> int:
    kind = type(total)
    if kind is int:
        return total * 100
    if kind is not Decimal and not isinstance(total, Decimal):
        raise TypeError(
            _("The total to allocate must be a Decimal or an int, not %(type)s.")
            % {"type": kind.__name__}
        )
    if not total.is_finite():
        raise ValueError(_("The total to allocate must be a finite number."))
    if total and total.adjusted() > _MAX_TOTAL_ADJUSTED:
        raise ValueError(_("The total to allocate is too large."))
    scaled = total * 100
    cents = int(scaled)
    if cents != scaled:
        raise ValueError(
            _("The total to allocate must have at most 2 decimal places, got %(total)s.")
            % {"total": total}
        )
    return cents


_INT_ONLY = frozenset({int})
_INT_OR_DECIMAL = frozenset({int, Decimal})
_HUNDRED = Decimal(100)


def _integer_weights(weights: Sequence[Decimal | int]) -> list[int]:
    """Scale the weights to integers with the same ratios (exactly, without floats).

    Fast paths first (the function runs millions of times): all ints, then Decimals with at
    most 2 places (hours, amounts) scaled by 100; any other Decimal by the common denominator.
    """
    kinds = set(map(type, weights))
    if kinds <= _INT_ONLY:
        ints = list(weights)
    else:
        if not kinds <= _INT_OR_DECIMAL:
            for index, weight in enumerate(weights):
                if type(weight) is bool or not isinstance(weight, Decimal | int):
                    raise TypeError(
                        _("Weight #%(index)d must be a Decimal or an int, not %(type)s.")
                        % {"index": index + 1, "type": type(weight).__name__}
                    )
        ints = _scaled_weights(weights)
    if ints and min(ints) < 0:
        index = next(i for i, value in enumerate(ints) if value < 0)
        raise ValueError(
            _("Weight #%(index)d is negative (%(weight)s): weights must be zero or more.")
            % {"index": index + 1, "weight": weights[index]}
        )
    return ints


def _scaled_weights(weights: Sequence[Decimal | int]) -> list[int]:
    try:
        scaled = [weight * _HUNDRED for weight in weights]
        ints = [int(value) for value in scaled]
    except (ValueError, OverflowError, InvalidOperation):  # NaN or infinity
        for index, weight in enumerate(weights):
            if isinstance(weight, Decimal) and not weight.is_finite():
                raise ValueError(
                    _("Weight #%(index)d is not a finite number.") % {"index": index + 1}
                ) from None
        raise
    if ints != scaled:  # some weight has more than 2 decimal places
        ratios = [weight.as_integer_ratio() for weight in weights]
        common = lcm(*(denominator for _numerator, denominator in ratios))
        ints = [numerator * (common // denominator) for numerator, denominator in ratios]
    return ints


def allocate(total: Decimal | int, weights: Sequence[Decimal | int]) -> list[Decimal]:
    """Split ``total`` into parts proportional to ``weights``, to the cent, by largest remainder.

    - ``total`` has at most 2 decimal places; it may be negative (a credit note is split
      exactly as its opposite, with the signs flipped) or zero.
    - ``weights`` are ``Decimal`` or ``int``, zero or more, with a positive sum. A zero weight
      gets a zero part.
    - The parts are ``Decimal`` with 2 places, sum to ``total`` exactly, and each lies within
      one cent of its exact share ``weight / sum(weights) * total``.
    - Each part first gets its exact share rounded towards zero; the cents left over go one
      each to the parts with the largest remainders, ties going to the earlier weight.

    ``ValueError`` / ``TypeError`` say what is wrong with the arguments.
    """
    cents = _total_in_cents(total)
    if type(weights) is not list and type(weights) is not tuple:
        weights = list(weights)
    ints = _integer_weights(weights)
    weight_sum = sum(ints)
    if weight_sum <= 0:
        if not ints:
            raise ValueError(_("At least one weight is needed to allocate an amount."))
        raise ValueError(_("The weights add up to zero: at least one must be positive."))
    negative = cents < 0
    magnitude = -cents if negative else cents
    floors = []
    remainders = []
    for weight in ints:
        floor, remainder = divmod(magnitude * weight, weight_sum)
        floors.append(floor)
        remainders.append(remainder)
    left = magnitude - sum(floors)
    if left:
        # sorted() is stable, also with reverse=True: equal remainders keep index order.
        for index in sorted(range(len(ints)), key=remainders.__getitem__, reverse=True)[:left]:
            floors[index] += 1
    # Multiplying an integer by 0.01 is exact and gives 2 places ("0.00" for zero).
    cent = EURO_CENT
    if negative:
        return [Decimal(-part) * cent for part in floors]
    return [Decimal(part) * cent for part in floors]


# --- Display -------------------------------------------------------------------------------

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
EM_DASH = "—"


def _separators() -> tuple[str, str]:
    """Decimal and thousands separators of the active language.

    French typography separates thousands with a narrow no-break space (U+202F, as CLDR
    does), where Django's French formats use a plain no-break space.
    """
    decimal_separator = str(get_format("DECIMAL_SEPARATOR"))
    thousands = str(get_format("THOUSAND_SEPARATOR"))
    if (get_language() or "").split("-")[0] == "fr":
        thousands = NARROW_NBSP
    return decimal_separator, thousands


def format_decimal(value: Decimal | int | str, places: int = 2, *, grouping: bool = True) -> str:
    """Format a number in the active language, rounded half up to ``places`` decimals.

    "-1 234,56" in French (narrow no-break spaces), "-1,234.56" in English.
    """
    number = to_decimal(value)
    quantum = Decimal(1).scaleb(-places)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    negative = number < 0
    text = f"{number.copy_abs():f}"
    integer, _dot, fraction = text.partition(".")
    decimal_separator, thousands = _separators()
    if grouping and len(integer) > 3:
        head = len(integer) % 3 or 3
        groups = [integer[:head]] + [integer[i : i + 3] for i in range(head, len(integer), 3)]
        integer = thousands.join(groups)
    result = f"{integer}{decimal_separator}{fraction}" if fraction else integer
    return f"-{result}" if negative else result


def format_euros(value: Decimal | int | str | None, places: int = 2) -> str:
    """An amount in euros for people: "1 234,56 €" (fr), "€1,234.56" (en), "—" for None."""
    if value is None or value == "":
        return EM_DASH
    text = format_decimal(value, places)
    negative = text.startswith("-")
    if negative:
        text = text[1:]
    english = (get_language() or "").split("-")[0] == "en"
    text = f"€{text}" if english else f"{text}{NBSP}€"
    return f"-{text}" if negative else text


def format_hours(value: Decimal | int | str | None) -> str:
    """A duration in hours for people: "1 234,50 h" (fr), "1,234.50 h" (en), "—" for None."""
    if value is None or value == "":
        return EM_DASH
    return f"{format_decimal(value, 2)}{NBSP}h"
