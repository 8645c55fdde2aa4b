"""The gate pages: the decision form on partnerships:decisions, the log, the timeline, and the
attachments' downloads."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from maillage.partnerships.choices import Outcome, Stage, Status
from maillage.partnerships.models import GateAttachment, GateCriterion, GateDecision, Partnership
from maillage.partnerships.selectors.lifecycle import timeline
from tests.conftest import client_for
from tests.downloads import close_file
from tests.factories import (
    AxisResultFactory,
    ExperimentPlanFactory,
    GateDecisionFactory,
    MembershipFactory,
    PartnershipFactory,
    PartnershipGuestFactory,
    WorkAxisFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)


def _urls(partnership):
    slug = partnership.workspace.slug
    return (
        reverse("partnerships:decisions", args=[slug, partnership.pk]),
        reverse("partnerships:decision_create", args=[slug, partnership.pk]),
    )


def _post(client, partnership, outcome, **extra):
    data = {
        "version": partnership.version,
        "outcome": outcome,
        "decided_on": DAY.isoformat(),
        "deciders": "Claire Martin\nPaul Dupont",
        "rationale": "Les objectifs sont alignés.",
        **extra,
    }
    return client.post(_urls(partnership)[1], data)


def _fresh(partnership):
    with scopes_disabled():
        return Partnership.objects.get(pk=partnership.pk)


def test_go_moves_the_stage_and_the_log_shows_it(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace)
    response = _post(member_client, partnership, Outcome.GO)
    assert response.status_code == 302
    after = _fresh(partnership)
    assert (after.stage, after.status) == (Stage.FRAME, Status.ACTIVE)
    page = member_client.get(_urls(partnership)[0])
    text = page.content.decode()
    assert "01 Meet → 02 Frame" in text
    assert "Claire Martin, Paul Dupont" in text


def test_no_go_keeps_the_stage(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace, stage=Stage.FRAME)
    assert _post(member_client, partnership, Outcome.NO_GO).status_code == 302
    assert _fresh(partnership).stage == Stage.FRAME
    with scopes_disabled():
        decision = GateDecision.objects.get(partnership=partnership)
    assert (decision.stage_before, decision.stage_after) == (Stage.FRAME, Stage.FRAME)


def test_an_outcome_the_state_does_not_allow_is_a_form_error(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace, stage=Stage.DEPLOY)
    response = _post(member_client, partnership, Outcome.GO)  # already at the last stage
    assert response.status_code == 200
    assert "outcome" in response.context["form"].errors
    response = _post(member_client, partnership, Outcome.RESUME)  # not paused
    assert "outcome" in response.context["form"].errors
    with scopes_disabled():
        assert not GateDecision.objects.filter(partnership=partnership).exists()
    assert _fresh(partnership).stage == Stage.DEPLOY


def test_the_form_offers_only_the_allowed_outcomes(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace, status=Status.PAUSED)
    form = member_client.get(_urls(partnership)[0]).context["form"]
    assert [value for value, _label in form.fields["outcome"].choices] == [
        Outcome.RESUME,
        Outcome.END,
    ]


def test_a_stale_version_gives_409(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace)
    response = _post(member_client, partnership, Outcome.GO, version=partnership.version + 5)
    assert response.status_code == 409
    assert _fresh(partnership).stage == Stage.MEET


def test_postpone_needs_the_next_gate_and_plans_it(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace)
    response = _post(member_client, partnership, Outcome.POSTPONE)
    assert "next_gate_on" in response.context["form"].errors
    later = DAY + datetime.timedelta(days=30)
    response = _post(member_client, partnership, Outcome.POSTPONE, next_gate_on=later)
    assert response.status_code == 302
    after = _fresh(partnership)
    assert (after.stage, after.next_gate_on) == (Stage.MEET, later)


def test_criteria_from_the_masterplan_and_written_out_are_recorded(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace)
    axis = WorkAxisFactory(partnership=partnership, name="Accueil")
    result = AxisResultFactory(axis=axis)
    other = AxisResultFactory(axis=WorkAxisFactory(partnership=partnership))
    ExperimentPlanFactory(partnership=partnership, success_criteria="Deux ateliers tenus")
    form = member_client.get(_urls(partnership)[0]).context["form"]
    assert form.initial["criterion_0"] == "Deux ateliers tenus"
    response = _post(
        member_client,
        partnership,
        Outcome.GO,
        **{
            f"result_{result.pk}": "on",
            "criterion_0": "Deux ateliers tenus",
            "criterion_0_met": "on",
            "criterion_1": "Un budget voté",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        criteria = {
            (c.label, c.met, c.result_id)
            for c in GateCriterion.objects.filter(decision__partnership=partnership)
        }
    assert ("Deux ateliers tenus", True, None) in criteria
    assert ("Un budget voté", False, None) in criteria
    assert {(met, pk) for _l, met, pk in criteria if pk} == {(True, result.pk), (False, other.pk)}


def test_attachments_are_uploaded_and_downloaded_by_those_who_see_the_partnership(
    workspace, member_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    partnership = PartnershipFactory(workspace=workspace)
    upload = SimpleUploadedFile("compte-rendu.txt", b"Go unanime", content_type="text/plain")
    assert _post(member_client, partnership, Outcome.GO, attachments=[upload]).status_code == 302
    with scopes_disabled():
        attachment = GateAttachment.objects.get(decision__partnership=partnership)
    url = reverse(
        "partnerships:decision_attachment",
        args=[workspace.slug, partnership.pk, attachment.pk],
    )
    response = member_client.get(url)
    assert response.status_code == 200
    assert close_file(response) == b"Go unanime"
    assert "compte-rendu.txt" in response["Content-Disposition"]
    # A guest the partnership is not shared with: 404, like another workspace's file.
    stranger = MembershipFactory(workspace=workspace, role="guest")
    assert client_for(stranger).get(url).status_code == 404
    # A guest it is shared with reads it.
    share = PartnershipGuestFactory(partnership=partnership)
    response = client_for(share.membership).get(url)
    assert response.status_code == 200
    assert close_file(response) == b"Go unanime"
    # The attachment through another partnership's URL: 404.
    other = PartnershipFactory(workspace=workspace)
    wrong = reverse(
        "partnerships:decision_attachment", args=[workspace.slug, other.pk, attachment.pk]
    )
    assert member_client.get(wrong).status_code == 404


def test_a_refused_file_type_is_a_form_error(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace)
    upload = SimpleUploadedFile("script.exe", b"MZ", content_type="application/octet-stream")
    response = _post(member_client, partnership, Outcome.GO, attachments=[upload])
    assert "attachments" in response.context["form"].errors
    assert _fresh(partnership).stage == Stage.MEET


def test_a_guest_reads_the_log_but_cannot_decide(workspace):
    partnership = PartnershipFactory(workspace=workspace)
    share = PartnershipGuestFactory(partnership=partnership)
    client = client_for(share.membership)
    page = client.get(_urls(partnership)[0])
    assert page.status_code == 200
    assert page.context["form"] is None
    assert _post(client, partnership, Outcome.GO).status_code == 403
    assert _fresh(partnership).stage == Stage.MEET


def test_an_ended_partnership_shows_no_form(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace, status=Status.ENDED)
    page = member_client.get(_urls(partnership)[0])
    assert page.context["form"] is None
    assert "takes no more decisions" in page.content.decode()


def test_the_timeline_cuts_the_stages_at_the_decisions():
    partnership = PartnershipFactory(start_date=datetime.date(2026, 1, 1))
    log = [
        GateDecisionFactory.build(
            partnership=partnership,
            decided_on=datetime.date(2026, 2, 1),
            outcome="go",
            stage_before="meet",
            stage_after="frame",
            id=1,
        ),
        GateDecisionFactory.build(
            partnership=partnership,
            decided_on=datetime.date(2026, 3, 1),
            outcome="no_go",
            stage_before="frame",
            stage_after="frame",
            id=2,
        ),
    ]
    data = timeline(partnership, log, today=datetime.date(2026, 4, 1))
    stages = [(s.stage, s.start, s.end) for s in data["segments"]]
    assert stages == [
        ("meet", datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)),
        ("frame", datetime.date(2026, 2, 1), datetime.date(2026, 4, 1)),
    ]
    assert [m.x for m in data["markers"]] == [
        round(100 * 31 / 90, 2),
        round(100 * 59 / 90, 2),
    ]
    assert sum(s.width for s in data["segments"]) == pytest.approx(100, abs=0.05)


def test_the_decisions_page_query_count_does_not_grow_with_the_log(workspace, member_client):
    from django.db import connection

    partnership = PartnershipFactory(workspace=workspace)
    url = _urls(partnership)[0]

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(url).status_code == 200
        return len(queries)

    GateDecisionFactory.create_batch(2, partnership=partnership)
    member_client.get(url)
    few = count()
    GateDecisionFactory.create_batch(30, partnership=partnership)
    assert count() == few


def test_the_log_shows_a_decision_whose_recorder_was_deleted(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace)
    GateDecisionFactory(partnership=partnership, recorded_by=None)
    page = member_client.get(_urls(partnership)[0])
    assert page.status_code == 200
    assert "Recorded by a deleted account" in page.content.decode()
