"""Coverage matrices (seed 004, "Zone de convergence territoriale"): how many actors of the
registry sit in each cell of territorial level × actor profile, and of territorial level ×
mission. An empty cell is a gap: nobody of that kind works at that level of the territory.

`coverage_matrix(workspace, filters, kind)` returns a `Matrix` (rows, columns, counts, totals,
gaps) that the page draws as a heat map, the XLSX export writes and the API returns through
`Matrix.as_dict()`. Each matrix costs one grouped query, whatever the number of actors.

- Rows are the territorial levels (`Level` order); a level filter keeps only the chosen rows.
- Columns are the profile families (seed 004's columns, `PROFILE_FAMILY`), the detailed profiles,
  or the four missions; a profile (or mission) filter keeps only the columns it selects.
- An actor has one profile, so a row of the profile matrix adds up to the actors of its level.
  An actor may have several missions and then counts in each of their columns; the totals of
  the mission matrix count each actor once (the actors with at least one mission).
- Actors without a level (and, for missions, without any mission) are in no cell: the matrix
  says how many there are (`unplaced`, `without_mission`).
"""

from dataclasses import asdict, dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from maillage.core.exports import _sheet_title, neutralise
from maillage.core.sdg import sdg_label

from .models import (
    MISSION_FIELDS,
    PROFILE_FAMILY,
    Audience,
    Level,
    Mission,
    Profile,
    ProfileFamily,
    Theme,
)
from .search import ActorFilters, filter_actors
from .selectors import territory_label

KINDS = ("profile", "profile_detailed", "mission")
#: Number of colour steps of the heat map (CSS classes heat-1 … heat-5).
HEAT_STEPS = 5


@dataclass(frozen=True)
class Header:
    """A row or a column: its key, its label and the filter values it stands for (the
    profiles of a family, the one profile, level or mission otherwise)."""

    key: str
    label: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Cell:
    row: Header
    column: Header
    count: int
    heat: int  # 0 for a gap, 1 … HEAT_STEPS otherwise

    @property
    def is_gap(self) -> bool:
        return self.count == 0


@dataclass
class Matrix:
    kind: str
    title: str
    rows: list[Header]
    columns: list[Header]
    counts: list[list[int]]
    row_totals: list[int]
    column_totals: list[int]
    total: int
    filters: ActorFilters = field(default_factory=ActorFilters)
    unplaced: int = 0  # actors matching the filters without a territorial level
    without_mission: int = 0  # mission matrix: actors with a level but no mission

    @property
    def maximum(self) -> int:
        return max((count for row in self.counts for count in row), default=0)

    @property
    def gaps(self) -> list[tuple[str, str]]:
        """(row key, column key) of every empty cell."""
        return [
            (row.key, column.key)
            for row, counts in zip(self.rows, self.counts, strict=True)
            for column, count in zip(self.columns, counts, strict=True)
            if count == 0
        ]

    def heat(self, count: int) -> int:
        """The colour step of a count: 0 for a gap, then 1 … HEAT_STEPS up to the maximum."""
        if count <= 0:
            return 0
        return min(HEAT_STEPS, -(-count * HEAT_STEPS // max(1, self.maximum)))

    def heat_ranges(self) -> list[tuple[int, int, int]]:
        """(step, lowest count, highest count) of each step in use, for the legend."""
        maximum = self.maximum
        ranges = []
        for step in range(1, HEAT_STEPS + 1):
            low = (step - 1) * maximum // HEAT_STEPS + 1
            high = step * maximum // HEAT_STEPS
            if low <= high:
                ranges.append((step, low, high))
        return ranges

    def table(self) -> list[tuple[Header, list[Cell], int]]:
        """Rows ready to draw: (row header, cells, row total)."""
        return [
            (
                row,
                [
                    Cell(row, column, count, self.heat(count))
                    for column, count in zip(self.columns, counts, strict=True)
                ],
                total,
            )
            for row, counts, total in zip(self.rows, self.counts, self.row_totals, strict=True)
        ]

    def as_dict(self) -> dict:
        """A JSON-ready form (the API's)."""
        return {
            "kind": self.kind,
            "title": self.title,
            "rows": [{"key": r.key, "label": r.label} for r in self.rows],
            "columns": [
                {"key": c.key, "label": c.label, "profiles": list(c.values)}
                if self.kind != "mission"
                else {"key": c.key, "label": c.label}
                for c in self.columns
            ],
            "counts": [list(row) for row in self.counts],
            "row_totals": list(self.row_totals),
            "column_totals": list(self.column_totals),
            "total": self.total,
            "gaps": [{"row": row, "column": column} for row, column in self.gaps],
            "unplaced": self.unplaced,
            "without_mission": self.without_mission,
            "filters": asdict(self.filters),
        }


def _level_rows(filters: ActorFilters) -> list[Header]:
    return [
        Header(value, str(label), (value,))
        for value, label in Level.choices
        if not filters.levels or value in filters.levels
    ]


def _profile_columns(filters: ActorFilters, *, detailed: bool) -> list[Header]:
    selected = set(filters.profiles)
    if detailed:
        return [
            Header(value, str(label), (value,))
            for value, label in Profile.choices
            if not selected or value in selected
        ]
    columns = []
    for family, label in ProfileFamily.choices:
        profiles = tuple(
            p
            for p in Profile.values
            if PROFILE_FAMILY[p] == family and (not selected or p in selected)
        )
        if profiles:
            columns.append(Header(family, str(label), profiles))
    return columns


def _mission_columns(filters: ActorFilters) -> list[Header]:
    return [
        Header(value, str(label), (value,))
        for value, label in Mission.choices
        if not filters.missions or value in filters.missions
    ]


def _totals(counts: list[list[int]], columns: list[Header]) -> list[int]:
    return [sum(row[i] for row in counts) for i in range(len(columns))]


def profile_matrix(workspace, filters: ActorFilters, *, detailed: bool = False) -> "Matrix":
    """Territorial level × profile family (or detailed profile): one grouped query."""
    rows = _level_rows(filters)
    columns = _profile_columns(filters, detailed=detailed)
    grouped = (
        filter_actors(workspace, filters)
        .order_by()
        .values_list("level", "profile")
        .annotate(n=Count("pk"))
    )
    by_cell: dict[tuple[str, str], int] = {}
    unplaced = 0
    column_of = {profile: column.key for column in columns for profile in column.values}
    for level, profile, n in grouped:
        if not level:
            unplaced += n
            continue
        column = column_of.get(profile)
        if column is not None:
            by_cell[level, column] = by_cell.get((level, column), 0) + n
    counts = [[by_cell.get((row.key, column.key), 0) for column in columns] for row in rows]
    return Matrix(
        kind="profile_detailed" if detailed else "profile",
        title=_("Territorial level × detailed profile")
        if detailed
        else _("Territorial level × actor profile"),
        rows=rows,
        columns=columns,
        counts=counts,
        row_totals=[sum(row) for row in counts],
        column_totals=_totals(counts, columns),
        total=sum(sum(row) for row in counts),
        filters=filters,
        unplaced=unplaced,
    )


def mission_matrix(workspace, filters: ActorFilters) -> "Matrix":
    """Territorial level × mission: one grouped query with a conditional count per mission."""
    rows = _level_rows(filters)
    columns = _mission_columns(filters)
    any_mission = Q()
    for column in columns:
        any_mission |= Q(**{MISSION_FIELDS[column.key]: True})
    annotations = {
        f"m_{column.key}": Count("pk", filter=Q(**{MISSION_FIELDS[column.key]: True}))
        for column in columns
    }
    grouped = (
        filter_actors(workspace, filters)
        .order_by()
        .values("level")
        .annotate(
            actors=Count("pk"),
            with_mission=Count("pk", filter=any_mission) if columns else Count("pk"),
            **annotations,
        )
    )
    by_level = {}
    unplaced = without_mission = 0
    for group in grouped:
        if not group["level"]:
            unplaced += group["actors"]
            continue
        by_level[group["level"]] = group
    counts, row_totals = [], []
    for row in rows:
        group = by_level.get(row.key)
        counts.append([group[f"m_{c.key}"] if group else 0 for c in columns])
        row_totals.append(group["with_mission"] if group and columns else 0)
        if group:
            without_mission += group["actors"] - (group["with_mission"] if columns else 0)
    return Matrix(
        kind="mission",
        title=_("Territorial level × mission"),
        rows=rows,
        columns=columns,
        counts=counts,
        row_totals=row_totals,
        column_totals=_totals(counts, columns),
        total=sum(row_totals),
        filters=filters,
        unplaced=unplaced,
        without_mission=without_mission,
    )


def coverage_matrix(
    workspace, filters: ActorFilters | None = None, kind: str = "profile"
) -> Matrix:
    """The matrix of `kind` ("profile", "profile_detailed" or "mission") for the actors of
    `workspace` that pass `filters` (the text query `q` is not applied)."""
    filters = filters or ActorFilters()
    if kind == "profile":
        return profile_matrix(workspace, filters)
    if kind == "profile_detailed":
        return profile_matrix(workspace, filters, detailed=True)
    if kind == "mission":
        return mission_matrix(workspace, filters)
    raise ValueError(f"Unknown matrix kind: {kind!r} (one of {', '.join(KINDS)})")


# --- the filters, as query-string parameters and as words -----------------------------------


def filters_to_params(filters: ActorFilters) -> list[tuple[str, str]]:
    """The GET parameters of `ActorFilterForm` that give back `filters` (repeated keys kept)."""
    params: list[tuple[str, str]] = []
    if filters.q:
        params.append(("q", filters.q))
    params += [("profile", p) for p in filters.profiles]
    params += [("level", lv) for lv in filters.levels]
    if filters.territory:
        params.append(("territory", filters.territory))
    params += [("mission", m) for m in filters.missions]
    params += [("theme", str(t)) for t in filters.themes]
    params += [("audience", str(a)) for a in filters.audiences]
    if filters.sdg:
        params.append(("sdg", str(filters.sdg)))
    if filters.network_head is not None:
        params.append(("network_head", "yes" if filters.network_head else "no"))
    if filters.unverified_days is not None:
        params.append(("unverified_days", str(filters.unverified_days)))
    return params


def cell_params(matrix: Matrix, row: Header, column: Header) -> list[tuple[str, str]]:
    """The list filters that show the actors of one cell: the matrix's filters, with the level
    of the row and the profiles (or the mission) of the column."""
    filters = ActorFilters(**{**asdict(matrix.filters), "levels": [row.key]})
    if matrix.kind == "mission":
        filters.missions = [column.key]
    else:
        filters.profiles = list(column.values)
    return filters_to_params(filters)


def describe_filters(workspace, filters: ActorFilters) -> list[tuple[str, str]]:
    """(label, value) of each filter applied, in words, for a page or an export's header."""
    described: list[tuple[str, str]] = []
    if filters.q:
        described.append((_("Search"), filters.q))
    if filters.territory:
        described.append((_("Territory"), territory_label(filters.territory)))
    if filters.levels:
        described.append(
            (_("Territorial level"), ", ".join(str(Level(v).label) for v in filters.levels))
        )
    if filters.profiles:
        described.append((_("Profile"), ", ".join(str(Profile(v).label) for v in filters.profiles)))
    if filters.missions:
        described.append((_("Mission"), ", ".join(str(Mission(v).label) for v in filters.missions)))
    if filters.themes:
        names = Theme.objects.filter(workspace=workspace, pk__in=filters.themes).values_list(
            "name", flat=True
        )
        described.append((_("Theme"), ", ".join(names)))
    if filters.audiences:
        names = Audience.objects.filter(workspace=workspace, pk__in=filters.audiences).values_list(
            "name", flat=True
        )
        described.append((_("Audience"), ", ".join(names)))
    if filters.sdg:
        described.append((_("Sustainable Development Goal"), sdg_label(filters.sdg)))
    if filters.network_head is not None:
        described.append(
            (
                _("Network head"),
                _("Network heads only") if filters.network_head else _("Not network heads"),
            )
        )
    if filters.unverified_days is not None:
        described.append((_("Not verified for (days)"), str(filters.unverified_days)))
    return described


# --- XLSX export ------------------------------------------------------------------------------


def write_matrices_xlsx(fileobj, workspace, filters: ActorFilters, matrices: list[Matrix]) -> None:
    """One sheet per matrix: a title, the filters applied, then the matrix with its totals.
    Gaps are written as 0 on a hatched orange fill (and said so above the table)."""
    bold = Font(bold=True)
    gap_fill = PatternFill(fill_type="lightUp", fgColor="C2410C", bgColor="FDE7DA")
    described = describe_filters(workspace, filters)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for matrix in matrices:
        short = {
            "profile": _("Level x profile family"),
            "profile_detailed": _("Level x detailed profile"),
            "mission": _("Level x mission"),
        }[matrix.kind]
        sheet = workbook.create_sheet(_sheet_title(short))
        sheet.append([neutralise(matrix.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([neutralise(workspace.name)])
        sheet.append([_("Exported on"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
        if described:
            for label, value in described:
                sheet.append([neutralise(str(label)), neutralise(str(value))])
        else:
            sheet.append([_("Filters"), _("none: every actor of the workspace")])
        sheet.append([_("Cells with 0 on a hatched background are gaps: no actor.")])
        if matrix.unplaced:
            sheet.append(
                [
                    _("Actors without a territorial level (in no cell): %(n)s")
                    % {"n": matrix.unplaced}
                ]
            )
        if matrix.kind == "mission":
            sheet.append(
                [
                    _(
                        "An actor with several missions counts in each of them; totals count "
                        "each actor once."
                    )
                ]
            )
        sheet.append([])
        header_row = sheet.max_row + 1
        sheet.append(
            [_("Territorial level"), *[neutralise(c.label) for c in matrix.columns], _("Total")]
        )
        for cell in sheet[header_row]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row, counts, total in zip(matrix.rows, matrix.counts, matrix.row_totals, strict=True):
            sheet.append([neutralise(row.label), *counts, total])
            excel_row = sheet.max_row
            sheet.cell(excel_row, 1).font = bold
            for index, count in enumerate(counts, start=2):
                if count == 0:
                    sheet.cell(excel_row, index).fill = gap_fill
        sheet.append([_("Total"), *matrix.column_totals, matrix.total])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet.column_dimensions["A"].width = 34
        for index in range(2, len(matrix.columns) + 3):
            sheet.column_dimensions[get_column_letter(index)].width = 16
        sheet.freeze_panes = sheet.cell(header_row + 1, 2)
    workbook.save(fileobj)
