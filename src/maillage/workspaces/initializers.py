"""What each module sets up in a new workspace (default taxonomies…).

A module registers a callable `(workspace) -> None` from its `AppConfig.ready()`;
`workspaces.services.workspace_create` runs them all, inside the workspace's scope and in the
creating transaction. Each must be idempotent: `seed_demo` and data migrations call them on
workspaces that may already have their defaults.
"""

from collections.abc import Callable

_initializers: list[Callable] = []


def register_initializer(func: Callable) -> Callable:
    if func not in _initializers:
        _initializers.append(func)
    return func


def initialize_workspace(workspace) -> None:
    from django_scopes import scope

    with scope(workspace=workspace):
        for func in _initializers:
            func(workspace)
