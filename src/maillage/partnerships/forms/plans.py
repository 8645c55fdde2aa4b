"""Forms of the experiment plan and the MasterPlan (partnerships.services.plans decides)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import VersionedModelForm
from maillage.impact.models import Indicator

from ..models import (
    AxisResult,
    ExperimentPlan,
    GovernanceRole,
    MasterPlan,
    Milestone,
    PartnershipMember,
    Ritual,
    WorkAxis,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(rows: int = 3):
    return forms.Textarea(attrs={"rows": rows})


class ExperimentPlanForm(VersionedModelForm):
    class Meta:
        model = ExperimentPlan
        fields = [
            "tests",
            "tools",
            "description",
            "success_criteria",
            "start_date",
            "end_date",
            "learnings",
        ]
        widgets = {
            "description": _text(4),
            "success_criteria": _text(4),
            "learnings": _text(4),
            "start_date": DATE,
            "end_date": DATE,
        }


class MasterPlanForm(VersionedModelForm):
    class Meta:
        model = MasterPlan
        fields = [
            "starts_on",
            "purpose",
            "vision_6_months",
            "vision_1_year",
            "vision_3_years",
            "processes",
        ]
        widgets = {
            "starts_on": DATE,
            "purpose": _text(3),
            "vision_6_months": _text(3),
            "vision_1_year": _text(3),
            "vision_3_years": _text(3),
            "processes": _text(5),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].help_text = _(
            "Results at 3 and 6 months are counted from this date: changing it moves their targets."
        )


class WorkAxisForm(VersionedModelForm):
    class Meta:
        model = WorkAxis
        fields = ["name", "description"]
        widgets = {"description": _text(3)}


class AxisResultForm(VersionedModelForm):
    target_value = forms.DecimalField(
        label=_("Target value"),
        required=False,
        max_digits=18,
        decimal_places=4,
        help_text=_("For a quantitative indicator: the figure to reach by the end of the period."),
    )
    target_text = forms.CharField(
        label=_("Target (text)"),
        required=False,
        widget=_text(2),
        help_text=_("For a qualitative indicator: what must be observed."),
    )

    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())

    class Meta:
        model = AxisResult
        fields = ["horizon", "indicator", "how_measured"]
        widgets = {"how_measured": _text(2)}

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        indicators = Indicator.objects.filter(workspace=workspace).order_by("code", "id")
        if self.instance.pk:
            indicators = indicators.filter(is_archived=False) | indicators.filter(
                pk=self.instance.indicator_id
            )
        else:
            indicators = indicators.filter(is_archived=False)
        self.fields["indicator"].queryset = indicators
        self.fields["indicator"].label_from_instance = lambda i: (
            f"{i.code} — {i.name}" + (f" ({i.unit})" if i.unit else "")
        )
        self.fields["indicator"].help_text = _(
            "An indicator of the workspace (Impact): it is followed for this partnership and "
            "its target is set for the period."
        )
        self.fields["how_measured"].help_text = _("The means used to evaluate it.")
        target = self.instance.target if self.instance.pk else None
        if target is not None and not self.is_bound:
            self.initial["target_value"] = target.value
            self.initial["target_text"] = target.text

    def changes(self) -> dict:
        changes = super().changes()
        changes["target_value"] = self.cleaned_data.get("target_value")
        changes["target_text"] = self.cleaned_data.get("target_text", "")
        return changes


class MilestoneForm(VersionedModelForm):
    axis = forms.ModelChoiceField(label=_("Axis"), queryset=WorkAxis.objects.none(), required=False)

    class Meta:
        model = Milestone
        fields = ["name", "axis", "start_date", "due_date", "done_on", "owner"]
        widgets = {"start_date": DATE, "due_date": DATE, "done_on": DATE}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = partnership.axes.order_by("position", "id")
        self.fields["axis"].empty_label = _("No axis")
        self.fields["start_date"].help_text = _("Empty for a one-day milestone.")
        self.fields["done_on"].help_text = _("Set once it is done.")


class RitualForm(VersionedModelForm):
    class Meta:
        model = Ritual
        fields = ["name", "frequency", "purpose", "participants"]
        widgets = {"purpose": _text(2), "participants": _text(2)}


class GovernanceRoleForm(VersionedModelForm):
    member = forms.ModelChoiceField(
        label=_("For the member"), queryset=PartnershipMember.objects.none(), required=False
    )

    class Meta:
        model = GovernanceRole
        fields = ["person", "responsibility", "member"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = partnership.members.select_related("actor").order_by("pk")
        self.fields["member"].empty_label = _("The partnership as a whole")
