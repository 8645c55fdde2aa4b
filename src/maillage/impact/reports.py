"""Impact reports: one report model, three renderings (docs/impact.md, "Impact reports").

`build_report` reads everything a report shows for a workspace, or for one subject, over a
period, and returns a `Report`: plain dataclasses whose texts and figures are already written
in the report's language (French or English, whatever the reader's interface language), with
the charts drawn in that language too. The HTML page (`impact/report.html`), the PDF
(`impact/report_print.html` through WeasyPrint, `render_pdf`) and the DOCX
(`impact.report_docx`) only lay that model out, so the three always say the same thing.

Reads are bounded: a fixed number of queries whatever the number of indicators, subjects,
periods or measurements (one per table, combined in Python by `impact.rollup`); the cost that
grows with the report is drawing its charts, and laying out the PDF's pages.

Building and rendering take an optional `progress(step, done, total)` callback, called as the
work moves on (`READING`, `DRAWING` indicator by indicator, then `WRITING` the DOCX indicator by
indicator, or `LAYOUT` of the PDF page by page and `WRITING` it):
the background task that writes the documents records it on its job (`impact.report_jobs`).
"""

import logging
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.charts import Chart
from maillage.core.money import format_decimal
from maillage.core.sdg import SDG_COLOURS, SDG_GOALS, sdg_text_colour

from . import charts, periods, rollup, selectors, subjects
from .models import Direction, Frequency, Indicator, Measurement, Target, TrackedIndicator
from .selectors import format_value

#: The languages a report can be written in, whatever the interface's language.
LANGUAGES = (("fr", "Français"), ("en", "English"))

#: The steps a `progress` callback is told about (the values of `ReportJob.Phase`).
READING, DRAWING, WRITING, LAYOUT = "reading", "drawing", "writing", "layout"

#: `progress(step, done, total)`: `done` of `total` indicators (or pages) in `step`.
ProgressCallback = Callable[[str, int, int], None]


def _no_progress(step: str, done: int, total: int) -> None:
    return None


STATUS_LABELS = {
    "met": gettext_lazy("Target met"),
    "behind": gettext_lazy("Behind target"),
    "neutral": gettext_lazy("Followed (no direction)"),
    "observed": gettext_lazy("Observed"),
    "no_target": gettext_lazy("No target"),
    "not_measured": gettext_lazy("Not measured"),
}


# --- the model ---------------------------------------------------------------------------


@dataclass
class Goal:
    number: int
    name: str
    colour: str
    text_colour: str

    @property
    def label(self) -> str:
        return f"{self.number}. {self.name}"


@dataclass
class PeriodRow:
    label: str
    actual: str
    target: str
    progress: str
    status: str  # met, behind, neutral, or "" when there is nothing to compare


@dataclass
class BreakdownTable:
    dimension: str
    rows: list[tuple[str, str]]  # category, figure
    chart: Chart | None


@dataclass
class Observation:
    subject: str
    period: str
    text: str


@dataclass
class Narrative:
    subject: str
    period: str
    text: str
    by: str
    on: str


@dataclass
class Evidence:
    indicator: str  # "EMP-01 Jobs created"
    subject: str
    period: str
    name: str  # the file's name, or the link itself
    url: str  # absolute when the report was built with a base URL
    is_file: bool
    by: str
    on: str


@dataclass
class IndicatorSection:
    anchor: str
    code: str
    name: str
    definition: str
    method: str
    unit: str
    kind: str
    aggregation: str
    frequency: str
    direction: str
    is_quantitative: bool
    goals: list[Goal]
    actual: str
    target: str
    progress: str
    status: str  # met, behind, neutral, observed (a text), no_target, not_measured
    measured: bool
    #: When the period is not over for the indicator, its target is that of the periods up to
    #: the last one measured: "to June 30, 2025" (empty otherwise).
    target_note: str = ""
    periods: list[PeriodRow] = field(default_factory=list)
    chart: Chart | None = None
    breakdowns: list[BreakdownTable] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    narratives: list[Narrative] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class SummaryFigures:
    followed: int
    measured: int
    met: int
    behind: int
    not_measured: int

    @property
    def items(self) -> list[tuple[str, int, str]]:
        """(label, count, key) in the order the reports show them."""
        return [
            (_("Indicators followed"), self.followed, "followed"),
            (_("Measured in the period"), self.measured, "measured"),
            (_("Targets met"), self.met, "met"),
            (_("Behind target"), self.behind, "behind"),
            (_("Not measured"), self.not_measured, "not_measured"),
        ]


@dataclass
class SdgRow:
    goal: Goal
    count: int
    met: int
    indicators: list[str]  # codes


@dataclass
class Report:
    title: str
    workspace: str
    subject: subjects.Subject
    start: date
    end: date
    period_label: str
    period_range: str
    language: str
    generated_at: datetime
    generated_at_display: str
    summary: SummaryFigures
    indicators: list[IndicatorSection]
    sdg_rows: list[SdgRow]
    sdg_chart: Chart | None

    @property
    def is_workspace(self) -> bool:
        return self.subject.id is None

    @property
    def subject_label(self) -> str:
        if self.is_workspace:
            return _("The whole workspace (every subject)")
        if self.subject.kind_label:
            return f"{self.subject.kind_label}: {self.subject.label}"
        return self.subject.label

    @property
    def evidence(self) -> list[Evidence]:
        return [item for section in self.indicators for item in section.evidence]

    @property
    def sdg_contributed(self) -> list[SdgRow]:
        return [row for row in self.sdg_rows if row.count]

    def filename(self, extension: str) -> str:
        """ "rapport-impact-2025.pdf" (in the report's language), with the subject's name."""
        with translation.override(self.language):
            parts = [_("impact-report"), period_slug(self.start, self.end)]
        if not self.is_workspace:
            parts.append(slugify(self.subject.label)[:40])
        return "-".join(p for p in parts if p) + f".{extension}"


# --- formatting in the report's language ---------------------------------------------------


def period_slug(start: date, end: date) -> str:
    for frequency in (Frequency.YEAR, Frequency.QUARTER, Frequency.MONTH):
        if periods.is_aligned(frequency, start, end):
            return periods.period_key(frequency, start, end)
    return f"{start.isoformat()}_{end.isoformat()}"


def period_label(start: date, end: date) -> str:
    """ "2025", "Q1 2025", "March 2025", or "1 January 2025 – 30 June 2025"."""
    if any(
        periods.is_aligned(frequency, start, end)
        for frequency in (Frequency.YEAR, Frequency.QUARTER, Frequency.MONTH)
    ):
        return periods.period_label(Frequency.CUSTOM, start, end)
    return range_label(start, end)


def range_label(start: date, end: date) -> str:
    return f"{date_format(start, 'DATE_FORMAT')} – {date_format(end, 'DATE_FORMAT')}"


def _percent(progress: rollup.Progress | None) -> str:
    if progress is None or progress.percent is None:
        return ""
    return f"{format_decimal(progress.percent, 0)}\u00a0%"


def _goals(indicator: Indicator) -> list[Goal]:
    return [
        Goal(number, str(SDG_GOALS[number]), SDG_COLOURS[number], sdg_text_colour(number))
        for number in indicator.sdg_list
    ]


def _day(value: date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def _period_of(measurement, frequency: str) -> str:
    return periods.period_label(frequency, measurement.period_start, measurement.period_end)


def _evidence_url(workspace, measurement, base_url: str) -> str:
    try:
        path = reverse(
            "impact:evidence", kwargs={"workspace_slug": workspace.slug, "pk": measurement.pk}
        )
    except NoReverseMatch:  # the download view is not there: the name alone is listed
        return ""
    return f"{base_url.rstrip('/')}{path}"


# --- building ------------------------------------------------------------------------------


def report_indicators(workspace, subject: subjects.Subject | None) -> list[Indicator]:
    """The indicators of a report: every one of the workspace that is not archived, or those
    followed for the subject (one query, and one for their SDG targets)."""
    queryset = Indicator.objects.filter(workspace=workspace, is_archived=False)
    if subject is not None and subject.id is not None:
        queryset = queryset.filter(
            tracks__subject_kind=subject.kind, tracks__subject_id=subject.id
        ).distinct()
    return list(queryset.prefetch_related("sdg_targets").order_by("code", "id"))


def report_subjects(workspace) -> list[subjects.Subject]:
    """What a report can be about: the workspace (the roll-up of every subject), then each
    subject an indicator that is not archived is followed for (one query, and one per kind)."""
    refs = (
        TrackedIndicator.objects.filter(
            workspace=workspace, indicator__is_archived=False, subject_id__isnull=False
        )
        .values_list("subject_kind", "subject_id")
        .distinct()
    )
    resolved = subjects.resolve_many(workspace, set(refs))
    found = sorted(resolved.values(), key=lambda s: (str(s.kind_label), s.label.casefold(), s.id))
    return [subjects.resolve(workspace, subjects.WORKSPACE, None), *found]


def _subject_keys(subject: subjects.Subject | None):
    if subject is None or subject.id is None:
        return None
    return [(subject.kind, subject.id)]


def _measurements_in_range(ids, keys, start: date, end: date) -> list[Measurement]:
    """The measurements whose period ends in the range (one query), oldest first."""
    rows = Measurement.objects.filter(
        indicator_id__in=ids, period_end__gte=start, period_end__lte=end
    ).filter(selectors.subject_filter(keys))
    return list(
        rows.select_related("tracked", "measured_by").order_by("period_start", "period_end", "id")
    )


def _target_texts(ids, keys, start: date, end: date) -> dict[int, str]:
    """The latest target text in the range of each qualitative indicator (one query)."""
    if not ids:
        return {}
    rows = (
        Target.objects.filter(indicator_id__in=ids, period_end__gte=start, period_end__lte=end)
        .exclude(text="")
        .filter(selectors.subject_filter(keys))
    )
    found: dict[int, str] = {}
    for indicator_id, text in rows.order_by("period_end", "period_start", "id").values_list(
        "indicator_id", "text"
    ):
        found[indicator_id] = text
    return found


def _status(summary: selectors.Summary, measured: bool) -> str:
    if summary.progress is not None:
        return summary.progress.status
    if not measured:
        return "not_measured"
    return "no_target"


def build_report(
    workspace,
    *,
    subject: subjects.Subject | None = None,
    start: date,
    end: date,
    language: str,
    base_url: str = "",
    progress: ProgressCallback | None = None,
) -> Report:
    """The impact report of the workspace (the roll-up of every subject) or of one subject over
    [start, end], written in `language`. `base_url` ("https://host") makes the evidence links
    absolute, as documents need. `progress` is told `(READING, 0, 0)`, then `(DRAWING, n,
    total)` as each indicator's section is drawn."""
    if end < start:
        raise ValueError("The report's period ends before it starts.")
    with translation.override(language):
        return _build(workspace, subject, start, end, language, base_url, progress or _no_progress)


def _build(
    workspace, subject, start, end, language, base_url, progress: ProgressCallback
) -> Report:
    progress(READING, 0, 0)
    indicators = report_indicators(workspace, subject)
    ids = [indicator.pk for indicator in indicators]
    keys = _subject_keys(subject)
    actuals = selectors.measurement_readings(ids, subject_keys=keys, until=end)
    targets = selectors.target_readings(ids, subject_keys=keys, until=end)
    summaries = selectors.summaries_from_readings(indicators, actuals, targets, start, end)
    breakdowns = selectors.breakdowns_for(indicators, start, end, subject_keys=keys)
    measurements = _measurements_in_range(ids, keys, start, end)
    target_texts = _target_texts(
        [i.pk for i in indicators if not i.is_quantitative], keys, start, end
    )
    resolved = subjects.resolve_many(
        workspace, {(m.tracked.subject_kind, m.tracked.subject_id) for m in measurements}
    )
    # In each period, the workspace's own measurement first, then the subjects by name.
    measurements.sort(
        key=lambda m: (
            m.period_start,
            m.period_end,
            m.tracked.subject_id is not None,
            _subject_label(resolved, m).casefold(),
        )
    )
    by_indicator: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in measurements:
        by_indicator[measurement.indicator_id].append(measurement)

    label = period_label(start, end)
    sections = []
    progress(DRAWING, 0, len(summaries))
    for summary in summaries:
        indicator = summary.indicator
        sections.append(
            _section(
                workspace,
                summary,
                actuals.get(indicator.pk, []),
                targets.get(indicator.pk, []),
                breakdowns.get(indicator.pk, []),
                by_indicator.get(indicator.pk, []),
                target_texts.get(indicator.pk, ""),
                resolved,
                start,
                end,
                label,
                base_url,
            )
        )
        progress(DRAWING, len(sections), len(summaries))

    contributions = selectors.goal_contributions(summaries)
    sdg_rows = [
        SdgRow(
            Goal(c.number, c.name, SDG_COLOURS[c.number], sdg_text_colour(c.number)),
            c.count,
            c.met,
            [s.indicator.code for s in c.indicators],
        )
        for c in contributions
    ]
    sdg_chart = (
        charts.sdg_grid(contributions, period_label=label)
        if any(c.count for c in contributions)
        else None
    )
    subject = subject or subjects.resolve(workspace, subjects.WORKSPACE, None)
    now = timezone.localtime()
    title = _("Impact report")
    return Report(
        title=title,
        workspace=workspace.name,
        subject=subject,
        start=start,
        end=end,
        period_label=label,
        period_range=range_label(start, end),
        language=language,
        generated_at=now,
        generated_at_display=date_format(now, "DATETIME_FORMAT"),
        summary=SummaryFigures(
            followed=len(sections),
            measured=sum(1 for s in sections if s.measured),
            met=sum(1 for s in sections if s.status == "met"),
            behind=sum(1 for s in sections if s.status == "behind"),
            not_measured=sum(1 for s in sections if not s.measured),
        ),
        indicators=sections,
        sdg_rows=sdg_rows,
        sdg_chart=sdg_chart,
    )


def _subject_label(resolved, measurement) -> str:
    key = (measurement.tracked.subject_kind, measurement.tracked.subject_id)
    found = resolved.get(key)
    return found.label if found is not None else "?"


def _section(
    workspace,
    summary: selectors.Summary,
    actuals,
    targets,
    dimensions,
    measurements: list[Measurement],
    target_text: str,
    resolved,
    start: date,
    end: date,
    label: str,
    base_url: str,
) -> IndicatorSection:
    indicator = summary.indicator
    frequency = indicator.frequency
    measured_rows = [m for m in measurements if m.is_measured]
    measured = bool(measured_rows)
    section = IndicatorSection(
        anchor=f"indicator-{indicator.pk}",
        code=indicator.code,
        name=indicator.name,
        definition=indicator.definition,
        method=indicator.method,
        unit=indicator.display_unit,
        kind=str(indicator.get_kind_display()),
        aggregation=str(indicator.get_aggregation_display()),
        frequency=str(indicator.get_frequency_display()),
        direction=str(indicator.get_direction_display())
        if indicator.direction != Direction.NONE
        else "",
        is_quantitative=indicator.is_quantitative,
        goals=_goals(indicator),
        actual=summary.actual_display,
        target=summary.target_display,
        progress=_percent(summary.progress),
        status=_status(summary, measured),
        measured=measured,
    )
    if summary.target_until and summary.target.value is not None:
        section.target_note = _("to %(date)s") % {"date": _day(summary.target_until)}
    if indicator.is_quantitative:
        figures = selectors.series_from_readings(indicator, actuals, targets, start, end)
        section.periods = [
            PeriodRow(
                f.label,
                format_value(f.actual.value, indicator),
                format_value(f.target.value, indicator),
                _percent(f.progress),
                f.progress.status if f.progress else "",
            )
            for f in figures
        ]
        # One period reads better as its row of figures than as a chart of one point.
        if len(figures) > 1:
            section.chart = charts.target_vs_actual(indicator, figures)
        for dimension in dimensions:
            if all(row.value is None for row in dimension.rows):
                continue
            section.breakdowns.append(
                BreakdownTable(
                    dimension.dimension.name,
                    [
                        (row.category.name, format_value(row.value, indicator))
                        for row in dimension.rows
                    ],
                    charts.breakdown_chart(indicator, dimension, period_label=label),
                )
            )
    else:
        latest = measured_rows[-1].text_value if measured_rows else ""
        section.actual = latest or "—"
        section.target = target_text or "—"
        section.status = "observed" if measured else "not_measured"
        section.observations = [
            Observation(_subject_label(resolved, m), _period_of(m, frequency), m.text_value)
            for m in reversed(measured_rows)
        ]
    for measurement in measurements:
        subject_label = _subject_label(resolved, measurement)
        period = _period_of(measurement, frequency)
        by = str(measurement.measured_by) if measurement.measured_by else ""
        on = _day(measurement.measured_on)
        if measurement.narrative:
            section.narratives.append(
                Narrative(subject_label, period, measurement.narrative, by, on)
            )
        if measurement.evidence_file:
            name = measurement.evidence_name or PurePath(measurement.evidence_file.name).name
            section.evidence.append(
                Evidence(
                    str(indicator),
                    subject_label,
                    period,
                    name,
                    _evidence_url(workspace, measurement, base_url),
                    True,
                    by,
                    on,
                )
            )
        if measurement.evidence_url:
            section.evidence.append(
                Evidence(
                    str(indicator),
                    subject_label,
                    period,
                    measurement.evidence_url,
                    measurement.evidence_url,
                    False,
                    by,
                    on,
                )
            )
    return section


# --- renderings ------------------------------------------------------------------------------


@contextmanager
def in_language(report: Report) -> Iterator[None]:
    with translation.override(report.language):
        yield


def css_string(text: str) -> str:
    """A CSS string literal of any text (page headers): every character that is not a letter,
    a digit or a space is written as a CSS escape, so nothing can close the string or the
    <style> element."""
    escaped = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in str(text))
    return mark_safe(f'"{escaped}"')  # every special character is escaped above


def render_print_html(report: Report) -> str:
    """The standalone HTML page WeasyPrint lays out as the PDF."""
    with in_language(report):
        css = {
            "header": css_string(f"{report.title} · {report.subject.label}"),
            "period": css_string(report.period_label),
            "workspace": css_string(report.workspace),
            "page": css_string(_("Page")),
        }
        return render_to_string("impact/report_print.html", {"report": report, "css": css})


def estimated_pages(report: Report) -> int:
    """About how many pages the PDF has (each indicator starts a page and takes two or three), for a
    progress bar only: the text beside it says the pages actually laid out."""
    return 3 + (5 * len(report.indicators)) // 2 + (1 if report.sdg_chart else 0)


def render_pdf(report: Report, progress: ProgressCallback | None = None) -> bytes:
    """The PDF (WeasyPrint). The page needs nothing from outside: fetching is refused for any
    address but data: URLs, so no text typed in a report can make the server fetch one.

    `progress` is told `(LAYOUT, page, estimated pages)` as WeasyPrint lays out each page (read
    from its `weasyprint.progress` logger), then `(WRITING, 0, pages)` while it writes the file."""
    from weasyprint import HTML  # imported on use: loading it takes a moment
    from weasyprint.urls import URLFetcher

    listening = _pages_laid_out if progress else _not_listening
    progress = progress or _no_progress
    estimate = estimated_pages(report)
    progress(LAYOUT, 0, estimate)
    html = render_print_html(report)
    fetcher = URLFetcher(allowed_protocols=["data"])
    furthest = 0

    def on_page(page: int) -> None:  # a second pass (page numbers) starts again at page 1
        nonlocal furthest
        if page > furthest:
            furthest = page
            progress(LAYOUT, page, max(estimate, page + 1))

    with listening(on_page):
        document = HTML(string=html, base_url=None, url_fetcher=fetcher).render()
    pages = len(document.pages)
    progress(WRITING, 0, pages)
    return document.write_pdf()


# WeasyPrint reports each page it lays out on its "weasyprint.progress" logger (INFO). While a
# rendering listens, the logger lets INFO through to the listeners only (not to the site's log).
_LAYOUT_PAGE = re.compile(r"Creating layout - Page (\d+)$")
_listening = threading.Lock()
_listeners: list[logging.Handler] = []
_saved_logger_state: tuple[int, bool] = (logging.NOTSET, True)


class _PageListener(logging.Handler):
    """Calls `on_page(n)` for each page laid out by the thread that created it."""

    def __init__(self, on_page: Callable[[int], None]):
        super().__init__(logging.INFO)
        self.on_page = on_page
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if threading.get_ident() != self.thread:
            return
        found = _LAYOUT_PAGE.search(record.getMessage())
        if found:
            self.on_page(int(found.group(1)))


@contextmanager
def _not_listening(on_page: Callable[[int], None]) -> Iterator[None]:
    yield


@contextmanager
def _pages_laid_out(on_page: Callable[[int], None]) -> Iterator[None]:
    global _saved_logger_state
    logger = logging.getLogger("weasyprint.progress")
    listener = _PageListener(on_page)
    with _listening:
        if not _listeners:
            _saved_logger_state = (logger.level, logger.propagate)
            logger.setLevel(logging.INFO)
            logger.propagate = False
        _listeners.append(listener)
        logger.addHandler(listener)
    try:
        yield
    finally:
        with _listening:
            logger.removeHandler(listener)
            _listeners.remove(listener)
            if not _listeners:
                logger.setLevel(_saved_logger_state[0])
                logger.propagate = _saved_logger_state[1]
