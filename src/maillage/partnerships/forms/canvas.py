"""The form of one canvas entry (partnerships.services.canvas decides)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import VersionedModelForm

from ..choices import VALUE_CHAIN_HELP, ValueChainLevel
from ..models import CanvasEntry


def _level_choices():
    return [("", _("Not placed"))] + [
        (level.value, f"{level.label} — {VALUE_CHAIN_HELP[level]}") for level in ValueChainLevel
    ]


class CanvasEntryForm(VersionedModelForm):
    class Meta:
        model = CanvasEntry
        fields = ["section", "level", "text", "figures", "qualifier"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"] = forms.ChoiceField(
            label=_("Value-chain level"),
            choices=_level_choices(),
            required=False,
            help_text=_("Where in your value chain this sits."),
        )
        self.fields["qualifier"].help_text = _(
            "Blocking points: internal or external. Needs: already in your network or to find. "
            "Objectives and opportunities take none."
        )
        self.fields["figures"].help_text = _(
            "Objectives only: be precise, e.g. 1,000 adapted garments a year by 2027."
        )
