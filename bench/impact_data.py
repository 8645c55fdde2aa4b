"""Synthetic impact data for bench/bench_impact.py: indicators, targets, measurements and
breakdowns of one workspace, written with bulk inserts (Django set up, a database migrated).

Shape (defaults): 1,000 monthly indicators, each followed for the workspace itself and, for
five indicators out of six, for one of five actors (the subject that measures it; the
workspace's own follow-up, created by `indicator_create` in real use, then has no
measurements). Each indicator has 60 monthly periods (November 2021 to October 2026) with one
target and one measurement each: 60,000 of each. Every measurement of an indicator that is not a
ratio carries 10 breakdown values, the categories of the default dimensions gender (3), age
band (4) and territory (3); the services refuse breakdowns on ratios, so with 10 % ratios the
table holds 540,000 breakdown values.

Aggregations: 40 % sums, 15 % running totals (cumulative), 15 % averages, 20 % latest values,
10 % ratios (as percentages). Values are what the services would store: additive breakdowns
add up to the value dimension by dimension, running totals never go down, a ratio's value is
numerator × 100 ÷ denominator quantised to four places, `indicator` equals `tracked.indicator`.

Measurements, targets and breakdowns are inserted with `cursor.executemany` (about ten times
faster than `bulk_create` for 700,000 rows), ids chosen here (sequences reset afterwards on
PostgreSQL); every column is given, from the model's defaults when not set.
"""

import random
import time
from datetime import date
from decimal import Decimal

SEED = 20_261_130
FIRST_MONTH = (2021, 11)  # 60 months: November 2021 to October 2026
DIMENSIONS = 3  # gender, age band, territory: 3 + 4 + 3 = 10 categories
ACTORS = 5
PATTERN = (
    ["sum"] * 8 + ["cumulative"] * 3 + ["average"] * 3 + ["latest"] * 4 + ["ratio"] * 2
)  # 20 slots: 40 / 15 / 15 / 20 / 10 %
FOUR_PLACES = Decimal("0.0001")


def months(count: int) -> list[tuple[date, date]]:
    import calendar

    year, month = FIRST_MONTH
    found = []
    for _ in range(count):
        last = calendar.monthrange(year, month)[1]
        found.append((date(year, month, 1), date(year, month, last)))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return found


class Inserter:
    """INSERTs of every concrete column of `model`: `columns` given per row, the others fixed
    (the model's defaults, or `fixed`)."""

    def __init__(self, model, columns: list[str], fixed: dict):
        from django.db import connection

        self.connection = connection
        fields = {f.attname: f for f in model._meta.concrete_fields}
        others = [name for name in fields if name not in columns]
        values = []
        for name in others:
            field = fields[name]
            value = fixed[name] if name in fixed else field.get_default()
            values.append(field.get_db_prep_save(value, connection))
        self.fixed = tuple(values)
        quote = connection.ops.quote_name
        names = ", ".join(quote(fields[n].column) for n in [*columns, *others])
        marks = ", ".join(["%s"] * len(fields))
        table = quote(model._meta.db_table)
        self.sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - model names

    def insert(self, rows: list[tuple], batch: int = 5000) -> None:
        fixed = self.fixed
        with self.connection.cursor() as cursor:
            for index in range(0, len(rows), batch):
                cursor.executemany(self.sql, [row + fixed for row in rows[index : index + batch]])


def _split(total: int, weights: tuple[int, ...]) -> list[int]:
    """Integer parts of `total` in proportion to `weights`, adding up to it (rest to the last)."""
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def generate(
    workspace, user, *, indicators: int = 1000, periods: int = 60, seed: int = SEED
) -> dict:
    """Write the data set into `workspace` (inside a scope); return counts and seconds."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from maillage.core.sdg import goals_to_mask
    from maillage.ecosystem.models import Actor
    from maillage.ecosystem.services import name_key, search_text
    from maillage.impact import services
    from maillage.impact.models import (
        BreakdownDimension,
        Indicator,
        Measurement,
        MeasurementBreakdown,
        Target,
        TrackedIndicator,
    )

    began = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    tenant = {
        "workspace_id": workspace.pk,
        "created_by_id": user.pk,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    services.breakdowns_ensure_defaults(workspace)
    dimensions = list(
        BreakdownDimension.objects.filter(workspace=workspace)
        .prefetch_related("categories")
        .order_by("position")[:DIMENSIONS]
    )
    categories = [[c.pk for c in d.categories.all()] for d in dimensions]
    weights = [tuple(rng.randint(2, 9) for _ in row) for row in categories]

    with transaction.atomic():
        actors = []
        for number in range(ACTORS):
            actor = Actor(
                workspace=workspace,
                created_by=user,
                name=f"Association bénéficiaire {number + 1} (bench)",
                profile="association_employer",
                level="local",
            )
            actor.search_text = search_text(actor)
            actor.name_key = name_key(actor.name)
            actors.append(actor)
        Actor.objects.bulk_create(actors)

        rows = []
        for number in range(indicators):
            aggregation = PATTERN[number % len(PATTERN)]
            goals = rng.sample(range(1, 18), rng.randint(1, 3))
            rows.append(
                Indicator(
                    workspace=workspace,
                    created_by=user,
                    code=f"B-{number:04d}",
                    name=f"Indicateur de banc d'essai {number:04d} ({aggregation})",
                    definition="Indicateur synthétique du banc d'essai.",
                    unit="%" if aggregation == "ratio" else "personnes",
                    aggregation=aggregation,
                    frequency="month",
                    decimal_places=2 if aggregation in ("average", "ratio") else 0,
                    sdg_goals=goals_to_mask(goals),
                )
            )
        created = Indicator.objects.bulk_create(rows, batch_size=500)
        links = [
            Indicator.dimensions.through(indicator_id=i.pk, breakdowndimension_id=d.pk)
            for i in created
            if i.aggregation != "ratio"
            for d in dimensions
        ]
        Indicator.dimensions.through.objects.bulk_create(links, batch_size=2000)
        tracks = [
            TrackedIndicator(
                workspace=workspace, created_by=user, indicator=i, subject_kind="workspace"
            )
            for i in created
        ]
        measuring = {}  # indicator pk -> the TrackedIndicator that holds its figures
        for number, indicator in enumerate(created):
            owner = number % (ACTORS + 1)
            if owner:
                tracked = TrackedIndicator(
                    workspace=workspace,
                    created_by=user,
                    indicator=indicator,
                    subject_kind="actor",
                    subject_id=actors[owner - 1].pk,
                )
                tracks.append(tracked)
                measuring[indicator.pk] = tracked
            else:
                measuring[indicator.pk] = tracks[number]
        TrackedIndicator.objects.bulk_create(tracks, batch_size=1000)

        shown = months(periods)
        next_measurement = (Measurement.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        next_breakdown = (MeasurementBreakdown.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        next_target = (Target.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        measurements, breakdowns, targets = [], [], []
        for indicator in created:
            tracked = measuring[indicator.pk]
            aggregation = indicator.aggregation
            level = rng.randint(20, 400)
            running = 0
            running_parts = [[0] * len(row) for row in categories]
            for start, end in shown:
                numerator = denominator = None
                parts = None
                if aggregation == "ratio":
                    denominator = rng.randint(20, 200)
                    numerator = rng.randint(denominator // 3, denominator)
                    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(FOUR_PLACES)
                    target = Decimal(rng.randint(50, 90))
                elif aggregation == "average":
                    value = Decimal(rng.randint(400, 950)) / 100
                    parts = [
                        [value + Decimal(rng.randint(-50, 50)) / 100 for _ in row]
                        for row in categories
                    ]
                    target = Decimal(8)
                else:
                    flow = max(0, level + rng.randint(-level // 4, level // 4))
                    if aggregation == "cumulative":
                        running += flow
                        value = Decimal(running)
                        for index, row in enumerate(weights):
                            split = _split(flow, row)
                            running_parts[index] = [
                                a + b for a, b in zip(running_parts[index], split, strict=True)
                            ]
                        parts = [list(map(Decimal, row)) for row in running_parts]
                        target = Decimal(running + level // 10)
                    else:  # sum, latest
                        value = Decimal(flow)
                        parts = [list(map(Decimal, _split(flow, row))) for row in weights]
                        target = Decimal(level)
                measurements.append(
                    (
                        next_measurement,
                        tracked.pk,
                        indicator.pk,
                        start,
                        end,
                        value,
                        numerator if numerator is None else Decimal(numerator),
                        denominator if denominator is None else Decimal(denominator),
                        end,
                        user.pk,
                    )
                )
                targets.append((next_target, tracked.pk, indicator.pk, start, end, target))
                next_target += 1
                if parts is not None:
                    for row_ids, row_values in zip(categories, parts, strict=True):
                        for category, part in zip(row_ids, row_values, strict=True):
                            breakdowns.append((next_breakdown, next_measurement, category, part))
                            next_breakdown += 1
                next_measurement += 1
        planned = time.perf_counter()
        fixed = dict(tenant)
        Inserter(
            Measurement,
            [
                "id",
                "tracked_id",
                "indicator_id",
                "period_start",
                "period_end",
                "value",
                "numerator",
                "denominator",
                "measured_on",
                "measured_by_id",
            ],
            fixed,
        ).insert(measurements)
        Inserter(
            Target,
            ["id", "tracked_id", "indicator_id", "period_start", "period_end", "value"],
            fixed,
        ).insert(targets)
        Inserter(
            MeasurementBreakdown, ["id", "measurement_id", "category_id", "value"], fixed
        ).insert(breakdowns, batch=10_000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [Measurement, MeasurementBreakdown, Target]
                ):
                    cursor.execute(sql)
    return {
        "indicators": len(created),
        "tracked": len(tracks),
        "subjects": ACTORS + 1,
        "measurements": len(measurements),
        "targets": len(targets),
        "breakdowns": len(breakdowns),
        "plan_seconds": planned - began,
        "insert_seconds": time.perf_counter() - planned,
        "seconds": time.perf_counter() - began,
        "periods": [shown[0][0].isoformat(), shown[-1][1].isoformat()],
    }
