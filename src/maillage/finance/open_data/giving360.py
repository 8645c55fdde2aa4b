"""The grants the workspace received, as a 360Giving data package (standard 1.4).

One grant per funding agreement awarded (signed or closed; a requested agreement has no award
decision yet and a refused one was never awarded):

- ``id``: ``360G-maillage-<workspace slug>-<agreement reference>`` (spaces in the reference
  become "-"): the prefix names the software and the workspace, the reference is unique in it;
- ``title``: the agreement's title; ``description``: the projects it funds, with their
  objectives (the agreement's notes are internal and never exported);
- ``currency`` EUR, ``amountAwarded`` the amount granted, ``awardDate`` the signature date
  (else the start of the eligible period), ``plannedDates`` the eligible period;
- ``amountDisbursed`` and ``disbursementTransaction``: the instalments received;
- ``recipientOrganization``: the workspace's association (see ``identity``);
  ``fundingOrganization``: the funder, with its identifier or one made up for it;
- ``classifications``: the kind of resource (seed 002 typology);
- ``dateModified``: when the agreement was last changed.

Amounts are written as JSON numbers. They go through ``float`` only to be written: an amount
in cents with at most 15 significant digits (the models allow 14) converts and prints back to
exactly the same decimal, so the file holds the figures to the cent.
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import FundingAgreement, Instalment, Project
from ..selectors.agreements import GRANTED
from . import identity

STANDARD_VERSION = "1.4"
CURRENCY = "EUR"
#: Agreements awarded: signed or closed (the amounts the dashboard counts as granted).
AWARDED = GRANTED
KIND_VOCABULARY = "maillage-resource-kind"
OBJECTIVES_LENGTH = 300

_WHITESPACE = re.compile(r"\s+")


def grant_id(workspace, reference: str) -> str:
    return f"{identity.PREFIX}-{identity.local_id(workspace.slug)}-{identity.local_id(reference)}"


def _number(amount: Decimal) -> float:
    """A JSON number for an amount in cents (exact: see the module's docstring)."""
    return float(amount)


def _timestamp(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _short(text: str, length: int = OBJECTIVES_LENGTH) -> str:
    text = _WHITESPACE.sub(" ", text or "").strip()
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def awarded_agreements(workspace):
    return (
        FundingAgreement.objects.filter(workspace=workspace, status__in=AWARDED)
        .select_related("funder", "funder__actor")
        .prefetch_related(
            Prefetch("projects", queryset=Project.objects.order_by("code", "pk")),
            Prefetch("instalments", queryset=Instalment.objects.order_by("received_on", "pk")),
        )
        .order_by("start_date", "reference", "pk")
    )


def describe(agreement: FundingAgreement) -> str:
    """The grant's description: the projects it funds and their objectives."""
    projects = list(agreement.projects.all())
    if not projects:
        return _("Funding agreement %(reference)s from %(funder)s.") % {
            "reference": agreement.reference,
            "funder": agreement.funder.name,
        }
    parts = []
    for project in projects:
        part = f"{project.name} ({project.code})"
        if objectives := _short(project.objectives).rstrip("."):
            part += f": {objectives}"
        parts.append(part)
    text = "; ".join(parts)
    if not text.endswith((".", "!", "?", "…")):
        text += "."
    return _("Funds the projects: %(projects)s") % {"projects": text}


def grant(agreement: FundingAgreement, workspace, organisation: identity.Organisation) -> dict:
    funder = agreement.funder
    grant_identifier = grant_id(workspace, agreement.reference)
    instalments = list(agreement.instalments.all())
    document = {
        "id": grant_identifier,
        "title": agreement.title,
        "description": describe(agreement),
        "currency": CURRENCY,
        "amountAwarded": _number(agreement.amount_granted),
        "awardDate": (agreement.signed_on or agreement.start_date).isoformat(),
        "plannedDates": [
            {
                "startDate": agreement.start_date.isoformat(),
                "endDate": agreement.end_date.isoformat(),
            }
        ],
        "recipientOrganization": [{"id": organisation.identifier, "name": organisation.name}],
        "fundingOrganization": [
            {
                "id": identity.funder_identifier(funder)
                or identity.funder_generated_identifier(workspace, funder),
                "name": funder.name,
            }
        ],
        "classifications": [
            {
                "vocabulary": KIND_VOCABULARY,
                "code": agreement.kind,
                "title": str(agreement.get_kind_display()),
            }
        ],
        "dateModified": _timestamp(agreement.updated_at),
    }
    if instalments:
        document["amountDisbursed"] = _number(sum((i.amount for i in instalments), Decimal(0)))
        document["disbursementTransaction"] = [
            {
                "id": f"{grant_identifier}-instalment-{instalment.pk}",
                "transactionDate": instalment.received_on.isoformat(),
                "currency": CURRENCY,
                "value": _number(instalment.amount),
            }
            for instalment in instalments
        ]
    return document


def grants(workspace) -> list[dict]:
    organisation = identity.workspace_organisation(workspace)
    return [
        grant(agreement, workspace, organisation) for agreement in awarded_agreements(workspace)
    ]


def package(workspace, *, now: datetime.datetime | None = None) -> dict:
    """The 360Giving data package: metadata, then the grants (at least one is required)."""
    now = now or timezone.now()
    organisation = identity.workspace_organisation(workspace)
    return {
        "version": STANDARD_VERSION,
        "title": _("Grants received by %(name)s") % {"name": workspace.name},
        "identifier": f"{identity.PREFIX}-{identity.local_id(workspace.slug)}-grants",
        "modified": _timestamp(now),
        "publisher": {"name": organisation.name, "identifier": organisation.identifier},
        "grants": [
            grant(agreement, workspace, organisation) for agreement in awarded_agreements(workspace)
        ],
    }


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
