"""Reading a quantitative value typed by a person: a number and nothing else.

Forms, imports and the API all come through `parse_quantity`, so "N/A", "yes" or "12 pers." are
refused everywhere with the same message, which says what to write instead. French and English
writings of numbers are accepted ("1 234,5", "1,234.5", "12.5").
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maillage.core.imports import parsers

from .models import VALUE_DIGITS, VALUE_PLACES

_read_number = parsers.decimal(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
_NOT_MEASURED_WORDS = re.compile(
    r"^(n\s*/?\s*a|n\s*/?\s*c|nc|nd|n\s*/?\s*d|na|-+|—|\?+|sans objet|non mesur[ée]e?s?|"
    r"not measured|unknown|inconnu|aucune? donn[ée]e?s?)$",
    re.IGNORECASE,
)
_WORDS = re.compile(r"^(oui|non|yes|no|vrai|faux|true|false|x)$", re.IGNORECASE)
_NUMBERISH = re.compile(r"^[-+]?[\d\s\u00a0\u202f.,']+$")
_NUMBER_THEN_TEXT = re.compile(r"^([-+]?[\d\s\u00a0\u202f.,]*\d)\s*([^\d\s].*)$")


def parse_quantity(text: str, *, unit: str = "") -> Decimal:
    """The number written in `text`, or a ValidationError that says what to do."""
    cleaned = str(text).strip()
    if cleaned == "":
        raise ValidationError(_("Give the value, or say that it was not measured this period."))
    try:
        return _read_number(cleaned)
    except ValidationError:
        if _NUMBERISH.match(cleaned):
            raise  # a number, but too large or too precise: the parser's message says so
    if _NOT_MEASURED_WORDS.match(cleaned):
        raise ValidationError(
            _(
                "“%(value)s” is not a number. If nothing was measured this period, choose "
                "“Not measured this period” instead."
            )
            % {"value": cleaned[:40]}
        )
    if _WORDS.match(cleaned):
        raise ValidationError(
            _(
                "“%(value)s” is not a number: this indicator is quantitative. Write the figure "
                "(for a yes/no observation, use a qualitative indicator)."
            )
            % {"value": cleaned[:40]}
        )
    found = _NUMBER_THEN_TEXT.match(cleaned)
    if found and "%" not in found.group(2):
        values = {"value": cleaned[:40], "number": found.group(1).strip(), "unit": unit}
        if unit:
            raise ValidationError(
                _(
                    "“%(value)s” is not a number: write the figure alone (%(number)s); the unit "
                    "(%(unit)s) is the indicator's."
                )
                % values
            )
        raise ValidationError(
            _("“%(value)s” is not a number: write the figure alone (%(number)s).") % values
        )
    if found:  # "45 %"
        raise ValidationError(
            _("“%(value)s” is not a number: write %(number)s without the percent sign.")
            % {"value": cleaned[:40], "number": found.group(1).strip()}
        )
    raise ValidationError(
        _("“%(value)s” is not a number: write digits only, e.g. 12 or 12,5.")
        % {"value": cleaned[:40]}
    )
