"""``ogpnet``: the command line. Each command parses options, reads settings and calls one library function."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from graph.settings import Settings
from model.errors import INTERNAL_ERROR, OgpnetError, UsageError, printable

F = TypeVar("F", bound=Callable[..., Any])


def fail_cleanly(fn: F) -> F:
    """Turn the project's errors into one line on stderr and their exit code; an unexpected error (a bug) into
    one line and exit code 70 (``OGPNET_DEBUG=1`` shows its traceback). Never a traceback otherwise."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except OgpnetError as e:
            click.echo(printable(f"error: {e.message} (what to do: {e.hint})"), err=True)
            problems = getattr(e, "problems", None)
            if problems:
                from loaders.load.validate import format_problems

                click.echo(format_problems(problems), err=True)
            sys.exit(e.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as e:  # noqa: BLE001 - the one place a bug becomes a message rather than a traceback
            if os.environ.get("OGPNET_DEBUG"):
                raise
            click.echo(printable(f"error: unexpected {type(e).__name__}: {str(e)[:300]} (what to do: this is a bug; "
                                 "run again with OGPNET_DEBUG=1 for the traceback and report it)"), err=True)
            sys.exit(INTERNAL_ERROR)

    return wrapper  # type: ignore[return-value]


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from model.config import AnalysisConfig

    try:
        AnalysisConfig(as_of=value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None
    return value


AS_OF = click.option("--as-of", "as_of", callback=_as_of, metavar="YYYY[-MM]",
                     help="Analyse the data as of this date: members that had joined, commitments submitted and "
                          "evidence observed by then.")
#: ``--role`` of partners and coalition (graph.analysis.supply.organisations_in_role).
ROLE = click.option("--role", type=click.Choice(["any", "implementer", "funder"]), default="any", show_default=True,
                    help="Only implementers (organisations that do the work) or funders (a source names them as "
                         "funding open-government work).")


def settings() -> Settings:
    return Settings.from_env()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ogpnet")
def main() -> None:
    """Network analysis of OGP thematic partnerships: coverage gaps, brokers, partners, coalitions."""


# --- db -------------------------------------------------------------------------------------------


@main.group()
def db() -> None:
    """The Neo4j server: the project's local one, or the one NEO4J_URI names."""


def _local_server(s: Settings) -> Any:
    from graph.server import LocalServer

    return LocalServer.from_settings(s)


@db.command("start")
@fail_cleanly
def db_start() -> None:
    """Fetch Neo4j 5.26 (once), start it on 127.0.0.1 and print its Bolt URI."""
    s = settings()
    if not s.uses_local_server:
        click.echo(f"NEO4J_URI is set ({s.neo4j_uri}): using that server; `ogpnet db start` is not needed.")
        return
    server = _local_server(s)
    uri = server.start(log=lambda m: click.echo(m, err=True))
    click.echo(uri)


@db.command("stop")
@fail_cleanly
def db_stop() -> None:
    """Stop the local server (clean shutdown; killed after 60 s)."""
    s = settings()
    if not s.uses_local_server:
        click.echo(f"NEO4J_URI is set ({s.neo4j_uri}): that server is not managed by ogpnet.")
        return
    click.echo("stopped" if _local_server(s).stop() else "not running")


@db.command("status")
@fail_cleanly
def db_status() -> None:
    """Exit 0 and print the Bolt URI when the server answers; exit 1 otherwise."""
    s = settings()
    if s.uses_local_server:
        server = _local_server(s)
        pid = server.pid()
        if pid is None:
            click.echo(f"not running (state folder {s.state_dir})", err=True)
            sys.exit(1)
        if not server.is_running():
            click.echo(f"process {pid} is alive but Bolt does not answer on {server.uri} (starting, or stuck: "
                       "see `ogpnet db logs`)", err=True)
            sys.exit(1)
    from graph.db import connect
    from queries.schema import SERVER_VERSION

    with connect(s) as database:
        row = database.read(SERVER_VERSION)[0]
    click.echo(s.bolt_uri)
    click.echo(f"Neo4j {row['version']} {row['edition']}", err=True)


@db.command("logs")
@click.option("-n", "--lines", default=50, show_default=True, help="How many of the last lines to show.")
@fail_cleanly
def db_logs(lines: int) -> None:
    """Print the last lines of the local server's log."""
    click.echo(_local_server(settings()).log_tail(lines))


@db.command("password")
@fail_cleanly
def db_password() -> None:
    """Print the generated password of the local server (it is never printed otherwise)."""
    server = _local_server(settings())
    if not server.password_file.exists():
        raise OgpnetError("no password yet", hint="run `ogpnet db start` first")
    click.echo(server.password())


@db.command("init")
@fail_cleanly
def db_init() -> None:
    """Create the constraints and indexes (idempotent)."""
    from graph.db import connect
    from loaders.load.writer import init_schema

    with connect(settings()) as database:
        n = init_schema(database)
    click.echo(f"{n} constraints and indexes in place")


@db.command("dump")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@fail_cleanly
def db_dump(file: Path) -> None:
    """Write a logical backup of the whole graph to FILE (JSON; gzip when FILE ends in .gz)."""
    from graph.backup import write_dump
    from graph.db import connect

    with connect(settings()) as database:
        counts = write_dump(database, file)
    click.echo(f"{file}: {counts['nodes']} nodes, {counts['relationships']} relationships")


@db.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@fail_cleanly
def db_restore(file: Path) -> None:
    """Replace the graph by the backup in FILE (checked completely first; one transaction)."""
    from graph.backup import restore_dump
    from graph.db import connect

    with connect(settings()) as database:
        counts = restore_dump(database, file)
    click.echo(f"restored {counts['nodes']} nodes, {counts['relationships']} relationships from {file}")


# --- data and load ------------------------------------------------------------------------------


@main.group()
def data() -> None:
    """The canonical dataset in data/ (CSV files, one per node or relationship type)."""


@data.command("build")
@click.option("--raw", "raw", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder with raw/ and reference/ (default: OGPNET_RAW_DIR).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the dataset (default: OGPNET_DATA_DIR).")
@fail_cleanly
def data_build(raw: Path | None, out: Path | None) -> None:
    """Rebuild the canonical dataset from the real public data files."""
    from loaders.build.dataset import main_build

    s = settings()
    sys.exit(main_build(raw or s.raw_dir, out or s.data_dir))


@main.command("load")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--batch-size", type=click.IntRange(1, 1_000_000), default=None,
              help="Rows per UNWIND batch (default: OGPNET_BATCH_SIZE).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--source", type=click.Choice(["ogp-commitments", "open-ownership", "ocp", "gdb", "obs"]),
              default=None, help="Load a newer raw export FILE of this source directly (the other sources come "
              "from OGPNET_RAW_DIR).")
@click.option("--allow-shrink", is_flag=True, help="With --source: accept a newer export that removes more than "
              "the source's allowed share (20%) of its rows now in the graph.")
@click.option("--user-data", "user_data", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Merge this user dataset (partners' intake returns) into the load (default without DIRECTORY: "
                   "OGPNET_USER_DATA_DIR, when it holds submissions).")
@click.option("--no-user-data", is_flag=True, help="Load the dataset alone, without the partners' returns.")
@fail_cleanly
def load(directory: Path | None, batch_size: int | None, quiet: bool, source: str | None,
         allow_shrink: bool, user_data: Path | None, no_user_data: bool) -> None:
    """Validate DIRECTORY (default data/, merged with the user dataset's intake returns) completely, then load it
    in one transaction.

    Any problem: exit code 2, every problem listed with file, row and column, nothing written.
    With --source NAME, the argument is a raw export FILE of that source instead.
    """
    import tempfile

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from graph.db import connect
    from loaders.load.directory import load_directory

    s = settings()
    if no_user_data and user_data:
        raise UsageError("--user-data and --no-user-data contradict each other", hint="give one of them")
    explicit = directory is not None
    directory = directory or s.data_dir
    console = Console(stderr=True)
    with connect(s) as database, Progress(TextColumn("loading {task.description}"), BarColumn(),
                                          MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                                          disable=quiet, transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(table: str, done: int, total: int) -> None:
            bar.update(task, description=table, completed=done, total=total)

        if source:
            from loaders.load.directory import load_source

            if not directory.is_file():
                raise UsageError(f"--source {source} needs a FILE argument (a raw export), got {directory}",
                                 hint="give the path of the newer export file")
            summary = load_source(database, source, directory, s.raw_dir, batch_size=batch_size or s.batch_size,
                                  progress=progress, allow_shrink=allow_shrink)
        elif allow_shrink:
            raise UsageError("--allow-shrink only applies with --source", hint="drop --allow-shrink")
        else:
            from loaders.intake import load_folder

            merge = None if no_user_data else user_data or (None if explicit else s.user_data_dir)
            with tempfile.TemporaryDirectory(prefix="ogpnet-load-") as tmp:
                folder, merged = load_folder(directory, merge, Path(tmp)) if merge else (directory, [])
                if merged:
                    console.print(f"merging {len(merged)} partner submission(s) from {merge}")
                summary = load_directory(database, folder, batch_size=batch_size or s.batch_size,
                                         progress=progress)
    _print_load_summary(summary)


def _print_load_summary(summary: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"load {summary.load_id[:8]} (snapshot {summary.snapshot})")
    for col in ("type", "created", "updated", "unchanged", "deleted"):
        table.add_column(col, justify="left" if col == "type" else "right")
    for row in summary.as_table():
        table.add_row(*(str(row[c]) for c in ("type", "created", "updated", "unchanged", "deleted")))
    console = Console()
    console.print(table)
    console.print(f"{summary.rows} rows in {summary.seconds:.2f} s ({summary.rows_per_second:,.0f} rows/s)")


# --- dashboard ------------------------------------------------------------------------------------


@main.command("dashboard")
@click.option("--port", type=int, default=None, help="Port (default: OGPNET_DASHBOARD_PORT).")
def dashboard(port: int | None) -> None:
    """Serve the Streamlit dashboard on 127.0.0.1 (usage statistics off, XSRF protection on)."""
    from graph.settings import REPO_ROOT

    s = settings()
    cmd = [sys.executable, "-m", "dashboard.serve",  # warms the latest load's results, then `streamlit run`
           "--server.address", "127.0.0.1", "--server.port", str(port or s.dashboard_port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.enableXsrfProtection", "true"]
    click.echo(f"dashboard: http://127.0.0.1:{port or s.dashboard_port}", err=True)
    os.chdir(REPO_ROOT)
    os.execv(sys.executable, cmd)


def run() -> None:  # pragma: no cover - console entry point alias
    main(prog_name="ogpnet")


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main(prog_name="ogpnet")


def _path(p: str | None) -> Path | None:
    return Path(p) if p else None


# The analysis and report commands register themselves on `main`.
from ogpnet import analyse as _analyse  # noqa: E402,F401
from ogpnet import exports as _exports  # noqa: E402,F401
from ogpnet import intake as _intake  # noqa: E402,F401
