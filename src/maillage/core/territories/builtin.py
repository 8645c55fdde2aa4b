"""Upsert the built-in regions and departments (`territories.data`) into the database.

Connected to `post_migrate` by `CoreConfig.ready`, so every database (including each fresh test
database) has the 18 regions and 101 departments after `migrate`. Idempotent: rows are upserted by
code, names and regions are brought back to the built-in values, nothing is deleted.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router

from .data import DEPARTMENTS, REGIONS


def load_builtin_territories(*, using: str = DEFAULT_DB_ALIAS, apps=global_apps) -> None:
    """Upsert the 18 regions and 101 departments. `apps` may be a migration state's registry."""
    region_model = apps.get_model("core", "Region")
    department_model = apps.get_model("core", "Department")
    region_model._base_manager.using(using).bulk_create(
        [region_model(code=code, name=name) for code, name in REGIONS],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name"],
    )
    department_model._base_manager.using(using).bulk_create(
        [
            department_model(code=code, name=name, region_id=region)
            for code, name, region in DEPARTMENTS
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "region"],
    )


def on_post_migrate(sender, *, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    """`post_migrate` receiver (sender: the core app config)."""
    try:
        region_model = apps.get_model("core", "Region")
        apps.get_model("core", "Department")
    except LookupError:  # core migrated backwards to before the territories tables
        return
    if not router.allow_migrate_model(using, region_model):
        return
    load_builtin_territories(using=using, apps=apps)
