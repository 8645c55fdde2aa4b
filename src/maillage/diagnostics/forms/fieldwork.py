"""Forms of the fieldwork and of the findings (the services decide; querysets are limited to
the engagement so that another engagement's objects are not even offered)."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import VersionedModelForm
from maillage.ecosystem.forms import ActorField

from ..models import (
    Dimension,
    Finding,
    FindingSource,
    Interview,
    InterviewQuestion,
    ReviewedDocument,
    Stakeholder,
)

SEVERITY_CHOICES = [
    (1, _("1 — minor")),
    (2, _("2 — limited")),
    (3, _("3 — significant")),
    (4, _("4 — major")),
    (5, _("5 — critical")),
]


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StakeholderForm(VersionedModelForm):
    organisation = ActorField(required=False)

    class Meta:
        model = Stakeholder
        fields = ["name", "email", "job_title", "organisation", "category", "consent", "consent_on"]
        widgets = {"consent_on": date_widget()}

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        suggest_url = reverse("ecosystem:actor_suggest", kwargs={"workspace_slug": workspace.slug})
        self.fields["organisation"] = ActorField(
            workspace=workspace,
            required=False,
            label=_("Organisation"),
            help_text=_("Optional: type a few letters and pick it from the registry."),
            widget=forms.TextInput(
                attrs={
                    "list": "actor-suggestions",
                    "autocomplete": "off",
                    "hx-get": suggest_url,
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": "#actor-suggestions",
                }
            ),
        )
        self.fields["email"].help_text = _(
            "Used to find the person's data if they ask for it or for its erasure."
        )


class InterviewForm(VersionedModelForm):
    """An interview without its notes (they have their own form and permission)."""

    stakeholders = forms.ModelMultipleChoiceField(
        label=_("People interviewed"),
        queryset=Stakeholder.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Interview
        fields = ["kind", "status", "stakeholders", "planned_on", "held_on", "interviewer"]
        widgets = {
            "planned_on": date_widget(),
            "held_on": date_widget(),
        }

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        people = self.fields["stakeholders"]
        people.queryset = Stakeholder.objects.filter(engagement=engagement).order_by("name")
        people.help_text = _("One person for an individual interview, several for a group.")
        if self.instance.pk and not self.is_bound:
            self.initial["stakeholders"] = list(
                self.instance.stakeholders.values_list("pk", flat=True)
            )

    def clean(self):
        data = super().clean()
        if data.get("status") == "done" and not data.get("held_on"):
            self.add_error("held_on", _("Give the date the interview was held."))
        return data


class InterviewNotesForm(VersionedModelForm):
    class Meta:
        model = Interview
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].help_text = _(
            "Personal data: only members allowed to see sensitive data read these notes; they "
            "never appear in the audit trail, the deliverables or the API."
        )


class QuestionForm(VersionedModelForm):
    dimension = forms.ModelChoiceField(label=_("Dimension"), queryset=Dimension.objects.none())

    class Meta:
        model = InterviewQuestion
        fields = ["dimension", "text_fr", "text_en"]
        widgets = {
            "text_fr": forms.Textarea(attrs={"rows": 3, "lang": "fr"}),
            "text_en": forms.Textarea(attrs={"rows": 3, "lang": "en"}),
        }

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = Dimension.objects.filter(engagement=engagement)
        self.fields["dimension"].empty_label = None


class DocumentForm(VersionedModelForm):
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = ReviewedDocument
        fields = ["kind", "title", "source", "url", "reviewed_on", "summary"]
        widgets = {"reviewed_on": date_widget(), "summary": forms.Textarea(attrs={"rows": 5})}


class FindingForm(VersionedModelForm):
    dimension = forms.ModelChoiceField(label=_("Dimension"), queryset=Dimension.objects.none())
    severity = forms.TypedChoiceField(
        label=_("Severity (1–5)"), choices=SEVERITY_CHOICES, coerce=int
    )

    class Meta:
        model = Finding
        fields = ["dimension", "quadrant", "statement", "severity"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = Dimension.objects.filter(engagement=engagement)


class CodeFindingForm(FindingForm):
    """“Code a finding” from an interview or a document: the finding and its quote."""

    quote = forms.CharField(
        label=_("Supporting quote"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    anonymise = forms.BooleanField(
        label=_("Anonymise the quote"),
        required=False,
        initial=True,
        help_text=_("The speaker's name is then never shown with the quote."),
    )

    def changes(self) -> dict:
        changes = super().changes()
        changes["quote"] = self.cleaned_data["quote"]
        changes["anonymise"] = self.cleaned_data["anonymise"]
        return changes


class NewFindingForm(FindingForm):
    """A finding on its own, with any number of sources of the engagement."""

    interviews = forms.ModelMultipleChoiceField(
        label=_("Interviews"),
        queryset=Interview.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"),
        queryset=ReviewedDocument.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, engagement=engagement, **kwargs)
        self.fields["interviews"].queryset = (
            Interview.objects.filter(engagement=engagement)
            .prefetch_related("stakeholders")
            .order_by("held_on", "planned_on", "id")
        )
        self.fields["interviews"].label_from_instance = interview_label
        self.fields["documents"].queryset = ReviewedDocument.objects.filter(
            engagement=engagement
        ).order_by("title", "id")

    def changes(self) -> dict:
        changes = super().changes()
        changes["interviews"] = list(self.cleaned_data["interviews"])
        changes["documents"] = list(self.cleaned_data["documents"])
        return changes


def interview_label(interview: Interview) -> str:
    names = ", ".join(person.name for person in interview.stakeholders.all())
    when = interview.held_on or interview.planned_on
    return f"{names} ({when:%Y-%m-%d})" if when else names


class SourceForm(VersionedModelForm):
    """A source of a finding: one interview or one document of the engagement, with a quote."""

    interview = forms.ModelChoiceField(
        label=_("Interview"), queryset=Interview.objects.none(), required=False
    )
    document = forms.ModelChoiceField(
        label=_("Document"), queryset=ReviewedDocument.objects.none(), required=False
    )

    class Meta:
        model = FindingSource
        fields = ["interview", "document", "quote", "anonymise"]
        widgets = {"quote": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interview"].queryset = (
            Interview.objects.filter(engagement=engagement)
            .prefetch_related("stakeholders")
            .order_by("held_on", "planned_on", "id")
        )
        self.fields["interview"].label_from_instance = interview_label
        self.fields["document"].queryset = ReviewedDocument.objects.filter(
            engagement=engagement
        ).order_by("title", "id")
        self.fields["interview"].help_text = _("Either an interview…")
        self.fields["document"].help_text = _("…or a document.")

    def clean(self):
        data = super().clean()
        if bool(data.get("interview")) == bool(data.get("document")):
            raise forms.ValidationError(_("Choose either an interview or a document."))
        return data
