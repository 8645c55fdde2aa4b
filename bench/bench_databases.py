"""The databases a benchmark runs on: a fresh SQLite file or PostgreSQL database, migrated, and
the environment a worker process needs to use it (bench/settings_bench.py)."""

import os
import re
import subprocess
import sys
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
