"""Personal data: the registry, export, erasure by anonymisation, commands and self-service."""

import json
import re
from io import StringIO

import pytest
from axes.models import AccessLog
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scope, scopes_disabled

from maillage.api.models import ApiToken
from maillage.api.services import api_token_create
from maillage.core import audit, personal_data
from maillage.core.models import AuditEvent
from maillage.core.personal_data import (
    DELETE,
    ErasureRefused,
    PersonalDataError,
    PersonalDataRegistry,
    erased_email,
    erased_label,
)
from maillage.workspaces.models import Invitation, Membership, Role
from tests.conftest import client_for
from tests.factories import (
    PASSWORD,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)

User = get_user_model()


@pytest.fixture
def world(db):
    """Camille belongs to two workspaces; Dominique, someone else, shares the first one."""
    WorkspaceFactory.create_batch(2)  # ids that are not 1
    first, second = WorkspaceFactory(name="Réseau Nord"), WorkspaceFactory(name="Alliance Sud")
    camille = UserFactory(email="camille.martin@example.org", full_name="Camille Martin")
    dominique = UserFactory(email="dominique@example.org", full_name="Dominique Petit")
    boss = MembershipFactory(workspace=second, role=Role.OWNER).user
    MembershipFactory(workspace=first, user=camille, role=Role.MEMBER)
    MembershipFactory(workspace=second, user=camille, role=Role.OWNER)
    MembershipFactory(workspace=first, user=dominique, role=Role.OWNER)
    accepted = InvitationFactory(
        workspace=first,
        email="Camille.Martin@example.org",
        accepted_by=camille,
        accepted_at=timezone.now(),
    )
    pending = InvitationFactory(workspace=second, email="camille.martin@example.org")
    InvitationFactory(workspace=first, email="dominique@example.org")
    # Camille signs in (session, IP), invites someone and is the subject of other people's acts.
    client = Client()
    client.post(reverse("accounts:login"), {"username": camille.email, "password": PASSWORD})
    audit.record(audit.Action.LOGIN_FAILED, user_label="CAMILLE.MARTIN@example.org")
    InvitationFactory(workspace=second, email="invitee@example.org")
    audit.record(
        audit.Action.CREATE,
        user=camille,
        workspace=second,
        object_repr="invitee@example.org",
        changes={"email": [None, "invitee@example.org"]},
    )
    with scopes_disabled():
        membership = Membership.objects.get(workspace=first, user=camille)
    audit.record(
        audit.Action.CREATE,
        user=dominique,
        instance=membership,
        changes={"user": [None, camille.email], "role": [None, "member"]},
    )
    audit.record(audit.Action.LOGIN, user=dominique, user_label=dominique.email)
    TOTPDevice.objects.create(user=camille, name="Camille's phone", confirmed=True)
    with scope(workspace=first):
        api_token_create(workspace=first, user=camille, name="Camille's export script")
    return {
        "first": first,
        "second": second,
        "camille": camille,
        "dominique": dominique,
        "boss": boss,
        "client": client,
        "accepted": accepted,
        "pending": pending,
    }


def _items(export, key):
    return export["records"][key]["items"]


# --- Export ---------------------------------------------------------------------------------


def test_export_holds_the_persons_records_across_workspaces_and_nothing_of_others(world):
    export = personal_data.export_person("CAMILLE.martin@example.org")
    camille = world["camille"]

    assert export["person"] == {"email": camille.email, "user_id": camille.pk}
    (account,) = _items(export, "accounts.User")
    assert account["fields"]["email"] == camille.email
    assert account["fields"]["full_name"] == "Camille Martin"
    assert account["fields"]["last_login"] is not None
    assert account["workspace"] is None

    memberships = _items(export, "workspaces.Membership")
    assert {(m["workspace"]["name"], m["fields"]["role"]) for m in memberships} == {
        ("Réseau Nord", "member"),
        ("Alliance Sud", "owner"),
    }
    invitations = _items(export, "workspaces.Invitation")
    assert {i["id"] for i in invitations} == {world["accepted"].pk, world["pending"].pk}
    assert {i["workspace"]["slug"] for i in invitations} == {
        world["first"].slug,
        world["second"].slug,
    }
    events = _items(export, "core.AuditEvent")
    assert {e["fields"]["action"] for e in events} >= {"login", "login_failed", "create"}
    assert any(e["fields"]["ip_address"] == "127.0.0.1" for e in events)
    assert [d["fields"]["name"] for d in _items(export, "otp_totp.TOTPDevice")] == [
        "Camille's phone"
    ]
    assert export["records"]["axes.AccessLog"]["count"] == 1
    (token,) = _items(export, "api.ApiToken")
    assert token["fields"]["name"] == "Camille's export script"
    assert token["workspace"]["slug"] == world["first"].slug

    text = json.dumps(export)  # JSON-ready as is
    for foreign in ("dominique", "Dominique", "Petit", "invitee@example.org"):
        assert foreign not in text
    assert world["boss"].email not in text
    # No secret either: the device key and the invitation hashes are not personal fields.
    assert "token_hash" not in text and '"key"' not in text


def test_export_of_an_unknown_address_is_empty(world):
    export = personal_data.export_person("nobody@example.org")
    assert export["person"] == {"email": "nobody@example.org", "user_id": None}
    assert all(group["count"] == 0 for group in export["records"].values())


def test_export_finds_a_person_without_an_account(world):
    InvitationFactory(workspace=world["first"], email="guest.only@example.org")
    export = personal_data.export_person("guest.only@example.org")
    assert export["person"]["user_id"] is None
    assert [i["fields"]["email"] for i in _items(export, "workspaces.Invitation")] == [
        "guest.only@example.org"
    ]


def test_a_person_is_identified_by_an_email_address():
    with pytest.raises(ValueError):
        personal_data.export_person("  ")


# --- Erasure --------------------------------------------------------------------------------


def _everything_mentioning(email, name):
    """Any row of the registered models, or any audit event, that still names the person."""
    hits = []
    with scopes_disabled():
        for registration in personal_data.registry.registrations():
            model = registration.model
            text_fields = [
                f.name
                for f in model._meta.concrete_fields
                if f.get_internal_type() in {"CharField", "TextField", "EmailField", "JSONField"}
            ]
            condition = Q(pk__in=[])
            for field_name in text_fields:
                condition |= Q(**{f"{field_name}__icontains": email})
                condition |= Q(**{f"{field_name}__icontains": name})
            hits += list(model._base_manager.filter(condition))
    return hits


def _erase_camille(world, **kwargs):
    # Camille is the only owner of nothing once the boss co-owns "Alliance Sud" (see fixture).
    return personal_data.erase_person(world["camille"].email, by=world["boss"], **kwargs)


def test_erasure_anonymises_every_registered_field(world):
    before = personal_data.collect(world["camille"].email)
    found = {key: objs for key, objs in before.found.items() if objs}
    assert set(found) >= {
        "accounts.User",
        "workspaces.Membership",
        "workspaces.Invitation",
        "core.AuditEvent",
        "otp_totp.TOTPDevice",
        "axes.AccessLog",
        "api.ApiToken",
    }

    report = _erase_camille(world)

    assert report.found
    for registration in personal_data.registry.registrations():
        objects = found.get(registration.key, [])
        stored = {
            o.pk: o for o in registration.model._base_manager.filter(pk__in=[o.pk for o in objects])
        }
        if registration.erase == DELETE:
            assert stored == {}, registration.key
            continue
        assert set(stored) == {o.pk for o in objects}, registration.key
        for old in objects:
            new = stored[old.pk]
            for name in registration.fields:
                old_value = getattr(old, name)
                if old_value not in (None, ""):
                    assert getattr(new, name) != old_value, (registration.key, name)


def test_erasure_closes_the_account_and_its_sessions(world):
    camille = world["camille"]
    assert world["client"].get(reverse("accounts:profile")).status_code == 200
    sessions_before = Session.objects.count()

    _erase_camille(world)

    camille.refresh_from_db()
    assert camille.email == erased_email(camille.pk) == f"erased-{camille.pk}@invalid"
    assert camille.full_name == erased_label(camille.pk)
    assert camille.last_login is None
    assert not camille.is_active
    assert not camille.has_usable_password()
    assert Session.objects.count() == sessions_before - 1
    response = world["client"].get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not TOTPDevice.objects.filter(user=camille).exists()
    with scopes_disabled():
        assert not ApiToken.objects.filter(user=camille).exists()
    with scopes_disabled():
        assert not Membership.objects.filter(user=camille).exists()
        # Dominique's membership and invitation are untouched.
        assert Membership.objects.filter(user=world["dominique"]).count() == 1
        assert Invitation.objects.filter(email="dominique@example.org").count() == 1


def test_erasure_keeps_the_rows_of_never_delete_models_and_revokes_invitations(world):
    with scopes_disabled():
        counts = {
            "users": User.objects.count(),
            "invitations": Invitation.objects.count(),
        }
    event_ids = set(AuditEvent.objects.values_list("pk", flat=True))

    _erase_camille(world)

    with scopes_disabled():
        assert User.objects.count() == counts["users"]
        assert Invitation.objects.count() == counts["invitations"]
        pending = Invitation.objects.get(pk=world["pending"].pk)
        accepted = Invitation.objects.get(pk=world["accepted"].pk)
    assert event_ids <= set(AuditEvent.objects.values_list("pk", flat=True))
    assert pending.email == f"erased-invitation-{pending.pk}@invalid"
    assert pending.revoked_at is not None and pending.version == 2
    assert accepted.accepted_at is not None and accepted.revoked_at is None


def test_after_erasure_nothing_names_the_person_and_a_search_finds_nothing(world):
    camille, dominique = world["camille"], world["dominique"]
    old_email = camille.email

    _erase_camille(world)

    assert _everything_mentioning(old_email, "Camille Martin") == []
    assert not AuditEvent.objects.filter(Q(user=camille) & Q(ip_address__isnull=False)).exists()
    export = personal_data.export_person(old_email)
    assert all(group["count"] == 0 for group in export["records"].values())
    assert not User.objects.filter(email__iexact=old_email).exists()
    # The event about Camille's membership stays, without her address.
    event = AuditEvent.objects.get(user=dominique, object_type="workspaces.Membership")
    assert event.object_repr == erased_label(camille.pk)
    assert event.changes == {"user": [None, erased_email(camille.pk)], "role": [None, "member"]}
    # Other people's events are untouched.
    assert AuditEvent.objects.get(user=dominique, action="login").user_label == dominique.email
    # The audit page's search no longer finds the old address.
    page = client_for(world["boss"]).get(
        reverse("workspaces:audit", args=[world["second"].slug]), {"q": "camille"}
    )
    assert list(page.context["page_obj"]) == []


def test_erasure_is_recorded_without_the_erased_data(world):
    camille, boss = world["camille"], world["boss"]
    old_email = camille.email

    _erase_camille(world)

    events = AuditEvent.objects.filter(changes__has_key="personal_data_erased")
    assert {e.workspace_id for e in events} == {
        None,
        world["first"].pk,
        world["second"].pk,
    }
    for event in events:
        assert (event.user, event.user_label, event.action) == (boss, boss.email, "other")
        assert (event.object_type, event.object_id) == ("accounts.User", str(camille.pk))
        assert old_email not in json.dumps(event.changes) + event.object_repr
        assert "Camille" not in json.dumps(event.changes) + event.object_repr
    overall = events.get(workspace=None).changes["personal_data_erased"]
    assert overall["accounts.User"] == 1
    assert overall["workspaces.Membership"] == 2
    assert events.get(workspace=world["first"]).changes["personal_data_erased"] == {
        "workspaces.Membership": 1,
        "workspaces.Invitation": 1,
        "api.ApiToken": 1,
        "core.AuditEvent": 1,  # Camille's creation of the token
    }


def test_erasure_is_idempotent(world):
    old_email = world["camille"].email
    _erase_camille(world)
    events = AuditEvent.objects.count()
    camille = User.objects.get(pk=world["camille"].pk)

    again = _erase_camille(world)

    assert not again.found
    assert AuditEvent.objects.count() == events
    assert User.objects.get(pk=camille.pk).email == camille.email
    assert personal_data.export_person(old_email)["person"]["user_id"] is None


def test_erasure_of_the_last_owner_is_refused_and_changes_nothing(world):
    camille = world["camille"]
    with scopes_disabled():
        Membership.objects.filter(user=world["boss"]).update(role=Role.MANAGER)

    with pytest.raises(ErasureRefused) as refused:
        _erase_camille(world)

    assert "Alliance Sud" in refused.value.reasons[0]
    camille.refresh_from_db()
    assert camille.is_active and camille.email == "camille.martin@example.org"
    # `force` is for an administrator who must erase anyway.
    personal_data.erase_person(camille.email, by=None, force=True)
    camille.refresh_from_db()
    assert not camille.is_active


def test_erasure_of_a_person_without_an_account(world):
    invitation = InvitationFactory(workspace=world["first"], email="guest.only@example.org")
    report = personal_data.erase_person("guest.only@example.org", by=world["dominique"])
    assert report.user_id is None
    assert report.counts["workspaces.Invitation"] == {"anonymised": 1}
    with scopes_disabled():
        invitation = Invitation.objects.get(pk=invitation.pk)
    assert invitation.email == f"erased-invitation-{invitation.pk}@invalid"
    assert (
        personal_data.export_person("guest.only@example.org")["records"]["workspaces.Invitation"][
            "count"
        ]
        == 0
    )


def test_self_erasure_leaves_neither_address_nor_ip_in_the_trail(world):
    camille = world["camille"]
    with scopes_disabled():
        Membership.objects.filter(user=camille, role=Role.OWNER).delete()
    old_email = camille.email

    personal_data.erase_person(old_email, by=camille)

    event = AuditEvent.objects.get(workspace=None, changes__has_key="personal_data_erased")
    assert (event.user_id, event.user_label, event.ip_address) == (
        camille.pk,
        erased_label(camille.pk),
        None,
    )
    assert _everything_mentioning(old_email, "Camille Martin") == []


# --- The registry's rules -------------------------------------------------------------------


def test_a_never_delete_model_cannot_be_registered_for_deletion():
    registry = PersonalDataRegistry()
    with pytest.raises(ImproperlyConfigured):
        registry.register(
            Membership, label="x", person_field="user", fields=[], erase=DELETE, never_delete=True
        )


def test_figures_are_never_anonymised_by_default():
    registry = PersonalDataRegistry()
    with pytest.raises(ImproperlyConfigured, match="figures"):
        registry.register(Membership, label="x", person_field="user", fields=["version"])
    # With an explicit neutral value, it is the registering app's decision.
    registry.register(
        Membership, label="x", person_field="user", fields=["version"], anonymise={"version": 1}
    )


def test_registration_needs_a_way_to_find_the_person_and_real_fields():
    registry = PersonalDataRegistry()
    with pytest.raises(ImproperlyConfigured):
        registry.register(Invitation, label="x", fields=["email"])
    with pytest.raises(FieldDoesNotExist, match="no_such_field"):
        registry.register(Invitation, label="x", email_field="email", fields=["no_such_field"])


def test_a_deletion_that_would_cascade_into_a_never_delete_model_is_refused(world):
    """Deleting the user would cascade to memberships, registered here as never_delete:
    the erasure stops before changing anything, so figures held there would stay whole."""
    registry = PersonalDataRegistry()
    registry.register(User, label="Account", email_field="email", fields=[], erase=DELETE)
    registry.register(
        Membership, label="Memberships", person_field="user", fields=[], never_delete=True
    )
    camille = world["camille"]

    with pytest.raises(PersonalDataError, match=r"workspaces\.Membership"):
        registry.erase_person(camille.email, by=None)

    assert User.objects.filter(pk=camille.pk).exists()
    with scopes_disabled():
        assert Membership.objects.filter(user=camille).count() == 2


def test_a_custom_eraser_that_deletes_a_never_delete_row_is_rolled_back(world):
    registry = PersonalDataRegistry()
    registry.register(
        Invitation,
        label="Invitations",
        email_field="email",
        fields=["email"],
        never_delete=True,
        erase=lambda objects, ctx: [o.delete() for o in objects],
    )
    with pytest.raises(PersonalDataError):
        registry.erase_person(world["camille"].email, by=None)
    with scopes_disabled():
        assert Invitation.objects.filter(pk=world["pending"].pk).exists()


# --- Commands -------------------------------------------------------------------------------


def test_export_command_writes_json_to_a_file(world, tmp_path):
    target = tmp_path / "camille.json"
    out = StringIO()
    call_command(
        "export_personal_data", "camille.martin@example.org", output=str(target), stdout=out
    )
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["person"]["user_id"] == world["camille"].pk
    assert data["records"]["workspaces.Membership"]["count"] == 2
    assert str(target) in out.getvalue()
    assert AuditEvent.objects.filter(changes__has_key="personal_data_exported").exists()


def test_export_command_writes_to_the_output_and_warns_when_nothing_is_found(world):
    out, err = StringIO(), StringIO()
    call_command("export_personal_data", "nobody@example.org", stdout=out, stderr=err)
    assert json.loads(out.getvalue())["person"]["email"] == "nobody@example.org"
    assert "No personal data found" in err.getvalue()


def test_erase_command_requires_yes_and_erases(world):
    camille = world["camille"]
    with pytest.raises(CommandError, match="--yes"):
        call_command("erase_personal_data", camille.email)
    camille.refresh_from_db()
    assert camille.is_active

    out = StringIO()
    call_command("erase_personal_data", camille.email, yes=True, stdout=out)
    camille.refresh_from_db()
    assert not camille.is_active and camille.email.endswith("@invalid")
    assert "accounts.User: 1 anonymised" in out.getvalue()
    assert "workspaces.Membership: 2 deleted" in out.getvalue()
    event = AuditEvent.objects.get(workspace=None, changes__has_key="personal_data_erased")
    assert (event.user, event.user_label) == (None, "manage.py erase_personal_data")

    out = StringIO()
    call_command("erase_personal_data", "camille.martin@example.org", yes=True, stdout=out)
    assert "Nothing found" in out.getvalue()


def test_erase_command_refuses_the_last_owner(world):
    with scopes_disabled():
        Membership.objects.filter(user=world["boss"]).update(role=Role.MEMBER)
    with pytest.raises(CommandError, match="Alliance Sud"):
        call_command("erase_personal_data", world["camille"].email, yes=True)
    assert User.objects.get(pk=world["camille"].pk).is_active


# --- Self-service ---------------------------------------------------------------------------


def test_my_data_page_lists_what_is_held(world):
    response = world["client"].get(reverse("privacy:my_data"))
    assert response.status_code == 200
    labels = {c["label"]: c["count"] for c in response.context["categories"]}
    assert labels[str(personal_data.registry.get(Membership).label)] == 2
    assert response.context["refusals"] == []


def test_my_data_needs_a_signed_in_user(client):
    for name in ("my_data", "download"):
        response = client.get(reverse(f"privacy:{name}"))
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_download_is_json_about_the_signed_in_user_only(world):
    response = world["client"].get(reverse("privacy:download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="maillage-my-data-')
    data = json.loads(response.content.decode("utf-8"))
    assert data["person"]["user_id"] == world["camille"].pk
    assert "Réseau Nord" in response.content.decode("utf-8")  # not escaped: readable as is
    assert "dominique" not in response.content.decode("utf-8").lower()
    event = AuditEvent.objects.get(changes__has_key="personal_data_exported")
    assert event.user == world["camille"]


def _erase_post(client, **data):
    return client.post(reverse("privacy:erase"), {"password": PASSWORD, "confirm": "on", **data})


def test_self_erasure_is_refused_to_the_last_owner_with_a_clear_message(world):
    with scopes_disabled():
        Membership.objects.filter(user=world["boss"]).delete()
    reasons = personal_data.refusals(world["camille"].email)
    assert len(reasons) == 1 and "Alliance Sud" in reasons[0]
    page = world["client"].get(reverse("privacy:my_data"))
    assert page.context["refusals"] == reasons
    assert "Alliance Sud" in page.content.decode()
    assert reverse("privacy:erase") not in page.content.decode()  # no form to submit

    response = _erase_post(world["client"])

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == reasons
    assert "Alliance Sud" in response.content.decode()
    camille = User.objects.get(pk=world["camille"].pk)
    assert camille.is_active and camille.email == "camille.martin@example.org"


@pytest.mark.parametrize(
    "data", [{"password": "not my password"}, {"confirm": ""}], ids=["password", "confirmation"]
)
def test_self_erasure_needs_the_password_and_the_confirmation(world, data):
    response = _erase_post(world["client"], **data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert User.objects.get(pk=world["camille"].pk).is_active


def test_self_erasure_needs_a_post(world):
    assert world["client"].get(reverse("privacy:erase")).status_code == 405


def test_self_erasure_erases_and_signs_out(world):
    client, camille = world["client"], world["camille"]

    response = _erase_post(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    camille.refresh_from_db()
    assert not camille.is_active and camille.email == erased_email(camille.pk)
    assert client.get(reverse("privacy:my_data")).status_code == 302
    assert _everything_mentioning("camille.martin@example.org", "Camille Martin") == []
    # No sign-out event carrying the old address or the IP address.
    assert not AuditEvent.objects.filter(action="logout").exists()
    assert AccessLog.objects.filter(username__iexact="camille.martin@example.org").count() == 0
    assert re.fullmatch(r"erased-\d+@invalid", camille.email)
