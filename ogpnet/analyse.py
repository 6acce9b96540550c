"""The analysis commands: summary, gaps, brokers, partners, coalition. Each reads the current load once.

Every command takes ``--as-of YYYY[-MM]`` (the analysis as of that date) and ``--format table|csv|json``;
names the user typed go through :mod:`presentation.resolve` (a typo is an error with suggestions, never a
silent empty answer); tables are ranked and labelled by :mod:`presentation`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click
import pandas as pd

from graph.analysis import (
    ALL_STATUSES,
    CRITERIA,
    GROUPINGS,
    AnalysisConfig,
    Facts,
    analysed_members,
    broker_evidence,
    brokerage_by,
    build_coalition,
    compare_snapshots,
    coverage_cells,
    coverage_headline,
    coverage_rollup,
    coverage_trend,
    criteria,
    data_limits,
    find_partners,
    funders,
    screen_partners,
    similar_organisations,
    what_if_remove,
)
from graph.settings import Settings, analysis_config
from graph.snapshot import AnalysedGraph, current_graph
from model.errors import UsageError, printable
from model.schema import SECTORS
from ogpnet.cli import AS_OF, ROLE, fail_cleanly, main
from ogpnet.output import FORMATS, print_table
from presentation.ranking import rank_brokers, rank_cells, scope_frame
from presentation.resolve import (
    resolve_consortium,
    resolve_members,
    resolve_organisation,
    resolve_region,
    resolve_theme,
)
from presentation.values import display_share, evidence_text
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
        return {"snapshot": s.snapshot, "loaded": s.finished, "as_of": self.config.as_of or None,
                "catalogue_version": self.config.catalogue.version}


@contextmanager
def analysis_context(as_of: str | None = None) -> Iterator[Context]:
    """Read the current load from Neo4j (READ access mode) and the analysis settings (``as_of`` set)."""
    from graph.db import connect

    settings = Settings.from_env()
    config = analysis_config()
    if as_of:
        config = replace(config, as_of=as_of)
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


def _scope_caption(ctx: Context) -> str:
    when = f"as of {ctx.config.as_of}" if ctx.config.as_of else "all dates"
    return f"snapshot {ctx.meta['snapshot']} · {when} · catalogue v{ctx.config.catalogue.version}"


def _print_evidence(items: Iterable[tuple[str, list[dict[str, Any]]]], limit: int = 6) -> None:
    """The evidence of each row of a table, below it: one line per item with its source and date."""
    for key, evidence in items:
        click.echo(printable(f"{key}:"))
        for e in evidence[:limit]:
            click.echo(printable(f"  - {evidence_text(e)}"))
        if len(evidence) > limit:
            click.echo(f"  - … {len(evidence) - limit} more (--format json lists all)")


# --- summary ------------------------------------------------------------------------------------------


@main.command("summary")
@click.option("--trend", is_flag=True, help="Also cells per theme and status as of each year since 2011.")
@AS_OF
@FORMAT
@fail_cleanly
def summary(trend: bool, as_of: str | None, fmt: str) -> None:
    """Headline numbers of the current load, cells per theme and status, and what the data cannot see."""
    with analysis_context(as_of) as ctx:
        facts = ctx.facts
        cells = coverage_cells(facts, ctx.config)
        by_theme = coverage_rollup(cells, "theme_id")
        limits = data_limits(facts, cells, ctx.config)
        years = coverage_trend(facts, ctx.config) if trend else None
    headline = coverage_headline(facts, cells, ctx.config)
    if fmt == "json":
        extra: dict[str, Any] = {"headline": headline, "themes": records(by_theme), "limits": records(limits)}
        if years is not None:
            extra["trend"] = records(years)
        click.echo(to_json(envelope("summary", ctx.meta, {"trend": trend, "as_of": as_of}, **extra)))
        return
    if fmt == "csv":
        click.echo(to_csv(years if years is not None else by_theme.merge(limits, on="theme_id")), nl=False)
        return
    click.echo(" · ".join(f"{k.replace('_', ' ')}: {v}" for k, v in headline.items()))
    table = by_theme.merge(limits[["theme_id", "organisations_with_evidence", "covering_organisations"]],
                           on="theme_id")
    table["gap_share"] = table["gap_share"].map(display_share)
    table["reachable_share"] = table["reachable_share"].map(display_share)
    print_table(table, ["theme_id", "demand_cells", "gap", "fragile", "covered", "redundant", "mature",
                        "monitoring_only", "gap_share", "reachable_share", "organisations_with_evidence",
                        "covering_organisations"],
                title="coverage per theme, with what the data sees", caption=_scope_caption(ctx))
    sample = limits[limits["reference_members"].notna()]
    if len(sample):
        click.echo("commitments sample against OGP's own counts: " + "; ".join(
            f"{t}: {s} members in the sample by {y}, {r} in OGP's count" for t, s, y, r in zip(
                sample["theme_id"], sample["sample_members_then"], sample["reference_year"],
                sample["reference_members"], strict=True)))
    if years is not None:
        print_table(years, ["year", "theme_id", "members", *ALL_STATUSES], title="cells per theme and year",
                    caption="each year uses only the evidence observed by then")


# --- gaps ---------------------------------------------------------------------------------------------


@main.command("gaps")
@click.option("--theme", help="Only this theme.")
@click.option("--region", help="Only members of this OGP region.")
@click.option("--member", "members", multiple=True, help="Only this member (repeatable).")
@click.option("--status", default="gap,fragile", show_default=True,
              help="Comma-separated statuses: gap, fragile, covered, redundant, mature (or 'all').")
@click.option("--remove-organisation", "remove_orgs", multiple=True,
              help="What-if: list the cells that become gaps without this organisation (repeatable).")
@click.option("--remove-consortium", help="What-if: the cells that become gaps without this consortium's members.")
@click.option("--save", type=click.Path(dir_okay=False, path_type=Path),
              help="Also save every cell of this snapshot to a JSON file (for --compare later).")
@click.option("--compare", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Compare with cells saved earlier by --save: gaps closed and opened since.")
@AS_OF
@FORMAT
@fail_cleanly
def gaps(theme: str | None, region: str | None, members: tuple[str, ...], status: str,
         remove_orgs: tuple[str, ...], remove_consortium: str | None, save: Path | None, compare: Path | None,
         as_of: str | None, fmt: str) -> None:
    """Members that need help on a theme: demand with its evidence, supporters, status, reachable help."""
    wanted = list(ALL_STATUSES) if status.strip() == "all" else [s.strip() for s in status.split(",") if s.strip()]
    bad = [s for s in wanted if s not in ALL_STATUSES]
    if bad:
        raise UsageError(f"unknown status {', '.join(bad)}", hint=f"use {', '.join(ALL_STATUSES)} or all")
    with analysis_context(as_of) as ctx:
        theme = resolve_theme(ctx.facts, theme) if theme else None
        region = resolve_region(ctx.facts, region)
        member_ids = resolve_members(ctx.facts, members, ctx.config)
        cells = coverage_cells(ctx.facts, ctx.config)
        params = {"theme": theme, "region": region, "member": member_ids, "status": wanted, "as_of": as_of}
        if save:
            _write_text(save, to_json(envelope("gaps", ctx.meta, {}, rows=records(cells))))
        if compare:
            before = saved_cells(compare)
            diff = scope_frame(compare_snapshots(before, cells), theme, region, member_ids, cells=cells)
            emit(fmt, "gaps", ctx, {**params, "compare": str(compare)}, diff, list(diff.columns)[:8],
                 title="change since the saved snapshot")
            return
        if remove_orgs or remove_consortium:
            orgs = [resolve_organisation(ctx.facts, o) for o in remove_orgs]
            consortium = resolve_consortium(ctx.facts, remove_consortium) if remove_consortium else None
            changed = what_if_remove(ctx.facts, organisation=orgs or None, consortium=consortium, config=ctx.config,
                                     cells=cells)
            changed = scope_frame(changed, theme, region, member_ids, cells=cells)
            emit(fmt, "gaps", ctx, {**params, "remove_organisation": orgs, "remove_consortium": consortium},
                 changed, list(changed.columns)[:8], title="cells that become gaps")
            return
    selected = rank_cells(cells, theme, region, member_ids, statuses=wanted).drop(columns="theme")
    emit(fmt, "gaps", ctx, params, selected,
         ["member_id", "member_name", "theme_id", "status", "demand", "cov", "weak_supporters", "supporters",
          "reachable_cov", "reachable_orgs"],
         title=f"{len(selected)} cells", caption=_scope_caption(ctx))


def _write_text(path: Path, text: str) -> None:
    from ogpnet.exports import write_atomic

    write_atomic(path, text.encode("utf-8"))


def saved_cells(path: Path) -> pd.DataFrame:
    """Cells saved by ``ogpnet gaps --save``; a clear error for anything else."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        rows = saved["rows"] if isinstance(saved, dict) and saved.get("command") == "gaps" else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise UsageError(f"{path}: not a saved gaps file ({type(e).__name__})",
                         hint="create one with `ogpnet gaps --save FILE`") from e
    needed = {"member_id", "theme_id", "status", "cov"}
    if not isinstance(rows, list) or any(not isinstance(r, dict) or not needed <= r.keys() for r in rows):
        raise UsageError(f"{path}: not a saved gaps file (no rows with member_id, theme_id, status, cov)",
                         hint="create one with `ogpnet gaps --save FILE`")
    for number, row in enumerate(rows, start=1):
        ok = (isinstance(row["member_id"], str) and isinstance(row["theme_id"], str)
              and isinstance(row["cov"], int) and not isinstance(row["cov"], bool)
              and (row["status"] is None or row["status"] in ALL_STATUSES))
        if not ok:
            raise UsageError(f"{path}: not a saved gaps file (row {number}: member_id, theme_id, status or cov "
                             "has the wrong type)", hint="create one with `ogpnet gaps --save FILE`")
    return pd.DataFrame(rows, columns=sorted(needed))


# --- brokers ------------------------------------------------------------------------------------------


@main.command("brokers")
@click.option("--group-by", "group_by", type=click.Choice(GROUPINGS), default="sector", show_default=True,
              help="Groups for the Gould-Fernandez roles.")
@click.option("--top", type=click.IntRange(1), default=20, show_default=True)
@AS_OF
@FORMAT
@fail_cleanly
def brokers(group_by: str, top: int, as_of: str | None, fmt: str) -> None:
    """Organisations that bridge separate communities: betweenness, constraint, effective size, roles."""
    with analysis_context(as_of) as ctx:
        report = brokerage_by(ctx.facts, group_by, ctx.config)
        table = rank_brokers(report, top)
        evidence = broker_evidence(ctx.facts, report, table["organisation_id"], ctx.config)
    table["evidence"] = table["organisation_id"].map(evidence)
    emit(fmt, "brokers", ctx, {"group_by": group_by, "top": top, "as_of": as_of}, table,
         ["rank", "organisation_id", "sector", "group", "betweenness", "constraint", "effective_size",
          "dominant_role", "z_liaison", "articulation_point"],
         title=f"top {top} brokers (groups: {group_by})",
         caption=f"betweenness {report.betweenness_method}"
                 + (f", k={report.betweenness_k}, seed={report.seed}" if report.betweenness_k else "")
                 + " · " + _scope_caption(ctx),
         betweenness={"method": report.betweenness_method, "k": report.betweenness_k, "seed": report.seed},
         articulation_points=sorted(map(str, report.articulation_points)))
    if fmt == "table":
        _print_evidence(zip(table["organisation_id"], table["evidence"], strict=True))


# --- partners -----------------------------------------------------------------------------------------


@main.command("partners")
@click.option("--theme", help="Theme the partners should work on.")
@click.option("--member", "members", multiple=True, help="Member(s) to support (repeatable; default: all with demand).")
@click.option("--sector", type=click.Choice(SECTORS), help="Only partners of this sector.")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True)
@click.option("--like", "like", help="Instead: organisations similar to this one (id), on --theme if given.")
@ROLE
@AS_OF
@FORMAT
@fail_cleanly
def partners(theme: str | None, members: tuple[str, ...], sector: str | None, top: int, like: str | None,
             role: str, as_of: str | None, fmt: str) -> None:
    """Rank potential partners for a theme (score parts and evidence shown), or list similar organisations."""
    if not like and not theme:
        raise UsageError("give --theme T (partners for a theme) or --like ORG (similar organisations)")
    with analysis_context(as_of) as ctx:
        theme = resolve_theme(ctx.facts, theme) if theme else None
        if like:
            like = resolve_organisation(ctx.facts, like)
            table = similar_organisations(ctx.facts, like, top=top, theme=theme, config=ctx.config)
            emit(fmt, "partners", ctx, {"like": like, "theme": theme, "top": top, "as_of": as_of}, table,
                 ["organisation_id", "name", "sector", "jaccard", "resource_allocation", "n_shared", "shared"],
                 title=f"organisations similar to {like}" + (f" on {theme}" if theme else ""))
            return
        assert theme is not None  # checked above: --theme or --like
        member_ids = resolve_members(ctx.facts, members, ctx.config)
        table = find_partners(ctx.facts, theme, members=member_ids or None, sector=sector, top=top,
                              config=ctx.config, role=role)
    params = {"theme": theme, "member": member_ids, "sector": sector, "top": top, "role": role, "as_of": as_of}
    if fmt == "table":
        print_table(table, ["rank", "organisation_id", "sector", "score", "expertise", "presence", "track_record",
                            "complementarity", "proximity"],
                    title=f"partners for {theme}" + (f" in {', '.join(member_ids)}" if member_ids else ""),
                    caption=_scope_caption(ctx))
        _print_evidence(zip(table["organisation_id"], table["evidence"], strict=True))
        return
    emit(fmt, "partners", ctx, params, table, [],
         weights={k: getattr(ctx.config, k) for k in ("weight_expertise", "weight_presence", "weight_track_record",
                                                        "weight_complementarity", "weight_proximity")})


# --- coalition ----------------------------------------------------------------------------------------


@main.command("coalition")
@click.option("--theme", required=True)
@click.option("--member", "members", multiple=True, help="Members whose demand the coalition should close.")
@click.option("--region", help="Or: all members of this OGP region.")
@click.option("--size", type=click.IntRange(1, 50), required=True, help="Number of organisations (K).")
@click.option("--min-sectors", type=click.IntRange(1, len(SECTORS)), default=1, show_default=True,
              help="At least this many distinct sectors among picks that each add something.")
@ROLE
@AS_OF
@FORMAT
@fail_cleanly
def coalition(theme: str, members: tuple[str, ...], region: str | None, size: int, min_sectors: int, role: str,
              as_of: str | None, fmt: str) -> None:
    """Pick up to K organisations that together best close the demanded cells (greedy and exact)."""
    if members and region:
        raise UsageError("give --member or --region, not both")
    with analysis_context(as_of) as ctx:
        theme = resolve_theme(ctx.facts, theme)
        region = resolve_region(ctx.facts, region)
        member_ids = resolve_members(ctx.facts, members, ctx.config)
        result = build_coalition(ctx.facts, theme, members=member_ids or None, region=region, size=size,
                                 min_sectors=min_sectors, config=ctx.config, role=role)
    params = {"theme": theme, "member": member_ids, "region": region, "size": size, "min_sectors": min_sectors,
              "role": role, "as_of": as_of}
    if fmt == "json":
        click.echo(to_json(envelope("coalition", ctx.meta, params, coalition=result.to_dict())))
        return
    if fmt == "csv":
        click.echo(to_csv(result.picks), nl=False)
        return
    print_table(result.picks, ["order", "organisation_id", "sector", "adds", "value_added", "supports_now", "role",
                               "replacement", "replacement_loss"],
                title=f"coalition for {theme}: {len(result.cells_covered)} of {result.cells_total} cells closed, "
                      f"value {result.optimum_value:.2f} of {result.value_total:.2f}",
                caption=f"method {result.method}; greedy value {result.greedy_value:.2f}, best "
                        f"{result.optimum_value:.2f} (gap {result.optimality_gap:.1%}); sectors "
                        f"{', '.join(result.sectors) or 'none'}"
                        + ("" if result.feasible else f" — min-sectors {min_sectors} NOT met")
                        + " · " + _scope_caption(ctx), max_width=70)
    _print_evidence(zip(result.picks["organisation_id"], result.picks["evidence"], strict=True))
    if result.cells_left:
        click.echo(f"cells left: {', '.join(result.cells_left)}")
    if result.funders:
        click.echo("likely funders of this work:")
        _print_evidence((f["organisation_id"], f["evidence"]) for f in result.funders)
    for note in result.notes:
        click.echo(f"note: {note}")


# --- partnership screening ------------------------------------------------------------------------------


@main.command("screen")
@click.option("--theme", required=True, help="Theme of the partnership.")
@click.option("--member", "members", multiple=True, help="Scope: these members (repeatable).")
@click.option("--region", help="Or scope: the members of this OGP region (default: every analysed member).")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True)
@AS_OF
@FORMAT
@fail_cleanly
def screen(theme: str, members: tuple[str, ...], region: str | None, top: int, as_of: str | None, fmt: str) -> None:
    """Screen consortia and networks against OGP's partnership criteria on a theme; list likely funders."""
    if members and region:
        raise UsageError("give --member or --region, not both")
    with analysis_context(as_of) as ctx:
        theme = resolve_theme(ctx.facts, theme)
        scope = _scope_members(ctx, members, region)
        table = screen_partners(ctx.facts, theme, members=scope, top=top, config=ctx.config)
        money = funders(ctx.facts, theme, members=scope, config=ctx.config)
    params = {"theme": theme, "member": list(members), "region": region, "top": top, "as_of": as_of}
    thresholds = criteria(ctx.config)
    if fmt == "json":
        click.echo(to_json(envelope("screen", ctx.meta, params, criteria=records(thresholds), count=len(table),
                                    rows=records(table), funders=records(money))))
        return
    if fmt == "csv":
        click.echo(to_csv(table), nl=False)
        return
    shown = table.assign(**{c.id: [f"{'✓' if ok else '✗'} {_short(v)}" for v, ok in
                                   zip(table[c.id], table[f"{c.id}_pass"], strict=True)] for c in CRITERIA})
    print_table(shown, ["rank", "candidate_id", "kind", "criteria_met", *(c.id for c in CRITERIA)],
                title=f"partnership screening for {theme}"
                      + (f" in {region}" if region else f" in {', '.join(members)}" if members else ""),
                caption="thresholds: " + "; ".join(f"{c} ≥ {t}" for c, t in zip(
                    thresholds["criterion"], thresholds["threshold"], strict=True)) + " · " + _scope_caption(ctx))
    for row in table.to_dict("records"):
        click.echo(printable(f"{row['rank']}. {row['name']} ({row['criteria_met']} of {len(CRITERIA)} criteria)"
                             + (f" — not met: {'; '.join(row['failed'])}" if row["failed"] else "")))
        for e in row["evidence"][:6]:
            click.echo(printable(f"  - [{e['criterion']}] {evidence_text(e)}"))
    if not money.empty:
        click.echo("likely funders:")
        _print_evidence(zip(money["organisation_id"], money["evidence"], strict=True), limit=3)


def _short(value: Any) -> str:
    """A measure for the screening table: shares as percentages, counts as counts.

    >>> _short(0.4567), _short(3), _short(2.25)
    ('0.457', '3', '2.25')
    """
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _scope_members(ctx: Context, members: tuple[str, ...], region: str | None) -> list[str] | None:
    """The members of the scope (None: every analysed member); unknown names are usage errors."""
    if members:
        return resolve_members(ctx.facts, members, ctx.config)
    if region:
        region = resolve_region(ctx.facts, region)
        analysed = analysed_members(ctx.facts, ctx.config)
        return sorted(analysed.loc[analysed["region"] == region, "member_id"])
    return None
