import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit, personal_data
from maillage.core.exports import content_disposition

from .forms import ErasureForm


def _page(request, form=None, status=200):
    email = request.user.email
    export = personal_data.export_person(email)
    categories = [
        {"label": group["label"], "count": group["count"]}
        for group in export["records"].values()
        if group["count"]
    ]
    refusals = personal_data.refusals(email)
    return render(
        request,
        "privacy/my_data.html",
        {
            "categories": categories,
            "refusals": refusals,
            "form": form or ErasureForm(user=request.user),
        },
        status=status,
    )


@login_required
def my_data(request):
    return _page(request)


@login_required
def download(request):
    data = personal_data.export_person(request.user.email)
    audit.record(
        audit.Action.OTHER,
        user=request.user,
        instance=request.user,
        changes={"personal_data_exported": True},
        object_repr=_("Personal data downloaded"),
        request=request,
    )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"maillage-my-data-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def erase(request):
    form = ErasureForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, form)
    try:
        personal_data.erase_person(request.user.email, by=request.user)
    except personal_data.ErasureRefused as refused:
        for reason in refused.reasons:
            form.add_error(None, reason)
        return _page(request, form)
    # The sessions are gone from the database; end this one without the logout signal, which
    # would write the old address back into the audit trail.
    request.session.flush()
    request.user = AnonymousUser()
    messages.success(request, _("Your account and your personal data have been erased."))
    return redirect("accounts:login")
