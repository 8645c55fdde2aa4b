"""A project's multi-year budget: the grid's totals to the cent (in kind apart), the rules of a
budget line, the year's page (a formset, optimistically locked per line) and a line's page."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.finance.models import BudgetLine, Funder
from maillage.finance.models.accounts import CHARGE_CATEGORIES, PRODUCT_CATEGORIES
from maillage.finance.selectors.projects import budget_grid
from maillage.finance.services import projects as services
from tests.factories import BudgetLineFactory, FunderFactory, ProjectFactory

ALL_CATEGORIES = (*CHARGE_CATEGORIES, *PRODUCT_CATEGORIES, "86", "87")
YEARS = [2025, 2026, 2027]


def url(name, workspace, *args):
    return reverse(f"finance:{name}", args=[workspace.slug, *args])


# --- the grid --------------------------------------------------------------------------------

cents = st.integers(min_value=0, max_value=10**11).map(lambda c: Decimal(c) / 100)
lines_strategy = st.lists(
    st.tuples(
        st.sampled_from(YEARS),
        st.sampled_from(ALL_CATEGORIES),
        cents,
        st.sampled_from(["", "Animation", "Matériel"]),
        st.sampled_from([None, "Région", "Ville"]),
    ),
    max_size=40,
)


def _lines(rows):
    funders = {name: Funder(pk=i + 1, name=name) for i, name in enumerate(["Région", "Ville"])}
    return [
        BudgetLine(year=y, category=c, amount=a, label=label, funder=funders.get(f))
        for y, c, a, label, f in rows
    ]


def _sum(lines, year, categories):
    return sum(
        (ln.amount for ln in lines if ln.year == year and ln.category in categories),
        Decimal("0"),
    )


@settings(max_examples=150, deadline=None)
@given(rows=lines_strategy)
def test_the_grid_totals_are_the_sums_of_the_lines_to_the_cent(rows):
    lines = _lines(rows)
    grid = budget_grid(YEARS, lines, None)
    for i, year in enumerate(YEARS):
        charges = _sum(lines, year, CHARGE_CATEGORIES)
        products = _sum(lines, year, PRODUCT_CATEGORIES)
        assert grid.charges_total.cells[i].planned == charges
        assert grid.products_total.cells[i].planned == products
        assert grid.balance.cells[i].planned == products - charges
        # In kind is shown apart and never added to cash.
        kind_rows = {r.category: r for r in grid.in_kind if r.kind == "category"}
        assert kind_rows["86"].cells[i].planned == _sum(lines, year, ("86",))
        assert kind_rows["87"].cells[i].planned == _sum(lines, year, ("87",))
        for row in grid.charges + grid.products + grid.in_kind:
            if row.kind == "category":
                details = [
                    r
                    for r in grid.charges + grid.products + grid.in_kind
                    if r.kind == "detail" and r.category == row.category
                ]
                assert row.cells[i].planned == _sum(lines, year, (row.category,))
                if details:  # the details add up to their line
                    assert (
                        sum((d.cells[i].planned for d in details), Decimal(0))
                        == row.cells[i].planned
                    )
    assert grid.charges_total.total.planned == sum(
        (ln.amount for ln in lines if ln.category in CHARGE_CATEGORIES), Decimal("0")
    )
    assert grid.balance.total.planned == grid.products_total.total.planned - (
        grid.charges_total.total.planned
    )
    assert grid.charges_total.total.actual is None  # no actual figures given


@settings(max_examples=80, deadline=None)
@given(
    actuals=st.dictionaries(
        st.tuples(st.sampled_from(YEARS), st.sampled_from(ALL_CATEGORIES)), cents, max_size=20
    )
)
def test_the_actual_column_adds_up_by_side(actuals):
    grid = budget_grid(YEARS, [], actuals)
    for i, year in enumerate(YEARS):
        charges = sum(
            (v for (y, c), v in actuals.items() if y == year and c in CHARGE_CATEGORIES), Decimal(0)
        )
        products = sum(
            (v for (y, c), v in actuals.items() if y == year and c in PRODUCT_CATEGORIES),
            Decimal(0),
        )
        assert grid.charges_total.cells[i].actual == charges
        assert grid.products_total.cells[i].actual == products
        assert grid.balance.cells[i].actual == products - charges
    assert grid.products_total.total.actual == sum(
        (v for (y, c), v in actuals.items() if c in PRODUCT_CATEGORIES), Decimal(0)
    )


def test_each_funder_of_line_74_has_its_own_row():
    region, ville = Funder(pk=1, name="Région"), Funder(pk=2, name="Ville")
    lines = [
        BudgetLine(year=2025, category="74", amount=Decimal("1000.10"), funder=region),
        BudgetLine(year=2026, category="74", amount=Decimal("900"), funder=region),
        BudgetLine(year=2025, category="74", amount=Decimal("500.05"), funder=ville),
    ]
    grid = budget_grid([2025, 2026], lines, None)
    rows = [(r.label, [c.planned for c in r.cells]) for r in grid.products if r.category == "74"]
    assert rows == [
        ("74 – Operating subsidies", [Decimal("1500.15"), Decimal("900")]),
        ("Région", [Decimal("1000.10"), Decimal("900")]),
        ("Ville", [Decimal("500.05"), Decimal("0")]),
    ]


# --- the rules of a line ---------------------------------------------------------------------


@pytest.fixture
def project(workspace):
    return ProjectFactory(
        workspace=workspace, start_date=date(2025, 1, 1), end_date=date(2026, 12, 31)
    )


def _create(project, user, **fields):
    with scope(workspace=project.workspace):
        return services.budget_line_create(project, user=user, **fields)


def test_a_line_belongs_to_a_year_of_the_project(project, owner):
    with pytest.raises(ValidationError) as error:
        _create(project, owner.user, year=2027, category="60", amount=Decimal("10"))
    assert error.value.message_dict["year"] == ["The project runs from 2025 to 2026."]


def test_only_a_product_line_names_a_funder(project, owner):
    funder = FunderFactory(workspace=project.workspace)
    with pytest.raises(ValidationError) as error:
        _create(project, owner.user, year=2025, category="60", amount=1, funder=funder)
    assert "Only a product line names who brings it" in error.value.message_dict["funder"][0]


def test_a_subsidy_line_names_its_funder_once_a_year(project, owner):
    funder = FunderFactory(workspace=project.workspace, name="Région Sud")
    with pytest.raises(ValidationError) as error:
        _create(project, owner.user, year=2025, category="74", amount=1)
    assert error.value.message_dict["funder"] == [
        "A subsidy line (74) names its funder: one line per funder."
    ]
    _create(project, owner.user, year=2025, category="74", amount=1, funder=funder)
    _create(project, owner.user, year=2026, category="74", amount=1, funder=funder)
    with pytest.raises(ValidationError) as error:
        _create(project, owner.user, year=2025, category="74", amount=2, funder=funder)
    assert error.value.message_dict["funder"] == [
        "Région Sud already has a subsidy line (74) in 2025: change its amount instead."
    ]


def test_several_lines_may_share_a_charge_category(project, owner):
    _create(project, owner.user, year=2025, category="64", amount=10, label="Animatrice")
    _create(project, owner.user, year=2025, category="64", amount=20, label="Coordination")
    with scopes_disabled():
        assert project.budget_lines.count() == 2


def test_a_funder_of_another_workspace_is_refused(project, owner, other_workspace):
    foreign = FunderFactory(workspace=other_workspace)
    with pytest.raises(ValidationError) as error:
        _create(project, owner.user, year=2025, category="74", amount=1, funder=foreign)
    assert error.value.message_dict["funder"] == ["This choice belongs to another workspace."]


# --- the year's page -------------------------------------------------------------------------


def _row(index, line=None, **values):
    prefix = f"lines-{index}-"
    data = {
        f"{prefix}id": line.pk if line else "",
        f"{prefix}version": line.version if line else 1,
        f"{prefix}category": values.get("category", line.category if line else ""),
        f"{prefix}label": values.get("label", line.label if line else ""),
        f"{prefix}funder": values.get("funder", (line.funder_id or "") if line else ""),
        f"{prefix}amount": values.get("amount", str(line.amount) if line else ""),
    }
    if values.get("delete"):
        data[f"{prefix}DELETE"] = "on"
    return data


def _formset(*rows, initial=0):
    data = {
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": str(initial),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for row in rows:
        data.update(row)
    return data


def test_enter_a_year_of_budget(workspace, project, member_client):
    funder = FunderFactory(workspace=workspace)
    page = member_client.get(url("project_budget", workspace, project.pk) + "?year=2025")
    assert page.status_code == 200
    response = member_client.post(
        url("project_budget", workspace, project.pk) + "?year=2025",
        _formset(
            _row(0, category="60", label="Outils", amount="1 234,56"),
            _row(1, category="74", funder=funder.pk, amount="5000"),
            _row(2),  # a blank row is no line
            _row(3),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url("project", workspace, project.pk) + "#budget"
    with scopes_disabled():
        lines = list(
            project.budget_lines.order_by("category").values_list("year", "category", "amount")
        )
    assert lines == [(2025, "60", Decimal("1234.56")), (2025, "74", Decimal("5000.00"))]
    detail = member_client.get(url("project", workspace, project.pk)).content.decode()
    assert "€1,234.56" in detail and "Outils" in detail
    assert "INVALID_TEMPLATE_VARIABLE" not in detail


def test_change_and_delete_lines_of_a_year(workspace, project, member_client):
    keep = BudgetLineFactory(workspace=workspace, project=project, year=2025, amount=100)
    drop = BudgetLineFactory(workspace=workspace, project=project, year=2025, amount=50)
    response = member_client.post(
        url("project_budget", workspace, project.pk) + "?year=2025",
        _formset(_row(0, keep, amount="150.25"), _row(1, drop, delete=True), initial=2),
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert list(project.budget_lines.values_list("pk", "amount", "version")) == [
            (keep.pk, Decimal("150.25"), 2)
        ]


def test_a_stale_line_refuses_the_whole_year(workspace, project, owner, member_client):
    first = BudgetLineFactory(workspace=workspace, project=project, year=2025, amount=100)
    second = BudgetLineFactory(workspace=workspace, project=project, year=2025, amount=200)
    with scope(workspace=workspace):  # someone else changes the second line meanwhile
        services.budget_line_update(second, user=owner.user, expected_version=1, amount=222)
    second.version = 1  # the form was built from version 1
    response = member_client.post(
        url("project_budget", workspace, project.pk) + "?year=2025",
        _formset(
            _row(0, first, amount="111"),
            _row(1, second, amount="999"),
            _row(2, category="61", amount="5"),
            initial=2,
        ),
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this record" in page
    assert "Nothing was saved" in page
    with scopes_disabled():
        amounts = sorted(project.budget_lines.values_list("amount", flat=True))
    assert amounts == [Decimal("100.00"), Decimal("222.00")]  # nothing overwritten, nothing added


def test_an_invalid_row_is_marked_and_nothing_is_saved(workspace, project, member_client):
    response = member_client.post(
        url("project_budget", workspace, project.pk) + "?year=2025",
        _formset(_row(0, category="60", amount="10"), _row(1, category="74", amount="10")),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A subsidy line (74) names its funder" in page
    with scopes_disabled():
        assert not project.budget_lines.exists()


def test_amounts_are_typed_as_people_write_them(workspace, project, member_client):
    response = member_client.post(
        url("project_budget", workspace, project.pk) + "?year=2025",
        _formset(_row(0, category="60", amount="12.345"), _row(1, category="61", amount="1.5e3")),
    )
    page = response.content.decode()
    assert "At most 2 decimal places (cents)." in page
    assert "is not a number" in page


def test_a_year_starts_from_another_years_lines(workspace, project, member_client):
    BudgetLineFactory(
        workspace=workspace, project=project, year=2025, category="62", label="Com", amount=80
    )
    budget_url = url("project_budget", workspace, project.pk)
    page = member_client.get(budget_url + "?year=2026").content.decode()
    assert "?year=2026&amp;from=2025" in page
    page = member_client.get(budget_url + "?year=2026&from=2025").content.decode()
    assert 'value="Com"' in page and "start from the lines of 2025" in page
    # Saving the copied rows unchanged creates them in 2026.
    response = member_client.post(
        budget_url + "?year=2026&from=2025",
        _formset(_row(0, category="62", label="Com", amount="80.00"), _row(1)),
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert sorted(project.budget_lines.values_list("year", flat=True)) == [2025, 2026]


def test_a_year_outside_the_project_shows_its_first_year(workspace, project, member_client):
    response = member_client.get(url("project_budget", workspace, project.pk) + "?year=1999")
    assert response.context["year"] in (2025, 2026)


def test_edit_then_delete_one_line(workspace, project, member_client):
    line = BudgetLineFactory(workspace=workspace, project=project, year=2025, amount=10)
    edit = url("budget_line_edit", workspace, line.pk)
    response = member_client.post(
        edit, {"version": 1, "category": "61", "label": "Loyer", "funder": "", "amount": "12,50"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        line.refresh_from_db()
    assert (line.category, line.amount, line.version) == ("61", Decimal("12.50"), 2)
    stale = member_client.post(edit, {"version": 1, "delete": "1"})
    assert stale.status_code == 409
    response = member_client.post(edit, {"version": 2, "delete": "1"})
    assert response.status_code == 302
    with scopes_disabled():
        assert not BudgetLine.objects.filter(pk=line.pk).exists()


def test_the_project_page_shows_planned_and_actual_columns(workspace, project, member_client):
    BudgetLineFactory(workspace=workspace, project=project, year=2025, category="60", amount="300")
    BudgetLineFactory(workspace=workspace, project=project, year=2026, category="70", amount="120")
    BudgetLineFactory(workspace=workspace, project=project, year=2025, category="86", amount="75")
    response = member_client.get(url("project", workspace, project.pk))
    grid = response.context["grid"]
    assert grid.years == [2025, 2026]
    assert [c.planned for c in grid.balance.cells] == [Decimal("-300"), Decimal("120")]
    page = response.content.decode()
    assert page.count(">Actual<") == 3  # one per year and the total
    assert "never added to the cash totals" in page
    assert "INVALID_TEMPLATE_VARIABLE" not in page


def test_a_guest_sees_the_budget_but_not_its_edit_pages(workspace, project, guest_client):
    line = BudgetLineFactory(workspace=workspace, project=project, year=2025)
    page = guest_client.get(url("project", workspace, project.pk)).content.decode()
    assert "Petit matériel" in page
    assert url("budget_line_edit", workspace, line.pk) not in page
    assert guest_client.get(url("project_budget", workspace, project.pk)).status_code == 403
    assert guest_client.post(url("budget_line_edit", workspace, line.pk), {}).status_code == 403
