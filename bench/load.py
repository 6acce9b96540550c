"""Load throughput: the project's loader against Neo4j's own ``LOAD CSV``, on the same files and server.

For each scale, `bench_load` writes a synthetic dataset (`bench.synthetic`), starts one throwaway Neo4j
(`graph.server.throwaway_server`, with the memory a single-transaction load of that size needs) and measures,
in alternating order on an empty database each time:

* ``ours``: `loaders.load.directory.load_directory`: validation of every file, then ONE transaction of batched
  ``UNWIND … CREATE`` for the rows it has just read to be absent and ``UNWIND … MERGE`` for changed ones
  (with change counts, stale-row deletion, the load lock and the ``LoadRun`` record);
* ``load_csv``: the reference, Neo4j's server-side ``LOAD CSV`` of the same files copied into the server's
  import folder, with equivalent ``MERGE`` statements (same constraints, same properties and types), each
  file in ``CALL { … } IN TRANSACTIONS OF <batch> ROWS``, Neo4j's recommended way to load CSV;
* ``load_csv_one_tx`` (optional): the same statements without ``IN TRANSACTIONS``, all in one explicit
  transaction: the reference with our loader's all-or-nothing guarantee.

Throughput is graph records written (nodes + relationships, i.e. `LoadSummary.rows`) per second of wall time,
validation included for ``ours``. Both methods must give the same node and relationship counts (checked after
every run, and the full property dump is compared once per scale at the smallest scales). Peak memory is the
high-water mark of resident memory (``VmHWM``, reset through ``/proc/<pid>/clear_refs`` before each run) of
this Python process and of the Neo4j JVM. Transaction memory is polled in one untimed run per method and
scale, before the timed runs (polling slows a large transaction down; see `measure`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, LiteralString, cast

from bench.synthetic import dataset_rows, generate, write_dataset
from graph.db import Database, connect
from graph.dump import dump_text
from graph.server import LocalServer, find_java, java_major, neo4j_version, throwaway_server
from graph.settings import REPO_ROOT, Settings
from graph.snapshot import read_snapshot
from loaders.load.directory import load_directory
from loaders.load.writer import init_schema
from model.schema import (
    NODE_TABLES,
    PARTICIPANT_LABELS,
    REL_MAPPINGS,
    TABLE_BY_NAME,
    Column,
    Label,
    node_property_columns,
    rel_property_columns,
)
from queries import load as q

METHODS = ("ours", "load_csv", "load_csv_one_tx")
READ_BACK = "read_back"  # the worker's other job: time graph.snapshot.read_snapshot


@dataclass(frozen=True)
class ServerMemory:
    """Memory settings of the benchmark's Neo4j.

    A load is one transaction, and its state lives on the heap: at 100× (~555,000 nodes and relationships)
    it is ~2.1 GiB (``SHOW TRANSACTIONS`` estimate), over the project's default transaction memory limit
    (2g: the load fails with MemoryPoolOutOfMemoryError), and with a 4g heap garbage collection takes a
    large share of the time. Hence 8g / 4g here; the LOAD CSV reference runs on the same server.
    """

    heap: str = "8g"
    pagecache: str = "1g"
    tx_memory: str = "4g"


@dataclass
class Run:
    """One measured load."""

    method: str
    scale: float
    repeat: int
    rows: int
    seconds: float
    python_peak_mib: float
    neo4j_peak_mib: float
    tx_memory_peak_mib: float | None  # only in the untimed run that polls it (see `measure`)
    nodes: int
    relationships: int
    validate_seconds: float | None = None
    python_cpu_seconds: float = 0.0
    neo4j_cpu_seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# --- the reference: LOAD CSV ----------------------------------------------------------------------


def _value(column: Column) -> str:
    """Cypher for one CSV field as the validator types it (LOAD CSV reads an empty field as null)."""
    field = f"row.{column.name}"
    return {"int": f"toInteger({field})", "float": f"toFloat({field})",
            "bool": f"toBoolean({field})", "list": f"split({field}, ';')"}.get(column.type, field)


def _key(table: str) -> str:
    key_cols = q.rel_key_columns(table)
    return " + '|' + ".join(f"coalesce(row.{c}, '')" for c in key_cols)


def reference_statements(batch_rows: int | None) -> list[tuple[str, LiteralString, dict[str, Any]]]:
    """``(file, Cypher, parameters)`` per node table and relationship mapping, in load order (nodes first).

    The best plain form: ``MERGE`` on the constrained key, then each other column set by name (no map
    ``SET``, so no Eager operator). ``batch_rows`` None: plain ``LOAD CSV`` (run inside one explicit
    transaction); otherwise each statement commits every ``batch_rows`` rows (``CALL { … } IN
    TRANSACTIONS``, auto-commit only). Values (the file URL, the batch size, the participant type) are
    parameters; labels and types come from the schema enums.

    >>> file, text, params = reference_statements(5000)[2]
    >>> file, text[39:95]
    ('members.csv', 'CALL (row) { MERGE (n:Member {id: row.id}) SET n.name = ')
    >>> params
    {'url': 'file:///members.csv', 'batch': 5000}
    """
    out: list[tuple[str, str, dict[str, Any]]] = []
    for table, label in NODE_TABLES.items():
        spec = TABLE_BY_NAME[table]
        sets = ", ".join(f"n.{c.name} = {_value(c)}" for c in spec.columns
                         if c.name != "id" and c.name in node_property_columns(table))
        out.append((table, f"MERGE (n:{label.value} {{id: row.id}}) SET {sets}", {}))
    for m in REL_MAPPINGS:
        spec = TABLE_BY_NAME[m.table]
        sets = ", ".join(f"r.{c} = {_value(spec.columns[spec.column_names.index(c)])}"
                         for c in rel_property_columns(m))
        starts: Sequence[tuple[Label, str, dict[str, Any]]] = [(m.start_label, "", {})]
        if m.start_by:
            starts = [(label, f"WITH row WHERE row.{m.start_by} = $participant ", {"participant": ptype})
                      for ptype, label in PARTICIPANT_LABELS.items()]
        for start, where, params in starts:
            out.append((m.table, f"{where}MATCH (a:{start.value} {{id: row.{m.start_column}}}) "
                                 f"MATCH (b:{m.end_label.value} {{id: row.{m.end_column}}}) "
                                 f"MERGE (a)-[r:{m.rel_type.value} {{key: {_key(m.table)}}}]->(b) SET {sets}", params))
    head = "LOAD CSV WITH HEADERS FROM $url AS row "
    # Built from schema enums and column names only.
    if batch_rows is None:
        return [(f"{t}.csv", cast(LiteralString, head + body), {"url": f"file:///{t}.csv", **params})
                for t, body, params in out]
    return [(f"{t}.csv", cast(LiteralString, f"{head}CALL (row) {{ {body} }} IN TRANSACTIONS OF $batch ROWS"),
             {"url": f"file:///{t}.csv", "batch": batch_rows, **params}) for t, body, params in out]


def load_csv(db: Database, batch_rows: int | None) -> None:
    """Run the reference statements over the files already in the server's import folder."""
    statements = reference_statements(batch_rows)
    with db.driver.session(database=db.database) as session:
        if batch_rows is None:
            with session.begin_transaction() as tx:
                for _, text, params in statements:
                    tx.run(text, params).consume()
                tx.commit()
        else:
            for _, text, params in statements:
                session.run(text, params).consume()


# --- measuring ------------------------------------------------------------------------------------


def reset_peak(pid: int) -> None:
    """Reset a process's resident-memory high-water mark (VmHWM) — Linux ``clear_refs`` value 5."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass  # not Linux, or not ours: the peak then covers the process's life so far


def peak_mib(pid: int) -> float:
    """VmHWM of a process in MiB (0 when unreadable)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, all threads (0 when unreadable).

    On a shared machine CPU time moves less than wall time when other work competes for the cores.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def graph_counts(db: Database) -> tuple[int, int]:
    """Nodes (LoadRun records left out) and relationships in the database."""
    nodes = db.read("MATCH (n) WHERE NOT n:LoadRun RETURN count(n) AS n")[0]["n"]
    rels = db.read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
    return int(nodes), int(rels)


def empty_database(db: Database) -> None:
    """Delete everything (constraints stay), in batches so that a large graph fits in memory."""
    with db.driver.session(database=db.database) as session:
        session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 50000 ROWS").consume()
        session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 50000 ROWS").consume()


def expected_rows(directory: Path) -> int:
    """Graph records a load of ``directory`` writes: node-table rows plus relationship-mapping rows."""
    counts = dataset_rows(directory)
    return sum(counts[t] for t in NODE_TABLES) + sum(counts[m.table] for m in REL_MAPPINGS)


class TxMemorySampler:
    """Polls ``SHOW TRANSACTIONS`` and keeps the largest ``estimatedUsedHeapMemory`` of any other transaction."""

    def __init__(self, db: Database, interval: float = 0.25) -> None:
        self.db, self.interval, self.peak = db, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        with self.db.driver.session(database=self.db.database) as session:
            while not self._stop.wait(self.interval):
                try:
                    for rec in session.run("SHOW TRANSACTIONS YIELD currentQuery, estimatedUsedHeapMemory"):
                        if not str(rec["currentQuery"]).startswith("SHOW TRANSACTIONS"):
                            self.peak = max(self.peak, int(rec["estimatedUsedHeapMemory"] or 0))
                except Exception:  # noqa: BLE001 - a missed sample is not worth failing the benchmark for
                    continue

    def __enter__(self) -> TxMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(method: str, db: Database, server: LocalServer, directory: Path, scale: float, repeat: int,
            batch_size: int, *, sample_memory: bool = False) -> Run:
    """One load of ``directory`` into the emptied database by ``method``, in a fresh Python process.

    The worker process (`worker`) times the load itself and reports its own peak RSS, so that
    neither the benchmark's own memory nor the previous run's shows up in the numbers.

    ``sample_memory`` polls ``SHOW TRANSACTIONS`` for the transaction's memory during the run. That
    is not free: on a single 2 GiB transaction (ours, or LOAD CSV in one transaction, at 100×) the
    polling cost the server about 12 s of CPU and the load about 4 s of wall time (medians of 3,
    measured against the same load unpolled), while the batched reference's small transactions
    cost it nothing. So the timed runs are not polled; `bench_load` polls an untimed run instead.
    """
    empty_database(db)
    init_schema(db)
    server_pid = server.pid() or 0
    reset_peak(server_pid)
    cpu_before = cpu_seconds(server_pid)
    sampler = TxMemorySampler(db) if sample_memory else None
    with sampler or contextlib.nullcontext():
        result = _run_worker(db, server, [method, str(directory), "--batch-size", str(batch_size)],
                             f"{method} at scale {scale:g}")
    neo4j_cpu = cpu_seconds(server_pid) - cpu_before
    nodes, rels = graph_counts(db)
    return Run(method, scale, repeat, expected_rows(directory), result["seconds"], result["python_peak_mib"],
               peak_mib(server_pid), sampler.peak / 2**20 if sampler else None, nodes, rels,
               result.get("validate_seconds"), result["python_cpu_seconds"], neo4j_cpu)


def worker(method: str, directory: Path, batch_size: int) -> dict[str, Any]:
    """Run one load against the server named by the environment; the worker process's side of `measure`."""
    with connect(Settings.from_env()) as db:
        start = resource.getrusage(resource.RUSAGE_SELF)
        cpu_before = start.ru_utime + start.ru_stime
        t0 = time.perf_counter()
        validate_seconds = None
        if method == "ours":
            summary = load_directory(db, directory, batch_size=batch_size)
            validate_seconds = time.perf_counter() - t0 - summary.seconds
        elif method == "load_csv":
            load_csv(db, batch_size)
        elif method == "load_csv_one_tx":
            load_csv(db, None)
        else:
            raise ValueError(f"unknown method {method!r}")
        seconds = time.perf_counter() - t0
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent through fork and exec.
        usage = resource.getrusage(resource.RUSAGE_SELF)
        python_peak = peak_mib(os.getpid())
    return {"seconds": seconds, "python_peak_mib": python_peak, "validate_seconds": validate_seconds,
            "python_cpu_seconds": usage.ru_utime + usage.ru_stime - cpu_before}


def read_back(db: Database, server: LocalServer) -> float:
    """Seconds to read the loaded graph back into tables (`graph.snapshot.read_snapshot`), in a fresh process.

    What every analysis starts with. Measured on its own, after a load: inside a timed run its server CPU
    would count as the load's, and its garbage would land on the next run.
    """
    return float(_run_worker(db, server, [READ_BACK], "reading the graph back")["seconds"])


def _run_worker(db: Database, server: LocalServer, args: list[str], what: str) -> dict[str, Any]:
    """Run ``python -m bench.load ARGS`` against the benchmark's server; its JSON line as a dict."""
    env = {**os.environ, "NEO4J_URI": server.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": server.password(),
           "NEO4J_DATABASE": db.database, "PYTHONPATH": str(REPO_ROOT)}
    out = subprocess.run([sys.executable, "-m", "bench.load", *args], capture_output=True, text=True, env=env,
                         cwd=REPO_ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{what} failed: {out.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _copy_to_import(directory: Path, server: LocalServer) -> None:
    target = server.state_dir / "import"
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.csv"):
        old.unlink()
    for f in directory.glob("*.csv"):
        shutil.copyfile(f, target / f.name)


def _same_graph(db: Database, directory: Path, batch_size: int) -> bool:
    """Full property dump after our load equals the one after LOAD CSV (run in this process: small scales)."""
    empty_database(db)
    load_directory(db, directory, batch_size=batch_size)
    ours = dump_text(db)
    empty_database(db)
    load_csv(db, batch_size)
    return dump_text(db) == ours


def bench_load(scales: Sequence[float] = (1, 10, 100), repeat: int = 3, *, work_dir: Path, seed: int = 1,
               methods: Sequence[str] = ("ours", "load_csv"), batch_size: int = 5000,
               memory: ServerMemory | None = None, repeat_at: Callable[[float], int] | None = None,
               cache_dir: Path | None = None, java: str = "", log: Callable[[str], None] = print) -> dict[str, Any]:
    """Measure every method at every scale; return the machine-readable results (see ``bench/results``).

    One throwaway server for all scales (in ``work_dir``), each run on an emptied database, the methods
    alternating in order from one repeat to the next. ``repeat_at(scale)`` may lower the repeat count
    for big scales (default: ``repeat`` everywhere).
    """
    memory = memory or ServerMemory()
    cache_dir = cache_dir or Settings.from_env({}).cache_dir
    results: dict[str, Any] = {"seed": seed, "batch_size": batch_size, "methods": list(methods),
                               "server_memory": asdict(memory), "scales": []}
    state = work_dir / "neo4j-state"
    shutil.rmtree(state, ignore_errors=True)
    with throwaway_server(state, cache_dir, heap=memory.heap, pagecache=memory.pagecache,
                          tx_memory=memory.tx_memory, java=java) as server:
        env = {"NEO4J_URI": server.uri, "NEO4J_PASSWORD": server.password()}
        with connect(Settings.from_env(env)) as db:
            results["neo4j"] = db.read("CALL dbms.components() YIELD versions, edition "
                                       "RETURN versions[0] AS version, edition")[0]
            for scale in scales:
                results["scales"].append(_bench_scale(db, server, scale, repeat_at(scale) if repeat_at else repeat,
                                                      work_dir=work_dir, seed=seed, methods=methods,
                                                      batch_size=batch_size, log=log))
                empty_database(db)
    return results


def _bench_scale(db: Database, server: LocalServer, scale: float, repeat: int, *, work_dir: Path, seed: int,
                 methods: Sequence[str], batch_size: int, log: Callable[[str], None]) -> dict[str, Any]:
    directory = work_dir / f"scale-{scale:g}"
    shutil.rmtree(directory, ignore_errors=True)
    t0 = time.perf_counter()
    files = write_dataset(generate(scale, seed), directory)
    log(f"scale {scale:g}: {sum(files.values()):,} CSV rows ({expected_rows(directory):,} nodes and relationships)"
        f" generated in {time.perf_counter() - t0:.1f}s")
    _copy_to_import(directory, server)
    entry: dict[str, Any] = {"scale": scale, "csv_rows": files, "rows": expected_rows(directory), "runs": [],
                             "memory_runs": []}
    if scale <= 1:  # compares the two graphs property by property (and warms the server up)
        entry["same_graph_dump"] = _same_graph(db, directory, batch_size)
        log(f"  full dump after ours == after LOAD CSV: {entry['same_graph_dump']}")
    # One untimed run of each method first, polling the transaction memory (which slows the run down, see
    # `measure`). It also warms up: the first runs after a change of scale are slower for whichever method
    # comes first (replanning, JIT, the store and heap growing), which would penalise one method's repeats.
    for method in methods:
        run = measure(method, db, server, directory, scale, -1, batch_size, sample_memory=True)
        entry["memory_runs"].append(asdict(run))
        log(f"  {method:<16} untimed run polling transaction memory: {run.tx_memory_peak_mib or 0:,.0f} MiB "
            f"({run.seconds:.2f}s)")
        if method == "ours":  # the graph our loader wrote, read back (with its LoadRun record) `repeat` times
            entry["read_back_seconds"] = [read_back(db, server) for _ in range(repeat)]
            log(f"  reading the graph back: {', '.join(f'{x:.2f}s' for x in entry['read_back_seconds'])}")
    for i in range(repeat):
        for method in (list(methods) if i % 2 == 0 else list(reversed(methods))):
            run = measure(method, db, server, directory, scale, i, batch_size)
            entry["runs"].append({**asdict(run), "rows_per_second": run.rows_per_second})
            log(f"  {method:<16} run {i + 1}/{repeat}: {run.seconds:7.2f}s {run.rows_per_second:>9,.0f} rows/s"
                f"  python {run.python_peak_mib:,.0f} MiB  neo4j {run.neo4j_peak_mib:,.0f} MiB"
                f"  cpu python {run.python_cpu_seconds:.1f}s neo4j {run.neo4j_cpu_seconds:.1f}s"
                f"  ({run.nodes:,} nodes, {run.relationships:,} rels)")
    entry.update(summarise(entry["runs"], methods, entry["memory_runs"]))
    if entry.get("read_back_seconds") and "ours" in entry["median"]:
        entry["median"]["ours"]["projection_seconds"] = statistics.median(entry["read_back_seconds"])
    return entry


_MEDIANS = ("seconds", "rows_per_second", "python_peak_mib", "neo4j_peak_mib", "tx_memory_peak_mib",
            "validate_seconds", "python_cpu_seconds", "neo4j_cpu_seconds")


def summarise(runs: list[dict[str, Any]], methods: Sequence[str],
              memory_runs: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """Medians per method, ratios ours ÷ each reference, and whether every run gave the same graph.

    Transaction memory comes from ``memory_runs`` (the untimed runs that poll it), when given.

    >>> runs = [{"method": m, "seconds": s, "rows": 100, "rows_per_second": 100 / s, "python_peak_mib": 1.0,
    ...          "neo4j_peak_mib": 2.0, "tx_memory_peak_mib": None, "nodes": 5, "relationships": 7} for m, s in
    ...         (("ours", 1.0), ("load_csv", 2.0), ("ours", 3.0), ("load_csv", 2.0))]
    >>> polled = [{"method": "ours", "tx_memory_peak_mib": 30.0, "nodes": 5, "relationships": 7}]
    >>> s = summarise(runs, ["ours", "load_csv"], polled)
    >>> round(s["median"]["ours"]["rows_per_second"], 2), round(s["ratio_vs"]["load_csv"], 3), s["same_counts"]
    (66.67, 1.333, True)
    >>> s["median"]["ours"]["tx_memory_peak_mib"], "tx_memory_peak_mib" in s["median"]["load_csv"]
    (30.0, False)
    """
    median: dict[str, dict[str, float]] = {}
    for method in methods:
        mine = [r for r in runs if r["method"] == method]
        if mine:
            median[method] = {k: statistics.median(r[k] for r in mine)
                              for k in _MEDIANS if all(r.get(k) is not None for r in mine)}
        polled = [r["tx_memory_peak_mib"] for r in memory_runs
                  if r["method"] == method and r.get("tx_memory_peak_mib") is not None]
        if polled and method in median:
            median[method]["tx_memory_peak_mib"] = statistics.median(polled)
    ratio = {m: median["ours"]["rows_per_second"] / median[m]["rows_per_second"]
             for m in median if m != "ours" and "ours" in median}
    same = len({(r["nodes"], r["relationships"]) for r in [*runs, *memory_runs]}) <= 1
    return {"median": median, "ratio_vs": ratio, "same_counts": same}


def environment(settings: Settings | None = None) -> dict[str, Any]:
    """The machine: CPUs, memory, CPU model, Python, Java and Neo4j versions."""
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    except OSError:
        pass
    mem_kib = 0
    try:
        mem_kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                           if line.startswith("MemTotal:")))
    except (OSError, StopIteration):
        pass
    java = find_java((settings or Settings.from_env({})).java)
    java_text = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()
    return {"nproc": os.cpu_count(), "memory_gib": round(mem_kib / 1024 / 1024, 1), "cpu": cpu,
            "platform": platform.platform(), "python": platform.python_version(),
            "java": java_text[0] if java_text else f"Java {java_major(java)}", "neo4j_pinned": neo4j_version()}


def main(argv: Sequence[str] | None = None) -> int:
    """The worker: ``python -m bench.load METHOD DIR`` loads DIR into the server named by NEO4J_URI etc.

    Prints one JSON line: seconds, this process's peak RSS, and (ours) the seconds spent validating.
    ``python -m bench.load read_back`` times reading the whole graph back instead (`read_back`).
    `measure` runs it; use ``python -m bench.run --only load`` for the benchmark itself.
    """
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=main.__doc__)
    parser.add_argument("method", choices=(*METHODS, READ_BACK))
    parser.add_argument("directory", type=Path, nargs="?", help="the dataset to load (not for read_back)")
    parser.add_argument("--batch-size", type=int, default=5000)
    args = parser.parse_args(argv)
    if args.method == READ_BACK:
        with connect(Settings.from_env()) as db:
            t0 = time.perf_counter()
            read_snapshot(db)
            print(json.dumps({"seconds": time.perf_counter() - t0}))
        return 0
    if args.directory is None:
        parser.error(f"{args.method} needs the dataset DIRECTORY")
    print(json.dumps(worker(args.method, args.directory, args.batch_size)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
