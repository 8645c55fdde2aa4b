"""The diagnostic's arithmetic on hand-computed cases (docs/diagnostics/README.md)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from maillage.diagnostics.scoring import (
    criticality,
    finding_weight,
    ranking,
    rounded,
    sensitivity,
    weighted_scores,
)

D = Decimal
WEIGHTS = {"mission": D(25), "efficiency": D(20), "finance": D(20), "culture": D(15),
           "feasibility": D(10), "cost": D(10)}  # fmt: skip
# Four scenarios scored 1–5 on the six criteria (columns in the order of WEIGHTS).
TABLE = {
    "status_quo": (2, 2, 3, 5, 5, 5),
    "integrated": (4, 4, 4, 4, 4, 3),
    "joint": (4, 5, 3, 3, 3, 2),
    "merger": (5, 5, 4, 1, 2, 1),
}
SCORES = {(s, c): v for s, row in TABLE.items() for c, v in zip(WEIGHTS, row, strict=True)}
ORDER = list(TABLE)


def test_weighted_scores_by_hand():
    # status quo: (2·25 + 2·20 + 3·20 + 5·15 + 5·10 + 5·10) / 100 = 325 / 100
    # integrated: (100 + 80 + 80 + 60 + 40 + 30) / 100 = 3.90
    # joint: (100 + 100 + 60 + 45 + 30 + 20) / 100 = 3.55
    # merger: (125 + 100 + 80 + 15 + 20 + 10) / 100 = 3.50
    scores = weighted_scores(WEIGHTS, SCORES)
    assert scores == {
        "status_quo": D("3.25"),
        "integrated": D("3.9"),
        "joint": D("3.55"),
        "merger": D("3.5"),
    }
    assert ranking(scores, ORDER) == ["integrated", "joint", "merger", "status_quo"]


def test_weights_are_normalised_and_zero_weights_ignored():
    doubled = {c: w * 2 for c, w in WEIGHTS.items()}
    assert weighted_scores(doubled, SCORES) == weighted_scores(WEIGHTS, SCORES)
    partial = {"mission": D(1), "cost": D(0)}
    missing_cost = {k: v for k, v in SCORES.items() if k[1] != "cost"}
    assert weighted_scores(partial, missing_cost)["merger"] == D(5)


def test_a_scenario_missing_a_weighted_score_has_none_and_is_not_ranked():
    scores = dict(SCORES)
    del scores[("merger", "culture")]
    weighted = weighted_scores(WEIGHTS, scores)
    assert weighted["merger"] is None
    assert ranking(weighted, ORDER) == ["integrated", "joint", "status_quo"]


def test_sensitivity_by_hand():
    results = {(r.criterion, r.factor): r for r in sensitivity(WEIGHTS, SCORES, ORDER)}
    assert len(results) == 12
    # Mission +20 %: weights 30/20/20/15/10/10 (total 105). joint = (120+100+60+45+30+20)/105
    # = 375/105 ≈ 3.571; merger = (150+100+80+15+20+10)/105 = 375/105: a tie, kept in the
    # given order (joint before merger); integrated 390/105 stays first: the ranking holds.
    assert results[("mission", D("1.2"))].holds
    # Culture −20 %: weights 25/20/20/12/10/10 (total 97). joint = (100+100+60+36+30+20)/97
    # = 346/97 ≈ 3.567; merger = (125+100+80+12+20+10)/97 = 347/97 ≈ 3.577: merger passes
    # joint, the ranking does not hold but the top (integrated, 378/97) does.
    culture = results[("culture", D("0.8"))]
    assert culture.ranking == ["integrated", "merger", "joint", "status_quo"]
    assert not culture.holds and culture.top_holds


def test_a_score_on_the_half_cent_is_rounded_up():
    assert rounded(D("1.625")) == D("1.63")
    assert rounded(D("3.255")) == D("3.26")


def test_criticality_by_hand():
    burden = {"governance": 24, "cultures": 12, "systems": 0}
    means = {"governance": D("2"), "cultures": None, "systems": D("4.5")}
    # governance: 0.6 × 24/24 + 0.4 × (5 − 2)/4 = 0.6 + 0.3 = 0.9 → 90.00
    # cultures: no answers: 12/24 = 0.5 → 50.00
    # systems: 0.6 × 0 + 0.4 × 0.5/4 = 0.05 → 5.00
    assert criticality(burden, means) == {
        "governance": D("90.00"),
        "cultures": D("50.00"),
        "systems": D("5.00"),
    }
    assert criticality({"a": 0}, {}) == {"a": D("0.00")}


@given(
    frequency=st.integers(min_value=0, max_value=50),
    severity=st.integers(min_value=1, max_value=5),
)
def test_finding_weight_grows_with_frequency_and_severity(frequency, severity):
    assert finding_weight(frequency, severity) <= finding_weight(frequency + 1, severity)
    if severity < 5:
        assert finding_weight(frequency, severity) <= finding_weight(frequency, severity + 1)


@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c", "d"]),
        st.integers(min_value=1, max_value=5),
        min_size=1,
    ),
    st.lists(st.integers(min_value=0, max_value=100), min_size=3, max_size=3),
)
def test_weighted_score_stays_within_the_scale(row, weights):
    criteria = list(row)
    weight_map = {c: D(weights[i % 3]) for i, c in enumerate(criteria)}
    score = weighted_scores(weight_map, {("s", c): v for c, v in row.items()})["s"]
    if all(w == 0 for w in weight_map.values()):
        assert score is None
    else:
        assert D(1) <= score <= D(5)
        # Shown to the cent, half up: never more than half a cent away, and 1.625 gives 1.63.
        assert abs(rounded(score) - score) <= D("0.005")
        assert rounded(score) == score.quantize(D("0.01"), rounding="ROUND_HALF_UP")
