"""The public catalogue: /catalogue/<slug>/ and /catalogue/<slug>/<id>/, no login.

These views sit outside any workspace membership: they find the published catalogue across
workspaces (`catalogue.published_catalogue`, the one `scopes_disabled` read), then open the
catalogue's own workspace scope, so that every query on the registry is filtered to it (an
actor of another workspace is a 404). The templates show only the published fields; contacts
and notes are never read. Anonymous responses may be cached for 5 minutes by shared caches.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django_scopes import scope

from maillage.core.models import Department, Region
from maillage.core.sdg import sdg_label

from ..catalogue import FILTER_FIELDS, public_actors, public_search, published_catalogue
from ..search import ActorFilterForm

CACHE_SECONDS = 300


def _published_or_404(slug: str):
    catalogue = published_catalogue(slug)
    if catalogue is None:
        raise Http404
    return catalogue


def _cacheable(request, response):
    """Shared caches may keep an anonymous page briefly; a signed-in visitor's response may carry
    a session cookie, so it stays private."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


def filter_form(catalogue, data):
    """The registry's filter form with only the filters whose field is published."""
    form = ActorFilterForm(data or None, workspace=catalogue.workspace)
    for name in list(form.fields):
        if name == "q":
            continue
        if FILTER_FIELDS.get(name) not in catalogue.fields:
            del form.fields[name]
    if form.is_bound:
        form.is_valid()
    return form


def _page_number(request) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and len(value) < 7 else 1


def _selected(form, name) -> list[str]:
    if name not in form.fields or not form.is_bound:
        return []
    return [str(v) for v in form.data.getlist(name)]


def render_index(request, catalogue, *, base_url: str, preview: bool = False):
    """The index page (public or preview): call inside the catalogue's workspace scope."""
    form = filter_form(catalogue, request.GET)
    page = public_search(catalogue, form.filters(), page=_page_number(request))
    fields = set(catalogue.fields)
    territories = None
    if "territory" in fields:
        territories = {
            "regions": list(Region.objects.order_by("name")),
            "departments": list(Department.objects.order_by("code")),
        }
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ecosystem/catalogue_index.html",
        {
            "catalogue": catalogue,
            "fields": fields,
            "form": form,
            "page": page,
            "base_url": base_url,
            "preview": preview,
            "territories": territories,
            "selected": {name: _selected(form, name) for name in FILTER_FIELDS},
            "query_string": query.urlencode(),
            "filtered": any(form.data.get(name) for name in form.fields)
            if form.is_bound
            else False,
        },
    )


def render_actor(request, catalogue, pk: int, *, base_url: str, preview: bool = False):
    """One actor's public page: call inside the catalogue's workspace scope."""
    actor = public_actors(catalogue).filter(pk=pk).first()
    if actor is None:
        raise Http404
    fields = set(catalogue.fields)
    return render(
        request,
        "ecosystem/catalogue_actor.html",
        {
            "catalogue": catalogue,
            "fields": fields,
            "actor": actor,
            "sdgs": [sdg_label(n) for n in actor.sdg_list] if "sdg_goals" in fields else [],
            "base_url": base_url,
            "preview": preview,
        },
    )


def index(request, slug):
    catalogue = _published_or_404(slug)
    with scope(workspace=catalogue.workspace):
        response = render_index(
            request, catalogue, base_url=reverse("catalogue:index", args=[catalogue.slug])
        )
    return _cacheable(request, response)


def actor(request, slug, pk):
    catalogue = _published_or_404(slug)
    with scope(workspace=catalogue.workspace):
        response = render_actor(
            request, catalogue, pk, base_url=reverse("catalogue:index", args=[catalogue.slug])
        )
    return _cacheable(request, response)


urlpatterns = [
    path("<slug:slug>/", index, name="index"),
    path("<slug:slug>/<int:pk>/", actor, name="actor"),
]
