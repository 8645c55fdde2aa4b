"""Writes of funding agreements and what hangs off them: the projects' funding keys, the
instalments received and the reporting deadlines."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.services import create_child, tenant_create, tenant_delete, tenant_update

from ..models import (
    AssignmentRule,
    FundingAgreement,
    FundingKey,
    Instalment,
    LedgerAllocation,
    Project,
    ReportingDeadline,
    TimeEntry,
)

# --- agreements ------------------------------------------------------------------------------


def _normalise_agreement(fields: dict) -> None:
    for name in ("reference", "title", "notes"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    if fields.get("indirect_rate") is not None and not fields["indirect_rate"]:
        fields["indirect_rate"] = None  # 0 % is no flat rate


def _check_agreement(
    workspace,
    fields: dict,
    projects: list[Project] | None,
    indicators: list | None,
    agreement: FundingAgreement | None = None,
) -> None:
    reference = fields.get("reference", agreement.reference if agreement else "")
    taken = FundingAgreement.objects.filter(workspace=workspace, reference__iexact=reference)
    if agreement is not None:
        taken = taken.exclude(pk=agreement.pk)
    if reference and taken.exists():
        raise ValidationError({"reference": _("Another agreement already has this reference.")})
    funder = fields.get("funder")
    if funder is not None and funder.workspace_id != workspace.pk:
        raise ValidationError({"funder": _("This choice belongs to another workspace.")})
    start = fields.get("start_date", agreement.start_date if agreement else None)
    end = fields.get("end_date", agreement.end_date if agreement else None)
    if start and end and end < start:
        raise ValidationError(
            {"end_date": _("The end of the eligible period must not be before its start.")}
        )
    signed_on = fields.get("signed_on")
    if signed_on and signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("This date is in the future.")})
    if projects is not None:
        if not projects:
            raise ValidationError({"projects": _("Choose the projects this agreement funds.")})
        if any(p.workspace_id != workspace.pk for p in projects):
            raise ValidationError({"projects": _("This choice belongs to another workspace.")})
        if start and end:
            outside = [p.code for p in projects if p.end_date < start or p.start_date > end]
            if outside:
                raise ValidationError(
                    {
                        "projects": ngettext(
                            "%(projects)s runs entirely outside the eligible period: nothing "
                            "of it could be funded.",
                            "%(projects)s run entirely outside the eligible period: nothing "
                            "of them could be funded.",
                            len(outside),
                        )
                        % {"projects": ", ".join(outside)}
                    }
                )
        if agreement is not None:
            kept = {p.pk for p in projects}
            keyed = list(agreement.keys.exclude(project_id__in=kept).select_related("project"))
            if keyed:
                raise ValidationError(
                    {
                        "projects": _(
                            "%(projects)s has a funding key on this agreement: delete the key "
                            "before removing the project."
                        )
                        % {"projects": ", ".join(k.project.code for k in keyed)}
                    }
                )
    if indicators is not None and any(i.workspace_id != workspace.pk for i in indicators):
        raise ValidationError(
            {"required_indicators": _("This choice belongs to another workspace.")}
        )


def agreement_create(
    *,
    workspace,
    user,
    projects: Iterable[Project],
    required_indicators: Iterable = (),
    request=None,
    **fields,
) -> FundingAgreement:
    projects = list(projects)
    indicators = list(required_indicators)
    _normalise_agreement(fields)
    _check_agreement(workspace, fields, projects, indicators)
    with transaction.atomic():
        agreement = tenant_create(
            FundingAgreement, workspace=workspace, user=user, request=request, **fields
        )
        agreement.projects.set(projects)
        agreement.required_indicators.set(indicators)
    return agreement


def agreement_update(
    agreement: FundingAgreement,
    *,
    user,
    expected_version: int | None,
    projects: Iterable[Project] | None = None,
    required_indicators: Iterable | None = None,
    request=None,
    **changes,
) -> FundingAgreement:
    projects = list(projects) if projects is not None else None
    indicators = list(required_indicators) if required_indicators is not None else None
    _normalise_agreement(changes)
    _check_agreement(agreement.workspace, changes, projects, indicators, agreement)
    with transaction.atomic():
        agreement = tenant_update(
            agreement, user=user, expected_version=expected_version, request=request, **changes
        )
        if projects is not None:
            agreement.projects.set(projects)
        if indicators is not None:
            agreement.required_indicators.set(indicators)
    return agreement


def agreement_usage(agreement: FundingAgreement) -> dict[str, int]:
    return {
        "time_entries": TimeEntry.objects.filter(agreement=agreement).count(),
        "ledger_allocations": LedgerAllocation.objects.filter(agreement=agreement).count(),
        "rules": AssignmentRule.objects.filter(agreement=agreement).count(),
        "keys": agreement.keys.count(),
        "instalments": agreement.instalments.count(),
        "deadlines": agreement.deadlines.count(),
    }


def agreement_delete(
    agreement: FundingAgreement, *, user, expected_version=None, request=None
) -> None:
    """Delete an agreement that no time entry or ledger line is charged to; its keys,
    instalments and deadlines go with it (the audit trail keeps them)."""
    usage = agreement_usage(agreement)
    parts = []
    if usage["time_entries"]:
        parts.append(
            ngettext(
                "%(count)d time entry is charged to it",
                "%(count)d time entries are charged to it",
                usage["time_entries"],
            )
            % {"count": usage["time_entries"]}
        )
    if usage["ledger_allocations"]:
        parts.append(
            ngettext(
                "%(count)d ledger line is charged to it",
                "%(count)d ledger lines are charged to it",
                usage["ledger_allocations"],
            )
            % {"count": usage["ledger_allocations"]}
        )
    if parts:
        raise ValidationError(
            _(
                "This agreement cannot be deleted: %(reasons)s. Mark it closed or refused "
                "instead (Edit › Status)."
            )
            % {"reasons": "; ".join(parts)}
        )
    with transaction.atomic():
        for related in (
            *agreement.keys.all(),
            *agreement.instalments.all(),
            *agreement.deadlines.all(),
        ):
            tenant_delete(related, user=user, request=request)
        tenant_delete(agreement, user=user, expected_version=expected_version, request=request)


# --- funding keys ----------------------------------------------------------------------------


def _check_key(agreement: FundingAgreement, project: Project, key: FundingKey | None = None):
    if project.workspace_id != agreement.workspace_id:
        raise ValidationError({"project": _("This choice belongs to another workspace.")})
    if not agreement.projects.filter(pk=project.pk).exists():
        raise ValidationError(
            {
                "project": _(
                    "This agreement does not fund %(project)s: add the project to the "
                    "agreement first."
                )
                % {"project": project}
            }
        )
    same = FundingKey.objects.filter(agreement=agreement, project=project)
    if key is not None:
        same = same.exclude(pk=key.pk)
    if same.exists():
        raise ValidationError(
            {"project": _("This agreement already has a key on this project: change it instead.")}
        )


def funding_key_create(
    agreement: FundingAgreement, *, user, project: Project, share, request=None
) -> FundingKey:
    _check_key(agreement, project)
    return create_child(
        FundingKey,
        "agreement",
        agreement,
        user=user,
        request=request,
        project=project,
        share=share,
    )


def funding_key_update(
    key: FundingKey, *, user, expected_version: int | None, request=None, **changes
) -> FundingKey:
    changes.pop("agreement", None)
    project = changes.get("project", key.project)
    _check_key(key.agreement, project, key)
    return tenant_update(
        key, user=user, expected_version=expected_version, request=request, **changes
    )


def funding_key_delete(key: FundingKey, *, user, expected_version=None, request=None) -> None:
    tenant_delete(key, user=user, expected_version=expected_version, request=request)


# --- instalments -----------------------------------------------------------------------------


def _check_instalment(fields: dict) -> None:
    received_on = fields.get("received_on")
    if received_on and received_on > timezone.localdate():
        raise ValidationError(
            {
                "received_on": _(
                    "An instalment is recorded once received: this date is in the future."
                )
            }
        )
    if isinstance(fields.get("reference"), str):
        fields["reference"] = fields["reference"].strip()


def instalment_create(agreement: FundingAgreement, *, user, request=None, **fields) -> Instalment:
    _check_instalment(fields)
    return create_child(Instalment, "agreement", agreement, user=user, request=request, **fields)


def instalment_update(
    instalment: Instalment, *, user, expected_version: int | None, request=None, **changes
) -> Instalment:
    changes.pop("agreement", None)
    _check_instalment(changes)
    return tenant_update(
        instalment, user=user, expected_version=expected_version, request=request, **changes
    )


def instalment_delete(instalment: Instalment, *, user, expected_version=None, request=None) -> None:
    tenant_delete(instalment, user=user, expected_version=expected_version, request=request)


# --- reporting deadlines ---------------------------------------------------------------------


def _check_deadline(fields: dict) -> None:
    submitted_on = fields.get("submitted_on")
    if submitted_on and submitted_on > timezone.localdate():
        raise ValidationError(
            {"submitted_on": _("Record the submission once made: this date is in the future.")}
        )
    if isinstance(fields.get("label"), str):
        fields["label"] = fields["label"].strip()


def deadline_create(
    agreement: FundingAgreement, *, user, request=None, **fields
) -> ReportingDeadline:
    _check_deadline(fields)
    return create_child(
        ReportingDeadline, "agreement", agreement, user=user, request=request, **fields
    )


def deadline_update(
    deadline: ReportingDeadline, *, user, expected_version: int | None, request=None, **changes
) -> ReportingDeadline:
    changes.pop("agreement", None)
    _check_deadline(changes)
    return tenant_update(
        deadline, user=user, expected_version=expected_version, request=request, **changes
    )


def deadline_submit(
    deadline: ReportingDeadline, *, user, expected_version: int | None, on=None, request=None
) -> ReportingDeadline:
    """Mark the deadline met: submitted `on` (today by default)."""
    return deadline_update(
        deadline,
        user=user,
        expected_version=expected_version,
        request=request,
        submitted_on=on or timezone.localdate(),
    )


def deadline_delete(
    deadline: ReportingDeadline, *, user, expected_version=None, request=None
) -> None:
    tenant_delete(deadline, user=user, expected_version=expected_version, request=request)
