"""The experiment plan and the MasterPlan (seed 001): purpose, vision, work axes and their
results at 3 and 6 months (P3 indicators with targets), retro-planning with a Gantt chart,
rituals, governance and agreed processes. Read by every member (and the guests the
partnership is shared with); written by members."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maillage.core.form_flow import create_from_form, edit_or_delete, save_form
from maillage.workspaces.access import require_member

from .. import access
from ..forms import plans as forms
from ..models import AxisResult, GovernanceRole, Milestone, Ritual, WorkAxis
from ..selectors import plans as selectors
from ..services import plans as services


def _plans_url(workspace_slug, partnership, anchor: str = "") -> str:
    url = reverse("partnerships:plans", args=[workspace_slug, partnership.pk])
    return f"{url}#{anchor}" if anchor else url


def _child(model, partnership, pk, *related):
    found = model.objects.select_related(*related).filter(partnership=partnership, pk=pk).first()
    if found is None:
        raise Http404
    return found


def plans(request, workspace_slug, pk):
    partnership = access.get_partnership(request, pk)
    context = selectors.plans_page(partnership)
    context["partnership"] = partnership
    context["can_write"] = not access.is_guest(request)
    return render(request, "partnerships/plans.html", context)


def _single_form(request, workspace_slug, pk, *, form_class, current, save, title, anchor, saved):
    """The one form of the experiment plan or of the MasterPlan (created on first save)."""
    partnership = access.get_partnership(request, pk)
    instance = current(partnership)
    if instance is None:
        form = form_class(request.POST or None, initial={"version": 1})
    else:
        form = form_class(request.POST or None, instance=instance)

    def write(**changes):
        return save(
            partnership,
            user=request.user,
            expected_version=form.expected_version,
            request=request,
            **changes,
        )

    done, status = save_form(request, form, write, saved)
    if done:
        return redirect(_plans_url(workspace_slug, partnership, anchor))
    return render(
        request,
        "partnerships/plans_form.html",
        {"partnership": partnership, "form": form, "title": title, "anchor": anchor},
        status=status,
    )


@require_member
def experiment_edit(request, workspace_slug, pk):
    return _single_form(
        request,
        workspace_slug,
        pk,
        form_class=forms.ExperimentPlanForm,
        current=selectors.experiment_plan,
        save=services.experiment_save,
        title=gettext_lazy("Experiment plan"),
        anchor="experiment",
        saved=_("Experiment plan saved."),
    )


@require_member
def masterplan_edit(request, workspace_slug, pk):
    return _single_form(
        request,
        workspace_slug,
        pk,
        form_class=forms.MasterPlanForm,
        current=selectors.masterplan,
        save=services.masterplan_save,
        title=gettext_lazy("MasterPlan: purpose, vision and processes"),
        anchor="masterplan",
        saved=_("MasterPlan saved."),
    )


# --- children: axes, results, milestones, rituals, governance roles ------------------------


def _child_page(
    request,
    workspace_slug,
    partnership,
    *,
    instance,
    form,
    title,
    anchor,
    create=None,
    parent=None,
    created="",
    update=None,
    delete=None,
    extra=None,
):
    """Create (instance None) or edit-and-delete one child record of the partnership."""
    back = _plans_url(workspace_slug, partnership, anchor)
    conflict, status = "", 200
    if instance is None:
        if create_from_form(request, form, create, parent) is not None:
            messages.success(request, created)
            return redirect(back)
    else:
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
    return render(
        request,
        "partnerships/plans_form.html",
        {
            "partnership": partnership,
            "form": form,
            "title": title,
            "anchor": anchor,
            "instance": instance,
            "conflict": conflict,
            **(extra or {}),
        },
        status=status,
    )


@require_member
def axis_create(request, workspace_slug, pk):
    partnership = access.get_partnership(request, pk)
    form = forms.WorkAxisForm(request.POST or None, initial={"version": 1})
    return _child_page(
        request,
        workspace_slug,
        partnership,
        instance=None,
        form=form,
        create=services.axis_create,
        parent=partnership,
        title=_("Add a work axis"),
        anchor="axes",
        created=_("Work axis added."),
    )


@require_member
def axis_edit(request, workspace_slug, pk, axis_pk):
    partnership = access.get_partnership(request, pk)
    axis = _child(WorkAxis, partnership, axis_pk)
    form = forms.WorkAxisForm(request.POST or None, instance=axis)
    return _child_page(
        request,
        workspace_slug,
        partnership,
        instance=axis,
        form=form,
        update=services.axis_update,
        delete=services.axis_delete,
        parent=partnership,
        title=_("Edit the work axis"),
        anchor="axes",
        extra={
            "delete_warning": _(
                "Delete this axis? Its results and their targets go with it; its milestones "
                "stay, without an axis."
            )
        },
    )


@require_member
@require_POST
def axis_move(request, workspace_slug, pk, axis_pk):
    partnership = access.get_partnership(request, pk)
    axis = _child(WorkAxis, partnership, axis_pk)
    services.axis_move(axis, user=request.user, up=request.POST.get("direction") == "up")
    return redirect(_plans_url(workspace_slug, partnership, "axes"))


@require_member
def result_create(request, workspace_slug, pk, axis_pk):
    partnership = access.get_partnership(request, pk)
    axis = _child(WorkAxis, partnership, axis_pk, "partnership")
    horizon = request.GET.get("horizon", "")
    initial = {"version": 1}
    if horizon in ("3", "6"):
        initial["horizon"] = int(horizon)
    form = forms.AxisResultForm(request.POST or None, workspace=request.workspace, initial=initial)
    return _child_page(
        request,
        workspace_slug,
        partnership,
        instance=None,
        form=form,
        create=services.result_create,
        parent=axis,
        title=_("Add a result to “%(axis)s”") % {"axis": axis.name},
        anchor="axes",
        created=_("Result added: its indicator is followed for the partnership."),
        extra={"masterplan": selectors.masterplan(partnership), "result_form": True},
    )


@require_member
def result_edit(request, workspace_slug, pk, result_pk):
    partnership = access.get_partnership(request, pk)
    result = _child(AxisResult, partnership, result_pk, "axis", "target", "partnership")
    form = forms.AxisResultForm(request.POST or None, instance=result, workspace=request.workspace)
    return _child_page(
        request,
        workspace_slug,
        partnership,
        instance=result,
        form=form,
        update=services.result_update,
        delete=services.result_delete,
        title=_("Edit a result of “%(axis)s”") % {"axis": result.axis.name},
        anchor="axes",
        extra={"masterplan": selectors.masterplan(partnership), "result_form": True},
    )


def _simple_views(model, form_class, kind, *, create, update, titles, anchor, partnered_form):
    """The add and edit views of a milestone, a ritual or a governance role."""

    def _form(request, partnership, instance=None):
        kwargs = {"partnership": partnership} if partnered_form else {}
        if instance is None:
            return form_class(request.POST or None, initial={"version": 1}, **kwargs)
        return form_class(request.POST or None, instance=instance, **kwargs)

    @require_member
    def add(request, workspace_slug, pk):
        partnership = access.get_partnership(request, pk)
        return _child_page(
            request,
            workspace_slug,
            partnership,
            instance=None,
            form=_form(request, partnership),
            create=create,
            parent=partnership,
            title=titles[0],
            anchor=anchor,
            created=titles[2],
        )

    @require_member
    def edit(request, workspace_slug, pk, child_pk):
        partnership = access.get_partnership(request, pk)
        instance = _child(model, partnership, child_pk)
        return _child_page(
            request,
            workspace_slug,
            partnership,
            instance=instance,
            form=_form(request, partnership, instance),
            update=update,
            delete=services.child_delete,
            parent=partnership,
            title=titles[1],
            anchor=anchor,
        )

    add.__name__, edit.__name__ = f"{kind}_create", f"{kind}_edit"
    return add, edit


milestone_create, milestone_edit = _simple_views(
    Milestone,
    forms.MilestoneForm,
    "milestone",
    create=services.milestone_create,
    update=services.milestone_update,
    titles=(
        gettext_lazy("Add a milestone"),
        gettext_lazy("Edit the milestone"),
        gettext_lazy("Milestone added."),
    ),
    anchor="retro-planning",
    partnered_form=True,
)
ritual_create, ritual_edit = _simple_views(
    Ritual,
    forms.RitualForm,
    "ritual",
    create=services.ritual_create,
    update=services.ritual_update,
    titles=(
        gettext_lazy("Add a ritual"),
        gettext_lazy("Edit the ritual"),
        gettext_lazy("Ritual added."),
    ),
    anchor="governance",
    partnered_form=False,
)
governance_create, governance_edit = _simple_views(
    GovernanceRole,
    forms.GovernanceRoleForm,
    "governance",
    create=services.governance_create,
    update=services.governance_update,
    titles=(
        gettext_lazy("Add a role"),
        gettext_lazy("Edit the role"),
        gettext_lazy("Role added."),
    ),
    anchor="governance",
    partnered_form=True,
)


urlpatterns = [
    path("<int:pk>/plans/", plans, name="plans"),
    path("<int:pk>/plans/experiment/", experiment_edit, name="experiment_edit"),
    path("<int:pk>/plans/masterplan/", masterplan_edit, name="masterplan_edit"),
    path("<int:pk>/plans/axes/add/", axis_create, name="axis_create"),
    path("<int:pk>/plans/axes/<int:axis_pk>/", axis_edit, name="axis_edit"),
    path("<int:pk>/plans/axes/<int:axis_pk>/move/", axis_move, name="axis_move"),
    path("<int:pk>/plans/axes/<int:axis_pk>/results/add/", result_create, name="result_create"),
    path("<int:pk>/plans/results/<int:result_pk>/", result_edit, name="result_edit"),
    path("<int:pk>/plans/milestones/add/", milestone_create, name="milestone_create"),
    path("<int:pk>/plans/milestones/<int:child_pk>/", milestone_edit, name="milestone_edit"),
    path("<int:pk>/plans/rituals/add/", ritual_create, name="ritual_create"),
    path("<int:pk>/plans/rituals/<int:child_pk>/", ritual_edit, name="ritual_edit"),
    path("<int:pk>/plans/governance/add/", governance_create, name="governance_create"),
    path("<int:pk>/plans/governance/<int:child_pk>/", governance_edit, name="governance_edit"),
]
