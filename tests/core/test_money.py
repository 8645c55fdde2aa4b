"""Money: parsing, rounding, largest-remainder allocation and display filters."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from maillage.core.money import (
    EURO_CENT,
    allocate,
    format_decimal,
    round_euro,
    round_hours,
    to_decimal,
)
from maillage.core.templatetags.maillage_format import euros, hours

D = Decimal
NNBSP = "\u202f"  # narrow no-break space: French thousands separator
NBSP = "\u00a0"  # no-break space: before "€" and "h"


@pytest.fixture(autouse=True)
def english_messages():
    # Error messages are asserted in English; they will be translated to French later.
    with translation.override("en"):
        yield


# --- Strategies and oracle -----------------------------------------------------------------

cents = st.integers(min_value=-(10**12), max_value=10**12)
totals = cents.map(lambda c: D(c) * EURO_CENT)
int_weights = st.integers(min_value=0, max_value=10**6)
decimal_weights = st.builds(
    lambda n, places: D(n).scaleb(-places),
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=0, max_value=4),
)
weight_lists = st.lists(st.one_of(int_weights, decimal_weights), min_size=1, max_size=15).filter(
    lambda ws: sum(ws) > 0
)


def exact_shares(total: Decimal, weights) -> list[Fraction]:
    """The exact shares, in cents, as fractions (an oracle independent of the code)."""
    total_cents = Fraction(total) * 100
    weight_sum = sum(Fraction(w) for w in weights)
    return [total_cents * Fraction(w) / weight_sum for w in weights]


def in_cents(part: Decimal) -> int:
    value = part * 100
    assert value == int(value)
    return int(value)


# --- Properties ----------------------------------------------------------------------------


@given(total=totals, weights=weight_lists)
def test_parts_are_cents_that_sum_to_the_total_exactly(total, weights):
    parts = allocate(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts) == total
    assert all(part.as_tuple().exponent == -2 for part in parts)


@given(total=totals, weights=weight_lists)
def test_each_part_is_within_a_cent_of_its_exact_share(total, weights):
    parts = allocate(total, weights)
    for part, share in zip(parts, exact_shares(total, weights), strict=True):
        assert abs(Fraction(in_cents(part)) - share) < 1


@given(total=totals, weights=weight_lists)
def test_zero_weights_get_zero(total, weights):
    parts = allocate(total, [*weights, 0])
    assert parts[-1] == 0
    assert all(part == 0 for part, weight in zip(parts[:-1], weights, strict=True) if weight == 0)


@given(total=totals, weights=weight_lists)
def test_a_negative_total_is_split_like_its_opposite(total, weights):
    assert allocate(-total, weights) == [-part for part in allocate(total, weights)]


@given(total=totals, weights=weight_lists)
def test_leftover_cents_go_to_the_largest_remainders_then_to_the_earliest(total, weights):
    parts = allocate(total, weights)
    shares = [abs(share) for share in exact_shares(total, weights)]
    remainders = [share - int(share) for share in shares]
    got_one = [abs(in_cents(part)) - int(share) for part, share in zip(parts, shares, strict=True)]
    assert set(got_one) <= {0, 1}
    for i, gi in enumerate(got_one):
        for j, gj in enumerate(got_one):
            if gi and not gj:
                # i got a leftover cent and j did not: i's remainder is larger, or equal and
                # i comes first.
                assert remainders[i] > remainders[j] or (remainders[i] == remainders[j] and i < j)


@given(total=totals, weights=weight_lists, data=st.data())
def test_order_of_the_weights_does_not_matter_except_between_ties(total, weights, data):
    permutation = data.draw(st.permutations(range(len(weights))))
    parts = allocate(total, weights)
    permuted = allocate(total, [weights[i] for i in permutation])
    shares = [abs(share) for share in exact_shares(total, weights)]
    remainders = [share - int(share) for share in shares]
    bonus = [abs(in_cents(p)) - int(s) for p, s in zip(parts, shares, strict=True)]
    permuted_bonus = {
        original: abs(in_cents(permuted[position])) - int(shares[original])
        for position, original in enumerate(permutation)
    }
    for remainder in set(remainders):
        tied = [i for i, r in enumerate(remainders) if r == remainder]
        if len(tied) == 1:
            # No tie: the same weight gets exactly the same part.
            assert bonus[tied[0]] == permuted_bonus[tied[0]]
        else:
            # A tie: the same number of leftover cents go to the tied weights.
            assert sum(bonus[i] for i in tied) == sum(permuted_bonus[i] for i in tied)


@given(
    total=totals,
    weights=st.lists(int_weights, min_size=1, max_size=12),
    factor=st.integers(1, 1000),
)
def test_scaling_the_weights_or_writing_them_as_decimals_changes_nothing(total, weights, factor):
    assume(sum(weights) > 0)
    parts = allocate(total, weights)
    assert allocate(total, [w * factor for w in weights]) == parts
    assert allocate(total, [D(w).scaleb(-2) for w in weights]) == parts


# --- Hand-computed cases -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (D("100.00"), [1, 1, 1], ["33.34", "33.33", "33.33"]),
        (D("-100.00"), [1, 1, 1], ["-33.34", "-33.33", "-33.33"]),
        (D("0.01"), [1, 1, 1], ["0.01", "0.00", "0.00"]),
        (D("0.05"), [1, 1, 1], ["0.02", "0.02", "0.01"]),
        (D("10.00"), [1, 2], ["3.33", "6.67"]),
        # 1.00 over 3:3:1 is 42.857…, 42.857…, 14.285…: the two larger remainders win.
        (D("1.00"), [3, 3, 1], ["0.43", "0.43", "0.14"]),
        # 1.00 over 1:1:5 is 14.28…, 14.28…, 71.42… (remainders 2/7, 2/7, 3/7): the last wins.
        (D("1.00"), [1, 1, 5], ["0.14", "0.14", "0.72"]),
        (D("1000.00"), [0, 1, 0], ["0.00", "1000.00", "0.00"]),
        (D("0"), [2, 3], ["0.00", "0.00"]),
        (5, [1, 1], ["2.50", "2.50"]),
        (D("1.230"), [D("0.5"), D("1.25"), 3], ["0.13", "0.32", "0.78"]),
        (D("25000.00"), [D("7.5"), D("7.5"), D("10")], ["7500.00", "7500.00", "10000.00"]),
    ],
)
def test_hand_computed_allocations(total, weights, expected):
    parts = allocate(total, weights)
    assert parts == [D(e) for e in expected]
    assert [str(p) for p in parts] == expected


@pytest.mark.parametrize(
    ("total", "weights", "error", "message"),
    [
        (D("1.001"), [1, 1], ValueError, "at most 2 decimal places"),
        (D("NaN"), [1], ValueError, "finite"),
        (D("Infinity"), [1], ValueError, "finite"),
        (D("1E+30"), [1], ValueError, "too large"),
        (1.5, [1], TypeError, "Decimal or an int, not float"),
        ("10.00", [1], TypeError, "not str"),
        (D("10"), [], ValueError, "At least one weight"),
        (D("10"), [0, 0], ValueError, "add up to zero"),
        (D("10"), [1, -1], ValueError, "Weight #2 is negative"),
        (D("10"), [1, D("-0.5")], ValueError, "Weight #2 is negative"),
        (D("10"), [1.5], TypeError, "Weight #1 must be a Decimal or an int, not float"),
        (D("10"), [1, True], TypeError, "Weight #2 must be a Decimal or an int, not bool"),
        (D("10"), [D("NaN")], ValueError, "Weight #1 is not a finite number"),
        (D("10"), [D("Infinity")], ValueError, "Weight #1 is not a finite number"),
        (D("10"), [1, D("sNaN")], ValueError, "Weight #2 is not a finite number"),
        (D("10"), [1, "2"], TypeError, "Weight #2 must be a Decimal or an int, not str"),
    ],
)
def test_invalid_allocations_are_refused_with_a_message(total, weights, error, message):
    with pytest.raises(error, match=message):
        allocate(total, weights)


def test_weights_may_mix_ints_and_decimals_with_many_places_or_come_from_a_generator():
    # 1 : 0.125 : 0.875 is 8 : 1 : 7.
    assert allocate(D("16.00"), [1, D("0.125"), D("0.875")]) == [D("8.00"), D("1.00"), D("7.00")]
    assert allocate(D("16.00"), (w for w in [8, 1, 7])) == [D("8.00"), D("1.00"), D("7.00")]


def test_a_total_with_trailing_zeros_past_the_cent_is_accepted():
    assert allocate(D("10.000"), [1, 1]) == [D("5.00"), D("5.00")]


# --- Parsing and rounding ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("1\u2009234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1234,56", "1234.56"),
        ("-1 234,56", "-1234.56"),
        ("\u22121\u202f234,5", "-1234.5"),
        ("+3", "3"),
        ("  42  ", "42"),
        ("0,5", "0.5"),
        ("1 234 567", "1234567"),
        ("007", "7"),
        ("-0,00", "0"),
    ],
)
def test_to_decimal_reads_french_and_plain_numbers(text, expected):
    assert to_decimal(text) == D(expected)


def test_to_decimal_keeps_decimals_and_ints():
    value = D("12.345")
    assert to_decimal(value) is value
    assert to_decimal(7) == D(7)
    assert isinstance(to_decimal(7), Decimal)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "is not a number"),
        ("1,234.56", "mixes"),
        ("1.234,56", "mixes"),
        ("12 34", "is not a number"),
        ("1234 567", "is not a number"),
        ("1e5", "is not a number"),
        ("1,2,3", "is not a number"),
        (",5", "is not a number"),
        ("5,", "is not a number"),
        ("--1", "is not a number"),
        ("1 234,56 €", "is not a number"),
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
        ("\u0661\u0662", "is not a number"),  # Arabic-Indic digits
        (1.5, "Floating-point number 1.5 refused"),
        (True, "boolean"),
        (None, "type NoneType"),
        ([1], "type list"),
        (D("NaN"), "not a finite number"),
        (D("-Infinity"), "not a finite number"),
    ],
)
def test_to_decimal_refuses_floats_and_garbage_saying_why(value, message):
    with pytest.raises(ValueError, match=message):
        to_decimal(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("0.005"), "0.01"),
        (D("-0.005"), "-0.01"),
        (D("2.675"), "2.68"),  # a float would give 2.67
        (D("1.004"), "1.00"),
        (D("-1.006"), "-1.01"),
        ("1 234,565", "1234.57"),
        (3, "3.00"),
    ],
)
def test_round_euro_rounds_half_up_to_the_cent(value, expected):
    rounded = round_euro(value)
    assert rounded == D(expected)
    assert str(rounded) == expected


def test_round_hours_rounds_half_up_to_two_places():
    assert str(round_hours(D("7.125"))) == "7.13"
    assert str(round_hours(D("7.124"))) == "7.12"
    assert str(round_hours(8)) == "8.00"


def test_rounding_refuses_floats():
    with pytest.raises(ValueError, match="Floating-point"):
        round_euro(0.1)
    with pytest.raises(ValueError, match="Floating-point"):
        round_hours(0.1)


# --- Display -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [
        (D("1234.56"), f"1{NNBSP}234,56{NBSP}€", "€1,234.56"),
        (D("-1234.56"), f"-1{NNBSP}234,56{NBSP}€", "-€1,234.56"),
        (D("1234567.891"), f"1{NNBSP}234{NNBSP}567,89{NBSP}€", "€1,234,567.89"),
        (D("999.99"), f"999,99{NBSP}€", "€999.99"),
        (D("0.005"), f"0,01{NBSP}€", "€0.01"),
        (D("-0.001"), f"0,00{NBSP}€", "€0.00"),
        (5, f"5,00{NBSP}€", "€5.00"),
        (None, "—", "—"),
    ],
)
def test_euros_filter_follows_the_active_language(value, french, english):
    with translation.override("fr"):
        assert euros(value) == french
    with translation.override("en"):
        assert euros(value) == english


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [
        (D("7.5"), f"7,50{NBSP}h", f"7.50{NBSP}h"),
        (D("1234.125"), f"1{NNBSP}234,13{NBSP}h", f"1,234.13{NBSP}h"),
        (D("-2"), f"-2,00{NBSP}h", f"-2.00{NBSP}h"),
        (None, "—", "—"),
    ],
)
def test_hours_filter_follows_the_active_language(value, french, english):
    with translation.override("fr"):
        assert hours(value) == french
    with translation.override("en"):
        assert hours(value) == english


def test_filters_are_loadable_in_templates():
    template = Template(
        "{% load maillage_format %}{{ amount|euros }} / {{ duration|hours }} / "
        "{{ missing|euros }} / {{ ratio|number:1 }} / {{ amount|figure:'money' }}"
    )
    context = Context(
        {"amount": D("-98765.4"), "duration": D("35"), "missing": None, "ratio": D("12.25")}
    )
    with translation.override("fr"):
        assert template.render(context) == (
            f"-98{NNBSP}765,40{NBSP}€ / 35,00{NBSP}h / — / 12,3 / -98{NNBSP}765,40{NBSP}€"
        )
    with translation.override("en"):
        assert template.render(context) == "-€98,765.40 / 35.00\xa0h / — / 12.3 / -€98,765.40"


def test_format_decimal_without_grouping():
    with translation.override("fr"):
        assert format_decimal(D("1234.5"), 1, grouping=False) == "1234,5"
        assert format_decimal(D("1234.5"), 0) == f"1{NNBSP}235"
