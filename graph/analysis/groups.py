"""Groupings of organisations for Gould-Fernandez brokerage roles: by sector, region or consortium.

* ``sector``: the organisation's sector.
* ``region``: the OGP region of its headquarters country when that country is a member; otherwise the
  region where it has most engagements (ties: alphabetical); ``unknown`` when neither is known.
* ``consortium``: of the consortia it belongs to, the one with most organisation members (ties: by id) —
  its widest community; ``none`` when it belongs to none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pandas as pd

from graph.analysis.brokerage import BrokerageReport, brokerage_report
from graph.analysis.network import organisation_network
from graph.analysis.scope import in_force
from model.config import AnalysisConfig
from model.facts import Facts, column

GROUPINGS = ("sector", "region", "consortium")


def organisation_groups(facts: Facts, by: str) -> dict[str, str]:
    """Group label of every organisation.

    ``region``: the organisation's own ``region`` (that of its headquarters country, set by the dataset builder),
    else the region of its headquarters country when that is a national member (organisations added without the
    builder, e.g. by an intake return), else the region where it has most engagements (ties by name), else
    ``unknown``.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "iso3": "KEN", "region": "Africa and Middle East", "level": "national"},
    ...              {"id": "FRA", "iso3": "FRA", "region": "Europe", "level": "national"}],
    ...     organisations=[{"id": "a", "sector": "private", "hq_iso3": "FRA"}, {"id": "b", "sector": "academic"},
    ...                    {"id": "x", "sector": "civil_society", "hq_iso3": "IND", "region": "Asia and the Pacific"},
    ...                    {"id": "y", "sector": "civil_society"}],
    ...     consortia=[{"id": "c", "name": "C"}],
    ...     engagements=[{"organisation_id": "b", "member_id": "KEN", "relation": "x"}],
    ...     memberships=[{"participant_type": "organisation", "participant_id": "b", "consortium_id": "c"}])
    >>> organisation_groups(facts, "region")
    {'a': 'Europe', 'b': 'Africa and Middle East', 'x': 'Asia and the Pacific', 'y': 'unknown'}
    >>> organisation_groups(facts, "consortium")
    {'a': 'none', 'b': 'c', 'x': 'none', 'y': 'none'}
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
        for o, hq, own in zip(column(orgs, "organisation_id"), column(orgs, "hq_iso3"), column(orgs, "region"),
                              strict=True):
            home = own or (region_of_country.get(hq) if hq else None)
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
    facts = in_force(facts, cfg)
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


def broker_evidence(facts: Facts, report: BrokerageReport, organisations: Iterable[str],
                    config: AnalysisConfig | None = None, limit: int = 5) -> dict[str, list[dict[str, Any]]]:
    """Why each of ``organisations`` is a broker: the ties that reach other groups, as evidence items.

    For each other group its neighbours belong to (groups: ``report.organisations["group"]``, else the report's
    group column), most neighbours first, one item ``{text, source, as_of, group, neighbours}``: the tie to its
    closest neighbour there (the smallest shared consortium or member, as in the network's weights) with the
    source and date of the organisation's own membership or engagement. An organisation whose ties stay inside
    its group gets one item saying so. At most ``limit`` items; consortia and members larger than
    ``config.max_affiliation_size`` are not ties, as in the network.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "name": "Kenya"}],
    ...     organisations=[{"id": "a", "name": "A", "sector": "civil_society"},
    ...                    {"id": "b", "name": "B", "sector": "multilateral"},
    ...                    {"id": "c", "name": "C", "sector": "civil_society"}],
    ...     consortia=[{"id": "wg", "name": "Working group"}],
    ...     memberships=[{"participant_type": "organisation", "participant_id": o, "consortium_id": "wg",
    ...                   "source": "s", "as_of": "2020"} for o in "ac"],
    ...     engagements=[{"organisation_id": o, "member_id": "KEN", "relation": "x", "source": "t",
    ...                   "as_of": "2023"} for o in "ab"])
    >>> report = brokerage_by(facts, "sector")
    >>> for item in broker_evidence(facts, report, ["a"])["a"]:
    ...     print(item["text"])
    A ties civil society to multilateral (1 organisation): works in Kenya alongside B
    A ties within civil society: co-member of Working group with C
    """
    cfg = config or AnalysisConfig()
    facts = in_force(facts, cfg)
    orgs = report.organisations
    group_col = "group" if "group" in orgs.columns else report.group
    group_of = {str(o): str(g) for o, g in zip(orgs.index, orgs[group_col], strict=True)}
    names = {str(o): (n if isinstance(n, str) else str(o)) for o, n in zip(orgs.index, orgs["name"], strict=True)}
    rows = _affiliation_rows(facts)
    size = rows.groupby("affiliation")["organisation_id"].nunique()
    limit_size = cfg.max_affiliation_size
    usable = size[(size >= 2) & ((size <= limit_size) if limit_size > 0 else True)]
    rows = rows[rows["affiliation"].isin(usable.index)]
    members_of: dict[str, list[str]] = defaultdict(list)
    for a, o in zip(column(rows, "affiliation"), column(rows, "organisation_id"), strict=True):
        members_of[a].append(o)
    own_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in rows.to_dict("records"):
        row = {str(k): v for k, v in record.items()}
        own_rows[row["organisation_id"]].append(row)
    out: dict[str, list[dict[str, Any]]] = {}
    for o in map(str, organisations):
        mine = sorted(own_rows.get(o, []), key=lambda r: (int(usable[r["affiliation"]]), r["affiliation"]))
        reached: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()
        for row in mine:  # smallest affiliation first: each neighbour's first entry is its closest tie
            for p in sorted(members_of[row["affiliation"]]):
                g = group_of.get(p, "unknown")
                if p != o and (g, p) not in seen:
                    seen.add((g, p))
                    reached[g].append((p, row))
        own = group_of.get(o, "unknown")
        items = []
        for g, found in sorted(((g, f) for g, f in reached.items() if g != own), key=lambda kv: (-len(kv[1]), kv[0])):
            p, row = found[0]
            n = len(found)
            items.append({"text": f"{names.get(o, o)} ties {_words(own)} to {_words(g)} ({n} organisation"
                                  f"{'s' if n != 1 else ''}): {row['how']} {names.get(p, p)}",
                          "source": row["source"], "as_of": row["as_of"], "group": g, "neighbours": n})
        if own in reached and len(items) < limit:
            p, row = reached[own][0]
            items.append({"text": f"{names.get(o, o)} ties within {_words(own)}: {row['how']} {names.get(p, p)}",
                          "source": row["source"], "as_of": row["as_of"], "group": own,
                          "neighbours": len(reached[own])})
        out[o] = items[:limit]
    return out


def _words(group: str) -> str:
    return group.replace("_", " ")


def _affiliation_rows(facts: Facts) -> pd.DataFrame:
    """One row per (organisation, affiliation) with how to say it and the evidence's source and date (the
    newest row when several support it)."""
    consortium_names = dict(zip(column(facts.consortia, "consortium_id"), column(facts.consortia, "name"),
                                strict=True))
    member_names = dict(zip(column(facts.members, "member_id"), column(facts.members, "name"), strict=True))
    ms = facts.memberships[facts.memberships["participant_type"] == "organisation"]
    cons = pd.DataFrame({
        "organisation_id": ms["participant_id"].astype(str), "affiliation": "consortium:" + ms["consortium_id"],
        "how": ms["consortium_id"].map(lambda c: f"co-member of {_name(consortium_names, c)} with"),
        "source": ms["source"], "as_of": ms["as_of"]})
    eng = facts.engagements
    works = pd.DataFrame({
        "organisation_id": eng["organisation_id"].astype(str), "affiliation": "member:" + eng["member_id"],
        "how": eng["member_id"].map(lambda m: f"works in {_name(member_names, m)} alongside"),
        "source": eng["source"], "as_of": eng["as_of"]})
    rows = pd.concat([cons, works], ignore_index=True)
    rows = rows.assign(_d=rows["as_of"].astype(str)).sort_values(["organisation_id", "affiliation", "_d"],
                                                                 ascending=[True, True, False])
    return rows.drop_duplicates(["organisation_id", "affiliation"]).drop(columns="_d").reset_index(drop=True)


def _name(names: dict[Any, Any], key: Any) -> str:
    value = names.get(key)
    return value if isinstance(value, str) and value else str(key)
