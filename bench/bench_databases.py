"""The databases a benchmark runs on: a fresh SQLite file or PostgreSQL database, migrated, and
the environment a worker process needs to use it (bench/settings_bench.py); and what the
benchmarks share: running the worker, timing, the machine and versions for RESULTS.md."""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


@dataclass(frozen=True)
class BenchDatabases:
    sqlite_file: Path
    pg_database: str
    url_variable: str  # lets a run point PostgreSQL elsewhere, e.g. BENCH_ECO_DATABASE_URL

    def env_for(self, db: str) -> dict:
        env = dict(os.environ)
        env["PYTHONPATH"] = f"{BENCH}:{ROOT / 'src'}"
        env["DJANGO_SETTINGS_MODULE"] = "settings_bench"
        env.pop("DATABASE_URL", None)
        if db == "sqlite":
            env["SQLITE_PATH"] = str(self.sqlite_file)
        else:
            env["DATABASE_URL"] = os.environ.get(
                self.url_variable, f"postgres://postgres@127.0.0.1:5432/{self.pg_database}"
            )
        return env

    def prepare(self, db: str) -> None:
        """An empty database, migrated."""
        env = self.env_for(db)
        if db == "sqlite":
            self.sqlite_file.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.sqlite_file}{suffix}").unlink(missing_ok=True)
        else:
            for command in ("dropdb", "createdb"):
                extra = ["--if-exists"] if command == "dropdb" else []
                subprocess.run(
                    [command, "-h", "127.0.0.1", "-U", "postgres", *extra, self.pg_database],
                    check=True,
                )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0", "--skip-checks"],
            cwd=ROOT,
            env=env,
            check=True,
        )

    def run_worker(self, script: str, db: str, args, *options: str) -> dict:
        """Run `script`'s worker on `db` (prepared first unless `--reuse`) with the common
        options and the script's own `options`; its figures."""
        if not args.reuse:
            self.prepare(db)
        command = [sys.executable, str(Path(script).resolve()), "--worker", "--runs"]
        command += [str(args.runs), *options]
        if args.reuse:
            command.append("--reuse")
        if args.profile:
            command += ["--profile", args.profile]
        return run_worker_process(command, self.env_for(db))


RESULTS = BENCH / "RESULTS.md"


def record_section(heading: str, text: str) -> None:
    """Write a benchmark's section (starting with `heading`) into RESULTS.md, replacing the
    earlier run of that benchmark only."""
    content = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## (?!#)|\Z)", re.M | re.S)
    if pattern.search(content):
        content = pattern.sub(lambda _m: text + "\n", content, count=1)
    else:
        content = content.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(content.rstrip("\n") + "\n")


# --- what every benchmark does the same way: run its worker, time, describe the machine --------


def run_worker_process(command: list[str], env: dict) -> dict:
    """Run a benchmark's worker and return the figures it prints on its `RESULT {json}` line."""
    result = subprocess.run(
        command, cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timings(samples: list[float]) -> dict:
    return {
        "p50_ms": statistics.median(samples) * 1000,
        "p95_ms": percentile(samples, 0.95) * 1000,
        "max_ms": max(samples) * 1000,
        "runs": len(samples),
    }


def measure(key: str, label: str, function, runs: int, *, warmup: int = 3) -> dict:
    """`function(index)` timed `runs` times after `warmup` calls; `detail` is what it returned
    last (a size, a count)."""
    for index in range(warmup):
        function(index)
    samples = []
    detail = None
    for index in range(runs):
        began = time.perf_counter()
        detail = function(index)
        samples.append(time.perf_counter() - began)
    result = {"key": key, "label": label, **timings(samples), "detail": detail}
    log(f"  {label}: p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms ({detail})")
    return result


def maintenance() -> float:
    """After a bulk load: the planner's statistics refreshed (and SQLite's WAL checkpointed), as
    a long-running database would have them. Returns the seconds it took."""
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - began


def signed_in_client(user):
    """Django's test Client, signed in as `user` (in the worker, Django set up)."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def versions(dbs) -> str:
    """The versions of the databases measured (`dbs`: Django vendor names)."""
    import sqlite3

    found = []
    if "sqlite" in dbs:
        found.append(f"SQLite {sqlite3.sqlite_version}")
    if "postgresql" in dbs:
        try:
            out = subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
                capture_output=True,
                text=True,
                check=True,
            )
            found.append(f"PostgreSQL {out.stdout.strip().split()[0]}")
        except (OSError, subprocess.CalledProcessError):
            found.append("PostgreSQL ?")
    return " and ".join(found)


def page_table(results: list[dict]) -> list[str]:
    """The Markdown table of the pages' p50 and p95 on each database (RESULTS.md)."""
    dbs = [r["db"] for r in results]
    lines = [
        "| page | " + " | ".join(f"{d} p50 | {d} p95" for d in dbs) + " | runs | size |",
        "|---|" + "---:|---:|" * len(dbs) + "---:|---:|",
    ]
    for index, row in enumerate(results[0]["results"]):
        if row.get("absent") or row.get("error"):
            state = "absent" if row.get("absent") else f"error {row['error']}"
            lines.append(f"| {row['label']} | " + "— | — | " * len(dbs) + f"{state} | |")
            continue
        cells = " | ".join(
            f"{r['results'][index].get('p50_ms', 0):.1f} | "
            f"{r['results'][index].get('p95_ms', 0):.1f}"
            for r in results
        )
        lines.append(f"| {row['label']} | {cells} | {row['runs']} | {row['detail']} |")
    return lines


def query_table(results: list[dict], what: str) -> list[str]:
    """The SQL queries per request of each page with 500 and 5,000 `what`, on each database,
    and whether they are the same (RESULTS.md)."""
    dbs = [r["db"] for r in results]
    lines = [
        f"SQL queries per request (the same with 500 and 5,000 {what}, or the page does "
        "work in proportion to the data):",
        "",
        "| page | " + " | ".join(f"{d} 500 | {d} 5,000" for d in dbs) + " | same |",
        "|---|" + "---:|---:|" * len(dbs) + "---|",
    ]
    for key in results[0]["queries"]:
        cells = " | ".join(
            f"{r['queries_small'].get(key, '?')} | {r['queries'].get(key, '?')}" for r in results
        )
        same = all(r["queries_small"].get(key) == r["queries"].get(key) for r in results)
        lines.append(f"| {key} | {cells} | {'yes' if same else '**no**'} |")
    return lines


# --- the command line the per-module benchmarks share ------------------------------------------


def add_common_arguments(parser) -> None:
    """The options every per-module benchmark takes (its own sizes are added by the caller)."""
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--profile", help="cProfile 10 requests of one page (by key)")
    parser.add_argument("--json", help="also write the raw figures to this file")
    parser.add_argument("--from-json", help="record the figures of an earlier --json run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)


def run_benchmark(args, *, heading: str, worker, run_worker, section) -> None:
    """What `main` does once the options are read: be the worker, or run one worker a database
    and print (and record under `heading`) the `section` made of their figures."""
    if args.worker:
        worker(args)
        return
    if args.from_json:
        record_section(heading, section(json.loads(Path(args.from_json).read_text())))
        return
    results = []
    for db in args.db:
        log(f"== {db}")
        results.append(run_worker(db, args))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if args.profile:
        return
    text = section(results)
    print(text)
    if not args.no_record:
        record_section(heading, text)
        log("Recorded in bench/RESULTS.md")
