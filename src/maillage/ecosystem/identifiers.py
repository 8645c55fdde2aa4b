"""French organisation identifiers: SIREN, SIRET (python-stdnum, La Poste's special case
included) and RNA. Each `clean_*` accepts what people type (spaces, dots, dashes, lower case)
and returns the compact form, or raises a ValidationError that says what is wrong."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
)
from stdnum.exceptions import (
    ValidationError as StdnumError,
)
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

_RNA = re.compile(r"^W\d{9}$")
_SEPARATORS = re.compile(r"[\s.\-/]+")


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value or "").upper()


def clean_siren(value: str) -> str:
    number = _compact(value)
    if not number:
        return ""
    try:
        return stdnum_siren.validate(number)
    except InvalidLength as error:
        raise ValidationError(
            _("A SIREN has 9 digits; “%(value)s” has %(count)d.")
            % {"value": value, "count": len(number)},
            code="siren_length",
        ) from error
    except InvalidFormat as error:
        raise ValidationError(
            _("A SIREN has digits only: “%(value)s”.") % {"value": value}, code="siren_format"
        ) from error
    except (InvalidChecksum, StdnumError) as error:
        raise ValidationError(
            _("“%(value)s” is not a valid SIREN: its check digit is wrong (a typo?).")
            % {"value": value},
            code="siren_checksum",
        ) from error


def clean_siret(value: str) -> str:
    number = _compact(value)
    if not number:
        return ""
    try:
        return stdnum_siret.validate(number)
    except InvalidLength as error:
        raise ValidationError(
            _("A SIRET has 14 digits; “%(value)s” has %(count)d.")
            % {"value": value, "count": len(number)},
            code="siret_length",
        ) from error
    except InvalidFormat as error:
        raise ValidationError(
            _("A SIRET has digits only: “%(value)s”.") % {"value": value}, code="siret_format"
        ) from error
    except (InvalidChecksum, StdnumError) as error:
        raise ValidationError(
            _("“%(value)s” is not a valid SIRET: its check digit is wrong (a typo?).")
            % {"value": value},
            code="siret_checksum",
        ) from error


def clean_rna(value: str) -> str:
    number = _compact(value)
    if not number:
        return ""
    if not _RNA.match(number):
        raise ValidationError(
            _("An RNA number is W followed by 9 digits (e.g. W751234567): “%(value)s”.")
            % {"value": value},
            code="rna_format",
        )
    return number


def validate_siren(value: str) -> None:
    if value and clean_siren(value) != value:
        raise ValidationError(_("Write the SIREN as 9 digits, without spaces."), code="siren")


def validate_siret(value: str) -> None:
    if value and clean_siret(value) != value:
        raise ValidationError(_("Write the SIRET as 14 digits, without spaces."), code="siret")


def validate_rna(value: str) -> None:
    if value and clean_rna(value) != value:
        raise ValidationError(_("Write the RNA number as W and 9 digits."), code="rna")
