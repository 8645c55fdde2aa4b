"""Writes of people (employees and volunteers), their contracts and the finance settings:
validated, atomic, audited and, for edits, optimistically locked (`core.services`).

Salaries are sensitive: the views give a member without `Membership.can_view_sensitive` a form
without the salary fields, and the services refuse salary values from such a member too
(`SALARY_FIELDS`), so a crafted request cannot change them. The audit trail masks them
(`core.audit.SENSITIVE_FIELDS`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maillage.core.exceptions import StaleObjectError
from maillage.core.services import tenant_create, tenant_delete, tenant_update

from ..models import Contract, FinanceSettings, Person, TimeEntry

#: The contract fields only a member allowed to see sensitive data reads or writes.
SALARY_FIELDS = ("gross_annual_salary", "annual_employer_charges", "productive_hours")


def sees_salaries(membership) -> bool:
    """Whether `membership` may read and write salaries (and amounts derived from one rate)."""
    return bool(membership is not None and membership.can_view_sensitive)


# --- people ------------------------------------------------------------------------------------


def _normalise_person(fields: dict) -> None:
    for name in ("first_name", "last_name", "job_title"):
        if isinstance(fields.get(name), str):
            fields[name] = " ".join(fields[name].split())
    if isinstance(fields.get("email"), str):
        fields["email"] = fields["email"].strip().lower()


def _check_person(workspace, fields: dict, person: Person | None = None) -> None:
    email = fields.get("email", person.email if person else "")
    if email:
        taken = Person.objects.filter(workspace=workspace, email__iexact=email)
        if person is not None:
            taken = taken.exclude(pk=person.pk)
        if taken.exists():
            raise ValidationError({"email": _("Another person already has this e-mail address.")})
    kind = fields.get("kind", person.kind if person else Person.Kind.EMPLOYEE)
    if kind == Person.Kind.EMPLOYEE:
        # A rate only values a volunteer's time: an employee's comes from their contract.
        fields["valuation_rate"] = None
    if person is not None and kind != person.kind:
        if person.contracts.exists():
            raise ValidationError(
                {
                    "kind": _(
                        "This person has contracts: delete them before making them a volunteer."
                    )
                }
            )
        if TimeEntry.objects.filter(person=person).exists():
            raise ValidationError(
                {
                    "kind": _(
                        "This person has recorded hours, valued as they are now: their kind "
                        "cannot change. Deactivate them and add the new role as another person."
                    )
                }
            )


def person_create(*, workspace, user, request=None, **fields) -> Person:
    _normalise_person(fields)
    _check_person(workspace, fields)
    return tenant_create(Person, workspace=workspace, user=user, request=request, **fields)


def person_update(
    person: Person, *, user, expected_version: int | None, request=None, **changes
) -> Person:
    _normalise_person(changes)
    _check_person(person.workspace, changes, person)
    return tenant_update(
        person, user=user, expected_version=expected_version, request=request, **changes
    )


def person_set_active(
    person: Person, *, user, active: bool, expected_version: int | None = None, request=None
) -> Person:
    """Deactivate (or reactivate) a person: they leave the lists and the time grid's choices;
    their hours and contracts stay."""
    return tenant_update(
        person, user=user, expected_version=expected_version, request=request, active=active
    )


# --- contracts ---------------------------------------------------------------------------------


def _check_salary_access(fields: dict, membership) -> None:
    if membership is not None and not sees_salaries(membership):
        given = sorted(name for name in SALARY_FIELDS if name in fields)
        if given:
            raise PermissionDenied(_("Only members allowed to see salaries may change them."))


def contract_create(
    *, workspace, user, person: Person, membership=None, request=None, **fields
) -> Contract:
    """Create a contract of `person`. Salaries are required, so only a member allowed to see
    them (`membership`, when given) may create one."""
    if membership is not None and not sees_salaries(membership):
        raise PermissionDenied(_("Only members allowed to see salaries may add a contract."))
    return tenant_create(
        Contract, workspace=workspace, user=user, request=request, person=person, **fields
    )


def contract_update(
    contract: Contract,
    *,
    user,
    expected_version: int | None,
    membership=None,
    request=None,
    **changes,
) -> Contract:
    """Change a contract; `membership` (when given) without the salary permission may change its
    kind, dates and weekly hours only."""
    changes.pop("person", None)  # a contract never moves to someone else
    _check_salary_access(changes, membership)
    return tenant_update(
        contract, user=user, expected_version=expected_version, request=request, **changes
    )


def contract_delete(
    contract: Contract,
    *,
    user,
    expected_version: int | None = None,
    membership=None,
    request=None,
) -> None:
    """Delete a contract (its salaries with it): members allowed to see salaries only."""
    if membership is not None and not sees_salaries(membership):
        raise PermissionDenied(_("Only members allowed to see salaries may delete a contract."))
    tenant_delete(contract, user=user, expected_version=expected_version, request=request)


# --- settings ----------------------------------------------------------------------------------


def finance_settings_save(
    *, workspace, user, expected_version: int | None = None, request=None, **values
) -> FinanceSettings:
    """Record the workspace's finance settings: the row is created on the first save."""
    found = FinanceSettings.objects.filter(workspace=workspace).first()
    if found is not None:
        return tenant_update(
            found, user=user, expected_version=expected_version, request=request, **values
        )
    try:
        with transaction.atomic():
            return tenant_create(
                FinanceSettings, workspace=workspace, user=user, request=request, **values
            )
    except IntegrityError:  # someone saved the first row meanwhile
        raise StaleObjectError() from None
