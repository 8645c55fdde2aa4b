"""The diagnostics API: engagements created with their defaults, CRUD with versions (409 stale,
422 invalid), interview notes behind the sensitive-data permission, recommendations' status
moved only by transitions, guests reading but not writing, and query counts of the lists."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from maillage.diagnostics.models import Engagement, Interview
from maillage.workspaces.models import Role
from tests import factories as f
from tests.api.test_api_ecosystem import Api, _errors

pytestmark = pytest.mark.django_db
D = "diagnostics"


@pytest.fixture
def sensitive(workspace):
    with scopes_disabled():
        return f.MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=True)


@pytest.fixture
def api(sensitive):
    return Api(sensitive)


@pytest.fixture
def engagement(workspace):
    with scopes_disabled():
        return f.EngagementFactory(workspace=workspace, title="Alliance Nord")


def test_engagement_created_with_defaults_then_versioned(api, workspace):
    response = api.post(
        f"{D}/engagements",
        {
            "title": "Alliance Sud",
            "start_date": "2026-01-05",
            "end_date": "2026-09-30",
            "budget_days": "25.5",
            "language": "en",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["status"], body["version"]) == ("Alliance Sud", "preparation", 1)
    pk = body["id"]
    dimensions = api.get(f"{D}/engagements/{pk}/dimensions").json()
    assert dimensions["count"] == 7
    assert dimensions["items"][0]["name"] == "Review and development of the common strategy"
    assert api.get(f"{D}/engagements/{pk}/scenarios").json()["count"] == 4
    criteria = api.get(f"{D}/engagements/{pk}/criteria").json()
    assert criteria["count"] == 6
    scenario = api.get(f"{D}/engagements/{pk}/scenarios").json()["items"][1]["id"]
    response = api.patch(
        f"{D}/engagements/{pk}", {"version": 1, "target_scenario": scenario, "status": "diagnostic"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["target_scenario"] == scenario
    stale = api.patch(f"{D}/engagements/{pk}", {"version": 1, "title": "Autre"})
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    bad = api.post(
        f"{D}/engagements", {"title": "X", "start_date": "2026-05-01", "end_date": "2026-01-01"}
    )
    assert bad.status_code == 422
    assert "end_date" in str(bad.json()["detail"])
    assert "status" in _errors(api.patch(f"{D}/engagements/{pk}", {"version": 2, "status": "x"}))


def test_children_crud_and_references_stay_in_the_engagement(api, engagement, workspace):
    dimension = api.post(f"{D}/engagements/{engagement.pk}/dimensions", {"name": "Gouvernance"})
    assert dimension.status_code == 201, dimension.content
    dimension = dimension.json()
    assert dimension["engagement"] == engagement.pk
    with scopes_disabled():
        foreign = f.DimensionFactory(engagement=f.EngagementFactory(workspace=workspace))
    # a dimension of another engagement: 422 naming the field
    errors = _errors(
        api.post(
            f"{D}/engagements/{engagement.pk}/findings",
            {"dimension": foreign.pk, "quadrant": "weakness", "statement": "Lent", "severity": 3},
        )
    )
    assert "dimension" in errors
    finding = api.post(
        f"{D}/engagements/{engagement.pk}/findings",
        {"dimension": dimension["id"], "quadrant": "weakness", "statement": "Lent", "severity": 3},
    ).json()
    assert "severity" in _errors(
        api.patch(f"{D}/findings/{finding['id']}", {"version": 1, "severity": 9})
    )
    document = api.post(f"{D}/engagements/{engagement.pk}/documents", {"title": "Statuts"}).json()
    source = api.post(
        f"{D}/findings/{finding['id']}/sources",
        {"document": document["id"], "quote": " Texte ", "anonymise": False},
    )
    assert source.status_code == 201, source.content
    assert source.json()["quote"] == "Texte"
    item = api.post(
        f"{D}/engagements/{engagement.pk}/swot-items",
        {"quadrant": "weakness", "text": "Décisions lentes", "findings": [finding["id"]]},
    )
    assert item.status_code == 201, item.content
    assert item.json()["findings"] == [finding["id"]]
    response = api.delete(f"{D}/swot-items/{item.json()['id']}?version=1")
    assert response.status_code in (204, 409)  # rerank may have moved its version
    listing = api.get(f"{D}/engagements/{engagement.pk}/findings").json()
    assert [row["id"] for row in listing["items"]] == [finding["id"]]


def test_interview_notes_need_the_sensitive_permission(api, engagement, workspace):
    with scopes_disabled():
        person = f.StakeholderFactory(engagement=engagement, email="p@example.org")
        plain = f.MembershipFactory(workspace=workspace, role=Role.MEMBER)
        guest = f.MembershipFactory(workspace=workspace, role=Role.GUEST)
    response = api.post(
        f"{D}/engagements/{engagement.pk}/interviews",
        {"stakeholders": [person.pk], "status": "done", "held_on": "2026-02-10", "notes": "Secret"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["notes"], body["has_notes"], body["stakeholders"]) == ("Secret", True, [person.pk])
    pk = body["id"]
    other = Api(plain)
    read = other.get(f"{D}/interviews/{pk}").json()
    assert (read["notes"], read["has_notes"]) == (None, True)
    listed = other.get(f"{D}/engagements/{engagement.pk}/interviews").json()["items"][0]
    assert listed["notes"] is None
    refused = other.patch(f"{D}/interviews/{pk}", {"version": read["version"], "notes": "Mine"})
    assert refused.status_code == 403
    kept = other.patch(f"{D}/interviews/{pk}", {"version": read["version"], "interviewer": "Léa"})
    assert kept.status_code == 200, kept.content
    with scopes_disabled():
        assert Interview.objects.get(pk=pk).notes == "Secret"
    # guests read, without notes nor e-mail addresses, and write nothing
    visitor = Api(guest)
    assert visitor.get(f"{D}/interviews/{pk}").json()["notes"] is None
    people = visitor.get(f"{D}/engagements/{engagement.pk}/stakeholders").json()["items"]
    assert people[0]["email"] is None
    assert other.get(f"{D}/stakeholders/{person.pk}").json()["email"] == "p@example.org"
    assert (
        visitor.post(f"{D}/engagements/{engagement.pk}/dimensions", {"name": "X"}).status_code
        == 403
    )


def test_recommendation_status_moves_by_transitions_only(api, engagement):
    with scopes_disabled():
        dimension = f.DimensionFactory(engagement=engagement)
    reco = api.post(
        f"{D}/engagements/{engagement.pk}/recommendations",
        {"dimension": dimension.pk, "title": "Comité commun", "priority": 1},
    ).json()
    assert reco["status"] == "proposed"
    ignored = api.patch(
        f"{D}/recommendations/{reco['id']}", {"version": 1, "status": "boards"}
    ).json()
    assert ignored["status"] == "proposed"
    version = ignored["version"]
    too_early = api.post(
        f"{D}/recommendations/{reco['id']}/transitions",
        {"name": "boards", "version": version, "by": "CA"},
    )
    assert too_early.status_code == 422
    done = api.post(
        f"{D}/recommendations/{reco['id']}/transitions",
        {"name": "directions", "version": version, "by": "Les deux DG", "on": "2026-03-01"},
    )
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["directions_validated_by"]) == (
        "directions",
        "Les deux DG",
    )
    stale = api.post(
        f"{D}/recommendations/{reco['id']}/transitions",
        {"name": "boards", "version": version, "by": "CA"},
    )
    assert stale.status_code == 409


def test_plan_action_update_and_committee(api, engagement):
    with scopes_disabled():
        reco = f.RecommendationFactory(dimension__engagement=engagement, status="directions")
    action = api.post(
        f"{D}/engagements/{engagement.pk}/plan-actions",
        {
            "recommendation": reco.pk,
            "title": "Charte",
            "start_on": "2026-05-01",
            "due_on": "2026-06-30",
            "owner": "DG",
            "resource_amount": "1234.50",
        },
    )
    assert action.status_code == 201, action.content
    assert action.json()["resource_amount"] == "1234.50"
    update = api.post(
        f"{D}/plan-actions/{action.json()['id']}/updates", {"on": "2026-05-15", "progress": 40}
    )
    assert update.status_code == 201, update.content
    assert api.get(f"{D}/plan-actions/{action.json()['id']}").json()["progress"] == 40
    meeting = api.post(
        f"{D}/engagements/{engagement.pk}/committee-meetings",
        {"kind": "kick_off", "held_on": "2026-01-12"},
    ).json()
    outcome = api.post(
        f"{D}/committee-meetings/{meeting['id']}/outcomes",
        {"kind": "arbitration", "text": "Budget arbitré"},
    )
    assert outcome.status_code == 201, outcome.content
    assert "kind" in _errors(
        api.post(f"{D}/committee-meetings/{meeting['id']}/outcomes", {"kind": "x", "text": "y"})
    )


def test_scores_and_delete_engagement(api, engagement):
    with scopes_disabled():
        scenario = f.ScenarioFactory(engagement=engagement)
        criterion = f.CriterionFactory(engagement=engagement)
        foreign = f.CriterionFactory()
    score = api.post(f"{D}/scenarios/{scenario.pk}/scores", {"criterion": criterion.pk, "score": 4})
    assert score.status_code == 201, score.content
    assert "criterion" in _errors(
        api.post(f"{D}/scenarios/{scenario.pk}/scores", {"criterion": foreign.pk, "score": 4})
    )
    assert "score" in _errors(
        api.patch(f"{D}/scenario-scores/{score.json()['id']}", {"version": 1, "score": 6})
    )
    assert api.delete(f"{D}/engagements/{engagement.pk}?version=7").status_code == 409
    assert api.delete(f"{D}/engagements/{engagement.pk}").status_code == 204
    with scopes_disabled():
        assert not Engagement.objects.filter(pk=engagement.pk).exists()


@pytest.mark.parametrize(
    ("path", "factory"),
    [
        ("interviews", "InterviewFactory"),
        ("recommendations", "RecommendationFactory"),
        ("plan-actions", "PlanActionFactory"),
        ("swot-items", "SwotItemFactory"),
    ],
)
def test_list_query_count_is_constant(api, engagement, path, factory):
    api.get(f"{D}/engagements/{engagement.pk}/{path}")  # the token's first use is recorded once
    counts = []
    for n in (2, 30):
        with scopes_disabled():
            for _ in range(n):
                if factory in ("RecommendationFactory",):
                    getattr(f, factory)(dimension__engagement=engagement)
                elif factory == "PlanActionFactory":
                    f.PlanActionFactory(recommendation__dimension__engagement=engagement)
                else:
                    getattr(f, factory)(engagement=engagement)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{D}/engagements/{engagement.pk}/{path}", limit=200)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], path


def test_dates_are_iso(api, engagement):
    body = api.get(f"{D}/engagements/{engagement.pk}").json()
    assert datetime.date.fromisoformat(body["start_date"]) == engagement.start_date
