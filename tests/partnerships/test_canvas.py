"""Each member's objectives canvas (seed 001): the four sections, the qualifier and figures
rules, the printable version, and a guest writing only its own member's entries."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.partnerships.models import CanvasEntry
from maillage.partnerships.services import canvas as services
from tests.conftest import client_for
from tests.factories import (
    CanvasEntryFactory,
    PartnershipFactory,
    PartnershipGuestFactory,
    PartnershipMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S, Q = CanvasEntry.Section, CanvasEntry.Qualifier


def url(name, partnership, *args):
    return reverse(f"partnerships:{name}", args=[partnership.workspace.slug, partnership.pk, *args])


def entries(member):
    with scopes_disabled():
        return list(CanvasEntry.objects.filter(member=member).order_by("position", "id"))


@pytest.fixture
def partnership(workspace):
    return PartnershipFactory(workspace=workspace)


@pytest.fixture
def member_a(partnership):
    return PartnershipMemberFactory(partnership=partnership, actor__name="Atelier Solidaire")


def test_canvas_shows_each_member_four_sections_and_value_chain_help(member_client, partnership):
    one = PartnershipMemberFactory(partnership=partnership, actor__name="Atelier Solidaire")
    two = PartnershipMemberFactory(partnership=partnership, actor__name="Textiles du Nord")
    CanvasEntryFactory(member=one, text="Ligne textile adaptée", figures="1 000 vêtements/an")
    CanvasEntryFactory(
        member=two, section="blocking_point", qualifier="external", figures="", text="Coût"
    )
    response = member_client.get(url("canvas", partnership))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Atelier Solidaire",
        "Textiles du Nord",
        "Objectives",
        "Blocking points",
        "Needs",
        "Cooperation opportunities",
        "Ligne textile adaptée",
        "1 000 vêtements/an",
        "External",
        "inbound logistics, suppliers, raw materials",  # the levels' help
    ):
        assert text in html
    assert url("canvas_entry_create", partnership, one.pk) in html


def test_member_adds_edits_and_deletes_an_entry(member_client, partnership, member_a):
    response = member_client.post(
        url("canvas_entry_create", partnership, member_a.pk),
        {
            "version": 1,
            "section": "need",
            "level": "upstream",
            "text": "  Accès à une ligne de production ",
            "qualifier": "to_find",
            "figures": "",
        },
    )
    assert response.status_code == 302
    (entry,) = entries(member_a)
    assert (entry.section, entry.level, entry.qualifier) == ("need", "upstream", "to_find")
    assert entry.text == "Accès à une ligne de production"
    assert entry.partnership_id == partnership.pk

    edit = url("canvas_entry_edit", partnership, entry.pk)
    response = member_client.post(
        edit,
        {
            "version": entry.version,
            "section": "need",
            "level": "support",
            "text": "Locaux",
            "qualifier": "in_network",
            "figures": "",
        },
    )
    assert response.status_code == 302
    (entry,) = entries(member_a)
    assert (entry.text, entry.level, entry.qualifier) == ("Locaux", "support", "in_network")

    stale = member_client.post(edit, {"version": entry.version - 1, "delete": "1"})
    assert stale.status_code == 409
    assert entries(member_a)
    response = member_client.post(edit, {"version": entry.version, "delete": "1"})
    assert response.status_code == 302
    assert entries(member_a) == []


@pytest.mark.parametrize(
    ("section", "qualifier", "figures", "field", "message"),
    [
        ("blocking_point", "to_find", "", "qualifier", "either internal or external"),
        ("need", "internal", "", "qualifier", "already in your network or to find"),
        ("objective", "external", "", "qualifier", "take no qualifier"),
        ("opportunity", "in_network", "", "qualifier", "take no qualifier"),
        ("need", "to_find", "3 machines", "figures", "Figures belong to objectives"),
    ],
)
def test_rules_refused_with_a_clear_message(
    member_client, partnership, member_a, section, qualifier, figures, field, message
):
    response = member_client.post(
        url("canvas_entry_create", partnership, member_a.pk),
        {"version": 1, "section": section, "text": "x", "qualifier": qualifier, "figures": figures},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert entries(member_a) == []


def test_a_form_arriving_without_its_version_says_so(member_client, partnership, member_a):
    response = member_client.post(
        url("canvas_entry_create", partnership, member_a.pk), {"section": "need", "text": "x"}
    )
    assert response.status_code == 200
    assert "The form arrived incomplete" in response.content.decode()
    assert entries(member_a) == []


def test_edit_refused_keeps_the_entry(member_client, partnership, member_a):
    entry = CanvasEntryFactory(member=member_a)
    response = member_client.post(
        url("canvas_entry_edit", partnership, entry.pk),
        {
            "version": entry.version,
            "section": "opportunity",
            "text": entry.text,
            "figures": "12",
            "qualifier": "",
        },
    )
    assert response.status_code == 200
    assert "figures" in response.context["form"].errors
    assert entries(member_a)[0].section == "objective"


sections = st.sampled_from(S.values)
qualifiers = st.sampled_from(["", *Q.values])


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(section=sections, qualifier=qualifiers, figures=st.sampled_from(["", "10 %"]))
def test_service_accepts_exactly_the_allowed_combinations(member_a, section, qualifier, figures):
    allowed = qualifier in CanvasEntry.SECTION_QUALIFIERS.get(section, ()) or not qualifier
    allowed = allowed and (not figures or section == S.OBJECTIVE)
    with scope(workspace=member_a.workspace):
        try:
            entry = services.entry_create(
                member_a,
                user=UserFactory(),
                section=section,
                text="t",
                qualifier=qualifier,
                figures=figures,
            )
        except ValidationError:
            assert not allowed
        else:
            assert allowed
            entry.delete()


def test_positions_follow_the_order_of_addition(partnership, member_a):
    user = UserFactory()
    with scope(workspace=partnership.workspace):
        first = services.entry_create(member_a, user=user, section="objective", text="a")
        second = services.entry_create(member_a, user=user, section="objective", text="b")
        other = services.entry_create(member_a, user=user, section="need", text="c")
    assert (first.position, second.position, other.position) == (0, 1, 0)


def test_printable_version_one_member_per_page(member_client, partnership):
    one = PartnershipMemberFactory(partnership=partnership, actor__name="Atelier Solidaire")
    two = PartnershipMemberFactory(partnership=partnership, actor__name="Textiles du Nord")
    CanvasEntryFactory(member=one, text="Objectif A")
    response = member_client.get(url("canvas_print", partnership))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="canvas-page"') == 2
    assert "css/partnerships.css" in html
    assert url("canvas_entry_create", partnership, one.pk) not in html  # no edit links
    only = member_client.get(url("canvas_print", partnership) + f"?member={two.pk}")
    assert only.content.decode().count('class="canvas-page"') == 1
    assert "Objectif A" not in only.content.decode()


def test_print_css_puts_one_member_per_page():
    from pathlib import Path

    import maillage

    css = (Path(maillage.__file__).parent / "static/css/partnerships.css").read_text()
    assert "@media print" in css
    assert ".canvas-page { break-after: page" in css


# --- guests ----------------------------------------------------------------------------------


@pytest.fixture
def share(partnership):
    return PartnershipGuestFactory(partnership=partnership)


def test_guest_writes_its_own_member_entries(share):
    partnership, own = share.partnership, share.member
    client = client_for(share.membership)
    page = client.get(url("canvas", partnership))
    assert page.status_code == 200
    assert url("canvas_entry_create", partnership, own.pk) in page.content.decode()
    response = client.post(
        url("canvas_entry_create", partnership, own.pk),
        {
            "version": 1,
            "section": "objective",
            "text": "Mécénat de compétences",
            "figures": "200 heures",
        },
    )
    assert response.status_code == 302
    (entry,) = entries(own)
    response = client.post(
        url("canvas_entry_edit", partnership, entry.pk),
        {"version": entry.version, "section": "objective", "text": "Mécénat", "figures": ""},
    )
    assert response.status_code == 302
    assert entries(own)[0].text == "Mécénat"


def test_guest_cannot_touch_another_member_entries(share):
    partnership = share.partnership
    other = PartnershipMemberFactory(partnership=partnership)
    entry = CanvasEntryFactory(member=other, text="Leur objectif")
    client = client_for(share.membership)
    page = client.get(url("canvas", partnership)).content.decode()
    assert url("canvas_entry_create", partnership, other.pk) not in page
    assert url("canvas_entry_edit", partnership, entry.pk) not in page
    create = client.post(
        url("canvas_entry_create", partnership, other.pk),
        {"version": 1, "section": "objective", "text": "x"},
    )
    assert create.status_code == 403
    edit = client.post(
        url("canvas_entry_edit", partnership, entry.pk),
        {"version": entry.version, "section": "objective", "text": "pirate"},
    )
    assert edit.status_code == 403
    delete = client.post(
        url("canvas_entry_edit", partnership, entry.pk),
        {"version": entry.version, "delete": "1"},
    )
    assert delete.status_code == 403
    assert entries(other)[0].text == "Leur objectif"
    assert entries(other) and len(entries(other)) == 1


def test_guest_gets_404_on_a_partnership_not_shared(share, workspace):
    hidden = PartnershipFactory(workspace=workspace)
    member = PartnershipMemberFactory(partnership=hidden)
    entry = CanvasEntryFactory(member=member)
    client = client_for(share.membership)
    assert client.get(url("canvas", hidden)).status_code == 404
    assert client.get(url("canvas_print", hidden)).status_code == 404
    response = client.post(
        url("canvas_entry_create", hidden, member.pk),
        {"version": 1, "section": "objective", "text": "x"},
    )
    assert response.status_code == 404
    response = client.post(
        url("canvas_entry_edit", hidden, entry.pk),
        {"version": entry.version, "section": "objective", "text": "x"},
    )
    assert response.status_code == 404
    assert entries(member)[0].text == entry.text


def test_entry_of_another_partnership_is_404(member_client, partnership, member_a, workspace):
    elsewhere = CanvasEntryFactory(
        member=PartnershipMemberFactory(partnership=PartnershipFactory(workspace=workspace))
    )
    response = member_client.get(url("canvas_entry_edit", partnership, elsewhere.pk))
    assert response.status_code == 404
    other_member = elsewhere.member
    response = member_client.get(url("canvas_entry_create", partnership, other_member.pk))
    assert response.status_code == 404
