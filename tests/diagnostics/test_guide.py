"""The interview guide: questions per dimension in French and English, ordered, printable in
either language."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.diagnostics.models import InterviewQuestion
from maillage.diagnostics.services.defaults import ensure_defaults
from tests.conftest import client_for
from tests.factories import (
    DimensionFactory,
    EngagementFactory,
    InterviewQuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(workspace):
    return EngagementFactory(workspace=workspace)


def url(name, engagement, *args):
    return reverse(f"diagnostics:{name}", args=[engagement.workspace.slug, engagement.pk, *args])


def order(dimension):
    with scopes_disabled():
        return list(
            InterviewQuestion.objects.filter(dimension=dimension)
            .order_by("position", "id")
            .values_list("text_fr", flat=True)
        )


def test_add_questions_in_order_and_move_them(owner, engagement):
    dimension = DimensionFactory(engagement=engagement)
    client = client_for(owner)
    for text in ("Un", "Deux", "Trois"):
        response = client.post(
            url("guide_question_create", engagement),
            {"dimension": dimension.pk, "text_fr": text, "text_en": text + " (en)", "version": 1},
        )
        assert response.status_code == 302
    assert order(dimension) == ["Un", "Deux", "Trois"]
    with scopes_disabled():
        third = InterviewQuestion.objects.get(text_fr="Trois")
        first = InterviewQuestion.objects.get(text_fr="Un")
    client.post(url("guide_question_move", engagement, third.pk), {"direction": "up"})
    assert order(dimension) == ["Un", "Trois", "Deux"]
    client.post(url("guide_question_move", engagement, first.pk), {"direction": "up"})  # no-op
    assert order(dimension) == ["Un", "Trois", "Deux"]
    client.post(url("guide_question_move", engagement, first.pk), {"direction": "down"})
    assert order(dimension) == ["Trois", "Un", "Deux"]
    assert client.get(url("guide_question_move", engagement, first.pk)).status_code == 405


def test_a_question_needs_its_french_text_and_a_dimension_of_the_engagement(owner, engagement):
    dimension = DimensionFactory(engagement=engagement)
    foreign = DimensionFactory(engagement=EngagementFactory(workspace=engagement.workspace))
    client = client_for(owner)
    for data in (
        {"dimension": dimension.pk, "text_fr": "  ", "version": 1},
        {"dimension": foreign.pk, "text_fr": "Question", "version": 1},
    ):
        assert client.post(url("guide_question_create", engagement), data).status_code == 200
    with scopes_disabled():
        assert not InterviewQuestion.objects.exists()


def test_the_printable_guide_in_french_and_english(owner, engagement):
    with scope(workspace=engagement.workspace):
        ensure_defaults(engagement, user=UserFactory())
        governance = engagement.dimensions.get(key="governance")
    InterviewQuestionFactory(dimension=governance, text_fr="Qui décide ?", text_en="Who decides?")
    InterviewQuestionFactory(dimension=governance, text_fr="Seulement en français", text_en="")
    client = client_for(owner)
    french = client.get(url("guide_print", engagement) + "?lang=fr").content.decode()
    english = client.get(url("guide_print", engagement) + "?lang=en").content.decode()
    assert "Qui décide ?" in french and "Who decides?" not in french
    assert "Gouvernance, prise de décision" in french
    assert "Who decides?" in english and "Qui décide ?" not in english
    assert "Governance, decision-making and project management" in english
    assert "Seulement en français" in english  # falls back to French
    # Dimensions without questions are left out of the printable guide.
    assert "Modèles d'affaires" not in french
    edit_page = client.get(url("guide", engagement)).content.decode()
    assert "Qui décide ?" in edit_page and "Who decides?" in edit_page


def test_edit_and_delete_a_question(owner, engagement):
    question = InterviewQuestionFactory(dimension=DimensionFactory(engagement=engagement))
    client = client_for(owner)
    response = client.post(
        url("guide_question_edit", engagement, question.pk),
        {"dimension": question.dimension_id, "text_fr": "Nouvelle", "text_en": "New", "version": 1},
    )
    assert response.status_code == 302
    response = client.post(
        url("guide_question_edit", engagement, question.pk), {"delete": "1", "version": 2}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert not InterviewQuestion.objects.exists()


def test_a_question_of_another_engagement_is_404(owner, engagement):
    client = client_for(owner)
    other = InterviewQuestionFactory(
        dimension=DimensionFactory(engagement=EngagementFactory(workspace=engagement.workspace))
    )
    assert client.get(url("guide_question_edit", engagement, other.pk)).status_code == 404
    assert client.post(url("guide_question_move", engagement, other.pk)).status_code == 404
