"""Benchmark of the FEC import: a synthetic balanced FEC of N lines into a fresh database.

The file (default 1,000,000 lines, tab-separated, UTF-8, decimal comma, dates AAAAMMJJ) holds
entries of 2 to 4 lines over one year in four journals (purchases, sales, bank, miscellaneous):
charges 60–65 against suppliers, products 70–75 against customers, bank transfers; one label in
three carries an analytic code the assignment rules look for. It is generated under /tmp, then a
worker process (production settings, `bench/settings_bench.py`) imports it into a fresh,
migrated database with six account mappings and five assignment rules, through the same code as
`manage.py import_fec` (`finance.importers.fec.import_fec` over `finance.fec.FecFile`, with
`parallel=True`: the file is read in a forked child process while the worker writes):

1. the first import (commit): every line new, categorised, then the rules applied to the new
   lines, in one transaction;
2. the same file again (commit): every line unchanged, nothing written;
3. a dry run of the same file (the preview): parse, check, look fingerprints up.

Peak memory is the worker's maximum resident set size (`ru_maxrss`) after each step, with its
size before the first import (Django loaded) for reference, and the reading child's. CPU time is
given for each process: the two share the machine's 2 cores.

    nice .venv/bin/python bench/bench_fec_import.py                    # SQLite and PostgreSQL
    nice .venv/bin/python bench/bench_fec_import.py --db sqlite --lines 200000 --no-record
    nice .venv/bin/python bench/bench_fec_import.py --db sqlite --profile   # cProfile the writer

Goal: >= 50,000 lines/s on SQLite for 1,000,000 lines.
"""

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from bench_databases import BenchDatabases, log, machine, record_section, run_worker_process

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "RESULTS.md"
PY = sys.executable
DATA_DIR = Path("/tmp/maillage_bench_fec")  # noqa: S108 - bench data
SQLITE_FILE = DATA_DIR / "bench_fec.sqlite3"
PG_DATABASE = "maillage_bench_fec"
HEADING = "## FEC import"
SLUG = "bench-fec"
GOAL = 50_000

DATABASES = BenchDatabases(SQLITE_FILE, PG_DATABASE, "BENCH_FEC_DATABASE_URL")

NAMES = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
]
CHARGES = [
    ("6063", "Fournitures d'entretien et petit équipement"),
    ("6064", "Fournitures administratives"),
    ("6132", "Locations immobilières"),
    ("6156", "Maintenance"),
    ("6226", "Honoraires"),
    ("6251", "Voyages et déplacements"),
    ("6256", "Missions"),
    ("6261", "Frais postaux et télécommunications"),
    ("6411", "Salaires, appointements"),
    ("6451", "Cotisations à l'URSSAF"),
    ("6281", "Cotisations (fédération)"),
]
PRODUCTS = [
    ("7061", "Prestations de services"),
    ("7062", "Ateliers et formations"),
    ("7410", "Subventions d'exploitation – État"),
    ("7420", "Subventions d'exploitation – Région"),
    ("7560", "Cotisations des adhérents"),
    ("7541", "Dons manuels"),
]
CODES = ["JARDINS", "REPAIR", "MOBILITE", "NUMERIQUE", "ALIMENT"]
WORDS = ["Achat", "Facture", "Règlement", "Prestation", "Atelier", "Réparation", "Coût", "Frais"]


def amount_text(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def generate(path: Path, lines: int, seed: int = 20251130) -> dict:
    """Write a balanced FEC of exactly `lines` lines; returns what it holds."""
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    days = [(start + timedelta(days=i)).strftime("%Y%m%d") for i in range(365)]
    written = entries = 0
    began = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\t".join(NAMES) + "\r\n")
        while written < lines:
            size = min(rng.choice((2, 2, 3, 4)), lines - written)
            if size < 2:  # the last line alone: a zero line on its own entry balances
                size = 1
            entries += 1
            day = days[min(364, entries * 365 // max(1, lines // 3))]
            kind = rng.random()
            if kind < 0.5:
                journal, journal_label, counter = "AC", "Achats", ("4010000", "Fournisseurs")
                sides = CHARGES
            elif kind < 0.8:
                journal, journal_label, counter = "VE", "Ventes", ("4110000", "Clients")
                sides = PRODUCTS
            elif kind < 0.95:
                journal, journal_label, counter = "BQ", "Banque", ("5121000", "Crédit Coopératif")
                sides = [("4010000", "Fournisseurs"), ("4110000", "Clients")]
            else:
                journal, journal_label, counter = (
                    "OD",
                    "Opérations diverses",
                    ("4710000", "Attente"),
                )
                sides = CHARGES
            number = f"{journal}{entries:08d}"
            piece = f"P{entries:08d}"
            code = rng.choice(CODES) if rng.random() < 0.33 else ""
            label = f"{rng.choice(WORDS)} {code} n°{rng.randrange(1, 999)}".replace("  ", " ")
            parts = [rng.randrange(100, 500_000) for _ in range(size - 1)] if size > 1 else []
            total = sum(parts)
            charge_side = sides is CHARGES or journal == "BQ"
            rows = []
            for cents in parts:
                account, account_label = rng.choice(sides)
                rows.append((account, account_label, cents, charge_side))
            rows.append((counter[0], counter[1], total, not charge_side))
            for account, account_label, cents, on_debit in rows:
                aux = ("F0042", "Jardinerie du Forez") if account == "4010000" else ("", "")
                debit, credit = (cents, 0) if on_debit else (0, cents)
                out.write(
                    "\t".join(
                        (
                            journal,
                            journal_label,
                            number,
                            day,
                            account,
                            account_label,
                            aux[0],
                            aux[1],
                            piece,
                            day,
                            label,
                            amount_text(debit),
                            amount_text(credit),
                            "",
                            "",
                            day,
                            "",
                            "",
                        )
                    )
                    + "\r\n"
                )
                written += 1
    return {
        "lines": written,
        "entries": entries,
        "bytes": path.stat().st_size,
        "generation_seconds": round(time.perf_counter() - began, 1),
    }


# --- the worker (Django set up) -------------------------------------------------------------------


def rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def children_cpu() -> float:
    """CPU seconds of the finished child processes (the import's reading child)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def setup():
    from django.db import transaction
    from django_scopes import scope, scopes_disabled

    from maillage.accounts.models import User
    from maillage.finance.models import (
        AccountMapping,
        AssignmentRule,
        Funder,
        FundingAgreement,
        Project,
    )
    from maillage.workspaces.models import Membership, Role, Workspace

    with transaction.atomic(), scopes_disabled():
        user = User.objects.create_user(email="bench-fec@example.org", full_name="Bench")
        workspace = Workspace.objects.create(name="FEC (bench)", slug=SLUG)
        Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    with scope(workspace=workspace), transaction.atomic():
        common = {"workspace": workspace, "created_by": user}
        for prefix, category in [
            ("6281", "62"),
            ("6411", "64"),
            ("6451", "64"),
            ("741", "74"),
            ("742", "74"),
            ("7541", "75"),
        ]:
            AccountMapping.objects.create(prefix=prefix, category=category, **common)
        funder = Funder.objects.create(name="Région", source="public", level="region", **common)
        for position, code in enumerate(CODES, start=1):
            project = Project.objects.create(
                code=code,
                name=f"Projet {code.title()}",
                start_date=date(2025, 1, 1),
                end_date=date(2026, 12, 31),
                **common,
            )
            agreement = None
            if position == 1:
                agreement = FundingAgreement.objects.create(
                    reference="CONV-BENCH",
                    title="Convention",
                    funder=funder,
                    amount_granted=100000,
                    start_date=date(2025, 1, 1),
                    end_date=date(2025, 12, 31),
                    **common,
                )
                agreement.projects.add(project)
            AssignmentRule.objects.create(
                position=position,
                project=project,
                agreement=agreement,
                label_contains=code.lower(),
                **common,
            )
    return user, workspace


def worker(args) -> None:
    import django

    django.setup()
    from django.db import connection
    from django_scopes import scope

    from maillage.finance.fec import FecFile
    from maillage.finance.importers.fec import import_fec
    from maillage.finance.models import LedgerAllocation, LedgerLine

    db = connection.vendor
    user, workspace = setup()
    path = Path(args.file)
    rss_before = rss_mb()
    steps = []

    def step(key: str, label: str, *, commit: bool) -> dict:
        with scope(workspace=workspace):
            began, cpu, child_cpu = time.perf_counter(), time.process_time(), children_cpu()
            # As `manage.py import_fec` runs it: the file read in a child process.
            report = import_fec(
                FecFile(path), workspace=workspace, user=user, commit=commit, parallel=True
            )
            seconds = time.perf_counter() - began
            cpu_seconds = time.process_time() - cpu
            child_seconds = children_cpu() - child_cpu
        assert not report.has_errors, report.to_dict()
        result = {
            "key": key,
            "label": label,
            "seconds": seconds,
            "lines_per_second": report.total / seconds,
            "cpu_seconds": cpu_seconds,
            "child_cpu_seconds": child_seconds,
            "lines_per_cpu_second": report.total / cpu_seconds,
            "counts": report.counts,
            "saved": report.saved,
            "peak_rss_mb": rss_mb(),
            "child_peak_rss_mb": rss_mb(resource.RUSAGE_CHILDREN),
        }
        log(
            f"[{db}] {label}: {seconds:.1f} s, {result['lines_per_second']:,.0f} lines/s "
            f"(CPU {cpu_seconds:.1f} s + reading child {child_seconds:.1f} s, "
            f"{result['lines_per_cpu_second']:,.0f} lines/CPU s), "
            f"peak RSS {result['peak_rss_mb']:.0f} MB, {report.counts}"
        )
        return result

    if args.profile:
        import cProfile
        import pstats

        with scope(workspace=workspace):
            profiler = cProfile.Profile()
            profiler.enable()
            # The writing process (the reading child is not profiled).
            import_fec(FecFile(path), workspace=workspace, user=user, commit=True, parallel=True)
            profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(25)
        stats.print_callers("insert_rows")
        print("RESULT {}", flush=True)
        return
    steps.append(step("first", "first import (commit)", commit=True))
    if args.first_only:
        print("RESULT " + json.dumps({"db": db, "steps": steps}), flush=True)
        return
    with scope(workspace=workspace):
        stored = {
            "lines": LedgerLine.objects.filter(workspace=workspace).count(),
            "allocations": LedgerAllocation.objects.filter(workspace=workspace).count(),
            "categorised": LedgerLine.objects.filter(workspace=workspace)
            .exclude(category="")
            .count(),
        }
    log(f"[{db}] stored {stored}")
    steps.append(step("again", "same file again (commit, all unchanged)", commit=True))
    steps.append(step("dry_run", "dry run (preview) of the same file", commit=False))
    result = {
        "db": db,
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "rss_before_mb": rss_before,
        "stored": stored,
        "steps": steps,
    }
    print("RESULT " + json.dumps(result), flush=True)


# --- orchestration ------------------------------------------------------------------------------


def run_worker(db: str, args, path: Path, *, first_only: bool = False) -> dict:
    DATABASES.prepare(db)
    command = [PY, str(Path(__file__).resolve()), "--worker", "--file", str(path)]
    if args.profile:
        command.append("--profile")
    if first_only:
        command.append("--first-only")
    return run_worker_process(command, DATABASES.env_for(db))


def run_database(db: str, args, path: Path) -> dict:
    """Every step once, then the first import again (`--first-runs`) into fresh databases: this
    machine's speed drifts by up to a quarter within minutes, so the goal is judged on the
    median of the first imports."""
    result = run_worker(db, args, path)
    if args.profile:
        return result
    result["first_runs"] = [result["steps"][0]]
    for _ in range(args.first_runs - 1):
        result["first_runs"].append(run_worker(db, args, path, first_only=True)["steps"][0])
    return result


def versions(results) -> str:
    import sqlite3

    found = []
    for result in results:
        if result["db"] == "sqlite":
            found.append(f"SQLite {sqlite3.sqlite_version}")
        else:
            try:
                out = subprocess.run(
                    ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                found.append(f"PostgreSQL {out.stdout.split()[0]}")
            except (OSError, subprocess.CalledProcessError):
                found.append("PostgreSQL")
    return " and ".join(found)


def section(results: list[dict], data: dict) -> str:
    first = results[0]
    lines = [
        HEADING,
        "",
        f"Measured {date.today().isoformat()} with `bench/bench_fec_import.py` on {machine()}, "
        f"{versions(results)}. A synthetic balanced FEC of {data['lines']:,} lines "
        f"({data['entries']:,} entries of 2–4 lines, {data['bytes'] / 1e6:,.0f} MB, tab, "
        "UTF-8, decimal comma; generated in "
        f"{data['generation_seconds']:.0f} s) imported with `finance.importers.fec.import_fec` "
        "(what `manage.py import_fec` runs) into a fresh database holding six account mappings "
        "and five assignment rules; production settings. "
        f"After the first import: {first['stored']['lines']:,} lines stored, "
        f"{first['stored']['categorised']:,} with a category, "
        f"{first['stored']['allocations']:,} allocations made by the rules. Peak memory is the "
        "worker's maximum resident set size after each step (Django loaded: "
        + "; ".join(f"{r['db']} {r['rss_before_mb']:.0f} MB" for r in results)
        + "). Load average (1, 5, 15 min) at the end: "
        + "; ".join(f"{r['db']} {r['load']}" for r in results)
        + " (2 shared cores: other work was running when above 1).",
        "",
        "| database | step | seconds | lines/s | CPU s: writer + reading child | "
        "peak RSS MB: writer, child |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for result in results:
        for item in result["steps"]:
            lines.append(
                f"| {result['db']} | {item['label']} | {item['seconds']:.1f} | "
                f"{item['lines_per_second']:,.0f} | {item['cpu_seconds']:.1f} + "
                f"{item['child_cpu_seconds']:.1f} | {item['peak_rss_mb']:,.0f}, "
                f"{item['child_peak_rss_mb']:,.0f} |"
            )
    lines.append("")
    for result in results:
        rates = sorted(item["lines_per_second"] for item in result["first_runs"])
        lines.append(
            f"First import on {result['db']}, {len(rates)} runs into fresh databases: median "
            f"**{statistics.median(rates):,.0f} lines/s** (slowest {rates[0]:,.0f}, fastest "
            f"{rates[-1]:,.0f}; the table shows the first run)."
        )
    sqlite_rates = [
        item["lines_per_second"]
        for result in results
        if result["db"] == "sqlite"
        for item in result["first_runs"]
    ]
    median = statistics.median(sqlite_rates) if sqlite_rates else 0
    verdict = "met" if median >= GOAL else "**missed**"
    lines += [
        "",
        f"Goal: >= {GOAL:,} lines/s on SQLite for 1,000,000 lines: {verdict} by the median "
        "first import (the re-import and the dry run are faster).",
        "",
        "How (2026-11-30; the first import was 28,600 lines/s before this work): "
        "`manage.py import_fec` reads the file in a forked child process (`core.forked`) "
        "while it writes: the child parses, checks, fingerprints, totals the entries, "
        "categorises, matches the assignment rules and builds each row; the writer only "
        "unpickles rows (~1.5 µs a line) and inserts them. Both halves take 15–18 CPU s a "
        "million lines, which is why the two cores finish together. On the writer's side: the "
        "ledger table keeps 2 of its 6 indexes (the unique (workspace, fingerprint) one alone "
        "costs 3–5 µs of a row's ~10 µs insert; the single-column workspace, user and category "
        "indexes and (workspace, account) went: an account or category filter now reads the "
        "workspace's lines in date order, ≈0.3 s instead of ≈0.1 s for a million lines), the "
        "allocations lose their two redundant indexes, SQLite does not re-check the foreign "
        "keys of rows it is known to hold the parents of (as `loaddata` does not: about a "
        "tenth of the insert), and the new lines' ids come from `last_insert_rowid()` instead "
        "of being read back for the rules. Before that: the cyclic garbage collector paused "
        "during the import, a common-case path in the line parser, fingerprints looked up with "
        "plain SQL, a 64 MB SQLite page cache for the import. This machine's speed varies by up "
        "to a quarter from one minute to the next (the same micro-benchmark of inserts gave 9 "
        "and 15 µs a row), hence the median of several runs. On PostgreSQL the server shares "
        "the 2 cores with both "
        "processes (its CPU time is not counted here); ANALYZE runs before a large re-import, "
        "since statistics lag behind bulk loads.",
        "",
        "Run it (about 8 minutes for both databases): `.venv/bin/python "
        "bench/bench_fec_import.py` (`--db sqlite`, `--lines N`, `--first-runs N`, "
        "`--profile`, `--no-record`).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the first import")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--json", help="also write the raw figures to this file")
    parser.add_argument("--from-json", help="record the figures of an earlier --json run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--first-runs", type=int, default=3, help="first imports measured (median recorded)"
    )
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--first-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.from_json:
        raw = json.loads(Path(args.from_json).read_text())
        record_section(HEADING, section(raw["results"], raw["data"]))
        log(f"Recorded in {RESULTS.relative_to(ROOT)}")
        return
    path = DATA_DIR / f"fec_{args.lines}.txt"
    log(f"generating {args.lines:,} lines into {path}")
    data = generate(path, args.lines)
    log(f"  {data}")
    results = [run_database(db, args, path) for db in args.db]
    if args.json:
        Path(args.json).write_text(json.dumps({"data": data, "results": results}, indent=1))
    if args.profile:
        return
    text = section(results, data)
    print(text)
    if not args.no_record:
        record_section(HEADING, text)
        log(f"Recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
