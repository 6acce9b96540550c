"""The project's own Neo4j Community 5.26 server, run from Maven Central jars.

``LocalServer`` fetches the jars once (``mvn dependency:copy-dependencies`` over
the committed ``pom.xml``) into a cache folder, writes ``neo4j.conf`` into a
state folder, sets a generated password before the first start, starts one
foreground JVM (Java 17 or 21, chosen explicitly) detached from the caller,
and waits until Bolt answers ``RETURN 1``.

Every failure a user can meet is an :class:`~model.errors.ServerError` whose
message says what to do.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from graph.db import bolt_answers
from graph.settings import REPO_ROOT, Settings
from model.errors import ConfigError, ServerError

POM = REPO_ROOT / "pom.xml"
SUPPORTED_JAVA = (17, 21)
# Exit codes of org.neo4j.server.CommunityEntryPoint (see docs/neo4j-local.md).
EXIT_STORE_LOCKED = 2
EXIT_INVALID_CONFIG = 3

JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dfile.encoding=UTF-8",
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
)


def neo4j_version(pom: Path = POM) -> str:
    """The Neo4j version pinned in the committed pom.

    >>> neo4j_version().startswith("5.26.")
    True
    """
    match = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", pom.read_text(encoding="utf-8"))
    if not match:
        raise ServerError(f"{pom}: no <neo4j.version> property", hint="restore pom.xml from git")
    return match.group(1).strip()


# --- Java -------------------------------------------------------------------------------------


def java_major(java: str) -> int | None:
    """Major version of a ``java`` binary, or None when it does not run."""
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_java_version(out.stderr + out.stdout)


def parse_java_version(text: str) -> int | None:
    """Major Java version from ``java -version`` output.

    >>> parse_java_version('openjdk version "17.0.15" 2025-04-15')
    17
    >>> parse_java_version('openjdk version "25" 2025-09-16')
    25
    >>> parse_java_version('java version "1.8.0_392"')
    8
    """
    match = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def java_candidates(explicit: str = "") -> Iterator[str]:
    """Java binaries to try, most explicit first."""
    if explicit:
        yield explicit
        return
    if os.environ.get("JAVA_HOME"):
        yield str(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        # Debian's 17/21 before anything else installed there (e.g. a Temurin 25 JDK).
        for d in sorted(jvm.iterdir(), key=lambda p: ("17" not in p.name, "21" not in p.name, p.name)):
            if (d / "bin" / "java").exists() and not d.is_symlink():
                yield str(d / "bin" / "java")
    on_path = shutil.which("java")
    if on_path:
        yield on_path


def find_java(explicit: str = "") -> str:
    """A Java 17 or 21 binary; never Java 25, which Neo4j 5.26 does not support."""
    seen: list[str] = []
    for candidate in java_candidates(explicit):
        major = java_major(candidate)
        seen.append(f"{candidate} ({'not runnable' if major is None else f'Java {major}'})")
        if major in SUPPORTED_JAVA:
            return candidate
    tried = "; ".join(seen) or "no java found"
    raise ServerError(
        f"no Java 17 or 21 for Neo4j 5.26 (tried: {tried})",
        hint="install Java 17 (Debian: apt-get install openjdk-17-jre-headless) or set OGPNET_JAVA to a Java 17/21 "
        "binary, or set NEO4J_URI to use an existing server",
    )


# --- Jars ---------------------------------------------------------------------------------------


def fetch_jars(cache_dir: Path, version: str, *, mvn: str | None = None) -> Path:
    """Fetch the Neo4j jars once into ``cache_dir/neo4j-<version>/lib`` and return that folder.

    The jars are copied into a fresh temporary folder which is renamed into
    place only when Maven succeeded, so an interrupted fetch never leaves a
    half-filled classpath (and old versions never share one).
    """
    lib = cache_dir / f"neo4j-{version}" / "lib"
    if (lib / f"neo4j-{version}.jar").exists():
        return lib
    mvn = mvn or shutil.which("mvn")
    if not mvn:
        raise ServerError("Maven (mvn) is not installed: it fetches Neo4j from Maven Central",
                          hint="install Maven 3.8+ (Debian: apt-get install maven) or set NEO4J_URI")
    tmp = lib.parent / "lib.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    cmd = [mvn, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies",
           f"-DoutputDirectory={tmp}", "-DincludeScope=runtime"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        text = out.stdout + out.stderr
        last = " | ".join(line.strip() for line in text.strip().splitlines()[-3:])
        if re.search(r"UnknownHost|Could not transfer|Connection refused|Network is unreachable|timed out", text):
            raise ServerError(f"Maven Central is unreachable, cannot fetch org.neo4j:neo4j:{version}: {last}",
                              hint="check the network/proxy (~/.m2/settings.xml) or set NEO4J_URI")
        raise ServerError(f"Maven could not fetch org.neo4j:neo4j:{version}: {last}",
                          hint="run `mvn -f pom.xml dependency:copy-dependencies` to see the full error")
    shutil.rmtree(lib, ignore_errors=True)
    tmp.rename(lib)
    return lib


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- Ports and processes -----------------------------------------------------------------------


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def generate_password(length: int = 32) -> str:
    """A random password of letters and digits (never starting with '-', which the admin CLI reads as an option).

    >>> p = generate_password()
    >>> len(p), p.isalnum()
    (32, True)
    """
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still "exists": look at its state.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        return state != "Z"
    except OSError:
        return True


def memory_bytes(text: str) -> int | None:
    """A Neo4j/JVM memory size in bytes (None when it is not of the form ``<number>[k|m|g|t]``).

    >>> memory_bytes("2g"), memory_bytes("512M"), memory_bytes("1.5g"), memory_bytes("lots")
    (2147483648, 536870912, 1610612736, None)
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", text, re.IGNORECASE)
    if not match:
        return None
    return int(float(match[1]) * 1024 ** " kmgt".index(match[2].lower() or " "))


def check_memory(heap: str, tx_memory: str) -> None:
    """Refuse a transaction memory limit that is not below the heap.

    Transaction state lives on the heap: with a limit at or above it, a large load exhausts the heap and
    the JVM exits (``-XX:+ExitOnOutOfMemoryError``) instead of the load failing cleanly at the limit.

    >>> check_memory("2g", "1g")
    >>> check_memory("1g", "2g")
    Traceback (most recent call last):
    ...
    model.errors.ConfigError: OGPNET_NEO4J_TX_MEMORY (2g) must be smaller than OGPNET_NEO4J_HEAP (1g)
    """
    heap_bytes, tx_bytes = memory_bytes(heap), memory_bytes(tx_memory)
    if heap_bytes and tx_bytes and tx_bytes >= heap_bytes:
        raise ConfigError(f"OGPNET_NEO4J_TX_MEMORY ({tx_memory}) must be smaller than OGPNET_NEO4J_HEAP ({heap})",
                          hint="transaction state lives on the heap; e.g. OGPNET_NEO4J_HEAP=8g "
                          "OGPNET_NEO4J_TX_MEMORY=4g for a load of about a million rows")


# --- The server ---------------------------------------------------------------------------------


@dataclass
class LocalServer:
    """A Neo4j Community server owned by this project, in ``state_dir``."""

    state_dir: Path
    cache_dir: Path
    bolt_port: int = 7687
    http_port: int = 7474
    java: str = ""
    heap: str = "2g"
    pagecache: str = "256m"
    tx_memory: str = "1g"
    start_timeout: int = 180
    user: str = "neo4j"

    @classmethod
    def from_settings(cls, s: Settings) -> LocalServer:
        return cls(state_dir=s.state_dir, cache_dir=s.cache_dir, bolt_port=s.bolt_port, http_port=s.http_port,
                   java=s.java, heap=s.neo4j_heap, pagecache=s.neo4j_pagecache, tx_memory=s.neo4j_tx_memory,
                   start_timeout=s.start_timeout)

    # paths
    @property
    def home(self) -> Path:
        return self.state_dir

    @property
    def conf_dir(self) -> Path:
        return self.state_dir / "conf"

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "run" / "ogpnet-neo4j.pid"

    @property
    def password_file(self) -> Path:
        return self.state_dir / "password"

    @property
    def console_log(self) -> Path:
        return self.state_dir / "logs" / "console.log"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    # state
    def pid(self) -> int | None:
        """The pid of the running server of this state folder, if any."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if pid_alive(pid) else None

    def _forget_pid(self) -> None:
        try:
            self.pid_file.unlink(missing_ok=True)
        except OSError:
            pass  # an unusable state folder is reported by start(), not by clean-up

    def password(self) -> str:
        """The generated password (created, mode 0600, on first use)."""
        if self.password_file.exists():
            return self.password_file.read_text(encoding="utf-8").strip()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        password = generate_password()
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(password + "\n")
        return password

    def auth(self) -> tuple[str, str]:
        return (self.user, self.password())

    def is_running(self) -> bool:
        return self.pid() is not None and bolt_answers(self.uri, self.auth())

    def config_text(self) -> str:
        """The ``neo4j.conf`` written before each start."""
        return "\n".join([
            "# Written by ogpnet (graph/server.py) before each start; edits are overwritten.",
            "server.default_listen_address=127.0.0.1",
            "server.default_advertised_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{self.bolt_port}",
            f"server.bolt.advertised_address=127.0.0.1:{self.bolt_port}",
            f"server.http.listen_address=127.0.0.1:{self.http_port}",
            f"server.http.advertised_address=127.0.0.1:{self.http_port}",
            "server.https.enabled=false",
            "dbms.routing.enabled=false",
            "dbms.security.auth_enabled=true",
            f"server.memory.pagecache.size={self.pagecache}",
            f"dbms.memory.transaction.total.max={self.tx_memory}",
            "db.tx_log.preallocate=false",
            "db.tx_log.rotation.retention_policy=2 files",
            "dbms.usage_report.enabled=false",
            "client.allow_telemetry=false",
            "server.directories.data=data",
            "server.directories.logs=logs",
            "server.directories.run=run",
            "server.directories.import=import",
            "server.directories.plugins=plugins",
            "",
        ])

    def command(self, java: str, lib: Path) -> list[str]:
        return [java, f"-Xms{self.heap}", f"-Xmx{self.heap}", *JVM_FLAGS,
                "-cp", f"{self.state_dir / 'plugins'}/*:{lib}/*",
                "org.neo4j.server.CommunityEntryPoint",
                f"--home-dir={self.home}", f"--config-dir={self.conf_dir}", "--console-mode"]

    def _prepare(self, java: str, lib: Path) -> None:
        try:
            for sub in ("conf", "data", "logs", "run", "import", "plugins"):
                (self.state_dir / sub).mkdir(parents=True, exist_ok=True)
            probe = self.state_dir / "run" / ".writable"
            probe.write_text("ok")
            probe.unlink()
            (self.conf_dir / "neo4j.conf").write_text(self.config_text(), encoding="utf-8")
            for name in ("console.log",):
                private_file(self.state_dir / "logs" / name, b"")
            make_private(self.state_dir)
        except OSError as e:
            raise ServerError(f"the state folder {self.state_dir} is not writable: {e.strerror}",
                              hint="free disk space or fix its permissions, or set OGPNET_STATE_DIR") from e
        check_free_space(self.state_dir)
        password = self.password()
        if not (self.state_dir / "data" / "dbms" / "auth.ini").exists():
            env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf_dir)}
            # The password goes through an argument file (picocli's @file, mode 0600), never the command line:
            # other users can read every process's arguments.
            args_file = self.state_dir / "run" / "initial-password.args"
            fd = os.open(args_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write('"' + password.replace("\\", "\\\\").replace('"', '\\"') + '"\n')
            try:
                out = subprocess.run(
                    [java, *JVM_FLAGS[:3], "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool",
                     "dbms", "set-initial-password", f"@{args_file}"],
                    capture_output=True, text=True, env=env, timeout=120, umask=0o077)
            finally:
                args_file.unlink(missing_ok=True)
            if out.returncode != 0:
                raise ServerError(f"could not set the initial password: {out.stderr.strip()[-300:]}",
                                  hint=f"see {self.state_dir}; delete it to start from an empty database")

    def start(self, *, log: Callable[[str], None] = lambda _m: None) -> str:
        """Start the server (if it is not already running) and return its Bolt URI."""
        if self.pid() is not None:
            if bolt_answers(self.uri, self.auth()):
                return self.uri
        check_memory(self.heap, self.tx_memory)
        version = neo4j_version()
        java = find_java(self.java)
        log(f"Java: {java} (Java {java_major(java)})")
        lib = fetch_jars(self.cache_dir, version)
        for port, name in ((self.bolt_port, "OGPNET_BOLT_PORT"), (self.http_port, "OGPNET_HTTP_PORT")):
            if port_in_use(port):
                raise ServerError(f"port {port} on 127.0.0.1 is already in use by another process",
                                  hint=f"stop that process or set {name} to a free port")
        self._prepare(java, lib)
        self.console_log.parent.mkdir(parents=True, exist_ok=True)
        log_start = self.console_log.stat().st_size if self.console_log.exists() else 0
        with open(self.console_log, "ab") as out:
            proc = subprocess.Popen(self.command(java, lib), stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True,
                                    env={**os.environ, "NEO4J_HOME": str(self.home)}, umask=0o077)
        private_file(self.pid_file, f"{proc.pid}\n".encode(), replace=True)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            code = proc.poll()
            if code is not None:
                self._forget_pid()
                raise self._start_failure(code, self._log_since(log_start))
            fatal = fatal_log_line(self._log_since(log_start))
            if fatal is not None:  # say so at once, not after the timeout
                self.stop(timeout=20)
                raise self._start_failure(-1, self._log_since(log_start))
            if bolt_answers(self.uri, self.auth(), timeout=2.0):
                return self.uri
            time.sleep(0.5)
        self.stop()
        recent = " | ".join(line.strip() for line in self._log_since(log_start).strip().splitlines()[-5:])
        raise ServerError(f"Neo4j did not answer on {self.uri} within {self.start_timeout} s; "
                          f"log lines of this start: {recent or '(none)'}",
                          hint="raise OGPNET_START_TIMEOUT on a slow machine, or read `ogpnet db logs`")

    def _log_since(self, offset: int) -> str:
        try:
            with open(self.console_log, "rb") as f:
                f.seek(offset)
                return f.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def _start_failure(self, code: int, log: str) -> ServerError:
        tail = " | ".join(line.strip() for line in log.strip().splitlines()[-5:])
        fatal = fatal_log_line(log)
        if fatal is not None and FATAL_LOG_LINES[fatal[0]] == "disk":
            return ServerError(f"the disk holding {self.state_dir} is full: {fatal[1]}",
                               hint="free disk space (or set OGPNET_STATE_DIR to a folder on another disk), then "
                                    "`ogpnet db start` again")
        if code == EXIT_STORE_LOCKED or "FileLockException" in log or "locked by another process" in log:
            return ServerError(f"the store in {self.state_dir / 'data'} is locked by another Neo4j process",
                               hint="stop the other server using this state folder (ogpnet db stop), "
                               "or set OGPNET_STATE_DIR to another folder")
        if code == EXIT_INVALID_CONFIG:
            return ServerError(f"Neo4j rejected its configuration: {tail}",
                               hint=f"check {self.conf_dir / 'neo4j.conf'} and the OGPNET_NEO4J_* settings")
        if "Address already in use" in log:
            return ServerError(f"a port of Neo4j is already in use: {tail}",
                               hint="set OGPNET_BOLT_PORT / OGPNET_HTTP_PORT to free ports")
        return ServerError(f"Neo4j exited with code {code} during start-up; last log lines: {tail}",
                           hint="read `ogpnet db logs` for the full log")

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the server cleanly (SIGTERM, then SIGKILL after ``timeout``). False if it was not running."""
        pid = self.pid()
        if pid is None:
            self._forget_pid()
            return False
        try:
            os.killpg(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + timeout
        while pid_alive(pid) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.2)
        if pid_alive(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            while pid_alive(pid):
                _reap(pid)
                time.sleep(0.1)
        self._forget_pid()
        return True

    def kill(self) -> None:
        """``kill -9`` the server (fault-injection tests)."""
        pid = self.pid()
        if pid is not None:
            os.killpg(pid, signal.SIGKILL)
            while pid_alive(pid):
                _reap(pid)
                time.sleep(0.05)
        self._forget_pid()

    def log_tail(self, lines: int = 50, *, joined: bool = False) -> str:
        try:
            text = self.console_log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        except OSError:
            text = ["(no log yet)"]
        return " | ".join(t.strip() for t in text) if joined else "\n".join(text)


#: Log lines that mean the server cannot start, and what they mean.
FATAL_LOG_LINES = {"No space left on device": "disk", "There is not enough space on the disk": "disk",
                   "java.lang.OutOfMemoryError": "memory"}
#: Start-up refuses a state folder on a disk with less free space than this.
MIN_FREE_BYTES = 256 * 1024**2


def fatal_log_line(log: str) -> tuple[str, str] | None:
    """The first log line saying the server cannot run (see :data:`FATAL_LOG_LINES`): (pattern, line).

    >>> fatal_log_line("INFO Starting...\\nERROR java.io.IOException: No space left on device\\n")
    ('No space left on device', 'ERROR java.io.IOException: No space left on device')
    >>> fatal_log_line("INFO Started.") is None
    True
    """
    for line in log.splitlines():
        for pattern in FATAL_LOG_LINES:
            if pattern in line:
                return pattern, line.strip()[:300]
    return None


def check_free_space(folder: Path, minimum: int = MIN_FREE_BYTES) -> None:
    """Refuse to start on a (nearly) full disk instead of waiting for the timeout.

    >>> check_free_space(Path("/"), minimum=2**62)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    model.errors.ServerError: the disk holding / has ... MiB free, less than the ... MiB Neo4j needs to start
    """
    free = shutil.disk_usage(folder).free
    if free < minimum:
        raise ServerError(f"the disk holding {folder} has {free / 1024**2:.0f} MiB free, less than the "
                          f"{minimum / 1024**2:.0f} MiB Neo4j needs to start",
                          hint="free disk space, or set OGPNET_STATE_DIR to a folder on another disk")


def make_private(folder: Path) -> None:
    """The state folder and everything in it readable by its owner only (folders 0700, files 0600): it holds
    the password, the auth store, the data and the logs."""
    folder.chmod(0o700)
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            (Path(root) / name).chmod(0o700)
        for name in files:
            path = Path(root) / name
            if not path.is_symlink():
                path.chmod(0o600)


def private_file(path: Path, data: bytes, *, replace: bool = False) -> None:
    """Create ``path`` readable by its owner only (0600), appending ``data`` (or replacing the content)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_APPEND)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    path.chmod(0o600)


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


@contextmanager
def throwaway_server(state_dir: Path, cache_dir: Path, **kwargs: object) -> Iterator[LocalServer]:
    """A server on free ports in its own state folder, always stopped afterwards (tests, benchmarks)."""
    server = LocalServer(state_dir=state_dir, cache_dir=cache_dir, bolt_port=free_port(), http_port=free_port(),
                         **kwargs)  # type: ignore[arg-type]
    try:
        server.start()
        yield server
    finally:
        server.stop()
