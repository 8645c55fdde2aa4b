"""The analysis pages of an engagement: the Likert questionnaire (statements, personal links,
results), the SWOT built from the findings, and the prioritised dimensions.

Guests read; members write. The personal links are secrets: only members see or export them.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.core.exceptions import StaleObjectError
from maillage.core.exports import Column, csv_response, xlsx_response
from maillage.core.form_flow import create_from_form, edit_or_delete, error_text
from maillage.core.forms import add_service_error
from maillage.workspaces.access import require_member
from maillage.workspaces.models import Role

from ..access import get_engagement
from ..forms.analysis import (
    InviteForm,
    ItemChoiceForm,
    PriorityForm,
    QuestionnaireForm,
    QuestionnaireItemForm,
    SwotItemForm,
)
from ..models import Finding, Questionnaire, QuestionnaireInvitation, QuestionnaireItem, SwotItem
from ..selectors import priorities as priority_selectors
from ..selectors import questionnaires as q_selectors
from ..selectors import swot as swot_selectors
from ..services import priorities as priority_services
from ..services import questionnaires as q_services
from ..services import swot as swot_services


def _is_member(request) -> bool:
    return bool(request.membership and request.membership.has_role(Role.MEMBER))


def _questionnaire(request, pk, questionnaire_pk):
    engagement = get_engagement(request, pk)
    return engagement, get_object_or_404(Questionnaire, engagement=engagement, pk=questionnaire_pk)


def _questionnaire_url(request, questionnaire) -> str:
    return reverse(
        "diagnostics:questionnaire",
        args=[request.workspace.slug, questionnaire.engagement_id, questionnaire.pk],
    )


def _link(request, invitation) -> str:
    return request.build_absolute_uri(
        reverse("diagnostics_public:questionnaire", args=[invitation.token])
    )


# --- questionnaires --------------------------------------------------------------------------


def questionnaire_list(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    return render(
        request,
        "diagnostics/questionnaire_list.html",
        {"engagement": engagement, "questionnaires": q_selectors.questionnaires(engagement)},
    )


@require_member
def questionnaire_create(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    form = QuestionnaireForm(request.POST or None, initial={"version": 1})
    questionnaire = create_from_form(request, form, q_services.questionnaire_create, engagement)
    if questionnaire is not None:
        messages.success(request, _("Questionnaire created."))
        return redirect(_questionnaire_url(request, questionnaire))
    return render(
        request,
        "diagnostics/questionnaire_form.html",
        {
            "engagement": engagement,
            "form": form,
            "title": _("New questionnaire"),
            "back": reverse("diagnostics:questionnaires", args=[workspace_slug, engagement.pk]),
        },
    )


def questionnaire_detail(request, workspace_slug, pk, questionnaire_pk):
    engagement, questionnaire = _questionnaire(request, pk, questionnaire_pk)
    is_member = _is_member(request)
    invitations = list(q_selectors.invitations(questionnaire))
    if is_member:
        for invitation in invitations:
            invitation.link = _link(request, invitation)
    return render(
        request,
        "diagnostics/questionnaire_detail.html",
        {
            "engagement": engagement,
            "questionnaire": questionnaire,
            "items": q_selectors.items(questionnaire),
            "invitations": invitations,
            "answered": sum(1 for i in invitations if i.answered_at),
            "closed": q_services.is_closed(questionnaire),
            "show_links": is_member,
        },
    )


@require_member
def questionnaire_edit(request, workspace_slug, pk, questionnaire_pk):
    engagement, questionnaire = _questionnaire(request, pk, questionnaire_pk)
    form = QuestionnaireForm(request.POST or None, instance=questionnaire)
    done, conflict, status = edit_or_delete(
        request,
        form,
        questionnaire,
        update=q_services.questionnaire_update,
        delete=q_services.questionnaire_delete,
        saved=_("Questionnaire saved."),
        deleted=_("Questionnaire deleted."),
    )
    if done == "deleted":
        return redirect("diagnostics:questionnaires", workspace_slug, engagement.pk)
    if done:
        return redirect(_questionnaire_url(request, questionnaire))
    if conflict:
        form = QuestionnaireForm(instance=questionnaire)
    return render(
        request,
        "diagnostics/questionnaire_form.html",
        {
            "engagement": engagement,
            "form": form,
            "record": questionnaire,
            "conflict": conflict,
            "title": _("Edit the questionnaire"),
            "back": _questionnaire_url(request, questionnaire),
            "delete_confirm": _("Delete this questionnaire, its links and its answers?"),
        },
        status=status,
    )


@require_member
def questionnaire_item_create(request, workspace_slug, pk, questionnaire_pk):
    engagement, questionnaire = _questionnaire(request, pk, questionnaire_pk)
    form = QuestionnaireItemForm(
        request.POST or None, engagement=engagement, initial={"version": 1, "position": 0}
    )
    item = create_from_form(request, form, q_services.item_create, questionnaire)
    if item is not None:
        messages.success(request, _("Statement added."))
        return redirect(_questionnaire_url(request, questionnaire) + "#statements")
    return render(
        request,
        "diagnostics/questionnaire_form.html",
        {
            "engagement": engagement,
            "form": form,
            "title": _("Add a statement"),
            "intro": _("Stakeholders rate it from 1 (strongly disagree) to 5 (strongly agree)."),
            "back": _questionnaire_url(request, questionnaire) + "#statements",
        },
    )


@require_member
def questionnaire_item_edit(request, workspace_slug, pk, item_pk):
    engagement = get_engagement(request, pk)
    item = get_object_or_404(
        QuestionnaireItem.objects.select_related("questionnaire"),
        questionnaire__engagement=engagement,
        pk=item_pk,
    )
    form = QuestionnaireItemForm(request.POST or None, instance=item, engagement=engagement)
    done, conflict, status = edit_or_delete(
        request,
        form,
        item,
        update=q_services.item_update,
        delete=q_services.item_delete,
        saved=_("Statement saved."),
        deleted=_("Statement deleted."),
    )
    if done:
        return redirect(_questionnaire_url(request, item.questionnaire) + "#statements")
    if conflict:
        form = QuestionnaireItemForm(instance=item, engagement=engagement)
    return render(
        request,
        "diagnostics/questionnaire_form.html",
        {
            "engagement": engagement,
            "form": form,
            "record": item,
            "conflict": conflict,
            "title": _("Edit the statement"),
            "back": _questionnaire_url(request, item.questionnaire) + "#statements",
            "delete_confirm": _("Delete this statement and its answers?"),
        },
        status=status,
    )


@require_POST
@require_member
def questionnaire_defaults(request, workspace_slug, pk, questionnaire_pk):
    _engagement, questionnaire = _questionnaire(request, pk, questionnaire_pk)
    added = q_services.add_default_items(questionnaire, user=request.user, request=request)
    if added:
        messages.success(
            request,
            ngettext("%(n)s default statement added.", "%(n)s default statements added.", added)
            % {"n": added},
        )
    else:
        messages.info(request, _("Every dimension already has a statement."))
    return redirect(_questionnaire_url(request, questionnaire) + "#statements")


@require_member
def questionnaire_invite(request, workspace_slug, pk, questionnaire_pk):
    engagement, questionnaire = _questionnaire(request, pk, questionnaire_pk)
    form = InviteForm(request.POST or None, engagement=engagement)
    if request.method == "POST" and form.is_valid():
        try:
            added = q_services.invite(
                questionnaire,
                form.cleaned_data["stakeholders"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                ngettext("%(n)s personal link created.", "%(n)s personal links created.", added)
                % {"n": added},
            )
            return redirect(_questionnaire_url(request, questionnaire) + "#links")
    return render(
        request,
        "diagnostics/questionnaire_form.html",
        {
            "engagement": engagement,
            "form": form,
            "title": _("Invite stakeholders to “%(title)s”") % {"title": questionnaire.title},
            "intro": _(
                "No e-mail is sent: each person gets a personal link that you copy into your "
                "own message or export for a mail merge."
            ),
            "submit": _("Create the links"),
            "back": _questionnaire_url(request, questionnaire) + "#links",
        },
    )


@require_POST
@require_member
def questionnaire_invitation_revoke(request, workspace_slug, pk, invitation_pk):
    engagement = get_engagement(request, pk)
    invitation = get_object_or_404(
        QuestionnaireInvitation.objects.select_related("questionnaire"),
        questionnaire__engagement=engagement,
        pk=invitation_pk,
    )
    questionnaire = invitation.questionnaire
    q_services.invitation_delete(invitation, user=request.user, request=request)
    messages.success(request, _("Link revoked; its answers are deleted."))
    return redirect(_questionnaire_url(request, questionnaire) + "#links")


@require_member
def questionnaire_links_export(request, workspace_slug, pk, questionnaire_pk):
    """Names, e-mail addresses and personal links, for a mail merge (CSV, or XLSX)."""
    _engagement, questionnaire = _questionnaire(request, pk, questionnaire_pk)
    rows = [
        {
            "name": i.stakeholder.name,
            "email": i.stakeholder.email,
            "organisation": str(i.stakeholder.organisation or ""),
            "link": _link(request, i),
            "answered": "✓" if i.answered_at else "",
        }
        for i in q_selectors.invitations(questionnaire)
    ]
    columns = [
        Column("name", _("Name")),
        Column("email", _("E-mail")),
        Column("organisation", _("Organisation")),
        Column("link", _("Personal link")),
        Column("answered", _("Answered")),
    ]
    filename = f"questionnaire-{questionnaire.pk}-links"
    if request.GET.get("format") == "xlsx":
        return xlsx_response(filename, columns, rows)
    return csv_response(filename, columns, rows)


def questionnaire_results(request, workspace_slug, pk, questionnaire_pk):
    engagement, questionnaire = _questionnaire(request, pk, questionnaire_pk)
    return render(
        request,
        "diagnostics/questionnaire_results.html",
        {
            "engagement": engagement,
            "questionnaire": questionnaire,
            "results": q_selectors.results(questionnaire),
            "scale": q_selectors.SCALE,
        },
    )


# --- SWOT ------------------------------------------------------------------------------------


def _swot_url(request, engagement) -> str:
    return reverse("diagnostics:swot", args=[request.workspace.slug, engagement.pk])


def _swot_item(request, pk, item_pk):
    engagement = get_engagement(request, pk)
    return engagement, get_object_or_404(SwotItem, engagement=engagement, pk=item_pk)


def swot(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    return render(
        request,
        "diagnostics/swot.html",
        {"engagement": engagement, **swot_selectors.board(engagement)},
    )


@require_POST
@require_member
def swot_build(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    created = swot_services.build(engagement, user=request.user, request=request)
    messages.success(
        request,
        ngettext(
            "SWOT built: %(n)s new item; findings not yet in an item were placed, the rest kept.",
            "SWOT built: %(n)s new items; findings not yet in an item were placed, the rest kept.",
            created,
        )
        % {"n": created},
    )
    return redirect(_swot_url(request, engagement))


def swot_item(request, workspace_slug, pk, item_pk):
    """An item's evidence: its findings with their sources; merge and move for members."""
    engagement, item = _swot_item(request, pk, item_pk)
    others = swot_selectors.other_items(engagement, item)
    findings = swot_selectors.item_evidence(engagement, item)
    return render(
        request,
        "diagnostics/swot_item.html",
        {
            "engagement": engagement,
            "item": item,
            "findings": findings,
            "weight": sum(f.weight for f in findings),
            "merge_form": ItemChoiceForm(items=others),
            "has_others": others.exists(),
            "others": list(others) if len(findings) else [],
        },
    )


@require_member
def swot_item_edit(request, workspace_slug, pk, item_pk):
    engagement, item = _swot_item(request, pk, item_pk)
    form = SwotItemForm(request.POST or None, instance=item)
    done, conflict, status = edit_or_delete(
        request,
        form,
        item,
        update=swot_services.item_update,
        delete=swot_services.item_delete,
        saved=_("SWOT item saved."),
        deleted=_("SWOT item deleted; its findings will be placed again by the next build."),
    )
    if done:
        return redirect(_swot_url(request, engagement) + f"#quadrant-{item.quadrant}")
    if conflict:
        form = SwotItemForm(instance=item)
    return render(
        request,
        "diagnostics/swot_item_form.html",
        {"engagement": engagement, "item": item, "form": form, "conflict": conflict},
        status=status,
    )


@require_POST
@require_member
def swot_item_merge(request, workspace_slug, pk, item_pk):
    """Merge this item into the chosen one (which keeps its text)."""
    engagement, item = _swot_item(request, pk, item_pk)
    form = ItemChoiceForm(request.POST, items=swot_selectors.other_items(engagement, item))
    if not form.is_valid():
        messages.error(request, _("Choose the item to merge into."))
        return redirect("diagnostics:swot_item", workspace_slug, engagement.pk, item.pk)
    target = form.cleaned_data["target"]
    try:
        swot_services.merge(target, item, user=request.user, request=request)
    except (ValidationError, StaleObjectError) as error:
        messages.error(request, error_text(error))
        return redirect("diagnostics:swot_item", workspace_slug, engagement.pk, item.pk)
    messages.success(request, _("Items merged."))
    return redirect("diagnostics:swot_item", workspace_slug, engagement.pk, target.pk)


@require_POST
@require_member
def swot_finding_move(request, workspace_slug, pk, item_pk, finding_pk):
    engagement, item = _swot_item(request, pk, item_pk)
    finding = get_object_or_404(Finding, engagement=engagement, swot_items=item, pk=finding_pk)
    form = ItemChoiceForm(request.POST, items=swot_selectors.other_items(engagement, item))
    if form.is_valid():
        swot_services.move_finding(
            finding, item, form.cleaned_data["target"], user=request.user, request=request
        )
        messages.success(request, _("Finding moved."))
    else:
        messages.error(request, _("Choose the item to move the finding to."))
    return redirect("diagnostics:swot_item", workspace_slug, engagement.pk, item.pk)


# --- priorities ------------------------------------------------------------------------------


def priorities(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    rows = priority_selectors.priorities(engagement)
    return render(
        request,
        "diagnostics/priorities.html",
        {
            "engagement": engagement,
            "rows": rows,
            "chart": priority_selectors.criticality_chart(rows),
            "agreed": sorted(
                (r for r in rows if r.dimension.priority_rank),
                key=lambda r: r.dimension.priority_rank,
            ),
        },
    )


@require_member
def priorities_edit(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    rows = priority_selectors.priorities(engagement)
    form = PriorityForm(request.POST or None, rows=rows)

    def write():
        priority_services.save_ranking(
            [r.dimension for r in rows], form.values(), user=request.user, request=request
        )

    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            write()
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                form.add_error(f"rank_{key}", errors)
        except StaleObjectError as error:
            form.add_error(None, str(error))
            status = 409
        else:
            messages.success(request, _("Ranking saved."))
            return redirect("diagnostics:priorities", workspace_slug, engagement.pk)
    return render(
        request,
        "diagnostics/priorities_form.html",
        {"engagement": engagement, "form": form, "rows": form.bound_rows()},
        status=status,
    )


Q = "<int:pk>/questionnaires/"
urlpatterns = [
    path(Q, questionnaire_list, name="questionnaires"),
    path(Q + "new/", questionnaire_create, name="questionnaire_create"),
    path(Q + "<int:questionnaire_pk>/", questionnaire_detail, name="questionnaire"),
    path(Q + "<int:questionnaire_pk>/edit/", questionnaire_edit, name="questionnaire_edit"),
    path(
        Q + "<int:questionnaire_pk>/statements/new/",
        questionnaire_item_create,
        name="questionnaire_item_create",
    ),
    path(
        Q + "statements/<int:item_pk>/edit/",
        questionnaire_item_edit,
        name="questionnaire_item_edit",
    ),
    path(
        Q + "<int:questionnaire_pk>/defaults/",
        questionnaire_defaults,
        name="questionnaire_defaults",
    ),
    path(Q + "<int:questionnaire_pk>/invite/", questionnaire_invite, name="questionnaire_invite"),
    path(
        Q + "links/<int:invitation_pk>/revoke/",
        questionnaire_invitation_revoke,
        name="questionnaire_invitation_revoke",
    ),
    path(
        Q + "<int:questionnaire_pk>/links/",
        questionnaire_links_export,
        name="questionnaire_links_export",
    ),
    path(
        Q + "<int:questionnaire_pk>/results/",
        questionnaire_results,
        name="questionnaire_results",
    ),
    path("<int:pk>/swot/", swot, name="swot"),
    path("<int:pk>/swot/build/", swot_build, name="swot_build"),
    path("<int:pk>/swot/<int:item_pk>/", swot_item, name="swot_item"),
    path("<int:pk>/swot/<int:item_pk>/edit/", swot_item_edit, name="swot_item_edit"),
    path("<int:pk>/swot/<int:item_pk>/merge/", swot_item_merge, name="swot_item_merge"),
    path(
        "<int:pk>/swot/<int:item_pk>/findings/<int:finding_pk>/move/",
        swot_finding_move,
        name="swot_finding_move",
    ),
    path("<int:pk>/priorities/", priorities, name="priorities"),
    path("<int:pk>/priorities/edit/", priorities_edit, name="priorities_edit"),
]
