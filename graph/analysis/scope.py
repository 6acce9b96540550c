"""Which members and which facts an analysis looks at: analysed statuses, and the facts in force at a date.

Dates (``as_of`` of every row) say when a fact was observed or published; a commitment's ``year`` when its
action plan was submitted; a member's ``joined`` when it joined OGP. Analysing "as of" a date D
(:attr:`model.config.AnalysisConfig.as_of`, ``YYYY`` or ``YYYY-MM``) keeps:

* members that had joined by D's year (a member without a known joining year is left out of dated analyses);
* commitments whose action plan was submitted by D's year;
* signals, engagements, expertise, consortium memberships and themes observed by D (a date given as a year
  only counts from the start of that year): the data cannot show that something observed later held then;
* every organisation, consortium, theme and source (the entities), and the borders (geography).

Without ``as_of`` every fact is used, and the *reference date* (for the recency of commitments) is the
latest date in the data, so that the same data always gives the same answer.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from model.config import AnalysisConfig
from model.facts import Facts

__all__ = ["analysed_members", "analysis_date", "in_force", "reference_year"]

#: Tables whose rows are kept only when observed by the analysis date.
DATED_TABLES = ("engagements", "expertise", "memberships", "consortium_themes", "signals")

_CACHE: list[tuple[Facts, str, Facts]] = []


def in_force(facts: Facts, config: AnalysisConfig | None = None) -> Facts:
    """The facts as of ``config.as_of`` (all of them when it is empty); see the module docstring.

    The result is cached for the last few (facts, date) pairs: every analysis of one request calls this.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "joined": 2011, "status": "active"}, {"id": "GHA", "joined": 2019}],
    ...     commitments=[{"id": "KE1", "member_id": "KEN", "year": 2016}, {"id": "KE2", "member_id": "KEN",
    ...                   "year": 2020}],
    ...     commitment_themes=[{"commitment_id": c, "theme_id": "open_data"} for c in ("KE1", "KE2")],
    ...     engagements=[{"organisation_id": "lab", "member_id": "KEN", "relation": "x", "as_of": "2018-05"}])
    >>> then = in_force(facts, AnalysisConfig(as_of="2017"))
    >>> list(then.members["member_id"]), list(then.commitments["commitment_id"]), len(then.engagements)
    (['KEN'], ['KE1'], 0)
    >>> then.as_of, reference_year(then)
    ('2017', 2017)
    """
    cutoff = (config or AnalysisConfig()).as_of
    if not cutoff or facts.as_of == cutoff:  # (cutting again to the same date changes nothing)
        return facts
    for original, date, result in _CACHE:
        if original is facts and date == cutoff:
            return result
    year = int(cutoff[:4])
    end = _end_of(cutoff)
    members = facts.members
    joined = pd.to_numeric(members["joined"], errors="coerce")
    frames = {"members": members[joined.notna() & (joined <= year)].reset_index(drop=True)}
    years = pd.to_numeric(facts.commitments["year"], errors="coerce")
    frames["commitments"] = facts.commitments[years.notna() & (years <= year)].reset_index(drop=True)
    for name in DATED_TABLES:
        frame = getattr(facts, name)
        frames[name] = frame[_starts(frame) <= end].reset_index(drop=True)
    result = replace(facts, as_of=cutoff, members=frames["members"], commitments=frames["commitments"],
                     engagements=frames["engagements"], expertise=frames["expertise"],
                     memberships=frames["memberships"], consortium_themes=frames["consortium_themes"],
                     signals=frames["signals"])
    _CACHE.insert(0, (facts, cutoff, result))
    del _CACHE[4:]
    return result


def reference_year(facts: Facts) -> int:
    """The year commitments' recency is measured from: the analysis date's, else the latest year in the data.

    >>> reference_year(Facts.from_rows(signals=[{"member_id": "KEN", "theme_id": "open_data", "as_of": "2022-03"}]))
    2022
    """
    if facts.as_of:
        return int(facts.as_of[:4])
    years = [pd.to_numeric(pd.Series([d[:4] for d in _latest_dates(facts)]), errors="coerce").max()]
    years += [pd.to_numeric(facts.commitments["year"], errors="coerce").max()] if len(facts.commitments) else []
    known = [int(y) for y in years if pd.notna(y)]
    return max(known) if known else 2011


def _latest_dates(facts: Facts) -> list[str]:
    """The latest ``as_of`` of each dated table that has one (the data's own "now")."""
    return [str(frame["as_of"].astype("string").max()) for frame in
            (facts.signals, facts.engagements, facts.commitments, facts.memberships, facts.expertise)
            if "as_of" in frame.columns and frame["as_of"].notna().any()]


def analysis_date(facts: Facts) -> str:
    """The date the analysis looks from, as comparable text: the start of ``as_of`` when the facts were cut to a
    date, else the latest date in the data (its dated rows' ``as_of``). An engagement whose ``until`` is earlier
    has ended.

    >>> analysis_date(Facts.from_rows(signals=[{"member_id": "KEN", "theme_id": "open_data", "as_of": "2022-03"}]))
    '2022-03'
    >>> analysis_date(replace(Facts.from_rows(), as_of="2017"))
    '2017'
    """
    if facts.as_of:
        return facts.as_of
    return max(_latest_dates(facts), default="2011")


def analysed_members(facts: Facts, config: AnalysisConfig | None = None) -> pd.DataFrame:
    """The members rows whose status is in ``config.member_statuses`` (and that had joined by ``as_of``),
    sorted by id."""
    cfg = config or AnalysisConfig()
    members = in_force(facts, cfg).members
    return members[members["status"].isin(cfg.member_statuses)].reset_index(drop=True)


def _end_of(date: str) -> str:
    """The last day a ``YYYY`` or ``YYYY-MM`` date covers, as comparable text.

    >>> _end_of("2017"), _end_of("2017-06")
    ('2017-12-31', '2017-06-31')
    """
    return date + ("-12-31" if len(date) == 4 else "-31")


_STARTS: list[tuple[pd.DataFrame, pd.Series]] = []


def _starts(frame: pd.DataFrame) -> pd.Series:
    """When each row was first observed, as comparable text (``2017`` -> ``2017-01-01``; undated rows sort
    after every date, so they are never in force at a date). Cached per table: a trend asks it every year."""
    for cached, starts in _STARTS:
        if cached is frame:
            return starts
    text = frame["as_of"].astype("string").fillna("")
    starts = text.where(text.str.len() != 4, text + "-01-01").where(text.str.len() != 7, text + "-01")
    starts = starts.where(starts != "", "~").astype(object)  # "~" sorts after every digit
    _STARTS.insert(0, (frame, starts))
    del _STARTS[16:]
    return starts
