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

__all__ = ["METHODS", "SECTIONS", "Method", "catalogue_markdown", "method", "methods_markdown", "plain_text",
           "settings_markdown"]

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
           lambda cfg: "status in " + ", ".join(cfg.member_statuses)
           + (f"; joined by {cfg.as_of[:4]}" if cfg.as_of else ""),
           _fixed("Members whose OGP status is one of these are analysed; withdrawn and unknown members are left "
                  "out everywhere. Analysed *as of* a date, only the members that had joined by then count (a "
                  "member whose joining year is unknown is left out of dated analyses).")),
    Method("dates", "coverage", "Dates and time",
           lambda cfg: f"as of {cfg.as_of}" if cfg.as_of else "as of the latest date in the data",
           _fixed("Every fact carries a date. For signals, engagements, expertise and memberships it is the date "
                  "the fact was *observed* or published; for an OGP commitment, the year its action plan was "
                  "*submitted*; for a member, the year it *joined*. Analysed as of a date, only facts dated by "
                  "then are used (a date given as a year counts from the start of that year): the data cannot "
                  "show that something observed later already held, so earlier years see less. A fact without a "
                  "date cannot be loaded. Without a date, recency is measured from the latest date in the data, "
                  "so the same data always gives the same answer.")),
    Method("demand", "coverage", "Demand",
           lambda cfg: (f"D = max(0, need − achievements) + open pledges + open commitments; need: "
                        f"{n(cfg.need_weight)} × weight per low score; pledge: {n(cfg.pledge_weight)} × weight; "
                        f"commitment: {n(cfg.commitment_weight)} × recency × open share; achievement: "
                        f"{n(cfg.achievement_weight)} × weight"),
           lambda cfg: ("How strongly a member needs help on a theme, read through the indicator catalogue (below): "
                        "each signal has a direction. **Need**: a low score (below its threshold, "
                        f"{n(cfg.need_threshold)} unless the catalogue says otherwise) on the matching Global Data "
                        "Barometer module, the Open Budget Index or the legislative openness survey. **Pledges**: "
                        "explicit commitments recorded by Open Ownership or the Open Contracting Partnership; a "
                        "pledge counts as fulfilled when an achievement shows the reform is in place. **OGP "
                        "commitments**: action-plan commitments tagged with the theme, weighted by recency (halving "
                        f"every {n(cfg.commitment_half_life)} years since the action plan) and by the share the "
                        "IRM says is still open; a completed commitment is an achievement. **Achievements** (a "
                        "register exists, the member publishes the data, a high score, a completed commitment) "
                        "lower the need, never raise demand. A cell with demand above "
                        f"{n(cfg.demand_threshold)} is *demanded*.")),
    Method("supply", "coverage", "Supporters (cov) and support",
           lambda cfg: (f"cov = organisations whose strongest relation has strength ≥ {n(cfg.coverage_min_strength)}; "
                        "support = Σ strengths"),
           lambda cfg: ("Organisations that work in the member on the theme, or there with a general programme and "
                        "declared expertise in the theme. Each relation has a grade and strength in the catalogue: "
                        "a programme or technical assistance counts fully, an implementing partner or funder less; "
                        "**research, monitoring and mentions are shown as such (weak supporters, *monitoring "
                        "only*), never as coverage**; past engagements and ties that are not support count 0"
                        + ("; also not support: " + ", ".join(r.replace("_", " ") for r in cfg.non_supply_relations)
                           if cfg.non_supply_relations else "") + ".")),
    Method("status", "coverage", "Status",
           lambda cfg: (f"gap cov = 0; fragile cov = 1; covered 2 ≤ cov ≤ {cfg.redundant_k - 1}; redundant "
                        f"cov ≥ {cfg.redundant_k}; mature: achieved, nothing open"),
           _fixed("**Gap**: nobody covers the member on a theme it needs help with (the member may still have "
                  "research or monitoring there). **Fragile**: exactly one organisation does, a single point of "
                  "failure. **Covered**: a few supporters. **Redundant**: many, room to move effort elsewhere. "
                  "**Mature**: achievements and no demand left.")),
    Method("sectors", "coverage", "Sector diversity",
           _fixed("distinct sectors of the supporters"),
           _fixed("Civil society, multilateral, government, private, academic or network: coalitions that span "
                  "sectors are preferred.")),
    Method("reachable", "coverage", "Reachable help",
           lambda cfg: ("capable organisations with a named tie to the member that do not cover the cell yet"
                        + (" (only organisations already in the member)" if cfg.hops < 2 else "")),
           lambda cfg: ("Where brokering an introduction pays. A tie is named and evidenced: the organisation already "
                        "works in the member on another theme; it works in the member's country or one of its local "
                        "members; it is a consortium co-member of an organisation working there; or it works on the "
                        "theme in a country that shares a land border with the member (Natural Earth)"
                        + ("; or, as you asked, in another member of the same OGP region" if cfg.region_neighbours
                           else ". A whole OGP region is not a tie") + ". Capable: declares expertise in the theme "
                        "or supports it somewhere. Every reachable organisation is listed with its tie and the "
                        f"evidence (at most {cfg.reachable_list_limit} per cell, closest first; the count is exact).")),
    Method("what_if", "coverage", "What if",
           _fixed("cells whose every supporter is removed"),
           _fixed("Remove an organisation (or every organisation of a consortium) and see which demanded cells lose "
                  "all their supporters, that is, turn into gaps. The cells an organisation supports alone are its "
                  "*unique coverage*.")),
    Method("limits", "coverage", "Data coverage and limits",
           _fixed("per theme: organisations with any evidence, where demand comes from, monitoring-only cells, "
                  "the commitments sample against OGP's counts"),
           _fixed("A gap can mean that nobody supports the member or that the data does not see who does. Beside "
                  "every headline share the tool shows, per theme, how many organisations have any evidence of "
                  "working on it, the share of demand coming from each source, the cells whose only support is "
                  "research or monitoring, and how many members have OGP commitments on it in the bundled sample "
                  "(an export of commitments concerning parliaments, biased toward legislation) against OGP's "
                  "own published counts.")),
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
                  "positive count. The evidence of a broker is its ties: the consortia and members it shares.")),
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
                        "**Presence**: 1 if it already works in the member, else the strength of its closest named "
                        "tie (the member's country or local member, a consortium co-member working there, the "
                        "theme in a bordering country; a region alone is not presence). **Track record**: the "
                        f"number of countries where it covers the theme, up to {cfg.track_record_cap}, divided by "
                        f"{cfg.track_record_cap}. **Complementarity**: 1 if it brings a sector the member's current "
                        "supporters lack. **Proximity**: resource allocation to the organisations already in the "
                        "member over shared themes, members and consortia (crowded ones count less), divided by the "
                        "best candidate's (1 = the closest). Equal scores: the stronger evidence first, then the "
                        "id. Every partner lists its evidence with source and date.")),
    Method("similar", "partners", "Similar organisations",
           _fixed("Jaccard and resource allocation over the member–theme cells they cover"),
           _fixed("**Jaccard**: shared cells divided by all cells of either (1 = identical footprint). **Resource "
                  "allocation**: shared cells weighted by how few supporters each has (sharing a rare cell counts "
                  "more).")),
    Method("coalition", "partners", "Coalition",
           _fixed("V = Σ over cells of demand × the best closure weight among the picks; greedy (≥ 63% of the best) "
                  "and exact (enumeration or integer programme)"),
           lambda cfg: ("The organisations that together best close the demanded cells of the theme in the chosen "
                        "members or region. An organisation *can close* a cell only with capability on the theme "
                        "and either support of the cell now (weighted by its relation's strength) or a named tie "
                        "to the member (weighted by the tie's strength in the catalogue). Every pick must add "
                        "something: no organisation is added only to meet the size or the sector mix. *At least N "
                        "sectors* is a constraint on such picks; when it cannot be met the result says so and shows "
                        "the best coalition without it. The **optimality gap** is (exact − greedy) ÷ exact value. "
                        "Equal values: more cells, then stronger evidence, then a wider track record, then the id. "
                        "For each pick the best replacement and what the swap would cost are shown.")),
    Method("screening", "partners", "Partnership screening",
           lambda cfg: (f"six criteria, each a measure and a threshold: expertise ≥ {cfg.screen_min_expertise:.0%}, "
                        f"track record ≥ {cfg.screen_min_track_record:g}, reach ≥ {cfg.screen_min_countries} "
                        f"members, complementarity ≥ {cfg.screen_min_sectors} sectors, alignment ≥ "
                        f"{cfg.screen_min_alignment:.0%}, bridging ≥ {cfg.screen_min_bridging}"),
           lambda cfg: ("Every consortium (its organisations, and the member governments taking part) and every "
                        "network organisation is a candidate strategic partner on the theme. **Expertise**: share "
                        "of its organisations with declared expertise in the theme or support of it somewhere. "
                        "**Track record**: the sum over its organisations' engagements on the theme of the "
                        "relation's strength times its recency (halving every "
                        f"{cfg.commitment_half_life:g} years): one current formal programme counts 1. **Reach**: OGP "
                        "members where its organisations work on the theme. **Complementarity**: sectors its "
                        "participants span (member governments count as government). **Alignment**: share of the "
                        "scope's demand on the theme in members where it already works, on any theme. "
                        "**Bridging**: its organisations whose main Gould–Fernandez role (groups = sector) is "
                        "between groups. Candidates are ranked by criteria met, then by the mean of measure ÷ "
                        "threshold (each capped at 2); every measure lists its evidence, and each unmet criterion "
                        "says by how much. The data sees only the engagements in the bundled sources: a consortium "
                        "can do more than its members' recorded engagements show.")),
    Method("funders", "partners", "Funders",
           _fixed("score = 3 × funds work in the scope + 2 × interest in the theme + 1 × present in the scope"),
           _fixed("A **funder** is an organisation a source names as funding open-government work (OGP itself, a "
                  "member's OGP process, other organisations): the `funder` role, with the source's words. "
                  "**Implementers** are every other organisation, and funders that also run or implement "
                  "programmes (grade programme or implementing). Funders are listed for a theme and scope when "
                  "they fund a member of the scope, work there, or declare an interest in the theme.")),
    Method("explorer", "explorer", "Network explorer",
           _fixed("organisations, consortia, OGP members and themes and their ties"),
           _fixed("Each dot is an organisation, consortium, OGP member or theme; each line is a tie (works in, "
                  "member of, expert in, focuses on — or, in the organisations view, shared consortia and "
                  "members). Dot size shows the chosen measure, measured on the filtered network (area grows "
                  "with the value). Positions come from a seeded ForceAtlas2 layout computed on the server, so the "
                  "same view always looks the same; expanding a node adds its neighbours beside it. At most "
                  "2,000 elements are drawn, best-connected first, and the page says when it cut.")),
    Method("communities", "explorer", "Communities",
           lambda cfg: f"Louvain modularity optimisation, seed {cfg.seed}, on the whole view (no filters)",
           _fixed("Groups of nodes tied more among themselves than to the rest (Blondel et al. 2008, as NetworkX "
                  "computes it; in the organisations view ties count with their Newman weights). Numbered from "
                  "the largest; the same data and seed give the same communities. **Brokers to other "
                  "communities** are the nodes tied into the most other communities. A community is a pattern "
                  "of recorded ties, not a declared group: it shows who the data links, not who works "
                  "together.")),
)

_BY_KEY = {m.key: m for m in METHODS}


def method(key: str) -> Method:
    """A method of the registry by key (``KeyError`` for an unknown one)."""
    return _BY_KEY[key]


def catalogue_markdown(cfg: AnalysisConfig | None = None) -> str:
    """The catalogue in use as Markdown tables: indicators, relations, IRM completion values, ties.

    >>> print(catalogue_markdown().splitlines()[0])
    Catalogue version 2 (catalogue.toml).
    """
    cat = (cfg or AnalysisConfig()).catalogue
    lines = [f"Catalogue version {cat.version} ({cat.file}).", "",
             "| indicator | theme | direction | weight | need below | achieved at | source | meaning |",
             "|---|---|---|---|---|---|---|---|"]
    for i in cat.indicators:
        lines.append(f"| `{i.id}` | {i.theme} | {i.direction}{' (fulfils pledges)' if i.fulfils_pledges else ''} "
                     f"| {n(i.weight)} | {'' if i.need_below is None else n(i.need_below)} | "
                     f"{'' if i.achieved_at is None else n(i.achieved_at)} | {i.source} | {i.meaning} |")
    lines += ["", "| relation | grade | strength | meaning |", "|---|---|---|---|"]
    lines += [f"| `{r.id}` | {r.grade} | {n(r.strength)} | {r.meaning} |" for r in cat.relations]
    lines += ["", "| IRM completion | open share | achievement | meaning |", "|---|---|---|---|"]
    lines += [f"| {c.value or '(not assessed)'} | {n(c.open)} | {'yes' if c.achievement else 'no'} | {c.meaning} |"
              for c in cat.completions]
    lines += ["", "| tie | strength | meaning |", "|---|---|---|"]
    lines += [f"| `{t.id}` | {n(t.strength)} | {t.meaning} |" for t in cat.ties]
    return "\n".join(lines) + "\n"


def settings_markdown(cfg: AnalysisConfig | None = None) -> str:
    """The analysis settings in use as a Markdown table (setting, its environment variable, value).

    >>> print(settings_markdown().splitlines()[2])
    | as_of | `OGPNET_AS_OF` | (latest data) |
    """
    lines = ["| setting | environment variable | value |", "|---|---|---|"]
    for key, value in (cfg or AnalysisConfig()).to_dict().items():
        if isinstance(value, tuple | list):
            shown = ", ".join(str(v) for v in value) or "(none)"
        elif isinstance(value, float):
            shown = n(value)
        else:
            shown = str(value) if value not in ("", None) else ("(latest data)" if key == "as_of" else "(none)")
        lines.append(f"| {key} | `OGPNET_{key.upper()}` | {shown.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


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
