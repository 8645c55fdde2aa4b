"""The 5×5 risk heat map: likelihood (rows, 5 at the top) × impact (columns, 1 on the left).

Each cell counts the risks that are open or being treated; its colour band follows the score
likelihood × impact: low 1–4, moderate 5–9, high 10–14, critical 15–25.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SCALE = range(1, 6)
BANDS = (
    # (lowest score of the band, key, label)
    (15, "critical", _("Critical")),
    (10, "high", _("High")),
    (5, "moderate", _("Moderate")),
    (1, "low", _("Low")),
)


def band_for(score: int) -> tuple[str, object]:
    for lowest, key, label in BANDS:
        if score >= lowest:
            return key, label
    return BANDS[-1][1], BANDS[-1][2]


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    count: int
    band: str
    band_label: object

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass(frozen=True)
class Row:
    likelihood: int
    cells: list


def build(counts: dict) -> list[Row]:
    """`counts` maps (likelihood, impact) to a number of risks; rows from likelihood 5 to 1."""
    rows = []
    for likelihood in reversed(SCALE):
        cells = []
        for impact in SCALE:
            band, label = band_for(likelihood * impact)
            cells.append(Cell(likelihood, impact, counts.get((likelihood, impact), 0), band, label))
        rows.append(Row(likelihood, cells))
    return rows


def legend() -> list[dict]:
    ranges = {"low": "1–4", "moderate": "5–9", "high": "10–14", "critical": "15–25"}
    return [{"key": key, "label": label, "range": ranges[key]} for _low, key, label in BANDS][::-1]
