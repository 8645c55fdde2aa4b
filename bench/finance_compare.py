"""Check that a change of the allocation engine, the checks or the funder report changes no
figure: the current code and a reference copy of `finance/allocation.py`, `finance/checks.py`
and `finance/reports/cerfa.py` (e.g. from `git show HEAD:...`) run side by side on the
benchmark's database (bench/bench_finance.py, run once before) and every output is compared:

- `project_costs` of every project (every field of every cost);
- `allocate_projects` of every project: each agreement's eligible costs, charges, refusals and
  totals (eligible, charged, indirect, maximum, claimable), the over-charged costs;
- `run_checks`: every finding (kind, message, amount, items, ids), in order;
- `build_report` of `--reports` agreements drawn at random: every line (planned, actual,
  drill-down items, explanation flags), the funding plan, the findings, the totals;
- `project_actuals` of ten projects.

    git show HEAD:src/maillage/finance/allocation.py > /tmp/ref/allocation.py   # and the others
    .venv/bin/python bench/finance_compare.py --reference /tmp/ref --db sqlite

Exits 1 on the first difference, with what differs.
"""

import argparse
import importlib.util
import os
import random
import sys
import time
from pathlib import Path

from bench_finance import DATABASES, ROOT, SLUG


def load(name: str, path: Path, replacements: dict[str, str]):
    """Load `path` as module `maillage.finance.<name>` (relative imports resolve in the
    package), its imports of the reference modules redirected by `replacements`."""
    source = path.read_text()
    for old, new in replacements.items():
        if old not in source:
            raise SystemExit(f"{path}: {old!r} not found")
        source = source.replace(old, new)
    package = "maillage.finance.reports" if name.startswith("reports.") else "maillage.finance"
    full = f"maillage.finance.{name}"
    spec = importlib.util.spec_from_loader(full, loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = package
    module.__file__ = str(path)
    sys.modules[full] = module
    exec(compile(source, str(path), "exec"), module.__dict__)  # noqa: S102 - our own code
    return module


def reference_modules(directory: Path):
    allocation = load("_ref_allocation", directory / "allocation.py", {})
    checks = load(
        "_ref_checks",
        directory / "checks.py",
        {"from .allocation import": "from ._ref_allocation import"},
    )
    cerfa = load(
        "reports._ref_cerfa",
        directory / "cerfa.py",
        {
            "from .. import checks": "from .. import _ref_checks as checks",
            "from ..allocation import": "from .._ref_allocation import",
        },
    )
    return allocation, checks, cerfa


def cost_tuple(cost) -> tuple:
    return deep(
        (
            cost.source,
            cost.project_id,
            cost.category,
            cost.start,
            cost.end,
            cost.amount,
            cost.agreement_id,
            cost.person_id,
            cost.hours,
            cost.rate,
            cost.in_kind,
            cost.line_id,
            cost.allocation_id,
        )
    )


def exact(value):
    """A Decimal with its exponent (1.50 and 1.5 differ when shown), anything else as is."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return (str(value),)
    return value


def deep(value):
    if isinstance(value, (list, tuple)):
        return tuple(deep(v) for v in value)
    if isinstance(value, set):
        return tuple(sorted(value))
    if isinstance(value, dict):
        return tuple(sorted((k, deep(v)) for k, v in value.items()))
    return exact(value)


def figures_tuple(figures) -> tuple:
    return (
        sorted((cost_tuple(c) for c in figures.eligible_costs), key=repr),
        sorted(
            ((cost_tuple(ch.cost), ch.agreement_id, exact(ch.share)) for ch in figures.charges),
            key=repr,
        ),
        sorted(
            (
                (cost_tuple(ch.cost), ch.agreement_id, exact(ch.share), r)
                for ch, r in figures.refused
            ),
            key=repr,
        ),
        figures.eligible_direct,
        figures.eligible_staff,
        figures.eligible_indirect,
        figures.eligible_total,
        figures.charged_direct,
        figures.charged_staff,
        figures.charged_indirect,
        figures.charged_total,
        figures.max_fundable,
        figures.claimable,
    )


#: With --order-free: what depends on the order of the costs is compared without it: a
#: finding's example items by their number (the first 20 costs), a drill-down item without its
#: rounded amount (two items of equal exact amounts share the cent of a tie in the order of the
#: costs) — the line totals still compared. The reference took the costs in the order the
#: database grouped them, arbitrary on PostgreSQL; the engine now orders them by person,
#: project, agreement and month, the order SQLite gave.
EXAMPLES_AS_COUNT = False


def finding_tuple(finding) -> tuple:
    items = tuple((item.label, item.url) for item in finding.items)
    if EXAMPLES_AS_COUNT:
        items = (len(items), sorted(set(items) & {i for i in items if "/agreements/" in i[1]}))
    return (
        finding.kind,
        finding.message,
        exact(finding.amount),
        items,
        tuple(sorted(finding.agreement_ids)),
        tuple(sorted(finding.project_ids)),
        finding.person_id,
    )


def report_tuple(report) -> tuple:
    def line(x):
        items = [dict(vars(item)) for item in x.drill]
        if EXAMPLES_AS_COUNT:
            for item in items:
                item["amount"] = None
        drill = sorted((deep(list(item.values())) for item in items), key=repr)
        return (
            x.key,
            x.label,
            exact(x.planned),
            exact(x.actual),
            x.level,
            drill,
            x.explanation,
            x.needs_explanation,
        )

    return (
        [line(x) for x in report.lines],
        [deep([r.category, r.total, r.this, r.others, r.own]) for r in report.funding],
        [a.pk for a in report.other_agreements],
        figures_tuple(report.figures),
        exact(report.received),
        exact(report.ledger_total),
        [finding_tuple(f) for f in report.findings],
        [p.pk for p in report.projects],
        exact(report.balance),
    )


def same(what: str, new, old) -> None:
    if new == old:
        print(f"  same: {what}", flush=True)
        return
    print(f"DIFFERENT: {what}", flush=True)
    if isinstance(new, (list, tuple)) and isinstance(old, (list, tuple)):
        print(f"  lengths {len(new)} (new) / {len(old)} (reference)")
        for index, (a, b) in enumerate(zip(new, old, strict=False)):
            if a != b:
                print(f"  first difference at {index}:\n    new {a!r}\n    ref {b!r}")
                break
    raise SystemExit(1)


def compare(reference: Path, reports: int, skip_checks: bool) -> None:
    import django

    django.setup()
    from django_scopes import scope, scopes_disabled

    from maillage.finance import allocation, checks
    from maillage.finance.models import FundingAgreement, Project
    from maillage.finance.reports import cerfa
    from maillage.workspaces.models import Workspace

    ref_allocation, ref_checks, ref_cerfa = reference_modules(reference)
    with scopes_disabled():
        workspace = Workspace.objects.get(slug=SLUG)
    with scope(workspace=workspace):
        project_ids = list(Project.objects.values_list("pk", flat=True))

        def timed(label, function):
            began = time.perf_counter()
            value = function()
            print(f"  {label}: {time.perf_counter() - began:.1f} s", flush=True)
            return value

        new = timed("new costs", lambda: allocation.project_costs(workspace, project_ids))
        old = timed("ref costs", lambda: ref_allocation.project_costs(workspace, project_ids))
        same(
            f"project_costs, {len(new):,} costs",
            sorted(map(cost_tuple, new), key=repr),
            sorted(map(cost_tuple, old), key=repr),
        )
        new = timed("new allocation", lambda: allocation.allocate_projects(workspace, project_ids))
        old = timed(
            "ref allocation", lambda: ref_allocation.allocate_projects(workspace, project_ids)
        )
        same("agreements", sorted(new.figures), sorted(old.figures))
        for pk in sorted(new.figures):
            if figures_tuple(new.figures[pk]) != figures_tuple(old.figures[pk]):
                same(
                    f"figures of agreement {pk}",
                    figures_tuple(new.figures[pk]),
                    figures_tuple(old.figures[pk]),
                )
        print(f"  same: figures of {len(new.figures)} agreements", flush=True)
        same(
            "over-charged costs",
            sorted(((cost_tuple(c), exact(s)) for c, s in new.over_charged()), key=repr),
            sorted(((cost_tuple(c), exact(s)) for c, s in old.over_charged()), key=repr),
        )
        same("projects by agreement", new.projects_by_agreement, old.projects_by_agreement)
        del new, old
        if not skip_checks:
            found = timed("new checks", lambda: checks.run_checks(workspace))
            expected = timed("ref checks", lambda: ref_checks.run_checks(workspace))
            same(
                f"run_checks, {len(found)} findings (as a set)",
                sorted(map(finding_tuple, found), key=repr),
                sorted(map(finding_tuple, expected), key=repr),
            )
            same(
                "run_checks in order",
                list(map(finding_tuple, found)),
                list(map(finding_tuple, expected)),
            )
        agreements = list(FundingAgreement.objects.select_related("funder").order_by("pk"))
        for agreement in random.Random(11).sample(agreements, min(reports, len(agreements))):
            same(
                f"build_report of {agreement.reference}",
                report_tuple(cerfa.build_report(agreement)),
                report_tuple(ref_cerfa.build_report(agreement)),
            )
        for project in Project.objects.order_by("pk")[:10]:
            same(
                f"project_actuals of {project.code}",
                deep(allocation.project_actuals(project)),
                deep(ref_allocation.project_actuals(project)),
            )
    print("No difference.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", required=True, help="folder of the reference copies")
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--reports", type=int, default=40)
    parser.add_argument("--skip-checks", action="store_true")
    parser.add_argument(
        "--order-free",
        action="store_true",
        help="compare what depends on the order of the costs without it (EXAMPLES_AS_COUNT)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        global EXAMPLES_AS_COUNT
        EXAMPLES_AS_COUNT = args.order_free
        compare(Path(args.reference), args.reports, args.skip_checks)
        return
    import subprocess

    env = DATABASES.env_for(args.db)
    command = [sys.executable, __file__, "--worker", "--reference", args.reference]
    command += ["--reports", str(args.reports)] + (["--skip-checks"] if args.skip_checks else [])
    command += ["--order-free"] if args.order_free else []
    sys.exit(subprocess.run(command, cwd=ROOT, env=env, check=False).returncode)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
