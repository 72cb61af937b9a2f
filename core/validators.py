"""Validators for Italian public-administration identifiers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva

CUP_PATTERN = r"^[A-Z][0-9]{2}[A-Z][0-9]{11}$"
CIG_PATTERN = r"^[0-9A-Z]{10}$"


def validate_partita_iva(value: str) -> None:
    try:
        iva.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("%(value)s is not a valid partita IVA (11 digits with a check digit)."),
            code="invalid_partita_iva",
            params={"value": value},
        ) from error


def validate_codice_fiscale(value: str) -> None:
    """An organisation's codice fiscale (11 digits) or a person's (16 characters)."""
    try:
        if len(value) == 11:
            iva.validate(value)
        else:
            codicefiscale.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("%(value)s is not a valid codice fiscale."),
            code="invalid_codice_fiscale",
            params={"value": value},
        ) from error


def validate_cup(value: str) -> None:
    if not re.fullmatch(CUP_PATTERN, value):
        raise ValidationError(
            _("A CUP has 15 characters: a letter, two digits, a letter and eleven digits."),
            code="invalid_cup",
        )


def validate_cig(value: str) -> None:
    if not re.fullmatch(CIG_PATTERN, value):
        raise ValidationError(
            _("A CIG has 10 characters, digits and capital letters."), code="invalid_cig"
        )
