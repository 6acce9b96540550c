"""Gaps: ranked gap and fragile cells with filters, a cell's evidence and helpers, and what-if withdrawals."""

import streamlit as st

from dashboard import components, frames, selection, state
from graph.analysis import STATUSES
from model.schema import SECTORS
from presentation import labels, ranking

PAGE = "gaps"
st.title("Gaps")
loaded = state.guard()
components.sidebar(loaded)
facts, tables, cells = state.facts(loaded), state.tables(loaded), state.cells(loaded.snapshot, loaded.config)

choices = frames.member_choices(cells)
cols = st.columns([1, 1, 1.6, 1, 1.4])
theme = selection.narrow("Theme", facts.themes, "theme", PAGE, all_label="All themes", container=cols[0],
                         format_func=labels.theme_name)
region = selection.narrow("Region", frames.regions(facts), "region", PAGE, all_label="All regions",
                          container=cols[1])
members = selection.multiselect("Members", list(choices), "members", PAGE, format_func=choices.get,
                                container=cols[2], placeholder="All members")
sector = selection.narrow("Supported by sector", SECTORS, "supported_by", PAGE, container=cols[3],
                          all_label="Any sector", format_func=labels.sector_name,
                          help="Cells with at least one supporter of this sector (gaps have none)")
statuses = selection.multiselect("Status", list(STATUSES), "status", PAGE, default=["gap", "fragile"],
                                 container=cols[4])

ranked = ranking.rank_cells(cells, theme, region, members, statuses, sector)
keys = [f"{m}/{t}" for m, t in zip(ranked["member_id"], ranked["theme_id"], strict=True)]
st.markdown(f"**{len(ranked)} cells**, highest demand first within each status. Select a row to open it.")
picked = selection.get("cell")
components.table(ranked, "gaps", key=f"{PAGE}:table", on_select=selection.on_row_pick(f"{PAGE}:table", "cell", keys),
                 selected=keys.index(picked) if picked in keys else None,
                 columns=["member_name", "member_id", "theme", "status", "demand", "cov", "supporters", "sectors",
                          "reachable_cov", "reachable_orgs"])
components.explain("What these columns mean", loaded.config, "demand", "status",
                   "reachable")

cell_labels = {k: frames.cell_label(n, t, s) for k, n, t, s in zip(keys, ranked["member_name"], ranked["theme_id"],
                                                                   ranked["status"], strict=True)}
cell = selection.narrow("Open a cell", list(cell_labels), "cell", PAGE, all_label="Choose a cell…",
                        format_func=cell_labels.get)
if cell:
    member, cell_theme = cell.split("/", 1)
    row = frames.cell_row(cells, member, cell_theme)
    st.subheader(cell_labels[cell])
    st.caption(f"Demand {row['demand']:g} · {row['cov']} supporter(s) · {row['reachable_cov']} reachable")
    evidence, supporters, reachable = st.tabs(["Demand evidence", "Supporters", "Reachable organisations"])
    with evidence:
        components.table(frames.cell_evidence(cells, tables, member, cell_theme), f"{member}-{cell_theme}-evidence",
                         columns=["kind", "what", "detail", "counts", "source", "as_of"])
    with supporters:
        components.table(frames.supporters_table(facts, tables, member, cell_theme, loaded.config),
                         f"{member}-{cell_theme}-supporters",
                         columns=["name", "sector", "how", "grade", "counts", "source", "as_of"])
    with reachable:
        components.table(frames.reachable_table(facts, cells, member, cell_theme, loaded.config),
                         f"{member}-{cell_theme}-reachable",
                         columns=["name", "sector", "tie", "why", "source", "as_of"])

st.header("What if an organisation withdrew?")
orgs = frames.organisation_names(facts)
consortia = dict(zip(facts.consortia["consortium_id"], facts.consortia["name"], strict=True))
left, right = st.columns(2)
removed = selection.multiselect("Remove organisations", list(orgs), "remove", PAGE, format_func=orgs.get,
                                container=left, placeholder="Choose organisations…")
consortium = selection.narrow("…or every organisation in a consortium", list(consortia), "consortium", PAGE,
                              all_label="No consortium", format_func=consortia.get, container=right)
if removed or consortium:
    changed = ranking.scope_frame(state.what_if(loaded.snapshot, tuple(removed), consortium, loaded.config),
                                theme, region, members, cells=cells)
    st.markdown(f"**{len(changed)} cells would become gaps** (within the filters above).")
    components.table(changed, "what-if", columns=["member_name", "member_id", "theme", "demand", "status_before",
                                                  "cov_before", "lost_supporters"])
with st.expander("Which organisations alone support most cells?"):
    components.table(frames.withdrawal_risk(cells, facts), "unique-coverage",
                     columns=["name", "sector", "n_unique_cells", "unique_cells"])
components.explain("About what-if", loaded.config, "what_if")
