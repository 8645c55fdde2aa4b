"""Imports of the impact module (docs/impact.md, "Imports and exports"), through the core
framework (`core.imports`) and `impact.services` for every write:

- `indicators`: one indicator per row, identified by its code;
- `targets`: one target per row, identified by (indicator code, subject, period);
- `measurements`: one measurement per row, identified the same way, with its breakdowns in one
  cell ("Gender: Women=12; Gender: Men=8").

A subject is written as the API and the exports write it ("workspace", "actor:12"; empty means
the workspace itself); for people, an actor may also be named by its SIRET or its exact name
(case and accents ignored). A target or measurement for a subject the indicator is not followed
for yet makes it followed, in the import's transaction.

The checks are those of the services (`periods.check_period`, the target's and measurement's
rules, the sums of breakdowns), run in `validate_row` so that the preview reports every problem
with its line and column; the services check again when the rows are saved. The exports
(`impact.views.exports`) write these very columns, so an export imports back unchanged.
"""

import re
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.imports import Action, Column, Importer, RowSaveError, parsers, register
from maillage.core.imports.parsing import normalize_header
from maillage.core.sdg import goals_to_mask, mask_to_goals
from maillage.core.territories.normalize import normalize_search_text
from maillage.ecosystem.importers import parse_sdg, split_list, unneutralise
from maillage.ecosystem.models import Actor
from maillage.ecosystem.services import name_key

from . import periods, services, subjects
from .models import (
    Aggregation,
    BreakdownDimension,
    Direction,
    Frequency,
    Indicator,
    Kind,
    Measurement,
    MeasurementBreakdown,
    SdgTarget,
    Target,
    TrackedIndicator,
)
from .values import parse_quantity

# --- cell parsers ------------------------------------------------------------------------------


def text(*, max_length: int | None = None):
    """Text, without the quote our exports put before a would-be formula."""
    plain = parsers.text(max_length=max_length)
    return lambda value: plain(unneutralise(value))


def quantity(value: str) -> Decimal:
    return parse_quantity(unneutralise(value))


def parse_period(value: str) -> tuple:
    return periods.parse_period(unneutralise(value))


_LIST_SEPARATORS = re.compile(r"\s*(?:[|;]|\r?\n)\s*")
_SDG_TARGET_SEPARATORS = re.compile(r"[\s,;|]+")
_SDG_TARGET = re.compile(r"^(\d{1,2})\.([0-9]{1,2}|[a-z])$")
_SDG_PREFIXES = ("odd", "sdg", "cible", "target")


def parse_external_codes(value: str) -> str:
    """Codes separated by line breaks, | or ;, stored one per line."""
    return "\n".join(split_list(unneutralise(value), _LIST_SEPARATORS))


def parse_names(value: str) -> tuple[str, ...]:
    """Names separated by ; | or line breaks (not commas: names may hold one)."""
    return tuple(split_list(unneutralise(value), _LIST_SEPARATORS))


def parse_sdg_targets(value: str) -> tuple[str, ...]:
    """SDG target codes ("4.4; 8.5", "ODD 17.a"); whether they exist is checked per row."""
    codes = []
    for token in _SDG_TARGET_SEPARATORS.split(value.strip().lower()):
        if not token or token in _SDG_PREFIXES:
            continue
        if not _SDG_TARGET.match(token):
            raise ValidationError(
                _("“%(value)s” is not an SDG target code: write e.g. 4.4 or 17.a.")
                % {"value": token[:20]}
            )
        codes.append(token)
    return tuple(dict.fromkeys(codes))


_url = parsers.url(max_length=500)


def parse_url(value: str) -> str:
    return _url(unneutralise(value).strip())


#: A subject as written in a cell: ("ref", kind, id), ("siret", digits) or ("name", key, text).
_WORKSPACE_WORDS = {"workspace", "espace", "espace de travail", "l espace", "l'espace"}


def parse_subject(value: str) -> tuple:
    written = unneutralise(value).strip()
    if normalize_header(written) in _WORKSPACE_WORDS:
        return ("ref", subjects.WORKSPACE, None)
    kind, colon, _rest = written.partition(":")
    if colon and kind.strip() in {k.key for k in subjects.kinds()}:
        return ("ref", *subjects.parse_ref(written))
    compact = re.sub(r"[\s.]", "", written)
    if compact.isdigit() and len(compact) == 14:
        return ("siret", compact)
    return ("name", normalize_search_text(written), written[:200])


WORKSPACE_SUBJECT = ("ref", subjects.WORKSPACE, None)


def parse_breakdowns(value: str) -> tuple[tuple[str, Decimal, str], ...]:
    """ "Gender: Women=12; Gender: Men=8" → (("Gender: Women", 12, "Gender: Women=12"), …).

    Which dimension and category each label names is decided per row (`_Breakdowns`)."""
    found = []
    for part in split_list(unneutralise(value), re.compile(r"\s*(?:;|\r?\n)\s*")):
        label, equals, number = part.rpartition("=")
        if not equals or not label.strip():
            raise ValidationError(
                _("“%(part)s”: write “dimension: category=value”, e.g. “%(example)s”.")
                % {"part": part[:60], "example": _("Gender: Women=12")}
            )
        try:
            amount = parse_quantity(number)
        except ValidationError as error:
            raise ValidationError(
                _("“%(part)s”: %(problem)s") % {"part": part[:60], "problem": error.messages[0]}
            ) from None
        found.append((label.strip(), amount, part))
    return tuple(found)


# --- vocabularies ------------------------------------------------------------------------------

KIND_ALIASES = {
    "quantitatif": Kind.QUANTITATIVE,
    "quantitative": Kind.QUANTITATIVE,
    "nombre": Kind.QUANTITATIVE,
    "number": Kind.QUANTITATIVE,
    "chiffre": Kind.QUANTITATIVE,
    "qualitatif": Kind.QUALITATIVE,
    "qualitative": Kind.QUALITATIVE,
    "texte": Kind.QUALITATIVE,
    "text": Kind.QUALITATIVE,
}
DIRECTION_ALIASES = {
    "hausse": Direction.INCREASE,
    "à la hausse": Direction.INCREASE,
    "augmenter": Direction.INCREASE,
    "plus c'est mieux": Direction.INCREASE,
    "higher": Direction.INCREASE,
    "up": Direction.INCREASE,
    "baisse": Direction.DECREASE,
    "à la baisse": Direction.DECREASE,
    "diminuer": Direction.DECREASE,
    "moins c'est mieux": Direction.DECREASE,
    "lower": Direction.DECREASE,
    "down": Direction.DECREASE,
    "aucun": Direction.NONE,
    "aucune": Direction.NONE,
    "neutre": Direction.NONE,
    "neither": Direction.NONE,
    "suivi": Direction.NONE,
}
AGGREGATION_ALIASES = {
    "somme": Aggregation.SUM,
    "total": Aggregation.SUM,
    "flux": Aggregation.SUM,
    "moyenne": Aggregation.AVERAGE,
    "mean": Aggregation.AVERAGE,
    "dernière valeur": Aggregation.LATEST,
    "dernier": Aggregation.LATEST,
    "dernière": Aggregation.LATEST,
    "last": Aggregation.LATEST,
    "cumulé": Aggregation.CUMULATIVE,
    "cumul": Aggregation.CUMULATIVE,
    "cumulatif": Aggregation.CUMULATIVE,
    "running total": Aggregation.CUMULATIVE,
    "taux": Aggregation.RATIO,
    "rate": Aggregation.RATIO,
}
FREQUENCY_ALIASES = {
    "mensuel": Frequency.MONTH,
    "mensuelle": Frequency.MONTH,
    "mois": Frequency.MONTH,
    "monthly": Frequency.MONTH,
    "trimestriel": Frequency.QUARTER,
    "trimestrielle": Frequency.QUARTER,
    "trimestre": Frequency.QUARTER,
    "quarterly": Frequency.QUARTER,
    "annuel": Frequency.YEAR,
    "annuelle": Frequency.YEAR,
    "année": Frequency.YEAR,
    "an": Frequency.YEAR,
    "annual": Frequency.YEAR,
    "yearly": Frequency.YEAR,
    "personnalisé": Frequency.CUSTOM,
    "personnalisée": Frequency.CUSTOM,
    "libre": Frequency.CUSTOM,
    "sur mesure": Frequency.CUSTOM,
}
STATUS_ALIASES = {
    "mesuré": Measurement.Status.MEASURED,
    "mesurée": Measurement.Status.MEASURED,
    "non mesuré": Measurement.Status.NOT_MEASURED,
    "non mesurée": Measurement.Status.NOT_MEASURED,
    "pas mesuré": Measurement.Status.NOT_MEASURED,
    "non mesuré sur la période": Measurement.Status.NOT_MEASURED,
    "not measured": Measurement.Status.NOT_MEASURED,
}

# --- shared column definitions -------------------------------------------------------------------


def _indicator_code_column() -> Column:
    return Column(
        "indicator",
        gettext_lazy("Indicator code"),
        required=True,
        aliases=("indicator", "indicateur", "code indicateur", "code de l'indicateur", "code"),
        parser=text(max_length=30),
        help_text=gettext_lazy("The code of one of the workspace's indicators."),
        example="EMP-01",
    )


def _subject_column() -> Column:
    return Column(
        "subject",
        gettext_lazy("Subject"),
        aliases=("sujet", "suivi pour", "followed for", "pour", "acteur", "actor", "structure"),
        parser=parse_subject,
        default=WORKSPACE_SUBJECT,
        help_text=gettext_lazy(
            "Empty or “workspace”: the workspace itself; “actor:12”: the actor with id 12; an "
            "actor may also be given by its SIRET or its exact name."
        ),
        example="actor:12",
    )


def _period_column() -> Column:
    return Column(
        "period",
        gettext_lazy("Period"),
        required=True,
        aliases=("période", "periode", "trimestre", "mois", "année"),
        parser=parse_period,
        help_text=gettext_lazy(
            "2025-Q1 (a quarter), 2025-03 (a month), 2025 (a year) or 2025-09-01..2026-08-31 "
            "(a custom period), as the indicator is measured. “T1 2025” and “03/2025” too."
        ),
        example="2025-Q1",
    )


def _remap(error: ValidationError, names: dict) -> ValidationError:
    """The error with its fields renamed to the import's columns."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict = defaultdict(list)
    for name, errors in error.error_dict.items():
        renamed[names.get(name, name)].extend(errors)
    return ValidationError(dict(renamed))


PERIOD_FIELDS = {"period_start": "period", "period_end": "period"}


class SubjectRowsMixin:
    """Rows naming an indicator by its code and a subject: both resolved per chunk in a fixed
    number of queries, the followed indicator (`TrackedIndicator`) found when it exists."""

    #: The model of the records the rows describe (Target or Measurement).
    record_model = None
    #: What identifies a row. Not the engine's `natural_key`: the subject column may be absent
    #: (the workspace itself), and one actor may be written several ways; `prepare` computes
    #: the key and `check_row` finds the duplicates.
    key_columns = ("indicator", "subject", "period")

    @classmethod
    def layout(cls) -> list[dict]:
        return [
            {**column, "is_key": column["name"] in cls.key_columns} for column in super().layout()
        ]

    def _indicators(self, codes, context) -> dict:
        known = context.cache.setdefault("indicators", {})
        missing = {c for c in codes if c not in known}
        if missing:
            for code in missing:
                known[code] = None
            for indicator in (
                Indicator.objects.filter(workspace=context.workspace, code__in=missing)
                .select_related("workspace")
                .prefetch_related("dimensions")
            ):
                known[indicator.code] = indicator
        return known

    def _actors(self, rows, context) -> dict:
        """Actors named by SIRET or name in the chunk: {("siret", x) | ("name", key): [actors]}."""
        sirets = {r.written_subject[1] for r in rows if r.written_subject[0] == "siret"}
        names = {name_key(r.written_subject[2]) for r in rows if r.written_subject[0] == "name"}
        found: dict = defaultdict(list)
        base = Actor.objects.filter(workspace=context.workspace).only("id", "name", "siret")
        if sirets:
            for actor in base.filter(siret__in=sirets):
                found["siret", actor.siret].append(actor)
        names.discard("")
        if names:
            for actor in base.filter(name_key__in=names):
                found["name", normalize_search_text(actor.name)].append(actor)
        return found

    def _resolve_subjects(self, rows, context) -> None:
        """Set `row.subject` to (kind, id), or `row.problems["subject"]`."""
        actors = self._actors(rows, context)
        refs = {r.written_subject[1:] for r in rows if r.written_subject[0] == "ref"}
        resolved = subjects.resolve_many(context.workspace, refs)
        for row in rows:
            written = row.written_subject
            if written[0] == "ref":
                key = written[1:]
                if key in resolved:
                    row.subject = key
                else:
                    try:  # the service's own message
                        subjects.resolve(context.workspace, *key)
                    except ValidationError as error:
                        row.problems["subject"] = error.messages
                continue
            matches = actors.get(written[:2], [])
            if len(matches) == 1:
                row.subject = ("actor", matches[0].pk)
            elif not matches:
                row.problems["subject"] = (
                    _("No actor of the registry has the SIRET %(siret)s.") % {"siret": written[1]}
                    if written[0] == "siret"
                    else _("No actor of the registry is named “%(name)s”.") % {"name": written[2]}
                )
            else:
                row.problems["subject"] = _(
                    "Several actors are named “%(name)s”: write “actor:<id>” (ids: %(ids)s)."
                ) % {"name": written[-1], "ids": ", ".join(str(a.pk) for a in matches[:5])}

    def prepare(self, rows, context) -> None:
        indicators = self._indicators({r.values["indicator"] for r in rows}, context)
        for row in rows:
            row.problems = {}
            row.subject = None
            row.written_subject = row.values.get("subject") or WORKSPACE_SUBJECT
            row.indicator = indicators.get(row.values["indicator"])
            if row.indicator is None:
                row.problems["indicator"] = _(
                    "No indicator has the code “%(code)s” in this workspace (import or create "
                    "the indicators first)."
                ) % {"code": row.values["indicator"]}
        self._resolve_subjects(rows, context)
        # The followed indicators and the records already stored: one query each.
        wanted = [r for r in rows if not r.problems]
        indicator_ids = {r.indicator.pk for r in wanted}
        tracks = {}
        records = {}
        if indicator_ids:
            subject_ids = {r.subject[1] for r in wanted if r.subject[1] is not None}
            for tracked in TrackedIndicator.objects.filter(
                Q(subject_id__in=subject_ids) | Q(subject_id__isnull=True),
                indicator_id__in=indicator_ids,
            ):
                tracks[tracked.indicator_id, tracked.subject_kind, tracked.subject_id] = tracked
        tracked_ids = {t.pk for t in tracks.values()}
        if tracked_ids:
            starts = {r.values["period"][0] for r in wanted}
            for record in self.record_model.objects.filter(
                tracked_id__in=tracked_ids, period_start__in=starts
            ):
                key = (record.tracked_id, record.period_start, record.period_end)
                records[key] = record
        for row in wanted:
            row.tracked = tracks.get((row.indicator.pk, *row.subject))
            if row.tracked is not None:
                row.tracked.indicator = row.indicator  # read once, with its dimensions
            start, end = row.values["period"]
            row.key = (row.indicator.pk, *row.subject, start, end)
            if row.tracked is not None:
                record = records.get((row.tracked.pk, start, end))
                if record is not None:
                    context.existing[row.key] = record
        self.prepare_records([r for r in wanted if r.key in context.existing], context)

    def prepare_records(self, rows, context) -> None:
        """Load what `compare` needs of the stored records (one query)."""

    def check_row(self, row, context) -> None:
        """The checks common to targets and measurements: what `prepare` found, the period, and
        one row per (indicator, subject, period)."""
        if row.problems:
            raise ValidationError(row.problems)
        indicator = row.indicator
        start, end = row.values["period"]
        try:
            periods.check_period(indicator.frequency, start, end)
        except ValidationError as error:
            raise _remap(error, PERIOD_FIELDS) from None
        claims = context.cache.setdefault("claims", {})
        first = claims.setdefault(row.key, row.line)
        if first != row.line:
            raise ValidationError(
                {
                    "subject": _(
                        "Duplicate: line %(line)s already has this indicator, subject and "
                        "period. Each must appear on one row only."
                    )
                    % {"line": first}
                }
            )
        # The followed indicator as the service checks against it (unsaved when new).
        row.checked_tracked = row.tracked or TrackedIndicator(
            workspace=context.workspace,
            indicator=indicator,
            subject_kind=row.subject[0],
            subject_id=row.subject[1],
        )

    def tracked_for_save(self, row, context) -> TrackedIndicator:
        """The followed indicator, following it for the subject first when it is not yet."""
        if row.tracked is not None:  # found by `prepare`, in this transaction
            return row.tracked
        return services.indicator_track(
            row.indicator, user=context.user, subject_kind=row.subject[0], subject_id=row.subject[1]
        )

    def save_row(self, row, context) -> None:
        try:
            self.save_record(row, context)
        except ValidationError as error:
            raise RowSaveError(row, _remap(error, self.save_fields)) from error

    save_fields: dict = PERIOD_FIELDS


# --- indicators ------------------------------------------------------------------------------


def indicator_columns() -> tuple[Column, ...]:
    """The documented column layout (docs/impact.md); the exports write it."""
    return (
        Column(
            "code",
            gettext_lazy("Code"),
            required=True,
            aliases=("code indicateur", "indicator code", "identifiant", "référence", "ref"),
            parser=text(max_length=30),
            help_text=gettext_lazy("Unique in the workspace: it identifies the indicator."),
            example="EMP-01",
        ),
        Column(
            "name",
            gettext_lazy("Name"),
            required=True,
            aliases=("nom", "intitulé", "libellé", "indicateur", "indicator", "titre", "title"),
            parser=text(max_length=200),
            example="Personnes accompagnées vers l'emploi",
        ),
        Column(
            "definition",
            gettext_lazy("Definition"),
            aliases=("définition", "description"),
            parser=text(),
        ),
        Column(
            "kind",
            gettext_lazy("Kind"),
            aliases=("type", "nature", "type d'indicateur"),
            parser=parsers.choice(Kind.choices, aliases=KIND_ALIASES),
            help_text=gettext_lazy("quantitative (a number) or qualitative (a text)."),
            example="quantitative",
        ),
        Column(
            "unit",
            gettext_lazy("Unit"),
            aliases=("unité", "unite"),
            parser=text(max_length=50),
            example="personnes",
        ),
        Column(
            "direction",
            gettext_lazy("Direction"),
            aliases=("sens", "sens de progression", "sens souhaité", "better when"),
            parser=parsers.choice(Direction.choices, aliases=DIRECTION_ALIASES),
            help_text=gettext_lazy("increase (higher is better), decrease or none."),
            example="increase",
        ),
        Column(
            "aggregation",
            gettext_lazy("Aggregation"),
            aliases=("agrégation", "mode de calcul", "calcul", "cumul des valeurs"),
            parser=parsers.choice(Aggregation.choices, aliases=AGGREGATION_ALIASES),
            help_text=gettext_lazy("sum, average, latest, cumulative or ratio."),
            example="sum",
        ),
        Column(
            "frequency",
            gettext_lazy("Frequency"),
            aliases=("fréquence", "périodicité", "frequence de mesure", "measured"),
            parser=parsers.choice(Frequency.choices, aliases=FREQUENCY_ALIASES),
            help_text=gettext_lazy("month, quarter, year or custom."),
            example="quarter",
        ),
        Column(
            "ratio_as_percentage",
            gettext_lazy("Ratio as a percentage"),
            aliases=(
                "ratio en pourcentage",
                "en pourcentage",
                "pourcentage",
                "percentage",
                "as percentage",
            ),
            parser=parsers.boolean(),
            help_text=gettext_lazy("Ratio only: yes shows 45 ÷ 60 as 75 %."),
            example="oui",
        ),
        Column(
            "decimal_places",
            gettext_lazy("Decimal places"),
            aliases=("décimales", "nombre de décimales", "decimals"),
            parser=parsers.integer(min_value=0, max_value=4),
            example="0",
        ),
        Column(
            "method",
            gettext_lazy("Method"),
            aliases=("méthode", "méthode de mesure", "method of measurement", "source"),
            parser=text(),
        ),
        Column(
            "external_codes",
            gettext_lazy("External codes"),
            aliases=("codes externes", "autres référentiels", "référentiels", "codes"),
            parser=parse_external_codes,
            help_text=gettext_lazy("Codes in other frameworks, separated by | or line breaks."),
            example="IRIS+ PI4060 | VALOR'ESS",
        ),
        Column(
            "sdg_goals",
            gettext_lazy("SDG goals"),
            aliases=(
                "odd",
                "objectifs odd",
                "objectifs de développement durable",
                "sdg",
                "sdgs",
                "sustainable development goals",
            ),
            parser=parse_sdg,
            help_text=gettext_lazy("Goal numbers from 1 to 17, e.g. 1, 4, 8."),
            example="1, 4, 8",
        ),
        Column(
            "sdg_targets",
            gettext_lazy("SDG targets"),
            aliases=("cibles odd", "cibles", "cible odd", "sdg target"),
            parser=parse_sdg_targets,
            help_text=gettext_lazy(
                "Codes of SDG targets, e.g. 4.4; 8.5 (their goals are added to the goals)."
            ),
            example="4.4; 8.5",
        ),
        Column(
            "dimensions",
            gettext_lazy("Breakdown dimensions"),
            aliases=("ventilations", "dimensions", "dimensions de ventilation", "breakdowns"),
            parser=parse_names,
            help_text=gettext_lazy(
                "Names of the workspace's breakdown dimensions, separated by ; (e.g. Gender; "
                "Age band)."
            ),
            example="Genre; Tranche d'âge",
        ),
        Column(
            "is_archived",
            gettext_lazy("Archived"),
            aliases=("archivé", "archivée", "archive"),
            parser=parsers.boolean(),
            help_text=gettext_lazy("yes: no longer measured (its history stays)."),
            example="non",
        ),
    )


#: Plain fields of an indicator that a column sets as it is.
INDICATOR_FIELDS = (
    "code",
    "name",
    "definition",
    "kind",
    "unit",
    "direction",
    "aggregation",
    "frequency",
    "ratio_as_percentage",
    "decimal_places",
    "method",
    "external_codes",
    "is_archived",
)


def _indicator_default(name: str):
    return Indicator._meta.get_field(name).get_default()


@register
class IndicatorImporter(Importer):
    key = "indicators"
    label = gettext_lazy("Impact indicators")
    description = gettext_lazy(
        "One indicator per row, identified by its code: a row with a code already used updates "
        "that indicator, the others create one (followed for the workspace itself). Columns "
        "absent from the file are left as they are."
    )
    results_url_name = "impact:home"
    columns = indicator_columns()
    natural_key = ("code",)

    def lookup_existing(self, keys, context):
        codes = [key[0] for key in keys]
        return {
            (indicator.code,): indicator
            for indicator in Indicator.objects.filter(
                workspace=context.workspace, code__in=codes
            ).prefetch_related("sdg_targets", "dimensions")
        }

    def prepare(self, rows, context) -> None:
        super().prepare(rows, context)
        cache = context.cache
        if "sdg_targets" not in cache:
            cache["sdg_targets"] = {t.code: t for t in SdgTarget.objects.all()}
            cache["dimensions"] = {
                normalize_header(d.name): d
                for d in BreakdownDimension.objects.filter(workspace=context.workspace)
            }
        stored = [i.pk for i in context.existing.values()]
        cache["measured"] = set(
            Measurement.objects.filter(
                indicator_id__in=stored, status=Measurement.Status.MEASURED
            ).values_list("indicator_id", flat=True)
        )

    def validate_row(self, row, context) -> None:
        existing = context.existing.get(row.key)
        errors: dict = {}
        values = row.values
        final = {
            name: values[name]
            if name in values and values[name] is not None
            else (getattr(existing, name) if existing else _indicator_default(name))
            for name in INDICATOR_FIELDS
        }
        for name in ("definition", "unit", "method", "external_codes"):
            if name in values and values[name] is None:
                final[name] = ""  # an empty cell empties the text
        if final["kind"] == Kind.QUALITATIVE:
            final["aggregation"] = Aggregation.LATEST  # as the services do
        if existing is not None and existing.pk in context.cache["measured"]:
            ratio = Aggregation.RATIO in (final["aggregation"], existing.aggregation)
            if final["kind"] != existing.kind or (
                ratio and final["aggregation"] != existing.aggregation
            ):
                errors["kind" if final["kind"] != existing.kind else "aggregation"] = _(
                    "Measurements are recorded in the current form: the kind, and a change "
                    "to or from a ratio, would make them unreadable. Create a new indicator."
                )
        targets = None
        if "sdg_targets" in values:
            known = context.cache["sdg_targets"]
            unknown = [code for code in values["sdg_targets"] or () if code not in known]
            if unknown and not known:
                errors["sdg_targets"] = _(
                    "The SDG targets are not loaded in this installation yet (manage.py "
                    "import_sdg): leave this column empty."
                )
            elif unknown:
                errors["sdg_targets"] = _("Unknown SDG target: %(codes)s.") % {
                    "codes": ", ".join(unknown)
                }
            targets = [known[c] for c in values["sdg_targets"] or () if c in known]
        dimensions = None
        if "dimensions" in values:
            known = context.cache["dimensions"]
            names = values["dimensions"] or ()
            unknown = [n for n in names if normalize_header(n) not in known]
            if unknown:
                errors["dimensions"] = _(
                    "Unknown breakdown dimension: %(names)s (the workspace's: %(known)s)."
                ) % {
                    "names": ", ".join(f"“{n}”" for n in unknown),
                    "known": ", ".join(d.name for d in known.values()) or "—",
                }
            chosen = {normalize_header(n): known.get(normalize_header(n)) for n in names}
            dimensions = [d for d in chosen.values() if d is not None]
        if errors:
            raise ValidationError(errors)
        # The SDG mask the services will store (the goals of the chosen targets included).
        stored_targets = list(existing.sdg_targets.all()) if existing else []
        if "sdg_goals" in values:
            goals = set(values["sdg_goals"] or ())
            goals.update(t.goal for t in (targets if targets is not None else stored_targets))
            mask = goals_to_mask(goals)
        else:
            mask = existing.sdg_goals if existing else 0
            mask |= goals_to_mask({t.goal for t in targets or ()})
        row.final = final
        row.sdg_goals = "sdg_goals" in values
        row.targets = targets
        row.mask = mask
        row.dimensions = dimensions

    def compare(self, row, existing, context) -> Action:
        if existing is None:
            return Action.CREATE
        changes = {
            name: value for name, value in row.final.items() if getattr(existing, name) != value
        }
        same_targets = row.targets is None or {t.code for t in row.targets} == {
            t.code for t in existing.sdg_targets.all()
        }
        same_dimensions = row.dimensions is None or {d.pk for d in row.dimensions} == {
            d.pk for d in existing.dimensions.all()
        }
        row.changes = changes
        unchanged = not changes and same_targets and same_dimensions
        return Action.UNCHANGED if unchanged and row.mask == existing.sdg_goals else Action.UPDATE

    def _related(self, row, existing) -> dict:
        related = {}
        if row.sdg_goals:
            related["sdg_goals"] = mask_to_goals(row.mask)
        if row.targets is not None:
            related["sdg_targets"] = row.targets
        elif row.sdg_goals and existing is not None:
            related["sdg_targets"] = list(existing.sdg_targets.all())
        if row.dimensions is not None:
            related["dimensions"] = row.dimensions
        return related

    def save_row(self, row, context) -> None:
        try:
            if row.existing is None:
                services.indicator_create(
                    workspace=context.workspace,
                    user=context.user,
                    **row.final,
                    **self._related(row, None),
                )
                return
            # Read again: a chunk retried after a failure must not see its own earlier writes.
            indicator = Indicator.objects.get(pk=row.existing.pk)
            services.indicator_update(
                indicator,
                user=context.user,
                expected_version=None,
                **row.changes,
                **self._related(row, row.existing),
            )
        except ValidationError as error:
            raise RowSaveError(row, error) from error


# --- targets ---------------------------------------------------------------------------------


def target_columns() -> tuple[Column, ...]:
    return (
        _indicator_code_column(),
        _subject_column(),
        _period_column(),
        Column(
            "value",
            gettext_lazy("Target value"),
            aliases=("valeur", "valeur cible", "cible", "objectif", "target", "value"),
            parser=quantity,
            help_text=gettext_lazy("A number, for a quantitative indicator."),
            example="120",
        ),
        Column(
            "text",
            gettext_lazy("Target (text)"),
            aliases=("cible (texte)", "objectif (texte)", "texte", "text"),
            parser=text(),
            help_text=gettext_lazy("For a qualitative indicator: what is aimed at."),
        ),
        Column(
            "note",
            gettext_lazy("Note"),
            aliases=("note", "remarque", "commentaire", "comment"),
            parser=text(),
        ),
    )


@register
class TargetImporter(SubjectRowsMixin, Importer):
    key = "targets"
    label = gettext_lazy("Impact targets")
    description = gettext_lazy(
        "One target per row: indicator code, subject, period and value (or text). A target "
        "already set for the same indicator, subject and period is updated, never doubled; "
        "an indicator not yet followed for the subject becomes followed."
    )
    results_url_name = "impact:home"
    columns = target_columns()
    record_model = Target

    def validate_row(self, row, context) -> None:
        self.check_row(row, context)
        existing = context.existing.get(row.key)
        values = row.values
        value = values.get("value", existing.value if existing else None)
        text = values.get("text", existing.text if existing else "")
        note = values.get("note", existing.note if existing else "")
        fields = services.target_fields(row.checked_tracked, value, text or "")
        row.final = {**fields, "note": (note or "").strip()}

    def compare(self, row, existing, context) -> Action:
        if existing is None:
            return Action.CREATE
        same = all(getattr(existing, name) == value for name, value in row.final.items())
        return Action.UNCHANGED if same else Action.UPDATE

    def save_record(self, row, context) -> None:
        start, end = row.values["period"]
        services.target_save(
            self.tracked_for_save(row, context),
            user=context.user,
            period_start=start,
            period_end=end,
            **row.final,
        )


# --- measurements ------------------------------------------------------------------------------


def measurement_columns() -> tuple[Column, ...]:
    return (
        _indicator_code_column(),
        _subject_column(),
        _period_column(),
        Column(
            "status",
            gettext_lazy("Status"),
            aliases=("statut", "état", "etat"),
            parser=parsers.choice(Measurement.Status.choices, aliases=STATUS_ALIASES),
            help_text=gettext_lazy(
                "measured, or not_measured (“non mesuré”) for a period without a figure. Empty: "
                "measured when the row gives a value."
            ),
            example="measured",
        ),
        Column(
            "value",
            gettext_lazy("Value"),
            aliases=("valeur", "réalisé", "realise", "résultat", "actual"),
            parser=quantity,
            help_text=gettext_lazy(
                "A number, nothing else (not “N/A”: mark the period not measured instead). For "
                "a ratio it is computed: leave it empty or equal to numerator ÷ denominator."
            ),
            example="42",
        ),
        Column(
            "numerator",
            gettext_lazy("Numerator"),
            aliases=("numérateur", "numerateur"),
            parser=quantity,
            help_text=gettext_lazy("Ratio only."),
        ),
        Column(
            "denominator",
            gettext_lazy("Denominator"),
            aliases=("dénominateur", "denominateur"),
            parser=quantity,
            help_text=gettext_lazy("Ratio only."),
        ),
        Column(
            "text_value",
            gettext_lazy("Observation"),
            aliases=("constat", "texte", "text", "valeur qualitative", "qualitative value"),
            parser=text(),
            help_text=gettext_lazy("Qualitative indicator only: what was observed."),
        ),
        Column(
            "narrative",
            gettext_lazy("Narrative"),
            aliases=("récit", "commentaire", "commentaires", "comment", "explication", "analyse"),
            parser=text(),
            help_text=gettext_lazy("What happened, what explains the figure."),
        ),
        Column(
            "evidence_url",
            gettext_lazy("Evidence link"),
            aliases=("lien de preuve", "preuve", "justificatif", "evidence", "lien"),
            parser=parse_url,
            example="https://example.org/rapport-2025.pdf",
        ),
        Column(
            "measured_on",
            gettext_lazy("Measured on"),
            aliases=("mesuré le", "date de mesure", "date de la mesure"),
            parser=parsers.date(),
            help_text=gettext_lazy("Empty: today for a new measurement, unchanged otherwise."),
            example="15/04/2025",
        ),
        Column(
            "breakdowns",
            gettext_lazy("Breakdowns"),
            aliases=("ventilations", "ventilation", "répartition", "breakdown"),
            parser=parse_breakdowns,
            help_text=gettext_lazy(
                "“dimension: category=value” separated by ;, e.g. “Gender: Women=12; Gender: "
                "Men=8”. For a sum, each dimension adds up to the value."
            ),
            example="Genre: Femmes=12; Genre: Hommes=8",
        ),
    )


FIGURES = ("value", "numerator", "denominator", "text_value")


MEASUREMENT_FIELDS = ("status", *FIGURES, "narrative", "evidence_url")


@register
class MeasurementImporter(SubjectRowsMixin, Importer):
    key = "measurements"
    label = gettext_lazy("Impact measurements")
    description = gettext_lazy(
        "One measurement per row: indicator code, subject, period, then the value (or the "
        "numerator and denominator of a ratio, or the observation of a qualitative indicator) "
        "or the status “not measured”. A measurement already recorded for the same indicator, "
        "subject and period is updated, never doubled; an indicator not yet followed for the "
        "subject becomes followed."
    )
    results_url_name = "impact:home"
    columns = measurement_columns()
    record_model = Measurement

    def prepare(self, rows, context) -> None:
        if "categories" not in context.cache:
            dimensions = {}
            categories = defaultdict(dict)
            for dimension in BreakdownDimension.objects.filter(
                workspace=context.workspace
            ).prefetch_related("categories"):
                dimensions[normalize_header(dimension.name)] = dimension
                for category in dimension.categories.all():
                    category.dimension = dimension  # no query when the service reads it
                    categories[dimension.pk][normalize_header(category.name)] = category
            context.cache["dimensions"] = dimensions
            context.cache["categories"] = categories
        super().prepare(rows, context)

    def prepare_records(self, rows, context) -> None:
        stored = [context.existing[r.key] for r in rows]
        by_measurement = defaultdict(dict)
        for measurement_id, category_id, value in MeasurementBreakdown.objects.filter(
            measurement__in=stored
        ).values_list("measurement_id", "category_id", "value"):
            by_measurement[measurement_id][category_id] = value
        for measurement in stored:
            measurement.stored_breakdowns = by_measurement.get(measurement.pk, {})

    def _breakdowns(self, row, context) -> dict:
        """{category: value} from the cell; ValidationError on the breakdowns column."""
        indicator = row.indicator
        own = {d.pk: d for d in indicator.dimensions.all()}
        dimensions = context.cache["dimensions"]
        categories = context.cache["categories"]
        problems = []
        found: dict = {}

        def category_in(dimension, name):
            return categories[dimension.pk].get(normalize_header(name))

        for label, value, part in row.values["breakdowns"]:
            candidates = []  # (dimension, category name) for every way to read the label
            for index in [i for i, char in enumerate(label) if char == ":"]:
                dimension = dimensions.get(normalize_header(label[:index]))
                if dimension is not None:
                    candidates.append((dimension, label[index + 1 :].strip()))
            if not candidates and ":" in label:
                problems.append(
                    _("“%(part)s”: “%(dimension)s” is not a breakdown dimension (%(known)s).")
                    % {
                        "part": part[:60],
                        "dimension": label.partition(":")[0].strip()[:40],
                        "known": ", ".join(d.name for d in own.values()) or "—",
                    }
                )
                continue
            if not candidates:  # the category alone: looked for in the indicator's dimensions
                matches = [
                    (d, category_in(d, label)) for d in own.values() if category_in(d, label)
                ]
                if len(matches) == 1:
                    category = matches[0][1]
                else:
                    problems.append(
                        (
                            _(
                                "“%(part)s”: several dimensions have “%(category)s”: write "
                                "“dimension: category=value”."
                            )
                            if matches
                            else _(
                                "“%(part)s”: “%(category)s” is not a category of this "
                                "indicator's breakdowns (%(known)s)."
                            )
                        )
                        % {
                            "part": part[:60],
                            "category": label[:40],
                            "known": ", ".join(d.name for d in own.values()) or "—",
                        }
                    )
                    continue
            else:
                dimension, name = candidates[-1]
                if dimension.pk not in own:
                    problems.append(
                        _(
                            "“%(part)s”: indicator %(code)s is not broken down by "
                            "“%(dimension)s” (its breakdowns: %(known)s)."
                        )
                        % {
                            "part": part[:60],
                            "code": indicator.code,
                            "dimension": dimension.name,
                            "known": ", ".join(d.name for d in own.values()) or "—",
                        }
                    )
                    continue
                category = category_in(dimension, name)
                if category is None:
                    problems.append(
                        _(
                            "“%(part)s”: “%(category)s” is not a category of %(dimension)s "
                            "(%(known)s)."
                        )
                        % {
                            "part": part[:60],
                            "category": name[:40],
                            "dimension": dimension.name,
                            "known": ", ".join(c.name for c in categories[dimension.pk].values()),
                        }
                    )
                    continue
            if category in found:
                problems.append(
                    _("“%(part)s”: %(category)s is given twice.")
                    % {"part": part[:60], "category": category.name}
                )
                continue
            found[category] = value
        if problems:
            raise ValidationError({"breakdowns": problems})
        return found

    def validate_row(self, row, context) -> None:
        self.check_row(row, context)
        existing = context.existing.get(row.key)
        values = row.values
        figures_given = any(values.get(name) not in (None, "") for name in FIGURES) or bool(
            values.get("breakdowns")
        )
        status = values.get("status")
        if status is None:
            if figures_given or existing is None:
                status = Measurement.Status.MEASURED
            else:
                status = existing.status
        data = {"status": status}
        for name in MEASUREMENT_FIELDS[1:]:
            if name in values:
                data[name] = values[name]
            elif existing is not None and (
                name not in FIGURES or status == Measurement.Status.MEASURED
            ):
                data[name] = getattr(existing, name)
        breakdowns = None  # kept as they are
        if values.get("breakdowns"):
            breakdowns = self._breakdowns(row, context)
        elif "breakdowns" in values or status == Measurement.Status.NOT_MEASURED:
            breakdowns = {}
        elif existing is not None:
            categories = {
                c.pk: c
                for by_name in context.cache["categories"].values()
                for c in by_name.values()
            }
            breakdowns = {
                categories[pk]: value
                for pk, value in existing.stored_breakdowns.items()
                if pk in categories
            }
        tracked = row.checked_tracked
        fields = services.measurement_fields(tracked, {**data, "breakdowns": breakdowns})
        indicator = row.indicator
        if (
            indicator.is_ratio
            and values.get("value") is not None
            and fields["value"] is not None
            and values["value"] != fields["value"]
        ):
            raise ValidationError(
                {
                    "value": _(
                        "For a ratio the value is computed from the numerator and the "
                        "denominator (%(computed)s): leave this cell empty."
                    )
                    % {"computed": fields["value"].normalize()}
                }
            )
        values_by_category = services.checked_breakdowns(tracked, fields["value"], breakdowns)
        row.data = {name: data.get(name) for name in MEASUREMENT_FIELDS}
        row.fields = fields
        row.breakdowns = breakdowns
        row.breakdown_values = {c.pk: v for c, v in values_by_category.items()}
        row.measured_on = values.get("measured_on")

    def compare(self, row, existing, context) -> Action:
        if existing is None:
            return Action.CREATE
        same = all(getattr(existing, name) == value for name, value in row.fields.items())
        if row.measured_on is not None and row.measured_on != existing.measured_on:
            same = False
        if row.breakdown_values != existing.stored_breakdowns:
            same = False
        return Action.UNCHANGED if same else Action.UPDATE

    save_fields = {**PERIOD_FIELDS, "tracked": "subject"}

    def save_record(self, row, context) -> None:
        data = {name: value for name, value in row.data.items() if value is not None}
        if row.measured_on is not None:
            data["measured_on"] = row.measured_on
        if row.existing is None:
            start, end = row.values["period"]
            services.measurement_create(
                self.tracked_for_save(row, context),
                user=context.user,
                period_start=start,
                period_end=end,
                breakdowns=row.breakdowns,
                **data,
            )
            return
        # Read again: a chunk retried after a failure must not see its own earlier writes.
        measurement = Measurement.objects.select_related("tracked__indicator").get(
            pk=row.existing.pk
        )
        services.measurement_update(
            measurement,
            user=context.user,
            expected_version=None,
            breakdowns=row.breakdowns,
            **data,
        )


__all__ = [
    "IndicatorImporter",
    "MeasurementImporter",
    "TargetImporter",
    "indicator_columns",
    "measurement_columns",
    "target_columns",
]
