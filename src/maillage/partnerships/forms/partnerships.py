"""Forms of partnerships, members, guests' shares and kinds. Forms parse and present; the
services decide (`services.partnerships`, `services.kinds`)."""

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy, pgettext_lazy

from maillage.core.forms import VersionedModelForm
from maillage.ecosystem.forms import ActorField
from maillage.workspaces.models import Membership, Role

from ..choices import Side
from ..models import Partnership, PartnershipKind, PartnershipMember


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


def staff_users(workspace):
    """The workspace's members who are not guests, by name (a coordinator is one of them)."""
    return (
        get_user_model()
        .objects.filter(memberships__workspace=workspace, is_active=True)
        .exclude(memberships__role=Role.GUEST, memberships__workspace=workspace)
        .order_by("full_name", "email")
        .distinct()
    )


class PartnershipForm(VersionedModelForm):
    """The partnership's own fields; the stage and the status are shown, never edited here."""

    kind = forms.ModelChoiceField(
        label=pgettext_lazy("partnership", "Kind"), queryset=PartnershipKind.objects.none()
    )
    coordinator = UserChoiceField(
        label=gettext_lazy("Coordinator"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=gettext_lazy("A member of this workspace who keeps the partnership going."),
    )

    class Meta:
        model = Partnership
        fields = [
            "name",
            "kind",
            "summary",
            "objectives",
            "value_chain_levels",
            "start_date",
            "end_date",
            "coordinator",
            "next_gate_on",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "start_date": date_input(),
            "end_date": date_input(),
            "next_gate_on": date_input(),
        }

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = PartnershipKind.objects.filter(workspace=workspace)
        self.fields["coordinator"].queryset = staff_users(workspace)
        self.fields["objectives"].label = gettext_lazy("Objectives")
        self.fields["value_chain_levels"].label = gettext_lazy("Value-chain levels")
        self.fields["objectives"].help_text = gettext_lazy(
            "Why the partners cooperate: tick one or several."
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", gettext_lazy("The end date must not be before the start."))
        return data


def _actor_widget(workspace, list_id: str):
    return forms.TextInput(
        attrs={
            "list": list_id,
            "autocomplete": "off",
            "hx-get": reverse("ecosystem:actor_suggest", kwargs={"workspace_slug": workspace.slug}),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{list_id}",
        }
    )


class MemberForm(VersionedModelForm):
    """An organisation of the registry in the partnership; its side defaults from its profile."""

    actor = ActorField(label=gettext_lazy("Organisation"))
    side = forms.ChoiceField(
        label=gettext_lazy("Side"),
        choices=[("", gettext_lazy("From its profile")), *list(Side.choices)],
        required=False,
        help_text=gettext_lazy(
            "Which side it stands for in the evaluation; left empty, its profile decides "
            "(an association, a company, a public authority)."
        ),
    )

    class Meta:
        model = PartnershipMember
        fields = ["actor", "role", "side", "contribution", "joined_on"]
        widgets = {"contribution": forms.Textarea(attrs={"rows": 2}), "joined_on": date_input()}

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"] = ActorField(
            workspace=workspace,
            label=gettext_lazy("Organisation"),
            help_text=gettext_lazy("Type a few letters of the name and pick it in the registry."),
            widget=_actor_widget(workspace, "member-actor-suggestions"),
        )
        if self.instance.pk and not self.is_bound:
            self.initial["actor"] = self.instance.actor


class ShareForm(forms.Form):
    """Share the partnership with a guest of the workspace, speaking for one member."""

    membership = forms.ModelChoiceField(
        label=gettext_lazy("Guest"), queryset=Membership.objects.none()
    )
    member = forms.ModelChoiceField(
        label=gettext_lazy("Speaks for"),
        queryset=PartnershipMember.objects.none(),
        help_text=gettext_lazy(
            "The guest fills this member's side of the canvas and of the evaluations, and "
            "reads the rest."
        ),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            Membership.objects.filter(workspace=partnership.workspace, role=Role.GUEST)
            .exclude(partnership_shares__partnership=partnership)
            .select_related("user")
            .order_by("user__email")
        )
        self.fields["membership"].label_from_instance = lambda m: (
            (m.user.full_name or m.user.email) + (f" <{m.user.email}>" if m.user.full_name else "")
        )
        self.fields["member"].queryset = partnership.members.select_related("actor")
        self.fields["member"].label_from_instance = lambda m: (
            f"{m.actor.name} ({m.get_role_display()})"
        )


class KindForm(VersionedModelForm):
    class Meta:
        model = PartnershipKind
        fields = ["name", "description", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        self.fields["position"].help_text = gettext_lazy("Order in the list (smallest first).")
