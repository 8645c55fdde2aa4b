"""Charts rendered on the server as accessible SVG (matplotlib), with their figures as a table.

Each function returns a ``Chart``: its ``title``, an ``svg`` string to inline in HTML (or in a
PDF report) and a ``table`` of the plotted figures, which ``includes/chart.html`` shows beside
the picture::

    chart = bar_chart(_("Budget vs actual"), ["2024", "2025"],
                      {_("Budget"): [Decimal("1200"), Decimal("1500")],
                       _("Actual"): [Decimal("1100"), None]}, kind="money")
    {% include "includes/chart.html" with chart=chart %}

The SVG has ``role="img"``, a ``<title>`` (and a ``<desc>``) it is labelled by, a ``viewBox``
and no width or height (it scales to its container), no XML declaration or DOCTYPE, ids
prefixed with the chart's id (several charts fit on one page), and presentation attributes
instead of ``style`` attributes and ``<style>`` elements, so that it renders under the
Content Security Policy (``style-src 'self'``). The output is deterministic: the same
arguments give the same string.

Figures are ``Decimal`` (or ``int``); ``None`` is a missing figure. They are converted to
floats only to be drawn. Axis labels follow the active language ("1 000 €" / "€1,000").
Colours come from the Okabe-Ito palette (safe for colour-blind readers); lines also differ by
marker. matplotlib is used through ``Figure`` objects only (never pyplot), under a lock, as
matplotlib itself is not thread-safe.

``chart.png(dpi=150)`` draws the same chart again as PNG bytes, by the same code and in the
language it was built in, for documents that do not take SVG (Word).
"""

import hashlib
import io
import math
import re
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from xml.etree import ElementTree

import matplotlib
from defusedxml.ElementTree import fromstring as parse_xml
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from maillage.core.money import format_decimal, format_euros, format_hours, to_decimal

if "matplotlib.pyplot" not in sys.modules:  # never switch the backend under a pyplot user
    matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

# Okabe & Ito (2008), "Color Universal Design"; yellow last (weak contrast on white).
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#000000",  # black
    "#F0E442",  # yellow
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
KINDS = ("number", "count", "money", "hours")  # count: whole numbers ("3", not "3.00")
FIGURE_SIZE = (8.0, 4.5)  # inches; the SVG scales anyway
CHART_CACHE_SECONDS = 24 * 3600

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

_RENDER_LOCK = threading.Lock()
_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10,
    "svg.fonttype": "none",  # text stays text: sharp, selectable, smaller
    "text.parse_math": False,  # "$" in a label is a dollar sign, not TeX
    "text.usetex": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#444444",
    "axes.axisbelow": True,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#d9d9d9",
    "grid.linewidth": 0.8,
    "xtick.color": "#222222",
    "ytick.color": "#222222",
    "legend.frameon": False,
}

Figures = Sequence[Decimal | int | None]


@dataclass(frozen=True)
class ChartTable:
    """The plotted figures: one row per category, one column per series."""

    headers: tuple[str, ...]  # the category column's header, then each series' label
    rows: tuple[tuple[str, tuple[Decimal | None, ...]], ...]
    kind: str = "number"  # how the figures read: number, count, money or hours

    @property
    def display_rows(self) -> list[tuple[str, list[str]]]:
        """The rows with figures formatted in the active language ("—" when missing)."""
        return [
            (label, [_format_figure(v, self.kind) for v in values]) for label, values in self.rows
        ]


@dataclass(frozen=True)
class Drawing:
    """What a chart draws, kept so that it can be drawn again in another format (a PNG for
    Word, which does not take SVG), in the language it was built in."""

    chart_type: str
    labels: tuple[str, ...]
    data: tuple[tuple[str, tuple[Decimal | None, ...]], ...]
    kind: str
    value_label: str
    language: str | None
    y_range: tuple[float, float] | None = None  # a fixed value axis (e.g. a 1–5 scale)

    def draw(self, figure) -> None:
        axes = figure.add_subplot()
        data = dict(self.data)
        _DRAWERS[self.chart_type](axes, list(self.labels), data)
        _decorate(figure, axes, list(self.labels), data, self.kind, self.value_label)
        if self.y_range is not None:
            axes.set_ylim(*self.y_range)


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str
    table: ChartTable
    id: str
    drawing: Drawing | None = field(default=None, compare=False, repr=False)

    def png(self, *, dpi: int = 150) -> bytes:
        """The same chart as a PNG image (for DOCX documents), drawn by the same code."""
        if self.drawing is None:
            raise ValueError(f"Chart {self.id!r} keeps no drawing to render as PNG.")
        return _render(self.drawing, "png", salt=self.id, dpi=dpi)


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Figures],
    *,
    kind: str = "number",
    category_label: str | None = None,
    value_label: str = "",
    chart_id: str | None = None,
) -> Chart:
    """Grouped bars: one group per category, one bar per series."""
    return _chart("bar", title, categories, series, kind, category_label, value_label, chart_id)


def stacked_bar_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Figures],
    *,
    kind: str = "number",
    category_label: str | None = None,
    value_label: str = "",
    chart_id: str | None = None,
) -> Chart:
    """Stacked bars: one bar per category, one segment per series (negatives stack downwards)."""
    return _chart("stacked", title, categories, series, kind, category_label, value_label, chart_id)


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Mapping[str, Figures],
    *,
    kind: str = "number",
    category_label: str | None = None,
    value_label: str = "",
    chart_id: str | None = None,
    y_range: tuple[float, float] | None = None,
) -> Chart:
    """One line per series across ``x_labels`` (a missing figure leaves a gap); ``y_range``
    fixes the value axis (e.g. ``(1, 5)`` for scores)."""
    return _chart(
        "line", title, x_labels, series, kind, category_label, value_label, chart_id, y_range
    )


# --- Building ------------------------------------------------------------------------------


def _format_figure(value: Decimal | None, kind: str, places: int = 2) -> str:
    if kind == "count":
        places = 0
    if kind == "money":
        return format_euros(value, places)
    if kind == "hours":
        return format_hours(value)
    if value is None:
        return "—"
    return format_decimal(value, places)


def _chart(
    chart_type: str,
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Figures],
    kind: str,
    category_label: str | None,
    value_label: str,
    chart_id: str | None,
    y_range: tuple[float, float] | None = None,
) -> Chart:
    if kind not in KINDS:
        raise ValueError(f"Unknown chart kind {kind!r}: use one of {', '.join(KINDS)}.")
    title = str(title)
    labels = [str(category) for category in categories]
    data: dict[str, tuple[Decimal | None, ...]] = {}
    for name, values in series.items():
        values = list(values)
        if len(values) != len(labels):
            raise ValueError(
                f"Series {str(name)!r} has {len(values)} figures for {len(labels)} categories."
            )
        data[str(name)] = tuple(None if v is None else to_decimal(v) for v in values)
    table = ChartTable(
        headers=(str(category_label) if category_label is not None else _("Category"), *data),
        rows=tuple(
            (label, tuple(figures[index] for figures in data.values()))
            for index, label in enumerate(labels)
        ),
        kind=kind,
    )
    if chart_id is None:
        fingerprint = repr((chart_type, title, kind, str(value_label), table.headers, table.rows))
        chart_id = "chart-" + hashlib.sha256(fingerprint.encode()).hexdigest()[:10]
    description = _describe(chart_type, len(labels), len(data))
    drawing = Drawing(
        chart_type=chart_type,
        labels=tuple(labels),
        data=tuple(data.items()),
        kind=kind,
        value_label=str(value_label),
        language=translation.get_language(),
        y_range=y_range,
    )
    svg = _accessible_svg(_cached_svg(drawing, chart_id), chart_id, title, description)
    return Chart(title=title, svg=svg, table=table, id=chart_id, drawing=drawing)


def _render(drawing: Drawing, image_format: str, *, salt: str, dpi: int = 100) -> bytes:
    """Draw under the lock, in the drawing's language: SVG text or PNG bytes."""
    with (
        _RENDER_LOCK,
        matplotlib.rc_context({**_RC, "svg.hashsalt": salt}),
        translation.override(drawing.language),
    ):
        figure = Figure(figsize=FIGURE_SIZE, layout="constrained")
        drawing.draw(figure)
        buffer = io.BytesIO()
        if image_format == "svg":
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        else:
            figure.savefig(
                buffer, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white"
            )
    return buffer.getvalue()


def _cached_svg(drawing: "Drawing", chart_id: str) -> str:
    """matplotlib's SVG for the drawing, from the cache when the same chart was drawn before.

    Drawing costs ~100 ms and its output depends only on the drawing and its id (the output is
    deterministic), so the key is a digest of both; the cache is Django's default one (per
    process by default, shared with Redis or Memcached in production).
    """
    key = "chart-svg:" + hashlib.sha256(repr((drawing, chart_id)).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = _render(drawing, "svg", salt=chart_id).decode()
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return svg


def _describe(chart_type: str, categories: int, series: int) -> str:
    names = {"bar": _("Bar chart"), "stacked": _("Stacked bar chart"), "line": _("Line chart")}
    return _("%(chart)s: %(series)d series over %(categories)d categories.") % {
        "chart": names[chart_type],
        "series": series,
        "categories": categories,
    }


def _floats(values: Sequence[Decimal | None]) -> list[float]:
    return [math.nan if value is None else float(value) for value in values]


def _draw_bars(axes, labels, data) -> None:
    count = max(len(data), 1)
    width = 0.8 / count
    for index, (name, values) in enumerate(data.items()):
        offset = (index - (count - 1) / 2) * width
        axes.bar(
            [position + offset for position in range(len(labels))],
            [0.0 if math.isnan(v) else v for v in _floats(values)],
            width=width,
            label=_legend_label(name),
            color=PALETTE[index % len(PALETTE)],
            edgecolor="white",
            linewidth=0.5,
        )


def _legend_label(name: str) -> str:
    # matplotlib leaves out of the legend any label that starts with "_".
    return "\u200b" + name if name.startswith("_") else name


def _draw_stacked(axes, labels, data) -> None:
    above = [0.0] * len(labels)
    below = [0.0] * len(labels)
    for index, (name, values) in enumerate(data.items()):
        heights = [0.0 if math.isnan(v) else v for v in _floats(values)]
        bottoms = [above[i] if height >= 0 else below[i] for i, height in enumerate(heights)]
        axes.bar(
            range(len(labels)),
            heights,
            bottom=bottoms,
            width=0.6,
            label=_legend_label(name),
            color=PALETTE[index % len(PALETTE)],
            edgecolor="white",
            linewidth=0.5,
        )
        for i, height in enumerate(heights):
            if height >= 0:
                above[i] += height
            else:
                below[i] += height


def _draw_lines(axes, labels, data) -> None:
    for index, (name, values) in enumerate(data.items()):
        axes.plot(
            range(len(labels)),
            _floats(values),
            label=_legend_label(name),
            color=PALETTE[index % len(PALETTE)],
            marker=MARKERS[index % len(MARKERS)],
            linewidth=2,
            markersize=5,
        )


_DRAWERS = {"bar": _draw_bars, "stacked": _draw_stacked, "line": _draw_lines}


class _LocalisedFormatter(Formatter):
    """Tick labels in the active language, with as few decimals as the ticks need (≤ 2)."""

    def __init__(self, kind: str):
        self.kind = kind
        self.places = 0

    def set_locs(self, locs):
        super().set_locs(locs)
        self.places = 0
        for places in range(3):
            self.places = places
            if all(abs(loc * 10**places - round(loc * 10**places)) < 1e-6 for loc in locs):
                break

    def __call__(self, x, pos=None):
        value = Decimal(f"{x:.{self.places}f}")
        if value == 0:
            value = abs(value)
        if self.kind == "money":
            return format_euros(value, self.places)
        text = format_decimal(value, self.places)
        return f"{text}\u00a0h" if self.kind == "hours" else text


def _decorate(figure, axes, labels, data, kind, value_label) -> None:
    axes.set_xticks(range(len(labels)), labels=labels)
    if len(labels) > 6 or any(len(label) > 14 for label in labels):
        for tick in axes.get_xticklabels():
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")
    axes.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axes.yaxis.set_major_formatter(_LocalisedFormatter(kind))
    if value_label:
        axes.set_ylabel(value_label)
    figures = [value for values in data.values() for value in values if value is not None]
    if any(value < 0 for value in figures):
        axes.axhline(0, color="#222222", linewidth=0.8)
    if not figures:
        axes.set_ylim(0, 1)
    if len(data) > 1:
        figure.legend(loc="outside lower center", ncols=min(len(data), 4))


# --- SVG post-processing -------------------------------------------------------------------

_PROLOGUE_RE = re.compile(r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?", re.S)
_URL_REF_RE = re.compile(r"url\(#([^)]+)\)")


def _accessible_svg(raw: str, chart_id: str, title: str, description: str) -> str:
    root = parse_xml(_PROLOGUE_RE.sub("", raw))
    parents = {child: parent for parent in root.iter() for child in parent}

    # Metadata (the generator's name and version) and <style> go; styles become attributes.
    for element in list(root.iter()):
        tag = element.tag
        if tag == f"{{{SVG_NS}}}metadata":
            parents[element].remove(element)
        elif tag == f"{{{SVG_NS}}}style":
            for name, value in _declarations(re.sub(r"^[^{]*\{|\}\s*$", "", element.text or "")):
                root.set(name, value)
            parents[element].remove(element)
    for element in list(root.iter()):
        if element.tag == f"{{{SVG_NS}}}defs" and len(element) == 0:
            parents[element].remove(element)

    # Unique ids on a page with several charts: prefix them, and every reference to them.
    renamed = {}
    for element in root.iter():
        old = element.get("id")
        if old:
            renamed[old] = f"{chart_id}-{old}"
            element.set("id", renamed[old])
    href = f"{{{XLINK_NS}}}href"
    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            for name, value in _declarations(style):
                element.set(name, value)
        for name, value in list(element.attrib.items()):
            if name in (href, "href") and value.startswith("#") and value[1:] in renamed:
                element.set(name, "#" + renamed[value[1:]])
            elif "url(#" in value:
                element.set(
                    name, _URL_REF_RE.sub(lambda m: f"url(#{renamed.get(m[1], m[1])})", value)
                )

    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)
    root.set("id", chart_id)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title")
    root.set("aria-describedby", f"{chart_id}-desc")
    root.set("class", "chart-svg")
    root.set("preserveAspectRatio", "xMidYMid meet")
    title_element = ElementTree.Element(f"{{{SVG_NS}}}title", {"id": f"{chart_id}-title"})
    title_element.text = title
    desc_element = ElementTree.Element(f"{{{SVG_NS}}}desc", {"id": f"{chart_id}-desc"})
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    _plain_names(root)
    root.set("xmlns", SVG_NS)
    root.set("xmlns:xlink", XLINK_NS)
    ElementTree.indent(root, space="")
    return ElementTree.tostring(root, encoding="unicode")


def _plain_names(root) -> None:
    """Write SVG names without namespace prefixes (``path``, ``xlink:href``), as HTML expects.

    (ElementTree would otherwise invent ``ns0:`` prefixes, which HTML parsers do not read.)
    """
    svg_prefix = f"{{{SVG_NS}}}"
    xlink_prefix = f"{{{XLINK_NS}}}"
    for element in root.iter():
        if element.tag.startswith(svg_prefix):
            element.tag = element.tag[len(svg_prefix) :]
        for name in [name for name in element.attrib if name.startswith(xlink_prefix)]:
            element.set("xlink:" + name[len(xlink_prefix) :], element.attrib.pop(name))


def _declarations(css: str) -> list[tuple[str, str]]:
    """'fill: #fff; stroke-width: 0.8' → [("fill", "#fff"), ("stroke-width", "0.8")]."""
    pairs = []
    for declaration in css.split(";"):
        name, colon, value = declaration.partition(":")
        if colon and name.strip() and value.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs
