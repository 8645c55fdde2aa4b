"""The network of the registry: actors as nodes, relations as directed edges (networkx).

- `load_graph(workspace, filters, relation_type_ids)` builds a `networkx.MultiDiGraph` (two actors
  may be linked by several relations) from the actors that pass `filters` and the relations
  between them, in three queries. At most `MAX_RELATIONS` relations (and `MAX_ACTORS` actors
  when isolated actors are asked for) are read: beyond, the result says it is truncated.
- `degree_scores` (number of relations, both directions) and `betweenness_scores` (how often an
  actor lies on the shortest paths between two others, on the undirected simple graph;
  above `EXACT_BETWEENNESS_LIMIT` actors, estimated from at most `BETWEENNESS_SAMPLES` sources
  (fewer on big graphs, to bound the work) drawn with a fixed seed, so the figures stay the same
  from one load to the next).
- `draw_svg` lays out the `MAX_DRAWN` most central actors, each connected component with
  `spring_layout(seed=SEED)` (deterministic), the components packed in rows biggest first, and
  writes the SVG itself: presentation attributes only, no `style`, so that
  it renders under the Content Security Policy. Every node is a link to the actor's page with a
  `<title>` tooltip, coloured by profile family; edges carry an arrow (none for a symmetric
  relation type) and a colour and dash pattern by relation type.
- `gexf_bytes` (Gephi) and `kumu_blueprint` (Kumu's JSON import) export the whole loaded graph.
"""

import io
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import networkx as nx
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import PROFILE_FAMILY, Actor, Level, Profile, ProfileFamily, Relation, RelationType
from .search import ActorFilters, filter_actors

SEED = 7
MAX_RELATIONS = 20_000
MAX_ACTORS = 10_000
MAX_DRAWN = 300
LABELLED = 30
EXACT_BETWEENNESS_LIMIT = 500
BETWEENNESS_SAMPLES = 300
#: Sampled sources × (nodes + edges) allowed for betweenness: about a second of work.
BETWEENNESS_WORK = 1_500_000
MEASURES = ("degree", "betweenness")

WIDTH, MARGIN = 1000, 36

#: Profile family → node colour (Okabe-Ito, as core.charts, plus a grey).
FAMILY_COLOURS = {
    ProfileFamily.PUBLIC: "#0072B2",
    ProfileFamily.ASSOCIATION: "#E69F00",
    ProfileFamily.FOUNDATION: "#CC79A7",
    ProfileFamily.ESS: "#009E73",
    ProfileFamily.COMPANY: "#56B4E9",
    ProfileFamily.INTERMEDIARY: "#D55E00",
    ProfileFamily.FUNDER: "#222222",
    ProfileFamily.ACADEMIC: "#F0E442",
    ProfileFamily.EXPERT: "#999999",
}
#: Relation type styles, in the order of the workspace's types: (colour, dash pattern).
EDGE_STYLES = [
    ("#4b5563", ""),
    ("#0072B2", "7 4"),
    ("#D55E00", "2 3"),
    ("#009E73", "9 3 2 3"),
    ("#CC79A7", ""),
    ("#8a6d00", "7 4"),
    ("#56B4E9", "2 3"),
    ("#000000", "9 3 2 3"),
]


@dataclass(frozen=True)
class EdgeStyle:
    type_id: int
    code: str
    name: str
    symmetric: bool
    colour: str
    dash: str


@dataclass
class LoadedGraph:
    graph: nx.MultiDiGraph
    relation_types: dict[int, EdgeStyle]
    truncated: bool = False  # more relations (or actors) than read


def relation_styles(workspace) -> dict[int, EdgeStyle]:
    """The workspace's relation types with their drawing style, in their order (one query)."""
    styles = {}
    for index, (pk, code, name, symmetric) in enumerate(
        RelationType.objects.filter(workspace=workspace)
        .order_by("position", "name", "pk")
        .values_list("pk", "code", "name", "is_symmetric")
    ):
        colour, dash = EDGE_STYLES[index % len(EDGE_STYLES)]
        styles[pk] = EdgeStyle(pk, code, name, symmetric, colour, dash)
    return styles


def _node_rows(queryset) -> Iterable[tuple]:
    return queryset.values_list("pk", "name", "profile", "level", "commune__name")


def load_graph(
    workspace,
    filters: ActorFilters | None = None,
    relation_type_ids: Iterable[int] = (),
    *,
    include_isolated: bool = False,
    relation_types: dict[int, EdgeStyle] | None = None,
    max_relations: int = MAX_RELATIONS,
    max_actors: int = MAX_ACTORS,
) -> LoadedGraph:
    """The graph of the actors passing `filters` (the text query aside) and of the relations
    between two of them, of the given types (all types when none)."""
    filters = filters or ActorFilters()
    styles = relation_types if relation_types is not None else relation_styles(workspace)
    actors = filter_actors(workspace, filters)
    relations = Relation.objects.filter(
        workspace=workspace,
        source__in=actors.values("pk"),
        target__in=actors.values("pk"),
    )
    type_ids = list(relation_type_ids)
    if type_ids:
        relations = relations.filter(relation_type_id__in=type_ids)
    rows = list(
        relations.order_by("pk").values_list("pk", "source_id", "target_id", "relation_type_id")[
            : max_relations + 1
        ]
    )
    truncated = len(rows) > max_relations
    rows = rows[:max_relations]

    if include_isolated:
        node_rows = list(_node_rows(actors.order_by("pk")[: max_actors + 1]))
        truncated = truncated or len(node_rows) > max_actors
        node_rows = node_rows[:max_actors]
    elif not truncated:
        node_rows = list(
            _node_rows(
                actors.filter(
                    Q(pk__in=relations.values("source_id"))
                    | Q(pk__in=relations.values("target_id"))
                ).order_by("pk")
            )
        )
    else:
        ids = sorted({pk for _pk, source, target, _type in rows for pk in (source, target)})
        node_rows = []
        for start in range(0, len(ids), 500):
            node_rows += _node_rows(
                Actor.objects.filter(workspace=workspace, pk__in=ids[start : start + 500])
            )
        node_rows.sort()

    graph = nx.MultiDiGraph()
    for pk, name, profile, level, commune in node_rows:
        graph.add_node(
            pk,
            label=name,
            profile=profile,
            family=str(PROFILE_FAMILY.get(profile, "")),
            level=level or "",
            commune=commune or "",
        )
    for pk, source, target, type_id in rows:
        if source not in graph or target not in graph:
            continue
        style = styles.get(type_id)
        graph.add_edge(
            source,
            target,
            key=pk,
            id=str(pk),
            label=style.name if style else "",
            relation_type=style.code if style else "",
            symmetric=bool(style and style.symmetric),
            type_id=type_id,
        )
    return LoadedGraph(graph, styles, truncated)


# --- centrality --------------------------------------------------------------------------------


def degree_scores(graph: nx.MultiDiGraph) -> dict[int, float]:
    """Number of relations of each actor, in and out."""
    return {node: float(degree) for node, degree in graph.degree()}


def betweenness_scores(graph: nx.MultiDiGraph) -> dict[int, float]:
    """Normalised betweenness on the undirected simple graph (sampled on large graphs)."""
    simple = nx.Graph(graph)
    if len(simple) <= 2:
        return dict.fromkeys(simple, 0.0)
    k = None
    if len(simple) > EXACT_BETWEENNESS_LIMIT:
        size = simple.number_of_nodes() + simple.number_of_edges()
        k = min(len(simple), max(16, min(BETWEENNESS_SAMPLES, BETWEENNESS_WORK // size)))
    return nx.betweenness_centrality(simple, k=k, seed=SEED, normalized=True)


def ranking(graph: nx.MultiDiGraph, scores: dict[int, float]) -> list[int]:
    """Nodes from the most to the least central (ties: more relations, then name, then id)."""
    degree = dict(graph.degree())
    return sorted(
        graph.nodes,
        key=lambda n: (-scores.get(n, 0.0), -degree[n], graph.nodes[n]["label"].casefold(), n),
    )


def profile_label(profile: str) -> str:
    return str(Profile(profile).label) if profile in Profile.values else profile


def level_label(level: str) -> str:
    return str(Level(level).label) if level in Level.values else ""


def family_label(family: str) -> str:
    return str(ProfileFamily(family).label) if family in ProfileFamily.values else family


# --- SVG ----------------------------------------------------------------------------------------


@dataclass
class Drawing:
    svg: str
    nodes: list[int]  # drawn, most central first
    total_nodes: int
    total_edges: int
    drawn_edges: int
    families: list[tuple[str, str]] = field(default_factory=list)  # (label, colour) drawn
    edge_styles: list[EdgeStyle] = field(default_factory=list)  # drawn

    @property
    def capped(self) -> bool:
        return len(self.nodes) < self.total_nodes


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _component_box(size: int) -> tuple[float, float]:
    """Width and height given to a connected component of `size` actors."""
    width = min(WIDTH - 2 * MARGIN, 60.0 * math.sqrt(size) + 34.0)
    return width, (width if size < 30 else width * 0.68)


def _packed_layout(undirected: nx.Graph) -> tuple[dict, float]:
    """Positions in the SVG's coordinates and the drawing's height.

    Each connected component is laid out on its own by `spring_layout` (fixed seed) and the
    components are packed in rows, the biggest first: a whole-graph layout would throw the
    small components and isolated actors to the far corners."""
    rank = {node: index for index, node in enumerate(undirected)}
    components = sorted(
        (sorted(c, key=rank.__getitem__) for c in nx.connected_components(undirected)),
        key=lambda c: (-len(c), rank[c[0]]),
    )
    boxes = []
    for nodes in components:
        width, height = _component_box(len(nodes))
        if len(nodes) == 1:
            local = {nodes[0]: (0.5, 0.5)}
        else:
            sub = undirected.subgraph(nodes)
            layout = nx.spring_layout(
                sub, seed=SEED, method="force", iterations=120, k=2.0 / math.sqrt(len(nodes))
            )
            xs = [p[0] for p in layout.values()]
            ys = [p[1] for p in layout.values()]
            span_x = (max(xs) - min(xs)) or 1.0
            span_y = (max(ys) - min(ys)) or 1.0
            local = {
                n: (
                    (x - min(xs)) / span_x if max(xs) > min(xs) else 0.5,
                    (y - min(ys)) / span_y if max(ys) > min(ys) else 0.5,
                )
                for n, (x, y) in layout.items()
            }
        boxes.append((width, height, local))

    # Shelf packing: rows of boxes, each row centred.
    gap = 18.0
    rows: list[list[tuple[float, float, dict]]] = [[]]
    used = 0.0
    for box in boxes:
        if rows[-1] and used + gap + box[0] > WIDTH - 2 * MARGIN:
            rows.append([])
            used = 0.0
        used += (gap if rows[-1] else 0.0) + box[0]
        rows[-1].append(box)
    positions: dict = {}
    top = MARGIN
    for row in rows:
        row_width = sum(b[0] for b in row) + gap * (len(row) - 1)
        row_height = max(b[1] for b in row)
        left = (WIDTH - row_width) / 2
        for width, height, local in row:
            offset_y = top + (row_height - height) / 2
            for node, (x, y) in local.items():
                positions[node] = (left + x * width, offset_y + y * height)
            left += width + gap
        top += row_height + gap
    return positions, max(200.0, top - gap + MARGIN)


def _truncate(text: str, length: int = 30) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def draw_svg(
    loaded: LoadedGraph,
    scores: dict[int, float],
    *,
    measure: str,
    node_url: Callable[[int], str],
    describe: Callable[[int], str],
    limit: int = MAX_DRAWN,
    svg_id: str = "network",
) -> Drawing:
    """The SVG of the `limit` most central nodes and the relations between them."""
    graph = loaded.graph
    order = ranking(graph, scores)
    shown = order[:limit]
    subgraph = graph.subgraph(shown)
    drawing = Drawing(
        svg="",
        nodes=shown,
        total_nodes=graph.number_of_nodes(),
        total_edges=graph.number_of_edges(),
        drawn_edges=subgraph.number_of_edges(),
    )
    if not shown:
        return drawing
    undirected = nx.Graph()
    undirected.add_nodes_from(shown)  # in rank order: the layout is deterministic
    undirected.add_edges_from((u, v) for u, v in subgraph.edges() if u != v)
    pos, height = _packed_layout(undirected)
    top = max((scores.get(n, 0.0) for n in shown), default=0.0)
    radius = {
        n: 3.5 + 11.0 * math.sqrt(scores.get(n, 0.0) / top) if top > 0 else 5.0 for n in shown
    }

    title = escape(_("Network of the actors"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_fmt(height)}" '
        f'aria-labelledby="{svg_id}-title {svg_id}-desc" id="{svg_id}">',
        f'<title id="{svg_id}-title">{title}</title>',
        f'<desc id="{svg_id}-desc">'
        + escape(
            _(
                "%(nodes)s actors and %(edges)s relations; node size by %(measure)s. "
                "Each node links to the actor's page; the table below lists the same actors."
            )
            % {
                "nodes": len(shown),
                "edges": drawing.drawn_edges,
                "measure": _("betweenness") if measure == "betweenness" else _("degree"),
            }
        )
        + "</desc>",
        "<defs>",
    ]
    used_types = sorted(
        {data.get("type_id") for _u, _v, data in subgraph.edges(data=True)} - {None},
        key=lambda pk: list(loaded.relation_types).index(pk) if pk in loaded.relation_types else 0,
    )
    for type_id in used_types:
        style = loaded.relation_types.get(type_id)
        if style is None or style.symmetric:
            continue
        parts.append(
            f'<marker id="{svg_id}-arrow-{type_id}" viewBox="0 0 10 10" refX="10" refY="5" '
            f'markerWidth="7" markerHeight="7" orient="auto" markerUnits="userSpaceOnUse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{style.colour}"/></marker>'
        )
    parts.append("</defs>")

    # Edges: parallel edges between the same two actors are bent apart.
    groups: dict[tuple[int, int], list[tuple[int, int, dict]]] = defaultdict(list)
    for u, v, data in sorted(subgraph.edges(data=True), key=lambda e: e[2].get("id", "")):
        if u == v:
            continue
        groups[(min(u, v), max(u, v))].append((u, v, data))
    parts.append('<g fill="none" stroke-width="1.2" stroke-opacity="0.65">')
    for (a, b), edges in groups.items():
        ax, ay = pos[a]
        bx, by = pos[b]
        length = math.hypot(bx - ax, by - ay) or 1.0
        normal_x, normal_y = -(by - ay) / length, (bx - ax) / length
        for index, (u, v, data) in enumerate(edges):
            offset = (index - (len(edges) - 1) / 2) * 22.0
            x1, y1 = pos[u]
            x2, y2 = pos[v]
            cx = (ax + bx) / 2 + normal_x * offset
            cy = (ay + by) / 2 + normal_y * offset
            # Start and end on the circles, along the tangent towards the control point.
            d1 = math.hypot(cx - x1, cy - y1) or 1.0
            d2 = math.hypot(cx - x2, cy - y2) or 1.0
            sx, sy = x1 + (cx - x1) / d1 * radius[u], y1 + (cy - y1) / d1 * radius[u]
            gap = radius[v] + 1.5
            ex, ey = x2 + (cx - x2) / d2 * gap, y2 + (cy - y2) / d2 * gap
            style = loaded.relation_types.get(data.get("type_id"))
            colour, dash = (style.colour, style.dash) if style else ("#4b5563", "")
            attributes = f'stroke="{colour}"'
            if dash:
                attributes += f' stroke-dasharray="{dash}"'
            if style is not None and not style.symmetric:
                attributes += f' marker-end="url(#{svg_id}-arrow-{style.type_id})"'
            title = (
                f"{graph.nodes[u]['label']} → {data.get('label', '')} → {graph.nodes[v]['label']}"
            )
            path = (
                f"M{_fmt(sx)},{_fmt(sy)} L{_fmt(ex)},{_fmt(ey)}"
                if offset == 0
                else f"M{_fmt(sx)},{_fmt(sy)} Q{_fmt(cx)},{_fmt(cy)} {_fmt(ex)},{_fmt(ey)}"
            )
            parts.append(f'<path d="{path}" {attributes}><title>{escape(title)}</title></path>')
    parts.append("</g>")

    # Nodes, biggest first so that small ones stay clickable; labels for the most central,
    # skipping a label that would overlap one already placed.
    labels = {}
    placed: list[tuple[float, float, float, float]] = []
    for node in shown[:LABELLED]:
        x, y = pos[node]
        text = _truncate(graph.nodes[node]["label"])
        width = 7.0 * len(text) + 4
        right = x < WIDTH - width - 30
        left_edge = x + radius[node] + 3 if right else x - radius[node] - 3 - width
        box = (left_edge, y - 9, left_edge + width, y + 6)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            continue
        placed.append(box)
        labels[node] = (text, right)
    parts.append('<g stroke="#1f2937" stroke-width="1">')
    rank = {node: index for index, node in enumerate(shown)}
    for node in sorted(shown, key=lambda n: (-radius[n], rank[n])):
        data = graph.nodes[node]
        x, y = pos[node]
        colour = FAMILY_COLOURS.get(data["family"], "#999999")
        parts.append(
            f"<a href={quoteattr(node_url(node))}>"
            f"<title>{escape(describe(node))}</title>"
            f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(radius[node])}" fill="{colour}"/></a>'
        )
    parts.append("</g>")
    # Names above every node and edge, outside the links (the nodes carry them): readable.
    parts.append(
        '<g aria-hidden="true" pointer-events="none" font-size="12" font-weight="600" '
        'font-family="system-ui, sans-serif" fill="#111827" stroke="#ffffff" stroke-width="3.5" '
        'stroke-linejoin="round" paint-order="stroke">'
    )
    for node, (text, right) in labels.items():
        x, y = pos[node]
        tx = x + radius[node] + 3 if right else x - radius[node] - 3
        anchor = "" if right else ' text-anchor="end"'
        parts.append(f'<text x="{_fmt(tx)}" y="{_fmt(y + 4)}"{anchor}>{escape(text)}</text>')
    parts.append("</g></svg>")
    drawing.svg = "".join(parts)

    families = {graph.nodes[n]["family"] for n in shown}
    drawing.families = [
        (str(label), FAMILY_COLOURS[value])
        for value, label in ProfileFamily.choices
        if value in families
    ]
    drawing.edge_styles = [
        loaded.relation_types[pk] for pk in used_types if pk in loaded.relation_types
    ]
    return drawing


# --- exports -----------------------------------------------------------------------------------


def gexf_bytes(loaded: LoadedGraph) -> bytes:
    """GEXF 1.2 for Gephi: node label (the actor's name), profile, profile family, level and
    commune; edge label (the relation type's name) and relation_type (its code). GEXF reserves
    the edge attribute "type" for directed/undirected, hence relation_type."""
    export = nx.MultiDiGraph()
    for node, data in loaded.graph.nodes(data=True):
        export.add_node(
            str(node),
            label=data["label"],
            profile=data["profile"],
            profile_family=data["family"],
            level=data["level"],
            commune=data["commune"],
        )
    for u, v, key, data in loaded.graph.edges(keys=True, data=True):
        export.add_edge(
            str(u),
            str(v),
            key=key,
            id=data["id"],
            label=data["label"],
            relation_type=data["relation_type"],
        )
    buffer = io.BytesIO()
    nx.write_gexf(export, buffer)
    return buffer.getvalue()


def kumu_blueprint(loaded: LoadedGraph) -> dict:
    """Kumu's JSON import ("blueprint"): elements with an id (names may repeat) and
    connections between ids; symmetric relation types are "mutual"."""
    graph = loaded.graph
    elements = []
    for node, data in graph.nodes(data=True):
        element = {
            "id": f"actor-{node}",
            "label": data["label"],
            "type": family_label(data["family"]),
            "profile": profile_label(data["profile"]),
            "level": level_label(data["level"]),
        }
        if data["commune"]:
            element["commune"] = data["commune"]
        elements.append(element)
    connections = [
        {
            "id": f"relation-{data['id']}",
            "from": f"actor-{u}",
            "to": f"actor-{v}",
            "type": data["label"],
            "direction": "mutual" if data["symmetric"] else "directed",
        }
        for u, v, data in sorted(graph.edges(data=True), key=lambda e: int(e[2]["id"]))
    ]
    return {"elements": elements, "connections": connections}
