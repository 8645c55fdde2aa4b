"""Filters of the socio-economic model page: a whole share in percent.

{% load finance_model %}{{ 62|percent }}  → "62 %" (fr, narrow no-break space), "62%" (en)
"""

from django import template
from django.utils.translation import get_language

from maillage.core.money import NARROW_NBSP, format_decimal, format_euros

register = template.Library()


@register.filter
def percent(value) -> str:
    if value is None or value == "":
        return "—"
    text = format_decimal(value, 0)
    french = (get_language() or "").split("-")[0] == "fr"
    return f"{text}{NARROW_NBSP}%" if french else f"{text}%"


@register.filter
def whole_euros(value) -> str:
    """An amount rounded to the euro, for the small cells of the barycentre matrices."""
    return format_euros(value, 0)
