"""The `time` import (core import framework) and `manage.py import_time`."""

from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope
from openpyxl import Workbook

from maillage.core.imports import registry, run_import_file
from maillage.core.models import AuditEvent
from maillage.finance.models import TimeEntry
from maillage.workspaces.models import Role
from tests.factories import (
    FundingAgreementFactory,
    MembershipFactory,
    PersonFactory,
    ProjectFactory,
    TimeEntryFactory,
)

FRENCH_CSV = """Personne;Date;Code projet;Convention;Heures;Commentaire
camille@example.org;03/03/2025;JARDINS;;7,5;Atelier
Dominique Petit;03/03/2025;EMPLOI;FSE-01;3;
dominique petit;04/03/2025;emploi;fse-01;4,25;Entretiens
"""


@pytest.fixture
def world(workspace, member):
    camille = PersonFactory(
        workspace=workspace, first_name="Camille", last_name="Durand", email="camille@example.org"
    )
    dominique = PersonFactory(workspace=workspace, first_name="Dominique", last_name="Petit")
    gardens = ProjectFactory(workspace=workspace, code="JARDINS")
    jobs = ProjectFactory(workspace=workspace, code="EMPLOI")
    fse = FundingAgreementFactory(workspace=workspace, reference="FSE-01", projects=[jobs])
    return {
        "camille": camille,
        "dominique": dominique,
        "gardens": gardens,
        "jobs": jobs,
        "fse": fse,
        "member": member,
    }


def _import(workspace, member, content, filename="temps.csv", commit=True):
    data = content.encode("utf-8") if isinstance(content, str) else content
    with scope(workspace=workspace):
        importer = registry.get("time")(workspace=workspace, user=member.user)
        return run_import_file(importer, data, filename, commit=commit)


def _stored(workspace):
    with scope(workspace=workspace):
        return sorted(
            (e.person.first_name, e.date, e.project.code, e.agreement_id, e.hours, e.note)
            for e in TimeEntry.objects.select_related("person", "project")
        )


def test_import_french_csv_by_email_and_name(workspace, world):
    report = _import(workspace, world["member"], FRENCH_CSV)
    assert report.committed, report.errors
    assert report.counts == {
        "total": 3,
        "valid": 3,
        "invalid": 0,
        "create": 3,
        "update": 0,
        "unchanged": 0,
    }
    fse = world["fse"].pk
    assert _stored(workspace) == [
        ("Camille", date(2025, 3, 3), "JARDINS", None, Decimal("7.50"), "Atelier"),
        ("Dominique", date(2025, 3, 3), "EMPLOI", fse, Decimal("3.00"), ""),
        ("Dominique", date(2025, 3, 4), "EMPLOI", fse, Decimal("4.25"), "Entretiens"),
    ]
    with scope(workspace=workspace):
        assert TimeEntry.objects.filter(created_by=world["member"].user).count() == 3
    assert AuditEvent.objects.filter(workspace=workspace, changes__import="time").count() == 1


def test_a_file_longer_than_one_insert_statement(workspace, world):
    """Rows are written several hundred per INSERT: every row lands once, the summary agrees."""
    from datetime import timedelta

    from maillage.finance import time_summary
    from maillage.finance.services.ledger import ROWS_PER_INSERT

    days = [date(2025, 1, 1) + timedelta(days=n) for n in range(ROWS_PER_INSERT + 37)]
    lines = [f"camille@example.org;{d:%d/%m/%Y};JARDINS;;1,25;" for d in days]
    report = _import(workspace, world["member"], "\n".join([FRENCH_CSV.splitlines()[0], *lines]))
    assert report.committed, report.errors
    with scope(workspace=workspace):
        assert TimeEntry.objects.count() == len(days)
        assert sorted(TimeEntry.objects.values_list("date", flat=True)) == days
    assert time_summary.differences(workspace.pk) == []


def test_reimport_is_idempotent_and_updates_hours(workspace, world):
    _import(workspace, world["member"], FRENCH_CSV)
    report = _import(workspace, world["member"], FRENCH_CSV)
    assert (report.create, report.update, report.unchanged) == (0, 0, 3)
    changed = FRENCH_CSV.replace("03/03/2025;JARDINS;;7,5", "03/03/2025;JARDINS;;6")
    report = _import(workspace, world["member"], changed)
    assert (report.create, report.update, report.unchanged) == (0, 1, 2)
    assert report.committed
    stored = _stored(workspace)
    assert len(stored) == 3
    assert stored[0][4] == Decimal("6.00")
    with scope(workspace=workspace):
        assert TimeEntry.objects.get(hours=6).version == 2


def test_zero_hours_removes_what_was_recorded(workspace, world):
    _import(workspace, world["member"], FRENCH_CSV)
    report = _import(
        workspace,
        world["member"],
        "Personne;Date;Projet;Heures\ncamille@example.org;03/03/2025;JARDINS;0\n"
        "camille@example.org;05/03/2025;JARDINS;0\n",
    )
    assert report.committed and (report.update, report.unchanged) == (1, 1)
    assert [row[0] for row in _stored(workspace)] == ["Dominique", "Dominique"]


def test_english_xlsx_with_dates_and_numbers_as_cells(workspace, world):
    book = Workbook()
    sheet = book.active
    sheet.append(["Person", "Date", "Project code", "Agreement reference", "Hours", "Note"])
    sheet.append(["Camille Durand", date(2025, 3, 5), "JARDINS", None, 7.25, "Garden"])
    sheet.append(["camille@example.org", date(2025, 3, 6), "EMPLOI", "FSE-01", 2, None])
    buffer = BytesIO()
    book.save(buffer)
    report = _import(workspace, world["member"], buffer.getvalue(), "hours.xlsx")
    assert report.committed, report.errors
    assert report.file["format"] == "xlsx"
    assert [(row[1], row[4]) for row in _stored(workspace)] == [
        (date(2025, 3, 5), Decimal("7.25")),
        (date(2025, 3, 6), Decimal("2.00")),
    ]


def _errors(report):
    return [(e.line, e.column, e.message) for e in report.errors]


def test_bad_rows_name_their_line_and_column_and_nothing_is_stored(workspace, world):
    TimeEntryFactory(
        workspace=workspace,
        person=world["camille"],
        project=world["jobs"],
        date=date(2025, 3, 7),
        hours=20,
    )
    content = (
        "Personne;Date;Projet;Convention;Heures\n"
        "camille@example.org;03/03/2025;JARDINS;;7\n"  # 2: fine
        "nobody@example.org;03/03/2025;JARDINS;;7\n"  # 3: unknown person
        "Camille Durand;31/02/2025;JARDINS;;7\n"  # 4: no such date
        "Camille Durand;04/03/2025;INCONNU;;7\n"  # 5: unknown project
        "Camille Durand;04/03/2025;JARDINS;FSE-01;7\n"  # 6: FSE-01 does not fund JARDINS
        "Camille Durand;04/03/2025;JARDINS;;7,123\n"  # 7: three decimals
        "CAMILLE DURAND;03/03/2025;jardins;;5\n"  # 8: duplicate of line 2
        "Camille Durand;07/03/2025;JARDINS;;5\n"  # 9: 20 h stored + 5 h
        "Camille Durand;08/03/2025;JARDINS;;25\n"  # 10: more than 24 h
    )
    report = _import(workspace, world["member"], content)
    assert not report.committed
    assert report.invalid == 8 and report.valid == 1
    errors = _errors(report)
    assert [(line, column) for line, column, _m in errors] == [
        (3, "person"),
        (4, "date"),
        (5, "project"),
        (6, "agreement"),
        (7, "hours"),
        (8, "date"),
        (9, "hours"),
        (10, "hours"),
    ]
    messages = {(line, column): message for line, column, message in errors}
    assert "No person has the e-mail “nobody@example.org”" in messages[(3, "person")]
    assert "does not fund the project JARDINS" in messages[(6, "agreement")]
    assert "line 2 already has hours" in messages[(8, "date")]
    assert "would work 25.00\xa0h on 03/07/2025" in messages[(9, "hours")]
    assert len(_stored(workspace)) == 1  # only the entry made before


def test_several_people_with_one_name_must_be_named_by_email(workspace, world):
    PersonFactory(
        workspace=workspace, first_name="Camille", last_name="Durand", email="other@x.org"
    )
    report = _import(
        workspace,
        world["member"],
        "Personne;Date;Projet;Heures\nCamille Durand;03/03/2025;JARDINS;1\n",
    )
    assert "Several people are called “Camille Durand”" in report.errors[0].message


def test_a_missing_column_refuses_the_file(workspace, world):
    report = _import(workspace, world["member"], "Personne;Date;Heures\nx;03/03/2025;1\n")
    assert "The required column “Project code” is missing" in report.file_error


def test_people_and_projects_of_another_workspace_are_unknown(workspace, other_workspace, world):
    PersonFactory(workspace=other_workspace, email="stranger@example.org")
    ProjectFactory(workspace=other_workspace, code="AILLEURS")
    report = _import(
        workspace,
        world["member"],
        "Personne;Date;Projet;Heures\nstranger@example.org;03/03/2025;AILLEURS;1\n",
    )
    assert [(e.column) for e in report.errors] == ["person", "project"]


def test_a_guest_cannot_import(workspace, world):
    assert registry.get("time").required_role == "member"
    guest = MembershipFactory(workspace=workspace, role=Role.GUEST)
    assert not guest.has_role("member")


# --- the command ----------------------------------------------------------------------------------


def test_command_imports_and_dry_run_checks_only(workspace, world, tmp_path):
    path = tmp_path / "temps.csv"
    path.write_text(FRENCH_CSV, encoding="utf-8")
    out = StringIO()
    call_command("import_time", str(path), "--workspace", workspace.slug, "--dry-run", stdout=out)
    assert "to create: 3" in out.getvalue() and "Dry run" in out.getvalue()
    assert _stored(workspace) == []
    out = StringIO()
    call_command(
        "import_time",
        str(path),
        "--workspace",
        workspace.slug,
        "--user",
        world["member"].user.email,
        stdout=out,
    )
    assert "Imported: 3 created, 0 updated." in out.getvalue()
    assert len(_stored(workspace)) == 3


def test_command_reports_errors_with_lines_and_fails(workspace, world, tmp_path):
    path = tmp_path / "temps.csv"
    path.write_text("Personne;Date;Projet;Heures\nnobody@x.org;03/03/2025;JARDINS;2\n")
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_time", str(path), "--workspace", workspace.slug, stdout=out)
    assert error.value.returncode == 1
    assert "line 2 [Personne]: No person has the e-mail" in out.getvalue()
    assert _stored(workspace) == []
