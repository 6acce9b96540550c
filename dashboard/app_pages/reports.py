"""Reports: the analyst gap report as Excel, HTML or a zip of CSV files, for a theme, region or member."""

import streamlit as st

from dashboard import components, frames, selection, state
from presentation import labels, ranking

PAGE = "reports"
st.title("Reports")
loaded = state.guard()
components.sidebar(loaded)
if state.gap_report_module() is None:
    st.warning("**The reports module is not available** in this installation (`reports.gap_report`), so the gap "
               "report cannot be produced here yet. What to do: update ogpnet; meanwhile every table of the other "
               "pages has its own CSV download, and `ogpnet gaps --format csv` exports the gaps.")
    st.stop()
facts, cells = state.facts(loaded), state.cells(loaded.snapshot, loaded.config)
choices = frames.member_choices(cells)

st.markdown("The gap report lists the gap and fragile cells with their evidence, supporters, reachable "
            "organisations and partner suggestions, plus brokers, the method and where the data comes from. "
            "Narrow it to a theme, a region or a member, or leave everything open for the whole network.")
cols = st.columns(3)
theme = selection.narrow("Theme", facts.themes, "theme", PAGE, all_label="All themes", container=cols[0],
                         format_func=labels.theme_name)
region = selection.narrow("Region", frames.regions(facts), "region", PAGE, all_label="All regions",
                          container=cols[1])
member = selection.first_of("Member", list(choices), "members", PAGE, all_label="All members", container=cols[2],
                            format_func=choices.get)
in_scope = ranking.rank_cells(cells, theme, region, [member] if member else [])
st.markdown(f"In this scope: **{(in_scope['status'] == 'gap').sum()} gap** and "
            f"**{(in_scope['status'] == 'fragile').sum()} fragile** cells.")


def make(kind: str) -> bytes | str:
    """Write the report when a button is clicked (deferred: opening the page stays fast)."""
    files = state.gap_report_files(loaded.snapshot, theme, region, member, loaded.config)
    data: bytes | str = getattr(files, kind)
    return data


name = "-".join(["gap-report", *(p for p in (theme, region, member) if p)]).replace(" ", "-").lower()
cols = st.columns(3)
cols[0].download_button("Excel workbook", lambda: make("xlsx"), file_name=f"{name}.xlsx", on_click="ignore",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        icon=":material/table:")
cols[1].download_button("HTML report", lambda: make("html"), file_name=f"{name}.html", mime="text/html",
                        on_click="ignore", icon=":material/description:")
cols[2].download_button("CSV files (zip)", lambda: make("csv_zip"), file_name=f"{name}.zip", on_click="ignore",
                        mime="application/zip", icon=":material/folder_zip:")
st.caption(f"Snapshot `{loaded.snapshot}` of {loaded.finished}. Files are written when you click; text cells are "
           "neutralised against spreadsheet formula injection.")
