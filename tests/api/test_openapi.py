"""The OpenAPI schema and the documentation page (served locally, under the CSP)."""

import re

from django.test import Client

from maillage.api.pagination import MAX_LIMIT


def test_schema_loads_and_describes_the_members_operation(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Maillage API"
    assert schema["components"]["securitySchemes"] == {
        "ApiTokenAuth": {"type": "http", "scheme": "bearer"}
    }
    operation = schema["paths"]["/api/v1/w/{slug}/members"]["get"]
    assert operation["operationId"] == "list_members"
    assert operation["security"] == [{"ApiTokenAuth": []}]
    assert operation["x-minimum-role"] == "guest"
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["slug"]["in"] == "path" and parameters["slug"]["required"]
    assert parameters["limit"]["schema"]["maximum"] == MAX_LIMIT
    assert parameters["offset"]["schema"]["minimum"] == 0
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page_schema = schema["components"]["schemas"][page.rsplit("/", 1)[1]]
    assert set(page_schema["properties"]) == {"items", "count"}
    member = schema["components"]["schemas"]["MemberOut"]
    assert set(member["properties"]) == {"id", "email", "full_name", "role", "joined"}
    role = schema["components"]["schemas"][member["properties"]["role"]["$ref"].rsplit("/", 1)[1]]
    assert role["enum"] == ["owner", "manager", "member", "guest"]


def test_every_path_parameter_is_declared(db):
    """A path template argument missing from the parameters makes the schema invalid."""
    schema = Client().get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        in_path = set(re.findall(r"\{(\w+)\}", path))
        for method, operation in methods.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert in_path == declared, f"{method} {path}"
            assert operation["responses"], f"{method} {path}"


def test_api_docs_redirects_to_the_documentation(db):
    response = Client().get("/api/docs")
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs"


def test_docs_page_uses_local_files_only_and_no_inline_script(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'src="/static/ninja/swagger-ui-bundle.js"' in html
    assert 'href="/static/ninja/swagger-ui.css"' in html
    assert "cdn" not in html.lower()
    assert not re.search(r"""(src|href)=["']https?://""", html)
    # The only inline <script> is a JSON data block, which the CSP does not execute.
    for attributes, _body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_swagger_files_are_served(db):
    for name in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        response = Client().get(f"/static/ninja/{name}")
        try:
            assert response.status_code == 200, name
        finally:
            response.close()
