"""Benchmark of the time import (`time` importer, `manage.py import_time`): N rows into a fresh
SQLite database (production settings, `bench/settings_bench.py`).

The file (default 100,000 rows, `;`-separated UTF-8 CSV, French headers, decimal commas, dates
31/12/2025) holds the hours of 50 people over the weekdays of two years on 4 projects each
(every other row charged to an agreement funding the project), people named by e-mail or by
"First Last". Timed, through `run_import_file` as the command and the web page's task run it:

1. a dry run (the preview): parse, resolve people, projects and agreements, check every rule;
2. the first import (commit): every row created;
3. the same file again: every row unchanged, nothing written;
4. the file with one row in ten changed: those rows updated.

    nice .venv/bin/python bench/bench_time_import.py               # 100,000 rows
    nice .venv/bin/python bench/bench_time_import.py --rows 20000

Goal: 100,000 rows in well under a minute (a year of timesheets of a 50-person organisation is
~50,000 rows).
"""

import argparse
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = Path("/tmp/maillage_bench_time.sqlite3")  # noqa: S108 - bench data
PEOPLE = 50
PROJECTS = 12


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(DB)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "settings_bench"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _world():
    from django_scopes import scope

    from maillage.accounts.models import User
    from maillage.finance.models import Funder, FundingAgreement, Person, Project
    from maillage.workspaces.models import Membership, Role, Workspace

    workspace = Workspace.objects.create(name="Bench time", slug="bench-time")
    user = User.objects.create_user(email="bench@example.org", password="x", full_name="Bench")
    with scope(workspace=workspace):
        Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
        people = [
            Person.objects.create(
                workspace=workspace,
                first_name=f"Prénom{i}",
                last_name=f"Nom{i}",
                email=f"personne{i}@example.org",
            )
            for i in range(PEOPLE)
        ]
        projects = [
            Project.objects.create(
                workspace=workspace,
                code=f"PRJ{i:02d}",
                name=f"Projet {i}",
                start_date=date(2024, 1, 1),
                end_date=date(2026, 12, 31),
            )
            for i in range(PROJECTS)
        ]
        funder = Funder.objects.create(workspace=workspace, name="Région", source="public")
        agreements = []
        for i, project in enumerate(projects):
            agreement = FundingAgreement.objects.create(
                workspace=workspace,
                reference=f"CONV-{i:02d}",
                title=f"Convention {i}",
                funder=funder,
                amount_granted=100000,
                start_date=date(2024, 1, 1),
                end_date=date(2026, 12, 31),
            )
            agreement.projects.set([project])
            agreements.append(agreement)
    return workspace, user, people, projects, agreements


def _csv(rows: int, people, projects, *, seed: int, changed: float = 0.0) -> bytes:
    rng = random.Random(seed)
    change = random.Random(seed + 1)
    lines = ["Personne;Date;Code projet;Convention;Heures;Commentaire"]
    day = date(2024, 1, 1)
    count = 0
    while count < rows:
        if day.weekday() < 5:
            for p, person in enumerate(people):
                for k in range(4):
                    if count >= rows:
                        break
                    project = (p + k * 3) % PROJECTS
                    agreement = f"CONV-{project:02d}" if k % 2 else ""
                    name = (
                        person.email if (p + k) % 2 else f"{person.first_name} {person.last_name}"
                    )
                    hours = rng.choice(["1", "1,5", "2", "2,25", "3", "4,5"])
                    if changed and change.random() < changed:
                        hours = "5,75"
                    note = "Atelier" if k == 0 else ""
                    lines.append(
                        f"{name};{day:%d/%m/%Y};PRJ{project:02d};{agreement};{hours};{note}"
                    )
                    count += 1
        day += timedelta(days=1)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _run(workspace, user, data: bytes, *, commit: bool):
    from django_scopes import scope

    from maillage.core.imports import registry, run_import_file

    with scope(workspace=workspace):
        importer = registry.get("time")(workspace=workspace, user=user)
        start, cpu = time.perf_counter(), time.process_time()
        report = run_import_file(importer, data, "temps.csv", commit=commit)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert not report.has_errors, report.errors[:5] or report.file_error
    return report, elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    _setup_django()
    workspace, user, people, projects, _agreements = _world()
    data = _csv(args.rows, people, projects, seed=20251130)
    changed = _csv(args.rows, people, projects, seed=20251130, changed=0.1)
    print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB of CSV")
    for label, payload, commit in [
        ("dry run (preview)", data, False),
        ("first import", data, True),
        ("same file again", data, True),
        ("one row in ten changed", changed, True),
    ]:
        report, elapsed, cpu = _run(workspace, user, payload, commit=commit)
        counts = report.counts
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{label:24} {elapsed:6.1f} s wall, {cpu:5.1f} s CPU  "
            f"{args.rows / elapsed:8,.0f} rows/s  "
            f"create {counts['create']:,} update {counts['update']:,} "
            f"unchanged {counts['unchanged']:,}  peak RSS {rss:,.0f} MB"
        )
    from django_scopes import scope

    from maillage.finance.models import TimeEntry

    with scope(workspace=workspace):
        print(f"time entries stored: {TimeEntry.objects.count():,}")


if __name__ == "__main__":
    main()
