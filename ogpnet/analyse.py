"""The analysis commands: summary, gaps, brokers, partners, coalition. Each reads the current load once."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pandas as pd

from graph.analysis import (
    GROUPINGS,
    STATUSES,
    AnalysisConfig,
    Facts,
    brokerage_by,
    build_coalition,
    compare_snapshots,
    coverage_cells,
    coverage_headline,
    coverage_rollup,
    find_partners,
    similar_organisations,
    what_if_remove,
)
from graph.settings import Settings, analysis_config
from graph.snapshot import AnalysedGraph, current_graph
from model.errors import ConfigError
from model.schema import SECTORS, THEMES
from ogpnet.cli import fail_cleanly, main
from ogpnet.output import FORMATS, print_table
from presentation.ranking import rank_brokers, rank_cells, scope_frame
from presentation.writers import envelope, records, to_csv, to_json

FORMAT = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                      help="table for people; csv or json for programs (json keys: README).")


@dataclass(frozen=True)
class Context:
    analysed: AnalysedGraph
    config: AnalysisConfig

    @property
    def facts(self) -> Facts:
        """What the analyses take: the load's tables as facts (no multigraph is built)."""
        return self.analysed.facts

    @property
    def meta(self) -> dict[str, Any]:
        s = self.analysed.snapshot
        return {"snapshot": s.snapshot, "loaded": s.finished}


@contextmanager
def analysis_context() -> Iterator[Context]:
    """Read the current load from Neo4j (READ access mode) and the analysis settings."""
    from graph.db import connect

    settings = Settings.from_env()
    config = analysis_config()
    with connect(settings) as db:
        analysed = current_graph(db)
    yield Context(analysed, config)


def emit(fmt: str, command: str, ctx: Context, params: dict[str, Any], frame: pd.DataFrame,
         columns: Sequence[str], title: str = "", caption: str = "", **extra: Any) -> None:
    """Print one result table in the chosen format."""
    if fmt == "json":
        click.echo(to_json(envelope(command, ctx.meta, params, **extra, count=len(frame), rows=records(frame))))
    elif fmt == "csv":
        click.echo(to_csv(frame), nl=False)
    else:
        print_table(frame, columns, title=title, caption=caption)


def _check_members(ctx: Context, members: Sequence[str]) -> list[str]:
    known = set(ctx.facts.members["member_id"])
    unknown = [m for m in members if m not in known]
    if unknown:
        raise ConfigError(f"unknown member id(s): {', '.join(unknown)}",
                          hint="use ISO-3 codes for countries (e.g. KEN) or local ids as listed by `ogpnet gaps`")
    return list(members)


def _check_region(ctx: Context, region: str | None) -> str | None:
    if region is None:
        return None
    regions = sorted(set(ctx.facts.members["region"].dropna()))
    if region not in regions:
        raise ConfigError(f"unknown region {region!r}", hint=f"use one of: {', '.join(regions)}")
    return region


def _check_org(ctx: Context, org: str) -> str:
    known = set(ctx.facts.organisations["organisation_id"])
    if org not in known:
        close = sorted(o for o in known if org.lower() in o)[:5]
        raise ConfigError(f"unknown organisation id {org!r}",
                          hint=f"did you mean: {', '.join(close)}" if close else "ids are slugs, e.g. open-ownership")
    return org


THEME = click.Choice(sorted(THEMES))


# --- summary ------------------------------------------------------------------------------------------


@main.command("summary")
@FORMAT
@fail_cleanly
def summary(fmt: str) -> None:
    """Headline numbers of the current load: members, organisations, gap and fragile cells per theme."""
    with analysis_context() as ctx:
        facts = ctx.facts
        cells = coverage_cells(facts, ctx.config)
        by_theme = coverage_rollup(cells, "theme_id")
    headline = coverage_headline(facts, cells)
    if fmt == "json":
        click.echo(to_json(envelope("summary", ctx.meta, {}, headline=headline, themes=records(by_theme))))
        return
    if fmt == "csv":
        click.echo(to_csv(by_theme), nl=False)
        return
    click.echo(" · ".join(f"{k.replace('_', ' ')}: {v}" for k, v in headline.items()))
    print_table(by_theme, ["theme_id", "demand_cells", "gap", "fragile", "covered", "redundant", "gap_share"],
                title="coverage per theme", caption=f"snapshot {ctx.meta['snapshot']}")


# --- gaps ---------------------------------------------------------------------------------------------


@main.command("gaps")
@click.option("--theme", type=THEME, help="Only this theme.")
@click.option("--region", help="Only members of this OGP region.")
@click.option("--member", "members", multiple=True, help="Only this member (repeatable).")
@click.option("--status", default="gap,fragile", show_default=True,
              help="Comma-separated statuses: gap, fragile, covered, redundant (or 'all').")
@click.option("--remove-organisation", "remove_orgs", multiple=True,
              help="What-if: list the cells that become gaps without this organisation (repeatable).")
@click.option("--remove-consortium", help="What-if: the cells that become gaps without this consortium's members.")
@click.option("--save", type=click.Path(dir_okay=False, path_type=Path),
              help="Also save every cell of this snapshot to a JSON file (for --compare later).")
@click.option("--compare", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Compare with cells saved earlier by --save: gaps closed and opened since.")
@FORMAT
@fail_cleanly
def gaps(theme: str | None, region: str | None, members: tuple[str, ...], status: str,
         remove_orgs: tuple[str, ...], remove_consortium: str | None, save: Path | None, compare: Path | None,
         fmt: str) -> None:
    """Members that need help on a theme: demand with its evidence, supporters, status, reachable help."""
    wanted = list(STATUSES) if status.strip() == "all" else [s.strip() for s in status.split(",") if s.strip()]
    bad = [s for s in wanted if s not in STATUSES]
    if bad:
        raise ConfigError(f"unknown status {', '.join(bad)}", hint=f"use {', '.join(STATUSES)} or all")
    with analysis_context() as ctx:
        _check_members(ctx, members)
        _check_region(ctx, region)
        cells = coverage_cells(ctx.facts, ctx.config)
        params = {"theme": theme, "region": region, "member": list(members), "status": wanted}
        if save:
            save.write_text(to_json(envelope("gaps", ctx.meta, {}, rows=records(cells))), encoding="utf-8")
        if compare:
            before = _saved_cells(compare)
            diff = scope_frame(compare_snapshots(before, cells), theme, region, members, cells=cells)
            emit(fmt, "gaps", ctx, {**params, "compare": str(compare)}, diff, list(diff.columns)[:8],
                 title="change since the saved snapshot")
            return
        if remove_orgs or remove_consortium:
            for org in remove_orgs:
                _check_org(ctx, org)
            changed = what_if_remove(ctx.facts, organisation=list(remove_orgs) or None,
                                     consortium=remove_consortium, config=ctx.config)
            changed = scope_frame(changed, theme, region, members, cells=cells)
            emit(fmt, "gaps", ctx, {**params, "remove_organisation": list(remove_orgs),
                                    "remove_consortium": remove_consortium},
                 changed, list(changed.columns)[:8], title="cells that become gaps")
            return
    selected = rank_cells(cells, theme, region, members, statuses=wanted).drop(columns="theme")
    emit(fmt, "gaps", ctx, params, selected,
         ["member_id", "member_name", "theme_id", "status", "demand", "cov", "supporters", "reachable_cov",
          "reachable_orgs"],
         title=f"{len(selected)} cells", caption=f"snapshot {ctx.meta['snapshot']}")


def _saved_cells(path: Path) -> pd.DataFrame:
    """Cells saved by ``ogpnet gaps --save``; a clear error for anything else."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        rows = saved["rows"] if isinstance(saved, dict) and saved.get("command") == "gaps" else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ConfigError(f"{path}: not a saved gaps file ({e})",
                          hint="create one with `ogpnet gaps --save FILE`") from e
    needed = {"member_id", "theme_id", "status"}
    if not isinstance(rows, list) or any(not isinstance(r, dict) or not needed <= r.keys() for r in rows):
        raise ConfigError(f"{path}: not a saved gaps file (no rows with member_id, theme_id, status)",
                          hint="create one with `ogpnet gaps --save FILE`")
    return pd.DataFrame(rows)


# --- brokers ------------------------------------------------------------------------------------------


@main.command("brokers")
@click.option("--group-by", "group_by", type=click.Choice(GROUPINGS), default="sector", show_default=True,
              help="Groups for the Gould-Fernandez roles.")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True)
@FORMAT
@fail_cleanly
def brokers(group_by: str, top: int, fmt: str) -> None:
    """Organisations that bridge separate communities: betweenness, constraint, effective size, roles."""
    with analysis_context() as ctx:
        report = brokerage_by(ctx.facts, group_by, ctx.config)
    table = rank_brokers(report, top)
    emit(fmt, "brokers", ctx, {"group_by": group_by, "top": top}, table,
         ["organisation_id", "sector", "group", "betweenness", "constraint", "effective_size", "dominant_role",
          "z_liaison", "articulation_point"],
         title=f"top {top} brokers (groups: {group_by})",
         caption=f"betweenness {report.betweenness_method}"
                 + (f", k={report.betweenness_k}, seed={report.seed}" if report.betweenness_k else ""),
         betweenness={"method": report.betweenness_method, "k": report.betweenness_k, "seed": report.seed},
         articulation_points=sorted(map(str, report.articulation_points)))


# --- partners -----------------------------------------------------------------------------------------


@main.command("partners")
@click.option("--theme", type=THEME, help="Theme the partners should work on.")
@click.option("--member", "members", multiple=True, help="Member(s) to support (repeatable; default: all with demand).")
@click.option("--sector", type=click.Choice(SECTORS), help="Only partners of this sector.")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True)
@click.option("--like", "like", help="Instead: organisations similar to this one (id).")
@FORMAT
@fail_cleanly
def partners(theme: str | None, members: tuple[str, ...], sector: str | None, top: int, like: str | None,
             fmt: str) -> None:
    """Rank potential partners for a theme (score parts and evidence shown), or list similar organisations."""
    if not like and not theme:
        raise ConfigError("give --theme T (partners for a theme) or --like ORG (similar organisations)")
    with analysis_context() as ctx:
        if like:
            _check_org(ctx, like)
            table = similar_organisations(ctx.facts, like, top=top, theme=theme, config=ctx.config)
            emit(fmt, "partners", ctx, {"like": like, "theme": theme, "top": top}, table,
                 ["organisation_id", "name", "sector", "jaccard", "resource_allocation", "n_shared", "shared"],
                 title=f"organisations similar to {like}")
            return
        _check_members(ctx, members)
        assert theme is not None  # checked above: --theme or --like
        table = find_partners(ctx.facts, theme, members=list(members) or None, sector=sector, top=top,
                              config=ctx.config)
    emit(fmt, "partners", ctx, {"theme": theme, "member": list(members), "sector": sector, "top": top}, table,
         [c for c in table.columns if c not in ("countries",)],
         title=f"partners for {theme}" + (f" in {', '.join(members)}" if members else ""),
         weights={k: getattr(ctx.config, k) for k in ("weight_expertise", "weight_presence", "weight_track_record",
                                                        "weight_complementarity", "weight_proximity")})


# --- coalition ----------------------------------------------------------------------------------------


@main.command("coalition")
@click.option("--theme", type=THEME, required=True)
@click.option("--member", "members", multiple=True, help="Members whose demand the coalition should close.")
@click.option("--region", help="Or: all members of this OGP region.")
@click.option("--size", type=click.IntRange(1, 50), required=True, help="Number of organisations (K).")
@click.option("--min-sectors", type=click.IntRange(1, len(SECTORS)), default=1, show_default=True,
              help="At least this many distinct sectors in the coalition.")
@FORMAT
@fail_cleanly
def coalition(theme: str, members: tuple[str, ...], region: str | None, size: int, min_sectors: int,
              fmt: str) -> None:
    """Pick K organisations that together close the most demand cells (greedy and exact)."""
    if members and region:
        raise ConfigError("give --member or --region, not both")
    with analysis_context() as ctx:
        _check_members(ctx, members)
        _check_region(ctx, region)
        result = build_coalition(ctx.facts, theme, members=list(members) or None, region=region, size=size,
                                 min_sectors=min_sectors, config=ctx.config)
    params = {"theme": theme, "member": list(members), "region": region, "size": size, "min_sectors": min_sectors}
    if fmt == "json":
        click.echo(to_json(envelope("coalition", ctx.meta, params, coalition=result.to_dict())))
        return
    if fmt == "csv":
        click.echo(to_csv(result.picks), nl=False)
        return
    print_table(result.picks, ["order", "organisation_id", "sector", "adds", "supports_now", "role", "works_with"],
                title=f"coalition for {theme}: {len(result.cells_covered)} of {result.cells_total} cells covered",
                caption=f"method {result.method}; greedy {result.greedy_covered}, optimum {result.optimum_covered}"
                        f" (gap {result.optimality_gap:.1%}); sectors {', '.join(result.sectors)}")
    if result.cells_left:
        click.echo(f"cells left: {', '.join(result.cells_left)}")
    for note in result.notes:
        click.echo(f"note: {note}")
