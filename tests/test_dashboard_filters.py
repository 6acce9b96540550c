"""Filters, links and colours of the dashboard (issue 18, item 5), with nothing running: the frames behind the
Coverage map's filters, the URL-bound selections (:mod:`dashboard.selection`, run headless in a tiny page) and the
fixed status and role colours of the charts.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, frames, selection
from graph.analysis import AnalysisConfig, coverage_cells
from model.facts import Facts, facts_from_tables
from model.tables import read_tables
from presentation.colours import ROLE_COLOURS, STATUS_COLOURS
from presentation.labels import NO_DEMAND, ROLE_NAMES, status_name
from tests import svg_parts
from tests.conftest import FIXTURE_DATASET

CFG = AnalysisConfig()
AFRICA = "Africa and Middle East"


@pytest.fixture(scope="module")
def facts() -> Facts:
    return facts_from_tables(read_tables(FIXTURE_DATASET))


@pytest.fixture(scope="module")
def cells(facts: Facts) -> pd.DataFrame:
    return coverage_cells(facts, CFG)


# -- the Coverage map: every filter acts on the map and the heatmap ----------------------------------------------


def test_map_frame_keeps_the_region(cells: pd.DataFrame) -> None:
    national = cells[cells["level"] == "national"]
    in_africa = sorted(national.loc[national["region"] == AFRICA, "member_id"].unique())
    assert in_africa and len(in_africa) < national["member_id"].nunique()
    for theme in (None, "open_contracting"):
        frame = frames.map_frame(cells, theme, AFRICA)
        assert sorted(frame["iso3"]) == in_africa, theme
        assert set(frame["region"]) == {AFRICA}
    everywhere = frames.map_frame(cells, None).set_index("iso3")
    africa = frames.map_frame(cells, None, AFRICA).set_index("iso3")
    assert (africa["gap"] == everywhere.loc[africa.index, "gap"]).all()  # the same numbers, fewer countries


def test_heatmap_frame_keeps_the_theme_and_region(cells: pd.DataFrame) -> None:
    matrix = frames.heatmap_frame(cells, AFRICA, "open_contracting")
    assert list(matrix.columns) == ["Open contracting"]
    one = cells[(cells["region"] == AFRICA) & (cells["theme_id"] == "open_contracting")]
    assert len(matrix) == len(one)
    kenya = one.set_index("member_id").loc["KEN", "status"]
    assert matrix.loc["Kenya (KEN)", "Open contracting"] == (kenya if isinstance(kenya, str) else NO_DEMAND)
    assert frames.heatmap_frame(cells, None, "open_contracting").shape == (cells["member_id"].nunique(), 1)


# -- selections in the URL ---------------------------------------------------------------------------------------


def _page(widget: str) -> None:
    """A page as the dashboard's are built: the app reads the URL, the sidebar checks the shared selections against
    the data and lists them, then the page's own widget (``widget``) binds one."""
    import streamlit as st

    from dashboard import selection

    themes, members = ["open_data", "justice"], ["KEN", "GHA"]
    names = {"KEN": "Kenya (KEN)", "GHA": "Ghana (GHA)"}
    selection.read_url()
    selection.notices(st.container())
    selection.check("theme", themes)
    selection.check("members", members)
    selection.keep_in_url(("theme", "members"))
    with st.sidebar:
        selection.summary(st.empty(), lambda: f"theme={selection.get('theme')}; members={selection.get('members')}")
    if widget == "narrow":
        value: Any = selection.narrow("Theme", themes, "theme", "p", all_label="All themes")
    elif widget == "choose":
        value = selection.choose("Theme", themes, "theme", "p", default="justice")
    elif widget == "members":
        value = selection.multiselect("Members", members, "members", "p", format_func=names.get)
    elif widget == "status":
        value = selection.multiselect("Status", ["gap", "fragile", "covered"], "status", "p",
                                      default=["gap", "fragile"])
    elif widget == "size":
        value = selection.slider("Coalition size", 1, 10, "size", "p", default=3)
    else:
        value = None
    st.text(repr(value))


def open_page(widget: str, **query: str | list[str]) -> AppTest:
    at = AppTest.from_function(_page, args=(widget,), default_timeout=30)
    at.query_params.update(query)
    return at.run()


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def shown(at: AppTest) -> str:
    return at.text[-1].value


def test_unknown_theme_in_a_link_is_named_with_what_is_shown_instead() -> None:
    at = open_page("narrow", theme="nonsense")
    assert warnings(at) == ["Unknown theme 'nonsense' in the link: showing all themes."]
    assert shown(at) == "None" and at.selectbox(key=selection.widget_key("p", "theme")).value == selection.ALL
    assert "theme" not in at.query_params
    assert "nonsense" not in at.sidebar.caption[0].value  # the sidebar does not repeat it as if it applied
    at = open_page("choose", theme="nonsense")
    assert warnings(at) == ["Unknown theme 'nonsense' in the link: showing justice."]
    # a page without a theme widget still says so
    assert warnings(open_page("none", theme="nonsense")) == ["Unknown theme 'nonsense' in the link: ignored."]


def test_unknown_list_values_keep_the_known_ones_or_the_default() -> None:
    at = open_page("members", members=["KEN", "XXX"])
    assert warnings(at) == ["Unknown member 'XXX' in the link: showing Kenya (KEN)."]
    assert shown(at) == "['KEN']" and at.query_params["members"] in ("KEN", ["KEN"])
    assert at.sidebar.caption[0].value == "theme=None; members=['KEN']"
    at = open_page("status", status="bogus")  # nothing known: the page's default, not an empty table
    assert warnings(at) == ["Unknown status 'bogus' in the link: showing gap, fragile."]
    assert shown(at) == "['gap', 'fragile']" and "status" not in at.query_params
    at = open_page("size", size="99")
    assert warnings(at) == ["Unknown coalition size '99' in the link: showing 10 (the choices are 1 to 10)."]
    assert shown(at) == "10" and at.query_params["size"] == "10"


def test_a_default_is_not_written_into_the_url_a_choice_is() -> None:
    at = open_page("choose")
    assert shown(at) == "'justice'" and "theme" not in at.query_params and not warnings(at)
    at.selectbox(key=selection.widget_key("p", "theme")).select("open_data").run()
    assert at.query_params["theme"] == "open_data"
    at.selectbox(key=selection.widget_key("p", "theme")).select("justice").run()  # chosen, even if the default
    assert at.query_params["theme"] == "justice"
    at = open_page("status")
    assert shown(at) == "['gap', 'fragile']" and "status" not in at.query_params


def test_shared_selections_stay_in_the_url_when_another_page_opens() -> None:
    at = open_page("none", members=["KEN"], theme="justice")
    at.query_params.clear()  # what following a link to another page does to the address bar
    at.run()
    assert at.query_params["members"] in ("KEN", ["KEN"]) and at.query_params["theme"] == "justice"
    assert at.sidebar.caption[0].value == "theme=justice; members=['KEN']"


def test_unknown_message_escapes_markdown() -> None:
    assert selection.unknown_message("region", ["*Atlantis*"], "ignored") == \
        "Unknown region '\\*Atlantis\\*' in the link: ignored."
    assert selection.split_known(["KEN"], ["KEN", "", None, "XXX"]) == (["KEN"], ["XXX"])


# -- fixed colours per status and role ------------------------------------------------------------------------------


def test_role_colours_do_not_depend_on_which_roles_are_shown() -> None:
    """Brokers grouped by sector and by region have different roles first: each keeps its own colour."""
    rows = [("a", "coordinator", 0.5), ("b", "liaison", 0.4), ("c", "itinerant", 0.3), ("d", "gatekeeper", 0.2),
            ("e", "representative", 0.1), ("f", "none", 0.0)]
    table = pd.DataFrame(rows, columns=["name", "dominant_role", "betweenness"])
    for part in (table, table.iloc[::-1], table[table["dominant_role"] == "liaison"],
                 table[table["dominant_role"].isin(["liaison", "itinerant"])]):
        drawn = charts.broker_bars(part.reset_index(drop=True))
        assert svg_parts.legend(drawn) == {ROLE_NAMES[r]: ROLE_COLOURS[r] for r in part["dominant_role"]}
        for text, bar in svg_parts.titled(drawn):  # "<name> · <role>: <betweenness>"
            name, role = text.rsplit(": ", 1)[0].split(" · ")
            assert ROLE_NAMES[part.set_index("name").at[name, "dominant_role"]] == role
            assert bar.get("fill") == ROLE_COLOURS[part.set_index("name").at[name, "dominant_role"]]


def test_status_colours_do_not_depend_on_which_statuses_are_shown(cells: pd.DataFrame) -> None:
    frame = frames.map_frame(cells, "open_contracting")
    for part in (frame, frame[frame["category"].isin(["covered", NO_DEMAND])]):
        drawn = svg_parts.picks(charts.world_map(part, "open_contracting"))
        status = part.set_index("member_id")["category"]
        assert {m: e.get("fill") for m, e in drawn.items()} == {m: STATUS_COLOURS[status[m]] for m in drawn}
    rollup = frames.theme_rollup(cells)
    bars = charts.rollup_bars(rollup)
    assert svg_parts.legend(bars) == {status_name(s): STATUS_COLOURS[s] for s in ("gap", "fragile", "covered",
                                                                                  "redundant")}
    trend = pd.DataFrame({"year": [2020, 2021], "theme_id": ["open_data"] * 2, "gap": [0, 2], "fragile": [0, 0],
                          "covered": [0, 0], "redundant": [0, 0], "mature": [1, 0]})
    lines = {text: line.get("stroke") for text, line in svg_parts.titled(charts.trend_lines(trend, "open_data"))}
    assert lines == {status_name("mature"): STATUS_COLOURS["mature"], status_name("gap"): STATUS_COLOURS["gap"]}
    heat = charts.status_heatmap(frames.heatmap_frame(cells, AFRICA, "open_contracting"))
    assert svg_parts.legend(heat) == {s: STATUS_COLOURS[s] for s in charts.STATUS_ORDER}
    for text, rect in svg_parts.titled(heat):
        assert rect.get("fill") == STATUS_COLOURS[text.rsplit(": ", 1)[1]]
