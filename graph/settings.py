"""Every setting of the project, declared once as data (name, default, help).

Settings are read from the environment at entry points only (the CLI, the
dashboard, the test session): library functions receive values, never read the
environment themselves. ``tests/test_docs.py`` fails when a setting here is not
documented in README.md.

>>> s = Settings.from_env({"NEO4J_USER": "alice"})
>>> s.neo4j_user, s.bolt_port
('alice', 7687)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.config import AnalysisConfig

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    help: str
    type: type = str
    range: tuple[int, int] | None = None  # whole numbers: the accepted range
    pattern: str | None = None  # text: a regular expression the whole value must match (when not blank)
    rule: str = ""  # the pattern in words, for the error


_MEMORY = r"[0-9]+[kKmMgG]?"
_MEMORY_RULE = "a size such as 512m or 2g"
_PORT = (1, 65535)


SETTINGS: tuple[Setting, ...] = (
    Setting("NEO4J_URI", "", "Bolt URI of an existing server (own, Docker, Aura). Empty: use the local server "
            "managed by `ogpnet db start` at bolt://127.0.0.1:$OGPNET_BOLT_PORT.",
            pattern=r"(bolt|neo4j)(\+s|\+ssc)?://[^\s/:]+(:[0-9]{1,5})?/?",
            rule="bolt://host:port or neo4j://host:port (also bolt+s, bolt+ssc, neo4j+s, neo4j+ssc)"),
    Setting("NEO4J_USER", "neo4j", "User name."),
    Setting("NEO4J_PASSWORD", "", "Password. Empty with the local server: the generated one in "
            "$OGPNET_STATE_DIR/password (mode 0600)."),
    Setting("NEO4J_DATABASE", "neo4j", "Database name (Community has one user database, `neo4j`)."),
    Setting("OGPNET_STATE_DIR", str(REPO_ROOT / ".neo4j" / "state"),
            "Local server state: config, data, logs, pid and password files (git-ignored)."),
    Setting("OGPNET_CACHE_DIR", str(REPO_ROOT / ".neo4j"),
            "Where the Neo4j jars fetched by Maven are cached (git-ignored), one folder per version."),
    Setting("OGPNET_BOLT_PORT", "7687", "Bolt port of the local server (127.0.0.1 only).", int, _PORT),
    Setting("OGPNET_HTTP_PORT", "7474", "HTTP port of the local server (127.0.0.1 only).", int, _PORT),
    Setting("OGPNET_JAVA", "", "Java 17 or 21 binary for the local server. Empty: found automatically "
            "(JAVA_HOME, PATH, /usr/lib/jvm); Java 25 is never used, Neo4j 5.26 does not support it."),
    Setting("OGPNET_NEO4J_HEAP", "2g", "JVM heap of the local server (-Xms/-Xmx).", pattern=_MEMORY,
            rule=_MEMORY_RULE),
    Setting("OGPNET_NEO4J_PAGECACHE", "256m", "Page cache of the local server.", pattern=_MEMORY, rule=_MEMORY_RULE),
    Setting("OGPNET_NEO4J_TX_MEMORY", "1g", "Memory limit for all transactions of the local server "
            "(a load is one transaction, ~4 KiB per row); must be smaller than the heap.", pattern=_MEMORY,
            rule=_MEMORY_RULE),
    Setting("OGPNET_START_TIMEOUT", "180", "Seconds to wait for the local server to answer on Bolt.", int,
            (1, 86_400)),
    Setting("OGPNET_BATCH_SIZE", "5000", "Rows per UNWIND batch when loading.", int, (1, 1_000_000)),
    Setting("OGPNET_DATA_DIR", str(REPO_ROOT / "data"), "The canonical dataset (CSV files) that `ogpnet load` reads."),
    Setting("OGPNET_USER_DATA_DIR", str(REPO_ROOT / "user-data"),
            "The user dataset: partners' intake returns (`ogpnet intake import`), one folder per submission, "
            "merged with OGPNET_DATA_DIR by `ogpnet load` (git-ignored; never inside the bundled data/)."),
    Setting("OGPNET_RAW_DIR", str(REPO_ROOT.parent / "shared" / "data" / "ogp"),
            "Folder with raw/ and reference/ (the real public data) that `ogpnet data build` reads."),
    Setting("OGPNET_DASHBOARD_PORT", "8501", "Port of the Streamlit dashboard (127.0.0.1 only).", int, _PORT),
)

_BY_ENV = {s.env: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build with :meth:`from_env`."""

    neo4j_uri: str
    neo4j_user: str
    neo4j_password: str
    neo4j_database: str
    state_dir: Path
    cache_dir: Path
    bolt_port: int
    http_port: int
    java: str
    neo4j_heap: str
    neo4j_pagecache: str
    neo4j_tx_memory: str
    start_timeout: int
    batch_size: int
    data_dir: Path
    user_data_dir: Path
    raw_dir: Path
    dashboard_port: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every setting from ``env`` (default: ``os.environ``), falling back to defaults."""
        from model.errors import ConfigError, shown

        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f, setting in zip(fields(cls), SETTINGS, strict=True):
            raw = env.get(setting.env, "") or setting.default
            if f.type in ("Path",):
                if "\x00" in raw:
                    raise ConfigError(f"{setting.env}={shown(raw)} is not a usable path",
                                      hint=f"set {setting.env} to a folder path or unset it")
                values[f.name] = Path(raw).expanduser()
            elif setting.type is int:
                try:
                    number = int(raw.strip()) if len(raw) <= 12 else None
                except ValueError:
                    number = None
                low, high = setting.range or (-(2**63), 2**63 - 1)
                if number is None or not low <= number <= high:
                    raise ConfigError(f"{setting.env}={shown(raw)} is not a whole number from {low} to {high}",
                                      hint=f"set {setting.env} to such a number or unset it")
                values[f.name] = number
            else:
                if setting.pattern and raw and not re.fullmatch(setting.pattern, raw):
                    raise ConfigError(f"{setting.env}={shown(raw)} is not {setting.rule}",
                                      hint=f"set {setting.env} to {setting.rule}, or unset it")
                values[f.name] = raw
        return cls(**values)  # type: ignore[arg-type]

    @property
    def uses_local_server(self) -> bool:
        """True when no ``NEO4J_URI`` is given and the project's own server is used."""
        return not self.neo4j_uri

    @property
    def bolt_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.bolt_port}"


def setting(env: str) -> Setting:
    """Look up a declared setting by its environment variable name."""
    return _BY_ENV[env]


def _analysis_settings() -> tuple[Setting, ...]:
    from model.config import AnalysisConfig

    out = []
    for name, default, help_text in AnalysisConfig.describe():
        text = ",".join(default) if isinstance(default, tuple) else str(default).lower() \
            if isinstance(default, bool) else str(default)
        out.append(Setting(f"OGPNET_{name.upper()}", text, help_text))
    return tuple(out)


#: Thresholds, weights, limits and seeds of the analyses (graph/analysis/config.py), one variable each.
ANALYSIS_SETTINGS: tuple[Setting, ...] = _analysis_settings()
ALL_SETTINGS: tuple[Setting, ...] = SETTINGS + ANALYSIS_SETTINGS


def analysis_config(env: Mapping[str, str] | None = None) -> AnalysisConfig:
    """The analysis configuration: defaults overridden by ``OGPNET_<NAME>`` variables.

    >>> analysis_config({"OGPNET_REDUNDANT_K": "5"}).redundant_k
    5
    """
    from model.config import AnalysisConfig
    from model.errors import ConfigError

    env = os.environ if env is None else env
    values = {s.env[len("OGPNET_"):].lower(): env[s.env] for s in ANALYSIS_SETTINGS if env.get(s.env)}
    try:
        return AnalysisConfig.from_mapping(values)
    except ValueError as e:
        raise ConfigError(f"analysis setting: {e}", hint="see the analysis settings table in README") from e
