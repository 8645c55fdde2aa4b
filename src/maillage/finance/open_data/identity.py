"""Who the organisations of the open-data exports are: the workspace's own association, and
its funders, with org-id.guide identifiers (https://org-id.guide).

A French organisation's identifier is its SIREN in the list ``FR-RCS`` (the one IATI's
OrganisationRegistrationAgency codelist and 360Giving recommend for France):
``FR-RCS-123456789``.

The workspace's own identifier is looked for, in order:

1. in the setting ``MAILLAGE_ORGANISATION_IDENTIFIERS``, a mapping of workspace slugs to a
   SIREN or an org-id.guide identifier (``{"alliance-demo": "FR-RCS-123456789"}``);
2. in the workspace's ecosystem: the actor whose name matches the workspace's (the same name
   key as duplicate detection: accents, case and small words ignored) and has a SIREN;
3. else a fallback that says it is one: ``360G-maillage-<workspace slug>`` (360Giving's form
   for an organisation without a registered number: a prefix, then an internal id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from maillage.ecosystem.models import Actor, Profile
from maillage.ecosystem.services import name_key

from ..models import Funder, FunderLevel, FunderSource

#: The prefix of the identifiers this software makes up (grants, organisations without one).
PREFIX = "360G-maillage"
FRENCH_REGISTER = "FR-RCS"
SETTING = "MAILLAGE_ORGANISATION_IDENTIFIERS"

_FRENCH_NUMBER = re.compile(
    r"^(?:FR-(?:RCS|SIRET|SIREN|INSEE)-)?(?P<siren>\d{9})(?:\d{5})?$", re.IGNORECASE
)
_SPACES = re.compile(r"\s+")

# IATI OrganisationType codes.
GOVERNMENT = "10"
LOCAL_GOVERNMENT = "11"
OTHER_PUBLIC_SECTOR = "15"
NATIONAL_NGO = "22"
MULTILATERAL = "40"
FOUNDATION = "60"
PRIVATE_SECTOR = "70"
ACADEMIC = "80"
OTHER = "90"

#: An ecosystem actor's profile → IATI OrganisationType (the most precise source).
TYPE_OF_PROFILE = {
    Profile.ASSOCIATION_VOLUNTEER: NATIONAL_NGO,
    Profile.ASSOCIATION_EMPLOYER: NATIONAL_NGO,
    Profile.ASSOCIATION_LARGE: NATIONAL_NGO,
    Profile.FOUNDATION: FOUNDATION,
    Profile.ESS_ENTERPRISE: PRIVATE_SECTOR,
    Profile.COMPANY_TPE: PRIVATE_SECTOR,
    Profile.COMPANY_PME: PRIVATE_SECTOR,
    Profile.COMPANY_ETI: PRIVATE_SECTOR,
    Profile.COMPANY_GE: PRIVATE_SECTOR,
    Profile.PUBLIC_EU: MULTILATERAL,
    Profile.PUBLIC_STATE: GOVERNMENT,
    Profile.PUBLIC_REGION: LOCAL_GOVERNMENT,
    Profile.PUBLIC_DEPARTMENT: LOCAL_GOVERNMENT,
    Profile.PUBLIC_EPCI: LOCAL_GOVERNMENT,
    Profile.PUBLIC_COMMUNE: LOCAL_GOVERNMENT,
    Profile.INTERMEDIARY: NATIONAL_NGO,
    Profile.FUNDER: PRIVATE_SECTOR,
    Profile.ACADEMIC: ACADEMIC,
    Profile.EXPERT: PRIVATE_SECTOR,
}

#: A public funder's level → IATI OrganisationType (when no ecosystem actor says better).
TYPE_OF_LEVEL = {
    FunderLevel.EU: MULTILATERAL,
    FunderLevel.STATE: GOVERNMENT,
    FunderLevel.REGION: LOCAL_GOVERNMENT,
    FunderLevel.DEPARTMENT: LOCAL_GOVERNMENT,
    FunderLevel.MUNICIPAL: LOCAL_GOVERNMENT,
    FunderLevel.SOCIAL_BODIES: OTHER_PUBLIC_SECTOR,
    FunderLevel.OTHER: OTHER_PUBLIC_SECTOR,
}

#: Who brings the resources → IATI OrganisationType, for a funder that is not public.
TYPE_OF_SOURCE = {
    FunderSource.MEMBERS: OTHER,
    FunderSource.PRIVATE_PERSONS: OTHER,
    FunderSource.PRIVATE_ORGANISATIONS: PRIVATE_SECTOR,
}


def org_id(value: str) -> str:
    """An identifier as org-id.guide writes it.

    A French number names the legal unit in ``FR-RCS``: a SIREN becomes ``FR-RCS-<SIREN>``;
    a SIRET (an establishment: SIREN + 5 digits) and the lists org-id.guide does not hold or
    has withdrawn (``FR-SIRET-…``, ``FR-SIREN-…``, ``FR-INSEE-…``) become the SIREN's
    ``FR-RCS`` identifier. Anything else is kept as written.
    """
    text = _SPACES.sub("", value or "")
    french = _FRENCH_NUMBER.match(text)
    if french:
        return f"{FRENCH_REGISTER}-{french['siren']}"
    return text


def local_id(text: str) -> str:
    """A piece of an identifier made up here: no spaces (each run of them becomes "-")."""
    return _SPACES.sub("-", (text or "").strip())


@dataclass(frozen=True)
class Organisation:
    """The workspace's association as the exports name it."""

    identifier: str
    name: str
    iati_type: str
    source: str  # "setting", "ecosystem" or "fallback"

    @property
    def is_fallback(self) -> bool:
        return self.source == "fallback"


def workspace_organisation(workspace) -> Organisation:
    """The workspace's own identifier (see the module's docstring for the order of sources)."""
    configured = (getattr(settings, SETTING, None) or {}).get(workspace.slug, "")
    actor = (
        Actor.objects.filter(workspace=workspace, name_key=name_key(workspace.name))
        .exclude(siren="")
        .order_by("pk")
        .first()
    )
    iati_type = TYPE_OF_PROFILE.get(actor.profile, NATIONAL_NGO) if actor else NATIONAL_NGO
    if configured:
        return Organisation(org_id(configured), workspace.name, iati_type, "setting")
    if actor is not None:
        return Organisation(org_id(actor.siren), workspace.name, iati_type, "ecosystem")
    return Organisation(
        f"{PREFIX}-{local_id(workspace.slug)}", workspace.name, iati_type, "fallback"
    )


def funder_identifier(funder: Funder) -> str:
    """The funder's registered identifier (its own, else its ecosystem actor's SIREN), or ""."""
    if funder.identifier:
        return org_id(funder.identifier)
    actor = funder.actor if funder.actor_id else None
    if actor is not None and actor.siren:
        return org_id(actor.siren)
    return ""


def funder_generated_identifier(workspace, funder: Funder) -> str:
    """An identifier made up for a funder without one: ``360G-maillage-<slug>-funder-<id>``."""
    return f"{PREFIX}-{local_id(workspace.slug)}-funder-{funder.pk}"


def funder_iati_type(funder: Funder) -> str:
    """The funder's IATI OrganisationType: from its ecosystem actor's profile, else from who
    it is (a public funder by its level; members and private persons "other"; private
    organisations "private sector")."""
    actor = funder.actor if funder.actor_id else None
    if actor is not None and actor.profile in TYPE_OF_PROFILE:
        return TYPE_OF_PROFILE[actor.profile]
    if funder.source == FunderSource.PUBLIC:
        return TYPE_OF_LEVEL.get(funder.level, OTHER_PUBLIC_SECTOR)
    return TYPE_OF_SOURCE.get(funder.source, OTHER)
