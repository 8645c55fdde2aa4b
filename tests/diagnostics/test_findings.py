"""Findings: frequency (distinct sources, one query), weight and sorting, severity bounds,
sources of the same engagement only, coding from an interview or a document, the list's
filters and constant query count, the speaker of quotes, cross-engagement 404s."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.diagnostics import scoring
from maillage.diagnostics.models import Finding, FindingSource
from maillage.diagnostics.selectors import findings as selectors
from maillage.diagnostics.services import findings as services
from maillage.workspaces.models import Role
from tests.conftest import client_for
from tests.factories import (
    DimensionFactory,
    EngagementFactory,
    FindingFactory,
    FindingSourceFactory,
    InterviewFactory,
    MembershipFactory,
    ReviewedDocumentFactory,
    StakeholderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(workspace):
    return EngagementFactory(workspace=workspace)


@pytest.fixture
def dimension(engagement):
    return DimensionFactory(engagement=engagement)


def url(name, engagement, *args):
    return reverse(f"diagnostics:{name}", args=[engagement.workspace.slug, engagement.pk, *args])


def annotated(finding):
    with scope(workspace=finding.workspace):
        return selectors.finding_in(finding.engagement, finding.pk)


def test_frequency_counts_distinct_interviews_and_documents(dimension):
    finding = FindingFactory(dimension=dimension)
    engagement = dimension.engagement
    first, second = InterviewFactory.create_batch(2, engagement=engagement)
    document = ReviewedDocumentFactory(engagement=engagement)
    FindingSourceFactory(finding=finding, interview=first)
    FindingSourceFactory(finding=finding, interview=first, quote="another quote")
    FindingSourceFactory(finding=finding, interview=second)
    FindingSourceFactory(finding=finding, interview=None, document=document)
    FindingSourceFactory(finding=finding, interview=None, document=document)
    row = annotated(finding)
    assert row.frequency == 3
    assert row.weight == scoring.finding_weight(3, finding.severity) == 9


def test_a_finding_without_source_has_frequency_zero(dimension):
    assert annotated(FindingFactory(dimension=dimension)).frequency == 0


@settings(max_examples=15, deadline=None)
@given(
    interviews=st.integers(min_value=1, max_value=4),
    documents=st.integers(min_value=0, max_value=3),
    pick=st.integers(min_value=0, max_value=3),
)
def test_another_source_from_a_counted_interview_does_not_change_the_frequency(
    interviews, documents, pick
):
    finding = FindingFactory()
    engagement = finding.engagement
    user = UserFactory()
    heard = InterviewFactory.create_batch(interviews, engagement=engagement)
    with scope(workspace=finding.workspace):
        for interview in heard:
            services.source_create(finding, user=user, interview=interview, quote="q")
        for document in ReviewedDocumentFactory.create_batch(documents, engagement=engagement):
            services.source_create(finding, user=user, document=document)
        before = selectors.frequency(finding)
        assert before == interviews + documents
        services.source_create(
            finding, user=user, interview=heard[pick % interviews], quote="said again"
        )
        assert selectors.frequency(finding) == before
        services.source_create(
            finding, user=user, interview=InterviewFactory(engagement=engagement)
        )
        assert selectors.frequency(finding) == before + 1


def test_the_list_is_sorted_by_weight_frequency_times_severity(dimension):
    engagement = dimension.engagement
    interviews = InterviewFactory.create_batch(3, engagement=engagement)
    light = FindingFactory(dimension=dimension, severity=5)  # 1 × 5
    heavy = FindingFactory(dimension=dimension, severity=3)  # 3 × 3
    middle = FindingFactory(dimension=dimension, severity=2)  # 3 × 2
    FindingSourceFactory(finding=light, interview=interviews[0])
    for interview in interviews:
        FindingSourceFactory(finding=heavy, interview=interview)
        FindingSourceFactory(finding=middle, interview=interview)
    with scope(workspace=engagement.workspace):
        rows = list(selectors.findings_for_list(engagement))
        assert rows == [heavy, middle, light]
        assert [r.weight for r in rows] == [
            scoring.finding_weight(r.frequency, r.severity) for r in rows
        ]
        assert selectors.findings_for_list(engagement, sort="severity").first() == light


def test_list_filters(dimension):
    engagement = dimension.engagement
    other_dimension = DimensionFactory(engagement=engagement)
    a = FindingFactory(dimension=dimension, quadrant="strength", severity=2, statement="Trust")
    b = FindingFactory(dimension=other_dimension, quadrant="threat", severity=5, statement="Debt")
    source = FindingSourceFactory(finding=a, quote="We really trust the other team")
    FindingSourceFactory(finding=a, interview=InterviewFactory(engagement=engagement))
    with scope(workspace=engagement.workspace):

        def ids(**filters):
            return {f.pk for f in selectors.findings_for_list(engagement, **filters)}

        assert ids(dimension=other_dimension) == {b.pk}
        assert ids(quadrant="strength") == {a.pk}
        assert ids(severity=5) == {b.pk}
        assert ids(text="debt") == {b.pk}
        # A text found in a quote finds the finding, and its frequency counts all its sources.
        rows = list(selectors.findings_for_list(engagement, text="really trust"))
        assert [r.pk for r in rows] == [a.pk] and rows[0].frequency == 2
        assert source.finding_id == a.pk


@pytest.mark.parametrize("severity", [0, 6, -1, None])
def test_severity_goes_from_1_to_5(dimension, severity):
    with scope(workspace=dimension.workspace), pytest.raises(ValidationError) as error:
        services.finding_create(
            dimension.engagement,
            user=UserFactory(),
            dimension=dimension,
            quadrant="weakness",
            statement="Slow decisions",
            severity=severity,
        )
    assert "severity" in error.value.message_dict


def test_the_form_refuses_a_severity_out_of_bounds(owner, dimension):
    response = client_for(owner).post(
        url("finding_create", dimension.engagement),
        {
            "dimension": dimension.pk,
            "quadrant": "weakness",
            "statement": "Slow",
            "severity": "7",
            "version": 1,
        },
    )
    assert response.status_code == 200
    with scopes_disabled():
        assert not Finding.objects.exists()


def test_a_source_must_belong_to_the_same_engagement(dimension):
    finding = FindingFactory(dimension=dimension)
    elsewhere = EngagementFactory(workspace=dimension.workspace)
    user = UserFactory()
    with scope(workspace=dimension.workspace):
        with pytest.raises(ValidationError) as error:
            services.source_create(
                finding, user=user, interview=InterviewFactory(engagement=elsewhere)
            )
        assert "interview" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            services.source_create(
                finding, user=user, document=ReviewedDocumentFactory(engagement=elsewhere)
            )
        assert "document" in error.value.message_dict
        with pytest.raises(ValidationError):
            services.finding_create(
                dimension.engagement,
                user=user,
                dimension=dimension,
                quadrant="weakness",
                statement="x",
                severity=2,
                documents=[ReviewedDocumentFactory(engagement=elsewhere)],
            )
        with pytest.raises(ValidationError) as error:
            services.finding_create(
                dimension.engagement,
                user=user,
                dimension=DimensionFactory(engagement=elsewhere),
                quadrant="weakness",
                statement="x",
                severity=2,
            )
        assert "dimension" in error.value.message_dict
    with scopes_disabled():
        assert Finding.objects.filter(engagement=dimension.engagement).count() == 1
        assert not FindingSource.objects.exists()


def test_the_source_form_refuses_an_interview_of_another_engagement(owner, dimension):
    finding = FindingFactory(dimension=dimension)
    foreign = InterviewFactory(engagement=EngagementFactory(workspace=dimension.workspace))
    response = client_for(owner).post(
        url("finding_source_create", dimension.engagement, finding.pk),
        {"interview": foreign.pk, "quote": "x", "version": 1},
    )
    assert response.status_code == 200
    with scopes_disabled():
        assert not FindingSource.objects.exists()


def test_code_a_finding_from_an_interview_page(owner, dimension):
    engagement = dimension.engagement
    interview = InterviewFactory(engagement=engagement)
    client = client_for(owner)
    response = client.post(
        url("interview_code_finding", engagement, interview.pk),
        {
            "dimension": dimension.pk,
            "quadrant": "weakness",
            "statement": "Decisions wait for the other board",
            "severity": "4",
            "quote": "We always wait for them",
            "anonymise": "",
            "version": 1,
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        finding = Finding.objects.get()
        source = finding.sources.get()
    assert (finding.severity, source.interview_id, source.anonymise) == (4, interview.pk, False)
    page = client.get(url("interview", engagement, interview.pk)).content.decode()
    assert "Decisions wait for the other board" in page


def test_code_a_finding_from_a_document_and_one_with_several_sources(owner, dimension):
    engagement = dimension.engagement
    document = ReviewedDocumentFactory(engagement=engagement)
    interviews = InterviewFactory.create_batch(2, engagement=engagement)
    client = client_for(owner)
    base = {"dimension": dimension.pk, "quadrant": "opportunity", "severity": "2", "version": 1}
    response = client.post(
        url("document_code_finding", engagement, document.pk),
        {**base, "statement": "A shared CRM is budgeted", "quote": "p. 12"},
    )
    assert response.status_code == 302
    response = client.post(
        url("finding_create", engagement),
        {
            **base,
            "statement": "Both teams want joint training",
            "interviews": [i.pk for i in interviews],
            "documents": [document.pk],
        },
    )
    assert response.status_code == 302
    with scope(workspace=engagement.workspace):
        rows = {f.statement: f.frequency for f in selectors.findings_for_list(engagement)}
    assert rows == {"A shared CRM is budgeted": 1, "Both teams want joint training": 3}


def test_the_speaker_shows_only_to_note_readers_and_only_when_not_anonymised(workspace, dimension):
    engagement = dimension.engagement
    person = StakeholderFactory(engagement=engagement, name="Jeanne Dupuis")
    finding = FindingFactory(dimension=dimension)
    open_source = FindingSourceFactory(
        finding=finding,
        interview=InterviewFactory(engagement=engagement, stakeholders=[person]),
        quote="Open quote",
        anonymise=False,
    )
    hidden = StakeholderFactory(engagement=engagement, name="Paul Secret")
    FindingSourceFactory(
        finding=finding,
        interview=InterviewFactory(engagement=engagement, stakeholders=[hidden]),
        quote="Anonymous quote",
        anonymise=True,
    )
    reader = MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=True)
    plain = MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=False)
    page = url("finding", engagement, finding.pk)
    as_reader = client_for(reader).get(page).content.decode()
    as_plain = client_for(plain).get(page).content.decode()
    assert "Open quote" in as_reader and "Open quote" in as_plain
    assert "Jeanne Dupuis" in as_reader
    assert "Jeanne Dupuis" not in as_plain
    assert "Paul Secret" not in as_reader and "Paul Secret" not in as_plain
    assert open_source.anonymise is False


def _list_queries(client, engagement):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("findings", engagement) + "?sort=weight&quadrant=weakness")
    assert response.status_code == 200
    return len(queries)


def test_the_findings_list_runs_a_constant_number_of_queries(owner, dimension):
    engagement = dimension.engagement
    client = client_for(owner)

    def add(n):
        for _ in range(n):
            finding = FindingFactory(dimension=dimension)
            FindingSourceFactory(finding=finding)
            FindingSourceFactory(
                finding=finding,
                interview=None,
                document=ReviewedDocumentFactory(engagement=engagement),
            )

    add(2)
    few = _list_queries(client, engagement)
    add(28)
    many = _list_queries(client, engagement)
    assert few == many


def test_the_finding_page_runs_a_constant_number_of_queries(owner, dimension):
    engagement = dimension.engagement
    finding = FindingFactory(dimension=dimension)
    client = client_for(owner)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("finding", engagement, finding.pk)).status_code == 200
        return len(queries)

    FindingSourceFactory.create_batch(2, finding=finding)
    few = count()
    FindingSourceFactory.create_batch(10, finding=finding)
    ReviewedDocumentFactory.create_batch(1, engagement=engagement)
    assert count() == few


def test_a_finding_of_another_engagement_is_404(owner, engagement):
    foreign = FindingFactory(
        dimension=DimensionFactory(engagement=EngagementFactory(workspace=engagement.workspace))
    )
    source = FindingSourceFactory(finding=foreign)
    client = client_for(owner)
    for name in ("finding", "finding_edit", "finding_source_create"):
        assert client.get(url(name, engagement, foreign.pk)).status_code == 404, name
    own = FindingFactory(dimension=DimensionFactory(engagement=engagement))
    # A source of another finding, even of the same engagement, is not reachable through this one.
    assert client.get(url("finding_source_edit", engagement, own.pk, source.pk)).status_code == 404


def test_deleting_a_finding_removes_its_sources(owner, dimension):
    finding = FindingFactory(dimension=dimension)
    FindingSourceFactory.create_batch(2, finding=finding)
    response = client_for(owner).post(
        url("finding_edit", dimension.engagement, finding.pk), {"delete": "1", "version": 1}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert not Finding.objects.filter(pk=finding.pk).exists()
        assert not FindingSource.objects.filter(finding_id=finding.pk).exists()
