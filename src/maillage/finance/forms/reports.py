"""The form of a report line's explanation (finance.services.reports decides)."""

from django import forms
from django.utils.translation import gettext_lazy

from ..services.reports import MAX_LENGTH


class ExplanationForm(forms.Form):
    """One line's explanation; `version` is that of the stored explanation, 0 without one."""

    line = forms.CharField(widget=forms.HiddenInput, max_length=30)
    text = forms.CharField(
        label=gettext_lazy("Explanation of the variance"),
        required=False,
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=True,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
