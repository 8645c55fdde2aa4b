"""What every rendering of the funder report shares: the title, the header's facts, the rows of
the two sides, the drill-down items as shown (salaries hidden from members without the
permission), the funding plan's columns, links and file names.

The page (`finance/agreement_report.html`), the PDF (`finance/report_print.html`), the DOCX,
the XLSX and the JSON lay out these, so they always say the same thing. Texts are written in
the active language: a document in another language is built and rendered inside
`translation.override` (`in_language`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.core.money import EM_DASH, format_decimal, format_euros, format_hours

from .cerfa import Drill, Line, Report, build_report

#: The languages a funder report can be written in.
LANGUAGES = ("fr", "en")

CENT = Decimal("0.01")


def language_or_default(language: str | None) -> str:
    """`language` if the report can be written in it, else the active one, else French."""
    for candidate in (language, (get_language() or "").split("-")[0]):
        if candidate in LANGUAGES:
            return candidate
    return "fr"


@contextmanager
def in_language(language: str) -> Iterator[None]:
    with translation.override(language):
        yield


def build(agreement, language: str) -> Report:
    """The report of `agreement`, its texts in `language`, stamped with the time it was built."""
    with in_language(language):
        report = build_report(agreement)
    report.generated_at = timezone.now()
    return report


def title() -> str:
    return _("Financial report of the funded action (CERFA 15059)")


def certification() -> str:
    return _("I certify that the information in this financial report is accurate.")


def filename(report: Report, extension: str) -> str:
    """ "financial-report-region-25.pdf" (its first word in the active language)."""
    stem = slugify(_("financial report")) or "report"
    return f"{stem}-{slugify(report.agreement.reference) or report.agreement.pk}.{extension}"


def day(value: datetime.date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def period(start: datetime.date, end: datetime.date) -> str:
    return f"{day(start)} – {day(end)}"


def percent(value: Decimal | None) -> str:
    if value is None:
        return EM_DASH
    return f"{format_decimal(value, 1)}\u00a0%"


def money(value: Decimal | None) -> str:
    return format_euros(value)


def signed_money(value: Decimal) -> str:
    text = format_euros(value)
    return f"+{text}" if value > 0 else text


def generated_at(report: Report) -> str:
    stamp = timezone.localtime(report.generated_at or timezone.now())
    return date_format(stamp, "DATETIME_FORMAT")


def funder_label(report: Report) -> str:
    funder = report.agreement.funder
    if funder.is_public and funder.level:
        return f"{funder.name} ({funder.get_level_display()})"
    return funder.name


def projects_label(report: Report) -> str:
    return ", ".join(str(project) for project in report.projects) or EM_DASH


@dataclass
class Fact:
    label: str
    text: str
    amount: Decimal | None = None  # the figure behind `text`, for spreadsheets
    key: str = ""


def header(report: Report) -> list[Fact]:
    """The report's header: who, what, for which period, and the amounts at a glance."""
    agreement = report.agreement

    def amount(label: str, value: Decimal) -> Fact:
        return Fact(label, money(value), value)

    return [
        Fact(_("Association"), agreement.workspace.name),
        Fact(_("Agreement"), f"{agreement.reference} – {agreement.title}"),
        Fact(_("Funder"), funder_label(report)),
        Fact(_("Projects (the action)"), projects_label(report), key="projects"),
        Fact(_("Eligible period"), period(report.start, report.end)),
        amount(_("Amount granted"), agreement.amount_granted),
        amount(_("Received (instalments)"), report.received),
        amount(_("Eligible costs of the action"), report.eligible),
        amount(_("Charged to this funder"), report.charged),
        amount(_("Claimable from this funder"), report.claimable),
    ]


def in_kind_note() -> str:
    return _(
        "Voluntary contributions in kind (86 and 87) are shown below the totals and never added "
        "to them: they are valued, not paid."
    )


def threshold_note(report: Report) -> str:
    return _(
        "A line whose actual amount differs from the planned one by more than %(threshold)s "
        "needs an explanation."
    ) % {"threshold": percent(report.threshold)}


# --- the two sides ---------------------------------------------------------------------------


@dataclass
class Item:
    """A drill-down item as shown: its link, and whether its rate and amount may be shown."""

    drill: Drill
    url: str = ""
    shows_money: bool = True

    @property
    def is_time(self) -> bool:
        return self.drill.kind == "time"

    @property
    def dates(self) -> str:
        if self.drill.date == self.drill.end:
            return day(self.drill.date)
        return period(self.drill.date, self.drill.end)


@dataclass
class Row:
    """A line of one side of the report, with its place in the table."""

    line: Line
    kind: str  # "line", "sub" (a funder level under 74), "total" or "in_kind"
    items: list[Item] = field(default_factory=list)
    version: int = 0  # of the stored explanation; 0 without one

    @property
    def anchor(self) -> str:
        return "line-" + self.line.key.replace(":", "-")

    @property
    def explainable(self) -> bool:
        return self.kind != "total"

    @property
    def missing_explanation(self) -> bool:
        return self.line.needs_explanation and not self.line.explanation

    @property
    def time_items(self) -> list[Item]:
        return [item for item in self.items if item.is_time]

    @property
    def ledger_items(self) -> list[Item]:
        return [item for item in self.items if not item.is_time]

    @property
    def ratio(self) -> str:
        return percent(self.line.ratio)

    @property
    def variance(self) -> str:
        if not self.line.planned and not self.line.actual:
            return EM_DASH
        return signed_money(self.line.variance)


class Links:
    """Links to the pages behind a report's items; "" while a page does not exist."""

    def __init__(self, workspace, base_url: str = ""):
        self.slug = workspace.slug
        self.base_url = base_url.rstrip("/")

    def __call__(self, name: str, pk: int | None) -> str:
        if pk is None:
            return ""
        try:
            path = reverse(name, kwargs={"workspace_slug": self.slug, "pk": pk})
        except NoReverseMatch:
            return ""
        return f"{self.base_url}{path}"

    def absolute(self, url: str) -> str:
        """An item's URL as a document needs it (the checks give paths)."""
        if url.startswith("/") and self.base_url:
            return f"{self.base_url}{url}"
        return url

    def item(self, drill: Drill) -> str:
        if drill.kind == "time":
            return self("finance:person", drill.person_id)
        return self("finance:ledger_line", drill.line_id)


def _items(line: Line, links: Links | None, sensitive: bool) -> list[Item]:
    return [
        Item(
            drill,
            links.item(drill) if links else "",
            shows_money=sensitive or drill.kind != "time",
        )
        for drill in line.drill
    ]


def sides(
    report: Report,
    *,
    sensitive: bool,
    links: Links | None = None,
    versions: dict[str, int] | None = None,
) -> tuple[list[Row], list[Row]]:
    """The charges side and the products side, in the form's order: lines, total, in kind."""
    versions = versions or {}

    def row(line: Line, kind: str) -> Row:
        if kind == "line" and line.level:
            kind = "sub"
        return Row(line, kind, _items(line, links, sensitive), versions.get(line.key, 0))

    charges = [row(line, "line") for line in report.charges]
    charges += [row(report.charges_total, "total"), row(report.in_kind_use, "in_kind")]
    products = [row(line, "line") for line in report.products]
    products += [row(report.products_total, "total"), row(report.in_kind_source, "in_kind")]
    return charges, products


def all_rows(report: Report, *, sensitive: bool, links: Links | None = None) -> list[Row]:
    charges, products = sides(report, sensitive=sensitive, links=links)
    return charges + products


def explanations(report: Report) -> list[Line]:
    """The lines that carry an explanation, or need one, in the form's order."""
    return [line for line in report.lines if line.explanation or line.needs_explanation]


# --- the funding plan ------------------------------------------------------------------------


@dataclass
class FundingPlan:
    headers: list[str]  # category, total, this funder, each other agreement, the association
    rows: list[list]  # [label, total, this, *others, own] (Decimals)
    total: list  # ["Total", sums...]


def funding_plan(report: Report) -> FundingPlan:
    others = report.other_agreements
    headers = [
        _("Eligible category"),
        _("Eligible costs"),
        report.agreement.reference,
        *(f"{other.reference}" for other in others),
        _("The association's own funds"),
    ]
    rows = [
        [
            row.label,
            row.total,
            row.this,
            *(row.others.get(o.pk, Decimal(0)) for o in others),
            row.own,
        ]
        for row in report.funding
    ]
    sums = [sum((r[index] for r in rows), Decimal(0)) for index in range(1, len(headers))]
    return FundingPlan(headers, rows, [_("Total"), *sums])


def other_agreements(report: Report) -> list[tuple[str, str]]:
    """(reference, "title – funder") of the other agreements in the funding plan."""
    return [(o.reference, f"{o.title} – {o.funder.name}") for o in report.other_agreements]


# --- the qualitative part --------------------------------------------------------------------


@dataclass
class IndicatorRow:
    indicator: object
    code: str
    name: str
    quantitative: bool
    actual: str
    target: str
    progress: str
    status: str  # met, behind, neutral or ""
    text: str  # a qualitative indicator's latest observation
    state: object = None  # the roll-up's Progress (impact/_progress.html shows it)


def indicator_rows(report: Report) -> list[IndicatorRow]:
    rows = []
    for summary in report.indicators:
        indicator = summary.indicator
        progress = summary.progress
        shown = ""
        if progress is not None and progress.percent is not None:
            shown = f"{format_decimal(progress.percent, 0)}\u00a0%"
        rows.append(
            IndicatorRow(
                indicator=indicator,
                code=indicator.code,
                name=indicator.name,
                quantitative=indicator.is_quantitative,
                actual=summary.actual_display,
                target=summary.target_display,
                progress=shown,
                status=progress.status if progress is not None else "",
                text=summary.latest_text,
                state=progress,
            )
        )
    return rows


def status_label(status: str) -> str:
    return {
        "met": _("Target met"),
        "behind": _("Behind target"),
        "neutral": _("Followed (no direction)"),
    }.get(status, "")


def hours(value: Decimal | None) -> str:
    return format_hours(value)
