"""Groupings of organisations for Gould-Fernandez brokerage roles: by sector, region or consortium.

* ``sector``: the organisation's sector.
* ``region``: the OGP region of its headquarters country when that country is a member; otherwise the
  region where it has most engagements (ties: alphabetical); ``unknown`` when neither is known.
* ``consortium``: of the consortia it belongs to, the one with most organisation members (ties: by id) —
  its widest community; ``none`` when it belongs to none.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from graph.analysis.brokerage import BrokerageReport, brokerage_report
from graph.analysis.network import organisation_network
from model.config import AnalysisConfig
from model.facts import Facts

GROUPINGS = ("sector", "region", "consortium")


def organisation_groups(facts: Facts, by: str) -> dict[str, str]:
    """Group label of every organisation.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "iso3": "KEN", "region": "Africa and Middle East", "level": "national"},
    ...              {"id": "FRA", "iso3": "FRA", "region": "Europe", "level": "national"}],
    ...     organisations=[{"id": "a", "sector": "private", "hq_iso3": "FRA"}, {"id": "b", "sector": "academic"}],
    ...     consortia=[{"id": "c", "name": "C"}],
    ...     engagements=[{"organisation_id": "b", "member_id": "KEN", "relation": "x"}],
    ...     memberships=[{"participant_type": "organisation", "participant_id": "b", "consortium_id": "c"}])
    >>> organisation_groups(facts, "region")
    {'a': 'Europe', 'b': 'Africa and Middle East'}
    >>> organisation_groups(facts, "consortium")
    {'a': 'none', 'b': 'c'}
    """
    if by not in GROUPINGS:
        raise ValueError(f"group by one of {', '.join(GROUPINGS)}, not {by!r}")
    orgs = facts.organisations
    if by == "sector":
        return {o: ("unknown" if pd.isna(s) else str(s)) for o, s in zip(orgs["organisation_id"], orgs["sector"],
                                                                         strict=True)}
    if by == "region":
        members = facts.members
        region_of_country = {i: r for i, r, lvl in zip(members["iso3"], members["region"], members["level"],
                                                       strict=True) if lvl != "local" and pd.notna(r)}
        region_of_member = {m: r for m, r in zip(members["member_id"], members["region"], strict=True)
                            if pd.notna(r)}
        eng = facts.engagements.assign(region=facts.engagements["member_id"].map(region_of_member)).dropna(
            subset=["region"])
        counts = eng.groupby(["organisation_id", "region"]).size().reset_index(name="n")
        counts = counts.sort_values(["organisation_id", "n", "region"], ascending=[True, False, True])
        most = counts.drop_duplicates("organisation_id").set_index("organisation_id")["region"].to_dict()
        out: dict[str, str] = {}
        for o, hq in zip(orgs["organisation_id"], orgs["hq_iso3"], strict=True):
            home = region_of_country.get(hq) if pd.notna(hq) else None
            out[str(o)] = str(home or most.get(o, "unknown"))
        return out
    ms = facts.memberships
    ms = ms.loc[ms["participant_type"] == "organisation", ["participant_id", "consortium_id"]]
    size = ms.groupby("consortium_id").size().rename("size")
    ranked = ms.join(size, on="consortium_id").sort_values(["participant_id", "size", "consortium_id"],
                                                           ascending=[True, False, True])
    primary = ranked.drop_duplicates("participant_id").set_index("participant_id")["consortium_id"].to_dict()
    return {o: primary.get(o, "none") for o in orgs["organisation_id"]}


def brokerage_by(facts: Facts, group_by: str = "sector",
                 config: AnalysisConfig | None = None) -> BrokerageReport:
    """:func:`~graph.analysis.brokerage.brokerage_report` with Gould-Fernandez groups by sector, region or
    consortium; ``organisations`` gets a ``group`` column with each organisation's group."""
    cfg = config or AnalysisConfig()
    H = organisation_network(facts, cfg.max_affiliation_size)
    groups = organisation_groups(facts, group_by)
    for node in H.nodes:
        H.nodes[node]["group"] = groups.get(str(node), "unknown")
    report = brokerage_report(H, replace(cfg, brokerage_group="group"))
    orgs = report.organisations
    # the groups are the `group` attribute; keep the organisations' real sector beside them
    sectors = organisation_groups(facts, "sector")
    orgs["sector"] = [sectors.get(str(o), "unknown") for o in orgs.index]
    orgs["group"] = [groups.get(str(o), "unknown") for o in orgs.index]
    return report
