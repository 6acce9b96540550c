"""Network explorer: a filtered, precomputed drawing of the partnership network; click, search and expand."""

import streamlit as st

from dashboard import charts, components, frames, selection, state
from model.schema import SECTORS
from presentation import labels

PAGE = "network"
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
options = frames.node_options(explorer.graph)

cols = st.columns([2, 1, 1])
node = selection.narrow("Find a node", list(options), "node", PAGE, all_label="Search by name…",
                        format_func=options.get, container=cols[0])
colour = selection.choose("Colour by", ["kind", "sector"], "colour", PAGE, container=cols[1],
                          default="sector" if view == "organisations" else "kind",
                          format_func={"kind": "Node type", "sector": "Sector"}.get)
size = selection.choose("Size by", list(frames.MEASURES), "size_by", PAGE, format_func=frames.MEASURES.get,
                        container=cols[2])
focus = [n for n in selection.get("focus") or [] if n in explorer.graph]
with st.container(horizontal=True):
    st.button("Expand neighbourhood", disabled=node is None, on_click=selection.add_to, args=("focus", node),
              help="Show the selected node with its neighbours", icon=":material/open_with:", key=f"{PAGE}:expand")
    st.button("Show everything", disabled=not focus, on_click=selection.put, args=("focus", []),
              icon=":material/zoom_out_map:", key=f"{PAGE}:reset")

within = frames.focus_nodes(explorer.graph, focus) if focus else None
shown, cut = frames.cut_to_budget(explorer.graph, keep=[*focus, *([node] if node else [])], within=within)
if focus:
    st.info("Showing the neighbourhood of " + ", ".join(options[n].rsplit(" (", 1)[0] for n in focus) + ".")
if cut.cut:
    st.warning(f"**The drawing was cut**: showing {cut.nodes_shown} of {cut.nodes_total} nodes and "
               f"{cut.edges_shown} of {cut.edges_total} links (at most {frames.ELEMENT_BUDGET:,} elements are drawn, "
               "best-connected first). Narrow the filters, or find a node and expand its neighbourhood.")
else:
    st.caption(f"Showing all {cut.nodes_shown} nodes and {cut.edges_shown} links.")
if explorer.isolates:
    st.caption(f"{explorer.isolates} nodes without any link under these filters are not drawn.")
st.plotly_chart(charts.network_figure(shown, explorer.positions, explorer.measures, colour, size, focus, node),
                key=f"{PAGE}:chart", on_select=selection.on_chart_pick(f"{PAGE}:chart", "node"),
                selection_mode="points", config={"displaylogo": False, "scrollZoom": True})
components.explain("How to read this network", loaded.config, "explorer", "network", "betweenness",
                   "effective_size")

if node:
    info, neighbours = frames.node_details(explorer.graph, node)
    st.subheader(info["label"])
    st.caption(" · ".join(f"{k}: {v}" for k, v in info.items() if k != "label"))
    numbers = frames.node_numbers(explorer.measures, node)
    stats = st.columns(3)
    stats[0].metric("Links", numbers["degree"])
    stats[1].metric("Betweenness", numbers["betweenness"])
    stats[2].metric("Effective size", numbers["effective_size"])
    components.table(neighbours, f"{node.replace(':', '-')}-neighbours", columns=["name", "kind", "sector", "link"])
