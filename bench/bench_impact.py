"""Benchmark of the impact module: roll-ups, breakdowns, pages and reports at scale.

A workspace of 1,000 monthly indicators × 60 periods with a target and a measurement per
period and 10 breakdown values per measurement (bench/impact_data.py: 60,000 measurements,
60,000 targets, 540,000 breakdown values since ratios have none; six subjects) is written with
bulk inserts into a fresh database, then timed in-process after 3 warm-up calls:

1. `selectors.indicator_series` of one indicator over its 60 periods; `selectors.summaries`
   of a page of 50 indicators over 2025 (the list page's queryset, pages rotating);
2. `selectors.breakdown_figures` of one indicator over 2025;
3. the workspace's impact page (`impact:home`: page 1 of the current year, then other pages of
   2025) through Django's test Client, signed in as the owner, production settings;
4. an indicator's page (`impact:indicator`);
5. with `--reports sqlite postgres`, the impact report's documents (PDF, DOCX) of one subject
   (an actor following ~170 indicators) over 2025, written as the background task writes them
   (`impact.report_jobs.run_report_job`: a `ReportJob`, its progress, the stored file), one
   timed run each: it draws four charts per indicator and takes minutes. The workspace's report
   (1,000 indicators) is timed only when asked (`--only report_pdf`).

On SQLite (a file under /tmp) and PostgreSQL (database `maillage_bench_impact`, recreated).

    nice .venv/bin/python bench/bench_impact.py                  # both, records RESULTS.md
    nice .venv/bin/python bench/bench_impact.py --reports sqlite # + reports on SQLite (~10 min)
    nice .venv/bin/python bench/bench_impact.py --db sqlite --no-record --runs 5
    nice .venv/bin/python bench/bench_impact.py --db sqlite --profile home   # cProfile one

Goal: pages p95 <= 300 ms on SQLite.
"""

import argparse
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from bench_databases import (
    BenchDatabases,
    log,
    machine,
    maintenance,
    measure,
    record_section,
    run_worker_process,
    signed_in_client,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "RESULTS.md"
PY = sys.executable
SQLITE_FILE = Path("/tmp/maillage_bench_impact/bench_impact.sqlite3")  # noqa: S108 - bench data
PG_DATABASE = "maillage_bench_impact"
HEADING = "## Impact — 1,000 indicators × 60 periods × 10 breakdowns"
SLUG = "bench-impact"
YEAR = 2025
GOAL_MS = 300


# --- orchestration (the parent process) ----------------------------------------------------------


DATABASES = BenchDatabases(SQLITE_FILE, PG_DATABASE, "BENCH_IMPACT_DATABASE_URL")
env_for = DATABASES.env_for
prepare = DATABASES.prepare


def run_worker(db: str, args) -> dict:
    if not args.reuse:
        prepare(db)
    command = [PY, str(Path(__file__).resolve()), "--worker", "--runs", str(args.runs)]
    command += ["--report-runs", str(args.report_runs), "--indicators", str(args.indicators)]
    if db in args.reports:
        command.append("--with-reports")
    if args.reuse:
        command.append("--reuse")
    if args.profile:
        command += ["--profile", args.profile]
    if args.only:
        command += ["--only", *args.only]
    return run_worker_process(command, env_for(db))


# --- the measurements (the worker process, Django set up) ----------------------------------------


def setup(indicators: int):
    from django.db import transaction
    from django_scopes import scope, scopes_disabled

    from maillage.accounts.models import User
    from maillage.workspaces.initializers import initialize_workspace
    from maillage.workspaces.models import Membership, Role, Workspace

    with transaction.atomic(), scopes_disabled():
        user = User.objects.create_user(email="bench-impact@example.org", full_name="Bench")
        workspace = Workspace.objects.create(name="Impact (bench)", slug=SLUG)
        Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    initialize_workspace(workspace)
    import impact_data

    with scope(workspace=workspace):
        counts = impact_data.generate(workspace, user, indicators=indicators)
    counts["maintenance_seconds"] = maintenance()
    return user, workspace, counts


def existing():
    from django_scopes import scope, scopes_disabled

    from maillage.accounts.models import User
    from maillage.impact.models import Indicator, Measurement, MeasurementBreakdown, Target
    from maillage.workspaces.models import Workspace

    with scopes_disabled():
        workspace = Workspace.objects.get(slug=SLUG)
        user = User.objects.get(email="bench-impact@example.org")
    with scope(workspace=workspace):
        counts = {
            "indicators": Indicator.objects.count(),
            "measurements": Measurement.objects.count(),
            "targets": Target.objects.count(),
            "breakdowns": MeasurementBreakdown.objects.count(),
        }
    return user, workspace, counts


def url_or_none(name: str, **kwargs) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs={"workspace_slug": SLUG, **kwargs})
    except NoReverseMatch:
        return None


def selector_scenarios(workspace, runs: int) -> list[dict]:
    from django.core.paginator import Paginator
    from django_scopes import scope

    from maillage.impact import selectors
    from maillage.impact.models import Indicator

    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    results = []
    with scope(workspace=workspace):
        indicators = list(Indicator.objects.filter(workspace=workspace).order_by("code"))
        with_breakdowns = [i for i in indicators if i.aggregation != "ratio"]
        paginator = Paginator(selectors.indicators_for_list(workspace), 50)

        def series(index):
            indicator = indicators[(index * 7) % len(indicators)]
            figures = selectors.indicator_series(indicator)
            return f"{len(figures)} periods, mixed aggregations"

        def page(index):
            rows = list(paginator.page(index % paginator.num_pages + 1).object_list)
            found = selectors.summaries(rows, start, end)
            return f"{len(found)} indicators, {YEAR}"

        def breakdowns(index):
            indicator = with_breakdowns[(index * 7) % len(with_breakdowns)]
            found = selectors.breakdown_figures(indicator, start, end)
            values = sum(len(d.rows) for d in found)
            return f"{len(found)} dimensions, {values} categories"

        results.append(
            measure("series", "`indicator_series`, one indicator, 60 periods", series, runs)
        )
        results.append(
            measure("summaries", "`summaries`, a page of 50 indicators over a year", page, runs)
        )
        results.append(
            measure(
                "breakdowns", "`breakdown_figures`, one indicator over a year", breakdowns, runs
            )
        )
    return results


def page_scenarios(workspace, user, runs: int, report_runs: int, only, reports: bool) -> list[dict]:

    from maillage.impact.models import Indicator, TrackedIndicator

    client = signed_in_client(user)
    from django_scopes import scope

    with scope(workspace=workspace):
        pks = list(Indicator.objects.order_by("code").values_list("pk", flat=True))
        actor = (
            TrackedIndicator.objects.filter(subject_kind="actor")
            .order_by("subject_id")
            .values_list("subject_id", flat=True)
            .first()
        )
    results = []

    def get(url: str) -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
        return len(response.content)

    def wanted(key):
        return not only or key in only

    home = url_or_none("impact:home")
    if home is None:
        log("  impact:home does not resolve")
        results.append({"key": "home", "absent": True, "label": "workspace impact page"})
    else:
        if wanted("home"):
            results.append(
                measure(
                    "home",
                    "workspace impact page (`impact:home`), page 1, current year",
                    lambda i: f"{get(home) // 1024} KB",
                    runs,
                )
            )
        if wanted("home_pages"):
            results.append(
                measure(
                    "home_pages",
                    f"workspace impact page, pages 2–20 of {YEAR}",
                    lambda i: f"{get(f'{home}?year={YEAR}&page={i % 19 + 2}') // 1024} KB",
                    runs,
                )
            )
    probe = url_or_none("impact:indicator", pk=pks[0])
    if probe is None:
        results.append({"key": "indicator", "absent": True, "label": "indicator page"})
    elif wanted("indicator"):
        results.append(
            measure(
                "indicator",
                "indicator page (`impact:indicator`), mixed aggregations",
                lambda i: (
                    f"{get(url_or_none('impact:indicator', pk=pks[(i * 7) % len(pks)])) // 1024} KB"
                ),
                runs,
            )
        )
    if probe is not None and wanted("breakdown_charts"):

        def breakdowns_page(i):
            url = url_or_none("impact:indicator_breakdowns", pk=pks[i * 7 % len(pks)])
            return f"{get(url) // 1024} KB"

        results.append(
            measure(
                "breakdown_charts",
                "indicator page's breakdown charts (`impact:indicator_breakdowns`, HTMX)",
                breakdowns_page,
                runs,
            )
        )
    for extension in ("pdf", "docx"):
        if not reports:
            continue
        if wanted(f"report_{extension}_subject") and actor:
            results.append(
                measure(
                    f"report_{extension}_subject",
                    f"report {extension.upper()} (background job), one subject (~170 "
                    f"indicators), {YEAR}",
                    lambda i, extension=extension: (
                        f"{report_document(workspace, user, f'actor:{actor}', extension) // 1024}"
                        " KB"
                    ),
                    report_runs,
                    warmup=0,
                )
            )
        if only and f"report_{extension}" in only:  # 1,000 indicators: tens of minutes
            results.append(
                measure(
                    f"report_{extension}",
                    f"report {extension.upper()} (background job), the workspace (1,000 "
                    f"indicators), {YEAR}",
                    lambda i, extension=extension: (
                        f"{report_document(workspace, user, 'workspace', extension) // 1024} KB"
                    ),
                    report_runs,
                    warmup=0,
                )
            )
    return results


def report_document(workspace, user, subject_ref: str, extension: str) -> int:
    """Write a report document as the background task does (`impact.tasks.generate_report`):
    a `ReportJob` run in-process, its file stored, then deleted. Returns the file's size."""
    from django_scopes import scope

    from maillage.impact.models import ReportJob
    from maillage.impact.report_jobs import run_report_job

    with scope(workspace=workspace):
        job = ReportJob.objects.create(
            workspace=workspace,
            created_by=user,
            format=extension,
            subject_ref=subject_ref,
            start=date(YEAR, 1, 1),
            end=date(YEAR, 12, 31),
            language="fr",
            base_url="http://localhost",
        )
    run_report_job(job.pk)
    with scope(workspace=workspace):
        job.refresh_from_db()
        if job.status != ReportJob.Status.DONE:
            raise SystemExit(f"report job {job.pk} ({extension}): {job.error_message}")
        size = job.file_size
        job.delete()  # and its file
    return size


def profile(workspace, user, key: str) -> None:
    """cProfile 10 calls of one scenario (to stderr)."""
    import cProfile
    import pstats

    from django_scopes import scope

    from maillage.impact import selectors
    from maillage.impact.models import Indicator

    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    client = signed_in_client(user)
    with scope(workspace=workspace):
        indicators = list(Indicator.objects.order_by("code")[:50])
    calls = {
        "home": lambda: client.get(url_or_none("impact:home")),
        "home_pages": lambda: client.get(f"{url_or_none('impact:home')}?year={YEAR}&page=3"),
        "indicator": lambda: client.get(url_or_none("impact:indicator", pk=indicators[3].pk)),
        "report_pdf": lambda: report_document(workspace, user, "workspace", "pdf"),
        "report_docx": lambda: report_document(workspace, user, "workspace", "docx"),
    }

    def scoped(function):
        def run():
            with scope(workspace=workspace):
                return function()

        return run

    calls.update(
        series=scoped(lambda: selectors.indicator_series(indicators[0])),
        summaries=scoped(lambda: selectors.summaries(indicators, start, end)),
        breakdowns=scoped(lambda: selectors.breakdown_figures(indicators[0], start, end)),
    )
    function = calls[key]
    function()
    profiler = cProfile.Profile()
    repeat = 2 if key.startswith("report") else 10
    profiler.enable()
    for _ in range(repeat):
        function()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def queries_of(workspace, user) -> dict:
    """How many SQL queries each page runs (constant in the number of rows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(user)
    found = {}
    for key, url in (("home", url_or_none("impact:home")),):
        if url:
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            found[key] = len(captured)
    return found


def worker(args) -> None:
    import django

    django.setup()
    from django.db import connection

    db = connection.vendor
    if args.reuse:
        user, workspace, counts = existing()
    else:
        log(f"[{db}] generating {args.indicators:,} indicators")
        user, workspace, counts = setup(args.indicators)
        log(f"[{db}] {counts}")
    if args.profile:
        profile(workspace, user, args.profile)
        print("RESULT {}", flush=True)
        return
    results = []
    if not args.only or {"series", "summaries", "breakdowns"} & set(args.only):
        log(f"[{db}] selectors")
        results += selector_scenarios(workspace, args.runs)
    log(f"[{db}] pages")
    results += page_scenarios(
        workspace, user, args.runs, args.report_runs, args.only, args.with_reports
    )
    result = {
        "db": db,
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "counts": counts,
        "results": results,
        "queries": queries_of(workspace, user),
    }
    print("RESULT " + json.dumps(result), flush=True)


# --- RESULTS.md --------------------------------------------------------------------------------


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


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 10_000 else f"{value:.1f}"


def section(results: list[dict]) -> str:
    first = results[0]
    counts = first["counts"]
    dbs = [r["db"] for r in results]
    versions = []
    if "sqlite" in dbs:
        versions.append(f"SQLite {sqlite_version()}")
    if "postgresql" in dbs:
        versions.append(f"PostgreSQL {pg_version()}")
    generation = "; ".join(
        f"{r['db']} {r['counts'].get('seconds', 0):.0f} s"
        for r in results
        if "seconds" in r["counts"]
    )
    lines = [
        HEADING,
        "",
        f"Measured {date.today().isoformat()} with `bench/bench_impact.py` on {machine()}, "
        f"{' and '.join(versions)}. Data from `bench/impact_data.py`, bulk-inserted into a fresh "
        f"database: {counts['indicators']:,} monthly indicators (40 % sums, 15 % running totals, "
        "15 % averages, 20 % latest values, 10 % ratios), each followed for the workspace and "
        "five out of six for one of five actors, "
        f"{counts['measurements']:,} measurements and {counts['targets']:,} targets "
        f"(60 months, Nov 2021 – Oct 2026), {counts['breakdowns']:,} breakdown values (10 per "
        "measurement: gender, age band, territory; ratios have none, the services refuse them). "
        f"Generation: {generation or 'n/a'}. Timed in-process after 3 warm-up calls "
        "(reports: none, one timed run), production settings (`bench/settings_bench.py`), "
        "pages through Django's test Client signed in as the owner. Load average (1, 5, 15 "
        "min) at the end: "
        + "; ".join(f"{r['db']} {r['load']}" for r in results)
        + " (2 shared cores: other work was running when above 1).",
        "",
        "| scenario | "
        + " | ".join(f"{db} p50 ms | {db} p95 ms" for db in dbs)
        + " | runs | detail |",
        "|---|" + "---:|---:|" * len(dbs) + "---:|---|",
    ]
    keys = [r["key"] for r in first["results"]]
    for key in keys:
        rows = [next((x for x in r["results"] if x["key"] == key), None) for r in results]
        base = rows[0]
        if base.get("absent"):
            lines.append(
                f"| {base['label']} | " + " | ".join("— | —" for _ in dbs) + " | | not available |"
            )
            continue
        cells = " | ".join(
            f"{_ms(x['p50_ms'])} | {_ms(x['p95_ms'])}" if x and not x.get("absent") else "— | —"
            for x in rows
        )
        lines.append(f"| {base['label']} | {cells} | {base['runs']} | {base['detail']} |")
    queries = first.get("queries", {})
    lines += [
        "",
        f"Goal: pages p95 <= {GOAL_MS} ms on SQLite. SQL queries per request: "
        + ", ".join(f"{k} {v}" for k, v in queries.items())
        + ".",
        "",
        "Run it (about 5 minutes for both databases, plus ~8 minutes per database given to "
        "`--reports`; not in `bench/run_all.py`): `nice .venv/bin/python bench/bench_impact.py "
        "--reports sqlite` (`--db sqlite`, `--runs N`, `--report-runs N`, `--no-record`, "
        "`--profile home|indicator|summaries|…` to cProfile one scenario, `--reuse` to measure "
        "again without regenerating). The workspace's report (1,000 indicators) is not timed: "
        "about six times the one-subject report's (see “Impact — where the time goes”).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--indicators", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30, help="timed calls per scenario")
    parser.add_argument("--report-runs", type=int, default=1, help="timed reports per kind")
    parser.add_argument(
        "--reports",
        nargs="*",
        default=[],
        help="databases (sqlite, postgres) on which to time the reports: minutes each",
    )
    parser.add_argument("--with-reports", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="+", help="scenario keys to measure")
    parser.add_argument("--profile", help="cProfile one scenario instead of measuring")
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--json", help="also write the raw figures to this file")
    parser.add_argument("--from-json", help="record the figures of an earlier --json run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.from_json:
        record_section(HEADING, section(json.loads(Path(args.from_json).read_text())))
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
    text = section(results)
    print(text)
    if not args.no_record and not args.only:
        record_section(HEADING, text)
        log(f"Recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
