"""The retro-planning's Gantt geometry (core.gantt): dates → x positions, ordering by
axis then date, statuses, the empty case and one-day milestones."""

import datetime
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from maillage.core import gantt

D = datetime.date
TODAY = D(2026, 3, 15)


def ms(name, due, start=None, done_on=None, axis_id=None, pk=None, owner=""):
    return SimpleNamespace(
        name=name,
        start_date=start,
        due_date=due,
        done_on=done_on,
        axis_id=axis_id,
        pk=pk,
        owner=owner,
    )


def axis(pk, name):
    return SimpleNamespace(pk=pk, name=name)


def test_empty_chart_has_no_rows_and_no_today_line():
    chart = gantt.build([], TODAY)
    assert chart.empty
    assert chart.bars == []
    assert chart.today_x is None
    assert chart.start is None and chart.end is None
    assert chart.height > 0 and chart.width > 0


def test_dates_map_linearly_to_x():
    # 100 days from 1 Jan to 10 Apr 2026, 700 units wide: 7 units a day.
    chart = gantt.build(
        [ms("Kick-off", D(2026, 1, 1)), ms("Pilot", D(2026, 4, 10), start=D(2026, 2, 20))],
        TODAY,
        width=700,
    )
    assert (chart.start, chart.end) == (D(2026, 1, 1), D(2026, 4, 10))
    kickoff, pilot = chart.bars
    assert kickoff.x == gantt.LABEL_WIDTH
    assert kickoff.width == 7  # a one-day milestone is one day wide
    assert pilot.x == gantt.LABEL_WIDTH + 50 * 7
    assert pilot.width == 50 * 7  # 20 Feb → 10 Apr, both included
    assert pilot.x + pilot.width == gantt.LABEL_WIDTH + 700  # the last day ends the chart
    assert chart.today_x == gantt.LABEL_WIDTH + 73 * 7


def test_single_one_day_milestone_fills_the_chart():
    chart = gantt.build([ms("Signature", D(2026, 5, 4), start=D(2026, 5, 4))], TODAY, width=500)
    (bar,) = chart.bars
    assert bar.x == gantt.LABEL_WIDTH
    assert bar.width == 500
    assert bar.days == 1
    assert chart.today_x is None  # today is outside the chart


def test_statuses_done_late_upcoming():
    chart = gantt.build(
        [
            ms("Done late", D(2026, 1, 10), done_on=D(2026, 2, 1)),
            ms("Late", D(2026, 3, 14)),
            ms("Due today", TODAY),
            ms("Later", D(2026, 6, 1)),
        ],
        TODAY,
    )
    statuses = {bar.name: bar.status for bar in chart.bars}
    assert statuses == {
        "Done late": gantt.DONE,
        "Late": gantt.LATE,
        "Due today": gantt.UPCOMING,
        "Later": gantt.UPCOMING,
    }
    assert {bar.fill for bar in chart.bars} == set(gantt.COLOURS.values())


def test_rows_grouped_by_axis_in_axis_order_then_by_date():
    axes = [axis(2, "Communication"), axis(1, "Production")]
    chart = gantt.build(
        [
            ms("P late", D(2026, 5, 1), axis_id=1),
            ms("C", D(2026, 2, 1), axis_id=2),
            ms("Loose", D(2026, 1, 1)),
            ms("P early", D(2026, 3, 1), start=D(2026, 1, 15), axis_id=1),
            ms("Foreign axis", D(2026, 2, 2), axis_id=99),
        ],
        TODAY,
        axes=axes,
    )
    assert [g.name for g in chart.groups] == ["Communication", "Production", ""]
    assert [[b.name for b in g.bars] for g in chart.groups] == [
        ["C"],
        ["P early", "P late"],
        ["Foreign axis", "Loose"][::-1],
    ]
    ys = [bar.y for bar in chart.bars]
    assert ys == sorted(ys)  # rows go down in reading order
    assert chart.bars[1].axis_name == "Production"


def test_one_day_milestone_on_a_long_chart_stays_visible_inside():
    chart = gantt.build([ms("Start", D(2026, 1, 1)), ms("End", D(2026, 12, 31))], TODAY, width=365)
    first, last = chart.bars
    assert first.width == last.width == gantt.MIN_WIDTH
    assert first.x == gantt.LABEL_WIDTH
    assert last.x + last.width == gantt.LABEL_WIDTH + 365


def test_month_ticks_are_month_starts_and_thinned():
    ticks = gantt.month_starts(D(2026, 1, 15), D(2026, 4, 2))
    assert ticks == [D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)]
    assert gantt.month_starts(D(2026, 1, 1), D(2026, 1, 20)) == [D(2026, 1, 1)]
    assert gantt.month_starts(D(2026, 1, 3), D(2026, 1, 20)) == [D(2026, 1, 3)]
    three_years = gantt.month_starts(D(2026, 1, 1), D(2028, 12, 31))
    assert len(three_years) <= gantt.MAX_TICKS
    assert three_years[0] == D(2026, 1, 1)


dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))


@given(st.lists(st.tuples(dates, st.integers(0, 400), st.booleans()), min_size=1, max_size=12))
def test_bars_stay_inside_the_chart(rows):
    milestones = [
        ms(f"m{i}", start + datetime.timedelta(days=length), start=start if ranged else None)
        for i, (start, length, ranged) in enumerate(rows)
    ]
    chart = gantt.build(milestones, TODAY, width=600)
    right = gantt.LABEL_WIDTH + 600
    for bar in chart.bars:
        assert bar.x >= gantt.LABEL_WIDTH - 0.01
        assert bar.width > 0
        assert bar.x + bar.width <= right + 0.05
        assert bar.y + gantt.BAR_HEIGHT <= chart.height
    assert len(chart.bars) == len(milestones)
