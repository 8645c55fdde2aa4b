from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core.forms import VersionedModelForm

from .models import Membership, Role, Workspace


class WorkspaceCreateForm(forms.ModelForm):
    class Meta:
        model = Workspace
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class WorkspaceSettingsForm(VersionedModelForm):
    class Meta:
        model = Workspace
        fields = ["name", "description", "require_two_factor"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


def _roles_for(actor: Membership):
    """The roles `actor` may hand out: owners grant any role, managers up to manager."""
    if actor.role == Role.OWNER:
        return Role.choices
    return [(value, label) for value, label in Role.choices if value != Role.OWNER]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        help_text=_("Optional: pre-fills the sign-up page; the person can correct it."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args, actor: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _roles_for(actor)


class MembershipForm(VersionedModelForm):
    class Meta:
        model = Membership
        fields = ["role", "can_view_sensitive"]

    def __init__(self, *args, actor: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _roles_for(actor)
