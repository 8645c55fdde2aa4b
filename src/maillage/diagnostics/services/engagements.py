"""Writes of an engagement: the engagement itself (with its default lists and seed milestones),
the organisations involved, the steering committee's members, the milestones, the time spent
and the dimensions. Every write is validated, audited and optimistically locked
(`maillage.core.services`)."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from maillage.core.exceptions import StaleObjectError
from maillage.core.services import create_child, tenant_create, tenant_delete, tenant_update

from ..choices import MilestoneKind
from ..models import (
    CommitteeMember,
    Dimension,
    Engagement,
    EngagementMilestone,
    EngagementOrganisation,
    TimeSpent,
)
from .defaults import ensure_defaults

# The seed's calendar (seed 000): diagnostic by month 4, recommendations by month 7, plan by
# month 10 after the start.
SEED_MILESTONES = (
    (MilestoneKind.DIAGNOSTIC, 4),
    (MilestoneKind.RECOMMENDATIONS, 7),
    (MilestoneKind.PLAN, 10),
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def seed_milestone_dates(
    start: datetime.date, end: datetime.date
) -> list[tuple[str, datetime.date]]:
    """The three seed milestones' due dates, never after the end date."""
    return [(kind, min(add_months(start, months), end)) for kind, months in SEED_MILESTONES]


# --- the engagement --------------------------------------------------------------------------


def engagement_create(*, workspace, user, language: str = "fr", request=None, **fields):
    """A new engagement with its default dimensions, scenarios and criteria (named in
    `language`) and the three seed milestones."""
    with transaction.atomic():
        engagement = tenant_create(
            Engagement, workspace=workspace, user=user, request=request, **fields
        )
        ensure_defaults(engagement, user=user, language=language, request=request)
        with translation.override(language):
            for kind, due_on in seed_milestone_dates(engagement.start_date, engagement.end_date):
                create_child(
                    EngagementMilestone,
                    "engagement",
                    engagement,
                    user=user,
                    request=request,
                    kind=kind,
                    name=str(MilestoneKind(kind).label),
                    due_on=due_on,
                )
    return engagement


def engagement_update(engagement, *, user, expected_version, request=None, **changes):
    return tenant_update(
        engagement, user=user, expected_version=expected_version, request=request, **changes
    )


def engagement_delete(engagement, *, user, expected_version=None, request=None):
    """Deletes the engagement and everything recorded in it (findings, recommendations… go
    first, their dimensions being protected otherwise)."""
    with transaction.atomic():
        if (
            expected_version is not None
            and not Engagement.objects.filter(pk=engagement.pk, version=expected_version).exists()
        ):
            raise StaleObjectError()
        # Children protected by RESTRICT (findings, recommendations, questionnaire items) are
        # cleared before the cascade reaches the dimensions.
        for relation in ("plan_actions", "recommendations", "findings", "questionnaires"):
            manager = getattr(engagement, relation, None)
            if manager is not None:
                manager.all().delete()
        tenant_delete(engagement, user=user, expected_version=expected_version, request=request)


# --- organisations involved ------------------------------------------------------------------


def organisation_add(engagement, *, user, actor, request=None, **_ignored):
    if actor is None or actor.workspace_id != engagement.workspace_id:
        raise ValidationError({"actor": _("Pick an organisation of this workspace's registry.")})
    if engagement.organisations.filter(actor=actor).exists():
        raise ValidationError({"actor": _("This organisation is already involved.")})
    return create_child(
        EngagementOrganisation, "engagement", engagement, user=user, request=request, actor=actor
    )


def organisation_remove(link, *, user, expected_version=None, request=None):
    tenant_delete(link, user=user, expected_version=expected_version, request=request)


# --- children with a plain create / update / delete ------------------------------------------


def _creator(model):
    def create(engagement, *, user, request=None, **fields):
        return create_child(model, "engagement", engagement, user=user, request=request, **fields)

    return create


def _updater():
    def update(instance, *, user, expected_version, request=None, **changes):
        return tenant_update(
            instance, user=user, expected_version=expected_version, request=request, **changes
        )

    return update


def _deleter():
    def delete(instance, *, user, expected_version=None, request=None):
        tenant_delete(instance, user=user, expected_version=expected_version, request=request)

    return delete


committee_member_create = _creator(CommitteeMember)
committee_member_update = _updater()
committee_member_delete = _deleter()

milestone_create = _creator(EngagementMilestone)
milestone_update = _updater()
milestone_delete = _deleter()

time_spent_create = _creator(TimeSpent)
time_spent_update = _updater()
time_spent_delete = _deleter()


# --- dimensions ------------------------------------------------------------------------------


def dimension_create(engagement, *, user, request=None, **fields):
    last = engagement.dimensions.aggregate(last=models.Max("position"))["last"]
    fields.setdefault("position", 0 if last is None else last + 1)
    return create_child(Dimension, "engagement", engagement, user=user, request=request, **fields)


def dimension_update(dimension, *, user, expected_version, request=None, **changes):
    return tenant_update(
        dimension, user=user, expected_version=expected_version, request=request, **changes
    )


def dimension_uses(dimension) -> dict[str, int]:
    """What refers to the dimension and forbids deleting it (RESTRICT)."""
    from ..models import Finding, QuestionnaireItem, Recommendation

    return {
        "findings": Finding.objects.filter(dimension=dimension).count(),
        "recommendations": Recommendation.objects.filter(dimension=dimension).count(),
        "questionnaire_items": QuestionnaireItem.objects.filter(dimension=dimension).count(),
    }


def dimension_delete(dimension, *, user, expected_version=None, request=None):
    uses = dimension_uses(dimension)
    if any(uses.values()):
        raise ValidationError(
            _(
                "“%(name)s” cannot be deleted: %(findings)s finding(s), %(recommendations)s "
                "recommendation(s) and %(items)s questionnaire question(s) use it. Move them "
                "to another dimension first, or rename this one."
            )
            % {
                "name": dimension.name,
                "findings": uses["findings"],
                "recommendations": uses["recommendations"],
                "items": uses["questionnaire_items"],
            }
        )
    tenant_delete(dimension, user=user, expected_version=expected_version, request=request)


def dimension_move(dimension, direction: str, *, user, expected_version=None, request=None):
    """Swap the dimension with its neighbour above ("up") or below ("down"); positions are
    renumbered 0…n-1 so that ties never block a move."""
    with transaction.atomic():
        siblings = list(
            Dimension.objects.select_for_update()
            .filter(engagement_id=dimension.engagement_id)
            .order_by("position", "id")
        )
        index = next(i for i, item in enumerate(siblings) if item.pk == dimension.pk)
        if expected_version is not None and siblings[index].version != expected_version:
            raise StaleObjectError()
        target = index - 1 if direction == "up" else index + 1
        if target < 0 or target >= len(siblings):
            return dimension
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, item in enumerate(siblings):
            if item.position != position:
                tenant_update(
                    item,
                    user=user,
                    expected_version=item.version,
                    request=request,
                    position=position,
                )
    return dimension
