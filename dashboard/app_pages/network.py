"""Network explorer: an interactive graph (Cytoscape.js via st-link-analysis, served by this server) with a seeded
server-side layout; click a node for its details, double-click to expand it in place; communities; exports."""

from collections.abc import Callable
from typing import Any

import streamlit as st
from st_link_analysis import Event, st_link_analysis

from dashboard import components, frames, network_view, selection, state
from model.schema import SECTORS
from presentation import labels
from presentation.network_style import COLOUR_BY
from reports.network_files import FORMATS

PAGE = "network"
GRAPH = f"{PAGE}:graph"
st.title("Network explorer")
loaded = state.guard()
components.sidebar(loaded)
facts = state.facts(loaded)

cols = st.columns([2, 1, 1, 1])
view = selection.choose("Network", list(frames.NETWORK_VIEWS), "view", PAGE, format_func=frames.NETWORK_VIEWS.get,
                        container=cols[0])
theme = selection.narrow("Theme", facts.themes, "theme", PAGE, all_label="All themes", container=cols[1],
                         format_func=labels.theme_name)
region = selection.narrow("Region", frames.regions(facts), "region", PAGE, all_label="All regions",
                          container=cols[2])
sector = selection.narrow("Organisation sector", SECTORS, "org_sector", PAGE, container=cols[3],
                          all_label="Any sector", format_func=labels.sector_name)
explorer = state.explorer(loaded.snapshot, view, theme, region, sector, loaded.config)
sizes = {int(c): int(n) for c, n in zip(explorer.communities["community"], explorer.communities["nodes"],
                                         strict=True)}
options = frames.node_options(explorer.graph)

cols = st.columns([2, 1, 1, 1])
node = selection.narrow("Find a node", list(options), "node", PAGE, all_label="Search by name…",
                        format_func=options.get, container=cols[0])
community = selection.narrow("Community", sorted(sizes), "community", PAGE, all_label="All communities",
                             container=cols[1], format_func=lambda c: f"Community {c} ({sizes[c]} nodes)")
colour = selection.choose("Colour by", list(COLOUR_BY), "colour", PAGE, container=cols[2],
                          default="sector" if view == "organisations" else "kind", format_func=COLOUR_BY.get)
size = selection.choose("Size by", list(frames.MEASURES), "size_by", PAGE, format_func=frames.MEASURES.get,
                        container=cols[3])
expanded = tuple(n for n in selection.get("focus") or [] if n in explorer.graph)

drawn, positions = state.network_view(loaded.snapshot, view, theme, region, sector, community, expanded, node,
                                      loaded.config)
cut = drawn.cut
if cut.cut:
    st.warning(f"Showing {cut.nodes_shown} of {cut.nodes_total} nodes and {cut.edges_shown} of {cut.edges_total} "
               f"ties (at most {frames.ELEMENT_BUDGET:,} elements, best-connected first) — narrow by theme, region "
               "or community.", icon=":material/filter_alt:")
else:
    st.caption(f"Showing all {cut.nodes_shown} nodes and {cut.edges_shown} ties"
               + (f"; {explorer.isolates} nodes without ties under these filters are not drawn."
                  if explorer.isolates else "."))
st.html(network_view.legend_html(drawn.graph, colour, size, explorer.community_of))


def on_graph_event() -> None:
    """A click selects a node (details below, URL), a double-click or the expand button expands it."""
    event: Any = st.session_state.get(GRAPH)
    if not isinstance(event, dict):
        return
    data = event.get("data") or {}
    if event.get("action") == "expand":
        for n in data.get("node_ids") or []:
            selection.add_to("focus", n)
            selection.put("node", n)
    elif event.get("action") == "select" and data.get("target_id"):
        selection.put("node", data["target_id"])


if drawn.graph.number_of_nodes() == 0:
    st.info("No node matches these filters: choose another theme, region, sector or community.")
    st.stop()
elements = network_view.elements(drawn.graph, positions, explorer.measures, colour_by=colour, size_by=size,
                                 community_of=explorer.community_of, region_of=explorer.region_of,
                                 keep=[*expanded, *([node] if node else [])])
st_link_analysis(elements, layout={"name": "preset", "fit": True, "padding": 30, "animate": False},
                 node_styles=network_view.graph_styles(),  # Cytoscape rules with the same dump()
                 height=620, key=GRAPH, on_change=on_graph_event, node_actions=["expand"],
                 events=[Event("select", "tap", "node")])



def export(whole: bool, fmt: str) -> Callable[[], bytes]:
    """The file, written only when its button is pressed."""
    return lambda: state.network_file(loaded.snapshot, view, theme, region, sector, community, expanded,
                                      loaded.config, whole, fmt, colour, size)


with st.container(horizontal=True):
    for whole, title in ((False, "This view"), (True, "Whole network")):
        for fmt, (ext, mime) in FORMATS.items():
            st.download_button(f"{title} ({'GraphML' if fmt == 'graphml' else fmt.upper()})", data=export(whole, fmt),
                               file_name=f"ogpnet-{view}{'-whole' if whole else ''}.{ext}", mime=mime,
                               icon=":material/download:", on_click="ignore",
                               key=f"{PAGE}:export:{'whole' if whole else 'view'}:{fmt}")
components.explain("How to read this network", loaded.config, "explorer", "network", "betweenness",
                   "effective_size", "communities")

if node:
    info, neighbours = frames.node_details(explorer.graph, node)
    st.subheader(info["label"])
    d = explorer.graph.nodes[node]
    st.caption(" · ".join([*(f"{k}: {v}" for k, v in info.items() if k != "label"),
                           f"region: {explorer.region_of.get(node, 'not known')}",
                           f"community {explorer.community_of.get(node, '–')}",
                           f"source: {d.get('source') or 'not recorded'}"
                           + (f", {d['as_of']}" if d.get("as_of") else "")]))
    with st.container(horizontal=True):
        st.button("Expand", disabled=node in expanded, on_click=selection.add_to, args=("focus", node),
                  help="Add its neighbours to the view, beside it (or double-click the node)",
                  icon=":material/open_with:", key=f"{PAGE}:expand")
        st.button("Collapse", disabled=node not in expanded, on_click=selection.put,
                  args=("focus", [n for n in expanded if n != node]),
                  help="Take the neighbours it brought in out of the view", icon=":material/close_fullscreen:",
                  key=f"{PAGE}:collapse")
        st.button("Collapse all", disabled=not expanded, on_click=selection.put, args=("focus", []),
                  icon=":material/zoom_out_map:", key=f"{PAGE}:reset")
    numbers = frames.node_numbers(explorer.measures, node)
    stats = st.columns(3)
    stats[0].metric("Links", numbers["degree"])
    stats[1].metric("Betweenness", numbers["betweenness"])
    stats[2].metric("Effective size", numbers["effective_size"])
    components.table(neighbours, f"{node.replace(':', '-')}-neighbours",
                     columns=["name", "kind", "sector", "link", "evidence"])

st.subheader("Communities")
st.caption("Seeded Louvain communities of the whole view (no filters), numbered from the largest. Pick a row to "
           "show that community only.")
table = explorer.communities
community_keys = [str(c) for c in table["community"]]
components.table(table, f"{view}-communities", key=f"{PAGE}:communities", on_select=selection.on_row_pick(
    f"{PAGE}:communities", "community", community_keys),
    selected=community_keys.index(str(community)) if str(community) in community_keys else None)
