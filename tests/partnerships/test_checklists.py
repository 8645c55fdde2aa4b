"""Checklist scoring (risk_score, health_for, trend_between) and the review services that keep
the health light of a partnership."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from hypothesis import given
from hypothesis import strategies as st

from maillage.core.exceptions import StaleObjectError
from maillage.partnerships.checklists import (
    ITEMS,
    Answer,
    Health,
    Trend,
    health_for,
    risk_score,
    trend_between,
)
from maillage.partnerships.models import ChecklistAnswer, ChecklistReview, Partnership
from maillage.partnerships.services import checklists as services
from tests.factories import PartnershipFactory, PartnershipGuestFactory, UserFactory

ANSWERS = st.sampled_from(list(Answer.values))
SCORES = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False)
WORSE = {Answer.NO: Answer.PARTLY, Answer.PARTLY: Answer.YES}


# --- scoring -----------------------------------------------------------------------------------


@given(st.lists(ANSWERS, min_size=1, max_size=40))
def test_score_is_between_0_and_100(answers):
    score = risk_score(answers)
    assert Decimal(0) <= score <= Decimal(100)


def test_score_bounds_and_empty():
    assert risk_score([]) is None
    assert risk_score([Answer.NO] * 18) == 0
    assert risk_score([Answer.YES] * 18) == 100
    assert risk_score([Answer.PARTLY] * 18) == 50


@given(st.lists(ANSWERS, min_size=1, max_size=18), st.data())
def test_score_grows_when_an_answer_gets_worse(answers, data):
    worsable = [i for i, answer in enumerate(answers) if answer != Answer.YES]
    if not worsable:
        return
    index = data.draw(st.sampled_from(worsable))
    worse = list(answers)
    worse[index] = WORSE[Answer(answers[index])]
    assert risk_score(worse) > risk_score(answers)


@given(SCORES)
def test_health_thresholds(score):
    expected = Health.GREEN if score < 20 else Health.AMBER if score < 45 else Health.RED
    assert health_for(score) == expected


def test_health_at_the_edges():
    assert health_for(None) == Health.UNKNOWN
    assert health_for(Decimal("19.9")) == Health.GREEN
    assert health_for(Decimal("20")) == Health.AMBER
    assert health_for(Decimal("44.9")) == Health.AMBER
    assert health_for(Decimal("45")) == Health.RED


@given(SCORES, SCORES)
def test_trend_is_five_points_either_way(previous, current):
    trend = trend_between(previous, current)
    if current - previous <= -5:
        assert trend == Trend.BETTER
    elif current - previous >= 5:
        assert trend == Trend.WORSE
    else:
        assert trend == Trend.STABLE


def test_trend_without_a_previous_review():
    assert trend_between(None, Decimal(10)) == Trend.NONE
    assert trend_between(Decimal(10), Decimal(5)) == Trend.BETTER
    assert trend_between(Decimal(10), Decimal("5.1")) == Trend.STABLE
    assert trend_between(Decimal(10), Decimal(15)) == Trend.WORSE


# --- the review service --------------------------------------------------------------------------


def answers(default=Answer.NO, **overrides):
    values = {item.key: (default, "") for item in ITEMS}
    values.update({key: (value, "") for key, value in overrides.items()})
    return values


def create(partnership, on, values, user=None):
    with scope(workspace=partnership.workspace):
        return services.review_create(
            partnership, user=user or UserFactory(), reviewed_on=on, answers=values
        )


def stored(partnership):
    with scope(workspace=partnership.workspace):
        return Partnership.objects.get(pk=partnership.pk)


@pytest.mark.django_db
def test_a_review_lights_the_partnership():
    partnership = PartnershipFactory()
    assert partnership.health == Health.UNKNOWN
    review = create(partnership, datetime.date(2026, 3, 1), answers(Answer.PARTLY))
    assert review.score == Decimal(50)
    assert review.health == Health.RED
    assert review.trend == Trend.NONE
    with scope(workspace=partnership.workspace):
        assert ChecklistAnswer.objects.filter(review=review).count() == len(ITEMS)
    fresh = stored(partnership)
    assert (fresh.health, fresh.health_trend) == (Health.RED, "")


@pytest.mark.django_db
def test_second_review_sets_the_trend_and_edit_and_delete_recompute():
    partnership = PartnershipFactory()
    user = UserFactory()
    first = create(partnership, datetime.date(2026, 3, 1), answers(Answer.PARTLY), user)
    second = create(partnership, datetime.date(2026, 4, 1), answers(Answer.NO), user)
    assert (second.score, second.health, second.trend) == (0, Health.GREEN, Trend.BETTER)
    assert (stored(partnership).health, stored(partnership).health_trend) == (
        Health.GREEN,
        Trend.BETTER,
    )
    # Editing the first review to all "no": the second becomes stable.
    with scope(workspace=partnership.workspace):
        services.review_update(
            first,
            user=user,
            expected_version=first.version,
            reviewed_on=first.reviewed_on,
            answers=answers(Answer.NO),
        )
        second.refresh_from_db()
    assert second.trend == Trend.STABLE
    assert stored(partnership).health_trend == Trend.STABLE
    # Deleting the latest: the partnership's light follows the first review again.
    with scope(workspace=partnership.workspace):
        services.review_delete(second, user=user)
    fresh = stored(partnership)
    assert (fresh.health, fresh.health_trend) == (Health.GREEN, "")
    with scope(workspace=partnership.workspace):
        services.review_delete(ChecklistReview.objects.get(pk=first.pk), user=user)
    assert stored(partnership).health == Health.UNKNOWN


@pytest.mark.django_db
def test_an_older_review_added_later_recomputes_the_trends_in_date_order():
    partnership = PartnershipFactory()
    create(partnership, datetime.date(2026, 4, 1), answers(Answer.NO))
    create(partnership, datetime.date(2026, 3, 1), answers(Answer.YES))
    with scope(workspace=partnership.workspace):
        latest = ChecklistReview.objects.get(reviewed_on=datetime.date(2026, 4, 1))
    assert latest.trend == Trend.BETTER
    assert stored(partnership).health == Health.GREEN


@pytest.mark.django_db
def test_every_item_must_be_answered_and_nothing_is_half_written():
    partnership = PartnershipFactory()
    values = answers()
    values["tensions"] = ("", "")
    with pytest.raises(ValidationError) as error:
        create(partnership, datetime.date(2026, 3, 1), values)
    assert "answer_tensions" in error.value.message_dict
    with scope(workspace=partnership.workspace):
        assert not ChecklistReview.objects.filter(partnership=partnership).exists()


@pytest.mark.django_db
def test_no_future_date_and_one_review_per_date():
    partnership = PartnershipFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        create(partnership, tomorrow, answers())
    assert "reviewed_on" in error.value.message_dict
    create(partnership, datetime.date(2026, 3, 1), answers())
    with pytest.raises(ValidationError) as error:
        create(partnership, datetime.date(2026, 3, 1), answers(Answer.YES))
    assert "already a review" in error.value.message_dict["reviewed_on"][0]
    # Another partnership may review on the same day.
    create(
        PartnershipFactory(workspace=partnership.workspace), datetime.date(2026, 3, 1), answers()
    )


@pytest.mark.django_db
def test_a_stale_edit_is_refused():
    partnership = PartnershipFactory()
    review = create(partnership, datetime.date(2026, 3, 1), answers())
    with scope(workspace=partnership.workspace), pytest.raises(StaleObjectError):
        services.review_update(
            review,
            user=UserFactory(),
            expected_version=review.version - 1 if review.version > 1 else 99,
            reviewed_on=review.reviewed_on,
            answers=answers(Answer.YES),
        )
    assert stored(partnership).health == Health.GREEN


# --- the pages -----------------------------------------------------------------------------------


def review_post(on, default="no", **extra):
    data = {"reviewed_on": on.isoformat(), "notes": "Revue trimestrielle"}
    data.update({f"answer_{item.key}": default for item in ITEMS})
    data.update(extra)
    return data


@pytest.mark.django_db
def test_review_pages(workspace, owner_client):
    partnership = PartnershipFactory(workspace=workspace)
    url = reverse("partnerships:review_create", args=[workspace.slug, partnership.pk])
    page = owner_client.get(url)
    assert page.status_code == 200
    assert "Different work cultures" in page.content.decode()
    missing = review_post(datetime.date(2026, 3, 1))
    del missing["answer_no_trust"]
    response = owner_client.post(url, missing)
    assert response.status_code == 200
    assert "Answer this item" in response.content.decode()
    response = owner_client.post(url, review_post(datetime.date(2026, 3, 1), "partly"))
    assert response.status_code == 302
    owner_client.post(url, review_post(datetime.date(2026, 4, 1), "no", answer_no_trust="yes"))
    with scope(workspace=workspace):
        latest = ChecklistReview.objects.get(reviewed_on=datetime.date(2026, 4, 1))
    risks = owner_client.get(reverse("partnerships:risks", args=[workspace.slug, partnership.pk]))
    html = risks.content.decode()
    assert "lower is better" in html
    assert "<svg" in html  # the chart of the score over two reviews
    assert "Worse" in html and "Better" in html  # no_trust got worse, the others better
    edit = reverse("partnerships:review_edit", args=[workspace.slug, partnership.pk, latest.pk])
    stale = review_post(datetime.date(2026, 4, 1), "yes", version=latest.version + 5)
    assert owner_client.post(edit, stale).status_code == 409
    data = review_post(datetime.date(2026, 4, 1), "yes", version=latest.version)
    assert owner_client.post(edit, data).status_code == 302
    assert stored(partnership).health == Health.RED
    detail = reverse("partnerships:review", args=[workspace.slug, partnership.pk, latest.pk])
    assert owner_client.get(detail).status_code == 200
    owner_client.post(edit, {"delete": "1", "version": latest.version + 1})
    assert stored(partnership).health_trend == ""


@pytest.mark.django_db
def test_a_guest_reads_the_reviews_but_cannot_write(workspace, guest, guest_client):
    partnership = PartnershipFactory(workspace=workspace)
    PartnershipGuestFactory(partnership=partnership, membership=guest)
    review = create(partnership, datetime.date(2026, 3, 1), answers())
    assert (
        guest_client.get(
            reverse("partnerships:risks", args=[workspace.slug, partnership.pk])
        ).status_code
        == 200
    )
    assert (
        guest_client.get(
            reverse("partnerships:review", args=[workspace.slug, partnership.pk, review.pk])
        ).status_code
        == 200
    )
    url = reverse("partnerships:review_create", args=[workspace.slug, partnership.pk])
    assert guest_client.post(url, review_post(datetime.date(2026, 4, 1))).status_code == 403
    other = PartnershipFactory(workspace=workspace)
    assert (
        guest_client.get(reverse("partnerships:risks", args=[workspace.slug, other.pk])).status_code
        == 404
    )
