"""The SDG page (goals, targets, indicators and results of a year) and its grid chart."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from defusedxml.ElementTree import fromstring
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from maillage.core.sdg import SDG_COLOURS, SDG_GOALS, goals_to_mask, sdg_text_colour
from maillage.impact.charts import sdg_grid
from maillage.impact.models import SdgTarget
from maillage.impact.selectors import GoalContribution
from tests.factories import (
    IndicatorFactory,
    MeasurementFactory,
    TargetFactory,
    TrackedIndicatorFactory,
)

SVG = "{http://www.w3.org/2000/svg}"
Q1 = {"period_start": date(2025, 1, 1), "period_end": date(2025, 3, 31)}
Q2 = {"period_start": date(2025, 4, 1), "period_end": date(2025, 6, 30)}


def url(workspace, **query) -> str:
    base = reverse("impact:sdg", args=[workspace.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def sdg_targets(db):
    return {
        code: SdgTarget.objects.create(
            code=code, goal=int(code.split(".")[0]), position=position, title_fr=fr, title_en=en
        )
        for code, position, fr, en in [
            ("1.1", 1, "Éliminer l’extrême pauvreté", "Eradicate extreme poverty"),
            ("8.5", 5, "Plein emploi et travail décent", "Full employment and decent work"),
            ("8.6", 6, "Jeunes sans emploi ni formation", "Youth not in employment"),
            ("8.a", 11, "Aide pour le commerce", "Aid for Trade support"),
        ]
    }


def indicator_with_figures(workspace, *, goals, targets=(), actual=None, target=None, **fields):
    indicator = IndicatorFactory(workspace=workspace, sdg_goals=goals_to_mask(goals), **fields)
    if targets:
        with scopes_disabled():
            indicator.sdg_targets.set(targets)
    tracked = TrackedIndicatorFactory(workspace=workspace, indicator=indicator)
    for period, value in zip((Q1, Q2), actual or (), strict=False):
        MeasurementFactory(workspace=workspace, tracked=tracked, value=value, **period)
    for period, value in zip((Q1, Q2), target or (), strict=False):
        TargetFactory(workspace=workspace, tracked=tracked, value=value, **period)
    return indicator


@pytest.fixture
def contributions(workspace, sdg_targets):
    employment = indicator_with_figures(
        workspace,
        goals=[8],
        targets=[sdg_targets["8.5"]],
        name="Emplois créés",
        unit="emplois",
        actual=[Decimal(30), Decimal(50)],
        target=[Decimal(60), Decimal(60)],
    )
    poverty = indicator_with_figures(
        workspace,
        goals=[1, 8],
        name="Ménages aidés",
        unit="ménages",
        actual=[Decimal(12)],
        target=[Decimal(10)],
    )
    return employment, poverty


def page(client, workspace, **query) -> str:
    response = client.get(url(workspace, **query))
    assert response.status_code == 200
    return response.content.decode()


def text_of(content: str) -> str:
    return html.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", content)))


# --- The page -----------------------------------------------------------------------------------


def test_page_shows_goals_targets_indicators_and_results(owner_client, workspace, contributions):
    content = page(owner_client, workspace, year=2025)
    text = text_of(content)
    # The grid and its table of figures.
    assert 'id="chart-sdg-grid"' in content
    assert "Contribution to the Sustainable Development Goals (2025)" in text
    # Goal 8: target 8.5 with its indicator, then the indicator linked to the goal as a whole.
    goal_8 = content[content.index('id="goal-8"') :]
    goal_8 = goal_8[: goal_8.index("</section>")]
    goal_8_text = text_of(goal_8)
    assert re.search(r"8 ?\. ?Decent work and economic growth", goal_8_text)
    assert "Target 8.5 Full employment and decent work" in goal_8_text
    assert "Emplois créés" in goal_8_text
    assert "Linked to the goal as a whole" in goal_8_text
    assert goal_8_text.index("Emplois créés") < goal_8_text.index("Linked to the goal")
    assert goal_8_text.index("Linked to the goal") < goal_8_text.index("Ménages aidés")
    assert "Target 8.6" not in goal_8_text  # a target no indicator is linked to
    assert "2 indicators contribute to this goal" in goal_8_text
    assert "1 met its target in 2025" in goal_8_text
    # Results of the year: a sum (30 + 50 of 120: behind) and a met target (12 of 10).
    assert "80\u00a0emplois" in goal_8_text
    assert "120\u00a0emplois" in goal_8_text
    assert "behind (67 %)" in goal_8_text
    assert "12\u00a0ménages" in goal_8_text
    assert "met (120 %)" in goal_8_text
    # Goal 1: linked directly only, no target heading.
    goal_1 = content[content.index('id="goal-1"') :]
    goal_1 = text_of(goal_1[: goal_1.index("</section>")])
    assert "Ménages aidés" in goal_1
    assert "Target 1.1" not in goal_1
    assert "Linked to the goal as a whole" not in goal_1
    assert "manage.py import_sdg" not in text  # targets are loaded


def test_goals_without_indicators_are_listed_compactly_and_greyed(
    owner_client, workspace, contributions
):
    content = page(owner_client, workspace, year=2025)
    idle = content[content.index('id="sdg-idle-title"') :]
    idle_text = text_of(idle[: idle.index("</section>")])
    assert "Goals without any indicator (15)" in idle_text
    assert "2. Zero hunger" in idle_text
    assert "17. Partnerships for the goals" in idle_text
    assert "8. Decent work" not in idle_text
    assert 'id="goal-2"' not in content
    assert 'data-goal="2" data-indicators="0"' in content
    assert 'data-goal="8" data-indicators="2"' in content


def test_another_years_results_and_the_default_year(owner_client, workspace, contributions):
    text = text_of(page(owner_client, workspace, year=2024))
    assert "Emplois créés" in text  # still linked to its goal
    assert "80\u00a0emplois" not in text  # but no figure in 2024
    assert "met (" not in text
    current = date.today().year
    content = page(owner_client, workspace, year="not-a-year")
    assert f'<option value="{current}" selected>' in content
    assert '<option value="2025">' in content


def test_a_guest_can_read_the_page(guest_client, workspace, contributions):
    text = text_of(page(guest_client, workspace, year=2025))
    assert "Emplois créés" in text


def test_another_workspaces_indicators_are_never_shown(
    owner_client, workspace, other_workspace, contributions, sdg_targets
):
    indicator_with_figures(
        other_workspace,
        goals=[3, 8],
        targets=[sdg_targets["8.6"]],
        name="Indicateur d’un autre espace",
        actual=[Decimal(999)],
    )
    content = page(owner_client, workspace, year=2025)
    text = text_of(content)
    assert "Indicateur d’un autre espace" not in text
    assert "999" not in text
    assert "Target 8.6" not in text
    assert 'id="goal-3"' not in content
    assert 'data-goal="3" data-indicators="0"' in content
    assert 'data-goal="8" data-indicators="2"' in content


def test_without_targets_loaded_the_page_says_how_to_load_them(owner_client, workspace):
    indicator_with_figures(workspace, goals=[4], name="Heures de formation")
    text = text_of(page(owner_client, workspace))
    assert "manage.py import_sdg DIR" in text
    assert "Heures de formation" in text


def test_an_empty_workspace_says_what_to_do(owner_client, workspace):
    text = text_of(page(owner_client, workspace))
    assert "No indicator of the workspace is linked to a goal yet" in text
    assert "See the indicators" in text
    assert "Goals without any indicator (17)" in text


def test_target_titles_follow_the_language(owner_client, owner, workspace, contributions):
    owner.user.language = "fr"
    owner.user.save()
    with translation.override("fr"):
        text = text_of(page(owner_client, workspace, year=2025))
    assert "Plein emploi et travail décent" in text
    assert "Full employment and decent work" not in text


# --- The grid chart -----------------------------------------------------------------------------


def _contributions(**counts) -> list[GoalContribution]:
    from types import SimpleNamespace

    found = []
    for number, name in SDG_GOALS.items():
        count, met = counts.get(f"g{number}", (0, 0))
        contribution = GoalContribution(number, str(name))
        contribution.indicators = [
            SimpleNamespace(progress=SimpleNamespace(status="met" if i < met else "behind"))
            for i in range(count)
        ]
        found.append(contribution)
    return found


def test_grid_is_accessible_and_renders_under_the_csp():
    with translation.override("en"):
        chart = sdg_grid(_contributions(g4=(2, 1), g17=(1, 0)), period_label="2025")
    assert chart.svg.startswith("<svg ")
    root = fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 1010 620"
    assert "width" not in root.attrib and "height" not in root.attrib
    title, desc = root[0], root[1]
    assert title.tag == f"{SVG}title" and desc.tag == f"{SVG}desc"
    assert title.text == chart.title == "Contribution to the Sustainable Development Goals (2025)"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert "contribute to 2 goals (4, 17)" in desc.text
    assert all("style" not in element.attrib for element in root.iter())
    assert root.find(f".//{SVG}style") is None
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) and all(i.startswith(chart.id) for i in ids)


def test_grid_tiles_use_official_colours_and_say_empty_goals_in_words():
    with translation.override("en"):
        chart = sdg_grid(_contributions(g4=(2, 1), g17=(1, 0)))
    root = fromstring(chart.svg)
    tiles = {int(g.get("data-goal")): g for g in root.iter(f"{SVG}g")}
    assert sorted(tiles) == list(range(1, 18))
    four = tiles[4]
    assert four.find(f"{SVG}rect").get("fill") == SDG_COLOURS[4]
    texts = [t.text for t in four.iter(f"{SVG}text")]
    assert texts[0] == "4"
    assert "2 indicators" in texts and "1 met its target" in texts
    assert {t.get("fill") for t in four.iter(f"{SVG}text")} == {sdg_text_colour(4)}
    assert four.find(f"{SVG}title").text == "4. Quality education: 2 indicators, 1 met its target."
    two = tiles[2]
    assert two.find(f"{SVG}rect").get("fill") != SDG_COLOURS[2]  # greyed
    assert "No indicator" in [t.text for t in two.iter(f"{SVG}text")]
    assert two.find(f"{SVG}title").text == "2. Zero hunger: no indicator."


def test_grid_table_holds_the_counts():
    with translation.override("en"):
        chart = sdg_grid(_contributions(g4=(2, 1), g17=(1, 0)))
        rows = chart.table.display_rows
    assert chart.table.headers == ("Goal", "Indicators", "Met their target")
    assert len(rows) == 17
    assert rows[3] == ("4. Quality education", ["2", "1"])
    assert rows[16] == ("17. Partnerships for the goals", ["1", "0"])
    assert chart.table.rows[3] == ("4. Quality education", (Decimal(2), Decimal(1)))


def test_grid_escapes_text_and_wraps_long_names():
    contributions = _contributions(g1=(1, 0))
    contributions[0].name = "Pauvreté <script>alert(1)</script> & « zéro » très longue"
    chart = sdg_grid(contributions, title="Title <b>&")
    assert "<script>" not in chart.svg and "<b>" not in chart.svg
    root = fromstring(chart.svg)
    assert root[0].text == "Title <b>&"
    lines = [t.text for t in next(root.iter(f"{SVG}g")).iter(f"{SVG}text")][1:-1]
    assert "".join(lines).replace(" ", "") == contributions[0].name.replace(" ", "")
    assert all(len(line) <= 16 or " " not in line for line in lines)


def test_grid_in_french_and_as_png():
    with translation.override("fr"):
        chart = sdg_grid(_contributions(g13=(1, 1)))
        texts = [t.text for t in fromstring(chart.svg).iter(f"{SVG}text")]
        assert "Mesures" in texts and "climatiques" in texts
        assert chart.table.display_rows[12][0].startswith("13. Mesures relatives")
    png = chart.png()
    assert png.startswith(b"\x89PNG")
    with translation.override("fr"):
        assert sdg_grid(_contributions(g13=(1, 1))).svg == chart.svg
