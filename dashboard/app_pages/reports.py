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

KINDS = {"gaps": "Gap report", "member": "Member brief", "theme": "Theme brief"}
kind = selection.radio("Report", list(KINDS), "report", PAGE, format_func=KINDS.get, default="gaps", horizontal=True)
st.markdown({
    "gaps": "The gap report opens with an executive summary (headline numbers with the data caveats, the top gaps per "
            "theme with their best coalition, charts), then the gap and fragile cells with their evidence, "
            "supporters, reachable organisations and partner suggestions, plus brokers, the trend, the method and "
            "where the data comes from. Narrow it to a theme, a region or a member, or leave everything open.",
    "member": "A brief on one member before a country visit: every theme's demand, support and gaps, the partners "
              "suggested for each gap with their evidence, and what the data cannot see.",
    "theme": "A brief on one theme across members (or a region's members): where it is demanded, who supports it, "
             "the gaps with suggested partners, the best coalition, brokers and the trend.",
}[kind])
cols = st.columns(3)
theme: str | None = None
region: str | None = None
member: str | None = None
if kind != "member":  # a member brief covers every theme of its member
    theme = selection.narrow("Theme", facts.themes, "theme", PAGE, all_label="All themes", container=cols[0],
                             format_func=labels.theme_name)
    region = selection.narrow("Region", frames.regions(facts), "region", PAGE, all_label="All regions",
                              container=cols[1])
if kind != "theme":  # a theme brief covers every member (of the region)
    member = selection.first_of("Member", list(choices), "members", PAGE, all_label="All members",
                                container=cols[2], format_func=choices.get)
if kind == "member" and member is None:
    st.info("Choose the member of the brief.")
    st.stop()
if kind == "theme" and theme is None:
    st.info("Choose the theme of the brief.")
    st.stop()
in_scope = ranking.rank_cells(cells, theme, region, [member] if member else [])
st.markdown(f"In this scope: **{(in_scope['status'] == 'gap').sum()} gap** and "
            f"**{(in_scope['status'] == 'fragile').sum()} fragile** cells.")
paper = selection.radio("Paper (PDF)", ["a4", "letter"], "paper", PAGE, format_func=str.upper, default="a4",
                        horizontal=True)


def make(fmt: str) -> bytes:
    """Write the report when a button is clicked (deferred: opening the page stays fast)."""
    return state.report_file(loaded.snapshot, kind, theme, region, member, loaded.config, fmt, paper)


prefix = {"gaps": "gap-report", "member": "member-brief", "theme": "theme-brief"}[kind]
name = "-".join([prefix, *(p for p in (theme, region, member) if p)]).replace(" ", "-").lower()
buttons = st.columns(4)
buttons[0].download_button("Excel workbook", lambda: make("xlsx"), file_name=f"{name}.xlsx", on_click="ignore",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        icon=":material/table:")
buttons[1].download_button("HTML report", lambda: make("html"), file_name=f"{name}.html", mime="text/html",
                        on_click="ignore", icon=":material/description:")
buttons[2].download_button("PDF", lambda: make("pdf"), file_name=f"{name}.pdf", mime="application/pdf",
                        on_click="ignore", icon=":material/picture_as_pdf:")
buttons[3].download_button("CSV files (zip)", lambda: make("csv"), file_name=f"{name}.zip", on_click="ignore",
                        mime="application/zip", icon=":material/folder_zip:")
st.caption(f"Snapshot `{loaded.snapshot}` of {loaded.finished}. Files are written when you click; text cells are "
           "neutralised against spreadsheet formula injection. The PDF is the printed version (A4 or Letter, "
           "page numbers, the snapshot and generated-at line on every page).")
