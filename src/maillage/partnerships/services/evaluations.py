"""Evaluations on the three dimensions (seed 004), the upfront fit check, and the latest score
the portfolio shows.

Writes:
- `evaluation_create/update/delete`: a round (date, title, notes); workspace members only.
- `member_scores_save`: one member's scores of a round, the three dimensions at once.
- `fit_save`: one member's expectations on the three dimensions and whether the model fits.
Both "member" writes are what a guest may do for its own member (the views check the side).
Every write to rounds or scores ends with `refresh_evaluation`.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.exceptions import StaleObjectError
from maillage.core.services import create_child, tenant_delete, tenant_update

from ..choices import Dimension
from ..models import Evaluation, EvaluationScore, FitExpectation, Partnership, PartnershipMember

SCORE_MIN, SCORE_MAX = 1, 5
CENT = Decimal("0.01")


def average(values) -> Decimal | None:
    """The mean of `values` to the cent (ROUND_HALF_UP), None when there is none."""
    values = [Decimal(v) for v in values]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def refresh_evaluation(partnership: Partnership) -> None:
    """Keep the partnership's latest evaluation (date, average of its scores to two decimals).

    The latest evaluation is the most recent one with at least one score; its average is the
    exact mean of all its scores (every member, every dimension) rounded half up. Derived: no
    version bump, no audit line (scores are audited where they are written)."""
    latest = (
        Evaluation.objects.filter(partnership=partnership, scores__isnull=False)
        .order_by("-evaluated_on", "-id")
        .first()
    )
    score = None
    evaluated_on = None
    if latest is not None:
        found = EvaluationScore.objects.filter(evaluation=latest).aggregate(
            total=Sum("score"), count=Count("id")
        )
        score = (Decimal(found["total"]) / found["count"]).quantize(CENT, rounding=ROUND_HALF_UP)
        evaluated_on = latest.evaluated_on
    Partnership.objects.filter(pk=partnership.pk).update(
        evaluation_score=score, evaluated_on=evaluated_on
    )
    partnership.evaluation_score, partnership.evaluated_on = score, evaluated_on


# --- rounds ----------------------------------------------------------------------------------


def _clean_round(fields: dict) -> None:
    if isinstance(fields.get("title"), str):
        fields["title"] = fields["title"].strip()
    if isinstance(fields.get("notes"), str):
        fields["notes"] = fields["notes"].strip()


def evaluation_create(partnership: Partnership, *, user, request=None, **fields) -> Evaluation:
    _clean_round(fields)
    with transaction.atomic():
        evaluation = create_child(
            Evaluation, "partnership", partnership, user=user, request=request, **fields
        )
        refresh_evaluation(partnership)
    return evaluation


def evaluation_update(
    evaluation: Evaluation, *, user, expected_version: int | None, request=None, **changes
) -> Evaluation:
    _clean_round(changes)
    changes.pop("partnership", None)
    with transaction.atomic():
        tenant_update(
            evaluation, user=user, expected_version=expected_version, request=request, **changes
        )
        refresh_evaluation(evaluation.partnership)
    return evaluation


def evaluation_delete(
    evaluation: Evaluation, *, user, expected_version: int | None = None, request=None
) -> None:
    """Delete a round and its scores; the partnership's latest evaluation is recomputed."""
    partnership = evaluation.partnership
    with transaction.atomic():
        for score in evaluation.scores.all():
            tenant_delete(score, user=user, request=request)
        tenant_delete(evaluation, user=user, expected_version=expected_version, request=request)
        refresh_evaluation(partnership)


# --- scores ----------------------------------------------------------------------------------


@dataclass
class ScoreRow:
    """What a member says on one dimension of a round. An empty row (no score, no evidence)
    means "not scored": an existing score is then removed."""

    dimension: str
    score: int | None = None
    evidence: str = ""
    indicators: list = field(default_factory=list)
    version: int | None = None  # the version of the stored score the form was built from

    @property
    def is_empty(self) -> bool:
        return self.score is None and not (self.evidence or "").strip() and not self.indicators


class RowError(ValidationError):
    """A refusal on one row (a dimension) of a multi-row write."""

    def __init__(self, dimension: str, error: ValidationError):
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.messages)
        self.dimension = dimension


@contextmanager
def _row_errors(row):
    """A refusal while writing `row` raised as a `RowError` naming its dimension."""
    try:
        yield
    except ValidationError as error:
        raise RowError(row.dimension, error) from error


def check_score(value) -> int:
    """The score as an int from 1 to 5, else a clear refusal on the `score` field."""
    try:
        number = int(value)
        valid = str(number) == str(value).strip() and SCORE_MIN <= number <= SCORE_MAX
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise ValidationError(
            {
                "score": _("Give a score from %(min)d to %(max)d (you gave “%(value)s”).")
                % {"min": SCORE_MIN, "max": SCORE_MAX, "value": value}
            }
        )
    return number


def _check_member(partnership: Partnership, member: PartnershipMember) -> None:
    if member.partnership_id != partnership.pk:
        raise ValidationError({"member": _("This member belongs to another partnership.")})


def _check_indicators(workspace, indicators) -> list:
    foreign = [i for i in indicators if i.workspace_id != workspace.pk]
    if foreign:
        raise ValidationError({"indicators": _("This choice belongs to another workspace.")})
    return list(indicators)


def _score_row(evaluation, member, row: ScoreRow, stored, *, user, request) -> None:
    if row.dimension not in Dimension.values:
        raise ValidationError({"dimension": _("Unknown dimension.")})
    if stored is not None and row.version is None:
        raise StaleObjectError()
    if row.is_empty:
        if stored is not None:
            tenant_delete(stored, user=user, expected_version=row.version, request=request)
        return
    if row.score is None:
        raise ValidationError({"score": _("Give a score from 1 to 5, or empty the evidence.")})
    score = check_score(row.score)
    evidence = (row.evidence or "").strip()
    if not evidence:
        raise ValidationError(
            {"evidence": _("Say what supports this score (facts, figures, testimonies).")}
        )
    indicators = _check_indicators(evaluation.workspace, row.indicators)
    if stored is None:
        stored = create_child(
            EvaluationScore,
            "evaluation",
            evaluation,
            user=user,
            request=request,
            partnership=evaluation.partnership,
            member=member,
            dimension=row.dimension,
            score=score,
            evidence=evidence,
        )
        before: list[int] = []
    else:
        before = sorted(stored.indicators.values_list("pk", flat=True))
        tenant_update(
            stored,
            user=user,
            expected_version=row.version,
            request=request,
            score=score,
            evidence=evidence,
        )
    after = sorted(i.pk for i in indicators)
    if after != before:
        stored.indicators.set(indicators)
        audit.record(
            audit.Action.UPDATE,
            user=user,
            instance=stored,
            changes={"indicators": [before, after]},
            request=request,
        )


def member_scores_save(
    evaluation: Evaluation, member: PartnershipMember, rows, *, user, request=None
) -> None:
    """Save one member's scores of a round (one row per dimension), all or nothing.

    A refused row raises `RowError` (its `dimension` says which); a row changed by someone
    else since the form was opened raises StaleObjectError."""
    _check_member(evaluation.partnership, member)
    stored = {
        s.dimension: s for s in EvaluationScore.objects.filter(evaluation=evaluation, member=member)
    }
    with transaction.atomic():
        for row in rows:
            with _row_errors(row):
                _score_row(
                    evaluation, member, row, stored.get(row.dimension), user=user, request=request
                )
        refresh_evaluation(evaluation.partnership)


def score_delete(score: EvaluationScore, *, user, expected_version=None, request=None) -> None:
    with transaction.atomic():
        tenant_delete(score, user=user, expected_version=expected_version, request=request)
        refresh_evaluation(score.partnership)


# --- fit check -------------------------------------------------------------------------------


@dataclass
class FitRow:
    """One member's expectation on one dimension; an empty row removes a stored one."""

    dimension: str
    expectation: str = ""
    fit: str = FitExpectation.Fit.UNKNOWN
    comment: str = ""
    version: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.expectation or "").strip() and not (self.comment or "").strip()


def _fit_row(partnership, member, row: FitRow, stored, *, user, request) -> None:
    if row.dimension not in Dimension.values:
        raise ValidationError({"dimension": _("Unknown dimension.")})
    if stored is not None and row.version is None:
        raise StaleObjectError()
    if row.is_empty:
        if row.fit and row.fit != FitExpectation.Fit.UNKNOWN:
            raise ValidationError(
                {"expectation": _("Say what is expected before saying whether the model fits.")}
            )
        if stored is not None:
            tenant_delete(stored, user=user, expected_version=row.version, request=request)
        return
    expectation = (row.expectation or "").strip()
    if not expectation:
        raise ValidationError({"expectation": _("Say what is expected on this dimension.")})
    fit = row.fit or FitExpectation.Fit.UNKNOWN
    if fit not in FitExpectation.Fit.values:
        raise ValidationError({"fit": _("Choose whether the partnership model fits.")})
    values = {"expectation": expectation, "fit": fit, "comment": (row.comment or "").strip()}
    if stored is None:
        create_child(
            FitExpectation,
            "partnership",
            partnership,
            user=user,
            request=request,
            member=member,
            dimension=row.dimension,
            **values,
        )
    else:
        tenant_update(stored, user=user, expected_version=row.version, request=request, **values)


def fit_save(
    partnership: Partnership, member: PartnershipMember, rows, *, user, request=None
) -> None:
    """Save one member's expectations (one row per dimension), all or nothing."""
    _check_member(partnership, member)
    stored = {
        f.dimension: f
        for f in FitExpectation.objects.filter(partnership=partnership, member=member)
    }
    with transaction.atomic():
        for row in rows:
            with _row_errors(row):
                _fit_row(
                    partnership, member, row, stored.get(row.dimension), user=user, request=request
                )


# --- one row at a time (the API) ---------------------------------------------------------------
# The same rules as the forms' multi-row writes; a member and a dimension stay with their row.


def fit_create(
    partnership: Partnership, *, member, dimension, user, request=None, **values
) -> FitExpectation:
    row = FitRow(dimension=dimension, **_sent(values, ("expectation", "fit", "comment")))
    if row.is_empty:
        raise ValidationError({"expectation": _("Say what is expected on this dimension.")})
    _check_member(partnership, member)
    with transaction.atomic():
        _fit_row(partnership, member, row, None, user=user, request=request)
    return FitExpectation.objects.get(partnership=partnership, member=member, dimension=dimension)


def fit_update(
    expectation: FitExpectation, /, *, user, expected_version, request=None, **values
) -> FitExpectation:
    stored = {
        "expectation": expectation.expectation,
        "fit": expectation.fit,
        "comment": expectation.comment,
    }
    row = FitRow(
        dimension=expectation.dimension,
        version=expected_version,
        **{**stored, **_sent(values, stored)},
    )
    if row.is_empty:
        raise ValidationError({"expectation": _("Say what is expected on this dimension.")})
    with transaction.atomic():
        _fit_row(
            expectation.partnership,
            expectation.member,
            row,
            expectation,
            user=user,
            request=request,
        )
    expectation.refresh_from_db()
    return expectation


def score_create(
    evaluation: Evaluation, *, member, dimension, user, request=None, **values
) -> EvaluationScore:
    row = ScoreRow(dimension=dimension, **_sent(values, ("score", "evidence", "indicators")))
    if row.is_empty:
        raise ValidationError({"score": _("Give a score from 1 to 5, or empty the evidence.")})
    _check_member(evaluation.partnership, member)
    with transaction.atomic():
        _score_row(evaluation, member, row, None, user=user, request=request)
        refresh_evaluation(evaluation.partnership)
    return EvaluationScore.objects.get(evaluation=evaluation, member=member, dimension=dimension)


def score_update(
    score: EvaluationScore, /, *, user, expected_version, request=None, **values
) -> EvaluationScore:
    """Change a score, its evidence or its indicators (`score` is positional: the new value is
    the keyword)."""
    stored = {
        "score": score.score,
        "evidence": score.evidence,
        "indicators": list(score.indicators.all()),
    }
    row = ScoreRow(
        dimension=score.dimension,
        version=expected_version,
        **{**stored, **_sent(values, stored)},
    )
    if row.is_empty:
        raise ValidationError({"score": _("Give a score from 1 to 5, or empty the evidence.")})
    with transaction.atomic():
        _score_row(score.evaluation, score.member, row, score, user=user, request=request)
        refresh_evaluation(score.partnership)
    score.refresh_from_db()
    return score


def fit_delete(expectation: FitExpectation, *, user, expected_version=None, request=None) -> None:
    tenant_delete(expectation, user=user, expected_version=expected_version, request=request)


def _sent(values: dict, names) -> dict:
    """The values sent for `names` (None means "not sent")."""
    return {k: v for k, v in values.items() if k in names and v is not None}
