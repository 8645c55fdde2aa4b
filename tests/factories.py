"""factory-boy factories shared by the whole suite.

Tenant-owned rows are created outside any django-scopes scope, so `TenantFactory` disables the
guard for the creation only; the code under test still runs with the guard on.
"""

import factory
from django.utils import timezone
from django_scopes import scopes_disabled

from maillage.accounts.models import User
from maillage.workspaces.models import Invitation, Membership, Role, Workspace

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Espace {n}")
    slug = factory.Sequence(lambda n: f"espace-{n}")


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    workspace = factory.SubFactory(WorkspaceFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class InvitationFactory(TenantFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.MEMBER
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


class ImportJobFactory(TenantFactory):
    class Meta:
        model = "core.ImportJob"

    kind = "members"
    original_filename = "people.csv"
    file = "imports/test/people.csv"
