"""Imports of the ecosystem registry (docs/ecosystem-imports.md), through the core framework:

- `actors`: actors from CSV/XLSX, matched on SIRET, else RNA, else SIREN, else on the
  normalised name and place;
- `relations`: relations from CSV/XLSX, matched on (source, target, type);
- `data_inclusion`: a JSON list of data·inclusion v1 `Structure` objects.

Written for large files: each chunk of rows costs a fixed number of queries (actors by
identifier, communes, EPCI, the themes and audiences of matched actors) and is saved with
`bulk_create` / `bulk_update`. Regions, departments, themes, audiences and relation types are
read once per import. The derived fields the services keep (territory completed upwards,
search text, name key) are computed here from those caches, without a query per row.

Audit: the engine records one audit event per committed import (kind, counts, author); no
event is written per row (it would cost one INSERT per actor and halve the import rate).
"""

import functools
import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import luhn

from maillage.core.exports import FORMULA_TRIGGERS
from maillage.core.imports import Action, Column, Importer, parsers, register
from maillage.core.imports.parsing import normalize_header
from maillage.core.models import EPCI, Commune, Department, Region
from maillage.core.sdg import SDG_GOALS, goals_to_mask
from maillage.core.territories.normalize import normalize_search_text

from .identifiers import clean_rna, clean_siren, clean_siret
from .models import (
    MISSION_FIELDS,
    Actor,
    Audience,
    Level,
    Mission,
    Profile,
    Relation,
    RelationType,
    Theme,
)
from .search import insert_actors_indexed_in_bulk
from .services import name_key, search_text

# --- vocabularies ------------------------------------------------------------------------------

#: What people write in a "profile" column, besides the codes and the French/English labels.
#: Compared after `normalize_header` (case, accents, `_-.` ignored).
PROFILE_ALIASES = {
    # associations
    "association bénévole": Profile.ASSOCIATION_VOLUNTEER,
    "association de bénévoles": Profile.ASSOCIATION_VOLUNTEER,
    "association 100 % bénévole": Profile.ASSOCIATION_VOLUNTEER,
    "association 100% bénévole": Profile.ASSOCIATION_VOLUNTEER,
    "association sans salarié": Profile.ASSOCIATION_VOLUNTEER,
    "association sans salariés": Profile.ASSOCIATION_VOLUNTEER,
    "asso bénévole": Profile.ASSOCIATION_VOLUNTEER,
    "volunteer association": Profile.ASSOCIATION_VOLUNTEER,
    "association": Profile.ASSOCIATION_EMPLOYER,
    "asso": Profile.ASSOCIATION_EMPLOYER,
    "association employeuse": Profile.ASSOCIATION_EMPLOYER,
    "association employeur": Profile.ASSOCIATION_EMPLOYER,
    "association avec salariés": Profile.ASSOCIATION_EMPLOYER,
    "petite association employeuse": Profile.ASSOCIATION_EMPLOYER,
    "employer association": Profile.ASSOCIATION_EMPLOYER,
    "grande association": Profile.ASSOCIATION_LARGE,
    "grosse association": Profile.ASSOCIATION_LARGE,
    "association de grande taille": Profile.ASSOCIATION_LARGE,
    "large association": Profile.ASSOCIATION_LARGE,
    # foundations
    "fondation": Profile.FOUNDATION,
    "fondation d'entreprise": Profile.FOUNDATION,
    "fondation reconnue d'utilité publique": Profile.FOUNDATION,
    "fonds de dotation": Profile.FOUNDATION,
    "endowment fund": Profile.FOUNDATION,
    # ESS enterprises
    "ess": Profile.ESS_ENTERPRISE,
    "entreprise ess": Profile.ESS_ENTERPRISE,
    "entreprise de l'ess": Profile.ESS_ENTERPRISE,
    "entreprise de l'économie sociale et solidaire": Profile.ESS_ENTERPRISE,
    "entreprise sociale": Profile.ESS_ENTERPRISE,
    "esus": Profile.ESS_ENTERPRISE,
    "coopérative": Profile.ESS_ENTERPRISE,
    "scop": Profile.ESS_ENTERPRISE,
    "scic": Profile.ESS_ENTERPRISE,
    "cae": Profile.ESS_ENTERPRISE,
    "coopérative d'activité et d'emploi": Profile.ESS_ENTERPRISE,
    "mutuelle": Profile.ESS_ENTERPRISE,
    "entreprise d'insertion": Profile.ESS_ENTERPRISE,
    "structure d'insertion": Profile.ESS_ENTERPRISE,
    "siae": Profile.ESS_ENTERPRISE,
    "entreprise adaptée": Profile.ESS_ENTERPRISE,
    "social enterprise": Profile.ESS_ENTERPRISE,
    "cooperative": Profile.ESS_ENTERPRISE,
    # companies
    "tpe": Profile.COMPANY_TPE,
    "très petite entreprise": Profile.COMPANY_TPE,
    "micro entreprise": Profile.COMPANY_TPE,
    "microentreprise": Profile.COMPANY_TPE,
    "auto entrepreneur": Profile.COMPANY_TPE,
    "pme": Profile.COMPANY_PME,
    "petite et moyenne entreprise": Profile.COMPANY_PME,
    "petite entreprise": Profile.COMPANY_PME,
    "moyenne entreprise": Profile.COMPANY_PME,
    "sme": Profile.COMPANY_PME,
    "eti": Profile.COMPANY_ETI,
    "entreprise de taille intermédiaire": Profile.COMPANY_ETI,
    "ge": Profile.COMPANY_GE,
    "grande entreprise": Profile.COMPANY_GE,
    "grand groupe": Profile.COMPANY_GE,
    "large company": Profile.COMPANY_GE,
    # public authorities
    "union européenne": Profile.PUBLIC_EU,
    "ue": Profile.PUBLIC_EU,
    "eu": Profile.PUBLIC_EU,
    "commission européenne": Profile.PUBLIC_EU,
    "european union": Profile.PUBLIC_EU,
    "état": Profile.PUBLIC_STATE,
    "services de l'état": Profile.PUBLIC_STATE,
    "préfecture": Profile.PUBLIC_STATE,
    "ministère": Profile.PUBLIC_STATE,
    "dreets": Profile.PUBLIC_STATE,
    "ddets": Profile.PUBLIC_STATE,
    "state": Profile.PUBLIC_STATE,
    "région": Profile.PUBLIC_REGION,
    "conseil régional": Profile.PUBLIC_REGION,
    "collectivité régionale": Profile.PUBLIC_REGION,
    "département": Profile.PUBLIC_DEPARTMENT,
    "conseil départemental": Profile.PUBLIC_DEPARTMENT,
    "conseil général": Profile.PUBLIC_DEPARTMENT,
    "epci": Profile.PUBLIC_EPCI,
    "intercommunalité": Profile.PUBLIC_EPCI,
    "interco": Profile.PUBLIC_EPCI,
    "communauté de communes": Profile.PUBLIC_EPCI,
    "communauté d'agglomération": Profile.PUBLIC_EPCI,
    "agglomération": Profile.PUBLIC_EPCI,
    "communauté urbaine": Profile.PUBLIC_EPCI,
    "métropole": Profile.PUBLIC_EPCI,
    "commune": Profile.PUBLIC_COMMUNE,
    "mairie": Profile.PUBLIC_COMMUNE,
    "ville": Profile.PUBLIC_COMMUNE,
    "municipalité": Profile.PUBLIC_COMMUNE,
    "ccas": Profile.PUBLIC_COMMUNE,
    "collectivité": Profile.PUBLIC_COMMUNE,
    "collectivité locale": Profile.PUBLIC_COMMUNE,
    "collectivité territoriale": Profile.PUBLIC_COMMUNE,
    # the others
    "intermédiaire": Profile.INTERMEDIARY,
    "tête de réseau": Profile.INTERMEDIARY,
    "tête de pont": Profile.INTERMEDIARY,
    "réseau": Profile.INTERMEDIARY,
    "fédération": Profile.INTERMEDIARY,
    "cress": Profile.INTERMEDIARY,
    "ptce": Profile.INTERMEDIARY,
    "network head": Profile.INTERMEDIARY,
    "intermediary": Profile.INTERMEDIARY,
    "financeur": Profile.FUNDER,
    "financeur solidaire": Profile.FUNDER,
    "investisseur social": Profile.FUNDER,
    "investisseur solidaire": Profile.FUNDER,
    "mécène": Profile.FUNDER,
    "banque": Profile.FUNDER,
    "funder": Profile.FUNDER,
    "social investor": Profile.FUNDER,
    "université": Profile.ACADEMIC,
    "universitaire": Profile.ACADEMIC,
    "académique": Profile.ACADEMIC,
    "recherche": Profile.ACADEMIC,
    "laboratoire": Profile.ACADEMIC,
    "école": Profile.ACADEMIC,
    "enseignement supérieur": Profile.ACADEMIC,
    "university": Profile.ACADEMIC,
    "research": Profile.ACADEMIC,
    "experte": Profile.EXPERT,
    "consultant": Profile.EXPERT,
    "consultante": Profile.EXPERT,
    "cabinet de conseil": Profile.EXPERT,
    "bureau d'études": Profile.EXPERT,
}

LEVEL_ALIASES = {
    "internationale": Level.INTERNATIONAL,
    "mondial": Level.INTERNATIONAL,
    "monde": Level.INTERNATIONAL,
    "européen": Level.EUROPE,
    "européenne": Level.EUROPE,
    "européen(ne)": Level.EUROPE,
    "ue": Level.EUROPE,
    "eu": Level.EUROPE,
    "european": Level.EUROPE,
    "nationale": Level.NATIONAL,
    "france": Level.NATIONAL,
    "régional": Level.REGIONAL,
    "régionale": Level.REGIONAL,
    "région": Level.REGIONAL,
    "départemental": Level.DEPARTMENTAL,
    "départementale": Level.DEPARTMENTAL,
    "département": Level.DEPARTMENTAL,
    "locale": Level.LOCAL,
    "commune": Level.LOCAL,
    "communal": Level.LOCAL,
    "communale": Level.LOCAL,
    "municipal": Level.LOCAL,
    "intercommunal": Level.LOCAL,
    "intercommunale": Level.LOCAL,
    "intercommunalité": Level.LOCAL,
    "epci": Level.LOCAL,
    "quartier": Level.LOCAL,
    "ville": Level.LOCAL,
    "virtuel": Level.VIRTUAL,
    "virtuelle": Level.VIRTUAL,
    "en ligne": Level.VIRTUAL,
    "online": Level.VIRTUAL,
    "numérique": Level.VIRTUAL,
    "à distance": Level.VIRTUAL,
}

MISSION_ALIASES = {
    "sensibiliser": Mission.RAISE_AWARENESS,
    "sensibilisation": Mission.RAISE_AWARENESS,
    "informer": Mission.RAISE_AWARENESS,
    "information": Mission.RAISE_AWARENESS,
    "promouvoir": Mission.RAISE_AWARENESS,
    "promotion": Mission.RAISE_AWARENESS,
    "awareness": Mission.RAISE_AWARENESS,
    "observer": Mission.OBSERVE,
    "observation": Mission.OBSERVE,
    "veille": Mission.OBSERVE,
    "capitaliser": Mission.OBSERVE,
    "capitalisation": Mission.OBSERVE,
    "recenser": Mission.OBSERVE,
    "watch": Mission.OBSERVE,
    "mettre en relation": Mission.CONNECT,
    "mise en relation": Mission.CONNECT,
    "relier": Mission.CONNECT,
    "connecter": Mission.CONNECT,
    "animer": Mission.CONNECT,
    "animation": Mission.CONNECT,
    "accompagner": Mission.SUPPORT,
    "accompagnement": Mission.SUPPORT,
    "soutenir": Mission.SUPPORT,
    "soutien": Mission.SUPPORT,
    "former": Mission.SUPPORT,
    "formation": Mission.SUPPORT,
}

#: data·inclusion "réseaux porteurs" that say which profile a structure has (the first that
#: matches wins); any other structure is an employer association, the most common case.
DATA_INCLUSION_PROFILES = {
    "ccas-cias": Profile.PUBLIC_COMMUNE,
    "communes": Profile.PUBLIC_COMMUNE,
    "departements": Profile.PUBLIC_DEPARTMENT,
    "maisons-des-solidarites": Profile.PUBLIC_DEPARTMENT,
    "mdph": Profile.PUBLIC_DEPARTMENT,
    "maison-departementale-de-lautonomie": Profile.PUBLIC_DEPARTMENT,
    "regions": Profile.PUBLIC_REGION,
    "france-travail": Profile.PUBLIC_STATE,
    "pjj": Profile.PUBLIC_STATE,
    "spip": Profile.PUBLIC_STATE,
    "ei": Profile.ESS_ENTERPRISE,
    "etti": Profile.ESS_ENTERPRISE,
    "eiti": Profile.ESS_ENTERPRISE,
    "ea": Profile.ESS_ENTERPRISE,
    "eatt": Profile.ESS_ENTERPRISE,
    "geiq": Profile.ESS_ENTERPRISE,
    "france-active": Profile.FUNDER,
    "initiative-france": Profile.FUNDER,
    "reseau-entreprendre": Profile.FUNDER,
    "adie": Profile.FUNDER,
}
DATA_INCLUSION_DEFAULT_PROFILE = Profile.ASSOCIATION_EMPLOYER

# --- cell parsers ------------------------------------------------------------------------------

_ALIAS_SEPARATORS = re.compile(r"\s*(?:\||\r?\n)\s*")
_TERM_SEPARATORS = re.compile(r"\s*(?:[|;]|\r?\n)\s*")
_MISSION_SEPARATORS = re.compile(r"\s*(?:[|,;]|\r?\n)\s*")
_SDG_SEPARATORS = re.compile(r"[\s,;|/]+")


def memoized(parser, size: int = 4096):
    """A parser remembering its answers: the same few words repeat over thousands of rows.

    Only for parsers returning immutable values (errors are never remembered)."""
    return functools.lru_cache(maxsize=size)(parser)


def unneutralise(text: str) -> str:
    """Undo `core.exports.neutralise`: the quote our exports put before a would-be formula
    ("'=SUM…", "'-Collectif") is dropped, so that an export imports back as it was."""
    if text.startswith("'") and text[1:].lstrip().startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def text(*, max_length: int | None = None):
    plain = parsers.text(max_length=max_length)
    return lambda value: plain(unneutralise(value))


def split_list(value: str, separators: re.Pattern = _ALIAS_SEPARATORS) -> list[str]:
    """The non-empty parts of a cell, once each, in order."""
    return list(dict.fromkeys(part.strip() for part in separators.split(value) if part.strip()))


def parse_aliases(value: str) -> list[str]:
    return split_list(unneutralise(value))


@memoized
def parse_terms(value: str) -> tuple[str, ...]:
    return tuple(split_list(unneutralise(value), _TERM_SEPARATORS))


_mission = parsers.choice(Mission.choices, aliases=MISSION_ALIASES)
parse_profile = memoized(parsers.choice(Profile.choices, aliases=PROFILE_ALIASES))
parse_level = memoized(parsers.choice(Level.choices, aliases=LEVEL_ALIASES))


@memoized
def parse_missions(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_mission(part) for part in split_list(value, _MISSION_SEPARATORS)))


def parse_siret(value: str) -> str:
    """`clean_siret`, with a fast path for the common case (14 digits, both checksums right)."""
    if (
        len(value) == 14
        and value.isdigit()
        and not luhn.checksum(value)
        and not luhn.checksum(value[:9])
    ):
        return value
    return clean_siret(value)


def parse_siren(value: str) -> str:
    if len(value) == 9 and value.isdigit() and not luhn.checksum(value):
        return value
    return clean_siren(value)


_SDG_PREFIXES = ("odd", "sdg", "goal", "objectif", "obj")


@memoized
def parse_sdg(value: str) -> tuple[int, ...]:
    goals = []
    for token in _SDG_SEPARATORS.split(normalize_header(value)):
        for prefix in _SDG_PREFIXES:
            if token.startswith(prefix):
                token = token[len(prefix) :]
                break
        if not token:
            continue
        number = int(token) if token.isdigit() else None
        if number not in SDG_GOALS:
            raise ValidationError(
                _("“%(value)s” is not a Sustainable Development Goal: write numbers from 1 to 17.")
                % {"value": token[:20]}
            )
        goals.append(number)
    return tuple(sorted(set(goals)))


parse_website = parsers.url(max_length=300)


def coordinate(limit: int):
    number = parsers.decimal(max_digits=30, decimal_places=20)

    def parse(value: str) -> Decimal:
        result = number(value)
        if abs(result) > limit:
            raise ValidationError(_("Must be between -%(limit)s and %(limit)s.") % {"limit": limit})
        return result.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)

    return parse


def parse_json_list(value: str) -> list:
    """A list cell of a JSON file (the core reader writes lists as JSON text)."""
    try:
        decoded = json.loads(value)
    except ValueError:
        decoded = split_list(value, _MISSION_SEPARATORS)
    if isinstance(decoded, str):
        decoded = [decoded]
    if not isinstance(decoded, list):
        raise ValidationError(_("A list was expected."))
    return [str(item) for item in decoded if item not in (None, "")]


# --- territories ---------------------------------------------------------------------------

_COMMUNE_CODE = re.compile(r"^(?:\d{4,5}|2[AB]\d{3})$", re.IGNORECASE)
_DEPARTMENT_CODE = re.compile(r"^(?:\d{1,3}|2[AB])$", re.IGNORECASE)
_CODE_IN_PARENTHESES = re.compile(r"\(([0-9AB]{1,5})\)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class _Commune:
    code: str
    name: str
    search_name: str
    department_id: str | None
    epci_id: str | None
    postal_codes: tuple


_normalized = functools.lru_cache(maxsize=4096)(normalize_header)


class Territories:
    """Regions and departments (read once), communes and EPCI (read per chunk, then kept)."""

    def __init__(self):
        self.regions = dict(Region.objects.values_list("code", "name"))
        self.departments = {
            code: (name, region)
            for code, name, region in Department.objects.values_list("code", "name", "region_id")
        }
        self.region_names = {normalize_header(name): code for code, name in self.regions.items()}
        self.department_names = {
            normalize_header(name): code for code, (name, _r) in self.departments.items()
        }
        self.communes: dict[str, _Commune | None] = {}
        self.communes_by_name: dict[str, list[str]] = {}
        self.epcis: dict[str, bool] = {}
        self.stubs: dict[str, SimpleNamespace] = {}

    # codes and names as people write them ------------------------------------------------

    def region_code(self, text: str) -> str | None:
        code = text.strip()
        if match := _CODE_IN_PARENTHESES.search(code):
            code = match.group(1)
        if code.isdigit():
            code = code.zfill(2)
            return code if code in self.regions else None
        return self.region_names.get(normalize_header(code))

    def department_code(self, text: str) -> str | None:
        code = text.strip()
        if match := _CODE_IN_PARENTHESES.search(code):
            code = match.group(1)
        if _DEPARTMENT_CODE.match(code):
            code = code.upper().zfill(2)
            return code if code in self.departments else None
        return self.department_names.get(normalize_header(code))

    @staticmethod
    def commune_code(text: str) -> str | None:
        """The INSEE code written in the cell, or None when the cell holds a name."""
        code = text.strip()
        if match := _CODE_IN_PARENTHESES.search(code):
            code = match.group(1)
        if _COMMUNE_CODE.match(code):
            return code.upper().zfill(5)
        return None

    # per-chunk loading --------------------------------------------------------------------

    def load(self, codes, names, epcis) -> None:
        """Read the communes with these codes or (normalised) names, and these EPCI: 2 queries."""
        codes = {c for c in codes if c not in self.communes}
        names = {n for n in names if n not in self.communes_by_name}
        if codes or names:
            communes = Commune.objects.order_by()
            found = communes.filter(code__in=codes) if codes else communes.none()
            if names:
                found = found | communes.filter(search_name__in=names)
            for code, name, search_name, department, epci, postal in found.values_list(
                "code", "name", "search_name", "department_id", "epci_id", "postal_codes"
            ):
                self.communes[code] = _Commune(
                    code, name, search_name, department, epci, tuple(postal or ())
                )
                if search_name in names:
                    self.communes_by_name.setdefault(search_name, []).append(code)
            for code in codes:
                self.communes.setdefault(code, None)
            for name in names:
                self.communes_by_name.setdefault(name, [])
        epcis = {e for e in epcis if e not in self.epcis}
        if epcis:
            known = set(
                EPCI.objects.filter(siren__in=epcis).order_by().values_list("siren", flat=True)
            )
            for siren in epcis:
                self.epcis[siren] = siren in known

    def stub(self, code: str | None, name: str | None = None):
        """The commune's name as `services.search_text` reads it (`.name`), without a query."""
        if not code:
            return None
        stub = self.stubs.get(code)
        if stub is None:
            known = self.communes.get(code)
            stub = SimpleNamespace(name=known.name if known else (name or ""))
            self.stubs[code] = stub
        return stub


# --- bulk writes ---------------------------------------------------------------------------------


def _max_params() -> int:
    if connection.vendor == "sqlite":
        raw = connection.connection
        getlimit = getattr(raw, "getlimit", None)
        return getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if getlimit else 999
    return 65535


def insert_rows(model, columns: list[str], rows: list[tuple], *, returning: bool = False):
    """Multi-row INSERTs of values ready for the database (`columns` are column names).

    Faster than `bulk_create` for large imports: no model instance and no per-field
    preparation per row (the caller prepares dates and decimals once per column kind).
    SQLite: `VALUES (…), (…)` batched under the parameter limit. PostgreSQL: one array per
    column through `UNNEST` (as `bulk_create` does since Django 5.2), so that the driver never
    parses thousands of placeholders. With `returning`, the new ids in the order of `rows`.
    """
    quote = connection.ops.quote_name
    # Table, column names and types come from the model; values are parameters.
    table, names = quote(model._meta.db_table), ", ".join(map(quote, columns))
    tail = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    if connection.vendor == "postgresql":
        fields = {field.column: field for field in model._meta.concrete_fields}
        arrays = ", ".join(
            "(%s)::{}[]".format(fields[column].db_type(connection).split("(")[0])
            for column in columns
        )
        sql = f"INSERT INTO {table} ({names}) SELECT * FROM UNNEST({arrays}){tail}"  # noqa: S608
        batch = 5000
    else:
        head = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608
        placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
        batch = max(1, min(_max_params(), 30000) // len(columns))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            if connection.vendor == "postgresql":
                cursor.execute(sql, [list(column) for column in zip(*part, strict=True)])
            else:
                cursor.execute(
                    head + ", ".join([placeholder] * len(part)) + tail,
                    [value for row in part for value in row],
                )
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


class ActorRowWriter:
    """Turns the `final` values of rows into database rows for `insert_rows`."""

    def __init__(self, workspace, user):
        fields = [f for f in Actor._meta.concrete_fields if not f.primary_key]
        self.columns = [f.column for f in fields]
        self.attnames = [f.attname for f in fields]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.defaults = {f.attname: f.get_default() for f in fields}
        self.defaults.update(
            workspace_id=workspace.pk,
            created_by_id=getattr(user, "pk", None),
            created_at=now,
            updated_at=now,
        )
        ops = connection.ops
        self.converters = {}
        for field in fields:
            if isinstance(field, models.DecimalField):
                self.converters[field.attname] = lambda value, f=field: (
                    ops.adapt_decimalfield_value(value, f.max_digits, f.decimal_places)
                )
            elif isinstance(field, models.DateField) and not isinstance(
                field, models.DateTimeField
            ):
                self.converters[field.attname] = ops.adapt_datefield_value

    def row(self, final: dict) -> tuple:
        values = {**self.defaults, **final}
        for attname, convert in self.converters.items():
            if values[attname] is not None:
                values[attname] = convert(values[attname])
        return tuple(values[attname] for attname in self.attnames)


# --- the actors pipeline, shared by the CSV/XLSX and the data·inclusion importers ------------

#: Canonical fields ("spec" keys) an importer fills from a row.
TEXT_FIELDS = ("website", "description", "notes", "level")
TERRITORY_KEYS = ("region", "department", "epci", "commune")
IDENTIFIERS = ("siret", "rna", "siren")


def _siret_mismatch(siren: str) -> str:
    return _(
        "This SIRET does not belong to the SIREN %(siren)s: a SIRET starts with its SIREN."
    ) % {"siren": siren}


class _Ambiguous(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


SEVERAL_MATCH = gettext_lazy(
    "Several actors of the registry match (%(names)s): merge them first "
    "(possible duplicates), or give a more precise identifier."
)


def _names(actors) -> str:
    shown = ", ".join(f"“{a.name}”" for a in actors[:3])
    return shown + (", …" if len(actors) > 3 else "")


class ActorPipeline(Importer):
    """Everything between the parsed row and the saved actor; subclasses map their columns.

    A subclass implements `to_spec(row)`: a dict with the canonical keys it has (name, aliases,
    profile, siren, siret, rna, website, description, level, region, department, epci, commune,
    commune_name, postal_code, missions, themes, audiences, sdg, latitude, longitude, notes,
    last_verified_on), only those its file carries. `spec_columns` maps a canonical key to the
    column reported in errors when the names differ.
    """

    chunk_size = 1000
    results_url_name = "ecosystem:home"
    spec_columns: dict[str, str] = {}

    # --- hooks for subclasses ----------------------------------------------------------------

    def to_spec(self, row) -> dict:
        raise NotImplementedError

    def file_has_territory(self, row) -> bool:
        return any(key in row.spec for key in TERRITORY_KEYS)

    def default_profile(self, row) -> str | None:
        return None

    # --- shared state ------------------------------------------------------------------------

    def column_for(self, key: str) -> str:
        return self.spec_columns.get(key, key)

    def _cache(self, context) -> dict:
        cache = context.cache
        if "territories" not in cache:
            cache["territories"] = Territories()
            cache["themes"] = self._terms(Theme, context.workspace)
            cache["audiences"] = self._terms(Audience, context.workspace)
            cache["claims"] = {}
        return cache

    @staticmethod
    def _terms(model, workspace) -> dict:
        terms = {}
        for pk, name in model.objects.filter(workspace=workspace).values_list("id", "name"):
            terms.setdefault(normalize_header(name), (pk, name))
        return terms

    # --- prepare: one pass over the chunk, a fixed number of queries ---------------------------

    def prepare(self, rows, context) -> None:
        super().prepare(rows, context)
        cache = self._cache(context)
        territories: Territories = cache["territories"]
        codes, names, epcis = set(), set(), set()
        for row in rows:
            row.problems = defaultdict(list)
            row.spec = self.to_spec(row)
            row.match = None
            self._check_identifiers(row)
            spec = row.spec
            if spec.get("commune"):
                code = territories.commune_code(spec["commune"])
                if code:
                    codes.add(code)
                else:
                    names.add(normalize_search_text(spec["commune"]))
            if spec.get("commune_name") and not spec.get("commune"):
                names.add(normalize_search_text(spec["commune_name"]))
            if spec.get("epci"):
                epcis.add(re.sub(r"\s", "", spec["epci"]))
        territories.load(codes, names, epcis)
        for row in rows:
            if self.file_has_territory(row):
                self._resolve_territory(row, territories)
            self._resolve_terms(row, cache)
        self._match(rows, context)

    def _problem(self, row, key: str, message: str) -> None:
        row.problems[self.column_for(key)].append(message)

    def _check_identifiers(self, row) -> None:
        spec = row.spec
        siret, siren = spec.get("siret") or "", spec.get("siren") or ""
        if siret and siren and not siret.startswith(siren):
            self._problem(
                row,
                "siret",
                _siret_mismatch(siren),
            )

    def _resolve_territory(self, row, territories: Territories) -> None:
        """Territory columns present: the most precise non-empty cell decides, upwards."""
        spec = row.spec
        region = department = epci = commune = None
        text = spec.get("region") or ""
        if text:
            region = territories.region_code(text)
            if region is None:
                self._problem(row, "region", _("Unknown region “%(value)s”.") % {"value": text})
        text = spec.get("department") or ""
        if text:
            department = territories.department_code(text)
            if department is None:
                self._problem(
                    row, "department", _("Unknown department “%(value)s”.") % {"value": text}
                )
        text = re.sub(r"\s", "", spec.get("epci") or "")
        if text:
            if territories.epcis.get(text):
                epci = text
            else:
                self._problem(
                    row,
                    "epci",
                    _("Unknown intercommunality (EPCI): “%(value)s” (write its SIREN).")
                    % {"value": text},
                )
        text = spec.get("commune") or ""
        if text or spec.get("commune_name"):
            commune = self._find_commune(row, territories, text, department)
        if commune is not None:
            found = territories.communes[commune]
            if department and found.department_id and department != found.department_id:
                self._problem(
                    row,
                    "department",
                    _("The commune %(commune)s is in the department %(department)s.")
                    % {"commune": found.name, "department": found.department_id},
                )
            department = found.department_id or department
            if epci and found.epci_id and epci != found.epci_id:
                self._problem(
                    row,
                    "epci",
                    _("The commune %(commune)s belongs to the intercommunality %(epci)s.")
                    % {"commune": found.name, "epci": found.epci_id},
                )
            epci = found.epci_id or epci
        if department:
            department_region = territories.departments[department][1]
            if region and region != department_region:
                self._problem(
                    row,
                    "region",
                    _("The department %(department)s is in the region %(region)s.")
                    % {"department": department, "region": department_region},
                )
            region = department_region
        row.territory = {
            "region_id": region,
            "department_id": department,
            "epci_id": epci,
            "commune_id": commune,
        }

    def _find_commune(self, row, territories: Territories, text: str, department) -> str | None:
        code = territories.commune_code(text) if text else None
        if code:
            if territories.communes.get(code) is None:
                self._problem(
                    row, "commune", _("Unknown commune code “%(value)s”.") % {"value": text}
                )
                return None
            return code
        name = text or row.spec.get("commune_name") or ""
        key = "commune" if text else "commune_name"
        candidates = [
            territories.communes[c]
            for c in territories.communes_by_name.get(normalize_search_text(name), [])
        ]
        if department:
            candidates = [c for c in candidates if c.department_id == department]
        postal = row.spec.get("postal_code")
        if postal and len(candidates) > 1:
            candidates = [c for c in candidates if postal in c.postal_codes] or candidates
        if len(candidates) == 1:
            return candidates[0].code
        if not candidates:
            self._problem(row, key, _("Unknown commune “%(value)s”.") % {"value": name})
        else:
            self._problem(
                row,
                key,
                _(
                    "Several communes are named “%(value)s” (%(codes)s): write the INSEE code, "
                    "or give the department."
                )
                % {"value": name, "codes": ", ".join(sorted(c.code for c in candidates)[:5])},
            )
        return None

    def _resolve_terms(self, row, cache) -> None:
        for key in ("themes", "audiences"):
            if key not in row.spec:
                continue
            terms = cache[key]
            ids = []
            for name in row.spec[key] or []:
                found = terms.get(_normalized(name))
                if found is None:
                    known = ", ".join(name for _pk, name in list(terms.values())[:20])
                    message = (
                        _("Unknown theme “%(value)s” (known: %(known)s).")
                        if key == "themes"
                        else _("Unknown audience “%(value)s” (known: %(known)s).")
                    )
                    self._problem(row, key, message % {"value": name, "known": known or "—"})
                else:
                    ids.append(found[0])
            row.spec[f"{key}_ids"] = sorted(set(ids))

    # --- matching ------------------------------------------------------------------------------

    def _match(self, rows, context) -> None:
        """Find the stored actor of every row: a few queries for the whole chunk.

        SIRETs first; the other identifiers (and names) only for the rows the SIRET did not
        settle, so that re-importing a file loads each actor once.
        """
        for row in rows:
            row.spec["name_key"] = name_key(row.spec.get("name") or "")
        # No ORDER BY: the default one (name) would make SQLite scan the workspace by name
        # instead of using the (partial) identifier indexes.
        base = (
            Actor.objects.filter(workspace=context.workspace)
            .annotate(_commune_name=F("commune__name"))
            .order_by()
        )
        loaded: dict[int, Actor] = {}

        def load(field, values) -> None:
            values.discard("")
            if values:
                # Excluding the empty value lets both databases use the partial indexes.
                for actor in base.filter(**{f"{field}__in": values}).exclude(**{field: ""}):
                    loaded.setdefault(actor.pk, actor)

        load("siret", {row.spec.get("siret") or "" for row in rows})
        by_siret = defaultdict(list)
        for actor in loaded.values():
            by_siret[actor.siret].append(actor)
        rest = [row for row in rows if not self.settled_by_siret(row, by_siret)]
        load("rna", {row.spec.get("rna") or "" for row in rest})
        load(
            "siren",
            {row.spec.get("siren") or (row.spec.get("siret") or "")[:9] for row in rest},
        )
        load("name_key", {row.spec["name_key"] for row in rest if self.matches_by_name(row)})
        index = {field: defaultdict(list) for field in ("siret", "rna", "siren", "name_key")}
        for actor in loaded.values():
            for field, by_value in index.items():
                if value := getattr(actor, field):
                    by_value[value].append(actor)
        for row in rows:
            try:
                row.match = self.find(row, index)
            except _Ambiguous as error:
                self._problem(row, error.field, error.message)
                continue
            if row.match is not None:
                row.key = ("actor", row.match.pk)
                context.existing[row.key] = row.match
        self._load_terms_of_matches(rows)

    def matches_by_name(self, row) -> bool:
        return not any(row.spec.get(k) for k in IDENTIFIERS)

    def settled_by_siret(self, row, by_siret: dict) -> bool:
        """Whether the actors found by SIRET (`{siret: [actors]}`) settle this row's match."""
        siret = row.spec.get("siret")
        return bool(siret) and siret in by_siret

    @staticmethod
    def _one(found: list, field: str, message):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise _Ambiguous(field, str(message) % {"names": _names(found)})
        return None

    def find(self, row, index):
        """The stored actor of this row, or None. Raises `_Ambiguous` with the cell to blame."""
        spec = row.spec
        siret, rna, siren = (spec.get(k) or "" for k in ("siret", "rna", "siren"))
        several = SEVERAL_MATCH
        if siret:
            if found := index["siret"].get(siret):
                return self._one(found, "siret", several)
            if rna and (found := [a for a in index["rna"].get(rna, []) if not a.siret]):
                return self._one(found, "rna", several)
            found = [
                a
                for a in index["siren"].get(siret[:9], [])
                if not a.siret and (not a.rna or not rna or a.rna == rna)
            ]
            return self._one(found, "siret", several)
        if rna:
            if found := index["rna"].get(rna):
                return self._one(found, "rna", several)
            if siren:
                found = [a for a in index["siren"].get(siren, []) if not a.rna]
                return self._one(found, "siren", several)
            return None
        if siren:
            found = index["siren"].get(siren, [])
            if len(found) > 1:
                found = [a for a in found if not a.siret] or found
            return self._one(found, "siren", several)
        found = [a for a in index["name_key"].get(spec["name_key"], []) if self._same_place(row, a)]
        return self._one(found, "name", several)

    def _same_place(self, row, actor) -> bool:
        """Rows without an identifier match on the name key and the place (see the docs)."""
        territory = getattr(row, "territory", None)
        if territory is None:  # the file has no territory column: the name alone
            return True
        for field in ("commune_id", "department_id", "epci_id", "region_id"):
            if territory[field]:
                return getattr(actor, field) == territory[field]
        return not (actor.commune_id or actor.department_id or actor.epci_id or actor.region_id)

    def _load_terms_of_matches(self, rows) -> None:
        """The themes and audiences of the matched actors, when the file sets them: 2 queries."""
        for key, model in (
            ("themes", Actor.themes.through),
            ("audiences", Actor.audiences.through),
        ):
            matched = [r.match.pk for r in rows if r.match is not None and key in r.spec]
            if not matched:
                continue
            column = "theme_id" if key == "themes" else "audience_id"
            current = defaultdict(set)
            for actor_id, term_id in model.objects.filter(actor_id__in=matched).values_list(
                "actor_id", column
            ):
                current[actor_id].add(term_id)
            for row in rows:
                if row.match is not None and key in row.spec:
                    row.spec[f"{key}_current"] = current.get(row.match.pk, set())

    # --- validation ----------------------------------------------------------------------------

    def validate_row(self, row, context) -> None:
        if row.problems:
            raise ValidationError(dict(row.problems))
        existing = row.match
        final = self._final(row, existing, context)
        errors = {}
        if not final.get("profile"):
            errors[self.column_for("profile")] = _(
                "A profile is required to create an actor (e.g. association, fondation, PME)."
            )
        if (
            final.get("siret")
            and final.get("siren")
            and not final["siret"].startswith(final["siren"])
        ):
            errors[self.column_for("siret")] = _siret_mismatch(final["siren"])
        if (final.get("latitude") is None) != (final.get("longitude") is None):
            missing = "longitude" if final.get("longitude") is None else "latitude"
            errors[self.column_for(missing)] = _(
                "Give both the latitude and the longitude, or neither."
            )
        if errors:
            raise ValidationError(errors)
        self._claim(row, context)
        row.final = final

    def _claim(self, row, context) -> None:
        """Two rows of one file must not describe the same actor."""
        claims = context.cache["claims"]
        spec = row.spec
        keys = [("actor", row.match.pk)] if row.match is not None else []
        for field in IDENTIFIERS:
            if spec.get(field):
                keys.append((field, spec[field]))
                break
        else:
            place = tuple(sorted((getattr(row, "territory", None) or {}).items()))
            keys.append(("name", spec["name_key"], place))
        for key in keys:
            first = claims.get(key)
            if first is not None and first != row.line:
                column = key[0] if key[0] in IDENTIFIERS else "name"
                raise ValidationError(
                    {
                        self.column_for(column): _(
                            "Duplicate: line %(line)s already describes this actor. "
                            "Each actor must appear on one row only."
                        )
                        % {"line": first}
                    }
                )
        for key in keys:
            claims[key] = row.line

    def _final(self, row, existing, context) -> dict:
        """The values of every concrete field to store (attnames), derived fields included."""
        spec = row.spec
        territories: Territories = context.cache["territories"]

        def current(attname, default=""):
            return getattr(existing, attname) if existing is not None else default

        final = {"name": spec["name"]}
        final["aliases"] = (
            "\n".join(spec["aliases"] or []) if "aliases" in spec else current("aliases")
        )
        final["profile"] = (
            spec.get("profile")
            or current("profile", None)
            or (self.default_profile(row) if existing is None else None)
        )
        for field in ("siret", "rna", "siren"):
            final[field] = (spec.get(field) or "") if field in spec else current(field)
        if final["siret"] and not final["siren"]:
            final["siren"] = final["siret"][:9]
        for field in TEXT_FIELDS:
            final[field] = (spec.get(field) or "") if field in spec else current(field)
        for field in ("latitude", "longitude", "last_verified_on"):
            final[field] = spec.get(field) if field in spec else current(field, None)
        territory = getattr(row, "territory", None)
        for field in ("region_id", "department_id", "epci_id", "commune_id"):
            final[field] = territory[field] if territory is not None else current(field, None)
        if "missions" in spec:
            chosen = set(spec["missions"] or ())
            for mission, field in MISSION_FIELDS.items():
                final[field] = mission in chosen
        elif existing is None:
            for field in MISSION_FIELDS.values():
                final[field] = False
        else:
            for field in MISSION_FIELDS.values():
                final[field] = getattr(existing, field)
        final["sdg_goals"] = (
            goals_to_mask(spec["sdg"] or ()) if "sdg" in spec else current("sdg_goals", 0)
        )
        commune_name = (
            existing._commune_name
            if existing is not None and final["commune_id"] == existing.commune_id
            else None
        )
        # `services.search_text` reads these four attributes only.
        probe = SimpleNamespace(
            name=final["name"],
            aliases=final["aliases"],
            description=final["description"],
            commune_id=final["commune_id"],
            commune=territories.stub(final["commune_id"], commune_name),
        )
        final["search_text"] = search_text(probe)
        final["name_key"] = spec["name_key"]
        return final

    # --- compare and save ----------------------------------------------------------------------

    def compare(self, row, existing, context) -> Action:
        final = row.final
        m2m = {}
        for key in ("themes", "audiences"):
            if f"{key}_ids" in row.spec:
                ids = set(row.spec[f"{key}_ids"])
                if existing is None or ids != row.spec.get(f"{key}_current", set()):
                    m2m[key] = ids
        row.m2m = m2m
        if existing is None:
            return Action.CREATE
        row.changes = {
            name: value for name, value in final.items() if getattr(existing, name) != value
        }
        row.new_version = existing.version + 1
        return Action.UPDATE if row.changes or m2m else Action.UNCHANGED

    def save_rows(self, rows, context) -> None:
        cache = context.cache
        if "writer" not in cache:
            cache["writer"] = ActorRowWriter(context.workspace, context.user)
        writer: ActorRowWriter = cache["writer"]
        created = [row for row in rows if row.action == Action.CREATE]
        if created:
            values = [writer.row(row.final) for row in created]
            ids = insert_actors_indexed_in_bulk(
                lambda: insert_rows(Actor, writer.columns, values, returning=True)
            )
            for row, pk in zip(created, ids, strict=True):
                row.saved_pk = pk
        now = timezone.now()
        updated = []
        fields = set()
        for row in rows:
            if row.action != Action.UPDATE:
                continue
            actor = row.existing
            for name, value in row.changes.items():
                setattr(actor, name, value)
            # Set, not incremented: a failed chunk is saved again row by row.
            actor.version = row.new_version
            actor.updated_at = now
            fields.update(row.changes)
            updated.append(actor)
            row.saved_pk = actor.pk
        if updated:
            Actor.objects.bulk_update(updated, [*sorted(fields), "version", "updated_at"])
        for key, model, column in (
            ("themes", Actor.themes.through, "theme_id"),
            ("audiences", Actor.audiences.through, "audience_id"),
        ):
            changed = [row for row in rows if key in row.m2m]
            if not changed:
                continue
            replaced = [row.saved_pk for row in changed if row.action == Action.UPDATE]
            if replaced:
                model.objects.filter(actor_id__in=replaced).delete()
            links = [(row.saved_pk, term) for row in changed for term in sorted(row.m2m[key])]
            if links:
                insert_rows(model, ["actor_id", column], links)

    @classmethod
    def layout(cls) -> list[dict]:
        layout = super().layout()
        for column in layout:
            column["is_key"] = column["name"] in cls.key_columns
        return layout

    key_columns: tuple[str, ...] = ()


# --- actors from CSV / XLSX ----------------------------------------------------------------


def actor_columns() -> tuple[Column, ...]:
    """The documented column layout (docs/ecosystem-imports.md); the CSV/XLSX exports write it."""
    return (
        Column(
            "name",
            gettext_lazy("Name"),
            required=True,
            aliases=("nom", "raison sociale", "dénomination", "nom de la structure", "structure"),
            parser=text(max_length=200),
            help_text=gettext_lazy("At most 200 characters."),
            example="Maison de l'Emploi de Saint-Étienne",
        ),
        Column(
            "aliases",
            gettext_lazy("Other names"),
            aliases=("autres noms", "alias", "sigle", "sigles", "acronym"),
            parser=parse_aliases,
            help_text=gettext_lazy("Acronyms and former names, separated by | or line breaks."),
            example="MDE | Maison de l'emploi",
        ),
        Column(
            "profile",
            gettext_lazy("Profile"),
            aliases=("profil", "type", "type de structure", "catégorie", "famille"),
            parser=parse_profile,
            help_text=gettext_lazy(
                "A profile code or label, or a common word: association, association bénévole, "
                "fondation, SCOP, PME, collectivité, région, EPCI, financeur, université… "
                "Required for a new actor; empty keeps the stored profile."
            ),
            example="association_employer",
        ),
        Column(
            "siret",
            gettext_lazy("SIRET"),
            aliases=("n° siret", "numéro siret", "numero siret"),
            parser=parse_siret,
            help_text=gettext_lazy(
                "14 digits (spaces allowed), checked. Identifies the actor first."
            ),
            example="552 100 554 00021",
        ),
        Column(
            "rna",
            gettext_lazy("RNA number"),
            aliases=("rna", "n° rna", "numéro rna", "numero rna", "identifiant rna"),
            parser=clean_rna,
            help_text=gettext_lazy("W followed by 9 digits. Identifies the actor without SIRET."),
            example="W751234567",
        ),
        Column(
            "siren",
            gettext_lazy("SIREN"),
            aliases=("n° siren", "numéro siren", "numero siren"),
            parser=parse_siren,
            help_text=gettext_lazy(
                "9 digits, checked. Filled from the SIRET when empty. Identifies the actor "
                "without SIRET nor RNA."
            ),
            example="552100554",
        ),
        Column(
            "website",
            gettext_lazy("Website"),
            aliases=("site web", "site internet", "site", "url", "web"),
            parser=parse_website,
            help_text=gettext_lazy("https:// is added when missing."),
            example="https://example.org",
        ),
        Column(
            "description",
            gettext_lazy("Description"),
            aliases=("présentation", "objet", "activité"),
            parser=text(),
        ),
        Column(
            "level",
            gettext_lazy("Territorial level"),
            aliases=("échelon", "niveau", "échelle", "niveau territorial", "échelon territorial"),
            parser=parse_level,
            help_text=gettext_lazy(
                "international, europe, national, regional, departmental, local, virtual — or "
                "international, européen, national, régional, départemental, local, virtuel."
            ),
            example="régional",
        ),
        Column(
            "region",
            gettext_lazy("Region"),
            aliases=("région", "code région", "code region"),
            help_text=gettext_lazy("Region code (84) or name. Filled from the department."),
            example="84",
        ),
        Column(
            "department",
            gettext_lazy("Department"),
            aliases=(
                "département",
                "code département",
                "code departement",
                "dept",
                "dép",
                "departement",
            ),
            help_text=gettext_lazy(
                "Department code (42, 2A, 974) or name. Filled from the commune."
            ),
            example="42",
        ),
        Column(
            "epci",
            gettext_lazy("Intercommunality (EPCI)"),
            aliases=("epci", "siren epci", "intercommunalité", "interco"),
            help_text=gettext_lazy("SIREN of the EPCI. Filled from the commune."),
            example="244200770",
        ),
        Column(
            "commune",
            gettext_lazy("Commune"),
            aliases=("code commune", "code insee", "insee", "code_insee", "ville", "localité"),
            help_text=gettext_lazy(
                "INSEE code (42218), or the name when the department is given or the name is "
                "unique in France."
            ),
            example="42218",
        ),
        Column(
            "missions",
            gettext_lazy("Missions"),
            aliases=("mission",),
            parser=parse_missions,
            help_text=gettext_lazy(
                "Separated by | or commas: raise_awareness, observe, connect, support — or "
                "sensibiliser, observer, mettre en relation, accompagner."
            ),
            example="sensibiliser | accompagner",
        ),
        Column(
            "themes",
            gettext_lazy("Themes"),
            aliases=("thèmes", "thème", "thématiques", "thematiques", "theme"),
            parser=parse_terms,
            help_text=gettext_lazy(
                "Names of the workspace's themes, separated by | or ; (case and accents "
                "ignored). An unknown name is an error: add it to the lists first."
            ),
        ),
        Column(
            "audiences",
            gettext_lazy("Audiences"),
            aliases=("publics", "public", "public cible", "publics cibles", "audience"),
            parser=parse_terms,
            help_text=gettext_lazy(
                "Names of the workspace's audiences, separated by | or ; (case and accents "
                "ignored). An unknown name is an error: add it to the lists first."
            ),
        ),
        Column(
            "sdg",
            gettext_lazy("Sustainable Development Goals"),
            aliases=("odd", "objectifs de développement durable", "sdgs", "sdg goals"),
            parser=parse_sdg,
            help_text=gettext_lazy("Numbers from 1 to 17 separated by commas."),
            example="1, 8, 10",
        ),
        Column(
            "latitude",
            gettext_lazy("Latitude"),
            aliases=("lat",),
            parser=coordinate(90),
            help_text=gettext_lazy("Decimal degrees (WGS 84), rounded to 5 decimals."),
            example="45,43389",
        ),
        Column(
            "longitude",
            gettext_lazy("Longitude"),
            aliases=("lon", "lng", "long"),
            parser=coordinate(180),
            help_text=gettext_lazy("Decimal degrees (WGS 84), rounded to 5 decimals."),
            example="4,38722",
        ),
        Column(
            "notes",
            gettext_lazy("Notes"),
            aliases=("remarques", "commentaire", "commentaires", "observations"),
            parser=text(),
        ),
        Column(
            "last_verified_on",
            gettext_lazy("Last verified on"),
            aliases=("vérifié le", "date de vérification", "dernière vérification"),
            parser=parsers.date(),
            example="31/12/2025",
        ),
    )


@register
class ActorImporter(ActorPipeline):
    key = "actors"
    label = gettext_lazy("Actors")
    description = gettext_lazy(
        "One actor per row. A row updates the actor with the same SIRET, else the same RNA "
        "number, else the same SIREN; a row without any identifier updates the actor with the "
        "same name in the same place. Other rows create actors. Importing the same file again "
        "creates no duplicates; columns absent from the file are left as they are."
    )
    columns = actor_columns()
    key_columns = ("siret", "rna", "siren")

    def to_spec(self, row) -> dict:
        return dict(row.values)


# --- data·inclusion structures (JSON) -------------------------------------------------------


@register
class DataInclusionImporter(ActorPipeline):
    key = "data_inclusion"
    label = gettext_lazy("data·inclusion structures (JSON)")
    description = gettext_lazy(
        "A JSON list of structures in the data·inclusion v1 schema (the structures file or "
        "an API page). A structure updates the actor with the same SIRET and name, else the "
        "actor with the same name in the same commune; the others are created. data·inclusion "
        "has no profile: it is guessed from the structure's networks (réseaux porteurs), "
        "otherwise “association, employer”."
    )
    columns = (
        Column(
            "id",
            gettext_lazy("data·inclusion id"),
            parser=parsers.text(max_length=300),
            help_text=gettext_lazy("Checked for duplicates in the file; not stored."),
        ),
        Column("source", gettext_lazy("Source"), parser=parsers.text(max_length=300)),
        Column(
            "nom",
            gettext_lazy("Name"),
            required=True,
            parser=parsers.text(max_length=200),
        ),
        Column("siret", gettext_lazy("SIRET"), parser=parse_siret),
        Column("description", gettext_lazy("Description")),
        Column("site_web", gettext_lazy("Website"), parser=parse_website),
        Column("commune", gettext_lazy("Commune")),
        Column("code_postal", gettext_lazy("Postal code"), parser=parsers.text(max_length=10)),
        Column("code_insee", gettext_lazy("INSEE code"), parser=parsers.text(max_length=10)),
        Column("latitude", gettext_lazy("Latitude"), parser=coordinate(90)),
        Column("longitude", gettext_lazy("Longitude"), parser=coordinate(180)),
        Column("reseaux_porteurs", gettext_lazy("Networks"), parser=parse_json_list),
        Column(
            "profile",
            gettext_lazy("Profile"),
            parser=parse_profile,
            help_text=gettext_lazy("Not in the schema: an optional key to set the profile."),
        ),
    )
    key_columns = ("siret",)
    spec_columns = {
        "name": "nom",
        "website": "site_web",
        "commune": "code_insee",
        "commune_name": "commune",
        "postal_code": "code_postal",
    }

    def to_spec(self, row) -> dict:
        values = row.values
        spec = {"name": values["nom"]}
        for source, key in (
            ("siret", "siret"),
            ("description", "description"),
            ("site_web", "website"),
            ("latitude", "latitude"),
            ("longitude", "longitude"),
            ("profile", "profile"),
        ):
            if source in values and values[source] not in (None, ""):
                spec[key] = values[source]
        if values.get("siret"):
            spec["siren"] = values["siret"][:9]
        if values.get("code_insee"):
            spec["commune"] = values["code_insee"]
        elif values.get("commune"):
            spec["commune_name"] = values["commune"]
            spec["postal_code"] = values.get("code_postal") or ""
        return spec

    def file_has_territory(self, row) -> bool:
        return bool(row.spec.get("commune") or row.spec.get("commune_name"))

    def default_profile(self, row) -> str:
        for network in row.values.get("reseaux_porteurs") or ():
            if network in DATA_INCLUSION_PROFILES:
                return DATA_INCLUSION_PROFILES[network]
        return DATA_INCLUSION_DEFAULT_PROFILE

    def matches_by_name(self, row) -> bool:
        return True

    def settled_by_siret(self, row, by_siret: dict) -> bool:
        siret, key = row.spec.get("siret"), row.spec["name_key"]
        return bool(siret) and any(a.name_key == key for a in by_siret.get(siret, ()))

    def find(self, row, index):
        """SIRET and name; else the name in the same commune (structures often share a SIRET)."""
        spec = row.spec
        several = SEVERAL_MATCH
        key = spec["name_key"]
        siret = spec.get("siret") or ""
        if siret:
            found = [a for a in index["siret"].get(siret, []) if a.name_key == key]
            if len(found) > 1:
                found = [a for a in found if self._same_place(row, a)] or found
            if found:
                return self._one(found, "siret", several)
        found = [
            a
            for a in index["name_key"].get(key, [])
            if self._same_place(row, a) and (not siret or not a.siret or a.siret == siret)
        ]
        return self._one(found, "name", several)

    def _same_place(self, row, actor) -> bool:
        territory = getattr(row, "territory", None)
        commune = territory["commune_id"] if territory else None
        return actor.commune_id == commune

    def _claim(self, row, context) -> None:
        claims = context.cache["claims"]
        spec = row.spec
        territory = getattr(row, "territory", None) or {}
        keys = [("place", spec.get("siret") or "", spec["name_key"], territory.get("commune_id"))]
        if row.values.get("id"):
            keys.append(("id", row.values["id"]))
        if row.match is not None:
            keys.append(("actor", row.match.pk))
        for key in keys:
            first = claims.get(key)
            if first is not None and first != row.line:
                raise ValidationError(
                    {
                        "id" if key[0] == "id" else "nom": _(
                            "Duplicate: structure %(line)s of the file already describes this "
                            "actor."
                        )
                        % {"line": first}
                    }
                )
        for key in keys:
            claims[key] = row.line


# --- relations -------------------------------------------------------------------------------

_ACTOR_ID = re.compile(r"#(\d{1,18})\s*$")


@register
class RelationImporter(Importer):
    key = "relations"
    label = gettext_lazy("Relations between actors")
    description = gettext_lazy(
        "One relation per row: source, type, target. Each actor is given by its SIRET, SIREN "
        "or RNA number, or by its exact name. A relation already recorded (same source, target "
        "and type) is updated, never doubled."
    )
    results_url_name = "ecosystem:relations"
    chunk_size = 1000
    columns = (
        Column(
            "source",
            gettext_lazy("Source actor"),
            required=True,
            aliases=("source", "de", "from", "acteur source", "origine"),
            parser=text(max_length=250),
            help_text=gettext_lazy(
                "SIRET, SIREN or RNA number of the actor, or its exact name (case and accents "
                "ignored), or “Name #id”."
            ),
            example="552100554",
        ),
        Column(
            "relation_type",
            gettext_lazy("Relation type"),
            required=True,
            aliases=("type", "type de relation", "relation", "lien"),
            parser=parsers.text(max_length=100),
            help_text=gettext_lazy("The type's code (member_of, funds…) or its name."),
            example="member_of",
        ),
        Column(
            "target",
            gettext_lazy("Target actor"),
            required=True,
            aliases=("cible", "vers", "to", "acteur cible", "destination"),
            parser=text(max_length=250),
            help_text=gettext_lazy("Same as the source."),
            example="W751234567",
        ),
        Column(
            "start_date",
            gettext_lazy("Since"),
            aliases=("date de début", "début", "depuis", "start", "start date"),
            parser=parsers.date(),
            example="01/01/2024",
        ),
        Column(
            "end_date",
            gettext_lazy("Until"),
            aliases=("date de fin", "fin", "jusqu'au", "end", "end date"),
            parser=parsers.date(),
        ),
        Column("notes", gettext_lazy("Notes"), aliases=("remarques", "commentaire"), parser=text()),
    )

    def _types(self, context) -> dict:
        types = context.cache.get("types")
        if types is None:
            types = {}
            for relation_type in RelationType.objects.filter(workspace=context.workspace):
                for text in (relation_type.code, relation_type.name):
                    types.setdefault(normalize_header(text), relation_type)
            context.cache["types"] = types
            context.cache["pairs"] = {}
        return types

    @staticmethod
    def _reference(text: str) -> tuple[str, str]:
        """What a source/target cell names: ("id"|"siret"|"siren"|"rna"|"name", value)."""
        if match := _ACTOR_ID.search(text):
            return "id", match.group(1)
        compact = re.sub(r"[\s.\-/]", "", text).upper()
        if compact.isdigit() and len(compact) == 14:
            return "siret", compact
        if compact.isdigit() and len(compact) == 9:
            return "siren", compact
        if re.fullmatch(r"W\d{9}", compact):
            return "rna", compact
        return "name", normalize_search_text(text)

    def prepare(self, rows, context) -> None:
        super().prepare(rows, context)
        types = self._types(context)
        wanted = defaultdict(set)
        for row in rows:
            row.refs = {k: self._reference(row.values[k]) for k in ("source", "target")}
            for kind, value in row.refs.values():
                wanted[kind].add(name_key(value) if kind == "name" else value)
        actors = {}
        base = (
            Actor.objects.filter(workspace=context.workspace)
            .only("id", "name", "siren", "siret", "rna", "name_key")
            .order_by()
        )
        for field, values in (
            ("siret", wanted["siret"]),
            ("siren", wanted["siren"]),
            ("rna", wanted["rna"]),
            ("name_key", wanted["name"]),
        ):
            if values:
                for actor in base.filter(**{f"{field}__in": values}).exclude(**{field: ""}):
                    actors[actor.pk] = actor
        ids = [int(v) for v in wanted["id"]]
        if ids:
            for actor in base.filter(pk__in=ids):
                actors[actor.pk] = actor
        index = defaultdict(list)
        for actor in actors.values():
            index["id", str(actor.pk)].append(actor)
            for field in ("siret", "siren", "rna"):
                if getattr(actor, field):
                    index[field, getattr(actor, field)].append(actor)
            index["name", normalize_search_text(actor.name)].append(actor)
        for row in rows:
            row.problems = {}
            row.resolved = {}
            for column in ("source", "target"):
                kind, value = row.refs[column]
                found = index.get((kind, value), [])
                if kind == "siren" and len(found) > 1:
                    found = [a for a in found if not a.siret] or found
                if len(found) == 1:
                    row.resolved[column] = found[0]
                elif not found:
                    row.problems[column] = _("No actor of the registry is “%(value)s”.") % {
                        "value": row.values[column]
                    }
                else:
                    row.problems[column] = _(
                        "Several actors match “%(value)s” (%(names)s): use the SIRET, or "
                        "“Name #id”."
                    ) % {"value": row.values[column], "names": _names(found)}
            relation_type = types.get(normalize_header(row.values["relation_type"]))
            if relation_type is None:
                known = ", ".join(sorted({t.code for t in types.values()}))
                row.problems["relation_type"] = _(
                    "Unknown relation type “%(value)s” (known: %(known)s)."
                ) % {"value": row.values["relation_type"], "known": known or "—"}
            row.relation_type = relation_type
        # The stored relations between the chunk's actors: one query.
        sources = {r.resolved["source"].pk for r in rows if "source" in r.resolved}
        targets = {r.resolved["target"].pk for r in rows if "target" in r.resolved}
        existing = {}
        if sources and targets:
            both = sources | targets
            for relation in Relation.objects.filter(
                workspace=context.workspace, source_id__in=both, target_id__in=both
            ).order_by():
                existing[relation.source_id, relation.target_id, relation.relation_type_id] = (
                    relation
                )
        for row in rows:
            if row.problems or len(row.resolved) != 2:
                continue
            source, target = row.resolved["source"].pk, row.resolved["target"].pk
            type_id = row.relation_type.pk
            relation = existing.get((source, target, type_id))
            if relation is None and row.relation_type.is_symmetric:
                relation = existing.get((target, source, type_id))
            if relation is not None:
                row.key = ("relation", relation.pk)
                context.existing[row.key] = relation

    def validate_row(self, row, context) -> None:
        if row.problems:
            raise ValidationError(row.problems)
        source, target = row.resolved["source"], row.resolved["target"]
        if source.pk == target.pk:
            raise ValidationError({"target": _("An actor cannot be in a relation with itself.")})
        existing = context.existing.get(row.key) if row.key else None
        start = row.values.get("start_date", existing.start_date if existing else None)
        end = row.values.get("end_date", existing.end_date if existing else None)
        if start and end and end < start:
            raise ValidationError({"end_date": _("The end date is before the start date.")})
        pair = (source.pk, target.pk, row.relation_type.pk)
        if row.relation_type.is_symmetric:
            pair = (min(source.pk, target.pk), max(source.pk, target.pk), row.relation_type.pk)
        pairs = context.cache["pairs"]
        first = pairs.setdefault(pair, row.line)
        if first != row.line:
            raise ValidationError(
                {
                    "target": _(
                        "Duplicate: line %(line)s already has this relation. Each relation must "
                        "appear on one row only."
                    )
                    % {"line": first}
                }
            )
        row.final = {
            "start_date": start,
            "end_date": end,
            "notes": (row.values.get("notes") or "")
            if "notes" in row.values
            else (existing.notes if existing else ""),
        }

    def compare(self, row, existing, context) -> Action:
        if existing is None:
            return Action.CREATE
        row.changes = {k: v for k, v in row.final.items() if getattr(existing, k) != v}
        row.new_version = existing.version + 1
        return Action.UPDATE if row.changes else Action.UNCHANGED

    def save_rows(self, rows, context) -> None:
        created = [
            Relation(
                workspace=context.workspace,
                created_by=context.user,
                source=row.resolved["source"],
                target=row.resolved["target"],
                relation_type=row.relation_type,
                **row.final,
            )
            for row in rows
            if row.action == Action.CREATE
        ]
        if created:
            Relation.objects.bulk_create(created)
        now = timezone.now()
        updated, fields = [], set()
        for row in rows:
            if row.action == Action.UPDATE:
                relation = row.existing
                for name, value in row.changes.items():
                    setattr(relation, name, value)
                relation.version = row.new_version
                relation.updated_at = now
                fields.update(row.changes)
                updated.append(relation)
        if updated:
            Relation.objects.bulk_update(updated, [*sorted(fields), "version", "updated_at"])
