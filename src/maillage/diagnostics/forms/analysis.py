"""Forms of the analysis pages: questionnaire, statements, links, SWOT items, priorities, and
the public answer form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import VersionedModelForm

from ..choices import LIKERT
from ..models import Dimension, Questionnaire, QuestionnaireItem, SwotItem


class QuestionnaireForm(VersionedModelForm):
    class Meta:
        model = Questionnaire
        fields = ["title", "introduction", "is_open", "closes_on"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class QuestionnaireItemForm(VersionedModelForm):
    dimension = forms.ModelChoiceField(label=_("Dimension"), queryset=Dimension.objects.none())

    class Meta:
        model = QuestionnaireItem
        fields = ["dimension", "statement_fr", "statement_en", "position"]

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = engagement.dimensions.order_by("position", "id")


class InviteForm(forms.Form):
    stakeholders = forms.ModelMultipleChoiceField(
        label=_("People to invite"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each gets a personal link; people who already have one keep it."),
    )

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholders"].queryset = engagement.stakeholders.select_related(
            "organisation"
        ).order_by("name", "id")
        self.fields["stakeholders"].label_from_instance = lambda s: (
            f"{s.name} — {s.organisation}" if s.organisation_id else s.name
        )


class SwotItemForm(VersionedModelForm):
    class Meta:
        model = SwotItem
        fields = ["quadrant", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class ItemChoiceForm(forms.Form):
    """Pick another SWOT item (to merge into, or to move a finding to)."""

    target = forms.ModelChoiceField(label=_("Item"), queryset=None)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = items
        self.fields["target"].label_from_instance = lambda i: (
            f"{i.get_quadrant_display()} · {i.text[:90]}"
        )


class PriorityForm(forms.Form):
    """One rank (1..n, unique) and one rationale per dimension."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        n = len(rows)
        # Nothing agreed yet: start from the computed order.
        unranked = all(row.dimension.priority_rank is None for row in rows)
        for row in rows:
            d = row.dimension
            self.fields[f"rank_{d.pk}"] = forms.IntegerField(
                label=_("Rank of “%(name)s”") % {"name": d.name},
                required=False,
                min_value=1,
                max_value=max(n, 1),
                initial=row.computed_rank if unranked else d.priority_rank,
            )
            self.fields[f"rationale_{d.pk}"] = forms.CharField(
                label=_("Why this rank (%(name)s)") % {"name": d.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=d.priority_rationale,
            )
            self.fields[f"version_{d.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=d.version
            )

    def values(self) -> dict[int, dict]:
        return {
            row.dimension.pk: {
                "rank": self.cleaned_data[f"rank_{row.dimension.pk}"],
                "rationale": self.cleaned_data[f"rationale_{row.dimension.pk}"].strip(),
                "version": self.cleaned_data[f"version_{row.dimension.pk}"],
            }
            for row in self.rows
        }

    def bound_rows(self):
        return [
            (
                row,
                self[f"rank_{row.dimension.pk}"],
                self[f"rationale_{row.dimension.pk}"],
                self[f"version_{row.dimension.pk}"],
            )
            for row in self.rows
        ]


class AnswerForm(forms.Form):
    """The public questionnaire: one required 1–5 choice per statement, in `language`."""

    def __init__(self, *args, items, language="fr", **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            text = (
                item.statement_en if language == "en" and item.statement_en else item.statement_fr
            )
            self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                label=text,
                choices=LIKERT,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer from 1 to 5.")},
            )

    def values(self) -> dict[int, int]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items}
