"""``python -m bench.run``: run the benchmark sections and write ``bench/results/`` (``make bench``).

Each section is a `Section` in `SECTIONS`: a function from `Options` to a JSON-able results dict, and a
function from those results to the lines of its part of ``SUMMARY.md``. Adding a section (analysis,
dashboard, …) means adding one entry; ``--only NAME[,NAME]`` runs a subset. Every run writes
``bench/results/<section>.json`` (the results plus the command and the machine) and rewrites
``bench/results/SUMMARY.md`` from all the section files present, so the summary stays complete when only
some sections were re-run.

Examples
--------
``python -m bench.run`` (every section, scales 1, 10, 100), ``python -m bench.run --only load --scales 1,10
--repeat 5``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.analysis import run as bench_analysis
from bench.analysis import summarise as summarise_analysis
from bench.dashboard import run_section as run_dashboard
from bench.dashboard import summarise as summarise_dashboard
from bench.load import ServerMemory, bench_load, environment
from bench.reports import run as bench_reports
from bench.reports import summarise as summarise_reports
from graph.settings import REPO_ROOT, Settings

RESULTS_DIR = REPO_ROOT / "bench" / "results"
LARGE_SCALE = 100  # from this scale on, --repeat-large applies (a 100× load takes minutes)


@dataclass(frozen=True)
class Options:
    """What every section gets: the scales, repeat counts, a scratch folder and the settings."""

    scales: tuple[float, ...] = (1, 10, 100)
    repeat: int = 3
    repeat_large: int = 2
    seed: int = 1
    work_dir: Path = Path(tempfile.gettempdir()) / "ogpnet-bench"
    settings: Settings = field(default_factory=Settings.from_env)
    server_memory: ServerMemory = ServerMemory()
    log: Callable[[str], None] = print

    def repeats(self, scale: float) -> int:
        """Repeat count at ``scale``.

        >>> Options(repeat=3, repeat_large=2).repeats(10), Options(repeat=3, repeat_large=2).repeats(100)
        (3, 2)
        """
        return self.repeat_large if scale >= LARGE_SCALE else self.repeat


@dataclass(frozen=True)
class Section:
    """A benchmark section: ``run(options) -> results`` and ``summary(results) -> markdown lines``."""

    run: Callable[[Options], dict[str, Any]]
    summary: Callable[[dict[str, Any]], list[str]]
    help: str


# --- the load section ------------------------------------------------------------------------------

LOAD_TARGET = 0.8  # ours ÷ LOAD CSV at 100× (the benchmark issue's target)


def run_load(options: Options) -> dict[str, Any]:
    """Load throughput, ours against LOAD CSV (batched, and in one transaction), at each scale."""
    return bench_load(options.scales, work_dir=options.work_dir / "load", seed=options.seed,
                      methods=("ours", "load_csv", "load_csv_one_tx"), memory=options.server_memory,
                      repeat_at=options.repeats, cache_dir=options.settings.cache_dir, java=options.settings.java,
                      log=options.log)


def summarise_load(results: dict[str, Any]) -> list[str]:
    """The load section of SUMMARY.md: medians and ratios per scale, then memory and CPU.

    >>> run = {"seconds": 2.0, "rows_per_second": 50.0, "python_peak_mib": 100.0, "neo4j_peak_mib": 900.0,
    ...        "tx_memory_peak_mib": 10.0, "validate_seconds": 0.5, "neo4j_cpu_seconds": 1.5}
    >>> entry = {"scale": 1, "csv_rows": {"a": 90}, "rows": 100, "runs": [{}, {}], "same_counts": True,
    ...          "median": {"ours": run, "load_csv": {**run, "rows_per_second": 40.0}}, "ratio_vs": {"load_csv": 1.25}}
    >>> lines = summarise_load({"scales": [entry], "batch_size": 5000, "seed": 1, "server_memory": {}})
    >>> [line for line in lines if line.startswith("| 1×")][0]
    '| 1× | 90 | 100 | 50 | 40 | – | **1.25** | – | 2.0 (0.5) | 2.0 | – | 1 |'
    """
    def cell(median: dict[str, dict[str, float]], method: str, key: str, fmt: str = ",.0f") -> str:
        value = median.get(method, {}).get(key)
        return "–" if value is None else format(value, fmt)

    def ratio(e: dict[str, Any], method: str) -> str:
        value = e.get("ratio_vs", {}).get(method)
        return "–" if value is None else f"**{value:.2f}**"

    lines = [
        "## Load: the project's loader against Neo4j's LOAD CSV",
        "",
        "Same files, same server, same run, the order of the methods alternating, an emptied database for "
        "every run. *ours*: `loaders.load.directory.load_directory` (validation of every file, then ONE transaction of "
        "batched `UNWIND … CREATE` of the rows it has read to be absent, `MERGE` of changed ones, change counts, "
        "stale-row deletion, LoadRun record). *LOAD CSV*: server-side "
        "`LOAD CSV` of the same files with equivalent `MERGE` statements, each file in `CALL { … } IN "
        f"TRANSACTIONS OF {results['batch_size']} ROWS` (Neo4j's recommended bulk form: a commit every "
        f"{results['batch_size']} rows, so not atomic). *LOAD CSV one tx*: the same statements in one explicit "
        "transaction (the reference with our all-or-nothing guarantee). Throughput = nodes + relationships "
        "written per second of wall time (ours includes validating the files); medians of the runs.",
        "",
        "| scale | CSV rows | nodes + rels | ours rows/s | LOAD CSV rows/s | LOAD CSV one tx rows/s | "
        "ours ÷ LOAD CSV | ours ÷ LOAD CSV one tx | ours s (validation s) | LOAD CSV s | LOAD CSV one tx s | "
        "runs each |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for e in results["scales"]:
        m = e["median"]
        runs = len(e["runs"]) // max(1, len(m))
        lines.append(
            f"| {e['scale']:g}× | {sum(e['csv_rows'].values()):,} | {e['rows']:,} | "
            f"{cell(m, 'ours', 'rows_per_second')} | {cell(m, 'load_csv', 'rows_per_second')} | "
            f"{cell(m, 'load_csv_one_tx', 'rows_per_second')} | {ratio(e, 'load_csv')} | "
            f"{ratio(e, 'load_csv_one_tx')} | {cell(m, 'ours', 'seconds', '.1f')} "
            f"({cell(m, 'ours', 'validate_seconds', '.1f')}) | {cell(m, 'load_csv', 'seconds', '.1f')} | "
            f"{cell(m, 'load_csv_one_tx', 'seconds', '.1f')} | {runs} |")
    lines += [
        "",
        "| scale | Python peak RSS MiB (ours) | transaction memory MiB ours / LOAD CSV / one tx | Neo4j CPU s "
        "ours / LOAD CSV / one tx | JVM peak RSS MiB ours / LOAD CSV / one tx | reading the graph back s |",
        "|---|---|---|---|---|---|",
    ]
    for e in results["scales"]:
        m = e["median"]
        lines.append(
            f"| {e['scale']:g}× | {cell(m, 'ours', 'python_peak_mib')} | "
            + " / ".join(cell(m, x, "tx_memory_peak_mib") for x in ("ours", "load_csv", "load_csv_one_tx")) + " | "
            + " / ".join(cell(m, x, "neo4j_cpu_seconds", ".1f") for x in ("ours", "load_csv", "load_csv_one_tx"))
            + " | " + " / ".join(cell(m, x, "neo4j_peak_mib") for x in ("ours", "load_csv", "load_csv_one_tx"))
            + f" | {cell(m, 'ours', 'projection_seconds', '.1f')} |")
    lines.append("")
    largest = max(results["scales"], key=lambda e: e["scale"], default=None)
    if largest and "load_csv" in largest.get("ratio_vs", {}):
        value = largest["ratio_vs"]["load_csv"]
        lines.append(f"Target ours ÷ LOAD CSV ≥ {LOAD_TARGET} at the largest scale ({largest['scale']:g}×): "
                     f"{value:.2f}, {'met' if value >= LOAD_TARGET else 'NOT met'}"
                     + (f" (against LOAD CSV in one transaction: {largest['ratio_vs']['load_csv_one_tx']:.2f})."
                        if "load_csv_one_tx" in largest["ratio_vs"] else "."))
    same = all(e.get("same_counts") for e in results["scales"])
    dumps = [e["same_graph_dump"] for e in results["scales"] if "same_graph_dump" in e]
    lines.append(f"Same node and relationship counts from every method in every run: {'yes' if same else 'NO'}"
                 + (f"; full property dumps of ours and LOAD CSV equal at 1×: {'yes' if all(dumps) else 'NO'}."
                    if dumps else "."))
    memory = results.get("server_memory", {})
    if memory:
        lines.append(f"Server: heap {memory.get('heap')}, page cache {memory.get('pagecache')}, transaction memory "
                     f"limit {memory.get('tx_memory')}. Transaction memory: the largest `estimatedUsedHeapMemory` "
                     "in `SHOW TRANSACTIONS`, sampled every 0.25 s (ours and one tx: the whole load is one "
                     "transaction) in one untimed run per method before the timed runs, which also warms the "
                     "server up; the timed runs are not polled, because polling a 2 GiB transaction costs the "
                     "server about 12 s of CPU at 100× and would slow down only the single-transaction "
                     "methods. Neo4j CPU: user + system time of the JVM (all threads, garbage collection "
                     "included) during the run; less disturbed than wall time when other work shares the machine. "
                     "JVM peak RSS: VmHWM, reset before each run; a JVM keeps the heap it has touched, so it "
                     "grows run after run. Reading the graph back: `graph.snapshot.read_snapshot` (every table in "
                     "one read transaction, the first step of every analysis) in a fresh process after our "
                     "untimed load, median of as many runs as the loads; not part of the load time or CPU.")
    return lines


def run_analysis(options: Options) -> dict[str, Any]:
    """Analysis time per step at each scale, igraph reference, sampled-betweenness accuracy (`bench.analysis`)."""
    return bench_analysis(options.scales, repeat_at=options.repeats, seed=options.seed, log=options.log)


SECTIONS: dict[str, Section] = {
    "load": Section(run_load, summarise_load, "load throughput, ours against LOAD CSV, at each scale"),
    "analysis": Section(run_analysis, summarise_analysis,
                        "analysis time per step at each scale, igraph as reference, growth exponents, memory"),
    "dashboard": Section(run_dashboard, summarise_dashboard,
                         "dashboard render time per page in the browser, cold and warm (bundled data, scales <= 10)"),
    "reports": Section(lambda options: bench_reports(max(3, options.repeat)), summarise_reports,
                       "time to collect and write briefs and reports in every format (bundled data)"),
}


# --- running and writing -----------------------------------------------------------------------------


def run_sections(names: Sequence[str], options: Options, out: Path, command: str) -> dict[str, Any]:
    """Run the named sections, writing ``out/<name>.json`` after each, then ``out/SUMMARY.md``."""
    out.mkdir(parents=True, exist_ok=True)
    machine = environment(options.settings)
    written: dict[str, Any] = {}
    for name in names:
        started = datetime.now(UTC)
        t0 = time.perf_counter()
        options.log(f"== {name}: {SECTIONS[name].help}")
        results = SECTIONS[name].run(options)
        document = {"section": name, "command": command, "started": started.isoformat(timespec="seconds"),
                    "seconds": round(time.perf_counter() - t0, 1), "machine": machine, "results": results}
        tmp = out / f"{name}.json.tmp"
        tmp.write_text(json.dumps(document, indent=1, default=str) + "\n", encoding="utf-8")
        tmp.replace(out / f"{name}.json")
        written[name] = document
    (out / "SUMMARY.md").write_text(summary_markdown(out), encoding="utf-8")
    return written


def summary_markdown(out: Path) -> str:
    """SUMMARY.md from every ``<section>.json`` in ``out``, sections in `SECTIONS` order."""
    documents = [json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
                 for name in SECTIONS if (out / f"{name}.json").exists()]
    lines = ["# Benchmark results", "", "Generated by `python -m bench.run` (`make bench`) from the JSON files next to "
             "this one; do not edit by hand.", ""]
    for doc in documents:
        m = doc["machine"]
        lines += [f"Section `{doc['section']}`: `{doc['command']}`, started {doc['started']}, took "
                  f"{doc['seconds'] / 60:.1f} min. Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, "
                  f"{m['platform']}; Python {m['python']}; {m['java']}; Neo4j "
                  f"{doc['results'].get('neo4j', {}).get('version', m['neo4j_pinned'])} "
                  f"{doc['results'].get('neo4j', {}).get('edition', '')}. The machine is shared: compare ratios "
                  "measured in the same run rather than absolute numbers across runs.", ""]
        lines += SECTIONS[doc["section"]].summary(doc["results"]) + [""]
    return "\n".join(lines)


def parse_scales(text: str) -> tuple[float, ...]:
    """``"1,10,100"`` -> ``(1.0, 10.0, 100.0)``.

    >>> parse_scales("1, 10,100")
    (1.0, 10.0, 100.0)
    """
    return tuple(float(part) for part in text.split(",") if part.strip())


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=parse_scales, default=(1.0, 10.0, 100.0),
                        help="comma-separated dataset scales (1 = the bundled data's size; default 1,10,100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each method per scale (default 3)")
    parser.add_argument("--repeat-large", type=int, default=None,
                        help=f"runs per method at scales >= {LARGE_SCALE} (default: min(2, --repeat))")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default all: {', '.join(SECTIONS)})")
    parser.add_argument("--seed", type=int, default=1, help="synthetic data seed (default 1)")
    parser.add_argument("--heap", default=ServerMemory.heap,
                        help=f"heap of the benchmark's Neo4j (default {ServerMemory.heap})")
    parser.add_argument("--tx-memory", default=ServerMemory.tx_memory,
                        help=f"transaction memory limit of the benchmark's Neo4j (default {ServerMemory.tx_memory})")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="results folder (default bench/results)")
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="scratch folder for datasets and the throwaway Neo4j (default: a new temporary folder, "
                        "removed afterwards)")
    args = parser.parse_args(argv)
    # `kill` (SIGTERM) unwinds like Ctrl-C, so the throwaway Neo4j servers are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="ogpnet-bench-"))
    options = Options(scales=args.scales, repeat=args.repeat,
                      repeat_large=args.repeat_large if args.repeat_large is not None else min(2, args.repeat),
                      seed=args.seed, work_dir=work_dir,
                      server_memory=ServerMemory(heap=args.heap, tx_memory=args.tx_memory),
                      log=lambda m: print(m, flush=True))
    command = "python -m bench.run" + "".join(f" {shlex.quote(a)}" for a in (argv or sys.argv[1:]))
    try:
        run_sections(names, options, args.out, command)
    finally:
        if args.work_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)
    print(f"results: {args.out}/ ({', '.join(f'{n}.json' for n in names)}, SUMMARY.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
