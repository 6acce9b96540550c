"""``ogpnet report``: analyst exports of the current load (gap reports as Excel, HTML or CSV).

The command computes the report once (:func:`reports.gap_report.collect_gap_report`), renders it in memory and
only then writes it, atomically: a temporary file in the target directory, renamed over the target. An error
at any point leaves no file, or the previous one untouched.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graph.settings import Settings, analysis_config
from model.errors import OutputError, UsageError
from ogpnet.cli import AS_OF, fail_cleanly, main
from presentation.resolve import resolve_members, resolve_region, resolve_theme
from reports.pdf import PAPER_SIZES

if TYPE_CHECKING:
    from graph.analysis import AnalysisConfig
    from graph.snapshot import AnalysedGraph

__all__ = ["REPORT_FORMATS", "report", "write_atomic"]

#: --format choices and the file suffix each is usually given.
REPORT_FORMATS = {"xlsx": ".xlsx", "html": ".html", "csv": ".zip", "pdf": ".pdf"}
_FORMAT_HELP = ("xlsx (one workbook with charts), html (one self-contained page, printable), pdf (the print version: "
                "A4 or Letter, page numbers) or csv (a zip of one CSV per table). Default: from the --out suffix "
                "(.xlsx, .html/.htm, .pdf, .zip).")


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same directory, then rename it into place.

    The directory must already exist (it is never created). On any error the temporary file is removed and
    ``path`` is left as it was. The file gets the usual permissions (``0666`` minus the umask).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     target = write_atomic(Path(d) / "r.html", b"<p>hi</p>")
    ...     target.read_bytes(), sorted(p.name for p in Path(d).iterdir())
    (b'<p>hi</p>', ['r.html'])
    >>> write_atomic(Path("/nonexistent-dir/r.html"), b"")
    Traceback (most recent call last):
    ...
    model.errors.OutputError: the directory /nonexistent-dir does not exist
    """
    path = Path(path).expanduser()
    directory = path.parent
    if not directory.is_dir():
        raise OutputError(f"the directory {directory} does not exist",
                          hint="create it first, or give --out a path in an existing directory")
    if _is_dir(path):
        raise OutputError(f"{path} is a directory", hint="give --out a file name, e.g. gaps.xlsx")
    umask = os.umask(0)
    os.umask(umask)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".ogpnet-", suffix=".tmp", dir=directory)
    except OSError as e:
        raise OutputError(f"could not write in {directory}: {e.strerror or e}") from e
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(f"could not write {path}: {e.strerror or e}") from e
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return path


def _checked_destination(out: Path, fmt: str | None) -> str:
    """Refuse a bad destination before the (long) computation (and it is checked again when writing); returns
    the format (from the suffix when ``fmt`` is None)."""
    if not out.expanduser().parent.is_dir():
        raise OutputError(f"the directory {out.expanduser().parent} does not exist",
                          hint="create it first, or give --out a path in an existing directory")
    if _is_dir(out.expanduser()):
        raise OutputError(f"{out} is a directory", hint="give --out a file name, e.g. gaps.xlsx")
    fmt = fmt or _format_from_suffix(out)
    if fmt == "csv" and out.suffix.lower() == ".csv":
        raise UsageError(f"--format csv writes several tables as one zip archive, not the single CSV file {out}",
                         hint=f"name the output {out.with_suffix('.zip').name}")
    return fmt


def _is_dir(path: Path) -> bool:
    """Whether ``path`` is a directory; a name the system refuses (too long) is an :class:`OutputError`."""
    try:
        return stat.S_ISDIR(path.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as e:
        raise OutputError(f"cannot use {str(path)[:200]}: {e.strerror or e}") from e


@main.group("report")
def report() -> None:
    """Analyst exports of the current load: Excel, self-contained HTML, PDF or CSV."""


def _output_options(f: Callable[..., None]) -> Callable[..., None]:
    """--format, --out, --paper and --as-of, the same on every report."""
    for option in reversed((
        click.option("--format", "fmt", type=click.Choice(sorted(REPORT_FORMATS)), default=None, help=_FORMAT_HELP),
        click.option("--out", "out", required=True, type=click.Path(path_type=Path),
                     help="File to write, in an existing directory; replaced atomically."),
        click.option("--paper", type=click.Choice(PAPER_SIZES, case_sensitive=False), default="a4",
                     show_default=True, help="Paper size of the PDF (and of the HTML page when printed)."),
        AS_OF,
    )):
        f = option(f)
    return f


SINCE = click.option("--since", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="Cells saved earlier by `ogpnet gaps --save FILE`: the executive summary says what changed.")


@report.command("gaps")
@click.option("--theme", help="Only this theme.")
@click.option("--region", help="Only members of this OGP region (e.g. Europe).")
@click.option("--member", help="Only this member (ISO-3 for a country, e.g. KEN, or a local member id).")
@SINCE
@_output_options
@fail_cleanly
def report_gaps(theme: str | None, region: str | None, member: str | None, since: Path | None, fmt: str | None,
                out: Path, paper: str, as_of: str | None) -> None:
    """Coverage gap report: executive summary, gaps, fragile cells, coverage matrix, brokers, partner suggestions,
    trend, data limits, methodology, provenance."""
    _gap_report("gaps", theme, region, member, since, fmt, out, paper, as_of)


@report.command("member")
@click.argument("member")
@SINCE
@_output_options
@fail_cleanly
def report_member(member: str, since: Path | None, fmt: str | None, out: Path, paper: str, as_of: str | None) -> None:
    """Brief on one MEMBER before a visit: every theme's demand, support and gaps, suggested partners with their
    evidence, the best coalition per theme, what the data cannot see."""
    _gap_report("member", None, None, member, since, fmt, out, paper, as_of)


@report.command("theme")
@click.argument("theme")
@click.option("--region", help="Only members of this OGP region.")
@SINCE
@_output_options
@fail_cleanly
def report_theme(theme: str, region: str | None, since: Path | None, fmt: str | None, out: Path, paper: str,
                 as_of: str | None) -> None:
    """Brief on one THEME across members: where it is demanded, who supports it, the gaps with suggested partners,
    the best coalition, brokers, the trend and what the data cannot see."""
    _gap_report("theme", theme, region, None, since, fmt, out, paper, as_of)


def _gap_report(kind: str, theme: str | None, region: str | None, member: str | None, since: Path | None,
                fmt: str | None, out: Path, paper: str, as_of: str | None) -> None:
    fmt = _checked_destination(out, fmt)
    from ogpnet.analyse import saved_cells
    from reports.gap_report import collect_gap_report, render

    since_cells = saved_cells(since) if since else None
    config, analysed, version = _current(as_of)
    theme = resolve_theme(analysed.facts, theme) if theme else None
    region = resolve_region(analysed.facts, region)
    member = resolve_members(analysed.facts, [member], config)[0] if member else None
    with _progress_bar() as progress:
        gap_report = collect_gap_report(analysed, config, theme=theme, region=region, member=member,
                                        neo4j_version=version, progress=progress, kind=kind,
                                        since_cells=since_cells, since=since.name if since else None)
        progress(-1, 0)
        data = render(gap_report, fmt, paper.lower())
    written = write_atomic(out, data)
    click.echo(str(written.resolve()))


@report.command("screen")
@click.option("--theme", required=True, help="Theme of the partnership.")
@click.option("--region", help="Scope: the members of this OGP region.")
@click.option("--member", "members", multiple=True, help="Scope: these members (repeatable).")
@_output_options
@fail_cleanly
def report_screen(theme: str, region: str | None, members: tuple[str, ...], fmt: str | None, out: Path, paper: str,
                  as_of: str | None) -> None:
    """Partnership screening report for a steering committee: criteria, thresholds, scorecard, evidence,
    likely funders, data limits, methodology, provenance."""
    fmt = _checked_destination(out, fmt)
    if members and region:
        raise UsageError("give --member or --region, not both")

    from reports.screen_report import collect_screen_report, render_screen

    config, analysed, version = _current(as_of)
    theme = resolve_theme(analysed.facts, theme)
    region = resolve_region(analysed.facts, region)
    member_ids = resolve_members(analysed.facts, members, config) if members else None
    screen_report = collect_screen_report(analysed, config, theme, members=member_ids, region=region,
                                          neo4j_version=version)
    written = write_atomic(out, render_screen(screen_report, fmt, paper.lower()))
    click.echo(str(written.resolve()))


def _current(as_of: str | None) -> tuple[AnalysisConfig, AnalysedGraph, str | None]:
    """The settings (with ``--as-of``), the current load analysed, and the server's version and edition."""
    from graph.db import connect
    from graph.snapshot import current_graph
    from queries.schema import SERVER_VERSION

    config = analysis_config()
    if as_of:
        config = replace(config, as_of=as_of)
    with connect(Settings.from_env()) as db:
        analysed = current_graph(db)
        rows = db.read(SERVER_VERSION)
    version = f"{rows[0]['version']} {rows[0]['edition']}" if rows else None
    return config, analysed, version


@contextlib.contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None]]:
    """A transient progress bar on stderr for the partner suggestions (hidden when stderr is not a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("suggesting partners for gap cells", total=None)

        def update(done: int, total: int) -> None:
            if done < 0:  # the suggestions are done: the file is being written
                bar.update(task, description="writing the report", completed=0, total=None)
                return
            bar.update(task, completed=done, total=total)

        yield update


def _format_from_suffix(out: Path) -> str:
    suffix = out.suffix.lower()
    by_suffix = {".xlsx": "xlsx", ".html": "html", ".htm": "html", ".zip": "csv", ".pdf": "pdf"}
    if suffix not in by_suffix:
        raise UsageError(f"cannot tell the format from the file name {out.name}",
                          hint="give --format xlsx, html, pdf or csv (or name the file .xlsx, .html, .pdf or .zip)")
    return by_suffix[suffix]
