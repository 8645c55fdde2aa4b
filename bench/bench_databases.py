"""The databases a benchmark runs on: a fresh SQLite file or PostgreSQL database, migrated, and
the environment a worker process needs to use it (bench/settings_bench.py)."""

import os
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
