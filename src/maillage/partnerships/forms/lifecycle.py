"""The gate decision form: the outcome (only those the partnership's state allows), who decided
and why, the criteria weighed (the MasterPlan's results, each met or not, and criteria written
out) and attachments. `services.lifecycle.record_gate_decision` decides."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..choices import Outcome
from ..lifecycle import allowed_outcomes

ATTACHMENT_EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "odt", "ods", "docx", "xlsx", "csv", "txt")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
BLANK_CRITERIA = 3


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def result_label(result) -> str:
    return f"{result.axis.name} · {result.get_horizon_display()} · {result.indicator.name}"


class GateDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect)
    decided_on = forms.DateField(label=gettext_lazy("Decided on"), widget=date_input())
    deciders = forms.CharField(
        label=gettext_lazy("Deciders"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Who took the decision, one person per line."),
    )
    rationale = forms.CharField(
        label=gettext_lazy("Rationale"), widget=forms.Textarea(attrs={"rows": 4})
    )
    next_gate_on = forms.DateField(
        label=gettext_lazy("Decide again on"),
        required=False,
        widget=date_input(),
        help_text=gettext_lazy("Required when the decision is postponed."),
    )
    attachments = MultipleFileField(
        label=gettext_lazy("Attachments"),
        required=False,
        help_text=gettext_lazy(
            "Minutes, a signed note… PDF, image, office document, CSV or text; 10 MB each."
        ),
    )

    def __init__(self, *args, partnership, results=(), candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        allowed = allowed_outcomes(partnership.stage, partnership.status)
        self.fields["outcome"].choices = [(o, Outcome(o).label) for o in allowed]
        if not self.is_bound:
            self.initial.setdefault("version", partnership.version)
            self.initial.setdefault("decided_on", timezone.localdate())
        self.results = list(results)
        for result in self.results:
            self.fields[f"result_{result.pk}"] = forms.BooleanField(
                label=result_label(result), required=False
            )
        self.criterion_rows = len(candidates) + BLANK_CRITERIA
        for index in range(self.criterion_rows):
            self.fields[f"criterion_{index}"] = forms.CharField(
                label=gettext_lazy("Criterion"), required=False, max_length=300
            )
            self.fields[f"criterion_{index}_met"] = forms.BooleanField(
                label=gettext_lazy("met"), required=False
            )
            if index < len(candidates) and not self.is_bound:
                self.initial[f"criterion_{index}"] = candidates[index]

    def result_fields(self):
        return [self[f"result_{result.pk}"] for result in self.results]

    def criterion_fields(self):
        return [
            (self[f"criterion_{i}"], self[f"criterion_{i}_met"]) for i in range(self.criterion_rows)
        ]

    def main_fields(self):
        return [self[name] for name in ("outcome", "decided_on", "next_gate_on", "deciders")]

    def clean_attachments(self):
        uploads = self.cleaned_data.get("attachments") or []
        for upload in uploads:
            extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            if extension not in ATTACHMENT_EXTENSIONS:
                raise ValidationError(
                    _("“%(name)s”: this kind of file is not accepted (accepted: %(accepted)s).")
                    % {"name": upload.name, "accepted": ", ".join(ATTACHMENT_EXTENSIONS)}
                )
            if upload.size > ATTACHMENT_MAX_BYTES:
                raise ValidationError(_("“%(name)s” is larger than 10 MB.") % {"name": upload.name})
        return uploads

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.POSTPONE and not data.get("next_gate_on"):
            self.add_error("next_gate_on", _("Say when the partners will decide again."))
        return data

    def criteria(self) -> list[dict]:
        data = self.cleaned_data
        rows = [
            {"label": result_label(r)[:300], "result": r, "met": data.get(f"result_{r.pk}")}
            for r in self.results
        ]
        for index in range(self.criterion_rows):
            label = (data.get(f"criterion_{index}") or "").strip()
            if label:
                rows.append({"label": label, "met": data.get(f"criterion_{index}_met")})
        return rows

    def decision(self) -> dict:
        data = self.cleaned_data
        return {
            "expected_version": data["version"],
            "decided_on": data["decided_on"],
            "outcome": data["outcome"],
            "deciders": data["deciders"].strip(),
            "rationale": data["rationale"].strip(),
            "next_gate_on": data.get("next_gate_on")
            if data["outcome"] == Outcome.POSTPONE
            else None,
            "criteria": self.criteria(),
            "attachments": data.get("attachments") or [],
        }
