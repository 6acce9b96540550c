"""The project's own exceptions, and the `Problem` a validation error carries.

Every error a user can cause or fix derives from `OgpnetError`, which has a
one-line ``message`` (what went wrong) and a ``hint`` (what to do). The CLI and
the dashboard show ``user_message()`` instead of a traceback, and exit with
``exit_code`` (a BSD ``sysexits.h`` value). Driver and OS errors are wrapped at
the boundary with ``raise SomeError(...) from e``.

This module is in ``graph`` because it is the lowest layer: ``loaders``,
``queries`` and ``dashboard`` all import from here, and it imports nothing from
the project.

Examples
--------
>>> e = ConfigError("NEO4J_URI is not a URI: 'localhost'", hint="use e.g. bolt://localhost:7687")
>>> print(e.user_message())
Error: NEO4J_URI is not a URI: 'localhost'
Hint: use e.g. bolt://localhost:7687
>>> isinstance(e, OgpnetError), e.exit_code
(True, 78)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

__all__ = [
    "ConfigError",
    "UsageError",
    "DatabaseError",
    "DatabaseUnavailable",
    "LoadError",
    "OgpnetError",
    "Problem",
    "ServerError",
    "ValidationError",
]


class OgpnetError(Exception):
    """Base class of the project's errors: a one-line message and a hint.

    Parameters
    ----------
    message : str
        What went wrong, in one line, naming the file / setting / server involved.
    hint : str, optional
        What the user should do about it; defaults to the class's ``default_hint``.
    """

    default_hint: ClassVar[str] = "see the README's troubleshooting section"
    exit_code: ClassVar[int] = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint

    def __str__(self) -> str:
        return self.message

    def user_message(self) -> str:
        """The two lines to show a user: the error and what to do.

        >>> print(OgpnetError("it broke", hint="try again").user_message())
        Error: it broke
        Hint: try again
        """
        return f"Error: {self.message}\nHint: {self.hint}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as possible.

    Parameters
    ----------
    file : str
        File name (for the canonical dataset: the table's CSV, e.g. ``members.csv``).
    row : int or None
        1-based line number in the file (the CSV header is line 1; a quoted
        multi-line record is located at its first line); None for the whole file.
    column : str or None
        Column name, or None when the problem is not about one column.
    value : str or None
        The offending value as read (before whitespace stripping), if any.
    reason : str
        What is wrong, in words a data editor understands.

    Examples
    --------
    >>> print(Problem("members.csv", 3, "iso3", "ALX", "not an ISO 3166-1 alpha-3 code"))
    members.csv:3: column 'iso3': not an ISO 3166-1 alpha-3 code (value: 'ALX')
    >>> print(Problem("themes.csv", None, None, None, "missing file"))
    themes.csv: missing file
    >>> print(Problem("a.csv", 4, "name", "two\\nlines", "example"))  # one problem, one line
    a.csv:4: column 'name': example (value: 'two\\nlines')
    >>> print(Problem("a.csv", 5, "name", "x" * 100, "text too long"))
    a.csv:5: column 'name': text too long (value: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…')
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str

    #: values are shown truncated to this many characters
    SHOWN_VALUE_CHARS: ClassVar[int] = 60

    def sort_key(self) -> tuple[str, int, str, str]:
        """Order by file, then line (whole-file problems first), then column."""
        return (self.file, self.row or 0, self.column or "", self.reason)

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row is not None else self.file
        parts = [where]
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        text = ": ".join(parts) + ": " + self.reason
        if self.value is not None:
            text += f" (value: '{_shown(self.value, self.SHOWN_VALUE_CHARS)}')"
        return text


def shown(value: str, limit: int = 80) -> str:
    """A value quoted for a one-line message: control characters escaped (no forged lines, no terminal escape
    sequences), abridged past ``limit`` characters.

    >>> print(shown("KEN\\nerror: forged"), shown("x" * 200, 5), shown("\\x1b[31mred"))
    'KEN\\nerror: forged' 'xxxxx…' '\\x1b[31mred'
    """
    return f"'{_shown(value, limit)}'"


def printable(text: str, limit: int = 2000) -> str:
    """Text for a terminal: control characters other than newline and tab escaped, abridged past ``limit``.

    >>> printable("name\\x1b]0;owned\\x07 ok")
    'name\\\\x1b]0;owned\\\\x07 ok'
    """
    out = "".join(ch if ch in "\n\t" or (ch >= " " and ch != "\x7f") else _ESCAPES[ch] for ch in text[:limit])
    return out + (f"… ({len(text) - limit:,} more characters)" if len(text) > limit else "")


def _shown(value: str, limit: int) -> str:
    """Escape control characters (so a problem stays on one line) and truncate.

    >>> _shown("a\\tb\\x00", 60)
    'a\\\\tb\\\\x00'
    """
    escaped = "".join(_ESCAPES.get(ch, ch) if ch < " " or ch == "\x7f" else ch for ch in value[: limit + 1])
    return escaped[:limit] + "…" if len(escaped) > limit or len(value) > limit else escaped


_ESCAPES = {chr(i): f"\\x{i:02x}" for i in (*range(32), 127)} | {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


class ValidationError(OgpnetError):
    """Input data is invalid; ``problems`` lists every problem found, not just the first.

    Parameters
    ----------
    problems : iterable of Problem
        Stored sorted by file and line.
    message, hint : str, optional
        Default to a summary (count of problems and files) and "fix and reload".

    Examples
    --------
    >>> err = ValidationError([Problem("b.csv", 2, "id", "", "required value is blank"),
    ...                        Problem("a.csv", 5, None, None, "wrong number of fields")])
    >>> str(err)
    'the dataset has 2 problems in 2 files (a.csv, b.csv)'
    >>> [p.file for p in err.problems]
    ['a.csv', 'b.csv']
    """

    default_hint = "nothing was written; fix the problems listed (file:line) and run the command again"
    exit_code = 2  # `ogpnet load` contract: invalid input exits 2 (issue 3)

    def __init__(self, problems: Iterable[Problem], message: str | None = None, hint: str | None = None) -> None:
        self.problems: list[Problem] = sorted(problems, key=Problem.sort_key)
        if message is None:
            files = sorted({p.file for p in self.problems})
            message = (
                f"the dataset has {_count(len(self.problems), 'problem')} in {_count(len(files), 'file')}"
                f" ({', '.join(files)})"
            )
        super().__init__(message, hint)


def _count(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless n is 1.

    >>> _count(1, "file"), _count(2, "file")
    ('1 file', '2 files')
    """
    return f"{n} {noun}{'' if n == 1 else 's'}"


class UsageError(OgpnetError):
    """An argument names something that is not there (an unknown or withdrawn member, an unknown theme,
    region, organisation or consortium) or has a value the command cannot use."""

    default_hint = "check the value; the message suggests the closest known one"
    exit_code = 2  # EX_USAGE, as click reports a malformed option


class ConfigError(OgpnetError):
    """A setting (environment variable, option, path) is missing or invalid."""

    default_hint = "check the setting's value; `ogpnet --help` lists the settings and their defaults"
    exit_code = 78  # EX_CONFIG


class DatabaseUnavailable(OgpnetError):
    """Neo4j cannot be reached, or refuses the credentials."""

    default_hint = "start the local Neo4j server (see the README) or check NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD"
    exit_code = 69  # EX_UNAVAILABLE


class DatabaseError(OgpnetError):
    """Neo4j answered but refused or failed a query (constraint violation, syntax, memory)."""

    default_hint = "see the query and the server log (`ogpnet db logs`)"
    exit_code = 76  # EX_PROTOCOL: the server answered with an error


class OutputError(OgpnetError):
    """A file cannot be written where the user asked (a report, ``--save``, a dump)."""

    default_hint = "give a file path inside an existing, writable directory"
    exit_code = 73  # EX_CANTCREAT


class ServerError(OgpnetError):
    """The local Neo4j server manager could not install, start or stop the server."""

    default_hint = "check that Java 17+ is installed and the ports are free; the server log names the cause"
    exit_code = 71  # EX_OSERR


class LoadError(OgpnetError):
    """Writing a validated dataset to Neo4j failed part-way."""

    default_hint = "the load is idempotent: fix the cause and run `ogpnet load` again"
    exit_code = 74  # EX_IOERR


#: Exit code of an unexpected failure (a bug): EX_SOFTWARE. ``OGPNET_DEBUG=1`` shows the traceback instead.
INTERNAL_ERROR = 70

#: Every exit code of ``ogpnet``, one per kind of failure (README's table is generated from this).
EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "`ogpnet db status`: the server does not answer; Ctrl-C: interrupted",
    2: "wrong input: a malformed or unknown option value (the message suggests the closest known one), or a "
       "dataset that fails validation (every problem listed with file, row and column; nothing written)",
    65: "a source or table cannot be read as the data model requires (`ogpnet data build`, a saved or backup "
        "file, a partner's intake return that is too large, encrypted, corrupt or not of the template's shape); "
        "nothing written",
    66: "nothing to analyse: the database holds no load yet",
    69: "Neo4j cannot be reached or refuses the credentials",
    70: "an unexpected error (a bug): one line, `OGPNET_DEBUG=1` for the traceback",
    71: "the local Neo4j server could not be installed, started or stopped",
    73: "the output file cannot be created",
    74: "writing to Neo4j failed part-way (the transaction was rolled back; loading again is safe)",
    76: "Neo4j answered with an error (memory limit, constraint, query)",
    78: "a setting is invalid (environment variable, catalogue file, settings path)",
}
