"""The public answer page /d/q/<token>/: no account, French by default, all answers or none,
changeable until the questionnaire closes, nothing else reachable from a token."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from maillage.diagnostics.models import QuestionnaireAnswer
from tests.factories import (
    EngagementFactory,
    QuestionnaireFactory,
    QuestionnaireInvitationFactory,
    QuestionnaireItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(workspace):
    questionnaire = QuestionnaireFactory(
        engagement=EngagementFactory(workspace=workspace), title="Alliance questionnaire"
    )
    QuestionnaireItemFactory(
        questionnaire=questionnaire,
        statement_fr="Les décisions sont rapides.",
        statement_en="Decisions are quick.",
        position=1,
    )
    QuestionnaireItemFactory(
        questionnaire=questionnaire,
        statement_fr="Les rôles sont clairs.",
        statement_en="Roles are clear.",
        position=2,
    )
    return QuestionnaireInvitationFactory(questionnaire=questionnaire)


def page(invitation, lang=""):
    url = reverse("diagnostics_public:questionnaire", args=[invitation.token])
    return url + (f"?lang={lang}" if lang else "")


def items(invitation):
    with scopes_disabled():
        return list(invitation.questionnaire.items.order_by("position"))


def answers(invitation):
    with scopes_disabled():
        return dict(
            QuestionnaireAnswer.objects.filter(invitation=invitation).values_list(
                "item_id", "value"
            )
        )


def test_unknown_token_is_a_404(client):
    assert client.get("/d/q/not-a-token/").status_code == 404


def test_opens_without_an_account_in_french_then_english(client, invitation):
    french = client.get(page(invitation))
    assert french.status_code == 200
    assert "Les décisions sont rapides." in french.content.decode()
    english = client.get(page(invitation, "en"))
    assert "Decisions are quick." in english.content.decode()


def test_answers_saved_all_or_nothing_and_changeable(client, invitation):
    first, second = items(invitation)
    missing = client.post(page(invitation, "en"), {f"item_{first.pk}": "4"})
    assert missing.status_code == 400
    assert "Choose an answer from 1 to 5." in missing.content.decode()
    assert answers(invitation) == {}
    out_of_range = client.post(
        page(invitation, "en"), {f"item_{first.pk}": "6", f"item_{second.pk}": "2"}
    )
    assert out_of_range.status_code == 400
    assert answers(invitation) == {}
    saved = client.post(page(invitation, "en"), {f"item_{first.pk}": "4", f"item_{second.pk}": "2"})
    assert saved.status_code == 302
    assert answers(invitation) == {first.pk: 4, second.pk: 2}
    changed = client.post(page(invitation), {f"item_{first.pk}": "1", f"item_{second.pk}": "5"})
    assert changed.status_code == 302
    assert answers(invitation) == {first.pk: 1, second.pk: 5}
    with scopes_disabled():
        invitation.refresh_from_db()
    assert invitation.answered_at is not None


@pytest.mark.parametrize(
    "closing",
    [{"is_open": False}, {"closes_on": datetime.date(2020, 1, 1)}],
)
def test_closed_questionnaire_refuses_answers(client, invitation, closing):
    with scopes_disabled():
        for name, value in closing.items():
            setattr(invitation.questionnaire, name, value)
        invitation.questionnaire.save()
    first, second = items(invitation)
    shown = client.get(page(invitation, "en"))
    assert "This questionnaire is closed" in shown.content.decode()
    refused = client.post(
        page(invitation, "en"), {f"item_{first.pk}": "4", f"item_{second.pk}": "2"}
    )
    assert refused.status_code == 403
    assert answers(invitation) == {}


def test_no_data_of_another_questionnaire_is_reachable(client, invitation, other_workspace):
    other_item = QuestionnaireItemFactory(
        questionnaire=QuestionnaireFactory(engagement=EngagementFactory(workspace=other_workspace)),
        statement_fr="Secret d'un autre espace",
    )
    same_workspace_item = QuestionnaireItemFactory(
        questionnaire=QuestionnaireFactory(engagement=invitation.questionnaire.engagement),
        statement_fr="Autre questionnaire",
    )
    html = client.get(page(invitation)).content.decode()
    assert "Secret d'un autre espace" not in html and "Autre questionnaire" not in html
    first, second = items(invitation)
    client.post(
        page(invitation),
        {
            f"item_{first.pk}": "3",
            f"item_{second.pk}": "3",
            f"item_{other_item.pk}": "5",
            f"item_{same_workspace_item.pk}": "5",
        },
    )
    assert answers(invitation) == {first.pk: 3, second.pk: 3}


def test_csrf_is_enforced(invitation):
    first, second = items(invitation)
    data = {f"item_{first.pk}": "4", f"item_{second.pk}": "2"}
    client = Client(enforce_csrf_checks=True)
    assert client.post(page(invitation), data).status_code == 403
    client.get(page(invitation))
    data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    assert client.post(page(invitation), data).status_code == 302
    assert answers(invitation) == {first.pk: 4, second.pk: 2}


def test_revoked_link_is_a_404(client, invitation):
    url = page(invitation)
    with scopes_disabled():
        invitation.delete()
    assert client.get(url).status_code == 404
