"""The upfront fit check (seed 004): what each member expects on each dimension and whether
the partnership model fits it, as a members × dimensions grid with its summary."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.core.exceptions import StaleObjectError
from maillage.partnerships.choices import Dimension
from maillage.partnerships.models import FitExpectation
from maillage.partnerships.selectors import evaluations as selectors
from maillage.partnerships.services import evaluations as services
from maillage.partnerships.services.evaluations import FitRow
from tests.conftest import client_for
from tests.factories import (
    FitExpectationFactory,
    PartnershipFactory,
    PartnershipGuestFactory,
    PartnershipMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

A, C, G = Dimension.ASSOCIATION_VALUE, Dimension.COMPANY_RETURN, Dimension.COMMON_GOOD
FITS, PARTLY, NO, UNKNOWN = "fits", "partly", "no", "unknown"


def url(name, partnership, *args):
    return reverse(f"partnerships:{name}", args=[partnership.workspace.slug, partnership.pk, *args])


@pytest.fixture
def setting(workspace):
    partnership = PartnershipFactory(workspace=workspace)
    association = PartnershipMemberFactory(partnership=partnership, side="association")
    company = PartnershipMemberFactory(partnership=partnership, side="company")
    return partnership, association, company


def grid(partnership):
    with scope(workspace=partnership.workspace):
        return selectors.fit_grid(partnership, selectors.members_of(partnership))


def test_the_grid_has_a_cell_per_member_and_dimension_and_sums_up(setting, member_client):
    partnership, association, company = setting
    FitExpectationFactory(member=association, dimension=A, fit=FITS)
    FitExpectationFactory(member=association, dimension=G, fit=NO, expectation="Toucher 500")
    FitExpectationFactory(member=company, dimension=C, fit=NO, comment="Trop peu de visibilité")
    FitExpectationFactory(member=company, dimension=G, fit=PARTLY)
    lines, summary = grid(partnership)
    assert [line.member for line in lines] == [association, company]
    assert [cell.fit if cell else None for cell in lines[0].cells] == [FITS, None, NO]
    assert [cell.fit if cell else None for cell in lines[1].cells] == [None, NO, PARTLY]
    assert summary.not_fitting == 2 and summary.missing == 2 and summary.stated == 4
    assert summary.level == "danger"
    assert summary.headline == "2 expectations do not fit the partnership model."
    assert summary.parts == ["1 fits", "1 fits partly", "2 do not fit", "2 not stated"]
    page = member_client.get(url("evaluations", partnership)).content.decode()
    assert "2 expectations do not fit the partnership model." in page
    assert "Trop peu de visibilité" in page and "Toucher 500" in page


def test_the_summary_when_all_fits_or_nothing_is_stated(setting):
    partnership, association, company = setting
    assert grid(partnership)[1].headline == "No expectation stated yet."
    for member in (association, company):
        for dimension in Dimension:
            FitExpectationFactory(member=member, dimension=dimension, fit=FITS)
    summary = grid(partnership)[1]
    assert summary.headline == "Every expectation fits the partnership model."
    assert summary.level == "success"


def test_a_member_states_its_expectations_through_the_page(setting, member_client):
    partnership, association, _ = setting
    target = url("fit_edit", partnership, association.pk)
    assert member_client.get(target).status_code == 200
    response = member_client.post(
        target,
        {
            f"{A}-expectation": "Un local deux jours par semaine",
            f"{A}-fit": FITS,
            f"{C}-expectation": "",
            f"{C}-fit": UNKNOWN,
            f"{G}-expectation": "500 repas sauvés par mois",
            f"{G}-fit": PARTLY,
            f"{G}-comment": "Le modèle prévoit 300 repas",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        stored = {e.dimension: e for e in FitExpectation.objects.filter(member=association)}
    assert set(stored) == {A, G}
    assert stored[G].fit == PARTLY and stored[G].comment == "Le modèle prévoit 300 repas"
    assert stored[G].partnership == partnership


def test_a_fit_needs_an_expectation_and_nothing_is_half_written(setting, member_client):
    partnership, association, _ = setting
    response = member_client.post(
        url("fit_edit", partnership, association.pk),
        {f"{A}-expectation": "Un local", f"{A}-fit": FITS, f"{C}-expectation": "", f"{C}-fit": NO},
    )
    assert response.status_code == 200
    assert "Say what is expected before saying whether the model fits." in response.content.decode()
    with scopes_disabled():
        assert not FitExpectation.objects.filter(member=association).exists()


def test_emptying_an_expectation_removes_it_and_editing_keeps_one_per_dimension(setting):
    partnership, association, _ = setting
    stored = FitExpectationFactory(member=association, dimension=A, fit=PARTLY)
    with scope(workspace=partnership.workspace):
        services.fit_save(
            partnership,
            association,
            [FitRow(A, "Mieux", FITS, version=stored.version)],
            user=UserFactory(),
        )
        assert FitExpectation.objects.get(member=association, dimension=A).fit == FITS
        # Without the version it was built from, the write is a conflict (not a duplicate).
        with pytest.raises(StaleObjectError):
            services.fit_save(partnership, association, [FitRow(A, "Autre")], user=UserFactory())
        services.fit_save(
            partnership,
            association,
            [FitRow(A, "", UNKNOWN, version=stored.version + 1)],
            user=UserFactory(),
        )
        assert not FitExpectation.objects.filter(member=association).exists()


def test_concurrent_edit_of_expectations_answers_409(setting, member_client):
    partnership, association, _ = setting
    stored = FitExpectationFactory(member=association, dimension=A, fit=PARTLY)
    with scope(workspace=partnership.workspace):
        services.fit_save(
            partnership,
            association,
            [FitRow(A, "Changé ailleurs", NO, version=stored.version)],
            user=UserFactory(),
        )
    response = member_client.post(
        url("fit_edit", partnership, association.pk),
        {f"{A}-expectation": "Le mien", f"{A}-fit": FITS, f"{A}-version": str(stored.version)},
    )
    assert response.status_code == 409
    with scopes_disabled():
        assert FitExpectation.objects.get(pk=stored.pk).expectation == "Changé ailleurs"


def test_a_member_of_another_partnership_is_404(setting, member_client):
    partnership, _, _ = setting
    stranger = PartnershipMemberFactory(workspace=partnership.workspace)
    assert member_client.get(url("fit_edit", partnership, stranger.pk)).status_code == 404


def test_a_guest_states_its_own_expectations_only(setting):
    partnership, association, company = setting
    share = PartnershipGuestFactory(partnership=partnership, member=company)
    guest_client = client_for(share.membership)
    own = url("fit_edit", partnership, company.pk)
    response = guest_client.post(
        own, {f"{C}-expectation": "Mobiliser 20 salariés", f"{C}-fit": FITS}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert FitExpectation.objects.get(member=company).expectation == "Mobiliser 20 salariés"
    other = url("fit_edit", partnership, association.pk)
    assert guest_client.get(other).status_code == 403
    assert guest_client.post(other, {f"{A}-expectation": "x", f"{A}-fit": NO}).status_code == 403
    with scopes_disabled():
        assert not FitExpectation.objects.filter(member=association).exists()
    page = guest_client.get(url("evaluations", partnership)).content.decode()
    assert own in page and other not in page
    # A partnership not shared with the guest: 404, as if it did not exist.
    hidden = PartnershipFactory(workspace=partnership.workspace)
    hidden_member = PartnershipMemberFactory(partnership=hidden)
    target = url("fit_edit", hidden, hidden_member.pk)
    assert guest_client.post(target, {f"{A}-expectation": "x"}).status_code == 404
