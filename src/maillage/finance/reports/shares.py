"""An agreement's figures split by project and year, rounded so that the parts add up.

The engine gives an agreement's eligible, charged and claimable amounts over its whole period
(`allocation.AgreementFigures`). The project P&L and the funder overview need them per project
and per year. The split follows the costs:

- *eligible* and *charged* of a (project, year): its costs (eligible, or charged to the
  agreement) plus the flat-rate indirect costs on them (the rate is linear, so the parts' exact
  amounts add up to the whole exactly); rounded together with `split_rounded`, so the parts sum
  to the agreement's rounded total to the cent;
- *claimable*: the agreement's claimable total (the charged total within the grant and the
  maximum rate), rounded, then split in proportion of the exact charged parts
  (`core.money.allocate`, largest remainder). Where nothing caps it, it equals the charged split.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from maillage.core.money import allocate, round_euro

from ..allocation import ZERO, AgreementFigures, Cost, split_rounded
from ..models import IndirectBase
from ..models.accounts import STAFF_CATEGORY

Key = tuple[int, int]  # (project id, year)


@dataclass
class Shares:
    """One agreement's rounded amounts by (project id, year)."""

    figures: AgreementFigures
    eligible: dict[Key, Decimal] = field(default_factory=dict)
    charged: dict[Key, Decimal] = field(default_factory=dict)
    claimable: dict[Key, Decimal] = field(default_factory=dict)
    #: The exact charged parts, for splitting other amounts in the same proportions.
    exact_charged: dict[Key, Decimal] = field(default_factory=dict)

    @property
    def agreement(self):
        return self.figures.agreement

    def by_year(self, name: str, project_id: int | None = None) -> dict[int, Decimal]:
        """`name` ("eligible", "charged", "claimable") by year, for one project or all."""
        result: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for (pid, year), amount in getattr(self, name).items():
            if project_id is None or pid == project_id:
                result[year] += amount
        return dict(result)

    def total(self, name: str, project_id: int | None = None) -> Decimal:
        return sum(self.by_year(name, project_id).values(), ZERO)


def _with_indirect(figures: AgreementFigures, costs: list[tuple[Cost, Decimal]]) -> dict:
    """Exact (direct + indirect) amounts by (project, year) of `(cost, amount)` pairs."""
    direct: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    staff: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    for cost, amount in costs:
        key = (cost.project_id, cost.start.year)
        direct[key] += amount
        if cost.category == STAFF_CATEGORY:
            staff[key] += amount
    on_staff = figures.agreement.indirect_base == IndirectBase.STAFF
    rate = figures.rate
    return {
        key: direct[key] + (staff[key] if on_staff else direct[key]) * rate
        for key in sorted(direct)
    }


def _rounded(exact: dict[Key, Decimal]) -> dict[Key, Decimal]:
    keys = list(exact)
    return dict(zip(keys, split_rounded([exact[k] for k in keys]), strict=True))


def agreement_shares(figures: AgreementFigures) -> Shares:
    """Split `figures` (computed over the agreement's whole period) by project and year."""
    eligible = _with_indirect(figures, [(c, c.amount) for c in figures.eligible_costs])
    charged = _with_indirect(figures, [(ch.cost, ch.amount) for ch in figures.charges])
    shares = Shares(figures, exact_charged=charged)
    shares.eligible = _rounded(eligible)
    shares.charged = _rounded(charged)
    claimable = round_euro(figures.claimable)
    if claimable == round_euro(figures.charged_total):
        shares.claimable = dict(shares.charged)
    else:
        keys = list(charged)
        weights = [max(charged[k], ZERO) for k in keys]
        if any(weights):
            shares.claimable = dict(zip(keys, allocate(claimable, weights), strict=True))
        elif keys:  # nothing positive to follow: the first part carries it
            shares.claimable = {k: ZERO.quantize(Decimal("0.01")) for k in keys}
            shares.claimable[keys[0]] = claimable
    return shares
