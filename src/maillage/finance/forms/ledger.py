"""Forms of the ledger: the list's filters, the account mapping, assignment rules and the
allocations made by hand. Forms parse and present; the services decide
(finance.services.ledger)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy

from maillage.core.forms import VersionedModelForm

from ..models import (
    AccountMapping,
    AssignmentRule,
    CostCategory,
    FundingAgreement,
    LedgerAllocation,
    Project,
)
from ..selectors.ledger import CASH, LedgerFilter
from .projects import PercentField, category_choices


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference} – {obj.title}"


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} – {obj.name}"


class _FundingFields:
    """Limits the project and agreement choices to the workspace's."""

    def _limit(self, workspace) -> None:
        self.fields["project"].queryset = Project.objects.filter(workspace=workspace).order_by(
            "code", "id"
        )
        self.fields["agreement"].queryset = (
            FundingAgreement.objects.filter(workspace=workspace)
            .select_related("funder")
            .order_by("reference", "id")
        )


def _project_field():
    return ProjectChoiceField(label=gettext_lazy("Project"), queryset=Project.objects.none())


def _agreement_field():
    return AgreementChoiceField(
        label=gettext_lazy("Agreement"),
        queryset=FundingAgreement.objects.none(),
        required=False,
        empty_label=gettext_lazy("— by the project's funding keys —"),
        help_text=gettext_lazy("Optional: the agreement must fund the project."),
    )


def _share_field():
    return PercentField(
        label=gettext_lazy("Share of the line (%)"),
        minimum=Decimal("0.01"),
        help_text=gettext_lazy("100 charges the whole line; 50 half of it."),
    )


# --- the list's filters --------------------------------------------------------------------------


class LedgerFilterForm(forms.Form):
    """The ledger page's GET parameters; unknown or wrong values are ignored, never an error."""

    q = forms.CharField(required=False, max_length=100)
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    journal = forms.CharField(required=False, max_length=20)
    account = forms.RegexField(required=False, regex=r"^\d{1,20}$", max_length=20)
    category = forms.ChoiceField(required=False)
    assigned = forms.ChoiceField(required=False, choices=[("", ""), ("yes", ""), ("no", "")])
    project = forms.ModelChoiceField(required=False, queryset=Project.objects.none())

    def __init__(self, data, *, workspace, years: list[int]):
        super().__init__(data)
        self.fields["year"].choices = [("", "")] + [(str(y), str(y)) for y in years]
        self.fields["category"].choices = [
            ("", ""),
            ("none", ""),
            (CASH, ""),
            *list(CostCategory.choices),
        ]
        self.fields["project"].queryset = Project.objects.filter(workspace=workspace)

    def criteria(self) -> LedgerFilter:
        """The valid parameters as a `LedgerFilter` (each wrong one is dropped on its own)."""
        self.is_valid()
        data = {
            name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors
        }
        return LedgerFilter(
            year=data.get("year"),
            journal=(data.get("journal") or "").strip(),
            account=data.get("account") or "",
            category=data.get("category") or "",
            assigned=data.get("assigned") or "",
            project=data.get("project"),
            query=(data.get("q") or "").strip(),
        )


# --- the account mapping -------------------------------------------------------------------------


class AccountMappingForm(VersionedModelForm):
    class Meta:
        model = AccountMapping
        fields = ["prefix", "category"]
        help_texts = {
            "prefix": gettext_lazy(
                "The first digits of the accounts it covers: 6226 covers 62260000 and 6226100."
            ),
            "category": gettext_lazy("The line of the financial report (CERFA 15059)."),
        }
        widgets = {"prefix": forms.TextInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


# --- assignment rules ----------------------------------------------------------------------------


class AssignmentRuleForm(_FundingFields, VersionedModelForm):
    project = _project_field()
    agreement = _agreement_field()
    share = _share_field()

    class Meta:
        model = AssignmentRule
        fields = [
            "account_prefix",
            "journal_code",
            "label_contains",
            "project",
            "agreement",
            "share",
        ]
        help_texts = {
            "account_prefix": gettext_lazy("e.g. 606 for every purchase of supplies."),
            "journal_code": gettext_lazy("e.g. AC; the journal's code exactly (case ignored)."),
            "label_contains": gettext_lazy(
                "Searched in the line's label and its auxiliary account's name, case ignored: "
                "an analytic code such as JARDINS."
            ),
        }
        widgets = {"account_prefix": forms.TextInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit(workspace)


# --- allocations by hand -------------------------------------------------------------------------


class LedgerAllocationForm(_FundingFields, VersionedModelForm):
    project = _project_field()
    agreement = _agreement_field()
    share = _share_field()

    class Meta:
        model = LedgerAllocation
        fields = ["project", "agreement", "share"]

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit(workspace)
