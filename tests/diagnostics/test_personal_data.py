"""Personal data of the people heard: found by e-mail in every engagement, exported (notes of
interviews where they were the only person heard only), erased by anonymisation (name and
e-mail, notes of their one-person interviews blanked, their quotes anonymised; every count and
every finding's frequency unchanged)."""

import pytest
from django_scopes import scope, scopes_disabled

from maillage.core import personal_data
from maillage.diagnostics.models import FindingSource, Interview, Stakeholder
from maillage.diagnostics.selectors import fieldwork as fieldwork_selectors
from maillage.diagnostics.selectors import findings as finding_selectors
from maillage.workspaces.models import Role
from tests.factories import (
    EngagementFactory,
    FindingFactory,
    FindingSourceFactory,
    InterviewFactory,
    MembershipFactory,
    StakeholderFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db

EMAIL = "awa.diallo@example.org"


@pytest.fixture
def fieldwork(workspace):
    engagement = EngagementFactory(workspace=workspace)
    awa = StakeholderFactory(
        engagement=engagement, name="Awa Diallo", email=EMAIL, job_title="DAF", category="direction"
    )
    other = StakeholderFactory(engagement=engagement, name="Paul Martin", email="paul@example.org")
    alone = InterviewFactory(engagement=engagement, stakeholders=[awa], notes="Awa's own words")
    group = InterviewFactory(
        engagement=engagement, kind="group", stakeholders=[awa, other], notes="Group notes"
    )
    paul_only = InterviewFactory(engagement=engagement, stakeholders=[other], notes="Paul's notes")
    finding = FindingFactory(engagement=engagement, dimension__engagement=engagement)
    quote = FindingSourceFactory(
        finding=finding, interview=alone, quote="On attend toujours", anonymise=False
    )
    FindingSourceFactory(finding=finding, interview=group, quote="Group quote", anonymise=False)
    # The same person heard in another workspace's engagement, with another case of address.
    elsewhere = StakeholderFactory(
        engagement=EngagementFactory(workspace=WorkspaceFactory()), email=EMAIL.upper()
    )
    return {
        "engagement": engagement,
        "awa": awa,
        "other": other,
        "alone": alone,
        "group": group,
        "paul_only": paul_only,
        "finding": finding,
        "quote": quote,
        "elsewhere": elsewhere,
    }


def test_export_finds_the_person_in_every_engagement(fieldwork):
    export = personal_data.export_person(EMAIL)
    people = export["records"]["diagnostics.Stakeholder"]
    assert people["count"] == 2
    assert {item["fields"]["name"] for item in people["items"]} >= {"Awa Diallo"}
    interviews = {
        item["id"]: item["fields"] for item in export["records"]["diagnostics.Interview"]["items"]
    }
    assert set(interviews) == {fieldwork["alone"].pk, fieldwork["group"].pk}
    assert interviews[fieldwork["alone"].pk]["notes"] == "Awa's own words"
    # A group interview's notes are also about the others: withheld.
    assert interviews[fieldwork["group"].pk]["notes"] == ""
    assert interviews[fieldwork["group"].pk]["notes_withheld"] is True
    quotes = export["records"]["diagnostics.FindingSource"]["items"]
    assert [q["fields"]["quote"] for q in quotes] == ["On attend toujours"]
    assert "Paul's notes" not in str(export)


def test_erasure_anonymises_the_person_and_keeps_every_count(fieldwork, workspace):
    engagement = fieldwork["engagement"]
    admin = MembershipFactory(workspace=workspace, role=Role.OWNER).user
    with scope(workspace=workspace):
        progress_before = fieldwork_selectors.progress(engagement)
        frequency_before = finding_selectors.frequency(fieldwork["finding"])

    personal_data.erase_person(EMAIL, by=admin)

    with scopes_disabled():
        awa = Stakeholder.objects.get(pk=fieldwork["awa"].pk)
        assert awa.name == f"Erased person #{awa.pk}"
        assert (awa.email, awa.job_title) == ("", "")
        assert awa.category == "direction"
        assert Stakeholder.objects.get(pk=fieldwork["elsewhere"].pk).email == ""
        assert Stakeholder.objects.get(pk=fieldwork["other"].pk).name == "Paul Martin"
        notes = dict(Interview.objects.values_list("pk", "notes"))
        assert notes[fieldwork["alone"].pk] == ""
        assert notes[fieldwork["group"].pk] == "Group notes"
        assert notes[fieldwork["paul_only"].pk] == "Paul's notes"
        quote = FindingSource.objects.get(pk=fieldwork["quote"].pk)
        assert quote.anonymise is True and quote.quote == "On attend toujours"
        assert FindingSource.objects.get(quote="Group quote").anonymise is False
    with scope(workspace=workspace):
        progress_after = fieldwork_selectors.progress(engagement)
        assert finding_selectors.frequency(fieldwork["finding"]) == frequency_before
    assert (progress_after.done, progress_after.people) == (
        progress_before.done,
        progress_before.people,
    )
    # Nothing is found any more; a second erasure changes nothing.
    export = personal_data.export_person(EMAIL)
    assert export["records"]["diagnostics.Stakeholder"]["count"] == 0
    assert export["records"]["diagnostics.Interview"]["count"] == 0
    personal_data.erase_person(EMAIL, by=admin)


def test_the_erasure_leaves_no_trace_of_the_notes_in_the_audit_trail(fieldwork, workspace):
    from maillage.core.models import AuditEvent

    admin = MembershipFactory(workspace=workspace, role=Role.OWNER).user
    personal_data.erase_person(EMAIL, by=admin)
    with scopes_disabled():
        dumped = str(list(AuditEvent.objects.values_list("changes", "object_repr")))
    assert "Awa's own words" not in dumped
    assert "Awa Diallo" not in dumped
