"""The EU "contrôle de service fait" pack: its figures against the funder report and by hand,
the ZIP opened and its files read back (pypdf, openpyxl), the background job and who gets it."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from maillage.finance.models import DocumentJob
from maillage.finance.reports import eu_pack
from maillage.finance.services import overviews as services
from maillage.workspaces.models import Role
from tests.conftest import client_for
from tests.factories import (
    DocumentJobFactory,
    LedgerAllocationFactory,
    LedgerLineFactory,
    MembershipFactory,
    TimeEntryFactory,
)

from . import golden

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def case(workspace):
    case = golden.build(workspace)
    # A second month for Alice, and hours outside the agreements' period (not in the pack).
    TimeEntryFactory(
        workspace=workspace,
        person=case["alice"],
        project=case["project"],
        date=datetime.date(2025, 4, 7),
        hours=D("2.5"),
    )
    return case


def pack_of(workspace, agreement, with_amounts=True):
    with scope(workspace=workspace):
        return eu_pack.build_pack(agreement, with_amounts=with_amounts)


def test_the_summary_has_the_funder_reports_lines(workspace, case):
    pack = pack_of(workspace, case["region"])
    report = pack.report
    lines = {line.key: line.actual for line in report.charges}
    assert {row.code: row.action for row in pack.categories} == {
        code: lines[code] for code in ("60", "61", "62", "63", "64", "65", "66", "67", "68")
    }
    # 15 % of the action's staff costs: 15 % of 546.30 = 81.945 → 81.95.
    assert pack.indirect_action == lines["indirect"] == D("81.95")
    assert pack.action_total == report.charges_total.actual
    assert pack.charged_total == report.charged == D("604.41")
    # April: Alice's 2.5 h at 26.14 = 65.35 € more staff costs than the CERFA golden case.
    assert lines["64"] == D("480.95") + D("65.35")
    assert [row.code for row in pack.categories if row.eligible] == ["60", "61", "62", "64"]


def test_what_is_charged_by_hand(workspace, case):
    pack = pack_of(workspace, case["region"])
    charged = {row.code: row.charged for row in pack.categories}
    # 40 % key: tools 500 → 200; fees 50 % of 1,000 → 500 → 200; Alice 40 % of
    # (14.5 + 2.5) h × 26.14 = 177.752; Bob's hours are named for the foundation.
    assert charged["60"] == D("200.00")
    assert charged["62"] == D("200.00")
    assert charged["64"] == D("177.75")
    assert charged["68"] == D("0")
    # Indirect: 15 % of the 177.752 € of staff charged = 26.6628 → 26.66.
    assert pack.indirect_charged == D("26.66")
    assert pack.charged_total == D("604.41") == pack.report.charged
    assert pack.documents_total + pack.staff_charged + pack.indirect_charged == pack.charged_total


def test_the_supporting_documents(workspace, case):
    pack = pack_of(workspace, case["region"])
    rows = [(r.line.account_number, r.amount, r.share, r.charged, r.by_key) for r in pack.documents]
    assert rows == [
        ("6063", D("500.00"), D("40.0000"), D("200.00"), True),
        ("6226", D("1000.00"), D("20.0000"), D("200.00"), True),  # 50 % × 40 %
    ]
    assert pack.documents_total == D("400.00")


def test_the_hours_of_each_person(workspace, case):
    pack = pack_of(workspace, case["region"])
    people = {row.person.first_name: row for row in pack.people}
    assert list(people) == ["Vera", "Alice", "Bob"]  # by last name: Blanc, Martin, Petit
    alice = people["Alice"]
    assert (alice.hours, alice.hours_charged, alice.rates, alice.charged, alice.months) == (
        D("17.00"),
        D("6.80"),  # 40 % of 17 h
        [D("26.14")],
        D("177.75"),
        2,
    )
    assert (people["Bob"].hours, people["Bob"].hours_charged) == (D("3.25"), D("0"))
    assert people["Vera"].is_volunteer and people["Vera"].charged == D("0")
    assert [(s.person.first_name, s.year, s.month, s.hours) for s in pack.timesheets] == [
        ("Vera", 2025, 3, D("4.00")),
        ("Alice", 2025, 3, D("14.50")),
        ("Alice", 2025, 4, D("2.50")),
        ("Bob", 2025, 3, D("3.25")),
    ]


@given(
    amounts=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=9_999_999),
            st.sampled_from([D("100"), D("33.33"), D("12.5"), D("66.67")]),
            st.booleans(),  # named for the agreement, or by the key
        ),
        min_size=1,
        max_size=6,
    )
)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_the_pack_always_reconciles(workspace, case, amounts):
    region = case["region"]
    created = []
    for index, (cents, share, named) in enumerate(amounts):
        line = LedgerLineFactory(
            workspace=workspace,
            account_number="6226",
            category="62",
            debit=D(cents) / 100,
            entry_date=datetime.date(2025, 1 + index, 20),
        )
        created.append(line)
        LedgerAllocationFactory(
            workspace=workspace,
            line=line,
            project=case["project"],
            share=share,
            agreement=region if named else None,
        )
    try:
        pack = pack_of(workspace, region)
        assert pack.charged_total == pack.report.charged
        parts = pack.documents_total + pack.staff_charged + pack.indirect_charged
        assert parts == pack.charged_total
        assert sum(row.charged for row in pack.categories) + pack.indirect_charged == parts
        assert {row.code: row.action for row in pack.categories} == {
            line.key: line.actual for line in pack.report.charges if line.key != "indirect"
        }
    finally:
        with scopes_disabled():
            for line in created:
                line.delete()


# --- the ZIP ----------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _zip(workspace, agreement, *, with_amounts=True, render_timesheet=None):
    pack = pack_of(workspace, agreement, with_amounts)
    buffer = io.BytesIO()
    options = {"render_timesheet": render_timesheet} if render_timesheet else {}
    with scope(workspace=workspace):
        eu_pack.write_pack(buffer, pack, **options)
    return pack, zipfile.ZipFile(buffer)


def test_the_zip_and_its_files(workspace, case):
    pack, archive = _zip(workspace, case["region"])
    assert archive.testzip() is None
    assert archive.namelist() == [
        "timesheets/blanc-vera-2025-03.pdf",
        "timesheets/martin-alice-2025-03.pdf",
        "timesheets/martin-alice-2025-04.pdf",
        "timesheets/petit-bob-2025-03.pdf",
        "supporting-documents.xlsx",
        "supporting-documents.pdf",
        "summary.pdf",
    ]
    # A timesheet: the person's month, to sign.
    sheet = _pdf_text(archive.read("timesheets/martin-alice-2025-04.pdf"))
    assert "Alice Martin" in sheet and "April 2025" in sheet and "2.50" in sheet
    # The supporting documents, as a workbook and as a PDF.
    book = load_workbook(io.BytesIO(archive.read("supporting-documents.xlsx")))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Date", "Journal", "Entry number", "Account")
    documents = {row[3]: row for row in rows[1:]}
    assert set(documents) == {"6063", "6226"}
    line = case["lines"]["6226"]
    assert documents["6226"][6] == line.piece_ref and documents["6226"][2] == line.entry_number
    assert documents["6226"][9:12] == (1000, 20, 200)
    listing = _pdf_text(archive.read("supporting-documents.pdf"))
    assert line.piece_ref in listing and "400.00" in listing
    # The summary: the funder report's totals, the hours, the rates (allowed here).
    summary = _pdf_text(archive.read("summary.pdf"))
    # Eligible: 500 + 500 + 546.30 of staff, and 15 % of 546.30 = 81.945: 1,628.245 → 1,628.25.
    assert pack.report.eligible == D("1628.25")
    for text in ("REGION-25", "1,628.25", "604.41", "546.30", "17.00", "26.14", "177.75"):
        assert text in summary, text


def test_the_summary_leaves_out_rates_without_the_permission(workspace, case):
    _pack, archive = _zip(workspace, case["region"], with_amounts=False)
    summary = _pdf_text(archive.read("summary.pdf"))
    assert "17.00" in summary and "6.80" in summary  # hours, always
    assert "26.14" not in summary and "31.36" not in summary
    assert "left out" in summary


def test_the_pack_takes_any_timesheet_renderer(workspace, case):
    asked = []

    def render(person, year, month):
        asked.append((person.first_name, year, month))
        return b"%PDF-fake"

    _pack, archive = _zip(workspace, case["foundation"], render_timesheet=render)
    assert asked == [("Vera", 2025, 3), ("Alice", 2025, 3), ("Alice", 2025, 4), ("Bob", 2025, 3)]
    assert archive.read("timesheets/petit-bob-2025-03.pdf") == b"%PDF-fake"


# --- the pages and the job --------------------------------------------------------------------


def _url(name, workspace, pk):
    return reverse(f"finance:{name}", args=[workspace.slug, pk])


@pytest.fixture
def fast_timesheets(monkeypatch):
    """Timesheets are read back elsewhere: here a stand-in keeps the job tests quick."""
    monkeypatch.setattr(eu_pack, "default_timesheet", lambda person, year, month: b"%PDF-1.4")


def test_a_member_writes_the_pack_in_the_background(workspace, case, fast_timesheets):
    membership = MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=True)
    client = client_for(membership)
    page = client.get(_url("eu_pack", workspace, case["region"].pk))
    assert page.status_code == 200
    assert "4 timesheets to lay out" in page.content.decode()
    response = client.post(_url("eu_pack_create", workspace, case["region"].pk))
    assert response.status_code == 302
    with scopes_disabled():
        job = DocumentJob.objects.get()
    assert response["Location"] == _url("eu_pack_job", workspace, job.pk)
    assert (job.status, job.percent, job.with_amounts) == ("done", 100, True)
    assert job.filename == "eu-control-pack-region-25.zip"
    assert "Download" in client.get(response["Location"]).content.decode()
    download = client.get(_url("eu_pack_job_download", workspace, job.pk))
    assert download["Content-Type"] == "application/zip"
    assert "eu-control-pack-region-25.zip" in download["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "summary.pdf" in archive.namelist()
    assert "26.14" in _pdf_text(archive.read("summary.pdf"))
    progress = client.get(_url("eu_pack_job_progress", workspace, job.pk), HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"


def test_without_the_permission_the_pack_has_hours_only(workspace, case, member, fast_timesheets):
    client = client_for(member)
    client.post(_url("eu_pack_create", workspace, case["region"].pk))
    with scopes_disabled():
        job = DocumentJob.objects.get()
    assert job.with_amounts is False
    download = client.get(_url("eu_pack_job_download", workspace, job.pk))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    summary = _pdf_text(archive.read("summary.pdf"))
    assert "6.80" in summary and "26.14" not in summary


def test_a_pack_is_its_authors_only(workspace, case, member, fast_timesheets):
    client_for(member).post(_url("eu_pack_create", workspace, case["region"].pk))
    with scopes_disabled():
        job = DocumentJob.objects.get()
    other = client_for(MembershipFactory(workspace=workspace, role=Role.OWNER))
    for name in ("eu_pack_job", "eu_pack_job_progress", "eu_pack_job_download"):
        assert other.get(_url(name, workspace, job.pk)).status_code == 404


def test_a_guest_reads_the_pack_page_but_cannot_write_one(workspace, case, guest_client):
    page = guest_client.get(_url("eu_pack", workspace, case["region"].pk))
    assert page.status_code == 200
    assert _url("eu_pack_create", workspace, case["region"].pk) not in page.content.decode()
    assert (
        guest_client.post(_url("eu_pack_create", workspace, case["region"].pk)).status_code == 403
    )
    with scopes_disabled():
        assert not DocumentJob.objects.exists()


def test_a_double_click_gives_the_pack_already_waited_for(workspace, case, member):
    waiting = DocumentJobFactory(
        workspace=workspace, agreement=case["region"], created_by=member.user, language="en"
    )
    client = client_for(member)
    response = client.post(_url("eu_pack_create", workspace, case["region"].pk), follow=True)
    assert response.redirect_chain[-1][0] == _url("eu_pack_job", workspace, waiting.pk)
    page = response.content.decode()
    assert "already being written" in page and "Waiting for its turn" in page
    assert 'hx-get="' in page  # the page polls the progress
    assert client.get(_url("eu_pack_job_download", workspace, waiting.pk)).status_code == 404
    with scopes_disabled():
        assert DocumentJob.objects.count() == 1


def test_waiting_packs_are_limited(workspace, case, member):
    for agreement, language in [("foundation", "en"), ("foundation", "fr"), ("region", "fr")]:
        DocumentJobFactory(
            workspace=workspace,
            agreement=case[agreement],
            created_by=member.user,
            language=language,
        )
    response = client_for(member).post(
        _url("eu_pack_create", workspace, case["region"].pk), follow=True
    )
    assert "You are already waiting for 3 documents" in response.content.decode()
    with scopes_disabled():
        assert DocumentJob.objects.count() == 3


def test_a_pack_whose_author_left_fails_with_a_reason(workspace, case):
    job = DocumentJobFactory(workspace=workspace, agreement=case["region"])  # not a member
    assert services.run_document_job(job.pk) == {"status": "failed", "error": "not_a_member"}
    with scopes_disabled():
        job.refresh_from_db()
    assert job.status == "failed" and "no longer a member" in job.error_message
    assert services.run_document_job(job.pk) == {"skipped": "failed"}
    assert services.run_document_job(987654) == {"skipped": "gone"}


def test_the_permission_is_checked_again_when_the_pack_is_written(workspace, case, fast_timesheets):
    membership = MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=False)
    job = DocumentJobFactory(
        workspace=workspace, agreement=case["region"], created_by=membership.user, with_amounts=True
    )
    assert services.run_document_job(job.pk)["status"] == "done"
    with scopes_disabled():
        job.refresh_from_db()
        with job.file.open("rb") as handle:
            archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert "26.14" not in _pdf_text(archive.read("summary.pdf"))


def test_old_packs_are_purged_with_their_files(workspace, case, member, fast_timesheets):
    client_for(member).post(_url("eu_pack_create", workspace, case["region"].pk))
    with scopes_disabled():
        job = DocumentJob.objects.get()
        storage, name = job.file.storage, job.file.name
        assert storage.exists(name)
        DocumentJob.objects.filter(pk=job.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=services.retention_days() + 1)
        )
    assert services.purge_document_jobs() == 1
    with scopes_disabled():
        assert not DocumentJob.objects.exists()


def test_a_pack_whose_writing_stopped_shows_as_interrupted(workspace, case, member, monkeypatch):
    from maillage.finance import tasks

    stalled = DocumentJobFactory(
        workspace=workspace, agreement=case["region"], created_by=member.user, status="running"
    )
    with scopes_disabled():
        DocumentJob.objects.filter(pk=stalled.pk).update(
            updated_at=timezone.now() - DocumentJob.STALLED_AFTER - datetime.timedelta(minutes=1)
        )
    client = client_for(member)
    page = client.get(_url("eu_pack_job", workspace, stalled.pk)).content.decode()
    assert "stopped before its end" in page and 'hx-get="' not in page
    queued = []
    monkeypatch.setattr(
        type(tasks.generate_document), "enqueue", lambda self, pk: queued.append(pk)
    )
    client.post(_url("eu_pack_create", workspace, case["region"].pk))
    with scopes_disabled():
        stalled.refresh_from_db()
        fresh = DocumentJob.objects.exclude(pk=stalled.pk).get()
    assert (stalled.status, stalled.error) == ("failed", "interrupted")
    assert queued == [fresh.pk]


def test_the_agreement_project_and_funder_pages_link_to_the_reports(workspace, case, member_client):
    for page, target, pk in [
        ("agreement", "eu_pack", case["region"].pk),
        ("project", "project_report", case["project"].pk),
        ("funder", "funder_report", case["region"].funder_id),
    ]:
        html = member_client.get(_url(page, workspace, pk)).content.decode()
        assert _url(target, workspace, pk) in html, page


def test_a_persons_packs_are_exported_and_erased_with_their_files(
    workspace, case, member, fast_timesheets, django_capture_on_commit_callbacks
):
    from maillage.core.personal_data import erase_person, export_person

    client_for(member).post(_url("eu_pack_create", workspace, case["region"].pk))
    with scopes_disabled():
        job = DocumentJob.objects.get()
        storage, name = job.file.storage, job.file.name
    items = export_person(member.user.email)["records"]["finance.DocumentJob"]["items"]
    assert [item["id"] for item in items] == [job.pk]
    assert items[0]["fields"]["filename"] == "eu-control-pack-region-25.zip"
    with django_capture_on_commit_callbacks(execute=True):
        erase_person(member.user.email, by=None, force=True)
    with scopes_disabled():
        assert not DocumentJob.objects.exists()
    assert not storage.exists(name)
