"""Bulk invitation of members from a file: the web pages, the background tasks, the command."""

import io
import re
import zipfile

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled

from maillage.core.imports import run_import_file
from maillage.core.models import AuditEvent, ImportJob
from maillage.workspaces.importers import MemberInvitationImporter
from maillage.workspaces.models import Invitation, Role
from tests.conftest import client_for
from tests.factories import ImportJobFactory, InvitationFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English (the source language); French is the default."""
    with translation.override("en"):
        yield


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def manager_client(manager):
    return english(client_for(manager))


@pytest.fixture
def member_client(member):
    return english(client_for(member))


@pytest.fixture
def guest_client(guest):
    return english(client_for(guest))


def html_of(response) -> str:
    html = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    return html


def pending(workspace) -> dict[str, str]:
    with scopes_disabled():
        return dict(
            Invitation.objects.filter(
                workspace=workspace, accepted_at__isnull=True, revoked_at__isnull=True
            ).values_list("email", "role")
        )


def csv_file(text: str, name="personnes.csv", encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def upload(client, workspace, file, *, all_or_nothing=True):
    data = {"file": file}
    if all_or_nothing:
        data["all_or_nothing"] = "on"
    url = reverse("imports:upload", args=[workspace.slug]) + "?kind=members"
    return client.post(url, data)


def latest_job(workspace) -> ImportJob:
    with scopes_disabled():
        return ImportJob.objects.filter(workspace=workspace).latest("id")


@pytest.fixture
def existing(workspace):
    """A member and a pending invitation that the file mentions again."""
    member = MembershipFactory(
        workspace=workspace, role=Role.MEMBER, user__email="deja@example.org"
    )
    invitation = InvitationFactory(workspace=workspace, email="invite@example.org", role=Role.GUEST)
    return member, invitation


FILE = (
    "Courriel;Rôle;Nom\n"
    "camille@example.org;membre;Camille Martin\n"  # line 2: new
    "DOMINIQUE@example.org;Gestionnaire;Dominique Petit\n"  # 3: new, French role label
    "deja@example.org;membre;Déjà Là\n"  # 4: already a member → unchanged
    "invite@example.org;invité;Invitée\n"  # 5: pending invitation, same role → unchanged
    "pas-une-adresse;membre;\n"  # 6: invalid e-mail
    "eve@example.org;chef;\n"  # 7: unknown role
    "camille@example.org;invité;\n"  # 8: duplicate of line 2
    "boss@example.org;propriétaire;\n"  # 9: a manager cannot invite an owner
)


def test_members_page_links_to_the_import_for_managers_only(
    manager_client, member_client, workspace
):
    url = reverse("workspaces:members", args=[workspace.slug])
    link = reverse("imports:upload", args=[workspace.slug]) + "?kind=members"
    assert link in manager_client.get(url).content.decode()
    assert link not in member_client.get(url).content.decode()


def test_upload_page_documents_the_column_layout(manager_client, workspace):
    response = manager_client.get(
        reverse("imports:upload", args=[workspace.slug]) + "?kind=members"
    )
    assert response.status_code == 200
    page = html_of(response)
    layout = page[page.index('id="import-layout"') :]
    for text in (
        "E-mail address",
        "courriel",
        "Role",
        "gestionnaire",
        "Full name",
        "identifies the row",
    ):
        assert text in layout
    assert 'name="all_or_nothing"' in page and "checked" in page
    assert 'enctype="multipart/form-data"' in page


def test_web_flow_upload_preview_commit_result(
    manager_client, manager, workspace, existing, django_capture_on_commit_callbacks
):
    response = upload(manager_client, workspace, csv_file(FILE))
    job = latest_job(workspace)
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[workspace.slug, job.pk])
    # The task ran (immediate backend in tests): the preview is ready, nothing was invited.
    assert job.status == ImportJob.Status.VALIDATED
    assert (job.processed_rows, job.total_rows) == (8, 8)
    assert job.file.name.startswith(f"imports/{workspace.pk}/")
    assert job.original_filename == "personnes.csv"
    assert job.created_by == manager.user
    counts = job.report["counts"]
    assert counts == {
        "total": 8,
        "valid": 4,
        "invalid": 4,
        "create": 2,
        "update": 0,
        "unchanged": 2,
    }
    assert [(e["line"], e["header"]) for e in job.report["errors"]] == [
        (6, "Courriel"),
        (7, "Rôle"),
        (8, "Courriel"),
        (9, "Rôle"),
    ]
    assert "line 2" in job.report["errors"][2]["message"]
    assert pending(workspace) == {"invite@example.org": Role.GUEST}

    # The progress partial: finished, so no more polling, and HTMX reloads the page.
    progress = manager_client.get(
        reverse("imports:progress", args=[workspace.slug, job.pk]), HTTP_HX_REQUEST="true"
    )
    assert progress["HX-Refresh"] == "true"
    assert 'aria-valuenow="100"' in progress.content.decode()
    assert "hx-trigger" not in progress.content.decode()

    # The preview: counts, every error with its line and column, and the choice offered.
    page = manager_client.get(reverse("imports:job", args=[workspace.slug, job.pk]))
    html = html_of(page)
    assert page.status_code == 200
    assert "Read as CSV: encoding UTF-8" in html
    errors = html[html.index('id="import-errors"') :]
    rows = re.findall(
        r'<tr><th scope="row">(\d+)</th><td>([^<]*)</td><td>([^<]*)</td></tr>', errors
    )
    assert [(line, column) for line, column, _ in rows] == [
        ("6", "Courriel"),
        ("7", "Rôle"),
        ("8", "Courriel"),
        ("9", "Rôle"),
    ]
    assert "pas-une-adresse" in rows[0][2]
    assert "Only an owner" in rows[3][2]
    assert 'name="allow_partial"' in html  # all or nothing chosen: offer the valid rows only
    commit_url = reverse("imports:commit", args=[workspace.slug, job.pk])
    assert commit_url in html

    # Commit the valid rows only: two invitations, two e-mails, one audit event for the import.
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(commit_url, {"allow_partial": "1"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.report["saved"] == {"create": 2, "update": 0}
    assert pending(workspace) == {
        "invite@example.org": Role.GUEST,
        "camille@example.org": Role.MEMBER,
        "dominique@example.org": Role.MANAGER,
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["camille@example.org", "dominique@example.org"]
    assert AuditEvent.objects.filter(
        workspace=workspace, action="other", changes__import="members"
    ).exists()
    result = manager_client.get(reverse("imports:job", args=[workspace.slug, job.pk]))
    assert "Import finished: 2 created, 0 updated." in html_of(result)
    assert reverse("workspaces:members", args=[workspace.slug]) in result.content.decode()

    # A second commit of the same job does nothing.
    manager_client.post(commit_url, {"allow_partial": "1"})
    assert len(pending(workspace)) == 3

    # Re-importing the same file invites nobody twice.
    upload(manager_client, workspace, csv_file(FILE))
    again = latest_job(workspace)
    assert again.report["counts"]["create"] == 0
    assert again.report["counts"]["unchanged"] == 4
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(
            reverse("imports:commit", args=[workspace.slug, again.pk]), {"allow_partial": "1"}
        )
    assert len(pending(workspace)) == 3
    assert len(mail.outbox) == 2


def test_all_or_nothing_commit_with_errors_stores_nothing(
    manager_client, workspace, django_capture_on_commit_callbacks
):
    text = "email;role\nok@example.org;member\nnot-an-email;member\n"
    upload(manager_client, workspace, csv_file(text))
    job = latest_job(workspace)
    page = manager_client.get(reverse("imports:job", args=[workspace.slug, job.pk]))
    assert "Commit the import" not in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("imports:commit", args=[workspace.slug, job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error_message == "1 row has errors: nothing was imported."
    failed = html_of(manager_client.get(reverse("imports:job", args=[workspace.slug, job.pk])))
    assert job.error_message in failed and "not-an-email" in failed
    assert pending(workspace) == {}
    assert mail.outbox == []


def test_clean_file_is_committed_in_one_click(
    manager_client, workspace, django_capture_on_commit_callbacks
):
    text = "E-mail;Role\r\na@example.org;guest\r\nb@example.org;\r\n"
    upload(manager_client, workspace, csv_file(text, encoding="iso-8859-15"))
    job = latest_job(workspace)
    page = manager_client.get(
        reverse("imports:job", args=[workspace.slug, job.pk])
    ).content.decode()
    assert "Commit the import" in page and 'name="allow_partial"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("imports:commit", args=[workspace.slug, job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert pending(workspace) == {"a@example.org": Role.GUEST, "b@example.org": Role.MEMBER}


def test_progress_partial_polls_while_the_job_runs(manager_client, workspace):
    job = ImportJobFactory(
        workspace=workspace, status=ImportJob.Status.VALIDATING, processed_rows=400, total_rows=1000
    )
    url = reverse("imports:progress", args=[workspace.slug, job.pk])
    partial = manager_client.get(url, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert partial.status_code == 200 and "HX-Refresh" not in partial
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html
    assert 'aria-valuenow="40"' in html and 'value="40"' in html
    page = manager_client.get(reverse("imports:job", args=[workspace.slug, job.pk]))
    assert 'aria-live="polite"' in page.content.decode() and url in page.content.decode()


def test_upload_refuses_a_zip_bomb_in_the_form(manager_client, workspace, settings):
    settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = 100_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 1_000_000)
    file = SimpleUploadedFile("bomb.xlsx", buffer.getvalue())
    response = upload(manager_client, workspace, file)
    assert response.status_code == 200
    assert "once unzipped" in str(response.context["form"].errors["file"])
    with scopes_disabled():
        assert not ImportJob.objects.filter(workspace=workspace).exists()


def test_a_guest_cannot_import(guest_client, workspace):
    response = upload(guest_client, workspace, csv_file("email\na@example.org\n"))
    assert response.status_code == 403
    page = guest_client.get(reverse("imports:upload", args=[workspace.slug]) + "?kind=members")
    assert page.status_code == 403
    with scopes_disabled():
        assert not ImportJob.objects.filter(workspace=workspace).exists()


def test_a_member_may_not_run_the_member_import(member_client, workspace):
    url = reverse("imports:upload", args=[workspace.slug]) + "?kind=members"
    assert member_client.get(url).status_code == 403
    assert (
        member_client.get(reverse("imports:upload", args=[workspace.slug]) + "?kind=x").status_code
        == 404
    )
    listing = member_client.get(reverse("imports:list", args=[workspace.slug]))
    assert listing.status_code == 200 and "?kind=members" not in listing.content.decode()


def test_another_workspaces_job_is_not_found(manager_client, workspace, other_workspace):
    foreign = ImportJobFactory(workspace=other_workspace, status=ImportJob.Status.VALIDATED)
    mine = ImportJobFactory(workspace=workspace)
    for name in ("imports:job", "imports:progress"):
        assert (
            manager_client.get(reverse(name, args=[workspace.slug, foreign.pk])).status_code == 404
        )
        assert manager_client.get(reverse(name, args=[workspace.slug, mine.pk])).status_code == 200
    commit = manager_client.post(reverse("imports:commit", args=[workspace.slug, foreign.pk]))
    assert commit.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == ImportJob.Status.VALIDATED
    listing = html_of(manager_client.get(reverse("imports:list", args=[workspace.slug])))
    assert reverse("imports:job", args=[workspace.slug, mine.pk]) in listing
    assert f"/{foreign.pk}/" not in listing


# --- the importer's rules -------------------------------------------------------------------


def run(workspace, user, text, **options):
    with scope(workspace=workspace):
        importer = MemberInvitationImporter(workspace=workspace, user=user)
        return run_import_file(importer, text.encode(), "f.csv", **options)


def test_a_pending_invitation_with_another_role_is_replaced_not_doubled(
    workspace, owner, django_capture_on_commit_callbacks
):
    InvitationFactory(workspace=workspace, email="x@example.org", role=Role.MEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        report = run(workspace, owner.user, "email;role\nx@example.org;guest\n", commit=True)
    assert (report.update, report.saved) == (1, {"create": 0, "update": 1})
    assert pending(workspace) == {"x@example.org": Role.GUEST}
    assert len(mail.outbox) == 1


def test_an_owner_may_invite_owners_in_a_file(workspace, owner, manager):
    text = "email;role\nboss@example.org;Propriétaire\n"
    assert run(workspace, owner.user, text).valid == 1
    assert run(workspace, manager.user, text).invalid == 1


def test_roles_accept_french_and_english_writing(workspace, owner):
    text = "email;role\n" + "".join(
        f"p{i}@example.org;{role}\n"
        for i, role in enumerate(
            [
                "Owner",
                "PROPRIÉTAIRE",
                "manager",
                "gestionnaire",
                "Membre",
                "",
                "invité",
                "Invitée",
                "guest",
            ]
        )
    )
    with scope(workspace=workspace):
        importer = MemberInvitationImporter(workspace=workspace, user=owner.user)
        from maillage.core.imports import read_table, run_import

        table = read_table(text.encode(), "f.csv")
        report = run_import(importer, table)
    assert report.invalid == 0 and report.valid == 9


# --- the command ----------------------------------------------------------------------------


def test_command_dry_run_prints_errors_with_line_numbers(workspace, manager, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(FILE, encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(
            "import_file",
            "members",
            str(path),
            workspace=workspace.slug,
            user=manager.user.email,
            stdout=out,
        )
    assert failed.value.returncode == 1
    output = out.getvalue()
    assert "Rows: 8, valid: 4, with errors: 4; to create: 4, to update: 0, unchanged: 0." in output
    assert "line 6 [Courriel]: " in output and "line 9 [Rôle]: " in output
    assert "Dry run" in output
    assert pending(workspace) == {}


def test_command_commit(workspace, manager, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "people.csv"
    path.write_text("email;role\na@example.org;member\nbad;member\n", encoding="utf-8")
    args = ("import_file", "members", str(path))
    kwargs = {"workspace": workspace.slug, "user": manager.user.email, "stdout": io.StringIO()}
    with pytest.raises(CommandError):
        call_command(*args, commit=True, **kwargs)
    assert pending(workspace) == {}
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CommandError):
        call_command(*args, commit=True, allow_partial=True, **kwargs)
    assert pending(workspace) == {"a@example.org": Role.MEMBER}
    path.write_text("email;role\nb@example.org;guest\n", encoding="utf-8")
    out = io.StringIO()
    call_command(*args, commit=True, workspace=workspace.slug, user=manager.user.email, stdout=out)
    assert "Imported: 1 created, 0 updated." in out.getvalue()
    assert pending(workspace) == {"a@example.org": Role.MEMBER, "b@example.org": Role.GUEST}


def test_command_refuses_bad_arguments(workspace, manager, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("email\na@example.org\n", encoding="utf-8")
    stranger = UserFactory()
    cases = [
        ({"workspace": workspace.slug}, "needs --user"),
        ({"workspace": "nowhere", "user": manager.user.email}, "No workspace"),
        ({"workspace": workspace.slug, "user": stranger.email}, "not a member"),
    ]
    for kwargs, message in cases:
        with pytest.raises(CommandError, match=message):
            call_command("import_file", "members", str(path), stdout=io.StringIO(), **kwargs)
    with pytest.raises(CommandError, match="Unknown import kind"):
        call_command("import_file", "no_such_kind", str(path), workspace=workspace.slug)


def test_ten_thousand_row_preview_with_the_member_importer(workspace, owner):
    from tests.core.test_imports import EXPECTED, _big_file

    data, bad = _big_file()
    report = run(workspace, owner.user, data.decode())
    assert (report.total, report.valid, report.invalid) == (10_000, 9_900, 100)
    assert {e.line: e.column for e in report.errors} == {
        line: EXPECTED[kind][0] for line, kind in bad.items()
    }
    assert pending(workspace) == {}


def test_the_full_name_is_kept_on_the_invitation(workspace, owner):
    run(workspace, owner.user, "email;nom complet\nzoe@example.org;Zoé Lambert\n", commit=True)
    with scopes_disabled():
        invitation = Invitation.objects.get(workspace=workspace, email="zoe@example.org")
    assert invitation.full_name == "Zoé Lambert"
