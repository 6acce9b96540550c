"""The partner intake workbook: its shape and the rules every returned cell must pass, in one place.

The Support Unit sends a partner a workbook (``ogpnet intake template``, drawn by :mod:`reports.intake_template`)
and reads it back (``ogpnet intake import``, :mod:`loaders.intake`). Both read this module: the version, the
sheets and their columns (what the partner sees, and the hidden id columns), the drop-down lists, the size limit
and the rules of each value. What a partner states becomes facts of confidence ``self_reported`` with one source
per submission (:data:`model.schema.SELF_REPORTED_SOURCE`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from model.facts import Facts, column
from model.schema import SECTORS

__all__ = ["ALL_THEMES", "EARLIEST_YEAR", "INTAKE_RELATIONS", "MAX_BYTES", "SHEETS", "VERSION", "Choices",
           "IntakeColumn", "IntakeSheet", "parse_date", "parse_url", "row_id", "text_of", "words"]

#: Written in the hidden ``About`` sheet; a workbook of another version is refused.
VERSION = "ogpnet-intake 1"
#: A returned file larger than this is refused before it is opened (a filled workbook is well under 1 MB).
MAX_BYTES = 10 * 1024 * 1024
#: No fact about OGP work can be older than OGP (2011).
EARLIEST_YEAR = 2011
#: The relations a partner chooses from (the drop-down); a prefilled row may carry any catalogue relation.
INTAKE_RELATIONS = ("country_programme", "supports_implementation", "country_office", "national_chapter",
                    "steward", "funding", "advocacy", "research")
#: The theme cell of an engagement that concerns every theme the organisation is expert in.
ALL_THEMES = "(all its themes)"


@dataclass(frozen=True)
class IntakeColumn:
    """A column of a data sheet: its header, the field it gives, whether it is required, hidden (ids), the
    drop-down list it takes its values from (a column of the ``Lists`` sheet), and a note for the partner."""

    header: str
    field: str
    required: bool = False
    hidden: bool = False
    choices: str | None = None
    note: str = ""
    width: int = 18


@dataclass(frozen=True)
class IntakeSheet:
    name: str
    columns: tuple[IntakeColumn, ...]
    note: str

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


#: The organisation's details: a form (label in column A, value in B, field id hidden in C).
ORGANISATION_FIELDS: tuple[IntakeColumn, ...] = (
    IntakeColumn("Organisation", "name", required=True, note="its full name"),
    IntakeColumn("Sector", "sector", required=True, choices="Sectors"),
    IntakeColumn("Headquarters country (ISO-3 code)", "hq_iso3", note="for example KEN, GBR; blank if none"),
    IntakeColumn("Filled in by", "respondent", required=True, note="your name"),
    IntakeColumn("Email", "email", note="so the Support Unit can ask about an entry"),
    IntakeColumn("Date filled in", "date", required=True, note="YYYY-MM-DD"),
)

SHEETS: tuple[IntakeSheet, ...] = (
    IntakeSheet("Engagements", (
        IntakeColumn("Member", "member", required=True, choices="Members", width=28,
                     note="the OGP member (country or local government) you work in"),
        IntakeColumn("Theme", "theme", choices="Themes", width=28,
                     note=f"the theme; {ALL_THEMES} = every theme you are expert in"),
        IntakeColumn("Relation", "relation", required=True, choices="Relations", width=24,
                     note="what you do there"),
        IntakeColumn("Detail", "detail", width=40, note="the programme or project, in a few words"),
        IntakeColumn("Since", "since", note="when it began: YYYY, YYYY-MM or YYYY-MM-DD (2011 or later)"),
        IntakeColumn("Until", "until", note="when it ended; blank if it goes on"),
        IntakeColumn("Evidence URL", "url", width=36, note="a public page that shows it (https://...)"),
        IntakeColumn("row id", "row_id", hidden=True),
        IntakeColumn("organisation id", "organisation_id", hidden=True),
    ), "One row per member, theme and relation. Correct the rows already there, delete a row that is no longer "
       "true, add new rows below."),
    IntakeSheet("Expertise", (
        IntakeColumn("Theme", "theme", required=True, choices="Themes", width=32,
                     note="a theme your organisation is expert in"),
        IntakeColumn("row id", "row_id", hidden=True),
        IntakeColumn("organisation id", "organisation_id", hidden=True),
    ), "One row per theme you have expertise in."),
    IntakeSheet("Memberships", (
        IntakeColumn("Consortium", "consortium", required=True, choices="Consortia", width=48,
                     note="a consortium, collective action or partnership you belong to"),
        IntakeColumn("Role", "role", width=20, note="member, anchor, co-chair, signatory..."),
        IntakeColumn("row id", "row_id", hidden=True),
        IntakeColumn("organisation id", "organisation_id", hidden=True),
    ), "One row per consortium you belong to."),
)
SHEET_BY_NAME = {s.name: s for s in SHEETS}
#: Rows of each data sheet that carry drop-down lists (a partner adds rows below the prefilled ones).
INPUT_ROWS = 500


def text_of(value: object) -> str:
    """A table value as text; a missing value (None, NaN, pd.NA) as ``""``.

    >>> text_of(None), text_of(float("nan")), text_of("2024"), text_of(3)
    ('', '', '2024', '3')
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def row_id(parts: Iterable[object]) -> str:
    """The hidden id of a prefilled row: the fact's key values, ``|``-joined (a ``|`` inside a value escaped).

    >>> row_id(["oo", "KEN", None, "country_programme", "oo-tracker-2022"])
    'oo|KEN||country_programme|oo-tracker-2022'
    """
    return "|".join(text_of(p).replace("\\", "\\\\").replace("|", "\\|") for p in parts)


def words(identifier: str) -> str:
    """An id as the words a partner reads in a drop-down.

    >>> words("country_programme"), words("civil_society")
    ('country programme', 'civil society')
    """
    return identifier.replace("_", " ")


_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_date(value: object, today: dt.date) -> tuple[str | None, str | None]:
    """A date cell as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` text, or the reason it is refused.

    Dates are 2011 or later (OGP's start) and not after ``today``; Excel dates are read as the day.

    >>> today = dt.date(2026, 12, 7)
    >>> parse_date("2019-03", today), parse_date(dt.datetime(2020, 5, 1), today), parse_date(2018, today)
    (('2019-03', None), ('2020-05-01', None), ('2018', None))
    >>> parse_date("2009", today)[1]
    'before 2011: OGP began in 2011'
    >>> parse_date("2027-01", today)[1]
    'in the future (after 2026-12-07)'
    >>> parse_date("March 2019", today)[1]
    'not a date: write YYYY, YYYY-MM or YYYY-MM-DD'
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        text, first, last = value.isoformat(), value, value
    else:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        m = _DATE.fullmatch(text)
        if not m:
            return None, "not a date: write YYYY, YYYY-MM or YYYY-MM-DD"
        year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
        try:
            first = dt.date(year, month, day)
        except ValueError:
            return None, "not a real date"
        last = first if m.group(3) else first.replace(month=12 if not m.group(2) else month, day=1)
    if first.year < EARLIEST_YEAR:
        return None, f"before {EARLIEST_YEAR}: OGP began in {EARLIEST_YEAR}"
    if first > today or (last > today and last.year > today.year):
        return None, f"in the future (after {today.isoformat()})"
    return text, None


def parse_url(value: str) -> tuple[str | None, str | None]:
    """An evidence URL, or the reason it is refused (only public http(s) addresses).

    >>> parse_url("https://www.openownership.org/en/map/kenya/")
    ('https://www.openownership.org/en/map/kenya/', None)
    >>> parse_url("file:///c:/notes.docx")[1]
    'not a web address: write https://...'
    """
    text = value.strip()
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", text, flags=re.IGNORECASE):
        return None, "not a web address: write https://..."
    return text, None


@dataclass(frozen=True)
class Choices:
    """The drop-down lists of a workbook, built from the graph's facts: ``labels[list][id] = label``.

    The template writes the labels; the importer reads a cell back through :meth:`resolve` (a label, a name or
    an id, in any case), so a value typed over a drop-down is still checked against the same lists.
    """

    labels: dict[str, dict[str, str]]

    @classmethod
    def of(cls, facts: Facts, relations: Iterable[str], themes: Iterable[str] | None = None) -> Choices:
        """The lists of ``facts``; ``themes`` limits the theme list (a template on a few themes)."""
        members = _unique_labels(zip(column(facts.members, "member_id"), column(facts.members, "name"),
                                     strict=True))
        consortia = _unique_labels(zip(column(facts.consortia, "consortium_id"), column(facts.consortia, "name"),
                                       strict=True))
        wanted = set(themes) if themes else set(facts.themes)
        theme_labels = {t: str(facts.theme_names.get(t) or t) for t in facts.themes if t in wanted}
        return cls({
            "Members": members,
            "Themes": {"": ALL_THEMES, **theme_labels},
            "Relations": {r: words(r) for r in relations},
            "Sectors": {s: words(s) for s in SECTORS},
            "Consortia": consortia,
        })

    def resolve(self, name: str, value: str, extra: Mapping[str, str] | None = None) -> str | None:
        """The id of a cell's value in list ``name`` (or in ``extra``, ids accepted but not offered), else None.

        >>> c = Choices({"Members": {"KEN": "Kenya", "ARG-buenos-aires": "Buenos Aires"}})
        >>> c.resolve("Members", "kenya"), c.resolve("Members", "ARG-BUENOS-AIRES"), c.resolve("Members", "Kenia")
        ('KEN', 'ARG-buenos-aires', None)
        """
        wanted = " ".join(value.split()).casefold()
        for ident, label in [*self.labels[name].items(), *(extra or {}).items()]:
            if wanted in (label.casefold(), ident.casefold()):
                return ident
        return None


def _unique_labels(pairs: Iterable[tuple[str, object]]) -> dict[str, str]:
    """id -> its name, or ``name (id)`` where two ids share a name.

    >>> _unique_labels([("a", "Lab"), ("b", "Lab"), ("c", "Hub"), ("d", None)])
    {'a': 'Lab (a)', 'b': 'Lab (b)', 'c': 'Hub', 'd': 'd'}
    """
    rows = [(str(i), str(n) if isinstance(n, str) and n.strip() else str(i)) for i, n in pairs]
    seen: dict[str, int] = {}
    for _, name in rows:
        seen[name.casefold()] = seen.get(name.casefold(), 0) + 1
    return {i: f"{n} ({i})" if seen[n.casefold()] > 1 else n for i, n in rows}
