"""What the deliverables read: a fixed number of queries per kind of deliverable, whatever the
number of stakeholders, interviews, findings, sources, SWOT items, scenarios, recommendations,
actions or meetings (measured in tests/diagnostics/test_deliverables.py).

Each kind reads only the parts it shows (`PARTS`). Nothing here reads the interview notes, and
stakeholders are read as counts (category, organisation) and as the categories of the people
heard in each interview: never their names or e-mail addresses.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Sum

from ..choices import Deliverable, InterviewStatus
from ..models import (
    CommitteeMeeting,
    Criterion,
    Dimension,
    Engagement,
    EngagementMilestone,
    EngagementOrganisation,
    Finding,
    FindingSource,
    Interview,
    PlanAction,
    QuestionnaireAnswer,
    Recommendation,
    ReviewedDocument,
    Scenario,
    ScenarioScore,
    Stakeholder,
    SwotItem,
    TimeSpent,
)

K = Deliverable
PARTS = {
    K.INTERVIEWS: {"people", "interviews", "findings"},
    K.DIAGNOSTIC: {"people", "interviews", "findings", "swot", "documents", "answers"},
    K.SCENARIOS: {"scenarios"},
    K.RECOMMENDATIONS: {"recommendations"},
    K.PLAN: {"recommendations", "plan"},
    K.INTERMEDIATE: {"interviews", "activity", "plan"},
    K.FINAL: {"interviews", "activity", "plan", "recommendations", "scenarios"},
}


@dataclass
class DeliverableData:
    engagement: Engagement
    dimensions: list[Dimension]
    organisations: list[str] = field(default_factory=list)
    # people: counts only
    stakeholder_count: int = 0
    by_category: dict[str, int] = field(default_factory=dict)  # category -> stakeholders
    by_organisation: list[tuple[str, int]] = field(default_factory=list)
    heard_by_category: dict[str, int] = field(default_factory=dict)  # in interviews done
    heard_by_organisation: dict[str, int] = field(default_factory=dict)
    # interviews
    interview_counts: Counter = field(default_factory=Counter)  # status -> count
    interview_kinds_done: Counter = field(default_factory=Counter)  # kind -> done
    categories_of_interview: dict[int, list[str]] = field(default_factory=dict)
    # findings
    findings: list = field(default_factory=list)  # FindingRow, with their sources
    swot_items: list[SwotItem] = field(default_factory=list)
    swot_findings: dict[int, list[int]] = field(default_factory=dict)  # item -> finding ids
    documents: list[ReviewedDocument] = field(default_factory=list)
    mean_answers: dict[int, Decimal | None] = field(default_factory=dict)
    # scenarios
    scenarios: list[Scenario] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    scores: list[ScenarioScore] = field(default_factory=list)
    # recommendations and plan
    recommendations: list[Recommendation] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)
    # activity
    milestones: list[EngagementMilestone] = field(default_factory=list)
    time_days: Decimal = Decimal(0)
    time_amount: Decimal = Decimal(0)
    time_by_person: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)
    meetings: list[CommitteeMeeting] = field(default_factory=list)


def deliverable_data(engagement: Engagement, kind: str) -> DeliverableData:
    parts = PARTS[K(kind)]
    engagement = (
        Engagement.objects.select_related("workspace", "target_scenario")
        .filter(pk=engagement.pk)
        .get()
    )
    data = DeliverableData(engagement, list(Dimension.objects.filter(engagement=engagement)))
    if "people" in parts:
        _people(data)
    if "interviews" in parts:
        _interviews(data)
    if "findings" in parts:
        data.findings = _findings(engagement)
    if "swot" in parts:
        data.swot_items = list(SwotItem.objects.filter(engagement=engagement))
        links = defaultdict(list)
        through = SwotItem.findings.through.objects.filter(swotitem__engagement=engagement)
        for item_id, finding_id in through.values_list("swotitem_id", "finding_id"):
            links[item_id].append(finding_id)
        data.swot_findings = dict(links)
    if "documents" in parts:
        data.documents = list(
            ReviewedDocument.objects.filter(engagement=engagement)
            .annotate(finding_count=Count("finding_sources__finding", distinct=True))
            .order_by("reviewed_on", "title", "id")
        )
    if "answers" in parts:
        data.mean_answers = {
            row["item__dimension"]: row["mean"]
            for row in QuestionnaireAnswer.objects.filter(
                item__questionnaire__engagement=engagement
            )
            .values("item__dimension")
            .annotate(mean=Avg("value"))
        }
    if "scenarios" in parts:
        data.scenarios = list(Scenario.objects.filter(engagement=engagement))
        data.criteria = list(Criterion.objects.filter(engagement=engagement))
        data.scores = list(ScenarioScore.objects.filter(scenario__engagement=engagement))
    if "recommendations" in parts:
        data.recommendations = list(
            Recommendation.objects.filter(engagement=engagement)
            .select_related("dimension", "scenario")
            .order_by("dimension__position", "dimension_id", "priority", "id")
        )
    if "plan" in parts:
        data.actions = list(
            PlanAction.objects.filter(engagement=engagement)
            .select_related("recommendation")
            .prefetch_related("indicators")
            .order_by("priority", "due_on", "id")
        )
    if "activity" in parts:
        _activity(data)
    return data


@dataclass(slots=True)
class Source:
    interview_id: int | None
    document_id: int | None
    quote: str
    anonymise: bool


@dataclass(slots=True)
class FindingRow:
    """A finding as the deliverables need it (plain rows: 5,000 findings read in well under a
    second, where model instances with prefetched sources take several)."""

    pk: int
    dimension_id: int
    quadrant: str
    statement: str
    severity: int
    sources: list[Source] = field(default_factory=list)


def _findings(engagement) -> list[FindingRow]:
    rows = {
        pk: FindingRow(pk, dimension_id, quadrant, statement, severity)
        for pk, dimension_id, quadrant, statement, severity in Finding.objects.filter(
            engagement=engagement
        )
        .order_by("dimension__position", "dimension_id", "quadrant", "id")
        .values_list("id", "dimension_id", "quadrant", "statement", "severity")
    }
    sources = (
        FindingSource.objects.filter(finding__engagement=engagement)
        .order_by("id")
        .values_list("finding_id", "interview_id", "document_id", "quote", "anonymise")
    )
    for finding_id, interview_id, document_id, quote, anonymise in sources:
        rows[finding_id].sources.append(Source(interview_id, document_id, quote, anonymise))
    return list(rows.values())


def _people(data: DeliverableData) -> None:
    engagement = data.engagement
    data.organisations = [
        row.actor.name
        for row in EngagementOrganisation.objects.filter(engagement=engagement).select_related(
            "actor"
        )
    ]
    rows = Stakeholder.objects.filter(engagement=engagement)
    data.by_category = dict(
        rows.values_list("category").annotate(n=Count("id")).order_by("category")
    )
    data.stakeholder_count = sum(data.by_category.values())
    data.by_organisation = list(
        rows.values_list("organisation__name")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation__name")
    )
    heard = Stakeholder.objects.filter(
        engagement=engagement, interviews__status=InterviewStatus.DONE
    ).distinct()
    data.heard_by_category = dict(
        Stakeholder.objects.filter(pk__in=heard.values("pk"))
        .values_list("category")
        .annotate(n=Count("id"))
        .order_by("category")
    )
    data.heard_by_organisation = dict(
        Stakeholder.objects.filter(pk__in=heard.values("pk"))
        .values_list("organisation__name")
        .annotate(n=Count("id"))
        .order_by("organisation__name")
    )


def _interviews(data: DeliverableData) -> None:
    engagement = data.engagement
    rows = Interview.objects.filter(engagement=engagement)
    data.interview_counts = Counter(
        dict(rows.values_list("status").annotate(n=Count("id")).order_by("status"))
    )
    data.interview_kinds_done = Counter(
        dict(
            rows.filter(status=InterviewStatus.DONE)
            .values_list("kind")
            .annotate(n=Count("id"))
            .order_by("kind")
        )
    )
    categories = defaultdict(set)
    through = Interview.stakeholders.through.objects.filter(interview__engagement=engagement)
    for interview_id, category in through.values_list("interview_id", "stakeholder__category"):
        categories[interview_id].add(category)
    data.categories_of_interview = {pk: sorted(c) for pk, c in categories.items()}


def _activity(data: DeliverableData) -> None:
    engagement = data.engagement
    data.milestones = list(EngagementMilestone.objects.filter(engagement=engagement))
    spent = TimeSpent.objects.filter(engagement=engagement)
    totals = spent.aggregate(days=Sum("days"), amount=Sum("amount"))
    data.time_days = totals["days"] or Decimal(0)
    data.time_amount = totals["amount"] or Decimal(0)
    data.time_by_person = list(
        spent.values_list("person").annotate(d=Sum("days"), a=Sum("amount")).order_by("person")
    )
    data.meetings = list(
        CommitteeMeeting.objects.filter(engagement=engagement).prefetch_related(
            "outcomes", "action_items"
        )
    )
