"""The network-head ("tête de pont") qualification form: seed 002's three criteria."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.forms import VersionedModelForm

from .models import NetworkHeadQualification


class NetworkHeadForm(VersionedModelForm):
    """Each criterion met needs its evidence; the date cannot be in the future."""

    class Meta:
        model = NetworkHeadQualification
        fields = [
            "peer_recognition",
            "peer_recognition_evidence",
            "cross_world_co_building",
            "cross_world_co_building_evidence",
            "shares_and_relays",
            "shares_and_relays_evidence",
            "assessed_on",
        ]
        widgets = {
            "peer_recognition_evidence": forms.Textarea(attrs={"rows": 3}),
            "cross_world_co_building_evidence": forms.Textarea(attrs={"rows": 3}),
            "shares_and_relays_evidence": forms.Textarea(attrs={"rows": 3}),
            "assessed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No version: the form was built before the first assessment (see expected_version).
        self.fields["version"].required = False
        if not self.instance.pk:
            self.initial.setdefault("assessed_on", timezone.localdate())
        for name in NetworkHeadQualification.CRITERIA:
            self.fields[f"{name}_evidence"].help_text = _(
                "What shows it: an event, a testimony, a partnership… Required when the "
                "criterion is met."
            )

    @property
    def expected_version(self) -> int:
        # 0 when the form was built before any assessment: if one appeared meanwhile, the
        # service refuses to overwrite it (StaleObjectError).
        return self.cleaned_data.get("version") or 0

    def clean_assessed_on(self):
        value = self.cleaned_data["assessed_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The assessment date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        for name in NetworkHeadQualification.CRITERIA:
            evidence = (data.get(f"{name}_evidence") or "").strip()
            data[f"{name}_evidence"] = evidence
            if data.get(name) and not evidence:
                self.add_error(
                    f"{name}_evidence",
                    _("Say what shows that this criterion is met."),
                )
        return data

    def criteria_rows(self):
        """(checkbox, evidence) bound fields per criterion, for the template."""
        return [
            (self[name], self[f"{name}_evidence"]) for name in NetworkHeadQualification.CRITERIA
        ]
