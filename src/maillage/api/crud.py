"""Shared bodies of an API resource's item operations: read, replace, update and delete by id.

A resource's `GET`/`PUT`/`PATCH`/`DELETE …/{thing_id}` differ only in what they read, which
service they call and what their documentation says; `item_operations` registers them from
those parts, with the names, paths and answers a hand-written operation would have:

    item_operations(
        router, "/w/{slug}/things/{thing_id}", "thing", url_prefix="app_", out=ThingOut,
        read=reader(_things),
        write=updater(Thing, _thing_fields, services.thing_update, reader(_things)),
        remove=deleter(Thing, services.thing_delete),
        replace=(ThingReplace, "Replace the thing. 409 if `version` is not the stored one."),
        patch=(ThingPatch, "Change the fields sent. 409 if `version` is not the stored one."),
        delete="Delete the thing. With `?version=`, 409 if it changed since.",
    )

gives `get_thing`, `replace_thing`, `update_thing` and `delete_thing` (operation ids and
summaries), url names `app_thing`, `app_thing_replace`, `app_thing_update`,
`app_thing_delete`, reads for guests and writes for members. A stale `version` is the
service's `StaleObjectError` (409), a refused change its `ValidationError` (422).
"""

import inspect
import re
from collections.abc import Callable

from django.db import models
from ninja import Router, Status

from maillage.workspaces.access import get_in_workspace
from maillage.workspaces.models import Role

from .auth import WorkspaceSlug, require_api_role

_PARAMETER = inspect.Parameter.POSITIONAL_OR_KEYWORD


def _queryset(source, workspace=None):
    """`source` as something `get_in_workspace` takes: a model, or a queryset built now by
    `source()` (or `source(workspace)` when a workspace is given)."""
    if isinstance(source, type) and issubclass(source, models.Model):
        return source
    return source() if workspace is None else source(workspace)


def reader(source) -> Callable:
    """`read(request, pk)`: the object of `source` (a model, or a function of the workspace
    returning a queryset) with this id in the request's workspace, or 404."""

    def read(request, pk: int):
        return get_in_workspace(_queryset(source, request.workspace), request, pk=pk)

    return read


def updater(
    target, fields: Callable, update: Callable, read: Callable, *, membership: bool = False
) -> Callable:
    """`write(request, pk, data)`: find the object in `target` (a model, or a function returning
    a queryset) or 404, take `version` out of `data`, turn the rest into the service's arguments
    with `fields(request, data)`, call `update` expecting that version (409 if it is stale), and
    answer the object as `read(request, pk)` reads it. `membership` passes the caller's
    membership to the service too."""

    def write(request, pk: int, data: dict):
        instance = get_in_workspace(_queryset(target), request, pk=pk)
        version = data.pop("version")
        changes = fields(request, data)
        if membership:
            changes = {"membership": request.membership, **changes}
        update(instance, user=request.user, expected_version=version, request=request, **changes)
        return read(request, instance.pk)

    return write


def deleter(target, delete: Callable, *, membership: bool = False) -> Callable:
    """`remove(request, pk, version)`: find the object in `target` or 404, delete it with
    `delete` (409 if `version` is given and stale), answer 204."""

    def remove(request, pk: int, version: int | None):
        instance = get_in_workspace(_queryset(target), request, pk=pk)
        extra = {"membership": request.membership} if membership else {}
        delete(instance, user=request.user, expected_version=version, request=request, **extra)
        return Status(204, None)

    return remove


def _register(route, path: str, run: Callable, parameters: list, *, name: str, role, doc, **kw):
    """Register `run(request, **arguments)` as the operation `name`, whose signature (what
    ninja reads for the OpenAPI document and the validation) is `request, slug, *parameters`."""

    def view(request, slug, **arguments):
        return run(request, **arguments)

    view.__name__ = view.__qualname__ = name
    view.__doc__ = doc
    view.__signature__ = inspect.Signature(
        [
            inspect.Parameter("request", _PARAMETER),
            inspect.Parameter("slug", _PARAMETER, annotation=WorkspaceSlug),
            *parameters,
        ]
    )
    route(path, operation_id=name, **kw)(require_api_role(role)(view))


def item_operations(
    router: Router,
    path: str,
    name: str,
    *,
    url_prefix: str,
    out,
    read: Callable,
    write: Callable | None = None,
    remove: Callable | None = None,
    replace: tuple | None = None,
    patch: tuple | None = None,
    delete: str | None = None,
    get_doc: str | None = None,
    write_role: str = Role.MEMBER,
) -> None:
    """Register `GET` (guests), and with `write` `PUT` and `PATCH`, with `remove` `DELETE`
    (members) on `path`, whose last segment is the id: see the module's docstring. `replace`
    and `patch` are `(payload schema, documentation)`; `delete` is the documentation.
    `write_role` lowers the writes' minimum role (`Role.GUEST` for a guest's own side: the
    operation must then check what the guest may write)."""
    id_name = re.search(r"\{(\w+)\}$", path).group(1)
    pk = inspect.Parameter(id_name, _PARAMETER, annotation=int)
    url = f"{url_prefix}{name}"

    _register(
        router.get,
        path,
        lambda request, **a: read(request, a[id_name]),
        [pk],
        name=f"get_{name}",
        role=Role.GUEST,
        doc=get_doc,
        response=out,
        url_name=url,
    )
    for verb, suffix, spec, unset in (
        ("put", "replace", replace, False),
        ("patch", "update", patch, True),
    ):
        if spec is None:
            continue
        schema, doc = spec

        def run(request, *, _unset=unset, **a):
            return write(request, a[id_name], a["payload"].model_dump(exclude_unset=_unset))

        _register(
            getattr(router, verb),
            path,
            run,
            [pk, inspect.Parameter("payload", _PARAMETER, annotation=schema)],
            name=f"{suffix}_{name}",
            role=write_role,
            doc=doc,
            response=out,
            url_name=f"{url}_{suffix}",
        )
    if remove is not None:
        version = inspect.Parameter("version", _PARAMETER, annotation=int | None, default=None)
        _register(
            router.delete,
            path,
            lambda request, **a: remove(request, a[id_name], a["version"]),
            [pk, version],
            name=f"delete_{name}",
            role=write_role,
            doc=delete,
            response={204: None},
            url_name=f"{url}_delete",
        )
