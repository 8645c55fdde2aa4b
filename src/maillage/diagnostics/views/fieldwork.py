"""The fieldwork (stakeholders, interviews and their notes, the interview guide, the
document-review log) and the findings coded from it. Guests read; members write; interview
notes only with `access.may_read_notes` (others see that notes exist, and get 403 on their
form)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.form_flow import create_from_form, edit_or_delete, save_form
from maillage.workspaces.access import deny, require_member

from ..access import get_engagement, may_read_notes
from ..choices import Quadrant
from ..forms.fieldwork import (
    CodeFindingForm,
    DocumentForm,
    FindingForm,
    InterviewForm,
    InterviewNotesForm,
    NewFindingForm,
    QuestionForm,
    SourceForm,
    StakeholderForm,
)
from ..models import (
    Dimension,
    FindingSource,
    Interview,
    InterviewQuestion,
    ReviewedDocument,
    Stakeholder,
)
from ..selectors import fieldwork as selectors
from ..selectors import findings as finding_selectors
from ..services import fieldwork as services
from ..services import findings as finding_services

PAGE_SIZE = 25


def _url(name, workspace_slug, *args) -> str:
    return reverse(f"diagnostics:{name}", args=[workspace_slug, *args])


def _form_page(
    request,
    engagement,
    form,
    *,
    title,
    back,
    obj=None,
    delete_label="",
    error="",
    status=200,
    active="fieldwork",
    extra=None,
):
    return render(
        request,
        "diagnostics/fieldwork_form.html",
        {
            "engagement": engagement,
            "form": form,
            "title": title,
            "back": back,
            "obj": obj,
            "delete_label": delete_label,
            "error": error,
            "active": active,
            **(extra or {}),
        },
        status=status,
    )


def _edit_page(
    request,
    engagement,
    form,
    obj,
    *,
    update,
    delete,
    saved,
    deleted,
    next_url,
    deleted_url="",
    **page,
):
    """An edit page with its delete button: on to `next_url` once saved (a callable when the
    URL depends on what was saved), to `deleted_url` (or `next_url`) once deleted, else the
    form again (`page`: `_form_page`'s arguments) with what refused the delete."""
    done, error, status = edit_or_delete(
        request, form, obj, update=update, delete=delete, saved=saved, deleted=deleted
    )
    if done == "deleted" and deleted_url:
        return redirect(deleted_url)
    if done:
        return redirect(next_url() if callable(next_url) else next_url)
    return _form_page(request, engagement, form, obj=obj, error=error, status=status, **page)


# --- the fieldwork page ----------------------------------------------------------------------


def fieldwork(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    return render(
        request,
        "diagnostics/fieldwork.html",
        {
            "engagement": engagement,
            "progress": selectors.progress(engagement),
            "stakeholders": selectors.stakeholders(engagement),
            "interviews": selectors.interviews(engagement),
            "documents": selectors.documents(engagement),
            "question_count": engagement.guide_questions.count(),
            "may_read_notes": may_read_notes(request),
        },
    )


# --- stakeholders ----------------------------------------------------------------------------


@require_member
def stakeholder_create(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    form = StakeholderForm(
        request.POST or None, initial={"version": 1}, workspace=request.workspace
    )
    person = create_from_form(request, form, services.stakeholder_create, engagement)
    if person is not None:
        messages.success(request, _("“%(name)s” added.") % {"name": person.name})
        return redirect(_url("fieldwork", workspace_slug, engagement.pk) + "#stakeholders")
    return _form_page(
        request,
        engagement,
        form,
        title=_("Add a stakeholder"),
        back=_url("fieldwork", workspace_slug, engagement.pk) + "#stakeholders",
        extra={"actor_suggestions": True},
    )


@require_member
def stakeholder_edit(request, workspace_slug, pk, stakeholder_pk):
    engagement = get_engagement(request, pk)
    person = get_object_or_404(Stakeholder, engagement=engagement, pk=stakeholder_pk)
    form = StakeholderForm(request.POST or None, instance=person, workspace=request.workspace)
    back = _url("fieldwork", workspace_slug, engagement.pk) + "#stakeholders"
    return _edit_page(
        request,
        engagement,
        form,
        person,
        update=services.stakeholder_update,
        delete=services.stakeholder_delete,
        saved=_("Stakeholder saved."),
        deleted=_("Stakeholder deleted."),
        next_url=back,
        title=_("Edit the stakeholder"),
        back=back,
        delete_label=_("Delete this stakeholder?"),
        extra={"actor_suggestions": True},
    )


# --- interviews ------------------------------------------------------------------------------


def _interview(engagement, interview_pk) -> Interview:
    return get_object_or_404(
        Interview.objects.prefetch_related("stakeholders"), engagement=engagement, pk=interview_pk
    )


@require_member
def interview_create(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    initial = {"version": 1}
    if request.GET.get("stakeholder", "").isdigit():
        initial["stakeholders"] = [int(request.GET["stakeholder"])]
    form = InterviewForm(request.POST or None, initial=initial, engagement=engagement)
    interview = create_from_form(request, form, services.interview_create, engagement)
    if interview is not None:
        messages.success(request, _("Interview recorded."))
        return redirect(_url("interview", workspace_slug, engagement.pk, interview.pk))
    return _form_page(
        request,
        engagement,
        form,
        title=_("Plan or record an interview"),
        back=_url("fieldwork", workspace_slug, engagement.pk) + "#interviews",
    )


def interview(request, workspace_slug, pk, interview_pk):
    engagement = get_engagement(request, pk)
    item = _interview(engagement, interview_pk)
    code_form = CodeFindingForm(initial={"version": 1}, engagement=engagement)
    found = finding_selectors.findings_from(interview=item)
    return render(
        request,
        "diagnostics/interview_page.html",
        {
            "engagement": engagement,
            "interview": item,
            "may_read_notes": may_read_notes(request),
            "findings": found,
            "code_form": code_form,
            "code_open": not found,
            "active": "fieldwork",
        },
    )


@require_member
def interview_edit(request, workspace_slug, pk, interview_pk):
    engagement = get_engagement(request, pk)
    item = _interview(engagement, interview_pk)
    form = InterviewForm(request.POST or None, instance=item, engagement=engagement)
    return _edit_page(
        request,
        engagement,
        form,
        item,
        update=services.interview_update,
        delete=services.interview_delete,
        saved=_("Interview saved."),
        deleted=_("Interview deleted."),
        next_url=_url("interview", workspace_slug, engagement.pk, item.pk),
        deleted_url=_url("fieldwork", workspace_slug, engagement.pk) + "#interviews",
        title=_("Edit the interview"),
        back=_url("interview", workspace_slug, engagement.pk, item.pk),
        delete_label=_("Delete this interview?"),
    )


@require_member
def interview_notes(request, workspace_slug, pk, interview_pk):
    engagement = get_engagement(request, pk)
    item = _interview(engagement, interview_pk)
    if not may_read_notes(request):
        deny(
            request,
            "interview notes without the sensitive data permission",
            _("Only members allowed to see sensitive data read and write interview notes."),
        )
    form = InterviewNotesForm(request.POST or None, instance=item)
    done, status = save_form(
        request,
        form,
        lambda **changes: services.interview_notes_update(
            item,
            user=request.user,
            expected_version=form.expected_version,
            request=request,
            **changes,
        ),
        _("Notes saved."),
    )
    back = _url("interview", workspace_slug, engagement.pk, item.pk)
    if done:
        return redirect(back)
    return _form_page(
        request,
        engagement,
        form,
        title=_("Interview notes"),
        back=back,
        status=status,
        extra={"intro": ", ".join(p.name for p in item.stakeholders.all())},
    )


@require_member
def code_from_interview(request, workspace_slug, pk, interview_pk):
    engagement = get_engagement(request, pk)
    item = _interview(engagement, interview_pk)
    return _code(request, engagement, interview=item)


# --- the document-review log -----------------------------------------------------------------


def _document(engagement, document_pk) -> ReviewedDocument:
    return get_object_or_404(ReviewedDocument, engagement=engagement, pk=document_pk)


@require_member
def document_create(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    form = DocumentForm(request.POST or None, initial={"version": 1})
    document = create_from_form(request, form, services.document_create, engagement)
    if document is not None:
        messages.success(request, _("Document “%(title)s” logged.") % {"title": document.title})
        return redirect(_url("fieldwork", workspace_slug, engagement.pk) + "#documents")
    return _form_page(
        request,
        engagement,
        form,
        title=_("Log a document"),
        back=_url("fieldwork", workspace_slug, engagement.pk) + "#documents",
    )


def document(request, workspace_slug, pk, document_pk):
    engagement = get_engagement(request, pk)
    item = _document(engagement, document_pk)
    found = finding_selectors.findings_from(document=item)
    return render(
        request,
        "diagnostics/document_page.html",
        {
            "engagement": engagement,
            "document": item,
            "findings": found,
            "code_open": not found,
            "code_form": CodeFindingForm(initial={"version": 1}, engagement=engagement),
        },
    )


@require_member
def document_edit(request, workspace_slug, pk, document_pk):
    engagement = get_engagement(request, pk)
    item = _document(engagement, document_pk)
    form = DocumentForm(request.POST or None, instance=item)
    return _edit_page(
        request,
        engagement,
        form,
        item,
        update=services.document_update,
        delete=services.document_delete,
        saved=_("Document saved."),
        deleted=_("Document deleted."),
        next_url=_url("document", workspace_slug, engagement.pk, item.pk),
        deleted_url=_url("fieldwork", workspace_slug, engagement.pk) + "#documents",
        title=_("Edit the document"),
        back=_url("document", workspace_slug, engagement.pk, item.pk),
        delete_label=_("Delete this document?"),
    )


@require_member
def code_from_document(request, workspace_slug, pk, document_pk):
    engagement = get_engagement(request, pk)
    return _code(request, engagement, document=_document(engagement, document_pk))


def _code(request, engagement, *, interview=None, document=None):
    form = CodeFindingForm(request.POST or None, initial={"version": 1}, engagement=engagement)
    finding = create_from_form(
        request,
        form,
        finding_services.code_finding,
        engagement,
        interview=interview,
        document=document,
    )
    slug = request.workspace.slug
    back = (
        _url("interview", slug, engagement.pk, interview.pk)
        if interview
        else _url("document", slug, engagement.pk, document.pk)
    )
    if finding is not None:
        messages.success(request, _("Finding coded."))
        return redirect(back + "#findings")
    return _form_page(
        request,
        engagement,
        form,
        title=_("Code a finding"),
        back=back,
        extra={"intro": str(document) if document else ""},
    )


# --- the interview guide ---------------------------------------------------------------------


def _lang(request) -> str:
    return "en" if request.GET.get("lang") == "en" else "fr"


def guide(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    return render(
        request,
        "diagnostics/guide_page.html",
        {"engagement": engagement, "groups": selectors.guide(engagement, "fr")},
    )


def guide_print(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    lang = _lang(request)
    return render(
        request,
        "diagnostics/guide_print.html",
        {
            "engagement": engagement,
            "lang": lang,
            "groups": [g for g in selectors.guide(engagement, lang) if g["questions"]],
        },
    )


@require_member
def question_create(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    initial = {"version": 1}
    if request.GET.get("dimension", "").isdigit():
        initial["dimension"] = int(request.GET["dimension"])
    form = QuestionForm(request.POST or None, initial=initial, engagement=engagement)
    question = create_from_form(request, form, services.question_create, engagement)
    back = _url("guide", workspace_slug, engagement.pk)
    if question is not None:
        messages.success(request, _("Question added."))
        return redirect(back + f"#dimension-{question.dimension_id}")
    return _form_page(request, engagement, form, title=_("Add a question"), back=back)


@require_member
def question_edit(request, workspace_slug, pk, question_pk):
    engagement = get_engagement(request, pk)
    question = get_object_or_404(InterviewQuestion, engagement=engagement, pk=question_pk)
    form = QuestionForm(request.POST or None, instance=question, engagement=engagement)
    back = _url("guide", workspace_slug, engagement.pk)
    return _edit_page(
        request,
        engagement,
        form,
        question,
        update=services.question_update,
        delete=services.question_delete,
        saved=_("Question saved."),
        deleted=_("Question deleted."),
        next_url=lambda: back + f"#dimension-{question.dimension_id}",
        title=_("Edit the question"),
        back=back,
        delete_label=_("Delete this question?"),
    )


@require_member
@require_POST
def question_move(request, workspace_slug, pk, question_pk):
    engagement = get_engagement(request, pk)
    question = get_object_or_404(InterviewQuestion, engagement=engagement, pk=question_pk)
    direction = -1 if request.POST.get("direction") == "up" else 1
    services.question_move(question, user=request.user, direction=direction, request=request)
    return redirect(_url("guide", workspace_slug, engagement.pk) + f"#question-{question.pk}")


# --- findings --------------------------------------------------------------------------------


def _int(value: str, low: int, high: int) -> int | None:
    return int(value) if value.isdigit() and low <= int(value) <= high else None


def findings(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    dimensions = list(Dimension.objects.filter(engagement=engagement).order_by("position", "id"))
    dimension_id = _int(request.GET.get("dimension", ""), 1, 2**31)
    dimension = next((d for d in dimensions if d.pk == dimension_id), None)
    quadrant = request.GET.get("quadrant", "")
    quadrant = quadrant if quadrant in Quadrant.values else ""
    severity = _int(request.GET.get("severity", ""), 1, 5)
    text = request.GET.get("q", "").strip()[:200]
    sort = request.GET.get("sort", "weight")
    sort = sort if sort in finding_selectors.SORTS else "weight"
    rows = finding_selectors.findings_for_list(
        engagement,
        dimension=dimension,
        quadrant=quadrant,
        severity=severity,
        text=text,
        sort=sort,
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "diagnostics/finding_list.html",
        {
            "engagement": engagement,
            "page_obj": page,
            "dimensions": dimensions,
            "dimension": dimension,
            "quadrant": quadrant,
            "quadrants": Quadrant.choices,
            "severity": severity,
            "severities": range(1, 6),
            "text": text,
            "sort": sort,
            "filtered": bool(dimension or quadrant or severity or text),
        },
    )


def _finding(engagement, finding_pk):
    finding = finding_selectors.finding_in(engagement, finding_pk)
    if finding is None:
        raise Http404
    return finding


def finding(request, workspace_slug, pk, finding_pk):
    engagement = get_engagement(request, pk)
    item = _finding(engagement, finding_pk)
    return render(
        request,
        "diagnostics/finding_page.html",
        {
            "engagement": engagement,
            "finding": item,
            "weight": finding_selectors.weight(item),
            "sources": finding_selectors.sources(item),
            "may_read_notes": may_read_notes(request),
        },
    )


@require_member
def finding_create(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    form = NewFindingForm(request.POST or None, initial={"version": 1}, engagement=engagement)
    item = create_from_form(request, form, finding_services.finding_create, engagement)
    if item is not None:
        messages.success(request, _("Finding added."))
        return redirect(_url("finding", workspace_slug, engagement.pk, item.pk))
    return _form_page(
        request,
        engagement,
        form,
        title=_("Add a finding"),
        back=_url("findings", workspace_slug, engagement.pk),
        active="findings",
    )


@require_member
def finding_edit(request, workspace_slug, pk, finding_pk):
    engagement = get_engagement(request, pk)
    item = _finding(engagement, finding_pk)
    form = FindingForm(request.POST or None, instance=item, engagement=engagement)
    return _edit_page(
        request,
        engagement,
        form,
        item,
        update=finding_services.finding_update,
        delete=finding_services.finding_delete,
        saved=_("Finding saved."),
        deleted=_("Finding deleted."),
        next_url=_url("finding", workspace_slug, engagement.pk, item.pk),
        deleted_url=_url("findings", workspace_slug, engagement.pk),
        title=_("Edit the finding"),
        back=_url("finding", workspace_slug, engagement.pk, item.pk),
        delete_label=_("Delete this finding and its sources?"),
        active="findings",
    )


@require_member
def source_create(request, workspace_slug, pk, finding_pk):
    engagement = get_engagement(request, pk)
    item = _finding(engagement, finding_pk)
    form = SourceForm(request.POST or None, initial={"version": 1}, engagement=engagement)
    source = create_from_form(request, form, finding_services.source_create, item)
    back = _url("finding", workspace_slug, engagement.pk, item.pk)
    if source is not None:
        messages.success(request, _("Source added."))
        return redirect(back + "#sources")
    return _form_page(
        request,
        engagement,
        form,
        title=_("Add a source"),
        back=back,
        active="findings",
        extra={"intro": item.statement},
    )


@require_member
def source_edit(request, workspace_slug, pk, finding_pk, source_pk):
    engagement = get_engagement(request, pk)
    item = _finding(engagement, finding_pk)
    source = get_object_or_404(FindingSource, finding=item, pk=source_pk)
    form = SourceForm(request.POST or None, instance=source, engagement=engagement)
    back = _url("finding", workspace_slug, engagement.pk, item.pk)
    return _edit_page(
        request,
        engagement,
        form,
        source,
        update=finding_services.source_update,
        delete=finding_services.source_delete,
        saved=_("Source saved."),
        deleted=_("Source removed."),
        next_url=back + "#sources",
        title=_("Edit the source"),
        back=back,
        delete_label=_("Remove this source?"),
        active="findings",
        extra={"intro": item.statement},
    )


urlpatterns = [
    path("<int:pk>/fieldwork/", fieldwork, name="fieldwork"),
    path("<int:pk>/fieldwork/stakeholders/new/", stakeholder_create, name="stakeholder_create"),
    path(
        "<int:pk>/fieldwork/stakeholders/<int:stakeholder_pk>/edit/",
        stakeholder_edit,
        name="stakeholder_edit",
    ),
    path("<int:pk>/fieldwork/interviews/new/", interview_create, name="interview_create"),
    path("<int:pk>/fieldwork/interviews/<int:interview_pk>/", interview, name="interview"),
    path(
        "<int:pk>/fieldwork/interviews/<int:interview_pk>/edit/",
        interview_edit,
        name="interview_edit",
    ),
    path(
        "<int:pk>/fieldwork/interviews/<int:interview_pk>/notes/",
        interview_notes,
        name="interview_notes",
    ),
    path(
        "<int:pk>/fieldwork/interviews/<int:interview_pk>/code/",
        code_from_interview,
        name="interview_code_finding",
    ),
    path("<int:pk>/fieldwork/guide/", guide, name="guide"),
    path("<int:pk>/fieldwork/guide/print/", guide_print, name="guide_print"),
    path("<int:pk>/fieldwork/guide/new/", question_create, name="guide_question_create"),
    path(
        "<int:pk>/fieldwork/guide/<int:question_pk>/edit/",
        question_edit,
        name="guide_question_edit",
    ),
    path(
        "<int:pk>/fieldwork/guide/<int:question_pk>/move/",
        question_move,
        name="guide_question_move",
    ),
    path("<int:pk>/fieldwork/documents/new/", document_create, name="document_create"),
    path("<int:pk>/fieldwork/documents/<int:document_pk>/", document, name="document"),
    path(
        "<int:pk>/fieldwork/documents/<int:document_pk>/edit/",
        document_edit,
        name="document_edit",
    ),
    path(
        "<int:pk>/fieldwork/documents/<int:document_pk>/code/",
        code_from_document,
        name="document_code_finding",
    ),
    path("<int:pk>/findings/", findings, name="findings"),
    path("<int:pk>/findings/new/", finding_create, name="finding_create"),
    path("<int:pk>/findings/<int:finding_pk>/", finding, name="finding"),
    path("<int:pk>/findings/<int:finding_pk>/edit/", finding_edit, name="finding_edit"),
    path(
        "<int:pk>/findings/<int:finding_pk>/sources/new/",
        source_create,
        name="finding_source_create",
    ),
    path(
        "<int:pk>/findings/<int:finding_pk>/sources/<int:source_pk>/edit/",
        source_edit,
        name="finding_source_edit",
    ),
]
