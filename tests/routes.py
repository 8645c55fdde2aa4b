"""Walk the URL configuration: shared by the cross-workspace tests of pages and of the API."""

from django.urls import URLPattern, URLResolver, get_resolver


def walk(resolver=None, prefix="", namespace=""):
    """Yield `(namespaced name, route, pattern)` for every URL pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or ''}", prefix + str(entry.pattern), entry
