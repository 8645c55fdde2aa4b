"""Reads for the questionnaire: its statements, links and results.

Results are per dimension (mean and distribution of the 1–5 answers), then per organisation and
per stakeholder category. A group of fewer than `MIN_GROUP` respondents is never shown (its
figures could point at a person): it reads "too few answers to show".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from maillage.core.charts import bar_chart, stacked_bar_chart

from .. import scoring
from ..choices import StakeholderCategory
from ..models import Dimension, Questionnaire, QuestionnaireAnswer, QuestionnaireInvitation

MIN_GROUP = 3
SCALE = (1, 2, 3, 4, 5)


def questionnaires(engagement):
    return (
        Questionnaire.objects.filter(engagement=engagement)
        .annotate(
            item_count=Count("items", distinct=True),
            invited=Count("invitations", distinct=True),
            answered=Count(
                "invitations", filter=Q(invitations__answered_at__isnull=False), distinct=True
            ),
        )
        .order_by("id")
    )


def invitation_by_token(token: str):
    """The invitation a personal link opens, whatever the workspace (the one cross-workspace
    read of the module's public page), or None."""
    with scopes_disabled():
        return (
            QuestionnaireInvitation.objects.select_related("questionnaire")
            .filter(token=token)
            .first()
        )


def items(questionnaire):
    return questionnaire.items.select_related("dimension").order_by("position", "id")


def invitations(questionnaire):
    return questionnaire.invitations.select_related(
        "stakeholder", "stakeholder__organisation"
    ).order_by("stakeholder__name", "id")


@dataclass
class Stats:
    """Answers of one group on one dimension."""

    respondents: set = field(default_factory=set)
    counts: dict = field(default_factory=lambda: dict.fromkeys(SCALE, 0))

    @property
    def n(self) -> int:
        return len(self.respondents)

    @property
    def shown(self) -> bool:
        return self.n >= MIN_GROUP

    @property
    def answers(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> Decimal | None:
        if not self.answers:
            return None
        total = sum(v * c for v, c in self.counts.items())
        return scoring.rounded(Decimal(total) / Decimal(self.answers))

    def add(self, respondent, value) -> None:
        self.respondents.add(respondent)
        self.counts[value] += 1


@dataclass
class Group:
    key: object
    label: str
    respondents: set = field(default_factory=set)
    by_dimension: dict = field(default_factory=lambda: defaultdict(Stats))
    means: list = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.respondents)

    @property
    def shown(self) -> bool:
        return self.n >= MIN_GROUP


def results(questionnaire) -> dict:
    """Everything the results page shows, from one query on the answers."""
    invited = QuestionnaireInvitation.objects.filter(questionnaire=questionnaire).count()
    rows = QuestionnaireAnswer.objects.filter(invitation__questionnaire=questionnaire).values_list(
        "invitation_id",
        "item__dimension_id",
        "value",
        "invitation__stakeholder__organisation_id",
        "invitation__stakeholder__organisation__name",
        "invitation__stakeholder__category",
    )
    dimension_ids = set(questionnaire.items.values_list("dimension_id", flat=True))
    dimensions = list(Dimension.objects.filter(pk__in=dimension_ids).order_by("position", "id"))
    overall: dict[int, Stats] = defaultdict(Stats)
    organisations: dict[object, Group] = {}
    categories: dict[object, Group] = {}
    respondents = set()
    category_labels = dict(StakeholderCategory.choices)
    for invitation, dimension, value, org_id, org_name, category in rows:
        respondents.add(invitation)
        overall[dimension].add(invitation, value)
        org = organisations.setdefault(org_id, Group(org_id, org_name or _("No organisation")))
        cat = categories.setdefault(
            category, Group(category, str(category_labels.get(category, category)))
        )
        for group in (org, cat):
            group.respondents.add(invitation)
            group.by_dimension[dimension].add(invitation, value)
    dimension_rows = [(d, overall[d.pk]) for d in dimensions]
    for group in (*organisations.values(), *categories.values()):
        group.means = [
            group.by_dimension[d.pk].mean if d.pk in group.by_dimension else None
            for d in dimensions
        ]
    org_groups = sorted(organisations.values(), key=lambda g: g.label)
    cat_groups = sorted(categories.values(), key=lambda g: g.label)
    return {
        "invited": invited,
        "answered": len(respondents),
        "rate": (scoring.rounded(Decimal(100) * len(respondents) / invited) if invited else None),
        "dimensions": dimension_rows,
        "organisations": org_groups,
        "categories": cat_groups,
        "min_group": MIN_GROUP,
        "charts": _charts(dimension_rows, dimensions, org_groups, cat_groups),
    }


def short(name: str, length: int = 28) -> str:
    """A dimension's name as a chart label (the tables give it whole)."""
    return name if len(name) <= length else name[: length - 1].rstrip() + "…"


def _charts(dimension_rows, dimensions, org_groups, cat_groups) -> dict:
    shown = [(d, s) for d, s in dimension_rows if s.shown]
    charts = {}
    if shown:
        names = [f"{short(d.name)} (n={s.n})" for d, s in shown]
        charts["means"] = bar_chart(
            _("Mean answer per dimension (1 strongly disagree … 5 strongly agree)"),
            names,
            {_("Mean"): [s.mean for _d, s in shown]},
            category_label=_("Dimension"),
            value_label=_("Mean (1–5)"),
            chart_id="questionnaire-means",
        )
        charts["distribution"] = stacked_bar_chart(
            _("Distribution of the answers per dimension"),
            names,
            {str(v): [s.counts[v] for _d, s in shown] for v in SCALE},
            kind="count",
            category_label=_("Dimension"),
            value_label=_("Answers"),
            chart_id="questionnaire-distribution",
        )
    for key, groups, title in (
        ("organisations", org_groups, _("Mean answer per dimension and organisation")),
        ("categories", cat_groups, _("Mean answer per dimension and stakeholder category")),
    ):
        visible = [g for g in groups if g.shown]
        if visible and dimensions:
            charts[key] = bar_chart(
                title,
                [short(d.name) for d in dimensions],
                {
                    f"{g.label} (n={g.n})": [
                        g.by_dimension[d.pk].mean if d.pk in g.by_dimension else None
                        for d in dimensions
                    ]
                    for g in visible
                },
                category_label=_("Dimension"),
                value_label=_("Mean (1–5)"),
                chart_id=f"questionnaire-{key}",
            )
    return charts
