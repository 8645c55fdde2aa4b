"""Writes of the funder report: the explanation of a line's variance (CERFA 15059 asks for one
wherever the actual amount differs markedly from the planned one).

An explanation is keyed by the agreement and the report line (`60`, `indirect`, `74:region`…).
Saving an empty text deletes it. Optimistic locking: the form carries the version of the
explanation it was built from, 0 when there was none; if the stored explanation changed, was
written or was deleted meanwhile, nothing is written and `StaleObjectError` is raised.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maillage.core.exceptions import StaleObjectError
from maillage.core.services import tenant_create, tenant_delete, tenant_update

from ..models import FundingAgreement, VarianceExplanation
from ..models.accounts import CHARGE_CATEGORIES
from ..reports.cerfa import INDIRECT, OTHER_PRODUCTS, SUBSIDY_LINES

#: The longest explanation accepted (a few paragraphs: the form has little room for more).
MAX_LENGTH = 4000

#: Every line of the report that can carry an explanation (not the totals).
EXPLAINABLE_LINES = frozenset(
    [
        *CHARGE_CATEGORIES,
        INDIRECT,
        "86",
        "70",
        "73",
        "74",
        *(f"74:{key}" for key, _label in SUBSIDY_LINES),
        *OTHER_PRODUCTS,
        "87",
    ]
)


def variance_explanation_set(
    *,
    workspace,
    user,
    agreement: FundingAgreement,
    line: str,
    text: str,
    expected_version: int | None = None,
    request=None,
) -> VarianceExplanation | None:
    """Write (or, with an empty text, delete) the explanation of `line` in `agreement`'s report.

    `expected_version`: the version the user's form was built from, 0 for "there was none";
    None for internal callers ("whatever is stored now"). Returns the explanation, or None
    once deleted."""
    if agreement.workspace_id != workspace.pk:
        raise ValidationError(_("This agreement belongs to another workspace."))
    if line not in EXPLAINABLE_LINES:
        raise ValidationError({"line": _("This is not a line of the report.")})
    text = (text or "").strip()
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            {"text": _("Keep the explanation under %(count)s characters.") % {"count": MAX_LENGTH}}
        )
    with transaction.atomic():
        existing = (
            VarianceExplanation.objects.select_for_update()
            .filter(workspace=workspace, agreement=agreement, line=line)
            .first()
        )
        if existing is None:
            if expected_version not in (None, 0):  # it was deleted meanwhile
                raise StaleObjectError()
            if not text:
                return None
            try:
                with transaction.atomic():
                    return tenant_create(
                        VarianceExplanation,
                        workspace=workspace,
                        user=user,
                        request=request,
                        agreement=agreement,
                        line=line,
                        text=text,
                    )
            except IntegrityError as error:  # written by someone else a moment ago
                raise StaleObjectError() from error
            except ValidationError as error:  # the same, seen by the uniqueness check
                taken = VarianceExplanation.objects.filter(agreement=agreement, line=line)
                if taken.exists():
                    raise StaleObjectError() from error
                raise
        if expected_version == 0:  # the user wrote a first explanation; someone else did too
            raise StaleObjectError()
        if not text:
            tenant_delete(
                existing,
                user=user,
                expected_version=existing.version if expected_version is None else expected_version,
                request=request,
            )
            return None
        if text == existing.text and expected_version in (None, existing.version):
            return existing
        return tenant_update(
            existing,
            user=user,
            expected_version=expected_version,
            request=request,
            text=text,
        )
