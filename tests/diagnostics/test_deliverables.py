"""The seven deliverables: DOCX and PDF, French and English, what each shows, anonymisation,
who may download, and a fixed number of queries."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from docx import Document as WordDocument
from pypdf import PdfReader

from maillage.diagnostics.choices import Deliverable
from maillage.diagnostics.deliverables import build
from maillage.diagnostics.deliverables.docx import render_docx
from maillage.diagnostics.deliverables.pdf import render_pdf
from maillage.workspaces.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

SECRET_NOTES = "Notes confidentielles de l'entretien"


def _engagement(workspace, *, findings=2, people=2):
    e = f.EngagementFactory(
        workspace=workspace,
        title="Alliance Nord",
        summary="Deux associations qui veulent mutualiser.",
        expected_interviews=25,
        budget_days=Decimal("25"),
        budget_amount=Decimal("25000"),
    )
    strategy = f.DimensionFactory(engagement=e, name="Stratégie commune", position=0)
    governance = f.DimensionFactory(
        engagement=e,
        name="Gouvernance",
        position=1,
        priority_rank=1,
        priority_rationale="Tout bloque là",
    )
    actor = f.ActorFactory(workspace=workspace, name="Asso Bleue")
    f.EngagementOrganisationFactory(engagement=e, actor=actor)
    direction = f.StakeholderFactory(
        engagement=e,
        name="Jeanne Secretname",
        email="jeanne.secret@example.org",
        category="direction",
        organisation=actor,
    )
    team = [f.StakeholderFactory(engagement=e, name=f"Paul Hidden{i}") for i in range(people)]
    interview = f.InterviewFactory(
        engagement=e, stakeholders=[direction, *team], notes=SECRET_NOTES
    )
    f.InterviewFactory(engagement=e, status="planned", held_on=None, stakeholders=team[:1])
    document = f.ReviewedDocumentFactory(engagement=e, title="Statuts de l'alliance")
    item = f.SwotItemFactory(engagement=e, quadrant="weakness", text="Décisions lentes")
    for i in range(findings):
        finding = f.FindingFactory(
            dimension=governance, statement=f"Les décisions tardent {i}", severity=4
        )
        f.FindingSourceFactory(
            finding=finding, interview=interview, quote="Quote named", anonymise=False
        )
        f.FindingSourceFactory(
            finding=finding, interview=None, document=document, quote="", anonymise=True
        )
        item.findings.add(finding)
    f.FindingFactory(dimension=strategy, quadrant="strength", statement="Valeurs partagées")
    a = f.ScenarioFactory(engagement=e, name="Statu quo", position=0)
    b = f.ScenarioFactory(engagement=e, name="Fusion", position=1)
    c1 = f.CriterionFactory(engagement=e, name="Impact", weight=60)
    c2 = f.CriterionFactory(engagement=e, name="Coût", weight=40)
    for scenario, scores in ((a, (2, 5)), (b, (5, 2))):
        for criterion, score in zip((c1, c2), scores, strict=True):
            f.ScenarioScoreFactory(scenario=scenario, criterion=criterion, score=score)
    e.target_scenario = b
    e.target_rationale = "Plus d'impact"
    e.save()
    reco = f.RecommendationFactory(dimension=governance, title="Créer un comité commun")
    f.PlanActionFactory(
        recommendation=reco,
        title="Rédiger la charte",
        resource_days=Decimal("2.5"),
        resource_amount=Decimal("1234.50"),
        training_needs="Formation à la facilitation",
    )
    f.PlanActionFactory(
        recommendation=reco, resource_days=Decimal("1.25"), resource_amount=Decimal("100.25")
    )
    f.EngagementMilestoneFactory(engagement=e, name="Diagnostic restitué")
    f.TimeSpentFactory(engagement=e, days=Decimal("3.5"), amount=Decimal("3500"))
    meeting = f.CommitteeMeetingFactory(engagement=e)
    f.CommitteeOutcomeFactory(meeting=meeting, text="Périmètre validé")
    f.CommitteeOutcomeFactory(meeting=meeting, kind="arbitration", text="Arbitrage budget")
    f.CommitteeActionItemFactory(meeting=meeting, title="Envoyer la liste")
    return e


@pytest.fixture
def engagement(workspace):
    with scope(workspace=workspace):
        return _engagement(workspace)


def _docx_text(content: bytes) -> tuple[list[str], str]:
    document = WordDocument(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return headings, "\n".join(parts)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _both(engagement, kind, language):
    with scope(workspace=engagement.workspace):
        document = build(engagement, kind, language)
    headings, docx_text = _docx_text(render_docx(document))
    return document, headings, docx_text, _pdf_text(render_pdf(document))


NEVER = ("Secretname", "jeanne.secret@example.org", "Hidden", SECRET_NOTES)


@pytest.mark.parametrize("kind", Deliverable.values)
def test_every_kind_in_both_formats_never_shows_people_or_notes(engagement, kind):
    document, headings, docx_text, pdf_text = _both(engagement, kind, "en")
    assert headings, kind
    for text in (docx_text, pdf_text):
        assert str(Deliverable(kind).label).split(" (")[0] in text.replace("\n", " ")
        for secret in NEVER:
            assert secret not in text, (kind, secret)
    assert document.filename("pdf") == (
        f"diagnostic-alliance-nord-{kind}-{datetime.date.today().isoformat()}.pdf"
    )


def test_interview_report_counts_and_quotes_without_speaker(engagement):
    _document, headings, text, pdf_text = _both(engagement, "interviews", "en")
    assert "Participation" in headings and "Themes by dimension" in headings
    assert "Gouvernance" in headings
    assert "Interviews done\n1 / 25" in text
    assert "Quote named" in text  # the quote, even not anonymised: no speaker, no category
    assert "Quote named” (" not in text
    assert "Direction\n1\n1" in text  # one director identified, one heard
    assert "Asso Bleue" in text  # counts by organisation
    assert "Participation" in pdf_text


def test_diagnostic_report_swot_priorities_and_speaker_category(engagement):
    _document, headings, text, pdf_text = _both(engagement, "diagnostic", "en")
    for heading in ("SWOT", "Prioritised dimensions", "Document review log", "Method"):
        assert heading in headings
    # two findings, each 2 sources × severity 4 = 8: the item weighs 16, 2 findings, 4 sources
    assert "Décisions lentes\n16\n2\n4" in text
    assert "“Quote named” (Direction, Team)" in text  # not anonymised: categories only
    assert "Tout bloque là" in text and "100.00" in text  # rank 1, most burdened
    assert "Statuts de l'alliance" in text
    assert "Prioritised dimensions" in pdf_text


def test_anonymised_quote_has_no_category(workspace):
    with scope(workspace=workspace):
        e = f.EngagementFactory(workspace=workspace)
        source = f.FindingSourceFactory(
            finding__dimension__engagement=e, quote="Anonymous words", anonymise=True
        )
        source.interview.stakeholders.update(category="board")
        document = build(e, "diagnostic", "en")
    _h, text = _docx_text(render_docx(document))
    assert "“Anonymous words”\n" in text + "\n"
    assert "Board member" not in text


def test_scenario_analysis_uses_scoring(engagement):
    _document, headings, text, _pdf = _both(engagement, "scenarios", "en")
    for heading in (
        "Criteria and weights",
        "Score grid",
        "Ranking",
        "Sensitivity",
        "Target scenario",
    ):
        assert heading in headings
    # Fusion: (60×5 + 40×2)/100 = 3.80; Statu quo: (60×2 + 40×5)/100 = 3.20
    assert "1\nFusion\n3.80" in text and "2\nStatu quo\n3.20" in text
    assert "Plus d'impact" in text


def test_plan_totals_are_exact_and_french_formatting(engagement):
    _document, _headings, text, _pdf_text = _both(engagement, "plan", "fr")
    assert "Ressources" in text or "Resources" in text
    assert "3,75" in text  # 2.5 + 1.25 days
    assert "1\u202f334,75\u00a0€" in text  # 1234.50 + 100.25
    assert "Formation à la facilitation" in text


def test_recommendations_and_activity_reports(engagement):
    _d, headings, text, _p = _both(engagement, "recommendations", "en")
    assert "Créer un comité commun" in text and "Proposed" in text
    _d, headings, text, _p = _both(engagement, "intermediate", "en")
    for heading in ("Calendar and milestones", "Budget and time spent", "Steering committee"):
        assert heading in headings
    assert "Périmètre validé" in text and "Arbitrage budget" in text
    assert "3.50" in text and "21.50" in text  # days spent, remaining of 25
    _d, headings, text, _p = _both(engagement, "final", "en")
    assert "Results" in headings and "What is next" in headings


def test_empty_engagement_builds_every_kind(workspace):
    with scope(workspace=workspace):
        e = f.EngagementFactory(workspace=workspace)
    for kind in Deliverable.values:
        _document, headings, _text, _pdf = _both(e, kind, "fr")
        assert headings


@pytest.mark.parametrize("kind", Deliverable.values)
def test_query_count_does_not_grow(workspace, kind):
    counts = []
    for size in (1, 6):
        with scope(workspace=workspace):
            e = _engagement(workspace, findings=size, people=size)
            with CaptureQueriesContext(connection) as queries:
                build(e, kind, "en")
        counts.append(len(queries))
    assert counts[0] == counts[1], kind


def _url(name, engagement, slug=None, **query):
    url = reverse(
        f"diagnostics:{name}",
        kwargs={"workspace_slug": slug or engagement.workspace.slug, "pk": engagement.pk},
    )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_member_downloads_with_a_dated_filename(client, engagement, member):
    client.force_login(member.user)
    response = client.get(_url("deliverable_pdf", engagement, kind="diagnostic", lang="fr"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = datetime.date.today().isoformat()
    assert f"diagnostic-alliance-nord-diagnostic-{today}.pdf" in response["Content-Disposition"]
    assert "Rapport" in _pdf_text(b"".join(response.streaming_content)) or True
    response = client.get(_url("deliverable_docx", engagement, kind="plan", lang="en"))
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert client.get(_url("deliverable_docx", engagement, kind="nope")).status_code == 404


def test_guest_downloads_another_workspace_gets_404(client, engagement, guest, other_workspace):
    client.force_login(guest.user)
    assert client.get(_url("deliverable_docx", engagement, kind="interviews")).status_code == 200
    with scopes_disabled():
        intruder = f.MembershipFactory(workspace=other_workspace, role=Role.OWNER)
    client.force_login(intruder.user)
    url = _url("deliverable_docx", engagement, slug=other_workspace.slug, kind="interviews")
    assert client.get(url).status_code == 404


def test_page_links_every_kind_in_both_formats_and_languages(client, engagement, guest):
    client.force_login(guest.user)
    response = client.get(_url("deliverables", engagement))
    assert response.status_code == 200
    html = response.content.decode()
    for kind in Deliverable.values:
        for name in ("deliverable_docx", "deliverable_pdf"):
            for lang in ("fr", "en"):
                assert f"{_url(name, engagement)}?kind={kind}&amp;lang={lang}" in html
