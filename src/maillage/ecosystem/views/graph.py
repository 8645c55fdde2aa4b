"""The network graph: a server-rendered SVG of the actors and their relations, with node size by
centrality, and its exports for Gephi (GEXF) and Kumu (JSON). The work is in
`ecosystem.graph`."""

from decimal import Decimal

from django import forms
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from maillage.core.exports import content_disposition

from ..graph import (
    FAMILY_COLOURS,
    MAX_DRAWN,
    MAX_RELATIONS,
    betweenness_scores,
    degree_scores,
    draw_svg,
    gexf_bytes,
    kumu_blueprint,
    level_label,
    load_graph,
    profile_label,
    relation_styles,
)
from ..search import ActorFilterForm
from .matrices import filter_context

#: Rows of the table of the most central actors under the graph.
TABLE_ROWS = 50


class GraphFilterForm(ActorFilterForm):
    """The actor filters, plus the relation types, the centrality measure and whether actors
    without relations are drawn."""

    relation_type = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Relation type"), coerce=int, required=False
    )
    measure = forms.ChoiceField(
        label=gettext_lazy("Node size"),
        choices=[
            ("degree", gettext_lazy("Degree")),
            ("betweenness", gettext_lazy("Betweenness")),
        ],
        required=False,
    )
    isolated = forms.BooleanField(
        label=gettext_lazy("Show actors without relations"), required=False
    )

    def __init__(self, data=None, *, workspace, relation_types, **kwargs):
        super().__init__(data, workspace=workspace, **kwargs)
        self.fields["relation_type"].choices = [
            (style.type_id, style.name) for style in relation_types.values()
        ]

    def _value(self, name, default):
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return data.get(name) or default

    @property
    def relation_type_ids(self) -> list[int]:
        return list(self._value("relation_type", []))

    @property
    def measure_name(self) -> str:
        return self._value("measure", "degree")

    @property
    def include_isolated(self) -> bool:
        return bool(self._value("isolated", False))


def _graph_from_request(request):
    workspace = request.workspace
    styles = relation_styles(workspace)
    form = GraphFilterForm(request.GET or None, workspace=workspace, relation_types=styles)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    filters.q = ""  # the graph shows every actor of the filters
    loaded = load_graph(
        workspace,
        filters,
        form.relation_type_ids,
        include_isolated=form.include_isolated,
        relation_types=styles,
    )
    return form, filters, loaded


@require_GET
def graph(request, workspace_slug):
    form, filters, loaded = _graph_from_request(request)
    graph = loaded.graph
    measure = form.measure_name
    degree = degree_scores(graph)
    betweenness = betweenness_scores(graph)
    scores = betweenness if measure == "betweenness" else degree

    def url(pk):
        return reverse("ecosystem:actor", kwargs={"workspace_slug": workspace_slug, "pk": pk})

    def describe(pk):
        data = graph.nodes[pk]
        parts = [data["label"], profile_label(data["profile"])]
        if data["level"]:
            parts.append(level_label(data["level"]))
        return (
            " — ".join(parts)
            + " · "
            + _("%(degree)s relations, betweenness %(betweenness).3f")
            % {"degree": int(degree[pk]), "betweenness": betweenness.get(pk, 0.0)}
        )

    drawing = draw_svg(loaded, scores, measure=measure, node_url=url, describe=describe)
    top = [
        {
            "rank": index,
            "pk": pk,
            "name": graph.nodes[pk]["label"],
            "url": url(pk),
            "profile": profile_label(graph.nodes[pk]["profile"]),
            "level": level_label(graph.nodes[pk]["level"]),
            "colour": FAMILY_COLOURS.get(graph.nodes[pk]["family"], "#999999"),
            "degree": int(degree[pk]),
            "in_degree": graph.in_degree(pk),
            "out_degree": graph.out_degree(pk),
            "betweenness": Decimal(f"{betweenness.get(pk, 0.0):.3f}"),
        }
        for index, pk in enumerate(drawing.nodes[:TABLE_ROWS], start=1)
    ]
    return render(
        request,
        "ecosystem/graph.html",
        {
            **filter_context(request, form, filters),
            "drawing": drawing,
            "top": top,
            "measure": measure,
            "relation_types": list(loaded.relation_types.values()),
            "selected_types": form.relation_type_ids,
            "include_isolated": form.include_isolated,
            "truncated": loaded.truncated,
            "max_relations": MAX_RELATIONS,
            "max_drawn": MAX_DRAWN,
            "has_filters": not filters.is_empty
            or bool(form.relation_type_ids)
            or form.include_isolated,
        },
    )


@require_GET
def graph_gexf(request, workspace_slug):
    _form, _filters, loaded = _graph_from_request(request)
    response = HttpResponse(gexf_bytes(loaded), content_type="application/gexf+xml")
    response["Content-Disposition"] = content_disposition(f"{workspace_slug}-network.gexf")
    return response


@require_GET
def graph_json(request, workspace_slug):
    _form, _filters, loaded = _graph_from_request(request)
    response = JsonResponse(kumu_blueprint(loaded), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = content_disposition(f"{workspace_slug}-network-kumu.json")
    return response


urlpatterns = [
    path("graph/", graph, name="graph"),
    path("graph/export.gexf", graph_gexf, name="graph_gexf"),
    path("graph/export.json", graph_json, name="graph_json"),
]
