"""Columns of an import and the parsers that turn a cell's text into a typed value.

A parser is any callable `(text) -> value` that raises `django.core.exceptions.ValidationError`
with a message for the user. It is only called on non-empty, trimmed text: emptiness is handled
by `Column.required` / `Column.default`. The factories below cover what French files contain
(decimal commas, day-first dates, "oui"/"non"); an importer may pass any other callable.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date as date_type
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _
from django.utils.translation import override

from .parsing import normalize_header

Parser = Callable[[str], Any]


def text(*, max_length: int | None = None) -> Parser:
    def parse(value: str) -> str:
        if max_length is not None and len(value) > max_length:
            raise ValidationError(
                _("At most %(max)s characters (this one has %(length)s).")
                % {"max": max_length, "length": len(value)}
            )
        return value

    return parse


def email() -> Parser:
    def parse(value: str) -> str:
        value = value.strip().lower()
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not a valid e-mail address.") % {"value": value[:100]}
            ) from None
        return value

    return parse


def choice(
    choices: Iterable[tuple[Any, Any]], *, aliases: Mapping[str, Any] | None = None
) -> Parser:
    """One of `choices` (value, label) pairs, given by value, label (French or English) or alias.

    Matching ignores case, accents and extra spaces: "Invité", "invite" and "INVITÉ" are equal.
    """
    choices = list(choices)
    cache: dict[str, Any] = {}

    def lookup() -> dict[str, Any]:
        if cache:
            return cache
        table = cache
        for value, label in choices:
            table[normalize_header(value)] = value
            for language in ("fr", "en"):
                with override(language):
                    table.setdefault(normalize_header(str(label)), value)
            table.setdefault(normalize_header(str(label)), value)
        for alias, value in (aliases or {}).items():
            table[normalize_header(alias)] = value
        return table

    def parse(value: str) -> Any:
        table = lookup()
        key = normalize_header(value)
        if key in table:
            return table[key]
        accepted = ", ".join(str(v) for v, _label in choices)
        raise ValidationError(
            _("“%(value)s” is not one of the accepted values: %(accepted)s.")
            % {"value": value[:100], "accepted": accepted}
        )

    return parse


_SPACES = re.compile(r"[\s\u00a0\u202f']")


def decimal(*, max_digits: int = 14, decimal_places: int = 2) -> Parser:
    """A Decimal from "1 234,56", "1234.56", "1.234,56" or "-12,5 €"; never rounded.

    With both "," and "." the last one is the decimal separator; with one of them only, it is.
    More decimal places than allowed is an error, not a silent rounding.
    """

    def parse(value: str) -> Decimal:
        cleaned = _SPACES.sub("", value).replace("€", "")
        if "," in cleaned and "." in cleaned:
            if cleaned.rindex(",") > cleaned.rindex("."):
                cleaned = cleaned.replace(".", "").replace(",", ".")
            else:
                cleaned = cleaned.replace(",", "")
        else:
            cleaned = cleaned.replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": value[:50]})
        exponent = number.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if places > decimal_places:
            raise ValidationError(
                _("At most %(places)s digits after the decimal separator.")
                % {"places": decimal_places}
            )
        if len(number.as_tuple().digits) - places > max_digits - decimal_places:
            raise ValidationError(_("“%(value)s” is too large.") % {"value": value[:50]})
        return number

    return parse


def integer(*, min_value: int | None = None, max_value: int | None = None) -> Parser:
    def parse(value: str) -> int:
        cleaned = _SPACES.sub("", value)
        if re.fullmatch(r"[+-]?\d+([.,]0+)?", cleaned) is None:
            raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": value[:50]})
        number = int(re.split(r"[.,]", cleaned)[0])
        if min_value is not None and number < min_value:
            raise ValidationError(_("Must be at least %(min)s.") % {"min": min_value})
        if max_value is not None and number > max_value:
            raise ValidationError(_("Must be at most %(max)s.") % {"max": max_value})
        return number

    return parse


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
#: Plain addresses that `URLValidator` accepts for sure (a subset of it); the rest goes through
#: it. Saves most of its cost on large files.
_PLAIN_URL = re.compile(
    r"^https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?:[/?#][^\s]*)?$",
    re.IGNORECASE,
)
_url_validator = URLValidator(schemes=["http", "https"])


def url(*, max_length: int) -> Parser:
    """A web address; "example.org/page" reads as "https://example.org/page"."""

    def parse(value: str) -> str:
        address = value if _SCHEME.match(value) else f"https://{value}"
        if len(address) > max_length:
            raise ValidationError(
                _("At most %(max)s characters (this one has %(length)s).")
                % {"max": max_length, "length": len(address)}
            )
        if _PLAIN_URL.match(address):
            return address
        try:
            _url_validator(address)
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not a web address (e.g. https://example.org).")
                % {"value": value[:100]}
            ) from None
        return address

    return parse


DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y%m%d", "%d/%m/%y")


def date(*, formats: Iterable[str] = DATE_FORMATS) -> Parser:
    """A date written 31/12/2025, 2025-12-31, 31-12-2025, 31.12.2025 or 20251231 (FEC)."""
    formats = tuple(formats)

    def parse(value: str) -> date_type:
        candidate = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?", candidate):
            candidate = candidate[:10]  # a date cell of a spreadsheet, read with its time
        for fmt in formats:
            try:
                return datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
        raise ValidationError(
            _("“%(value)s” is not a date (expected e.g. 31/12/2025).") % {"value": value[:50]}
        )

    return parse


_TRUE = {"1", "oui", "o", "yes", "y", "true", "vrai", "x"}
_FALSE = {"0", "non", "n", "no", "false", "faux"}


def boolean() -> Parser:
    def parse(value: str) -> bool:
        key = normalize_header(value)
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise ValidationError(
            _("“%(value)s” is neither yes nor no (write oui or non).") % {"value": value[:50]}
        )

    return parse


@dataclass(frozen=True)
class Column:
    """One column an importer reads.

    `name` is the key of the value in the parsed row. The file's header may be the name, the
    label (in French or English) or any alias, compared with `normalize_header`.
    """

    name: str
    label: Any
    required: bool = False
    aliases: tuple[str, ...] = ()
    parser: Parser = field(default_factory=text)
    help_text: Any = ""
    example: str = ""
    default: Any = None

    def header_names(self) -> set[str]:
        names = {normalize_header(self.name), *(normalize_header(a) for a in self.aliases)}
        for language in ("fr", "en"):
            with override(language):
                names.add(normalize_header(str(self.label)))
        return names

    def parse(self, value: str) -> Any:
        """The typed value of a cell; raises ValidationError."""
        if value == "":
            if self.required:
                raise ValidationError(_("A value is required."))
            return self.default
        return self.parser(value)
