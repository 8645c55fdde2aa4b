"""Load the SDG targets and indicators from the official open-sdg translation files.

`import_sdg(directory)` reads `fr/` and `en/` under `directory`, each holding the open-sdg
translation files `global_goals.yml` (`1-short`, `1-title`), `global_targets.yml` (`1-1-title`,
`1-a-title`) and `global_indicators.yml` (`1-1-1-title`), and upserts `SdgTarget` and
`SdgIndicator` in one transaction. Codes read "1.1", "17.a", "1.1.1"; positions follow the
official order within the goal or target (the numbered targets, then the lettered ones). Texts
are stored on one line and in composed Unicode (NFC). Only new or changed rows are written, so
a second run with the same files writes nothing. Rows that are no longer in the files are kept
(indicators of the workspaces may point at them) and counted.

The 17 goals themselves are built in (`core.sdg`); their short names in the files are compared
with Maillage's, and the differences reported.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from maillage.core.sdg import SDG_GOALS

from .models import SdgIndicator, SdgTarget

LANGUAGES = ("fr", "en")
GOALS_FILE = "global_goals.yml"
TARGETS_FILE = "global_targets.yml"
INDICATORS_FILE = "global_indicators.yml"

_GOAL_KEY = re.compile(r"^(\d{1,2})-short$")
_TARGET_KEY = re.compile(r"^(\d{1,2})-(\d{1,2}|[a-z])-title$")
_INDICATOR_KEY = re.compile(r"^(\d{1,2})-(\d{1,2}|[a-z])-(\d{1,2})-title$")

FIELDS = ["goal", "position", "title_fr", "title_en"]
INDICATOR_FIELDS = ["target", "position", "title_fr", "title_en"]


class SdgImportError(Exception):
    """A missing, unreadable or malformed input file."""


@dataclass
class GoalNameDifference:
    goal: int
    language: str
    in_files: str
    in_maillage: str


@dataclass
class SdgImportResult:
    targets: int = 0
    targets_created: int = 0
    targets_updated: int = 0
    targets_absent: int = 0  # in the database, not in the files: kept
    indicators: int = 0
    indicators_created: int = 0
    indicators_updated: int = 0
    indicators_absent: int = 0
    goal_names: dict[str, dict[int, str]] = field(default_factory=dict)  # language → goal → name
    name_differences: list[GoalNameDifference] = field(default_factory=list)


def read_translation_file(path: Path) -> dict[str, str]:
    """A flat mapping of keys to texts; SdgImportError naming the file otherwise."""
    if not path.is_file():
        raise SdgImportError(_("File not found: %(path)s") % {"path": path})
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise SdgImportError(
            _("%(path)s is not valid YAML: %(message)s")
            % {"path": path, "message": " ".join(str(error).split())}
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise SdgImportError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
        ) from error
    if not isinstance(data, dict):
        raise SdgImportError(
            _("%(path)s must map keys such as “1-1-title” to texts.") % {"path": path}
        )
    texts = {}
    for key, value in data.items():
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise SdgImportError(
                _("%(path)s: “%(key)s” is not a text.") % {"path": path, "key": str(key)[:40]}
            )
        # One line, composed characters (the French files spell "à" as "a" + a combining accent).
        texts[str(key)] = unicodedata.normalize("NFC", " ".join(str(value).split()))
    return texts


def _part_order(part: str) -> tuple[int, int | str]:
    """Numbered targets first ("1" … "19"), then lettered ones ("a", "b" …)."""
    return (0, int(part)) if part.isdigit() else (1, part)


def _matching(path: Path, texts: dict[str, str], pattern: re.Pattern) -> dict[tuple, str]:
    found = {}
    for key, text in texts.items():
        match = pattern.match(key)
        if not match:
            continue  # other keys (goal titles, descriptions…) are not ours
        goal = int(match.group(1))
        if goal not in SDG_GOALS:
            raise SdgImportError(
                _("%(path)s: “%(key)s” names goal %(goal)s; there are 17 goals.")
                % {"path": path, "key": key, "goal": goal}
            )
        if not text:
            raise SdgImportError(_("%(path)s: “%(key)s” is empty.") % {"path": path, "key": key})
        found[(goal, *match.groups()[1:])] = text
    return found


def _both_languages(paths: dict[str, Path], found: dict[str, dict]) -> dict[tuple, dict[str, str]]:
    """Texts by key, in both languages; SdgImportError when a key is in only one file."""
    french, english = found["fr"], found["en"]
    for missing_from, present, absent in (("en", french, english), ("fr", english, french)):
        lacking = sorted(set(present) - set(absent), key=_sort_key)
        if lacking:
            raise SdgImportError(
                _("%(path)s lacks %(count)s entries found in the other language: %(codes)s")
                % {
                    "path": paths[missing_from],
                    "count": len(lacking),
                    "codes": ", ".join(_code(key) for key in lacking[:10]),
                }
            )
    return {key: {"fr": french[key], "en": english[key]} for key in french}


def _sort_key(key: tuple) -> tuple:
    return (key[0], *(_part_order(str(part)) for part in key[1:]))


def _code(key: tuple) -> str:
    return ".".join(str(int(part)) if str(part).isdigit() else str(part) for part in key)


def _read_all(directory: Path) -> dict[str, dict[str, dict[str, str]]]:
    if not directory.is_dir():
        raise SdgImportError(_("Directory not found: %(path)s") % {"path": directory})
    for language in LANGUAGES:
        if not (directory / language).is_dir():
            raise SdgImportError(
                _("Directory not found: %(path)s (expected one folder per language: fr/ and en/)")
                % {"path": directory / language}
            )
    return {
        name: {
            language: read_translation_file(directory / language / name) for language in LANGUAGES
        }
        for name in (GOALS_FILE, TARGETS_FILE, INDICATORS_FILE)
    }


@dataclass
class SdgReference:
    goal_names: dict[str, dict[int, str]]
    targets: dict[str, dict]  # code → field values
    indicators: dict[str, dict]


def read_sdg(directory: Path | str) -> SdgReference:
    """Parse and check the files (no database write)."""
    directory = Path(directory)
    files = _read_all(directory)

    def paths(name: str) -> dict[str, Path]:
        return {language: directory / language / name for language in LANGUAGES}

    goal_names: dict[str, dict[int, str]] = {}
    for language in LANGUAGES:
        names = {}
        for key, text in files[GOALS_FILE][language].items():
            match = _GOAL_KEY.match(key)
            if match:
                names[int(match.group(1))] = text
        missing = sorted(set(SDG_GOALS) - set(names))
        if missing:
            raise SdgImportError(
                _("%(path)s has no short name for goals %(goals)s.")
                % {
                    "path": paths(GOALS_FILE)[language],
                    "goals": ", ".join(str(n) for n in missing),
                }
            )
        goal_names[language] = {number: names[number] for number in SDG_GOALS}

    target_texts = _both_languages(
        paths(TARGETS_FILE),
        {
            language: _matching(path, files[TARGETS_FILE][language], _TARGET_KEY)
            for language, path in paths(TARGETS_FILE).items()
        },
    )
    indicator_texts = _both_languages(
        paths(INDICATORS_FILE),
        {
            language: _matching(path, files[INDICATORS_FILE][language], _INDICATOR_KEY)
            for language, path in paths(INDICATORS_FILE).items()
        },
    )
    if not target_texts:
        raise SdgImportError(
            _("%(path)s holds no target (keys such as “1-1-title”).")
            % {"path": paths(TARGETS_FILE)["en"]}
        )

    # Positions count within the parent (a target in its goal, an indicator in its target), so
    # that a target or indicator added or withdrawn upstream moves only its siblings.
    targets = {}
    positions: dict[object, int] = {}
    for key in sorted(target_texts, key=_sort_key):
        texts = target_texts[key]
        positions[key[0]] = positions.get(key[0], 0) + 1
        targets[_code(key)] = {
            "goal": key[0],
            "position": positions[key[0]],
            "title_fr": texts["fr"],
            "title_en": texts["en"],
        }
    indicators = {}
    for key in sorted(indicator_texts, key=_sort_key):
        target_code = _code(key[:2])
        if target_code not in targets:
            raise SdgImportError(
                _(
                    "%(path)s: indicator %(code)s belongs to target %(target)s, "
                    "which %(targets)s lacks."
                )
                % {
                    "path": paths(INDICATORS_FILE)["en"],
                    "code": _code(key),
                    "target": target_code,
                    "targets": paths(TARGETS_FILE)["en"],
                }
            )
        texts = indicator_texts[key]
        positions[target_code] = positions.get(target_code, 0) + 1
        indicators[_code(key)] = {
            "target_id": target_code,
            "position": positions[target_code],
            "title_fr": texts["fr"],
            "title_en": texts["en"],
        }
    return SdgReference(goal_names, targets, indicators)


def goal_name_differences(goal_names: dict[str, dict[int, str]]) -> list[GoalNameDifference]:
    """The goals whose short name in the files differs from the one Maillage shows."""
    differences = []
    for language in LANGUAGES:
        with translation.override(language):
            for number, name in SDG_GOALS.items():
                ours = str(name)
                theirs = goal_names[language][number]
                if ours != theirs:
                    differences.append(GoalNameDifference(number, language, theirs, ours))
    return differences


def _upsert(model, rows: dict[str, dict], fields: list[str]) -> tuple[int, int, int]:
    """Write new and changed rows; return (created, updated, absent from `rows`)."""
    columns = [model._meta.get_field(name).attname for name in fields]
    existing = {
        values[0]: dict(zip(columns, values[1:], strict=True))
        for values in model.objects.values_list("pk", *columns)
    }
    to_write = [
        model(pk=code, **values) for code, values in rows.items() if existing.get(code) != values
    ]
    if to_write:
        model.objects.bulk_create(
            to_write,
            batch_size=500,
            update_conflicts=True,
            unique_fields=[model._meta.pk.name],
            update_fields=fields,
        )
    created = sum(1 for code in rows if code not in existing)
    absent = sum(1 for code in existing if code not in rows)
    return created, len(to_write) - created, absent


def import_sdg(directory: Path | str) -> SdgImportResult:
    """Load the targets and indicators found under `directory`; raise SdgImportError."""
    reference = read_sdg(directory)
    result = SdgImportResult(
        targets=len(reference.targets),
        indicators=len(reference.indicators),
        goal_names=reference.goal_names,
        name_differences=goal_name_differences(reference.goal_names),
    )
    with transaction.atomic():
        result.targets_created, result.targets_updated, result.targets_absent = _upsert(
            SdgTarget, reference.targets, FIELDS
        )
        result.indicators_created, result.indicators_updated, result.indicators_absent = _upsert(
            SdgIndicator, reference.indicators, INDICATOR_FIELDS
        )
    return result
