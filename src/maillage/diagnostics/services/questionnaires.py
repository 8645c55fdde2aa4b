"""Writes for the questionnaire: the questionnaire, its statements, the stakeholders' personal
links and the answers given through them (all or nothing).

No e-mail is sent from here: the links are shown to copy, or exported for a mail merge.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from maillage.core.services import create_child, tenant_delete, tenant_update

from ..models import (
    Questionnaire,
    QuestionnaireAnswer,
    QuestionnaireInvitation,
    QuestionnaireItem,
)

#: One neutral statement per default dimension (French, English).
DEFAULT_STATEMENTS = {
    "strategy": (
        "La stratégie commune est revue et développée ensemble de façon satisfaisante.",
        "The common strategy is reviewed and developed together in a satisfactory way.",
    ),
    "business_models": (
        "Les modèles d'affaires des organisations sont compatibles et bien compris.",
        "The organisations' business models are compatible and well understood.",
    ),
    "governance": (
        "La gouvernance permet de prendre les décisions communes et de conduire les projets.",
        "Governance allows joint decisions to be taken and projects to be led.",
    ),
    "functions": (
        "Les fonctions et services sont organisés clairement entre les organisations.",
        "Functions and services are clearly organised between the organisations.",
    ),
    "systems": (
        "Les processus, procédures et outils de gestion sont adaptés au travail commun.",
        "Processes, procedures and management tools suit the joint work.",
    ),
    "human_resources": (
        "Les ressources humaines partagées sont bien organisées.",
        "Shared human resources are well organised.",
    ),
    "cultures": (
        "Les cultures organisationnelles se comprennent et travaillent bien ensemble.",
        "The organisational cultures understand each other and work well together.",
    ),
}


def default_statement(dimension) -> tuple[str, str]:
    if dimension.key in DEFAULT_STATEMENTS:
        return DEFAULT_STATEMENTS[dimension.key]
    return (
        f"Dans l'alliance, « {dimension.name} » fonctionne de façon satisfaisante.",
        f"In the alliance, “{dimension.name}” works in a satisfactory way.",
    )


def is_closed(questionnaire: Questionnaire, today=None) -> bool:
    today = today or timezone.localdate()
    return not questionnaire.is_open or (
        questionnaire.closes_on is not None and questionnaire.closes_on < today
    )


# --- questionnaire ------------------------------------------------------------------------


def questionnaire_create(engagement, *, user, request=None, **fields) -> Questionnaire:
    return create_child(
        Questionnaire, "engagement", engagement, user=user, request=request, **fields
    )


def questionnaire_update(questionnaire, *, user, expected_version, request=None, **changes):
    return tenant_update(
        questionnaire, user=user, expected_version=expected_version, request=request, **changes
    )


def questionnaire_delete(questionnaire, *, user, expected_version=None, request=None):
    tenant_delete(questionnaire, user=user, expected_version=expected_version, request=request)


# --- statements ---------------------------------------------------------------------------


def _check_dimension(questionnaire, dimension) -> None:
    if dimension is not None and dimension.engagement_id != questionnaire.engagement_id:
        raise ValidationError({"dimension": _("Choose a dimension of this engagement.")})


def item_create(questionnaire, *, user, request=None, **fields) -> QuestionnaireItem:
    _check_dimension(questionnaire, fields.get("dimension"))
    if not fields.get("position"):
        last = questionnaire.items.aggregate(last=Max("position"))["last"] or 0
        fields["position"] = last + 1
    return create_child(
        QuestionnaireItem, "questionnaire", questionnaire, user=user, request=request, **fields
    )


def item_update(item, *, user, expected_version, request=None, **changes):
    _check_dimension(item.questionnaire, changes.get("dimension"))
    return tenant_update(
        item, user=user, expected_version=expected_version, request=request, **changes
    )


def item_delete(item, *, user, expected_version=None, request=None):
    tenant_delete(item, user=user, expected_version=expected_version, request=request)


def add_default_items(questionnaire, *, user, request=None) -> int:
    """One neutral statement per dimension that has none yet; returns how many were added."""
    covered = set(questionnaire.items.values_list("dimension_id", flat=True))
    added = 0
    with transaction.atomic():
        for dimension in questionnaire.engagement.dimensions.order_by("position", "id"):
            if dimension.pk in covered:
                continue
            french, english = default_statement(dimension)
            item_create(
                questionnaire,
                user=user,
                request=request,
                dimension=dimension,
                statement_fr=french,
                statement_en=english,
            )
            added += 1
    return added


# --- invitations --------------------------------------------------------------------------


def invite(questionnaire, stakeholders, *, user, request=None) -> int:
    """Give each stakeholder (of the engagement) a personal link; those who have one keep it."""
    have = set(questionnaire.invitations.values_list("stakeholder_id", flat=True))
    added = 0
    with transaction.atomic():
        for stakeholder in stakeholders:
            if stakeholder.engagement_id != questionnaire.engagement_id:
                raise ValidationError({"stakeholders": _("Choose people of this engagement.")})
            if stakeholder.pk in have:
                continue
            create_child(
                QuestionnaireInvitation,
                "questionnaire",
                questionnaire,
                user=user,
                request=request,
                stakeholder=stakeholder,
            )
            added += 1
    return added


def invitation_delete(invitation, *, user, request=None) -> None:
    """Revoke a link (its answers go with it)."""
    tenant_delete(invitation, user=user, request=request)


# --- answers ------------------------------------------------------------------------------


def submit_answers(invitation, values: dict[int, int]) -> None:
    """Save the answers of `invitation` (item id → 1..5), replacing earlier ones: every
    statement answered, or nothing saved. Refused once the questionnaire is closed."""
    questionnaire = invitation.questionnaire
    if is_closed(questionnaire):
        raise ValidationError(_("This questionnaire is closed."))
    items = list(questionnaire.items.all())
    missing = [item.pk for item in items if values.get(item.pk) not in {1, 2, 3, 4, 5}]
    if missing:
        raise ValidationError({str(pk): _("Choose an answer from 1 to 5.") for pk in missing})
    with transaction.atomic():
        QuestionnaireAnswer.objects.filter(invitation=invitation).delete()
        QuestionnaireAnswer.objects.bulk_create(
            [
                QuestionnaireAnswer(
                    workspace_id=invitation.workspace_id,
                    invitation=invitation,
                    item=item,
                    value=values[item.pk],
                )
                for item in items
            ]
        )
        invitation.answered_at = timezone.now()
        QuestionnaireInvitation.objects.filter(pk=invitation.pk).update(
            answered_at=invitation.answered_at
        )


#: What 1..5 mean (shown above the statements).
SCALE_LABELS = (
    (1, _lazy("Strongly disagree")),
    (2, _lazy("Disagree")),
    (3, _lazy("Neither agree nor disagree")),
    (4, _lazy("Agree")),
    (5, _lazy("Strongly agree")),
)
