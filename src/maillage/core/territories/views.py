"""Commune autocomplete: reference data for any signed-in user (not tenant data)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from . import selectors

AUTOCOMPLETE_LIMIT = 20
QUERY_MAX_LENGTH = 100


@login_required
@require_GET
def commune_autocomplete(request):
    """`?q=` → matching communes: an HTML partial of <option>s for HTMX requests (HX-Request
    header), JSON `{"results": [{code, name, label, department, postal_codes}]}` otherwise.
    Optional `department=<code>` narrows the search. `commune=` is read when `q` is absent."""
    # A form input named `commune` can call this directly with hx-get (it sends its own name).
    query = (request.GET.get("q") or request.GET.get("commune", ""))[:QUERY_MAX_LENGTH]
    department = request.GET.get("department") or None
    communes = selectors.search_communes(query, limit=AUTOCOMPLETE_LIMIT, department=department)
    if request.headers.get("HX-Request"):
        response = render(request, "territories/commune_options.html", {"communes": communes})
    else:
        response = JsonResponse(
            {
                "results": [
                    {
                        "code": commune.code,
                        "name": commune.name,
                        "label": commune.label,
                        "department": commune.department_id,
                        "postal_codes": commune.postal_codes,
                    }
                    for commune in communes
                ]
            }
        )
    patch_vary_headers(response, ["HX-Request"])
    return response
