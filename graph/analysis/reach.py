"""Reach: named, evidenced ties between organisations and members, and the help they put within reach.

An organisation has a *tie* to a member when (``hops`` in brackets):

* ``works_in`` (1): it already works in the member (an engagement of strength above 0, on any theme);
* ``local_national`` (2): it works in the member's country (for a local member) or in one of the country's
  local members;
* ``consortium`` (2): it is a co-member of a consortium with an organisation that works in the member;
* ``border`` (2, per theme): it works on the theme in a country that borders the member (land borders from
  Natural Earth, the ``borders`` table);
* ``region`` (2): only with ``region_neighbours``: it works in another member of the same OGP region (a
  broad assumption, off by default: a region is not a tie).

``hops`` (setting) 1 keeps only ``works_in``. A gap or fragile cell (m, t) has *reachable help* from each
organisation capable on t (EXPERT_IN t, or supports t somewhere) with a tie to m that does not cover the
cell yet; every claim carries its tie and evidence ``{text, source, as_of}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from graph.analysis.scope import analysed_members, in_force
from graph.analysis.supply import capabilities, relation_strengths, support_links
from model.config import AnalysisConfig
from model.facts import Facts, column

__all__ = ["TIES", "closure_options", "hop_distances", "member_ties", "neighbour_pairs", "reachable_help"]

#: Tie kinds, closest first, with their hops.
TIES: dict[str, int] = {"works_in": 1, "local_national": 2, "consortium": 2, "border": 2, "region": 2}
_TIE_COLUMNS = ["member_id", "organisation_id", "tie", "hops", "text", "source", "as_of"]


def neighbour_pairs(members: pd.DataFrame, region_neighbours: bool = False, of: Iterable[str] | None = None,
                    borders: pd.DataFrame | None = None) -> pd.DataFrame:
    """Ordered (member_id, neighbour_id, tie) pairs among ``members``: a local member and its country
    (``local_national``), countries sharing a land border (``border``, from ``borders``) and, with
    ``region_neighbours``, members of the same OGP region (``region``). ``of`` keeps the pairs of those members.

    Examples
    --------
    >>> members = pd.DataFrame({"member_id": ["KEN", "KEN-x", "TZA", "MEX"],
    ...                         "level": ["national", "local", "national", "national"],
    ...                         "parent_iso3": [None, "KEN", None, None],
    ...                         "region": ["Africa", None, "Africa", "Americas"]})
    >>> borders = pd.DataFrame({"member_id": ["KEN", "TZA"], "neighbour_id": ["TZA", "KEN"]})
    >>> neighbour_pairs(members, borders=borders)
      member_id neighbour_id             tie
    0       KEN        KEN-x  local_national
    1       KEN          TZA          border
    2     KEN-x          KEN  local_national
    3       TZA          KEN          border
    >>> len(neighbour_pairs(members, region_neighbours=True, of=["KEN"]))
    2
    """
    ids = set(column(members, "member_id"))
    wanted = ids if of is None else set(of)
    pairs: list[tuple[str, str, str]] = []
    local = members[members["parent_iso3"].notna() & members["parent_iso3"].isin(ids)]
    for child, parent in zip(column(local, "member_id"), column(local, "parent_iso3"), strict=True):
        if child != parent:
            pairs += [(a, b, "local_national") for a, b in ((child, parent), (parent, child)) if a in wanted]
    if borders is not None and len(borders):
        for a, b in zip(column(borders, "member_id"), column(borders, "neighbour_id"), strict=True):
            if a in wanted and b in ids and a != b:
                pairs.append((a, b, "border"))
    if region_neighbours:
        with_region = members.loc[members["region"].notna(), ["member_id", "region"]]
        mine = with_region[with_region["member_id"].isin(wanted)]
        same = mine.merge(with_region, on="region", suffixes=("", "_other"))
        same = same[same["member_id"] != same["member_id_other"]]
        pairs += [(a, b, "region") for a, b in zip(column(same, "member_id"), column(same, "member_id_other"),
                                                      strict=True)]
    frame = pd.DataFrame(pairs, columns=["member_id", "neighbour_id", "tie"]).astype("str")
    return frame.drop_duplicates(["member_id", "neighbour_id"]).sort_values(
        ["member_id", "neighbour_id"], ignore_index=True)


def member_ties(facts: Facts, config: AnalysisConfig | None = None, members: Iterable[str] | None = None
                ) -> pd.DataFrame:
    """The theme-independent ties of organisations to analysed members (default: all): ``works_in``,
    ``local_national``, ``consortium`` and, with ``region_neighbours``, ``region``; for each (member,
    organisation) its closest tie with one evidence line. Columns ``member_id``, ``organisation_id``, ``tie``,
    ``hops``, ``text``, ``source``, ``as_of``, sorted by member, hops, organisation.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "name": "Kenya", "status": "active"}],
    ...     organisations=[{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
    ...     consortia=[{"id": "wg", "name": "WG"}],
    ...     engagements=[{"organisation_id": "a", "member_id": "KEN", "theme_id": "justice",
    ...                   "relation": "country_programme", "source": "s", "as_of": "2024"}],
    ...     memberships=[{"participant_type": "organisation", "participant_id": o, "consortium_id": "wg",
    ...                   "source": "s", "as_of": "2020"} for o in "ab"])
    >>> member_ties(facts)[["member_id", "organisation_id", "tie", "hops", "text"]].values.tolist()
    [['KEN', 'a', 'works_in', 1, 'works in Kenya (country programme on Justice)'], \
['KEN', 'b', 'consortium', 2, 'co-member of WG with A, which works in Kenya']]
    """
    cfg = config or AnalysisConfig()
    facts = in_force(facts, cfg)
    analysed = analysed_members(facts, cfg)
    wanted = set(column(analysed, "member_id")) if members is None else set(members)
    names = _names(facts)
    active = _active(facts, cfg)  # (organisation, member): its strongest engagement
    frames = []
    here = active[active["member_id"].isin(wanted)]
    frames.append(pd.DataFrame({
        "member_id": here["member_id"], "organisation_id": here["organisation_id"], "tie": "works_in", "hops": 1,
        "text": [f"works in {names['member'].get(m, m)} ({_relation_words(r, t, names['theme'])})" for m, r, t in zip(
            column(here, "member_id"), column(here, "relation"), column(here, "theme_id"), strict=True)],
        "source": here["source"], "as_of": here["as_of"]}))
    if cfg.hops >= 2:
        frames.append(_neighbour_ties(facts, cfg, analysed, active, wanted, names))
        frames.append(_consortium_ties(facts, active, wanted, names))
    ties = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else \
        pd.DataFrame(columns=_TIE_COLUMNS)
    order = {t: i for i, t in enumerate(TIES)}
    ties = ties.assign(_o=ties["tie"].map(order)).sort_values(["member_id", "organisation_id", "hops", "_o", "text"])
    ties = ties.drop_duplicates(["member_id", "organisation_id"]).drop(columns="_o")
    ties["hops"] = ties["hops"].astype("int64")
    return ties.sort_values(["member_id", "hops", "organisation_id"], ignore_index=True)[_TIE_COLUMNS]


def hop_distances(facts: Facts, config: AnalysisConfig | None = None, members: Iterable[str] | None = None
                  ) -> pd.DataFrame:
    """Hops (1 or 2) from analysed members (default: all) to the organisations tied to them
    (:func:`member_ties`): columns ``member_id``, ``organisation_id``, ``hops``, sorted by member, hops, id.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "status": "active"}],
    ...     engagements=[{"organisation_id": "a", "member_id": "KEN", "relation": "country_programme"}],
    ...     memberships=[{"participant_type": "organisation", "participant_id": o, "consortium_id": "wg"}
    ...                  for o in "ab"])
    >>> hop_distances(facts)
      member_id organisation_id  hops
    0       KEN               a     1
    1       KEN               b     2
    """
    ties = member_ties(facts, config, members)
    return ties[["member_id", "organisation_id", "hops"]].reset_index(drop=True)


def reachable_help(facts: Facts, cells: pd.DataFrame, config: AnalysisConfig | None = None) -> pd.DataFrame:
    """Reachable help for each cell of ``cells`` (``member_id``, ``theme_id``, ``supporters``: the organisations
    covering it): ``reachable_cov`` (count), ``reachable_min_hops``, ``reachable_orgs`` (closest first, then by
    id, at most ``reachable_list_limit``) and ``reachable`` (their evidence: ``{organisation_id, tie, text,
    source, as_of}``). Same index as ``cells``.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "name": "Kenya", "status": "active"}],
    ...     organisations=[{"id": "a", "name": "A"}],
    ...     engagements=[{"organisation_id": "a", "member_id": "KEN", "theme_id": "justice",
    ...                   "relation": "country_programme", "source": "s", "as_of": "2024"}],
    ...     expertise=[{"organisation_id": "a", "theme_id": "open_data", "source": "s", "as_of": "2024"}])
    >>> cells = pd.DataFrame({"member_id": ["KEN"], "theme_id": ["open_data"], "supporters": [[]]})
    >>> help = reachable_help(facts, cells)
    >>> help.loc[0, "reachable_orgs"], help.loc[0, "reachable"][0]["text"]
    (['a'], 'A: works in Kenya (country programme on Justice); declares expertise in Open data')
    """
    cfg = config or AnalysisConfig()
    facts = in_force(facts, cfg)
    count = {i: 0 for i in cells.index}
    nearest: dict[Any, Any] = {i: pd.NA for i in cells.index}
    orgs: dict[Any, list[str]] = {i: [] for i in cells.index}
    claims: dict[Any, list[dict[str, Any]]] = {i: [] for i in cells.index}

    def result() -> pd.DataFrame:
        return pd.DataFrame({
            "reachable_cov": pd.Series([count[i] for i in cells.index], index=cells.index, dtype="int64"),
            "reachable_min_hops": pd.Series([nearest[i] for i in cells.index], index=cells.index, dtype="Int64"),
            "reachable_orgs": pd.Series([orgs[i] for i in cells.index], index=cells.index, dtype="object"),
            "reachable": pd.Series([claims[i] for i in cells.index], index=cells.index, dtype="object")})

    if cells.empty:
        return result()
    names = _names(facts)
    members = set(column(cells, "member_id"))
    ties = member_ties(facts, cfg, members)
    caps = _capability_evidence(facts, cfg, set(column(cells, "theme_id")), names)
    candidates = cells[["member_id", "theme_id"]].reset_index().merge(ties, on="member_id").merge(
        caps, on=["organisation_id", "theme_id"])
    if cfg.hops >= 2:
        candidates = pd.concat([candidates, _border_candidates(facts, cfg, cells, names, caps)], ignore_index=True)
    if candidates.empty:
        return result()
    order = {t: i for i, t in enumerate(TIES)}
    candidates = candidates.assign(_o=candidates["tie"].map(order)).sort_values(
        ["index", "hops", "_o", "organisation_id"]).drop_duplicates(["index", "organisation_id"])
    covering = {i: set(s) for i, s in zip(cells.index, cells["supporters"], strict=True)}
    limit = cfg.reachable_list_limit
    for i, group in candidates.groupby("index", sort=False):
        group = group[~group["organisation_id"].isin(covering[i])]
        if group.empty:
            continue
        count[i] = len(group)
        nearest[i] = int(group["hops"].min())
        shown = group.head(limit)
        orgs[i] = column(shown, "organisation_id")
        claims[i] = [
            {"organisation_id": o, "tie": t, "text": f"{names['organisation'].get(o, o)}: {x}; {c}", "source": s,
             "as_of": a}
            for o, t, x, c, s, a in zip(column(shown, "organisation_id"), column(shown, "tie"),
                                        column(shown, "text"), column(shown, "capability"),
                                        column(shown, "source"), column(shown, "as_of"), strict=True)]
    return result()


# -- helpers -----------------------------------------------------------------------------------------------


def _names(facts: Facts) -> dict[str, dict[str, str]]:
    def index(frame: pd.DataFrame, key: str) -> dict[str, str]:
        return {k: (n if isinstance(n, str) else k) for k, n in zip(column(frame, key), column(frame, "name"),
                                                                    strict=True)}

    return {"member": index(facts.members, "member_id"), "organisation": index(facts.organisations,
                                                                               "organisation_id"),
            "consortium": index(facts.consortia, "consortium_id"), "theme": dict(facts.theme_names)}


def _relation_words(relation: Any, theme: Any, theme_names: Mapping[str, str] | None = None) -> str:
    words = str(relation).replace("_", " ")
    if not isinstance(theme, str):
        return f"{words}, all its themes"
    return f"{words} on {(theme_names or {}).get(theme, theme)}"


def _active(facts: Facts, cfg: AnalysisConfig) -> pd.DataFrame:
    """(organisation, member) pairs with an engagement of strength above 0: the strongest one's evidence."""
    eng = relation_strengths(facts, cfg)
    eng = eng[eng["strength"] > 0]
    eng = eng.sort_values(["organisation_id", "member_id", "strength", "relation"], ascending=[True, True, False, True])
    return eng.drop_duplicates(["organisation_id", "member_id"], ignore_index=True)


def _neighbour_ties(facts: Facts, cfg: AnalysisConfig, analysed: pd.DataFrame, active: pd.DataFrame,
                    wanted: set[str], names: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    pairs = neighbour_pairs(analysed, cfg.region_neighbours, of=wanted)
    pairs = pairs[pairs["tie"] != "border"]  # borders tie per theme: see _border_candidates
    if pairs.empty:
        return pd.DataFrame(columns=_TIE_COLUMNS)
    joined = pairs.merge(active, left_on="neighbour_id", right_on="member_id", suffixes=("", "_active"))
    member_names = names["member"]
    texts = []
    for m, n, tie in zip(column(joined, "member_id"), column(joined, "neighbour_id"), column(joined, "tie"),
                         strict=True):
        if tie == "local_national":
            texts.append(f"works in {member_names.get(n, n)}, the country or a local member of "
                         f"{member_names.get(m, m)}")
        else:
            texts.append(f"works in {member_names.get(n, n)}, in the same OGP region as {member_names.get(m, m)} "
                         "(a region-wide assumption)")
    return pd.DataFrame({"member_id": joined["member_id"], "organisation_id": joined["organisation_id"],
                         "tie": joined["tie"], "hops": 2, "text": texts, "source": joined["source"],
                         "as_of": joined["as_of"]})


def _consortium_ties(facts: Facts, active: pd.DataFrame, wanted: set[str],
                     names: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    ms = facts.memberships[facts.memberships["participant_type"] == "organisation"]
    ms = ms[["participant_id", "consortium_id", "source", "as_of"]]
    anchors = active.loc[active["member_id"].isin(wanted), ["organisation_id", "member_id"]]
    via = anchors.merge(ms, left_on="organisation_id", right_on="participant_id")[
        ["member_id", "organisation_id", "consortium_id"]].rename(columns={"organisation_id": "anchor"})
    peers = via.merge(ms, on="consortium_id")
    peers = peers[peers["participant_id"] != peers["anchor"]]
    if peers.empty:
        return pd.DataFrame(columns=_TIE_COLUMNS)
    peers = peers.sort_values(["member_id", "participant_id", "consortium_id", "anchor"]).drop_duplicates(
        ["member_id", "participant_id"])
    org, cons, member = names["organisation"], names["consortium"], names["member"]
    texts = [f"co-member of {cons.get(c, c)} with {org.get(a, a)}, which works in {member.get(m, m)}"
             for m, a, c in zip(column(peers, "member_id"), column(peers, "anchor"), column(peers, "consortium_id"),
                                strict=True)]
    return pd.DataFrame({"member_id": peers["member_id"], "organisation_id": peers["participant_id"],
                         "tie": "consortium", "hops": 2, "text": texts, "source": peers["source"],
                         "as_of": peers["as_of"]})


def _capability_evidence(facts: Facts, cfg: AnalysisConfig, themes: set[str],
                         names: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """(organisation_id, theme_id, capability, cap_source, cap_as_of): why the organisation can work on the
    theme, in words, with the evidence's source and date (declared expertise first, else its strongest support
    of the theme somewhere)."""
    caps = capabilities(facts, cfg)
    caps = caps[caps["theme_id"].isin(themes)]
    theme_names, member_names = names["theme"], names["member"]
    found: dict[tuple[str, str], tuple[str, Any, Any]] = {}
    links = support_links(facts, cfg)
    links = links[links["theme_id"].isin(themes)].sort_values(["strength", "member_id"], ascending=[False, True])
    for o, t, m, r, s_, a in zip(column(links, "organisation_id"), column(links, "theme_id"),
                                 column(links, "member_id"), column(links, "relation"), column(links, "source"),
                                 column(links, "as_of"), strict=True):
        found.setdefault((o, t), (f"supports {theme_names.get(t, t)} in {member_names.get(m, m)} "
                                  f"({str(r).replace('_', ' ')})", s_, a))
    ex = facts.expertise[facts.expertise["theme_id"].isin(themes)]
    for o, t, s_, a in zip(column(ex, "organisation_id"), column(ex, "theme_id"), column(ex, "source"),
                           column(ex, "as_of"), strict=True):
        found[(o, t)] = (f"declares expertise in {theme_names.get(t, t)}", s_, a)
    rows = [found.get((o, t), (f"works on {theme_names.get(t, t)}", None, None))
            for o, t in zip(column(caps, "organisation_id"), column(caps, "theme_id"), strict=True)]
    return caps.assign(capability=[r[0] for r in rows], cap_source=[r[1] for r in rows],
                       cap_as_of=[r[2] for r in rows])


def _border_candidates(facts: Facts, cfg: AnalysisConfig, cells: pd.DataFrame,
                       names: Mapping[str, Mapping[str, str]], caps: pd.DataFrame) -> pd.DataFrame:
    """Organisations working on a cell's theme in a country bordering its member."""
    borders = getattr(facts, "borders", None)
    if borders is None or not len(borders):
        return pd.DataFrame()
    analysed = analysed_members(facts, cfg)
    pairs = neighbour_pairs(analysed, False, of=set(column(cells, "member_id")), borders=borders)
    pairs = pairs[pairs["tie"] == "border"]
    links = support_links(facts, cfg)
    near = cells[["member_id", "theme_id"]].reset_index().merge(pairs, on="member_id").merge(
        links, left_on=["neighbour_id", "theme_id"], right_on=["member_id", "theme_id"], suffixes=("", "_n"))
    if near.empty:
        return pd.DataFrame()
    member, theme = names["member"], names["theme"]
    near = near.assign(
        tie="border", hops=2,
        text=[f"works on {theme.get(t, t)} in neighbouring {member.get(n, n)} ({str(r).replace('_', ' ')})"
              for t, n, r in zip(column(near, "theme_id"), column(near, "neighbour_id"), column(near, "relation"),
                                 strict=True)])
    near = near.merge(caps, on=["organisation_id", "theme_id"])
    return near[["index", "member_id", "theme_id", "organisation_id", "tie", "hops", "text", "source", "as_of",
                 "capability", "cap_source", "cap_as_of"]]


def closure_options(facts: Facts, theme: str, members: Iterable[str], config: AnalysisConfig | None = None
                    ) -> pd.DataFrame:
    """Who could close each member's cell on ``theme``, and how likely: one row per (member, organisation).

    ``kind`` is ``supports`` (it covers the cell now; ``weight`` = its relation's strength) or a tie kind
    (:data:`TIES`; the organisation is capable on the theme and ``weight`` = the tie's strength in the
    catalogue); the strongest option of each pair is kept. ``evidence`` lists ``{text, source, as_of}``: the
    support or the tie, and the capability.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": "KEN", "name": "Kenya", "status": "active"}],
    ...     organisations=[{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
    ...     engagements=[{"organisation_id": "a", "member_id": "KEN", "theme_id": "justice",
    ...                   "relation": "country_programme", "source": "s", "as_of": "2024"},
    ...                  {"organisation_id": "b", "member_id": "KEN", "theme_id": "open_data",
    ...                   "relation": "named_in_commitment", "source": "s", "as_of": "2023"}],
    ...     expertise=[{"organisation_id": "a", "theme_id": "open_data", "source": "s", "as_of": "2024"}])
    >>> closure_options(facts, "open_data", ["KEN"])[["member_id", "organisation_id", "kind", "weight"]]
      member_id organisation_id      kind  weight
    0       KEN               a  works_in     0.6
    1       KEN               b  supports     0.6
    """
    cfg = config or AnalysisConfig()
    facts = in_force(facts, cfg)
    names = _names(facts)
    wanted = sorted(set(members))
    columns = ["member_id", "organisation_id", "kind", "weight", "evidence"]
    if not wanted:
        return pd.DataFrame(columns=columns)
    links = support_links(facts, cfg)
    links = links[(links["theme_id"] == theme) & links["member_id"].isin(wanted)
                  & (links["strength"] >= cfg.coverage_min_strength)]
    org = names["organisation"]
    rows: list[dict[str, Any]] = [
        {"member_id": m, "organisation_id": o, "kind": "supports", "weight": float(w),
         "evidence": [{"text": f"{org.get(o, o)} supports {names['member'].get(m, m)} on "
                               f"{names['theme'].get(theme, theme)} ({str(r).replace('_', ' ')})",
                       "source": s, "as_of": a}]}
        for m, o, w, r, s, a in zip(column(links, "member_id"), column(links, "organisation_id"),
                                    column(links, "strength"), column(links, "relation"), column(links, "source"),
                                    column(links, "as_of"), strict=True)]
    cells = pd.DataFrame({"member_id": wanted, "theme_id": theme, "supporters": [[] for _ in wanted]})
    caps = _capability_evidence(facts, cfg, {theme}, names)
    ties = member_ties(facts, cfg, wanted).assign(theme_id=theme).merge(caps, on=["organisation_id", "theme_id"])
    candidates = [ties]
    if cfg.hops >= 2:
        candidates.append(_border_candidates(facts, cfg, cells, names, caps))
    strengths = {t.id: t.strength for t in cfg.catalogue.ties}
    for frame in candidates:
        if frame.empty:
            continue
        for m, o, tie, text, s, a, cap, cs, ca in zip(
                column(frame, "member_id"), column(frame, "organisation_id"), column(frame, "tie"),
                column(frame, "text"), column(frame, "source"), column(frame, "as_of"), column(frame, "capability"),
                column(frame, "cap_source"), column(frame, "cap_as_of"), strict=True):
            rows.append({"member_id": m, "organisation_id": o, "kind": tie, "weight": strengths.get(tie, 0.0),
                         "evidence": [{"text": f"{org.get(o, o)} {text}", "source": s, "as_of": a},
                                      {"text": f"{org.get(o, o)} {cap}", "source": cs, "as_of": ca}]})
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(rows).sort_values(["member_id", "organisation_id", "weight", "kind"],
                                         ascending=[True, True, False, True])
    out = out.drop_duplicates(["member_id", "organisation_id"], ignore_index=True)
    out["weight"] = out["weight"].astype("float64")
    return out[columns]
