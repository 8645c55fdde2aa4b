"""The questionnaire seen by the team: statements, default statements, personal links and
their export, results per dimension / organisation / category with small groups hidden."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.diagnostics.models import Questionnaire, QuestionnaireInvitation, QuestionnaireItem
from maillage.diagnostics.selectors import questionnaires as selectors
from maillage.diagnostics.services import questionnaires as services
from maillage.diagnostics.services.defaults import ensure_defaults
from tests.factories import (
    ActorFactory,
    DimensionFactory,
    EngagementFactory,
    QuestionnaireAnswerFactory,
    QuestionnaireFactory,
    QuestionnaireInvitationFactory,
    QuestionnaireItemFactory,
    StakeholderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def url(name, workspace, *args):
    return reverse(f"diagnostics:{name}", args=[workspace.slug, *args])


def test_member_creates_a_questionnaire_adds_defaults_and_invites(member_client, workspace):
    engagement = EngagementFactory(workspace=workspace)
    with scope(workspace=workspace):
        ensure_defaults(engagement, user=UserFactory(), language="fr")
    response = member_client.post(
        url("questionnaire_create", workspace, engagement.pk),
        {"title": "Questionnaire alliance", "introduction": "", "is_open": "on", "version": 1},
    )
    assert response.status_code == 302
    with scopes_disabled():
        questionnaire = Questionnaire.objects.get(engagement=engagement)
    defaults = url("questionnaire_defaults", workspace, engagement.pk, questionnaire.pk)
    assert member_client.post(defaults).status_code == 302
    assert member_client.post(defaults).status_code == 302  # a second time adds nothing
    with scopes_disabled():
        items = list(QuestionnaireItem.objects.filter(questionnaire=questionnaire))
    assert len(items) == 7
    assert all(item.statement_fr and item.statement_en for item in items)
    assert [item.position for item in items] == [1, 2, 3, 4, 5, 6, 7]
    people = [StakeholderFactory(engagement=engagement) for _ in range(2)]
    invite = url("questionnaire_invite", workspace, engagement.pk, questionnaire.pk)
    assert member_client.post(invite, {"stakeholders": [p.pk for p in people]}).status_code == 302
    assert member_client.post(invite, {"stakeholders": [people[0].pk]}).status_code == 302
    with scopes_disabled():
        invitations = list(QuestionnaireInvitation.objects.filter(questionnaire=questionnaire))
    assert len(invitations) == 2
    page = member_client.get(url("questionnaire", workspace, engagement.pk, questionnaire.pk))
    html = page.content.decode()
    assert "sends no e-mail" in html
    for invitation in invitations:
        assert f"/d/q/{invitation.token}/" in html
    export = member_client.get(
        url("questionnaire_links_export", workspace, engagement.pk, questionnaire.pk)
    )
    body = b"".join(export.streaming_content).decode()
    assert people[0].name in body and f"/d/q/{invitations[0].token}/" in body
    xlsx = member_client.get(
        url("questionnaire_links_export", workspace, engagement.pk, questionnaire.pk)
        + "?format=xlsx"
    )
    assert xlsx.status_code == 200
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"
    xlsx.close()


def test_guest_sees_no_link_and_writes_nothing(guest_client, workspace):
    invitation = QuestionnaireInvitationFactory(
        questionnaire=QuestionnaireFactory(engagement=EngagementFactory(workspace=workspace))
    )
    q = invitation.questionnaire
    page = guest_client.get(url("questionnaire", workspace, q.engagement_id, q.pk))
    assert page.status_code == 200
    assert invitation.token not in page.content.decode()
    export = url("questionnaire_links_export", workspace, q.engagement_id, q.pk)
    assert guest_client.get(export).status_code == 403
    defaults = url("questionnaire_defaults", workspace, q.engagement_id, q.pk)
    assert guest_client.post(defaults).status_code == 403


def test_statement_of_another_engagement_is_a_404(member_client, workspace):
    mine = EngagementFactory(workspace=workspace)
    other_item = QuestionnaireItemFactory(
        questionnaire=QuestionnaireFactory(engagement=EngagementFactory(workspace=workspace))
    )
    response = member_client.get(url("questionnaire_item_edit", workspace, mine.pk, other_item.pk))
    assert response.status_code == 404


def test_statement_refuses_a_dimension_of_another_engagement(workspace):
    from django.core.exceptions import ValidationError

    questionnaire = QuestionnaireFactory(engagement=EngagementFactory(workspace=workspace))
    foreign = DimensionFactory(engagement=EngagementFactory(workspace=workspace))
    with scope(workspace=workspace), pytest.raises(ValidationError):
        services.item_create(questionnaire, user=UserFactory(), dimension=foreign, statement_fr="x")


@pytest.fixture
def answered(workspace):
    """8 invited; 6 answer one statement on dimension A:
    organisation X, team: 4 people answering 1, 2, 4, 5 → mean 3.00, n = 4 (shown);
    organisation Y, direction: 2 people answering 5, 5 → n = 2 (hidden: fewer than 3).
    Overall A: 1, 2, 4, 5, 5, 5 → mean 22 / 6 = 3.67, n = 6; response rate 6 / 8 = 75.00 %."""
    engagement = EngagementFactory(workspace=workspace)
    a = DimensionFactory(engagement=engagement, name="Governance")
    questionnaire = QuestionnaireFactory(engagement=engagement)
    item = QuestionnaireItemFactory(questionnaire=questionnaire, dimension=a)
    x, y = (
        ActorFactory(workspace=workspace, name="Org X"),
        ActorFactory(workspace=workspace, name="Org Y"),
    )
    people = [(x, "team", v) for v in (1, 2, 4, 5)] + [(y, "direction", 5)] * 2
    for organisation, category, value in people:
        person = StakeholderFactory(
            engagement=engagement, organisation=organisation, category=category
        )
        invitation = QuestionnaireInvitationFactory(questionnaire=questionnaire, stakeholder=person)
        QuestionnaireAnswerFactory(invitation=invitation, item=item, value=value)
    QuestionnaireInvitationFactory.create_batch(2, questionnaire=questionnaire)
    return questionnaire


def test_results_with_small_groups_hidden(answered):
    with scope(workspace=answered.workspace):
        results = selectors.results(answered)
    assert (results["invited"], results["answered"], results["rate"]) == (8, 6, Decimal("75.00"))
    [(_dimension, stats)] = results["dimensions"]
    assert (stats.n, stats.mean, stats.counts) == (
        6,
        Decimal("3.67"),
        {1: 1, 2: 1, 3: 0, 4: 1, 5: 3},
    )
    organisations = {g.label: g for g in results["organisations"]}
    assert organisations["Org X"].shown and organisations["Org X"].means == [Decimal("3.00")]
    assert organisations["Org X"].n == 4
    assert not organisations["Org Y"].shown
    categories = {g.key: g for g in results["categories"]}
    assert categories["team"].shown and not categories["direction"].shown
    # The charts never carry a hidden group.
    series = results["charts"]["organisations"].table.headers
    assert any("Org X (n=4)" in h for h in series)
    assert not any("Org Y" in h for h in series)


def test_results_page(answered, guest_client, workspace):
    page = guest_client.get(
        url("questionnaire_results", workspace, answered.engagement_id, answered.pk)
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "75.00 %" in html and "3.67" in html
    assert "too few answers to show" in html
    assert html.count("<svg") >= 3


def test_results_page_query_count_is_constant(member_client, workspace):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (3, 30):
        engagement = EngagementFactory(workspace=workspace)
        questionnaire = QuestionnaireFactory(engagement=engagement)
        items = [
            QuestionnaireItemFactory(
                questionnaire=questionnaire, dimension=DimensionFactory(engagement=engagement)
            )
            for _ in range(3)
        ]
        for n in range(size):
            invitation = QuestionnaireInvitationFactory(questionnaire=questionnaire)
            for item in items:
                QuestionnaireAnswerFactory(invitation=invitation, item=item, value=1 + n % 5)
        with CaptureQueriesContext(connection) as queries:
            member_client.get(
                url("questionnaire_results", workspace, engagement.pk, questionnaire.pk)
            )
        counts.append(len(queries))
    assert counts[0] == counts[1]
