"""Writes of the scenario analysis: scenarios, weighted criteria, the score grid (all or
nothing) and the choice of the target scenario. The arithmetic is `scoring.py`'s."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from maillage.core.exceptions import StaleObjectError
from maillage.core.services import create_child, tenant_delete, tenant_update

from ..models import Criterion, Engagement, Scenario, ScenarioScore


def _strip(fields: dict, *names: str) -> dict:
    for name in names:
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    return fields


def _next_position(queryset) -> int:
    top = queryset.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def _unique_name(model, engagement, name: str, exclude_pk=None) -> None:
    others = model.objects.filter(engagement=engagement, name__iexact=name)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError({"name": _("This name is already in the list.")})


# --- scenarios -------------------------------------------------------------------------------


def scenario_create(engagement: Engagement, *, user, request=None, **fields) -> Scenario:
    _strip(fields, "name", "description", "impacts")
    _unique_name(Scenario, engagement, fields.get("name", ""))
    if fields.get("position") is None:
        fields["position"] = _next_position(engagement.scenarios)
    return create_child(Scenario, "engagement", engagement, user=user, request=request, **fields)


def scenario_update(scenario: Scenario, *, user, expected_version, request=None, **changes):
    _strip(changes, "name", "description", "impacts")
    if "name" in changes:
        _unique_name(Scenario, scenario.engagement_id, changes["name"], scenario.pk)
    return tenant_update(
        scenario, user=user, expected_version=expected_version, request=request, **changes
    )


def scenario_delete(scenario: Scenario, *, user, expected_version=None, request=None) -> None:
    """Its scores go with it; the engagement forgets it as target; recommendations keep their
    text and lose the link."""
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().get(pk=scenario.engagement_id)
        if engagement.target_scenario_id == scenario.pk:
            tenant_update(
                engagement,
                user=user,
                expected_version=None,
                request=request,
                target_scenario=None,
            )
        tenant_delete(scenario, user=user, expected_version=expected_version, request=request)


# --- criteria --------------------------------------------------------------------------------


def criterion_create(engagement: Engagement, *, user, request=None, **fields) -> Criterion:
    _strip(fields, "name", "description")
    _unique_name(Criterion, engagement, fields.get("name", ""))
    if fields.get("position") is None:
        fields["position"] = _next_position(engagement.criteria)
    return create_child(Criterion, "engagement", engagement, user=user, request=request, **fields)


def criterion_update(criterion: Criterion, *, user, expected_version, request=None, **changes):
    _strip(changes, "name", "description")
    if "name" in changes:
        _unique_name(Criterion, criterion.engagement_id, changes["name"], criterion.pk)
    return tenant_update(
        criterion, user=user, expected_version=expected_version, request=request, **changes
    )


def criterion_delete(criterion: Criterion, *, user, expected_version=None, request=None) -> None:
    tenant_delete(criterion, user=user, expected_version=expected_version, request=request)


# --- the score grid --------------------------------------------------------------------------


def grid_stamp(engagement: Engagement) -> str:
    """What the grid looked like when a form was built: its cells and their versions. A grid
    saved meanwhile (or a scenario or criterion added) changes the stamp."""
    cells = ScenarioScore.objects.filter(scenario__engagement=engagement).order_by("pk")
    parts = [f"{pk}.{version}" for pk, version in cells.values_list("pk", "version")]
    scenarios = engagement.scenarios.order_by("pk").values_list("pk", flat=True)
    criteria = engagement.criteria.order_by("pk").values_list("pk", flat=True)
    return "|".join([",".join(parts), ",".join(map(str, scenarios)), ",".join(map(str, criteria))])


def save_grid(
    engagement: Engagement,
    cells: dict[tuple[int, int], tuple[int, str]],
    *,
    user,
    stamp: str | None = None,
    request=None,
) -> int:
    """Score every scenario on every criterion at once: `cells` maps (scenario pk, criterion
    pk) to (score 1–5, rationale). All cells must be given and valid, else nothing is written
    (ValidationError naming the cells). `stamp` (from `grid_stamp`) refuses a grid saved by
    someone else meanwhile (StaleObjectError). Returns the number of cells written."""
    with transaction.atomic():
        Engagement.objects.select_for_update().filter(pk=engagement.pk).first()
        if stamp is not None and stamp != grid_stamp(engagement):
            raise StaleObjectError()
        scenarios = {s.pk: s for s in engagement.scenarios.all()}
        criteria = {c.pk: c for c in engagement.criteria.all()}
        errors = []
        for key in cells:
            if key[0] not in scenarios or key[1] not in criteria:
                errors.append(_("A cell of the grid names a scenario or criterion not in it."))
                break
        for scenario in scenarios.values():
            for criterion in criteria.values():
                value = cells.get((scenario.pk, criterion.pk))
                if value is None or value[0] is None:
                    errors.append(
                        _("Give a score to “%(scenario)s” on “%(criterion)s”.")
                        % {"scenario": scenario.name, "criterion": criterion.name}
                    )
                elif not 1 <= int(value[0]) <= 5:
                    errors.append(
                        _("The score of “%(scenario)s” on “%(criterion)s” goes from 1 to 5.")
                        % {"scenario": scenario.name, "criterion": criterion.name}
                    )
        if errors:
            raise ValidationError(errors)
        existing = {
            (s.scenario_id, s.criterion_id): s
            for s in ScenarioScore.objects.filter(scenario__engagement=engagement)
        }
        written = 0
        for (scenario_pk, criterion_pk), (score, rationale) in cells.items():
            rationale = (rationale or "").strip()
            current = existing.get((scenario_pk, criterion_pk))
            if current is None:
                create_child(
                    ScenarioScore,
                    "scenario",
                    scenarios[scenario_pk],
                    user=user,
                    request=request,
                    criterion=criteria[criterion_pk],
                    score=int(score),
                    rationale=rationale,
                )
                written += 1
            elif current.score != int(score) or current.rationale != rationale:
                tenant_update(
                    current,
                    user=user,
                    expected_version=None,
                    request=request,
                    score=int(score),
                    rationale=rationale,
                )
                written += 1
        return written


# --- the target scenario ---------------------------------------------------------------------


def select_target(
    engagement: Engagement,
    *,
    user,
    expected_version,
    request=None,
    target_scenario=None,
    target_rationale="",
) -> Engagement:
    """Choose the target scenario (one of the engagement's) and say why (required with one)."""
    target_rationale = (target_rationale or "").strip()
    if target_scenario is not None and target_scenario.engagement_id != engagement.pk:
        raise ValidationError({"target_scenario": _("Choose one of this engagement's scenarios.")})
    if target_scenario is not None and not target_rationale:
        raise ValidationError(
            {"target_rationale": _("Say why this scenario is the target: the rationale.")}
        )
    return tenant_update(
        engagement,
        user=user,
        expected_version=expected_version,
        request=request,
        target_scenario=target_scenario,
        target_rationale=target_rationale,
    )
