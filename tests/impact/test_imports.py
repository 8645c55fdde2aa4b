"""Imports of the impact module: indicators, targets, measurements (CSV and XLSX)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from openpyxl import Workbook

from maillage.core.imports import registry, run_import_file
from maillage.impact import services
from maillage.impact.importers import IndicatorImporter, MeasurementImporter, TargetImporter
from maillage.impact.models import (
    Indicator,
    Measurement,
    SdgTarget,
    Target,
    TrackedIndicator,
)
from tests.conftest import client_for
from tests.factories import ActorFactory, BreakdownCategoryFactory, BreakdownDimensionFactory

pytestmark = pytest.mark.django_db

SIRET = "73282932000074"


def run(workspace, text, importer, *, user=None, filename="f.csv", **options):
    data = text if isinstance(text, bytes) else text.encode()
    with scope(workspace=workspace):
        return run_import_file(importer(workspace=workspace, user=user), data, filename, **options)


def errors(report):
    return [(e.line, e.header, e.message) for e in report.errors]


def counts(report):
    return (report.create, report.update, report.unchanged, report.invalid)


@pytest.fixture
def gender(workspace):
    dimension = BreakdownDimensionFactory(workspace=workspace, name="Genre")
    women = BreakdownCategoryFactory(workspace=workspace, dimension=dimension, name="Femmes")
    men = BreakdownCategoryFactory(workspace=workspace, dimension=dimension, name="Hommes")
    return dimension, women, men


@pytest.fixture
def sdg_targets(db):
    return [
        SdgTarget.objects.create(code=code, goal=goal, position=position, title_fr=t, title_en=t)
        for position, (code, goal, t) in enumerate(
            [("4.4", 4, "Compétences"), ("8.5", 8, "Plein emploi"), ("17.a", 17, "Partenariats")]
        )
    ]


@pytest.fixture
def indicators(workspace, member, gender):
    """EMP-01 (quarterly sum broken down by gender), MOY-01 (average), TAUX-01 (ratio),
    QUAL-01 (qualitative, yearly)."""
    dimension = gender[0]
    with scope(workspace=workspace):
        make = lambda **fields: services.indicator_create(  # noqa: E731
            workspace=workspace, user=member.user, **fields
        )
        return {
            "EMP-01": make(code="EMP-01", name="Personnes accompagnées", dimensions=[dimension]),
            "MOY-01": make(code="MOY-01", name="Satisfaction", aggregation="average"),
            "TAUX-01": make(code="TAUX-01", name="Taux de sortie", aggregation="ratio"),
            "QUAL-01": make(code="QUAL-01", name="Ressenti", kind="qualitative", frequency="year"),
        }


def stored(model, workspace, **filters):
    with scopes_disabled():
        return list(model.objects.filter(workspace=workspace, **filters).order_by("pk"))


# --- indicators ----------------------------------------------------------------------------------

INDICATORS = (
    "Code;Nom;Définition;Type;Unité;Sens;Agrégation;Fréquence;Décimales;ODD;Cibles ODD;"
    "Ventilations;Codes externes;En pourcentage\n"
    "EMP-01;Personnes accompagnées;Toute personne reçue;quantitatif;personnes;hausse;somme;"
    'trimestriel;0;1, 8;"4.4; 8.5";Genre;IRIS+ PI4060 | VALOR\'ESS;\n'
    "QUAL-01;Ressenti des bénévoles;;qualitatif;;aucun;;annuel;;;;;;\n"
    "TAUX-01;Taux de sortie positive;;quantitatif;%;hausse;taux;annuel;1;8;;;;oui\n"
)


def test_indicators_are_created_from_a_french_csv(workspace, member, gender, sdg_targets):
    report = run(workspace, INDICATORS, IndicatorImporter, user=member.user, commit=True)
    assert errors(report) == []
    assert report.committed and report.saved == {"create": 3, "update": 0}
    with scope(workspace=workspace):
        emp = Indicator.objects.get(code="EMP-01")
        assert (emp.name, emp.definition, emp.unit) == (
            "Personnes accompagnées",
            "Toute personne reçue",
            "personnes",
        )
        assert (emp.kind, emp.direction, emp.aggregation, emp.frequency) == (
            "quantitative",
            "increase",
            "sum",
            "quarter",
        )
        assert emp.sdg_list == [1, 4, 8]  # the goals of the targets are added
        assert sorted(t.code for t in emp.sdg_targets.all()) == ["4.4", "8.5"]
        assert [d.name for d in emp.dimensions.all()] == ["Genre"]
        assert emp.external_code_list == ["IRIS+ PI4060", "VALOR'ESS"]
        assert emp.created_by == member.user
        # Followed for the workspace itself, as the services do.
        assert [t.subject_ref for t in TrackedIndicator.objects.filter(indicator=emp)] == [
            "workspace"
        ]
        qual = Indicator.objects.get(code="QUAL-01")
        assert (qual.kind, qual.aggregation, qual.frequency) == ("qualitative", "latest", "year")
        rate = Indicator.objects.get(code="TAUX-01")
        assert (rate.aggregation, rate.ratio_as_percentage, rate.decimal_places) == (
            "ratio",
            True,
            1,
        )


def test_indicators_reimport_is_idempotent_and_updates_what_changed(
    workspace, member, gender, sdg_targets
):
    run(workspace, INDICATORS, IndicatorImporter, user=member.user, commit=True)
    again = run(workspace, INDICATORS, IndicatorImporter, user=member.user, commit=True)
    assert errors(again) == []
    assert counts(again) == (0, 0, 3, 0)
    changed = INDICATORS.replace("Ressenti des bénévoles", "Ressenti des bénévoles (enquête)")
    report = run(workspace, changed, IndicatorImporter, user=member.user, commit=True)
    assert counts(report) == (0, 1, 2, 0)
    (qual,) = stored(Indicator, workspace, code="QUAL-01")
    assert qual.name == "Ressenti des bénévoles (enquête)" and qual.version == 2
    assert len(stored(Indicator, workspace)) == 3
    # Columns absent from the file are left as they are.
    report = run(workspace, "code;name\nEMP-01;Accompagnés\n", IndicatorImporter, commit=True)
    assert counts(report) == (0, 1, 0, 0)
    (emp,) = stored(Indicator, workspace, code="EMP-01")
    assert (emp.name, emp.unit, emp.sdg_goals) == (
        "Accompagnés",
        "personnes",
        (1 << 1) | (1 << 4) | (1 << 8),
    )


def test_indicator_rows_with_unknown_references_store_nothing(workspace, gender, sdg_targets):
    text = (
        "code;name;sdg targets;breakdown dimensions;sdg goals;kind\n"
        "A-1;Un;4.4;Genre;;\n"
        "A-2;Deux;4.9;;;\n"  # unknown SDG target
        'A-3;Trois;;"Genre; Couleur";;\n'  # unknown dimension
        "A-4;Quatre;;;18;\n"  # not a goal
        "A-5;Cinq;;;;chiffre ou texte\n"  # not a kind
        "A-1;Encore;;;;\n"  # duplicate code
    )
    report = run(workspace, text, IndicatorImporter, commit=True)
    assert not report.committed
    found = errors(report)
    assert [(line, header) for line, header, _m in found] == [
        (3, "sdg targets"),
        (4, "breakdown dimensions"),
        (5, "sdg goals"),
        (6, "kind"),
        (7, "code"),
    ]
    assert "Unknown SDG target: 4.9" in found[0][2]
    assert "“Couleur”" in found[1][2] and "Genre" in found[1][2]
    assert "Duplicate: line 2" in found[4][2]
    assert stored(Indicator, workspace) == []


def test_the_kind_of_a_measured_indicator_cannot_change(workspace, member, indicators):
    emp = indicators["EMP-01"]
    with scope(workspace=workspace):
        services.measurement_create(
            emp.tracks.get(),
            user=member.user,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 3, 31),
            value=Decimal(3),
        )
    report = run(workspace, "code;name;kind\nEMP-01;X;qualitative\n", IndicatorImporter)
    ((line, header, message),) = errors(report)
    assert (line, header) == (2, "kind")
    assert "Create a new indicator" in message


# --- targets ---------------------------------------------------------------------------------


def test_targets_for_the_workspace_and_actors_follow_the_indicator(workspace, member, indicators):
    named = ActorFactory(workspace=workspace, name="Les Ateliers du Forez")
    by_siret = ActorFactory(workspace=workspace, name="Réseau B", siret=SIRET)
    by_id = ActorFactory(workspace=workspace)
    text = (
        "Indicateur;Sujet;Période;Valeur cible;Cible (texte);Note\n"
        "EMP-01;;2025-Q1;120;;Convention 2025\n"
        f"EMP-01;actor:{by_id.pk};T2 2025;40;;\n"
        "EMP-01;les ateliers du forez;2025-Q1;30,5;;\n"
        f"EMP-01;{SIRET[:9]} {SIRET[9:]};2025-Q1;12;;\n"
        "QUAL-01;workspace;2025;;Des bénévoles qui restent;\n"
    )
    report = run(workspace, text, TargetImporter, user=member.user, commit=True)
    assert errors(report) == []
    assert report.saved == {"create": 5, "update": 0}
    with scope(workspace=workspace):
        targets = {
            (t.indicator.code, t.tracked.subject_ref, t.period_start): t
            for t in Target.objects.select_related("indicator", "tracked")
        }
        assert targets["EMP-01", "workspace", date(2025, 1, 1)].value == 120
        assert targets["EMP-01", "workspace", date(2025, 1, 1)].note == "Convention 2025"
        assert targets["EMP-01", f"actor:{by_id.pk}", date(2025, 4, 1)].period_end == date(
            2025, 6, 30
        )
        assert targets["EMP-01", f"actor:{named.pk}", date(2025, 1, 1)].value == Decimal("30.5")
        assert targets["EMP-01", f"actor:{by_siret.pk}", date(2025, 1, 1)].value == 12
        assert targets["QUAL-01", "workspace", date(2025, 1, 1)].text == "Des bénévoles qui restent"
        followed = sorted(
            t.subject_ref for t in TrackedIndicator.objects.filter(indicator__code="EMP-01")
        )
        assert followed == sorted(
            ["workspace", f"actor:{by_id.pk}", f"actor:{named.pk}", f"actor:{by_siret.pk}"]
        )
    again = run(workspace, text, TargetImporter, user=member.user, commit=True)
    assert counts(again) == (0, 0, 5, 0)
    changed = text.replace("2025-Q1;120", "2025-Q1;130")
    report = run(workspace, changed, TargetImporter, user=member.user, commit=True)
    assert counts(report) == (0, 1, 4, 0)
    assert len(stored(Target, workspace)) == 5


def test_bad_target_rows_are_reported_and_nothing_is_stored(
    workspace, other_workspace, member, indicators
):
    foreign = ActorFactory(workspace=other_workspace)
    ActorFactory(workspace=workspace, name="Homonyme")
    ActorFactory(workspace=workspace, name="Homonyme")
    text = (
        "indicator;subject;period;target value;target (text)\n"
        "EMP-01;;2025-Q1;100;\n"  # good
        "EMP-01;;2025-Q2;N/A;\n"  # 3
        "EMP-01;;2025;100;\n"  # 4: a year for a quarterly indicator
        "NOPE;;2025-Q1;100;\n"  # 5
        f"EMP-01;actor:{foreign.pk};2025-Q1;100;\n"  # 6
        "EMP-01;Homonyme;2025-Q1;100;\n"  # 7
        "EMP-01;;2025-Q3;;\n"  # 8: no value
        "QUAL-01;;2025;12;\n"  # 9: a figure for a qualitative indicator
    )
    report = run(workspace, text, TargetImporter, user=member.user, commit=True)
    assert not report.committed
    found = errors(report)
    assert [(line, header) for line, header, _m in found] == [
        (3, "target value"),
        (4, "period"),
        (5, "indicator"),
        (6, "subject"),
        (7, "subject"),
        (8, "target value"),
        (9, "target value"),
    ]
    assert "not a number" in found[0][2]
    assert "takes whole periods (quarterly" in found[1][2]
    assert "NOPE" in found[2][2]
    assert f"No actor of the registry with id {foreign.pk} in this workspace" in found[3][2]
    assert "Several actors" in found[4][2]
    assert stored(Target, workspace) == []
    assert len(stored(TrackedIndicator, workspace)) == 4  # one per indicator, nothing more


# --- measurements ----------------------------------------------------------------------------

MEASUREMENTS = (
    "Indicateur;Sujet;Période;Statut;Valeur;Numérateur;Dénominateur;Observation;Récit;"
    "Lien de preuve;Mesuré le;Ventilations\n"
    "EMP-01;;2025-Q1;mesuré;20;;;;Bon trimestre;https://example.org/rapport.pdf;15/04/2025;"
    '"Genre: Femmes=12; Genre: Hommes=8"\n'
    "EMP-01;;2025-Q2;non mesuré;;;;;Pas de collecte;;;\n"
    "MOY-01;;2025-Q1;;12,5;;;;;;;\n"
    "TAUX-01;;2025-Q1;;;45;60;;;;;\n"
    "QUAL-01;;2025;;;;;Des bénévoles fidèles;;;;\n"
)


def test_measurements_are_imported_from_a_french_csv(workspace, member, indicators, gender):
    _dimension, women, men = gender
    report = run(workspace, MEASUREMENTS, MeasurementImporter, user=member.user, commit=True)
    assert errors(report) == []
    assert report.saved == {"create": 5, "update": 0}
    with scope(workspace=workspace):
        by_key = {
            (m.indicator.code, m.period_start): m
            for m in Measurement.objects.select_related("indicator")
        }
        first = by_key["EMP-01", date(2025, 1, 1)]
        assert (first.status, first.value, first.narrative) == ("measured", 20, "Bon trimestre")
        assert first.evidence_url == "https://example.org/rapport.pdf"
        assert first.measured_on == date(2025, 4, 15) and first.measured_by == member.user
        assert {b.category: b.value for b in first.breakdowns.all()} == {women: 12, men: 8}
        second = by_key["EMP-01", date(2025, 4, 1)]
        assert (second.status, second.value) == ("not_measured", None)
        assert by_key["MOY-01", date(2025, 1, 1)].value == Decimal("12.5")
        ratio = by_key["TAUX-01", date(2025, 1, 1)]
        assert (ratio.numerator, ratio.denominator, ratio.value) == (45, 60, 75)
        assert by_key["QUAL-01", date(2025, 1, 1)].text_value == "Des bénévoles fidèles"


def test_measurements_reimport_is_idempotent_and_a_changed_value_updates(
    workspace, member, indicators, gender
):
    run(workspace, MEASUREMENTS, MeasurementImporter, user=member.user, commit=True)
    again = run(workspace, MEASUREMENTS, MeasurementImporter, user=member.user, commit=True)
    assert errors(again) == []
    assert counts(again) == (0, 0, 5, 0)
    changed = MEASUREMENTS.replace("MOY-01;;2025-Q1;;12,5", "MOY-01;;2025-Q1;;13")
    report = run(workspace, changed, MeasurementImporter, user=member.user, commit=True)
    assert counts(report) == (0, 1, 4, 0)
    (moy,) = stored(Measurement, workspace, indicator__code="MOY-01")
    assert (moy.value, moy.version) == (13, 2)
    assert len(stored(Measurement, workspace)) == 5
    # A file with fewer columns changes only what it carries: breakdowns and narrative stay.
    report = run(
        workspace,
        'indicator;period;value;breakdowns\nEMP-01;2025-Q1;20;"Femmes=10; Hommes=10"\n',
        MeasurementImporter,
        commit=True,
    )
    assert report.file_error == ""
    assert errors(report) == [] and counts(report) == (0, 1, 0, 0)
    with scope(workspace=workspace):
        emp = Measurement.objects.get(indicator__code="EMP-01", period_start=date(2025, 1, 1))
        assert emp.narrative == "Bon trimestre"
        assert sorted(b.value for b in emp.breakdowns.all()) == [10, 10]


def test_bad_measurement_rows_are_reported_with_line_and_column_and_nothing_is_stored(
    workspace, other_workspace, member, indicators, gender
):
    foreign = ActorFactory(workspace=other_workspace)
    text = (
        "indicator;subject;period;status;value;numerator;denominator;breakdowns\n"
        'EMP-01;;2025-Q1;;20;;;"Genre: Femmes=12; Genre: Hommes=8"\n'  # 2: good
        "EMP-01;;2025-Q2;;N/A;;;\n"  # 3
        "EMP-01;;2025-03;;5;;;\n"  # 4: a month for a quarterly indicator
        "INCONNU;;2025-Q1;;5;;;\n"  # 5
        'EMP-01;;2025-Q3;;21;;;"Genre: Femmes=12; Genre: Hommes=8"\n'  # 6: 20, not 21
        "EMP-01;actor:987654;2025-Q1;;5;;;\n"  # 7
        f"EMP-01;actor:{foreign.pk};2025-Q1;;5;;;\n"  # 8
        "EMP-01;;2025-Q4;;5;;;Genre: Autres=5\n"  # 9: unknown category
        "EMP-01;;2026-Q1;;5;;;Âge: Jeunes=5\n"  # 10: unknown dimension
        "EMP-01;;2026-Q2;not measured;5;;;\n"  # 11: a value for a period not measured
        "TAUX-01;;2025-Q1;;;45;0;\n"  # 12: zero denominator
        "MOY-01;;2025-Q1;;12 pers.;;;\n"  # 13
    )
    with scopes_disabled():
        tracks_before = TrackedIndicator.objects.count()
    report = run(workspace, text, MeasurementImporter, user=member.user, commit=True)
    assert not report.committed
    found = errors(report)
    assert [(line, header) for line, header, _m in found] == [
        (3, "value"),
        (4, "period"),
        (5, "indicator"),
        (6, "breakdowns"),
        (6, "breakdowns"),
        (7, "subject"),
        (8, "subject"),
        (9, "breakdowns"),
        (10, "breakdowns"),
        (11, "status"),
        (12, "denominator"),
        (13, "value"),
    ]
    messages = {(line, header): message for line, header, message in found[::-1]}
    assert "“N/A” is not a number" in messages[3, "value"]
    assert "Not measured this period" in messages[3, "value"]
    assert "takes whole periods (quarterly" in messages[4, "period"]
    assert "INCONNU" in messages[5, "indicator"]
    assert "Genre: the values add up to 20 but the total is 21." in found[3][2]
    assert "No actor of the registry with id 987654" in messages[7, "subject"]
    assert f"id {foreign.pk} in this workspace" in messages[8, "subject"]
    assert "“Autres” is not a category of Genre (Femmes, Hommes)" in messages[9, "breakdowns"]
    assert "“Âge” is not a breakdown dimension" in messages[10, "breakdowns"]
    assert "cannot be zero" in messages[12, "denominator"]
    assert "write the figure alone (12)" in messages[13, "value"]
    assert stored(Measurement, workspace) == []
    with scopes_disabled():
        assert TrackedIndicator.objects.count() == tracks_before


def test_the_same_measurement_written_twice_differently_is_a_duplicate(
    workspace, member, indicators
):
    actor = ActorFactory(workspace=workspace, name="Les Ateliers")
    text = (
        "indicator;subject;period;value\n"
        f"MOY-01;actor:{actor.pk};2025-Q1;3\n"
        "MOY-01;les ateliers;T1 2025;4\n"
    )
    report = run(workspace, text, MeasurementImporter, user=member.user, commit=True)
    assert errors(report) == [
        (
            3,
            "subject",
            "Duplicate: line 2 already has this indicator, subject and period. Each must "
            "appear on one row only.",
        )
    ]
    assert stored(Measurement, workspace) == []


def test_cells_the_indicator_has_no_use_for_are_errors(workspace, member, indicators):
    text = (
        "indicator;period;value;numerator;observation\n"
        "MOY-01;2025-Q1;3;4;\n"
        "QUAL-01;2025;3;;Bien\n"
        "MOY-01;2025-Q2;3;;Bien\n"
        "TAUX-01;2025-Q1;70;45;\n"
    )
    report = run(workspace, text, MeasurementImporter, user=member.user)
    found = errors(report)
    assert [(line, header) for line, header, _m in found] == [
        (2, "numerator"),
        (3, "value"),
        (4, "observation"),
        (5, "Denominator"),
    ]
    assert "not a ratio" in found[0][2]
    assert "qualitative" in found[1][2]


def test_a_ratio_value_must_agree_with_its_parts(workspace, member, indicators):
    text = "indicator;period;value;numerator;denominator\nTAUX-01;2025-Q1;70;45;60\n"
    report = run(workspace, text, MeasurementImporter, user=member.user)
    assert errors(report) == [
        (
            2,
            "value",
            "For a ratio the value is computed from the numerator and the denominator (75): "
            "leave this cell empty.",
        )
    ]
    ok = text.replace(";70;", ";75;")
    assert errors(run(workspace, ok, MeasurementImporter, user=member.user)) == []


def test_measurements_from_an_xlsx_file(workspace, member, indicators, gender):
    actor = ActorFactory(workspace=workspace)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Indicator code", "Subject", "Period", "Value", "Measured on", "Breakdowns"])
    sheet.append(["EMP-01", f"actor:{actor.pk}", "2025-Q1", 20, date(2025, 4, 2), "Femmes=20"])
    sheet.append(["MOY-01", None, "2025-Q2", 12.25, None, None])
    sheet.append(["QUAL-01", "workspace", 2025, None, None, None])  # a year typed as a number
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(
        workspace, buffer.getvalue(), MeasurementImporter, user=member.user, filename="m.xlsx"
    )
    assert [(line, header) for line, header, _m in errors(report)] == [(4, "Observation")]
    assert "Write what was observed" in errors(report)[0][2]
    sheet.delete_rows(4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(
        workspace,
        buffer.getvalue(),
        MeasurementImporter,
        user=member.user,
        filename="m.xlsx",
        commit=True,
    )
    assert errors(report) == [] and report.saved == {"create": 2, "update": 0}
    with scope(workspace=workspace):
        emp = Measurement.objects.select_related("tracked").get(indicator__code="EMP-01")
        assert (emp.tracked.subject_ref, emp.value, emp.measured_on) == (
            f"actor:{actor.pk}",
            20,
            date(2025, 4, 2),
        )
        assert Measurement.objects.get(indicator__code="MOY-01").value == Decimal("12.25")
    again = run(
        workspace,
        buffer.getvalue(),
        MeasurementImporter,
        user=member.user,
        filename="m.xlsx",
        commit=True,
    )
    assert counts(again) == (0, 0, 2, 0)


# --- registry and pages --------------------------------------------------------------------------


def test_the_impact_importers_are_registered_and_listed(workspace, member):
    assert {"indicators", "targets", "measurements"} <= {c.key for c in registry.all_importers()}
    for key in ("indicators", "targets", "measurements"):
        assert registry.get(key).results_url_name == "impact:home"
    page = client_for(member).get(
        reverse("imports:list", kwargs={"workspace_slug": workspace.slug})
    )
    assert page.status_code == 200
    for label in (b"Impact indicators", b"Impact targets", b"Impact measurements"):
        assert label in page.content
    upload = client_for(member).get(
        reverse("imports:upload", kwargs={"workspace_slug": workspace.slug}) + "?kind=measurements"
    )
    assert upload.status_code == 200
    assert b"Genre: Femmes=12; Genre: Hommes=8" in upload.content


def test_the_command_imports_measurements(workspace, member, indicators, gender, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "mesures.csv"
    path.write_text(MEASUREMENTS, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_file",
        "measurements",
        str(path),
        workspace=workspace.slug,
        user=member.user.email,
        commit=True,
        stdout=out,
    )
    assert len(stored(Measurement, workspace)) == 5
    path.write_text(MEASUREMENTS.replace(";12,5;", ";N/A;"), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_file", "measurements", str(path), workspace=workspace.slug, stdout=out)
    assert "line 4 [Valeur]" in out.getvalue()
