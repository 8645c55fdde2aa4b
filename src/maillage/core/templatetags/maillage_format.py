"""Template filters that format amounts, hours and figures in the active language.

    {% load maillage_format %}
    {{ budget.amount|euros }}      → "1 234,56 €" (fr), "€1,234.56" (en), "—" for None
    {{ entry.hours|hours }}        → "7,50 h" (fr), "7.50 h" (en)
    {{ value|number }}             → "1 234,50"; {{ value|number:0 }} → "1 235"
    {{ value|figure:"money" }}     → euros, hours or number depending on the kind

Amounts are rounded half up at display only (see ``maillage.core.money``).
"""

from django import template

from maillage.core.money import EM_DASH, format_decimal, format_euros, format_hours

register = template.Library()


@register.filter
def euros(value):
    return format_euros(value)


@register.filter
def hours(value):
    return format_hours(value)


@register.filter
def number(value, places=2):
    if value is None or value == "":
        return EM_DASH
    return format_decimal(value, int(places))


@register.filter
def figure(value, kind="number"):
    """Format ``value`` as money, hours or a plain number (``kind``: money/hours/number)."""
    if kind == "money":
        return format_euros(value)
    if kind == "hours":
        return format_hours(value)
    return number(value)
