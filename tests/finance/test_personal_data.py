"""Personal data of the finance module beyond people and time: project managers."""

import pytest
from django_scopes import scopes_disabled

from maillage.core import personal_data
from maillage.finance.models import Project
from maillage.workspaces.models import Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_project_manager_is_exported_then_cleared_and_the_project_kept(workspace):
    manager = UserFactory(email="lea.manager@example.org")
    MembershipFactory(workspace=workspace, user=manager)
    project = ProjectFactory(workspace=workspace, code="JARDINS", manager=manager)
    other = ProjectFactory(workspace=workspace, code="AUTRE", manager=UserFactory())

    export = personal_data.export_person("lea.manager@example.org")
    (item,) = export["records"]["finance.Project"]["items"]
    assert item["fields"]["code"] == "JARDINS"

    admin = MembershipFactory(workspace=workspace, role=Role.OWNER).user
    personal_data.erase_person("lea.manager@example.org", by=admin)
    with scopes_disabled():
        assert Project.objects.get(pk=project.pk).manager_id is None
        assert Project.objects.get(pk=other.pk).manager_id is not None
