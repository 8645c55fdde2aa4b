"""Finding actors: filters and ranked full-text search, the same on SQLite and PostgreSQL.

`filter_actors(workspace, filters)` is the filtered queryset (lists, matrices, graph, map,
exports, API). `search_actors(workspace, filters, page)` adds the text query:

- SQLite: the FTS5 table `ecosystem_actor_fts` (migration 0002), `remove_diacritics 2`, bm25;
- PostgreSQL: `to_tsvector('maillage_french', search_text)` (french stemming after unaccent),
  stored in the generated column `search_vector` (migration 0004), GIN index on
  (workspace_id, search_vector), ts_rank_cd.

Both take the first `CANDIDATE_LIMIT` matches of the text query in the workspace, keep those that
pass the filters, and rank only these: a frequent word in a registry of millions of actors costs
a bounded amount of work. When the limit is reached the page says so ("more than N results,
refine the search") rather than counting millions of rows.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.sdg import SDG_CHOICES, filter_by_goal
from maillage.core.territories.normalize import normalize_search_text

from .models import MISSION_FIELDS, Actor, Audience, Level, Mission, Profile, Theme

CANDIDATE_LIMIT = 2000  # text matches ranked at most
SCAN_LIMIT = 20000  # text matches checked against the filters at most
COUNT_LIMIT = 10000  # rows counted at most without a text query
TERRITORY_KINDS = ("region", "department", "epci", "commune")


@dataclass
class ActorFilters:
    """What the user asked for. Several values inside one facet mean "any of"; facets add up."""

    q: str = ""
    profiles: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    territory: str = ""  # "region:84", "department:42", "epci:200046977", "commune:42218"
    missions: list[str] = field(default_factory=list)
    themes: list[int] = field(default_factory=list)
    audiences: list[int] = field(default_factory=list)
    sdg: int | None = None
    network_head: bool | None = None
    unverified_days: int | None = None

    @property
    def is_empty(self) -> bool:
        return self == ActorFilters()


@dataclass
class SearchPage:
    """One page of results. `total` is exact unless `capped` (more than CANDIDATE_LIMIT)."""

    actors: list[Actor]
    total: int
    capped: bool
    number: int
    per_page: int

    @property
    def paginator(self) -> "SearchPage":
        """So that the shared pagination template reads `page_obj.paginator.num_pages`."""
        return self

    @property
    def count(self) -> int:
        return self.total

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.actors else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.actors) - 1 if self.actors else 0


# --- SQLite index maintenance for bulk inserts ------------------------------------------------

#: The per-row trigger of migration 0002 and the same indexing for a set of ids. A test checks
#: that the trigger in the database is exactly `FTS_INSERT_TRIGGER_SQL`.
FTS_INSERT_TRIGGER = "ecosystem_actor_fts_ai"
FTS_INSERT_TRIGGER_SQL = """CREATE TRIGGER ecosystem_actor_fts_ai AFTER INSERT ON ecosystem_actor BEGIN
        INSERT INTO ecosystem_actor_fts(rowid, ws, body)
        VALUES (new.id, 'w' || new.workspace_id, new.search_text);
    END"""  # noqa: E501 (the migration's exact text, as SQLite stores it)
_FTS_INDEX_IDS_SQL = (
    "INSERT INTO ecosystem_actor_fts(rowid, ws, body) "
    "SELECT id, 'w' || workspace_id, search_text FROM ecosystem_actor WHERE id IN ({})"
)


def insert_actors_indexed_in_bulk(insert, *, batch: int = 30000) -> list[int]:
    """Run `insert()` (which inserts actors and returns their ids) and index them for search.

    On SQLite the per-row trigger costs about three times the insert (FTS5 prefers many rows
    per statement): it is dropped for `insert()`, the new rows are indexed with one statement
    per batch, and it is created again. This must run inside a transaction: nobody else sees
    the table without its trigger, and a rollback restores it. PostgreSQL's index needs nothing.
    """
    if connection.vendor != "sqlite":
        return insert()
    if not connection.in_atomic_block:
        raise RuntimeError("insert_actors_indexed_in_bulk must run inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")
        ids = insert()
        for start in range(0, len(ids), batch):
            part = ids[start : start + batch]
            cursor.execute(_FTS_INDEX_IDS_SQL.format(", ".join(["%s"] * len(part))), part)
        cursor.execute(FTS_INSERT_TRIGGER_SQL)
    return ids


def parse_territory(value: str) -> tuple[str, str] | None:
    """("department", "42") from "department:42"; None when empty. ValueError when malformed."""
    if not value:
        return None
    kind, _sep, code = value.partition(":")
    if kind not in TERRITORY_KINDS or not code or len(code) > 9 or not code.isalnum():
        raise ValueError(value)
    return kind, code.upper() if kind in ("department", "commune") else code


def filter_actors(workspace, filters: ActorFilters) -> QuerySet[Actor]:
    """The workspace's actors that pass every filter (the text query `q` aside)."""
    return apply_filters(Actor.objects.filter(workspace=workspace), filters)


def apply_filters(qs: QuerySet[Actor], filters: ActorFilters) -> QuerySet[Actor]:
    """`qs` narrowed by every filter but the text query."""
    if filters.profiles:
        qs = qs.filter(profile__in=filters.profiles)
    if filters.levels:
        qs = qs.filter(level__in=filters.levels)
    territory = parse_territory(filters.territory)
    if territory:
        kind, code = territory
        qs = qs.filter(**{f"{kind}_id": code})
    if filters.missions:
        any_mission = Q()
        for mission in filters.missions:
            any_mission |= Q(**{MISSION_FIELDS[mission]: True})
        qs = qs.filter(any_mission)
    if filters.themes:
        through = Actor.themes.through
        qs = qs.filter(
            Exists(through.objects.filter(actor_id=OuterRef("pk"), theme_id__in=filters.themes))
        )
    if filters.audiences:
        through = Actor.audiences.through
        qs = qs.filter(
            Exists(
                through.objects.filter(actor_id=OuterRef("pk"), audience_id__in=filters.audiences)
            )
        )
    if filters.sdg:
        qs = filter_by_goal(qs, "sdg_goals", filters.sdg)
    if filters.network_head is not None:
        qs = qs.filter(is_network_head=filters.network_head)
    if filters.unverified_days is not None:
        limit = timezone.localdate() - timedelta(days=filters.unverified_days)
        qs = qs.filter(Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=limit))
    return qs


def query_terms(q: str) -> list[str]:
    """The words of a query, accent- and case-folded ("Saint-Étienne" → saint, etienne)."""
    return normalize_search_text(q).split()[:12]


def _candidates_sql(workspace, terms: list[str]) -> tuple[str, list]:
    """SQL selecting (id, score) of the text matches, lower score first; `{limit}` to format
    with an int."""
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return (
            "SELECT a.id, -ts_rank_cd(a.search_vector, query) AS score FROM ecosystem_actor a, "
            "to_tsquery('maillage_french'::regconfig, %s) query "
            "WHERE a.workspace_id = %s AND a.search_vector @@ query LIMIT {limit}",
            [tsquery, workspace.pk],
        )
    match = "ws : w{} AND body : ({})".format(
        int(workspace.pk), " AND ".join(f'"{term}"*' for term in terms)
    )
    return (
        "SELECT rowid AS id, bm25(ecosystem_actor_fts, 0.0, 1.0) AS score "
        "FROM ecosystem_actor_fts WHERE ecosystem_actor_fts MATCH %s LIMIT {limit}",
        [match],
    )


def ranked_ids(workspace, filters: ActorFilters) -> tuple[list[int], bool]:
    """Ids of the actors matching the text and the filters, best first; capped flag.

    The filters are checked inside the candidate query, match by match (a primary-key lookup
    each), so a frequent word with a selective filter still finds the filtered actors: the scan
    stops after CANDIDATE_LIMIT kept actors or SCAN_LIMIT text matches, whichever comes first.
    """
    terms = query_terms(filters.q)
    candidates_sql, params = _candidates_sql(workspace, terms)
    with connection.cursor() as cursor:
        if filters == ActorFilters(q=filters.q):
            # Both SQL strings are constants or Django-compiled; every value is a parameter.
            cursor.execute(candidates_sql.format(limit=CANDIDATE_LIMIT), params)
        else:
            # One actor, looked up by primary key (the candidate's id), that passes the filters;
            # no workspace condition here: the candidates are the workspace's already.
            check = apply_filters(
                Actor._base_manager.filter(pk=RawSQL("candidates.id", ())), filters
            ).values("pk")
            check_sql, check_params = check.query.sql_with_params()
            scan_sql = candidates_sql.format(limit=SCAN_LIMIT)
            cursor.execute(
                f"SELECT candidates.id, candidates.score FROM ({scan_sql}) candidates "  # noqa: S608
                f"WHERE EXISTS ({check_sql}) LIMIT %s",
                [*params, *check_params, CANDIDATE_LIMIT],
            )
        kept = cursor.fetchall()
    capped = len(kept) >= CANDIDATE_LIMIT
    kept.sort(key=lambda row: (row[1], row[0]))
    return [row[0] for row in kept], capped


def search_actors(
    workspace, filters: ActorFilters, *, page: int = 1, per_page: int = 25, queryset=None
) -> SearchPage:
    """A page of actors: ranked by relevance with a text query, by name without.

    `queryset` lets the caller choose the related rows to load for the page (select_related,
    prefetch_related); it must be a queryset of the workspace's actors.
    """
    base = queryset if queryset is not None else Actor.objects.filter(workspace=workspace)
    page = max(1, page)
    if query_terms(filters.q):
        ids, capped = ranked_ids(workspace, filters)
        total = len(ids)
        page = min(page, max(1, -(-total // per_page)))
        page_ids = ids[(page - 1) * per_page : page * per_page]
        by_id = base.in_bulk(page_ids)
        actors = [by_id[pk] for pk in page_ids if pk in by_id]
        return SearchPage(actors, total, capped, page, per_page)
    filtered = apply_filters(base, filters)
    # Counting millions of rows costs more than the page: past COUNT_LIMIT, say "more than".
    total = filtered.values("pk")[: COUNT_LIMIT + 1].count()
    capped = total > COUNT_LIMIT
    total = min(total, COUNT_LIMIT)
    page = min(page, max(1, -(-total // per_page)))
    actors = list(
        filtered.order_by("name_key", "name", "pk")[(page - 1) * per_page : page * per_page]
    )
    return SearchPage(actors, total, capped, page, per_page)


# --- the filter form shared by the list, the matrices, the graph, the map, exports and API ----


class ActorFilterForm(forms.Form):
    """GET parameters → `ActorFilters`. Unknown values are errors, shown beside the field."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    profile = forms.MultipleChoiceField(
        label=gettext_lazy("Profile"), choices=Profile.choices, required=False
    )
    level = forms.MultipleChoiceField(
        label=gettext_lazy("Territorial level"), choices=Level.choices, required=False
    )
    territory = forms.CharField(
        label=gettext_lazy("Territory"),
        required=False,
        max_length=30,
        help_text=gettext_lazy("region:84, department:42, epci:200046977 or commune:42218"),
    )
    mission = forms.MultipleChoiceField(
        label=gettext_lazy("Mission"), choices=Mission.choices, required=False
    )
    theme = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Theme"), queryset=Theme.objects.none(), required=False
    )
    audience = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Audience"), queryset=Audience.objects.none(), required=False
    )
    sdg = forms.TypedChoiceField(
        label=gettext_lazy("Sustainable Development Goal"),
        choices=[("", gettext_lazy("Any goal")), *SDG_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    network_head = forms.TypedChoiceField(
        label=gettext_lazy("Network head"),
        choices=[
            ("", gettext_lazy("All actors")),
            ("yes", gettext_lazy("Network heads only")),
            ("no", gettext_lazy("Not network heads")),
        ],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )
    unverified_days = forms.IntegerField(
        label=gettext_lazy("Not verified for (days)"),
        min_value=0,
        max_value=36500,
        required=False,
    )

    def __init__(self, data=None, *, workspace, **kwargs):
        super().__init__(data, **kwargs)
        self.workspace = workspace
        self.fields["theme"].queryset = Theme.objects.filter(workspace=workspace)
        self.fields["audience"].queryset = Audience.objects.filter(workspace=workspace)

    def clean_territory(self) -> str:
        value = self.cleaned_data["territory"].strip()
        try:
            parse_territory(value)
        except ValueError as error:
            raise ValidationError(
                _("Unknown territory “%(value)s”: write region:84, department:42, … ")
                % {"value": value}
            ) from error
        return value

    def filters(self) -> ActorFilters:
        """The filters of a valid form; call `is_valid()` first. Invalid fields are ignored."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return ActorFilters(
            q=data.get("q") or "",
            profiles=list(data.get("profile") or []),
            levels=list(data.get("level") or []),
            territory=data.get("territory") or "",
            missions=list(data.get("mission") or []),
            themes=[t.pk for t in data.get("theme") or []],
            audiences=[a.pk for a in data.get("audience") or []],
            sdg=data.get("sdg"),
            network_head=data.get("network_head"),
            unverified_days=data.get("unverified_days"),
        )


def filters_from_request(request, workspace) -> tuple[ActorFilterForm, ActorFilters]:
    """The filter form bound to the query string and the filters of its valid fields."""
    form = ActorFilterForm(request.GET or None, workspace=workspace)
    if form.is_bound:
        form.is_valid()
    return form, form.filters()
