"""Supply: which organisations support which (member, theme) cells, and which can work on which theme.

Both coverage and partner fit read supply here, with the relations the configuration says are not
support (:attr:`model.config.AnalysisConfig.non_supply_relations`), so that every page, command and report
counts the same supporters.
"""

from __future__ import annotations

import pandas as pd

from model.config import AnalysisConfig
from model.facts import Facts

__all__ = ["capabilities", "supporting_links"]


def supporting_links(facts: Facts, config: AnalysisConfig | None = None) -> pd.DataFrame:
    """(organisation_id, member_id, theme_id) triples of supply, one row each, sorted.

    An organisation supports theme t in member m when it WORKS_IN m with ``theme_id == t``, or works in m
    with a general engagement (blank theme) and is EXPERT_IN t; engagements whose relation is in
    ``config.non_supply_relations`` are not support.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     engagements=[{"organisation_id": "a", "member_id": "KEN", "relation": "country_programme"},
    ...                  {"organisation_id": "b", "member_id": "KEN", "theme_id": "justice", "relation": "x"},
    ...                  {"organisation_id": "c", "member_id": "KEN", "theme_id": "justice",
    ...                   "relation": "past_engagement"}],
    ...     expertise=[{"organisation_id": "a", "theme_id": "open_data"}])
    >>> supporting_links(facts)
      organisation_id member_id   theme_id
    0               a       KEN  open_data
    1               b       KEN    justice
    """
    cfg = config or AnalysisConfig()
    eng = facts.engagements
    eng = eng[~eng["relation"].isin(list(cfg.non_supply_relations))]
    specific = eng.loc[eng["theme_id"].notna(), ["organisation_id", "member_id", "theme_id"]]
    general = eng.loc[eng["theme_id"].isna(), ["organisation_id", "member_id"]].merge(
        facts.expertise[["organisation_id", "theme_id"]], on="organisation_id")
    links = pd.concat([specific, general[["organisation_id", "member_id", "theme_id"]]], ignore_index=True)
    links = links.astype("str")
    return links.drop_duplicates().sort_values(["organisation_id", "member_id", "theme_id"], ignore_index=True)


def capabilities(facts: Facts) -> pd.DataFrame:
    """(organisation_id, theme_id) pairs where the organisation can work on the theme, sorted.

    Capable = EXPERT_IN the theme, or WORKS_IN some member on the theme.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     engagements=[{"organisation_id": "b", "member_id": "KEN", "theme_id": "justice", "relation": "x"}],
    ...     expertise=[{"organisation_id": "a", "theme_id": "climate"}])
    >>> capabilities(facts)
      organisation_id theme_id
    0               a  climate
    1               b  justice
    """
    eng = facts.engagements
    worked = eng.loc[eng["theme_id"].notna(), ["organisation_id", "theme_id"]]
    both = pd.concat([facts.expertise[["organisation_id", "theme_id"]], worked], ignore_index=True).astype("str")
    return both.drop_duplicates().sort_values(["organisation_id", "theme_id"], ignore_index=True)
