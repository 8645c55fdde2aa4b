"""Forms of people, contracts and the finance settings. They parse and present; the services
decide (finance.services.people).

A member without the salary permission gets `ContractHoursForm`, which has no salary field at
all: whatever such a member posts, the salary values are never read."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.forms import VersionedModelForm
from maillage.core.money import to_decimal

from ..models import Contract, FinanceSettings, Person
from ..services.people import SALARY_FIELDS


class DecimalTextField(forms.DecimalField):
    """A decimal typed by a person: "1 234,56" or "1234.56" (comma or point, spaces between
    thousands), shown with the language's decimal separator."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = to_decimal(str(value))
        except ValueError:
            raise ValidationError(
                _("Enter a number, e.g. 1 234,56 or 1234.56."), code="invalid"
            ) from None
        return number

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value, "f").replace(".", get_format("DECIMAL_SEPARATOR"))
        return value


def _decimal_fields(form: forms.ModelForm) -> None:
    """Swap the model's decimal fields for `DecimalTextField`, keeping their label, help text
    and validators."""
    for name, field in list(form.fields.items()):
        if isinstance(field, forms.DecimalField) and not isinstance(field, DecimalTextField):
            form.fields[name] = DecimalTextField(
                label=field.label,
                help_text=field.help_text,
                required=field.required,
                max_digits=field.max_digits,
                decimal_places=field.decimal_places,
                min_value=field.min_value,
                max_value=field.max_value,
            )


class PersonForm(VersionedModelForm):
    class Meta:
        model = Person
        fields = ["first_name", "last_name", "kind", "job_title", "email", "valuation_rate"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _decimal_fields(self)
        self.fields["email"].help_text = gettext_lazy(
            "Their work address: the time grid opens on the person whose address is yours, and "
            "imports may name people by it."
        )
        self.fields["valuation_rate"].help_text = gettext_lazy(
            "Volunteers only (required for them): what an hour of their time is worth, e.g. "
            "the minimum wage with charges, or the pay of the job they do."
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == Person.Kind.VOLUNTEER and data.get("valuation_rate") is None:
            self.add_error(
                "valuation_rate",
                _("Give the hourly rate at which a volunteer's time is valued."),
            )
        return data


HOURS_FIELDS = ["kind", "start_date", "end_date", "weekly_hours"]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContractForm(VersionedModelForm):
    """Every field of a contract, salaries included: for members allowed to see them."""

    class Meta:
        model = Contract
        fields = [*HOURS_FIELDS, *SALARY_FIELDS]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _decimal_fields(self)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must not be before the start date."))
        return data


class ContractHoursForm(ContractForm):
    """A contract's kind, dates and weekly hours only: no salary field exists in this form."""

    class Meta(ContractForm.Meta):
        fields = HOURS_FIELDS


def contract_form_class(sees_salaries: bool) -> type[ContractForm]:
    return ContractForm if sees_salaries else ContractHoursForm


class FinanceSettingsForm(VersionedModelForm):
    class Meta:
        model = FinanceSettings
        fields = [
            "productive_hours_per_year",
            "full_time_weekly_hours",
            "variance_threshold_percent",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _decimal_fields(self)
        if not self.is_bound and self.instance.pk is None:
            self.initial["version"] = 1
