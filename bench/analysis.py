"""Analysis benchmark: time per step at each scale, growth exponents, igraph as the reference, peak memory,
and the accuracy of sampled betweenness (Spearman against exact).

1× is the bundled real dataset (data/); larger scales come from :mod:`bench.synthetic` (same shapes).
Each scale runs in a fresh child process, so its peak memory (ru_maxrss) is its own; inside it every step
is repeated and the median reported. igraph computes the same measures on the same organisation network
in the same process, so ``ours / igraph`` ratios compare like with like on a noisy shared machine.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from graph.settings import REPO_ROOT

# the issues' targets: bundled data < 5 s, 100× < 60 s; 200× is the size the benchmark issue gives for "100×"
WHOLE_TARGET_SECONDS = {1: 5.0, 100: 60.0, 200: 60.0}
SPEARMAN_TARGET = 0.95
# Exact betweenness (the accuracy reference) is O(n·m): checked up to this many organisations (10× has 1,230;
# at 100× the exact run alone would take hours in NetworkX).
SPEARMAN_MAX_NODES = 5_000
# igraph's exact betweenness, the reference for ours: 36 s at 100× (12,300 organisations); above this size it
# would dominate the benchmark's run time, so larger scales report the other reference measures only.
IGRAPH_BETWEENNESS_MAX_NODES = 15_000
# What `ogpnet` and the dashboard run on a load (graph.snapshot.AnalysedGraph): the facts straight from the
# tables, then the analyses. The NetworkX multigraph (build_graph) is only built for the network explorer,
# so it is timed apart (explorer_graph), not as a step.
PIPELINE = ("facts", "coverage_cells", "coverage_rollup", "brokerage", "partners", "coalition")


def _tables(scale: float, seed: int) -> dict[str, pd.DataFrame]:
    from model.tables import normalise_tables, read_tables

    if scale == 1:
        return read_tables(REPO_ROOT / "data")
    from bench.synthetic import generate

    raw = generate(scale, seed)
    return normalise_tables({name: pd.DataFrame(rows).replace("", pd.NA) for name, rows in raw.items()})


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def measure_scale(scale: float, repeat: int, seed: int = 1) -> dict[str, Any]:
    """Every step's median time at one scale (run in a child process by :func:`run`)."""
    import igraph as ig

    from graph.analysis import (
        AnalysisConfig,
        betweenness,
        build_coalition,
        coverage_cells,
        coverage_rollup,
        gould_fernandez,
        organisation_network,
        structural_holes,
    )
    from graph.analysis.groups import brokerage_by
    from graph.analysis.multigraph import build_graph
    from graph.analysis.partners import find_partners, partner_index
    from model.facts import facts_from_tables

    cfg = AnalysisConfig()
    tables = _tables(scale, seed)
    size = {"nodes": int(sum(len(tables[t]) for t in ("members", "organisations", "consortia", "commitments",
                                                         "themes"))),
            "relationships": int(sum(len(tables[t]) for t in ("commitments", "commitment_themes", "engagements",
                                                                 "expertise", "memberships", "consortium_themes",
                                                                 "signals")))}
    steps: dict[str, float] = {}
    steps["facts"], facts = _timed(lambda: facts_from_tables(tables), repeat)
    steps["coverage_cells"], cells = _timed(lambda: coverage_cells(facts, cfg), repeat)
    steps["coverage_rollup"], _ = _timed(lambda: coverage_rollup(cells, "theme_id"), repeat)
    steps["brokerage"], report = _timed(lambda: brokerage_by(facts, "sector", cfg), repeat)
    theme = str(cells.loc[cells["status"] == "gap", "theme_id"].mode().iloc[0])
    region = str(cells["region"].dropna().mode().iloc[0])
    steps["partners"], _ = _timed(lambda: find_partners(facts, theme, top=10, config=cfg,
                                                        index=partner_index(facts, cfg)), repeat)
    steps["coalition"], _ = _timed(lambda: build_coalition(facts, theme, region=region, size=3, min_sectors=2,
                                                           config=cfg), repeat)
    # the brokerage step broken down, and igraph on the same organisation network
    explorer_graph, _ = _timed(lambda: build_graph(tables), 1)  # the network explorer's multigraph, one run
    detail: dict[str, float] = {}
    detail["organisation_network"], H = _timed(lambda: organisation_network(facts, cfg.max_affiliation_size), repeat)
    detail["betweenness"], bc = _timed(lambda: betweenness(H, cfg), repeat)
    detail["constraint_effective_size"], _ = _timed(lambda: structural_holes(H), repeat)
    detail["gould_fernandez"], _ = _timed(lambda: gould_fernandez(H, "sector"), repeat)
    nodes = list(H.nodes)
    position = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(position[u], position[v]) for u, v in H.edges])
    g.es["weight"] = [float(w) for _, _, w in H.edges(data="weight", default=1.0)]
    reference: dict[str, float] = {}
    if g.vcount() <= IGRAPH_BETWEENNESS_MAX_NODES:
        reference["betweenness"], _ = _timed(lambda: g.betweenness(directed=False), repeat)
    reference["constraint"], _ = _timed(lambda: g.constraint(weights="weight"), repeat)
    result: dict[str, Any] = {
        "scale": scale, "size": size, "organisation_network": {"nodes": H.number_of_nodes(),
                                                               "edges": H.number_of_edges()},
        "steps": steps, "whole_analysis": sum(steps[s] for s in PIPELINE), "explorer_graph": explorer_graph,
        "brokerage_detail": detail,
        "igraph": reference, "betweenness_method": bc.method, "betweenness_k": bc.k,
        "ratios_ours_over_igraph": {
            **({"betweenness": detail["betweenness"] / reference["betweenness"]} if "betweenness" in reference
               else {}),
            "constraint_and_effective_size": detail["constraint_effective_size"] / reference["constraint"],
        },
        "repeat": repeat,
    }
    if scale >= 10 and 0 < H.number_of_nodes() <= SPEARMAN_MAX_NODES:
        result["sampling_accuracy"] = sampled_vs_exact(H, cfg)
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def sampled_vs_exact(H: Any, cfg: Any) -> dict[str, Any]:
    """Spearman rank correlation of sampled betweenness (the size used above the exact limit) with exact."""
    from scipy.stats import spearmanr

    from graph.analysis import betweenness

    exact = betweenness(H, replace(cfg, betweenness_exact_limit=10**9))
    sampled = betweenness(H, replace(cfg, betweenness_exact_limit=0))
    a = pd.Series(exact.values).sort_index()
    b = pd.Series(sampled.values).reindex(a.index)
    rho = float(spearmanr(a.to_numpy(), b.to_numpy()).statistic)
    top = 50
    overlap = len(set(a.nlargest(top).index) & set(b.nlargest(top).index)) / top
    return {"spearman": rho, "k": sampled.k, "seed": sampled.seed, "nodes": len(a),
            "top50_overlap": overlap, "target": SPEARMAN_TARGET, "met": rho >= SPEARMAN_TARGET}


def _child(args: tuple[float, int, int], queue: Any) -> None:
    try:
        queue.put(measure_scale(*args))
    except BaseException as e:  # report, do not hang the parent
        queue.put({"error": f"{type(e).__name__}: {e}"})


def growth_exponents(results: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Log-log slope of each step's time against the number of relationships (least squares).

    >>> growth_exponents([{"size": {"relationships": 10}, "steps": {"a": 1.0}, "whole_analysis": 1.0},
    ...                   {"size": {"relationships": 100}, "steps": {"a": 10.0}, "whole_analysis": 100.0}])
    {'a': 1.0, 'whole_analysis': 2.0}
    """
    ok = [r for r in results if "steps" in r]
    if len(ok) < 2:
        return {}
    x = [math.log(r["size"]["relationships"]) for r in ok]
    out = {}
    for step in [*ok[0]["steps"], "whole_analysis"]:
        y = [math.log(max(r["steps"][step] if step in r["steps"] else r[step], 1e-9)) for r in ok]
        mx, my = statistics.fmean(x), statistics.fmean(y)
        out[step] = round(sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
                          / sum((a - mx) ** 2 for a in x), 3)
    return out


def run(scales: Sequence[float] = (1, 10, 100), repeat_at: Callable[[float], int] = lambda s: 3, seed: int = 1,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    """Measure every scale in its own process; add growth exponents and the targets."""
    ctx = mp.get_context("spawn")
    per_scale = []
    for scale in scales:
        log(f"analysis at {scale:g}×")
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=((scale, repeat_at(scale), seed), queue))
        proc.start()
        result = queue.get()
        proc.join()
        per_scale.append(result)
        if "whole_analysis" in result:
            log(f"  whole analysis {result['whole_analysis']:.2f} s, peak RSS {result['peak_rss_mib']:.0f} MiB")
    targets = {}
    for scale, limit in WHOLE_TARGET_SECONDS.items():
        hit = [r for r in per_scale if r.get("scale") == scale and "whole_analysis" in r]
        if hit:
            targets[f"whole_analysis_{scale:g}x_under_{limit:g}s"] = hit[0]["whole_analysis"] < limit
    return {"scales": per_scale, "growth_exponents": growth_exponents(per_scale), "targets": targets}


def _number(value: float | None) -> str:
    """``–`` for a measure that was not taken."""
    return "–" if value is None else f"{value:.2f}"


def summarise(results: dict[str, Any]) -> list[str]:
    """Markdown lines for bench/results/SUMMARY.md."""
    lines = ["| scale | relationships | org network (nodes/edges) | whole analysis (s) | " + " | ".join(PIPELINE)
             + " | betweenness ours/igraph | constraint ours/igraph | peak RSS (MiB) | explorer multigraph (s) |",
             "|" + "---|" * (len(PIPELINE) + 8)]
    for r in results["scales"]:
        if "error" in r:
            lines.append(f"| error: {r['error']} |")
            continue
        steps = " | ".join(f"{r['steps'][s]:.2f}" for s in PIPELINE)
        on = r["organisation_network"]
        ratios = r["ratios_ours_over_igraph"]
        lines.append(f"| {r['scale']:g}× | {r['size']['relationships']:,} | {on['nodes']:,}/{on['edges']:,} | "
                     f"{r['whole_analysis']:.2f} | {steps} | {_number(ratios.get('betweenness'))} "
                     f"({r['betweenness_method']}) | {ratios['constraint_and_effective_size']:.2f} | "
                     f"{r['peak_rss_mib']:.0f} | {_number(r.get('explorer_graph'))} |")
    lines.append("")
    if results.get("growth_exponents"):
        lines.append("Growth exponents (log-log slope of time against relationships): " + ", ".join(
            f"{k} {v}" for k, v in results["growth_exponents"].items()))
    for r in results["scales"]:
        acc = r.get("sampling_accuracy")
        if acc:
            lines.append(f"Sampled betweenness at {r['scale']:g}× (k={acc['k']}, seed={acc['seed']}, "
                         f"{acc['nodes']} organisations): Spearman {acc['spearman']:.3f} against exact "
                         f"(target ≥ {acc['target']}), top-50 overlap {acc['top50_overlap']:.0%}.")
    if any(r.get("scale", 0) > 100 for r in results["scales"]):
        lines.append("The benchmark issue puts 100× at about 20,000 organisations and 1,000,000 relationships; "
                     "100 times the bundled data is 12,300 organisations and ~467,000 relationships, so 200× "
                     "(~24,600 and ~930,000) is measured too, with the 60 s target applied to both. igraph's "
                     f"exact betweenness is timed up to {IGRAPH_BETWEENNESS_MAX_NODES:,} organisations ('–' above).")
    lines.append("Whole analysis = the steps above, what `ogpnet` and the dashboard run on a load; the NetworkX "
                 "multigraph is built only when the network explorer asks for it (last column, one run).")
    for name, met in results.get("targets", {}).items():
        lines.append(f"Target {name}: {'met' if met else 'NOT met'}.")
    return lines


if __name__ == "__main__":  # pragma: no cover
    import json

    out = run(scales=(1, 10), repeat_at=lambda s: 3)
    print(json.dumps(out, indent=1, default=str))
    print("\n".join(summarise(out)))
    Path("/tmp/analysis-bench.json").write_text(json.dumps(out, default=str))
