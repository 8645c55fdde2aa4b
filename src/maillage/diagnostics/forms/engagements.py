"""Forms of an engagement and its parts: they parse and present; the services decide."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import VersionedModelForm
from maillage.ecosystem.forms import ActorField
from maillage.finance.forms.projects import AmountField

from ..models import (
    CommitteeActionItem,
    CommitteeMeeting,
    CommitteeMember,
    CommitteeOutcome,
    Dimension,
    Engagement,
    EngagementMilestone,
    TimeSpent,
)


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def actor_widget(workspace, list_id: str):
    return forms.TextInput(
        attrs={
            "list": list_id,
            "autocomplete": "off",
            "hx-get": reverse("ecosystem:actor_suggest", kwargs={"workspace_slug": workspace.slug}),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{list_id}",
        }
    )


class EngagementForm(VersionedModelForm):
    budget_days = AmountField(
        label=_("Budget (days)"), maximum=99999, help_text=_("Consultant days, e.g. 25.")
    )
    budget_amount = AmountField(
        label=_("Budget (€, excl. VAT)"), help_text=_("e.g. 25 000 or 25000,00.")
    )

    class Meta:
        model = Engagement
        fields = [
            "title",
            "summary",
            "status",
            "start_date",
            "end_date",
            "consultants",
            "project_lead",
            "focal_point",
            "budget_days",
            "budget_amount",
            "expected_interviews",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "consultants": forms.Textarea(attrs={"rows": 2}),
            "start_date": date_input(),
            "end_date": date_input(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["status"].help_text = _("It moves on as the work does.")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must not be before the start date."))
        for name in ("budget_days", "budget_amount"):
            if name in data and data[name] is None:
                data[name] = 0
        return data


class OrganisationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"] = ActorField(
            workspace=workspace,
            label=_("Organisation"),
            help_text=_("Type a few letters of the name and pick it in the registry."),
            widget=actor_widget(workspace, "engagement-actor-suggestions"),
        )

    def changes(self) -> dict:
        return {"actor": self.cleaned_data["actor"]}


class CommitteeMemberForm(VersionedModelForm):
    organisation = ActorField(label=_("Organisation"), required=False)

    class Meta:
        model = CommitteeMember
        fields = ["name", "role", "organisation"]

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = ActorField(
            workspace=workspace,
            label=_("Organisation"),
            required=False,
            help_text=_("Optional: an organisation of the registry."),
            widget=actor_widget(workspace, "member-actor-suggestions"),
        )


class MilestoneForm(VersionedModelForm):
    class Meta:
        model = EngagementMilestone
        fields = ["kind", "name", "due_on", "done_on"]
        widgets = {"due_on": date_input(), "done_on": date_input()}


class TimeSpentForm(VersionedModelForm):
    days = AmountField(label=_("Days"), maximum=999, help_text=_("e.g. 0,5 for half a day."))
    amount = AmountField(label=_("Amount (€, excl. VAT)"), required=False)

    class Meta:
        model = TimeSpent
        fields = ["spent_on", "person", "days", "amount", "description"]
        widgets = {"spent_on": date_input()}

    def clean(self):
        data = super().clean()
        if "amount" in data and data["amount"] is None:
            data["amount"] = 0
        return data


class DimensionForm(VersionedModelForm):
    class Meta:
        model = Dimension
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


# --- steering committee ----------------------------------------------------------------------


class MeetingForm(VersionedModelForm):
    class Meta:
        model = CommitteeMeeting
        fields = ["kind", "held_on", "agenda", "attendees", "minutes"]
        widgets = {
            "held_on": date_input(),
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "attendees": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 5}),
        }


class OutcomeForm(VersionedModelForm):
    class Meta:
        model = CommitteeOutcome
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class ActionItemForm(VersionedModelForm):
    class Meta:
        model = CommitteeActionItem
        fields = ["title", "owner", "due_on", "status"]
        widgets = {"due_on": date_input()}
