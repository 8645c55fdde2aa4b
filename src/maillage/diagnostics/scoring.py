"""The diagnostic's arithmetic, kept apart from the database so that it can be checked by hand.

- **Weight of a finding** = frequency (distinct sources: interviews and documents) × severity
  (1–5). A SWOT item weighs the sum of its findings' weights; items are ranked by weight.
- **Criticality of a dimension** (0–100): what is wrong with it, from two sides.
  *Findings part*: the weight of its weaknesses and threats, divided by the largest such weight
  among the dimensions (so the most burdened dimension scores 1). *Questionnaire part*:
  (5 − mean answer) ÷ 4, so 1 when everyone strongly disagrees that it works and 0 when
  everyone strongly agrees. Criticality = 100 × (0.6 × findings part + 0.4 × questionnaire
  part); without answers for the dimension, 100 × findings part.
- **Weighted score of a scenario** = Σ (weight × score) ÷ Σ weights over the criteria with a
  positive weight; a scenario missing a score on such a criterion has no weighted score.
- **Sensitivity**: each criterion's weight in turn is multiplied by 0.8 and by 1.2 (the others
  unchanged, then everything normalised again); the ranking *holds* when the order of the
  scenarios is the same.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FINDINGS_SHARE = Decimal("0.6")
QUESTIONNAIRE_SHARE = Decimal("0.4")
SENSITIVITY_FACTORS = (Decimal("0.8"), Decimal("1.2"))
CENT = Decimal("0.01")


def finding_weight(frequency: int, severity: int) -> int:
    return frequency * severity


def criticality(
    burden: Mapping[Hashable, int], mean_answers: Mapping[Hashable, Decimal | None]
) -> dict[Hashable, Decimal]:
    """Criticality (0–100, to the cent) of each dimension of `burden` (the weight of its
    weaknesses and threats); `mean_answers` gives its questionnaire mean, or None."""
    largest = max(burden.values(), default=0)
    result = {}
    for dimension, weight in burden.items():
        findings_part = Decimal(weight) / Decimal(largest) if largest else Decimal(0)
        mean = mean_answers.get(dimension)
        if mean is None:
            value = findings_part
        else:
            questionnaire_part = (Decimal(5) - Decimal(mean)) / Decimal(4)
            value = FINDINGS_SHARE * findings_part + QUESTIONNAIRE_SHARE * questionnaire_part
        result[dimension] = (Decimal(100) * value).quantize(CENT, rounding=ROUND_HALF_UP)
    return result


def weighted_scores(
    weights: Mapping[Hashable, Decimal], scores: Mapping[tuple[Hashable, Hashable], int]
) -> dict[Hashable, Decimal | None]:
    """Each scenario's weighted score (exact Decimal), None when a weighted criterion is not
    scored. `scores` maps (scenario, criterion) to 1–5; scenarios are those it names."""
    scenarios = list(dict.fromkeys(scenario for scenario, _criterion in scores))
    counted = {criterion: Decimal(w) for criterion, w in weights.items() if Decimal(w) > 0}
    total = sum(counted.values(), Decimal(0))
    result: dict[Hashable, Decimal | None] = {}
    for scenario in scenarios:
        if not counted or any((scenario, c) not in scores for c in counted):
            result[scenario] = None
            continue
        result[scenario] = (
            sum((w * scores[(scenario, c)] for c, w in counted.items()), Decimal(0)) / total
        )
    return result


def ranking(weighted: Mapping[Hashable, Decimal | None], order: list | None = None) -> list:
    """Scenarios with a weighted score, best first; ties keep `order` (else the mapping's)."""
    order = list(weighted) if order is None else order
    scored = [s for s in order if weighted.get(s) is not None]
    return sorted(scored, key=lambda s: -weighted[s])


@dataclass(frozen=True)
class Sensitivity:
    criterion: Hashable
    factor: Decimal
    ranking: list
    holds: bool
    top_holds: bool


def sensitivity(
    weights: Mapping[Hashable, Decimal],
    scores: Mapping[tuple[Hashable, Hashable], int],
    order: list | None = None,
) -> list[Sensitivity]:
    """What becomes of the ranking when each weight moves by −20 % and +20 %."""
    base = ranking(weighted_scores(weights, scores), order)
    results = []
    for criterion in weights:
        for factor in SENSITIVITY_FACTORS:
            moved = {c: Decimal(w) * (factor if c == criterion else 1) for c, w in weights.items()}
            new = ranking(weighted_scores(moved, scores), order)
            results.append(
                Sensitivity(
                    criterion=criterion,
                    factor=factor,
                    ranking=new,
                    holds=new == base,
                    top_holds=new[:1] == base[:1],
                )
            )
    return results


def rounded(value: Decimal | None) -> Decimal | None:
    """A score as shown: to the cent, half up."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)
