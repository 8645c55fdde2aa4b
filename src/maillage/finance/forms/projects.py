"""Forms of projects and budgets, and the amount fields the finance pages share. Forms parse
and present; the services decide (finance.services.projects)."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.forms import VersionedModelForm
from maillage.core.money import format_decimal, to_decimal
from maillage.partnerships.models import Partnership

from ..models import BudgetLine, CostCategory, Funder, Project
from ..models.accounts import CHARGE_CATEGORIES, PRODUCT_CATEGORIES

DATE_WIDGET = {"type": "date"}


def date_input():
    return forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")


class AmountField(forms.CharField):
    """An amount typed by a person: "1 234,56", "1234.56" or "1234" (never a float), at most
    2 decimal places, between `minimum` and `maximum`."""

    def __init__(self, *, minimum=Decimal("0"), maximum=Decimal("999999999999.99"), **kwargs):
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)
        self.minimum = Decimal(minimum)
        self.maximum = Decimal(maximum)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def prepare_value(self, value):
        if isinstance(value, Decimal | int):
            return format_decimal(value, 2, grouping=False)
        return value

    def clean(self, value) -> Decimal | None:
        text = (super().clean(value) or "").strip().replace("€", "").replace("%", "").strip()
        if not text:
            return None
        try:
            number = to_decimal(text)
        except ValueError as error:
            raise ValidationError(str(error)) from error
        if number != number.quantize(Decimal("0.01")):
            raise ValidationError(_("At most 2 decimal places (cents)."))
        if number < self.minimum:
            raise ValidationError(
                _("Enter %(minimum)s or more.") % {"minimum": format_decimal(self.minimum, 2)}
            )
        if number > self.maximum:
            raise ValidationError(
                _("Enter %(maximum)s or less.") % {"maximum": format_decimal(self.maximum, 2)}
            )
        return number.quantize(Decimal("0.01"))


class PercentField(AmountField):
    def __init__(self, **kwargs):
        kwargs.setdefault("minimum", Decimal("0"))
        kwargs.setdefault("maximum", Decimal("100"))
        kwargs.setdefault("max_length", 8)
        super().__init__(**kwargs)


class FieldsetsMixin:
    """The page groups the fields: FIELDSETS = ((legend, rows of field names side by side),)
    rendered by finance/_fieldsets.html."""

    FIELDSETS: tuple = ()

    def fieldsets(self):
        return [
            (legend, [[self[name] for name in row] for row in rows])
            for legend, rows in self.FIELDSETS
        ]


def member_users(workspace):
    """The workspace's members, by name (a project manager is one of them)."""
    return (
        get_user_model()
        .objects.filter(memberships__workspace=workspace, is_active=True)
        .order_by("full_name", "email")
        .distinct()
    )


class ManagerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class ProjectForm(FieldsetsMixin, VersionedModelForm):
    manager = ManagerChoiceField(
        label=gettext_lazy("Project manager"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=gettext_lazy("A member of this workspace."),
    )
    partnership = forms.ModelChoiceField(
        label=gettext_lazy("Partnership"),
        queryset=Partnership.objects.none(),
        required=False,
        help_text=gettext_lazy("The partnership or alliance this project belongs to, if any."),
    )

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "status",
            "start_date",
            "end_date",
            "manager",
            "partnership",
            "objectives",
            "activities",
        ]
        widgets = {
            "start_date": date_input(),
            "end_date": date_input(),
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "activities": forms.Textarea(attrs={"rows": 4}),
        }

    FIELDSETS = (
        (
            gettext_lazy("The project"),
            (
                ("code", "status"),
                ("name",),
                ("start_date", "end_date"),
                ("manager", "partnership"),
            ),
        ),
        (gettext_lazy("What it does"), (("objectives",), ("activities",))),
    )

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = member_users(workspace)
        self.fields["partnership"].queryset = Partnership.objects.filter(
            workspace=workspace
        ).order_by("name")


def category_choices() -> list:
    """The CERFA lines grouped: charges, products, then contributions in kind."""
    return [
        ("", "—"),
        (gettext_lazy("Charges"), [(c, CostCategory(c).label) for c in CHARGE_CATEGORIES]),
        (gettext_lazy("Products"), [(c, CostCategory(c).label) for c in PRODUCT_CATEGORIES]),
        (
            gettext_lazy("Contributions in kind (never cash)"),
            [(c, CostCategory(c).label) for c in ("86", "87")],
        ),
    ]


class BudgetLineForm(VersionedModelForm):
    amount = AmountField(
        label=gettext_lazy("Planned amount (€)"),
        widget=forms.TextInput(attrs={"class": "form-control-sm text-end"}),
    )
    funder = forms.ModelChoiceField(
        label=gettext_lazy("Funder"),
        queryset=Funder.objects.none(),
        required=False,
        empty_label="—",
        help_text=gettext_lazy("Products only: who brings it (required on line 74)."),
        widget=forms.Select(attrs={"class": "form-select-sm"}),
    )

    class Meta:
        model = BudgetLine
        fields = ["category", "label", "funder", "amount"]
        widgets = {
            "category": forms.Select(attrs={"class": "form-select-sm"}),
            "label": forms.TextInput(attrs={"class": "form-control-sm"}),
        }

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["funder"].queryset = Funder.objects.filter(workspace=workspace)
        self.fields["label"].required = False
        if not self.instance.pk:  # a blank row stays unchanged (and skipped) until typed in
            self.initial.setdefault("version", 1)


class BaseBudgetFormSet(BaseModelFormSet):
    """The lines of one year: the form of a line carries its version; blank rows add lines."""

    def __init__(self, *args, workspace, **kwargs):
        self.workspace = workspace
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["workspace"] = self.workspace
        return kwargs

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            workspace=self.workspace,
            initial={"version": 1},
        )
        self.add_fields(form, None)
        return form

    def validate_unique(self):
        pass  # the services check what must be unique (one 74 line per funder and year)


#: Blank rows offered below a year's lines.
BLANK_ROWS = 4


def budget_formset(extra: int = BLANK_ROWS):
    return modelformset_factory(
        BudgetLine, form=BudgetLineForm, formset=BaseBudgetFormSet, extra=extra, can_delete=True
    )


BudgetFormSet = budget_formset()
