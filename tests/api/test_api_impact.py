"""The impact API: indicators, followed subjects, targets, measurements, lists and series."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from maillage.impact import services
from maillage.impact.models import Indicator, Measurement, SdgTarget, Target, TrackedIndicator
from tests.api.test_api_ecosystem import Api
from tests.factories import (
    ActorFactory,
    BreakdownCategoryFactory,
    BreakdownDimensionFactory,
    IndicatorFactory,
    MeasurementFactory,
    TrackedIndicatorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(member):
    return Api(member)


@pytest.fixture
def guest_api(guest):
    return Api(guest)


@pytest.fixture
def gender(workspace):
    dimension = BreakdownDimensionFactory(workspace=workspace, name="Genre")
    women = BreakdownCategoryFactory(workspace=workspace, dimension=dimension, name="Femmes")
    men = BreakdownCategoryFactory(workspace=workspace, dimension=dimension, name="Hommes")
    return dimension, women, men


@pytest.fixture
def sdg_targets(db):
    return [
        SdgTarget.objects.create(code=code, goal=goal, position=i, title_fr=f"{t} FR", title_en=t)
        for i, (code, goal, t) in enumerate([("4.4", 4, "Skills"), ("8.5", 8, "Full employment")])
    ]


@pytest.fixture
def emp(workspace, member, gender):
    """A quarterly sum broken down by gender, followed for the workspace."""
    with scope(workspace=workspace):
        return services.indicator_create(
            workspace=workspace,
            user=member.user,
            code="EMP-01",
            name="Personnes accompagnées",
            unit="personnes",
            dimensions=[gender[0]],
        )


def errors(response) -> dict:
    """{field: message} of a 422; the field is the last element of `loc`."""
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    return {error["loc"][-1]: error["msg"] for error in body["detail"]}


def locs(response) -> list:
    return [error["loc"] for error in response.json()["detail"]]


# --- indicators ----------------------------------------------------------------------------------


def test_create_an_indicator_with_every_field(api, workspace, gender, sdg_targets):
    payload = {
        "code": "EMP-01",
        "name": "Personnes accompagnées vers l'emploi",
        "definition": "Toute personne reçue en entretien.",
        "kind": "quantitative",
        "unit": "personnes",
        "direction": "increase",
        "aggregation": "sum",
        "frequency": "quarter",
        "decimal_places": 1,
        "method": "Fichier de suivi.",
        "external_codes": ["IRIS+ PI4060", " VALOR'ESS "],
        "sdg_goals": [1],
        "sdg_targets": ["8.5", "4.4"],
        "dimensions": [gender[0].pk],
    }
    response = api.post("indicators", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1 and body["code"] == "EMP-01"
    assert body["sdg_goals"] == [1, 4, 8]  # the goals of the targets are added
    assert body["sdg_targets"] == ["4.4", "8.5"]
    assert body["dimensions"] == [gender[0].pk]
    assert body["external_codes"] == ["IRIS+ PI4060", "VALOR'ESS"]
    with scope(workspace=workspace):
        tracked = TrackedIndicator.objects.get(indicator_id=body["id"])
        assert tracked.subject_ref == "workspace"
    # A qualitative indicator takes the latest value; the code is made from the name.
    response = api.post("indicators", {"name": "Ressenti des bénévoles", "kind": "qualitative"})
    assert response.status_code == 201
    assert (response.json()["code"], response.json()["aggregation"]) == (
        "RESSENTI-DES-BENEVOL",
        "latest",
    )


def test_invalid_indicators_are_422_naming_the_field(api, workspace, other_workspace, emp):
    foreign = BreakdownDimensionFactory(workspace=other_workspace)
    found = errors(api.post("indicators", {"code": "EMP-01", "name": "Doublon"}))
    assert found == {"code": "Another indicator already has this code."}
    found = errors(api.post("indicators", {"name": "X", "sdg_targets": ["4.9"]}))
    assert found == {"sdg_targets": "Unknown SDG target: 4.9."}
    found = errors(api.post("indicators", {"name": "X", "dimensions": [foreign.pk]}))
    assert found == {"dimensions": f"Unknown id in this workspace: {foreign.pk}"}
    response = api.post("indicators", {"name": "X", "decimal_places": 5, "kind": "number"})
    assert sorted(errors(response)) == ["decimal_places", "kind"]
    with scopes_disabled():
        assert Indicator.objects.filter(workspace=workspace).count() == 1


def test_list_indicators_with_filters(api, workspace, other_workspace):
    IndicatorFactory(workspace=workspace, code="A-1", name="Emplois créés", sdg_goals=1 << 8)
    IndicatorFactory(
        workspace=workspace, code="B-1", name="Ressenti", kind="qualitative", aggregation="latest"
    )
    IndicatorFactory(workspace=workspace, code="C-1", name="Ancien", is_archived=True)
    IndicatorFactory(workspace=other_workspace, code="Z-1", name="Emplois ailleurs")
    codes = lambda response: [item["code"] for item in response.json()["items"]]  # noqa: E731
    response = api.get("indicators")
    assert response.json()["count"] == 3 and codes(response) == ["A-1", "B-1", "C-1"]
    assert codes(api.get("indicators", q="emplois")) == ["A-1"]
    assert codes(api.get("indicators", sdg=8)) == ["A-1"]
    assert codes(api.get("indicators", kind="qualitative")) == ["B-1"]
    assert codes(api.get("indicators", archived="false")) == ["A-1", "B-1"]
    assert codes(api.get("indicators", limit=1, offset=1)) == ["B-1"]
    assert list(errors(api.get("indicators", sdg=18))) == ["sdg"]


def test_the_indicator_list_runs_a_constant_number_of_queries(api, workspace, sdg_targets):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("indicators").status_code == 200
        return len(queries)

    IndicatorFactory(workspace=workspace)
    count()  # the token's first use is recorded once
    few = count()
    for _ in range(4):
        indicator = IndicatorFactory(workspace=workspace)
        with scopes_disabled():
            indicator.sdg_targets.set(sdg_targets)
    assert count() == few


def test_replace_patch_and_delete_with_optimistic_locking(api, workspace, emp, sdg_targets):
    url = f"indicators/{emp.pk}"
    response = api.patch(url, {"version": 1, "name": "Accompagnés", "sdg_targets": ["4.4"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["version"], body["sdg_goals"]) == ("Accompagnés", 2, [4])
    assert body["unit"] == "personnes"  # not sent: unchanged
    # Goals sent alone keep the goals of the targets.
    response = api.patch(url, {"version": 2, "sdg_goals": [1]})
    assert response.json()["sdg_goals"] == [1, 4]
    # A stale version: 409 and nothing written.
    response = api.patch(url, {"version": 1, "name": "Trop tard"})
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    with scopes_disabled():
        assert Indicator.objects.get(pk=emp.pk).name == "Accompagnés"
    # PUT: omitted fields take their defaults; the code is kept when not sent.
    response = api.put(url, {"version": 3, "name": "Remplacé", "frequency": "year"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["code"], body["unit"], body["frequency"], body["dimensions"]) == (
        "EMP-01",
        "",
        "year",
        [],
    )
    assert api.put(url, {"version": 3, "name": "X"}).status_code == 409
    assert api.delete(f"{url}?version=1").status_code == 409
    assert api.delete(f"{url}?version=4").status_code == 204
    with scopes_disabled():
        assert not Indicator.objects.filter(pk=emp.pk).exists()


def test_the_kind_of_a_measured_indicator_cannot_change(api, workspace, emp):
    with scopes_disabled():
        tracked = emp.tracks.get()
    MeasurementFactory(workspace=workspace, tracked=tracked, value=3)
    response = api.patch(f"indicators/{emp.pk}", {"version": 1, "kind": "qualitative"})
    assert "Create a new indicator" in errors(response)["kind"]


# --- followed subjects ---------------------------------------------------------------------------


def test_follow_an_indicator_for_actors(api, workspace, other_workspace, emp):
    actor = ActorFactory(workspace=workspace, name="Les Ateliers")
    foreign = ActorFactory(workspace=other_workspace)
    url = f"indicators/{emp.pk}/subjects"
    response = api.post(url, {"subject": f"actor:{actor.pk}", "note": "Convention"})
    assert response.status_code == 201, response.content
    tracked = response.json()
    assert (tracked["subject"], tracked["label"], tracked["note"]) == (
        f"actor:{actor.pk}",
        "Les Ateliers",
        "Convention",
    )
    assert api.post(url, {"subject": f"actor:{actor.pk}"}).status_code == 200  # already
    items = api.get(url).json()["items"]
    assert [i["subject"] for i in items] == ["workspace", f"actor:{actor.pk}"]
    found = errors(api.post(url, {"subject": f"actor:{foreign.pk}"}))
    assert found == {"subject": f"No actor of the registry with id {foreign.pk} in this workspace."}
    assert "not a kind of subject" in errors(api.post(url, {"subject": "projet:1"}))["subject"]
    # Removing a subject with values needs cascade=true.
    MeasurementFactory(workspace=workspace, tracked_id=tracked["id"], indicator=emp)
    response = api.delete(f"{url}/{tracked['id']}")
    assert locs(response) == [["query", "cascade"]]
    assert api.delete(f"{url}/{tracked['id']}?cascade=true").status_code == 204
    with scopes_disabled():
        assert not TrackedIndicator.objects.filter(pk=tracked["id"]).exists()
    # A following of another indicator is not found under this one.
    other = TrackedIndicatorFactory(workspace=workspace)
    assert api.delete(f"{url}/{other.pk}").status_code == 404


# --- targets -------------------------------------------------------------------------------------


def test_set_get_patch_and_delete_a_target(api, workspace, emp):
    actor = ActorFactory(workspace=workspace)
    payload = {
        "indicator": emp.pk,
        "subject": f"actor:{actor.pk}",
        "period": "2025-Q1",
        "value": 40,
        "note": "Convention",
    }
    response = api.post("targets", payload)
    assert response.status_code == 201, response.content
    target = response.json()
    assert (target["subject"], target["period"], target["value"]) == (
        f"actor:{actor.pk}",
        "2025-Q1",
        40,
    )
    assert (target["period_start"], target["period_end"]) == ("2025-01-01", "2025-03-31")
    with scopes_disabled():  # the actor became followed
        assert TrackedIndicator.objects.filter(indicator=emp, subject_id=actor.pk).exists()
    # Setting it again updates it (200); with a stale version, 409.
    response = api.post("targets", {**payload, "value": "45.5", "version": 1})
    assert response.status_code == 200 and response.json()["value"] == 45.5
    assert api.post("targets", {**payload, "value": 50, "version": 1}).status_code == 409
    url = f"targets/{target['id']}"
    assert api.get(url).json()["version"] == 2
    response = api.patch(url, {"version": 2, "note": "Avenant"})
    assert (response.json()["note"], response.json()["value"]) == ("Avenant", 45.5)
    assert api.patch(url, {"version": 2, "value": 1}).status_code == 409
    assert api.delete(f"{url}?version=2").status_code == 409
    assert api.delete(url).status_code == 204
    with scopes_disabled():
        assert not Target.objects.filter(workspace=workspace).exists()


def test_invalid_targets_are_422_naming_the_field(api, workspace, other_workspace, emp):
    foreign = IndicatorFactory(workspace=other_workspace)
    base = {"indicator": emp.pk, "period": "2025-Q1", "value": 10}
    assert locs(api.post("targets", {**base, "value": "N/A"})) == [["body", "payload", "value"]]
    assert locs(api.post("targets", {**base, "value": "1.23456"})) == [["body", "payload", "value"]]
    found = errors(api.post("targets", {**base, "period": "2025"}))
    assert "takes whole periods (quarterly" in found["period"]
    assert "is not a period" in errors(api.post("targets", {**base, "period": "Q9"}))["period"]
    assert list(errors(api.post("targets", {**base, "indicator": foreign.pk}))) == ["indicator"]
    assert errors(api.post("targets", {**base, "value": None})) == {
        "value": "Give the target value."
    }
    assert "quantitative" in errors(api.post("targets", {**base, "text": "Beaucoup"}))["text"]
    with scopes_disabled():
        assert not Target.objects.exists()


def test_list_targets_by_indicator_subject_and_period(api, workspace, emp):
    actor = ActorFactory(workspace=workspace)
    for period, subject in (
        ("2025-Q1", "workspace"),
        ("2025-Q2", "workspace"),
        ("2026-Q1", "workspace"),
        ("2025-Q1", f"actor:{actor.pk}"),
    ):
        assert (
            api.post(
                "targets", {"indicator": emp.pk, "subject": subject, "period": period, "value": 1}
            ).status_code
            == 201
        )
    other = IndicatorFactory(workspace=workspace, code="ZZZ")
    TrackedIndicatorFactory(workspace=workspace, indicator=other)

    def keys(**params):
        return [(i["subject"], i["period"]) for i in api.get("targets", **params).json()["items"]]

    assert keys(period="2025", subject="workspace") == [
        ("workspace", "2025-Q1"),
        ("workspace", "2025-Q2"),
    ]
    assert keys(subject=f"actor:{actor.pk}") == [(f"actor:{actor.pk}", "2025-Q1")]
    assert len(keys(indicator=emp.pk)) == 4 and keys(indicator=other.pk) == []
    assert locs(api.get("targets", indicator=987654)) == [["query", "indicator"]]
    assert locs(api.get("targets", subject="actor:987654")) == [["query", "subject"]]
    assert locs(api.get("targets", period="bientôt")) == [["query", "period"]]


# --- measurements --------------------------------------------------------------------------------


def test_create_a_measurement_with_breakdowns(api, workspace, member, emp, gender):
    _dimension, women, men = gender
    payload = {
        "indicator": emp.pk,
        "period": "2025-Q1",
        "value": 20,
        "narrative": "Bon trimestre",
        "evidence_url": "https://example.org/rapport.pdf",
        "measured_on": "2025-04-15",
        "breakdowns": [{"category": women.pk, "value": 12}, {"category": men.pk, "value": "8"}],
    }
    response = api.post("measurements", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["subject"], body["period"], body["status"], body["value"]) == (
        "workspace",
        "2025-Q1",
        "measured",
        20,
    )
    assert body["measured_on"] == "2025-04-15"
    assert body["measured_by"] == member.user.full_name
    assert [(b["category_name"], b["dimension_name"], b["value"]) for b in body["breakdowns"]] == [
        ("Femmes", "Genre", 12),
        ("Hommes", "Genre", 8),
    ]
    # The same period again: 422 on the period, nothing doubled.
    found = errors(api.post("measurements", payload))
    assert found == {"period": "A measurement already exists for this period: edit it instead."}
    with scopes_disabled():
        assert Measurement.objects.filter(workspace=workspace).count() == 1


def test_invalid_measurements_are_422_with_the_services_messages(
    api, workspace, other_workspace, emp, gender
):
    _dimension, women, men = gender
    foreign = BreakdownCategoryFactory(workspace=other_workspace)
    base = {"indicator": emp.pk, "period": "2025-Q1", "value": 21}
    response = api.post("measurements", {**base, "value": "N/A"})
    assert locs(response) == [["body", "payload", "value"]]
    breakdowns = [{"category": women.pk, "value": 12}, {"category": men.pk, "value": 8}]
    found = api.post("measurements", {**base, "breakdowns": breakdowns}).json()["detail"]
    assert [e["loc"] for e in found] == [["body", "breakdowns"], ["body", "breakdowns"]]
    assert found[0]["msg"] == "Genre: the values add up to 20 but the total is 21."
    found = errors(
        api.post("measurements", {**base, "breakdowns": [{"category": foreign.pk, "value": 21}]})
    )
    assert found == {"breakdowns": f"Unknown id in this workspace: {foreign.pk}"}
    assert list(errors(api.post("measurements", {**base, "value": None}))) == ["value"]
    found = errors(api.post("measurements", {**base, "status": "not_measured"}))
    assert "not measured" in found["status"]
    assert list(errors(api.post("measurements", {**base, "numerator": 3}))) == ["numerator"]
    assert list(errors(api.post("measurements", {**base, "period": "2025-03"}))) == ["period"]
    assert list(errors(api.post("measurements", {**base, "evidence_url": "pas une adresse"}))) == [
        "evidence_url"
    ]
    # A subject followed on the way is not followed when the measurement is refused.
    actor = ActorFactory(workspace=workspace)
    response = api.post(
        "measurements", {**base, "subject": f"actor:{actor.pk}", "breakdowns": breakdowns}
    )
    assert response.status_code == 422
    with scopes_disabled():
        assert not Measurement.objects.exists()
        assert TrackedIndicator.objects.filter(indicator=emp).count() == 1


def test_ratio_and_qualitative_measurements(api, workspace, member):
    with scope(workspace=workspace):
        rate = services.indicator_create(
            workspace=workspace, user=member.user, name="Taux", aggregation="ratio"
        )
        quality = services.indicator_create(
            workspace=workspace,
            user=member.user,
            name="Ressenti",
            kind="qualitative",
            frequency="year",
        )
    response = api.post(
        "measurements",
        {"indicator": rate.pk, "period": "2025-Q1", "numerator": 45, "denominator": 60},
    )
    assert (response.json()["value"], response.json()["numerator"]) == (75, 45)
    found = errors(
        api.post(
            "measurements",
            {
                "indicator": rate.pk,
                "period": "2025-Q2",
                "numerator": 45,
                "denominator": 60,
                "value": 70,
            },
        )
    )
    assert "computed" in found["value"]
    response = api.post(
        "measurements",
        {"indicator": quality.pk, "period": "2025", "text_value": "Des bénévoles fidèles"},
    )
    assert response.status_code == 201 and response.json()["value"] is None
    found = errors(
        api.post("measurements", {"indicator": quality.pk, "period": "2026", "value": 3})
    )
    assert "qualitative" in found["value"]


def test_patch_a_measurement(api, workspace, emp, gender):
    _dimension, women, men = gender
    response = api.post(
        "measurements",
        {
            "indicator": emp.pk,
            "period": "2025-Q1",
            "value": 20,
            "narrative": "Bon trimestre",
            "breakdowns": [{"category": women.pk, "value": 12}, {"category": men.pk, "value": 8}],
        },
    )
    url = f"measurements/{response.json()['id']}"
    # A new total with the breakdowns kept: they no longer add up.
    found = api.patch(url, {"version": 1, "value": 25}).json()["detail"]
    assert found[0]["msg"] == "Genre: the values add up to 20 but the total is 25."
    response = api.patch(
        url,
        {
            "version": 1,
            "value": 25,
            "breakdowns": [{"category": women.pk, "value": 15}, {"category": men.pk, "value": 10}],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["value"], body["narrative"], body["version"]) == (25, "Bon trimestre", 2)
    assert api.patch(url, {"version": 1, "narrative": "Trop tard"}).status_code == 409
    # Not measured: the figures and breakdowns go.
    response = api.patch(url, {"version": 2, "status": "not_measured"})
    body = response.json()
    assert (body["status"], body["value"], body["breakdowns"]) == ("not_measured", None, [])
    assert body["narrative"] == "Bon trimestre"
    assert api.delete(f"{url}?version=2").status_code == 409
    assert api.delete(f"{url}?version=3").status_code == 204


def test_list_measurements_with_few_queries(api, workspace, emp, gender):
    with scopes_disabled():
        tracked = emp.tracks.get()

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = api.get("measurements", indicator=emp.pk)
        return len(response.json()["items"]), len(queries)

    MeasurementFactory(workspace=workspace, tracked=tracked)
    count()  # the token's first use is recorded once
    one, few = count()
    for month in (4, 7, 10):
        MeasurementFactory(
            workspace=workspace,
            tracked=tracked,
            period_start=date(2025, month, 1),
            period_end=date(2025, month + 2, 30 if month != 10 else 31),
        )
    assert count() == (one + 3, few)


# --- foreign ids, roles --------------------------------------------------------------------------


def test_ids_of_another_workspace_are_not_found(api, other_workspace):
    indicator = IndicatorFactory(workspace=other_workspace)
    measurement = MeasurementFactory(workspace=other_workspace)
    assert api.get(f"indicators/{indicator.pk}").status_code == 404
    assert api.get(f"indicators/{indicator.pk}/series").status_code == 404
    assert api.get(f"measurements/{measurement.pk}").status_code == 404
    assert api.patch(f"measurements/{measurement.pk}", {"version": 1}).status_code == 404
    assert api.get("indicators").json()["count"] == 0


def test_guests_read_and_never_write(guest_api, workspace, emp):
    assert guest_api.get("indicators").status_code == 200
    assert guest_api.get(f"indicators/{emp.pk}/series").status_code == 200
    for method, path, data in (
        ("post", "indicators", {"name": "X"}),
        ("patch", f"indicators/{emp.pk}", {"version": 1, "name": "X"}),
        ("post", "targets", {"indicator": emp.pk, "period": "2025-Q1", "value": 1}),
        ("post", "measurements", {"indicator": emp.pk, "period": "2025-Q1", "value": 1}),
        ("post", f"indicators/{emp.pk}/subjects", {"subject": "workspace"}),
    ):
        response = guest_api.send(method, path, data)
        assert response.status_code == 403, path
        assert response.json()["required_role"] == "member"
    assert guest_api.delete(f"indicators/{emp.pk}").status_code == 403
    with scopes_disabled():
        assert Indicator.objects.get(pk=emp.pk).name == "Personnes accompagnées"


# --- reference lists -------------------------------------------------------------------------


def test_breakdown_dimensions_and_sdg_targets(api, gender, sdg_targets):
    (dimension,) = api.get("breakdown-dimensions").json()["items"]
    assert dimension["name"] == "Genre"
    assert [c["name"] for c in dimension["categories"]] == ["Femmes", "Hommes"]
    items = api.get("sdg-targets").json()["items"]
    assert [(t["id"], t["goal"], t["title"]) for t in items] == [
        ("4.4", 4, "Skills"),
        ("8.5", 8, "Full employment"),
    ]
    assert [t["code"] for t in api.get("sdg-targets", goal=8).json()["items"]] == ["8.5"]


# --- series --------------------------------------------------------------------------------------


def test_series_per_period_with_targets_and_progress(api, workspace, member, emp):
    actor = ActorFactory(workspace=workspace)
    with scope(workspace=workspace):
        mine = emp.tracks.get()
        theirs = services.indicator_track(
            emp, user=member.user, subject_kind="actor", subject_id=actor.pk
        )
        for tracked, quarter, value in ((mine, 1, 10), (mine, 2, 12), (theirs, 1, 5)):
            start = date(2025, 3 * quarter - 2, 1)
            end = date(2025, 3 * quarter, 31 if quarter == 1 else 30)
            services.measurement_create(
                tracked, user=member.user, period_start=start, period_end=end, value=Decimal(value)
            )
        services.target_save(
            mine,
            user=member.user,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 3, 31),
            value=Decimal(20),
        )
    body = api.get(f"indicators/{emp.pk}/series", **{"from": "2025-Q1", "to": "2025-Q3"}).json()
    assert (body["code"], body["unit"], body["subjects"]) == ("EMP-01", "personnes", None)
    rows = [(p["period"], p["actual"], p["target"], p["readings"]) for p in body["periods"]]
    assert rows == [("2025-Q1", 15, 20, 2), ("2025-Q2", 12, None, 1), ("2025-Q3", None, None, 0)]
    assert body["periods"][0]["progress"] == {"status": "behind", "percent": 75}
    body = api.get(f"indicators/{emp.pk}/series", subject=f"actor:{actor.pk}").json()
    assert body["subjects"] == [f"actor:{actor.pk}"]
    assert [(p["period"], p["actual"]) for p in body["periods"]] == [("2025-Q1", 5)]
    response = api.get(f"indicators/{emp.pk}/series", **{"from": "2025-01-01", "to": "2025-06-30"})
    assert len(response.json()["periods"]) == 2
    assert locs(api.get(f"indicators/{emp.pk}/series", **{"from": "hier"})) == [["query", "from"]]
    response = api.get(f"indicators/{emp.pk}/series", **{"from": "2026", "to": "2025"})
    assert locs(response) == [["query", "to"]]
    assert locs(api.get(f"indicators/{emp.pk}/series", subject="actor:0")) == [["query", "subject"]]
