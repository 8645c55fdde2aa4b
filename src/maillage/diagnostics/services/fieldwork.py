"""Writes of the fieldwork: stakeholders, the interview guide, interviews (their notes apart:
personal data, written only by members allowed to read them) and the document-review log.

Every write is audited through `core.services`; interview notes are masked in the audit trail
(`core.audit.SENSITIVE_MODEL_FIELDS`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.services import create_child, tenant_delete, tenant_update

from ..choices import InterviewKind
from ..models import Engagement, Interview, InterviewQuestion, ReviewedDocument, Stakeholder

# --- stakeholders ----------------------------------------------------------------------------


def _strip(fields: dict, *names: str) -> dict:
    for name in names:
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    return fields


def _clean_stakeholder(engagement: Engagement, fields: dict) -> dict:
    _strip(fields, "name", "email", "job_title")
    if "email" in fields:
        fields["email"] = fields["email"].lower()
    organisation = fields.get("organisation")
    if organisation is not None and organisation.workspace_id != engagement.workspace_id:
        raise ValidationError({"organisation": _("Choose an organisation of this workspace.")})
    if fields.get("consent_on") and fields.get("consent") is False:
        raise ValidationError({"consent_on": _("A consent date needs the consent box ticked.")})
    return fields


def stakeholder_create(engagement: Engagement, *, user, request=None, **fields) -> Stakeholder:
    return create_child(
        Stakeholder,
        "engagement",
        engagement,
        user=user,
        request=request,
        **_clean_stakeholder(engagement, fields),
    )


def stakeholder_update(stakeholder, *, user, expected_version, request=None, **changes):
    return tenant_update(
        stakeholder,
        user=user,
        expected_version=expected_version,
        request=request,
        **_clean_stakeholder(stakeholder.engagement, changes),
    )


def stakeholder_delete(stakeholder, *, user, expected_version=None, request=None) -> None:
    if stakeholder.interviews.exists():
        raise ValidationError(
            _("This person was interviewed: remove them from their interviews first.")
        )
    tenant_delete(stakeholder, user=user, expected_version=expected_version, request=request)


# --- the interview guide ---------------------------------------------------------------------


def _clean_question(engagement: Engagement, fields: dict) -> dict:
    _strip(fields, "text_fr", "text_en")
    dimension = fields.get("dimension")
    if dimension is not None and dimension.engagement_id != engagement.pk:
        raise ValidationError({"dimension": _("Choose a dimension of this engagement.")})
    if "text_fr" in fields and not fields["text_fr"]:
        raise ValidationError({"text_fr": _("Write the question in French.")})
    return fields


def question_create(engagement: Engagement, *, user, request=None, **fields) -> InterviewQuestion:
    fields = _clean_question(engagement, fields)
    if fields.get("position") is None:
        last = engagement.guide_questions.filter(dimension=fields.get("dimension")).aggregate(
            last=Max("position")
        )["last"]
        fields["position"] = 0 if last is None else last + 1
    return create_child(
        InterviewQuestion, "engagement", engagement, user=user, request=request, **fields
    )


def question_update(question, *, user, expected_version, request=None, **changes):
    return tenant_update(
        question,
        user=user,
        expected_version=expected_version,
        request=request,
        **_clean_question(question.engagement, changes),
    )


def question_delete(question, *, user, expected_version=None, request=None) -> None:
    tenant_delete(question, user=user, expected_version=expected_version, request=request)


def question_move(question: InterviewQuestion, *, user, direction: int, request=None) -> None:
    """Swap the question with its neighbour within its dimension (direction −1 up, +1 down);
    positions are renumbered 0, 1, 2… so that ties never block a move."""
    with transaction.atomic():
        siblings = list(
            InterviewQuestion.objects.filter(
                engagement_id=question.engagement_id, dimension_id=question.dimension_id
            )
            .select_for_update()
            .order_by("position", "id")
        )
        index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
        target = index + direction
        if not 0 <= target < len(siblings):
            return
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, sibling in enumerate(siblings):
            if sibling.position != position:
                tenant_update(
                    sibling, user=user, expected_version=None, request=request, position=position
                )


# --- interviews ------------------------------------------------------------------------------


def _clean_interview(engagement: Engagement, fields: dict) -> dict:
    _strip(fields, "interviewer")
    errors = {}
    people = fields.get("stakeholders")
    if people is not None:
        people = list(people)
        if any(person.engagement_id != engagement.pk for person in people):
            errors["stakeholders"] = _("Choose people of this engagement.")
        elif not people:
            errors["stakeholders"] = _("Choose at least one person interviewed.")
        elif fields.get("kind") == InterviewKind.INDIVIDUAL and len(people) > 1:
            errors["stakeholders"] = _(
                "An individual interview hears one person: choose a group interview."
            )
    if errors:
        raise ValidationError(errors)
    return fields


def interview_create(engagement: Engagement, *, user, request=None, **fields) -> Interview:
    fields = _clean_interview(engagement, fields)
    people = fields.pop("stakeholders", None) or []
    if not people:
        raise ValidationError({"stakeholders": _("Choose at least one person interviewed.")})
    with transaction.atomic():
        interview = create_child(
            Interview, "engagement", engagement, user=user, request=request, **fields
        )
        interview.stakeholders.set(people)
        _record_people(interview, [], people, user=user, request=request)
    return interview


def _record_people(interview, before, after, *, user, request) -> None:
    old = sorted(p.pk for p in before)
    new = sorted(p.pk for p in after)
    if old != new:
        audit.record(
            audit.Action.UPDATE,
            user=user,
            instance=interview,
            changes={"stakeholders": [old, new]},
            request=request,
        )


def interview_update(interview, *, user, expected_version, request=None, **changes) -> Interview:
    """Everything but the notes (see `interview_notes_update`)."""
    changes.pop("notes", None)
    if "stakeholders" in changes and "kind" not in changes:
        changes["kind"] = interview.kind
    changes = _clean_interview(interview.engagement, changes)
    people = changes.pop("stakeholders", None)
    with transaction.atomic():
        before = list(interview.stakeholders.all()) if people is not None else []
        tenant_update(
            interview, user=user, expected_version=expected_version, request=request, **changes
        )
        if people is not None:
            interview.stakeholders.set(people)
            _record_people(interview, before, people, user=user, request=request)
    return interview


def interview_notes_update(interview, *, user, expected_version, request=None, notes="") -> None:
    """The notes only; the view checks `access.may_read_notes` first."""
    return tenant_update(
        interview,
        user=user,
        expected_version=expected_version,
        request=request,
        notes=(notes or "").strip(),
    )


def interview_delete(interview, *, user, expected_version=None, request=None) -> None:
    if interview.finding_sources.exists():
        raise ValidationError(
            _("Findings quote this interview: remove those sources before deleting it.")
        )
    with transaction.atomic():
        interview.stakeholders.clear()
        tenant_delete(interview, user=user, expected_version=expected_version, request=request)


# --- the document-review log -----------------------------------------------------------------


def _clean_document(fields: dict) -> dict:
    _strip(fields, "title", "source", "summary", "url")
    if "title" in fields and not fields["title"]:
        raise ValidationError({"title": _("Give the document a title.")})
    return fields


def document_create(engagement: Engagement, *, user, request=None, **fields) -> ReviewedDocument:
    return create_child(
        ReviewedDocument,
        "engagement",
        engagement,
        user=user,
        request=request,
        **_clean_document(fields),
    )


def document_update(document, *, user, expected_version, request=None, **changes):
    return tenant_update(
        document,
        user=user,
        expected_version=expected_version,
        request=request,
        **_clean_document(changes),
    )


def document_delete(document, *, user, expected_version=None, request=None) -> None:
    if document.finding_sources.exists():
        raise ValidationError(
            _("Findings cite this document: remove those sources before deleting it.")
        )
    tenant_delete(document, user=user, expected_version=expected_version, request=request)
