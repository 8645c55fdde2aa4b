"""Network heads ("têtes de pont"): the three-criteria assessment of an actor, and the list of
qualified and partially qualified actors (seed 002)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _

from maillage.core.exceptions import StaleObjectError
from maillage.core.forms import add_service_error
from maillage.workspaces.access import get_in_workspace

from ..forms_network_heads import NetworkHeadForm
from ..models import Actor, NetworkHeadQualification
from ..services import network_head_assess

PAGE_SIZE = 50
STATUSES = ("qualified", "partial")


def actor_url(workspace_slug: str, pk: int) -> str | None:
    """The actor's page, once the actor views provide it."""
    try:
        return reverse("ecosystem:actor", args=[workspace_slug, pk])
    except NoReverseMatch:
        return None


def _criteria_met():
    return sum(
        (
            Case(When(**{name: True}, then=Value(1)), default=Value(0), output_field=IntegerField())
            for name in NetworkHeadQualification.CRITERIA
        ),
        Value(0),
    )


def network_head_list(workspace, *, status: str = "", query: str = ""):
    """Assessed actors meeting at least one criterion, the qualified ones first."""
    qualifications = (
        NetworkHeadQualification.objects.filter(workspace=workspace)
        .annotate(met=_criteria_met())
        .filter(met__gte=1)
    )
    if query:
        qualifications = qualifications.filter(
            Q(actor__name__icontains=query) | Q(actor__aliases__icontains=query)
        )
    counts = qualifications.aggregate(
        qualified=Count("pk", filter=Q(met=3)), partial=Count("pk", filter=Q(met__lt=3))
    )
    if status == "qualified":
        qualifications = qualifications.filter(met=3)
    elif status == "partial":
        qualifications = qualifications.filter(met__lt=3)
    qualifications = qualifications.select_related(
        "actor",
        "actor__commune",
        "actor__epci",
        "actor__department",
        "actor__region",
        "assessed_by",
    ).order_by("-met", "actor__name_key", "actor__name", "pk")
    return qualifications, counts


def network_heads(request, workspace_slug):
    status = request.GET.get("status", "")
    if status not in STATUSES:
        status = ""
    query = request.GET.get("q", "").strip()[:100]
    qualifications, counts = network_head_list(request.workspace, status=status, query=query)
    page_obj = Paginator(qualifications, PAGE_SIZE).get_page(request.GET.get("page"))
    for qualification in page_obj:
        qualification.criteria_flags = [
            getattr(qualification, name) for name in NetworkHeadQualification.CRITERIA
        ]
    return render(
        request,
        "ecosystem/network_heads.html",
        {
            "page_obj": page_obj,
            "status": status,
            "query": query,
            "counts": counts,
            "criteria_count": len(NetworkHeadQualification.CRITERIA),
        },
    )


def network_head(request, workspace_slug, pk):
    """The assessment form (members) or its reading (guests)."""
    actor = get_in_workspace(Actor.objects.select_related("commune", "department"), request, pk=pk)
    qualification = (
        NetworkHeadQualification.objects.filter(actor=actor).select_related("assessed_by").first()
    )
    form = None
    if request.membership.can_write:
        instance = qualification or NetworkHeadQualification(
            workspace=request.workspace, actor=actor
        )
        form = NetworkHeadForm(request.POST or None, instance=instance)
        if request.method == "POST" and form.is_valid():
            try:
                qualification = network_head_assess(
                    actor,
                    user=request.user,
                    request=request,
                    expected_version=form.expected_version,
                    **form.changes(),
                )
            except (ValidationError, StaleObjectError) as error:
                add_service_error(form, error)
            else:
                if qualification.qualifies:
                    messages.success(
                        request,
                        _("“%(actor)s” meets the three criteria: it is a network head.")
                        % {"actor": actor},
                    )
                else:
                    messages.success(
                        request,
                        _("Assessment of “%(actor)s” saved: %(met)d of 3 criteria met.")
                        % {"actor": actor, "met": qualification.criteria_met},
                    )
                return redirect(
                    actor_url(workspace_slug, actor.pk)
                    or reverse("ecosystem:network_heads", args=[workspace_slug])
                )
    return render(
        request,
        "ecosystem/network_head_form.html",
        {
            "actor": actor,
            "qualification": qualification,
            "form": form,
            "actor_link": actor_url(workspace_slug, actor.pk),
        },
    )


urlpatterns = [
    path("network-heads/", network_heads, name="network_heads"),
    path("actors/<int:pk>/network-head/", network_head, name="network_head"),
]
