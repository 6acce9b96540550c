"""Every score of the dashboard in plain words (definitions: docs/methods.md and graph/analysis/*).

Texts that depend on a setting take the :class:`AnalysisConfig` so that they state the value in use.
"""

from __future__ import annotations

from graph.analysis import AnalysisConfig


def demand(cfg: AnalysisConfig) -> str:
    return (
        "**Demand** — how strongly a member asks for help on a theme. Each commitment in its OGP action plans "
        f"tagged with the theme adds {cfg.commitment_weight:g}; each explicit pledge (for example a "
        f"beneficial-ownership or open-contracting commitment) adds {cfg.pledge_weight:g}; each low indicator "
        f"score (below {cfg.need_threshold:g} out of 100 on the matching Global Data Barometer module or the Open "
        f"Budget Index — a *need signal*) adds {cfg.need_weight:g}. A member with demand above "
        f"{cfg.demand_threshold:g} on a theme is a *demanded cell*.")


def coverage(cfg: AnalysisConfig) -> str:
    return (
        "**Coverage** — the number of different organisations already supporting the member on the theme "
        "(working there on that theme, or working there in general and expert in the theme). The **status** of a "
        "demanded cell: **gap** — nobody supports it; **fragile** — exactly one organisation does (a single point "
        f"of failure); **covered** — 2 to {cfg.redundant_k - 1}; **redundant** — {cfg.redundant_k} or more. "
        "**Sectors** lists the kinds of supporters (civil society, multilateral, government, private, academic, "
        "network): coalitions that span sectors are preferred.")


def reachable(cfg: AnalysisConfig) -> str:
    return (
        f"**Reachable** — organisations able to work on the theme that sit within {cfg.hops} steps of the member "
        "in the partnership network and do not support it yet: organisations already in the member on other "
        "themes (1 step), consortium co-members of organisations active there, and organisations active in a "
        "neighbouring member" + (" (same OGP region, or the country of a local member)" if cfg.region_neighbours
                                 else " (the country of a local member)")
        + " (2 steps). A gap with reachable organisations is where brokering an introduction pays.")


WHAT_IF = (
    "**What if** — remove an organisation (or every organisation in a consortium) and see which demanded cells "
    "lose all their supporters, that is, turn into gaps. The count of cells an organisation supports alone is its "
    "*unique coverage*.")

BETWEENNESS = (
    "**Betweenness** — how often an organisation lies on the shortest path between two others in the "
    "collaboration network (0 to 1). High betweenness: information and introductions flow through it.")
CONSTRAINT = (
    "**Constraint** (Burt) — how much an organisation's contacts are tied to each other. Low constraint: its "
    "partners are in separate circles, so it spans *structural holes*. High (near 1 or more): it sits inside one "
    "tight group.")
EFFECTIVE_SIZE = (
    "**Effective size** (Burt) — the number of its partners that are not redundant, i.e. not already tied to its "
    "other partners. High effective size: many distinct circles reached.")
NETWORK = (
    "The **collaboration network** links two organisations when they share a consortium or work in the same "
    "member; ties are weighted so that a large consortium does not count as everyone knowing everyone "
    "(Newman's collaboration weight: each shared group adds 1 / (its size − 1)).")
ROLES = (
    "**Brokerage roles** (Gould and Fernandez) — for every pair of partners A and B that are not tied to each "
    "other but are both tied to the broker, the groups of A, broker and B decide the role: **coordinator** (all "
    "three in one group), **itinerant** (A and B in one group, the broker outside it), **representative** (A and "
    "the broker in one group, B outside: speaks for its group), **gatekeeper** (broker and B in one group, A "
    "outside: controls access to its group), **liaison** (all three differ). The **z-score** compares the "
    "count with what a random network of the same density and group sizes would give: above 2 is notably more "
    "than chance. The **main role** is the role with the highest z-score.")
BRIDGES = (
    "**Single points of failure** — a **bridge** is a tie whose loss disconnects two parts of the network; a "
    "**local bridge** is a tie whose endpoints share no partner (its *span* is the length of the detour without "
    "it). An **articulation point** is an organisation whose withdrawal splits the network: the organisations "
    "beyond it lose their only connection.")


def partner_score(cfg: AnalysisConfig) -> str:
    return (
        "**Partner score** — a sum of five parts, each between 0 and 1, times its weight: "
        f"**expertise** (×{cfg.weight_expertise:g}) 1 if it declares expertise in the theme; "
        f"**presence** (×{cfg.weight_presence:g}) 1 if it already works in the member, ½ if in a neighbouring "
        "member; "
        f"**track record** (×{cfg.weight_track_record:g}) the number of countries where it supports the theme, "
        f"up to {cfg.track_record_cap}; "
        f"**complementarity** (×{cfg.weight_complementarity:g}) 1 if it brings a sector the member's current "
        "supporters lack; "
        f"**proximity** (×{cfg.weight_proximity:g}) how close it is in the network to the organisations already "
        "in the member (shared themes, members and consortia, with crowded ones counting less; 1 = the closest). "
        "The evidence line says where each part comes from.")


SIMILAR = (
    "**Similar organisations** — organisations that support the same member-theme cells. **Jaccard**: shared "
    "cells divided by all cells of either (1 = identical footprint). **Resource allocation**: shared cells "
    "weighted by how few supporters each has (sharing a rare cell counts more).")


def coalition(cfg: AnalysisConfig) -> str:
    return (
        "**Coalition** — the given number of organisations that together can cover the most demanded cells of the "
        "theme in the chosen members or region. An organisation *can cover* a cell when it supports it now or "
        f"could step in (reachable within {cfg.hops} steps). The **greedy** answer adds, one at a time, the "
        "organisation that covers most new cells (never worse than 63% of the best); the **exact** answer checks "
        "every combination (or solves an integer programme when there are too many). The **optimality gap** is "
        "(exact − greedy) ÷ exact cells covered: 0% means the greedy answer was already the best. *At least N "
        "sectors* is a constraint: "
        "the coalition must include organisations of that many different sectors.")


EXPLORER = (
    "Each dot is an organisation, consortium, OGP member or theme; each line is a tie (works in, member of, "
    "expert in, focuses on — or, in the organisations view, shared consortia and members). Dot size shows the "
    "chosen measure, measured on the filtered network. Positions are computed once on the server (no moving "
    "physics). Click a dot to see its details; *Expand* adds its neighbours to the view.")
