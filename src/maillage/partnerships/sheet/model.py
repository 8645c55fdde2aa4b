"""The sheet as text in one language: what the DOCX and the PDF write, section by section."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from maillage.core.charts import Chart, bar_chart

from ..checklists import Health, Trend
from ..choices import Dimension, ValueChainLevel
from ..models import CanvasEntry, Partnership
from .selectors import OPEN_RISKS, SheetData, sheet_data

LANGUAGES = ("fr", "en")
#: The file name's first word, in the sheet's language (fixed: not left to the translations).
FILE_PREFIX = {"fr": "partenariat", "en": "partnership"}
SCALE = (1, 2, 3, 4, 5)


def language_or_default(language: str | None, user=None) -> str:
    """`language` if the sheet can be written in it, else the user's, else the active one."""
    for candidate in (
        language,
        getattr(user, "language", None),
        (get_language() or "").split("-")[0],
    ):
        if candidate in LANGUAGES:
            return candidate
    return "fr"


@contextmanager
def in_language(language: str) -> Iterator[None]:
    with translation.override(language):
        yield


Rows = list[list[str]]


@dataclass
class Table:
    headers: list[str]
    rows: Rows
    widths: tuple[float, ...] = ()  # cm, for Word (17 cm of text)
    numeric: tuple[int, ...] = ()


@dataclass
class Section:
    """A titled block: facts (label, value), paragraphs, tables, and subsections."""

    title: str
    anchor: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)  # (caption, table)
    subsections: list[Section] = field(default_factory=list)
    empty: str = ""
    chart: Chart | None = None
    matrix: RiskMatrix | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.facts
            or self.paragraphs
            or self.tables
            or any(not s.is_empty for s in self.subsections)
            or self.chart
            or self.matrix
        )


@dataclass
class RiskMatrix:
    """Open risks counted by likelihood (rows, 5 at the top) and impact (columns, 1 to 5)."""

    title: str
    likelihood_label: str
    impact_label: str
    counts: dict[tuple[int, int], int]

    @property
    def rows(self) -> list[tuple[int, list[tuple[int, int, str]]]]:
        """[(likelihood, [(impact, count, level)])] from likelihood 5 down to 1."""
        return [
            (
                likelihood,
                [
                    (impact, self.counts.get((likelihood, impact), 0), _level(likelihood * impact))
                    for impact in SCALE
                ],
            )
            for likelihood in reversed(SCALE)
        ]


def _level(score: int) -> str:
    if score >= 15:
        return "high"
    if score >= 8:
        return "medium"
    return "low"


@dataclass
class Sheet:
    language: str
    workspace: str
    name: str
    slug: str
    subtitle: str
    generated_on: datetime.date
    generated_display: str
    sections: list[Section]
    file_stem: str = ""

    def filename(self, extension: str) -> str:
        """`partenariat-<slug>-<date>.<extension>` (`partnership-…` in English)."""
        return f"{self.file_stem}.{extension}"

    def section(self, anchor: str) -> Section:
        return next(s for s in self.sections if s.anchor == anchor)


# --- formatting ------------------------------------------------------------------------------


def _day(value: datetime.date | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def _period(start, end) -> str:
    if not (start or end):
        return "—"
    return f"{_day(start)} → {_day(end)}"


def _text(value) -> str:
    return str(value).strip() if value not in (None, "") else "—"


def _member_name(member) -> str:
    return member.actor.name if member is not None else "—"


def _user_name(user) -> str:
    if user is None:
        return "—"
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.email


def _score(value) -> str:
    return "—" if value is None else formats.number_format(value, 1)


# --- sections --------------------------------------------------------------------------------


def _identity(data: SheetData) -> Section:
    p: Partnership = data.partnership
    facts = [
        (pgettext("partnership", "Kind"), str(p.kind)),
        (_("Stage"), p.get_stage_display()),
        (_("Status"), p.get_status_display()),
        (_("At this stage since"), _day(p.stage_since)),
        (_("Start date"), _day(p.start_date)),
        (_("End date"), _day(p.end_date)),
        (_("Next gate planned on"), _day(p.next_gate_on)),
        (_("Coordinator"), _user_name(p.coordinator)),
        (_("Meetings held"), str(data.meeting_count)),
    ]
    section = Section(_("Identity"), "identity", facts=facts)
    if p.summary.strip():
        section.paragraphs.append(p.summary.strip())
    return section


def _members(data: SheetData) -> Section:
    section = Section(_("Members"), "members", empty=_("No member yet."))
    if data.members:
        section.tables.append(
            (
                "",
                Table(
                    [_("Organisation"), _("Role"), _("Side"), _("What it brings")],
                    [
                        [
                            m.actor.name,
                            m.get_role_display(),
                            m.get_side_display(),
                            _text(m.contribution),
                        ]
                        for m in data.members
                    ],
                    widths=(4.5, 2.5, 3.5, 6.5),
                ),
            )
        )
    return section


def _objectives(data: SheetData) -> Section:
    p = data.partnership
    section = Section(_("Objectives and value chain"), "objectives")
    section.facts = [
        (_("Objectives"), "\n".join(map(str, p.objective_labels)) or "—"),
        (_("Value-chain levels"), "\n".join(map(str, p.value_chain_labels)) or "—"),
    ]
    return section


def _canvases(data: SheetData) -> Section:
    section = Section(
        _("Objectives canvas"), "canvas", empty=_("No member has filled its canvas yet.")
    )
    levels = dict(ValueChainLevel.choices)
    for member in data.members:
        entries = [e for e in data.entries if e.member_id == member.pk]
        if not entries:
            continue
        sub = Section(member.actor.name, f"canvas-{member.pk}")
        for key, label in CanvasEntry.Section.choices:
            rows = [
                [
                    e.text,
                    str(levels.get(e.level, "—")),
                    e.figures
                    if key == CanvasEntry.Section.OBJECTIVE
                    else e.get_qualifier_display(),
                ]
                for e in entries
                if e.section == key
            ]
            if rows:
                third = _("Figures") if key == CanvasEntry.Section.OBJECTIVE else _("Qualifier")
                sub.tables.append(("", Table([str(label), _("Level"), third], rows, (9, 3.5, 4.5))))
        section.subsections.append(sub)
    return section


def _experiment(data: SheetData) -> Section:
    section = Section(_("Experiment plan"), "experiment", empty=_("No experiment plan yet."))
    plan = data.experiment
    if plan is None:
        return section
    section.facts = [
        (
            _("What is tested"),
            "\n".join(map(str, plan._meta.get_field("tests").labels(plan.tests))) or "—",
        ),
        (
            _("Tools used"),
            ", ".join(map(str, plan._meta.get_field("tools").labels(plan.tools))) or "—",
        ),
        (_("Dates"), _period(plan.start_date, plan.end_date)),
        (_("What the experiment is"), _text(plan.description)),
        (_("Success criteria"), "\n".join(plan.criteria_list) or "—"),
        (_("What we learnt"), _text(plan.learnings)),
    ]
    return section


def _target_text(result) -> str:
    target = result.target
    if target is None:
        return "—"
    if target.value is not None:
        value = formats.number_format(target.value, result.indicator.decimal_places)
        unit = result.indicator.unit or ""
        return f"{value} {unit}".strip()
    return _text(target.text)


def _masterplan(data: SheetData) -> Section:
    section = Section(_("MasterPlan"), "masterplan", empty=_("No MasterPlan yet."))
    plan = data.masterplan
    if plan is not None:
        section.facts = [
            (_("Starts on"), _day(plan.starts_on)),
            (_("Purpose"), _text(plan.purpose)),
            (_("Vision at 6 months"), _text(plan.vision_6_months)),
            (_("Vision at 1 year"), _text(plan.vision_1_year)),
            (_("Vision at 3 years"), _text(plan.vision_3_years)),
        ]
    if data.axes:
        axes = Section(_("Work axes"), "axes")
        for axis in data.axes:
            sub = Section(axis.name, f"axis-{axis.pk}")
            if axis.description.strip():
                sub.paragraphs.append(axis.description.strip())
            rows = [
                [
                    r.get_horizon_display(),
                    f"{r.indicator.code} {r.indicator.name}".strip(),
                    _target_text(r),
                    _text(r.how_measured),
                ]
                for r in axis.results.all()
            ]
            if rows:
                sub.tables.append(
                    (
                        "",
                        Table(
                            [_("Horizon"), _("Indicator"), _("Target"), _("How it is measured")],
                            rows,
                            (3.5, 5.5, 3, 5),
                        ),
                    )
                )
            else:
                sub.paragraphs.append(_("No result set for this axis yet."))
            axes.subsections.append(sub)
        section.subsections.append(axes)
    if data.milestones:
        section.subsections.append(
            Section(
                _("Milestones"),
                "milestones",
                tables=[
                    (
                        "",
                        Table(
                            [_("Milestone"), _("Axis"), _("Start date"), _("Due"), _("Done on")],
                            [
                                [
                                    m.name + (f"\n{m.owner}" if m.owner else ""),
                                    m.axis.name if m.axis else "—",
                                    _day(m.start_date),
                                    _day(m.due_date),
                                    _day(m.done_on),
                                ]
                                for m in data.milestones
                            ],
                            (5.5, 3.5, 2.6, 2.6, 2.8),
                        ),
                    )
                ],
            )
        )
    if data.rituals:
        section.subsections.append(
            Section(
                _("Rituals"),
                "rituals",
                tables=[
                    (
                        "",
                        Table(
                            [_("Ritual"), _("Frequency"), _("Purpose"), _("Participants")],
                            [
                                [
                                    r.name,
                                    r.get_frequency_display(),
                                    _text(r.purpose),
                                    _text(r.participants),
                                ]
                                for r in data.rituals
                            ],
                            (4, 3, 5.5, 4.5),
                        ),
                    )
                ],
            )
        )
    if data.governance:
        section.subsections.append(
            Section(
                _("Governance"),
                "governance",
                tables=[
                    (
                        "",
                        Table(
                            [_("Person"), _("Responsibility"), _("For the member")],
                            [
                                [g.person, g.responsibility, _member_name(g.member)]
                                for g in data.governance
                            ],
                            (4.5, 7.5, 5),
                        ),
                    )
                ],
            )
        )
    if plan is not None and plan.processes.strip():
        section.subsections.append(
            Section(_("Agreed processes"), "processes", paragraphs=[plan.processes.strip()])
        )
    return section


def _decisions(data: SheetData) -> Section:
    section = Section(_("Gate decisions"), "decisions", empty=_("No gate decision recorded yet."))
    if data.decisions:
        rows = []
        for d in data.decisions:
            before = f"{d.get_stage_before_display()} · {d.get_status_before_display()}"
            after = f"{d.get_stage_after_display()} · {d.get_status_after_display()}"
            change = before if before == after else f"{before} → {after}"
            rows.append(
                [
                    _day(d.decided_on),
                    d.get_outcome_display(),
                    change,
                    ", ".join(d.decider_list) or "—",
                    d.rationale,
                ]
            )
        section.tables.append(
            (
                "",
                Table(
                    [_("Date"), _("Decision"), _("Stage"), _("Deciders"), _("Rationale")],
                    rows,
                    (2.2, 3.3, 3.8, 3.2, 4.5),
                ),
            )
        )
    return section


def _risks(data: SheetData) -> Section:
    section = Section(_("Open risks"), "risks", empty=_("No open risk."))
    open_risks = sorted(
        (r for r in data.risks if r.status in OPEN_RISKS), key=lambda r: (-r.score, r.pk)
    )
    if not open_risks:
        return section
    counts: dict[tuple[int, int], int] = {}
    for risk in open_risks:
        key = (risk.likelihood, risk.impact)
        counts[key] = counts.get(key, 0) + 1
    section.matrix = RiskMatrix(
        _("Open risks by likelihood and impact"), _("Likelihood"), _("Impact"), counts
    )
    section.facts = [
        (_("Open risks"), str(len(open_risks))),
        (_("Critical (score 15 or more)"), str(sum(r.score >= 15 for r in open_risks))),
    ]
    section.tables.append(
        (
            "",
            Table(
                [
                    _("Risk"),
                    _("Side"),
                    _("Nature"),
                    _("L × I"),
                    _("Person in charge"),
                    _("Treatment"),
                ],
                [
                    [
                        r.title,
                        r.get_side_display(),
                        r.get_nature_display(),
                        f"{r.likelihood} × {r.impact} = {r.score}",
                        _text(r.owner),
                        _text(r.treatment),
                    ]
                    for r in open_risks
                ],
                (4.2, 2.3, 2.2, 2.3, 2.3, 3.7),
                numeric=(3,),
            ),
        )
    )
    return section


def _review(data: SheetData) -> Section:
    section = Section(_("Latest checklist review"), "review", empty=_("No checklist review yet."))
    review = data.review
    if review is None:
        return section
    score = _score(review.score)
    section.facts = [
        (_("Reviewed on"), _day(review.reviewed_on)),
        (_("Health"), Health(review.health).label),
        (_("Risk score"), "—" if review.score is None else f"{score} %"),
        (_("Trend"), Trend(review.trend).label if review.trend in Trend.values else "—"),
    ]
    if review.notes.strip():
        section.paragraphs.append(review.notes.strip())
    return section


def _evaluations(data: SheetData) -> Section:
    section = Section(_("Evaluations"), "evaluations", empty=_("No evaluation scored yet."))
    evaluation = data.evaluation
    dimensions = list(Dimension.choices)
    if evaluation is not None:
        scores = evaluation.score_list
        section.facts = [
            (_("Latest evaluation"), f"{evaluation.title} · {_day(evaluation.evaluated_on)}"),
            (_("Average score"), _score(data.partnership.evaluation_score) + " / 5"),
        ]
        section.tables.append(
            (
                _("Scores by dimension and side (1–5)"),
                Table(
                    [_("Dimension"), _("Scored by"), _("Side"), _("Score"), _("Evidence")],
                    [
                        [
                            s.get_dimension_display(),
                            _member_name(s.member),
                            s.member.get_side_display(),
                            str(s.score),
                            s.evidence,
                        ]
                        for s in scores
                    ],
                    (4, 3.5, 3, 1.5, 5),
                    numeric=(3,),
                ),
            )
        )
        scorers = [m for m in data.members if any(s.member_id == m.pk for s in scores)]
        by_key = {(s.member_id, s.dimension): s.score for s in scores}
        section.chart = bar_chart(
            _("Scores by dimension and side (1–5)"),
            [str(label) for _key, label in dimensions],
            {
                f"{m.actor.name} ({m.get_side_display()})": [
                    by_key.get((m.pk, key)) for key, _label in dimensions
                ]
                for m in scorers
            },
            value_label=_("Score"),
            chart_id=f"partnership-{data.partnership.pk}-scores",
        )
    if data.fit:
        section.subsections.append(
            Section(
                _("Fit check"),
                "fit",
                tables=[
                    (
                        "",
                        Table(
                            [_("Member"), _("Dimension"), _("What is expected"), _("Fit")],
                            [
                                [
                                    _member_name(f.member),
                                    f.get_dimension_display(),
                                    f.expectation + (f"\n{f.comment}" if f.comment.strip() else ""),
                                    f.get_fit_display(),
                                ]
                                for f in data.fit
                            ],
                            (3.5, 4, 6.5, 3),
                        ),
                    )
                ],
            )
        )
    return section


def _actions(data: SheetData) -> Section:
    section = Section(_("Open action items"), "actions", empty=_("No open action item."))
    if data.actions:
        today = timezone.localdate()
        rows = []
        for a in data.actions:
            due = _day(a.due_on)
            if a.due_on and a.due_on < today:
                due = f"{due} ({_('late')})"
            owner = a.owner + (f"\n{a.owner_member.actor.name}" if a.owner_member else "")
            meeting = _day(a.meeting.held_on) if a.meeting else "—"
            rows.append([a.title, owner, due, a.get_status_display(), meeting])
        section.tables.append(
            (
                "",
                Table(
                    [_("Action"), _("Person in charge"), _("Deadline"), _("Status"), _("Meeting")],
                    rows,
                    (6, 3.5, 2.8, 2.3, 2.4),
                ),
            )
        )
    return section


def build_sheet(partnership: Partnership, language: str) -> Sheet:
    """The sheet of `partnership` written in `language` ("fr" or "en")."""
    language = language if language in LANGUAGES else "fr"
    data = sheet_data(partnership)
    p = data.partnership
    today = timezone.localdate()
    with in_language(language):
        sections = [
            _identity(data),
            _members(data),
            _objectives(data),
            _canvases(data),
            _experiment(data),
            _masterplan(data),
            _decisions(data),
            _risks(data),
            _review(data),
            _evaluations(data),
            _actions(data),
        ]
        return Sheet(
            language=language,
            workspace=p.workspace.name,
            name=p.name,
            slug=slugify(p.name)[:60] or str(p.pk),
            subtitle=f"{p.kind} · {p.get_stage_display()} · {p.get_status_display()}",
            generated_on=today,
            generated_display=formats.date_format(today, "DATE_FORMAT"),
            sections=sections,
            file_stem=f"{FILE_PREFIX[language]}-{slugify(p.name)[:60] or p.pk}-{today}",
        )
