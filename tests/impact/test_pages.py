"""The impact pages: indicators, targets, measurements, evidence, following, breakdowns."""

import html
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.impact import services
from maillage.impact.models import (
    BreakdownDimension,
    Indicator,
    Measurement,
    Target,
    TrackedIndicator,
)
from tests.factories import ActorFactory, MeasurementFactory, TrackedIndicatorFactory

THIS_YEAR = date.today().year


@pytest.fixture
def gender(workspace):
    with scope(workspace=workspace):
        services.breakdowns_ensure_defaults(workspace)
        dimension = BreakdownDimension.objects.get(workspace=workspace, name="Gender")
        return dimension, list(dimension.categories.all())


def url(name, workspace, *args):
    return reverse(f"impact:{name}", args=[workspace.slug, *args])


def _create(client, workspace, **data):
    payload = {
        "version": 1,
        "name": "Personnes accompagnées",
        "kind": "quantitative",
        "unit": "personnes",
        "direction": "increase",
        "aggregation": "sum",
        "frequency": "quarter",
        "decimal_places": 0,
        **data,
    }
    return client.post(url("indicator_create", workspace), payload)


def test_define_an_indicator_then_see_it_in_the_list(owner_client, workspace, gender):
    dimension, _ = gender
    response = _create(
        owner_client,
        workspace,
        code="ACC-01",
        sdg_goals=["1", "8"],
        dimensions=[dimension.pk],
        external_codes="IRIS+ PI4060\nIRIS+ PI4060",
    )
    with scopes_disabled():
        indicator = Indicator.objects.get(workspace=workspace, code="ACC-01")
        assert indicator.sdg_list == [1, 8]
        assert list(indicator.dimensions.all()) == [dimension]
        assert indicator.external_codes == "IRIS+ PI4060"
        assert TrackedIndicator.objects.filter(indicator=indicator, subject_id=None).exists()
    assert response.status_code == 302
    assert response["Location"] == url("indicator", workspace, indicator.pk)
    page = owner_client.get(url("home", workspace)).content.decode()
    assert "Personnes accompagnées" in page and "ACC-01" in page


def test_a_qualitative_indicator_has_no_other_aggregation(owner_client, workspace):
    _create(owner_client, workspace, code="QUAL", kind="qualitative", aggregation="sum")
    with scopes_disabled():
        assert Indicator.objects.get(code="QUAL").aggregation == "latest"


def test_a_duplicate_code_is_refused_on_its_field(owner_client, workspace):
    _create(owner_client, workspace, code="ACC-01")
    response = _create(owner_client, workspace, code="ACC-01", name="Autre")
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["Another indicator already has this code."]


def _indicator(workspace, user, **fields):
    with scope(workspace=workspace):
        indicator = services.indicator_create(
            workspace=workspace,
            user=user,
            name="Personnes accompagnées",
            unit="personnes",
            frequency="quarter",
            **fields,
        )
        return indicator, indicator.tracks.get()


def test_enter_a_measurement_with_breakdowns(owner, owner_client, workspace, gender):
    dimension, (women, men, other) = gender
    indicator, tracked = _indicator(workspace, owner.user, dimensions=[dimension])
    form_url = url("measurement_create", workspace, tracked.pk)
    page = owner_client.get(form_url).content.decode()
    assert "By Gender" in page and f'name="breakdown_{women.pk}"' in page
    data = {
        "version": 1,
        "period": f"{THIS_YEAR}-Q1",
        "value": "1 234",
        f"breakdown_{women.pk}": "700",
        f"breakdown_{men.pk}": "500",
        f"breakdown_{other.pk}": "",
        "narrative": "Deux nouvelles permanences",
        "evidence_url": "example.org/bilan",
    }
    response = owner_client.post(form_url, data)
    assert response.status_code == 200
    assert "Gender: the values add up to 1" in response.content.decode()  # 1 200 ≠ 1 234
    with scopes_disabled():
        assert not Measurement.objects.exists()
    data[f"breakdown_{other.pk}"] = "34"
    response = owner_client.post(form_url, data)
    assert response.status_code == 302
    with scopes_disabled():
        measurement = Measurement.objects.get()
        assert measurement.value == Decimal(1234)
        assert measurement.evidence_url == "https://example.org/bilan"
        assert measurement.measured_by == owner.user
        assert sorted(b.value for b in measurement.breakdowns.all()) == [34, 500, 700]
    detail = owner_client.get(url("indicator", workspace, indicator.pk) + f"?year={THIS_YEAR}")
    text = detail.content.decode()
    assert "1,234" in text and "Deux nouvelles permanences" in text
    breakdowns = owner_client.get(
        url("indicator_breakdowns", workspace, indicator.pk) + f"?year={THIS_YEAR}",
        headers={"HX-Request": "true"},
    )
    assert len(breakdowns.context["breakdown_charts"]) == 1, "a chart by gender"
    assert "<html" not in breakdowns.content.decode()  # a fragment for the page
    page = owner_client.get(url("indicator_breakdowns", workspace, indicator.pk))
    assert "<html" in page.content.decode()  # a page of its own without JavaScript


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("N/A", "choose “Not measured this period” instead"),
        ("yes", "this indicator is quantitative"),
        ("12 pers.", "write the figure alone (12); the unit (personnes) is the indicator's"),
        ("45 %", "without the percent sign"),
        ("douze", "is not a number"),
        ("", "Give the value"),
    ],
)
def test_a_value_that_is_not_a_number_is_refused_with_a_message(
    owner, owner_client, workspace, typed, message
):
    _, tracked = _indicator(workspace, owner.user)
    response = owner_client.post(
        url("measurement_create", workspace, tracked.pk),
        {"version": 1, "period": f"{THIS_YEAR}-Q1", "value": typed},
    )
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    with scopes_disabled():
        assert not Measurement.objects.exists()


def test_not_measured_is_an_explicit_state(owner, owner_client, workspace):
    indicator, tracked = _indicator(workspace, owner.user)
    response = owner_client.post(
        url("measurement_create", workspace, tracked.pk),
        {"version": 1, "period": f"{THIS_YEAR}-Q1", "not_measured": "on", "narrative": "Enquête"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Measurement.objects.get().status == "not_measured"
    text = owner_client.get(url("indicator", workspace, indicator.pk)).content.decode()
    assert "not measured" in text


def test_a_concurrent_edit_is_refused_and_keeps_the_newer_value(owner, owner_client, workspace):
    _, tracked = _indicator(workspace, owner.user)
    with scope(workspace=workspace):
        measurement = services.measurement_create(
            tracked,
            user=owner.user,
            period_start=date(THIS_YEAR, 1, 1),
            period_end=date(THIS_YEAR, 3, 31),
            value=Decimal(5),
        )
        services.measurement_update(
            measurement, user=owner.user, expected_version=1, value=Decimal(6)
        )
    response = owner_client.post(
        url("measurement_edit", workspace, measurement.pk), {"version": 1, "value": "7"}
    )
    assert response.status_code == 200
    assert "changed" in response.content.decode()
    with scopes_disabled():
        assert Measurement.objects.get().value == 6


def test_evidence_file_is_stored_and_served_to_members_only(
    owner, owner_client, workspace, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    _, tracked = _indicator(workspace, owner.user)
    proof = SimpleUploadedFile("bilan.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = owner_client.post(
        url("measurement_create", workspace, tracked.pk),
        {"version": 1, "period": f"{THIS_YEAR}-Q1", "value": "3", "evidence_file": proof},
    )
    assert response.status_code == 302
    with scopes_disabled():
        measurement = Measurement.objects.get()
    assert measurement.evidence_name == "bilan.pdf"
    assert not measurement.evidence_file.name.endswith("bilan.pdf")  # a random stored name
    download = owner_client.get(url("evidence", workspace, measurement.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert 'filename="bilan.pdf"' in download["Content-Disposition"]


def test_an_executable_is_not_accepted_as_evidence(owner, owner_client, workspace):
    _, tracked = _indicator(workspace, owner.user)
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = owner_client.post(
        url("measurement_create", workspace, tracked.pk),
        {"version": 1, "period": f"{THIS_YEAR}-Q1", "value": "3", "evidence_file": bad},
    )
    assert "files are not accepted as evidence" in response.content.decode()


def test_set_a_target_then_see_progress(owner, owner_client, workspace):
    _, tracked = _indicator(workspace, owner.user)
    response = owner_client.post(
        url("target_create", workspace, tracked.pk),
        {"version": 1, "period": f"{THIS_YEAR}-Q1", "value": "100"},
    )
    assert response.status_code == 302
    with scope(workspace=workspace):
        services.measurement_create(
            tracked,
            user=owner.user,
            period_start=date(THIS_YEAR, 1, 1),
            period_end=date(THIS_YEAR, 3, 31),
            value=Decimal(120),
        )
    page = owner_client.get(url("home", workspace) + f"?year={THIS_YEAR}").content.decode()
    assert "met" in page and "(120 %)" in page
    # Setting the same period again updates, never duplicates.
    owner_client.post(
        url("target_create", workspace, tracked.pk),
        {"version": 1, "period": f"{THIS_YEAR}-Q1", "value": "150"},
    )
    with scopes_disabled():
        assert list(Target.objects.values_list("value", flat=True)) == [Decimal(150)]


def test_follow_for_an_actor_rolls_up_into_the_workspace(owner, owner_client, workspace):
    indicator, tracked = _indicator(workspace, owner.user)
    actor = ActorFactory(workspace=workspace, name="Les Jardins du Lien")
    response = owner_client.post(
        url("indicator_follow", workspace, indicator.pk),
        {"actor": f"{actor.name} #{actor.pk}", "note": "Membre"},
    )
    assert response.status_code == 302
    with scope(workspace=workspace):
        for followed, value in ((tracked, 10), (indicator.tracks.get(subject_kind="actor"), 5)):
            services.measurement_create(
                followed,
                user=owner.user,
                period_start=date(THIS_YEAR, 1, 1),
                period_end=date(THIS_YEAR, 3, 31),
                value=Decimal(value),
            )
    detail = owner_client.get(url("indicator", workspace, indicator.pk))
    assert detail.context["summary"].actual.value == 15
    only_actor = owner_client.get(
        url("indicator", workspace, indicator.pk) + f"?subject=actor:{actor.pk}"
    )
    assert only_actor.context["summary"].actual.value == 5


def test_an_actor_of_another_workspace_cannot_be_followed(
    owner, owner_client, workspace, other_workspace
):
    indicator, _ = _indicator(workspace, owner.user)
    foreign = ActorFactory(workspace=other_workspace, name="Ailleurs")
    response = owner_client.post(
        url("indicator_follow", workspace, indicator.pk), {"actor": f"Ailleurs #{foreign.pk}"}
    )
    assert response.status_code == 200
    with scopes_disabled():
        assert not TrackedIndicator.objects.filter(subject_kind="actor").exists()


def test_guest_reads_but_cannot_write(guest_client, owner, workspace):
    indicator, tracked = _indicator(workspace, owner.user)
    page = guest_client.get(url("indicator", workspace, indicator.pk)).content.decode()
    assert "Enter a measurement" not in page
    response = guest_client.post(
        url("measurement_create", workspace, tracked.pk),
        {"version": 1, "period": f"{THIS_YEAR}-Q1", "value": "3"},
    )
    assert response.status_code == 403


def test_a_used_dimension_cannot_be_deleted(owner, owner_client, workspace, gender):
    dimension, (women, _men, _other) = gender
    _, tracked = _indicator(workspace, owner.user, dimensions=[dimension])
    with scope(workspace=workspace):
        services.measurement_create(
            tracked,
            user=owner.user,
            period_start=date(THIS_YEAR, 1, 1),
            period_end=date(THIS_YEAR, 3, 31),
            value=Decimal(3),
            breakdowns={women: Decimal(3)},
        )
    response = owner_client.post(url("dimension_edit", workspace, dimension.pk), {"delete": "1"})
    assert response.status_code == 302
    with scopes_disabled():
        assert BreakdownDimension.objects.filter(pk=dimension.pk).exists()
    response = owner_client.post(url("category_edit", workspace, women.pk), {"delete": "1"})
    with scopes_disabled():
        assert women.__class__.objects.filter(pk=women.pk).exists()


def test_new_dimension_with_categories(owner_client, workspace):
    response = owner_client.post(
        url("dimension_create", workspace),
        {"name": "Statut", "categories": "Salarié\nBénévole\n\nBénévole"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        dimension = BreakdownDimension.objects.get(name="Statut")
        assert [c.name for c in dimension.categories.all()] == ["Salarié", "Bénévole"]


def test_detail_query_count_is_constant_in_measurements(owner, owner_client, workspace, gender):
    dimension, _ = gender
    indicator, tracked = _indicator(workspace, owner.user, dimensions=[dimension])

    def add(count, offset):
        for n in range(count):
            year, quarter = divmod(offset + n, 4)
            start = date(2000 + year, quarter * 3 + 1, 1)
            end = {1: 31, 4: 30, 7: 30, 10: 31}[start.month]
            MeasurementFactory(
                workspace=workspace,
                tracked=tracked,
                period_start=start,
                period_end=date(start.year, start.month + 2, end),
            )
            actor = ActorFactory(workspace=workspace)
            TrackedIndicatorFactory(
                workspace=workspace, indicator=indicator, subject_kind="actor", subject_id=actor.pk
            )

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(url("indicator", workspace, indicator.pk)).status_code == 200
        return len(queries)

    add(2, 0)
    count()
    few = count()
    add(30, 2)
    assert count() == few


def test_sdg_targets_are_offered_by_goal_and_add_their_goal(owner_client, workspace):
    from maillage.impact.models import SdgTarget

    SdgTarget.objects.create(
        code="8.5", goal=8, position=5, title_fr="Plein emploi", title_en="Full"
    )
    SdgTarget.objects.create(
        code="4.4", goal=4, position=4, title_fr="Compétences", title_en="Skill"
    )
    form = owner_client.get(url("indicator_create", workspace)).content.decode()
    assert '<optgroup label="4. Quality education">' in form
    _create(owner_client, workspace, code="EMP-02", sdg_targets=["8.5"], sdg_goals=["1"])
    with scopes_disabled():
        indicator = Indicator.objects.get(code="EMP-02")
        assert [t.code for t in indicator.sdg_targets.all()] == ["8.5"]
        assert indicator.sdg_list == [1, 8]
    response = _create(owner_client, workspace, code="EMP-03", sdg_targets=["99.9"])
    assert "sdg_targets" in response.context["form"].errors


def test_the_forms_preselect_the_next_period_to_fill(owner, owner_client, workspace):
    from maillage.impact import periods

    _, tracked = _indicator(workspace, owner.user)
    today = date.today()
    current = periods.period_of("quarter", today)
    following = periods.period_of("quarter", current[1] + timedelta(days=1))
    previous = periods.period_of("quarter", current[0] - timedelta(days=1))

    def initial(name):
        form = owner_client.get(url(name, workspace, tracked.pk)).context["form"]
        return form["period"].value()

    # A target is set ahead: the current quarter, then the next once the current one has one.
    assert initial("target_create") == periods.period_key("quarter", *current)
    with scope(workspace=workspace):
        services.target_save(
            tracked,
            user=owner.user,
            period_start=current[0],
            period_end=current[1],
            value=Decimal(1),
        )
    assert initial("target_create") == periods.period_key("quarter", *following)
    # A measurement is of a period that has ended: the last one not yet recorded.
    assert initial("measurement_create") == periods.period_key("quarter", *previous)
