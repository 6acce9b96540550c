"""2016 legislative openness survey (OGP Legislative Openness Working Group) → legislative_openness signals.

``legislative-openness-data-explorer__Source-Data.csv`` is a survey export with
nine header rows (question titles, affiliated questions, scoring notes, question
number, question id, sub-question id, sub-question, category, full column header)
and one row per chamber (31 chambers, one per country).
``…__parliaments.json`` gives each chamber's country code (``xk`` = Kosovo).
The header rows are found by their label in the first column, the answer columns
by the text of their full header, never by position.

Per chamber:

* ``lode_openness_score`` (score, 0–100): share of the yes/no questions whose
  scoring note is the simple ``Yes=Green, No=Red`` (35 questions) or
  ``No=Green, Yes=Red`` (1) that the chamber answered the green way. An answer is
  the set of options ticked in the question's columns (same question id and
  sub-question id): a ``Yes…`` option is "yes", ``No`` alone is "no"; ``Other`` or
  nothing ticked is left out. Questions with composite scoring rules are left out.
* ``lode_nap_legislative_commitment`` (pledge, 1): the respondent says the OGP
  national action plan includes commitments on the legislative process.

Several chambers of one country would be averaged into one score (the key is
member × theme × indicator); the chamber names go to ``detail``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from loaders.build.countries import iso3_from_code, resolve_country
from loaders.build.sources import ParseResult, Row, SourceFormatError, source_row
from loaders.textio import read_json, read_text

SOURCE_ID = "lode-2016"
AS_OF = "2016"
THEME = "legislative_openness"
HEADER_LABELS = ("QUESTION TITLES", "AFFILIATED QUESTIONS", "SCORING NOTES", "QUESTION NUMBER", "question ID",
                 "subquestion id", "subquestion", "category", "Country")
YES_GREEN = "Yes=Green, No=Red, Other=Grey"
NO_GREEN = "No=Green, Yes=Red, Other=Grey"
COUNTRY_HEADER = "For which country's national-level parliament are you submitting information?"
CHAMBER_HEADER = "For which chamber of the parliament are you submitting information?"
NAP_HEADER = ("If the country in question is a member of the Open Government Partnership, has the national action "
              "plan included commitments that relate to the legislative process?")
OPTIONS = frozenset({"yes", "yes, online", "yes, offline", "no", "other"})


def lode_source() -> Row:
    """The ``sources`` row of the legislative openness survey."""
    return source_row(
        SOURCE_ID,
        "Legislative Openness Data Explorer: 2016 survey of 31 chambers (OGP Legislative Openness Working Group, "
        "NDI, KohoVolit.eu)",
        "https://github.com/KohoVolit/legislative-openness-data-explorer/blob/"
        "f88e3414d1b85bdd8bd5d4774c2bba7e44a142b0/www/download/Legislative-Openness-Data-Explorer-Source-Data.csv",
        "no formal licence; the site states reuse is strongly encouraged and the data freely available",
        AS_OF,
    )


def answer(cells: list[str]) -> str | None:
    """``yes``, ``no`` or None (other / nothing ticked) from the cells of one question.

    Examples
    --------
    >>> answer(["Yes, online", "", "", "http://x"]), answer(["", "", "No", ""]), answer(["", "Other", ""])
    ('yes', 'no', None)
    """
    ticked = {c.strip().casefold() for c in cells if c.strip().casefold() in OPTIONS}
    if any(t.startswith("yes") for t in ticked):
        return "yes"
    return "no" if "no" in ticked else None


def _header_rows(rows: list[list[str]], name: str) -> dict[str, list[str]]:
    found = {row[0].strip(): row for row in rows[: len(HEADER_LABELS) + 2] if row}
    missing = [label for label in HEADER_LABELS if label not in found]
    if missing:
        raise SourceFormatError(f"{name}: header row(s) {', '.join(missing)} not found")
    return {label: found[label] for label in HEADER_LABELS}


def scored_questions(headers: dict[str, list[str]]) -> list[tuple[list[int], bool]]:
    """``(column indexes, yes_is_green)`` of every question with a simple yes/no scoring note."""
    notes, qid, sub = headers["SCORING NOTES"], headers["question ID"], headers["subquestion id"]
    questions = []
    for col, note in enumerate(notes):
        if note.strip() not in (YES_GREEN, NO_GREEN):
            continue
        key = (qid[col], sub[col])
        cols = [col]
        while cols[-1] + 1 < len(qid) and (qid[cols[-1] + 1], sub[cols[-1] + 1]) == key:
            cols.append(cols[-1] + 1)
        questions.append((cols, note.strip() == YES_GREEN))
    return questions


def openness_score(row: list[str], questions: list[tuple[list[int], bool]]) -> tuple[float | None, int, int]:
    """``(score, green answers, answered questions)`` of one chamber.

    Examples
    --------
    >>> openness_score(["Yes", "No", ""], [([0], True), ([1], False), ([2], True)])
    (100.0, 2, 2)
    """
    green = answered = 0
    for cols, yes_is_green in questions:
        value = answer([row[c] if c < len(row) else "" for c in cols])
        if value is None:
            continue
        answered += 1
        green += (value == "yes") == yes_is_green
    return (round(100.0 * green / answered, 1) if answered else None), green, answered


def _country_codes(path: Path) -> dict[str, str]:
    """Country name as written in the survey → ISO-3, from ``parliaments.json``."""
    data = read_json(path)
    codes: dict[str, str] = {}
    for chamber in data.values():
        iso3 = iso3_from_code(str(chamber.get("country_code", "")))
        if iso3:
            codes[str(chamber.get("country", "")).strip().casefold()] = iso3
    return codes


def parse_legislative(source_data_path: Path, parliaments_path: Path) -> ParseResult:
    """Openness scores and NAP-commitment pledges per country from the 2016 survey."""
    result = ParseResult()
    result.add("sources", lode_source(), source_data_path.name)
    rows = list(csv.reader(io.StringIO(read_text(source_data_path), newline="")))
    headers = _header_rows(rows, source_data_path.name)
    full = headers["Country"]
    country_col, chamber_col, nap_col = (full.index(h) if h in full else -1
                                         for h in (COUNTRY_HEADER, CHAMBER_HEADER, NAP_HEADER))
    if min(country_col, chamber_col, nap_col) < 0:
        raise SourceFormatError(f"{source_data_path.name}: country, chamber or action-plan column not found")
    questions = scored_questions(headers)
    codes = _country_codes(parliaments_path)
    first_data = rows.index(full) + 1
    by_country: dict[str, list[tuple[int, str, float, int, int, str]]] = {}
    for index, row in enumerate(rows[first_data:], start=first_data + 1):
        name = (row[country_col] if country_col < len(row) else "").strip() or row[0].strip()
        if not name:
            result.issue(source_data_path.name, index, "country", "blank row")
            continue
        iso3 = codes.get(name.casefold()) or resolve_country(name)
        if iso3 is None:
            result.issue(source_data_path.name, index, "country", f"unknown country {name!r}")
            continue
        score, green, answered = openness_score(row, questions)
        if score is None:
            result.issue(source_data_path.name, index, "answers", "no scored question answered")
            continue
        by_country.setdefault(iso3, []).append((index, row[chamber_col].strip(), score, green, answered,
                                                row[nap_col].strip()))
    for iso3, chambers in sorted(by_country.items()):
        _country_signals(iso3, chambers, len(questions), source_data_path.name, result)
    return result


def _country_signals(iso3: str, chambers: list[tuple[int, str, float, int, int, str]], n_questions: int,
                     file: str, result: ParseResult) -> None:
    line = chambers[0][0]
    score = round(sum(c[2] for c in chambers) / len(chambers), 1)
    detail = "; ".join(f"{c[1]}: {c[3]} of {c[4]} answered yes/no questions open (of {n_questions} scored)"
                       for c in chambers)
    result.add("signals", {"member_id": iso3, "theme_id": THEME, "indicator": "lode_openness_score",
                           "kind": "score", "value": score, "detail": detail, "confidence": "",
                           "source": SOURCE_ID, "as_of": AS_OF}, file, line)
    if any(c[5].casefold() == "yes" for c in chambers):
        result.add("signals", {"member_id": iso3, "theme_id": THEME, "indicator": "lode_nap_legislative_commitment",
                               "kind": "pledge", "value": 1.0,
                               "detail": "survey: the OGP national action plan includes commitments on the "
                                         "legislative process", "confidence": "", "source": SOURCE_ID,
                               "as_of": AS_OF}, file, line)
