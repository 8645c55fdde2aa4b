"""Benchmark of the partnerships module: the portfolio and a partnership's pages at scale.

A workspace of 5,000 partnerships (every stage, status, health light and kind, realistic
proportions: most in 01 Meet and 02 Frame, a few paused or ended), 2–5 members each, gate
decisions consistent with the stage, 100,000 meetings (skewed: most partnerships hold a
handful, a few up to three times the mean) with one or two decisions each, 3 action items and
2 risks per partnership, written with bulk inserts into a fresh database. A second workspace
of 500 partnerships, built the same way, checks that each page runs the same number of SQL
queries with 500 and with 5,000 partnerships.

Timed through Django's test Client, signed in as the owner, production settings
(`bench/settings_bench.py`), after 3 warm-up requests, p50/p95 over `--runs` requests (>= 30):

1. the portfolio (`partnerships:home`), page 1, then pages 2–20;
2. the portfolio filtered by stage and a text search (`?stage=experiment&q=…`);
3. a partnership's overview (`partnerships:partnership`) and meetings page
   (`partnerships:meetings`), partnerships with many meetings;
4. the workspace's action items (`partnerships:action_items`) when the route exists.

A page whose URL name does not resolve yet is reported as absent.

On SQLite (a file under /tmp) and PostgreSQL (database `maillage_bench_partnerships`,
recreated).

    nice .venv/bin/python bench/bench_partnerships.py                 # both, records RESULTS.md
    nice .venv/bin/python bench/bench_partnerships.py --db sqlite --reuse --no-record
    nice .venv/bin/python bench/bench_partnerships.py --db sqlite --profile portfolio

Goal: every page p95 <= 300 ms, and the same query count at 500 and 5,000 partnerships.
"""

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from bench_databases import (
    BenchDatabases,
    add_common_arguments,
    log,
    machine,
    maintenance,
    measure,
    page_table,
    query_table,
    run_benchmark,
    signed_in_client,
    versions,
)

SQLITE_FILE = Path("/tmp/maillage_bench_partnerships/bench.sqlite3")  # noqa: S108 - bench data
PG_DATABASE = "maillage_bench_partnerships"
HEADING = "## Partnerships — 5,000 partnerships, 100,000 meetings"
SLUG, SMALL_SLUG = "bench-partnerships", "bench-partnerships-500"
EMAIL = "bench-partnerships@example.org"
SEED = 20_261_130
GOAL_MS = 300

DATABASES = BenchDatabases(SQLITE_FILE, PG_DATABASE, "BENCH_PARTNERSHIPS_DATABASE_URL")


# --- orchestration (the parent process) ----------------------------------------------------------


def run_worker(db: str, args) -> dict:
    own = ["--partnerships", str(args.partnerships), "--meetings", str(args.meetings)]
    return DATABASES.run_worker(__file__, db, args, *own)


# --- the measurements (the worker process, Django set up) ----------------------------------------


WORDS = [
    "Passerelle", "Boussole", "Mosaïque", "Sillon", "Rebond", "Horizon", "Cordée", "Ancrage",
    "Escale", "Envol", "Racines", "Tremplin", "Archipel", "Canopée", "Confluence", "Carrefour",
]  # fmt: skip
THEMES = [
    "tiers-lieu", "alimentation durable", "insertion", "mobilité", "numérique", "réemploi",
    "culture", "sport", "habitat", "santé", "jeunesse", "transition énergétique",
]  # fmt: skip
# Stage × status proportions of a portfolio: most stay early, some pause or end.
STAGE_WEIGHTS = {"meet": 35, "frame": 30, "experiment": 20, "deploy": 15}
STATUS_WEIGHTS = {"active": 80, "paused": 8, "ended": 12}
HEALTH_WEIGHTS = {"unknown": 15, "green": 45, "amber": 28, "red": 12}


def generate(workspace, user, count: int, meetings: int, *, seed: int) -> dict:
    """Bulk-insert `count` partnerships and `meetings` meetings into `workspace`."""
    from decimal import Decimal

    from django.db import transaction
    from django_scopes import scope

    from maillage.ecosystem.models import Actor
    from maillage.ecosystem.services import name_key
    from maillage.partnerships.choices import (
        STAGE_ORDER,
        BrakeNature,
        MemberRole,
        Objective,
        RiskSide,
        Side,
        ValueChainLevel,
    )
    from maillage.partnerships.models import (
        ActionItem,
        GateDecision,
        Meeting,
        MeetingDecision,
        Partnership,
        PartnershipKind,
        PartnershipMember,
        Risk,
    )

    rng = random.Random(seed)
    began = time.perf_counter()
    today = date(2026, 11, 30)
    base = {"workspace": workspace, "created_by": user}

    def pick(weights: dict) -> str:
        return rng.choices(list(weights), list(weights.values()))[0]

    with scope(workspace=workspace), transaction.atomic():
        kinds = list(PartnershipKind.objects.filter(workspace=workspace))
        profiles = [
            ("association_employer", Side.ASSOCIATION),
            ("ess_enterprise", Side.ASSOCIATION),
            ("company_pme", Side.COMPANY),
            ("public_commune", Side.AUTHORITY),
            ("foundation", Side.OTHER),
        ]
        actors = Actor.objects.bulk_create(
            [
                Actor(
                    **base,
                    name=f"{rng.choice(WORDS)} {rng.choice(THEMES)} {number}",
                    profile=profiles[number % len(profiles)][0],
                    level="local",
                    search_text="",
                    name_key=name_key(f"actor {number}"),
                )
                for number in range(max(200, count // 2))
            ],
            batch_size=1000,
        )
        sides = dict(profiles)
        rows = []
        for number in range(count):
            stage = pick(STAGE_WEIGHTS)
            status = pick(STATUS_WEIGHTS)
            health = pick(HEALTH_WEIGHTS)
            start = date(2022, 1, 1) + timedelta(days=rng.randint(0, 1400))
            theme = rng.choice(THEMES)
            rows.append(
                Partnership(
                    **base,
                    name=f"{rng.choice(WORDS)} — {theme} {number:05d}",
                    summary=f"Coopération autour de : {theme}, {rng.choice(THEMES)}.",
                    kind=kinds[number % len(kinds)],
                    objectives=rng.sample(Objective.values, rng.randint(1, 3)),
                    value_chain_levels=rng.sample(ValueChainLevel.values, rng.randint(1, 2)),
                    start_date=start,
                    coordinator=user,
                    next_gate_on=(
                        today + timedelta(days=rng.randint(-60, 200))
                        if status == "active" and stage != "deploy"
                        else None
                    ),
                    stage=stage,
                    status=status,
                    stage_since=start + timedelta(days=rng.randint(0, 300)),
                    health=health,
                    health_trend=""
                    if health == "unknown"
                    else rng.choice(["", "better", "stable", "worse"]),
                    evaluation_score=(
                        Decimal(rng.randint(100, 500)) / 100 if rng.random() < 0.5 else None
                    ),
                    evaluated_on=today - timedelta(days=rng.randint(10, 400)),
                )
            )
        partnerships = Partnership.objects.bulk_create(rows, batch_size=1000)
        members, decisions, actions, risks = [], [], [], []
        for partnership in partnerships:
            chosen = rng.sample(actors, rng.randint(2, 5))
            for index, actor in enumerate(chosen):
                members.append(
                    PartnershipMember(
                        **base,
                        partnership=partnership,
                        actor=actor,
                        role=MemberRole.LEAD if index == 0 else MemberRole.PARTNER,
                        side=sides[actor.profile],
                    )
                )
            stage_index = STAGE_ORDER.index(partnership.stage)
            decided = partnership.start_date
            for step in range(stage_index):
                decided += timedelta(days=rng.randint(30, 120))
                decisions.append(
                    GateDecision(
                        **base,
                        partnership=partnership,
                        decided_on=decided,
                        outcome="go",
                        deciders="Claire Martin\nKarim Benali",
                        rationale="Critères atteints.",
                        recorded_by=user,
                        stage_before=STAGE_ORDER[step],
                        stage_after=STAGE_ORDER[step + 1],
                        status_before="active",
                        status_after="active",
                    )
                )
            if partnership.status != "active":
                decisions.append(
                    GateDecision(
                        **base,
                        partnership=partnership,
                        decided_on=decided + timedelta(days=30),
                        outcome="pause" if partnership.status == "paused" else "end",
                        deciders="Claire Martin",
                        rationale="Financement perdu.",
                        recorded_by=user,
                        stage_before=partnership.stage,
                        stage_after=partnership.stage,
                        status_before="active",
                        status_after=partnership.status,
                    )
                )
            for number in range(3):
                due = today + timedelta(days=rng.randint(-90, 120))
                status = rng.choice(["open", "open", "in_progress", "done"])
                actions.append(
                    ActionItem(
                        **base,
                        partnership=partnership,
                        title=f"Action {number + 1} : relancer les partenaires",
                        owner="Sophie Leroy",
                        due_on=due,
                        status=status,
                        done_on=due if status == "done" else None,
                    )
                )
            for number in range(2):
                risks.append(
                    Risk(
                        **base,
                        partnership=partnership,
                        title=f"Risque {number + 1}",
                        side=rng.choice(RiskSide.values),
                        nature=rng.choice(BrakeNature.values),
                        likelihood=rng.randint(1, 5),
                        impact=rng.randint(1, 5),
                    )
                )
        PartnershipMember.objects.bulk_create(members, batch_size=2000)
        GateDecision.objects.bulk_create(decisions, batch_size=2000)
        ActionItem.objects.bulk_create(actions, batch_size=2000)
        Risk.objects.bulk_create(risks, batch_size=2000)

        # Meetings: a skewed spread (a few partnerships hold hundreds of them).
        weights = [min(rng.paretovariate(1.2), 8.0) for _ in partnerships]
        total = sum(weights)
        per = [int(meetings * w / total) for w in weights]
        for index in range(meetings - sum(per)):  # the rounding's remainder, one each
            per[index % len(per)] += 1
        written = 0
        for start in range(0, len(partnerships), 250):
            batch = []
            for partnership, n in zip(
                partnerships[start : start + 250], per[start : start + 250], strict=True
            ):
                span = (today - partnership.start_date).days
                for number in range(n):
                    batch.append(
                        Meeting(
                            **base,
                            partnership=partnership,
                            held_on=today - timedelta(days=number * span // n),
                            title="Comité de pilotage" if number % 3 else "Point opérationnel",
                            attendees="Claire Martin\nKarim Benali",
                            minutes="Point d'avancement et décisions.",
                        )
                    )
            Meeting.objects.bulk_create(batch, batch_size=2000)
            MeetingDecision.objects.bulk_create(
                [
                    MeetingDecision(
                        **base,
                        partnership_id=meeting.partnership_id,
                        meeting=meeting,
                        text=f"Décision {k + 1} : valider le calendrier.",
                    )
                    for meeting in batch
                    for k in range(1 + (meeting.held_on.day % 2))
                ],
                batch_size=2000,
            )
            written += len(batch)
    return {
        "partnerships": count,
        "meetings": written,
        "max_meetings": max(per),
        "members": len(members),
        "gate_decisions": len(decisions),
        "actions": len(actions),
        "risks": len(risks),
        "seconds": time.perf_counter() - began,
    }


def setup(count: int, meetings: int):
    from django.db import transaction
    from django_scopes import scopes_disabled

    from maillage.accounts.models import User
    from maillage.workspaces.initializers import initialize_workspace
    from maillage.workspaces.models import Membership, Role, Workspace

    with transaction.atomic(), scopes_disabled():
        user = User.objects.create_user(email=EMAIL, full_name="Bench")
        big = Workspace.objects.create(name="Partenariats (bench)", slug=SLUG)
        small = Workspace.objects.create(name="Partenariats 500 (bench)", slug=SMALL_SLUG)
        for workspace in (big, small):
            Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    for workspace in (big, small):
        initialize_workspace(workspace)
    counts = generate(big, user, count, meetings, seed=SEED)
    log(f"  {counts}")
    small_counts = generate(small, user, count // 10, meetings // 10, seed=SEED + 1)
    log(f"  {small_counts}")
    counts["maintenance_seconds"] = maintenance()
    counts["small"] = small_counts
    return user, big, small, counts


def existing():
    from django_scopes import scope, scopes_disabled

    from maillage.accounts.models import User
    from maillage.partnerships.models import Meeting, Partnership
    from maillage.workspaces.models import Workspace

    with scopes_disabled():
        big = Workspace.objects.get(slug=SLUG)
        small = Workspace.objects.get(slug=SMALL_SLUG)
        user = User.objects.get(email=EMAIL)
    counts = {}
    for key, workspace in (("big", big), ("small", small)):
        with scope(workspace=workspace):
            found = {
                "partnerships": Partnership.objects.filter(workspace=workspace).count(),
                "meetings": Meeting.objects.filter(workspace=workspace).count(),
            }
        if key == "big":
            counts.update(found)
        else:
            counts["small"] = found
    return user, big, small, counts


def url_or_none(name: str, slug: str = SLUG, **kwargs) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs={"workspace_slug": slug, **kwargs})
    except NoReverseMatch:
        return None


def targets(workspace) -> dict:
    """Partnerships to open: the ones with the most meetings, and a search word that finds a
    few dozen partnerships in 03 Experiment."""
    from django.db.models import Count
    from django_scopes import scope

    from maillage.partnerships.models import Partnership

    with scope(workspace=workspace):
        busiest = list(
            Partnership.objects.filter(workspace=workspace)
            .annotate(n=Count("meetings"))
            .order_by("-n", "pk")
            .values_list("pk", "n")[:10]
        )
        typical = list(
            Partnership.objects.filter(workspace=workspace)
            .order_by("pk")
            .values_list("pk", flat=True)[100:110]
        )
        # The longest decision logs: deployed then ended (4 decisions each).
        longest = list(
            Partnership.objects.filter(workspace=workspace, stage="deploy", status="ended")
            .order_by("pk")
            .values_list("pk", flat=True)[:10]
        )
    return {"busiest": busiest, "typical": typical, "longest": longest}


def pages(workspace, slug: str) -> list[tuple[str, str, object]]:
    """(key, label, url for run i) of every page measured; the url is None when absent."""
    found = targets(workspace)
    busiest = [pk for pk, _n in found["busiest"]]
    most = found["busiest"][0][1] if found["busiest"] else 0
    home = url_or_none("partnerships:home", slug)
    cases = [
        ("portfolio", "portfolio (`partnerships:home`), page 1", home and (lambda i: home)),
        (
            "portfolio_pages",
            "portfolio, pages 2–20",
            home and (lambda i: f"{home}?page={i % 19 + 2}"),
        ),
        (
            "portfolio_filtered",
            "portfolio, 03 Experiment + text search",
            home
            and (
                lambda i: f"{home}?stage=experiment&q={['tiers-lieu', 'Sillon', 'culture'][i % 3]}"
            ),
        ),
    ]
    for key, name, label, pks in (
        ("overview", "partnerships:partnership", "partnership overview", found["typical"]),
        (
            "meetings",
            "partnerships:meetings",
            f"partnership's meetings (busiest: up to {most} meetings), page 1",
            busiest,
        ),
        (
            "decisions",
            "partnerships:decisions",
            "partnership's decision log (4 decisions)",
            found["longest"],
        ),
    ):
        probe = url_or_none(name, slug, pk=pks[0]) if pks else None
        cases.append(
            (
                key,
                f"{label} (`{name}`)",
                probe
                and (lambda i, name=name, pks=pks: url_or_none(name, slug, pk=pks[i % len(pks)])),
            )
        )
    actions = url_or_none("partnerships:action_items", slug)
    cases.append(
        (
            "action_items",
            "workspace action items (`partnerships:action_items`)",
            actions and (lambda i: actions),
        )
    )
    return cases


def page_scenarios(workspace, user, runs: int) -> list[dict]:
    client = signed_in_client(user)
    results = []
    for key, label, make in pages(workspace, SLUG):
        if make is None:
            log(f"  {label}: absent")
            results.append({"key": key, "label": label, "absent": True})
            continue

        def get(i, make=make):
            url = make(i)
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}")
            return f"{len(response.content) // 1024} KB"

        results.append(measure(key, label, get, runs))
    return results


def queries_of(workspace, user, slug: str) -> dict:
    """How many SQL queries each page runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(user)
    found = {}
    for key, _label, make in pages(workspace, slug):
        if make is None:
            continue
        client.get(make(0))  # warm (session, caches)
        with CaptureQueriesContext(connection) as captured:
            client.get(make(0))
        found[key] = len(captured)
    return found


def profile(workspace, user, key: str) -> None:
    import cProfile
    import pstats

    client = signed_in_client(user)
    make = {k: m for k, _label, m in pages(workspace, SLUG)}[key]
    client.get(make(0))
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(10):
        client.get(make(i))
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(40)


def worker(args) -> None:
    import django

    django.setup()
    from django.db import connection

    db = connection.vendor
    if args.reuse:
        user, big, small, counts = existing()
    else:
        log(f"[{db}] generating {args.partnerships:,} partnerships, {args.meetings:,} meetings")
        user, big, small, counts = setup(args.partnerships, args.meetings)
    if args.profile:
        profile(big, user, args.profile)
        print("RESULT {}", flush=True)
        return
    log(f"[{db}] pages")
    results = page_scenarios(big, user, args.runs)
    result = {
        "db": db,
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "counts": counts,
        "results": results,
        "queries": queries_of(big, user, SLUG),
        "queries_small": queries_of(small, user, SMALL_SLUG),
    }
    log(f"  queries: {result['queries']} (500: {result['queries_small']})")
    print("RESULT " + json.dumps(result), flush=True)


# --- RESULTS.md --------------------------------------------------------------------------------


def section(results: list[dict]) -> str:
    first = results[0]
    counts = first["counts"]
    dbs = [r["db"] for r in results]
    generation = "; ".join(
        f"{r['db']} {r['counts']['seconds']:.0f} s" for r in results if "seconds" in r["counts"]
    )
    lines = [
        HEADING,
        "",
        f"Measured {date.today().isoformat()} with `bench/bench_partnerships.py` on {machine()}, "
        f"{versions(dbs)}. Bulk-inserted into a fresh database: "
        f"{counts['partnerships']:,} partnerships in one workspace (stages 35/30/20/15 %, 8 % "
        "paused, 12 % ended; health unknown/green/amber/red 15/45/28/12 %; the nine default "
        f"kinds), {counts.get('members', 0):,} members, {counts.get('gate_decisions', 0):,} gate "
        f"decisions consistent with the stages, {counts['meetings']:,} meetings (Pareto spread, "
        f"capped: up to {counts.get('max_meetings', '?')} per partnership) with one or two "
        "decisions each, 3 action items and 2 risks per partnership; a second workspace holds "
        "a tenth of it for the query counts. "
        f"Generation: {generation or 'reused from an earlier run'}. Pages through Django's test "
        "Client, signed in as the owner, production settings, after 3 warm-up requests. Load "
        "average (1, 5, 15 min) at the end: "
        + "; ".join(f"{r['db']} {r.get('load', '?')}" for r in results)
        + " (the 2 cores were shared with other work when above 1).",
        "",
    ]
    lines += page_table(results)
    lines += [
        "",
        f"Goal: p95 <= {GOAL_MS} ms.",
        "",
    ]
    lines += query_table(results, "partnerships")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument("--partnerships", type=int, default=5000)
    parser.add_argument("--meetings", type=int, default=100_000)
    run_benchmark(
        parser.parse_args(),
        heading=HEADING,
        worker=worker,
        run_worker=run_worker,
        section=section,
    )


if __name__ == "__main__":
    main()
