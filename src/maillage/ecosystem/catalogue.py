"""The public catalogue: a workspace's opt-in, read-only view of its registry.

Settings (`catalogue_save`) are a manager's business; the public pages read through
`published_catalogue(slug)` (the only cross-workspace read, with `scopes_disabled`) and then
work inside the catalogue's workspace scope. Contacts and notes are never published: they are
not in `PublicCatalogue.PUBLISHABLE_FIELDS`, the public templates never read them, and the
public search only matches text that the catalogue shows.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scopes_disabled

from maillage.core.services import tenant_create, tenant_update
from maillage.core.territories.normalize import normalize_search_text

from .models import Actor, PublicCatalogue
from .search import ActorFilters, SearchPage, query_terms, ranked_ids, search_actors

FIELD_LABELS = {
    "aliases": gettext_lazy("Other names"),
    "profile": gettext_lazy("Profile"),
    "description": gettext_lazy("Description"),
    "website": gettext_lazy("Website"),
    "siren": gettext_lazy("SIREN"),
    "siret": gettext_lazy("SIRET"),
    "rna": gettext_lazy("RNA number"),
    "level": gettext_lazy("Territorial level"),
    "territory": gettext_lazy("Territory"),
    "missions": gettext_lazy("Missions"),
    "themes": gettext_lazy("Themes"),
    "audiences": gettext_lazy("Audiences"),
    "sdg_goals": gettext_lazy("Sustainable Development Goals"),
    "network_head": gettext_lazy("Network head (“tête de pont”)"),
}
assert set(FIELD_LABELS) == set(PublicCatalogue.PUBLISHABLE_FIELDS)

DEFAULT_FIELDS = ["profile", "description", "website", "level", "territory", "missions", "themes"]
NEVER_PUBLISHED = {"contacts", "notes"}

#: Filter of `search.ActorFilterForm` → the published field it reveals. A filter shows only
#: when its field is published (filtering on a hidden field would reveal it).
FILTER_FIELDS = {
    "profile": "profile",
    "level": "level",
    "territory": "territory",
    "mission": "missions",
    "theme": "themes",
    "audience": "audiences",
    "sdg": "sdg_goals",
    "network_head": "network_head",
}

PER_PAGE = 20


# --- settings -------------------------------------------------------------------------------


def catalogue_of(workspace) -> PublicCatalogue | None:
    return PublicCatalogue.objects.filter(workspace=workspace).first()


def default_slug(workspace) -> str:
    """The workspace's slug, or a free variant of it."""
    base = workspace.slug[:50]
    with scopes_disabled():
        taken = set(
            PublicCatalogue.objects.filter(slug__startswith=base)
            .exclude(workspace=workspace)
            .values_list("slug", flat=True)
        )
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def catalogue_draft(workspace) -> PublicCatalogue:
    """An unsaved, unpublished catalogue with the defaults, for the first settings form."""
    return PublicCatalogue(
        workspace=workspace,
        slug=default_slug(workspace),
        title=workspace.name,
        fields=list(DEFAULT_FIELDS),
        is_published=False,
    )


def _clean_fields(fields) -> list[str]:
    fields = list(dict.fromkeys(fields or []))
    if NEVER_PUBLISHED & set(fields):
        raise ValidationError({"fields": _("Contacts and notes are never published.")})
    unknown = set(fields) - set(PublicCatalogue.PUBLISHABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {"fields": _("These fields cannot be published: %s") % ", ".join(sorted(unknown))}
        )
    return [f for f in PublicCatalogue.PUBLISHABLE_FIELDS if f in fields]


def catalogue_save(
    *, workspace, user, request=None, expected_version: int | None = None, **values
) -> PublicCatalogue:
    """Create or update the workspace's catalogue (slug unique across all workspaces).

    `expected_version` is the version the form was built from (0: built before the catalogue
    existed, so a catalogue created meanwhile is not overwritten); None: the current one.
    """
    if "fields" in values:
        values["fields"] = _clean_fields(values["fields"])
    slug = values.get("slug")
    with transaction.atomic():
        existing = catalogue_of(workspace)
        if slug:
            with scopes_disabled():
                taken = (
                    PublicCatalogue.objects.filter(slug=slug).exclude(workspace=workspace).exists()
                )
            if taken:
                raise ValidationError(
                    {"slug": _("This address is already used by another catalogue.")}
                )
        if existing is None:
            values.setdefault("slug", default_slug(workspace))
            values.setdefault("title", workspace.name)
            return tenant_create(
                PublicCatalogue, workspace=workspace, user=user, request=request, **values
            )
        return tenant_update(
            existing,
            user=user,
            # 0: the form was built when there was no catalogue; someone created it since.
            expected_version=expected_version,
            request=request,
            **values,
        )


# --- public reads -----------------------------------------------------------------------------


def published_catalogue(slug: str) -> PublicCatalogue | None:
    """The published catalogue at `slug`, whatever the workspace (None: unknown, unpublished or
    archived workspace). The public views then open the catalogue's workspace scope."""
    with scopes_disabled():
        return (
            PublicCatalogue.objects.select_related("workspace")
            .filter(slug=slug, is_published=True, workspace__archived_at__isnull=True)
            .first()
        )


def public_actors(catalogue: PublicCatalogue):
    """The catalogue's actors with what its pages show, loaded in a constant number of queries."""
    queryset = Actor.objects.filter(workspace=catalogue.workspace)
    if "territory" in catalogue.fields:
        queryset = queryset.select_related("commune", "epci", "department", "region")
    prefetch = [name for name in ("themes", "audiences") if name in catalogue.fields]
    return queryset.prefetch_related(*prefetch) if prefetch else queryset


def _published_words(catalogue, name, aliases, description, commune) -> list[str]:
    parts = [name]
    if "aliases" in catalogue.fields:
        parts.append(aliases)
    if "description" in catalogue.fields:
        parts.append(description)
    if "territory" in catalogue.fields and commune:
        parts.append(commune)
    return normalize_search_text(" ".join(p for p in parts if p)).split()


def _term_found(term: str, words: list[str]) -> bool:
    # Prefix match as the full-text search does; a longer term also matches its stem
    # ("benevoles" finds "benevole": PostgreSQL's french stemming matched it already).
    return any(w.startswith(term) or (len(w) >= 4 and term.startswith(w)) for w in words)


def public_search(catalogue, filters: ActorFilters, *, page: int = 1) -> SearchPage:
    """A page of the catalogue's actors. The text query matches only what the catalogue shows:
    an actor is not found by words of its description, other names or commune when those are
    not published (the full-text index holds them all)."""
    workspace = catalogue.workspace
    queryset = public_actors(catalogue)
    hidden_text = {"aliases", "description", "territory"} - set(catalogue.fields)
    terms = query_terms(filters.q)
    if not terms or not hidden_text:
        return search_actors(workspace, filters, page=page, per_page=PER_PAGE, queryset=queryset)
    ids, capped = ranked_ids(workspace, filters)
    rows = Actor.objects.filter(workspace=workspace, pk__in=ids).values_list(
        "pk", "name", "aliases", "description", "commune__name"
    )
    visible = {
        pk: _published_words(catalogue, name, aliases, description, commune)
        for pk, name, aliases, description, commune in rows
    }
    ids = [pk for pk in ids if pk in visible and all(_term_found(t, visible[pk]) for t in terms)]
    total = len(ids)
    page = min(max(1, page), max(1, -(-total // PER_PAGE)))
    page_ids = ids[(page - 1) * PER_PAGE : page * PER_PAGE]
    by_id = queryset.in_bulk(page_ids)
    return SearchPage([by_id[pk] for pk in page_ids if pk in by_id], total, capped, page, PER_PAGE)
