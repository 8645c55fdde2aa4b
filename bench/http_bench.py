"""HTTP benchmark: members list (1,000 members) and dashboard under 16 concurrent connections.

Serves the app with gunicorn (production settings over loopback HTTP), loads it with wrk
(Debian package `wrk`), on SQLite and on PostgreSQL, and writes the figures into
bench/RESULTS.md. Usage: .venv/bin/python bench/http_bench.py [--db sqlite postgres]
"""

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"
PY = sys.executable
PORT = 8765
PAGES = {
    "members list (page 1 of 20, 1,000 members)": "/w/bench/members/",
    "dashboard": "/w/bench/",
}


def env_for(db: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = f"{BENCH}:{ROOT / 'src'}"
    env["DJANGO_SETTINGS_MODULE"] = "settings_bench"
    env.pop("DATABASE_URL", None)
    if db == "sqlite":
        env["SQLITE_PATH"] = str(OUT / "bench.sqlite3")
    else:
        env["DATABASE_URL"] = os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/maillage_bench"
        )
    return env


def prepare(db: str) -> str:
    OUT.mkdir(exist_ok=True)
    env = env_for(db)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(OUT / "bench.sqlite3") + suffix).unlink(missing_ok=True)
    else:
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "maillage_bench"],
            check=True,
        )
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", "maillage_bench"], check=True
        )
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    result = subprocess.run(
        [PY, str(BENCH / "seed_bench.py")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


def serve(db: str, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "maillage.config.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env_for(db),
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def load(path: str, session: str, seconds: int, connections: int) -> dict:
    url = f"http://127.0.0.1:{PORT}{path}"
    check = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(check) as response:  # noqa: S310
        assert response.status == 200 and "/accounts/login" not in response.url, response.url
    subprocess.run(
        ["wrk", "-t2", f"-c{connections}", "-d3s", "-H", f"Cookie: sessionid={session}", url],
        check=True,
        capture_output=True,
    )  # warm-up
    run = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "-s",
            str(BENCH / "p95.lua"),
            "-H",
            f"Cookie: sessionid={session}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(x for x in run.stdout.splitlines() if x.startswith("RESULT"))
    values = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    values["rps"] = values["requests"] / (values["duration_us"] / 1e6)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", run.stdout)
    values["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    return values


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {system}"


def write_results(rows, workers, seconds, connections):
    results = BENCH / "RESULTS.md"
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    cores = os.cpu_count() or 1
    lines = [
        "## HTTP — members list and dashboard, 16 concurrent connections",
        "",
        f"Measured {date.today().isoformat()} with `bench/http_bench.py` on {machine()}.",
        f"gunicorn {workers} sync workers with production settings over loopback HTTP, "
        f"wrk 2 threads × {connections} connections × {seconds} s after a 3 s warm-up, "
        "signed in as the owner of a workspace with 1,000 members. wrk runs on the same "
        "2 cores as the server, so the figures are a floor.",
        "",
        "| database | page | req/s | req/s per core | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for db, page, v in rows:
        lines.append(
            f"| {db} | {page} | {v['rps']:.0f} | {v['rps'] / cores:.0f} "
            f"| {v['p50_us'] / 1000:.1f} | {v['p95_us'] / 1000:.1f} | {v['p99_us'] / 1000:.1f} "
            f"| {v['errors'] + v['non2xx']} |"
        )
    lines += [
        "",
        "Goal: >= 300 req/s per core and p95 <= 50 ms. Query count per page is constant "
        "in the number of rows (tests/workspaces/test_workspaces.py).",
        "",
    ]
    section = "\n".join(lines)
    pattern = re.compile(r"## HTTP — .*?(?=\n## |\Z)", re.S)
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    results.write_text(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    # One sync worker per core: the pages are CPU-bound and wrk shares the cores, so 4 workers
    # on 2 cores served 10-20 % fewer requests than 2 (docs/deployment.md).
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    rows = []
    for db in args.db:
        session = prepare(db)
        server = serve(db, args.workers)
        try:
            for page, path in PAGES.items():
                values = load(path, session, args.seconds, args.connections)
                rows.append((db, page, values))
                print(
                    db,
                    page,
                    f"{values['rps']:.0f} req/s",
                    f"p95 {values['p95_us'] / 1000:.1f} ms",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait()
    write_results(rows, args.workers, args.seconds, args.connections)


if __name__ == "__main__":
    main()
