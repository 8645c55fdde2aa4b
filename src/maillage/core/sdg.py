"""The 17 Sustainable Development Goals (UN Agenda 2030), by number.

Names are the short official titles; the French ones come from the translation catalogue.
Records that carry several goals store them as a bit mask (`goals_to_mask`, `mask_to_goals`):
bit n set means goal n. It keeps a registry of millions of rows free of a join table, and a
filter on one goal is a single bitwise test on either database.
"""

from collections.abc import Iterable

from django.db.models import F, Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

SDG_GOALS: dict[int, str] = {
    1: _("No poverty"),
    2: _("Zero hunger"),
    3: _("Good health and well-being"),
    4: _("Quality education"),
    5: _("Gender equality"),
    6: _("Clean water and sanitation"),
    7: _("Affordable and clean energy"),
    8: _("Decent work and economic growth"),
    9: _("Industry, innovation and infrastructure"),
    10: _("Reduced inequalities"),
    11: _("Sustainable cities and communities"),
    12: _("Responsible consumption and production"),
    13: _("Climate action"),
    14: _("Life below water"),
    15: _("Life on land"),
    16: _("Peace, justice and strong institutions"),
    17: _("Partnerships for the goals"),
}

# The official colours of the goals' icons (UN Department of Global Communications guidelines).
SDG_COLOURS: dict[int, str] = {
    1: "#E5243B",
    2: "#DDA63A",
    3: "#4C9F38",
    4: "#C5192D",
    5: "#FF3A21",
    6: "#26BDE2",
    7: "#FCC30B",
    8: "#A21942",
    9: "#FD6925",
    10: "#DD1367",
    11: "#FD9D24",
    12: "#BF8B2E",
    13: "#3F7E44",
    14: "#0A97D9",
    15: "#56C02B",
    16: "#00689D",
    17: "#19486A",
}


def _relative_luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def sdg_text_colour(number: int) -> str:
    """White or black, whichever reads better on the goal's colour (WCAG contrast ratio)."""
    luminance = _relative_luminance(SDG_COLOURS[number])
    on_white = 1.05 / (luminance + 0.05)
    on_black = (luminance + 0.05) / 0.05
    return "#FFFFFF" if on_white >= on_black else "#000000"


# Lazy labels: read in the language of each request, not the one active at import time.
SDG_CHOICES = [
    (number, format_lazy("{}. {}", number, label)) for number, label in SDG_GOALS.items()
]


def sdg_label(number: int) -> str:
    return f"{number}. {SDG_GOALS[number]}"


def goals_to_mask(goals: Iterable[int | str]) -> int:
    mask = 0
    for goal in goals:
        number = int(goal)
        if number not in SDG_GOALS:
            raise ValueError(f"{number} is not a Sustainable Development Goal (1 to 17)")
        mask |= 1 << number
    return mask


def mask_to_goals(mask: int) -> list[int]:
    return [number for number in SDG_GOALS if mask & (1 << number)]


def filter_by_goal(queryset: QuerySet, field: str, goal: int) -> QuerySet:
    """Rows of `queryset` whose bit-mask `field` includes `goal`."""
    bit = 1 << int(goal)
    alias = f"_{field}_goal_{goal}"
    return queryset.alias(**{alias: F(field).bitand(bit)}).filter(~Q(**{alias: 0}))
