"""The partnership sheet: DOCX and PDF, French and English, what it shows, who may download it."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from docx import Document
from pypdf import PdfReader

from maillage.partnerships.checklists import ITEMS
from maillage.partnerships.models import ChecklistAnswer
from maillage.partnerships.services.checklists import refresh_health
from maillage.partnerships.services.evaluations import refresh_evaluation
from maillage.partnerships.sheet import build_sheet
from maillage.partnerships.sheet.docx import render_docx
from maillage.partnerships.sheet.pdf import render_pdf
from maillage.workspaces.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def _full_partnership(workspace, *, risks=2, meetings=2, entries=2):
    partnership = f.PartnershipFactory(
        workspace=workspace,
        name="Tiers-lieu Ressourcerie",
        summary="Un tiers-lieu partagé entre l'association et l'entreprise.",
        value_chain_levels=["operations"],
    )
    association = f.PartnershipMemberFactory(
        partnership=partnership, role="lead", side="association", actor__name="Atelier Solidaire"
    )
    company = f.PartnershipMemberFactory(
        partnership=partnership, side="company", actor__name="Textiles du Nord"
    )
    for i in range(entries):
        f.CanvasEntryFactory(member=association, text=f"Objectif association {i}")
        f.CanvasEntryFactory(
            member=company, section="need", qualifier="to_find", figures="", text=f"Besoin {i}"
        )
    f.FitExpectationFactory(member=company, dimension="company_return", expectation="Visibilité")
    f.ExperimentPlanFactory(partnership=partnership, description="Deux ateliers communs")
    f.MasterPlanFactory(partnership=partnership, vision_1_year="Un local ouvert")
    axis = f.WorkAxisFactory(partnership=partnership, name="Axe formation")
    f.AxisResultFactory(axis=axis, indicator__name="Personnes formées")
    f.MilestoneFactory(partnership=partnership, axis=axis, name="Premier atelier")
    f.RitualFactory(partnership=partnership)
    f.GovernanceRoleFactory(partnership=partnership, member=association)
    f.GateDecisionFactory(partnership=partnership, rationale="Objectifs alignés")
    for i in range(risks):
        f.RiskFactory(partnership=partnership, title=f"Risque {i}", likelihood=4, impact=5)
    f.RiskFactory(partnership=partnership, title="Risque clos", status="closed")
    review = f.ChecklistReviewFactory(partnership=partnership)
    ChecklistAnswer.objects.create(
        workspace=workspace, review=review, item=ITEMS[0].key, answer="yes"
    )
    for i in range(meetings):
        meeting = f.MeetingFactory(partnership=partnership)
        f.ActionItemFactory(partnership=partnership, meeting=meeting, title=f"Action {i}")
    f.ActionItemFactory(partnership=partnership, title="Action faite", status="done")
    evaluation = f.EvaluationFactory(partnership=partnership)
    f.EvaluationScoreFactory(evaluation=evaluation, member=association, score=4)
    f.EvaluationScoreFactory(
        evaluation=evaluation, member=company, dimension="company_return", score=3
    )
    refresh_health(partnership)
    refresh_evaluation(partnership)
    return partnership


@pytest.fixture
def partnership(workspace):
    with scope(workspace=workspace):
        return _full_partnership(workspace)


def _docx_text(content: bytes) -> tuple[list[str], str]:
    document = Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return headings, "\n".join([p.text for p in document.paragraphs] + cells)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_docx_in_english_has_every_section_and_the_figures(partnership):
    with scope(workspace=partnership.workspace):
        sheet = build_sheet(partnership, "en")
    headings, text = _docx_text(render_docx(sheet))
    for title in (
        "Identity",
        "Members",
        "Objectives and value chain",
        "Objectives canvas",
        "Experiment plan",
        "MasterPlan",
        "Milestones",
        "Rituals",
        "Governance",
        "Gate decisions",
        "Open risks",
        "Latest checklist review",
        "Evaluations",
        "Fit check",
        "Open action items",
    ):
        assert title in headings
    assert "Atelier Solidaire" in headings  # the member's canvas
    assert "Axe formation" in headings
    for figure in (
        "Textiles du Nord",
        "Objectif association 1",
        "Pool strengths and expertise",
        "Personnes formées",
        "Objectifs alignés",
        "4 × 5 = 20",
        "Action 1",
        "Deux ateliers communs",
    ):
        assert figure in text, figure
    assert "Risque clos" not in text and "Action faite" not in text
    assert (
        sheet.filename("docx") == f"partnership-tiers-lieu-ressourcerie-{sheet.generated_on}.docx"
    )


def test_docx_and_pdf_in_french(partnership):
    with scope(workspace=partnership.workspace):
        sheet = build_sheet(partnership, "fr")
    headings, _text = _docx_text(render_docx(sheet))
    assert "Membres" in headings
    assert sheet.filename("pdf").startswith("partenariat-tiers-lieu-ressourcerie-")
    text = _pdf_text(render_pdf(sheet))
    assert "Membres" in text and "Tiers-lieu Ressourcerie" in text
    assert "Atelier Solidaire" in text


def test_pdf_in_english_shows_headings_risk_matrix_and_scores(partnership):
    with scope(workspace=partnership.workspace):
        sheet = build_sheet(partnership, "en")
    risks = sheet.section("risks")
    assert risks.matrix.counts == {(4, 5): 2}  # the closed risk is not counted
    text = _pdf_text(render_pdf(sheet))
    for expected in ("Identity", "Open risks", "Evaluations", "Gate decisions", "Risque 0"):
        assert expected in text, expected
    evaluations = sheet.section("evaluations")
    assert ("Average score", "3.5 / 5") in evaluations.facts


def test_empty_partnership_says_what_is_missing(workspace):
    with scope(workspace=workspace):
        partnership = f.PartnershipFactory(workspace=workspace)
        sheet = build_sheet(partnership, "en")
    _headings, text = _docx_text(render_docx(sheet))
    assert "No experiment plan yet." in text
    assert "No open risk." in text
    assert "No gate decision recorded yet." in text


def test_query_count_does_not_grow_with_the_partnership(workspace):
    """Measured: 18 queries for 1 and for 20 risks, meetings, action items and entries."""
    counts = []
    for size in (1, 20):
        with scope(workspace=workspace):
            partnership = _full_partnership(workspace, risks=size, meetings=size, entries=size)
            with CaptureQueriesContext(connection) as queries:
                build_sheet(partnership, "en")
        counts.append(len(queries))
    print("sheet queries:", counts)
    assert counts[0] == counts[1] <= 18


# --- downloads -------------------------------------------------------------------------------


def _url(name, partnership, **query):
    with scopes_disabled():
        slug = partnership.workspace.slug
    url = reverse(
        f"partnerships:{name}",
        kwargs={"workspace_slug": slug, "pk": partnership.pk},
    )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_member_downloads_docx_and_pdf_with_a_dated_filename(client, partnership, member):
    client.force_login(member.user)
    response = client.get(_url("sheet_docx", partnership, lang="en"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    today = datetime.date.today().isoformat()
    assert f"partnership-tiers-lieu-ressourcerie-{today}.docx" in response["Content-Disposition"]
    response = client.get(_url("sheet_pdf", partnership, lang="fr"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "partenariat-" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_language_defaults_to_the_users(client, partnership, member):
    member.user.language = "fr"
    member.user.save()
    client.force_login(member.user)
    response = client.get(_url("sheet_docx", partnership))
    assert response["Content-Language"] == "fr"
    _headings, text = _docx_text(b"".join(response.streaming_content))
    assert "Membres" in text


def test_guest_downloads_a_shared_partnership_only(client, partnership, workspace):
    with scopes_disabled():
        share = f.PartnershipGuestFactory(partnership=partnership)
        other = f.PartnershipFactory(workspace=workspace)
    client.force_login(share.membership.user)
    assert client.get(_url("sheet_docx", partnership, lang="en")).status_code == 200
    assert client.get(_url("sheet_pdf", other, lang="en")).status_code == 404
    assert client.get(_url("sheet_docx", other, lang="en")).status_code == 404


def test_other_workspace_gets_404(client, partnership, other_workspace):
    with scopes_disabled():
        intruder = f.MembershipFactory(workspace=other_workspace, role=Role.OWNER)
    client.force_login(intruder.user)
    url = reverse(
        "partnerships:sheet_docx",
        kwargs={"workspace_slug": other_workspace.slug, "pk": partnership.pk},
    )
    assert client.get(url).status_code == 404


def test_download_menu_links_both_formats_and_languages(partnership):
    from django.template.loader import render_to_string

    with scopes_disabled():
        html = render_to_string(
            "partnerships/sheet/_downloads.html",
            {"partnership": partnership, "current_workspace": partnership.workspace},
        )
    for name in ("sheet_docx", "sheet_pdf"):
        for lang in ("fr", "en"):
            assert f"{_url(name, partnership)}?lang={lang}" in html
