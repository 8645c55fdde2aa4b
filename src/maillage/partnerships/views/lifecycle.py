"""Gates and timeline (partnerships:decisions): the timeline of the stages with the decisions
marked, the form recording a gate decision (the only way a stage changes), the transition log,
and the attachments' downloads."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from maillage.core.exceptions import StaleObjectError
from maillage.core.forms import add_service_error
from maillage.workspaces.access import require_member

from ..access import get_partnership, is_guest
from ..choices import Outcome
from ..forms.lifecycle import GateDecisionForm
from ..lifecycle import allowed_outcomes, gate_label
from ..models import Partnership
from ..selectors import lifecycle as selectors
from ..services.lifecycle import record_gate_decision


def _page(request, partnership, form, status=200):
    log = selectors.decisions(partnership)
    return render(
        request,
        "partnerships/decision_list.html",
        {
            "partnership": partnership,
            "form": form,
            "decisions": log,
            "timeline": selectors.timeline(partnership, log),
            "gate": gate_label(partnership.stage),
            "can_decide": form is not None,
        },
        status=status,
    )


def _form(request, partnership, data=None, files=None):
    if is_guest(request) or not request.membership.can_write:
        return None
    if not allowed_outcomes(partnership.stage, partnership.status):
        return None
    return GateDecisionForm(
        data,
        files,
        partnership=partnership,
        results=selectors.gate_results(partnership),
        candidates=selectors.candidate_criteria(partnership),
    )


def decisions(request, workspace_slug, pk):
    partnership = get_partnership(request, pk, queryset=Partnership.objects.select_related("kind"))
    return _page(request, partnership, _form(request, partnership))


@require_member
def decision_create(request, workspace_slug, pk):
    partnership = get_partnership(request, pk, queryset=Partnership.objects.select_related("kind"))
    if request.method != "POST":
        return redirect("partnerships:decisions", workspace_slug=workspace_slug, pk=pk)
    form = _form(request, partnership, request.POST, request.FILES)
    if form is None:
        messages.error(request, _("This partnership has ended: it takes no more decisions."))
        return redirect("partnerships:decisions", workspace_slug=workspace_slug, pk=pk)
    if not form.is_valid():
        return _page(request, partnership, form)
    try:
        decision = record_gate_decision(
            partnership, user=request.user, request=request, **form.decision()
        )
    except (ValidationError, StaleObjectError) as error:
        add_service_error(form, error)
        return _page(
            request, partnership, form, 409 if isinstance(error, StaleObjectError) else 200
        )
    if decision.changed_stage:
        text = _("Go recorded: the partnership moves to %(stage)s.") % {
            "stage": decision.get_stage_after_display()
        }
    elif decision.outcome == Outcome.POSTPONE:
        text = _("Decision postponed to %(date)s.") % {
            "date": date_format(decision.next_gate_on, "SHORT_DATE_FORMAT")
        }
    else:
        text = _("Decision recorded (%(outcome)s).") % {"outcome": decision.get_outcome_display()}
    messages.success(request, text)
    return redirect("partnerships:decisions", workspace_slug=workspace_slug, pk=pk)


def attachment_download(request, workspace_slug, pk, attachment_pk):
    """An attachment of a decision, to those who may see the partnership only."""
    partnership = get_partnership(request, pk)
    attachment = selectors.attachment(partnership, attachment_pk)
    if attachment is None or not attachment.file:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle)
    response["Content-Disposition"] = content_disposition_header(True, attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("<int:pk>/decisions/", decisions, name="decisions"),
    path("<int:pk>/decisions/new/", decision_create, name="decision_create"),
    path(
        "<int:pk>/decisions/attachments/<int:attachment_pk>/",
        attachment_download,
        name="decision_attachment",
    ),
]
