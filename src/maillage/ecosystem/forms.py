"""Forms of the registry: actors, contacts, relations and the workspace's lists."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.forms import VersionedModelForm
from maillage.core.sdg import SDG_CHOICES
from maillage.core.territories.models import Commune, Department, Region

from .identifiers import clean_rna, clean_siren, clean_siret
from .models import Actor, Audience, Contact, Mission, Relation, RelationType, Theme

_COMMUNE_CODE = re.compile(r"[0-9][0-9AB][0-9]{3}")
_COMMUNE_LABEL = re.compile(r"^(?P<name>.+?)\s*\((?P<department>[0-9AB]{2,3})\)$")


class CommuneField(forms.CharField):
    """A commune typed as its INSEE code or picked as "Name (department)" from the suggestions."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 210)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Commune):
            return value.label
        if value and _COMMUNE_CODE.fullmatch(str(value)):
            commune = Commune.objects.filter(pk=value).first()
            return commune.label if commune else value
        return value

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        if _COMMUNE_CODE.fullmatch(value.upper()):
            commune = Commune.objects.filter(pk=value.upper()).first()
        else:
            match = _COMMUNE_LABEL.match(value)
            communes = Commune.objects.filter(name__iexact=(match["name"] if match else value))
            if match:
                communes = communes.filter(department_id=match["department"])
            found = list(communes[:2])
            if len(found) > 1:
                raise ValidationError(
                    _("Several communes are called “%(value)s”: pick one from the suggestions.")
                    % {"value": value}
                )
            commune = found[0] if found else None
        if commune is None:
            if not Commune.objects.exists():
                raise ValidationError(
                    _(
                        "The list of communes is not loaded on this server (an administrator "
                        "runs manage.py import_territories). Leave it empty and choose a "
                        "department."
                    )
                )
            raise ValidationError(_("No commune “%(value)s”.") % {"value": value})
        return commune


_ACTOR_REFERENCE = re.compile(r"#(?P<pk>\d+)\s*$")


class ActorField(forms.CharField):
    """An actor of the workspace typed as "Name #id" (what the suggestions fill in), "#id" or
    its exact name when unique. Works for registries of any size (no giant <select>)."""

    def __init__(self, *, workspace=None, **kwargs):
        kwargs.setdefault("max_length", 230)
        super().__init__(**kwargs)
        self.workspace = workspace

    def prepare_value(self, value):
        if isinstance(value, Actor):
            return f"{value.name} #{value.pk}"
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            actor = Actor.objects.filter(workspace=self.workspace, pk=value).first()
            return f"{actor.name} #{actor.pk}" if actor else value
        return value

    def clean(self, value):
        value = (super().clean(value) or "").strip()
        if not value:
            return None
        actors = Actor.objects.filter(workspace=self.workspace)
        match = _ACTOR_REFERENCE.search(value)
        if match:
            found = list(actors.filter(pk=int(match["pk"])))
        else:
            found = list(actors.filter(name__iexact=value)[:2])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValidationError(
                _("Several actors are called “%(value)s”: pick one from the suggestions.")
                % {"value": value}
            )
        raise ValidationError(
            _("No actor “%(value)s” in this registry: pick one from the suggestions.")
            % {"value": value}
        )


class ActorForm(VersionedModelForm):
    # Declared so that the class builds outside a workspace scope; querysets set in __init__.
    themes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audiences = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Audiences"),
        queryset=Audience.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(
        label=gettext_lazy("Website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("e.g. www.example.org: https:// is added when missing."),
    )
    missions = forms.MultipleChoiceField(
        label=gettext_lazy("Missions"),
        choices=Mission.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sdg_goals = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Sustainable Development Goals"),
        choices=SDG_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    commune = CommuneField(
        label=gettext_lazy("Commune"),
        required=False,
        help_text=gettext_lazy(
            "Type the name and pick it from the suggestions, or give its INSEE code. The "
            "department and region follow."
        ),
    )

    class Meta:
        model = Actor
        fields = [
            "name",
            "aliases",
            "profile",
            "description",
            "website",
            "siren",
            "siret",
            "rna",
            "level",
            "region",
            "department",
            "commune",
            "missions",
            "themes",
            "audiences",
            "sdg_goals",
            "latitude",
            "longitude",
            "notes",
        ]
        widgets = {
            "aliases": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(workspace=workspace)
        self.fields["audiences"].queryset = Audience.objects.filter(workspace=workspace)
        self.fields["region"].queryset = Region.objects.all()
        self.fields["department"].queryset = Department.objects.all()
        self.fields["level"].help_text = gettext_lazy(
            "Where the actor acts: international, Europe, national, regional, departmental, "
            "local, or online."
        )
        if self.instance.pk and not self.is_bound:
            self.initial["missions"] = self.instance.missions
            self.initial["sdg_goals"] = self.instance.sdg_list

    def clean_siren(self):
        return clean_siren(self.cleaned_data["siren"])

    def clean_siret(self):
        return clean_siret(self.cleaned_data["siret"])

    def clean_rna(self):
        return clean_rna(self.cleaned_data["rna"])


class ContactForm(VersionedModelForm):
    class Meta:
        model = Contact
        fields = ["full_name", "job_title", "email", "phone"]


class RelationForm(VersionedModelForm):
    # Declared so that the class builds outside a workspace scope; set up in __init__.
    source = ActorField(label=gettext_lazy("From"))
    relation_type = forms.ModelChoiceField(
        label=gettext_lazy("Relation type"), queryset=RelationType.objects.none()
    )
    target = ActorField(label=gettext_lazy("To"))

    class Meta:
        model = Relation
        fields = ["source", "relation_type", "target", "start_date", "end_date", "notes"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        help_text = gettext_lazy("Type a few letters of the name and pick the actor.")
        suggest_url = reverse("ecosystem:actor_suggest", kwargs={"workspace_slug": workspace.slug})
        for name, label in (("source", gettext_lazy("From")), ("target", gettext_lazy("To"))):
            self.fields[name] = ActorField(
                workspace=workspace,
                label=label,
                help_text=help_text,
                widget=forms.TextInput(
                    attrs={
                        "list": f"{name}-suggestions",
                        "autocomplete": "off",
                        "hx-get": suggest_url,
                        "hx-trigger": "input changed delay:250ms",
                        "hx-target": f"#{name}-suggestions",
                    }
                ),
            )
        self.fields["relation_type"].queryset = RelationType.objects.filter(workspace=workspace)

    def clean(self):
        data = super().clean()
        source, target = data.get("source"), data.get("target")
        if source and target and source.pk == target.pk:
            self.add_error("target", _("An actor cannot be in a relation with itself."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end comes before the start."))
        return data


class PositionMixin:
    """`position` orders a list; left empty it goes first (0)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        self.fields["position"].help_text = gettext_lazy("Order in the list (smallest first).")

    def clean_position(self):
        return self.cleaned_data["position"] or 0


class TermForm(PositionMixin, VersionedModelForm):
    """A theme or an audience (the model is set by the view)."""

    class Meta:
        model = Theme
        fields = ["name", "position"]


class AudienceTermForm(TermForm):
    class Meta(TermForm.Meta):
        model = Audience


class RelationTypeForm(PositionMixin, VersionedModelForm):
    class Meta:
        model = RelationType
        fields = ["name", "inverse_name", "is_symmetric", "code", "position"]
