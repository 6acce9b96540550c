"""Supply: which organisations support which (member, theme) cells, how strongly, and on what evidence.

An organisation supports theme t in member m when it WORKS_IN m with ``theme_id == t``, or works in m with a
general engagement (blank theme) and is EXPERT_IN t. The relation's *strength* comes from the catalogue
(:mod:`model.catalogue`): a programme or technical assistance is 1, an implementing partner 0.6-0.8,
funding 0.5, research or monitoring 0.3, an impact story 0.2, past engagements and ties that are not support
0. Relations in ``non_supply_relations`` count as 0 too, and so do engagements that ended (``until``) before
the analysis date (:func:`graph.analysis.scope.analysis_date`) and, when the setting ``self_reported_coverage``
is off, what an organisation reports about itself (confidence ``self_reported``). The strength of an
organisation on a cell is that of its strongest relation there; it *covers* the cell when that strength is at least
``coverage_min_strength``. Coverage, partner fit, coalitions and the dashboard all read supply here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.config import AnalysisConfig
from model.facts import Facts, column
from model.schema import SELF_REPORTED

__all__ = ["PARTNER_ROLES", "SUPPORT_COLUMNS", "capabilities", "organisations_in_role", "relation_strengths",
           "support_links", "supporting_links"]

#: Columns of :func:`support_links`.
SUPPORT_COLUMNS = ("organisation_id", "member_id", "theme_id", "strength", "grade", "relation", "general",
                   "source", "as_of", "detail", "confidence", "until")


def relation_strengths(facts: Facts, config: AnalysisConfig | None = None) -> pd.DataFrame:
    """The engagements with each relation's ``strength`` and ``grade`` (``unknown`` and 0 for a relation the
    catalogue lacks; 0 for those in ``non_supply_relations``; grade ``ended`` and 0 for an engagement that ended
    before the analysis date; 0 for a self-reported one when ``self_reported_coverage`` is off).

    >>> facts = Facts.from_rows(engagements=[
    ...     {"organisation_id": "a", "member_id": "KEN", "relation": "country_programme", "as_of": "2019",
    ...      "until": "2021"},
    ...     {"organisation_id": "b", "member_id": "KEN", "relation": "country_programme", "as_of": "2024",
    ...      "confidence": "self_reported"}])
    >>> relation_strengths(facts)[["organisation_id", "strength", "grade"]]
      organisation_id  strength      grade
    0               a       0.0      ended
    1               b       1.0  programme
    >>> list(relation_strengths(facts, AnalysisConfig(self_reported_coverage=False))["strength"])
    [0.0, 0.0]
    """
    from graph.analysis.scope import analysis_date

    cfg = config or AnalysisConfig()
    grades = {r.id: (r.strength, r.grade) for r in cfg.catalogue.relations}
    eng = facts.engagements
    relation = eng["relation"].astype("object")
    strength = relation.map(lambda r: grades.get(r, (0.0, "unknown"))[0]).astype("float64")
    grade = relation.map(lambda r: grades.get(r, (0.0, "unknown"))[1])
    excluded = relation.isin(list(cfg.non_supply_relations))
    until = eng["until"].astype("string").fillna("") if "until" in eng.columns else pd.Series("", index=eng.index)
    ended = until != ""
    if ended.any():  # (the data's latest date is looked up only when some engagement has an end)
        ended &= until.str.pad(10, side="right", fillchar="~") < analysis_date(facts)
    if not cfg.self_reported_coverage and "confidence" in eng.columns:
        excluded = excluded | (eng["confidence"] == SELF_REPORTED).fillna(False).astype(bool)
    return eng.assign(strength=np.where(excluded | ended, 0.0, strength), grade=grade.where(~ended, "ended"))


def support_links(facts: Facts, config: AnalysisConfig | None = None) -> pd.DataFrame:
    """Every (organisation, member, theme) with support of strength above 0: its strongest relation, with the
    evidence (source, date, detail) of that relation. Sorted by organisation, member, theme.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     engagements=[{"organisation_id": "a", "member_id": "KEN", "relation": "country_programme"},
    ...                  {"organisation_id": "b", "member_id": "KEN", "theme_id": "open_data",
    ...                   "relation": "research_hub", "source": "gdb", "as_of": "2022"},
    ...                  {"organisation_id": "c", "member_id": "KEN", "theme_id": "open_data",
    ...                   "relation": "past_engagement"}],
    ...     expertise=[{"organisation_id": "a", "theme_id": "open_data"}])
    >>> support_links(facts)[["organisation_id", "theme_id", "strength", "grade", "general"]]
      organisation_id   theme_id  strength       grade  general
    0               a  open_data       1.0   programme     True
    1               b  open_data       0.3  monitoring    False
    """
    eng = relation_strengths(facts, config)
    eng = eng[eng["strength"] > 0]
    specific = eng[eng["theme_id"].notna()].assign(general=False)
    general = eng[eng["theme_id"].isna()].drop(columns="theme_id").merge(
        facts.expertise[["organisation_id", "theme_id"]], on="organisation_id").assign(general=True)
    links = pd.concat([specific, general], ignore_index=True)
    if links.empty:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in SUPPORT_COLUMNS})
    # the strongest relation of each cell; equal strengths: the theme-specific one, then the relation's name
    links = links.sort_values(["organisation_id", "member_id", "theme_id", "strength", "general", "relation"],
                              ascending=[True, True, True, False, True, True])
    links = links.drop_duplicates(["organisation_id", "member_id", "theme_id"], ignore_index=True)
    for col in ("organisation_id", "member_id", "theme_id"):
        links[col] = links[col].astype("str")
    return links[list(SUPPORT_COLUMNS)].reset_index(drop=True)


def supporting_links(facts: Facts, config: AnalysisConfig | None = None) -> pd.DataFrame:
    """(organisation_id, member_id, theme_id) triples of coverage (strength at least ``coverage_min_strength``),
    one row each, sorted.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     engagements=[{"organisation_id": "a", "member_id": "KEN", "relation": "country_programme"},
    ...                  {"organisation_id": "b", "member_id": "KEN", "theme_id": "justice",
    ...                   "relation": "named_in_commitment"},
    ...                  {"organisation_id": "c", "member_id": "KEN", "theme_id": "justice",
    ...                   "relation": "research_hub"}],
    ...     expertise=[{"organisation_id": "a", "theme_id": "open_data"}])
    >>> supporting_links(facts)
      organisation_id member_id   theme_id
    0               a       KEN  open_data
    1               b       KEN    justice
    """
    cfg = config or AnalysisConfig()
    links = support_links(facts, cfg)
    links = links[links["strength"] >= cfg.coverage_min_strength]
    return links[["organisation_id", "member_id", "theme_id"]].reset_index(drop=True)


def capabilities(facts: Facts, config: AnalysisConfig | None = None) -> pd.DataFrame:
    """(organisation_id, theme_id) pairs where the organisation can work on the theme, sorted.

    Capable = EXPERT_IN the theme, or supports the theme somewhere (an engagement on it of strength above 0).

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     engagements=[{"organisation_id": "b", "member_id": "KEN", "theme_id": "justice",
    ...                   "relation": "country_programme"},
    ...                  {"organisation_id": "c", "member_id": "KEN", "theme_id": "justice",
    ...                   "relation": "past_engagement"}],
    ...     expertise=[{"organisation_id": "a", "theme_id": "climate"}])
    >>> capabilities(facts)
      organisation_id theme_id
    0               a  climate
    1               b  justice
    """
    eng = relation_strengths(facts, config)
    worked = eng.loc[eng["theme_id"].notna() & (eng["strength"] > 0), ["organisation_id", "theme_id"]]
    both = pd.concat([facts.expertise[["organisation_id", "theme_id"]], worked], ignore_index=True).astype("str")
    return both.drop_duplicates().sort_values(["organisation_id", "theme_id"], ignore_index=True)


#: The ``--role`` choices of partners and coalitions.
PARTNER_ROLES = ("any", "implementer", "funder")


def organisations_in_role(facts: Facts, role: str, config: AnalysisConfig | None = None) -> set[str] | None:
    """Organisation ids in ``role``, or None for ``any``.

    ``funder``: organisations a source names as funding open-government work (the ``funder`` role).
    ``implementer``: every other organisation, and funders that also have an engagement of grade programme or
    implementing somewhere (the World Bank both funds and implements).

    >>> facts = Facts.from_rows(
    ...     organisations=[{"id": "ford", "roles": ["funder"]}, {"id": "wb", "roles": ["funder"]}, {"id": "oo"}],
    ...     engagements=[{"organisation_id": "wb", "member_id": "KEN", "relation": "named_in_commitment"}])
    >>> sorted(organisations_in_role(facts, "funder")), sorted(organisations_in_role(facts, "implementer"))
    (['ford', 'wb'], ['oo', 'wb'])
    """
    if role == "any":
        return None
    if role not in PARTNER_ROLES:
        raise ValueError(f"role must be one of {', '.join(PARTNER_ROLES)}, not {role!r}")
    cfg = config or AnalysisConfig()
    orgs = facts.organisations
    funders = {o for o, r in zip(column(orgs, "organisation_id"), column(orgs, "roles"), strict=True)
               if r is not None and "funder" in r}
    if role == "funder":
        return funders
    eng = relation_strengths(facts, cfg)
    implementing = set(column(eng[eng["grade"].isin(["programme", "implementing"])], "organisation_id"))
    return (set(column(orgs, "organisation_id")) - funders) | (funders & implementing)
