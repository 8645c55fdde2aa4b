"""Scenarios scored on weighted criteria (with sensitivity and the target scenario), the
recommendations with their validation workflow, and the implementation plan with its Gantt,
progress updates and read-only share link. Members write; guests read."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.exceptions import StaleObjectError
from maillage.core.form_flow import (
    create_from_form,
    delete_from_form,
    edit_or_delete,
    save_form,
    update_from_form,
)
from maillage.workspaces.access import require_manager, require_member

from ..access import get_engagement
from ..forms.scenarios import (
    ActionUpdateForm,
    CriterionForm,
    PlanActionForm,
    PlanFilterForm,
    RecommendationFilterForm,
    RecommendationForm,
    ScenarioForm,
    ScoreGridForm,
    TargetForm,
    ValidationForm,
)
from ..models import ActionUpdate, Criterion, PlanAction, Recommendation, Scenario
from ..selectors import plan as plan_selectors
from ..selectors import recommendations as reco_selectors
from ..selectors import scenarios as scenario_selectors
from ..services import plan as plan_services
from ..services import recommendations as reco_services
from ..services import scenarios as services

PLAN_PAGE_SIZE = 50


def _url(name: str, workspace_slug, engagement, *more) -> str:
    return reverse(f"diagnostics:{name}", args=[workspace_slug, engagement.pk, *more])


# --- scenarios and criteria ------------------------------------------------------------------


def scenarios(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    context = scenario_selectors.analysis(engagement)
    context.update(engagement=engagement, target=engagement.target_scenario)
    return render(request, "diagnostics/scenarios.html", context)


def _simple_create(request, workspace_slug, pk, *, form_class, kind, create, added, template):
    """A scenario's or criterion's creation page (the position left to the service when empty);
    `added` is the message, formatted with the new record's name."""
    engagement = get_engagement(request, pk)
    form = form_class(request.POST or None, initial={"version": 1})
    form.fields["position"].required = False
    record = create_from_form(request, form, create, engagement)
    if record is not None:
        messages.success(request, added % {"name": record.name})
        return redirect(_url("scenarios", workspace_slug, engagement))
    return render(request, template, {"engagement": engagement, "form": form, kind: None})


def _simple_edit(
    request, workspace_slug, engagement, *, form, instance, kind, update, delete, template
):
    back = _url("scenarios", workspace_slug, engagement)
    done, conflict, status = edit_or_delete(
        request,
        form,
        instance,
        update=update,
        delete=delete,
        saved=_("Saved."),
        deleted=_("Deleted."),
    )
    if done:
        return redirect(back)
    if conflict and status == 409:
        form = type(form)(instance=instance)
    return render(
        request,
        template,
        {"engagement": engagement, "form": form, kind: instance, "conflict": conflict},
        status=status,
    )


@require_member
def scenario_create(request, workspace_slug, pk):
    return _simple_create(
        request,
        workspace_slug,
        pk,
        form_class=ScenarioForm,
        kind="scenario",
        create=services.scenario_create,
        added=_("Scenario “%(name)s” added."),
        template="diagnostics/scenario_form.html",
    )


@require_member
def scenario_edit(request, workspace_slug, pk, scenario_pk):
    engagement = get_engagement(request, pk)
    scenario = get_object_or_404(Scenario, engagement=engagement, pk=scenario_pk)
    return _simple_edit(
        request,
        workspace_slug,
        engagement,
        form=ScenarioForm(request.POST or None, instance=scenario),
        instance=scenario,
        kind="scenario",
        update=services.scenario_update,
        delete=services.scenario_delete,
        template="diagnostics/scenario_form.html",
    )


@require_member
def criterion_create(request, workspace_slug, pk):
    return _simple_create(
        request,
        workspace_slug,
        pk,
        form_class=CriterionForm,
        kind="criterion",
        create=services.criterion_create,
        added=_("Criterion “%(name)s” added."),
        template="diagnostics/criterion_form.html",
    )


@require_member
def criterion_edit(request, workspace_slug, pk, criterion_pk):
    engagement = get_engagement(request, pk)
    criterion = get_object_or_404(Criterion, engagement=engagement, pk=criterion_pk)
    return _simple_edit(
        request,
        workspace_slug,
        engagement,
        form=CriterionForm(request.POST or None, instance=criterion),
        instance=criterion,
        kind="criterion",
        update=services.criterion_update,
        delete=services.criterion_delete,
        template="diagnostics/criterion_form.html",
    )


@require_member
def scenario_scores(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    scenario_list = scenario_selectors.scenarios(engagement)
    criterion_list = scenario_selectors.criteria(engagement)

    def grid(data=None):
        return ScoreGridForm(
            data,
            scenarios=scenario_list,
            criteria=criterion_list,
            scores=scenario_selectors.scores(engagement),
            stamp=services.grid_stamp(engagement),
        )

    form = grid(request.POST or None)

    def write(**_changes):
        services.save_grid(
            engagement,
            form.cells(),
            user=request.user,
            stamp=form.cleaned_data["stamp"] or None,
            request=request,
        )

    form.changes = dict  # save_form passes changes(); the grid passes its cells itself
    saved, status = save_form(request, form, write, _("Scores saved."))
    if saved:
        return redirect(_url("scenarios", workspace_slug, engagement) + "#ranking")
    return render(
        request,
        "diagnostics/scenario_scores.html",
        {"engagement": engagement, "form": form},
        status=status,
    )


@require_member
def scenario_target(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    form = TargetForm(request.POST or None, instance=engagement)
    done, status = update_from_form(
        request, form, services.select_target, engagement, _("Target scenario saved.")
    )
    if done:
        return redirect(_url("scenarios", workspace_slug, engagement) + "#target")
    analysis = scenario_selectors.analysis(engagement)
    return render(
        request,
        "diagnostics/scenario_target.html",
        {
            "engagement": engagement,
            "form": form,
            "ranking": analysis["ranking"],
            "rows": analysis["rows"],
        },
        status=status,
    )


# --- recommendations -------------------------------------------------------------------------


def recommendations(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    filters = RecommendationFilterForm(request.GET or None, engagement=engagement)
    chosen = filters.filters()
    queryset = reco_selectors.recommendations(engagement, **chosen)
    return render(
        request,
        "diagnostics/recommendations.html",
        {
            "engagement": engagement,
            "filters": filters,
            "filtered": bool(chosen),
            "recommendations": list(queryset),
        },
    )


def _recommendation_or_404(engagement, recommendation_pk):
    recommendation = reco_selectors.recommendation(engagement, recommendation_pk)
    if recommendation is None:
        raise Http404
    return recommendation


def recommendation(
    request, workspace_slug, pk, recommendation_pk, *, form=None, status=200, conflict=""
):
    engagement = get_engagement(request, pk)
    reco = _recommendation_or_404(engagement, recommendation_pk)
    allowed = reco_services.allowed_transitions(reco)
    if reco.actions.all():  # its plan actions rest on its validation
        allowed = [
            step for step in allowed if step not in (reco_services.REJECT, reco_services.REOPEN)
        ]
    return render(
        request,
        "diagnostics/recommendation.html",
        {
            "engagement": engagement,
            "recommendation": reco,
            "allowed": allowed,
            "locked_by_actions": bool(reco.actions.all()) and reco.status != "proposed",
            "form": form or ValidationForm(initial={"version": reco.version}),
            "posted_step": form.data.get("step") if form is not None else "",
            "conflict": conflict,
        },
        status=status,
    )


@require_member
def recommendation_create(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    initial = {"version": 1}
    if request.GET.get("dimension", "").isdigit():
        initial["dimension"] = int(request.GET["dimension"])
    form = RecommendationForm(request.POST or None, initial=initial, engagement=engagement)
    reco = create_from_form(request, form, reco_services.recommendation_create, engagement)
    if reco is not None:
        messages.success(request, _("Recommendation added, proposed."))
        return redirect(_url("recommendation", workspace_slug, engagement, reco.pk))
    return render(
        request,
        "diagnostics/recommendation_form.html",
        {"engagement": engagement, "form": form, "recommendation": None},
    )


@require_member
def recommendation_edit(request, workspace_slug, pk, recommendation_pk):
    engagement = get_engagement(request, pk)
    reco = get_object_or_404(Recommendation, engagement=engagement, pk=recommendation_pk)
    form = RecommendationForm(request.POST or None, instance=reco, engagement=engagement)
    done, conflict, status = edit_or_delete(
        request,
        form,
        reco,
        update=reco_services.recommendation_update,
        delete=reco_services.recommendation_delete,
        saved=_("Recommendation saved."),
        deleted=_("Recommendation deleted."),
    )
    if done == "deleted":
        return redirect(_url("recommendations", workspace_slug, engagement))
    if done:
        return redirect(_url("recommendation", workspace_slug, engagement, reco.pk))
    if conflict and status == 409:
        form = RecommendationForm(instance=reco, engagement=engagement)
    return render(
        request,
        "diagnostics/recommendation_form.html",
        {"engagement": engagement, "form": form, "recommendation": reco, "conflict": conflict},
        status=status,
    )


@require_member
@require_POST
def recommendation_workflow(request, workspace_slug, pk, recommendation_pk):
    engagement = get_engagement(request, pk)
    reco = get_object_or_404(Recommendation, engagement=engagement, pk=recommendation_pk)
    form = ValidationForm(request.POST)
    if not form.is_valid():
        return recommendation(request, workspace_slug, pk, recommendation_pk, form=form)
    data = form.cleaned_data
    try:
        reco_services.transition(
            reco,
            data["step"],
            user=request.user,
            expected_version=data["version"],
            request=request,
            by=data["by"],
            on=data["on"],
            reason=data["reason"],
        )
    except StaleObjectError as error:
        return recommendation(
            request, workspace_slug, pk, recommendation_pk, status=409, conflict=str(error)
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return recommendation(request, workspace_slug, pk, recommendation_pk, form=form)
    messages.success(
        request,
        _("Recommendation now “%(status)s”.") % {"status": reco.get_status_display()},
    )
    return redirect(_url("recommendation", workspace_slug, engagement, reco.pk))


# --- the implementation plan -----------------------------------------------------------------


def plan(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    today = timezone.localdate()
    filters = PlanFilterForm(request.GET or None, engagement=engagement)
    chosen = filters.filters()
    queryset = plan_selectors.actions(engagement, today=today, **chosen)
    action_list = list(queryset)  # the Gantt, an overview, draws every filtered action
    page = Paginator(action_list, PLAN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "diagnostics/plan.html",
        {
            "engagement": engagement,
            "filters": filters,
            "filtered": bool(chosen),
            "page_obj": page,
            "actions": page.object_list,
            "overdue": {a.pk for a in action_list if plan_selectors.is_overdue(a, today)},
            "totals": plan_selectors.totals(queryset),
            "gantt": plan_selectors.plan_gantt(action_list, today, group=filters.grouping),
            "group": filters.grouping,
            "today": today,
            "share_url": request.build_absolute_uri(
                reverse("diagnostics_public:plan", args=[engagement.plan_share_token])
            ),
            "plannable": engagement.recommendations.filter(
                status__in=reco_services.PLANNABLE
            ).exists(),
        },
    )


def plan_action(request, workspace_slug, pk):
    """An action's own page (the URL the impact module links monitoring indicators to)."""
    action = plan_selectors.action(request.workspace, pk)
    if action is None:
        raise Http404
    today = timezone.localdate()
    return render(
        request,
        "diagnostics/plan_action.html",
        {
            "engagement": action.engagement,
            "action": action,
            "overdue": plan_selectors.is_overdue(action, today),
            "updates": list(action.updates.order_by("-on", "-id")),
            "indicators": list(action.indicators.order_by("code")),
            "update_form": ActionUpdateForm(),
        },
    )


@require_member
def plan_action_create(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    initial = {"version": 1, "start_on": timezone.localdate()}
    if request.GET.get("recommendation", "").isdigit():
        initial["recommendation"] = int(request.GET["recommendation"])
    form = PlanActionForm(request.POST or None, initial=initial, engagement=engagement)
    action = create_from_form(request, form, plan_services.action_create, engagement)
    if action is not None:
        messages.success(request, _("Action “%(title)s” added.") % {"title": action.title})
        return redirect(reverse("diagnostics:plan_action", args=[workspace_slug, action.pk]))
    return render(
        request,
        "diagnostics/plan_action_form.html",
        {"engagement": engagement, "form": form, "action": None},
    )


@require_member
def plan_action_edit(request, workspace_slug, pk, action_pk):
    engagement = get_engagement(request, pk)
    action = get_object_or_404(PlanAction, engagement=engagement, pk=action_pk)
    form = PlanActionForm(request.POST or None, instance=action, engagement=engagement)
    done, conflict, status = edit_or_delete(
        request,
        form,
        action,
        update=plan_services.action_update,
        delete=plan_services.action_delete,
        saved=_("Action saved."),
        deleted=_("Action deleted."),
    )
    if done == "deleted":
        return redirect(_url("plan", workspace_slug, engagement))
    if done:
        return redirect(reverse("diagnostics:plan_action", args=[workspace_slug, action.pk]))
    if conflict and status == 409:
        form = PlanActionForm(instance=action, engagement=engagement)
    return render(
        request,
        "diagnostics/plan_action_form.html",
        {"engagement": engagement, "form": form, "action": action, "conflict": conflict},
        status=status,
    )


@require_member
@require_POST
def plan_update_create(request, workspace_slug, pk, action_pk):
    engagement = get_engagement(request, pk)
    action = get_object_or_404(PlanAction, engagement=engagement, pk=action_pk)
    form = ActionUpdateForm(request.POST)
    update = create_from_form(request, form, plan_services.update_create, action)
    if update is None:
        today = timezone.localdate()
        return render(
            request,
            "diagnostics/plan_action.html",
            {
                "engagement": engagement,
                "action": action,
                "overdue": plan_selectors.is_overdue(action, today),
                "updates": list(action.updates.order_by("-on", "-id")),
                "indicators": list(action.indicators.order_by("code")),
                "update_form": form,
            },
        )
    messages.success(request, _("Progress update recorded."))
    return redirect(reverse("diagnostics:plan_action", args=[workspace_slug, action.pk]))


@require_member
@require_POST
def plan_update_delete(request, workspace_slug, pk, update_pk):
    engagement = get_engagement(request, pk)
    update = get_object_or_404(
        ActionUpdate.objects.select_related("action"), action__engagement=engagement, pk=update_pk
    )
    delete_from_form(request, plan_services.update_delete, update, _("Progress update deleted."))
    return redirect(reverse("diagnostics:plan_action", args=[workspace_slug, update.action_id]))


@require_manager
@require_POST
def plan_share(request, workspace_slug, pk):
    """Turn the read-only share link on or off, or replace it by a new one (managers)."""
    engagement = get_engagement(request, pk)
    what = request.POST.get("share", "")
    version = request.POST.get("version", "")
    expected = int(version) if version.isdigit() else None
    try:
        if what in ("on", "off"):
            plan_services.set_plan_sharing(
                engagement,
                user=request.user,
                shared=what == "on",
                expected_version=expected,
                request=request,
            )
            messages.success(
                request,
                _("The validated plan is shared by link.")
                if what == "on"
                else _("The share link is off: it no longer opens the plan."),
            )
        elif what == "new":
            plan_services.new_share_link(
                engagement, user=request.user, expected_version=expected, request=request
            )
            messages.success(request, _("New link made: the old one no longer works."))
    except StaleObjectError as error:
        messages.error(request, str(error))
    return redirect(_url("plan", workspace_slug, engagement) + "#share")


urlpatterns = [
    path("<int:pk>/scenarios/", scenarios, name="scenarios"),
    path("<int:pk>/scenarios/new/", scenario_create, name="scenario_create"),
    path("<int:pk>/scenarios/<int:scenario_pk>/edit/", scenario_edit, name="scenario_edit"),
    path("<int:pk>/scenarios/scores/", scenario_scores, name="scenario_scores"),
    path("<int:pk>/scenarios/target/", scenario_target, name="scenario_target"),
    path("<int:pk>/criteria/new/", criterion_create, name="criterion_create"),
    path("<int:pk>/criteria/<int:criterion_pk>/edit/", criterion_edit, name="criterion_edit"),
    path("<int:pk>/recommendations/", recommendations, name="recommendations"),
    path("<int:pk>/recommendations/new/", recommendation_create, name="recommendation_create"),
    path(
        "<int:pk>/recommendations/<int:recommendation_pk>/",
        recommendation,
        name="recommendation",
    ),
    path(
        "<int:pk>/recommendations/<int:recommendation_pk>/edit/",
        recommendation_edit,
        name="recommendation_edit",
    ),
    path(
        "<int:pk>/recommendations/<int:recommendation_pk>/workflow/",
        recommendation_workflow,
        name="recommendation_workflow",
    ),
    path("<int:pk>/plan/", plan, name="plan"),
    path("<int:pk>/plan/new/", plan_action_create, name="plan_action_create"),
    path("<int:pk>/plan/share/", plan_share, name="plan_share"),
    path("<int:pk>/plan/<int:action_pk>/edit/", plan_action_edit, name="plan_action_edit"),
    path(
        "<int:pk>/plan/<int:action_pk>/updates/new/",
        plan_update_create,
        name="plan_update_create",
    ),
    path(
        "<int:pk>/plan/updates/<int:update_pk>/delete/",
        plan_update_delete,
        name="plan_update_delete",
    ),
    path("plan-actions/<int:pk>/", plan_action, name="plan_action"),
]
