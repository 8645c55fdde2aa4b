"""Forms of the meetings log and the action items (services.meetings decides)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import VersionedModelForm

from ..models import ActionItem, Meeting, MeetingDecision, PartnershipMember, Ritual
from ..selectors.meetings import ALL_STATUSES

MEETING_CHOICES = 100


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(VersionedModelForm):
    ritual = forms.ModelChoiceField(
        label=_("Ritual"), queryset=Ritual.objects.none(), required=False
    )

    class Meta:
        model = Meeting
        fields = ["held_on", "title", "ritual", "agenda", "attendees", "minutes"]
        widgets = {
            "held_on": date_widget(),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "attendees": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ritual"].queryset = Ritual.objects.filter(partnership=partnership)
        self.fields["ritual"].empty_label = _("— not a ritual —")
        self.fields["ritual"].help_text = _(
            "Optional: the recurring meeting of the MasterPlan this one belongs to."
        )
        self.fields["attendees"].help_text = _("One person per line, with their organisation.")


class DecisionForm(VersionedModelForm):
    class Meta:
        model = MeetingDecision
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class ActionItemForm(VersionedModelForm):
    owner_member = forms.ModelChoiceField(
        label=_("For the member"), queryset=PartnershipMember.objects.none(), required=False
    )
    meeting = forms.ModelChoiceField(
        label=_("Decided in the meeting"), queryset=Meeting.objects.none(), required=False
    )

    class Meta:
        model = ActionItem
        fields = ["title", "owner", "owner_member", "due_on", "status", "done_on", "meeting"]
        widgets = {"due_on": date_widget(), "done_on": date_widget()}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _(
            "A person's name; left empty, the member's name is used."
        )
        self.fields["owner_member"].queryset = PartnershipMember.objects.filter(
            partnership=partnership
        ).select_related("actor")
        self.fields["owner_member"].empty_label = "—"
        self.fields["owner_member"].help_text = _("Optional: the organisation that carries it.")
        # The latest meetings only (a long-lived partnership may hold hundreds), and its own.
        meetings = Meeting.objects.filter(partnership=partnership).order_by("-held_on", "-id")
        ids = list(meetings.values_list("pk", flat=True)[:MEETING_CHOICES])
        if self.instance.meeting_id:
            ids.append(self.instance.meeting_id)
        self.fields["meeting"].queryset = meetings.filter(pk__in=ids)
        self.fields["meeting"].empty_label = "—"
        self.fields["done_on"].help_text = _(
            "Set to today when the status becomes done, if left empty; cleared otherwise."
        )


class ActionFilterForm(forms.Form):
    """The filters of the workspace's action items page (all optional)."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("To do or in progress")),
            *ActionItem.Status.choices,
            (ALL_STATUSES, _("Any status")),
        ],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    owner = forms.CharField(label=_("Person in charge"), required=False, max_length=100)
    # A text search rather than a list: a workspace may have thousands of partnerships.
    partnership_name = forms.CharField(label=_("Partnership"), required=False, max_length=100)
    # One partnership's items (the link from its meetings page); checked against what the user
    # may see by the selector.
    partnership = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
