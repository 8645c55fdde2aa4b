"""Forms of funding agreements, funding keys, instalments and reporting deadlines
(finance.services.agreements decides)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy

from maillage.core.forms import VersionedModelForm
from maillage.impact.models import Indicator

from ..models import (
    CostCategory,
    Funder,
    FundingAgreement,
    FundingKey,
    Instalment,
    Project,
    ReportingDeadline,
)
from ..models.accounts import CHARGE_CATEGORIES
from ..models.funding import RESOURCE_KIND_OF
from .projects import AmountField, FieldsetsMixin, PercentField, date_input

#: Beyond this many, the required indicators are a list with several choices, not checkboxes.
CHECKBOXES_UP_TO = 24


class FunderSelect(forms.Select):
    """A funder's option says its source, so that the page can offer only its kinds."""

    def __init__(self, *args, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = sources or {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        key = getattr(value, "value", value)
        if key in self.sources:
            option["attrs"]["data-source"] = self.sources[key]
        return option


class KindSelect(forms.Select):
    """A kind's option lists the sources that may bring it."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        sources = sorted({s.value for (s, _c), k in RESOURCE_KIND_OF.items() if k == value})
        if sources:
            option["attrs"]["data-sources"] = " ".join(sources)
        return option


class AgreementForm(FieldsetsMixin, VersionedModelForm):
    funder = forms.ModelChoiceField(
        label=gettext_lazy("Funder"), queryset=Funder.objects.none(), empty_label="—"
    )
    amount_granted = AmountField(label=gettext_lazy("Amount granted (€)"))
    eligible_categories = forms.MultipleChoiceField(
        label=gettext_lazy("Eligible cost categories"),
        choices=[(c, CostCategory(c).label) for c in CHARGE_CATEGORIES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "The charges the agreement may pay for; 64 is the direct staff costs (from the "
            "time entries)."
        ),
    )
    max_rate = PercentField(
        label=gettext_lazy("Maximum co-financing rate (%)"),
        required=False,
        help_text=gettext_lazy(
            "The largest share of the eligible costs this funder may pay, e.g. 80. Empty: no cap."
        ),
    )
    indirect_rate = PercentField(
        label=gettext_lazy("Flat-rate indirect costs (%)"),
        required=False,
        help_text=gettext_lazy(
            "Indirect costs counted as a flat share of a base, e.g. 15 per cent of direct "
            "staff costs (EU simplified costs). Empty: none."
        ),
    )
    projects = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Projects funded"),
        queryset=Project.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    required_indicators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Indicators the funder requires"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = FundingAgreement
        fields = [
            "reference",
            "title",
            "funder",
            "kind",
            "status",
            "signed_on",
            "amount_granted",
            "start_date",
            "end_date",
            "eligible_categories",
            "max_rate",
            "indirect_rate",
            "indirect_base",
            "notes",
        ]
        widgets = {
            "signed_on": date_input(),
            "start_date": date_input(),
            "end_date": date_input(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        sources = dict(Funder.objects.filter(workspace=workspace).values_list("pk", "source"))
        self.fields["funder"].widget = FunderSelect(
            sources=sources, attrs={"data-funder-select": ""}
        )
        self.fields["funder"].queryset = Funder.objects.filter(workspace=workspace)
        self.fields["kind"].widget = KindSelect(
            choices=self.fields["kind"].choices, attrs={"data-kind-select": ""}
        )
        self.fields["kind"].help_text = gettext_lazy(
            "Offered according to who the funder is: a public actor grants a subsidy or buys "
            "a service (public procurement); a private organisation gives (patronage) or buys."
        )
        self.fields["projects"].queryset = Project.objects.filter(workspace=workspace).order_by(
            "code"
        )
        chosen = (
            list(self.instance.required_indicators.values_list("pk", flat=True))
            if self.instance.pk
            else []
        )
        indicators = Indicator.objects.filter(workspace=workspace).filter(
            Q(is_archived=False) | Q(pk__in=chosen)
        )
        if indicators.count() > CHECKBOXES_UP_TO:
            self.fields["required_indicators"].widget = forms.SelectMultiple(attrs={"size": 8})
            self.fields["required_indicators"].help_text = gettext_lazy(
                "Hold Ctrl (⌘ on a Mac) to pick several."
            )
        # Set after the widget: the queryset gives the widget its choices.
        self.fields["required_indicators"].queryset = indicators.order_by("code")
        self.fields["indirect_base"].label = gettext_lazy("Base of the flat rate")
        if self.instance.pk and not self.is_bound:
            self.initial["projects"] = list(self.instance.projects.all())
            self.initial["required_indicators"] = list(self.instance.required_indicators.all())

    FIELDSETS = (
        (gettext_lazy("The agreement"), (("reference", "status"), ("title",), ("funder", "kind"))),
        (
            gettext_lazy("Amount and period"),
            (("amount_granted", "signed_on"), ("start_date", "end_date"), ("projects",)),
        ),
        (
            gettext_lazy("Eligibility rules"),
            (("eligible_categories",), ("max_rate",), ("indirect_rate", "indirect_base")),
        ),
        (gettext_lazy("Reporting"), (("required_indicators",), ("notes",))),
    )

    def changes(self) -> dict:
        data = super().changes()
        data["projects"] = list(self.cleaned_data["projects"])
        data["required_indicators"] = list(self.cleaned_data["required_indicators"])
        return data


class FundingKeyForm(VersionedModelForm):
    project = forms.ModelChoiceField(label=gettext_lazy("Project"), queryset=Project.objects.none())
    share = PercentField(
        label=gettext_lazy("Share of the project's costs (%)"),
        minimum="0.01",
        help_text=gettext_lazy(
            "The part of the project's costs charged to this agreement when no time entry or "
            "ledger line names an agreement."
        ),
    )

    class Meta:
        model = FundingKey
        fields = ["project", "share"]

    def __init__(self, *args, agreement: FundingAgreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = agreement.projects.order_by("code")
        if not self.instance.pk:
            self.initial.setdefault("version", 1)


class InstalmentForm(VersionedModelForm):
    amount = AmountField(label=gettext_lazy("Amount (€)"), minimum="0.01")

    class Meta:
        model = Instalment
        fields = ["received_on", "amount", "reference"]
        widgets = {"received_on": date_input()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].help_text = gettext_lazy("e.g. the bank statement's label.")
        if not self.instance.pk:
            self.initial.setdefault("version", 1)


class DeadlineForm(VersionedModelForm):
    class Meta:
        model = ReportingDeadline
        fields = ["due_on", "label", "submitted_on"]
        widgets = {"due_on": date_input(), "submitted_on": date_input()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].widget.attrs["placeholder"] = gettext_lazy(
            "e.g. Financial report (CERFA 15059)"
        )
        self.fields["submitted_on"].help_text = gettext_lazy("Leave empty until it is sent.")
        if not self.instance.pk:
            self.initial.setdefault("version", 1)
