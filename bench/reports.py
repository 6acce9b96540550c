"""The reports section of ``make bench``: how long a brief or a report takes to collect and to write.

Measured in-process on the bundled data, from the analysed graph as the dashboard holds it (the Neo4j read,
about a second on the bundled data, is the same for every report and not included): collecting (every table,
partner suggestions, coalitions, the trend) and writing each format. The target (issue 19): a member or a
theme brief, collected and written as xlsx, html or csv, within 2 s. Medians of ``repeat`` runs.
"""

from __future__ import annotations

from typing import Any

from bench.analysis import _timed
from graph.settings import REPO_ROOT

#: (name, collect_gap_report keyword arguments) of the reports measured.
JOBS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("member brief KEN", {"member": "KEN", "kind": "member"}),
    ("member brief NGA", {"member": "NGA", "kind": "member"}),
    ("theme brief open_contracting", {"theme": "open_contracting", "kind": "theme"}),
    ("theme brief beneficial_ownership", {"theme": "beneficial_ownership", "kind": "theme"}),
    ("gap report, one theme (open_contracting)", {"theme": "open_contracting"}),
    ("gap report, whole network", {}),
)
FORMATS = ("xlsx", "html", "csv", "pdf")
TARGET_SECONDS = 2.0
#: Reports the target applies to (a brief on one member or one theme).
TARGETED = ("member brief", "theme brief", "gap report, one theme")


def run(repeat: int = 3) -> dict[str, Any]:
    """Collect and write every job ``repeat`` times; medians per step."""
    from graph.analysis import AnalysisConfig
    from graph.snapshot import AnalysedGraph, Snapshot
    from model.tables import read_tables
    from reports.gap_report import collect_gap_report, render

    tables = read_tables(REPO_ROOT / "data")
    analysed = AnalysedGraph(Snapshot("bench", "bench", "2024-06-01T12:00:00+00:00", tables))
    assert len(analysed.facts.members)  # built once, as the dashboard caches it
    config = AnalysisConfig()
    rows = []
    for name, kwargs in JOBS:
        many = repeat if "whole network" not in name else 1
        collect, report = _timed(lambda kw=kwargs: collect_gap_report(analysed, config, **kw), many)
        row: dict[str, Any] = {"report": name, "repeat": many, "collect_s": round(collect, 3)}
        for fmt in FORMATS:
            seconds, data = _timed(lambda f=fmt, r=report: render(r, f, "a4"), many)
            row[f"{fmt}_s"] = round(seconds, 3)
            row[f"{fmt}_bytes"] = len(data)
            row[f"total_{fmt}_s"] = round(collect + seconds, 3)
        row["targeted"] = name.startswith(TARGETED)
        row["meets_target"] = (all(row[f"total_{f}_s"] <= TARGET_SECONDS for f in ("xlsx", "html", "csv"))
                               if row["targeted"] else None)
        rows.append(row)
    return {"target_seconds": TARGET_SECONDS, "rows": rows}


def summarise(results: dict[str, Any]) -> list[str]:
    """Markdown lines for ``SUMMARY.md``."""
    lines = ["## Reports (bundled data, from the analysed graph; medians)", "",
             f"Target: a member or theme brief collected and written as xlsx, html or csv within "
             f"{results['target_seconds']:g} s.", "",
             "| report | collect s | +xlsx s | +html s | +csv s | +pdf s | pdf bytes | within target |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results["rows"]:
        verdict = "—" if r["meets_target"] is None else ("yes" if r["meets_target"] else "**no**")
        lines.append(f"| {r['report']} | {r['collect_s']:.2f} | {r['xlsx_s']:.2f} | {r['html_s']:.2f} | "
                     f"{r['csv_s']:.2f} | {r['pdf_s']:.2f} | {r['pdf_bytes']:,} | {verdict} |")
    return [*lines, ""]
