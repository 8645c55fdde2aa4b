"""The funder report page (CERFA 15059) on the golden case: the hand-computed figures, the
drill-downs (salaries only with the permission), the explanations (saved, stale, refused to
guests), the banner of the missing ones, the findings, the indicators, and the summary on the
agreement's page."""

import datetime
import re

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.core.models import AuditEvent
from maillage.finance.models import FundingKey, VarianceExplanation
from maillage.workspaces.models import Role
from tests.conftest import client_for
from tests.factories import (
    BudgetLineFactory,
    IndicatorFactory,
    MeasurementFactory,
    MembershipFactory,
    TargetFactory,
    TrackedIndicatorFactory,
    VarianceExplanationFactory,
)

from . import golden

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def case(workspace):
    return golden.build(workspace)


@pytest.fixture
def treasurer(workspace):
    """A member who may see salaries."""
    return MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=True)


@pytest.fixture
def volunteer_member(workspace):
    """A member who may not see salaries."""
    return MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=False)


def url(workspace, name, agreement):
    return reverse(f"finance:{name}", kwargs={"workspace_slug": workspace.slug, "pk": agreement.pk})


def page(client, workspace, agreement) -> str:
    response = client.get(url(workspace, "agreement_report", agreement))
    assert response.status_code == 200
    html = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    return html


def text_of(html: str) -> str:
    """The page's text, tags removed and spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


def line_block(html: str, anchor: str) -> str:
    """A line's <tbody>: its figures, drill-down and explanation."""
    start = html.index(f'<tbody id="{anchor}"')
    ends = [html.find('<tbody id="line-', start + 1), html.find("\n</table></div>", start)]
    return html[start : min(end for end in ends if end > 0)]


def figures(html: str, anchor: str) -> list[str]:
    """The planned, actual, ratio and variance shown on a line."""
    block = line_block(html, anchor)
    row = block[block.index("<tr>") : block.index("</tr>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
    return [text_of(cell).strip() for cell in cells]


def test_the_page_shows_the_hand_computed_figures(workspace, case, treasurer):
    html = page(client_for(treasurer), workspace, case["region"])
    text = text_of(html)
    # The header: who, what, when, how much.
    assert workspace.name in text
    assert "REGION-25" in text and "Région" in text and "JARDINS" in text
    for figure in ("€20,000.00", "€1,553.09", "€574.35"):
        assert figure in text
    # Charges: 60, 62, 64 (time), 68, the indirect flat rate and the total.
    assert figures(html, "line-60") == ["€0.00", "€500.00", "—", "+€500.00"]
    assert figures(html, "line-61") == ["€0.00", "€0.00", "—", "—"]
    assert figures(html, "line-64")[:2] == ["€0.00", "€480.95"]
    assert figures(html, "line-68")[:2] == ["€0.00", "€300.00"]
    assert figures(html, "line-indirect")[:2] == ["€0.00", "€72.14"]
    assert figures(html, "line-charges_total")[:2] == ["€0.00", "€1,853.09"]
    # Products: 70, 74 with one sub-line per funder level (Region 574.35, private 365.63).
    assert figures(html, "line-70")[:2] == ["€0.00", "€2,000.00"]
    assert figures(html, "line-74")[:2] == ["€0.00", "€939.98"]
    assert figures(html, "line-74-region")[:2] == ["€0.00", "€574.35"]
    assert figures(html, "line-74-private")[:2] == ["€0.00", "€365.63"]
    assert figures(html, "line-74-state")[:2] == ["€0.00", "€0.00"]
    assert figures(html, "line-products_total")[:2] == ["€0.00", "€2,939.98"]
    assert "€1,086.89" in text  # the balance
    # In kind below the totals, never in them, and the page says so.
    assert figures(html, "line-86")[:2] == ["€0.00", "€60.00"]
    assert figures(html, "line-87")[:2] == ["€0.00", "€60.00"]
    assert html.index('id="line-charges_total"') < html.index('id="line-86"')
    assert html.index('id="line-products_total"') < html.index('id="line-87"')
    assert "never added to them" in text
    # The funding plan of 64: 151.61 / 215.63 / 113.71.
    assert "64 – Staff costs €480.95 €151.61 €215.63 €113.71" in text
    assert "Total €1,480.95 €551.61 €365.63 €563.71" in text


def test_the_sub_lines_of_74_are_indented(workspace, case, treasurer):
    html = page(client_for(treasurer), workspace, case["region"])
    assert 'id="line-74-region" class="report-line report-sub' in html
    assert 'id="line-74" class="report-line report-line' in html


def test_drill_downs_list_items_with_links_and_salaries_for_the_treasurer(
    workspace, case, treasurer
):
    html = page(client_for(treasurer), workspace, case["region"])
    staff = text_of(line_block(html, "line-64"))
    assert "2 items behind this line" in staff
    assert "Alice Martin" in staff and "14.50 h" in staff and "€26.14" in staff
    assert "€379.03" in staff and "Bob Petit" in staff and "€101.92" in staff
    person = reverse(
        "finance:person", kwargs={"workspace_slug": workspace.slug, "pk": case["alice"].pk}
    )
    assert f'href="{person}"' in line_block(html, "line-64")
    fees = text_of(line_block(html, "line-62"))
    assert "6226" in fees and "50.00 %" in fees and "€500.00" in fees


def test_a_member_without_the_permission_sees_hours_but_no_rate_or_time_amount(
    workspace, case, volunteer_member
):
    html = page(client_for(volunteer_member), workspace, case["region"])
    text = text_of(html)
    staff = text_of(line_block(html, "line-64"))
    assert "Alice Martin" in staff and "14.50 h" in staff and "3.25 h" in staff
    assert "shown only to members allowed to see salaries" in staff
    for secret in ("€26.14", "€31.36", "€379.03", "€101.92"):
        assert secret not in text
    assert ">Hourly rate<" not in html
    volunteers = text_of(line_block(html, "line-86"))
    assert "Vera Blanc" in volunteers and "4.00 h" in volunteers and "€15.00" not in volunteers
    # The lines' totals stay.
    assert figures(html, "line-64")[:2] == ["€0.00", "€480.95"]
    # Ledger shares are not salaries.
    assert "6226" in text_of(line_block(html, "line-62"))


def test_the_banner_lists_the_lines_that_need_an_explanation(workspace, case, treasurer):
    BudgetLineFactory(workspace=workspace, project=case["project"], category="60", amount=450)
    html = page(client_for(treasurer), workspace, case["region"])
    banner = html[
        html.index('id="missing-explanations"') : html.index(
            "</section>", html.index('id="missing-explanations"')
        )
    ]
    assert 'href="#line-68"' in banner and 'href="#line-70"' in banner
    assert 'href="#line-60"' not in banner  # 500 for 450 planned: +11 %, under 15 %
    assert "report-missing" in line_block(html, "line-68")
    assert "report-missing" not in line_block(html, "line-60")
    assert "explanation needed" in text_of(line_block(html, "line-68"))


def test_a_member_writes_an_explanation_with_htmx(workspace, case, treasurer):
    client = client_for(treasurer)
    response = client.post(
        url(workspace, "agreement_report_explanation", case["region"]),
        {"line": "68", "text": "  Amortissement de la serre, non prévu au budget.  ", "version": 0},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<tbody id="line-68"')
    assert "Amortissement de la serre, non prévu au budget." in html
    assert "Explanation saved." in html
    # The banner, out of band, no longer lists 68.
    oob = html[html.index("<template>") :]
    assert 'hx-swap-oob="true"' in oob
    assert 'href="#line-68"' not in oob and 'href="#line-70"' in oob
    with scopes_disabled():
        saved = VarianceExplanation.objects.get(agreement=case["region"], line="68")
        assert saved.text == "Amortissement de la serre, non prévu au budget."
        assert saved.workspace == workspace and saved.version == 1
        assert AuditEvent.objects.filter(
            workspace=workspace, object_id=str(saved.pk), action="create"
        ).exists()
    # The page shows it; the JSON and the documents carry it too (tested in the exports).
    page_html = page(client, workspace, case["region"])
    assert "Amortissement de la serre" in line_block(page_html, "line-68")
    assert "report-missing" not in line_block(page_html, "line-68")


def test_editing_then_emptying_an_explanation(workspace, case, treasurer):
    client = client_for(treasurer)
    target = url(workspace, "agreement_report_explanation", case["region"])
    client.post(target, {"line": "70", "text": "Ventes de plants.", "version": 0}, **HTMX)
    response = client.post(
        target, {"line": "70", "text": "Ventes de plants au marché.", "version": 1}, **HTMX
    )
    assert response.status_code == 200
    with scopes_disabled():
        explanation = VarianceExplanation.objects.get(agreement=case["region"], line="70")
        assert (explanation.text, explanation.version) == ("Ventes de plants au marché.", 2)
    response = client.post(target, {"line": "70", "text": "   ", "version": 2}, **HTMX)
    assert response.status_code == 200
    assert (
        'href="#line-70"'
        in response.content.decode()[response.content.decode().index("<template>") :]
    )
    with scopes_disabled():
        assert not VarianceExplanation.objects.filter(agreement=case["region"], line="70").exists()


def test_a_stale_version_is_refused_and_the_typed_text_kept(workspace, case, treasurer):
    explanation = VarianceExplanationFactory(
        workspace=workspace, agreement=case["region"], line="62", text="Honoraires partagés."
    )
    client = client_for(treasurer)
    target = url(workspace, "agreement_report_explanation", case["region"])
    # Written by someone else while the form said "none yet" (version 0).
    response = client.post(target, {"line": "62", "text": "Ma version.", "version": 0}, **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this record" in html
    assert "Ma version." in html  # the typed text, in the textarea
    assert "Honoraires partagés." in html  # the stored one, above it
    assert f'name="version" value="{explanation.version}"' in html
    # An edit based on an old version.
    with scope(workspace=workspace):
        from maillage.finance.services.reports import variance_explanation_set

        variance_explanation_set(
            workspace=workspace,
            user=treasurer.user,
            agreement=case["region"],
            line="62",
            text="Honoraires partagés avec la Fondation.",
            expected_version=1,
        )
    response = client.post(target, {"line": "62", "text": "Ma version.", "version": 1}, **HTMX)
    assert response.status_code == 409
    with scopes_disabled():
        explanation.refresh_from_db()
        assert explanation.text == "Honoraires partagés avec la Fondation."
    # Saving again, knowingly, over the version now shown.
    response = client.post(target, {"line": "62", "text": "Ma version.", "version": 2}, **HTMX)
    assert response.status_code == 200
    with scopes_disabled():
        explanation.refresh_from_db()
        assert explanation.text == "Ma version."


def test_a_guest_reads_the_report_but_cannot_write(workspace, case, guest):
    VarianceExplanationFactory(
        workspace=workspace, agreement=case["region"], line="62", text="Honoraires partagés."
    )
    client = client_for(guest)
    html = page(client, workspace, case["region"])
    assert "Honoraires partagés." in html
    assert "Save the explanation" not in html and "<textarea" not in html
    assert "No explanation yet." in html
    response = client.post(
        url(workspace, "agreement_report_explanation", case["region"]),
        {"line": "68", "text": "Non.", "version": 0},
        **HTMX,
    )
    assert response.status_code == 403
    with scopes_disabled():
        assert not VarianceExplanation.objects.filter(line="68").exists()


def test_refused_explanations(workspace, case, treasurer):
    client = client_for(treasurer)
    target = url(workspace, "agreement_report_explanation", case["region"])
    response = client.post(target, {"line": "charges_total", "text": "x", "version": 0}, **HTMX)
    assert response.status_code == 400
    response = client.post(target, {"line": "68", "text": "x" * 4001, "version": 0}, **HTMX)
    assert response.status_code == 422
    assert "4000 characters" in response.content.decode() or "4,000" in response.content.decode()
    with scopes_disabled():
        assert not VarianceExplanation.objects.exists()


def test_without_htmx_the_form_goes_back_to_the_line(workspace, case, treasurer):
    response = client_for(treasurer).post(
        url(workspace, "agreement_report_explanation", case["region"]),
        {"line": "74:region", "text": "Solde à venir.", "version": 0},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/report/#line-74-region")
    with scopes_disabled():
        assert VarianceExplanation.objects.get(line="74:region").text == "Solde à venir."


def test_the_findings_of_the_checks_are_shown(workspace, case, treasurer):
    with scopes_disabled():
        FundingKey.objects.filter(agreement=case["foundation"]).update(share=70)  # 40 + 70 %
    html = page(client_for(treasurer), workspace, case["region"])
    text = text_of(html)
    assert "report-findings" in html
    assert "charged at 110 %" in text
    assert "the part beyond 100 % is funded twice" in text


def test_the_required_indicators_with_actual_target_and_progress(workspace, case, treasurer):
    region = case["region"]
    indicator = IndicatorFactory(workspace=workspace, code="JAR-01", name="Jardiniers accueillis")
    tracked = TrackedIndicatorFactory(
        workspace=workspace,
        indicator=indicator,
        subject_kind="project",
        subject_id=case["project"].pk,
    )
    MeasurementFactory(workspace=workspace, tracked=tracked, value=80)
    TargetFactory(workspace=workspace, tracked=tracked, value=100)
    with scopes_disabled():
        region.required_indicators.add(indicator)
    text = text_of(page(client_for(treasurer), workspace, region))
    assert "Jardiniers accueillis" in text and "JAR-01" in text
    assert "80 personnes" in text and "100 personnes" in text
    assert "80 %" in text


def test_the_agreement_page_links_the_report_with_its_summary(workspace, case, treasurer):
    response = client_for(treasurer).get(url(workspace, "agreement", case["region"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    text = text_of(html)
    assert "Financial report (CERFA 15059)" in text
    assert url(workspace, "agreement_report", case["region"]) in html
    for name in ("pdf", "docx", "xlsx"):
        assert url(workspace, f"agreement_report_{name}", case["region"]) in html
    assert "Eligible costs €1,553.09" in text
    assert "Claimable €574.35" in text
    assert "Received €0.00" in text
    assert "No finding of the checks" in text


def test_a_report_over_no_cost_at_all(workspace, treasurer):
    from tests.factories import FundingAgreementFactory

    agreement = FundingAgreementFactory(
        workspace=workspace,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 6, 30),
    )
    html = page(client_for(treasurer), workspace, agreement)
    text = text_of(html)
    assert figures(html, "line-charges_total") == ["€0.00", "€0.00", "—", "—"]
    assert "No eligible cost in the period yet." in text
    assert "The agreement requires no indicator" in text
