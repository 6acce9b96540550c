"""``ogpnet load``: validate a canonical dataset directory completely, then write it in one transaction."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from graph.bulk import collector_paused
from graph.db import Database
from loaders.load.validate import validate_dataset
from loaders.load.writer import LoadSummary, Progress, file_info, load_tables

if TYPE_CHECKING:
    from loaders.build.dataset import BuildReport


def load_directory(db: Database, directory: Path, *, batch_size: int = 5000,
                   progress: Progress | None = None) -> LoadSummary:
    """Validate every file of ``directory`` (raising ValidationError, nothing written) and load it.

    Reading the files happens before the first write, so a dataset with any
    problem leaves the database exactly as it was. Python's cyclic garbage collector is paused
    meanwhile (:func:`graph.bulk.collector_paused`; its effect is measured by ``make bench``). The pause spans both
    steps, not each on its own, so that the validated rows are gone before the collector runs again
    (objects made while it was paused are all examined by its next collection).
    """
    with collector_paused():
        dataset = validate_dataset(directory)
        files = [file_info(directory / f"{name}.csv", len(rows)) for name, rows in dataset.tables.items()]
        return load_tables(db, dataset.tables, files, source_dir=str(directory), batch_size=batch_size,
                           progress=progress)


def load_source(db: Database, source: str, file: Path, raw_dir: Path, *, batch_size: int = 5000,
                progress: Progress | None = None, allow_shrink: bool = False) -> LoadSummary:
    """Load a newer raw export of one source directly (``ogpnet load --source NAME FILE``).

    The file is checked first (:mod:`loaders.build.plausibility`: its form, required fields and number of
    records; then the share of its records that give data); the dataset is then rebuilt from ``raw_dir`` with
    ``file`` in place of that source's file, into a temporary folder; a build that would remove more than the
    source's allowed share of its rows now in the graph is refused unless ``allow_shrink``; then it is validated
    and loaded like any dataset. Every refusal is a :class:`~model.errors.ValidationError` (exit 2) naming the
    file, and the graph is left as it was; ``data/`` is never changed (run ``ogpnet data build`` to refresh it).
    """
    import tempfile

    from loaders.build.plausibility import EXPECTATIONS, check_shrink

    with tempfile.TemporaryDirectory(prefix="ogpnet-source-") as tmp:
        out = Path(tmp) / "dataset"
        report = build_source(source, file, raw_dir, out)
        source_id = EXPECTATIONS[source].source_id
        check_shrink(source, file, rows_of_source(db, source_id), report.contributions.get(source_id, {}),
                     allow_shrink)
        return load_directory(db, out, batch_size=batch_size, progress=progress)


def build_source(source: str, file: Path, raw_dir: Path, out: Path) -> BuildReport:
    """Check a newer export of ``source`` and build the dataset with it into ``out`` (no database involved).

    Raises
    ------
    UsageError
        An unknown source name.
    ValidationError
        The file is not a plausible export of that source (exit 2, located problems); ``out`` is not written.
    """
    from loaders.build.dataset import SOURCE_FILES, BuildError, build_dataset
    from loaders.build.plausibility import check_export, check_recognised
    from model.errors import Problem, UsageError, ValidationError

    if source not in SOURCE_FILES:
        raise UsageError(f"unknown source {source!r}", hint=f"use one of {', '.join(SOURCE_FILES)}")
    records = check_export(source, file)
    try:
        return build_dataset(raw_dir, out, {SOURCE_FILES[source]: file},
                             inspect=lambda results: check_recognised(source, file, records, results))
    except BuildError as e:
        if file.name not in e.message:
            raise  # the other raw files (OGPNET_RAW_DIR), not the export given
        raise ValidationError([Problem(file.name, None, None, None, e.message)],
                              f"{file.name} cannot be used as a {source} export: {e.message}",
                              hint="nothing was written; give an unmodified export of that source") from e


def rows_of_source(db: Database, source_id: str) -> dict[str, int]:
    """Rows per table of the graph's current load that carry ``source_id`` (empty when nothing is loaded)."""
    from graph.snapshot import EmptyDatabase, current_graph

    try:
        tables = current_graph(db, use_cache=False).snapshot.tables
    except EmptyDatabase:
        return {}
    return {name: int((frame["source"] == source_id).sum()) for name, frame in tables.items()
            if "source" in frame.columns and (frame["source"] == source_id).any()}
