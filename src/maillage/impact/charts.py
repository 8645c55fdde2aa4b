"""The impact module's charts, built on `core.charts` (SVG with its table of figures), so the
same chart shows on the page and in the reports."""

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.charts import SVG_NS, Chart, ChartTable, bar_chart, line_chart
from maillage.core.sdg import SDG_COLOURS, sdg_label, sdg_text_colour

from .models import Aggregation, Indicator
from .selectors import DimensionFigures, GoalContribution, PeriodFigures


def _value_label(indicator: Indicator) -> str:
    return indicator.display_unit or ""


def target_vs_actual(
    indicator: Indicator, figures: Sequence[PeriodFigures], *, title: str | None = None
) -> Chart | None:
    """Actual and target per period: bars for a flow (sum), lines for levels and totals."""
    if not figures or not indicator.is_quantitative:
        return None
    labels = [f.label for f in figures]
    series = {
        _("Actual"): [f.actual.value for f in figures],
        _("Target"): [f.target.value for f in figures],
    }
    if all(v is None for v in series[_("Target")]):
        del series[_("Target")]
    chart = bar_chart if indicator.aggregation == Aggregation.SUM else line_chart
    return chart(
        title or _("%(indicator)s: target and actual per period") % {"indicator": indicator.name},
        labels,
        series,
        category_label=_("Period"),
        value_label=_value_label(indicator),
        chart_id=f"chart-indicator-{indicator.pk}-periods",
    )


def breakdown_chart(
    indicator: Indicator, dimension: DimensionFigures, *, period_label: str = ""
) -> Chart | None:
    """One bar per category of a dimension."""
    if not dimension.rows or all(row.value is None for row in dimension.rows):
        return None
    title = _("%(indicator)s by %(dimension)s") % {
        "indicator": indicator.name,
        "dimension": dimension.dimension.name.lower(),
    }
    if period_label:
        title = f"{title} ({period_label})"
    return bar_chart(
        title,
        [row.category.name for row in dimension.rows],
        {indicator.display_unit or _("Value"): [row.value for row in dimension.rows]},
        category_label=dimension.dimension.name,
        value_label=_value_label(indicator),
        chart_id=f"chart-indicator-{indicator.pk}-dimension-{dimension.dimension.pk}",
    )


# --- SDG contribution grid ------------------------------------------------------------------

SDG_GRID_COLUMNS = 6
SDG_TILE_WIDTH = 160
SDG_TILE_HEIGHT = 200
SDG_TILE_GAP = 10
SDG_NAME_WIDTH = 16  # characters per line of a goal's name in a tile
SDG_NAME_LINES = 5
SDG_FADED_FILL = "#F1F3F5"
SDG_FADED_TEXT = "#495057"
SDG_FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class Shape:
    """A rectangle or a line of text of the grid, in the grid's units (the SVG's viewBox)."""

    kind: str  # "rect" or "text"
    x: float
    y: float
    width: float = 0
    height: float = 0
    fill: str = ""
    stroke: str = ""
    rounded: bool = False
    dashed: bool = False
    text: str = ""
    size: float = 0
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Tile:
    goal: int
    indicators: int
    label: str  # the tile in words (its tooltip)
    shapes: tuple[Shape, ...]


def _indicator_count(count: int) -> str:
    return ngettext("%(count)s indicator", "%(count)s indicators", count) % {"count": count}


def _met_count(count: int) -> str:
    return ngettext("%(count)s met its target", "%(count)s met their target", count) % {
        "count": count
    }


def _name_lines(name: str) -> list[str]:
    lines = textwrap.wrap(name, SDG_NAME_WIDTH, break_long_words=False) or [""]
    if len(lines) > SDG_NAME_LINES:
        lines = [*lines[: SDG_NAME_LINES - 1], lines[SDG_NAME_LINES - 1] + "…"]
    return lines


def _sdg_tile(contribution: GoalContribution, x: int, y: int) -> Tile:
    number = contribution.number
    active = contribution.count > 0
    colour = SDG_COLOURS[number]
    width, height = SDG_TILE_WIDTH, SDG_TILE_HEIGHT
    if active:
        ink = sdg_text_colour(number)
        shapes = [Shape("rect", x, y, width, height, fill=colour, rounded=True)]
        label = _("%(goal)s: %(indicators)s, %(met)s.") % {
            "goal": sdg_label(number),
            "indicators": _indicator_count(contribution.count),
            "met": _met_count(contribution.met),
        }
    else:
        ink = SDG_FADED_TEXT
        shapes = [
            Shape(
                "rect",
                x,
                y,
                width,
                height,
                fill=SDG_FADED_FILL,
                stroke=colour,
                rounded=True,
                dashed=True,
            ),
            # A band of the goal's colour keeps it recognisable.
            Shape("rect", x + 12, y + 10, 36, 6, fill=colour),
        ]
        label = _("%(goal)s: no indicator.") % {"goal": sdg_label(number)}
    left = x + 12
    shapes.append(Shape("text", left, y + 46, fill=ink, text=str(number), size=30, bold=True))
    for index, line in enumerate(_name_lines(contribution.name)):
        shapes.append(Shape("text", left, y + 70 + 17 * index, fill=ink, text=line, size=14))
    if active:
        shapes.append(
            Shape(
                "text",
                left,
                y + height - 32,
                fill=ink,
                text=_indicator_count(contribution.count),
                size=15,
                bold=True,
            )
        )
        if contribution.met:
            shapes.append(
                Shape(
                    "text",
                    left,
                    y + height - 12,
                    fill=ink,
                    text=_met_count(contribution.met),
                    size=13,
                )
            )
    else:
        shapes.append(
            Shape(
                "text",
                left,
                y + height - 14,
                fill=ink,
                text=_("No indicator"),
                size=14,
                italic=True,
            )
        )
    return Tile(number, contribution.count, label, tuple(shapes))


def _svg_shape(parent, shape: Shape) -> None:
    if shape.kind == "rect":
        attributes = {
            "x": f"{shape.x:g}",
            "y": f"{shape.y:g}",
            "width": f"{shape.width:g}",
            "height": f"{shape.height:g}",
            "fill": shape.fill,
        }
        if shape.rounded:
            attributes["rx"] = "6"
        if shape.stroke:
            attributes.update({"stroke": shape.stroke, "stroke-width": "2"})
        if shape.dashed:
            attributes["stroke-dasharray"] = "6 4"
        ElementTree.SubElement(parent, "rect", attributes)
        return
    attributes = {
        "x": f"{shape.x:g}",
        "y": f"{shape.y:g}",
        "fill": shape.fill,
        "font-size": f"{shape.size:g}",
    }
    if shape.bold:
        attributes["font-weight"] = "bold"
    if shape.italic:
        attributes["font-style"] = "italic"
    ElementTree.SubElement(parent, "text", attributes).text = shape.text


@dataclass(frozen=True)
class SdgGridDrawing:
    """The grid drawn again with matplotlib, for `Chart.png()` (Word takes no SVG)."""

    tiles: tuple[Tile, ...]
    width: float
    height: float
    language: str | None

    def draw(self, figure) -> None:
        from matplotlib.patches import FancyBboxPatch, Rectangle

        figure.set_layout_engine("none")  # one axes filling the figure: nothing to lay out
        axes = figure.add_axes((0, 0, 1, 1))
        margin = 4  # room for the dashed borders
        axes.set_xlim(-margin, self.width + margin)
        axes.set_ylim(self.height + margin, -margin)
        axes.set_aspect("equal")
        axes.axis("off")
        width_in, height_in = figure.get_size_inches()
        points = 72 * min(width_in / (self.width + 8), height_in / (self.height + 8))  # per unit
        for tile in self.tiles:
            for shape in tile.shapes:
                if shape.kind == "rect":
                    options = {
                        "facecolor": shape.fill,
                        "edgecolor": shape.stroke or "none",
                        "linewidth": 2 * points if shape.stroke else 0,
                        "linestyle": "--" if shape.dashed else "-",
                    }
                    if shape.rounded:
                        axes.add_patch(
                            FancyBboxPatch(
                                (shape.x, shape.y),
                                shape.width,
                                shape.height,
                                boxstyle="round,pad=0,rounding_size=6",
                                **options,
                            )
                        )
                    else:
                        axes.add_patch(
                            Rectangle((shape.x, shape.y), shape.width, shape.height, **options)
                        )
                else:
                    axes.text(
                        shape.x,
                        shape.y,
                        shape.text,
                        color=shape.fill,
                        fontsize=shape.size * points,
                        fontweight="bold" if shape.bold else "normal",
                        fontstyle="italic" if shape.italic else "normal",
                        ha="left",
                        va="baseline",
                    )


def _sdg_description(contributions: Sequence[GoalContribution]) -> str:
    active = [c.number for c in contributions if c.count]
    if not active:
        return _(
            "Grid of the 17 Sustainable Development Goals: no indicator of the workspace is "
            "linked to a goal yet, every goal is greyed."
        )
    return ngettext(
        "Grid of the 17 Sustainable Development Goals: the workspace's indicators contribute "
        "to %(count)s goal (%(goals)s), with the number of indicators in each tile; the goals "
        "without an indicator are greyed.",
        "Grid of the 17 Sustainable Development Goals: the workspace's indicators contribute "
        "to %(count)s goals (%(goals)s), with the number of indicators in each tile; the goals "
        "without an indicator are greyed.",
        len(active),
    ) % {"count": len(active), "goals": ", ".join(str(n) for n in active)}


def sdg_grid(
    contributions: Sequence[GoalContribution],
    *,
    title: str | None = None,
    period_label: str = "",
    chart_id: str = "chart-sdg-grid",
) -> Chart:
    """The 17 goals in their official colours, each with the number of the workspace's
    indicators linked to it (directly or through one of its targets) and how many met their
    target; goals without any indicator are greyed and say so in words.

    `contributions` is what `selectors.sdg_contributions` returns. Drawn by hand (tiles of text
    need no plotting library) under the same rules as `core.charts`: role="img", a title and a
    description, a viewBox and no size, presentation attributes only (CSP), text escaped. The
    table holds, per goal, the number of indicators and how many met their target;
    `chart.png()` draws the same tiles with matplotlib for Word documents.
    """
    title = str(title or _("Contribution to the Sustainable Development Goals"))
    if period_label:
        title = f"{title} ({period_label})"
    contributions = sorted(contributions, key=lambda c: c.number)
    rows = -(-len(contributions) // SDG_GRID_COLUMNS) or 1
    width = SDG_GRID_COLUMNS * SDG_TILE_WIDTH + (SDG_GRID_COLUMNS - 1) * SDG_TILE_GAP
    height = rows * SDG_TILE_HEIGHT + (rows - 1) * SDG_TILE_GAP
    tiles = []
    for index, contribution in enumerate(contributions):
        row, column = divmod(index, SDG_GRID_COLUMNS)
        tiles.append(
            _sdg_tile(
                contribution,
                column * (SDG_TILE_WIDTH + SDG_TILE_GAP),
                row * (SDG_TILE_HEIGHT + SDG_TILE_GAP),
            )
        )

    root = ElementTree.Element(
        "svg",
        {
            "id": chart_id,
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title",
            "aria-describedby": f"{chart_id}-desc",
            "class": "chart-svg sdg-grid",
            "preserveAspectRatio": "xMidYMid meet",
            "font-family": SDG_FONT,
        },
    )
    ElementTree.SubElement(root, "title", {"id": f"{chart_id}-title"}).text = title
    ElementTree.SubElement(root, "desc", {"id": f"{chart_id}-desc"}).text = _sdg_description(
        contributions
    )
    for tile in tiles:
        group = ElementTree.SubElement(
            root, "g", {"data-goal": str(tile.goal), "data-indicators": str(tile.indicators)}
        )
        ElementTree.SubElement(group, "title").text = tile.label
        for shape in tile.shapes:
            _svg_shape(group, shape)
    root.set("xmlns", SVG_NS)
    ElementTree.indent(root, space="")

    table = ChartTable(
        headers=(_("Goal"), _("Indicators"), _("Met their target")),
        rows=tuple(
            (sdg_label(c.number), (Decimal(c.count), Decimal(c.met))) for c in contributions
        ),
        kind="count",
    )
    drawing = SdgGridDrawing(tuple(tiles), width, height, translation.get_language())
    return Chart(
        title=title,
        svg=ElementTree.tostring(root, encoding="unicode"),
        table=table,
        id=chart_id,
        drawing=drawing,
    )
