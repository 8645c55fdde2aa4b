"""Forms of the evaluation tab: a round, a member's scores and a member's fit expectations
(one small form per dimension, prefixed by the dimension; services.evaluations decides)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import VersionedModelForm
from maillage.impact.models import Indicator

from ..choices import Dimension
from ..models import Evaluation, EvaluationScore, FitExpectation
from ..services.evaluations import FitRow, ScoreRow

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

SCORE_CHOICES = [
    ("", _("— not scored —")),
    (1, _("1 – very weak")),
    (2, _("2 – weak")),
    (3, _("3 – fair")),
    (4, _("4 – good")),
    (5, _("5 – very good")),
]
SCORE_MESSAGE = _("Give a score from 1 to 5.")  # SCORE_MIN, SCORE_MAX


class EvaluationForm(VersionedModelForm):
    class Meta:
        model = Evaluation
        fields = ["evaluated_on", "title", "notes"]
        widgets = {"evaluated_on": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 3})}


class _RowForm(forms.Form):
    """One dimension's part of a member's form; `stored` is the record it edits, if any."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, dimension: Dimension, stored=None, **kwargs):
        kwargs.setdefault("prefix", dimension.value)
        super().__init__(*args, **kwargs)
        self.dimension = dimension
        self.stored = stored
        if stored is not None and not self.is_bound:
            self.initial["version"] = stored.version


class ScoreForm(_RowForm):
    score = forms.TypedChoiceField(
        label=_("Score (1 to 5)"),
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": SCORE_MESSAGE},
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required with a score: the facts, figures or testimonies behind it."),
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Linked indicators"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_(
            "Optional: the workspace's indicators that support this score (hold Ctrl, or ⌘ on "
            "a Mac, to pick several)."
        ),
    )

    def __init__(self, *args, workspace, stored: EvaluationScore | None = None, **kwargs):
        super().__init__(*args, stored=stored, **kwargs)
        self.fields["indicators"].queryset = Indicator.objects.filter(
            workspace=workspace, is_archived=False
        ).order_by("code", "id")
        self.fields["indicators"].widget.attrs["size"] = 4
        if stored is not None and not self.is_bound:
            self.initial.update(
                score=stored.score,
                evidence=stored.evidence,
                indicators=[i.pk for i in stored.indicators.all()],
            )

    def clean(self):
        data = super().clean()
        if data.get("score") is not None and not (data.get("evidence") or "").strip():
            self.add_error(
                "evidence", _("Say what supports this score (facts, figures, testimonies).")
            )
        if data.get("score") is None and (data.get("evidence") or "").strip():
            self.add_error("score", _("Give a score from 1 to 5, or empty the evidence."))
        return data

    def row(self) -> ScoreRow:
        data = self.cleaned_data
        return ScoreRow(
            dimension=self.dimension.value,
            score=data.get("score"),
            evidence=data.get("evidence") or "",
            indicators=list(data.get("indicators") or []),
            version=data.get("version"),
        )


class FitForm(_RowForm):
    expectation = forms.CharField(
        label=_("What is expected"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    fit = forms.ChoiceField(
        label=_("Does the partnership model fit?"),
        choices=FitExpectation.Fit.choices,
        initial=FitExpectation.Fit.UNKNOWN,
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, stored: FitExpectation | None = None, **kwargs):
        super().__init__(*args, stored=stored, **kwargs)
        if stored is not None and not self.is_bound:
            self.initial.update(
                expectation=stored.expectation, fit=stored.fit, comment=stored.comment
            )

    def row(self) -> FitRow:
        data = self.cleaned_data
        return FitRow(
            dimension=self.dimension.value,
            expectation=data.get("expectation") or "",
            fit=data.get("fit") or FitExpectation.Fit.UNKNOWN,
            comment=data.get("comment") or "",
            version=data.get("version"),
        )
