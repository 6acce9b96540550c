"""Partner fit: who could work with a member (or several) on a theme, and which organisations are alike.

:func:`find_partners` scores candidates with an explicit weighted sum (weights in
:class:`~model.config.AnalysisConfig`) of five parts, each in [0, 1]:

* ``expertise`` - 1 if the organisation declares expertise in the theme (EXPERT_IN), else 0.
* ``presence`` - mean over the target members of 1 (it already works in the member, any theme) or, failing
  that, the strength (catalogue) of its closest named tie to the member: the member's country or local
  member (0.5), a consortium co-member working there (0.4), work on the theme in a bordering country (0.4),
  the same OGP region only with ``region_neighbours`` (0.2); else 0. A region alone is not presence.
* ``track_record`` - ``min(c, track_record_cap) / track_record_cap`` where c = countries (ISO-3; a local
  member counts as its country) in which it covers the theme (strength at least ``coverage_min_strength``).
* ``complementarity`` - mean over the target members of 1 if its sector is not among the sectors of the
  member's current supporters on the theme (1 when there are none), else 0.
* ``proximity`` - resource allocation to the *anchors* (organisations working in the target members):
  ``sum over anchors a != o of sum over shared items z of 1 / deg(z)`` in the two-mode graph organisation -
  item, items being themes (capability), members (WORKS_IN) and consortia (MEMBER_OF); hub items weigh
  little. Divided by its maximum over all candidates (before any sector filter), so 1 = closest.

Candidates: organisations capable on the theme (EXPERT_IN it or supporting it somewhere), organisations
working in a target member on any theme, and consortium co-members of those; minus organisations that
already cover the theme in every target member. Equal scores are ordered by the strength of the evidence
(the sum of its support strengths on the theme and of its tie strengths to the targets), then by id.
Every partner carries its ``evidence``: a list of ``{text, source, as_of}`` items.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from graph.analysis.coverage import STATUSES, coverage_cells
from graph.analysis.reach import member_ties
from graph.analysis.scope import analysed_members, in_force
from graph.analysis.supply import capabilities, organisations_in_role, support_links, supporting_links
from model.config import AnalysisConfig
from model.facts import Facts, column

__all__ = ["PARTS", "PARTNER_COLUMNS", "SIMILAR_COLUMNS", "PartnerIndex", "find_partners", "partner_index",
           "similar_organisations"]

PARTS = ("expertise", "presence", "track_record", "complementarity", "proximity")
PARTNER_COLUMNS = ("rank", "organisation_id", "name", "sector", "score", *PARTS, "evidence_strength",
                   "countries", "evidence")
SIMILAR_COLUMNS = ("organisation_id", "name", "sector", "jaccard", "resource_allocation", "n_shared", "shared")
Evidence = dict[str, Any]


def find_partners(
    facts: Facts,
    theme: str,
    members: str | Iterable[str] | None = None,
    sector: str | None = None,
    top: int = 10,
    config: AnalysisConfig | None = None,
    index: PartnerIndex | None = None,
    role: str = "any",
) -> pd.DataFrame:
    """Rank candidate partners for ``theme`` in ``members`` (default: every member with demand on it).

    Returns at most ``top`` rows sorted by ``score`` (descending), then ``evidence_strength`` (descending),
    then ``organisation_id``, columns :data:`PARTNER_COLUMNS`: ``rank`` (1..), ``organisation_id``, ``name``,
    ``sector``, ``score`` (weighted sum of the parts), the five parts (see the module docstring),
    ``evidence_strength``, ``countries`` (ISO-3 codes where it covers the theme, sorted) and ``evidence``
    (``{text, source, as_of}`` items). ``sector`` keeps only candidates of that sector; ``role`` (``any``,
    ``implementer``, ``funder``: :func:`graph.analysis.supply.organisations_in_role`) only those in that role.
    Unknown theme or member ids raise ``ValueError``.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "name": "Kenya", "iso3": "KEN", "status": "active"},
    ...              {"id": "GHA", "name": "Ghana", "iso3": "GHA", "status": "active"}],
    ...     organisations=[{"id": "a", "name": "A", "sector": "private"},
    ...                    {"id": "b", "name": "B", "sector": "academic"}],
    ...     engagements=[{"organisation_id": "a", "member_id": "GHA", "theme_id": "climate",
    ...                   "relation": "country_programme", "source": "s", "as_of": "2023"},
    ...                  {"organisation_id": "b", "member_id": "KEN", "theme_id": "justice",
    ...                   "relation": "country_programme", "source": "s", "as_of": "2024"}],
    ...     expertise=[{"organisation_id": "a", "theme_id": "climate", "source": "s", "as_of": "2024"}])
    >>> partners = find_partners(facts, "climate", members="KEN")
    >>> partners[["organisation_id", "score", "expertise", "presence", "track_record"]]
      organisation_id     score  expertise  presence  track_record
    0               a  1.833333        1.0       0.0      0.333333
    1               b  1.500000        0.0       1.0      0.000000
    >>> [e["text"] for e in partners.loc[0, "evidence"]]
    ['A declares expertise in Climate and environment', 'A covers Climate and environment in Ghana (country programme)']
    """
    cfg = config or AnalysisConfig()
    idx = index if index is not None and index.config == cfg else partner_index(facts, cfg)
    if theme not in idx.themes:
        raise ValueError(f"unknown theme: {theme}")
    if members is None:
        cells = coverage_cells(idx.facts, cfg, themes=[theme], with_reachable=False)
        targets = sorted(cells.loc[(cells["theme_id"] == theme) & cells["status"].isin(STATUSES), "member_id"])
    else:
        targets = sorted({members} if isinstance(members, str) else set(members))
        unknown = [m for m in targets if m not in set(column(idx.analysed, "member_id"))]
        if unknown:
            raise ValueError(f"unknown or not analysed member(s): {', '.join(unknown)}")
    if not targets:
        return _empty(PARTNER_COLUMNS)

    supporting = idx.supporting.get(theme, {})  # org -> {member: (relation, strength, source, as_of)}
    supporters_of: dict[str, set[str]] = defaultdict(set)
    for o, where in supporting.items():
        for m in where:
            supporters_of[m].add(o)
    target_set = set(targets)
    anchors = {o for o, where in idx.active_in.items() if where.keys() & target_set}
    capable = idx.capable.get(theme, set())
    comembers = {p for a in anchors for c in idx.consortia_of.get(a, ()) for p in idx.members_of[c]}
    candidates = sorted((capable | anchors | comembers)
                        - {o for o in supporting if target_set <= supporting[o].keys()})
    allowed = organisations_in_role(idx.facts, role, cfg)
    if allowed is not None:
        candidates = [o for o in candidates if o in allowed]
    if not candidates:
        return _empty(PARTNER_COLUMNS)

    experts = idx.experts.get(theme, {})
    proximity = idx.resource_allocation(candidates, anchors)
    top_proximity = max(proximity.values(), default=0.0)
    complementarity = _complementarity(idx, candidates, targets, supporters_of)
    rows = []
    for i, o in enumerate(candidates):
        countries = sorted({str(idx.iso3_of.get(m) or m) for m in supporting.get(o, {})})
        ties = [idx.tie(o, m, theme) for m in targets]
        rows.append({
            "organisation_id": o,
            "name": idx.name_of.get(o),
            "sector": idx.sector_of.get(o),
            "expertise": 1.0 if o in experts else 0.0,
            "presence": float(np.mean([t[0] for t in ties])),
            "track_record": min(len(countries), cfg.track_record_cap) / cfg.track_record_cap,
            "complementarity": float(complementarity[i]),
            "proximity": proximity.get(o, 0.0) / top_proximity if top_proximity > 0 else 0.0,
            "evidence_strength": round(sum(w for w, *_ in supporting.get(o, {}).values())
                                       + sum(t[0] for t in ties), 6),
            "countries": countries,
        })
    table = pd.DataFrame(rows)
    weights = {"expertise": cfg.weight_expertise, "presence": cfg.weight_presence,
               "track_record": cfg.weight_track_record, "complementarity": cfg.weight_complementarity,
               "proximity": cfg.weight_proximity}
    table["score"] = sum(w * table[part] for part, w in weights.items())
    if sector is not None:
        table = table[table["sector"] == sector]
    table = table.assign(_score=table["score"].round(9)).sort_values(
        ["_score", "evidence_strength", "organisation_id"], ascending=[False, False, True], ignore_index=True)
    table = table.head(top).drop(columns="_score").copy()
    table["evidence"] = pd.Series([idx.evidence(o, theme, targets) for o in table["organisation_id"]],
                                  index=table.index, dtype="object")
    table.insert(0, "rank", np.arange(1, len(table) + 1, dtype="int64"))
    return table[list(PARTNER_COLUMNS)]


@dataclass
class PartnerIndex:
    """The theme-independent lookups of :func:`find_partners`, built once per graph and configuration.

    Pass it as ``index=`` when asking for partners many times on the same graph (a report asks for every
    gap cell): each call then costs dictionary look-ups instead of re-reading the graph.
    """

    facts: Facts
    config: AnalysisConfig
    themes: tuple[str, ...]
    analysed: pd.DataFrame
    #: org -> {member: (relation, theme_id, source, as_of)} of its strongest engagement there
    active_in: dict[str, dict[str, tuple[Any, ...]]]
    #: theme -> org -> {member: (strength, relation, source, as_of)} where it covers the theme
    supporting: dict[str, dict[str, dict[str, tuple[Any, ...]]]]
    capable: dict[str, set[str]]
    #: theme -> org -> (source, as_of) of its declared expertise
    experts: dict[str, dict[str, tuple[Any, Any]]]
    consortia_of: dict[str, set[str]]
    members_of: dict[str, set[str]]
    items_of: dict[str, set[str]]
    item_degree: dict[str, int]
    sector_of: dict[str, object]
    name_of: dict[str, object]
    iso3_of: dict[str, object]
    member_names: dict[str, object]
    consortium_names: dict[str, object]
    #: member -> org -> (tie, text, source, as_of): its closest theme-independent tie
    ties: dict[str, dict[str, tuple[Any, ...]]] = field(default_factory=dict)
    #: member -> bordering members
    borders: dict[str, set[str]] = field(default_factory=dict)
    tie_strength: dict[str, float] = field(default_factory=dict)

    def tie(self, o: str, m: str, theme: str) -> tuple[float, str | None, Evidence | None]:
        """(presence weight, tie kind, evidence) of organisation ``o`` for member ``m`` on ``theme``: 1 when it
        works there, else the strongest named tie (borders need work on the theme next door), else 0."""
        found = self.ties.get(m, {}).get(o)
        best: tuple[float, str | None, Evidence | None] = (0.0, None, None)
        if found is not None:
            kind, text, source, as_of = found
            weight = 1.0 if kind == "works_in" else self.tie_strength.get(kind, 0.0)
            best = (weight, kind, {"text": f"{self.name_of.get(o) or o} {text}", "source": source,
                                   "as_of": as_of})
        if best[0] < self.tie_strength.get("border", 0.0):
            for n in sorted(self.borders.get(m, ())):
                there = self.supporting.get(theme, {}).get(o, {}).get(n)
                if there is not None:
                    _, relation, source, as_of = there
                    text = (f"{self.name_of.get(o) or o} works on {self.facts.theme_names.get(theme, theme)} in "
                            "neighbouring "
                            f"{self.member_names.get(n) or n} ({str(relation).replace('_', ' ')})")
                    best = (self.tie_strength.get("border", 0.0), "border",
                            {"text": text, "source": source, "as_of": as_of})
                    break
        return best

    def evidence(self, o: str, theme: str, targets: Sequence[str]) -> list[Evidence]:
        """Why ``o`` is a candidate: declared expertise, where it covers the theme, its ties to the targets."""
        name = self.name_of.get(o) or o
        theme_name = self.facts.theme_names.get(theme, theme)
        items: list[Evidence] = []
        if o in self.experts.get(theme, {}):
            source, as_of = self.experts[theme][o]
            items.append({"text": f"{name} declares expertise in {theme_name}", "source": source, "as_of": as_of})
        where = self.supporting.get(theme, {}).get(o, {})
        for m in sorted(where, key=lambda m: str(self.member_names.get(m) or m))[:5]:
            _, relation, source, as_of = where[m]
            items.append({"text": f"{name} covers {theme_name} in {self.member_names.get(m) or m} "
                                  f"({str(relation).replace('_', ' ')})", "source": source, "as_of": as_of})
        if len(where) > 5:
            items.append({"text": f"{name} covers {theme_name} in {len(where) - 5} more member(s)", "source": None,
                          "as_of": None})
        for m in targets:
            _, _, item = self.tie(o, m, theme)
            if item is not None and item not in items:
                items.append(item)
        return items

    def resource_allocation(self, candidates: Iterable[str], anchors: set[str]) -> dict[str, float]:
        """Resource allocation of each candidate to the anchors over shared themes, members and consortia."""
        anchor_count: dict[str, int] = defaultdict(int)
        for a in anchors:
            for item in self.items_of.get(a, ()):
                anchor_count[item] += 1
        out = {}
        for o in candidates:
            mine = self.items_of.get(o, set())
            own = 1 if o in anchors else 0
            # fsum: exactly rounded whatever the set's order (which changes with the hash seed between runs)
            total = math.fsum((anchor_count.get(item, 0) - own) / self.item_degree[item] for item in mine)
            if mine:
                out[o] = float(total)
        return out


def partner_index(facts: Facts, config: AnalysisConfig | None = None) -> PartnerIndex:
    """Build the :class:`PartnerIndex` of ``facts`` (see :func:`find_partners`)."""
    cfg = config or AnalysisConfig()
    facts = in_force(facts, cfg)
    links = support_links(facts, cfg)
    active_in: dict[str, dict[str, tuple[Any, ...]]] = defaultdict(dict)
    strongest = links.sort_values(["organisation_id", "member_id", "strength"], ascending=[True, True, False])
    for o, m, r, t, s, a in zip(column(strongest, "organisation_id"), column(strongest, "member_id"),
                                column(strongest, "relation"), column(strongest, "theme_id"),
                                column(strongest, "source"), column(strongest, "as_of"), strict=True):
        active_in[o].setdefault(m, (r, t, s, a))
    supporting: dict[str, dict[str, dict[str, tuple[Any, ...]]]] = defaultdict(lambda: defaultdict(dict))
    covering = links[links["strength"] >= cfg.coverage_min_strength]
    for o, m, t, w, r, s, a in zip(column(covering, "organisation_id"), column(covering, "member_id"),
                                   column(covering, "theme_id"), column(covering, "strength"),
                                   column(covering, "relation"), column(covering, "source"),
                                   column(covering, "as_of"), strict=True):
        supporting[t][o][m] = (float(w), r, s, a)
    caps = capabilities(facts, cfg)
    capable: dict[str, set[str]] = defaultdict(set)
    for o, t in zip(column(caps, "organisation_id"), column(caps, "theme_id"), strict=True):
        capable[t].add(o)
    experts: dict[str, dict[str, tuple[Any, Any]]] = defaultdict(dict)
    ex = facts.expertise
    for o, t, s, a in zip(column(ex, "organisation_id"), column(ex, "theme_id"), column(ex, "source"),
                          column(ex, "as_of"), strict=True):
        experts[t][o] = (s, a)
    org_ms = facts.memberships[facts.memberships["participant_type"] == "organisation"]
    consortia_of: dict[str, set[str]] = defaultdict(set)
    members_of: dict[str, set[str]] = defaultdict(set)
    for o, c in zip(column(org_ms, "participant_id"), column(org_ms, "consortium_id"), strict=True):
        consortia_of[o].add(c)
        members_of[c].add(o)
    # two-mode organisation - item graph of the proximity part: themes it can work on, members, consortia
    items_of: dict[str, set[str]] = defaultdict(set)
    for t, orgs in capable.items():
        for o in orgs:
            items_of[o].add("theme:" + t)
    for o, where in active_in.items():
        items_of[o].update("member:" + m for m in where)
    for o, cs in consortia_of.items():
        items_of[o].update("consortium:" + c for c in cs)
    item_degree: dict[str, int] = defaultdict(int)
    for items in items_of.values():
        for item in items:
            item_degree[item] += 1
    org_frame = facts.organisations.set_index("organisation_id")
    member_frame = facts.members.set_index("member_id")
    analysed = analysed_members(facts, cfg)
    ties: dict[str, dict[str, tuple[Any, ...]]] = defaultdict(dict)
    all_ties = member_ties(facts, cfg)
    for m, o, kind, text, s, a in zip(column(all_ties, "member_id"), column(all_ties, "organisation_id"),
                                      column(all_ties, "tie"), column(all_ties, "text"), column(all_ties, "source"),
                                      column(all_ties, "as_of"), strict=True):
        ties[m][o] = (kind, text, s, a)
    borders: dict[str, set[str]] = defaultdict(set)
    border_rows = getattr(facts, "borders", None)
    if border_rows is not None and cfg.hops >= 2:
        for a_, b_ in zip(column(border_rows, "member_id"), column(border_rows, "neighbour_id"), strict=True):
            borders[a_].add(b_)
    return PartnerIndex(
        facts=facts, config=cfg, themes=facts.themes, analysed=analysed,
        active_in=dict(active_in), supporting={t: dict(v) for t, v in supporting.items()}, capable=dict(capable),
        experts=dict(experts), consortia_of=dict(consortia_of), members_of=dict(members_of),
        items_of=dict(items_of), item_degree=dict(item_degree), sector_of=_by_id(org_frame["sector"]),
        name_of=_by_id(org_frame["name"]), iso3_of=_by_id(member_frame["iso3"]),
        member_names=_by_id(member_frame["name"]),
        consortium_names=_by_id(facts.consortia.set_index("consortium_id")["name"]),
        ties=dict(ties), borders=dict(borders), tie_strength={t.id: t.strength for t in cfg.catalogue.ties},
    )


def _by_id(values: pd.Series) -> dict[str, object]:
    """A column indexed by id as a plain ``{id: value}`` dict."""
    return dict(zip(map(str, values.index), values.tolist(), strict=True))


def similar_organisations(
    facts: Facts, organisation: str, top: int = 10, by: str = "jaccard", *, theme: str | None = None,
    config: AnalysisConfig | None = None,
) -> pd.DataFrame:
    """Organisations supporting the same (member, theme) cells as ``organisation`` (on ``theme`` only, if given).

    Two-mode graph organisation - cell, a cell being (member, theme) supported as in
    :func:`graph.analysis.supply.supporting_links` (with ``config``'s non-supply relations). ``jaccard`` =
    shared / union of cells; ``resource_allocation`` = sum over shared cells of 1 / (number of supporters of
    the cell). Ranked by ``by`` (``jaccard`` or ``resource_allocation``) descending, then the other, then id. Columns
    :data:`SIMILAR_COLUMNS`; ``shared`` lists the shared cells as ``"<member_id>/<theme_id>"``.

    Examples
    --------
    >>> facts = Facts.from_rows(engagements=[
    ...     {"organisation_id": o, "member_id": m, "theme_id": "climate", "relation": "country_programme"}
    ...     for o, m in [("a", "KEN"), ("a", "GHA"), ("b", "KEN"), ("c", "KEN"), ("c", "GHA")]])
    >>> similar_organisations(facts, "a")[["organisation_id", "jaccard", "resource_allocation", "shared"]]
      organisation_id  jaccard  resource_allocation                      shared
    0               c      1.0             0.833333  [GHA/climate, KEN/climate]
    1               b      0.5             0.333333               [KEN/climate]

    With ``theme``, the cells of other themes count neither as shared nor in the union:

    >>> facts = Facts.from_rows(engagements=[
    ...     {"organisation_id": o, "member_id": "KEN", "theme_id": t, "relation": "country_programme"}
    ...     for o, t in [("a", "climate"), ("a", "open_data"), ("b", "climate"), ("b", "justice")]])
    >>> similar_organisations(facts, "a")[["organisation_id", "jaccard", "shared"]]
      organisation_id   jaccard         shared
    0               b  0.333333  [KEN/climate]
    >>> similar_organisations(facts, "a", theme="climate")[["organisation_id", "jaccard", "shared"]]
      organisation_id  jaccard         shared
    0               b      1.0  [KEN/climate]
    """
    if by not in ("jaccard", "resource_allocation"):
        raise ValueError("by must be 'jaccard' or 'resource_allocation'")
    cfg = config or AnalysisConfig()
    facts = in_force(facts, cfg)
    links = supporting_links(facts, cfg)
    if theme is not None:
        if theme not in facts.themes:
            raise ValueError(f"unknown theme: {theme}")
        links = links[links["theme_id"] == theme]
    known = set(facts.organisations["organisation_id"]) | set(facts.engagements["organisation_id"])
    if organisation not in known:
        raise ValueError(f"unknown organisation: {organisation}")
    links = links.assign(cell=links["member_id"] + "/" + links["theme_id"])
    own = set(links.loc[links["organisation_id"] == organisation, "cell"])
    if not own:
        return _empty(SIMILAR_COLUMNS)
    degree = links.groupby("cell").size()
    items = links.groupby("organisation_id")["cell"].agg(set)
    shared_rows = links[links["cell"].isin(own) & (links["organisation_id"] != organisation)]
    rows = []
    for other in sorted(set(shared_rows["organisation_id"])):
        shared = sorted(own & items[other])
        rows.append({
            "organisation_id": other,
            "jaccard": len(shared) / len(own | items[other]),
            "resource_allocation": float(sum(1.0 / degree[c] for c in shared)),
            "n_shared": len(shared),
            "shared": shared,
        })
    if not rows:
        return _empty(SIMILAR_COLUMNS)
    table = pd.DataFrame(rows)
    orgs = facts.organisations.set_index("organisation_id")
    table.insert(1, "name", table["organisation_id"].map(orgs["name"]))
    table.insert(2, "sector", table["organisation_id"].map(orgs["sector"]))
    other_key = "resource_allocation" if by == "jaccard" else "jaccard"
    table = table.sort_values([by, other_key, "organisation_id"], ascending=[False, False, True],
                              ignore_index=True)
    table["n_shared"] = table["n_shared"].astype("int64")
    return table.head(top)[list(SIMILAR_COLUMNS)]


def _complementarity(idx: PartnerIndex, candidates: Sequence[str], targets: Sequence[str],
                     supporters_of: dict[str, set[str]]) -> np.ndarray:
    """Mean over targets of 1 when the candidate's sector is not yet among the target's supporters."""
    present = [{idx.sector_of.get(s) for s in supporters_of[m]} for m in targets]
    share: dict[object, float] = {}
    out = np.zeros(len(candidates))
    for i, o in enumerate(candidates):
        sector = idx.sector_of.get(o)
        if not isinstance(sector, str):
            continue
        if sector not in share:
            share[sector] = sum(sector in p for p in present) / len(present)
        out[i] = 1.0 - share[sector]
    return out


def _empty(columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in columns})
