"""The roll-up: each aggregation on a hand-computed case, then properties over any readings."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from maillage.impact import periods
from maillage.impact.rollup import (
    Reading,
    combine,
    combine_range,
    progress,
    series,
    target_aggregation,
)

D = Decimal
Q = [periods.quarter(2025, n) for n in (1, 2, 3, 4)]


def r(subject, quarter, value, numerator=None, denominator=None, order=0):
    start, end = Q[quarter - 1]
    return Reading(subject, start, end, value, numerator, denominator, order)


# Two subjects over three quarters; B did not measure in Q2.
CASE = [
    r("workspace", 1, D(10), D(3), D(4)),
    r("workspace", 2, D(20), D(1), D(2)),
    r("workspace", 3, D(30), D(9), D(10)),
    r("actor:7", 1, D(5), D(1), D(4)),
    r("actor:7", 2, None),
    r("actor:7", 3, D(7), D(5), D(6)),
]


def test_sum_adds_subjects_and_periods():
    result = combine("sum", CASE)
    assert result.value == D(72)
    assert (result.readings, result.subjects, result.not_measured) == (5, 2, 1)


def test_average_is_the_mean_of_the_measured_values():
    assert combine("average", CASE).value == D("14.4000")  # 72 / 5


def test_latest_is_the_most_recent_reading_not_a_sum():
    # Q3 has two readings; the later-recorded one wins (order), never 30 + 7.
    readings = [*CASE[:2], r("workspace", 3, D(30), order=1), r("actor:7", 3, D(7), order=2)]
    assert combine("latest", readings).value == D(7)


def test_cumulative_takes_each_subjects_last_total_and_never_adds_periods():
    # workspace reached 30, actor:7 reached 7: 37 (not 10+20+30+5+7).
    assert combine("cumulative", CASE).value == D(37)


def test_cumulative_carries_a_total_forward_over_a_period_without_reading():
    figures = series("cumulative", CASE, Q[:3])
    # Q2: workspace 20, actor:7 did not report (not measured) so its Q1 total of 5 stands.
    assert [f.value for f in figures] == [D(15), D(25), D(37)]
    # Q4: nobody reported; the totals reached stand.
    assert series("cumulative", CASE, [Q[3]])[0].value == D(37)
    # The other aggregations show nothing for a period without readings.
    assert series("sum", CASE, [Q[3]])[0].value is None


def test_ratio_divides_the_sums_never_averages_the_ratios():
    result = combine("ratio", CASE, percentage=True)
    # (3+1+9+1+5) / (4+2+10+4+6) = 19 / 26
    assert (result.numerator, result.denominator) == (D(19), D(26))
    assert result.value == D("73.0769")
    assert combine("ratio", CASE).value == D("0.7308")


def test_range_counts_a_reading_where_its_period_ends():
    assert combine_range("sum", CASE, date(2025, 4, 1), date(2025, 9, 30)).value == D(57)
    # A running total before the range still counts: it is what was reached.
    assert combine_range("cumulative", CASE, date(2025, 7, 1), date(2025, 9, 30)).value == D(37)


def test_targets_of_a_ratio_combine_as_their_average():
    assert target_aggregation("ratio") == "average"
    assert target_aggregation("cumulative") == "cumulative"


def test_progress_follows_the_direction():
    assert progress(D(12), D(10), "increase").status == "met"
    assert progress(D(12), D(10), "increase").percent == D(120)
    assert progress(D(12), D(10), "decrease").status == "behind"
    assert progress(D(8), D(10), "decrease").status == "met"
    assert progress(D(8), D(10), "none").status == "neutral"
    assert progress(None, D(10), "increase") is None
    assert progress(D(3), D(0), "increase").percent is None


# --- properties -------------------------------------------------------------------------------

values = st.decimals(min_value=-1000, max_value=100_000, places=2, allow_nan=False)
positive = st.decimals(min_value=D("0.01"), max_value=100_000, places=2, allow_nan=False)
subjects = st.sampled_from(["workspace", "actor:1", "actor:2", "project:3"])
quarters = st.integers(min_value=1, max_value=4)


@st.composite
def readings(draw, min_size=0):
    found = []
    for number in range(draw(st.integers(min_value=min_size, max_value=25))):
        numerator = draw(positive)
        denominator = draw(positive)
        found.append(
            r(
                draw(subjects),
                draw(quarters),
                draw(st.one_of(values, st.none())),
                numerator,
                denominator,
                order=number,
            )
        )
    return found


def _shuffled(items, seed):
    import random

    copy = list(items)
    random.Random(seed).shuffle(copy)
    return copy


@given(readings(), st.integers())
def test_the_order_of_the_readings_never_matters(found, seed):
    for aggregation in ("sum", "average", "latest", "cumulative", "ratio"):
        assert combine(aggregation, found) == combine(aggregation, _shuffled(found, seed))


@given(readings(), readings())
def test_sums_roll_up_from_parts(first, second):
    """The workspace's sum is the sum of its subjects' (or any partition's) sums."""
    whole = combine("sum", first + second).value
    parts = [combine("sum", part).value for part in (first, second)]
    known = [p for p in parts if p is not None]
    expected = sum(known, D(0)) if known else None
    if whole is None:
        assert all(p is None for p in parts)
    else:
        assert whole == expected


@given(readings(min_size=1))
def test_average_lies_between_the_smallest_and_largest_value(found):
    measured = [x.value for x in found if x.value is not None]
    result = combine("average", found).value
    if not measured:
        assert result is None
    else:
        assert min(measured) - D("0.0001") <= result <= max(measured) + D("0.0001")


@given(readings(min_size=1))
def test_latest_is_one_of_the_values_of_the_last_period(found):
    measured = [x for x in found if x.value is not None]
    result = combine("latest", found).value
    if not measured:
        assert result is None
        return
    last_end = max(x.end for x in measured)
    assert result in {x.value for x in measured if x.end == last_end}


@given(readings(min_size=1))
def test_cumulative_is_the_sum_of_each_subjects_last_total(found):
    measured = [x for x in found if x.value is not None]
    result = combine("cumulative", found).value
    last = {}
    for x in sorted(measured, key=lambda x: (x.end, x.start, x.order, x.subject)):
        last[x.subject] = x.value
    assert result == (sum(last.values(), D(0)) if last else None)


@given(readings(min_size=1), st.integers(min_value=0, max_value=3))
def test_an_earlier_running_total_never_changes_the_cumulative(found, quarter):
    """Adding, for a subject, a reading older than its latest never changes the total."""
    measured = [x for x in found if x.value is not None]
    before = combine("cumulative", found).value
    if not measured:
        return
    newest = max(measured, key=lambda x: x.recency)
    if newest.start == Q[0][0]:
        return
    older = Reading(newest.subject, Q[0][0], Q[0][1], D(999_999), order=-1)
    assert combine("cumulative", [*found, older]).value == before


@given(readings(min_size=1))
def test_ratio_lies_between_the_smallest_and_largest_ratio(found):
    """Σn / Σd (the mediant) is never outside the individual ratios: never their average."""
    parts = [x.numerator / x.denominator for x in found]
    result = combine("ratio", found).value
    assert min(parts) - D("0.0001") <= result <= max(parts) + D("0.0001")


@given(readings())
def test_a_sum_over_the_year_is_the_sum_of_its_quarters(found):
    year = combine_range("sum", found, date(2025, 1, 1), date(2025, 12, 31)).value
    quarters_ = [f.value for f in series("sum", found, Q)]
    known = [v for v in quarters_ if v is not None]
    assert year == (sum(known, D(0)) if known else None)


@given(readings())
def test_not_measured_readings_are_counted_apart(found):
    result = combine("sum", found)
    assert result.not_measured == sum(1 for x in found if x.value is None)
    assert result.readings == len(found) - result.not_measured
