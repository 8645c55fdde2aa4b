"""Writes of the findings and of their sources (interviews and documents, with quotes).

A finding belongs to one engagement; its dimension and every source (interview or document)
must belong to that same engagement, else the write is refused naming the field. Severity goes
from 1 to 5. A finding is coded from an interview or a document (`code_finding`: the finding
and its first source in one transaction) or on its own with several sources at once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core.services import create_child, tenant_delete, tenant_update

from ..models import Engagement, Finding, FindingSource


def _clean_finding(engagement: Engagement, fields: dict) -> dict:
    if isinstance(fields.get("statement"), str):
        fields["statement"] = fields["statement"].strip()
    errors = {}
    dimension = fields.get("dimension")
    if dimension is not None and dimension.engagement_id != engagement.pk:
        errors["dimension"] = _("Choose a dimension of this engagement.")
    severity = fields.get("severity")
    if "severity" in fields and (severity is None or not 1 <= severity <= 5):
        errors["severity"] = _("The severity goes from 1 (minor) to 5 (critical).")
    if "statement" in fields and not fields["statement"]:
        errors["statement"] = _("Write the finding.")
    if errors:
        raise ValidationError(errors)
    return fields


def _check_origin(engagement_id: int, interview, document) -> None:
    if (interview is None) == (document is None):
        raise ValidationError(_("A source is either an interview or a document."))
    if interview is not None and interview.engagement_id != engagement_id:
        raise ValidationError({"interview": _("Choose an interview of this engagement.")})
    if document is not None and document.engagement_id != engagement_id:
        raise ValidationError({"document": _("Choose a document of this engagement.")})


def finding_create(
    engagement: Engagement,
    *,
    user,
    request=None,
    interviews=(),
    documents=(),
    **fields,
) -> Finding:
    """A finding on its own, with any number of sources (interviews and documents, no quote)."""
    fields = _clean_finding(engagement, fields)
    interviews, documents = list(interviews or ()), list(documents or ())
    for interview in interviews:
        _check_origin(engagement.pk, interview, None)
    for document in documents:
        _check_origin(engagement.pk, None, document)
    with transaction.atomic():
        finding = create_child(
            Finding, "engagement", engagement, user=user, request=request, **fields
        )
        for interview in interviews:
            source_create(finding, user=user, request=request, interview=interview)
        for document in documents:
            source_create(finding, user=user, request=request, document=document)
    return finding


def code_finding(
    engagement: Engagement,
    *,
    user,
    request=None,
    interview=None,
    document=None,
    quote: str = "",
    anonymise: bool = True,
    **fields,
) -> Finding:
    """Code a finding from one interview or one document, with its supporting quote."""
    fields = _clean_finding(engagement, fields)
    _check_origin(engagement.pk, interview, document)
    with transaction.atomic():
        finding = create_child(
            Finding, "engagement", engagement, user=user, request=request, **fields
        )
        source_create(
            finding,
            user=user,
            request=request,
            interview=interview,
            document=document,
            quote=quote,
            anonymise=anonymise,
        )
    return finding


def finding_update(finding, *, user, expected_version, request=None, **changes) -> Finding:
    return tenant_update(
        finding,
        user=user,
        expected_version=expected_version,
        request=request,
        **_clean_finding(finding.engagement, changes),
    )


def finding_delete(finding, *, user, expected_version=None, request=None) -> None:
    with transaction.atomic():
        for source in list(finding.sources.all()):
            tenant_delete(source, user=user, request=request)
        tenant_delete(finding, user=user, expected_version=expected_version, request=request)


def source_create(
    finding: Finding,
    *,
    user,
    request=None,
    interview=None,
    document=None,
    quote: str = "",
    anonymise: bool = True,
) -> FindingSource:
    _check_origin(finding.engagement_id, interview, document)
    return create_child(
        FindingSource,
        "finding",
        finding,
        user=user,
        request=request,
        interview=interview,
        document=document,
        quote=(quote or "").strip(),
        anonymise=bool(anonymise),
    )


def source_update(source, *, user, expected_version, request=None, **changes) -> FindingSource:
    interview = changes.get("interview", source.interview)
    document = changes.get("document", source.document)
    _check_origin(source.finding.engagement_id, interview, document)
    if isinstance(changes.get("quote"), str):
        changes["quote"] = changes["quote"].strip()
    return tenant_update(
        source, user=user, expected_version=expected_version, request=request, **changes
    )


def source_delete(source, *, user, expected_version=None, request=None) -> None:
    tenant_delete(source, user=user, expected_version=expected_version, request=request)
