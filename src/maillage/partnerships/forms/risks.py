"""Forms of the risk register and of the checklist reviews (the services decide)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import VersionedModelForm

from ..checklists import ITEMS, Answer
from ..choices import BrakeNature
from ..models import Risk
from ..services.checklists import answer_field
from .meetings import date_widget

LIKELIHOOD_CHOICES = [
    (1, _("1 — rare")),
    (2, _("2 — unlikely")),
    (3, _("3 — possible")),
    (4, _("4 — likely")),
    (5, _("5 — almost certain")),
]
IMPACT_CHOICES = [
    (1, _("1 — minor")),
    (2, _("2 — limited")),
    (3, _("3 — serious")),
    (4, _("4 — major")),
    (5, _("5 — critical")),
]


class RiskForm(VersionedModelForm):
    likelihood = forms.TypedChoiceField(
        label=_("Likelihood (1–5)"), choices=LIKELIHOOD_CHOICES, coerce=int
    )
    impact = forms.TypedChoiceField(label=_("Impact (1–5)"), choices=IMPACT_CHOICES, coerce=int)

    class Meta:
        model = Risk
        fields = [
            "title",
            "description",
            "side",
            "nature",
            "likelihood",
            "impact",
            "owner",
            "treatment",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "treatment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nature"].help_text = _(
            "Operational (means, time, people), cultural (ways of working, trust) or strategic "
            "(vision, interests, economic model)."
        )
        self.fields["treatment"].help_text = _(
            "What is done to make it less likely or less serious."
        )


class ReviewForm(forms.Form):
    """A review of the 18 pitfalls and brakes: one answer and one comment per item."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=date_widget())
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, review=None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if review is not None:
            initial.setdefault("version", review.version)
            initial.setdefault("reviewed_on", review.reviewed_on)
            initial.setdefault("notes", review.notes)
            for answer in review.answers.all():
                initial.setdefault(answer_field(answer.item), answer.answer)
                initial.setdefault(f"comment_{answer.item}", answer.comment)
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["version"].required = review is not None
        for item in ITEMS:
            self.fields[answer_field(item.key)] = forms.ChoiceField(
                label=item.label,
                choices=Answer.choices,
                widget=forms.RadioSelect,
                required=False,  # the service names every missing answer
            )
            self.fields[f"comment_{item.key}"] = forms.CharField(
                label=_("Comment"), required=False, max_length=300
            )

    @property
    def expected_version(self):
        return self.cleaned_data.get("version")

    def answers(self) -> dict:
        return {
            item.key: (
                self.cleaned_data.get(answer_field(item.key)) or "",
                self.cleaned_data.get(f"comment_{item.key}") or "",
            )
            for item in ITEMS
        }

    def changes(self) -> dict:
        return {
            "reviewed_on": self.cleaned_data["reviewed_on"],
            "notes": self.cleaned_data.get("notes", ""),
            "answers": self.answers(),
        }

    def grouped(self) -> list[dict]:
        """The items as the page shows them: pitfalls by group, brakes by before/during/after."""
        groups = []
        for item in ITEMS:
            title = (item.checklist, str(item.group))
            if not groups or groups[-1]["key"] != title:
                groups.append(
                    {
                        "key": title,
                        "checklist": item.checklist,
                        "label": item.group,
                        "rows": [],
                    }
                )
            groups[-1]["rows"].append(
                {
                    "item": item,
                    "nature": BrakeNature(item.nature).label,
                    "answer": self[answer_field(item.key)],
                    "comment": self[f"comment_{item.key}"],
                }
            )
        return groups
