"""The partnerships API: CRUD with versions (409 stale, 422 invalid), stage and status read-only
and changed by gate decisions only, checklist reviews refreshing the health light, evaluation
scores refreshing the latest evaluation, and guests scoped to the partnerships shared with them,
writing only their own member's side."""

import datetime

import pytest
from django_scopes import scopes_disabled

from maillage.partnerships.checklists import ITEMS
from maillage.partnerships.models import CanvasEntry, Partnership, Risk
from tests import factories as f
from tests.api.test_api_ecosystem import Api, _errors

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def api(member):
    return Api(member)


@pytest.fixture
def partnership(workspace):
    with scopes_disabled():
        return f.PartnershipFactory(workspace=workspace, name="Tiers-lieu")


@pytest.fixture
def shared(workspace, partnership):
    """A guest of the workspace the partnership is shared with, speaking for the company."""
    with scopes_disabled():
        share = f.PartnershipGuestFactory(partnership=partnership)
        other = f.PartnershipMemberFactory(partnership=partnership, side="association")
    return share, other


def test_partnership_crud_with_versions(api, workspace):
    with scopes_disabled():
        kind = f.PartnershipKindFactory(workspace=workspace)
    response = api.post(
        "partnerships",
        {"name": "Ressourcerie", "kind": kind.pk, "objectives": ["pool", "innovate"]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["stage"], body["status"], body["version"]) == ("meet", "active", 1)
    assert body["objectives"] == ["innovate", "pool"]  # in the choices' order
    pk = body["id"]
    # stage is read-only: ignored in a write
    response = api.patch(
        f"partnerships/{pk}", {"version": 1, "summary": "Un lieu", "stage": "deploy"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["summary"], response.json()["stage"]) == ("Un lieu", "meet")
    stale = api.patch(f"partnerships/{pk}", {"version": 1, "summary": "Autre"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    replaced = api.put(
        f"partnerships/{pk}",
        {
            "version": 2,
            "name": "Ressourcerie 2",
            "kind": kind.pk,
            "end_date": "2026-01-01",
            "start_date": "2026-02-01",
        },
    )
    assert "end_date" in _errors(replaced)
    assert "kind" in _errors(api.post("partnerships", {"name": "X", "kind": 987654}))
    bad = api.post("partnerships", {"name": "X", "kind": kind.pk, "objectives": ["nope"]})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][:3] == ["body", "payload", "objectives"]
    assert api.delete(f"partnerships/{pk}?version=1").status_code == 409
    assert api.delete(f"partnerships/{pk}?version=2").status_code == 204
    with scopes_disabled():
        assert not Partnership.objects.filter(pk=pk).exists()


def test_children_crud(api, workspace, partnership):
    with scopes_disabled():
        actor = f.ActorFactory(workspace=workspace, name="Atelier")
    member = api.post(f"partnerships/{partnership.pk}/members", {"actor": actor.pk, "role": "lead"})
    assert member.status_code == 201, member.content
    member_id = member.json()["id"]
    assert api.get(f"partnerships/{partnership.pk}/members").json()["count"] == 1
    risk = api.post(
        f"partnerships/{partnership.pk}/risks",
        {"title": "Départ", "side": "company", "nature": "cultural", "likelihood": 4, "impact": 5},
    )
    assert risk.status_code == 201, risk.content
    assert risk.json()["score"] == 20
    assert "likelihood" in _errors(
        api.post(
            f"partnerships/{partnership.pk}/risks",
            {"title": "X", "side": "company", "nature": "cultural", "likelihood": 6, "impact": 1},
        )
    )
    risk_id = risk.json()["id"]
    assert (
        api.patch(f"partnerships/risks/{risk_id}", {"version": 1, "status": "closed"}).json()[
            "status"
        ]
        == "closed"
    )
    meeting = api.post(
        f"partnerships/{partnership.pk}/meetings", {"held_on": "2026-02-10", "title": "Copil"}
    )
    assert meeting.status_code == 201, meeting.content
    meeting_id = meeting.json()["id"]
    decision = api.post(
        f"partnerships/meetings/{meeting_id}/meeting-decisions", {"text": "Lancer l'atelier"}
    )
    assert decision.status_code == 201, decision.content
    assert decision.json()["meeting"] == meeting_id
    action = api.post(
        f"partnerships/{partnership.pk}/action-items",
        {
            "title": "Réserver la salle",
            "owner": "Paul",
            "meeting": meeting_id,
            "owner_member": member_id,
        },
    )
    assert action.status_code == 201, action.content
    # A reference to another partnership's object is refused, naming the field.
    with scopes_disabled():
        foreign = f.MeetingFactory(partnership=f.PartnershipFactory(workspace=workspace))
    assert "meeting" in _errors(
        api.post(
            f"partnerships/{partnership.pk}/action-items",
            {"title": "X", "owner": "Paul", "meeting": foreign.pk},
        )
    )
    entry = api.post(
        f"partnerships/{partnership.pk}/canvas-entries",
        {
            "member": member_id,
            "section": "objective",
            "text": "1 000 vêtements",
            "level": "operations",
        },
    )
    assert entry.status_code == 201, entry.content
    axis = api.post(f"partnerships/{partnership.pk}/axes", {"name": "Formation"})
    assert axis.status_code == 201, axis.content
    milestone = api.post(
        f"partnerships/{partnership.pk}/milestones",
        {
            "name": "Premier atelier",
            "axis": axis.json()["id"],
            "due_date": "2026-04-01",
            "start_date": "2026-05-01",
        },
    )
    assert "due_date" in _errors(milestone)
    assert api.delete(f"partnerships/meeting-decisions/{decision.json()['id']}").status_code == 204


def test_experiment_plan_and_masterplan_get_and_replace(api, partnership):
    path = f"partnerships/{partnership.pk}/experiment-plan"
    assert api.get(path).status_code == 404
    created = api.put(path, {"version": 0, "tests": ["joint_offer"], "tools": ["workshop"]})
    assert created.status_code == 200, created.content
    assert api.put(path, {"version": 0, "description": "X"}).status_code == 409
    updated = api.put(path, {"version": 1, "description": "Deux ateliers"})
    assert updated.json()["description"] == "Deux ateliers"
    assert updated.json()["tests"] == []  # replaced whole
    masterplan = api.put(
        f"partnerships/{partnership.pk}/masterplan", {"version": 0, "purpose": "Culture pour tous"}
    )
    assert masterplan.status_code == 200, masterplan.content
    assert api.get(f"partnerships/{partnership.pk}/masterplan").json()["purpose"] == (
        "Culture pour tous"
    )


def test_checklist_review_refreshes_health(api, partnership):
    answers = [{"item": item.key, "answer": "yes"} for item in ITEMS]
    response = api.post(
        f"partnerships/{partnership.pk}/checklist-reviews",
        {"reviewed_on": str(TODAY), "answers": answers},
    )
    assert response.status_code == 201, response.content
    assert response.json()["health"] == "red"
    assert len(response.json()["answers"]) == len(ITEMS)
    assert api.get(f"partnerships/{partnership.pk}").json()["health"] == "red"
    review_id = response.json()["id"]
    calmer = [{"item": item.key, "answer": "no"} for item in ITEMS]
    response = api.patch(
        f"partnerships/checklist-reviews/{review_id}", {"version": 1, "answers": calmer}
    )
    assert response.status_code == 200, response.content
    assert api.get(f"partnerships/{partnership.pk}").json()["health"] == "green"
    missing = api.post(
        f"partnerships/{partnership.pk}/checklist-reviews",
        {"reviewed_on": str(TODAY - datetime.timedelta(days=3)), "answers": answers[:2]},
    )
    assert missing.status_code == 422


def test_evaluation_scores_refresh_the_latest_evaluation(api, partnership):
    with scopes_disabled():
        member = f.PartnershipMemberFactory(partnership=partnership)
    evaluation = api.post(
        f"partnerships/{partnership.pk}/evaluations",
        {"evaluated_on": "2026-06-30", "title": "Fin de l'expérimentation"},
    )
    assert evaluation.status_code == 201, evaluation.content
    path = f"partnerships/evaluations/{evaluation.json()['id']}/evaluation-scores"
    for dimension, score in (("association_value", 4), ("common_good", 3)):
        response = api.post(
            path, {"member": member.pk, "dimension": dimension, "score": score, "evidence": "Bilan"}
        )
        assert response.status_code == 201, response.content
    assert "score" in _errors(
        api.post(
            path, {"member": member.pk, "dimension": "company_return", "score": 0, "evidence": "X"}
        )
    )
    assert api.get(f"partnerships/{partnership.pk}").json()["evaluation_score"] == "3.50"


def test_scores_and_expectations_change_with_the_forms_rules(api, partnership):
    with scopes_disabled():
        member, other = f.PartnershipMemberFactory.create_batch(2, partnership=partnership)
        evaluation = f.EvaluationFactory(partnership=partnership)
    path = f"partnerships/evaluations/{evaluation.pk}/evaluation-scores"
    created = api.post(
        path, {"member": member.pk, "dimension": "common_good", "score": 2, "evidence": "Bilan"}
    ).json()
    item = f"partnerships/evaluation-scores/{created['id']}"
    assert api.patch(item, {"version": 1, "score": 5}).status_code == 200
    assert api.get(f"partnerships/{partnership.pk}").json()["evaluation_score"] == "5.00"
    assert api.patch(item, {"version": 1, "score": 4}).status_code == 409
    moved = api.patch(item, {"version": 2, "member": other.pk})
    assert moved.status_code == 422 and "member" in _errors(moved)
    assert "evidence" in _errors(api.patch(item, {"version": 2, "evidence": "  "}))

    fit_path = f"partnerships/{partnership.pk}/fit-expectations"
    fit = api.post(fit_path, {"member": member.pk, "dimension": "common_good", "fit": "partly"})
    assert fit.status_code == 422 and "expectation" in _errors(fit)
    fit = api.post(
        fit_path, {"member": member.pk, "dimension": "common_good", "expectation": "Un lieu"}
    ).json()
    fit_item = f"partnerships/fit-expectations/{fit['id']}"
    changed = api.patch(fit_item, {"version": 1, "fit": "no"})
    assert changed.status_code == 200 and changed.json()["expectation"] == "Un lieu"
    assert api.delete(f"{fit_item}?version=1").status_code == 409
    assert api.delete(f"{fit_item}?version=2").status_code == 204


def test_gate_decision_applies_the_transition(api, partnership):
    path = f"partnerships/{partnership.pk}/gate-decisions"
    decision = {
        "version": 1,
        "decided_on": str(TODAY),
        "outcome": "go",
        "deciders": "Claire Martin",
        "rationale": "Objectifs alignés",
        "criteria": [{"label": "Deux ateliers tenus", "met": True}],
    }
    response = api.post(path, decision)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["stage_before"], body["stage_after"]) == ("meet", "frame")
    assert body["criteria"][0]["label"] == "Deux ateliers tenus"
    got = api.get(f"partnerships/{partnership.pk}").json()
    assert (got["stage"], got["version"]) == ("frame", 2)
    assert api.post(path, decision).status_code == 409  # version 1 is stale
    ended = api.post(path, {**decision, "version": 2, "outcome": "end"})
    assert ended.status_code == 201
    refused = api.post(path, {**decision, "version": 3, "outcome": "go"})
    assert "ended" in _errors(refused)["outcome"]
    log = api.get(path).json()
    assert [d["outcome"] for d in log["items"]] == ["go", "end"]
    assert api.get(f"partnerships/gate-decisions/{body['id']}").status_code == 200


def test_guest_sees_only_shared_partnerships(workspace, partnership, shared):
    share, _other = shared
    with scopes_disabled():
        hidden = f.PartnershipFactory(workspace=workspace)
        hidden_risk = f.RiskFactory(partnership=hidden)
        f.RiskFactory(partnership=partnership)
    guest = Api(share.membership)
    listed = guest.get("partnerships").json()
    assert [p["id"] for p in listed["items"]] == [partnership.pk]
    assert guest.get(f"partnerships/{hidden.pk}").status_code == 404
    assert guest.get(f"partnerships/{hidden.pk}/risks").status_code == 404
    assert guest.get(f"partnerships/risks/{hidden_risk.pk}").status_code == 404
    assert guest.get(f"partnerships/{partnership.pk}/risks").json()["count"] == 1
    with scopes_disabled():
        f.PartnershipGuestFactory(partnership=partnership)  # another guest's share: not listed
    shares = guest.get(f"partnerships/{partnership.pk}/guests").json()["items"]
    assert [s["id"] for s in shares] == [share.pk]
    # Reads only, except its own side.
    refused = guest.post(
        f"partnerships/{partnership.pk}/risks",
        {"title": "X", "side": "company", "nature": "cultural", "likelihood": 1, "impact": 1},
    )
    assert refused.status_code == 403
    assert (
        guest.patch(f"partnerships/{partnership.pk}", {"version": 1, "name": "X"}).status_code
        == 403
    )


def test_guest_writes_only_its_own_members_side(workspace, partnership, shared):
    share, other = shared
    guest = Api(share.membership)
    own = guest.post(
        f"partnerships/{partnership.pk}/canvas-entries",
        {"member": share.member_id, "section": "need", "qualifier": "to_find", "text": "Un local"},
    )
    assert own.status_code == 201, own.content
    theirs = guest.post(
        f"partnerships/{partnership.pk}/canvas-entries",
        {"member": other.pk, "section": "need", "text": "Un local"},
    )
    assert theirs.status_code == 403
    with scopes_disabled():
        entry = f.CanvasEntryFactory(member=other)
        evaluation = f.EvaluationFactory(partnership=partnership)
    assert (
        guest.patch(
            f"partnerships/canvas-entries/{entry.pk}", {"version": 1, "text": "Changé"}
        ).status_code
        == 403
    )
    assert guest.delete(f"partnerships/canvas-entries/{entry.pk}").status_code == 403
    fit = guest.post(
        f"partnerships/{partnership.pk}/fit-expectations",
        {"member": share.member_id, "dimension": "company_return", "expectation": "Visibilité"},
    )
    assert fit.status_code == 201, fit.content
    score = guest.post(
        f"partnerships/evaluations/{evaluation.pk}/evaluation-scores",
        {"member": share.member_id, "dimension": "company_return", "score": 4, "evidence": "X"},
    )
    assert score.status_code == 201, score.content
    assert (
        guest.post(
            f"partnerships/evaluations/{evaluation.pk}/evaluation-scores",
            {"member": other.pk, "dimension": "association_value", "score": 4, "evidence": "X"},
        ).status_code
        == 403
    )
    with scopes_disabled():
        assert CanvasEntry.objects.get(pk=entry.pk).text != "Changé"
        assert not Risk.objects.filter(partnership=partnership).exists()


def test_guest_of_another_partnership_gets_404_for_writes_too(workspace, partnership):
    with scopes_disabled():
        elsewhere = f.PartnershipGuestFactory(partnership=f.PartnershipFactory(workspace=workspace))
        member = f.PartnershipMemberFactory(partnership=partnership)
    guest = Api(elsewhere.membership)
    response = guest.post(
        f"partnerships/{partnership.pk}/canvas-entries",
        {"member": member.pk, "section": "need", "text": "X"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("{p}/canvas-entries", lambda p, m: f.CanvasEntryFactory(member=m)),
        ("{p}/risks", lambda p, m: f.RiskFactory(partnership=p)),
        ("{p}/gate-decisions", lambda p, m: f.GateDecisionFactory(partnership=p)),
        (
            "{p}/checklist-reviews",
            lambda p, m: f.ChecklistReviewFactory(
                partnership=p,
                reviewed_on=TODAY - datetime.timedelta(days=p.checklist_reviews.count()),
            ),
        ),
        ("{p}/meetings", lambda p, m: f.MeetingFactory(partnership=p)),
        (
            "evaluations/{e}/evaluation-scores",
            lambda p, m: f.EvaluationScoreFactory(
                evaluation=p.evaluations.first(),
                member=f.PartnershipMemberFactory(partnership=p),
            ),
        ),
    ],
)
def test_list_queries_do_not_grow_with_the_rows(api, partnership, path, make):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with scopes_disabled():
        member = f.PartnershipMemberFactory(partnership=partnership)
        evaluation = f.EvaluationFactory(partnership=partnership)
    url = "partnerships/" + path.format(p=partnership.pk, e=evaluation.pk)
    api.get(url)  # the token's first use of the minute is recorded: not a query of the list
    counts = []
    for rows in (2, 20):
        with scopes_disabled():
            for _ in range(rows - (2 if counts else 0)):
                make(partnership, member)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url)
        assert response.status_code == 200
        assert response.json()["count"] == rows
        counts.append(len(queries))
    assert counts[0] == counts[1]
