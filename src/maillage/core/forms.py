"""Form helpers shared by every app."""

from django import forms


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that carries the record's `version` for optimistic locking.

    The view passes `form.changes()` and `form.expected_version` to a service, which refuses the
    write if the record changed since the form was rendered.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    @property
    def expected_version(self) -> int:
        return self.cleaned_data["version"]

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def _post_clean(self):
        # The service validates and saves; don't let ModelForm mutate the instance early.
        pass


def add_service_error(form: forms.Form, error) -> None:
    """Attach a service's ValidationError (or StaleObjectError) to the form, field by field."""
    from django.core.exceptions import ValidationError

    from .exceptions import StaleObjectError

    if isinstance(error, StaleObjectError):
        form.add_error(None, str(error))
        return
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    form.add_error(None, error)
