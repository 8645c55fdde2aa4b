"""The `Resource` registry the module APIs share (api/partnerships.py, api/diagnostics.py): each
resource gets `list_<plural>` and `create_<name>` on its parent's path, and
`get/replace/update/delete_<name>` on its item's path (`crud.item_operations`). Each API says
how it finds a parent, which rows the caller sees, how ids in a payload are resolved and, for
a guest's own side, what it checks."""

import inspect
from collections.abc import Callable

from django.http import Http404
from ninja import Router, Status
from ninja.pagination import paginate

from maillage.workspaces.models import Role

from .auth import WorkspaceSlug, require_api_role
from .crud import _PARAMETER, _register, item_operations
from .pagination import LimitOffset

REPLACE_DOC = "Replace every field. 409 if `version` is not the stored one."
PATCH_DOC = "Change the fields sent. 409 if `version` is not the stored one."
DELETE_DOC = "Delete. With `?version=`, 409 if it changed since."


def one(rows, pk: int):
    """The row of id `pk` among `rows`, or 404."""
    found = rows.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def with_related(rows, resource):
    """`rows` with the resource's `select` and `prefetch`."""
    if resource.select:
        rows = rows.select_related(*resource.select)
    if resource.prefetch:
        rows = rows.prefetch_related(*resource.prefetch)
    return rows


def resolve_refs(resource, data: dict, ref: Callable) -> dict:
    """The payload with the ids of `resource.refs` replaced by their rows: `ref(model, name, pk,
    scoped)` for each one present (each id of a list), which raises the 422 naming the field."""
    fields = dict(data)
    for name, (model, scoped) in resource.refs.items():
        if name in fields:
            pk = fields[name]
            if isinstance(pk, list):
                fields[name] = [ref(model, name, item, scoped) for item in pk]
            else:
                fields[name] = ref(model, name, pk, scoped)
    return fields


def service_user(request) -> dict:
    """The arguments every service takes about the caller."""
    return {"user": request.user, "request": request}


def without_none(fields: dict, *names: str) -> dict:
    """`position` and the like: None means "let the service choose" (or "keep it")."""
    for name in names:
        if fields.get(name) is None:
            fields.pop(name, None)
    return fields


def service_delete(function):
    """(request, obj, version) → function(obj, expected_version=version, user=…, request=…)."""
    return lambda request, obj, version: function(
        obj, expected_version=version, **service_user(request)
    )


def register_resource(
    router: Router,
    resource,
    *,
    name: str,
    schemas: tuple,
    list_path: str,
    item_path: str,
    parent_arg: str,
    url_prefix: str,
    get_parent: Callable,
    rows: Callable,
    owner_of: Callable,
    resolve: Callable,
    check_side: Callable | None = None,
    write_role=Role.MEMBER,
    get_doc: str | None = None,
) -> None:
    """Register `resource`'s operations, `name` being its operations' suffix.

    `schemas` is `(out, create_in, replace_in, patch_in)`; `get_parent(request, pk)` the parent
    (404 when hidden); `rows(request)` the resource's rows the caller sees; `owner_of(record)`
    the partnership or engagement a parent or item belongs to, which `resolve(request,
    resource, owner, data)` resolves the payload's ids in (422 naming the field). With
    `check_side(request, owner, member)`, the writes check the member sides (a guest writes
    only its own)."""
    out, create_in, replace_in, patch_in = schemas
    parent_param = inspect.Parameter(parent_arg, _PARAMETER, annotation=int)

    def list_run(request, slug, **arguments):
        parent = get_parent(request, arguments[parent_arg])
        return rows(request).filter(**{resource.parent: parent}).order_by(*resource.order)

    list_name = f"list_{resource.plural}"
    list_run.__name__ = list_run.__qualname__ = list_name
    list_run.__doc__ = f"{resource.doc} Paginated with `limit` and `offset`."
    list_run.__signature__ = inspect.Signature(
        [
            inspect.Parameter("request", _PARAMETER),
            inspect.Parameter("slug", _PARAMETER, annotation=WorkspaceSlug),
            parent_param,
        ]
    )
    router.get(
        list_path,
        response=list[out],
        operation_id=list_name,
        url_name=f"{url_prefix}{resource.plural}",
    )(require_api_role(Role.GUEST)(paginate(LimitOffset)(list_run)))

    def read(request, pk):
        return one(rows(request), pk)

    def create(request, **arguments):
        parent = get_parent(request, arguments[parent_arg])
        owner = owner_of(parent)
        fields = resolve(request, resource, owner, arguments["payload"].model_dump())
        if check_side is not None:
            check_side(request, owner, fields.get("member"))
        obj = resource.create(request, parent, fields)
        return Status(201, read(request, obj.pk))

    if resource.create is not None:
        _register(
            router.post,
            list_path,
            create,
            [parent_param, inspect.Parameter("payload", _PARAMETER, annotation=create_in)],
            name=f"create_{name}",
            role=write_role,
            doc=f"Create. 422 naming the field when refused. {resource.doc}",
            response={201: out},
            url_name=f"{url_prefix}{name}_create",
        )

    def write(request, pk, data):
        obj = read(request, pk)
        owner = owner_of(obj)
        version = data.pop("version")
        fields = resolve(request, resource, owner, data)
        if check_side is not None:
            check_side(request, owner, obj.member)
            check_side(request, owner, fields.get("member"))
        resource.update(request, obj, version, fields)
        return read(request, pk)

    def remove(request, pk, version):
        obj = read(request, pk)
        if check_side is not None:
            check_side(request, owner_of(obj), obj.member)
        resource.delete(request, obj, version)
        return Status(204, None)

    item_operations(
        router,
        item_path,
        name,
        url_prefix=url_prefix,
        out=out,
        read=read,
        get_doc=get_doc,
        write=write if resource.update else None,
        remove=remove if resource.delete else None,
        replace=(replace_in, REPLACE_DOC) if resource.update else None,
        patch=(patch_in, PATCH_DOC) if resource.update else None,
        delete=DELETE_DOC,
        write_role=write_role,
    )
