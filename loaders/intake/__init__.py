"""Partner intake: returned workbooks in, self-reported facts out (``ogpnet intake import``).

:func:`import_returns` reads each file (:mod:`loaders.intake.read`), checks it against the graph's facts and
builds its change summary (:mod:`loaders.intake.submission`), checks that the bundled dataset merged with every
earlier submission and these ones still validates, and only then writes each return as a new submission of the
user dataset. Any problem in any file: nothing is written.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path

from loaders.intake.read import UnreadableIntake, read_returned
from loaders.intake.submission import (
    Submission,
    check_returned,
    merged_dataset,
    submissions_of,
    write_submission,
    write_tables,
)
from model.catalogue import Catalogue
from model.errors import Problem, ValidationError
from model.facts import Facts

__all__ = ["UnreadableIntake", "import_returns", "load_folder", "submissions_of"]


def import_returns(paths: Sequence[Path], facts: Facts, catalogue: Catalogue, *, data_dir: Path, user_dir: Path,
                   dry_run: bool = False, today: dt.date | None = None) -> list[Submission]:
    """Check every returned file, then (unless ``dry_run``) write each as a submission of ``user_dir``.

    Raises
    ------
    UnreadableIntake
        A file that is not a readable intake workbook (exit 65); nothing written.
    ValidationError
        Every cell problem of every file, located ``file:sheet:row: column 'x'`` (exit 2); nothing written.
    """
    today = today or dt.date.today()
    earlier = submissions_of(user_dir)
    taken = {p.name for p in earlier}
    subs: list[Submission] = []
    problems: list[Problem] = []
    for path in paths:
        returned = read_returned(path)
        try:
            sub = check_returned(returned, facts, catalogue, today=today, taken=taken)
        except ValidationError as e:
            problems += e.problems
            continue
        taken.add(sub.source["id"])
        subs.append(sub)
    if problems:
        files = sorted({p.file.split(":")[0] for p in problems})
        raise ValidationError(problems, f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in "
                                        f"{', '.join(files)}",
                              hint="nothing was written; correct the cells listed (file:sheet:row) and import "
                                   "again")
    _check_merged(data_dir, earlier, subs)
    if not dry_run:
        imported = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for sub in subs:
            write_submission(sub, user_dir, imported=imported)
    return subs


def _check_merged(data_dir: Path, earlier: list[Path], subs: list[Submission]) -> None:
    """The dataset ``ogpnet load`` will read (bundled + earlier submissions + these) must validate."""
    from loaders.load.validate import validate_dataset

    with tempfile.TemporaryDirectory(prefix="ogpnet-intake-") as tmp:
        folders = list(earlier)
        for i, sub in enumerate(subs):
            folder = Path(tmp) / f"new-{i}"
            folder.mkdir()
            write_tables(sub, folder)
            folders.append(folder)
        validate_dataset(merged_dataset(data_dir, folders, Path(tmp) / "merged"))


def load_folder(data_dir: Path, user_dir: Path, tmp: Path) -> tuple[Path, list[Path]]:
    """The folder ``ogpnet load`` reads: ``data_dir`` itself when the user dataset has no submission, else the
    merge of both written under ``tmp``; and the submissions merged."""
    folders = submissions_of(user_dir)
    if not folders:
        return data_dir, []
    return merged_dataset(data_dir, folders, tmp / "merged"), folders
