"""Turning what a person typed into the ids the analyses take, the same way in the CLI and the dashboard.

A member can be given by its id in any case (``ken``) or by its name (``Kenya``); an exact id is taken as it is,
anything else is an error that names the closest matches, so a typo never silently selects something else.
A member that exists but is not analysed (withdrawn, or not yet joined at the analysis date) is an error that
says so. Every error is a :class:`model.errors.UsageError` (exit code 2) with one line and a hint.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd

from model.config import AnalysisConfig
from model.errors import UsageError
from model.facts import Facts, column

__all__ = ["resolve_consortium", "resolve_members", "resolve_organisation", "resolve_region", "resolve_theme"]


def _suggest(text: str, choices: dict[str, str]) -> str:
    """Up to three close choices as ``id (label)``; ``choices`` maps a searchable key to an id."""
    folded = text.strip().casefold()
    close = [choices[k] for k in choices if k.casefold() == folded]
    if not close and len(folded) >= 3:  # a prefix or a word of the name: "Africa" for "Africa and Middle East"
        close = sorted({choices[k] for k in choices if k.casefold().startswith(folded)
                        or folded in k.casefold().split()})[:3]
    if not close:
        lowered = {k.casefold(): v for k, v in choices.items()}
        close = [lowered[k] for k in difflib.get_close_matches(folded, list(lowered), n=3, cutoff=0.6)]
    unique = list(dict.fromkeys(close))
    return f"did you mean {', '.join(unique)}?" if unique else ""


def resolve_members(facts: Facts, values: Iterable[str], config: AnalysisConfig | None = None) -> list[str]:
    """The analysed member ids ``values`` name, exactly; otherwise :class:`UsageError` with suggestions.

    Examples
    --------
    >>> facts = Facts.from_rows(members=[{"id": "KEN", "name": "Kenya", "status": "active", "joined": 2011},
    ...                                  {"id": "TZA", "name": "Tanzania", "status": "withdrawn"}])
    >>> resolve_members(facts, ["KEN"])
    ['KEN']
    >>> resolve_members(facts, ["ken"])
    Traceback (most recent call last):
    ...
    model.errors.UsageError: unknown member id 'ken' (did you mean KEN?)
    >>> resolve_members(facts, ["Kenya"])
    Traceback (most recent call last):
    ...
    model.errors.UsageError: unknown member id 'Kenya' (did you mean KEN?)
    >>> resolve_members(facts, ["TZA"])
    Traceback (most recent call last):
    ...
    model.errors.UsageError: member TZA (Tanzania) is withdrawn: it is not analysed
    """
    cfg = config or AnalysisConfig()
    members = facts.members
    ids = column(members, "member_id")
    names = dict(zip(ids, column(members, "name"), strict=True))
    status = dict(zip(ids, column(members, "status"), strict=True))
    joined = dict(zip(ids, pd.to_numeric(members["joined"], errors="coerce"), strict=True))
    out = []
    for value in values:
        if value in status:
            if status[value] not in cfg.member_statuses:
                raise UsageError(f"member {value} ({names.get(value) or value}) is {status[value]}: it is not analysed",
                                 hint="the analysed statuses are " + ", ".join(cfg.member_statuses)
                                 + " (setting OGPNET_MEMBER_STATUSES)")
            if cfg.as_of and not (pd.notna(joined.get(value)) and joined[value] <= int(cfg.as_of[:4])):
                when = "an unknown year" if pd.isna(joined.get(value)) else str(int(joined[value]))
                raise UsageError(f"member {value} ({names.get(value) or value}) joined OGP in {when}, not by "
                                 f"{cfg.as_of}", hint="choose a later --as-of, or leave it out")
            out.append(value)
            continue
        choices = {i: i for i in ids} | {str(n): i for i, n in names.items() if isinstance(n, str)}
        suggestion = _suggest(value, choices)
        raise UsageError(f"unknown member id {_shown(value)}" + (f" ({suggestion})" if suggestion else ""),
                         hint="use ISO-3 codes for countries (e.g. KEN) or the ids of local members listed by "
                              "`ogpnet gaps --status all`")
    return out


def resolve_theme(facts: Facts, value: str) -> str:
    """A theme id, exactly, else :class:`UsageError` with suggestions.

    >>> resolve_theme(Facts.from_rows(expertise=[{"organisation_id": "a", "theme_id": "open_data"}]), "Open data")
    Traceback (most recent call last):
    ...
    model.errors.UsageError: unknown theme 'Open data' (did you mean open_data?)
    """
    if value in facts.themes:
        return value
    choices = {t: t for t in facts.themes} | {n: t for t, n in facts.theme_names.items()}
    suggestion = _suggest(value, choices)
    raise UsageError(f"unknown theme {_shown(value)}" + (f" ({suggestion})" if suggestion else ""),
                     hint="the themes are " + ", ".join(facts.themes))


def resolve_region(facts: Facts, value: str | None) -> str | None:
    """An OGP region as written in the data (None passes), else :class:`UsageError` with suggestions."""
    if value is None:
        return None
    regions = sorted(set(column(facts.members, "region")) - {None})
    if value in regions:
        return value
    suggestion = _suggest(value, {r: r for r in regions})
    raise UsageError(f"unknown region {_shown(value)}" + (f" ({suggestion})" if suggestion else ""),
                     hint="the regions are " + "; ".join(regions))


def resolve_organisation(facts: Facts, value: str) -> str:
    """An organisation id, exactly (a name or another case suggests the id), else :class:`UsageError`."""
    return _resolve_id(facts.organisations, "organisation_id", "organisation", value,
                       "organisation ids are slugs of their names, e.g. open-ownership")


def resolve_consortium(facts: Facts, value: str) -> str:
    """A consortium id, exactly, else :class:`UsageError` with suggestions."""
    return _resolve_id(facts.consortia, "consortium_id", "consortium", value,
                       "consortium ids are listed on the dashboard's network explorer and in data/consortia.csv")


def _resolve_id(frame: pd.DataFrame, key: str, what: str, value: str, hint: str) -> str:
    """``value`` if it is an id of ``frame``; else a :class:`UsageError` suggesting the closest id or name, or
    ids containing it."""
    ids = column(frame, key)
    if value in set(ids):
        return value
    names = dict(zip(ids, column(frame, "name"), strict=True))
    choices = {i: i for i in ids} | {str(n): i for i, n in names.items() if isinstance(n, str)}
    suggestion = _suggest(value, choices)
    if not suggestion:
        contains = sorted(i for i in ids if value.casefold() in i)[:3]
        suggestion = f"did you mean {', '.join(contains)}?" if contains else ""
    raise UsageError(f"unknown {what} id {_shown(value)}" + (f" ({suggestion})" if suggestion else ""), hint=hint)


def _shown(value: str, limit: int = 60) -> str:
    """A value quoted for a one-line message: control characters escaped, long values cut.

    >>> _shown("a\\nb"), _shown("x" * 100)[-2:]
    ("'a\\\\nb'", "…'")
    """
    text = value.encode("unicode_escape").decode("ascii") if any(ord(c) < 32 or ord(c) == 127 for c in value) \
        else value
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"'{text}'"
