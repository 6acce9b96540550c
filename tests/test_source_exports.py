"""A newer raw export (`ogpnet load --source NAME FILE`) is checked before it is used.

Each damage class below, applied to the real bundled export of each replaceable source, must be refused with
a located ValidationError (exit code 2) before anything is written; an unmodified export must build. The graph
side (the shrink guard and "nothing written") is tested against the real Neo4j in test_load_real.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.settings import Settings
from loaders.build.dataset import RAW_FILES, SOURCE_FILES
from loaders.build.plausibility import EXPECTATIONS, check_shrink
from loaders.load.directory import build_source
from model.errors import ValidationError

FUZZ_EXAMPLES = int(os.environ.get("OGPNET_FUZZ_EXAMPLES", "400" if os.environ.get("OGPNET_SOAK") else "25"))
#: Another source's export for each source: the "wrong kind of file" case (same form: CSV for CSV, JSON for JSON).
OTHER = {"ogp-commitments": "obs", "obs": "open-ownership", "open-ownership": "ogp-commitments", "ocp": "gdb",
         "gdb": "ocp"}


@pytest.fixture(scope="module")
def raw() -> Path:
    path = Settings.from_env().raw_dir
    assert (path / "raw").is_dir(), f"raw data missing at {path}: set OGPNET_RAW_DIR (tests never skip)"
    return path


def export_of(raw: Path, source: str) -> Path:
    return raw / "raw" / RAW_FILES[SOURCE_FILES[source]]


def _garbage_values(text: str, form: str) -> str:
    """Every value replaced by text no parser can read; the layout (header, keys) kept."""
    if form == "csv":
        rows = list(csv.reader(io.StringIO(text, newline="")))
        out = io.StringIO()
        csv.writer(out).writerows([rows[0], *[["zz~" for _ in row] for row in rows[1:]]])
        return out.getvalue()
    return json.dumps([{k: "zz~" for k in item} for item in json.loads(text)])


def _header_only(text: str, form: str) -> str:
    return text.splitlines(keepends=True)[0] if form == "csv" else "[]"


def _truncated(text: str, form: str) -> str:
    return text[: len(text) * 2 // 5]


DAMAGES: dict[str, Callable[[Path, str, Path], bytes]] = {
    "empty": lambda raw, source, path: b"",
    "header only": lambda raw, source, path: _header_only(path.read_text("utf-8"),
                                                          EXPECTATIONS[source].form).encode(),
    "binary": lambda raw, source, path: bytes(range(256)) * 40,
    "truncated": lambda raw, source, path: _truncated(path.read_text("utf-8"), EXPECTATIONS[source].form).encode(),
    "another source's export": lambda raw, source, path: export_of(raw, OTHER[source]).read_bytes(),
    "garbage values": lambda raw, source, path: _garbage_values(path.read_text("utf-8"),
                                                                EXPECTATIONS[source].form).encode(),
    "an object, not a table": lambda raw, source, path: b'{"data": []}',
}


@pytest.mark.parametrize("damage", list(DAMAGES))
@pytest.mark.parametrize("source", sorted(SOURCE_FILES))
def test_a_damaged_export_is_refused_before_anything_is_written(source: str, damage: str, raw: Path,
                                                               tmp_path: Path) -> None:
    original = export_of(raw, source)
    bad = tmp_path / original.name
    bad.write_bytes(DAMAGES[damage](raw, source, original))
    out = tmp_path / "out"
    with pytest.raises(ValidationError) as caught:
        build_source(source, bad, raw, out)
    error = caught.value
    assert error.exit_code == 2
    assert error.problems and all(p.file == bad.name for p in error.problems), [str(p) for p in error.problems]
    assert bad.name in error.message or any(bad.name in str(p) for p in error.problems)
    assert not out.exists()


@pytest.mark.parametrize("source", sorted(SOURCE_FILES))
def test_an_unmodified_export_builds(source: str, raw: Path, tmp_path: Path) -> None:
    original = export_of(raw, source)
    copy = tmp_path / "newer" / original.name
    copy.parent.mkdir()
    shutil.copyfile(original, copy)
    report = build_source(source, copy, raw, tmp_path / "out")
    assert report.contributions[EXPECTATIONS[source].source_id]
    bundled = (Path(__file__).resolve().parent.parent / "data" / "signals.csv").read_text("utf-8")
    assert (tmp_path / "out" / "signals.csv").read_text("utf-8") == bundled  # the same export: the same data


def test_the_shrink_guard_counts_per_table() -> None:
    check_shrink("ocp", Path("all.json"), {"signals": 100, "engagements": 40}, {"signals": 81, "engagements": 32},
                 allow_shrink=False)  # 19% and 20% fewer: allowed
    with pytest.raises(ValidationError) as caught:
        check_shrink("ocp", Path("all.json"), {"signals": 100, "engagements": 40},
                     {"signals": 100, "engagements": 31}, allow_shrink=False)
    assert [(p.column, p.reason.split()[2]) for p in caught.value.problems] == [("engagements", "9")]
    check_shrink("ocp", Path("all.json"), {"signals": 100}, {}, allow_shrink=True)  # confirmed by the user


@pytest.mark.parametrize("source", sorted(SOURCE_FILES))
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_damage_is_refused_or_builds_never_a_surprise(source: str, data: st.DataObject, raw: Path,
                                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    """Cut, deleted lines, flipped bytes or repeated lines in a real export: a located refusal (exit 2) and nothing
    written, or a build whose source still gives at least the plausible share of its records."""
    original = export_of(raw, source).read_bytes()
    lines = original.splitlines(keepends=True)
    kind = data.draw(st.sampled_from(["cut", "drop lines", "flip bytes", "repeat lines"]))
    if kind == "cut":
        damaged = original[: data.draw(st.integers(0, len(original)))]
    elif kind == "drop lines":
        drop = set(data.draw(st.lists(st.integers(0, len(lines) - 1), max_size=len(lines))))
        damaged = b"".join(line for i, line in enumerate(lines) if i not in drop)
    elif kind == "flip bytes":
        buf = bytearray(original)
        for at in data.draw(st.lists(st.integers(0, len(buf) - 1), min_size=1, max_size=50)):
            buf[at] = data.draw(st.integers(0, 255))
        damaged = bytes(buf)
    else:
        at = data.draw(st.integers(0, len(lines) - 1))
        damaged = b"".join(lines[:at + 1] + lines[at:at + 1] * data.draw(st.integers(1, 5)) + lines[at + 1:])
    work = tmp_path_factory.mktemp("damaged")
    bad = work / RAW_FILES[SOURCE_FILES[source]]
    bad.write_bytes(damaged)
    out = work / "out"
    try:
        report = build_source(source, bad, raw, out)
    except ValidationError as e:
        assert e.exit_code == 2 and e.problems and not out.exists()
        assert all(p.file == bad.name for p in e.problems)
    else:
        assert (out / "members.csv").is_file()
        assert report.contributions.get(EXPECTATIONS[source].source_id)
