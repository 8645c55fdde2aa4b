import pytest
from django.test import Client

from maillage.workspaces.models import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory


@pytest.fixture(autouse=True)
def english_by_default(settings):
    """Tests read English messages; the French default is tested where it matters.

    The product is French by default (LANGUAGE_CODE = "fr"); tests that check that, or the
    French texts, set `settings.LANGUAGE_CODE = "fr"` themselves (tests/core/test_i18n.py).
    """
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def workspace(db):
    # Burn a few ids so that workspace ids are not 1 and interleave with other workspaces.
    WorkspaceFactory.create_batch(2)
    return WorkspaceFactory()


@pytest.fixture
def other_workspace(db, workspace):
    return WorkspaceFactory()


def _member(workspace, role):
    return MembershipFactory(workspace=workspace, role=role)


@pytest.fixture
def owner(workspace):
    return _member(workspace, Role.OWNER)


@pytest.fixture
def manager(workspace):
    return _member(workspace, Role.MANAGER)


@pytest.fixture
def member(workspace):
    return _member(workspace, Role.MEMBER)


@pytest.fixture
def guest(workspace):
    return _member(workspace, Role.GUEST)


def client_for(membership_or_user) -> Client:
    user = getattr(membership_or_user, "user", membership_or_user)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner):
    return client_for(owner)


@pytest.fixture
def manager_client(manager):
    return client_for(manager)


@pytest.fixture
def member_client(member):
    return client_for(member)


@pytest.fixture
def guest_client(guest):
    return client_for(guest)


@pytest.fixture
def user(db):
    return UserFactory()
