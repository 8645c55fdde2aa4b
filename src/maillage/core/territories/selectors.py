"""Read access to the territories (reference data shared by every workspace, not tenant data)."""

from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from .models import EPCI, Commune, Department, Region
from .normalize import normalize_search_text

SEARCH_LIMIT = 20
# Usual abbreviations in typed place names: "St-Étienne", "Ste Foy".
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


@dataclass(frozen=True)
class TerritoryPath:
    """A commune and the territories above it; `epci`, `department`, `region` may be None
    (a few island communes belong to no EPCI; overseas collectivities have no department)."""

    commune: Commune
    epci: EPCI | None
    department: Department | None
    region: Region | None


def regions() -> QuerySet[Region]:
    return Region.objects.all()


def departments(*, region: Region | str | None = None) -> QuerySet[Department]:
    queryset = Department.objects.select_related("region")
    if region is not None:
        queryset = queryset.filter(region=region)
    return queryset


def get_commune(code: str) -> Commune:
    """The commune with this INSEE code, with its hierarchy loaded; raises Commune.DoesNotExist."""
    return Commune.objects.select_related("epci", "department__region").get(code=code)


def communes_in_department(department: Department | str) -> QuerySet[Commune]:
    return Commune.objects.filter(department=department).order_by("name", "code")


def communes_in_region(region: Region | str) -> QuerySet[Commune]:
    return Commune.objects.filter(department__region=region).order_by("name", "code")


def communes_in_epci(epci: EPCI | str) -> QuerySet[Commune]:
    return Commune.objects.filter(epci=epci).order_by("name", "code")


def commune_hierarchy(commune: Commune | str) -> TerritoryPath:
    """commune → EPCI → department → region, from a Commune or an INSEE code."""
    if not isinstance(commune, Commune):
        commune = get_commune(commune)
    department = commune.department
    return TerritoryPath(
        commune=commune,
        epci=commune.epci,
        department=department,
        region=department.region if department is not None else None,
    )


def search_communes(
    query: str, *, limit: int = SEARCH_LIMIT, department: Department | str | None = None
) -> list[Commune]:
    """Communes whose name matches `query`, accent- and case-insensitively.

    Every word of the query must start a word of the name, in any order: "saint etienne",
    "Saint-Étienne", "etienne" and "st etien" (usual abbreviations are expanded) all find
    Saint-Étienne. A query starting with digits (or 2A/2B) matches the start of the INSEE code
    instead. Exact names come first, then names starting with the query, then the most populated.
    """
    normalized = normalize_search_text(query)
    if not normalized or limit <= 0:
        return []
    queryset = Commune.objects.select_related("department")
    if department is not None:
        queryset = queryset.filter(department=department)
    compact = normalized.replace(" ", "")
    if compact[:2].isdigit() or compact[:2] in ("2a", "2b"):
        queryset = queryset.filter(code__startswith=compact.upper()).order_by("code")
        return list(queryset[:limit])
    words = normalized.split(" ")
    for word in words:
        condition = Q()
        for variant in {word, ABBREVIATIONS.get(word, word)}:
            condition |= Q(search_name__startswith=variant) | Q(search_name__contains=f" {variant}")
        queryset = queryset.filter(condition)
    expanded = " ".join(ABBREVIATIONS.get(word, word) for word in words)
    starts = Q(search_name__startswith=normalized) | Q(search_name__startswith=expanded)
    queryset = queryset.annotate(
        rank=Case(
            When(search_name__in=[normalized, expanded], then=Value(0)),
            When(starts, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("rank", F("population").desc(nulls_last=True), "name", "code")
    return list(queryset[:limit])
