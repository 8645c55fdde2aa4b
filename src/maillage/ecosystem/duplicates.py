"""Possible duplicates in a registry: which pairs of actors may be the same organisation.

Two actors are flagged when they share an identifier or have close names in the same place:

- same SIRET; same SIREN when at least one of the two has no SIRET (two different SIRETs of one
  SIREN are two establishments of one legal unit, not a duplicate); same RNA number;
- close names: identical `Actor.name_key` or a `difflib` ratio >= NAME_RATIO between the keys
  (unless both keys hold numbers and they differ: "antenne 12" is not "antenne 13"; and the
  words that differ must have a ratio >= WORDS_RATIO, unless one name only adds words),
  in the same commune; when neither actor has a commune, in the same department; when neither
  has a commune nor a department, among the actors without territory. An actor with a commune
  is not compared by name with one that only has a department.

Pairs a user dismissed ("not a duplicate", `DuplicateDismissal`) are never shown again.

The work is bounded, never quadratic over the registry:

- identifiers are grouped in SQL (`GROUP BY … HAVING COUNT(*) > 1`, on the partial indexes);
  at most `limit` groups per identifier and `GROUP_CAP` actors per group are read;
- names are compared only inside a place (commune, department, or "no territory"), read from
  SQL ordered by place and name key. A small place (<= ALL_PAIRS_MAX actors) compares every
  pair; a larger one uses the sorted-neighbourhood method: each key is compared with the next
  WINDOW keys in alphabetical order, then again with the keys sorted from their end (which
  catches a typo near the start of a name). At most SCAN_BUDGET actors are read per call;
  `DuplicateScan.next_after` tells where to continue ("look further" on the page).
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from maillage.core.models import Department
from maillage.core.services import tenant_create

from .models import Actor, DuplicateDismissal

_DIGITS = re.compile(r"\d+")
NAME_RATIO = 0.85
WORDS_RATIO = 0.6  # between the words that differ, once the key ratio passes
GROUP_CAP = 25  # actors read per identifier group
ALL_PAIRS_MAX = 40  # a place with at most this many actors compares every pair
WINDOW = 5  # neighbours compared in each sorted order in larger places
SCAN_BUDGET = 20_000  # actors read per call for the name comparison

# Strongest evidence first: the order of pairs on the page.
KIND_ORDER = {"siret": 0, "siren": 1, "rna": 2, "same_name": 3, "close_name": 4}


@dataclass(frozen=True)
class Reason:
    """Why a pair is flagged; `str()` is the sentence shown to the user."""

    kind: str  # siret, siren, rna, same_name, close_name
    value: str = ""  # the shared identifier, or the place's name ("" = no territory)

    def __str__(self) -> str:
        if self.kind == "siret":
            return _("same SIRET %(value)s") % {"value": self.value}
        if self.kind == "siren":
            return _("same SIREN %(value)s") % {"value": self.value}
        if self.kind == "rna":
            return _("same RNA number %(value)s") % {"value": self.value}
        if self.kind == "same_name":
            if not self.value:
                return _("same name, no territory given")
            return _("same name in %(place)s") % {"place": self.value}
        if not self.value:
            return _("close names, no territory given")
        return _("close names in %(place)s") % {"place": self.value}


@dataclass
class DuplicatePair:
    """Two actors that may be the same organisation; `first` has the smaller id, except in
    `duplicates_of(actor)` where `first` is that actor."""

    first: Actor
    second: Actor
    reasons: list[Reason] = field(default_factory=list)

    @property
    def first_and_second(self) -> tuple[Actor, Actor]:
        return (self.first, self.second)

    @property
    def rank(self) -> int:
        return min(KIND_ORDER[r.kind] for r in self.reasons)


@dataclass
class DuplicateScan:
    """The result of one bounded pass: pairs found, and where the name comparison stopped."""

    pairs: list[DuplicatePair]
    # The place to continue the name comparison from ("" when the registry was fully read).
    next_after: str = ""

    @property
    def complete(self) -> bool:
        return not self.next_after


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _dismissed(workspace, ids) -> set[tuple[int, int]]:
    if not ids:
        return set()
    return set(
        DuplicateDismissal.objects.filter(workspace=workspace)
        .filter(Q(first_id__in=ids) | Q(second_id__in=ids))
        .values_list("first_id", "second_id")
    )


def close_names(a: str, b: str, matcher: SequenceMatcher | None = None) -> bool:
    """Whether two name keys are identical or close enough (ratio >= NAME_RATIO)."""
    if not a or not b:
        return False
    if a == b:
        return True
    numbers_a, numbers_b = _DIGITS.findall(a), _DIGITS.findall(b)
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return False  # "antenne 12" and "antenne 13" are two different structures
    if matcher is None:
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(b)
    matcher.set_seq1(a)
    if not (
        matcher.real_quick_ratio() >= NAME_RATIO
        and matcher.quick_ratio() >= NAME_RATIO
        and matcher.ratio() >= NAME_RATIO
    ):
        return False
    # A long common part inflates the ratio ("mission interministerielle filament" and
    # "… ricochet"): the words that differ must themselves be close (a typo, a plural, an
    # abbreviation), unless one name only has extra words ("scic escale" / "escale").
    words_a, words_b = a.split(), b.split()
    only_a = " ".join(w for w in words_a if w not in words_b)
    only_b = " ".join(w for w in words_b if w not in words_a)
    if not only_a or not only_b:
        return True
    return SequenceMatcher(None, only_a, only_b, autojunk=False).ratio() >= WORDS_RATIO


# --- identifiers -------------------------------------------------------------------------------


def _identifier_rows(workspace, field_name: str, limit: int) -> list[tuple[int, str, str]]:
    """(id, value, siret) of the actors sharing a value of `field_name`, bounded."""
    groups = (
        Actor.objects.filter(workspace=workspace)
        .exclude(**{field_name: ""})
        .values(field_name)
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    if field_name == "siren":
        # A SIREN shared only by actors that all have (different) SIRETs is one legal unit
        # with several establishments: only groups with an actor without SIRET can hold a pair.
        groups = groups.annotate(blank=Count("pk", filter=Q(siret=""))).filter(blank__gte=1)
    values = groups.order_by(field_name).values(field_name)[:limit]
    rows = (
        Actor.objects.filter(workspace=workspace, **{f"{field_name}__in": values})
        .annotate(
            position=Window(RowNumber(), partition_by=[F(field_name)], order_by=F("pk").asc())
        )
        .filter(position__lte=GROUP_CAP)
        .order_by(field_name, "pk")
        .values("pk", "siren", "siret", "rna")
    )
    return [(row["pk"], row[field_name], row["siret"]) for row in rows]


def _identifier_pairs(workspace, limit: int) -> dict[tuple[int, int], list[Reason]]:
    found: dict[tuple[int, int], list[Reason]] = {}
    for field_name in ("siret", "siren", "rna"):
        groups: dict[str, list[tuple[int, str]]] = {}
        for pk, value, siret in _identifier_rows(workspace, field_name, limit):
            groups.setdefault(value, []).append((pk, siret))
        for value, members in groups.items():
            for i, (a, siret_a) in enumerate(members):
                for b, siret_b in members[i + 1 :]:
                    if field_name == "siren" and siret_a and siret_b:
                        continue  # two establishments, or already flagged as the same SIRET
                    found.setdefault(_key(a, b), []).append(Reason(field_name, value))
    return found


# --- names -----------------------------------------------------------------------------------


def _place_of(commune_id, department_id) -> str:
    if commune_id:
        return f"c:{commune_id}"
    if department_id:
        return f"d:{department_id}"
    return "n:"


def _parse_after(after: str) -> tuple[str, str, str, int | None]:
    """("c", code, key, pk) from "c:69123" or "c:69123|name key|42"; ("", …) if malformed."""
    place, _bar, rest = after.partition("|")
    kind, _sep, code = place.partition(":")
    key, pk = "", None
    if rest:
        key, _bar, pk_text = rest.rpartition("|")
        pk = int(pk_text) if pk_text.isdigit() else None
        if pk is None:
            return "", "", "", None
    if kind not in ("c", "d", "n") or len(code) > 5 or not (code.isalnum() or not code):
        return "", "", "", None
    return kind, code, key, pk


def _after_filter(after: str) -> Q:
    """Actors after the cursor `after` in the scan order (communes, departments, none; then
    name key and id inside a place)."""
    kind, code, key, pk = _parse_after(after)
    if kind == "c":
        in_place, later = Q(commune_id=code), Q(commune_id__gt=code) | Q(commune_id__isnull=True)
    elif kind == "d":
        in_place = Q(commune_id__isnull=True, department_id=code)
        later = Q(commune_id__isnull=True) & (
            Q(department_id__gt=code) | Q(department_id__isnull=True)
        )
    elif kind == "n":
        in_place, later = Q(commune_id__isnull=True, department_id__isnull=True), Q(pk__in=[])
    else:
        return Q()
    if pk is None:
        return later
    return (in_place & (Q(name_key__gt=key) | Q(name_key=key, pk__gt=pk))) | later


def _compare_place(rows: list[tuple[int, str]], found: dict, place_name: str) -> None:
    """Flag close names among `rows` (id, name key) of one place, sorted by key."""
    rows = [row for row in rows if row[1]]
    if len(rows) < 2:
        return

    def flag(a, b):
        (pk_a, key_a), (pk_b, key_b) = a, b
        kind = "same_name" if key_a == key_b else "close_name"
        reasons = found.setdefault(_key(pk_a, pk_b), [])
        if not any(r.kind in ("same_name", "close_name") for r in reasons):
            reasons.append(Reason(kind, place_name))

    matcher = SequenceMatcher(None, autojunk=False)
    if len(rows) <= ALL_PAIRS_MAX:
        for i, a in enumerate(rows):
            matcher.set_seq2(a[1])
            for b in rows[i + 1 :]:
                if close_names(b[1], a[1], matcher):
                    flag(a, b)
        return
    for ordered in (rows, sorted(rows, key=lambda row: row[1][::-1])):
        for i, a in enumerate(ordered):
            matcher.set_seq2(a[1])
            for b in ordered[i + 1 : i + 1 + WINDOW]:
                if close_names(b[1], a[1], matcher):
                    flag(a, b)


def _name_pairs(workspace, after: str, budget: int) -> tuple[dict, str]:
    """Close names place by place from `after`; returns the pairs and where to continue."""
    rows = list(
        Actor.objects.filter(workspace=workspace)
        .filter(_after_filter(after))
        .order_by(
            F("commune_id").asc(nulls_last=True),
            F("department_id").asc(nulls_last=True),
            "name_key",
            "pk",
        )
        .values_list("pk", "name_key", "commune_id", "department_id", "commune__name")[: budget + 1]
    )
    truncated = len(rows) > budget
    rows = rows[:budget]
    places: list[tuple[str, str, list]] = []
    for pk, key, commune_id, department_id, commune_name in rows:
        place = _place_of(commune_id, department_id)
        if not places or places[-1][0] != place:
            places.append((place, commune_name or department_id or "", []))
        places[-1][2].append((pk, key))
    next_after = ""
    if truncated:
        if len(places) > 1:
            places.pop()  # the last place may continue beyond the budget: read it next time
            next_after = places[-1][0]
        else:  # one place larger than the budget: continue inside it
            last_pk, last_key = rows[-1][0], rows[-1][1]
            next_after = f"{places[-1][0]}|{last_key}|{last_pk}"
    found: dict = {}
    department_names = _department_names({p[0][2:] for p in places if p[0].startswith("d:")})
    for place, label, members in places:
        if place.startswith("d:"):
            label = department_names.get(label, label)
        _compare_place(members, found, label)
    return found, next_after


def _department_names(codes) -> dict[str, str]:
    if not codes:
        return {}
    return dict(Department.objects.filter(code__in=codes).values_list("code", "name"))


# --- the selectors -----------------------------------------------------------------------------


def duplicate_scan(workspace, *, limit: int = 50, after: str = "") -> DuplicateScan:
    """Possible duplicates, strongest evidence first, at most `limit` pairs.

    Identifier pairs come first (on the first pass only, `after` empty); names are compared from
    the place `after` on (see the module's docstring for the bounds).
    """
    if not _parse_after(after)[0]:
        after = ""  # empty or malformed: from the beginning
    found: dict[tuple[int, int], list[Reason]] = {}
    if not after:
        found.update(_identifier_pairs(workspace, limit))
    names, next_after = _name_pairs(workspace, after, SCAN_BUDGET)
    for key, reasons in names.items():
        found.setdefault(key, []).extend(reasons)
    ids = {pk for pair in found for pk in pair}
    dismissed = _dismissed(workspace, ids)
    keys = [key for key in found if key not in dismissed]
    actors = Actor.objects.filter(workspace=workspace).select_related("commune", "department")
    by_id = actors.in_bulk({pk for key in keys for pk in key}) if keys else {}
    pairs = [
        DuplicatePair(by_id[a], by_id[b], _tidy(found[(a, b)]))
        for a, b in keys
        if a in by_id and b in by_id
    ]
    pairs.sort(key=lambda p: (p.rank, p.first.name_key, p.first.pk, p.second.pk))
    return DuplicateScan(pairs[:limit], next_after)


def duplicate_pairs(workspace, *, limit: int = 50) -> list[DuplicatePair]:
    """Possible duplicates of the workspace (first pass of `duplicate_scan`)."""
    return duplicate_scan(workspace, limit=limit).pairs


def _tidy(reasons: list[Reason]) -> list[Reason]:
    kinds = {r.kind for r in reasons}
    unique = list(dict.fromkeys(reasons))
    if "siret" in kinds:  # the SIREN is part of the SIRET: say it once
        unique = [r for r in unique if r.kind != "siren"]
    return sorted(unique, key=lambda r: KIND_ORDER[r.kind])


NEIGHBOURS = 50  # name keys read on each side of an actor's own key, in its place


def duplicates_of(actor: Actor, *, limit: int = 10) -> list[DuplicatePair]:
    """The possible duplicates of one actor (for its page): `first` is `actor`.

    Bounded: the identifiers use their indexes; names are compared with the NEIGHBOURS keys
    just before and after the actor's own key in its place.
    """
    workspace = actor.workspace
    others = Actor.objects.filter(workspace=workspace).exclude(pk=actor.pk)
    found: dict[int, list[Reason]] = {}
    same_id = Q(pk__in=[])
    if actor.siret:
        same_id |= Q(siret=actor.siret)
    if actor.siren:
        same_id |= Q(siren=actor.siren)
    if actor.rna:
        same_id |= Q(rna=actor.rna)
    for pk, siren, siret, rna in others.filter(same_id).values_list("pk", "siren", "siret", "rna")[
        : GROUP_CAP * 3
    ]:
        if actor.siret and siret == actor.siret:
            found.setdefault(pk, []).append(Reason("siret", siret))
        elif actor.siren and siren == actor.siren and not (actor.siret and siret):
            found.setdefault(pk, []).append(Reason("siren", siren))
        if actor.rna and rna == actor.rna:
            found.setdefault(pk, []).append(Reason("rna", rna))

    if actor.name_key:
        if actor.commune_id:
            place = Q(commune_id=actor.commune_id)
            label = actor.commune.name
        elif actor.department_id:
            place = Q(commune_id__isnull=True, department_id=actor.department_id)
            label = actor.department.name
        else:
            place = Q(commune_id__isnull=True, department_id__isnull=True)
            label = ""
        nearby = others.filter(place)
        before = nearby.filter(name_key__lt=actor.name_key).order_by("-name_key", "-pk")
        after = nearby.filter(name_key__gte=actor.name_key).order_by("name_key", "pk")
        candidates = [
            *before.values_list("pk", "name_key")[:NEIGHBOURS],
            *after.values_list("pk", "name_key")[:NEIGHBOURS],
        ]
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(actor.name_key)
        for pk, key in candidates:
            if close_names(key, actor.name_key, matcher):
                kind = "same_name" if key == actor.name_key else "close_name"
                found.setdefault(pk, []).append(Reason(kind, label))

    if not found:
        return []
    dismissed = _dismissed(workspace, [actor.pk])
    ids = [pk for pk in found if _key(actor.pk, pk) not in dismissed]
    by_id = others.select_related("commune", "department").in_bulk(ids) if ids else {}
    pairs = [DuplicatePair(actor, by_id[pk], _tidy(found[pk])) for pk in ids if pk in by_id]
    pairs.sort(key=lambda p: (p.rank, p.second.name_key, p.second.pk))
    return pairs[:limit]


# --- the one write of this module ----------------------------------------------------------------


def duplicate_dismiss(*, first: Actor, second: Actor, user, request=None) -> DuplicateDismissal:
    """Record that two actors are not duplicates (idempotent): the pair is no longer flagged."""
    if first.workspace_id != second.workspace_id:
        raise ValidationError(_("These two actors belong to different workspaces."))
    if first.pk == second.pk:
        raise ValidationError(_("An actor cannot be a duplicate of itself."))
    a, b = (first, second) if first.pk < second.pk else (second, first)
    existing = DuplicateDismissal.objects.filter(first=a, second=b).first()
    if existing is not None:
        return existing
    return tenant_create(
        DuplicateDismissal, workspace=a.workspace, user=user, request=request, first=a, second=b
    )
