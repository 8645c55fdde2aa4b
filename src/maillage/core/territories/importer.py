"""Import communes and EPCI from the official decoupage-administratif JSON files.

`import_territories(directory)` reads `communes.json` and `epci.json` (format of the
`@etalab/decoupage-administratif` package's `data/` directory), keeps the current communes
(`type == "commune-actuelle"`), links each one to its department (one of the 101 built-in ones;
communes of the overseas collectivities get none) and to its EPCI (from the EPCI `membres`), and
upserts everything in one transaction. Only new or changed rows are written, so a second run with
the same files writes nothing. Rows that are no longer in the files are kept (other data may point
at them) and counted.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .builtin import load_builtin_territories
from .models import EPCI, Commune, Department
from .normalize import normalize_search_text

CURRENT_COMMUNE = "commune-actuelle"
BATCH_SIZE = 500

EPCI_FIELDS = ["name", "kind", "population"]
COMMUNE_FIELDS = ["name", "search_name", "department", "epci", "postal_codes", "population"]


class TerritoryImportError(Exception):
    """A missing, unreadable or malformed input file."""


@dataclass
class ImportResult:
    communes: int = 0
    communes_created: int = 0
    communes_updated: int = 0
    communes_absent: int = 0  # in the database, not in the file: kept
    epci: int = 0
    epci_created: int = 0
    epci_updated: int = 0
    epci_absent: int = 0
    without_department: dict[str, int] = field(default_factory=dict)  # collectivity code → count
    without_epci: int = 0
    unknown_members: list[str] = field(default_factory=list)  # EPCI members not in communes.json


def _read_list(path: Path) -> list:
    if not path.is_file():
        raise TerritoryImportError(_("File not found: %(path)s") % {"path": path})
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except json.JSONDecodeError as error:
        raise TerritoryImportError(
            _("%(path)s is not valid JSON (line %(line)s, column %(column)s: %(message)s)")
            % {"path": path, "line": error.lineno, "column": error.colno, "message": error.msg}
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise TerritoryImportError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
        ) from error
    if not isinstance(data, list):
        raise TerritoryImportError(_("%(path)s must contain a JSON list.") % {"path": path})
    return data


def _require(path: Path, index: int, entry, key: str, kind=str):
    value = entry.get(key) if isinstance(entry, dict) else None
    if not isinstance(value, kind) or (kind is str and not value):
        raise TerritoryImportError(
            _("%(path)s: entry %(index)s has no valid “%(key)s”.")
            % {"path": path.name, "index": index, "key": key}
        )
    return value


def _population(value) -> int | None:
    return value if isinstance(value, int) and value >= 0 else None


def _parse_epci(path: Path, rows: list) -> tuple[dict[str, dict], dict[str, str]]:
    epcis: dict[str, dict] = {}
    member_of: dict[str, str] = {}
    for index, entry in enumerate(rows):
        siren = _require(path, index, entry, "code")
        if len(siren) != 9 or not siren.isdigit():
            raise TerritoryImportError(
                _("%(path)s: entry %(index)s has an invalid SIREN “%(code)s”.")
                % {"path": path.name, "index": index, "code": siren}
            )
        epcis[siren] = {
            "name": _require(path, index, entry, "nom"),
            "kind": _require(path, index, entry, "type"),
            "population": _population(entry.get("populationMunicipale")),
        }
        for member in _require(path, index, entry, "membres", list):
            code = member.get("code") if isinstance(member, dict) else None
            if not isinstance(code, str) or not code:
                raise TerritoryImportError(
                    _("%(path)s: entry %(index)s has a member without a code.")
                    % {"path": path.name, "index": index}
                )
            member_of[code] = siren
    return epcis, member_of


def _parse_communes(path: Path, rows: list, member_of: dict[str, str]) -> dict[str, dict]:
    department_codes = set(Department.objects.values_list("code", flat=True))
    communes: dict[str, dict] = {}
    for index, entry in enumerate(rows):
        if _require(path, index, entry, "type") != CURRENT_COMMUNE:
            continue
        code = _require(path, index, entry, "code")
        if len(code) != 5:
            raise TerritoryImportError(
                _("%(path)s: entry %(index)s has an invalid INSEE code “%(code)s”.")
                % {"path": path.name, "index": index, "code": code}
            )
        name = _require(path, index, entry, "nom")
        department = _require(path, index, entry, "departement")
        postal_codes = entry.get("codesPostaux") or []
        communes[code] = {
            "name": name,
            "search_name": normalize_search_text(name),
            "department_id": department if department in department_codes else None,
            "epci_id": member_of.get(code),
            "postal_codes": [str(postal_code) for postal_code in postal_codes],
            "population": _population(entry.get("population")),
        }
        if department not in department_codes:
            communes[code]["outside"] = department
    return communes


def _upsert(model, key: str, rows: dict[str, dict], fields: list[str]) -> tuple[int, int, int]:
    """Write new and changed rows; return (created, updated, absent from `rows`)."""
    columns = [model._meta.get_field(name).attname for name in fields]
    existing = {
        values[0]: dict(zip(columns, values[1:], strict=True))
        for values in model.objects.values_list(key, *columns)
    }
    to_write = [
        model(**{key: code}, **values)
        for code, values in rows.items()
        if existing.get(code) != values
    ]
    model.objects.bulk_create(
        to_write,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=[key],
        update_fields=fields,
    )
    created = sum(1 for code in rows if code not in existing)
    absent = sum(1 for code in existing if code not in rows)
    return created, len(to_write) - created, absent


def import_territories(directory: Path | str) -> ImportResult:
    """Load `communes.json` and `epci.json` from `directory`; raise TerritoryImportError."""
    directory = Path(directory)
    if not directory.is_dir():
        raise TerritoryImportError(_("Directory not found: %(path)s") % {"path": directory})
    communes_path, epci_path = directory / "communes.json", directory / "epci.json"
    commune_rows, epci_rows = _read_list(communes_path), _read_list(epci_path)

    result = ImportResult()
    with transaction.atomic():
        load_builtin_territories()
        epcis, member_of = _parse_epci(epci_path, epci_rows)
        communes = _parse_communes(communes_path, commune_rows, member_of)
        result.unknown_members = sorted(set(member_of) - set(communes))
        for values in communes.values():
            outside = values.pop("outside", None)
            if outside is not None:
                result.without_department[outside] = result.without_department.get(outside, 0) + 1
            if values["epci_id"] is None:
                result.without_epci += 1

        result.epci = len(epcis)
        result.epci_created, result.epci_updated, result.epci_absent = _upsert(
            EPCI, "siren", epcis, EPCI_FIELDS
        )
        result.communes = len(communes)
        result.communes_created, result.communes_updated, result.communes_absent = _upsert(
            Commune, "code", communes, COMMUNE_FIELDS
        )
    return result
