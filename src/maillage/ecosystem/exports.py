"""Exports of the registry (docs/ecosystem-imports.md):

- CSV and XLSX with the columns of the actors import (an export imports back as is), through
  `core.exports` (formula-injection safe);
- data·inclusion v1 `Structure` objects (JSON);
- Open Referral HSDS 3.0 `organization` objects (JSON).

Actors are read by pages of `EXPORT_CHUNK` in primary-key order (keyset pagination: a constant
cost per page, a few queries per page, never the whole registry in memory), so that a response
can stream millions of actors. Contacts (personal data) are never exported here; notes are in
the CSV/XLSX (the registry's members read them anyway) but never in the open-standard formats.
"""

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date

from django.db.models import F, QuerySet
from django.utils import timezone

from maillage.core import exports
from maillage.core.exports import Kind
from maillage.core.sdg import mask_to_goals

from .importers import actor_columns
from .models import MISSION_FIELDS, Actor, Audience, Theme

EXPORT_CHUNK = 2000
#: Excel's limit, header row excluded.
XLSX_MAX_ROWS = 1_048_575

_FIELDS = (
    "id",
    "name",
    "aliases",
    "profile",
    "siren",
    "siret",
    "rna",
    "website",
    "description",
    "level",
    "region_id",
    "department_id",
    "epci_id",
    "commune_id",
    *MISSION_FIELDS.values(),
    "sdg_goals",
    "latitude",
    "longitude",
    "notes",
    "last_verified_on",
    "updated_at",
)


def actor_records(
    workspace, queryset: QuerySet[Actor], *, chunk_size: int = EXPORT_CHUNK
) -> Iterator[dict]:
    """The actors of `queryset` as dicts, with their theme and audience names and commune.

    Three queries per page of `chunk_size` actors (the actors, their themes, their audiences)
    plus two at the start; safe to consume after the view returned (inside a streamed
    response): the querysets are built here, in the caller's scope, before the first page.
    """
    themes = dict(Theme.objects.filter(workspace=workspace).values_list("id", "name"))
    audiences = dict(Audience.objects.filter(workspace=workspace).values_list("id", "name"))
    pages = (
        queryset.order_by("pk")
        .values(*_FIELDS)
        .annotate(commune_name=F("commune__name"), commune_postal_codes=F("commune__postal_codes"))
    )
    theme_links = Actor.themes.through.objects.all()
    audience_links = Actor.audiences.through.objects.all()

    def generate() -> Iterator[dict]:
        last = 0
        while True:
            page = list(pages.filter(pk__gt=last)[:chunk_size])
            if not page:
                return
            ids = [record["id"] for record in page]
            by_actor = defaultdict(list)
            for actor_id, theme_id in theme_links.filter(actor_id__in=ids).values_list(
                "actor_id", "theme_id"
            ):
                by_actor[actor_id].append(themes.get(theme_id, ""))
            for_actor = defaultdict(list)
            for actor_id, audience_id in audience_links.filter(actor_id__in=ids).values_list(
                "actor_id", "audience_id"
            ):
                for_actor[actor_id].append(audiences.get(audience_id, ""))
            for record in page:
                record["themes"] = sorted(by_actor.get(record["id"], ()))
                record["audiences"] = sorted(for_actor.get(record["id"], ()))
                record["missions"] = [m for m, field in MISSION_FIELDS.items() if record[field]]
                record["alias_list"] = [
                    line.strip() for line in (record["aliases"] or "").splitlines() if line.strip()
                ]
                yield record
            last = ids[-1]

    return generate()


# --- CSV / XLSX: the import layout --------------------------------------------------------------


def _joined(key: str, separator: str = " | "):
    return lambda record: separator.join(str(v) for v in record[key]) or None


_VALUES = {
    "aliases": _joined("alias_list"),
    "missions": _joined("missions"),
    "themes": _joined("themes"),
    "audiences": _joined("audiences"),
    "sdg": lambda record: ", ".join(str(g) for g in mask_to_goals(record["sdg_goals"])) or None,
    "region": "region_id",
    "department": "department_id",
    "epci": "epci_id",
    "commune": "commune_id",
}
_KINDS = {"latitude": Kind.NUMBER, "longitude": Kind.NUMBER, "last_verified_on": Kind.DATE}


def table_columns() -> list[exports.Column]:
    """One export column per import column, headed by the import column's label."""
    return [
        exports.Column(
            _VALUES.get(column.name, column.name),
            str(column.label),
            kind=_KINDS.get(column.name, Kind.TEXT),
        )
        for column in actor_columns()
    ]


# --- data·inclusion v1 Structure ---------------------------------------------------------------

DATA_INCLUSION_SOURCE = "maillage"


def _local_date(moment) -> date:
    # Never after today, whatever the server's time zone (the schema refuses future dates).
    return min(timezone.localdate(moment), date.today())


def data_inclusion_name(record: dict) -> str | None:
    """`nom`: 3 to 150 characters, not ending with a full stop.

    A name shorter than 3 characters gets its first other name (or its commune) in
    parentheses: "UE (Union européenne)"; without either, the actor is left out (None).
    """
    name = record["name"].strip().rstrip(".").strip() or record["name"].strip()
    if len(name) < 3:
        extra = next(iter(record["alias_list"]), "") or record.get("commune_name") or ""
        if not extra:
            return None
        name = f"{name} ({extra})"
    if len(name) > 150:
        name = name[:149].rstrip() + "…"
    return name


def data_inclusion_structure(workspace, record: dict) -> dict | None:
    """A data·inclusion v1 Structure (omitted keys are null), or None when it cannot be one."""
    name = data_inclusion_name(record)
    if name is None:
        return None
    structure = {
        "source": DATA_INCLUSION_SOURCE,
        "id": f"{DATA_INCLUSION_SOURCE}--{workspace.slug}-{record['id']}",
        "nom": name,
        "date_maj": _local_date(record["updated_at"]).isoformat(),
    }
    description = (record["description"] or "").strip()
    if len(description) >= 5:
        structure["description"] = description[:10000]
    if record["siret"]:
        structure["siret"] = record["siret"]
    if record["website"]:
        structure["site_web"] = record["website"]
    if record["commune_id"]:
        structure["code_insee"] = record["commune_id"]
        structure["commune"] = record["commune_name"]
        postal_codes = record.get("commune_postal_codes") or []
        if len(postal_codes) == 1:
            structure["code_postal"] = postal_codes[0]
    if record["latitude"] is not None and record["longitude"] is not None:
        structure["latitude"] = float(record["latitude"])
        structure["longitude"] = float(record["longitude"])
    return structure


def data_inclusion_structures(workspace, records: Iterable[dict]) -> Iterator[dict]:
    for record in records:
        structure = data_inclusion_structure(workspace, record)
        if structure is not None:
            yield structure


# --- Open Referral HSDS 3.0 organization -------------------------------------------------------

#: Root of the stable UUIDs of the exports (uuid5 of "workspace:<id>:actor:<id>[:<part>]").
HSDS_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://maillage.example/hsds")


def hsds_id(workspace, actor_id: int, part: str = "") -> str:
    name = f"workspace:{workspace.pk}:actor:{actor_id}" + (f":{part}" if part else "")
    return str(uuid.uuid5(HSDS_NAMESPACE, name))


def hsds_organization(workspace, record: dict) -> dict:
    """An HSDS 3.0 organization: name, description, website, identifiers and location."""
    organization_id = hsds_id(workspace, record["id"])
    organization = {
        "id": organization_id,
        "name": record["name"],
        "description": record["description"] or "",
    }
    if record["alias_list"]:
        organization["alternate_name"] = record["alias_list"][0]
    if record["website"]:
        organization["website"] = record["website"]
    identifiers = [
        {
            "id": hsds_id(workspace, record["id"], kind),
            "organization_id": organization_id,
            "identifier_type": label,
            "identifier": record[kind],
        }
        for kind, label in (("siren", "SIREN"), ("siret", "SIRET"), ("rna", "RNA"))
        if record[kind]
    ]
    if identifiers:
        organization["organization_identifiers"] = identifiers
    has_point = record["latitude"] is not None and record["longitude"] is not None
    if has_point or record["commune_id"]:
        location = {
            "id": hsds_id(workspace, record["id"], "location"),
            "location_type": "physical",
            "organization_id": organization_id,
        }
        if record["commune_id"]:
            location["name"] = record["commune_name"]
            location["external_identifier"] = record["commune_id"]
            location["external_identifier_type"] = "INSEE commune code"
        if has_point:
            location["latitude"] = float(record["latitude"])
            location["longitude"] = float(record["longitude"])
        organization["locations"] = [location]
    return organization


def hsds_organizations(workspace, records: Iterable[dict]) -> Iterator[dict]:
    for record in records:
        yield hsds_organization(workspace, record)


# --- JSON streaming -------------------------------------------------------------------------


def iter_json_array(items: Iterable[dict], *, batch: int = 500) -> Iterator[str]:
    """A JSON array written piece by piece (one object per line), for a streamed response."""
    yield "["
    first = True
    pieces: list[str] = []
    for item in items:
        pieces.append(("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False))
        first = False
        if len(pieces) >= batch:
            yield "".join(pieces)
            pieces = []
    pieces.append("\n]\n")
    yield "".join(pieces)
