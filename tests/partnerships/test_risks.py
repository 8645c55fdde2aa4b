"""The risk register: score, heat map counts, list filters and sorting, writes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope

from maillage.partnerships import heatmap
from maillage.partnerships.models import Risk
from maillage.partnerships.selectors import risks as selectors
from maillage.partnerships.services import risks as services
from tests.factories import PartnershipFactory, PartnershipGuestFactory, RiskFactory, UserFactory

pytestmark = pytest.mark.django_db


def cell(grid, likelihood, impact):
    row = next(row for row in grid if row.likelihood == likelihood)
    return next(c for c in row.cells if c.impact == impact)


def test_heat_map_counts_open_and_treated_risks_per_cell():
    partnership = PartnershipFactory()
    RiskFactory.create_batch(2, partnership=partnership, likelihood=4, impact=5)
    RiskFactory(partnership=partnership, likelihood=4, impact=5, status=Risk.Status.TREATED)
    RiskFactory(partnership=partnership, likelihood=4, impact=5, status=Risk.Status.CLOSED)
    RiskFactory(partnership=partnership, likelihood=1, impact=2, status=Risk.Status.OCCURRED)
    RiskFactory(partnership=partnership, likelihood=2, impact=1)
    RiskFactory(likelihood=4, impact=5)  # another partnership
    with scope(workspace=partnership.workspace):
        grid = selectors.heat_map(partnership)
    assert [row.likelihood for row in grid] == [5, 4, 3, 2, 1]
    assert [c.impact for c in grid[0].cells] == [1, 2, 3, 4, 5]
    assert cell(grid, 4, 5).count == 3
    assert cell(grid, 2, 1).count == 1
    assert cell(grid, 1, 2).count == 0
    assert sum(c.count for row in grid for c in row.cells) == 4


@pytest.mark.parametrize(
    ("score", "band"),
    [(1, "low"), (4, "low"), (5, "moderate"), (9, "moderate"), (10, "high"), (15, "critical")],
)
def test_score_bands(score, band):
    assert heatmap.band_for(score)[0] == band


def test_risk_score_and_sorting():
    partnership = PartnershipFactory()
    low = RiskFactory(partnership=partnership, likelihood=1, impact=2)
    high = RiskFactory(partnership=partnership, likelihood=5, impact=4)
    mid = RiskFactory(partnership=partnership, likelihood=3, impact=3)
    assert high.score == 20
    with scope(workspace=partnership.workspace):
        assert list(selectors.risks_for_list(partnership)) == [high, mid, low]
        assert list(selectors.risks_for_list(partnership, sort="-score")) == [low, mid, high]
        assert list(selectors.risks_for_list(partnership, likelihood=3, impact=3)) == [mid]


def test_scales_are_checked():
    partnership = PartnershipFactory()
    with scope(workspace=partnership.workspace), pytest.raises(ValidationError) as error:
        services.risk_create(
            partnership,
            user=UserFactory(),
            title="Retard",
            side="all",
            nature="operational",
            likelihood=6,
            impact=0,
        )
    assert {"likelihood", "impact"} <= set(error.value.message_dict)


def test_risk_page_heat_map_is_an_accessible_table(workspace, owner_client):
    partnership = PartnershipFactory(workspace=workspace)
    RiskFactory(partnership=partnership, likelihood=5, impact=5, title="Perte du lieu")
    RiskFactory(partnership=partnership, likelihood=1, impact=1, title="Petit retard")
    url = reverse("partnerships:risks", args=[workspace.slug, partnership.pk])
    html = owner_client.get(url).content.decode()
    assert '<th scope="row">5</th>' in html
    assert "?likelihood=5&amp;impact=5#risk-list" in html
    filtered = owner_client.get(url, {"likelihood": 5, "impact": 5}).content.decode()
    assert "Perte du lieu" in filtered and "Petit retard" not in filtered


def test_create_edit_delete_pages(workspace, owner_client):
    partnership = PartnershipFactory(workspace=workspace)
    url = reverse("partnerships:risk_create", args=[workspace.slug, partnership.pk])
    data = {
        "version": 1,
        "title": "Départ du mécène",
        "side": "company",
        "nature": "strategic",
        "likelihood": 2,
        "impact": 5,
        "owner": "Claire",
        "treatment": "Diversifier",
        "status": "open",
    }
    assert owner_client.post(url, data).status_code == 302
    with scope(workspace=workspace):
        risk = Risk.objects.get(partnership=partnership)
    assert risk.score == 10
    edit = reverse("partnerships:risk_edit", args=[workspace.slug, partnership.pk, risk.pk])
    assert owner_client.post(edit, {**data, "impact": 3, "version": 99}).status_code == 409
    assert (
        owner_client.post(edit, {**data, "impact": 3, "version": risk.version}).status_code == 302
    )
    assert owner_client.post(edit, {"delete": "1", "version": risk.version + 1}).status_code == 302
    with scope(workspace=workspace):
        assert not Risk.objects.filter(pk=risk.pk).exists()


def test_a_risk_of_another_partnership_is_404(workspace, owner_client):
    partnership = PartnershipFactory(workspace=workspace)
    other = RiskFactory(partnership=PartnershipFactory(workspace=workspace))
    url = reverse("partnerships:risk_edit", args=[workspace.slug, partnership.pk, other.pk])
    assert owner_client.get(url).status_code == 404


def test_guest_reads_but_does_not_write(workspace, guest, guest_client):
    partnership = PartnershipFactory(workspace=workspace)
    PartnershipGuestFactory(partnership=partnership, membership=guest)
    risk = RiskFactory(partnership=partnership)
    page = guest_client.get(reverse("partnerships:risks", args=[workspace.slug, partnership.pk]))
    assert page.status_code == 200
    assert "Add a risk" not in page.content.decode()
    edit = reverse("partnerships:risk_edit", args=[workspace.slug, partnership.pk, risk.pk])
    assert guest_client.get(edit).status_code == 403
    assert guest_client.post(edit, {"delete": "1"}).status_code == 403
