"""Reads of the scenario analysis: the grid, the weighted scores and ranking, the sensitivity
(all computed by `scoring.py`, never here)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from maillage.core.charts import bar_chart

from .. import scoring
from ..models import Criterion, Engagement, Scenario, ScenarioScore


@dataclass
class SensitivityRow:
    criterion: Criterion
    factor: Decimal
    weight: Decimal
    ranking: list
    holds: bool
    top_holds: bool

    @property
    def percent(self) -> int:
        return int((self.factor - 1) * 100)


def scenarios(engagement: Engagement) -> list[Scenario]:
    return list(engagement.scenarios.order_by("position", "id"))


def criteria(engagement: Engagement) -> list[Criterion]:
    return list(engagement.criteria.order_by("position", "id"))


def scores(engagement: Engagement) -> dict[tuple[int, int], ScenarioScore]:
    return {
        (s.scenario_id, s.criterion_id): s
        for s in ScenarioScore.objects.filter(scenario__engagement=engagement)
    }


def analysis(engagement: Engagement) -> dict:
    """Everything the scenarios page shows."""
    scenario_list = scenarios(engagement)
    criterion_list = criteria(engagement)
    cells = scores(engagement)
    weights = {c.pk: c.weight for c in criterion_list}
    weight_total = sum(weights.values(), Decimal(0))
    order = [s.pk for s in scenario_list]
    grid = {key: cell.score for key, cell in cells.items()}
    # Every scenario is named, scored or not, so that an unscored one shows as such.
    named = {(s, c): grid[(s, c)] for s in order for c in weights if (s, c) in grid}
    weighted = dict.fromkeys(order)
    weighted.update(scoring.weighted_scores(weights, named))
    ranked = scoring.ranking(weighted, order)
    by_pk = {s.pk: s for s in scenario_list}
    rank_of = {pk: index + 1 for index, pk in enumerate(ranked)}
    rows = [
        {
            "scenario": s,
            "cells": [cells.get((s.pk, c.pk)) for c in criterion_list],
            "weighted": scoring.rounded(weighted[s.pk]),
            "rank": rank_of.get(s.pk),
        }
        for s in scenario_list
    ]
    complete = bool(scenario_list) and len(ranked) == len(scenario_list)
    sensitivity = []
    if complete and len(ranked) > 1:
        criteria_by_pk = {c.pk: c for c in criterion_list}
        for result in scoring.sensitivity(weights, named, order):
            criterion = criteria_by_pk[result.criterion]
            sensitivity.append(
                SensitivityRow(
                    criterion=criterion,
                    factor=result.factor,
                    weight=criterion.weight * result.factor,
                    ranking=[by_pk[pk] for pk in result.ranking],
                    holds=result.holds,
                    top_holds=result.top_holds,
                )
            )
    chart = None
    if complete:
        chart = bar_chart(
            _("Weighted score of each scenario (1 to 5)"),
            [s.name for s in scenario_list],
            {_("Weighted score"): [scoring.rounded(weighted[s.pk]) for s in scenario_list]},
            category_label=_("Scenario"),
            value_label=_("Weighted score"),
            chart_id="scenario-scores",
        )
    return {
        "scenarios": scenario_list,
        "criteria": criterion_list,
        "rows": rows,
        "ranking": [by_pk[pk] for pk in ranked],
        "complete": complete,
        "weight_total": weight_total,
        "weights_add_up": weight_total == 100,
        "criterion_rows": [
            {"criterion": c, "share": (c.weight / weight_total * 100) if weight_total else None}
            for c in criterion_list
        ],
        "sensitivity": sensitivity,
        "breaks": [row for row in sensitivity if not row.holds],
        "chart": chart,
        "scored": len(cells),
        "cells_needed": len(scenario_list) * len(criterion_list),
    }
