"""The funder report as plain data (JSON): every line with its drill-down items, the totals, the
funding plan, the indicators and the findings. Amounts are strings ("574.35"), so that no
decimal is lost on the way; hours and percentages too.

`report_as_dict(report, sensitive=...)` serves the download, the `funder_report` command and
the API. Without `sensitive` (the member may not see salaries), a time item has no `rate` and
no `amount` (both null); the lines' totals stay.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.utils import timezone

from maillage.core.money import round_euro

from .cerfa import Drill, Line, Report
from .cerfa_layout import CENT, funder_label

FORMAT = "maillage.finance.funder_report"
VERSION = 1
CONTENT_TYPE = "application/json"


def _money(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return str(round_euro(value))


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _item(drill: Drill, sensitive: bool) -> dict:
    shows_money = sensitive or drill.kind != "time"
    item = {
        "kind": drill.kind,
        "start": _day(drill.date),
        "end": _day(drill.end),
        "label": drill.label,
        "amount": _money(drill.amount) if shows_money else None,
    }
    if drill.kind == "time":
        item.update(
            person_id=drill.person_id,
            hours=_number(drill.hours.quantize(CENT) if drill.hours is not None else None),
            rate=_money(drill.rate) if shows_money and drill.rate is not None else None,
        )
    else:
        item.update(
            ledger_line_id=drill.line_id,
            journal=drill.journal,
            piece_ref=drill.piece_ref,
            account=drill.account,
            share=_number(drill.share),
        )
    return item


def _line(line: Line, sensitive: bool, *, kind: str) -> dict:
    return {
        "key": line.key,
        "label": line.label,
        "kind": kind,
        "level": line.level,
        "planned": _money(line.planned),
        "actual": _money(line.actual),
        "variance": _money(line.variance),
        "ratio": _number(line.ratio),
        "needs_explanation": line.needs_explanation,
        "explanation": line.explanation,
        "items": [_item(drill, sensitive) for drill in line.drill],
    }


def report_as_dict(report: Report, *, sensitive: bool) -> dict:
    """The report as JSON-ready data (strings for amounts); time rates and amounts only when
    `sensitive`."""
    agreement = report.agreement
    funder = agreement.funder
    others = report.other_agreements
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": (report.generated_at or timezone.now()).isoformat(),
        "salaries_shown": sensitive,
        "association": agreement.workspace.name,
        "agreement": {
            "id": agreement.pk,
            "reference": agreement.reference,
            "title": agreement.title,
            "status": agreement.status,
            "funder": {
                "id": funder.pk,
                "name": funder.name,
                "label": funder_label(report),
                "source": funder.source,
                "level": funder.level,
            },
            "projects": [
                {"id": project.pk, "code": project.code, "name": project.name}
                for project in report.projects
            ],
            "start": _day(report.start),
            "end": _day(report.end),
            "amount_granted": _money(agreement.amount_granted),
            "eligible_categories": list(agreement.eligible_categories),
            "max_rate": _number(agreement.max_rate),
            "indirect_rate": _number(agreement.indirect_rate),
            "indirect_base": agreement.indirect_base,
        },
        "totals": {
            "received": _money(report.received),
            "eligible": _money(report.eligible),
            "charged": _money(report.charged),
            "claimable": _money(report.claimable),
            "charges_planned": _money(report.charges_total.planned),
            "charges_actual": _money(report.charges_total.actual),
            "products_planned": _money(report.products_total.planned),
            "products_actual": _money(report.products_total.actual),
            "planned_balance": _money(report.planned_balance),
            "balance": _money(report.balance),
            "in_kind_use": _money(report.in_kind_use.actual),
            "in_kind_source": _money(report.in_kind_source.actual),
        },
        "variance_threshold_percent": _number(report.threshold),
        "charges": [_line(line, sensitive, kind="line") for line in report.charges],
        "charges_total": _line(report.charges_total, sensitive, kind="total"),
        "in_kind_use": _line(report.in_kind_use, sensitive, kind="in_kind"),
        "products": [
            _line(line, sensitive, kind="sub" if line.level else "line") for line in report.products
        ],
        "products_total": _line(report.products_total, sensitive, kind="total"),
        "in_kind_source": _line(report.in_kind_source, sensitive, kind="in_kind"),
        "missing_explanations": [line.key for line in report.missing_explanations],
        "funding_plan": {
            "agreements": [
                {"id": o.pk, "reference": o.reference, "funder": o.funder.name} for o in others
            ],
            "rows": [
                {
                    "category": row.category,
                    "label": row.label,
                    "total": _money(row.total),
                    "this": _money(row.this),
                    "others": {
                        o.reference: _money(row.others.get(o.pk, Decimal(0))) for o in others
                    },
                    "own": _money(row.own),
                }
                for row in report.funding
            ],
        },
        "indicators": [
            {
                "id": summary.indicator.pk,
                "code": summary.indicator.code,
                "name": summary.indicator.name,
                "unit": summary.indicator.display_unit,
                "quantitative": summary.indicator.is_quantitative,
                "actual": _number(summary.actual.value),
                "target": _number(summary.target.value),
                "progress_percent": _number(summary.progress.percent)
                if summary.progress is not None
                else None,
                "status": summary.progress.status if summary.progress is not None else None,
                "latest_observation": summary.latest_text,
            }
            for summary in report.indicators
        ],
        "findings": [
            {
                "kind": finding.kind,
                "message": finding.message,
                "amount": _money(finding.amount),
                "items": [{"label": item.label, "url": item.url} for item in finding.items],
            }
            for finding in report.findings
        ],
    }


def render_json(report: Report, *, sensitive: bool) -> str:
    return json.dumps(report_as_dict(report, sensitive=sensitive), ensure_ascii=False, indent=2)
