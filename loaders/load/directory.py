"""``ogpnet load``: validate a canonical dataset directory completely, then write it in one transaction."""

from __future__ import annotations

from pathlib import Path

from graph.bulk import collector_paused
from graph.db import Database
from loaders.load.validate import validate_dataset
from loaders.load.writer import LoadSummary, Progress, file_info, load_tables


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
                progress: Progress | None = None) -> LoadSummary:
    """Load a newer raw export of one source directly (``ogpnet load --source NAME FILE``).

    The dataset is rebuilt from ``raw_dir`` with ``file`` in place of that
    source's file, into a temporary folder, then validated and loaded like any
    dataset; ``data/`` is left unchanged (run ``ogpnet data build`` to refresh it).
    """
    import tempfile

    from loaders.build.dataset import SOURCE_FILES, build_dataset
    from model.errors import ConfigError

    if source not in SOURCE_FILES:
        raise ConfigError(f"unknown source {source!r}", hint=f"use one of {', '.join(SOURCE_FILES)}")
    with tempfile.TemporaryDirectory(prefix="ogpnet-source-") as tmp:
        out = Path(tmp) / "dataset"
        build_dataset(raw_dir, out, {SOURCE_FILES[source]: file})
        return load_directory(db, out, batch_size=batch_size, progress=progress)
