"""Hostile input: fuzzed raw files and CLI arguments, injection attempts.

Every bad input must end in the project's own clear error (or a normal answer), never a traceback, and
text that looks like Cypher or a spreadsheet formula stays plain text.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.db import Database
from graph.settings import Settings
from loaders.build.dataset import RAW_FILES, SOURCE_FILES, BuildError, build_dataset
from model.errors import EXIT_CODES, INTERNAL_ERROR
from ogpnet.cli import main

FUZZ_EXAMPLES = int(os.environ.get("OGPNET_FUZZ_EXAMPLES", "400" if os.environ.get("OGPNET_SOAK") else "40"))


@pytest.fixture(scope="module")
def raw_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = Settings.from_env().raw_dir
    assert (src / "raw").is_dir(), f"raw data missing at {src}: set OGPNET_RAW_DIR (tests never skip)"
    dst = tmp_path_factory.mktemp("raw") / "ogp"
    shutil.copytree(src, dst)
    for p in dst.rglob("*"):
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    return dst


GARBAGE = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.text(max_size=30), max_size=30).map(lambda xs: ",".join(xs).encode("utf-8", "surrogatepass")),
    st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                 lambda c: st.lists(c, max_size=5) | st.dictionaries(st.text(max_size=10), c, max_size=5),
                 max_leaves=30).map(lambda j: __import__("json").dumps(j).encode()),
)


@pytest.mark.parametrize("source", sorted(SOURCE_FILES))
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=GARBAGE)
def test_fuzzed_raw_export_gives_a_clear_error_or_a_dataset(source: str, content: bytes, raw_copy: Path,
                                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    """A corrupted raw export of each source: BuildError naming the problem, and nothing half-written."""
    work = tmp_path_factory.mktemp("fuzz")
    bad = work / RAW_FILES[SOURCE_FILES[source]]
    bad.write_bytes(content)
    out = work / "out"
    try:
        build_dataset(raw_copy, out, {SOURCE_FILES[source]: bad})
    except BuildError as e:
        assert str(e) and not out.exists()
    else:
        assert (out / "members.csv").is_file()


INJECTIONS = [
    "KEN' OR 1=1 //", "KEN\"}) MATCH (n) DETACH DELETE n //", "`; DROP CONSTRAINT member_id", "$param",
    "../../etc/passwd", "=HYPERLINK(\"http://x\",\"y\")", "\x00", "🙂", "a" * 5000,
]


@pytest.fixture(scope="module")
def cli_env(neo4j_env: dict[str, str], bundled_database: Database) -> dict[str, str]:
    return neo4j_env


def _invoke(env: dict[str, str], args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args!r} raised {result.exception!r}") from result.exception
    return result.exit_code, result.output


@pytest.mark.integration
@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_attempts_in_cli_parameters_are_plain_text(value: str, cli_env: dict[str, str],
                                                            database: Database) -> None:
    before = database.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    for args in (["gaps", "--member", value], ["gaps", "--region", value], ["partners", "--like", value],
                 ["partners", "--theme", "open_data", "--member", value],
                 ["coalition", "--theme", "open_data", "--size", "2", "--region", value]):
        code, output = _invoke(cli_env, args)
        assert code != 0 and "unknown" in output.lower(), (args, output)
    assert database.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == before


@pytest.mark.integration
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=st.lists(st.one_of(
    st.sampled_from(["gaps", "brokers", "partners", "coalition", "summary", "--theme", "--member", "--region",
                     "--status", "--size", "--top", "--format", "--like", "--group-by", "--min-sectors", "json",
                     "csv", "open_data", "KEN", "3", "-1", "0", "all", "gap"]),
    st.text(max_size=20)), max_size=8))
def test_fuzzed_cli_arguments_never_crash(args: list[str], cli_env: dict[str, str]) -> None:
    code, output = _invoke(cli_env, args)
    assert code in EXIT_CODES and code != INTERNAL_ERROR, output  # 70 would be a bug
