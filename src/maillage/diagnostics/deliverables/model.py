"""The seven deliverables as text in one language: what the DOCX and the PDF write.

`build(engagement, kind, language)` reads what the kind shows (`selectors.deliverable_data`, a
fixed number of queries) and lays it out as sections (`Section`/`Table` of the partnership
sheet, reused as they are). Scenario figures come from `diagnostics.scoring`; nothing is
recomputed here.

Anonymisation: the interview report shows counts and quotes, never a speaker; the diagnostic
report shows a non-anonymised quote with the *categories* of the people heard in its interview
(e.g. "Direction"), an anonymised one with nothing. No deliverable shows a stakeholder's name,
e-mail address or the interview notes.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.core.money import format_decimal, format_euros
from maillage.partnerships.sheet.model import (
    LANGUAGES,
    Section,
    Table,
    in_language,
    language_or_default,
)

from .. import scoring
from ..choices import (
    ActionStatus,
    CommitteeOutcomeKind,
    Deliverable,
    InterviewStatus,
    Quadrant,
    RecommendationStatus,
    StakeholderCategory,
)
from ..models import Engagement
from .selectors import DeliverableData, deliverable_data

__all__ = ["LANGUAGES", "Document", "build", "language_or_default"]

QUOTES_PER_THEME = 3
THEMES_PER_QUADRANT = 5
EVIDENCE_PER_DIMENSION = 10


@dataclass
class Document:
    kind: str
    language: str
    workspace: str
    title: str  # the deliverable's name
    name: str  # the engagement's title
    subtitle: str
    generated_on: datetime.date
    generated_display: str
    sections: list[Section]
    file_stem: str

    def filename(self, extension: str) -> str:
        """`diagnostic-<slug>-<kind>-<date>.<extension>`."""
        return f"{self.file_stem}.{extension}"

    def section(self, anchor: str) -> Section:
        return next(s for s in self.sections if s.anchor == anchor)


# --- formatting ------------------------------------------------------------------------------


def _day(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def _text(value) -> str:
    return str(value).strip() if value not in (None, "") else "—"


def _number(value, places=2) -> str:
    return "—" if value is None else format_decimal(value, places)


def _days(value) -> str:
    return format_decimal(value or 0, 2)


def _percent(value) -> str:
    return f"{format_decimal(value, 0)} %"


def _quoted(text: str) -> str:
    if (get_language() or "").startswith("fr"):
        return f"« {text.strip()} »"
    return f"“{text.strip()}”"


def _category(key: str) -> str:
    return str(dict(StakeholderCategory.choices).get(key, key))


# --- shared computations (scoring.py does the arithmetic) ------------------------------------


def _frequency(finding) -> int:
    origins = set()
    for source in finding.sources:
        origins.add(
            ("i", source.interview_id) if source.interview_id else ("d", source.document_id)
        )
    return len(origins)


def _weights(data: DeliverableData) -> dict[int, int]:
    return {f.pk: scoring.finding_weight(_frequency(f), f.severity) for f in data.findings}


def _criticality(data: DeliverableData, weights: dict[int, int]) -> dict[int, Decimal]:
    burden = {d.pk: 0 for d in data.dimensions}
    for finding in data.findings:
        if finding.quadrant in (Quadrant.WEAKNESS, Quadrant.THREAT):
            burden[finding.dimension_id] = burden.get(finding.dimension_id, 0) + weights[finding.pk]
    return scoring.criticality(burden, data.mean_answers)


def _scenario_figures(data: DeliverableData):
    weights = {c.pk: c.weight for c in data.criteria}
    scores = {(s.scenario_id, s.criterion_id): s.score for s in data.scores}
    order = [s.pk for s in data.scenarios]
    weighted = scoring.weighted_scores(weights, scores)
    ranked = scoring.ranking(weighted, order)
    moves = scoring.sensitivity(weights, scores, order)
    return weights, scores, weighted, ranked, moves


# --- common sections -------------------------------------------------------------------------


def _context(data: DeliverableData) -> Section:
    e = data.engagement
    section = Section(_("Context"), "context")
    section.facts = [
        (_("Engagement"), e.title),
        (_("Period"), f"{_day(e.start_date)} → {_day(e.end_date)}"),
        (_("Status"), e.get_status_display()),
        (_("Consultants"), "\n".join(e.consultant_list) or "—"),
        (_("Project lead"), _text(e.project_lead)),
        (_("Focal point"), _text(e.focal_point)),
    ]
    if data.organisations:
        section.facts.append((_("Organisations involved"), "\n".join(data.organisations)))
    if e.summary.strip():
        section.paragraphs.append(e.summary.strip())
    return section


def _participation(data: DeliverableData) -> Section:
    done = data.interview_counts.get(InterviewStatus.DONE, 0)
    section = Section(_("Participation"), "participation")
    section.facts = [
        (_("Stakeholders identified"), str(data.stakeholder_count)),
        (_("Interviews done"), f"{done} / {data.engagement.expected_interviews}"),
        (_("Interviews planned"), str(data.interview_counts.get(InterviewStatus.PLANNED, 0))),
        (_("Individual interviews done"), str(data.interview_kinds_done.get("individual", 0))),
        (_("Group interviews done"), str(data.interview_kinds_done.get("group", 0))),
    ]
    rows = [
        [str(label), str(data.by_category.get(key, 0)), str(data.heard_by_category.get(key, 0))]
        for key, label in StakeholderCategory.choices
        if data.by_category.get(key)
    ]
    if rows:
        section.tables.append(
            (
                _("By category"),
                Table(
                    [_("Category"), _("Stakeholders"), _("Heard")],
                    rows,
                    (9, 4, 4),
                    numeric=(1, 2),
                ),
            )
        )
    rows = [
        [
            _text(name) if name else _("No organisation"),
            str(n),
            str(data.heard_by_organisation.get(name, 0)),
        ]
        for name, n in data.by_organisation
    ]
    if rows:
        section.tables.append(
            (
                _("By organisation"),
                Table(
                    [_("Organisation"), _("Stakeholders"), _("Heard")],
                    rows,
                    (9, 4, 4),
                    numeric=(1, 2),
                ),
            )
        )
    return section


# --- 1. interview report ---------------------------------------------------------------------


def _more(count: int) -> str:
    return _("… and %(count)s more findings (the heaviest are shown).") % {"count": count}


def _themes(data: DeliverableData, weights: dict[int, int]) -> Section:
    """By dimension and quadrant, the heaviest findings heard in interviews with up to three
    quotes each, never a speaker (THEMES_PER_QUADRANT findings at most; the rest counted)."""
    section = Section(
        _("Themes by dimension"), "themes", empty=_("No finding coded from the interviews yet.")
    )
    heard = defaultdict(list)
    for finding in data.findings:
        if any(s.interview_id for s in finding.sources):
            heard[finding.dimension_id].append(finding)
    for dimension in data.dimensions:
        findings = heard.get(dimension.pk)
        if not findings:
            continue
        sub = Section(dimension.name, f"theme-{dimension.pk}")
        for quadrant, label in Quadrant.choices:
            ranked = sorted(
                (f for f in findings if f.quadrant == quadrant),
                key=lambda f: (-weights[f.pk], f.pk),
            )
            rows = []
            for finding in ranked[:THEMES_PER_QUADRANT]:
                quotes = [
                    _quoted(s.quote) for s in finding.sources if s.interview_id and s.quote.strip()
                ][:QUOTES_PER_THEME]
                interviews = len({s.interview_id for s in finding.sources if s.interview_id})
                rows.append([finding.statement, str(interviews), "\n".join(quotes) or "—"])
            if rows:
                sub.tables.append(
                    (
                        str(label),
                        Table(
                            [_("Theme"), _("Interviews"), _("What was said")],
                            rows,
                            (6.3, 2.5, 8.2),
                            numeric=(1,),
                        ),
                    )
                )
            if len(ranked) > THEMES_PER_QUADRANT:
                sub.tables[-1][1].rows.append([_more(len(ranked) - THEMES_PER_QUADRANT), "", ""])
        section.subsections.append(sub)
    return section


def _interview_report(data: DeliverableData) -> list[Section]:
    weights = _weights(data)
    method = Section(_("Method"), "method")
    method.paragraphs.append(
        _(
            "Individual and group interviews with the directions, the teams, partners and board "
            "members. This report aggregates what was said: it names no one, and quotes are "
            "given without their speaker."
        )
    )
    return [_context(data), method, _participation(data), _themes(data, weights)]


# --- 2. diagnostic report --------------------------------------------------------------------


def _quote_line(data: DeliverableData, source) -> str:
    quote = _quoted(source.quote)
    if source.anonymise or not source.interview_id:
        return quote
    categories = data.categories_of_interview.get(source.interview_id, [])
    if not categories:
        return quote
    return f"{quote} ({', '.join(_category(c) for c in categories)})"


def _swot(data: DeliverableData, weights: dict[int, int]) -> Section:
    section = Section(_("SWOT"), "swot", empty=_("No SWOT item yet."))
    findings = {f.pk: f for f in data.findings}
    for quadrant, label in Quadrant.choices:
        items = []
        for item in data.swot_items:
            if item.quadrant != quadrant:
                continue
            linked = [findings[pk] for pk in data.swot_findings.get(item.pk, []) if pk in findings]
            weight = sum(weights[f.pk] for f in linked)
            evidence = sum(len(f.sources) for f in linked)
            items.append((weight, item, linked, evidence))
        if not items:
            continue
        items.sort(key=lambda row: (-row[0], row[1].position, row[1].pk))
        rows = [
            [item.text, str(weight), str(len(linked)), str(evidence)]
            for weight, item, linked, evidence in items
        ]
        section.tables.append(
            (
                str(label),
                Table(
                    [_("Item"), _("Weight"), _("Findings"), _("Evidence")],
                    rows,
                    (10, 2.3, 2.3, 2.4),
                    numeric=(1, 2, 3),
                ),
            )
        )
    return section


def _priorities(data: DeliverableData, weights: dict[int, int]) -> Section:
    section = Section(_("Prioritised dimensions"), "priorities")
    critical = _criticality(data, weights)
    order = sorted(
        data.dimensions,
        key=lambda d: (
            d.priority_rank is None,
            d.priority_rank or 0,
            -critical.get(d.pk, 0),
            d.position,
        ),
    )
    section.tables.append(
        (
            "",
            Table(
                [_("Rank"), _("Dimension"), _("Criticality (0–100)"), _("Why this rank")],
                [
                    [
                        str(d.priority_rank) if d.priority_rank else "—",
                        d.name,
                        _number(critical.get(d.pk)),
                        _text(d.priority_rationale),
                    ]
                    for d in order
                ],
                (1.5, 5.5, 3, 7),
                numeric=(0, 2),
            ),
        )
    )
    section.paragraphs.append(
        _(
            "Criticality = 100 × (0.6 × weight of the weaknesses and threats relative to the most "
            "burdened dimension + 0.4 × (5 − mean questionnaire answer) ÷ 4); without answers, "
            "the findings part alone."
        )
    )
    return section


def _evidence(data: DeliverableData, weights: dict[int, int]) -> Section:
    """By dimension, the heaviest findings (EVIDENCE_PER_DIMENSION at most) with their quotes."""
    section = Section(_("Findings and their evidence"), "findings", empty=_("No finding yet."))
    by_dimension = defaultdict(list)
    for finding in data.findings:
        by_dimension[finding.dimension_id].append(finding)
    for dimension in data.dimensions:
        ranked = sorted(by_dimension.get(dimension.pk, []), key=lambda f: (-weights[f.pk], f.pk))
        if not ranked:
            continue
        rows = []
        for finding in ranked[:EVIDENCE_PER_DIMENSION]:
            quotes = [_quote_line(data, s) for s in finding.sources if s.quote.strip()]
            rows.append(
                [
                    finding.statement,
                    str(Quadrant(finding.quadrant).label),
                    str(finding.severity),
                    str(weights[finding.pk]),
                    "\n".join(quotes[:QUOTES_PER_THEME]) or "—",
                ]
            )
        if len(ranked) > EVIDENCE_PER_DIMENSION:
            rows.append([_more(len(ranked) - EVIDENCE_PER_DIMENSION), "", "", "", ""])
        sub = Section(dimension.name, f"findings-{dimension.pk}")
        sub.facts = [(_("Findings"), str(len(ranked)))]
        sub.tables.append(
            (
                "",
                Table(
                    [_("Finding"), _("Quadrant"), _("Severity"), _("Weight"), _("Quotes")],
                    rows,
                    (5, 2.2, 1.8, 1.6, 6.4),
                    numeric=(2, 3),
                ),
            )
        )
        section.subsections.append(sub)
    return section


def _documents(data: DeliverableData) -> Section:
    section = Section(_("Document review log"), "documents", empty=_("No document reviewed yet."))
    if data.documents:
        section.tables.append(
            (
                "",
                Table(
                    [_("Document"), _("Kind"), _("Source"), _("Reviewed on"), _("Findings")],
                    [
                        [
                            d.title,
                            d.get_kind_display(),
                            _text(d.source),
                            _day(d.reviewed_on),
                            str(d.finding_count),
                        ]
                        for d in data.documents
                    ],
                    (6, 2.8, 3.5, 2.5, 2.2),
                    numeric=(4,),
                ),
            )
        )
    return section


def _diagnostic_report(data: DeliverableData) -> list[Section]:
    weights = _weights(data)
    method = Section(_("Method"), "method")
    done = data.interview_counts.get(InterviewStatus.DONE, 0)
    method.facts = [
        (_("Interviews done"), f"{done} / {data.engagement.expected_interviews}"),
        (_("Documents reviewed"), str(len(data.documents))),
        (_("Findings coded"), str(len(data.findings))),
    ]
    method.paragraphs.append(
        _(
            "Findings are coded from the interviews and the documents, by dimension and SWOT "
            "quadrant. Weight of a finding = number of distinct sources × severity (1–5); a SWOT "
            "item weighs the sum of its findings' weights. Quotes not marked anonymous show the "
            "category of the people heard, never their names."
        )
    )
    return [
        _context(data),
        method,
        _swot(data, weights),
        _priorities(data, weights),
        _evidence(data, weights),
        _documents(data),
    ]


# --- 3. scenario analysis --------------------------------------------------------------------


def _scenario_sections(data: DeliverableData) -> list[Section]:
    _unused, scores, weighted, ranked, moves = _scenario_figures(data)
    names = {s.pk: s.name for s in data.scenarios}
    criteria_names = {c.pk: c.name for c in data.criteria}
    criteria = Section(_("Criteria and weights"), "criteria", empty=_("No criterion yet."))
    if data.criteria:
        total = sum((c.weight for c in data.criteria), Decimal(0))
        rows = [[c.name, _number(c.weight), _text(c.description)] for c in data.criteria]
        rows.append([_("Total"), _number(total), ""])
        criteria.tables.append(
            (
                "",
                Table(
                    [_("Criterion"), _("Weight (%)"), _("Description")],
                    rows,
                    (5, 2.5, 9.5),
                    numeric=(1,),
                ),
            )
        )
    scenarios = Section(_("Scenarios"), "scenarios", empty=_("No scenario yet."))
    for s in data.scenarios:
        sub = Section(s.name, f"scenario-{s.pk}")
        if s.description.strip():
            sub.paragraphs.append(s.description.strip())
        if s.impacts.strip():
            sub.facts.append((_("Expected impacts"), s.impacts.strip()))
        scenarios.subsections.append(sub)
    grid = Section(_("Score grid"), "grid", empty=_("No scenario scored yet."))
    if data.scores and data.criteria:
        rows = [
            [c.name, _number(c.weight)]
            + [str(scores.get((s.pk, c.pk), "—")) for s in data.scenarios]
            for c in data.criteria
        ]
        rows.append(
            [_("Weighted score"), ""]
            + [_number(scoring.rounded(weighted.get(s.pk))) for s in data.scenarios]
        )
        width = max(1.6, 11 / max(len(data.scenarios), 1))
        grid.tables.append(
            (
                _("Scores from 1 (poorly) to 5 (very well)"),
                Table(
                    [_("Criterion"), _("Weight (%)")] + [s.name for s in data.scenarios],
                    rows,
                    (4, 2, *([width] * len(data.scenarios))),
                    numeric=tuple(range(1, 2 + len(data.scenarios))),
                ),
            )
        )
    ranking = Section(_("Ranking"), "ranking", empty=_("No scenario has a complete score yet."))
    if ranked:
        ranking.tables.append(
            (
                "",
                Table(
                    [_("Rank"), _("Scenario"), _("Weighted score")],
                    [
                        [str(i), names[pk], _number(scoring.rounded(weighted[pk]))]
                        for i, pk in enumerate(ranked, start=1)
                    ],
                    (2, 11, 4),
                    numeric=(0, 2),
                ),
            )
        )
        ranking.paragraphs.append(
            _("Weighted score = Σ (weight × score) ÷ Σ weights over the criteria with a weight.")
        )
    sensitivity = Section(_("Sensitivity"), "sensitivity", empty=_("No ranking to test yet."))
    if ranked and moves:
        holds = sum(m.holds for m in moves)
        sensitivity.paragraphs.append(
            _(
                "Each criterion's weight is moved by −20 %% and +20 %% in turn. The ranking "
                "holds in %(holds)s of %(total)s cases; the first scenario stays first in %(top)s."
            )
            % {"holds": holds, "total": len(moves), "top": sum(m.top_holds for m in moves)}
        )
        sensitivity.tables.append(
            (
                "",
                Table(
                    [_("Criterion"), _("Weight change"), _("Ranking"), _("Holds")],
                    [
                        [
                            criteria_names[m.criterion],
                            "−20 %" if m.factor < 1 else "+20 %",
                            " > ".join(names[pk] for pk in m.ranking),
                            _("yes") if m.holds else _("no"),
                        ]
                        for m in moves
                    ],
                    (4, 2.5, 8.5, 2),
                ),
            )
        )
    target = Section(_("Target scenario"), "target", empty=_("No target scenario chosen yet."))
    e = data.engagement
    if e.target_scenario_id:
        target.facts = [
            (_("Target scenario"), e.target_scenario.name),
            (_("Why this scenario"), _text(e.target_rationale)),
        ]
    return [criteria, scenarios, grid, ranking, sensitivity, target]


# --- 4. recommendations ----------------------------------------------------------------------


def _validation(r) -> str:
    lines = []
    if r.directions_validated_on:
        lines.append(
            _("Directions: %(who)s, %(date)s")
            % {"who": _text(r.directions_validated_by), "date": _day(r.directions_validated_on)}
        )
    if r.boards_validated_on:
        lines.append(
            _("Boards: %(who)s, %(date)s")
            % {"who": _text(r.boards_validated_by), "date": _day(r.boards_validated_on)}
        )
    if r.status == RecommendationStatus.REJECTED:
        lines.append(
            _("Rejected on %(date)s: %(why)s")
            % {"date": _day(r.rejected_on), "why": _text(r.rejection_reason)}
        )
    return "\n".join(lines) or "—"


def _recommendation_sections(data: DeliverableData) -> list[Section]:
    summary = Section(_("Summary"), "summary")
    counts = defaultdict(int)
    for r in data.recommendations:
        counts[r.status] += 1
    summary.facts = [(_("Recommendations"), str(len(data.recommendations)))] + [
        (str(label), str(counts[key])) for key, label in RecommendationStatus.choices
    ]
    by_dimension = Section(
        _("Recommendations by dimension"), "recommendations", empty=_("No recommendation yet.")
    )
    for dimension in data.dimensions:
        rows = [
            [
                r.title + (f"\n{r.description.strip()}" if r.description.strip() else ""),
                r.get_priority_display(),
                r.scenario.name if r.scenario else "—",
                r.get_status_display(),
                _validation(r),
            ]
            for r in data.recommendations
            if r.dimension_id == dimension.pk
        ]
        if rows:
            by_dimension.subsections.append(
                Section(
                    dimension.name,
                    f"dimension-{dimension.pk}",
                    tables=[
                        (
                            "",
                            Table(
                                [
                                    _("Recommendation"),
                                    _("Priority"),
                                    _("Scenario"),
                                    _("Status"),
                                    _("Validated"),
                                ],
                                rows,
                                (6.2, 1.8, 2.8, 2.6, 3.6),
                            ),
                        )
                    ],
                )
            )
    return [summary, by_dimension]


# --- 5. implementation plan ------------------------------------------------------------------


def _plan_sections(data: DeliverableData) -> list[Section]:
    totals = Section(_("Resources"), "resources")
    days = sum((a.resource_days for a in data.actions), Decimal(0))
    amount = sum((a.resource_amount for a in data.actions), Decimal(0))
    totals.facts = [
        (_("Actions"), str(len(data.actions))),
        (_("Resources (days)"), _days(days)),
        (_("Resources (€)"), format_euros(amount)),
    ]
    actions = Section(_("Actions"), "actions", empty=_("No action in the plan yet."))
    if data.actions:
        actions.tables.append(
            (
                "",
                Table(
                    [
                        _("Action"),
                        _("Priority"),
                        _("Dates"),
                        _("Person in charge"),
                        _("Days"),
                        _("€"),
                    ],
                    [
                        [
                            a.title + f"\n({a.recommendation.title})",
                            a.get_priority_display(),
                            f"{_day(a.start_on)} → {_day(a.due_on)}",
                            a.owner,
                            _days(a.resource_days),
                            format_euros(a.resource_amount),
                        ]
                        for a in data.actions
                    ],
                    (5.8, 1.7, 3.3, 2.6, 1.4, 2.2),
                    numeric=(4, 5),
                ),
            )
        )
        actions.tables[0][1].rows.append(
            [_("Total"), "", "", "", _days(days), format_euros(amount)]
        )
    monitoring = Section(_("Monitoring"), "monitoring", empty=_("No action in the plan yet."))
    if data.actions:
        monitoring.tables.append(
            (
                "",
                Table(
                    [_("Action"), _("Indicators"), _("Monitoring mode"), _("Status")],
                    [
                        [
                            a.title,
                            "\n".join(i.name for i in a.indicators.all()) or "—",
                            _text(a.monitoring_mode),
                            f"{a.get_status_display()} · {a.progress} %",
                        ]
                        for a in data.actions
                    ],
                    (5, 4, 5.5, 2.5),
                ),
            )
        )
    training = Section(_("Training needs"), "training", empty=_("No training need noted."))
    rows = [[a.title, a.training_needs.strip()] for a in data.actions if a.training_needs.strip()]
    if rows:
        training.tables.append(("", Table([_("Action"), _("Training needs")], rows, (6, 11))))
    return [totals, actions, monitoring, training]


# --- 6 and 7. activity reports ---------------------------------------------------------------


def _activity_sections(data: DeliverableData, final: bool) -> list[Section]:
    e = data.engagement
    today = timezone.localdate()
    calendar = Section(_("Calendar and milestones"), "calendar")
    calendar.facts = [(_("Period"), f"{_day(e.start_date)} → {_day(e.end_date)}")]
    if data.milestones:
        calendar.tables.append(
            (
                "",
                Table(
                    [_("Milestone"), _("Due on"), _("Done on")],
                    [
                        [
                            m.name,
                            _day(m.due_on),
                            _day(m.done_on)
                            if m.done_on
                            else (_("late") if m.due_on < today else _("to come")),
                        ]
                        for m in data.milestones
                    ],
                    (9, 4, 4),
                ),
            )
        )
    budget = Section(_("Budget and time spent"), "budget")
    budget.tables.append(
        (
            "",
            Table(
                ["", _("Budget"), _("Spent"), _("Remaining")],
                [
                    [
                        _("Days"),
                        _days(e.budget_days),
                        _days(data.time_days),
                        _days(e.budget_days - data.time_days),
                    ],
                    [
                        _("Amount (€, excl. VAT)"),
                        format_euros(e.budget_amount),
                        format_euros(data.time_amount),
                        format_euros(e.budget_amount - data.time_amount),
                    ],
                ],
                (5, 4, 4, 4),
                numeric=(1, 2, 3),
            ),
        )
    )
    if data.time_by_person:
        budget.tables.append(
            (
                _("Time spent by person"),
                Table(
                    [_("Person"), _("Days"), _("Amount")],
                    [[p, _days(d), format_euros(a)] for p, d, a in data.time_by_person],
                    (9, 4, 4),
                    numeric=(1, 2),
                ),
            )
        )
    interviews = Section(_("Interviews"), "interviews")
    done = data.interview_counts.get(InterviewStatus.DONE, 0)
    interviews.facts = [
        (_("Interviews done"), str(done)),
        (_("Interviews expected"), str(e.expected_interviews)),
        (_("Interviews planned"), str(data.interview_counts.get(InterviewStatus.PLANNED, 0))),
        (_("Interviews cancelled"), str(data.interview_counts.get(InterviewStatus.CANCELLED, 0))),
    ]
    committee = Section(_("Steering committee"), "committee", empty=_("No meeting held yet."))
    for meeting in data.meetings:
        sub = Section(
            f"{_day(meeting.held_on)} · {meeting.get_kind_display()}", f"meeting-{meeting.pk}"
        )
        outcomes = list(meeting.outcomes.all())
        for kind, label in CommitteeOutcomeKind.choices:
            texts = [o.text for o in outcomes if o.kind == kind]
            if texts:
                sub.facts.append((str(label), "\n".join(texts)))
        items = list(meeting.action_items.all())
        if items:
            sub.tables.append(
                (
                    _("Action items"),
                    Table(
                        [_("Action"), _("Person in charge"), _("Deadline"), _("Status")],
                        [[i.title, i.owner, _day(i.due_on), i.get_status_display()] for i in items],
                        (7, 4, 3, 3),
                    ),
                )
            )
        if sub.is_empty:
            sub.paragraphs.append(_("No decision recorded."))
        committee.subsections.append(sub)
    sections = [calendar, budget, interviews, committee]
    if final:
        results = Section(_("Results"), "results")
        validated = sum(
            r.status == RecommendationStatus.VALIDATED_BOARDS for r in data.recommendations
        )
        results.facts = [
            (_("Recommendations"), str(len(data.recommendations))),
            (_("Validated by the boards"), str(validated)),
            (_("Target scenario"), e.target_scenario.name if e.target_scenario_id else "—"),
            (_("Actions in the plan"), str(len(data.actions))),
        ]
        sections.append(results)
    upcoming = Section(_("What is next"), "next", empty=_("Nothing planned."))
    rows = [
        [m.name, _day(m.due_on)] for m in data.milestones if not m.done_on and m.due_on >= today
    ]
    rows += [
        [i.title, _day(i.due_on)]
        for meeting in data.meetings
        for i in meeting.action_items.all()
        if i.status in (ActionStatus.TO_DO, ActionStatus.IN_PROGRESS)
    ]
    if final:
        rows += [
            [a.title, _day(a.due_on)]
            for a in data.actions
            if a.status in (ActionStatus.TO_DO, ActionStatus.IN_PROGRESS)
        ]
    if rows:
        upcoming.tables.append(("", Table([_("What"), _("When")], rows, (13, 4))))
    sections.append(upcoming)
    return sections


# --- build -----------------------------------------------------------------------------------

BUILDERS = {
    Deliverable.INTERVIEWS: _interview_report,
    Deliverable.DIAGNOSTIC: _diagnostic_report,
    Deliverable.SCENARIOS: lambda data: [_context(data), *_scenario_sections(data)],
    Deliverable.RECOMMENDATIONS: lambda data: [_context(data), *_recommendation_sections(data)],
    Deliverable.PLAN: lambda data: [_context(data), *_plan_sections(data)],
    Deliverable.INTERMEDIATE: lambda data: _activity_sections(data, final=False),
    Deliverable.FINAL: lambda data: _activity_sections(data, final=True),
}


def build(engagement: Engagement, kind: str, language: str) -> Document:
    """The deliverable `kind` (a `choices.Deliverable`) of `engagement` in `language`."""
    kind = Deliverable(kind)
    language = language if language in LANGUAGES else "fr"
    data = deliverable_data(engagement, kind)
    e = data.engagement
    today = timezone.localdate()
    slug = slugify(e.title).removeprefix("diagnostic-")[:60] or str(e.pk)
    with in_language(language):
        sections = BUILDERS[kind](data)
        return Document(
            kind=str(kind),
            language=language,
            workspace=e.workspace.name,
            title=str(kind.label),
            name=e.title,
            subtitle=f"{_day(e.start_date)} → {_day(e.end_date)} · {e.get_status_display()}",
            generated_on=today,
            generated_display=formats.date_format(today, "DATE_FORMAT"),
            sections=sections,
            file_stem=f"diagnostic-{slug}-{kind}-{today}",
        )
