"""factory-boy factories shared by the whole suite.

Tenant-owned rows are created outside any django-scopes scope, so `TenantFactory` disables the
guard for the creation only; the code under test still runs with the guard on.
"""

import datetime

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


# --- ecosystem -----------------------------------------------------------------------------


class ThemeFactory(TenantFactory):
    class Meta:
        model = "ecosystem.Theme"

    name = factory.Sequence(lambda n: f"Thème {n}")


class AudienceFactory(TenantFactory):
    class Meta:
        model = "ecosystem.Audience"

    name = factory.Sequence(lambda n: f"Public {n}")


class RelationTypeFactory(TenantFactory):
    class Meta:
        model = "ecosystem.RelationType"

    code = factory.Sequence(lambda n: f"type_{n}")
    name = factory.Sequence(lambda n: f"relation {n}")
    inverse_name = factory.Sequence(lambda n: f"inverse relation {n}")


class ActorFactory(TenantFactory):
    """An actor with its derived fields (search text, name key) filled as the services do."""

    class Meta:
        model = "ecosystem.Actor"

    name = factory.Sequence(lambda n: f"Association Acteur {n}")
    profile = "association_employer"
    level = "local"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from maillage.ecosystem.services import name_key, search_text

        actor = model_class(*args, **kwargs)
        with scopes_disabled():
            actor.search_text = search_text(actor)
            actor.name_key = name_key(actor.name)
            actor.save()
        return actor


class ContactFactory(TenantFactory):
    class Meta:
        model = "ecosystem.Contact"

    actor = factory.SubFactory(ActorFactory, workspace=factory.SelfAttribute("..workspace"))
    full_name = factory.Faker("name", locale="fr_FR")
    job_title = "Directrice"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    phone = "01 23 45 67 89"


class RelationFactory(TenantFactory):
    class Meta:
        model = "ecosystem.Relation"

    source = factory.SubFactory(ActorFactory, workspace=factory.SelfAttribute("..workspace"))
    target = factory.SubFactory(ActorFactory, workspace=factory.SelfAttribute("..workspace"))
    relation_type = factory.SubFactory(
        RelationTypeFactory, workspace=factory.SelfAttribute("..workspace")
    )


# --- impact --------------------------------------------------------------------------------


class BreakdownDimensionFactory(TenantFactory):
    class Meta:
        model = "impact.BreakdownDimension"

    name = factory.Sequence(lambda n: f"Dimension {n}")


class BreakdownCategoryFactory(TenantFactory):
    class Meta:
        model = "impact.BreakdownCategory"

    dimension = factory.SubFactory(
        BreakdownDimensionFactory, workspace=factory.SelfAttribute("..workspace")
    )
    name = factory.Sequence(lambda n: f"Catégorie {n}")


class IndicatorFactory(TenantFactory):
    class Meta:
        model = "impact.Indicator"

    code = factory.Sequence(lambda n: f"IND-{n:03d}")
    name = factory.Sequence(lambda n: f"Personnes accompagnées {n}")
    unit = "personnes"
    kind = "quantitative"
    aggregation = "sum"
    frequency = "quarter"


class TrackedIndicatorFactory(TenantFactory):
    """The indicator followed for the workspace itself, unless a subject is given."""

    class Meta:
        model = "impact.TrackedIndicator"

    indicator = factory.SubFactory(IndicatorFactory, workspace=factory.SelfAttribute("..workspace"))
    subject_kind = "workspace"
    subject_id = None


class TargetFactory(TenantFactory):
    class Meta:
        model = "impact.Target"

    tracked = factory.SubFactory(
        TrackedIndicatorFactory, workspace=factory.SelfAttribute("..workspace")
    )
    indicator = factory.SelfAttribute("tracked.indicator")
    period_start = datetime.date(2025, 1, 1)
    period_end = datetime.date(2025, 3, 31)
    value = 100


class MeasurementFactory(TenantFactory):
    class Meta:
        model = "impact.Measurement"

    tracked = factory.SubFactory(
        TrackedIndicatorFactory, workspace=factory.SelfAttribute("..workspace")
    )
    indicator = factory.SelfAttribute("tracked.indicator")
    period_start = datetime.date(2025, 1, 1)
    period_end = datetime.date(2025, 3, 31)
    value = 80
    narrative = "Trimestre conforme au prévisionnel."


class ReportJobFactory(TenantFactory):
    class Meta:
        model = "impact.ReportJob"

    format = "pdf"
    subject_ref = "workspace"
    start = datetime.date(2025, 1, 1)
    end = datetime.date(2025, 12, 31)
    language = "fr"
    created_by = factory.SubFactory(UserFactory)
