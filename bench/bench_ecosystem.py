"""Benchmark of the ecosystem registry: import rate, search and matrix latency, database size.

A synthetic registry (bench/eco_data.py) of `--actors` actors in one workspace plus
`--workspaces` other workspaces of `--per-workspace` actors each is imported through the import
framework (importer `actors`, `maillage.core.imports.read_table` + `run_import`, in files of
`--rows-per-file` rows: each stays under the 20 MB upload limit). Then, in-process:

- search p50/p95 (`ecosystem.search.search_actors`, page 1 with the list page's queryset) for a
  frequent and a rare term, with and without filters, and the list without a text query;
- matrix p50/p95 (`ecosystem.matrices.coverage_matrix`), without and with filters;
- the database size.

On SQLite (a file under /tmp) and PostgreSQL (database `maillage_bench_eco`, recreated).

    .venv/bin/python bench/bench_ecosystem.py --small            # a quick run, not recorded
    .venv/bin/python bench/bench_ecosystem.py --actors 200000    # records in bench/RESULTS.md
    .venv/bin/python bench/bench_ecosystem.py                    # 2,000,000 + 100 × 1,000

Goals (issue 3): import >= 30,000 rows/s on SQLite; search p95 <= 100 ms; matrix p95 <= 500 ms.
"""

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench_databases import (
    BenchDatabases,
    log,
    machine,
    maintenance,
    record_section,
    run_worker_process,
    timings,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "RESULTS.md"
PY = sys.executable
SQLITE_FILE = Path("/tmp/maillage_bench_eco/bench_eco.sqlite3")  # noqa: S108 - bench data
PG_DATABASE = "maillage_bench_eco"
HEADING = "## Ecosystem registry — import, search, matrices"
SEED = 20_261_123

FREQUENT = ["solidaire", "association", "insertion"]


# --- orchestration (the parent process) ----------------------------------------------------------


DATABASES = BenchDatabases(SQLITE_FILE, PG_DATABASE, "BENCH_ECO_DATABASE_URL")
env_for = DATABASES.env_for
prepare = DATABASES.prepare


def run_worker(db: str, args) -> dict:
    prepare(db)
    command = [
        PY,
        str(Path(__file__).resolve()),
        "--worker",
        "--db",
        db,
        "--actors",
        str(args.actors),
        "--workspaces",
        str(args.workspaces),
        "--per-workspace",
        str(args.per_workspace),
        "--rows-per-file",
        str(args.rows_per_file),
        "--runs",
        str(args.runs),
    ]
    if args.profile_import:
        command.append("--profile-import")
    return run_worker_process(command, env_for(db))


# --- the measurements (the worker process, Django set up) ----------------------------------------


def setup_workspaces(count: int):
    from django.db import transaction
    from django_scopes import scopes_disabled

    from maillage.accounts.models import User
    from maillage.workspaces.initializers import initialize_workspace
    from maillage.workspaces.models import Membership, Role, Workspace

    with transaction.atomic(), scopes_disabled():
        user = User.objects.create_user(email="bench@example.org", full_name="Bench")
        main = Workspace.objects.create(name="Registre national (bench)", slug="bench-eco")
        others = Workspace.objects.bulk_create(
            Workspace(name=f"Réseau {i:03d} (bench)", slug=f"bench-eco-{i:03d}")
            for i in range(count)
        )
        Membership.objects.bulk_create(
            Membership(workspace=w, user=user, role=Role.OWNER) for w in [main, *others]
        )
    for workspace in [main, *others]:
        initialize_workspace(workspace)
    return user, main, others


def import_rows(
    workspace, user, start: int, count: int, rows_per_file: int, *, profile=False, quiet=False
):
    """Import `count` rows into `workspace` through the framework; return (seconds, files)."""
    from django_scopes import scope
    from eco_data import csv_bytes

    from maillage.core.imports import read_table, registry, run_import
    from maillage.ecosystem.models import Audience, Theme

    with scope(workspace=workspace):
        themes = list(Theme.objects.filter(workspace=workspace).values_list("name", flat=True))
        audiences = list(
            Audience.objects.filter(workspace=workspace).values_list("name", flat=True)
        )
    importer_class = registry.get("actors")
    elapsed = 0.0
    files = 0
    done = 0
    while done < count:
        size = min(rows_per_file, count - done)
        data = csv_bytes(start + done, size, seed=SEED, themes=themes, audiences=audiences)
        began = time.perf_counter()
        with scope(workspace=workspace):
            table = read_table(data, "acteurs.csv")
            importer = importer_class(workspace=workspace, user=user)
            if profile and files == 0:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                report = profiler.runcall(run_import, importer, table, commit=True)
                stats = pstats.Stats(profiler, stream=sys.stderr)
                stats.sort_stats("cumulative").print_stats(40)
                stats.sort_stats("tottime").print_stats(25)
            else:
                report = run_import(importer, table, commit=True)
        elapsed += time.perf_counter() - began
        if not report.committed or report.saved.get("create") != size:
            errors = [e.as_dict() for e in report.errors[:5]]
            raise SystemExit(f"import failed: {report.counts} {report.file_error} {errors}")
        files += 1
        done += size
        if not quiet and (files % 5 == 0 or done == count):
            log(f"  {done:,} rows in {elapsed:.1f} s ({done / elapsed:,.0f} rows/s)")
    return elapsed, files


def rare_terms(workspace, count: int) -> list[str]:
    """Words of the invented vocabulary that occur in this registry, a few times each."""
    import random

    from django_scopes import scope
    from eco_data import RARE_VOCABULARY

    from maillage.ecosystem.search import ActorFilters, search_actors

    rng = random.Random(SEED)
    found = []
    with scope(workspace=workspace):
        while len(found) < count:
            word = rng.choice(RARE_VOCABULARY)
            if search_actors(workspace, ActorFilters(q=word), per_page=1).total:
                found.append(word)
    return found


def measure(label: str, function, runs: int) -> dict:
    for _ in range(3):
        function(0)  # warm-up
    samples = []
    last = None
    for index in range(runs):
        began = time.perf_counter()
        last = function(index)
        samples.append(time.perf_counter() - began)
    result = {"label": label, **timings(samples), "detail": last}
    log(f"  {label}: p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms ({last})")
    return result


def search_scenarios(workspace, runs: int) -> list[dict]:
    from django_scopes import scope

    from maillage.ecosystem.search import ActorFilters, search_actors
    from maillage.ecosystem.selectors import actors_for_list

    rare = rare_terms(workspace, 10)
    filters_a = {"levels": ["departmental", "local"], "territory": "department:42"}
    filters_b = {
        "profiles": ["association_employer", "association_volunteer"],
        "missions": ["support"],
    }
    scenarios = [
        ("frequent term", lambda i: ActorFilters(q=FREQUENT[i % len(FREQUENT)])),
        (
            "frequent term + level and department",
            lambda i: ActorFilters(q=FREQUENT[i % len(FREQUENT)], **filters_a),
        ),
        (
            "frequent term + profile and mission",
            lambda i: ActorFilters(q=FREQUENT[i % len(FREQUENT)], **filters_b),
        ),
        ("two frequent terms", lambda i: ActorFilters(q="association solidaire")),
        ("frequent prefix (typing “solid”)", lambda i: ActorFilters(q="solid")),
        ("accented town (“etienne”)", lambda i: ActorFilters(q="etienne")),
        ("rare term", lambda i: ActorFilters(q=rare[i % len(rare)])),
        (
            "rare term + level and department",
            lambda i: ActorFilters(q=rare[i % len(rare)], **filters_a),
        ),
        (
            "rare term + profile and mission",
            lambda i: ActorFilters(q=rare[i % len(rare)], **filters_b),
        ),
        ("no text, level and department", lambda i: ActorFilters(**filters_a)),
        ("no text, no filter (list page 1)", lambda i: ActorFilters()),
    ]
    results = []
    with scope(workspace=workspace):
        for label, make in scenarios:

            def run(index, make=make):
                page = search_actors(
                    workspace, make(index), page=1, per_page=25, queryset=actors_for_list(workspace)
                )
                list(page.actors)
                return f"{page.total:,}{'+' if page.capped else ''} results"

            results.append(measure(label, run, runs))
    return results


def matrix_scenarios(workspace, runs: int) -> list[dict]:
    from django_scopes import scope

    from maillage.ecosystem.matrices import coverage_matrix
    from maillage.ecosystem.models import Theme
    from maillage.ecosystem.search import ActorFilters

    results = []
    with scope(workspace=workspace):
        theme = Theme.objects.filter(workspace=workspace).order_by("position").first()
        cases = [
            ("profile", ActorFilters(), "level × profile, whole registry"),
            ("mission", ActorFilters(), "level × mission, whole registry"),
            ("profile", ActorFilters(territory="region:84"), "level × profile, one region"),
            (
                "mission",
                ActorFilters(territory="region:84", themes=[theme.pk]),
                "level × mission, one region and one theme",
            ),
        ]
        for kind, filters, label in cases:

            def run(index, kind=kind, filters=filters):
                return f"{coverage_matrix(workspace, filters, kind).total:,} actors"

            results.append(measure(label, run, runs))
    return results


def database_size(db: str) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        if db == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            total = cursor.fetchone()[0]
            cursor.execute(
                "SELECT pg_total_relation_size('ecosystem_actor'), "
                "pg_relation_size('ecosystem_actor_search')"
            )
            actors, fts = cursor.fetchone()
            return {"total": total, "actors_table": actors, "text_index": fts}
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        size = cursor.fetchone()[0]
        total = pages * size
        try:
            cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'ecosystem_actor_fts%'")
            fts = cursor.fetchone()[0]
        except Exception:
            fts = None
        return {"total": total, "text_index": fts}


def worker(args) -> None:
    import django

    django.setup()
    from django.db import connection
    from django_scopes import scopes_disabled

    from maillage.ecosystem.models import Actor

    db = connection.vendor
    log(f"[{db}] {args.actors:,} actors + {args.workspaces} × {args.per_workspace:,}")
    user, main, others = setup_workspaces(args.workspaces)
    log(f"[{db}] importing the big workspace")
    seconds, files = import_rows(
        main, user, 0, args.actors, args.rows_per_file, profile=args.profile_import
    )
    log(f"[{db}] importing {args.workspaces} other workspaces")
    small_seconds = 0.0
    for index, workspace in enumerate(others):
        elapsed, _files = import_rows(
            workspace,
            user,
            args.actors + index * args.per_workspace,
            args.per_workspace,
            args.rows_per_file,
            quiet=True,
        )
        small_seconds += elapsed
    maintenance_seconds = maintenance()
    with scopes_disabled():
        total_actors = Actor.objects.count()
    log(f"[{db}] search")
    search = search_scenarios(main, args.runs)
    log(f"[{db}] matrices")
    matrices = matrix_scenarios(main, max(5, args.runs // 3))
    result = {
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "db": db,
        "actors": args.actors,
        "workspaces": args.workspaces,
        "per_workspace": args.per_workspace,
        "total_actors": total_actors,
        "rows_per_file": args.rows_per_file,
        "files": files,
        "import_seconds": seconds,
        "import_rate": args.actors / seconds,
        "small_import_seconds": small_seconds,
        "small_import_rate": (args.workspaces * args.per_workspace) / small_seconds
        if small_seconds
        else None,
        "maintenance_seconds": maintenance_seconds,
        "search": search,
        "matrices": matrices,
        "size": database_size(db),
    }
    print("RESULT " + json.dumps(result), flush=True)


# --- RESULTS.md --------------------------------------------------------------------------------


def _mb(value) -> str:
    return "n/a" if value is None else f"{value / 1024 / 1024:,.0f} MB"


def section(results: list[dict], args) -> str:
    first = results[0]
    lines = [
        HEADING,
        "",
        f"Measured {date.today().isoformat()} with `bench/bench_ecosystem.py` on {machine()}, "
        f"SQLite {sqlite_version()} and PostgreSQL {pg_version()}. **Size measured: "
        f"{first['actors']:,} actors in one workspace + {first['workspaces']} workspaces × "
        f"{first['per_workspace']:,}** ({first['total_actors']:,} actors in all). "
        "Synthetic rows from `bench/eco_data.py` (every row with a unique SIRET, RNA or SIREN; "
        "“solidaire” in ~30 % of rows, “association” in ~35 %, rare invented words in a few "
        "rows each). Search and matrices run in-process on the big workspace (page 1, 25 "
        "rows, with the list page's queryset), after 3 warm-up calls. Load average (1, 5, "
        "15 min) at the end of each run: "
        + "; ".join(f"{r['db']} {r.get('load', '?')}" for r in results)
        + " (other work shared the 2 cores when above 1).",
        "",
        "### Import (importer `actors` through `read_table` + `run_import`, commit)",
        "",
        "| database | rows | files | seconds | rows/s | 1,000-row files (other workspaces) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        small = f"{r['small_import_rate']:,.0f} rows/s" if r["small_import_rate"] else "—"
        lines.append(
            f"| {r['db']} | {r['actors']:,} | {r['files']} × {r['rows_per_file']:,} "
            f"| {r['import_seconds']:.1f} | {r['import_rate']:,.0f} | {small} |"
        )
    lines += [
        "",
        "Goal: >= 30,000 rows/s on SQLite.",
        "",
        "### Search (`search_actors`), milliseconds",
        "",
        "| scenario | "
        + " | ".join(f"{r['db']} p50 | {r['db']} p95" for r in results)
        + " | results |",
        "|---|" + "---:|---:|" * len(results) + "---|",
    ]
    for index, row in enumerate(results[0]["search"]):
        cells = " | ".join(
            f"{r['search'][index]['p50_ms']:.1f} | {r['search'][index]['p95_ms']:.1f}"
            for r in results
        )
        lines.append(f"| {row['label']} | {cells} | {row['detail']} |")
    lines += [
        "",
        "Goal: p95 <= 100 ms on both databases. “N+” means the text query matched more than "
        "`CANDIDATE_LIMIT` actors: only that many are ranked and the page says so.",
        "",
        "### Coverage matrices (`coverage_matrix`), milliseconds",
        "",
        "| matrix | "
        + " | ".join(f"{r['db']} p50 | {r['db']} p95" for r in results)
        + " | actors counted |",
        "|---|" + "---:|---:|" * len(results) + "---|",
    ]
    for index, row in enumerate(results[0]["matrices"]):
        cells = " | ".join(
            f"{r['matrices'][index]['p50_ms']:.1f} | {r['matrices'][index]['p95_ms']:.1f}"
            for r in results
        )
        lines.append(f"| {row['label']} | {cells} | {row['detail']} |")
    lines += [
        "",
        "Goal: p95 <= 500 ms.",
        "",
        "### Database size",
        "",
        "| database | total | full-text index |",
        "|---|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['db']} | {_mb(r['size']['total'])} | {_mb(r['size'].get('text_index'))} |"
        )
    lines.append("")
    return "\n".join(lines)


def sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def pg_version() -> str:
    try:
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip().split()[0]
    except (OSError, subprocess.CalledProcessError):
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--actors", type=int, default=2_000_000)
    parser.add_argument("--workspaces", type=int, default=100)
    parser.add_argument("--per-workspace", type=int, default=1000)
    parser.add_argument("--rows-per-file", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30, help="timed calls per scenario")
    parser.add_argument("--small", action="store_true", help="20,000 + 5 × 200, not recorded")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--profile-import", action="store_true", help="cProfile the first file")
    parser.add_argument("--json", help="also write the raw figures to this file")
    parser.add_argument("--from-json", help="record the figures of an earlier --json run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.from_json:
        record_section(HEADING, section(json.loads(Path(args.from_json).read_text()), args))
        log(f"Recorded in {RESULTS.relative_to(ROOT)}")
        return
    if args.small:
        args.actors, args.workspaces, args.per_workspace = 20_000, 5, 200
        args.rows_per_file = min(args.rows_per_file, 10_000)
        args.no_record = True
    results = []
    for db in args.db:
        log(f"== {db}")
        results.append(run_worker(db, args))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    text = section(results, args)
    print(text)
    if not args.no_record:
        record_section(HEADING, text)
        log(f"Recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
