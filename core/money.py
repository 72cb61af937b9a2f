"""Money is Decimal euros with two places, summed in the database."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Sum, Value
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

MAX_DIGITS = 14
DECIMAL_PLACES = 2
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def MoneyField(verbose_name=None, **kwargs) -> models.DecimalField:
    kwargs.setdefault("max_digits", MAX_DIGITS)
    kwargs.setdefault("decimal_places", DECIMAL_PLACES)
    return models.DecimalField(verbose_name or _("amount (EUR)"), **kwargs)


MONEY = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)


def money_sum(expression, **extra) -> Coalesce:
    """``SUM`` of a money expression that is 0.00, not NULL, over no rows."""
    return Coalesce(Sum(expression, **extra), Value(ZERO), output_field=MONEY)


def quantize(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def euro(amount: Decimal) -> str:
    """An amount as the active language writes it: 1.234.567,89 € in Italian."""
    return number_format(amount, decimal_pos=2, force_grouping=True) + "\u00a0€"
