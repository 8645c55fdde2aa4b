"""The FEC import (finance/importers/fec.py): what is stored, what is refused, idempotency, the
imports page, `manage.py import_fec` and `manage.py import_file fec`."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled

from maillage.core.models import AuditEvent, ImportJob
from maillage.finance.fec import NAMES, FecFile
from maillage.finance.importers.fec import import_fec
from maillage.finance.models import LedgerAllocation, LedgerLine
from tests.factories import (
    AccountMappingFactory,
    AssignmentRuleFactory,
    LedgerLineFactory,
    ProjectFactory,
)

from .fec_files import DIRECTION_NAMES, fec_text, line, purchase, sale, with_direction

LINES = [*purchase("AC000001", "120,50"), *purchase("AC000002", "80"), *sale("VE000001", "300")]


def _write(tmp_path, text, *, name="FEC.txt", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(workspace, path, *, user=None, commit=True, **options):
    with scope(workspace=workspace):
        return import_fec(FecFile(path), workspace=workspace, user=user, commit=commit, **options)


def stored(workspace):
    with scopes_disabled():
        return list(LedgerLine.objects.filter(workspace=workspace).order_by("id"))


# --- what is stored ------------------------------------------------------------------------------


def test_a_fec_is_stored_line_by_line_with_its_categories(workspace, owner, tmp_path):
    AccountMappingFactory(workspace=workspace, prefix="706", category="75")
    report = run(workspace, _write(tmp_path, fec_text(LINES)), user=owner.user)
    assert report.committed and not report.has_errors
    assert report.counts == {
        "total": 6,
        "valid": 6,
        "invalid": 0,
        "create": 6,
        "update": 0,
        "unchanged": 0,
    }
    assert report.saved == {"create": 6, "update": 0}
    lines = stored(workspace)
    first = lines[0]
    assert (first.journal_code, first.entry_number, first.account_number) == (
        "AC",
        "AC000001",
        "6063",
    )
    assert first.entry_date == date(2025, 3, 10)
    assert first.piece_date == date(2025, 3, 8)
    assert first.validation_date == date(2025, 3, 15)
    assert first.lettering_date is None and first.currency_amount is None
    assert (first.debit, first.credit) == (Decimal("120.50"), Decimal("0"))
    assert first.account_label == "Fournitures d'entretien et de petit équipement"
    assert first.source_name == "FEC.txt"
    assert first.created_by == owner.user
    assert len({line.fingerprint for line in lines}) == 6
    # The mapping (706 → 75) wins over the first two digits; balance-sheet accounts get none.
    assert [(line.account_number, line.category) for line in lines] == [
        ("6063", "60"),
        ("4010000", ""),
        ("6063", "60"),
        ("4010000", ""),
        ("4110000", ""),
        ("706", "75"),
    ]
    events = AuditEvent.objects.filter(workspace=workspace, action="other")
    assert events.count() == 1
    assert events.get().changes["import"] == "fec"


def test_the_same_file_twice_adds_nothing(workspace, tmp_path):
    path = _write(tmp_path, fec_text(LINES))
    run(workspace, path)
    again = run(workspace, path)
    assert again.committed
    assert again.counts["unchanged"] == 6 and again.counts["create"] == 0
    assert again.saved == {"create": 0, "update": 0}
    assert len(stored(workspace)) == 6


def test_a_file_with_one_more_line_adds_exactly_that_line(workspace, tmp_path):
    run(workspace, _write(tmp_path, fec_text(LINES), name="a.txt"))
    # The same file, plus a line of the first entry identical to another one (zero amounts).
    extra = line(EcritureNum="AC000001", CompteNum="6063", EcritureLib="Outils JARDINS")
    more = [*LINES[:2], extra, *LINES[2:]]
    report = run(workspace, _write(tmp_path, fec_text(more), name="b.txt"))
    assert report.counts["create"] == 1 and report.counts["unchanged"] == 6
    lines = stored(workspace)
    assert len(lines) == 7
    assert lines[-1].source_name == "b.txt"
    # The same again: the new line is recognised by its rank among identical lines.
    assert run(workspace, _write(tmp_path, fec_text(more), name="c.txt")).counts["create"] == 0


def test_identical_lines_of_an_entry_are_all_kept(workspace, tmp_path):
    twice = [
        line(CompteNum="6063", Debit="10"),
        line(CompteNum="6063", Debit="10"),
        line(CompteNum="4010000", Credit="20"),
    ]
    assert run(workspace, _write(tmp_path, fec_text(twice))).counts["create"] == 3
    assert len(stored(workspace)) == 3


@pytest.mark.parametrize(
    ("delimiter", "encoding", "names"),
    [
        ("|", "utf-8", NAMES),
        ("\t", "utf-8-sig", NAMES),
        ("\t", "iso-8859-15", NAMES),
        ("|", "iso-8859-15", DIRECTION_NAMES),
    ],
)
def test_every_variant_is_the_same_ledger(workspace, tmp_path, delimiter, encoding, names):
    lines = purchase(label="Coût du matériel")
    run(workspace, _write(tmp_path, fec_text(lines), name="plain.txt"))
    variant = with_direction(lines) if names is DIRECTION_NAMES else lines
    text = fec_text(variant, delimiter=delimiter, names=names).replace("120,50", "120.50")
    report = run(workspace, _write(tmp_path, text, name="variant.txt", encoding=encoding))
    assert report.counts["unchanged"] == 2, report.to_dict()
    lines = stored(workspace)
    assert [line.label for line in lines] == ["Coût du matériel"] * 2


# --- what is refused -----------------------------------------------------------------------------


def _errors(report):
    return [(e.line, e.header, e.message) for e in report.errors]


def test_missing_columns_refuse_the_file(workspace, tmp_path):
    names = [n for n in NAMES if n != "PieceRef"]
    report = run(workspace, _write(tmp_path, fec_text(LINES, names=names)))
    assert report.file_error.startswith("Missing columns: PieceRef.")
    assert not report.committed
    assert stored(workspace) == []


def test_a_bad_date_refuses_the_whole_file(workspace, tmp_path):
    lines = [*LINES[:3], {**LINES[3], "EcritureDate": "2025-03-10"}, *LINES[4:]]
    report = run(workspace, _write(tmp_path, fec_text(lines)))
    assert _errors(report) == [
        (5, "EcritureDate", "“2025-03-10” is not a date written AAAAMMJJ (e.g. 20250310).")
    ]
    assert report.counts["invalid"] == 2  # the line, and the other line of its entry
    assert not report.committed
    assert stored(workspace) == []


def test_a_bad_amount_names_its_line_and_column(workspace, tmp_path):
    lines = [*LINES[:1], {**LINES[1], "Credit": "cent vingt"}, *LINES[2:]]
    report = run(workspace, _write(tmp_path, fec_text(lines)))
    ((number, header, message),) = _errors(report)
    assert (number, header) == (3, "Credit")
    assert "“cent vingt” is not an amount" in message
    assert stored(workspace) == []


def test_an_unbalanced_entry_is_reported_on_its_first_line(workspace, tmp_path):
    lines = [*LINES[:2], {**LINES[2], "Debit": "90,00"}, *LINES[3:]]
    report = run(workspace, _write(tmp_path, fec_text(lines)))
    assert _errors(report) == [
        (
            4,
            "EcritureNum",
            "Entry AC AC000002 is not balanced: debits 90.00, credits 80.00, a difference of "
            "10.00 (the entry has 2 lines; this is its first).",
        )
    ]
    assert report.counts["invalid"] == 2 and report.counts["valid"] == 4
    assert not report.committed
    assert stored(workspace) == []


def test_entries_are_balanced_even_when_their_lines_are_apart(workspace, tmp_path):
    first, second = purchase("AC000009", "45")
    report = run(workspace, _write(tmp_path, fec_text([first, *LINES, second])))
    assert report.committed and report.counts["create"] == 8


def test_without_all_or_nothing_the_good_entries_are_imported(workspace, tmp_path):
    lines = [*LINES[:2], {**LINES[2], "EcritureDate": "31/03/2025"}, *LINES[3:]]
    report = run(workspace, _write(tmp_path, fec_text(lines)), all_or_nothing=False)
    assert report.committed
    assert report.saved == {"create": 4, "update": 0}
    assert report.counts["invalid"] == 2
    assert any("imported whole or not at all" in str(note) for note in report.notes)
    assert [line.entry_number for line in stored(workspace)] == [
        "AC000001",
        "AC000001",
        "VE000001",
        "VE000001",
    ]


def test_a_dry_run_writes_nothing(workspace, tmp_path):
    report = run(workspace, _write(tmp_path, fec_text(LINES)), commit=False)
    assert report.counts["create"] == 6 and not report.committed
    assert stored(workspace) == []
    assert not AuditEvent.objects.filter(workspace=workspace, action="other").exists()


def test_progress_is_reported(workspace, tmp_path):
    calls = []
    run(workspace, _write(tmp_path, fec_text(LINES)), progress=lambda d, t: calls.append((d, t)))
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1] >= 6


# --- rules after the import ----------------------------------------------------------------------


def test_the_rules_assign_the_new_lines(workspace, owner, tmp_path):
    project = ProjectFactory(workspace=workspace, code="JARDINS")
    rule = AssignmentRuleFactory(
        workspace=workspace, project=project, account_prefix="", label_contains="jardins"
    )
    old = LedgerLineFactory(workspace=workspace, label="Graines JARDINS")
    report = run(workspace, _write(tmp_path, fec_text(LINES)), user=owner.user)
    assert any("charged 2 new lines" in str(note) for note in report.notes)
    with scopes_disabled():
        allocations = LedgerAllocation.objects.filter(workspace=workspace)
        # The two charge lines (6063) labelled JARDINS; not the supplier lines (class 4), not
        # the line stored before the import.
        assert sorted(a.line.account_number for a in allocations) == ["6063", "6063"]
        assert {a.rule_id for a in allocations} == {rule.pk}
        assert not allocations.filter(line=old).exists()


# --- the imports page and the commands -----------------------------------------------------------


def test_the_imports_page_previews_then_commits(member_client, workspace, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    text = fec_text(LINES, delimiter="|")
    upload = SimpleUploadedFile("FEC2025.txt", text.encode("iso-8859-15"), "text/plain")
    url = reverse("imports:upload", args=[workspace.slug]) + "?kind=fec"
    page = member_client.get(url)
    assert b"EcritureDate" in page.content and b"Montant" in page.content
    response = member_client.post(url, {"file": upload, "all_or_nothing": "on"})
    with scopes_disabled():
        job = ImportJob.objects.get(workspace=workspace)
    assert response.status_code == 302
    assert job.status == "validated", job.report
    assert job.report["counts"]["create"] == 6
    assert stored(workspace) == []
    member_client.post(reverse("imports:commit", args=[workspace.slug, job.pk]))
    job.refresh_from_db()
    assert job.status == "done", job.report
    lines = stored(workspace)
    assert len(lines) == 6 and lines[0].source_name == "FEC2025.txt"
    detail = member_client.get(reverse("imports:job", args=[workspace.slug, job.pk]))
    assert reverse("finance:ledger", args=[workspace.slug]).encode() in detail.content


def test_the_imports_page_shows_line_errors(member_client, workspace, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lines = [*LINES[:2], {**LINES[2], "Debit": "90,00"}, *LINES[3:]]
    upload = SimpleUploadedFile("FEC.txt", fec_text(lines).encode(), "text/plain")
    url = reverse("imports:upload", args=[workspace.slug]) + "?kind=fec"
    member_client.post(url, {"file": upload, "all_or_nothing": "on"})
    with scopes_disabled():
        job = ImportJob.objects.get(workspace=workspace)
    page = member_client.get(reverse("imports:job", args=[workspace.slug, job.pk])).content.decode()
    assert "Entry AC AC000002 is not balanced" in page


def test_a_guest_cannot_import(guest_client, workspace):
    url = reverse("imports:upload", args=[workspace.slug]) + "?kind=fec"
    assert guest_client.get(url).status_code == 403


def test_import_fec_command(workspace, owner, tmp_path):
    path = _write(tmp_path, fec_text(LINES))
    out = io.StringIO()
    call_command(
        "import_fec", str(path), workspace=workspace.slug, user=owner.user.email, stdout=out
    )
    text = out.getvalue()
    assert "File read as UTF-8, columns separated by tab." in text
    assert "Lines: 6, valid: 6, with errors: 0; new: 6" in text
    assert "Imported: 6 lines created" in text
    out = io.StringIO()
    call_command("import_fec", str(path), workspace=workspace.slug, stdout=out)
    assert "already imported (unchanged): 6" in out.getvalue()
    assert len(stored(workspace)) == 6


def test_import_fec_command_dry_run_and_errors(workspace, tmp_path):
    out = io.StringIO()
    call_command(
        "import_fec",
        str(_write(tmp_path, fec_text(LINES))),
        workspace=workspace.slug,
        dry_run=True,
        stdout=out,
    )
    assert "Dry run: nothing was imported." in out.getvalue()
    assert stored(workspace) == []
    bad = [{**LINES[0], "EcritureDate": "hier"}, *LINES[1:]]
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command(
            "import_fec",
            str(_write(tmp_path, fec_text(bad), name="bad.txt")),
            workspace=workspace.slug,
            stdout=out,
        )
    assert error.value.returncode == 1
    assert "line 2 [EcritureDate]: “hier” is not a date" in out.getvalue()
    assert "Nothing was imported" in out.getvalue()
    with pytest.raises(CommandError, match="No workspace"):
        call_command("import_fec", str(tmp_path / "x.txt"), workspace="nope")


def test_import_file_command_knows_the_fec(workspace, tmp_path):
    path = _write(tmp_path, fec_text(LINES))
    out = io.StringIO()
    call_command("import_file", "fec", str(path), workspace=workspace.slug, commit=True, stdout=out)
    assert "Imported: 6 created, 0 updated." in out.getvalue()
    assert stored(workspace)[0].source_name == "FEC.txt"


def test_an_unbalanced_entry_of_one_line_says_so(workspace, tmp_path):
    lines = [*LINES, line(EcritureNum="AC000099", CompteNum="6063", Debit="12,00")]
    report = run(workspace, _write(tmp_path, fec_text(lines)))
    assert _errors(report)[-1][2] == (
        "Entry AC AC000099 is not balanced: debits 12.00, credits 0.00, a difference of 12.00 "
        "(the entry has a single line)."
    )
    with translation.override("fr"):
        report = run(workspace, _write(tmp_path, fec_text(lines), name="fr.txt"))
    assert "(l'écriture n'a qu'une ligne)" in _errors(report)[-1][2]
