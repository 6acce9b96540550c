"""Partner finder: who could work with members on a theme, and which organisations are alike."""

import streamlit as st

from dashboard import charts, components, frames, selection, state
from model.schema import SECTORS
from presentation import labels

PAGE = "partners"
ROLE_NAMES = {"any": "Any", "implementer": "Implementers", "funder": "Funders"}
st.title("Partner finder")
loaded = state.guard()
components.sidebar(loaded)
facts, cells = state.facts(loaded), state.cells(loaded.snapshot, loaded.config)
choices = frames.member_choices(cells)

cols = st.columns([1, 2, 1, 1, 1])
theme = selection.choose("Theme", list(facts.themes), "theme", PAGE, format_func=labels.theme_name,
                         container=cols[0])
members = selection.multiselect("Members to support", list(choices), "members", PAGE, format_func=choices.get,
                                container=cols[1], placeholder="All members with demand on the theme")
sector = selection.narrow("Partner sector", SECTORS, "partner_sector", PAGE, container=cols[2],
                          all_label="Any sector", format_func=labels.sector_name)
top = selection.slider("How many", 3, 30, "top_partners", PAGE, default=10, container=cols[3])
role = selection.radio("Role", list(ROLE_NAMES), "role", PAGE, format_func=ROLE_NAMES.get, container=cols[4],
                       default="any")

partners = state.partners(loaded.snapshot, theme, tuple(members), sector, top, loaded.config, role)
where = ", ".join(choices[m].rsplit(" (", 1)[0] for m in members) or "every member with demand on it"
st.markdown(f"**{len(partners)} partners** for {labels.theme_name(theme)} in {where}.")
if not partners.empty:
    components.svg_chart(charts.score_bars(frames.score_parts(partners, loaded.config)))
components.table(partners, "partners", columns=["rank", "name", "sector", "score", "expertise", "presence",
                                                "track_record", "complementarity", "proximity", "evidence"])
if not partners.empty:
    with st.expander("Evidence behind each partner", icon=":material/fact_check:"):
        for row in partners.head(10).to_dict("records"):
            st.markdown(f"**{row['rank']}. {row['name']}** — score {row['score']:.3g}")
            components.evidence_list(row["evidence"])
components.explain("How the partner score works", loaded.config, "partner_score")

st.header("Similar organisations")
orgs = frames.organisation_names(facts)
organisation = selection.choose("Organisation", list(orgs), "organisation", PAGE, format_func=orgs.get,
                                default="open-ownership")
similar = state.similar(loaded.snapshot, organisation, 10, theme, loaded.config)
st.caption(f"Organisations that support the same members on {labels.theme_name(theme)} as {orgs[organisation]}.")
if similar.empty:
    st.info(f"{orgs[organisation]} supports no member on {labels.theme_name(theme)} with evidence of strength "
            f"{loaded.config.coverage_min_strength:g} or more (a mention, monitoring or research does not count as "
            "support), so nothing can be compared with it on this theme.")
components.table(similar, f"similar-to-{organisation}",
                 columns=["name", "sector", "jaccard", "resource_allocation", "n_shared", "shared"])
components.explain("How similarity is measured", loaded.config, "similar")

st.header(f"What {orgs[organisation]} reports itself")
own = frames.self_reported_table(facts, organisation)
if own.empty:
    st.info(f"{orgs[organisation]} has not returned an intake workbook: everything above comes from public sources. "
            "Send it the template below; `ogpnet intake import` reads it back (the dashboard never writes to the "
            "database).")
else:
    st.caption(f"{len(own)} statement(s) of {orgs[organisation]} about itself, from {own['source'].nunique()} "
               "intake return(s). They sit beside public evidence, never over it, and are marked self-reported "
               "wherever they appear; " + ("they count as coverage" if loaded.config.self_reported_coverage else
                                          "they do not count as coverage (OGPNET_SELF_REPORTED_COVERAGE=false)")
               + ".")
    components.table(own, f"self-reported-{organisation}",
                     columns=["reported", "kind", "member_name", "theme_name", "relation", "detail", "as_of",
                              "until", "url", "source"])
st.download_button(f"Intake template for {orgs[organisation]} (.xlsx)",  # the workbook is written on click
                   lambda: state.intake_template(loaded.snapshot, organisation, loaded.config),
                   file_name=f"intake-{organisation}.xlsx", on_click="ignore", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
