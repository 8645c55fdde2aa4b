"""The portfolio (partnerships:home): the funnel of stages and the list of partnerships, filtered
and paginated; a guest sees only the partnerships shared with it."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from ..access import is_guest
from ..checklists import Health
from ..choices import Stage, Status
from ..models import PartnershipKind
from ..selectors import portfolio as selectors

PAGE_SIZE = 50


def home(request, workspace_slug):
    filters = selectors.parse_filters(request)
    partnerships = selectors.portfolio(request, filters)
    page = Paginator(partnerships, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.attach_leads(page.object_list)
    return render(
        request,
        "partnerships/portfolio.html",
        {
            "page_obj": page,
            "filters": filters,
            "funnel": selectors.funnel(request),
            "stages": Stage.choices,
            "statuses": Status.choices,
            "healths": Health.choices,
            "kinds": list(PartnershipKind.objects.filter(workspace=request.workspace)),
            "today": timezone.localdate(),
            "is_guest": is_guest(request),
        },
    )


urlpatterns = [path("", home, name="home")]
