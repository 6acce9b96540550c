"""Every score in plain words: one registry of method descriptions.

The dashboard's "How scores work" page, the reports' methodology and README's methods section all render
:data:`METHODS`; texts that depend on a setting take the :class:`~model.config.AnalysisConfig` and state the
value in use. ``python -m presentation.readme`` rewrites README's generated sections from here, and
``tests/test_docs.py`` fails when README is out of date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from model.config import AnalysisConfig
from presentation.values import display_number as n

__all__ = ["METHODS", "SECTIONS", "Method", "method", "methods_markdown", "plain_text"]

Text = Callable[[AnalysisConfig], str]

#: Sections of the registry, in order, with their headings.
SECTIONS: dict[str, str] = {"coverage": "Coverage", "brokerage": "Brokerage",
                            "partners": "Partners and coalitions", "explorer": "Network explorer"}


@dataclass(frozen=True)
class Method:
    """One measure or rule: its key, section, title, formula and explanation (each may depend on the config)."""

    key: str
    section: str
    title: str
    formula: Text
    text: Text

    def markdown(self, cfg: AnalysisConfig) -> str:
        """The method as one Markdown paragraph: bold title, formula in italics, explanation."""
        formula = self.formula(cfg)
        return f"**{self.title}** — " + (f"*{formula}*. " if formula else "") + self.text(cfg)

    def plain(self, cfg: AnalysisConfig) -> str:
        """The explanation without Markdown emphasis (for spreadsheets and tables)."""
        return plain_text(self.text(cfg))


def plain_text(markdown: str) -> str:
    """Markdown emphasis and code marks removed.

    >>> plain_text("**Gap**: nobody, as R's `sna::brokerage` says; *demanded cell*")
    "Gap: nobody, as R's sna::brokerage says; demanded cell"
    """
    return re.sub(r"(\*\*|\*|`)", "", markdown)


def _fixed(text: str) -> Text:
    return lambda cfg: text


def _sampled(cfg: AnalysisConfig) -> str:
    return (f"exact up to {cfg.betweenness_exact_limit} organisations; above that estimated from "
            f"{cfg.betweenness_sample_size} pivot sources drawn with seed {cfg.seed}")


METHODS: tuple[Method, ...] = (
    Method("members", "coverage", "Members analysed",
           lambda cfg: "status in " + ", ".join(cfg.member_statuses),
           _fixed("Members whose OGP status is one of these are analysed; withdrawn and unknown members are left "
                  "out everywhere, also as neighbours.")),
    Method("demand", "coverage", "Demand",
           lambda cfg: (f"D = {n(cfg.commitment_weight)} × commitments + {n(cfg.pledge_weight)} × pledges + "
                        f"{n(cfg.need_weight)} × need signals"),
           lambda cfg: ("How strongly a member asks for help on a theme. Commitments: its OGP action-plan "
                        "commitments tagged with the theme (OGP policy-area tags). Pledges: explicit pledges, for "
                        "example beneficial-ownership or open-contracting commitments recorded by Open Ownership "
                        "or the Open Contracting Partnership. Need signals: indicator scores (0–100, higher is "
                        f"better) strictly below {n(cfg.need_threshold)} on the matching Global Data Barometer "
                        "module or the Open Budget Index. A member with demand above "
                        f"{n(cfg.demand_threshold)} on a theme is a *demanded cell*; only demanded cells get a "
                        "status.")),
    Method("supply", "coverage", "Supporters (cov)",
           _fixed("cov = number of distinct supporting organisations"),
           lambda cfg: ("Organisations that work in the member on the theme, or work there with a general "
                        "programme and declare expertise in the theme. Not support: "
                        + ", ".join(r.replace("_", " ") for r in cfg.non_supply_relations)
                        + " (they still tie organisations to members in the network).")),
    Method("status", "coverage", "Status",
           lambda cfg: (f"gap cov = 0; fragile cov = 1; covered 2 ≤ cov ≤ {cfg.redundant_k - 1}; redundant "
                        f"cov ≥ {cfg.redundant_k}"),
           _fixed("**Gap**: nobody supports the member on a theme it asks for. **Fragile**: exactly one "
                  "organisation does, a single point of failure: if it leaves, the cell becomes a gap. "
                  "**Covered**: a few supporters. **Redundant**: many, room to move effort to gaps elsewhere.")),
    Method("sectors", "coverage", "Sector diversity",
           _fixed("distinct sectors of the supporters"),
           _fixed("Civil society, multilateral, government, private, academic or network: coalitions that span "
                  "sectors are preferred.")),
    Method("reachable", "coverage", "Reachable help",
           lambda cfg: f"capable organisations within {cfg.hops} steps that do not support the cell yet",
           lambda cfg: ("Where brokering an introduction pays. Steps are counted over organisation – member it "
                        "works in, organisation – organisation sharing a consortium, and member – neighbouring "
                        "member (a local member and its country"
                        + ("; members of the same OGP region" if cfg.region_neighbours else "")
                        + "). Capable: declares expertise in the theme or works on it somewhere. With 2 steps: "
                        "organisations already in the member on other themes, consortium co-members of "
                        "organisations active there, and organisations active in a neighbouring member. At most "
                        f"{cfg.reachable_list_limit} are listed per cell, nearest first; the count is exact.")),
    Method("what_if", "coverage", "What if",
           _fixed("cells whose every supporter is removed"),
           _fixed("Remove an organisation (or every organisation of a consortium) and see which demanded cells lose "
                  "all their supporters, that is, turn into gaps. The cells an organisation supports alone are its "
                  "*unique coverage*.")),
    Method("network", "brokerage", "Collaboration network",
           lambda cfg: "organisations tied by shared consortia and shared members; weight = Σ 1 / (n − 1)",
           lambda cfg: ("Two organisations are tied when they share a consortium or work in the same member; "
                        "each shared affiliation with n organisations adds 1 / (n − 1) (Newman's collaboration "
                        "weight), so that a large consortium does not count as everyone knowing everyone. "
                        f"Affiliations with more than {cfg.max_affiliation_size} organisations are left out "
                        "(0 = none left out).")),
    Method("betweenness", "brokerage", "Betweenness",
           lambda cfg: "Brandes shortest-path betweenness, normalised; " + _sampled(cfg),
           _fixed("How often an organisation lies on the shortest path between two others (0 to 1). High "
                  "betweenness: information and introductions flow through it.")),
    Method("constraint", "brokerage", "Constraint",
           _fixed("Burt's constraint (weighted)"),
           _fixed("How much an organisation's contacts are tied to each other. Low: its partners are in separate "
                  "circles, so it spans *structural holes*. High (near 1 or more): it sits inside one tight group. "
                  "Empty for an organisation without ties.")),
    Method("effective_size", "brokerage", "Effective size",
           _fixed("Burt's effective size (weighted)"),
           _fixed("The number of its partners that are not redundant, i.e. not already tied to its other "
                  "partners. High: many distinct circles reached. Empty for an organisation without ties.")),
    Method("roles", "brokerage", "Brokerage roles",
           _fixed("counts of open two-paths a – v – b (no tie a – b) by the groups of a, v and b "
                  "(Gould and Fernandez, 1989)"),
           _fixed("For every pair of partners A and B that are not tied to each other but both tied to the broker, "
                  "the groups of A, broker and B decide the role: **coordinator** (all three in one group), "
                  "**itinerant** (A and B in one group, the broker outside it), **representative** (A and the "
                  "broker in one group, B outside), **gatekeeper** (broker and B in one group, A outside), "
                  "**liaison** (all three differ). An undirected tie counts in both directions. The **z-score** "
                  "compares the count with a random network of the same density and group sizes, as R's "
                  "`sna::brokerage` does: raw counts grow with degree, z-scores compare; above 2 is notably more "
                  "than chance. The **main role** is the role with the highest z-score among roles with a "
                  "positive count.")),
    Method("bridges", "brokerage", "Single points of failure",
           _fixed("bridges, local bridges with their span, articulation points"),
           _fixed("A **bridge** is a tie whose loss disconnects two parts of the network; a **local bridge** is a "
                  "tie whose endpoints share no partner (its *span* is the length of the detour without it). An "
                  "**articulation point** is an organisation whose withdrawal splits the network: the "
                  "organisations beyond it lose their only connection.")),
    Method("partner_score", "partners", "Partner score",
           lambda cfg: (f"{n(cfg.weight_expertise)} × expertise + {n(cfg.weight_presence)} × presence + "
                        f"{n(cfg.weight_track_record)} × track record + {n(cfg.weight_complementarity)} × "
                        f"complementarity + {n(cfg.weight_proximity)} × proximity"),
           lambda cfg: ("Each part is between 0 and 1. **Expertise**: 1 if it declares expertise in the theme. "
                        "**Presence**: 1 if it already works in the member, ½ if in a neighbouring member. "
                        "**Track record**: the number of countries where it supports the theme, up to "
                        f"{cfg.track_record_cap}, divided by {cfg.track_record_cap}. **Complementarity**: 1 if it "
                        "brings a sector the member's current supporters lack. **Proximity**: resource allocation "
                        "to the organisations already in the member over shared themes, members and consortia "
                        "(crowded ones count less), divided by the best candidate's (1 = the closest). "
                        "Candidates: organisations capable on the theme, organisations working in the member on "
                        "any theme, and their consortium co-members. The evidence says where each part comes "
                        "from.")),
    Method("similar", "partners", "Similar organisations",
           _fixed("Jaccard and resource allocation over the member–theme cells they support"),
           _fixed("**Jaccard**: shared cells divided by all cells of either (1 = identical footprint). **Resource "
                  "allocation**: shared cells weighted by how few supporters each has (sharing a rare cell counts "
                  "more).")),
    Method("coalition", "partners", "Coalition",
           _fixed("maximum coverage: greedy (≥ 63% of the best) and exact (enumeration or integer programme)"),
           lambda cfg: ("The given number of organisations that together can cover the most demanded cells of "
                        "the theme in the chosen members or region. An organisation *can cover* a cell when it "
                        f"supports it now or could step in (reachable within {cfg.hops} steps). The **greedy** "
                        "answer adds, one at a time, the organisation that covers most new cells; the **exact** "
                        "answer checks every combination (or solves an integer programme when there are too "
                        "many). The **optimality gap** is (exact − greedy) ÷ exact cells covered. *At least N "
                        "sectors* is a constraint: the coalition must include organisations of that many "
                        "sectors.")),
    Method("explorer", "explorer", "Network explorer",
           _fixed("organisations, consortia, OGP members and themes and their ties"),
           _fixed("Each dot is an organisation, consortium, OGP member or theme; each line is a tie (works in, "
                  "member of, expert in, focuses on — or, in the organisations view, shared consortia and "
                  "members). Dot size shows the chosen measure, measured on the filtered network. Positions are "
                  "computed once on the server (no moving physics).")),
)

_BY_KEY = {m.key: m for m in METHODS}


def method(key: str) -> Method:
    """A method of the registry by key (``KeyError`` for an unknown one)."""
    return _BY_KEY[key]


def methods_markdown(cfg: AnalysisConfig | None = None, heading: str = "###") -> str:
    """Every method as Markdown, a heading per section (what README's methods section holds).

    >>> print(methods_markdown().splitlines()[0])
    ### Coverage
    """
    cfg = cfg or AnalysisConfig()
    lines: list[str] = []
    for section, title in SECTIONS.items():
        lines += [f"{heading} {title}", ""]
        lines += [m.markdown(cfg) + "\n" for m in METHODS if m.section == section]
    return "\n".join(lines).rstrip() + "\n"
