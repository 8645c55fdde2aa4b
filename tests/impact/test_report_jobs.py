"""Impact report documents written in the background (`ReportJob`): asked for from the report
page, written by the task with its progress recorded, then downloaded; failures are readable;
each person sees their jobs (a guest: only their own); expired jobs are purged with their files."""

import io
import logging
import os
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from docx import Document
from pypdf import PdfReader

from maillage.core.models import AuditEvent
from maillage.core.personal_data import erase_person, export_person
from maillage.impact import report_jobs, reports, services, subjects
from maillage.impact.models import ReportJob
from maillage.workspaces.models import Role
from tests.conftest import client_for
from tests.downloads import close_file
from tests.factories import ActorFactory, MembershipFactory, ReportJobFactory, WorkspaceFactory

PERIOD = {"start": "2025-01-01", "end": "2025-12-31"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def data(workspace, owner, media):
    """Two indicators of the workspace, measured over 2025, one followed for an actor too."""
    user = owner.user
    actor = ActorFactory(workspace=workspace, name="Recyclerie du Val")
    with scope(workspace=workspace):
        people = services.indicator_create(
            workspace=workspace,
            user=user,
            code="ACC-01",
            name="Personnes accompagnées",
            unit="personnes",
            aggregation="sum",
            frequency="quarter",
            sdg_goals=[1],
        )
        tracked = people.tracks.get()
        for number, value in ((1, 120), (2, 80)):
            start = date(2025, 3 * number - 2, 1)
            end = date(2025, 3 * number, 31 if number == 1 else 30)
            services.target_save(
                tracked, user=user, period_start=start, period_end=end, value=Decimal(100)
            )
            services.measurement_create(
                tracked, user=user, period_start=start, period_end=end, value=Decimal(value)
            )
        services.indicator_track(people, user=user, subject_kind="actor", subject_id=actor.pk)
        services.indicator_create(
            workspace=workspace,
            user=user,
            code="EMP-02",
            name="Emplois créés",
            unit="emplois",
            aggregation="sum",
            frequency="year",
        )
    return {"actor": actor, "people": people}


def _url(workspace, name, **kwargs):
    return reverse(name, kwargs={"workspace_slug": workspace.slug, **kwargs})


def _ask(client, workspace, format="pdf", **params):
    return client.post(
        _url(workspace, "impact:report_job_create"),
        {**PERIOD, "language": "en", "format": format, **params},
    )


def _job(workspace, **filters) -> ReportJob:
    with scope(workspace=workspace):
        return ReportJob.objects.select_related("created_by").get(**filters)


def _content(response) -> bytes:
    content = close_file(response)
    return content


def _status(client, url) -> int:
    response = client.get(url)
    close_file(response)
    return response.status_code


# --- asking, writing, downloading --------------------------------------------------------------


def test_a_pdf_is_written_in_the_background_and_downloaded(
    workspace, data, media, owner, owner_client
):
    response = _ask(owner_client, workspace, "pdf")
    job = _job(workspace)
    assert response.status_code == 302
    assert response["Location"] == _url(workspace, "impact:report_job", pk=job.pk)
    # The task ran at once (ImmediateBackend) and recorded everything on the job.
    assert job.status == ReportJob.Status.DONE
    assert job.created_by == owner.user
    assert (job.subject_ref, job.start, job.end, job.language) == (
        "workspace",
        date(2025, 1, 1),
        date(2025, 12, 31),
        "en",
    )
    assert job.base_url == "http://testserver"
    assert job.percent == 100 and job.indicators == 2
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert job.filename == "impact-report-2025.pdf"
    # Stored under MEDIA_ROOT/impact/<workspace id>/reports/ with a random name.
    assert job.file.name.startswith(f"impact/{workspace.pk}/reports/")
    assert job.file.name.endswith(".pdf") and "impact-report" not in job.file.name
    assert job.file.path.startswith(str(media))
    assert job.file_size == job.file.size
    # The asking is in the audit trail.
    assert AuditEvent.objects.filter(
        workspace=workspace, action="create", object_type="impact.ReportJob", object_id=str(job.pk)
    ).exists()

    page = owner_client.get(response["Location"])
    html = page.content.decode()
    download = _url(workspace, "impact:report_job_download", pk=job.pk)
    assert page.status_code == 200
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert f'href="{download}"' in html
    assert "Download impact-report-2025.pdf" in html
    assert "hx-get" not in html  # nothing left to poll

    response = owner_client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="impact-report-2025.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    content = _content(response)
    assert content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Personnes accompagnées" in text
    assert "Emplois créés" in text


def test_a_docx_of_one_subject_in_french(workspace, data, owner_client):
    actor = data["actor"]
    _ask(owner_client, workspace, "docx", language="fr", subject=f"actor:{actor.pk}")
    job = _job(workspace)
    assert job.status == ReportJob.Status.DONE
    assert job.filename == "rapport-impact-2025-recyclerie-du-val.docx"
    assert job.indicators == 1  # the actor follows one of the two indicators
    response = owner_client.get(_url(workspace, "impact:report_job_download", pk=job.pk))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(_content(response)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "ACC-01 · Personnes accompagnées" in headings
    assert "EMP-02 · Emplois créés" not in headings
    assert document.core_properties.language == "fr"


def test_the_report_page_posts_its_parameters_and_lists_my_recent_documents(
    workspace, data, owner, owner_client
):
    other = MembershipFactory(workspace=workspace, role=Role.MEMBER)
    ReportJobFactory(workspace=workspace, created_by=other.user, language="en")
    page = owner_client.get(_url(workspace, "impact:report"), {**PERIOD, "language": "en"})
    html = page.content.decode()
    assert f'action="{_url(workspace, "impact:report_job_create")}"' in html
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html
    assert "Your recent documents" not in html  # none of mine yet
    _ask(owner_client, workspace, "pdf")
    _ask(owner_client, workspace, "docx")
    page = owner_client.get(_url(workspace, "impact:report"), {**PERIOD, "language": "en"})
    jobs = page.context["jobs"]
    assert [job.format for job in jobs] == ["docx", "pdf"]  # mine only, most recent first
    html = page.content.decode()
    assert "Your recent documents" in html
    for job in jobs:
        assert _url(workspace, "impact:report_job_download", pk=job.pk) in html
    assert "The whole workspace (every subject) · 2025 · English" in html


def test_at_most_ten_recent_documents_are_listed(workspace, data, owner, owner_client):
    for _ in range(12):
        ReportJobFactory(workspace=workspace, created_by=owner.user)
    page = owner_client.get(_url(workspace, "impact:report"))
    assert len(page.context["jobs"]) == 10


# --- progress ---------------------------------------------------------------------------------


def test_build_report_tells_its_progress_indicator_by_indicator(workspace, data):
    calls = []
    with scope(workspace=workspace):
        reports.build_report(
            workspace,
            subject=None,
            start=date(2025, 1, 1),
            end=date(2025, 12, 31),
            language="en",
            progress=lambda *call: calls.append(call),
        )
    assert calls == [
        (reports.READING, 0, 0),
        (reports.DRAWING, 0, 2),
        (reports.DRAWING, 1, 2),
        (reports.DRAWING, 2, 2),
    ]


@pytest.fixture
def recorded(monkeypatch):
    """Every progress write of the task, in order (none skipped)."""
    monkeypatch.setattr(report_jobs, "PROGRESS_INTERVAL", 0)
    writes = []
    original = report_jobs._set

    def spy(job, **fields):
        writes.append(fields)
        original(job, **fields)

    monkeypatch.setattr(report_jobs, "_set", spy)
    return writes


def _steps(writes):
    return [(w["phase"], w["step_done"], w["step_total"]) for w in writes if "phase" in w]


def test_the_progress_of_a_docx_is_recorded_step_by_step(workspace, data, owner_client, recorded):
    _ask(owner_client, workspace, "docx")
    steps = _steps(recorded)
    assert steps[0] == ("reading", 0, 0)
    assert [s for s in steps if s[0] == "drawing"] == [("drawing", n, 2) for n in (0, 1, 2)]
    assert [s for s in steps if s[0] == "writing"] == [("writing", n, 2) for n in (0, 1, 2)]
    assert steps[-1] == ("saving", 1, 1)
    percents = [w["percent"] for w in recorded if "percent" in w]
    assert percents == sorted(percents) and percents[-1] == 100
    assert 0 < percents[2] < percents[-2] < 100  # the bar moves in between


def test_the_progress_of_a_pdf_follows_the_pages_laid_out(workspace, data, owner_client, recorded):
    _ask(owner_client, workspace, "pdf")
    steps = _steps(recorded)
    layout = [s for s in steps if s[0] == "layout"]
    assert layout[0][:2] == ("layout", 0) and layout[0][2] >= 5  # about two pages an indicator
    assert len(layout) > 2 and layout[-1][1] >= 3  # page by page, from WeasyPrint's log
    pages = len(PdfReader(_job(workspace).file.path).pages)
    assert steps[-3:] == [("writing", 0, pages), ("saving", 0, 1), ("saving", 1, 1)]
    assert [s[0] for s in steps[:3]] == ["reading", "drawing", "drawing"]
    percents = [w["percent"] for w in recorded if "percent" in w]
    assert percents == sorted(percents) and percents[-1] == 100
    # The bar moves through the layout, and only the writing comes after it.
    by_step = {}
    for w in recorded:
        if "phase" in w:
            by_step.setdefault(w["phase"], []).append(w["percent"])
    assert max(by_step["drawing"]) <= min(by_step["layout"]) < max(by_step["layout"])
    assert max(by_step["layout"]) <= min(by_step["writing"]) < 100
    # WeasyPrint's logger is as it was: its page log does not reach the site's log.
    logger = logging.getLogger("weasyprint.progress")
    assert logger.propagate and logger.level == logging.NOTSET and not logger.handlers


def test_the_job_page_polls_the_progress_while_the_job_runs(workspace, owner, owner_client):
    job = ReportJobFactory(
        workspace=workspace,
        created_by=owner.user,
        status="running",
        phase="drawing",
        step_done=37,
        step_total=120,
        percent=23,
    )
    progress = _url(workspace, "impact:report_job_progress", pk=job.pk)
    html = owner_client.get(_url(workspace, "impact:report_job", pk=job.pk)).content.decode()
    assert f'hx-get="{progress}"' in html
    assert "Drawing each indicator" in html
    assert "37 of 120 indicators" in html and 'value="23"' in html
    assert "INVALID_TEMPLATE_VARIABLE" not in html

    with scope(workspace=workspace):
        ReportJob.objects.filter(pk=job.pk).update(phase="layout", step_done=134, step_total=243)
    html = owner_client.get(progress).content.decode()
    assert "Laying out the pages" in html and "page 134 of about 243" in html
    assert 'hx-get="' in html

    with scope(workspace=workspace):
        ReportJob.objects.filter(pk=job.pk).update(status="done", percent=100)
    response = owner_client.get(progress, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"  # the page reloads and shows the download
    assert "hx-get" not in response.content.decode()


def test_a_pending_job_says_it_waits(workspace, owner, owner_client):
    job = ReportJobFactory(workspace=workspace, created_by=owner.user)
    html = owner_client.get(_url(workspace, "impact:report_job", pk=job.pk)).content.decode()
    assert "Waiting for its turn" in html
    assert "hx-get" in html
    assert (
        _status(owner_client, _url(workspace, "impact:report_job_download", pk=job.pk)) == 404
    )  # nothing to download yet


# --- failures ----------------------------------------------------------------------------------


def test_a_failure_is_recorded_readably_and_logged(
    workspace, data, owner_client, monkeypatch, caplog
):
    def broken(report, progress=None):
        raise RuntimeError("matplotlib exploded")

    monkeypatch.setattr(report_jobs, "render_docx", broken)
    response = _ask(owner_client, workspace, "docx")
    job = _job(workspace)
    assert job.status == ReportJob.Status.FAILED
    assert job.error == ReportJob.Error.UNEXPECTED
    assert job.finished_at is not None and not job.file
    assert any("Impact report job" in r.getMessage() and r.exc_info for r in caplog.records), (
        "the exception is logged"
    )

    html = owner_client.get(response["Location"]).content.decode()
    assert "An unexpected error stopped the writing of the document" in html
    assert "matplotlib exploded" not in html  # no internals shown
    assert "Try again" in html and 'name="format" value="docx"' in html
    assert _status(owner_client, _url(workspace, "impact:report_job_download", pk=job.pk)) == 404


def test_a_subject_deleted_before_the_job_runs_fails_readably(workspace, data, owner, owner_client):
    actor = data["actor"]
    job = ReportJobFactory(
        workspace=workspace, created_by=owner.user, subject_ref=f"actor:{actor.pk}"
    )
    with scopes_disabled():
        actor.delete()
    assert report_jobs.run_report_job(job.pk) == {"status": "failed", "error": "subject_gone"}
    html = owner_client.get(_url(workspace, "impact:report_job", pk=job.pk)).content.decode()
    assert "The subject of this report no longer exists in the workspace." in html
    assert "A subject that no longer exists" in html


def test_a_job_of_someone_who_left_the_workspace_is_not_written(workspace, data):
    leaver = MembershipFactory(workspace=workspace, role=Role.MEMBER)
    job = ReportJobFactory(workspace=workspace, created_by=leaver.user)
    with scopes_disabled():
        leaver.delete()
    report_jobs.run_report_job(job.pk)
    job = _job(workspace, pk=job.pk)
    assert (job.status, job.error) == ("failed", "not_a_member")
    assert not job.file


def test_a_job_is_written_once_even_if_its_task_is_delivered_twice(workspace, data, owner):
    job = ReportJobFactory(workspace=workspace, created_by=owner.user, format="docx")
    assert report_jobs.run_report_job(job.pk)["status"] == "done"
    assert report_jobs.run_report_job(job.pk) == {"skipped": "done"}
    assert report_jobs.run_report_job(987654) == {"skipped": "gone"}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2025-06-01", "end": "2025-01-01"}, "end", "ends before it starts"),
        ({"start": "not a date"}, "start", "valid date"),
        ({"subject": "actor:987654"}, "subject", "valid choice"),
        ({"language": "de"}, "language", "valid choice"),
        ({"format": "odt"}, "format", "valid choice"),
        ({"format": ""}, "format", "required"),
    ],
)
def test_invalid_parameters_are_refused_with_the_form_and_no_job(
    workspace, data, owner_client, params, field, message
):
    response = _ask(owner_client, workspace, **params)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    html = response.content.decode()
    assert "alert-danger" in html
    if field == "format":
        assert "Choose the format of the document: PDF or Word." in html
    # The form sends the corrected parameters to the report page, not to the POST-only view.
    assert f'action="{_url(workspace, "impact:report")}"' in html
    with scope(workspace=workspace):
        assert not ReportJob.objects.exists()


def test_an_archived_workspace_still_gives_its_report_documents(workspace, data, owner_client):
    workspace.archived_at = timezone.now()
    workspace.save(update_fields=["archived_at"])
    response = _ask(owner_client, workspace, "docx")
    assert response.status_code == 302
    assert _job(workspace).status == "done"
    assert owner_client.post(_url(workspace, "impact:indicator_create")).status_code == 403


def test_asking_needs_a_post(workspace, owner_client):
    assert owner_client.get(_url(workspace, "impact:report_job_create")).status_code == 405


def test_a_double_click_gives_the_same_job_and_waiting_jobs_are_limited(
    workspace, data, owner, owner_client
):
    waiting = ReportJobFactory(
        workspace=workspace, created_by=owner.user, language="en", format="pdf"
    )
    response = _ask(owner_client, workspace, "pdf")  # the same document: already waited for
    assert response["Location"] == _url(workspace, "impact:report_job", pk=waiting.pk)
    for language in ("fr", "fr"):
        ReportJobFactory(workspace=workspace, created_by=owner.user, language=language)
    response = _ask(owner_client, workspace, "docx")
    assert response["Location"] == _url(workspace, "impact:report_job", pk=waiting.pk)
    with scope(workspace=workspace):
        assert ReportJob.objects.count() == 3  # nothing more queued
    page = owner_client.get(response["Location"])
    assert "You are already waiting for 3 documents" in page.content.decode()


# --- who sees what ------------------------------------------------------------------------------


def _job_urls(workspace, job):
    return [
        _url(workspace, name, pk=job.pk)
        for name in (
            "impact:report_job",
            "impact:report_job_progress",
            "impact:report_job_download",
        )
    ]


def test_a_job_of_another_workspace_is_a_404(workspace, data, owner_client):
    other = WorkspaceFactory()
    foreign = ReportJobFactory(
        workspace=other, status="done", file="impact/x/reports/a.pdf", filename="a.pdf"
    )
    for url in _job_urls(workspace, foreign):
        assert _status(owner_client, url) == 404, url


def test_a_guest_asks_for_documents_and_sees_only_their_own(workspace, data, owner):
    guest = MembershipFactory(workspace=workspace, role=Role.GUEST)
    client = client_for(guest)
    response = _ask(client, workspace, "docx")
    assert response.status_code == 302
    mine = _job(workspace, created_by=guest.user)
    assert mine.status == "done"
    for url in _job_urls(workspace, mine):
        assert _status(client, url) == 200, url

    _ask(client_for(owner), workspace, "docx")
    theirs = _job(workspace, created_by=owner.user)
    for url in _job_urls(workspace, theirs):
        assert _status(client, url) == 404, url
    # A member sees the workspace's documents (a colleague may share a job's link).
    member = client_for(MembershipFactory(workspace=workspace, role=Role.MEMBER))
    assert _status(member, _job_urls(workspace, mine)[2]) == 200
    # The guest still writes nothing else.
    assert client.post(_url(workspace, "impact:indicator_create")).status_code == 403


# --- retention and personal data ----------------------------------------------------------------


def _aged(job, days):
    with scopes_disabled():
        ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_expired_documents_are_purged_with_their_files(
    workspace, data, owner, owner_client, settings, django_capture_on_commit_callbacks
):
    settings.IMPACT_REPORT_RETENTION_DAYS = 30
    _ask(owner_client, workspace, "docx")
    _ask(owner_client, workspace, "docx", language="fr")
    old, recent = _job(workspace, language="en"), _job(workspace, language="fr")
    old_path = old.file.path
    _aged(old, 31)
    _aged(recent, 29)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_report_jobs", stdout=out)
    assert "1 report document deleted." in out.getvalue()
    with scopes_disabled():
        assert list(ReportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not os.path.exists(old_path)
    assert os.path.exists(recent.file.path)


def test_purge_days_option_and_purge_on_asking(
    workspace, data, owner, owner_client, django_capture_on_commit_callbacks
):
    other = WorkspaceFactory()
    kept_elsewhere = ReportJobFactory(workspace=other)
    _aged(kept_elsewhere, 400)
    stale = ReportJobFactory(workspace=workspace, created_by=owner.user)
    _aged(stale, 400)
    with django_capture_on_commit_callbacks(execute=True):
        _ask(owner_client, workspace, "docx")  # purges this workspace's expired jobs
    with scopes_disabled():
        assert not ReportJob.objects.filter(pk=stale.pk).exists()
        assert ReportJob.objects.filter(pk=kept_elsewhere.pk).exists()
    out = io.StringIO()
    call_command("purge_report_jobs", "--days", "500", stdout=out)
    assert "0 report documents deleted." in out.getvalue()
    call_command("purge_report_jobs", "--days", "7", stdout=out)
    with scopes_disabled():
        assert not ReportJob.objects.filter(pk=kept_elsewhere.pk).exists()


def test_a_persons_documents_are_exported_and_erased_with_their_files(
    workspace, data, owner_client, django_capture_on_commit_callbacks
):
    camille = MembershipFactory(workspace=workspace, role=Role.MEMBER).user
    client = client_for(camille)
    _ask(client, workspace, "docx")
    _ask(owner_client, workspace, "docx")
    job = _job(workspace, created_by=camille)
    path = job.file.path

    export = export_person(camille.email)
    items = export["records"]["impact.ReportJob"]["items"]
    assert [item["id"] for item in items] == [job.pk]
    assert items[0]["fields"]["filename"] == "impact-report-2025.docx"
    assert items[0]["workspace"]["slug"] == workspace.slug

    with django_capture_on_commit_callbacks(execute=True):
        erase_person(camille.email, by=None, force=True)
    with scopes_disabled():
        assert not ReportJob.objects.filter(pk=job.pk).exists()
        assert ReportJob.objects.count() == 1  # the owner's document stays
    assert not os.path.exists(path)


def test_subjects_of_jobs_are_described_in_one_pass(workspace, data, owner, owner_client):
    actor = data["actor"]
    for _ in range(3):
        ReportJobFactory(
            workspace=workspace, created_by=owner.user, subject_ref=f"actor:{actor.pk}"
        )
    page = owner_client.get(_url(workspace, "impact:report"))
    assert {job.subject_label for job in page.context["jobs"]} == {
        f"Recyclerie du Val ({subjects.get_kind('actor').label})"
    }
