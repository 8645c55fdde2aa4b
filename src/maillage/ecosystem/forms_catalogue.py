"""Settings of the public catalogue (managers and owners)."""

from django import forms
from django.utils.translation import gettext_lazy

from maillage.core.forms import VersionedModelForm

from .catalogue import FIELD_LABELS
from .models import PublicCatalogue


class CatalogueSettingsForm(VersionedModelForm):
    fields = forms.MultipleChoiceField(
        label=gettext_lazy("Fields to publish"),
        choices=[(name, FIELD_LABELS[name]) for name in PublicCatalogue.PUBLISHABLE_FIELDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("The name is always shown. Contacts and notes are never published."),
    )

    class Meta:
        model = PublicCatalogue
        fields = ["is_published", "slug", "title", "introduction", "fields"]
        labels = {"is_published": gettext_lazy("Publish the catalogue")}
        help_texts = {
            "is_published": gettext_lazy(
                "Anyone with the address can then read the published fields of every actor, "
                "without signing in."
            ),
        }
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No version: the form was built before the catalogue existed (see expected_version).
        self.fields["version"].required = False
        if not self.instance.pk and not self.is_bound:
            self.initial["fields"] = list(self.instance.fields)

    @property
    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0

    def clean_slug(self):
        return self.cleaned_data["slug"].lower()
