"""Benchmark of the finance module at scale: funder reports, the checks page, a project's P&L.

An association with 200 employees and 20 volunteers × 5 years of daily time entries (about
1,000,000), 100 projects, 300 agreements, 200,000 FEC lines and ~100,000 allocations
(bench/finance_data.py, bulk inserts into a fresh database), then, in-process after warm-up
calls:

1. `reports.cerfa.build_report` of N agreements drawn at random (one per run);
2. `allocation.project_actuals` of the project with the most time entries (the P&L's engine call);
3. `checks.run_checks` of the workspace alone;
4. the checks page (`finance:checks`) through Django's test Client, signed in as the owner,
   production settings (`bench/settings_bench.py`): a first view (the cache cleared before
   each request, as after any change of the data) and repeat views (findings cached, keyed by
   `checks.data_version`).

Memory, for each: the tracemalloc peak of one extra call (Python allocations; tracemalloc slows
the call, so it is not timed) and the process's resident-set peak during the timed calls
(`VmHWM`, reset before each scenario through /proc/self/clear_refs), with `ru_maxrss` at the end.

On SQLite (a file under /tmp) and PostgreSQL (database `maillage_bench_finance`, recreated).

    nice .venv/bin/python bench/bench_finance.py                      # both, records RESULTS.md
    nice .venv/bin/python bench/bench_finance.py --db sqlite --reuse --no-record
    nice .venv/bin/python bench/bench_finance.py --db sqlite --reuse --profile checks

Goals: one funder report p95 <= 1 s; the checks page <= 3 s.
"""

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

from bench_databases import (
    BenchDatabases,
    log,
    maintenance,
    percentile,
    record_section,
    run_worker_process,
    signed_in_client,
    versions,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "RESULTS.md"
PY = sys.executable
SQLITE_FILE = Path("/tmp/maillage_bench_finance/bench_finance.sqlite3")  # noqa: S108 - bench data
PG_DATABASE = "maillage_bench_finance"
HEADING = "## Finance — 1,000,000 time entries, 300 agreements"
SLUG = "bench-finance"
EMAIL = "bench-finance@example.org"
GOALS_MS = {"report": 1000, "page": 3000, "page_cached": 3000}

DATABASES = BenchDatabases(SQLITE_FILE, PG_DATABASE, "BENCH_FINANCE_DATABASE_URL")


# --- orchestration (the parent process) ----------------------------------------------------------


def run_worker(db: str, args) -> dict:
    if not args.reuse:
        DATABASES.prepare(db)
        if args.src:  # the schema of the code measured: without the indexes added since
            subprocess.run(
                [PY, "manage.py", "migrate", "finance", "0002", "-v0", "--skip-checks"],
                cwd=ROOT,
                env=DATABASES.env_for(db),
                check=True,
            )
    command = [PY, str(Path(__file__).resolve()), "--worker", "--runs", str(args.runs)]
    command += ["--check-runs", str(args.check_runs), "--scale", str(args.scale)]
    if args.reuse:
        command.append("--reuse")
    if args.profile:
        command += ["--profile", args.profile]
    if args.only:
        command += ["--only", *args.only]
    if args.no_memory:
        command.append("--no-memory")
    env = DATABASES.env_for(db)
    if args.src:  # another source tree, e.g. a copy of the code before a change
        env["PYTHONPATH"] = f"{BENCH}:{Path(args.src).resolve()}"
    if args.reuse:  # migrations added since the data was written (indexes)
        subprocess.run(
            [PY, "manage.py", "migrate", "-v0", "--skip-checks"], cwd=ROOT, env=env, check=True
        )
    return run_worker_process(command, env)


# --- the measurements (the worker process, Django set up) ----------------------------------------


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def measure(key, label, function, runs, *, warmup=3, memory=True, goal_ms=None) -> dict:
    for index in range(warmup):
        function(-1 - index)
    reset = _reset_peak_rss()
    samples, cpu = [], []
    detail = None
    for index in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        detail = function(index)
        samples.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    rss = _peak_rss_mb() if reset else None
    traced = None
    if memory:
        tracemalloc.start()
        function(0)
        traced = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    result = {
        "key": key,
        "label": label,
        "p50_ms": statistics.median(samples) * 1000,
        "p95_ms": percentile(samples, 0.95) * 1000,
        "max_ms": max(samples) * 1000,
        "cpu_p50_ms": statistics.median(cpu) * 1000,
        "runs": len(samples),
        "traced_mb": traced,
        "rss_mb": rss,
        "goal_ms": goal_ms,
        "detail": detail,
    }
    log(
        f"  {label}: p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, "
        f"max {result['max_ms']:.0f} ms, CPU p50 {result['cpu_p50_ms']:.0f} ms, "
        f"traced {traced or 0:.0f} MB, RSS {rss or 0:.0f} MB ({detail})"
    )
    return result


def setup(scale: float):
    from django.db import transaction
    from django_scopes import scope, scopes_disabled

    from maillage.accounts.models import User
    from maillage.workspaces.initializers import initialize_workspace
    from maillage.workspaces.models import Membership, Role, Workspace

    with transaction.atomic(), scopes_disabled():
        user = User.objects.create_user(email=EMAIL, full_name="Bench")
        workspace = Workspace.objects.create(name="Finance (bench)", slug=SLUG)
        Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    initialize_workspace(workspace)
    import finance_data

    with scope(workspace=workspace):
        counts = finance_data.generate(workspace, user, scale=scale)
    counts["maintenance_seconds"] = maintenance()
    return user, workspace, counts


def existing():
    from django.db import connection
    from django_scopes import scope, scopes_disabled

    from maillage.accounts.models import User
    from maillage.finance.models import (
        FundingAgreement,
        LedgerAllocation,
        LedgerLine,
        Person,
        Project,
        TimeEntry,
    )
    from maillage.workspaces.models import Workspace

    with scopes_disabled():
        workspace = Workspace.objects.get(slug=SLUG)
        user = User.objects.get(email=EMAIL)
    with scope(workspace=workspace):
        counts = {
            "time_entries": TimeEntry.objects.count(),
            "ledger_lines": LedgerLine.objects.count(),
            "ledger_allocations": LedgerAllocation.objects.count(),
            "projects": Project.objects.count(),
            "agreements": FundingAgreement.objects.count(),
            "employees": Person.objects.filter(kind="employee").count(),
            "volunteers": Person.objects.filter(kind="volunteer").count(),
        }
    # Migrations added since the data was written (indexes) need their statistics.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return user, workspace, counts


def _agreement_order(workspace) -> list:
    from maillage.finance.models import FundingAgreement

    pks = sorted(FundingAgreement.objects.filter(workspace=workspace).values_list("pk", flat=True))
    random.Random(7).shuffle(pks)
    return pks


def _biggest_project(workspace):
    from django.db.models import Count

    from maillage.finance.models import Project, TimeEntry

    row = (
        TimeEntry.objects.filter(workspace=workspace)
        .values("project_id")
        .annotate(n=Count("id"))
        .order_by("-n", "project_id")
        .first()
    )
    return Project.objects.get(pk=row["project_id"]), row["n"]


def checks_url() -> str:
    from django.urls import reverse

    return reverse("finance:checks", kwargs={"workspace_slug": SLUG})


def scenarios(workspace, user, args) -> list[dict]:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scope

    from maillage.finance.allocation import project_actuals
    from maillage.finance.checks import by_family, run_checks
    from maillage.finance.models import FundingAgreement
    from maillage.finance.reports.cerfa import build_report

    only = set(args.only or ())
    memory = not args.no_memory
    results = []
    with scope(workspace=workspace):
        order = _agreement_order(workspace)
        agreements = {
            a.pk: a
            for a in FundingAgreement.objects.filter(workspace=workspace).select_related(
                "funder", "workspace"
            )
        }
        project, project_entries = _biggest_project(workspace)

    def report(index):
        agreement = agreements[order[index % len(order)]]
        with scope(workspace=workspace):
            built = build_report(agreement)
        items = sum(len(line.drill) for line in built.lines)
        return f"{len(built.projects)} project(s), {items:,} drill-down items"

    def actuals(index):
        with scope(workspace=workspace):
            found = project_actuals(project)
        return f"{project.code}: {project_entries:,} time entries, {len(found)} (year, class) cells"

    def checks(index):
        cache.clear()  # a first view after a change: nothing cached (`checks.data_version`)
        with scope(workspace=workspace):
            found = run_checks(workspace)
        families = by_family(found)
        return ", ".join(f"{f['key']} {len(f['findings'])}" for f in families)

    client = signed_in_client(user)
    url = checks_url()

    def page_cached(index):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        return f"{len(response.content) // 1024} KB"

    def page(index):
        cache.clear()
        return page_cached(index)

    plan = [
        ("report", "`build_report`, one agreement drawn at random", report, args.runs, 3),
        ("actuals", "`project_actuals` of the biggest project", actuals, min(args.runs, 10), 2),
        ("checks", "`run_checks` of the workspace", checks, args.check_runs, 1),
        ("page", "checks page (`finance:checks`), first view", page, args.check_runs, 1),
        (
            "page_cached",
            "checks page, repeat view (data unchanged: cached findings)",
            page_cached,
            args.check_runs,
            1,
        ),
    ]
    for key, label, function, runs, warmup in plan:
        if only and key not in only:
            continue
        result = measure(
            key, label, function, runs, warmup=warmup, memory=memory, goal_ms=GOALS_MS.get(key)
        )
        with CaptureQueriesContext(connection) as captured:
            function(1)
        result["queries"] = len(captured)
        results.append(result)
    return results


def profile(workspace, user, key: str) -> None:
    """cProfile one scenario (to stderr): cumulative and own time, top 25 each."""
    import cProfile
    import pstats

    from django.core.cache import cache
    from django_scopes import scope

    from maillage.finance.allocation import project_actuals
    from maillage.finance.checks import run_checks
    from maillage.finance.models import FundingAgreement
    from maillage.finance.reports.cerfa import build_report

    with scope(workspace=workspace):
        order = _agreement_order(workspace)
        agreements = [FundingAgreement.objects.get(pk=pk) for pk in order[:5]]
        project, _n = _biggest_project(workspace)
    client = signed_in_client(user)

    def reports():
        for agreement in agreements:
            build_report(agreement)

    calls = {
        "report": (reports, 1),
        "actuals": (lambda: project_actuals(project), 3),
        "checks": (lambda: (cache.clear(), run_checks(workspace)), 1),
        "page": (lambda: (cache.clear(), client.get(checks_url())), 1),
    }
    function, repeat = calls[key]
    with scope(workspace=workspace):
        function()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            function()
        profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(25)
    stats.sort_stats("tottime").print_stats(25)


def worker(args) -> None:
    import django

    django.setup()
    from django.db import connection

    db = connection.vendor
    if args.reuse:
        user, workspace, counts = existing()
    else:
        log(f"[{db}] generating the data set (scale {args.scale})")
        user, workspace, counts = setup(args.scale)
        log(f"[{db}] {counts}")
    if args.profile:
        profile(workspace, user, args.profile)
        print("RESULT {}", flush=True)
        return
    results = scenarios(workspace, user, args)
    result = {
        "db": db,
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "counts": counts,
        "results": results,
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print("RESULT " + json.dumps(result), flush=True)


# --- RESULTS.md --------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    return f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}"


def _ms(value: float) -> str:
    return f"{value:,.0f}"


def _mb(value) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _goal(row) -> str:
    goal = row.get("goal_ms")
    if not goal:
        return "—"
    met = row["p95_ms"] <= goal
    return f"{'met' if met else 'missed'} (<= {goal / 1000:g} s)"


def table(result: dict, before: dict | None = None) -> list[str]:
    earlier = {r["key"]: r for r in (before or {}).get("results", [])}
    head = "| scenario | p50 ms | p95 ms | max ms | CPU p50 ms | runs |"
    rule = "|---|---:|---:|---:|---:|---:|"
    if earlier:
        head += " before: p50 / p95 (CPU p50) ms |"
        rule += "---:|"
    head += " tracemalloc peak MB | RSS peak MB | SQL queries | goal | detail |"
    rule += "---:|---:|---:|---|---|"
    lines = [head, rule]
    for row in result["results"]:
        cells = (
            f"| {row['label']} | {_ms(row['p50_ms'])} | {_ms(row['p95_ms'])} | "
            f"{_ms(row['max_ms'])} | {_ms(row['cpu_p50_ms']) if 'cpu_p50_ms' in row else '—'} | "
            f"{row['runs']} |"
        )
        if earlier:
            old = earlier.get(row["key"])
            cells += (
                f" {_ms(old['p50_ms'])} / {_ms(old['p95_ms'])} (CPU {_ms(old['cpu_p50_ms'])}) |"
                if old
                else " — |"
            )
        cells += (
            f" {_mb(row['traced_mb'])} | {_mb(row['rss_mb'])} | {row.get('queries', '—')} | "
            f"{_goal(row)} | {row['detail']} |"
        )
        lines.append(cells)
    return lines


def section(results: list[dict], before: list[dict] | None = None) -> str:
    dbs = [r["db"] for r in results]
    earlier = {r["db"]: r for r in before or []}
    first = results[0]["counts"]
    generation = "; ".join(
        f"{r['db']} {r['counts']['seconds']:.0f} s"
        f" (+ {r['counts'].get('maintenance_seconds', 0):.0f} s ANALYZE)"
        for r in [*results, *(before or [])]
        if "seconds" in r["counts"]
    )
    lines = [
        HEADING,
        "",
        f"Measured {date.today().isoformat()} with `bench/bench_finance.py` on {machine()}, "
        f"{versions(dbs)}. Data from `bench/finance_data.py` (seeded, bulk inserts into a fresh "
        f"database): {first.get('employees', 200)} employees (a quarter part-time, 10 % "
        "changing contract mid-year) and "
        f"{first.get('volunteers', 20)} volunteers, {first.get('time_entries', 0):,} time "
        "entries over 2021–2025 (4–6 projects a day, 5 % naming an agreement), "
        f"{first.get('projects', 100)} projects, {first.get('agreements', 300)} one-year "
        "agreements (a fifth on two projects, 40 % with a period cut mid-month, keys per "
        f"project-year), {first.get('ledger_lines', 0):,} FEC lines and "
        f"{first.get('ledger_allocations', 0):,} allocations to projects, budget lines; "
        "deliberate problems so that every family of checks has findings. "
        f"Generation: {generation or 'reused from an earlier run'}. Timed in-process after "
        "warm-up calls (reports 3, the others 1–2), production settings "
        "(`bench/settings_bench.py`); each report run is another agreement. Memory: "
        "tracemalloc peak of one more call; RSS peak (VmHWM) during the timed calls; "
        + "; ".join(f"{r['db']} ru_maxrss {r['ru_maxrss_mb']:,.0f} MB" for r in results)
        + ". Load average (1, 5, 15 min) at the end: "
        + "; ".join(f"{r['db']} {r['load']}" for r in results)
        + " (2 shared cores).",
        "",
    ]
    for result in results:
        lines += [f"**{result['db']}**", "", *table(result, earlier.get(result["db"])), ""]
    lines += [
        "Run it (generation about 2 minutes per database, measures a few minutes): "
        "`nice .venv/bin/python bench/bench_finance.py` (`--db sqlite`, `--runs N` reports, "
        "`--check-runs N`, `--reuse` to measure again without regenerating, `--no-record`, "
        "`--no-memory`, `--profile report|actuals|checks|page`, `--json FILE`, "
        "`--before FILE` to show an earlier `--json` run beside).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--runs", type=int, default=30, help="reports timed (one agreement each)")
    parser.add_argument("--check-runs", type=int, default=5, help="checks and page runs")
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the data (e.g. 0.05)")
    parser.add_argument(
        "--only", nargs="+", help="scenario keys: report actuals checks page page_cached"
    )
    parser.add_argument("--profile", help="cProfile one scenario instead of measuring")
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc call")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--json", help="also write the raw figures to this file")
    parser.add_argument("--src", help="measure the code of another source tree (with --reuse)")
    parser.add_argument("--before", help="an earlier --json run, shown beside")
    parser.add_argument("--from-json", help="record the figures of an earlier --json run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    before = json.loads(Path(args.before).read_text()) if args.before else None
    if args.from_json:
        record_section(HEADING, section(json.loads(Path(args.from_json).read_text()), before))
        log(f"Recorded in {RESULTS.relative_to(ROOT)}")
        return
    results = []
    for db in args.db:
        log(f"== {db}")
        results.append(run_worker(db, args))
    if args.profile:
        return
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    text = section(results, before)
    print(text)
    if not args.no_record and not args.only and args.scale == 1.0:
        record_section(HEADING, text)
        log(f"Recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
