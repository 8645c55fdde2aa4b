"""A list of choice keys stored as JSON (objectives, value-chain levels, experiment tools)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChoiceListField(models.JSONField):
    """A JSON list whose items are keys of `choices_class`; kept in the choices' order."""

    def __init__(self, *args, choices_class=None, **kwargs):
        self.choices_class = choices_class
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices_class"] = self.choices_class
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, list):
            raise ValidationError(_("Give a list."), code="invalid")
        allowed = set(self.choices_class.values)
        unknown = [str(item) for item in value if item not in allowed]
        if unknown:
            raise ValidationError(
                _("Unknown value: %(values)s."), params={"values": ", ".join(unknown)}
            )

    def formfield(self, **kwargs):
        from django import forms

        return forms.TypedMultipleChoiceField(
            choices=self.choices_class.choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
            **{k: v for k, v in kwargs.items() if k in ("label", "help_text", "required")},
        )

    def labels(self, value) -> list[str]:
        return [self.choices_class(key).label for key in value if key in self.choices_class.values]


def ordered_keys(values, choices_class) -> list[str]:
    """`values` as a list in the order the choices declare, without duplicates."""
    chosen = set(values or [])
    return [key for key in choices_class.values if key in chosen]
