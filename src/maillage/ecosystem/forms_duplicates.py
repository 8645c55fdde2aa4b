"""The merge form: one choice per conflicting field, and the versions both actors had."""

from django import forms

from .merge import CHOOSABLE_LABELS, KEEP, OTHER


class MergeForm(forms.Form):
    keep_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    other_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, keep, other, conflicts: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.conflicts = conflicts
        if not self.is_bound:
            self.initial.update(keep_version=keep.version, other_version=other.version)
        for name in conflicts:
            self.fields[name] = forms.ChoiceField(
                label=CHOOSABLE_LABELS[name],
                choices=[(KEEP, KEEP), (OTHER, OTHER)],
                initial=KEEP,
                widget=forms.RadioSelect,
            )

    def choices(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.conflicts}
