"""The benchmark's synthetic datasets: valid canonical data, deterministic by seed, linear in the scale."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.synthetic import (
    CONFIDENCE_MIX,
    KIND_MIX,
    SECTOR_MIX,
    STATUS_MIX,
    dataset_rows,
    generate,
    main,
    write_dataset,
)
from loaders.load.validate import validate_dataset
from model.schema import CONFIDENCE, CONSORTIUM_KINDS, MEMBER_STATUSES, SECTORS, TABLES

REPO = Path(__file__).resolve().parent.parent


def test_small_scale_validates(tmp_path: Path) -> None:
    counts = write_dataset(generate(0.5, seed=3), tmp_path)
    dataset = validate_dataset(tmp_path)
    assert dataset.counts() == counts
    assert all(counts[t.name] > 0 for t in TABLES)
    for spec in TABLES:
        header = (tmp_path / f"{spec.name}.csv").read_text(encoding="utf-8").split("\n", 1)[0]
        assert header == ",".join(spec.column_names)


def test_local_members_take_over_when_iso3_codes_run_out() -> None:
    members = generate(3, seed=1)["members"]  # 432 members, more than the ~250 ISO-3 codes
    levels = [m["level"] for m in members]
    assert levels.count("national") <= 250 and levels.count("local") > 150
    local = next(m for m in members if m["level"] == "local")
    assert local["id"].startswith(local["parent_iso3"] + "-") and local["iso3"] == local["parent_iso3"]


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        assert main(["--scale", "0.5", "--seed", str(seed), "--out", str(tmp_path / name)]) == 0
    for spec in TABLES:
        a, b, c = ((tmp_path / d / f"{spec.name}.csv").read_bytes() for d in "abc")
        assert a == b
    assert (tmp_path / "a" / "engagements.csv").read_bytes() != (tmp_path / "c" / "engagements.csv").read_bytes()


def test_row_counts_scale_linearly() -> None:
    one, four = ({k: len(v) for k, v in generate(s, seed=1).items()} for s in (1, 4))
    assert 3.4 < sum(four.values()) / sum(one.values()) < 4.6
    for table in ("members", "organisations", "consortia"):
        assert four[table] == 4 * one[table]
    for table in ("commitments", "commitment_themes", "engagements", "memberships", "signals"):
        assert 2.8 < four[table] / one[table] < 5.2, table


def test_scale_one_is_about_the_bundled_data() -> None:
    bundled = dataset_rows(REPO / "data")
    synthetic = {k: len(v) for k, v in generate(1, seed=1).items()}
    assert 0.8 < sum(synthetic.values()) / sum(bundled.values()) < 1.25
    for table, n in bundled.items():
        assert n / 2 <= synthetic[table] <= 2 * n, table


@pytest.mark.parametrize(("mix", "choices"), [(SECTOR_MIX, SECTORS), (STATUS_MIX, MEMBER_STATUSES),
                                              (KIND_MIX, CONSORTIUM_KINDS)])
def test_mixes_use_the_schema_choices(mix: dict[str, int], choices: tuple[str, ...]) -> None:
    assert set(mix) <= set(choices)


def test_confidence_mixes_use_the_schema_choices() -> None:
    for mix in CONFIDENCE_MIX.values():
        assert set(mix) <= {*CONFIDENCE, ""}
