"""The shared import framework: parsing, the engine (validate, preview, commit), the registry.

The member import (tests/workspaces/test_member_import.py) covers the web pages, the tasks and
the command; here a light importer that saves with `bulk_create` keeps 10,000 rows fast.
"""

import io
import time
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from maillage.core.imports import (
    Column,
    Importer,
    ImportFileError,
    parsers,
    read_table,
    registry,
    run_import,
    run_import_file,
)
from maillage.core.imports.parsing import check_file, normalize_header
from maillage.workspaces.models import Invitation, Role
from tests.factories import InvitationFactory


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English (the source language); French is the default."""
    with translation.override("en"):
        yield


# --- a light importer on Invitation, saved in bulk --------------------------------------------


class BulkInvitationImporter(Importer):
    key = "test-bulk-invitations"
    label = "Test invitations"
    columns = (
        Column("email", "E-mail", required=True, aliases=("courriel",), parser=parsers.email()),
        Column(
            "role", "Role", required=True, aliases=("rôle",), parser=parsers.choice(Role.choices)
        ),
        Column("full_name", "Full name", aliases=("nom",), parser=parsers.text(max_length=150)),
    )
    natural_key = ("email",)

    def lookup_existing(self, keys, context):
        emails = [k[0] for k in keys]
        return {
            (i.email,): i
            for i in Invitation.objects.filter(workspace=context.workspace, email__in=emails)
        }

    def save_rows(self, rows, context):
        creates = [r for r in rows if r.existing is None]
        Invitation.objects.bulk_create(
            [
                Invitation(
                    workspace=context.workspace,
                    email=r["email"],
                    full_name=r.get("full_name") or "",
                    role=r["role"],
                    token_hash=f"test-{r['email']}",
                    expires_at=timezone.now() + timedelta(days=7),
                )
                for r in creates
            ]
        )
        for row in rows:
            if row.existing is not None:
                row.existing.role = row["role"]
                row.existing.full_name = row.get("full_name") or ""
                row.existing.save(update_fields=["role", "full_name"])


def _importer(workspace, cls=BulkInvitationImporter, **kwargs):
    return cls(workspace=workspace, **kwargs)


def _csv(rows, header=("email", "role", "full_name"), delimiter=";", encoding="utf-8") -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _stored(workspace) -> int:
    with scopes_disabled():
        return Invitation.objects.filter(workspace=workspace).count()


# --- 10,000 rows, 1 % malformed -------------------------------------------------------------

BAD_KINDS = ("missing", "invalid-email", "unknown-role", "duplicate")


def _big_file(n=10_000):
    """`n` rows; every 100th row (1 %) is malformed, cycling through the four kinds."""
    rows, bad = [], {}
    for i in range(n):
        line = i + 2
        row = [f"person{i}@example.org", "member", f"Personne {i}"]
        if i % 100 == 50:
            kind = BAD_KINDS[(i // 100) % 4]
            bad[line] = kind
            if kind == "missing":
                row[0] = ""
            elif kind == "invalid-email":
                row[0] = f"person{i}-at-example.org"
            elif kind == "unknown-role":
                row[1] = "chef"
            else:
                row[0] = f"person{i - 1}@example.org"  # same e-mail as the line above
        rows.append(row)
    return _csv(rows), bad


EXPECTED = {
    "missing": ("email", "A value is required."),
    "invalid-email": ("email", "is not a valid e-mail address"),
    "unknown-role": ("role", "is not one of the accepted values"),
    "duplicate": ("email", "Duplicate: line"),
}


@pytest.fixture
def big_file():
    return _big_file()


def test_ten_thousand_rows_preview_reports_every_bad_row_and_stores_nothing(workspace, big_file):
    data, bad = big_file
    started = time.monotonic()
    with scope(workspace=workspace):
        report = run_import_file(_importer(workspace), data, "people.csv")
    elapsed = time.monotonic() - started

    assert (report.total, report.valid, report.invalid) == (10_000, 9_900, 100)
    assert (report.create, report.update, report.unchanged) == (9_900, 0, 0)
    assert not report.committed
    assert {e.line for e in report.errors} == set(bad)
    assert len(report.errors) == 100
    for error in report.errors:
        column, text = EXPECTED[bad[error.line]]
        assert error.column == column, error
        assert text in error.message, error
    duplicate = next(e for e in report.errors if bad[e.line] == "duplicate")
    assert f"line {duplicate.line - 1} " in duplicate.message  # points at the first occurrence
    assert _stored(workspace) == 0
    assert elapsed < 10, f"validating 10,000 rows took {elapsed:.1f} s"


def test_ten_thousand_rows_all_or_nothing_commit_stores_nothing(workspace, big_file):
    data, bad = big_file
    with scope(workspace=workspace):
        report = run_import_file(_importer(workspace), data, "people.csv", commit=True)
    assert not report.committed
    assert report.invalid == 100
    assert {e.line for e in report.errors} == set(bad)
    assert _stored(workspace) == 0


def test_ten_thousand_rows_partial_commit_stores_every_good_row(workspace, big_file):
    data, bad = big_file
    started = time.monotonic()
    with scope(workspace=workspace):
        report = run_import_file(
            _importer(workspace), data, "people.csv", commit=True, all_or_nothing=False
        )
    elapsed = time.monotonic() - started
    assert report.committed
    assert report.saved == {"create": 9_900, "update": 0}
    assert {e.line for e in report.errors} == set(bad)
    with scopes_disabled():
        emails = set(Invitation.objects.filter(workspace=workspace).values_list("email", flat=True))
    assert len(emails) == 9_900
    assert "person49@example.org" in emails  # kept: the first of a duplicated pair
    assert "person50@example.org" not in emails  # line 52, missing e-mail
    assert elapsed < 20, f"importing 10,000 rows took {elapsed:.1f} s"


def test_all_or_nothing_rolls_back_chunks_already_saved(workspace):
    """The bad row is in the last chunk: the chunks before it were written, then rolled back."""
    rows = [[f"p{i}@example.org", "member", ""] for i in range(1_200)]
    rows[-1][1] = "chef"
    with scope(workspace=workspace):
        report = run_import_file(_importer(workspace), _csv(rows), "f.csv", commit=True)
    assert not report.committed
    assert [(e.line, e.column) for e in report.errors] == [(1_201, "role")]
    assert _stored(workspace) == 0


# --- idempotent re-imports ------------------------------------------------------------------


def test_reimporting_the_same_file_creates_no_duplicates(workspace):
    data = _csv([[f"p{i}@example.org", "member", ""] for i in range(300)])
    with scope(workspace=workspace):
        first = run_import_file(_importer(workspace), data, "f.csv", commit=True)
        again = run_import_file(_importer(workspace), data, "f.csv", commit=True)
    assert first.saved == {"create": 300, "update": 0}
    assert (again.create, again.update, again.unchanged) == (0, 0, 300)
    assert again.saved == {"create": 0, "update": 0}
    assert _stored(workspace) == 300


def test_reimport_with_a_changed_value_updates_that_row_only(workspace):
    rows = [[f"p{i}@example.org", "member", ""] for i in range(20)]
    with scope(workspace=workspace):
        run_import_file(_importer(workspace), _csv(rows), "f.csv", commit=True)
        rows[7][1] = "guest"
        report = run_import_file(_importer(workspace), _csv(rows), "f.csv", commit=True)
        assert (report.create, report.update, report.unchanged) == (0, 1, 19)
        assert Invitation.objects.get(email="p7@example.org").role == Role.GUEST
    assert _stored(workspace) == 20


def test_case_of_email_does_not_make_a_new_key(workspace):
    data = _csv([["Camille@Example.org", "member", ""], ["camille@example.org", "guest", ""]])
    with scope(workspace=workspace):
        report = run_import_file(_importer(workspace), data, "f.csv")
    assert [(e.line, e.column) for e in report.errors] == [(3, "email")]


# --- encodings and delimiters ---------------------------------------------------------------

NAMES = ["Élodie Lefèvre", "François Œuvre", "Zoë Ñúñez €"]


@pytest.mark.parametrize(
    ("encoding", "bom", "reported"),
    [
        ("utf-8", b"", "UTF-8"),
        ("utf-8", b"\xef\xbb\xbf", "UTF-8 with BOM"),
        ("iso-8859-15", b"", "ISO-8859-15"),
    ],
)
@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_encodings_and_delimiters(workspace, encoding, bom, reported, delimiter):
    rows = [[f"p{i}@example.org", "member", name] for i, name in enumerate(NAMES)]
    data = bom + _csv(
        rows, header=("Courriel", "Rôle", "Nom"), delimiter=delimiter, encoding=encoding
    )
    table = read_table(data, "export.csv")
    assert (table.encoding, table.delimiter) == (reported, delimiter)
    assert table.header == ["Courriel", "Rôle", "Nom"]
    with scope(workspace=workspace):
        report = run_import(_importer(workspace), table, commit=True)
    assert report.committed and report.invalid == 0
    with scopes_disabled():
        assert Invitation.objects.filter(workspace=workspace).count() == 3
    assert [cells[2] for _line, cells in table.rows] == NAMES
    assert [line for line, _cells in table.rows] == [2, 3, 4]


def test_sniffer_is_checked_against_the_header_line():
    # Commas inside quoted values must not win over the real delimiter.
    text = 'email;"Nom, prénom";role\r\na@example.org;"Dupont, Jean";member\r\n'
    assert read_table(text.encode(), "f.csv").delimiter == ";"
    single = "email\r\na@example.org\r\n"
    table = read_table(single.encode(), "f.csv")
    assert table.header == ["email"] and table.rows == [(2, ["a@example.org"])]


def test_line_numbers_count_blank_rows_and_quoted_line_breaks():
    text = 'email;role;nom\n\na@example.org;member;"Deux\nlignes"\nb@example.org;guest;B\n'
    table = read_table(text.encode(), "f.csv")
    assert [line for line, _ in table.rows] == [3, 4]
    assert table.rows[0][1][2] == "Deux\nlignes"


def test_header_normalisation():
    assert normalize_header("  Adresse_E-mail ") == normalize_header("adresse e mail")
    assert normalize_header("RÔLE") == "role"
    assert normalize_header("Prénom\u00a0 Nom") == "prenom nom"


def test_missing_required_column_and_ambiguous_headers_refuse_the_file(workspace):
    with scope(workspace=workspace):
        missing = run_import_file(_importer(workspace), b"nom;role\nA;member\n", "f.csv")
        double = run_import_file(
            _importer(workspace), b"email;courriel;role\na@b.org;a@b.org;member\n", "f.csv"
        )
        ignored = run_import_file(
            _importer(workspace), b"email;role;colour\na@example.org;member;blue\n", "f.csv"
        )
    assert "E-mail" in missing.file_error and "missing" in missing.file_error
    assert missing.total == 0
    assert "both mean" in double.file_error
    assert ignored.ignored_headers == ["colour"] and ignored.valid == 1


def test_a_binary_or_legacy_file_is_refused_with_a_reason():
    with pytest.raises(ImportFileError, match=r"\.xls"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls")
    with pytest.raises(ImportFileError, match="CSV"):
        read_table(b"%PDF\x00\x00\x01", "file.csv")
    with pytest.raises(ImportFileError, match="empty"):
        read_table(b"\r\n\r\n", "file.csv")


# --- XLSX -----------------------------------------------------------------------------------


def _xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Personnes"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_is_read_with_typed_cells_and_spreadsheet_line_numbers(workspace):
    data = _xlsx(
        [
            ["E-mail", "Rôle", "Nom", "Arrivée", "Montant"],
            ["a@example.org", "member", "Élodie", datetime(2025, 3, 1), 1234.5],
            [None, None, None, None, None],
            ["b@example.org", "guest", 42, date(2025, 12, 31), 12.0],
        ]
    )
    table = read_table(data, "people.xlsx")
    assert table.sheet == "Personnes"
    assert table.rows == [
        (2, ["a@example.org", "member", "Élodie", "2025-03-01", "1234.5"]),
        (4, ["b@example.org", "guest", "42", "2025-12-31", "12"]),
    ]
    with scope(workspace=workspace):
        report = run_import(_importer(workspace), table)
    assert report.valid == 2 and report.ignored_headers == ["Arrivée", "Montant"]


def _zip_bomb(uncompressed: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * uncompressed)
    return buffer.getvalue()


def test_xlsx_bomb_is_refused_before_anything_is_unzipped(settings, monkeypatch):
    settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = 1_000_000
    data = _zip_bomb(5_000_000)
    assert len(data) < 20_000  # tiny on disk, 5 MB once unzipped

    def forbidden(*args, **kwargs):
        raise AssertionError("the file was decompressed")

    monkeypatch.setattr(openpyxl, "load_workbook", forbidden)
    monkeypatch.setattr(zipfile.ZipFile, "open", forbidden)
    with pytest.raises(ImportFileError) as refused:
        read_table(data, "bomb.xlsx")
    assert "once unzipped it would take" in refused.value.message
    assert filesizeformat(5_000_000 + 8 + 11) in refused.value.message
    assert filesizeformat(1_000_000) in refused.value.message
    with pytest.raises(ImportFileError, match="once unzipped"):
        check_file(io.BytesIO(data), "bomb.xlsx")


def test_xlsx_under_the_limit_is_read(settings):
    settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = 1_000_000
    table = read_table(_xlsx([["email"], ["a@example.org"]]), "ok.xlsx")
    assert table.rows == [(2, ["a@example.org"])]


def test_corrupt_xlsx_and_too_large_files_are_refused(settings, monkeypatch):
    monkeypatch.setattr(openpyxl, "load_workbook", pytest.fail)
    with pytest.raises(ImportFileError, match="not a valid XLSX"):
        read_table(b"PK\x03\x04 this is not really a zip", "broken.xlsx")
    with pytest.raises(ImportFileError, match="not a valid XLSX"):
        read_table(b"email\na@example.org\n", "renamed.xlsx")
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ImportFileError, match="too large"):
        read_table(b"email\n" + b"a@example.org\n" * 20, "big.csv")
    with pytest.raises(ImportFileError, match="too large"):
        check_file(io.BytesIO(b"x" * 101), "big.xlsx")


# --- saving errors, hooks ---------------------------------------------------------------------


class PickyImporter(BulkInvitationImporter):
    """Refuses `refused@example.org` at save time, and guests without a name at validation."""

    key = "test-picky"

    def validate_row(self, row, context):
        if row["role"] == Role.GUEST and not row.get("full_name"):
            raise ValidationError({"full_name": "A guest needs a name."})

    def save_rows(self, rows, context):
        for row in rows:
            if row["email"] == "refused@example.org":
                raise ValidationError("Refused by the service.")
        super().save_rows(rows, context)


def test_row_refused_at_save_time_is_reported_on_its_line(workspace):
    data = _csv(
        [
            ["a@example.org", "member", ""],
            ["refused@example.org", "member", ""],
            ["b@example.org", "guest", ""],
            ["c@example.org", "member", ""],
        ]
    )
    with scope(workspace=workspace):
        strict = run_import_file(_importer(workspace, PickyImporter), data, "f.csv", commit=True)
        assert _stored(workspace) == 0
        partial = run_import_file(
            _importer(workspace, PickyImporter), data, "f.csv", commit=True, all_or_nothing=False
        )
    assert not strict.committed
    assert [(e.line, e.column) for e in strict.errors] == [(4, "full_name")]
    assert partial.committed
    assert [(e.line, e.column, e.message) for e in partial.errors] == [
        (3, "", "Refused by the service."),
        (4, "full_name", "A guest needs a name."),
    ]
    assert (partial.valid, partial.invalid) == (2, 2)
    assert partial.saved == {"create": 2, "update": 0}
    assert _stored(workspace) == 2


def test_error_report_is_capped_but_counts_stay_exact(workspace):
    rows = [[f"bad{i}", "member", ""] for i in range(30)]
    with scope(workspace=workspace):
        importer = _importer(workspace)
        report = run_import_file(importer, _csv(rows), "f.csv", max_errors=10)
    assert report.invalid == 30
    assert len(report.errors) == 10 and report.errors_omitted == 20
    assert report.to_dict()["counts"]["invalid"] == 30


def test_progress_is_reported_every_chunk(workspace):
    calls = []
    rows = [[f"p{i}@example.org", "member", ""] for i in range(1_100)]
    with scope(workspace=workspace):
        run_import(
            _importer(workspace),
            read_table(_csv(rows), "f.csv"),
            progress=lambda done, total: calls.append((done, total)),
        )
    assert calls == [(0, 1_100), (500, 1_100), (1_000, 1_100), (1_100, 1_100)]


@pytest.mark.parametrize(
    ("parser", "text", "value"),
    [
        (parsers.decimal(), "1 234,56", Decimal("1234.56")),
        (parsers.decimal(), "1.234,5", Decimal("1234.5")),
        (parsers.decimal(), "-12.50 €", Decimal("-12.50")),
        (parsers.integer(), "1\u202f000", 1000),
        (parsers.date(), "31/12/2025", date(2025, 12, 31)),
        (parsers.date(), "20251231", date(2025, 12, 31)),
        (parsers.date(), "2025-12-31 00:00:00", date(2025, 12, 31)),
        (parsers.boolean(), "Oui", True),
        (parsers.boolean(), "non", False),
        (parsers.choice(Role.choices), "guest (READ_only)", Role.GUEST),
        (parsers.choice(Role.choices), "MANAGER", Role.MANAGER),
    ],
)
def test_parsers_accept_french_and_iso_writing(parser, text, value):
    assert parser(text) == value


@pytest.mark.parametrize(
    ("parser", "text"),
    [
        (parsers.decimal(), "12,345"),  # three decimals: refused, never rounded
        (parsers.decimal(max_digits=4), "123,45"),
        (parsers.decimal(), "douze"),
        (parsers.integer(min_value=0), "-3"),
        (parsers.date(), "31/02/2025"),
        (parsers.boolean(), "peut-être"),
        (parsers.text(max_length=3), "abcd"),
    ],
)
def test_parsers_refuse_with_a_message(parser, text):
    with pytest.raises(ValidationError) as error:
        parser(text)
    assert error.value.messages[0]


def test_registry(db):
    assert registry.get("members").key == "members"  # discovered in workspaces/importers.py
    with pytest.raises(registry.UnknownImporter):
        registry.get("nothing-of-the-sort")
    registry.register(PickyImporter)
    try:
        assert registry.get("test-picky") is PickyImporter

        class Impostor(BulkInvitationImporter):
            key = "test-picky"

        with pytest.raises(ValueError, match="Two importers"):
            registry.register(Impostor)
    finally:
        registry.unregister("test-picky")
    with pytest.raises(registry.UnknownImporter):
        registry.get("test-picky")


def test_existing_records_are_compared_per_column(workspace):
    InvitationFactory(
        workspace=workspace, email="known@example.org", role=Role.MEMBER, full_name="Known"
    )
    InvitationFactory(
        workspace=workspace, email="renamed@example.org", role=Role.MEMBER, full_name="Old"
    )
    data = _csv(
        [
            ["known@example.org", "member", "Known"],
            ["renamed@example.org", "member", "New"],
            ["new@example.org", "member", ""],
        ]
    )
    with scope(workspace=workspace):
        report = run_import_file(_importer(workspace), data, "f.csv")
    # Same values: unchanged; one column differs: update; unknown key: create.
    assert (report.create, report.update, report.unchanged) == (1, 1, 1)


def test_database_conflict_at_save_time_is_reported_on_its_row(workspace, other_workspace):
    # Another workspace holds the token this importer would write: a unique constraint fails.
    InvitationFactory(workspace=other_workspace, token_hash="test-clash@example.org")
    data = _csv([[f"{name}@example.org", "member", ""] for name in ("a", "clash", "b")])
    with scope(workspace=workspace):
        strict = run_import_file(_importer(workspace), data, "f.csv", commit=True)
        assert _stored(workspace) == 0
        partial = run_import_file(
            _importer(workspace), data, "f.csv", commit=True, all_or_nothing=False
        )
    assert not strict.committed and [e.line for e in strict.errors] == [3]
    assert partial.committed and [e.line for e in partial.errors] == [3]
    assert "conflicts with data already stored" in partial.errors[0].message
    assert partial.saved == {"create": 2, "update": 0}
    assert _stored(workspace) == 2
