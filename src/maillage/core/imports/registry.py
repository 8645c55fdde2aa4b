"""The importers of every app, by key.

An app declares its importers in `<app>/importers.py` and decorates each with `@register`;
those modules are imported on first use of the registry (like `admin.py` for the admin).
"""

from django.utils.module_loading import autodiscover_modules

from .base import Importer

_importers: dict[str, type[Importer]] = {}
_discovered = False


class UnknownImporter(LookupError):
    pass


def register(importer_class: type[Importer]) -> type[Importer]:
    """Register an importer class under its `key`; usable as a class decorator."""
    key = importer_class.key
    if not key:
        raise ValueError(f"{importer_class.__name__} has no key")
    registered = _importers.get(key)
    # The same class imported twice (e.g. a module reloaded in tests) is not a conflict.
    same = registered is not None and (registered.__module__, registered.__qualname__) == (
        importer_class.__module__,
        importer_class.__qualname__,
    )
    if registered is not None and not same:
        raise ValueError(f"Two importers use the key {key!r}: {registered}, {importer_class}")
    _importers[key] = importer_class
    return importer_class


def unregister(key: str) -> None:
    _importers.pop(key, None)


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("importers")


def get(key: str) -> type[Importer]:
    _discover()
    try:
        return _importers[key]
    except KeyError:
        raise UnknownImporter(key) from None


def all_importers() -> list[type[Importer]]:
    _discover()
    return sorted(_importers.values(), key=lambda cls: cls.key)
