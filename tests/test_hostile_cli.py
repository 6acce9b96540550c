"""Every command with hostile arguments and settings: one line with what to do, the documented exit code, never a
traceback, nothing written.

Each case is (id, arguments, settings, expected exit code, a fragment of the message). The cases run in-process
through click's runner against the test server loaded with the bundled data (``{data}``, ``{tmp}`` and
``{export}`` in arguments are filled in), so a Python exception escaping a command fails the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.db import Database
from graph.dump import dump_text
from graph.settings import REPO_ROOT, Settings
from model.errors import EXIT_CODES, INTERNAL_ERROR
from ogpnet.cli import main

pytestmark = pytest.mark.integration

LONG = "x" * 100_000
ESCAPE = "\x1b]0;owned\x07\x1b[31mred"
FORGED = "KEN\nerror: everything is fine"

CASES: list[tuple[str, list[str], dict[str, str], int, str]] = [
    # -- names: members, themes, regions, organisations, consortia --------------------------------------------
    ("member lower case", ["gaps", "--member", "ken"], {}, 2, "did you mean KEN"),
    ("member by name", ["gaps", "--member", "Kenya"], {}, 2, "KEN"),
    ("withdrawn member", ["partners", "--theme", "beneficial_ownership", "--member", "TZA"], {}, 2, "withdrawn"),
    ("unknown member", ["coalition", "--theme", "open_data", "--size", "2", "--member", "XXX"], {}, 2, "unknown"),
    ("theme by name", ["gaps", "--theme", "Open data"], {}, 2, "open_data"),
    ("unknown theme", ["partners", "--theme", "opendata"], {}, 2, "did you mean"),
    ("unknown region", ["gaps", "--region", "Atlantis"], {}, 2, "unknown region"),
    ("region wrong case", ["coalition", "--theme", "open_data", "--size", "2", "--region", "europe"], {}, 2,
     "Europe"),
    ("unknown organisation", ["partners", "--like", "open_ownership"], {}, 2, "open-ownership"),
    ("unknown consortium", ["gaps", "--remove-consortium", "no-such-group"], {}, 2, "unknown consortium"),
    ("unknown removed organisation", ["gaps", "--remove-organisation", "nobody"], {}, 2, "unknown organisation"),
    ("long member", ["gaps", "--member", LONG], {}, 2, "…"),
    ("escape sequence in a name", ["gaps", "--member", ESCAPE], {}, 2, "\\x1b"),
    ("newline forging a line", ["gaps", "--member", FORGED], {}, 2, "\\n"),
    ("empty member", ["gaps", "--member", ""], {}, 2, "unknown"),
    ("null byte", ["partners", "--theme", "open_data\x00"], {}, 2, "\\x00"),
    # -- numbers and choices ---------------------------------------------------------------------------------
    ("size 0", ["coalition", "--theme", "open_data", "--size", "0", "--region", "Europe"], {}, 2, "size"),
    ("size huge", ["coalition", "--theme", "open_data", "--size", "99999999999999999999", "--region", "Europe"],
     {}, 2, "size"),
    ("top negative", ["brokers", "--top", "-3"], {}, 2, "top"),
    ("top text", ["partners", "--theme", "open_data", "--top", "ten"], {}, 2, "top"),
    ("min sectors 9", ["coalition", "--theme", "open_data", "--size", "2", "--min-sectors", "9"], {}, 2,
     "min-sectors"),
    ("unknown status", ["gaps", "--status", "gaps"], {}, 2, "status"),
    ("unknown format", ["summary", "--format", "xml"], {}, 2, "format"),
    ("unknown grouping", ["brokers", "--group-by", "colour"], {}, 2, "group-by"),
    ("unknown sector", ["partners", "--theme", "open_data", "--sector", "church"], {}, 2, "sector"),
    ("as-of garbage", ["summary", "--as-of", "last year"], {}, 2, "as-of"),
    ("as-of month 13", ["gaps", "--as-of", "2020-13"], {}, 2, "as-of"),
    ("as-of year 0", ["brokers", "--as-of", "0000"], {}, 2, "as-of"),
    ("as-of before OGP", ["summary", "--as-of", "1900"], {}, 2, "2011"),
    ("coalition without scope", ["coalition", "--theme", "open_data", "--size", "2", "--member", "KEN",
                                 "--region", "Europe"], {}, 2, ""),
    ("partners without theme", ["partners"], {}, 2, "--theme"),
    ("unknown command", ["gapz"], {}, 2, "No such command"),
    ("screen unknown theme", ["screen", "--theme", "beneficial ownership"], {}, 2, "beneficial_ownership"),
    ("screen empty scope", ["screen", "--theme", "open_data", "--region", "Antarctica"], {}, 2, "unknown region"),
    ("screen both scopes", ["screen", "--theme", "open_data", "--region", "Europe", "--member", "KEN"], {}, 2,
     "not both"),
    ("screen impossible threshold", ["screen", "--theme", "open_data"], {"OGPNET_SCREEN_MIN_EXPERTISE": "1.5"}, 78,
     "screen_min_expertise"),
    ("unknown role", ["partners", "--theme", "open_data", "--role", "donor"], {}, 2, "role"),
    ("report screen unknown theme", ["report", "screen", "--theme", "nope", "--out", "{tmp}/s.xlsx"], {}, 2,
     "nope"),
    # -- files ------------------------------------------------------------------------------------------------
    ("save into a missing folder", ["gaps", "--save", "{tmp}/missing/cells.json"], {}, 73, "does not exist"),
    ("save onto a folder", ["gaps", "--save", "{tmp}"], {}, 2, "directory"),
    ("save with a name too long", ["gaps", "--save", "{tmp}/" + "n" * 300 + ".json"], {}, 73, ""),
    ("compare a missing file", ["gaps", "--compare", "{tmp}/none.json"], {}, 2, "none.json"),
    ("compare a malformed file", ["gaps", "--compare", "{tmp}/malformed.json"], {}, 2, "malformed.json"),
    ("compare a JSON of another shape", ["gaps", "--compare", "{tmp}/other.json"], {}, 2, "other.json"),
    ("report into a missing folder", ["report", "gaps", "--out", "{tmp}/missing/r.xlsx"], {}, 73,
     "does not exist"),
    ("report as a folder", ["report", "gaps", "--out", "{tmp}"], {}, 73, "directory"),
    ("report with an unknown suffix", ["report", "gaps", "--out", "{tmp}/r.pdfx"], {}, 2, "format"),
    ("report csv to .csv", ["report", "gaps", "--format", "csv", "--out", "{tmp}/r.csv"], {}, 2, "r.zip"),
    ("report unknown theme", ["report", "gaps", "--theme", "nope", "--out", "{tmp}/r.xlsx"], {}, 2, "nope"),
    ("brief on an unknown member", ["report", "member", "Kenia", "--out", "{tmp}/r.pdf"], {}, 2, "KEN"),
    ("brief on a withdrawn member", ["report", "member", "RUS", "--out", "{tmp}/r.pdf"], {}, 2, "RUS"),
    ("brief on an unknown theme", ["report", "theme", "astrology", "--out", "{tmp}/r.pdf"], {}, 2, "astrology"),
    ("brief without its member", ["report", "member", "--out", "{tmp}/r.pdf"], {}, 2, "MEMBER"),
    ("brief into a folder", ["report", "member", "KEN", "--out", "{tmp}"], {}, 73, "directory"),
    ("brief in an unknown format", ["report", "member", "KEN", "--format", "docx", "--out", "{tmp}/r.docx"], {}, 2,
     "docx"),
    ("brief on unknown paper", ["report", "theme", "climate", "--paper", "a3", "--out", "{tmp}/r.pdf"], {}, 2,
     "a3"),
    ("brief since a malformed file", ["report", "member", "KEN", "--since", "{tmp}/malformed.json", "--out",
                                      "{tmp}/r.pdf"], {}, 2, "malformed.json"),
    ("brief since a missing file", ["report", "theme", "climate", "--since", "{tmp}/none.json", "--out",
                                    "{tmp}/r.pdf"], {}, 2, "none.json"),
    ("load a missing folder", ["load", "{tmp}/none"], {}, 2, ""),
    ("load a file as a folder", ["load", "{tmp}/malformed.json"], {}, 2, ""),
    ("load --source without a file", ["load", "--source", "gdb", "{tmp}"], {}, 2, "FILE"),
    ("load --source empty file", ["load", "--source", "gdb", "{tmp}/empty.json"], {}, 2, "empty.json"),
    ("load --source header only", ["load", "--source", "ogp-commitments", "{tmp}/header.csv"], {}, 2,
     "header.csv"),
    ("load --source another source", ["load", "--source", "gdb", "{export}"], {}, 2, "required field"),
    ("allow-shrink without source", ["load", "--allow-shrink", "{data}"], {}, 2, "--source"),
    ("restore a missing file", ["db", "restore", "{tmp}/none.json"], {}, 2, ""),
    ("restore garbage", ["db", "restore", "{tmp}/malformed.json"], {}, 2, "not a readable ogpnet dump"),
    ("dump into a missing folder", ["db", "dump", "{tmp}/missing/d.json"], {}, 73, ""),
    ("build into a file", ["data", "build", "--out", "{tmp}/malformed.json"], {}, 2, "is a file"),
    # -- settings ---------------------------------------------------------------------------------------------
    ("batch size 0", ["load", "{data}"], {"OGPNET_BATCH_SIZE": "0"}, 78, "OGPNET_BATCH_SIZE"),
    ("batch size negative", ["load", "{data}"], {"OGPNET_BATCH_SIZE": "-5"}, 78, "OGPNET_BATCH_SIZE"),
    ("batch size text", ["load", "{data}"], {"OGPNET_BATCH_SIZE": "lots"}, 78, "OGPNET_BATCH_SIZE"),
    ("URI without scheme", ["summary"], {"NEO4J_URI": "localhost:7687"}, 78, "NEO4J_URI"),
    ("URI over http", ["summary"], {"NEO4J_URI": "http://localhost:7474"}, 78, "NEO4J_URI"),
    ("URI with spaces", ["summary"], {"NEO4J_URI": "bolt://local host"}, 78, "NEO4J_URI"),
    ("unreachable server", ["summary"], {"NEO4J_URI": "bolt://127.0.0.1:1"}, 69, ""),
    ("bolt port 0", ["db", "status"], {"OGPNET_BOLT_PORT": "0"}, 78, "OGPNET_BOLT_PORT"),
    ("heap garbage", ["db", "status"], {"OGPNET_NEO4J_HEAP": "lots"}, 78, "OGPNET_NEO4J_HEAP"),
    ("weight NaN", ["summary"], {"OGPNET_WEIGHT_PRESENCE": "nan"}, 78, "weight_presence"),
    ("weight infinite", ["partners", "--theme", "open_data"], {"OGPNET_WEIGHT_EXPERTISE": "inf"}, 78,
     "weight_expertise"),
    ("negative threshold", ["gaps"], {"OGPNET_NEED_THRESHOLD": "-1"}, 78, "need_threshold"),
    ("status typo", ["summary"], {"OGPNET_MEMBER_STATUSES": "actve"}, 78, "member_statuses"),
    ("hops 7", ["gaps"], {"OGPNET_HOPS": "7"}, 78, "hops"),
    ("as-of setting garbage", ["summary"], {"OGPNET_AS_OF": "soon"}, 78, "as_of"),
    ("catalogue missing", ["summary"], {"OGPNET_CATALOGUE": "/nonexistent/catalogue.toml"}, 78, "catalogue"),
    ("catalogue malformed", ["summary"], {"OGPNET_CATALOGUE": "{tmp}/malformed.json"}, 78, "catalogue"),
]


@pytest.fixture(scope="module")
def prepared(bundled_database: Database, neo4j_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("hostile")
    (tmp / "malformed.json").write_text('{"nodes": [', encoding="utf-8")
    (tmp / "other.json").write_text(json.dumps({"command": "brokers", "rows": [{"a": 1}]}), encoding="utf-8")
    (tmp / "empty.json").write_bytes(b"")
    raw = Settings.from_env().raw_dir / "raw"
    header = (raw / "ogp-commitments__open_parliament_0703.csv").read_text(encoding="utf-8").splitlines()[0]
    (tmp / "header.csv").write_text(header + "\n", encoding="utf-8")
    return tmp, neo4j_env


@pytest.mark.parametrize(("args", "settings", "code", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_input_gets_one_clear_line(args: list[str], settings: dict[str, str], code: int, fragment: str,
                                           prepared: tuple[Path, dict[str, str]], bundled_database: Database
                                           ) -> None:
    tmp, env = prepared
    export = Settings.from_env().raw_dir / "raw" / "ocp-data__oc-status_all.json"
    filled = [a.replace("{tmp}", str(tmp)).replace("{data}", str(REPO_ROOT / "data"))
              .replace("{export}", str(export)) for a in args]
    before = dump_text(bundled_database, with_runs=True) if args[0] in ("load", "db") else None
    settings = {k: v.replace("{tmp}", str(tmp)) for k, v in settings.items()}
    result = CliRunner().invoke(main, filled, env={**env, **settings}, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args[:3]!r} raised {result.exception!r}") from result.exception
    output = result.output
    assert "Traceback" not in output
    assert result.exit_code == code, output[-600:]
    assert result.exit_code in EXIT_CODES and result.exit_code != INTERNAL_ERROR
    if code:
        assert fragment in output, output[-600:]
        assert len(output) < 20_000, "a long value must be abridged"
        assert "\x1b" not in output and "\x07" not in output, "control characters must be escaped"
        assert "\nerror: everything is fine" not in output, "a value must not forge a line"
    if before is not None:
        assert dump_text(bundled_database, with_runs=True) == before, "nothing may be written"
