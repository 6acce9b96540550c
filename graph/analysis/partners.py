"""Partner fit: who could work with a member (or several) on a theme, and which organisations are alike.

:func:`find_partners` scores candidates with an explicit weighted sum (weights in
:class:`~model.config.AnalysisConfig`) of five parts, each in [0, 1]:

* ``expertise`` - 1 if the organisation is EXPERT_IN the theme, else 0.
* ``presence`` - mean over the target members of 1 (works in the member, any theme), 0.5 (works in a
  neighbouring member: local/parent, or same region when ``region_neighbours``) or 0.
* ``track_record`` - ``min(c, track_record_cap) / track_record_cap`` where c = countries (ISO-3; a local
  member counts as its country) in which it supports the theme.
* ``complementarity`` - mean over the target members of 1 if its sector is not among the sectors of the
  member's current supporters on the theme (1 when there are none), else 0.
* ``proximity`` - resource allocation to the *anchors* (organisations working in the target members):
  ``sum over anchors a != o of sum over shared items z of 1 / deg(z)`` in the two-mode graph organisation -
  item, items being themes (capability), members (WORKS_IN) and consortia (MEMBER_OF); hub items weigh
  little. Divided by its maximum over all candidates (before any sector filter), so 1 = closest.

Candidates: organisations capable on the theme (EXPERT_IN it or working on it anywhere), organisations
working in a target member on any theme, and consortium co-members of those; minus organisations that
already support the theme in every target member.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from graph.analysis.coverage import coverage_cells
from graph.analysis.scope import analysed_members
from graph.analysis.supply import capabilities, supporting_links
from model.config import AnalysisConfig
from model.facts import Facts, column

__all__ = ["PARTS", "PARTNER_COLUMNS", "SIMILAR_COLUMNS", "PartnerIndex", "find_partners", "partner_index",
           "similar_organisations"]

PARTS = ("expertise", "presence", "track_record", "complementarity", "proximity")
PARTNER_COLUMNS = ("rank", "organisation_id", "name", "sector", "score", *PARTS, "countries", "evidence")
SIMILAR_COLUMNS = ("organisation_id", "name", "sector", "jaccard", "resource_allocation", "n_shared", "shared")


def find_partners(
    facts: Facts,
    theme: str,
    members: str | Iterable[str] | None = None,
    sector: str | None = None,
    top: int = 10,
    config: AnalysisConfig | None = None,
    index: PartnerIndex | None = None,
) -> pd.DataFrame:
    """Rank candidate partners for ``theme`` in ``members`` (default: every member with demand on it).

    Returns at most ``top`` rows sorted by ``score`` (descending) then ``organisation_id``, columns
    :data:`PARTNER_COLUMNS`: ``rank`` (1..), ``organisation_id``, ``name``, ``sector``, ``score`` (weighted
    sum of the parts), the five parts (see the module docstring), ``countries`` (ISO-3 codes where it supports
    the theme, sorted) and ``evidence`` (a sentence for people). ``sector`` keeps only candidates of that
    sector. Unknown theme or member ids raise ``ValueError``.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "name": "Kenya", "iso3": "KEN", "status": "active"},
    ...              {"id": "GHA", "name": "Ghana", "iso3": "GHA", "status": "active"}],
    ...     organisations=[{"id": "a", "name": "A", "sector": "private"},
    ...                    {"id": "b", "name": "B", "sector": "academic"}],
    ...     engagements=[{"organisation_id": "a", "member_id": "GHA", "theme_id": "climate", "relation": "x"},
    ...                  {"organisation_id": "b", "member_id": "KEN", "theme_id": "justice", "relation": "x"}],
    ...     expertise=[{"organisation_id": "a", "theme_id": "climate"}])
    >>> partners = find_partners(facts, "climate", members="KEN")
    >>> partners[["organisation_id", "score", "expertise", "presence", "track_record"]]
      organisation_id     score  expertise  presence  track_record
    0               a  1.833333        1.0       0.0      0.333333
    1               b  1.500000        0.0       1.0      0.000000
    >>> partners.loc[0, "evidence"]
    'expert in climate; active on climate in Ghana'
    """
    cfg = config or AnalysisConfig()
    idx = index if index is not None and index.config == cfg else partner_index(facts, cfg)
    if theme not in idx.themes:
        raise ValueError(f"unknown theme: {theme}")
    if members is None:
        cells = coverage_cells(idx.facts, cfg, themes=[theme], with_reachable=False)
        targets = sorted(cells.loc[(cells["theme_id"] == theme) & cells["status"].notna(), "member_id"])
    else:
        targets = sorted({members} if isinstance(members, str) else set(members))
        unknown = [m for m in targets if m not in set(column(idx.analysed, "member_id"))]
        if unknown:
            raise ValueError(f"unknown or not analysed member(s): {', '.join(unknown)}")
    if not targets:
        return _empty(PARTNER_COLUMNS)

    supporting = idx.supporting.get(theme, {})  # org -> members where it supports the theme
    supporters_of: dict[str, set[str]] = defaultdict(set)
    for o, ms in supporting.items():
        for m in ms:
            supporters_of[m].add(o)
    target_set = set(targets)
    anchors = {o for o, where in idx.active_in.items() if where & target_set}
    capable = idx.capable.get(theme, set())
    comembers = {p for a in anchors for c in idx.consortia_of.get(a, ()) for p in idx.members_of[c]}
    candidates = sorted((capable | anchors | comembers)
                        - {o for o in supporting if target_set <= supporting[o]})
    if not candidates:
        return _empty(PARTNER_COLUMNS)

    experts = idx.experts.get(theme, set())
    proximity = idx.resource_allocation(candidates, anchors)
    top_proximity = max(proximity.values(), default=0.0)

    presence = idx.presence(candidates, targets)
    complementarity = _complementarity(idx, candidates, targets, supporters_of)
    rows = []
    for i, o in enumerate(candidates):
        countries = sorted({str(idx.iso3_of.get(m) or m) for m in supporting.get(o, set())})
        rows.append({
            "organisation_id": o,
            "name": idx.name_of.get(o),
            "sector": idx.sector_of.get(o),
            "expertise": 1.0 if o in experts else 0.0,
            "presence": float(presence[i]),
            "track_record": min(len(countries), cfg.track_record_cap) / cfg.track_record_cap,
            "complementarity": float(complementarity[i]),
            "proximity": proximity.get(o, 0.0) / top_proximity if top_proximity > 0 else 0.0,
            "countries": countries,
        })
    table = pd.DataFrame(rows)
    weights = {"expertise": cfg.weight_expertise, "presence": cfg.weight_presence,
               "track_record": cfg.weight_track_record, "complementarity": cfg.weight_complementarity,
               "proximity": cfg.weight_proximity}
    table["score"] = sum(w * table[part] for part, w in weights.items())
    if sector is not None:
        table = table[table["sector"] == sector]
    table = table.sort_values(["score", "organisation_id"], ascending=[False, True], ignore_index=True)
    table = table.head(top).copy()
    nearby = _nearby_finder(idx, targets)
    table["evidence"] = [_evidence(idx, o, theme, targets, supporting, nearby, anchors)
                         for o in table["organisation_id"]]
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
    active_in: dict[str, set[str]]
    themes_in: dict[tuple[str, str], set[str]]
    supporting: dict[str, dict[str, set[str]]]
    capable: dict[str, set[str]]
    experts: dict[str, set[str]]
    consortia_of: dict[str, set[str]]
    members_of: dict[str, set[str]]
    items_of: dict[str, set[str]]
    item_degree: dict[str, int]
    sector_of: dict[str, object]
    name_of: dict[str, object]
    iso3_of: dict[str, object]
    member_names: dict[str, object]
    consortium_names: dict[str, object]
    region_of: dict[str, str] = field(default_factory=dict)  # analysed member -> region
    family: dict[str, set[str]] = field(default_factory=dict)  # analysed member -> its parent / local members

    def presence(self, candidates: Sequence[str], targets: Sequence[str]) -> np.ndarray:
        """Mean over targets of 1 (works in it), 0.5 (works in a neighbouring member) or 0, per candidate.

        Counted, not tabulated (a candidate × target matrix is gigabytes at scale): per candidate, the
        targets it works in, the targets not among them in a region where it works (``region_neighbours``),
        and the remaining targets whose parent or local member it works in.
        """
        nc, nt = len(candidates), len(targets)
        if not nt:
            return np.zeros(nc)
        target_set = set(targets)
        by_region = self.config.region_neighbours
        target_region = {m: r for m in targets if (r := self.region_of.get(m)) is not None} if by_region else {}
        targets_per_region: dict[str, int] = defaultdict(int)
        for r in target_region.values():
            targets_per_region[r] += 1
        # targets whose parent or local member f is: f -> targets
        family_targets: dict[str, list[str]] = defaultdict(list)
        for m in targets:
            for f in self.family.get(m, ()):
                family_targets[f].append(m)
        score = np.zeros(nc)
        for i, o in enumerate(candidates):
            where = self.active_in.get(o, set())
            here = where & target_set
            regions = {r for m in where if (r := self.region_of.get(m)) is not None} if by_region else set()
            # not-here targets in a region where it works: all targets of those regions but the here ones
            near = sum(targets_per_region[r] for r in regions) - sum(1 for m in here if m in target_region)
            family = {m for f in where for m in family_targets.get(f, ())}
            near += sum(1 for m in family - here if target_region.get(m) not in regions)
            score[i] = (len(here) + 0.5 * near) / nt
        return score

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
    eng = facts.engagements
    active_in: dict[str, set[str]] = defaultdict(set)
    themes_in: dict[tuple[str, str], set[str]] = defaultdict(set)
    for o, m, t in zip(column(eng, "organisation_id"), column(eng, "member_id"), column(eng, "theme_id"),
                       strict=True):
        active_in[o].add(m)
        themes_in[(o, m)].add(t if isinstance(t, str) else "general programme")
    supporting: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    links = supporting_links(facts, cfg)
    for o, m, t in zip(column(links, "organisation_id"), column(links, "member_id"), column(links, "theme_id"),
                       strict=True):
        supporting[t][o].add(m)
    caps = capabilities(facts)
    capable: dict[str, set[str]] = defaultdict(set)
    for o, t in zip(column(caps, "organisation_id"), column(caps, "theme_id"), strict=True):
        capable[t].add(o)
    experts: dict[str, set[str]] = defaultdict(set)
    for o, t in zip(column(facts.expertise, "organisation_id"), column(facts.expertise, "theme_id"), strict=True):
        experts[t].add(o)
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
    for o, ms in active_in.items():
        items_of[o].update("member:" + m for m in ms)
    for o, cs in consortia_of.items():
        items_of[o].update("consortium:" + c for c in cs)
    item_degree: dict[str, int] = defaultdict(int)
    for items in items_of.values():
        for item in items:
            item_degree[item] += 1
    org_frame = facts.organisations.set_index("organisation_id")
    member_frame = facts.members.set_index("member_id")
    analysed = analysed_members(facts, cfg)
    ids = set(column(analysed, "member_id"))
    region_of = {m: r for m, r in zip(column(analysed, "member_id"), column(analysed, "region"), strict=True)
                 if isinstance(r, str)}
    family: dict[str, set[str]] = defaultdict(set)
    for m, parent in zip(column(analysed, "member_id"), column(analysed, "parent_iso3"), strict=True):
        if isinstance(parent, str) and parent in ids and parent != m:
            family[m].add(parent)
            family[parent].add(m)
    return PartnerIndex(
        facts=facts, config=cfg, themes=facts.themes, analysed=analysed,
        region_of=region_of, family=dict(family),
        active_in=dict(active_in), themes_in=dict(themes_in),
        supporting={t: dict(v) for t, v in supporting.items()}, capable=dict(capable), experts=dict(experts),
        consortia_of=dict(consortia_of), members_of=dict(members_of), items_of=dict(items_of),
        item_degree=dict(item_degree), sector_of=_by_id(org_frame["sector"]), name_of=_by_id(org_frame["name"]),
        iso3_of=_by_id(member_frame["iso3"]), member_names=_by_id(member_frame["name"]),
        consortium_names=_by_id(facts.consortia.set_index("consortium_id")["name"]),
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
    ...     {"organisation_id": o, "member_id": m, "theme_id": "climate", "relation": "x"}
    ...     for o, m in [("a", "KEN"), ("a", "GHA"), ("b", "KEN"), ("c", "KEN"), ("c", "GHA")]])
    >>> similar_organisations(facts, "a")[["organisation_id", "jaccard", "resource_allocation", "shared"]]
      organisation_id  jaccard  resource_allocation                      shared
    0               c      1.0             0.833333  [GHA/climate, KEN/climate]
    1               b      0.5             0.333333               [KEN/climate]
    """
    if by not in ("jaccard", "resource_allocation"):
        raise ValueError("by must be 'jaccard' or 'resource_allocation'")
    links = supporting_links(facts, config)
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


def _nearby_finder(idx: PartnerIndex, targets: Sequence[str]) -> Callable[[set[str]], list[str]]:
    """``nearby(where)``: the members in ``where`` (not targets) that neighbour a target not in ``where``.

    A member ``n`` neighbours a target ``m`` when it is ``m``'s parent or local member, or
    (``region_neighbours``) another analysed member of ``m``'s region. Found from the organisation's side,
    without a neighbour set per target (thousands of region-sized sets at scale).
    """
    target_set = set(targets)
    by_region: dict[str, set[str]] = defaultdict(set)
    if idx.config.region_neighbours:
        for m in targets:
            region = idx.region_of.get(m)
            if region is not None:
                by_region[region].add(m)
    family_targets: dict[str, set[str]] = defaultdict(set)  # member -> targets it is family of
    for m in targets:
        for n in idx.family.get(m, ()):
            family_targets[n].add(m)

    def nearby(where: set[str]) -> list[str]:
        out = []
        for n in where - target_set:
            region = idx.region_of.get(n)
            if (region is not None and by_region.get(region, set()) - where) or family_targets.get(n, set()) - where:
                out.append(n)
        return sorted(out)

    return nearby


def _evidence(idx: PartnerIndex, o: str, theme: str, targets: list[str], supporting: dict[str, set[str]],
              nearby_of: Callable[[set[str]], list[str]], anchors: set[str]) -> str:
    names = idx.member_names
    target_set = set(targets)
    parts = []
    if o in idx.experts.get(theme, set()):
        parts.append(f"expert in {theme}")
    if supporting.get(o):
        parts.append(f"active on {theme} in {_join(sorted(str(names.get(m) or m) for m in supporting[o]))}")
    where = idx.active_in.get(o, set())
    for m in targets:
        if m in where:
            parts.append(f"works in {names.get(m) or m} ({', '.join(sorted(idx.themes_in[(o, m)]))})")
    nearby = nearby_of(where)
    if nearby:
        parts.append(f"works in neighbouring {_join([str(names.get(n) or n) for n in nearby])}")
    for c in sorted(idx.consortia_of.get(o, set())):
        peers = sorted(idx.members_of[c] & anchors - {o})
        if peers:
            peer_members = sorted(set().union(*(idx.active_in[p] for p in peers)) & target_set)
            parts.append(f"co-member of {idx.consortium_names.get(c) or c} with "
                         f"{_join([str(idx.name_of.get(p) or p) for p in peers], limit=3)} "
                         f"(in {', '.join(peer_members)})")
    return "; ".join(parts)


def _join(items: list[str], limit: int = 5) -> str:
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _empty(columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in columns})
