"""The portfolio (partnerships:home): funnel, filters, overdue gates, pagination, lead member."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.partnerships.choices import STAGE_ORDER, Stage, Status
from tests.factories import (
    ActorFactory,
    PartnershipFactory,
    PartnershipKindFactory,
    PartnershipMemberFactory,
)

pytestmark = pytest.mark.django_db


def _home(workspace):
    return reverse("partnerships:home", args=[workspace.slug])


def _names(response):
    return [p.name for p in response.context["page_obj"]]


def test_funnel_counts_active_ones_by_stage_and_paused_ended_apart(workspace, member_client):
    for stage, count in ((Stage.MEET, 3), (Stage.FRAME, 2), (Stage.DEPLOY, 1)):
        PartnershipFactory.create_batch(count, workspace=workspace, stage=stage)
    PartnershipFactory(workspace=workspace, stage=Stage.FRAME, status=Status.PAUSED)
    PartnershipFactory.create_batch(2, workspace=workspace, stage=Stage.EXPERIMENT, status="ended")
    funnel = member_client.get(_home(workspace)).context["funnel"]
    assert [row["count"] for row in funnel["stages"]] == [3, 2, 0, 1]
    assert [row["stage"] for row in funnel["stages"]] == STAGE_ORDER
    assert (funnel["active"], funnel["paused"], funnel["ended"]) == (6, 1, 2)


def test_filters(workspace, member_client):
    kind = PartnershipKindFactory(workspace=workspace, name="Mécénat")
    a = PartnershipFactory(workspace=workspace, name="Alpha", stage=Stage.FRAME, kind=kind)
    b = PartnershipFactory(workspace=workspace, name="Bravo", health="red", summary="gaspillage")
    c = PartnershipFactory(workspace=workspace, name="Charlie", status=Status.PAUSED)
    actor = ActorFactory(workspace=workspace, name="Banque alimentaire")
    PartnershipMemberFactory(partnership=c, actor=actor)
    url = _home(workspace)
    assert _names(member_client.get(url)) == ["Alpha", "Bravo", "Charlie"]
    assert _names(member_client.get(url, {"stage": "frame"})) == [a.name]
    assert _names(member_client.get(url, {"kind": kind.pk})) == [a.name]
    assert _names(member_client.get(url, {"health": "red"})) == [b.name]
    assert _names(member_client.get(url, {"status": "paused"})) == [c.name]
    assert _names(member_client.get(url, {"q": "GASPI"})) == [b.name]
    assert _names(member_client.get(url, {"actor": f"{actor.name} #{actor.pk}"})) == [c.name]
    assert _names(member_client.get(url, {"actor": "Nobody at all"})) == []
    # Unknown values are ignored rather than failing.
    assert len(_names(member_client.get(url, {"stage": "zzz", "kind": "x", "health": "<"}))) == 3


def test_gate_overdue_is_flagged_and_filtered(workspace, member_client):
    today = timezone.localdate()
    late = PartnershipFactory(
        workspace=workspace, name="Late", next_gate_on=today - datetime.timedelta(days=3)
    )
    PartnershipFactory(workspace=workspace, name="Soon", next_gate_on=today + datetime.timedelta(1))
    PartnershipFactory(
        workspace=workspace,
        name="Ended",
        status=Status.ENDED,
        next_gate_on=today - datetime.timedelta(days=3),
    )
    response = member_client.get(_home(workspace), {"overdue": "1"})
    assert _names(response) == [late.name]
    assert response.context["funnel"]["overdue"] == 1
    assert "overdue" in member_client.get(_home(workspace)).content.decode()


def test_the_lead_member_is_shown(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace)
    PartnershipMemberFactory(partnership=partnership, actor__name="Partenaire")
    PartnershipMemberFactory(partnership=partnership, role="lead", actor__name="Chef de file")
    row = member_client.get(_home(workspace)).context["page_obj"][0]
    assert row.lead_name == "Chef de file"


def test_pages_of_fifty(workspace, member_client):
    PartnershipFactory.create_batch(51, workspace=workspace)
    first = member_client.get(_home(workspace))
    assert len(first.context["page_obj"]) == 50
    assert len(member_client.get(_home(workspace), {"page": 2}).context["page_obj"]) == 1


def test_query_count_is_constant_with_filters(workspace, member_client):
    def count(params):
        with CaptureQueriesContext(connection) as queries:
            member_client.get(_home(workspace), params)
        return len(queries)

    params = {"stage": "meet", "q": "Tiers", "overdue": "", "health": "unknown"}
    PartnershipFactory.create_batch(2, workspace=workspace)
    count(params)
    few = count(params)
    for partnership in PartnershipFactory.create_batch(30, workspace=workspace):
        PartnershipMemberFactory(partnership=partnership, role="lead")
    assert count(params) == few


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    params=st.dictionaries(
        st.sampled_from(["stage", "status", "kind", "health", "actor", "q", "overdue", "page"]),
        st.text(max_size=30),
        max_size=5,
    )
)
def test_any_query_string_answers_200(workspace, member_client, params):
    assert member_client.get(_home(workspace), params).status_code == 200
