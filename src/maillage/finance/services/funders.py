"""Writes of funders and of the resources received outside agreements (dues, sales, gifts,
patronage…), with the seed 002 typology: who brings a resource limits its kinds."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.services import tenant_create, tenant_delete, tenant_update
from maillage.ecosystem.identifiers import clean_siren

from ..models import Funder, FunderLevel, FunderSource, Resource, ResourceKind
from ..models.funding import RESOURCE_KIND_OF

# org-id.guide: a list code (country or "XI"/"XM" + registry) then the identifier in it,
# e.g. FR-RCS-123456789, GB-CHC-1234567, XI-IATI-…
_ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,}-\S+$")
_DIGITS = re.compile(r"^[\d\s.\-]+$")


def allowed_kinds(source: str) -> list[str]:
    """The kinds of resources a source may bring, with a counterpart first."""
    return [
        RESOURCE_KIND_OF[(FunderSource(source), counterpart)].value
        for counterpart in (True, False)
        if (FunderSource(source), counterpart) in RESOURCE_KIND_OF
    ]


def clean_identifier(value: str) -> str:
    """A SIREN (9 digits, typed with or without spaces) or an org-id.guide identifier."""
    text = (value or "").strip()
    if not text:
        return ""
    if _DIGITS.match(text):
        return clean_siren(text)
    parts = text.split("-", 2)
    candidate = f"{parts[0].upper()}-{parts[1].upper()}-{parts[2]}" if len(parts) == 3 else text
    if not _ORG_ID.match(candidate):
        raise ValidationError(
            _(
                "Enter a SIREN (9 digits) or an org-id.guide identifier such as "
                "FR-RCS-123456789; “%(value)s” is neither."
            )
            % {"value": text}
        )
    return candidate


# --- funders ---------------------------------------------------------------------------------


def _normalise_funder(fields: dict) -> None:
    if isinstance(fields.get("name"), str):
        fields["name"] = fields["name"].strip()
    if "identifier" in fields:
        try:
            fields["identifier"] = clean_identifier(fields["identifier"])
        except ValidationError as error:
            raise ValidationError({"identifier": error.messages}) from error
    source = fields.get("source")
    if source and source != FunderSource.PUBLIC:
        fields["level"] = FunderLevel.OTHER  # only public funders sit at a level
    elif source == FunderSource.PUBLIC and not fields.get("level", FunderLevel.OTHER):
        fields["level"] = FunderLevel.OTHER


def _check_funder(workspace, fields: dict, funder: Funder | None = None) -> None:
    name = fields.get("name", funder.name if funder else "")
    taken = Funder.objects.filter(workspace=workspace, name__iexact=name)
    if funder is not None:
        taken = taken.exclude(pk=funder.pk)
    if name and taken.exists():
        raise ValidationError({"name": _("Another funder already has this name.")})
    actor = fields.get("actor")
    if actor is not None and actor.workspace_id != workspace.pk:
        raise ValidationError({"actor": _("This choice belongs to another workspace.")})
    source = fields.get("source")
    if funder is not None and source and source != funder.source:
        allowed = set(allowed_kinds(source))
        kinds = set(funder.resources.values_list("kind", flat=True))
        kinds |= set(funder.agreements.values_list("kind", flat=True))
        wrong = sorted(kinds - allowed)
        if wrong:
            raise ValidationError(
                {
                    "source": _(
                        "This funder's resources or agreements include %(kinds)s, which "
                        "%(source)s cannot bring: change their kind first."
                    )
                    % {
                        "kinds": ", ".join(str(ResourceKind(k).label) for k in wrong),
                        "source": str(FunderSource(source).label).lower(),
                    }
                }
            )


def funder_create(*, workspace, user, request=None, **fields) -> Funder:
    _normalise_funder(fields)
    _check_funder(workspace, fields)
    if not fields.get("identifier") and fields.get("actor") is not None:
        fields["identifier"] = fields["actor"].siren or ""
    return tenant_create(Funder, workspace=workspace, user=user, request=request, **fields)


def funder_update(
    funder: Funder, *, user, expected_version: int | None, request=None, **changes
) -> Funder:
    _normalise_funder(changes)
    _check_funder(funder.workspace, changes, funder)
    return tenant_update(
        funder, user=user, expected_version=expected_version, request=request, **changes
    )


def funder_usage(funder: Funder) -> dict[str, int]:
    return {
        "agreements": funder.agreements.count(),
        "resources": funder.resources.count(),
        "budget_lines": funder.budget_lines.count(),
    }


def funder_delete(funder: Funder, *, user, expected_version=None, request=None) -> None:
    """Delete a funder that no agreement, resource or budget line names."""
    usage = funder_usage(funder)
    parts = []
    if usage["agreements"]:
        parts.append(
            ngettext("%(count)d agreement", "%(count)d agreements", usage["agreements"])
            % {"count": usage["agreements"]}
        )
    if usage["resources"]:
        parts.append(
            ngettext("%(count)d resource", "%(count)d resources", usage["resources"])
            % {"count": usage["resources"]}
        )
    if usage["budget_lines"]:
        parts.append(
            ngettext(
                "%(count)d project budget line",
                "%(count)d project budget lines",
                usage["budget_lines"],
            )
            % {"count": usage["budget_lines"]}
        )
    if parts:
        raise ValidationError(
            _(
                "%(name)s cannot be deleted: %(used)s name it. Delete or move them first; "
                "the funder's history stays otherwise."
            )
            % {"name": funder.name, "used": ", ".join(parts)}
        )
    tenant_delete(funder, user=user, expected_version=expected_version, request=request)


# --- resources -------------------------------------------------------------------------------


def _check_resource(workspace, fields: dict, resource: Resource | None = None) -> None:
    funder = fields.get("funder", resource.funder if resource else None)
    if funder is not None and funder.workspace_id != workspace.pk:
        raise ValidationError({"funder": _("This choice belongs to another workspace.")})
    project = fields.get("project", resource.project if resource else None)
    if project is not None and project.workspace_id != workspace.pk:
        raise ValidationError({"project": _("This choice belongs to another workspace.")})
    year = fields.get("year", resource.year if resource else None)
    if (
        project is not None
        and year
        and not project.start_date.year <= year <= project.end_date.year
    ):
        raise ValidationError(
            {
                "year": _("%(project)s runs from %(start)s to %(end)s.")
                % {
                    "project": project.code,
                    "start": project.start_date.year,
                    "end": project.end_date.year,
                }
            }
        )


def resource_create(*, workspace, user, funder: Funder, request=None, **fields) -> Resource:
    if isinstance(fields.get("label"), str):
        fields["label"] = fields["label"].strip()
    fields["funder"] = funder
    _check_resource(workspace, fields)
    return tenant_create(Resource, workspace=workspace, user=user, request=request, **fields)


def resource_update(
    resource: Resource, *, user, expected_version: int | None, request=None, **changes
) -> Resource:
    if isinstance(changes.get("label"), str):
        changes["label"] = changes["label"].strip()
    _check_resource(resource.workspace, changes, resource)
    return tenant_update(
        resource, user=user, expected_version=expected_version, request=request, **changes
    )


def resource_delete(resource: Resource, *, user, expected_version=None, request=None) -> None:
    tenant_delete(resource, user=user, expected_version=expected_version, request=request)
