"""The one module that creates the Neo4j driver.

Everything else receives a :class:`Database` (a narrow runner over the driver)
and passes Cypher text from :mod:`queries` with parameters — never values in
the query text. Driver errors are wrapped here, at the boundary, into the
project's own :class:`~model.errors.DatabaseUnavailable` / ``DatabaseError``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, LiteralString, Protocol

from neo4j import READ_ACCESS, WRITE_ACCESS, Driver, GraphDatabase, ManagedTransaction, RoutingControl
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from graph.settings import Settings
from model.errors import DatabaseError, DatabaseUnavailable

# The driver logs each retry as a warning; the project reports failures itself, once.
logging.getLogger("neo4j").setLevel(logging.ERROR)

Params = Mapping[str, Any]


class Runner(Protocol):
    """What the rest of the project needs from a database: run read and write queries."""

    def read(self, query: LiteralString, params: Params | None = None) -> list[dict[str, Any]]: ...

    def write(self, query: LiteralString, params: Params | None = None) -> dict[str, int]: ...


class Database:
    """A driver plus the database name; every query goes through :meth:`read` or :meth:`write`."""

    def __init__(self, driver: Driver, database: str = "neo4j", uri: str = "") -> None:
        self.driver = driver
        self.database = database
        self.uri = uri

    def read(self, query: LiteralString, params: Params | None = None) -> list[dict[str, Any]]:
        """Run a read query in READ access mode (the server refuses writes) and return its rows."""
        with _wrapped(self.uri):
            records, _, _ = self.driver.execute_query(
                query, dict(params or {}), database_=self.database, routing_=RoutingControl.READ)
        return [r.data() for r in records]

    def write(self, query: LiteralString, params: Params | None = None) -> dict[str, int]:
        """Run one auto-committed write query and return its update counters."""
        with _wrapped(self.uri):
            _, summary, _ = self.driver.execute_query(
                query, dict(params or {}), database_=self.database, routing_=RoutingControl.WRITE)
        return _counters(summary.counters)

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Transaction]:
        """One explicit transaction: everything in it commits together or not at all."""
        with _wrapped(self.uri), self.driver.session(
                database=self.database, default_access_mode=WRITE_ACCESS if write else READ_ACCESS) as session:
            tx = session.begin_transaction()
            try:
                yield Transaction(tx)
                tx.commit()
            finally:
                if not tx.closed():
                    tx.rollback()

    def read_transaction(self, work: Any) -> Any:
        """Run ``work(tx)`` in one read transaction.

        Neo4j isolates transactions as read-committed: each query sees what was committed when it
        started, so two queries may see different commits (see :func:`graph.snapshot.read_snapshot`).
        """
        with _wrapped(self.uri), self.driver.session(database=self.database,
                                                     default_access_mode=READ_ACCESS) as session:
            return session.execute_read(lambda tx: work(_ManagedReader(tx)))

    def verify(self) -> None:
        """Raise DatabaseUnavailable unless the server answers."""
        with _wrapped(self.uri):
            self.driver.verify_connectivity()

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Transaction:
    """An explicit write transaction (see :meth:`Database.transaction`)."""

    def __init__(self, tx: Any) -> None:
        self._tx = tx

    def run(self, query: LiteralString, params: Params | None = None) -> list[dict[str, Any]]:
        result = self._tx.run(query, dict(params or {}))
        return [r.data() for r in result]

    def write(self, query: LiteralString, params: Params | None = None) -> dict[str, int]:
        summary = self._tx.run(query, dict(params or {})).consume()
        return _counters(summary.counters)

    def send(self, query: LiteralString, params: Params | None = None) -> Callable[[], list[dict[str, Any]]]:
        """Send a query now; the returned function waits for its rows.

        Pipelining for bulk writes: the caller builds and sends the next query while the server
        still runs this one (Bolt keeps the results of one transaction apart). Errors surface at
        the latest when the rows are fetched, or when the transaction ends.
        """
        result = self._tx.run(query, dict(params or {}))
        return lambda: [r.data() for r in result]


class _ManagedReader:
    def __init__(self, tx: ManagedTransaction) -> None:
        self._tx = tx

    def read(self, query: LiteralString, params: Params | None = None) -> list[dict[str, Any]]:
        return [r.data() for r in self._tx.run(query, dict(params or {}))]

    def column(self, query: LiteralString, params: Params | None = None) -> list[Any]:
        """The first value of every record, as the driver gives it (no per-record ``data()`` copy)."""
        return [r[0] for r in self._tx.run(query, dict(params or {}))]


def _counters(c: Any) -> dict[str, int]:
    return {k: getattr(c, k) for k in ("nodes_created", "nodes_deleted", "relationships_created",
                                        "relationships_deleted", "properties_set")}


@contextmanager
def _wrapped(uri: str) -> Iterator[None]:
    try:
        yield
    except AuthError as e:
        raise DatabaseUnavailable(f"Neo4j at {uri} refused the credentials",
                                  hint="check NEO4J_USER / NEO4J_PASSWORD (local server: the password file "
                                  "in OGPNET_STATE_DIR)") from e
    except (ServiceUnavailable, SessionExpired) as e:
        raise DatabaseUnavailable(f"Neo4j is not reachable at {uri}",
                                  hint="start it with `ogpnet db start` (or `make run`), or set NEO4J_URI") from e
    except Neo4jError as e:
        if _out_of_memory(e.code):
            raise DatabaseError(
                f"Neo4j refused the transaction for lack of memory ({e.code}): {e.message}",
                hint="it was rolled back, nothing was written. A load is one transaction and holds about 4 KiB "
                "per row (a 500,000-row dataset: ~2 GiB): give the server more, e.g. OGPNET_NEO4J_HEAP=8g "
                "OGPNET_NEO4J_TX_MEMORY=4g, then `ogpnet db stop` and `ogpnet db start` (own server: "
                "server.memory.heap.max_size and dbms.memory.transaction.total.max)") from e
        raise DatabaseError(f"Neo4j error {e.code}: {e.message}", hint="see the query and the server log") from e
    except DriverError as e:
        raise DatabaseUnavailable(f"Neo4j driver error for {uri}: {e}",
                                  hint="check that the server runs (`ogpnet db status`)") from e


def _out_of_memory(code: str | None) -> bool:
    """Whether a Neo4j status code says a transaction hit a memory limit.

    >>> _out_of_memory("Neo.TransientError.General.MemoryPoolOutOfMemoryError")
    True
    >>> _out_of_memory("Neo.ClientError.Statement.SyntaxError")
    False
    """
    return bool(code) and any(word in str(code) for word in ("OutOfMemory", "MemoryLimit"))


def credentials(settings: Settings) -> tuple[str, str]:
    """User and password: NEO4J_PASSWORD, or the local server's generated password."""
    if settings.neo4j_password:
        return settings.neo4j_user, settings.neo4j_password
    if settings.uses_local_server:
        from graph.server import LocalServer

        server = LocalServer.from_settings(settings)
        if server.password_file.exists():
            return settings.neo4j_user, server.password()
        raise DatabaseUnavailable("the local Neo4j has not been set up yet (no password file in "
                                  f"{settings.state_dir})", hint="run `ogpnet db start` first, or set NEO4J_URI")
    raise DatabaseUnavailable("NEO4J_URI is set but NEO4J_PASSWORD is empty",
                              hint="set NEO4J_PASSWORD for that server")


def connect(settings: Settings) -> Database:
    """Create the driver for the configured server (no query is run here)."""
    # Fail fast when the server is down: a person is waiting (the driver's default retries for 30 s).
    driver = GraphDatabase.driver(settings.bolt_uri, auth=credentials(settings), connection_timeout=5,
                                  max_connection_lifetime=3600, max_transaction_retry_time=5)
    return Database(driver, settings.neo4j_database, settings.bolt_uri)


def bolt_answers(uri: str, auth: tuple[str, str], timeout: float = 3.0) -> bool:
    """True when a Bolt server answers ``RETURN 1`` at ``uri`` (a wrong password also counts as answering).

    Used while the local server starts, with a fresh short-lived driver: no retries, a short timeout.
    """
    try:
        with GraphDatabase.driver(uri, auth=auth, connection_timeout=timeout) as driver, driver.session() as session:
            session.run("RETURN 1").consume()  # an auto-commit query: no driver-side retries
        return True
    except AuthError:
        return True  # it answers; the password is the caller's problem
    except (ServiceUnavailable, Neo4jError, OSError):
        return False
