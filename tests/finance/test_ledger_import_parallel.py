"""The FEC import read in a child process (`parallel`, what `manage.py import_fec` asks for)
gives exactly what the import in one process gives: the same report, lines, allocations."""

import pytest
from django_scopes import scope, scopes_disabled

from maillage.core.forked import can_fork
from maillage.finance.fec import FecFile
from maillage.finance.importers import fec as fec_import
from maillage.finance.models import LedgerAllocation, LedgerLine
from tests.factories import (
    AccountMappingFactory,
    AssignmentRuleFactory,
    ProjectFactory,
    WorkspaceFactory,
)

from .fec_files import fec_text, line, purchase, sale

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not can_fork(), reason="this platform cannot fork"),
]

LINE_FIELDS = (
    "journal_code",
    "entry_number",
    "entry_date",
    "account_number",
    "label",
    "debit",
    "credit",
    "fingerprint",
    "category",
)


def _lines(count: int) -> list[dict]:
    """`count` balanced entries of two lines, purchases and sales, every third for JARDINS."""
    lines = []
    for number in range(count):
        label = "Outils JARDINS" if number % 3 == 0 else "Divers"
        amount = f"{number + 1},{number % 100:02d}"
        if number % 2:
            lines += sale(f"VE{number:06d}", amount, label=label)
        else:
            lines += purchase(f"AC{number:06d}", amount, label=label)
    return lines


@pytest.fixture
def forks(monkeypatch):
    """Small chunks and no minimum size, so that a small file is read in a child, in chunks;
    counts the children started."""
    monkeypatch.setattr(fec_import, "CHUNK", 7)
    monkeypatch.setattr(fec_import, "PARALLEL_MIN_LINES", 1)
    started = []
    real = fec_import.iterate_in_child

    def counting(produce):
        started.append(1)
        return real(produce)

    monkeypatch.setattr(fec_import, "iterate_in_child", counting)
    return started


def _import(workspace, path, *, parallel, **options):
    with scope(workspace=workspace):
        return fec_import.import_fec(
            FecFile(path), workspace=workspace, parallel=parallel, **options
        )


def _outcome(report, workspace):
    """What an import did: its report and what the workspace's ledger holds after it."""
    with scopes_disabled():
        lines = list(
            LedgerLine.objects.filter(workspace=workspace).order_by("id").values_list(*LINE_FIELDS)
        )
        allocations = list(
            LedgerAllocation.objects.filter(workspace=workspace)
            .order_by("line_id")
            .values_list("line__fingerprint", "project__code", "share")
        )
    return {
        "counts": report.counts,
        "committed": report.committed,
        "saved": report.saved,
        "errors": [(e.line, e.column, e.message) for e in report.errors],
        "notes": [str(note) for note in report.notes],
        "file_error": report.file_error,
        "lines": lines,
        "allocations": allocations,
    }


def _set_up(workspace):
    AccountMappingFactory(workspace=workspace, prefix="706", category="75")
    project = ProjectFactory(workspace=workspace, code="JARDINS")
    AssignmentRuleFactory(
        workspace=workspace, project=project, account_prefix="6", label_contains="jardins"
    )


def _both(tmp_path, texts, **options):
    """Import `texts` one after the other into two workspaces, in one process and in a child;
    the outcome of each import in each."""
    serial, parallel = WorkspaceFactory(), WorkspaceFactory()
    _set_up(serial)
    _set_up(parallel)
    outcomes = []
    for number, text in enumerate(texts):
        path = tmp_path / f"FEC{number}.txt"
        path.write_text(text, encoding="utf-8")
        outcomes.append(
            (
                _outcome(_import(serial, path, parallel=False, **options), serial),
                _outcome(_import(parallel, path, parallel=True, **options), parallel),
            )
        )
    return outcomes


def test_a_clean_file_then_a_longer_one(forks, tmp_path):
    first = _lines(40)
    longer = [*first, *_lines(45)[80:], line(EcritureNum="AC000000", CompteNum="6063")]
    outcomes = _both(tmp_path, [fec_text(first), fec_text(longer), fec_text(longer)])
    assert len(forks) == 3
    for serial, parallel in outcomes:
        assert parallel == serial
    (first_import, _), (second, _), (third, _) = outcomes
    assert first_import["counts"]["create"] == 80 and first_import["committed"]
    assert len(first_import["allocations"]) == 7  # entries 0, 6… 36: purchases for JARDINS
    assert second["counts"]["create"] == 11 and second["counts"]["unchanged"] == 80
    assert third["counts"]["create"] == 0 and third["counts"]["unchanged"] == 91


def test_refused_lines_and_unbalanced_entries(forks, tmp_path):
    lines = _lines(30)
    lines[5] = {**lines[5], "EcritureDate": "20251345"}  # a bad date
    lines[20] = {**lines[20], "Debit": "9,99"}  # an unbalanced entry
    for options in ({}, {"all_or_nothing": False}, {"commit": False}):
        ((serial, parallel),) = _both(tmp_path, [fec_text(lines)], **options)
        assert parallel == serial
        assert [error[:2] for error in serial["errors"]] == [
            (7, "EcritureDate"),
            (22, "EcritureNum"),
        ]
        assert serial["counts"]["invalid"] == 4
        stored = 56 if options == {"all_or_nothing": False} else 0
        assert len(serial["lines"]) == stored
    assert len(forks) == 3 + 1  # all_or_nothing=False reads the file twice


def test_a_file_the_csv_module_cannot_read_midway_is_refused_whole(forks, tmp_path):
    lines = _lines(20)
    lines[25] = {**lines[25], "EcritureLib": "x" * 200_000}  # over the csv module's field limit
    ((serial, parallel),) = _both(tmp_path, [fec_text(lines)])
    assert parallel == serial
    assert "cannot be read near line" in serial["file_error"]
    assert not serial["committed"] and serial["lines"] == []


def test_small_files_and_the_web_page_are_read_in_one_process(monkeypatch, tmp_path):
    started = []
    monkeypatch.setattr(fec_import, "iterate_in_child", lambda produce: started.append(1))
    workspace = WorkspaceFactory()
    path = tmp_path / "FEC.txt"
    path.write_text(fec_text(_lines(10)), encoding="utf-8")
    report = _import(workspace, path, parallel=True)  # below PARALLEL_MIN_LINES
    assert report.committed and started == []
    monkeypatch.setattr(fec_import, "PARALLEL_MIN_LINES", 1)
    report = _import(workspace, path, parallel=False)  # not asked (the imports page)
    assert report.counts["unchanged"] == 20 and started == []
