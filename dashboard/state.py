"""What every page shares: the driver (``st.cache_resource``) and results keyed by load snapshot (``st.cache_data``).

No connection is made at import time; pages call :func:`guard` first, which checks the server, finds the latest
load and projects its graph once per snapshot. Every result below is cached by the snapshot id plus the
widget values passed as arguments, so a new load shows up by itself and old results are never mixed in.
The dashboard only reads: :meth:`graph.db.Database.read` runs in READ access mode.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

import networkx as nx
import pandas as pd
import streamlit as st

from dashboard import frames, selection
from dashboard import network_view as network_view_module
from graph.analysis import (
    AnalysisConfig,
    BrokerageReport,
    Coalition,
    Facts,
    broker_evidence,
    brokerage_by,
    build_coalition,
    coverage_cells,
    coverage_trend,
    data_limits,
    find_partners,
    funders,
    screen_partners,
    similar_organisations,
    what_if_remove,
)
from graph.analysis.communities import communities, community_table
from graph.db import Database, connect
from graph.settings import Settings, analysis_config
from graph.snapshot import AnalysedGraph, current_graph, latest_run
from model.errors import DatabaseUnavailable, OgpnetError
from presentation.labels import theme_name
from reports import network_files


@dataclass(frozen=True)
class Loaded:
    """The load a page shows: its snapshot id (the cache key of every result) and the analysis settings."""

    snapshot: str
    load_id: str
    finished: str
    run: dict[str, Any]
    config: AnalysisConfig


class SnapshotChanged(OgpnetError):
    """A new load finished while this page was reading the previous one."""

    default_hint = "reload the page"


@st.cache_resource(show_spinner=False)
def _database(settings: Settings) -> Database:
    return connect(settings)


def database() -> Database:
    """The one driver of this dashboard process for the configured server (read queries only).

    Cached per settings; a failure is not cached, and the cached driver reconnects by itself when the server
    comes back.
    """
    return _database(Settings.from_env())


@st.cache_resource(show_spinner=False, max_entries=2)
def _analysed(snapshot: str, uri: str) -> AnalysedGraph:
    analysed = current_graph(_database(Settings.from_env()))
    if analysed.key != snapshot:
        raise SnapshotChanged(f"the data changed while loading (snapshot {analysed.key}, expected {snapshot})")
    return analysed


def guard() -> Loaded:
    """Check the server before a page renders: on failure show one clear message and stop the page."""
    try:
        db = database()
        db.verify()
        run = latest_run(db)  # checked on every rerun so new loads show up by themselves
        if run is None or not run.get("snapshot"):
            st.warning("**The database is empty.** What to do: load the bundled data with `ogpnet load` "
                       "(or `make run`), then reload this page.")
            st.stop()
        analysed = _analysed(run["snapshot"], db.uri)
        config = _with_as_of(analysis_config(), frames.as_of_choices(analysed.facts))
    except DatabaseUnavailable as e:
        st.error(f"**The graph database is not available.** {e.message}.")
        st.info(f"What to do: {e.hint}. This page retries by itself when you reload it or change a setting.")
        st.stop()
    except OgpnetError as e:
        st.error(f"**The data cannot be read.** {e.message}.")
        st.info(f"What to do: {e.hint}.")
        st.stop()
    return Loaded(snapshot=run["snapshot"], load_id=str(run.get("id") or ""), finished=str(run.get("finished") or ""),
                  run=run, config=config)


def _with_as_of(config: AnalysisConfig, choices: list[str]) -> AnalysisConfig:
    """The settings with the sidebar's "evidence as of" year (selection ``as_of``, also in the URL); a year the
    data cannot show is dropped with a warning instead of failing the page."""
    year = selection.get("as_of")
    if year is None or year == "":
        return config
    if str(year) not in choices:
        st.warning(f"Evidence as of {year!r} cannot be shown: choose a year from {choices[-1]} to {choices[0]}. "
                   "Showing the latest data.")
        selection.put("as_of", None)
        return config
    return replace(config, as_of=str(year))


def analysed(loaded: Loaded) -> AnalysedGraph:
    """The projected graph of the load (shared, read-only)."""
    return _analysed(loaded.snapshot, database().uri)


def facts(loaded: Loaded) -> Facts:
    """The typed graph as tidy tables (shared, read-only; computed once per load by `AnalysedGraph`)."""
    return analysed(loaded).facts


def tables(loaded: Loaded) -> dict[str, pd.DataFrame]:
    """The canonical tables of the load (shared, read-only)."""
    return analysed(loaded).snapshot.tables


def _f(snapshot: str) -> Facts:
    return _analysed(snapshot, database().uri).facts


def warm() -> str:
    """Compute, before the server takes its first visitor, what every page of the latest load shares: the
    projected graph, coverage, the coverage trend, the data limits and brokerage by the default grouping. Called by
    ``python -m dashboard.serve`` (``ogpnet dashboard``) in the server process, so the first visit finds them
    cached instead of waiting for them. Returns what it did, in words; never raises (a page shows any error).
    """
    try:
        db = database()
        db.verify()
        run = latest_run(db)
        if run is None or not run.get("snapshot"):
            return "nothing to warm: the database is empty"
        snapshot = str(run["snapshot"])
        _analysed(snapshot, db.uri)
        config = analysis_config()
        cells(snapshot, config)
        trend(snapshot, config)
        limits(snapshot, config)
        brokerage(snapshot, config.brokerage_group, config)
        return f"warmed snapshot {snapshot}: graph, coverage, trend, limits, brokerage by {config.brokerage_group}"
    except Exception as e:  # noqa: BLE001 - best effort: the pages report errors to the user
        return f"not warmed ({type(e).__name__}: {e}); pages compute on first visit"


# -- cached results: snapshot id + widget values as arguments -----------------------------------------------


@st.cache_data(show_spinner="Computing coverage…", max_entries=8)
def cells(snapshot: str, config: AnalysisConfig) -> pd.DataFrame:
    return coverage_cells(_f(snapshot), config)


@st.cache_data(show_spinner=False, max_entries=8)
def limits(snapshot: str, config: AnalysisConfig) -> pd.DataFrame:
    """What the data can see per theme (``data_limits``)."""
    return data_limits(_f(snapshot), cells(snapshot, config), config)


@st.cache_data(show_spinner=False, max_entries=8)
def articulation(snapshot: str, group_by: str, config: AnalysisConfig) -> pd.DataFrame:
    """The organisations whose removal cuts the collaboration network (``frames.articulation_table``)."""
    return frames.articulation_table(_f(snapshot), brokerage(snapshot, group_by, config), config)


@st.cache_data(show_spinner="Preparing the intake workbook…", max_entries=16)
def intake_template(snapshot: str, organisation: str, config: AnalysisConfig) -> bytes:
    """The partner intake workbook of ``organisation``, prefilled from this load (reports.intake_template)."""
    from reports.intake_template import template_bytes

    return template_bytes(_f(snapshot), [r.id for r in config.catalogue.relations], organisation,
                          snapshot=snapshot)


@st.cache_data(show_spinner="Screening candidates…", max_entries=16)
def screening(snapshot: str, theme: str, members: tuple[str, ...] | None, config: AnalysisConfig) -> pd.DataFrame:
    return screen_partners(_f(snapshot), theme, members=members, config=config)


@st.cache_data(show_spinner=False, max_entries=16)
def funder_table(snapshot: str, theme: str, members: tuple[str, ...] | None, config: AnalysisConfig) -> pd.DataFrame:
    return funders(_f(snapshot), theme, members=members, config=config)


@st.cache_data(show_spinner="Recomputing coverage for every year…", max_entries=4)
def trend(snapshot: str, config: AnalysisConfig) -> pd.DataFrame:
    return coverage_trend(_f(snapshot), config)


@st.cache_data(show_spinner="Removing…", max_entries=64)
def what_if(snapshot: str, organisations: tuple[str, ...], consortium: str | None,
            config: AnalysisConfig) -> pd.DataFrame:
    before = cells(snapshot, config)
    changed = what_if_remove(_f(snapshot), organisation=list(organisations) or None, consortium=consortium,
                             config=config, cells=before)
    return frames.named_what_if(changed, before)


@st.cache_data(show_spinner="Measuring brokerage…", max_entries=8)
def brokerage(snapshot: str, group_by: str, config: AnalysisConfig) -> BrokerageReport:
    return brokerage_by(_f(snapshot), group_by, config)


@st.cache_data(show_spinner=False, max_entries=16)
def broker_reasons(snapshot: str, group_by: str, organisations: tuple[str, ...],
                   config: AnalysisConfig) -> dict[str, list[dict[str, Any]]]:
    return broker_evidence(_f(snapshot), brokerage(snapshot, group_by, config), organisations, config)


@st.cache_data(show_spinner="Ranking partners…", max_entries=64)
def partners(snapshot: str, theme: str, members: tuple[str, ...], sector: str | None, top: int,
             config: AnalysisConfig, role: str = "any") -> pd.DataFrame:
    return find_partners(_f(snapshot), theme, members=list(members) or None, sector=sector, top=top, config=config,
                         role=role)


@st.cache_data(show_spinner=False, max_entries=64)
def similar(snapshot: str, organisation: str, top: int, theme: str | None, config: AnalysisConfig) -> pd.DataFrame:
    return similar_organisations(_f(snapshot), organisation, top=top, theme=theme, config=config)


@st.cache_data(show_spinner="Building the coalition…", max_entries=64)
def coalition(snapshot: str, theme: str, members: tuple[str, ...], region: str | None, size: int, min_sectors: int,
              config: AnalysisConfig, role: str = "any") -> Coalition:
    return build_coalition(_f(snapshot), theme, members=list(members) or None, region=region, size=size,
                           min_sectors=min_sectors, config=config, role=role)


@dataclass(frozen=True)
class Explorer:
    """The network explorer's filtered graph, its node measures and the view's communities (cached per snapshot
    + filters). Communities are those of the whole view (no filters), so a community keeps its number and its
    members whatever the filters show of it."""

    graph: nx.Graph
    measures: pd.DataFrame
    isolates: int
    community_of: dict[str, int]
    communities: pd.DataFrame
    region_of: dict[str, str]


@st.cache_data(show_spinner="Finding communities…", max_entries=8)
def network_communities(snapshot: str, view: str, config: AnalysisConfig) -> tuple[dict[str, int], pd.DataFrame]:
    """The communities of the whole view (seeded Louvain) and their table (members, themes, brokers between)."""
    whole = frames.explorer_graph(_f(snapshot), view, config, cells=cells(snapshot, config))
    community_of = communities(whole, seed=config.seed)
    table = community_table(whole, community_of, themes_of=frames.node_themes(_f(snapshot), whole),
                            name=theme_name)
    return community_of, table


@st.cache_data(show_spinner="Measuring the network…", max_entries=32)
def explorer(snapshot: str, view: str, theme: str | None, region: str | None, sector: str | None,
             config: AnalysisConfig) -> Explorer:
    facts = _f(snapshot)
    full = frames.explorer_graph(facts, view, config, theme=theme, region=region, sector=sector,
                                 cells=cells(snapshot, config))
    measures = frames.node_measures(full, config)
    H, isolates = frames.without_isolates(full, keep=[f"theme:{theme}"] if theme else [])
    community_of, table = network_communities(snapshot, view, config)
    return Explorer(H, measures, isolates, community_of, table, frames.node_regions(facts, H))


@st.cache_data(show_spinner="Laying out the network…", max_entries=32)
def network_view(snapshot: str, view: str, theme: str | None, region: str | None, sector: str | None,
                 community: int | None, expanded: tuple[str, ...], selected: str | None,
                 config: AnalysisConfig) -> tuple[network_view_module.View, dict[str, tuple[float, float]]]:
    """The drawn part of the explorer (community, expanded nodes, element budget) and its seeded layout."""
    ex = explorer(snapshot, view, theme, region, sector, config)
    drawn = network_view_module.view_graph(ex.graph, ex.community_of, community=community, expanded=expanded,
                                           selected=selected)
    return drawn, network_view_module.layout(drawn.graph, config.seed)


@st.cache_data(show_spinner="Writing the file…", max_entries=16)
def network_file(snapshot: str, view: str, theme: str | None, region: str | None, sector: str | None,
                 community: int | None, expanded: tuple[str, ...], config: AnalysisConfig, whole: bool,
                 fmt: str, colour_by: str, size_by: str) -> bytes:
    """The drawn view (or the whole network of the view, no filters) as GEXF, GraphML or PNG."""
    if whole:
        ex = explorer(snapshot, view, None, None, None, config)
        G = ex.graph
        positions = network_view_module.layout(G, config.seed)
    else:
        ex = explorer(snapshot, view, theme, region, sector, config)
        drawn, positions = network_view(snapshot, view, theme, region, sector, community, expanded, None, config)
        G = drawn.graph
    graph = network_files.annotated(G, positions, ex.measures, ex.community_of, ex.region_of, colour_by=colour_by,
                                    size_by=size_by)
    return network_files.render(graph, fmt, title=network_files.title_of(view, theme, region, sector, community,
                                                                          whole))


# -- reports (another module; the page says so when it is missing) -------------------------------------------


def gap_report_module() -> ModuleType | None:
    """``reports.gap_report`` when it is installed, else None (the Reports page then says so)."""
    try:
        return importlib.import_module("reports.gap_report")
    except ImportError:
        return None


@st.cache_data(show_spinner="Collecting the report: gaps, partner suggestions, coalitions, trend…", max_entries=16)
def gap_report(snapshot: str, kind: str, theme: str | None, region: str | None, member: str | None,
               config: AnalysisConfig) -> Any:
    """The gap report (``kind`` gaps) or a member or theme brief of the load (``reports.gap_report``)."""
    module = importlib.import_module("reports.gap_report")
    return module.collect_gap_report(_analysed(snapshot, database().uri), config, theme=theme, region=region,
                                     member=member, kind=kind)


@st.cache_data(show_spinner="Writing the file…", max_entries=32)
def report_file(snapshot: str, kind: str, theme: str | None, region: str | None, member: str | None,
                config: AnalysisConfig, fmt: str, paper: str = "a4") -> bytes:
    """One report in one format (``xlsx``, ``html``, ``csv`` — a zip — or ``pdf``), written when asked for."""
    module = importlib.import_module("reports.gap_report")
    data: bytes = module.render(gap_report(snapshot, kind, theme, region, member, config), fmt, paper)
    return data
