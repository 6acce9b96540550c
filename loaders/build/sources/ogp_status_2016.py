"""OGP participation status of December 2016 (2030-watch.de, OKF Germany) → member status evidence.

The file scores each participating country 0–4: 4 = third action plan adopted,
3 = second action plan, 2 = first action plan, 1 = developing a first action plan,
0 = inactive. Every listed country becomes a national member row; value 0 is
evidence of status ``inactive`` (as of 2016-12-07), any other value is no evidence
against ``active`` (status left blank, so newer evidence from the hand table wins).
Country names are English short names with a few variants (``UK``, ``USA``,
``Macedonia``, ``South Korea``), resolved by :mod:`loaders.build.countries`.
"""

from __future__ import annotations

from pathlib import Path

from loaders.build.countries import resolve_country
from loaders.build.sources import ParseResult, source_row
from loaders.textio import read_json

SOURCE_ID = "ogp-status-2016"
AS_OF = "2016-12-07"

SCORE_MEANING: dict[int, str] = {
    4: "third action plan adopted",
    3: "second action plan",
    2: "first action plan",
    1: "developing first action plan",
    0: "inactive",
}


def status_source() -> dict[str, str]:
    """The ``sources`` row of the 2016 status list."""
    return source_row(
        SOURCE_ID,
        "OGP participating countries and status, Dec 2016 (2030-watch.de SDG17_OGP_Membership_OGP_2017.json)",
        "https://github.com/okfde/2030-watch.de/blob/b791d8099388b66b5482bd60a67e37670728d25d/"
        "_data/datasets/online/SDG17_OGP_Membership_OGP_2017.json",
        "CC BY 3.0 (data, per the file; publisher OGP); repository data folder MIT",
        AS_OF,
    )


def status_of_score(value: int) -> str:
    """Status evidence of a 0–4 score: ``inactive`` for 0, no evidence (blank) otherwise.

    Examples
    --------
    >>> status_of_score(0), status_of_score(3)
    ('inactive', '')
    """
    return "inactive" if value == 0 else ""


def parse_status_2016(path: Path) -> ParseResult:
    """National member rows (with status evidence) from the 2030-watch OGP status file."""
    result = ParseResult()
    result.add("sources", status_source(), path.name)
    data = read_json(path)
    position = 0
    for block in data.get("scoring", {}).get("scores", []):
        for entry in block.get("countries", []):
            position += 1
            name = str(entry.get("name", "")).strip()
            iso3 = resolve_country(name)
            value = entry.get("value")
            if iso3 is None:
                result.issue(path.name, position, "name", f"unknown country {name!r}")
                continue
            if not isinstance(value, int) or value not in SCORE_MEANING:
                result.issue(path.name, position, "value", f"score {value!r} is not 0-4")
                continue
            result.add("members", {
                "id": iso3, "name": name, "iso3": iso3, "level": "national", "parent_iso3": "", "region": "",
                "joined": None, "status": status_of_score(value), "confidence": "", "source": SOURCE_ID,
                "as_of": AS_OF, "_detail": SCORE_MEANING[value],
            }, path.name, position)
    return result
