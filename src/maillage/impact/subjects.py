"""What an indicator can be followed for: the registry of subject kinds.

The workspace itself and the registry's actors are built in. Each module that owns something
measurable registers its kind from its `AppConfig.ready()`::

    from maillage.impact.subjects import register_subject_kind
    register_subject_kind(
        "project", _("Project"), model="finance.Project", url_name="finance:project"
    )

A subject is then named `"project:12"` in imports, exports and the API, and its indicators
roll up into the workspace's figures. Roll-ups between subjects (a partnership's projects) are
not built yet: every selector takes the subjects to combine (`subject_keys`), so they will come
from the module that knows which subjects belong together.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WORKSPACE = "workspace"


@dataclass(frozen=True)
class SubjectKind:
    key: str
    label: object
    model: str | None = None  # "app_label.Model"; None for the workspace itself
    url_name: str | None = None  # takes workspace_slug and pk
    order_by: tuple[str, ...] = ("pk",)

    def model_class(self):
        return apps.get_model(self.model) if self.model else None

    def queryset(self, workspace):
        return self.model_class().objects.filter(workspace=workspace).order_by(*self.order_by)


@dataclass(frozen=True)
class Subject:
    kind: str
    id: int | None
    label: str
    url: str = ""
    kind_label: str = ""
    obj: object = field(default=None, compare=False, repr=False)

    @property
    def ref(self) -> str:
        return self.kind if self.id is None else f"{self.kind}:{self.id}"


_kinds: dict[str, SubjectKind] = {}


def register_subject_kind(key: str, label, **options) -> SubjectKind:
    kind = SubjectKind(key=key, label=label, **options)
    _kinds[key] = kind
    return kind


register_subject_kind(WORKSPACE, gettext_lazy("The workspace itself"))
register_subject_kind(
    "actor",
    gettext_lazy("Actor of the registry"),
    model="ecosystem.Actor",
    url_name="ecosystem:actor",
    order_by=("name", "pk"),
)


def kinds() -> list[SubjectKind]:
    return list(_kinds.values())


def get_kind(key: str) -> SubjectKind:
    try:
        return _kinds[key]
    except KeyError:
        raise ValidationError(
            _("“%(kind)s” is not a kind of subject (accepted: %(accepted)s).")
            % {"kind": key[:40], "accepted": ", ".join(_kinds)}
        ) from None


def parse_ref(ref: str) -> tuple[str, int | None]:
    """ "workspace" → ("workspace", None); "actor:12" → ("actor", 12). Raises ValidationError."""
    text = (ref or "").strip() or WORKSPACE
    key, _sep, pk = text.partition(":")
    kind = get_kind(key.strip())
    if kind.model is None:
        if pk.strip():
            raise ValidationError(_("The workspace itself takes no id: write “workspace”."))
        return kind.key, None
    if not pk.strip().isdigit():
        raise ValidationError(
            _("Name the subject with its kind and id, e.g. “%(example)s”.")
            % {"example": f"{kind.key}:12"}
        )
    return kind.key, int(pk)


def _url(kind: SubjectKind, workspace, pk) -> str:
    if not kind.url_name:
        return ""
    try:
        return reverse(kind.url_name, kwargs={"workspace_slug": workspace.slug, "pk": pk})
    except NoReverseMatch:
        return ""


def resolve(workspace, kind_key: str, pk: int | None) -> Subject:
    """The subject, checked to belong to the workspace; ValidationError otherwise."""
    kind = get_kind(kind_key)
    if kind.model is None:
        return Subject(WORKSPACE, None, workspace.name, kind_label=str(kind.label))
    obj = kind.queryset(workspace).filter(pk=pk).first() if pk is not None else None
    if obj is None:
        raise ValidationError(
            _("No %(kind)s with id %(id)s in this workspace.")
            % {"kind": str(kind.label).lower(), "id": pk}
        )
    return Subject(kind.key, obj.pk, str(obj), _url(kind, workspace, obj.pk), str(kind.label), obj)


def resolve_many(workspace, refs: Iterable[tuple[str, int | None]]) -> dict[tuple, Subject]:
    """Subjects by (kind, id), one query per kind; unknown ones are left out."""
    wanted: dict[str, set[int]] = defaultdict(set)
    found: dict[tuple, Subject] = {}
    for kind_key, pk in refs:
        kind = _kinds.get(kind_key)
        if kind is None:
            continue
        if kind.model is None:
            found[(kind_key, None)] = Subject(
                WORKSPACE, None, workspace.name, kind_label=str(kind.label)
            )
        elif pk is not None:
            wanted[kind_key].add(pk)
    for kind_key, pks in wanted.items():
        kind = _kinds[kind_key]
        for obj in kind.queryset(workspace).filter(pk__in=pks):
            found[(kind_key, obj.pk)] = Subject(
                kind_key, obj.pk, str(obj), _url(kind, workspace, obj.pk), str(kind.label), obj
            )
    return found
