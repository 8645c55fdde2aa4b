"""Forms of the scenario analysis, the recommendations and the plan (the services decide)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import VersionedModelForm

from ..choices import LIKERT, Priority, RecommendationStatus
from ..models import ActionUpdate, Criterion, Engagement, PlanAction, Recommendation, Scenario


def date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ScenarioForm(VersionedModelForm):
    class Meta:
        model = Scenario
        fields = ["name", "description", "impacts", "position"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "impacts": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"position": _("Scenarios are listed by position (0 first).")}


class CriterionForm(VersionedModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "weight": _(
                "In %, from 0 to 100. Weights should add up to 100; if they do not, they are "
                "normalised (each weight ÷ their sum). A weight of 0 leaves the criterion out."
            )
        }


class ScoreGridForm(forms.Form):
    """One select (1–5) and one rationale per scenario × criterion; `stamp` guards against a
    grid saved meanwhile."""

    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, scenarios, criteria, scores, stamp="", **kwargs):
        super().__init__(*args, **kwargs)
        self.scenarios, self.criteria = scenarios, criteria
        self.initial["stamp"] = stamp
        choices = [("", "—"), *LIKERT]
        self.rows = []
        for scenario in scenarios:
            row = []
            for criterion in criteria:
                cell = scores.get((scenario.pk, criterion.pk))
                score_name = f"score_{scenario.pk}_{criterion.pk}"
                why_name = f"why_{scenario.pk}_{criterion.pk}"
                self.fields[score_name] = forms.TypedChoiceField(
                    label=_("Score of “%(scenario)s” on “%(criterion)s”")
                    % {"scenario": scenario.name, "criterion": criterion.name},
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    required=True,
                    error_messages={"required": _("Give a score from 1 to 5.")},
                )
                self.fields[why_name] = forms.CharField(
                    label=_("Rationale"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                if cell is not None:
                    self.initial[score_name] = cell.score
                    self.initial[why_name] = cell.rationale
                row.append((criterion, self[score_name], self[why_name]))
            self.rows.append((scenario, row))

    def cells(self) -> dict:
        return {
            (s.pk, c.pk): (
                self.cleaned_data[f"score_{s.pk}_{c.pk}"],
                self.cleaned_data[f"why_{s.pk}_{c.pk}"],
            )
            for s in self.scenarios
            for c in self.criteria
        }


class TargetForm(VersionedModelForm):
    target_scenario = forms.ModelChoiceField(
        label=_("Target scenario"), queryset=None, required=False
    )

    class Meta:
        model = Engagement
        fields = ["target_scenario", "target_rationale"]
        widgets = {"target_rationale": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_scenario"].queryset = self.instance.scenarios.order_by("position", "id")
        self.fields["target_scenario"].empty_label = _("No target yet")


class RecommendationForm(VersionedModelForm):
    dimension = forms.ModelChoiceField(label=_("Dimension"), queryset=None)
    scenario = forms.ModelChoiceField(label=_("Scenario it serves"), queryset=None, required=False)
    findings = forms.ModelMultipleChoiceField(
        label=_("Findings"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Recommendation
        fields = ["dimension", "title", "description", "priority", "scenario", "findings"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "findings": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = engagement.dimensions.order_by("position", "id")
        self.fields["scenario"].queryset = engagement.scenarios.order_by("position", "id")
        self.fields["scenario"].empty_label = _("None")
        self.fields["findings"].queryset = engagement.findings.select_related("dimension").order_by(
            "dimension__position", "quadrant", "-severity", "id"
        )
        self.fields["findings"].label_from_instance = lambda f: (
            f"{f.dimension.name} · {f.get_quadrant_display()} · {f.statement[:120]}"
        )
        self.fields["findings"].help_text = _("The findings this recommendation answers.")
        if not self.instance.pk and engagement.target_scenario_id:
            self.initial.setdefault("scenario", engagement.target_scenario_id)

    def changes(self) -> dict:
        changes = super().changes()
        changes["findings"] = list(changes["findings"])
        return changes


class ValidationForm(forms.Form):
    """A step of the workflow: validate (who, when) or reject (reason), or back to proposed."""

    step = forms.ChoiceField(
        choices=[("directions", ""), ("boards", ""), ("reject", ""), ("reopen", "")],
        widget=forms.HiddenInput,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    by = forms.CharField(label=_("Validated by (names)"), max_length=300, required=False)
    on = forms.DateField(label=_("On"), required=False, widget=date_widget())
    reason = forms.CharField(
        label=_("Why it is rejected"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())


class RecommendationFilterForm(forms.Form):
    dimension = forms.ModelChoiceField(
        label=_("Dimension"), queryset=None, required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *RecommendationStatus.choices], required=False
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", _("All")), *Priority.choices],
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = engagement.dimensions.order_by("position", "id")

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class PlanActionForm(VersionedModelForm):
    recommendation = forms.ModelChoiceField(label=_("Recommendation"), queryset=None)
    indicators = forms.ModelMultipleChoiceField(
        label=_("Monitoring indicators"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PlanAction
        fields = [
            "recommendation",
            "title",
            "priority",
            "start_on",
            "due_on",
            "owner",
            "indicators",
            "monitoring_mode",
            "resource_days",
            "resource_amount",
            "training_needs",
            "status",
        ]
        widgets = {
            "start_on": date_widget(),
            "due_on": date_widget(),
            "monitoring_mode": forms.Textarea(attrs={"rows": 2}),
            "training_needs": forms.Textarea(attrs={"rows": 2}),
            "indicators": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, engagement, **kwargs):
        from maillage.impact.models import Indicator

        from ..services.recommendations import PLANNABLE

        super().__init__(*args, **kwargs)
        plannable = engagement.recommendations.filter(status__in=PLANNABLE)
        if self.instance.pk:
            plannable = plannable | engagement.recommendations.filter(
                pk=self.instance.recommendation_id
            )
        self.fields["recommendation"].queryset = plannable.select_related("dimension").order_by(
            "dimension__position", "priority", "id"
        )
        self.fields["recommendation"].help_text = _(
            "Only recommendations validated by the directions or the boards."
        )
        indicators = Indicator.objects.filter(workspace=engagement.workspace, is_archived=False)
        if self.instance.pk:
            indicators = indicators | Indicator.objects.filter(
                workspace=engagement.workspace, pk__in=self.instance.indicators.all()
            )
        self.fields["indicators"].queryset = indicators.distinct().order_by("code", "id")
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} — {i.name}"

    def changes(self) -> dict:
        changes = super().changes()
        changes["indicators"] = list(changes["indicators"])
        return changes


class PlanFilterForm(forms.Form):
    dimension = forms.ModelChoiceField(
        label=_("Dimension"), queryset=None, required=False, empty_label=_("All")
    )
    recommendation = forms.ModelChoiceField(
        label=_("Recommendation"), queryset=None, required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(label=_("Status"), choices=[], required=False)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=[("", _("All")), *Priority.choices],
        required=False,
        coerce=int,
        empty_value=None,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    group = forms.ChoiceField(
        label=_("Gantt by"),
        choices=[("dimension", _("Dimension")), ("recommendation", _("Recommendation"))],
        required=False,
    )

    def __init__(self, *args, engagement, **kwargs):
        from ..choices import ActionStatus

        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = engagement.dimensions.order_by("position", "id")
        self.fields["recommendation"].queryset = engagement.recommendations.order_by(
            "priority", "id"
        )
        self.fields["status"].choices = [("", _("All")), *ActionStatus.choices]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k != "group" and v not in (None, "", False)
        }
        return data

    @property
    def grouping(self) -> str:
        if self.is_valid() and self.cleaned_data.get("group"):
            return self.cleaned_data["group"]
        return "dimension"


class ActionUpdateForm(forms.ModelForm):
    class Meta:
        model = ActionUpdate
        fields = ["on", "progress", "note"]
        widgets = {"on": date_widget(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())

    def _post_clean(self):
        pass

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}
