"""``ogpnet intake``: the partner intake round trip (template out, returned workbooks in)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from graph.settings import Settings, analysis_config
from model.errors import ConfigError, UsageError, printable
from ogpnet.cli import fail_cleanly, main
from ogpnet.exports import write_atomic


@main.group("intake")
def intake() -> None:
    """Collect who works where from the partners themselves, through an Excel workbook."""


@intake.command("template")
@click.option("--organisation", "organisation", default=None, metavar="ORG",
              help="Prefill with what the graph holds about this organisation (its id); omit for a new one.")
@click.option("--theme", "themes", multiple=True, metavar="THEME",
              help="Ask about these themes (repeatable): prefilled rows and the theme list are limited to them.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write.")
@fail_cleanly
def template(organisation: str | None, themes: tuple[str, ...], out: Path) -> None:
    """Write the intake workbook a partner fills in (instructions, organisation, engagements, expertise,
    memberships; drop-down lists; names shown, ids in hidden columns)."""
    from graph.db import connect
    from graph.snapshot import current_graph
    from presentation.resolve import resolve_organisation, resolve_theme
    from reports.intake_template import template_bytes

    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"--out {out.name}: the template is an Excel workbook",
                         hint="give a file name ending in .xlsx")
    config = analysis_config()
    with connect(Settings.from_env()) as db:
        analysed = current_graph(db)
    facts = analysed.facts
    org = resolve_organisation(facts, organisation) if organisation else None
    theme_ids = [resolve_theme(facts, t) for t in themes]
    data = template_bytes(facts, [r.id for r in config.catalogue.relations], org, theme_ids or None,
                          snapshot=analysed.snapshot.snapshot or "")
    write_atomic(out, data)
    who = f"{org}" if org else "a new organisation"
    click.echo(f"wrote {out} (intake template for {who}; snapshot {analysed.snapshot.snapshot})", err=True)


@intake.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--into", "into", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The user dataset folder (default: OGPNET_USER_DATA_DIR, beside data/).")
@click.option("--dry-run", is_flag=True, help="Check and show the changes; write nothing.")
@fail_cleanly
def import_(files: tuple[Path, ...], into: Path | None, dry_run: bool) -> None:
    """Check returned workbooks (.xlsx, or .csv of one sheet) against the graph, show what they change, and keep
    each as a new self-reported source in the user dataset. Then `ogpnet load` loads it with the bundled data.

    Any problem in any file: every problem listed (file:sheet:row: column 'x': reason), nothing written.
    """
    from graph.db import connect
    from graph.snapshot import current_graph
    from loaders.intake import import_returns

    s = Settings.from_env()
    user_dir = into or s.user_data_dir
    if _inside(user_dir, s.data_dir):
        raise ConfigError(f"the user dataset {user_dir} is inside the bundled dataset {s.data_dir}",
                          hint="keep partners' returns beside data/, not in it (--into or OGPNET_USER_DATA_DIR)")
    config = analysis_config()
    with connect(s) as db:
        facts = current_graph(db).facts
    subs = import_returns(list(files), facts, config.catalogue, data_dir=s.data_dir, user_dir=user_dir,
                          dry_run=dry_run, today=dt.date.today())
    for sub in subs:
        counts = sub.counts()
        click.echo(printable(f"{sub.file}: {sub.organisation_name} ({sub.organisation_id}), source "
                             f"{sub.source['id']}: " + ", ".join(f"{n} {k}" for k, n in counts.items())))
        for change in sub.changes:
            if change.kind != "confirmed":
                click.echo(printable(f"  {change.kind:<9} {change.sheet:<12} {change.text}"))
    if dry_run:
        click.echo("dry run: nothing was written", err=True)
    else:
        click.echo(f"kept in {user_dir / 'submissions'}; run `ogpnet load` to load them with the bundled data",
                   err=True)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True
