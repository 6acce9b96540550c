"""Coverage map: where members ask for help on a theme, how well they are supported, and a member's profile."""

import streamlit as st

from dashboard import charts, components, frames, selection, state
from presentation import labels

PAGE = "coverage"
st.title("Coverage map")
loaded = state.guard()
components.sidebar(loaded)
facts, tables, cells = state.facts(loaded), state.tables(loaded), state.cells(loaded.snapshot, loaded.config)

left, right = st.columns(2)
theme = selection.narrow("Theme", facts.themes, "theme", PAGE, all_label="All themes", container=left,
                         format_func=labels.theme_name,
                         help="Colour the map by the status on one theme (the heatmap shows that theme only), or by "
                              "the number of gaps overall")
region = selection.narrow("Region", frames.regions(facts), "region", PAGE, all_label="All regions",
                          container=right, help="The members on the map and in the heatmap")

world, heat = st.tabs(["World map", "Member × theme heatmap"])
with world:
    frame, not_drawn = frames.drawable(frames.map_frame(cells, theme, region), charts.map_countries())
    picked = (selection.get("members") or [None])[0]
    components.svg_chart(charts.world_map(frame, theme, picked), key=f"{PAGE}:map",
                         on_pick=selection.on_svg_pick(f"{PAGE}:map", "members", as_list=True))
    st.caption("Click a country to open its profile below. Local governments and countries too small for this "
               f"map are in the list below: {', '.join(not_drawn) or 'none'}.")
with heat:
    matrix = frames.heatmap_frame(cells, region, theme)
    if len(matrix) > frames.HEATMAP_ROWS:
        st.info(f"{len(matrix)} members: the first {frames.HEATMAP_ROWS} by name are drawn. Choose a region to see "
                "the others.")
    components.svg_chart(charts.status_heatmap(matrix.head(frames.HEATMAP_ROWS)))
components.explain("What the colours mean", loaded.config, "demand", "status",
                   "reachable")

choices = frames.member_choices(cells)
member = selection.first_of("Member profile", list(choices), "members", PAGE, all_label="Choose a member…",
                            format_func=choices.get)
if member is None:
    st.stop()
about = frames.member_summary(cells, facts, member)
st.header(f"{about['name']} ({member})")
st.caption(f"{about['region']} · {about['level']} member · status {about['status']}")
cols = st.columns(4)
cols[0].metric("Themes with demand", about["demanded"])
cols[1].metric("Gaps", about["gap"])
cols[2].metric("Fragile", about["fragile"])
cols[3].metric("Covered or redundant", about["covered"] + about["redundant"])
scope = f" on {labels.theme_name(theme)}" if theme else ""
gaps, evidence, supporters, reachable = st.tabs(["Gaps and coverage", f"Demand evidence{scope}",
                                                 f"Supporters{scope}", f"Reachable organisations{scope}"])
with gaps:
    components.table(frames.member_cells(cells, member), f"{member}-coverage",
                     columns=["theme", "status", "demand", "cov", "supporters", "weak_supporters", "sectors",
                              "reachable_cov"])
with evidence:
    components.table(frames.cell_evidence(cells, tables, member, theme), f"{member}-evidence",
                     columns=["theme", "kind", "what", "detail", "counts", "source", "as_of"])
with supporters:
    components.table(frames.supporters_table(facts, tables, member, theme, loaded.config), f"{member}-supporters",
                     columns=["name", "sector", "theme", "how", "grade", "counts", "source", "as_of"])
with reachable:
    components.table(frames.member_reachable(facts, cells, member, loaded.config, theme),
                     f"{member}-reachable", columns=["theme", "name", "sector", "tie", "why", "source", "as_of"],
                     caption="Organisations that could step into the member's gap and fragile cells.")
