"""Forms of funders and resources (finance.services.funders decides)."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.forms import VersionedModelForm
from maillage.ecosystem.forms import ActorField

from ..models import Funder, Project, Resource, ResourceKind
from ..services.funders import allowed_kinds
from .projects import AmountField


class FunderForm(VersionedModelForm):
    actor = ActorField(required=False)  # the workspace's registry, set up in __init__

    class Meta:
        model = Funder
        fields = ["name", "source", "level", "actor", "identifier"]

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        suggest_url = reverse("ecosystem:actor_suggest", kwargs={"workspace_slug": workspace.slug})
        self.fields["actor"] = ActorField(
            workspace=workspace,
            required=False,
            label=gettext_lazy("Actor in the ecosystem"),
            help_text=gettext_lazy(
                "Optional: type a few letters of its name and pick it, to link the funder to "
                "its record in the registry (its SIREN fills the identifier if empty)."
            ),
            widget=forms.TextInput(
                attrs={
                    "list": "actor-suggestions",
                    "autocomplete": "off",
                    "hx-get": suggest_url,
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": "#actor-suggestions",
                }
            ),
        )
        self.fields["source"].widget.attrs["data-funder-source"] = ""
        self.fields["level"].widget.attrs["data-public-only"] = ""
        self.fields["level"].help_text = gettext_lazy(
            "Public funders only (the lines of account 74 in the CERFA report); others are “other”."
        )


class ResourceForm(VersionedModelForm):
    amount = AmountField(label=gettext_lazy("Amount (€)"))
    project = forms.ModelChoiceField(
        label=gettext_lazy("Project"),
        queryset=Project.objects.none(),
        required=False,
        empty_label="—",
        help_text=gettext_lazy("Optional: the project this resource is for."),
    )

    class Meta:
        model = Resource
        fields = ["kind", "year", "amount", "label", "project"]

    def __init__(self, *args, workspace, funder: Funder, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = allowed_kinds(funder.source)  # with a counterpart, then without
        self.fields["kind"].choices = [
            (kind, f"{ResourceKind(kind).label} ({counterpart})")
            for kind, counterpart in zip(
                kinds, (_("with a counterpart"), _("without a counterpart")), strict=True
            )
        ]
        self.fields["project"].queryset = Project.objects.filter(workspace=workspace)
        self.fields["year"].widget.attrs.update(min=1990, max=2100)
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)
            self.initial.setdefault("kind", kinds[-1])


class FunderPickForm(forms.Form):
    """The first step of recording a resource: who brings it (its kinds depend on it)."""

    funder = forms.ModelChoiceField(
        label=gettext_lazy("Who brings the resource"), queryset=Funder.objects.none()
    )

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = Funder.objects.filter(workspace=workspace)
