"""Benchmark of the diagnostics module: an engagement's pages and deliverables at scale.

An engagement with 200 stakeholders, 100 interviews (1–4 people each, notes), 300 documents
reviewed, 5,000 findings over the seven dimensions and four quadrants (1–4 sources each,
interviews and documents, with quotes), the SWOT grouped from them (one item per quadrant ×
dimension), 50 recommendations and 200 plan actions (2 updates each), written with bulk
inserts into a fresh database. A second engagement in the same workspace holds a tenth of it
(500 findings) to check that each page runs the same number of SQL queries.

Timed through Django's test Client, signed in as the owner (allowed to read notes),
production settings (`bench/settings_bench.py`), after 3 warm-up requests, p50/p95 over
`--runs` requests (>= 30):

1. the engagement page (`diagnostics:engagement`);
2. the SWOT (`diagnostics:swot`);
3. the findings, page 1 (`diagnostics:findings`);
4. the implementation plan (`diagnostics:plan`);
5. the diagnostic report generated as DOCX and PDF (`diagnostics:deliverable_docx` /
   `deliverable_pdf`, `?kind=diagnostic&lang=fr`), over `--doc-runs` downloads.

A page whose URL name does not resolve yet is reported as absent; one that answers an error is
reported with its status.

On SQLite (a file under /tmp) and PostgreSQL (database `maillage_bench_diagnostics`,
recreated).

    nice .venv/bin/python bench/bench_diagnostics.py                 # both, records RESULTS.md
    nice .venv/bin/python bench/bench_diagnostics.py --db sqlite --reuse --no-record
    nice .venv/bin/python bench/bench_diagnostics.py --db sqlite --profile swot

Goal: every page p95 <= 300 ms, the same query count at 500 and 5,000 findings, a deliverable
in under 5 s.
"""

import argparse
import gc
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

SQLITE_FILE = Path("/tmp/maillage_bench_diagnostics/bench.sqlite3")  # noqa: S108 - bench data
PG_DATABASE = "maillage_bench_diagnostics"
HEADING = "## Diagnostics — an engagement with 5,000 findings"
SLUG = "bench-diagnostics"
EMAIL = "bench-diagnostics@example.org"
BIG, SMALL = "Diagnostic (bench, 5 000 constats)", "Diagnostic (bench, 500 constats)"
SEED = 20_261_130
GOAL_MS = 300
GOAL_DOC_S = 5

DATABASES = BenchDatabases(SQLITE_FILE, PG_DATABASE, "BENCH_DIAGNOSTICS_DATABASE_URL")


# --- orchestration (the parent process) ----------------------------------------------------------


def run_worker(db: str, args) -> dict:
    own = ["--doc-runs", str(args.doc_runs), "--findings", str(args.findings)]
    return DATABASES.run_worker(__file__, db, args, *own)


# --- the data (the worker process, Django set up) ------------------------------------------------

WORDS = [
    "gouvernance", "cotisations", "services partagés", "marque commune", "double saisie",
    "conseil d'administration", "CRM", "formation", "consultants", "subventions", "normes",
    "tableau de bord", "délégation", "culture", "membres", "budget consolidé",
]  # fmt: skip
CATEGORIES = {
    "direction": 6,
    "team": 30,
    "impact_investor": 15,
    "network_member": 25,
    "financial_institution": 14,
    "board": 10,
}


def generate(workspace, user, title: str, scale: float, *, seed: int) -> dict:
    """Bulk-insert one engagement; `scale` 1 = 200 stakeholders … 5,000 findings."""
    from decimal import Decimal

    from django.db import transaction
    from django_scopes import scope

    from maillage.core.services import tenant_create
    from maillage.diagnostics.choices import (
        ActionStatus,
        DocumentKind,
        InterviewKind,
        InterviewStatus,
        Quadrant,
        RecommendationStatus,
    )
    from maillage.diagnostics.models import (
        ActionUpdate,
        Engagement,
        Finding,
        FindingSource,
        Interview,
        PlanAction,
        Recommendation,
        ReviewedDocument,
        Stakeholder,
        SwotItem,
    )
    from maillage.diagnostics.scoring import finding_weight
    from maillage.diagnostics.services.defaults import ensure_defaults

    rng = random.Random(seed)
    began = time.perf_counter()
    base = {"workspace": workspace, "created_by": user}
    n_stakeholders, n_interviews = int(200 * scale), int(100 * scale)
    n_documents, n_findings = int(300 * scale), int(5000 * scale)
    n_recommendations, n_actions = max(5, int(50 * scale)), max(20, int(200 * scale))
    start = date(2026, 1, 5)

    with scope(workspace=workspace), transaction.atomic():
        engagement = tenant_create(
            Engagement,
            workspace=workspace,
            user=user,
            title=title,
            status="plan",
            start_date=start,
            end_date=date(2026, 11, 27),
            consultants="Claire Martin\nKarim Benali",
            project_lead="Claire Martin",
            focal_point="Hélène Vasseur",
            budget_days=Decimal(25),
            budget_amount=Decimal(25000),
        )
        ensure_defaults(engagement, user=user)
        dimensions = list(engagement.dimensions.all())
        categories = [c for c, n in CATEGORIES.items() for _ in range(n)]
        stakeholders = Stakeholder.objects.bulk_create(
            [
                Stakeholder(
                    **base,
                    engagement=engagement,
                    name=f"Personne {i + 1:04d}",
                    job_title=rng.choice(["Directrice", "Chargé de mission", "Administrateur"]),
                    category=categories[i % len(categories)],
                    consent=True,
                    consent_on=start + timedelta(days=i % 60),
                )
                for i in range(n_stakeholders)
            ],
            batch_size=1000,
        )
        interviews = Interview.objects.bulk_create(
            [
                Interview(
                    **base,
                    engagement=engagement,
                    kind=InterviewKind.GROUP if i % 5 == 0 else InterviewKind.INDIVIDUAL,
                    status=InterviewStatus.DONE,
                    planned_on=start + timedelta(days=30 + i % 90),
                    held_on=start + timedelta(days=30 + i % 90),
                    interviewer="Claire Martin",
                    notes=f"Notes d'entretien {i + 1} : " + ", ".join(rng.sample(WORDS, 5)),
                )
                for i in range(n_interviews)
            ],
            batch_size=1000,
        )
        Interview.stakeholders.through.objects.bulk_create(
            [
                Interview.stakeholders.through(interview_id=interview.pk, stakeholder_id=s.pk)
                for i, interview in enumerate(interviews)
                for s in rng.sample(stakeholders, 4 if i % 5 == 0 else 1)
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        documents = ReviewedDocument.objects.bulk_create(
            [
                ReviewedDocument(
                    **base,
                    engagement=engagement,
                    kind=DocumentKind.LITERATURE if i % 4 == 0 else DocumentKind.INTERNAL,
                    title=f"Document {i + 1:04d} — {rng.choice(WORDS)}",
                    source="Alliance",
                    reviewed_on=start + timedelta(days=10 + i % 60),
                    summary="Résumé du document.",
                )
                for i in range(n_documents)
            ],
            batch_size=1000,
        )
        quadrants = Quadrant.values
        findings = Finding.objects.bulk_create(
            [
                Finding(
                    **base,
                    engagement=engagement,
                    dimension=dimensions[i % len(dimensions)],
                    quadrant=quadrants[(i // len(dimensions)) % 4],
                    statement=f"Constat {i + 1} : {' '.join(rng.sample(WORDS, 3))}.",
                    severity=rng.randint(1, 5),
                )
                for i in range(n_findings)
            ],
            batch_size=2000,
        )
        sources, frequency = [], {}
        for finding in findings:
            count = rng.randint(1, 4)
            frequency[finding.pk] = count
            for k in range(count):
                if k % 2 == 0:
                    origin = {"interview": rng.choice(interviews)}
                else:
                    origin = {"document": rng.choice(documents)}
                sources.append(
                    FindingSource(
                        **base,
                        finding=finding,
                        quote="« " + " ".join(rng.sample(WORDS, 4)) + " »",
                        anonymise=k % 5 != 4,
                        **origin,
                    )
                )
        FindingSource.objects.bulk_create(sources, batch_size=2000)
        # The SWOT: one item per quadrant × dimension (the demo's rule).
        groups: dict = {}
        for finding in findings:
            groups.setdefault((finding.quadrant, finding.dimension_id), []).append(finding)
        items, links = [], []
        for quadrant in quadrants:
            cells = sorted(
                ((k, rows) for k, rows in groups.items() if k[0] == quadrant),
                key=lambda cell: -sum(finding_weight(frequency[f.pk], f.severity) for f in cell[1]),
            )
            for position, (_key, rows) in enumerate(cells):
                heaviest = max(rows, key=lambda f: finding_weight(frequency[f.pk], f.severity))
                items.append(
                    (
                        SwotItem(
                            **base,
                            engagement=engagement,
                            quadrant=quadrant,
                            text=heaviest.statement,
                            position=position,
                        ),
                        rows,
                    )
                )
        SwotItem.objects.bulk_create([item for item, _rows in items])
        for item, rows in items:
            links += [SwotItem.findings.through(swotitem_id=item.pk, finding_id=f.pk) for f in rows]
        SwotItem.findings.through.objects.bulk_create(links, batch_size=5000)
        statuses = RecommendationStatus.values
        recommendations = Recommendation.objects.bulk_create(
            [
                Recommendation(
                    **base,
                    engagement=engagement,
                    dimension=dimensions[i % len(dimensions)],
                    title=f"Recommandation {i + 1} : {rng.choice(WORDS)}",
                    description="Description de la recommandation.",
                    priority=1 + i % 3,
                    status=statuses[i % len(statuses)],
                    rejection_reason="Prématuré." if statuses[i % 4] == "rejected" else "",
                )
                for i in range(n_recommendations)
            ]
        )
        action_statuses = ActionStatus.values
        actions = PlanAction.objects.bulk_create(
            [
                PlanAction(
                    **base,
                    engagement=engagement,
                    recommendation=recommendations[i % len(recommendations)],
                    title=f"Action {i + 1} : {rng.choice(WORDS)}",
                    priority=1 + i % 3,
                    start_on=start + timedelta(days=150 + i % 60),
                    due_on=start + timedelta(days=240 + i % 180),
                    owner=rng.choice(["Hélène Vasseur", "Amara Diallo", "Julien Mercier"]),
                    resource_days=Decimal(1 + i % 5),
                    resource_amount=Decimal(500 * (i % 7)),
                    training_needs="Formation" if i % 3 == 0 else "",
                    status=action_statuses[i % len(action_statuses)],
                    progress=(i * 13) % 101,
                )
                for i in range(n_actions)
            ]
        )
        ActionUpdate.objects.bulk_create(
            [
                ActionUpdate(
                    **base,
                    action=action,
                    on=action.start_on + timedelta(days=10 * (k + 1)),
                    progress=action.progress * (k + 1) // 2,
                    note="Point d'avancement.",
                )
                for action in actions
                for k in range(2)
            ]
        )
    return {
        "engagement": engagement.pk,
        "stakeholders": len(stakeholders),
        "interviews": len(interviews),
        "documents": len(documents),
        "findings": len(findings),
        "sources": len(sources),
        "swot_items": len(items),
        "recommendations": len(recommendations),
        "actions": len(actions),
        "seconds": time.perf_counter() - began,
    }


def setup(scale: float):
    from django.db import transaction
    from django_scopes import scopes_disabled

    from maillage.accounts.models import User
    from maillage.workspaces.initializers import initialize_workspace
    from maillage.workspaces.models import Membership, Role, Workspace

    with transaction.atomic(), scopes_disabled():
        user = User.objects.create_user(email=EMAIL, full_name="Bench")
        workspace = Workspace.objects.create(name="Diagnostics (bench)", slug=SLUG)
        Membership.objects.create(
            workspace=workspace, user=user, role=Role.OWNER, can_view_sensitive=True
        )
    initialize_workspace(workspace)
    counts = generate(workspace, user, BIG, scale, seed=SEED)
    log(f"  {counts}")
    small = generate(workspace, user, SMALL, scale / 10, seed=SEED + 1)
    log(f"  {small}")
    counts["maintenance_seconds"] = maintenance()
    counts["small"] = small
    return user, workspace, counts


def existing():
    from django.db.models import Count
    from django_scopes import scope, scopes_disabled

    from maillage.accounts.models import User
    from maillage.diagnostics.models import Engagement
    from maillage.workspaces.models import Workspace

    with scopes_disabled():
        workspace = Workspace.objects.get(slug=SLUG)
        user = User.objects.get(email=EMAIL)
    counts = {}
    with scope(workspace=workspace):
        for title, key in ((BIG, "big"), (SMALL, "small")):
            row = (
                Engagement.objects.filter(workspace=workspace, title=title)
                .annotate(n=Count("findings"))
                .values("pk", "n")
                .get()
            )
            found = {"engagement": row["pk"], "findings": row["n"]}
            if key == "big":
                counts.update(found)
            else:
                counts["small"] = found
    return user, workspace, counts


# --- the measurements ---------------------------------------------------------------------------


def url_or_none(name: str, pk: int) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs={"workspace_slug": SLUG, "pk": pk})
    except NoReverseMatch:
        return None


PAGES = (
    ("engagement", "engagement page (`diagnostics:engagement`)", "diagnostics:engagement"),
    ("swot", "SWOT (`diagnostics:swot`)", "diagnostics:swot"),
    ("findings", "findings, page 1 (`diagnostics:findings`)", "diagnostics:findings"),
    ("plan", "implementation plan (`diagnostics:plan`)", "diagnostics:plan"),
)
DOCUMENTS = (
    ("report_docx", "diagnostic report, DOCX (`diagnostics:deliverable_docx`)", "docx"),
    ("report_pdf", "diagnostic report, PDF (`diagnostics:deliverable_pdf`)", "pdf"),
)


def pages(pk: int) -> list[tuple[str, str, str | None]]:
    found = [(key, label, url_or_none(name, pk)) for key, label, name in PAGES]
    for key, label, extension in DOCUMENTS:
        url = url_or_none(f"diagnostics:deliverable_{extension}", pk)
        found.append((key, label, url and f"{url}?kind=diagnostic&lang=fr"))
    return found


def page_scenarios(user, pk: int, runs: int, doc_runs: int) -> list[dict]:
    client = signed_in_client(user)
    results = []
    for key, label, url in pages(pk):
        if url is None:
            log(f"  {label}: absent")
            results.append({"key": key, "label": label, "absent": True})
            continue
        try:
            probe = client.get(url)
        except Exception as error:
            log(f"  {label}: fails ({type(error).__name__}: {error})")
            results.append({"key": key, "label": label, "error": type(error).__name__})
            continue
        if probe.status_code != 200:
            log(f"  {label}: answers {probe.status_code}")
            results.append({"key": key, "label": label, "error": str(probe.status_code)})
            continue

        def get(i, url=url):
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            return f"{len(body) // 1024} KB"

        document = key.startswith("report")
        results.append(
            measure(key, label, get, doc_runs if document else runs, warmup=1 if document else 3)
        )
    return results


def queries_of(user, pk: int) -> dict:
    """How many SQL queries each page runs (the deliverables too)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(user)
    found = {}
    for key, _label, url in pages(pk):
        if url is None:
            continue
        try:
            client.get(url)  # warm (session, caches)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
        except Exception:  # noqa: S112 - reported by page_scenarios
            continue
        if response.status_code == 200:
            found[key] = len(captured)
    return found


def profile(user, pk: int, key: str) -> None:
    import cProfile
    import pstats

    client = signed_in_client(user)
    url = {k: u for k, _label, u in pages(pk)}[key]
    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(40)


def worker(args) -> None:
    import django

    django.setup()
    from django.db import connection

    db = connection.vendor
    scale = args.findings / 5000
    if args.reuse:
        user, _workspace, counts = existing()
    else:
        log(f"[{db}] generating an engagement of {args.findings:,} findings (+ a tenth)")
        user, _workspace, counts = setup(scale)
    big, small = counts["engagement"], counts["small"]["engagement"]
    if args.profile:
        profile(user, big, args.profile)
        print("RESULT {}", flush=True)
        return
    # As a server process after loading (config/wsgi.py): what is loaded is left out of full
    # garbage collections.
    gc.freeze()
    log(f"[{db}] pages")
    results = page_scenarios(user, big, args.runs, args.doc_runs)
    result = {
        "db": db,
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "counts": counts,
        "results": results,
        "queries": queries_of(user, big),
        "queries_small": queries_of(user, small),
    }
    log(f"  queries: {result['queries']} (small: {result['queries_small']})")
    print("RESULT " + json.dumps(result), flush=True)


# --- RESULTS.md --------------------------------------------------------------------------------


def section(results: list[dict]) -> str:
    first = results[0]
    counts = first["counts"]
    dbs = [r["db"] for r in results]
    generation = "; ".join(
        f"{r['db']} {r['counts']['seconds']:.0f} s" for r in results if "seconds" in r["counts"]
    )
    size = (
        f"{counts.get('stakeholders', 200):,} stakeholders, {counts.get('interviews', 100):,} "
        f"interviews (one in five a group of 4), {counts.get('documents', 300):,} documents, "
        f"{counts['findings']:,} findings with {counts.get('sources', 12500):,} sources (1–4 "
        f"each), {counts.get('swot_items', 28)} SWOT items, "
        f"{counts.get('recommendations', 50)} recommendations, {counts.get('actions', 200)} "
        "plan actions with 2 updates each"
    )
    lines = [
        HEADING,
        "",
        f"Measured {date.today().isoformat()} with `bench/bench_diagnostics.py` on {machine()}, "
        f"{versions(dbs)}. Bulk-inserted into a fresh database: one engagement with {size}; a "
        "second engagement of the same workspace holds a tenth of it (500 findings) for the "
        f"query counts. Generation: {generation or 'reused from an earlier run'}. Pages "
        "through Django's test Client, signed in as the owner (allowed to read notes), "
        "production settings, what was loaded frozen out of full garbage collections as "
        "`config/wsgi.py` does, after 3 warm-up requests (1 for the deliverables). Load average "
        "(1, 5, 15 min) at the end: "
        + "; ".join(f"{r['db']} {r.get('load', '?')}" for r in results)
        + " (the 2 cores were shared with other work when above 1).",
        "",
    ]
    lines += page_table(results)
    lines += [
        "",
        f"Goal: pages p95 <= {GOAL_MS} ms; a deliverable in under {GOAL_DOC_S} s.",
        "",
    ]
    lines += query_table(results, "findings")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser)
    parser.add_argument("--findings", type=int, default=5000)
    parser.add_argument("--doc-runs", type=int, default=10, help="timed deliverable downloads")
    run_benchmark(
        parser.parse_args(),
        heading=HEADING,
        worker=worker,
        run_worker=run_worker,
        section=section,
    )


if __name__ == "__main__":
    main()
