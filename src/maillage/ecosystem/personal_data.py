"""Personal data held by the ecosystem registry, registered from `EcosystemConfig.ready()`.

Contacts are people at the actors: found by their e-mail address and deleted on erasure. The
registry also records who verified an actor and who assessed a network head: those links are
exported and cleared on erasure (the actors themselves are organisations, not people)."""

from django.utils.translation import gettext_lazy

from maillage.core.personal_data import DELETE, register

from .models import Actor, Contact, NetworkHeadQualification


def register_contacts() -> None:
    register(
        Contact,
        label=gettext_lazy("Contacts in an ecosystem registry"),
        email_field="email",
        fields=["full_name", "job_title", "email", "phone"],
        extra_fields=["actor", "created_at"],
        erase=DELETE,
        order=60,
    )
    register(
        Actor,
        label=gettext_lazy("Actors you verified"),
        person_field="verified_by",
        fields=["verified_by"],
        extra_fields=["name", "last_verified_on"],
        anonymise={"verified_by": None},
        order=61,
    )
    register(
        NetworkHeadQualification,
        label=gettext_lazy("Network heads you assessed"),
        person_field="assessed_by",
        fields=["assessed_by"],
        extra_fields=["actor", "assessed_on"],
        anonymise={"assessed_by": None},
        order=62,
    )
