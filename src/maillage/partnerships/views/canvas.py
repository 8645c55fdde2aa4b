"""Each member's objectives canvas (seed 001): objectives with figures, blocking points, needs
and cooperation opportunities, at a level of the value chain; a printable version.

A guest writes only the entries of the member it speaks for (`access.require_side`)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from maillage.core.form_flow import create_from_form, edit_or_delete
from maillage.workspaces.access import guest_can_write

from .. import access
from ..forms.canvas import CanvasEntryForm
from ..models import CanvasEntry
from ..selectors import canvas as selectors
from ..services import canvas as services


def _canvas_url(workspace_slug, partnership, member=None) -> str:
    url = reverse("partnerships:canvas", args=[workspace_slug, partnership.pk])
    return f"{url}#member-{member.pk}" if member is not None else url


def canvas(request, workspace_slug, pk):
    partnership = access.get_partnership(request, pk)
    writable = access.writable_members(request, partnership).values_list("pk", flat=True)
    return render(
        request,
        "partnerships/canvas.html",
        {
            "partnership": partnership,
            "canvases": selectors.canvases(partnership, writable_ids=list(writable)),
            "levels": selectors.value_chain_levels(),
            "guest_member": access.guest_member(request, partnership),
        },
    )


def canvas_print(request, workspace_slug, pk):
    """The canvases to print: one member per page (or only `?member=`)."""
    partnership = access.get_partnership(request, pk)
    member_id = request.GET.get("member", "")
    member_id = int(member_id) if member_id.isdigit() else None
    return render(
        request,
        "partnerships/canvas_print.html",
        {
            "partnership": partnership,
            "canvases": selectors.canvases(partnership, member_id=member_id),
            "levels": selectors.value_chain_levels(),
        },
    )


@guest_can_write  # a guest adds entries only to the member it speaks for (require_side)
def entry_create(request, workspace_slug, pk, member_pk):
    partnership = access.get_partnership(request, pk)
    member = partnership.members.select_related("actor").filter(pk=member_pk).first()
    if member is None:
        raise Http404
    access.require_side(request, partnership, member)
    section = request.GET.get("section", "")
    initial = {"version": 1}
    if section in CanvasEntry.Section.values:
        initial["section"] = section
    form = CanvasEntryForm(request.POST or None, initial=initial)
    entry = create_from_form(request, form, services.entry_create, member)
    if entry is not None:
        messages.success(request, _("Entry added to the canvas."))
        if "another" in request.POST:
            url = reverse("partnerships:canvas_entry_create", args=[workspace_slug, pk, member.pk])
            return redirect(f"{url}?section={entry.section}")
        return redirect(_canvas_url(workspace_slug, partnership, member))
    return render(
        request,
        "partnerships/canvas_entry_form.html",
        {
            "partnership": partnership,
            "member": member,
            "form": form,
            "entry": None,
            "levels": selectors.value_chain_levels(),
        },
    )


@guest_can_write  # a guest edits only the entries of the member it speaks for (require_side)
def entry_edit(request, workspace_slug, pk, entry_pk):
    partnership = access.get_partnership(request, pk)
    entry = (
        CanvasEntry.objects.select_related("member__actor")
        .filter(partnership=partnership, pk=entry_pk)
        .first()
    )
    if entry is None:
        raise Http404
    member = entry.member
    access.require_side(request, partnership, member)
    back = _canvas_url(workspace_slug, partnership, member)
    form = CanvasEntryForm(request.POST or None, instance=entry)
    done, conflict, status = edit_or_delete(
        request,
        form,
        entry,
        update=services.entry_update,
        delete=services.entry_delete,
        saved=_("Entry saved."),
        deleted=_("Entry deleted."),
    )
    if done:
        return redirect(back)
    if conflict:
        form = CanvasEntryForm(instance=entry)
    return render(
        request,
        "partnerships/canvas_entry_form.html",
        {
            "partnership": partnership,
            "member": member,
            "form": form,
            "entry": entry,
            "conflict": conflict,
            "levels": selectors.value_chain_levels(),
        },
        status=status,
    )


urlpatterns = [
    path("<int:pk>/canvas/", canvas, name="canvas"),
    path("<int:pk>/canvas/print/", canvas_print, name="canvas_print"),
    path(
        "<int:pk>/canvas/members/<int:member_pk>/add/",
        entry_create,
        name="canvas_entry_create",
    ),
    path("<int:pk>/canvas/entries/<int:entry_pk>/", entry_edit, name="canvas_entry_edit"),
]
