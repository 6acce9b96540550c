"""The project's local Neo4j: start/stop/status, loopback only, auth, clear errors."""

from __future__ import annotations

import os
import secrets
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from graph.db import Database
from graph.server import LocalServer, find_java, free_port, java_major, parse_java_version
from graph.settings import REPO_ROOT
from model.errors import DatabaseError, DatabaseUnavailable, ServerError

pytestmark = pytest.mark.integration
OGPNET = str(REPO_ROOT / ".venv" / "bin" / "ogpnet")


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a LISTEN socket on ``port``, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, _, st = line.split()[1:4]
            addr, hexport = local.split(":")
            if st == "0A" and int(hexport, 16) == port:
                raw = bytes.fromhex(addr)
                if len(raw) == 4:
                    found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:  # /proc prints IPv6 as four little-endian 32-bit words
                    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


def test_listens_on_loopback_only(neo4j_server: LocalServer) -> None:
    for port in (neo4j_server.bolt_port, neo4j_server.http_port):
        addrs = listening_addresses(port)
        assert addrs, f"nothing listens on {port}"
        assert addrs <= {"127.0.0.1", "::ffff:127.0.0.1"}, addrs


def test_wrong_password_is_refused(neo4j_server: LocalServer) -> None:
    with GraphDatabase.driver(neo4j_server.uri, auth=("neo4j", "not-the-password")) as driver:
        with pytest.raises(AuthError):
            driver.verify_connectivity()


def test_password_file_is_private_and_long(neo4j_server: LocalServer) -> None:
    mode = stat.S_IMODE(neo4j_server.password_file.stat().st_mode)
    assert mode == 0o600
    assert len(neo4j_server.password()) >= 16
    assert neo4j_server.password() not in neo4j_server.log_tail(10_000)
    assert_private(neo4j_server.state_dir)  # the store, the auth file and the logs too


def assert_private(folder: Path) -> None:
    """Folders 0700 and files 0600 (or stricter) all the way down: nothing readable by other users."""
    loose = []
    for root, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            path = Path(root) / name
            if not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) & 0o077:
                loose.append(f"{path.relative_to(folder)} {oct(stat.S_IMODE(path.stat().st_mode))}")
    assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0
    assert not loose, loose[:10]


def _watch_arguments(password: bytes, seen: dict[str, int], stop: threading.Event) -> None:
    """Read every process's arguments and environment from /proc every 20 ms until ``stop``; count the readings
    that hold the password and those of the password step."""
    while not stop.is_set():
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                for part in ("cmdline", "environ"):
                    try:
                        text = (proc / part).read_bytes()
                    except OSError:
                        continue
                    seen["set-initial-password"] += b"set-initial-password" in text
                    seen["password"] += password in text
        time.sleep(0.02)


def test_read_access_mode_refuses_writes(database: Database) -> None:
    with pytest.raises(DatabaseError, match="read access mode|AccessMode"):
        database.read("CREATE (n:ShouldNotExist) RETURN n")
    assert database.read("MATCH (n:ShouldNotExist) RETURN count(n) AS n")[0]["n"] == 0


def test_second_server_on_same_store_gets_lock_message(neo4j_server: LocalServer, tmp_path: Path) -> None:
    # Same data folder, other ports, and no pid file telling it the first one runs.
    clone = LocalServer(state_dir=neo4j_server.state_dir, cache_dir=neo4j_server.cache_dir,
                        bolt_port=free_port(), http_port=free_port(), heap="512m",
                        tx_memory="256m")
    saved = neo4j_server.pid_file.read_text()
    neo4j_server.pid_file.unlink()
    try:
        with pytest.raises(ServerError, match="locked by another Neo4j process"):
            clone.start()
    finally:
        neo4j_server.pid_file.write_text(saved)
    assert neo4j_server.is_running()


def test_busy_port_gets_port_message(neo4j_server: LocalServer, tmp_path: Path) -> None:
    other = LocalServer(state_dir=tmp_path / "state", cache_dir=neo4j_server.cache_dir,
                        bolt_port=neo4j_server.bolt_port, http_port=free_port())
    with pytest.raises(ServerError, match=f"port {neo4j_server.bolt_port} on 127.0.0.1 is already in use"):
        other.start()


def test_java_25_is_never_chosen() -> None:
    temurin = Path("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
    if temurin.exists():  # on machines that have it, asking for it explicitly is refused
        assert java_major(str(temurin)) == 25
        with pytest.raises(ServerError, match="no Java 17 or 21"):
            find_java(str(temurin))
    assert java_major(find_java()) in (17, 21)
    assert parse_java_version('openjdk version "21.0.2" 2024-01-16') == 21


def test_cli_lifecycle(tmp_path: Path, neo4j_server: LocalServer) -> None:
    """`ogpnet db start|status|stop` on a fresh state folder, as README shows."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(OGPNET_STATE_DIR=str(tmp_path / "state"), OGPNET_BOLT_PORT=str(free_port()),
               OGPNET_HTTP_PORT=str(free_port()), OGPNET_NEO4J_HEAP="512m", OGPNET_NEO4J_TX_MEMORY="256m")
    def ogpnet(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([OGPNET, *args], env=env, capture_output=True, text=True, timeout=300)

    assert ogpnet("db", "status").returncode != 0
    state = tmp_path / "state"
    state.mkdir()
    password = secrets.token_urlsafe(24)  # known beforehand, so the watcher can look for it
    (state / "password").write_text(password + "\n")
    (state / "password").chmod(0o600)
    seen: dict[str, int] = {"password": 0, "set-initial-password": 0}
    stop = threading.Event()
    watcher = threading.Thread(target=_watch_arguments, args=(password.encode(), seen, stop), daemon=True)
    watcher.start()
    try:
        started = ogpnet("db", "start")
    finally:
        stop.set()
        watcher.join()
    assert started.returncode == 0, started.stderr
    uri = f"bolt://127.0.0.1:{env['OGPNET_BOLT_PORT']}"
    assert started.stdout.strip() == uri
    assert password not in started.stdout + started.stderr
    # the first start sets the password: it never shows in any process's arguments or environment
    assert seen["set-initial-password"], "the watcher missed the password step"
    assert seen["password"] == 0
    assert_private(state)
    status = ogpnet("db", "status")
    assert status.returncode == 0 and status.stdout.strip() == uri
    assert "5.26" in status.stderr
    assert listening_addresses(int(env["OGPNET_BOLT_PORT"])) <= {"127.0.0.1", "::ffff:127.0.0.1"}
    assert ogpnet("db", "password").stdout.strip() == password
    assert "Started" in ogpnet("db", "logs").stdout
    stopped = ogpnet("db", "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert ogpnet("db", "status").returncode != 0


def test_cli_with_neo4j_uri_uses_that_server(neo4j_env: dict[str, str]) -> None:
    out = subprocess.run([OGPNET, "db", "start"], env=neo4j_env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "not needed" in out.stdout
    status = subprocess.run([OGPNET, "db", "status"], env=neo4j_env, capture_output=True, text=True, timeout=60)
    assert status.returncode == 0 and status.stdout.strip() == neo4j_env["NEO4J_URI"]


def test_cli_status_fails_clearly_when_server_is_down() -> None:
    env = {**os.environ, "NEO4J_URI": f"bolt://127.0.0.1:{free_port()}", "NEO4J_PASSWORD": "x" * 20}
    out = subprocess.run([OGPNET, "db", "status"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == DatabaseUnavailable.exit_code
    assert out.stderr.startswith("error: Neo4j is not reachable") and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "ogpnet db start" in out.stderr
