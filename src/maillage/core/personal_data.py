"""Personal data: which records hold data about a person, and how to export or erase them.

Each app declares its models from its `AppConfig.ready()` with `register(...)`; this module
never imports an app. A person is identified by an e-mail address, and by the `User` with
that address when one exists, so records about people who never had an account (a contact, an
interviewee) are found too. Two operations use the registry:

- `export_person(email)`: everything held about the person, JSON-ready, grouped by model, with
  the workspace of each record (right of access, GDPR art. 15 and 20);
- `erase_person(email, by=...)`: erasure by anonymisation in one transaction (art. 17). Rows
  that other data depend on (figures, the audit trail) are kept with neutral values; a model
  registered with `never_delete=True` can never lose a row through an erasure, not even
  through a cascade, so every total stays identical.

See docs/personal-data.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import models, router, transaction
from django.db.models import F, Q
from django.db.models.deletion import Collector
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_scopes import scopes_disabled

ANONYMISE = "anonymise"
DELETE = "delete"
STRATEGIES = (ANONYMISE, DELETE)
EXPORT_FORMAT = "maillage-personal-data/1"

# --- Neutral values -----------------------------------------------------------------------


def erased_label(pk: Any = None) -> str:
    """The neutral name of an erased person, in the site's language (stored, not rendered)."""
    with translation.override(settings.LANGUAGE_CODE):
        if pk is None:
            return gettext("Erased person")
        return gettext("Erased person #%(id)s") % {"id": pk}


def erased_email(pk: Any = None, *, prefix: str = "") -> str:
    """An address that can never receive mail (`.invalid` is reserved by RFC 2606)."""
    if pk is None:
        return "erased@invalid"
    return f"erased-{prefix}{pk}@invalid"


def _neutral_kind(field: models.Field) -> str | None:
    """How ANONYMISE neutralises `field`, or None when it cannot do so on its own."""
    if isinstance(field, models.EmailField):
        return "email"
    if isinstance(field, models.URLField):
        return "none" if field.null else ("blank" if field.blank else None)
    if field.null:
        return "none"
    if isinstance(field, models.CharField | models.TextField):
        if field.choices:
            return "blank" if field.blank else None
        return "label"
    if isinstance(field, models.JSONField):
        return "json"
    return None


# --- The registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Whom an export or an erasure is about."""

    email: str
    user: Any = None

    @property
    def label(self) -> str:
        return erased_label(self.user.pk if self.user is not None else None)

    @property
    def erased_email(self) -> str:
        return erased_email(self.user.pk if self.user is not None else None)


@dataclass
class Context:
    """Passed to lookups, exporters and erasers: the person, and the records found so far."""

    person: Person
    registry: PersonalDataRegistry
    found: dict[str, list[models.Model]] = field(default_factory=dict)
    by: Any = None
    now: datetime = field(default_factory=timezone.now)
    _refs: dict[str, set[str]] | None = None

    def refs(self) -> dict[str, set[str]]:
        """`{model label: {pk as text}}` of every record found: what audit events point at.

        Frozen once the collection is complete (a deleted instance loses its pk)."""
        if self._refs is not None:
            return self._refs
        return {key: {str(obj.pk) for obj in objs} for key, objs in self.found.items() if objs}

    def actor(self):
        """The user doing the erasure, reloaded if it is the erased person (so never stale)."""
        if self.by is None:
            return None
        user = self.person.user
        if user is not None and self.by.pk == user.pk:
            return get_user_model()._base_manager.get(pk=user.pk)
        return self.by


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    label: Any
    fields: tuple[str, ...]
    extra_fields: tuple[str, ...] = ()
    person_field: str | None = None
    email_field: str | None = None
    lookup: Callable[[Context], Q | models.QuerySet] | None = None
    erase: str | Callable[[list[models.Model], Context], Any] = ANONYMISE
    anonymise: Mapping[str, Any] = field(default_factory=dict)
    never_delete: bool = False
    workspace_field: str | None = None
    exporter: Callable[[models.Model, Context], dict] | None = None
    order: int = 100

    @property
    def key(self) -> str:
        return self.model._meta.label

    def queryset(self, ctx: Context) -> models.QuerySet:
        manager = self.model._default_manager
        condition = Q(pk__in=[])
        if self.person_field and ctx.person.user is not None:
            condition |= Q(**{self.person_field: ctx.person.user})
        if self.email_field:
            condition |= Q(**{f"{self.email_field}__iexact": ctx.person.email})
        queryset = manager.filter(condition)
        if self.lookup is not None:
            extra = self.lookup(ctx)
            if isinstance(extra, Q):
                queryset = manager.filter(condition | extra)
            else:
                queryset = queryset | extra
        if self.workspace_field:
            queryset = queryset.select_related(self.workspace_field)
        return queryset.distinct().order_by("pk")

    def workspace_of(self, instance: models.Model):
        if not self.workspace_field:
            return None
        workspace = instance
        for part in self.workspace_field.split("__"):
            workspace = getattr(workspace, part, None)
            if workspace is None:
                return None
        return workspace


class PersonalDataError(Exception):
    """An erasure that would break the rules of the registry; nothing was changed."""


class ErasureRefused(PersonalDataError):
    """A guard refused the erasure (e.g. the person is the last owner of a workspace)."""

    def __init__(self, reasons: Sequence[str]):
        self.reasons = list(reasons)
        super().__init__(" ".join(str(r) for r in self.reasons))


@dataclass
class ErasureReport:
    email: str
    user_id: int | None
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return any(sum(c.values()) for c in self.counts.values())

    def as_dict(self) -> dict:
        return {"user_id": self.user_id, "counts": self.counts}


class PersonalDataRegistry:
    def __init__(self):
        self._registrations: dict[str, Registration] = {}
        self._guards: list[Callable[[Person], Iterable[str]]] = []

    # Declaring -------------------------------------------------------------------------

    def register(
        self,
        model: type[models.Model],
        *,
        label: Any,
        fields: Sequence[str],
        extra_fields: Sequence[str] = (),
        person_field: str | None = None,
        email_field: str | None = None,
        lookup: Callable[[Context], Q | models.QuerySet] | None = None,
        erase: str | Callable[[list[models.Model], Context], Any] = ANONYMISE,
        anonymise: Mapping[str, Any] | None = None,
        never_delete: bool = False,
        workspace_field: str | None = "",
        exporter: Callable[[models.Model, Context], dict] | None = None,
        order: int = 100,
    ) -> Registration:
        """Declare that `model` holds personal data. See docs/personal-data.md.

        The person's records are those whose `person_field` is their user, whose `email_field`
        is their address (case-insensitive), or that `lookup(ctx)` returns (a `Q` or a
        queryset). `fields` are the personal fields: exported, and neutralised by ANONYMISE;
        `extra_fields` are exported only (role, dates). `erase` is ANONYMISE, DELETE or a
        callable `(records, ctx)`. `never_delete=True` forbids any deletion of a row of this
        model during an erasure, direct or by cascade. `workspace_field` defaults to
        "workspace" when the model has one.
        """
        label_text = model._meta.label
        if not (person_field or email_field or lookup):
            raise ImproperlyConfigured(
                f"{label_text}: give person_field, email_field or lookup to find a person's rows."
            )
        if not callable(erase) and erase not in STRATEGIES:
            raise ImproperlyConfigured(f"{label_text}: unknown erase strategy {erase!r}.")
        if never_delete and erase == DELETE:
            raise ImproperlyConfigured(f"{label_text}: a never_delete model cannot use DELETE.")
        anonymise = dict(anonymise or {})
        for name in (*fields, *extra_fields, *anonymise):
            model._meta.get_field(name)  # raises FieldDoesNotExist on a typo
        if erase == ANONYMISE:
            for name in fields:
                if name not in anonymise and _neutral_kind(model._meta.get_field(name)) is None:
                    raise ImproperlyConfigured(
                        f"{label_text}.{name}: no neutral value for this field; give one in "
                        "anonymise={...} (figures are never changed by default)."
                    )
        if workspace_field == "":
            names = {f.name for f in model._meta.get_fields()}
            workspace_field = "workspace" if "workspace" in names else None
        registration = Registration(
            model=model,
            label=label,
            fields=tuple(fields),
            extra_fields=tuple(extra_fields),
            person_field=person_field,
            email_field=email_field,
            lookup=lookup,
            erase=erase,
            anonymise=anonymise,
            never_delete=never_delete,
            workspace_field=workspace_field,
            exporter=exporter,
            order=order,
        )
        self._registrations[label_text] = registration
        return registration

    def register_guard(self, guard: Callable[[Person], Iterable[str]]) -> None:
        """`guard(person)` returns the reasons to refuse an erasure (none: go ahead)."""
        if guard not in self._guards:
            self._guards.append(guard)

    def registrations(self) -> list[Registration]:
        return sorted(self._registrations.values(), key=lambda r: (r.order, r.key))

    def get(self, model: type[models.Model]) -> Registration:
        return self._registrations[model._meta.label]

    # Finding ---------------------------------------------------------------------------

    def person(self, email: str) -> Person:
        email = (email or "").strip().lower()
        if "@" not in email:
            raise ValueError("A person is identified by an e-mail address.")
        user = get_user_model()._default_manager.filter(email__iexact=email).first()
        return Person(email=email, user=user)

    def collect(self, email: str, *, by=None) -> Context:
        """Every registered record about the person behind `email`, model by model."""
        with scopes_disabled():
            ctx = Context(person=self.person(email), registry=self, by=by)
            for registration in self.registrations():
                ctx.found[registration.key] = list(registration.queryset(ctx))
            ctx._refs = ctx.refs()
        return ctx

    def refusals(self, email: str) -> list[str]:
        person = self.person(email)
        with scopes_disabled():
            return [str(reason) for guard in self._guards for reason in guard(person)]

    # Exporting ---------------------------------------------------------------------------

    def export_person(self, email: str) -> dict:
        ctx = self.collect(email)
        person = ctx.person
        records = {}
        with scopes_disabled():
            for registration in self.registrations():
                objects = ctx.found[registration.key]
                names = (*registration.fields, *registration.extra_fields)
                records[registration.key] = {
                    "label": str(registration.label),
                    "field_labels": {
                        name: str(registration.model._meta.get_field(name).verbose_name)
                        for name in names
                    },
                    "count": len(objects),
                    "items": [self._export_item(registration, obj, ctx) for obj in objects],
                }
        return {
            "format": EXPORT_FORMAT,
            "generated_at": timezone.now().astimezone(UTC).isoformat(),
            "person": {
                "email": person.email,
                "user_id": person.user.pk if person.user is not None else None,
            },
            "records": records,
        }

    def _export_item(self, registration: Registration, obj: models.Model, ctx: Context) -> dict:
        if registration.exporter is not None:
            values = registration.exporter(obj, ctx)
        else:
            values = {
                name: field_value(obj, name)
                for name in (*registration.fields, *registration.extra_fields)
            }
        workspace = registration.workspace_of(obj)
        return {
            "id": jsonable(obj.pk),
            "workspace": (
                {"id": workspace.pk, "slug": workspace.slug, "name": workspace.name}
                if workspace is not None
                else None
            ),
            "fields": values,
        }

    # Erasing -----------------------------------------------------------------------------

    def erase_person(
        self, email: str, *, by, by_label: str = "", force: bool = False
    ) -> ErasureReport:
        """Anonymise (or delete, where registered so) everything about the person, atomically.

        Refused with `ErasureRefused` when a guard objects, unless `force`. Raises
        `PersonalDataError` (and changes nothing) if a `never_delete` row would disappear.
        Recorded in the audit trail without any of the erased data. Running it again finds
        nothing and changes nothing.
        """
        from . import audit

        with transaction.atomic(), scopes_disabled():
            if not force:
                reasons = self.refusals(email)
                if reasons:
                    raise ErasureRefused(reasons)
            ctx = self.collect(email, by=by)
            report = ErasureReport(
                email=ctx.person.email,
                user_id=ctx.person.user.pk if ctx.person.user is not None else None,
            )
            registrations = self.registrations()
            self._check_deletions(registrations, ctx)
            workspaces: dict[int, Any] = {}
            per_workspace: dict[int, dict[str, int]] = {}
            for registration in registrations:
                objects = ctx.found[registration.key]
                verb = "deleted" if registration.erase == DELETE else "anonymised"
                report.counts[registration.key] = {verb: len(objects)}
                if not objects:
                    continue
                for obj in objects:
                    workspace = registration.workspace_of(obj)
                    if workspace is not None:
                        workspaces[workspace.pk] = workspace
                        counts = per_workspace.setdefault(workspace.pk, {})
                        counts[registration.key] = counts.get(registration.key, 0) + 1
                if registration.erase == DELETE:
                    for obj in objects:
                        obj.delete()
                elif registration.erase == ANONYMISE:
                    anonymise_records(registration, objects, ctx)
                else:
                    registration.erase(objects, ctx)
            self._check_kept(registrations, ctx)
            if report.found:
                actor = ctx.actor()
                is_self = actor is not None and ctx.person.user is not None
                is_self = is_self and actor.pk == ctx.person.user.pk
                label = ctx.person.label if is_self else by_label
                common = {
                    "user": actor,
                    "user_label": label,
                    "object_repr": ctx.person.label,
                }
                target = ctx.person.user
                totals = {k: sum(v.values()) for k, v in report.counts.items() if sum(v.values())}
                audit.record(
                    audit.Action.OTHER,
                    instance=target,
                    changes={"personal_data_erased": totals},
                    **common,
                )
                for pk, workspace in workspaces.items():
                    audit.record(
                        audit.Action.OTHER,
                        workspace=workspace,
                        instance=target,
                        changes={"personal_data_erased": per_workspace[pk]},
                        **common,
                    )
        return report

    def _never_delete_models(self) -> set[type[models.Model]]:
        return {r.model for r in self._registrations.values() if r.never_delete}

    def _check_deletions(self, registrations: list[Registration], ctx: Context) -> None:
        """Refuse before any change if a deletion would reach a never_delete model."""
        protected = self._never_delete_models()
        for registration in registrations:
            objects = ctx.found[registration.key]
            if registration.erase != DELETE or not objects:
                continue
            collector = Collector(using=router.db_for_write(registration.model))
            collector.collect(objects)
            hit = {m for m, instances in collector.data.items() if instances and m in protected}
            hit |= {
                qs.model for qs in collector.fast_deletes if qs.model in protected and qs.exists()
            }
            if hit:
                names = ", ".join(sorted(m._meta.label for m in hit))
                raise PersonalDataError(
                    f"Deleting {registration.key} rows would delete rows of {names}, which are "
                    "registered as never_delete: anonymise instead."
                )

    def _check_kept(self, registrations: list[Registration], ctx: Context) -> None:
        for registration in registrations:
            objects = ctx.found[registration.key]
            if not registration.never_delete or not objects:
                continue
            pks = [obj.pk for obj in objects]
            kept = registration.model._base_manager.filter(pk__in=pks).count()
            if kept != len(pks):
                raise PersonalDataError(
                    f"The erasure removed rows of {registration.key}, registered as never_delete."
                )


def anonymise_records(registration: Registration, objects: list[models.Model], ctx: Context):
    """Replace the registered fields with neutral values, bypassing the audit trail on purpose
    (an audited change would copy the old values into it). The version is bumped, so a form
    opened before the erasure cannot write the old values back."""
    model = registration.model
    concrete = {f.name for f in model._meta.concrete_fields}
    for obj in objects:
        values = {}
        for name in registration.fields:
            values[model._meta.get_field(name).attname] = neutral_value(registration, obj, name)
        for name, value in registration.anonymise.items():
            if name not in registration.fields:
                values[model._meta.get_field(name).attname] = (
                    value(obj) if callable(value) else value
                )
        if "version" in concrete:
            values["version"] = F("version") + 1
        if "updated_at" in concrete:
            values["updated_at"] = ctx.now
        model._base_manager.filter(pk=obj.pk).update(**values)


def neutral_value(registration: Registration, obj: models.Model, name: str) -> Any:
    if name in registration.anonymise:
        value = registration.anonymise[name]
        return value(obj) if callable(value) else value
    model_field = registration.model._meta.get_field(name)
    kind = _neutral_kind(model_field)
    if kind == "email":
        return erased_email(obj.pk, prefix=f"{registration.model._meta.model_name}-")
    if kind == "none":
        return None
    if kind == "blank":
        return ""
    if kind == "label":
        return erased_label(obj.pk)[: model_field.max_length or None]
    if kind == "json":
        return model_field.get_default()
    raise ImproperlyConfigured(f"{registration.key}.{name}: no neutral value.")


# --- JSON -----------------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def field_value(obj: models.Model, name: str) -> Any:
    return jsonable(getattr(obj, obj._meta.get_field(name).attname))


# --- The default registry -------------------------------------------------------------------

registry = PersonalDataRegistry()
register = registry.register
register_guard = registry.register_guard
collect = registry.collect
refusals = registry.refusals
export_person = registry.export_person
erase_person = registry.erase_person
