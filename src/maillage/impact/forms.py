"""Forms of the impact pages. They parse and present; the services decide (impact.services)."""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.forms import VersionedModelForm
from maillage.core.sdg import SDG_CHOICES, mask_to_goals
from maillage.ecosystem.forms import ActorField

from . import periods
from .models import (
    BreakdownCategory,
    BreakdownDimension,
    Frequency,
    Indicator,
    Measurement,
    SdgTarget,
    Target,
)
from .selectors import sdg_target_choices
from .values import parse_quantity

EVIDENCE_EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "odt", "ods", "docx", "xlsx", "csv", "txt")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


class QuantityField(forms.CharField):
    """A number typed by a person ("1 234,5"); "N/A", "yes", "12 pers." are refused with a
    message that says what to write (impact.values)."""

    def __init__(self, *, unit: str = "", **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.unit = unit
        self.widget.attrs.setdefault("inputmode", "decimal")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            text = format(value.normalize(), "f")
            return text
        return value

    def clean(self, value) -> Decimal | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        return parse_quantity(text, unit=self.unit)


class IndicatorForm(VersionedModelForm):
    sdg_goals = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Sustainable Development Goals"),
        choices=SDG_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sdg_targets = forms.MultipleChoiceField(
        label=gettext_lazy("SDG targets"),
        required=False,
        help_text=gettext_lazy(
            "Grouped by goal; their goals are added to the goals above. Hold Ctrl (⌘ on a Mac) "
            "to pick several."
        ),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    dimensions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Breakdown dimensions"),
        queryset=BreakdownDimension.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Each measurement can then be broken down by these dimensions."),
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "definition",
            "kind",
            "unit",
            "direction",
            "aggregation",
            "ratio_as_percentage",
            "frequency",
            "decimal_places",
            "method",
            "external_codes",
        ]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "method": forms.Textarea(attrs={"rows": 3}),
            "external_codes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["code"].required = False
        self.fields["code"].help_text = gettext_lazy(
            "Short identifier, unique in the workspace, used by imports (e.g. EMP-01). Left "
            "empty, it is made from the name."
        )
        self.fields["dimensions"].queryset = BreakdownDimension.objects.filter(workspace=workspace)
        self.fields["decimal_places"].widget.attrs.update(min=0, max=4)
        target_choices = sdg_target_choices()
        if target_choices:
            self.fields["sdg_targets"].choices = target_choices
        else:  # not loaded (manage.py import_sdg): goals only
            del self.fields["sdg_targets"]
        if self.instance.pk and not self.is_bound:
            self.initial["sdg_goals"] = mask_to_goals(self.instance.sdg_goals)
            if "sdg_targets" in self.fields:
                self.initial["sdg_targets"] = [t.pk for t in self.instance.sdg_targets.all()]
            self.initial["dimensions"] = list(self.instance.dimensions.all())

    def clean_decimal_places(self):
        places = self.cleaned_data["decimal_places"]
        if places is not None and places > 4:
            raise ValidationError(_("At most 4 decimal places."))
        return places

    def changes(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["sdg_goals"] = self.cleaned_data["sdg_goals"]
        data["sdg_targets"] = list(
            SdgTarget.objects.filter(pk__in=self.cleaned_data.get("sdg_targets") or [])
        )
        data["dimensions"] = list(self.cleaned_data["dimensions"])
        return data


class TrackForm(forms.Form):
    """Follow the indicator for an actor of the registry (the workspace is always followed)."""

    actor = ActorField(label=gettext_lazy("Actor"))
    note = forms.CharField(
        label=gettext_lazy("Why it is followed here"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("e.g. required by this funder, reported by this member."),
    )

    def __init__(self, *args, workspace, suggest_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"] = ActorField(
            workspace=workspace,
            label=gettext_lazy("Actor"),
            help_text=gettext_lazy("Type a few letters of the name and pick the actor."),
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


class PeriodFormMixin:
    """A period chosen from a list (month, quarter, year) or typed as two dates (custom)."""

    def setup_period(self, indicator: Indicator, instance=None, taken=frozenset(), ahead=False):
        """`taken`: the periods already recorded, said in the list. The default period is the
        latest past one not yet recorded, or with `ahead` (targets are set in advance) the
        first one not yet recorded from the current one on."""
        self.indicator = indicator
        if indicator.frequency == Frequency.CUSTOM:
            self.fields["period_start"] = forms.DateField(
                label=gettext_lazy("Period start"),
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
            self.fields["period_end"] = forms.DateField(
                label=gettext_lazy("Period end"),
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
            if instance is not None and instance.pk:
                self.initial.update(
                    period_start=instance.period_start, period_end=instance.period_end
                )
            return
        today = timezone.localdate()
        count = {Frequency.MONTH: 48, Frequency.QUARTER: 20, Frequency.YEAR: 8}[indicator.frequency]
        choices = periods.recent_periods(indicator.frequency, date(today.year + 1, 12, 31), count)
        if instance is not None and instance.pk:
            current = (instance.period_start, instance.period_end)
            if current not in choices:
                choices.append(current)
        recorded = _(" (already recorded)")
        self.fields["period"] = forms.ChoiceField(
            label=gettext_lazy("Period"),
            choices=[
                (
                    periods.period_key(indicator.frequency, start, end),
                    periods.period_label(indicator.frequency, start, end)
                    + (recorded if (start, end) in taken else ""),
                )
                for start, end in reversed(choices)
            ],
        )
        if instance is not None and instance.pk:
            self.initial["period"] = periods.period_key(
                indicator.frequency, instance.period_start, instance.period_end
            )
        else:
            if ahead:
                coming = [p for p in choices if p[1] >= today]
                free = next((p for p in coming if p not in taken), coming[0])
            else:
                past = [p for p in reversed(choices) if p[1] < today]
                free = next((p for p in past if p not in taken), past[0] if past else choices[-1])
            self.initial.setdefault("period", periods.period_key(indicator.frequency, *free))

    def period(self) -> tuple[date, date]:
        if "period" in self.cleaned_data:
            return periods.parse_period(self.cleaned_data["period"])
        return self.cleaned_data["period_start"], self.cleaned_data["period_end"]


class TargetForm(PeriodFormMixin, VersionedModelForm):
    value = QuantityField(label=gettext_lazy("Target value"))

    class Meta:
        model = Target
        fields = ["text", "note"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, indicator: Indicator, taken=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_period(indicator, self.instance, taken, ahead=True)
        if indicator.is_quantitative:
            del self.fields["text"]
            self.fields["value"].unit = indicator.display_unit
            self.fields["value"].required = True
            if indicator.display_unit:
                self.fields["value"].help_text = _("In %(unit)s.") % {
                    "unit": indicator.display_unit
                }
            if self.instance.pk and not self.is_bound:
                self.initial["value"] = self.instance.value
        else:
            del self.fields["value"]
        self.order_fields(["period", "period_start", "period_end", "value", "text", "note"])

    def changes(self) -> dict:
        start, end = self.period()
        return {
            "period_start": start,
            "period_end": end,
            "value": self.cleaned_data.get("value"),
            "text": self.cleaned_data.get("text", ""),
            "note": self.cleaned_data.get("note", ""),
        }


class MeasurementForm(PeriodFormMixin, VersionedModelForm):
    """One period's measurement, with a field per breakdown category."""

    not_measured = forms.BooleanField(
        label=gettext_lazy("Not measured this period"),
        required=False,
        help_text=gettext_lazy("Say it explicitly rather than leave a gap; explain why below."),
    )
    value = QuantityField(label=gettext_lazy("Value"))
    numerator = QuantityField(label=gettext_lazy("Numerator"))
    denominator = QuantityField(label=gettext_lazy("Denominator"))
    evidence_file = forms.FileField(
        label=gettext_lazy("Evidence (file)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
        help_text=gettext_lazy("PDF, image, office document, CSV or text; 10 MB at most."),
    )
    remove_evidence = forms.BooleanField(label=gettext_lazy("Remove the file"), required=False)
    evidence_url = forms.URLField(
        label=gettext_lazy("Evidence (link)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("A shared folder, a published report, a survey's results…"),
    )

    class Meta:
        model = Measurement
        fields = ["text_value", "narrative", "evidence_url", "measured_on"]
        widgets = {
            "text_value": forms.Textarea(attrs={"rows": 3}),
            "narrative": forms.Textarea(attrs={"rows": 3}),
            "measured_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, indicator: Indicator, taken=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_period(indicator, self.instance, taken)
        if self.instance.pk:  # another period is another measurement
            for name in ("period", "period_start", "period_end"):
                self.fields.pop(name, None)
        unit = indicator.display_unit
        keep = {"value"} if indicator.is_quantitative and not indicator.is_ratio else set()
        if indicator.is_ratio:
            keep = {"numerator", "denominator"}
        for name in ("value", "numerator", "denominator"):
            if name not in keep:
                del self.fields[name]
            else:
                self.fields[name].unit = indicator.unit
        if "value" in self.fields and unit:
            self.fields["value"].help_text = _("In %(unit)s, the figure alone.") % {"unit": unit}
        if indicator.is_quantitative:
            del self.fields["text_value"]
        if not self.instance.evidence_file:
            del self.fields["remove_evidence"]
        self.fields["measured_on"].required = False
        self.fields["measured_on"].help_text = gettext_lazy("Empty: today.")
        self.category_fields: list[tuple[BreakdownDimension, list[str]]] = []
        if indicator.is_quantitative and not indicator.is_ratio:
            current = {}
            if self.instance.pk:
                current = {b.category_id: b.value for b in self.instance.breakdowns.all()}
            for dimension in indicator.dimensions.prefetch_related("categories"):
                names = []
                for category in dimension.categories.all():
                    name = f"breakdown_{category.pk}"
                    self.fields[name] = QuantityField(label=category.name, unit=indicator.unit)
                    self.fields[name].category = category
                    if category.pk in current and not self.is_bound:
                        self.initial[name] = current[category.pk]
                    names.append(name)
                self.category_fields.append((dimension, names))
        if self.instance.pk and not self.is_bound:
            self.initial["not_measured"] = not self.instance.is_measured
            for name in ("value", "numerator", "denominator"):
                if name in self.fields:
                    self.initial[name] = getattr(self.instance, name)

    def breakdown_groups(self):
        """[(dimension, [bound fields])] for the template."""
        return [
            (dimension, [self[name] for name in names]) for dimension, names in self.category_fields
        ]

    FIGURE_FIELDS = (
        "period",
        "period_start",
        "period_end",
        "not_measured",
        "value",
        "numerator",
        "denominator",
        "text_value",
    )
    CONTEXT_FIELDS = (
        "narrative",
        "evidence_url",
        "evidence_file",
        "remove_evidence",
        "measured_on",
    )

    def figure_fields(self):
        """What was measured: shown first, then the breakdowns, then `context_fields`."""
        return [self[name] for name in self.FIGURE_FIELDS if name in self.fields]

    def context_fields(self):
        return [self[name] for name in self.CONTEXT_FIELDS if name in self.fields]

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if not upload:
            return upload
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in EVIDENCE_EXTENSIONS:
            raise ValidationError(
                _("“.%(extension)s” files are not accepted as evidence (accepted: %(accepted)s).")
                % {"extension": extension, "accepted": ", ".join(EVIDENCE_EXTENSIONS)}
            )
        if upload.size > EVIDENCE_MAX_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."))
        return upload

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {
            "status": Measurement.Status.NOT_MEASURED
            if data.get("not_measured")
            else Measurement.Status.MEASURED,
            "value": data.get("value"),
            "numerator": data.get("numerator"),
            "denominator": data.get("denominator"),
            "text_value": data.get("text_value", ""),
            "narrative": data.get("narrative", ""),
            "evidence_url": data.get("evidence_url", ""),
            "measured_on": data.get("measured_on"),
            "breakdowns": {
                self.fields[name].category: data[name]
                for _dimension, names in self.category_fields
                for name in names
                if data.get(name) is not None
            },
        }
        if data.get("evidence_file"):
            changes["evidence_file"] = data["evidence_file"]
        if data.get("remove_evidence"):
            changes["remove_evidence"] = True
        if not self.instance.pk:
            changes["period_start"], changes["period_end"] = self.period()
        return changes


class DimensionForm(VersionedModelForm):
    class Meta:
        model = BreakdownDimension
        fields = ["name", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False

    def clean_position(self):
        return self.cleaned_data["position"] or 0


class NewDimensionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    categories = forms.CharField(
        label=gettext_lazy("Categories"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One per line, e.g. Women, Men, Other or not stated."),
    )


class CategoryForm(VersionedModelForm):
    class Meta:
        model = BreakdownCategory
        fields = ["name", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False

    def clean_position(self):
        return self.cleaned_data["position"] or 0
