"""The Maillage API: django-ninja under /api/v1, OpenAPI documentation at /api/docs."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Maillage API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
)
