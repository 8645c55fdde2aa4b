"""Schemas of the ecosystem API (`api/ecosystem.py`): actors, relations, taxonomies, matrices.

Conventions (docs/api.md, "Ecosystem"):

- themes, audiences, relation types and actors are referred to by **id** (the lists
  `GET /themes`, `/audiences`, `/relation-types` give the ids and names); territories by their
  official **code** (region "84", department "42", EPCI SIREN, commune INSEE code);
- empty optional codes (level, region, department, EPCI, commune) are `null`, empty texts `""`;
- writes send `version`, the one read with the record (optimistic locking), except a creation.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from maillage.ecosystem.models import Actor, Level, Mission, Profile, Relation

# The codes as plain string enums (the models' choices, without their docstrings in the schema).
ProfileCode = Literal[tuple(Profile.values)]
LevelCode = Literal[tuple(Level.values)]
MissionCode = Literal[tuple(Mission.values)]
SdgGoal = Annotated[int, Field(ge=1, le=17)]
Version = Annotated[
    int, Field(ge=1, description="The version read with the record (optimistic locking).")
]

# --- actors ------------------------------------------------------------------------------------


class ActorOut(Schema):
    id: int
    version: int
    name: str
    aliases: list[str] = Field(description="Acronyms and former names.")
    profile: ProfileCode
    siren: str
    siret: str
    rna: str
    website: str
    description: str
    level: LevelCode | None
    region: str | None = Field(description="Region code (COG), e.g. 84.")
    department: str | None = Field(description="Department code (COG), e.g. 42 or 2A.")
    epci: str | None = Field(description="SIREN of the intercommunality.")
    commune: str | None = Field(description="INSEE code of the commune.")
    missions: list[MissionCode]
    themes: list[int] = Field(description="Ids of the workspace's themes (GET …/themes).")
    audiences: list[int] = Field(description="Ids of the workspace's audiences (GET …/audiences).")
    sdg_goals: list[int] = Field(description="Sustainable Development Goals, 1 to 17.")
    latitude: float | None
    longitude: float | None
    notes: str
    last_verified_on: date | None
    is_network_head: bool = Field(
        description="Meets the three network-head criteria (set by the qualification, read-only)."
    )
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_aliases(actor: Actor) -> list[str]:
        return actor.alias_list

    @staticmethod
    def resolve_level(actor: Actor) -> str | None:
        return actor.level or None

    @staticmethod
    def resolve_region(actor: Actor) -> str | None:
        return actor.region_id

    @staticmethod
    def resolve_department(actor: Actor) -> str | None:
        return actor.department_id

    @staticmethod
    def resolve_epci(actor: Actor) -> str | None:
        return actor.epci_id

    @staticmethod
    def resolve_commune(actor: Actor) -> str | None:
        return actor.commune_id

    @staticmethod
    def resolve_themes(actor: Actor) -> list[int]:
        return sorted(theme.pk for theme in actor.themes.all())

    @staticmethod
    def resolve_audiences(actor: Actor) -> list[int]:
        return sorted(audience.pk for audience in actor.audiences.all())

    @staticmethod
    def resolve_sdg_goals(actor: Actor) -> list[int]:
        return actor.sdg_list

    @staticmethod
    def resolve_latitude(actor: Actor) -> float | None:
        return None if actor.latitude is None else float(actor.latitude)

    @staticmethod
    def resolve_longitude(actor: Actor) -> float | None:
        return None if actor.longitude is None else float(actor.longitude)


class ActorIn(Schema):
    """A whole actor: `POST` creates it, `PUT` replaces it (omitted fields get these defaults)."""

    name: str
    profile: ProfileCode
    aliases: list[str] = []
    siren: str = Field("", description="9 digits with a valid check digit; spaces allowed.")
    siret: str = Field("", description="14 digits with a valid check digit; spaces allowed.")
    rna: str = Field("", description="W followed by 9 digits.")
    website: str = ""
    description: str = ""
    level: LevelCode | None = None
    region: str | None = None
    department: str | None = None
    epci: str | None = None
    commune: str | None = Field(
        None, description="INSEE code; the department, EPCI and region follow from it."
    )
    missions: list[MissionCode] = []
    themes: list[int] = []
    audiences: list[int] = []
    sdg_goals: list[SdgGoal] = []
    latitude: float | None = Field(None, ge=-90, le=90, description="Rounded to 5 decimals.")
    longitude: float | None = Field(None, ge=-180, le=180, description="Rounded to 5 decimals.")
    notes: str = ""
    last_verified_on: date | None = Field(
        None, description="When the information was last checked (records the caller as checker)."
    )


class ActorReplace(ActorIn):
    version: Version


class ActorPatch(Schema):
    """Only the fields sent change; `null` empties an optional field."""

    version: Version
    name: str | None = None
    profile: ProfileCode | None = None
    aliases: list[str] | None = None
    siren: str | None = None
    siret: str | None = None
    rna: str | None = None
    website: str | None = None
    description: str | None = None
    level: LevelCode | None = None
    region: str | None = None
    department: str | None = None
    epci: str | None = None
    commune: str | None = None
    missions: list[MissionCode] | None = None
    themes: list[int] | None = None
    audiences: list[int] | None = None
    sdg_goals: list[SdgGoal] | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    notes: str | None = None
    last_verified_on: date | None = None


class ActorPage(Schema):
    """One page of a search: `count` is exact unless `capped` is true (the text query matched
    more candidates than are ranked: refine the query)."""

    items: list[ActorOut]
    count: int
    capped: bool
    page: int
    per_page: int
    num_pages: int


# --- relations ---------------------------------------------------------------------------------


class RelationOut(Schema):
    id: int
    version: int
    source: int = Field(description="Id of the actor the relation starts from.")
    source_name: str
    target: int = Field(description="Id of the actor the relation points to.")
    target_name: str
    relation_type: int = Field(description="Id of the relation type (GET …/relation-types).")
    relation_type_code: str
    start_date: date | None
    end_date: date | None
    notes: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_source(relation: Relation) -> int:
        return relation.source_id

    @staticmethod
    def resolve_source_name(relation: Relation) -> str:
        return relation.source.name

    @staticmethod
    def resolve_target(relation: Relation) -> int:
        return relation.target_id

    @staticmethod
    def resolve_target_name(relation: Relation) -> str:
        return relation.target.name

    @staticmethod
    def resolve_relation_type(relation: Relation) -> int:
        return relation.relation_type_id

    @staticmethod
    def resolve_relation_type_code(relation: Relation) -> str:
        return relation.relation_type.code


class RelationIn(Schema):
    source: int
    target: int
    relation_type: int
    start_date: date | None = None
    end_date: date | None = None
    notes: str = ""


class RelationReplace(RelationIn):
    version: Version


class RelationPatch(Schema):
    version: Version
    source: int | None = None
    target: int | None = None
    relation_type: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    notes: str | None = None


# --- taxonomies --------------------------------------------------------------------------------


class TermOut(Schema):
    id: int
    name: str
    position: int


class RelationTypeOut(Schema):
    id: int
    code: str
    name: str
    inverse_name: str
    is_symmetric: bool
    position: int


# --- matrices ----------------------------------------------------------------------------------


class MatrixHeaderOut(Schema):
    key: str
    label: str
    profiles: list[str] | None = Field(
        None, description="Profile columns: the detailed profiles the column counts."
    )


class MatrixGapOut(Schema):
    row: str
    column: str


class MatrixOut(Schema):
    kind: str
    title: str
    rows: list[MatrixHeaderOut] = Field(description="Territorial levels.")
    columns: list[MatrixHeaderOut] = Field(description="Profile families, profiles or missions.")
    counts: list[list[int]] = Field(description="counts[row][column]: actors in the cell.")
    row_totals: list[int]
    column_totals: list[int]
    total: int
    gaps: list[MatrixGapOut] = Field(description="Empty cells: nobody of that kind at that level.")
    unplaced: int = Field(description="Actors matching the filters without a territorial level.")
    without_mission: int = Field(description="Mission matrix: actors with a level but no mission.")
    filters: dict
