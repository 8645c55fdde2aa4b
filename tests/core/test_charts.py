"""Charts: accessible, deterministic SVG with the plotted figures as a table."""

import re
import threading
from decimal import Decimal

import pytest
from defusedxml.ElementTree import fromstring
from django.template.loader import render_to_string
from django.utils import translation

from maillage.core.charts import PALETTE, Chart, bar_chart, line_chart, stacked_bar_chart

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"
NNBSP = "\u202f"
NBSP = "\u00a0"

CATEGORIES = ["2023", "2024", "2025"]
SERIES = {
    "Budget": [D("12000.00"), D("15500.50"), D("9000")],
    "Réalisé": [D("11800.25"), None, D("-250.75")],
}
MAKERS = [bar_chart, line_chart, stacked_bar_chart]


def texts(chart: Chart) -> list[str]:
    return [element.text for element in fromstring(chart.svg).iter(f"{SVG}text")]


@pytest.mark.parametrize("make", MAKERS)
def test_svg_is_inline_ready_and_accessible(make):
    with translation.override("en"):
        chart = make("Budget & réalisé <2025>", CATEGORIES, SERIES, kind="money")
    assert chart.svg.startswith("<svg ")
    assert "<?xml" not in chart.svg
    assert "<!DOCTYPE" not in chart.svg
    root = fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert "width" not in root.attrib
    assert "height" not in root.attrib
    assert root.get("viewBox")
    title = root[0]
    assert title.tag == f"{SVG}title"
    assert title.text == "Budget & réalisé <2025>"
    assert root.get("aria-labelledby") == title.get("id")
    desc = root.find(f"{SVG}desc")
    assert root.get("aria-describedby") == desc.get("id")
    assert desc.text.endswith(": 2 series over 3 categories.")


@pytest.mark.parametrize("make", MAKERS)
def test_svg_renders_under_the_content_security_policy(make):
    # style-src 'self' blocks style attributes and <style> elements in inline SVG.
    chart = make("Budget", CATEGORIES, SERIES)
    root = fromstring(chart.svg)
    assert all("style" not in element.attrib for element in root.iter())
    assert root.find(f".//{SVG}style") is None
    assert root.find(f".//{SVG}metadata") is None
    fills = {element.get("fill", "").upper() for element in root.iter()}
    assert PALETTE[0] in fills  # the colours survived as presentation attributes


@pytest.mark.parametrize("make", MAKERS)
def test_ids_are_unique_and_references_resolve(make):
    first = make("Budget", CATEGORIES, SERIES)
    second = make("Hours", CATEGORIES, SERIES, kind="hours")
    ids_first = [e.get("id") for e in fromstring(first.svg).iter() if e.get("id")]
    ids_second = [e.get("id") for e in fromstring(second.svg).iter() if e.get("id")]
    assert len(set(ids_first)) == len(ids_first)
    assert not set(ids_first) & set(ids_second)  # two charts fit on one page
    assert all(i.startswith(first.id + "-") or i == first.id for i in ids_first)
    references = re.findall(r'(?:url\(#|href="#)([^)"]+)', first.svg)
    assert set(references) <= set(ids_first)


@pytest.mark.parametrize("make", MAKERS)
def test_output_is_identical_across_calls(make):
    one = make("Budget", CATEGORIES, SERIES, kind="money")
    two = make("Budget", CATEGORIES, SERIES, kind="money")
    assert one.svg == two.svg
    assert one == two
    other = make("Budget", CATEGORIES, {"Budget": [D(1), D(2), D(3)]}, kind="money")
    assert other.svg != one.svg


def test_table_holds_exactly_the_numbers_given():
    chart = bar_chart("Budget", CATEGORIES, SERIES, kind="money", category_label="Year")
    assert chart.table.headers == ("Year", "Budget", "Réalisé")
    assert chart.table.rows == (
        ("2023", (D("12000.00"), D("11800.25"))),
        ("2024", (D("15500.50"), None)),
        ("2025", (D("9000"), D("-250.75"))),
    )
    assert chart.table.kind == "money"
    with translation.override("fr"):
        assert chart.table.display_rows[0] == (
            "2023",
            [f"12{NNBSP}000,00{NBSP}€", f"11{NNBSP}800,25{NBSP}€"],
        )
        assert chart.table.display_rows[1][1][1] == "—"
    with translation.override("en"):
        assert chart.table.display_rows[2] == ("2025", ["€9,000.00", "-€250.75"])


def test_axis_labels_follow_the_active_language():
    series = {"Budget": [D("12000"), D("15000"), D("9000")]}
    with translation.override("fr"):
        french = texts(bar_chart("Budget", CATEGORIES, series, kind="money"))
    with translation.override("en"):
        english = texts(bar_chart("Budget", CATEGORIES, series, kind="money"))
    assert f"10{NNBSP}000{NBSP}€" in french
    assert "€10,000" in english
    with translation.override("en"):
        hours = texts(
            line_chart("Hours", ["Jan", "Feb"], {"A": [D("0.5"), D("1.5")]}, kind="hours")
        )
    # Ticks every 0.2 h: one decimal on every tick, no more.
    assert hours == ["Jan", "Feb", *(f"{v}{NBSP}h" for v in ("0.6", "0.8", "1.0", "1.2", "1.4"))]


def test_labels_are_text_not_markup_or_tex():
    chart = bar_chart(
        "Costs", ["<b>A&B</b>", "$x$ and $y$"], {"_private": [D(1), D(2)], "B": [3, 4]}
    )
    labels = texts(chart)
    assert "<b>A&B</b>" in labels
    assert "$x$ and $y$" in labels
    assert "<b>" not in chart.svg  # escaped in the markup
    assert any(label.endswith("_private") for label in labels)  # still in the legend


def test_stacked_bars_stack_negatives_downwards():
    chart = stacked_bar_chart("Balance", ["a", "b"], {"x": [D(1), D(-2)], "y": [D(3), D(-1)]})
    # The axis reaches the positive stack (1 + 3 = 4) and the negative one (-2 - 1 = -3).
    assert texts(chart) == ["a", "b", "-2", "0", "2", "4", "x", "y"]
    assert chart.table.rows == (("a", (D(1), D(3))), ("b", (D(-2), D(-1))))


def test_invalid_series_are_refused():
    with pytest.raises(ValueError, match="2 figures for 3 categories"):
        bar_chart("x", CATEGORIES, {"a": [D(1), D(2)]})
    with pytest.raises(ValueError, match="Floating-point"):
        bar_chart("x", ["a"], {"a": [0.5]})
    with pytest.raises(ValueError, match="Unknown chart kind"):
        bar_chart("x", ["a"], {"a": [D(1)]}, kind="percent")


def test_empty_chart_renders():
    chart = line_chart("Nothing yet", [], {})
    assert fromstring(chart.svg).find(f"{SVG}title").text == "Nothing yet"
    assert chart.table.rows == ()


def test_charts_render_safely_from_several_threads():
    results = []

    def render():
        results.append(bar_chart("Budget", CATEGORIES, SERIES).svg)

    threads = [threading.Thread(target=render) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    assert len(set(results)) == 1


def test_include_renders_figure_caption_and_table():
    chart = bar_chart("Budget par année", CATEGORIES, SERIES, kind="money", category_label="Année")
    with translation.override("fr"):
        html = render_to_string("includes/chart.html", {"chart": chart})
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert html.count("<figure") == 1
    assert chart.svg in html  # inlined as is, not escaped
    assert re.search(r"<figcaption[^>]*>Budget par année</figcaption>", html)
    assert "<details" in html
    assert re.search(r'<th scope="col"[^>]*>Réalisé</th>', html)
    assert '<th scope="row">2024</th>' in html
    assert f"15{NNBSP}500,50{NBSP}€" in html
    assert f"-250,75{NBSP}€" in html
    assert "—" in html


@pytest.mark.parametrize("make", MAKERS)
def test_png_draws_the_same_chart_for_word(make):
    from io import BytesIO

    from PIL import Image

    chart = make("Budget", CATEGORIES, SERIES, kind="money")
    png = chart.png(dpi=50)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(BytesIO(png))
    assert image.size == (400, 225)  # FIGURE_SIZE (8 × 4.5 in) at 50 dpi
    assert chart.png(dpi=50) == png  # deterministic
    assert len(chart.png(dpi=100)) > len(png)


def test_png_keeps_the_language_the_chart_was_built_in():
    series = {"Budget": [D("12000"), D("15000"), D("9000")]}
    with translation.override("fr"):
        french = bar_chart("Budget", CATEGORIES, series, kind="money")
        french_png = french.png(dpi=40)
    with translation.override("en"):
        english = bar_chart("Budget", CATEGORIES, series, kind="money")
        assert french.png(dpi=40) == french_png  # drawn in French under an English request
        assert english.png(dpi=40) != french_png


def test_png_needs_a_drawing():
    chart = Chart(title="Hand-made", svg="<svg/>", table=bar_chart("x", [], {}).table, id="c")
    with pytest.raises(ValueError, match="keeps no drawing"):
        chart.png()


def test_the_same_chart_is_drawn_once_then_read_from_the_cache(monkeypatch):
    from django.core.cache import cache

    from maillage.core import charts

    cache.clear()
    calls = []
    render = charts._render
    monkeypatch.setattr(charts, "_render", lambda *a, **k: calls.append(1) or render(*a, **k))
    first = charts.bar_chart("Cached", ["a", "b"], {"x": [Decimal(1), Decimal(2)]})
    second = charts.bar_chart("Cached", ["a", "b"], {"x": [Decimal(1), Decimal(2)]})
    assert first.svg == second.svg
    assert len(calls) == 1
    charts.bar_chart("Cached", ["a", "b"], {"x": [Decimal(1), Decimal(3)]})
    assert len(calls) == 2


def test_counts_read_as_whole_numbers():
    from maillage.core import charts

    chart = charts.bar_chart("Counts", ["a"], {"n": [Decimal(3)]}, kind="count")
    assert chart.table.display_rows == [("a", ["3"])]
