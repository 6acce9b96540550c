"""Partnership screening: which consortia and networks meet OGP's selection criteria on a theme, and who funds.

OGP signs strategic partnerships with "expert organisations with a track record of delivering results and an
established partner network in multiple OGP countries", preferring consortia of complementary capacities.
:func:`screen_partners` scores every consortium and every network-sector organisation (its *participants*: a
consortium's organisation and government members; a network: itself) on six criteria, each a documented
measure with a threshold (settings ``screen_min_*``) and evidence items ``{text, source, as_of}``:

* ``expertise`` - share of its organisations capable on the theme (declared expertise, or support of it
  somewhere); a consortium that focuses on the theme says so in the evidence.
* ``track_record`` - sum over its organisations' engagements on the theme of relation strength x recency
  (recency halves every ``commitment_half_life`` years before the reference year): one current formal
  programme is 1, an impact story of four years ago 0.1.
* ``reach`` - OGP members (analysed) where its organisations work on the theme (any strength above 0).
* ``complementarity`` - sectors its participants span (member governments count as ``government``).
* ``alignment`` - share of the scope's demand on the theme that lies in members where its organisations
  already work (any theme): where it could act through a tie it already has. The gap cells among them are
  listed.
* ``bridging`` - its organisations whose dominant Gould-Fernandez role (groups = sector, whole network) is a
  between-group role (liaison, gatekeeper, representative or itinerant).

Candidates are ranked by the number of criteria met, then by ``strength`` (the mean over criteria of
measure / threshold, each capped at 2), then by name and id. :func:`funders` lists the organisations with the
``funder`` role that could fund work on the theme in the scope: those funding a member of the scope, present
there, or declaring an interest in the theme; each with its evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from graph.analysis.coverage import STATUSES, coverage_cells
from graph.analysis.groups import brokerage_by
from graph.analysis.scope import analysed_members, in_force, reference_year
from graph.analysis.supply import capabilities, relation_strengths, support_links
from model.config import AnalysisConfig
from model.facts import Facts, column

__all__ = ["BETWEEN_ROLES", "CRITERIA", "FUNDER_COLUMNS", "SCREEN_COLUMNS", "Criterion", "criteria", "funders",
           "screen_partners"]

#: Gould-Fernandez roles that broker between groups.
BETWEEN_ROLES = ("liaison", "gatekeeper", "representative", "itinerant")


@dataclass(frozen=True)
class Criterion:
    """One selection criterion: its measure's name, the setting holding its threshold, and what it means."""

    id: str
    setting: str
    meaning: str


CRITERIA: tuple[Criterion, ...] = (
    Criterion("expertise", "screen_min_expertise", "share of its organisations capable on the theme"),
    Criterion("track_record", "screen_min_track_record",
              "engagements on the theme, graded by strength and recency"),
    Criterion("reach", "screen_min_countries", "OGP members where it works on the theme"),
    Criterion("complementarity", "screen_min_sectors", "sectors its participants span"),
    Criterion("alignment", "screen_min_alignment", "share of the scope's demand where it already works"),
    Criterion("bridging", "screen_min_bridging", "organisations brokering between sectors"),
)
#: Columns of :func:`screen_partners`, in order.
SCREEN_COLUMNS = ("rank", "candidate_id", "kind", "name", "organisations", "n_organisations", "criteria_met",
                  *(c.id for c in CRITERIA), *(f"{c.id}_pass" for c in CRITERIA), "strength", "failed",
                  "members_reached", "gaps_reached", "evidence")
#: Columns of :func:`funders`, in order.
FUNDER_COLUMNS = ("rank", "organisation_id", "name", "sector", "funds_in_scope", "present_in_scope",
                  "theme_interest", "score", "role_detail", "evidence")
Evidence = dict[str, Any]


def criteria(config: AnalysisConfig | None = None) -> pd.DataFrame:
    """The criteria with their thresholds in ``config``: ``criterion``, ``threshold``, ``setting``, ``meaning``.

    >>> [(c, t) for c, t in zip(criteria()["criterion"], criteria()["threshold"])][:3]
    [('expertise', 0.5), ('track_record', 1.0), ('reach', 3)]
    """
    cfg = config or AnalysisConfig()
    return pd.DataFrame({"criterion": [c.id for c in CRITERIA],
                         "threshold": pd.Series([getattr(cfg, c.setting) for c in CRITERIA], dtype="object"),
                         "setting": [c.setting for c in CRITERIA], "meaning": [c.meaning for c in CRITERIA]})


def screen_partners(facts: Facts, theme: str, members: Iterable[str] | None = None, top: int | None = None,
                    config: AnalysisConfig | None = None) -> pd.DataFrame:
    """Every consortium and network organisation scored on the six criteria for ``theme`` (see the module
    docstring); ``members`` is the scope (default: every analysed member). Columns :data:`SCREEN_COLUMNS`;
    ``failed`` says in words why each unmet criterion is unmet; ``evidence`` items carry a ``criterion`` key.

    Examples
    --------
    >>> facts = Facts.from_rows(
    ...     members=[{"id": m, "name": m, "status": "active"} for m in ("KEN", "GHA", "NGA")],
    ...     organisations=[{"id": "oo", "name": "OO", "sector": "civil_society"},
    ...                    {"id": "wb", "name": "WB", "sector": "multilateral"}],
    ...     consortia=[{"id": "bolg", "name": "BOLG"}],
    ...     memberships=[{"participant_type": "organisation", "participant_id": o, "consortium_id": "bolg"}
    ...                  for o in ("oo", "wb")],
    ...     expertise=[{"organisation_id": "oo", "theme_id": "beneficial_ownership"}],
    ...     engagements=[{"organisation_id": "oo", "member_id": m, "theme_id": "beneficial_ownership",
    ...                   "relation": "supports_implementation", "as_of": "2024"} for m in ("KEN", "GHA", "NGA")],
    ...     signals=[{"member_id": "KEN", "theme_id": "beneficial_ownership", "indicator": "oo_bo_commitment_ogp",
    ...               "kind": "pledge", "value": 1.0, "as_of": "2024"}])
    >>> row = screen_partners(facts, "beneficial_ownership").iloc[0]
    >>> print(*row[["name", "criteria_met", "expertise", "track_record", "reach", "alignment"]])
    BOLG 5 0.5 3.0 3 1.0
    >>> row["failed"]
    ['bridging: 0 organisations broker between sectors (needs 1)']
    """
    cfg = config or AnalysisConfig()
    facts = in_force(facts, cfg)
    analysed = set(column(analysed_members(facts, cfg), "member_id"))
    scope = analysed if members is None else set(members) & analysed
    names = {o: (n if isinstance(n, str) else o) for o, n in zip(column(facts.organisations, "organisation_id"),
                                                                  column(facts.organisations, "name"), strict=True)}
    sector_of = dict(zip(column(facts.organisations, "organisation_id"), column(facts.organisations, "sector"),
                         strict=True))
    member_names = dict(zip(column(facts.members, "member_id"), column(facts.members, "name"), strict=True))
    teams = _teams(facts, sector_of)
    caps = capabilities(facts, cfg)
    capable = set(column(caps[caps["theme_id"] == theme], "organisation_id"))
    expertise_rows = facts.expertise[facts.expertise["theme_id"] == theme]
    declared = {o: (s, a) for o, s, a in zip(column(expertise_rows, "organisation_id"),
                                             column(expertise_rows, "source"), column(expertise_rows, "as_of"),
                                             strict=True)}
    focus = facts.consortium_themes[facts.consortium_themes["theme_id"] == theme]
    focuses = {c: (s, a) for c, s, a in zip(column(focus, "consortium_id"), column(focus, "source"),
                                            column(focus, "as_of"), strict=True)}
    links = support_links(facts, cfg)
    links = links[(links["theme_id"] == theme) & links["member_id"].isin(analysed)]
    ref = reference_year(facts)
    years = pd.to_numeric(links["as_of"].astype("string").str[:4], errors="coerce").fillna(ref).to_numpy(float)
    links = links.assign(weight=links["strength"].to_numpy(float)
                         * np.power(0.5, np.maximum(0.0, ref - years) / cfg.commitment_half_life))
    by_org = {o: g for o, g in links.groupby("organisation_id")}
    works = relation_strengths(facts, cfg)
    works = works[works["strength"] > 0]
    works_in: dict[str, set[str]] = defaultdict(set)
    for o, m in zip(column(works, "organisation_id"), column(works, "member_id"), strict=True):
        works_in[o].add(m)
    cells = coverage_cells(facts, cfg, themes=[theme], members=sorted(scope), with_reachable=False)
    demanded = cells[cells["status"].isin(STATUSES)]
    demand_of = dict(zip(column(demanded, "member_id"), column(demanded, "demand"), strict=True))
    status_of = dict(zip(column(demanded, "member_id"), column(demanded, "status"), strict=True))
    total_demand = float(sum(demand_of.values()))
    roles = brokerage_by(facts, "sector", cfg).organisations["dominant_role"]
    rows = []
    for cand in teams:
        orgs = cand["organisations"]
        evidence: list[Evidence] = []
        # expertise
        able = [o for o in orgs if o in capable]
        expertise = len(able) / len(orgs) if orgs else 0.0
        for o in able:
            source, as_of = declared.get(o, (None, None))
            text = "declares expertise in the theme" if o in declared else "supports the theme somewhere"
            evidence.append(_item("expertise", f"{names.get(o, o)} {text}", source, as_of))
        if cand["kind"] == "consortium" and cand["id"] in focuses:
            source, as_of = focuses[cand["id"]]
            evidence.append(_item("expertise", f"{cand['name']} focuses on the theme", source, as_of))
        # track record and reach
        team_links = pd.concat([by_org[o] for o in orgs if o in by_org]) if any(o in by_org for o in orgs) \
            else links.iloc[0:0]
        track = float(team_links["weight"].sum())
        reached = sorted(set(column(team_links, "member_id")))
        for r in team_links.sort_values(["weight", "organisation_id", "member_id"],
                                        ascending=[False, True, True]).head(8).to_dict("records"):
            evidence.append(_item(
                "track_record", f"{names.get(r['organisation_id'], r['organisation_id'])}: "
                f"{str(r['relation']).replace('_', ' ')} in {member_names.get(r['member_id'], r['member_id'])} "
                f"(strength {r['strength']:g} x recency = {r['weight']:.2f})", r["source"], r["as_of"]))
        if reached:
            evidence.append(_item("reach", f"works on the theme in {len(reached)} member(s): "
                                           f"{', '.join(reached[:15])}{' …' if len(reached) > 15 else ''}"))
        # complementarity
        sectors = sorted({str(sector_of.get(o)) for o in orgs if sector_of.get(o)}
                         | ({"government"} if cand["governments"] else set()))
        evidence.append(_item("complementarity", "sectors: " + ", ".join(s.replace("_", " ") for s in sectors)
                              + (f" (with {len(cand['governments'])} member government(s))"
                                 if cand["governments"] else "")))
        # alignment
        present = set().union(*(works_in[o] for o in orgs)) if orgs else set()
        aligned = sorted(m for m in demand_of if m in present)
        alignment = (sum(demand_of[m] for m in aligned) / total_demand) if total_demand else 0.0
        gaps = [m for m in aligned if status_of[m] == "gap"]
        if aligned:
            evidence.append(_item("alignment", f"already works in {len(aligned)} of the {len(demand_of)} members "
                                               f"asking for help in the scope ({len(gaps)} of them gaps: "
                                               f"{', '.join(gaps[:10]) or 'none'})"))
        # bridging
        bridges = [o for o in orgs if roles.get(o) in BETWEEN_ROLES]
        for o in bridges:
            article = "an" if str(roles[o])[0] in "aeiou" else "a"
            evidence.append(_item("bridging", f"{names.get(o, o)} is {article} {roles[o]} between sectors"))
        measures = {"expertise": round(expertise, 6), "track_record": round(track, 6), "reach": len(reached),
                    "complementarity": len(sectors), "alignment": round(alignment, 6), "bridging": len(bridges)}
        rows.append({"candidate_id": cand["id"], "kind": cand["kind"], "name": cand["name"],
                     "organisations": orgs, "n_organisations": len(orgs), **measures,
                     **_verdicts(measures, cfg), "members_reached": aligned, "gaps_reached": gaps,
                     "evidence": evidence})
    out = pd.DataFrame(rows, columns=[c for c in SCREEN_COLUMNS if c != "rank"])
    if out.empty:
        return pd.DataFrame(columns=list(SCREEN_COLUMNS))
    out = out.sort_values(["criteria_met", "strength", "name", "candidate_id"],
                          ascending=[False, False, True, True], ignore_index=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.head(top) if top else out


def funders(facts: Facts, theme: str, members: Iterable[str] | None = None,
            config: AnalysisConfig | None = None) -> pd.DataFrame:
    """Organisations with the ``funder`` role that could fund work on ``theme`` in the scope (default: every
    analysed member): ``funds_in_scope`` (members of the scope whose work it funds: ``funding`` engagements),
    ``present_in_scope`` (members of the scope where it works), ``theme_interest`` (declared expertise in, or
    support of, the theme). ``score`` = 3 x funds in scope + 2 x interest + present (0/1 each); funders with none
    of the three are left out. Columns :data:`FUNDER_COLUMNS`, best first, then by name.

    >>> facts = Facts.from_rows(
    ...     members=[{"id": "JAM", "name": "Jamaica", "status": "active"}],
    ...     organisations=[{"id": "wb", "name": "WB", "sector": "multilateral", "roles": ["funder"],
    ...                     "role_detail": "finances Jamaica's OGP process", "source": "s", "as_of": "2021"}],
    ...     engagements=[{"organisation_id": "wb", "member_id": "JAM", "relation": "funding", "source": "s",
    ...                   "as_of": "2021"}],
    ...     expertise=[{"organisation_id": "wb", "theme_id": "fiscal_openness"}])
    >>> funders(facts, "fiscal_openness")[["organisation_id", "funds_in_scope", "theme_interest", "score"]]
      organisation_id funds_in_scope  theme_interest  score
    0              wb          [JAM]            True      6
    """
    cfg = config or AnalysisConfig()
    facts = in_force(facts, cfg)
    analysed = set(column(analysed_members(facts, cfg), "member_id"))
    scope = analysed if members is None else set(members) & analysed
    orgs = facts.organisations
    candidates = orgs[orgs["roles"].map(lambda r: "funder" in r).astype(bool)]
    eng = relation_strengths(facts, cfg)
    eng = eng[eng["member_id"].isin(scope) & (eng["strength"] > 0)]
    able = capabilities(facts, cfg)
    capable = set(column(able[able["theme_id"] == theme], "organisation_id"))
    member_names = dict(zip(column(facts.members, "member_id"), column(facts.members, "name"), strict=True))
    rows = []
    for org in candidates.to_dict("records"):
        o = org["organisation_id"]
        mine = eng[eng["organisation_id"] == o]
        funded = mine[mine["relation"] == "funding"]
        funds = sorted(set(column(funded, "member_id")))
        present = sorted(set(column(mine, "member_id")))
        interest = o in capable
        if not (funds or present or interest):
            continue
        evidence = [_item("role", f"{org['name']}: {org.get('role_detail') or 'a funder'}", org.get("source"),
                          org.get("as_of"))]
        for r in mine.sort_values(["relation", "member_id"]).head(6).to_dict("records"):
            evidence.append(_item("scope", f"{str(r['relation']).replace('_', ' ')} in "
                                           f"{member_names.get(r['member_id'], r['member_id'])}"
                                           + (f": {r['detail']}" if isinstance(r.get("detail"), str) else ""),
                                  r["source"], r["as_of"]))
        if interest:
            evidence.append(_item("theme", f"{org['name']} declares expertise in or supports the theme"))
        rows.append({"organisation_id": o, "name": org["name"], "sector": org["sector"], "funds_in_scope": funds,
                     "present_in_scope": present, "theme_interest": interest,
                     "score": 3 * bool(funds) + 2 * interest + bool(present),
                     "role_detail": org.get("role_detail") or "", "evidence": evidence})
    out = pd.DataFrame(rows, columns=[c for c in FUNDER_COLUMNS if c != "rank"])
    out = out.sort_values(["score", "name", "organisation_id"], ascending=[False, True, True], ignore_index=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


# -- helpers -----------------------------------------------------------------------------------------------


def _teams(facts: Facts, sector_of: dict[str, Any]) -> list[dict[str, Any]]:
    """Every consortium (organisations and member governments taking part) and every network organisation."""
    ms = facts.memberships
    out = []
    for cid, name in zip(column(facts.consortia, "consortium_id"), column(facts.consortia, "name"), strict=True):
        mine = ms[ms["consortium_id"] == cid]
        orgs = sorted(set(column(mine[mine["participant_type"] == "organisation"], "participant_id")))
        governments = sorted(set(column(mine[mine["participant_type"] == "member"], "participant_id")))
        out.append({"id": cid, "kind": "consortium", "name": name if isinstance(name, str) else cid,
                    "organisations": orgs, "governments": governments})
    for o, name in zip(column(facts.organisations, "organisation_id"), column(facts.organisations, "name"),
                       strict=True):
        if sector_of.get(o) == "network":
            out.append({"id": o, "kind": "network", "name": name if isinstance(name, str) else o,
                        "organisations": [o], "governments": []})
    return out


def _verdicts(measures: dict[str, float], cfg: AnalysisConfig) -> dict[str, Any]:
    passes, failed, strengths = {}, [], []
    for c in CRITERIA:
        threshold = getattr(cfg, c.setting)
        value = measures[c.id]
        ok = value >= threshold
        passes[f"{c.id}_pass"] = bool(ok)
        strengths.append(min(value / threshold, 2.0) if threshold else 2.0)
        if not ok:
            failed.append(f"{c.id}: {_words(c.id, value)} (needs {_threshold_words(c.id, threshold)})")
    return {**passes, "criteria_met": sum(passes.values()), "strength": round(float(np.mean(strengths)), 6),
            "failed": failed}


def _words(criterion: str, value: float) -> str:
    """A measure in words, for the reasons a criterion is not met.

    >>> _words("expertise", 0.25), _words("reach", 2), _words("bridging", 0), _words("track_record", 0.4)
    ('25% of its organisations capable', '2 members', '0 organisations broker between sectors', '0.4')
    """
    if criterion in ("expertise", "alignment"):
        return f"{value:.0%}" + (" of its organisations capable" if criterion == "expertise" else
                                 " of the demand where it works")
    if criterion == "reach":
        return f"{int(value)} members"
    if criterion == "complementarity":
        return f"{int(value)} sectors"
    if criterion == "bridging":
        return f"{int(value)} organisations broker between sectors"
    return f"{value:.2g}"


def _threshold_words(criterion: str, value: float) -> str:
    """A threshold in words: a share as a percentage, a count or a number.

    >>> _threshold_words("expertise", 0.5), _threshold_words("reach", 3), _threshold_words("track_record", 1.0)
    ('50%', '3', '1')
    """
    return f"{value:.0%}" if criterion in ("expertise", "alignment") else f"{value:g}"


def _item(criterion: str, text: str, source: Any = None, as_of: Any = None) -> Evidence:
    return {"criterion": criterion, "text": text, "source": source if isinstance(source, str) else None,
            "as_of": as_of if isinstance(as_of, str) else None}
