"""The SDG reference: goals built in (names, colours), `manage.py import_sdg` from the official
open-sdg translation files (targets and indicators in French and English)."""

import shutil
import unicodedata
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from maillage.core.sdg import SDG_COLOURS, SDG_GOALS, _relative_luminance, sdg_text_colour
from maillage.impact import selectors
from maillage.impact.models import SdgIndicator, SdgTarget
from maillage.impact.sdg_import import goal_name_differences, read_sdg

# /work/main/tests/impact/test_sdg_import.py → parents[3] is /work, next to the repository.
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "sdg"
FILES = ("global_goals.yml", "global_targets.yml", "global_indicators.yml")

# Where Maillage's French short name deliberately differs from the open-sdg file's: French
# quotation marks, and two slips of the file ("Energies propres", "Travaux décent") that the
# official French name ("Énergie propre…", "Travail décent…") does not have.
FRENCH_NAME_CORRECTIONS = {
    2: ('Faim "zéro"', "Faim «\u00a0zéro\u00a0»"),
    7: ("Energies propres et d'un coût abordable", "Énergie propre et d'un coût abordable"),
    8: ("Travaux décent et croissance économique", "Travail décent et croissance économique"),
}

needs_reference = pytest.mark.skipif(
    not all((REFERENCE / lang / name).is_file() for lang in ("fr", "en") for name in FILES),
    reason=f"SDG reference files not found in {REFERENCE}",
)


def run_import(directory, verbosity=1) -> str:
    out = StringIO()
    call_command("import_sdg", str(directory), stdout=out, stderr=StringIO(), verbosity=verbosity)
    return out.getvalue()


def indicator_count_in_files() -> int:
    texts = yaml.safe_load((REFERENCE / "en" / "global_indicators.yml").read_text("utf-8"))
    return sum(1 for key in texts if key.endswith("-title"))


@pytest.fixture
def reference_copy(tmp_path):
    if not REFERENCE.is_dir():
        pytest.skip(f"SDG reference files not found in {REFERENCE}")
    target = tmp_path / "sdg"
    shutil.copytree(REFERENCE, target)
    return target


def write_small_reference(directory: Path, targets_en: str | None = None) -> Path:
    """Two goals' worth of files, enough for the error cases (all goals need a short name)."""
    for language in ("fr", "en"):
        folder = directory / language
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "global_goals.yml").write_text(
            "".join(f"{n}-short: Goal {n}\n{n}-title: Long title {n}\n" for n in SDG_GOALS),
            encoding="utf-8",
        )
        (folder / "global_targets.yml").write_text(
            "1-1-title: Target one one\n1-a-title: Target one a\n1-2-title: Target one two\n",
            encoding="utf-8",
        )
        (folder / "global_indicators.yml").write_text(
            "1-a-1-title: Indicator a\n1-1-1-title: Indicator one\n", encoding="utf-8"
        )
    if targets_en is not None:
        (directory / "en" / "global_targets.yml").write_text(targets_en, encoding="utf-8")
    return directory


# --- The goals, built in ------------------------------------------------------------------------


def test_every_goal_has_a_name_a_colour_and_a_readable_text_colour():
    assert sorted(SDG_GOALS) == list(range(1, 18))
    assert sorted(SDG_COLOURS) == list(range(1, 18))
    for number in SDG_GOALS:
        text = sdg_text_colour(number)
        assert text in ("#FFFFFF", "#000000")
        background = _relative_luminance(SDG_COLOURS[number])
        ink = _relative_luminance(text)
        lighter, darker = max(background, ink), min(background, ink)
        ratio = (lighter + 0.05) / (darker + 0.05)
        # The better of black and white on every official colour reads as large text (WCAG AA).
        assert ratio >= 3, f"goal {number}: contrast {ratio:.2f}"
        other = "#000000" if text == "#FFFFFF" else "#FFFFFF"
        other_luminance = _relative_luminance(other)
        other_ratio = (max(background, other_luminance) + 0.05) / (
            min(background, other_luminance) + 0.05
        )
        assert ratio >= other_ratio
    assert sdg_text_colour(7) == "#000000"  # yellow: black text
    assert sdg_text_colour(17) == "#FFFFFF"  # navy: white text


# --- Import from the official files ------------------------------------------------------------


@needs_reference
def test_goal_short_names_in_the_files_match_maillages():
    reference = read_sdg(REFERENCE)
    assert sorted(reference.goal_names["en"]) == list(range(1, 18))
    with translation.override("en"):
        assert reference.goal_names["en"] == {n: str(name) for n, name in SDG_GOALS.items()}
    differences = goal_name_differences(reference.goal_names)
    assert {(d.goal, d.language) for d in differences} == {
        (n, "fr") for n in FRENCH_NAME_CORRECTIONS
    }
    for difference in differences:
        assert (difference.in_files, difference.in_maillage) == FRENCH_NAME_CORRECTIONS[
            difference.goal
        ]
    assert reference.goal_names["fr"][1] == "Pas de pauvreté"
    assert reference.goal_names["fr"][13] == (
        "Mesures relatives à la lutte contre les changements climatiques"
    )


@needs_reference
@pytest.mark.django_db
def test_import_loads_169_targets_and_every_indicator_in_both_languages():
    output = run_import(REFERENCE)
    expected_indicators = indicator_count_in_files()
    assert SdgTarget.objects.count() == 169
    assert SdgIndicator.objects.count() == expected_indicators
    assert "SDG targets: 169 (169 created, 0 updated" in output
    assert f"SDG indicators: {expected_indicators} ({expected_indicators} created" in output
    assert "3 goal short names differ" in output

    per_goal = {g: SdgTarget.objects.filter(goal=g).count() for g in SDG_GOALS}
    assert per_goal[1] == 7 and per_goal[17] == 19 and sum(per_goal.values()) == 169

    first = SdgTarget.objects.get(code="1.1")
    assert first.title_fr.startswith("D’ici à 2030, éliminer complètement l’extrême pauvreté")
    assert first.title_fr == (
        "D’ici à 2030, éliminer complètement l’extrême pauvreté dans le monde entier (s’entend "
        "actuellement du fait de vivre avec moins de 1,25 dollar des États‐Unis par jour)"
    )
    assert first.title_en == (
        "By 2030, eradicate extreme poverty for all people everywhere, currently measured as "
        "people living on less than $1.25 a day"
    )
    lettered = SdgTarget.objects.get(code="4.c")
    assert lettered.goal == 4
    assert lettered.title_en.startswith("By 2030, substantially increase the supply of qualified")
    assert lettered.title_fr.startswith(
        "D’ici à 2030, accroître nettement le nombre d’enseignants qualifiés"
    )

    indicator = SdgIndicator.objects.get(code="1.1.1")
    assert indicator.target_id == "1.1"
    assert indicator.title_en.startswith("Proportion of the population living below the")
    assert indicator.title_fr.startswith("Proportion de la population vivant au-dessous du seuil")
    assert SdgIndicator.objects.get(code="1.a.1").target_id == "1.a"

    # Official order: in each goal the numbered targets, then the lettered ones.
    assert list(SdgTarget.objects.filter(goal=1).values_list("code", flat=True)) == [
        "1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b",
    ]  # fmt: skip
    codes_10 = list(SdgTarget.objects.filter(goal=10).values_list("code", flat=True))
    assert codes_10[:2] == ["10.1", "10.2"] and codes_10[-3:] == ["10.a", "10.b", "10.c"]
    assert list(SdgTarget.objects.filter(goal=17).values_list("code", flat=True))[-2:] == [
        "17.18",
        "17.19",
    ]
    assert list(SdgIndicator.objects.filter(target__goal=1).values_list("code", flat=True)[:3]) == [
        "1.1.1",
        "1.2.1",
        "1.2.2",
    ]

    titles = [
        title
        for model in (SdgTarget, SdgIndicator)
        for pair in model.objects.values_list("title_fr", "title_en")
        for title in pair
    ]
    assert all(unicodedata.is_normalized("NFC", title) for title in titles)
    assert all(title == " ".join(title.split()) and title for title in titles)

    with translation.override("fr"):
        assert first.title.startswith("D’ici à 2030")
    with translation.override("en"):
        assert first.title.startswith("By 2030")


@needs_reference
@pytest.mark.django_db
def test_a_second_run_writes_nothing():
    run_import(REFERENCE)
    with CaptureQueriesContext(connection) as queries:
        output = run_import(REFERENCE)
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert "SDG targets: 169 (0 created, 0 updated, 0 absent" in output
    assert "(0 created, 0 updated, 0 absent" in output.splitlines()[1]


@pytest.mark.django_db
def test_changed_texts_are_updated_and_rows_gone_from_the_files_are_kept(reference_copy):
    run_import(reference_copy)
    path = reference_copy / "en" / "global_targets.yml"
    texts = yaml.safe_load(path.read_text("utf-8"))
    texts["1-1-title"] = "A revised text"
    path.write_text(yaml.safe_dump(texts, allow_unicode=True), encoding="utf-8")
    for language in ("fr", "en"):
        file = reference_copy / language / "global_indicators.yml"
        content = yaml.safe_load(file.read_text("utf-8"))
        del content["1-1-1-title"]
        file.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")

    output = run_import(reference_copy)

    assert "SDG targets: 169 (0 created, 1 updated, 0 absent" in output
    assert "(0 created, 0 updated, 1 absent from the files, kept)" in output
    target = SdgTarget.objects.get(code="1.1")
    assert target.title_en == "A revised text"
    assert target.title_fr.startswith("D’ici à 2030")
    assert SdgIndicator.objects.filter(code="1.1.1").exists()


@needs_reference
@pytest.mark.django_db
def test_verbose_run_lists_the_goal_names_that_differ():
    output = run_import(REFERENCE, verbosity=2)
    assert "Goal 8 (fr): the files say “Travaux décent et croissance économique”" in output


@pytest.mark.django_db
def test_missing_directory_or_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"Directory not found: .*nowhere"):
        run_import(tmp_path / "nowhere")
    (tmp_path / "en").mkdir()
    with pytest.raises(CommandError, match=r"Directory not found: .*fr \(expected one folder"):
        run_import(tmp_path)
    write_small_reference(tmp_path)
    (tmp_path / "fr" / "global_indicators.yml").unlink()
    with pytest.raises(CommandError, match=r"File not found: .*fr/global_indicators\.yml"):
        run_import(tmp_path)
    assert not SdgTarget.objects.exists()


@pytest.mark.django_db
def test_malformed_yaml_names_the_file_and_writes_nothing(tmp_path):
    write_small_reference(tmp_path, targets_en="1-1-title: [unclosed\n")
    with pytest.raises(CommandError, match=r"en/global_targets\.yml is not valid YAML"):
        run_import(tmp_path)
    write_small_reference(tmp_path, targets_en="- a list\n- not a mapping\n")
    with pytest.raises(CommandError, match=r"en/global_targets\.yml must map keys"):
        run_import(tmp_path)
    write_small_reference(tmp_path, targets_en="1-1-title: Target one one\n")
    with pytest.raises(CommandError, match=r"en/global_targets\.yml lacks 2 entries .*1\.2, 1\.a"):
        run_import(tmp_path)
    write_small_reference(tmp_path, targets_en="1-1-title:\n  nested: mapping\n")
    with pytest.raises(CommandError, match=r"“1-1-title” is not a text"):
        run_import(tmp_path)
    assert not SdgTarget.objects.exists()
    assert not SdgIndicator.objects.exists()


@pytest.mark.django_db
def test_small_files_load_in_official_order(tmp_path):
    write_small_reference(tmp_path)
    output = run_import(tmp_path)
    assert "SDG targets: 3 (3 created" in output
    assert list(SdgTarget.objects.values_list("code", flat=True)) == ["1.1", "1.2", "1.a"]
    assert list(SdgIndicator.objects.values_list("code", "target_id")) == [
        ("1.1.1", "1.1"),
        ("1.a.1", "1.a"),
    ]
    # Every goal's name differs from Maillage's here ("Goal 1"): reported, not an error.
    assert "34 goal short names differ" in output


@pytest.mark.django_db
def test_an_indicator_of_an_unknown_target_is_refused(tmp_path):
    write_small_reference(tmp_path)
    for language in ("fr", "en"):
        (tmp_path / language / "global_indicators.yml").write_text(
            "1-9-1-title: Orphan\n", encoding="utf-8"
        )
    with pytest.raises(CommandError, match=r"indicator 1\.9\.1 belongs to target 1\.9"):
        run_import(tmp_path)


@pytest.mark.django_db
def test_target_choices_are_grouped_by_goal(tmp_path):
    assert selectors.sdg_target_choices() == []
    write_small_reference(tmp_path)
    run_import(tmp_path)
    with translation.override("en"):
        choices = selectors.sdg_target_choices()
    assert choices == [
        (
            "1. No poverty",
            [
                ("1.1", "1.1 Target one one"),
                ("1.2", "1.2 Target one two"),
                ("1.a", "1.a Target one a"),
            ],
        )
    ]
