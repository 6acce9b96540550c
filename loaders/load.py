"""``ogpnet load``: validate a canonical dataset directory completely while writing it in one transaction."""

from __future__ import annotations

import time
from pathlib import Path

from graph.db import Database
from loaders.neo4j_writer import FileInfo, LoadSummary, Progress, file_info, load_tables
from loaders.validate import StreamedDataset, ValidationError


def load_directory(db: Database, directory: Path, *, batch_size: int = 5000,
                   progress: Progress | None = None) -> LoadSummary:
    """Validate every file of ``directory`` and load it in one transaction; any problem raises
    ValidationError and nothing is written.

    Validation runs in a background thread, a table at a time (`StreamedDataset`), while the
    transaction already writes the tables that have passed: the node tables first, then each
    relationship table as it passes. The transaction commits only once every file has passed;
    a problem in any file rolls it back. When the load fails for another reason while the files
    are still being checked (say Neo4j is down), their problems are reported first, as a
    validate-then-write loader would.
    """
    t0 = time.perf_counter()
    dataset = StreamedDataset(directory)

    def files() -> list[FileInfo]:
        return [file_info(dataset.directory / f"{name}.csv", len(dataset[name])) for name in dataset]

    try:
        summary = load_tables(db, dataset, files, source_dir=str(directory), batch_size=batch_size,
                              progress=progress)
    except Exception:
        failure = dataset.failure()
        if isinstance(failure, ValidationError):
            raise failure from None
        raise
    summary.seconds = time.perf_counter() - t0
    summary.validate_seconds = dataset.seconds
    return summary


def load_source(db: Database, source: str, file: Path, raw_dir: Path, *, batch_size: int = 5000,
                progress: Progress | None = None) -> LoadSummary:
    """Load a newer raw export of one source directly (``ogpnet load --source NAME FILE``).

    The dataset is rebuilt from ``raw_dir`` with ``file`` in place of that
    source's file, into a temporary folder, then validated and loaded like any
    dataset; ``data/`` is left unchanged (run ``ogpnet data build`` to refresh it).
    """
    import tempfile

    from graph.errors import ConfigError
    from loaders.build import SOURCE_FILES, build_dataset

    if source not in SOURCE_FILES:
        raise ConfigError(f"unknown source {source!r}", hint=f"use one of {', '.join(SOURCE_FILES)}")
    with tempfile.TemporaryDirectory(prefix="ogpnet-source-") as tmp:
        out = Path(tmp) / "dataset"
        build_dataset(raw_dir, out, {SOURCE_FILES[source]: file})
        return load_directory(db, out, batch_size=batch_size, progress=progress)
