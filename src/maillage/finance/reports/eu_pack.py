"""The EU "contrôle de service fait" pack of one agreement: what a controller asks for to verify
the costs declared, in one ZIP file.

- ``timesheets/``: one monthly timesheet PDF per person and month in which they recorded hours
  on the agreement's projects inside its eligible period (the timesheet to sign, written by
  `finance.timesheet`: all the person's hours of the month, every project);
- ``supporting-documents.xlsx`` and ``.pdf``: every ledger share charged to the agreement —
  date, journal, entry number, account, label, FEC PieceRef and PieceDate, the line's amount,
  the share of it charged, the amount charged;
- ``summary.pdf``: the agreement, its period, the action's costs by category (the funder
  report's lines), what is charged to this agreement, the eligible, charged and claimable
  totals, and each person's hours.

The summary is built on the funder report (`cerfa.build_report`), so its lines and totals are
the report's to the cent. What is charged to the agreement is rounded once over its items (each
ledger share, each person's time, the indirect costs) with `split_rounded`: the items add up to
the charged total exactly, the list of supporting documents to its ledger part, the people's
amounts to its staff part. Hourly rates and the cost of each person's time appear only when the
pack is written for someone allowed to see salaries; hours always do.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.core.exports import Column, Kind, write_xlsx
from maillage.core.money import round_hours
from maillage.impact.reports import css_string

from ..allocation import HUNDRED, ZERO, Charge, split_rounded
from ..models import FundingAgreement, LedgerLine, Person, TimeEntry
from ..models.accounts import CHARGE_CATEGORIES, STAFF_CATEGORY
from .cerfa import INDIRECT, Report, build_report

#: Progress steps, reported as (step, done, total).
READING, TIMESHEETS, DOCUMENTS, SUMMARY = "reading", "timesheets", "documents", "summary"

Progress = Callable[[str, int, int], None]
#: Renders the timesheet of (person, year, month) as PDF bytes.
TimesheetRenderer = Callable[[Person, int, int], bytes]


@dataclass
class DocumentRow:
    """A ledger share charged to the agreement: the supporting document a controller checks."""

    line: LedgerLine
    project_code: str
    share: Decimal  # percent of the line's amount charged to this agreement
    charged: Decimal  # rounded (the rows add up to the ledger part of the charged total)
    by_key: bool  # charged by the project's funding key, not named by hand

    @property
    def amount(self) -> Decimal:
        return self.line.amount


@dataclass
class PersonRow:
    person: Person
    hours: Decimal  # on the action: the agreement's projects, inside its period
    hours_charged: Decimal  # the share of them charged to this agreement
    rates: list[Decimal]  # hourly costs (or valuation rates) over the period
    charged: Decimal  # rounded (the rows add up to the staff part of the charged total)
    months: int  # timesheets in the pack

    @property
    def is_volunteer(self) -> bool:
        return self.person.is_volunteer


@dataclass
class CategoryRow:
    code: str
    label: str
    action: Decimal  # the funder report's line: the action's costs in the period
    eligible: bool
    charged: Decimal


@dataclass
class Timesheet:
    person: Person
    year: int
    month: int
    hours: Decimal  # on the action that month

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)


@dataclass
class EuPack:
    agreement: FundingAgreement
    report: Report
    categories: list[CategoryRow]
    indirect_action: Decimal
    indirect_charged: Decimal
    documents: list[DocumentRow]
    people: list[PersonRow]
    timesheets: list[Timesheet]
    with_amounts: bool
    generated_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def action_total(self) -> Decimal:
        return self.report.charges_total.actual

    @property
    def charged_total(self) -> Decimal:
        return sum((row.charged for row in self.categories), ZERO) + self.indirect_charged

    @property
    def documents_total(self) -> Decimal:
        return sum((row.charged for row in self.documents), ZERO)

    @property
    def staff_charged(self) -> Decimal:
        return sum((row.charged for row in self.people), ZERO)

    @property
    def hours_total(self) -> Decimal:
        return sum((row.hours for row in self.people), ZERO)

    @property
    def hours_charged(self) -> Decimal:
        return sum((row.hours_charged for row in self.people), ZERO)


def _timesheets(agreement: FundingAgreement, people: dict[int, Person]) -> list[Timesheet]:
    rows = (
        TimeEntry.objects.filter(
            workspace=agreement.workspace,
            project__in=agreement.projects.all(),
            date__range=(agreement.start_date, agreement.end_date),
        )
        .annotate(year=ExtractYear("date"), month=ExtractMonth("date"))
        .values("person_id", "year", "month")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    sheets = [
        Timesheet(people[row["person_id"]], row["year"], row["month"], round_hours(row["hours"]))
        for row in rows
    ]
    sheets.sort(key=lambda s: (s.person.last_name, s.person.first_name, s.person.pk, s.first_day))
    return sheets


def build_pack(agreement: FundingAgreement, *, with_amounts: bool) -> EuPack:
    """The pack's content (its figures; the PDFs are written by `write_pack`)."""
    report = build_report(agreement)
    figures = report.figures
    charges: list[Charge] = sorted(
        figures.charges, key=lambda ch: (ch.cost.start, ch.cost.source, ch.cost.key)
    )
    ledger_charges = [ch for ch in charges if ch.cost.source == "ledger"]
    time_charges: dict[int, list[Charge]] = defaultdict(list)
    for charge in charges:
        if charge.cost.source == "time":
            time_charges[charge.cost.person_id].append(charge)
    people = {p.pk: p for p in Person.objects.filter(workspace=agreement.workspace)}
    timesheets = _timesheets(agreement, people)
    person_ids = sorted(
        {s.person.pk for s in timesheets} | set(time_charges),
        key=lambda pk: (people[pk].last_name, people[pk].first_name, pk),
    )

    # One rounding of everything charged: each ledger share, each person's time, the indirect.
    exact = [ch.amount for ch in ledger_charges]
    exact += [sum((ch.amount for ch in time_charges[pk]), ZERO) for pk in person_ids]
    exact.append(figures.charged_indirect)
    rounded = split_rounded(exact)
    ledger_amounts = rounded[: len(ledger_charges)]
    person_amounts = dict(zip(person_ids, rounded[len(ledger_charges) : -1], strict=True))
    indirect_charged = rounded[-1] if rounded else ZERO

    lines = {
        line.pk: line
        for line in LedgerLine.objects.filter(pk__in={ch.cost.line_id for ch in ledger_charges})
    }
    projects = {p.pk: p.code for p in report.projects}
    documents = []
    by_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for charge, amount in zip(ledger_charges, ledger_amounts, strict=True):
        cost = charge.cost
        line = lines[cost.line_id]
        share = ZERO
        if line.amount:  # the percentage of the line's amount charged to this agreement
            share = (cost.amount * charge.share / line.amount).quantize(Decimal("0.0001"))
        documents.append(
            DocumentRow(
                line=line,
                project_code=projects.get(cost.project_id, ""),
                share=share,
                charged=amount,
                by_key=cost.agreement_id is None,
            )
        )
        by_category[cost.category] += amount
    by_category[STAFF_CATEGORY] += sum(person_amounts.values(), ZERO)

    hours_on_action: dict[int, Decimal] = defaultdict(lambda: ZERO)
    months: dict[int, int] = defaultdict(int)
    for sheet in timesheets:
        hours_on_action[sheet.person.pk] += sheet.hours
        months[sheet.person.pk] += 1
    rates: dict[int, set] = defaultdict(set)
    staff_line = next((line for line in report.charges if line.key == STAFF_CATEGORY), None)
    for item in [*(staff_line.drill if staff_line else []), *report.in_kind_use.drill]:
        if item.kind == "time" and item.rate is not None:
            rates[item.person_id].add(item.rate)
    people_rows = [
        PersonRow(
            person=people[pk],
            hours=hours_on_action[pk],
            hours_charged=round_hours(
                sum((ch.cost.hours * ch.share / HUNDRED for ch in time_charges[pk]), ZERO)
            ),
            rates=sorted(rates[pk]),
            charged=person_amounts.get(pk, ZERO),
            months=months[pk],
        )
        for pk in person_ids
    ]
    eligible = set(agreement.eligible_categories)
    categories = [
        CategoryRow(
            code=line.key,
            label=line.label,
            action=line.actual,
            eligible=line.key in eligible,
            charged=by_category.get(line.key, ZERO),
        )
        for line in report.charges
        if line.key in CHARGE_CATEGORIES
    ]
    indirect = next(line for line in report.charges if line.key == INDIRECT)
    return EuPack(
        agreement=agreement,
        report=report,
        categories=categories,
        indirect_action=indirect.actual,
        indirect_charged=indirect_charged,
        documents=documents,
        people=people_rows,
        timesheets=timesheets,
        with_amounts=with_amounts,
    )


# --- the files --------------------------------------------------------------------------------


def document_columns() -> list[Column]:
    return [
        Column(lambda r: r.line.entry_date, _("Date"), Kind.DATE),
        Column(lambda r: r.line.journal_code, _("Journal"), width=10),
        Column(lambda r: r.line.entry_number, _("Entry number"), width=14),
        Column(lambda r: r.line.account_number, _("Account"), width=12),
        Column(lambda r: r.line.account_label, _("Account label"), width=28),
        Column(lambda r: r.line.label, _("Label"), width=40),
        Column(lambda r: r.line.piece_ref, _("Supporting document (PieceRef)"), width=22),
        Column(lambda r: r.line.piece_date, _("Document date"), Kind.DATE),
        Column("project_code", _("Project"), width=12),
        Column("amount", _("Amount of the line"), Kind.MONEY),
        Column("share", _("Share charged (%)"), Kind.NUMBER, number_format="0.00##"),
        Column("charged", _("Amount charged"), Kind.MONEY),
        Column(
            lambda r: _("Funding key") if r.by_key else _("Named for the agreement"),
            _("Charged by"),
            width=22,
        ),
    ]


def documents_xlsx(pack: EuPack) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, document_columns(), pack.documents, sheet_title=_("Supporting documents"))
    return buffer.getvalue()


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported on use: loading it takes a moment
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()


def _print_context(pack: EuPack, heading: str) -> dict:
    agreement = pack.agreement
    return {
        "pack": pack,
        "agreement": agreement,
        "workspace": agreement.workspace,
        "title": heading,
        "language": get_language(),
        "generated_at": timezone.localtime(pack.generated_at),
        "css": {
            "header": css_string(f"{heading} · {agreement.reference}"),
            "workspace": css_string(str(agreement.workspace)),
            "page": css_string(_("Page")),
        },
    }


def documents_title() -> str:
    return _("Supporting documents charged to the agreement")


def summary_title() -> str:
    return _("Summary of the costs declared")


def documents_html(pack: EuPack) -> str:
    return render_to_string(
        "finance/eu_pack_documents_print.html", _print_context(pack, documents_title())
    )


def summary_html(pack: EuPack) -> str:
    context = _print_context(pack, summary_title())
    context["contents"] = contents(pack)
    return render_to_string("finance/eu_pack_summary_print.html", context)


def documents_pdf(pack: EuPack) -> bytes:
    return _pdf(documents_html(pack))


def summary_pdf(pack: EuPack) -> bytes:
    return _pdf(summary_html(pack))


def default_timesheet(person: Person, year: int, month: int) -> bytes:
    """The monthly timesheet to sign, as `finance:timesheet_pdf` serves it."""
    from .. import timesheet
    from ..selectors.time import month_timesheet

    return timesheet.render_pdf(month_timesheet(person, year, month), workspace=person.workspace)


def _names(pack: EuPack) -> dict[str, str]:
    return {
        "summary": f"{slugify(_('summary')) or 'summary'}.pdf",
        "documents": slugify(_("supporting documents")) or "supporting-documents",
        "timesheets": slugify(_("timesheets")) or "timesheets",
    }


def timesheet_names(pack: EuPack) -> list[str]:
    """The path of each timesheet in the ZIP, in the order of `pack.timesheets`."""
    folder = _names(pack)["timesheets"]
    names, seen = [], set()
    for sheet in pack.timesheets:
        person = slugify(f"{sheet.person.last_name} {sheet.person.first_name}") or "person"
        name = f"{folder}/{person}-{sheet.year}-{sheet.month:02d}.pdf"
        if name in seen:  # two people with the same name
            name = f"{folder}/{person}-{sheet.person.pk}-{sheet.year}-{sheet.month:02d}.pdf"
        seen.add(name)
        names.append(name)
    return names


def contents(pack: EuPack) -> list[tuple[str, str]]:
    """(path, what it is) of every file in the ZIP."""
    names = _names(pack)
    listed = [
        (names["summary"], summary_title()),
        (f"{names['documents']}.xlsx", documents_title()),
        (f"{names['documents']}.pdf", documents_title()),
    ]
    if pack.timesheets:
        listed.append(
            (
                f"{names['timesheets']}/",
                _("%(count)s monthly timesheets to sign, one per person and month")
                % {"count": len(pack.timesheets)},
            )
        )
    return listed


def filename(pack: EuPack) -> str:
    stem = slugify(_("EU control pack")) or "eu-pack"
    return f"{stem}-{slugify(pack.agreement.reference) or pack.agreement.pk}.zip"


def write_pack(
    fileobj,
    pack: EuPack,
    *,
    render_timesheet: TimesheetRenderer | None = None,
    progress: Progress | None = None,
) -> None:
    """Write the ZIP to a binary file object: the timesheets (`render_timesheet(person, year,
    month)` → PDF bytes; by default `finance.timesheet`'s), the documents, the summary."""
    render_timesheet = render_timesheet or default_timesheet

    def report(step: str, done: int, total: int) -> None:
        if progress is not None:
            progress(step, done, total)

    names = _names(pack)
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        total = len(pack.timesheets)
        report(TIMESHEETS, 0, total)
        for done, (sheet, name) in enumerate(
            zip(pack.timesheets, timesheet_names(pack), strict=True), start=1
        ):
            archive.writestr(name, render_timesheet(sheet.person, sheet.year, sheet.month))
            report(TIMESHEETS, done, total)
        report(DOCUMENTS, 0, 2)
        archive.writestr(f"{names['documents']}.xlsx", documents_xlsx(pack))
        report(DOCUMENTS, 1, 2)
        archive.writestr(f"{names['documents']}.pdf", documents_pdf(pack))
        report(DOCUMENTS, 2, 2)
        report(SUMMARY, 0, 1)
        archive.writestr(names["summary"], summary_pdf(pack))
        report(SUMMARY, 1, 1)
