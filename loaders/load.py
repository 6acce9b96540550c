"""``ogpnet load``: validate a canonical dataset directory completely, then write it in one transaction."""

from __future__ import annotations

from pathlib import Path

from graph.db import Database
from loaders.neo4j_writer import LoadSummary, Progress, file_info, load_tables
from loaders.validate import validate_dataset


def load_directory(db: Database, directory: Path, *, batch_size: int = 5000,
                   progress: Progress | None = None) -> LoadSummary:
    """Validate every file of ``directory`` (raising ValidationError, nothing written) and load it.

    Reading the files happens before the first write, so a dataset with any
    problem leaves the database exactly as it was.
    """
    dataset = validate_dataset(directory)
    files = [file_info(directory / f"{name}.csv", len(rows)) for name, rows in dataset.tables.items()]
    return load_tables(db, dataset.tables, files, source_dir=str(directory), batch_size=batch_size,
                       progress=progress)
