"""Synthetic canonical datasets with the bundled data's shapes, at any scale.

`generate` returns the 13 tables of `model.schema.TABLES` as rows of CSV text (pure, deterministic by seed);
`write_dataset` writes them; ``python -m bench.synthetic --scale 10 --seed 1 --out DIR`` does both.

Scale 1 has about the row counts of the bundled ``data/`` (~145 members, ~125 organisations, ~35 consortia,
~5,100 CSV rows). A scale multiplies every entity count (members, organisations, consortia) and keeps every
per-entity distribution, so row counts grow linearly with it: 100× is ~14,000 members, ~12,000 organisations
and ~450,000 relationships. The distributions (`SHAPE`) were fitted loosely to ``data/`` (the numbers next to
each constant are what the bundled files show):

* organisation footprints (members an organisation works in, ``engagements.csv``): a third of the
  organisations have one, lognormal(μ=1.63, σ=1.23), mean ~10, heavy tail (64 in ``data/``);
* members' popularity with partners: lognormal weights (σ≈0.87), so some members attract many organisations;
* consortium sizes (``memberships.csv``): lognormal(μ=2.12, σ=0.87), ~60 % members, ~40 % organisations;
* commitments: half the members have some, lognormal(μ=1.59, σ=0.97) each; themes per commitment 0-7 as in
  ``commitment_themes.csv``;
* signals: the 40 indicators of ``signals.csv`` with their coverage (the GDB and OBS modules come as blocks);
* borders (``borders.csv``, national members only): ~4 in 5 national members start 1-3 borders with national
  members of their region, both directions stored;
* sectors, member statuses, consortium kinds, relations, roles and confidences in the bundled proportions.

Members: there are only ~250 ISO-3 codes, so beyond them the member count grows with local members
(``<parent_iso3>-<slug>`` ids, level ``local``). Synthetic members all draw from the same distributions whatever
their level (at scale the local members stand in for members in general).

Examples
--------
>>> tables = generate(0.2, seed=1)
>>> sorted(tables) == sorted(t.name for t in TABLES)
True
>>> len(tables["themes"]), tables["members"][0].keys() == set(TABLE_BY_NAME["members"].column_names)
(15, True)
>>> generate(0.2, seed=1) == tables
True
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pycountry

from model.schema import TABLE_BY_NAME, TABLES, THEMES

__all__ = ["SHAPE", "Shape", "dataset_rows", "generate", "main", "write_dataset"]

Row = dict[str, str]
Tables = dict[str, list[Row]]


@dataclass(frozen=True)
class Shape:
    """Counts at scale 1 and the per-entity distributions (fitted loosely to ``data/``)."""

    members: int = 144  # 86 national + 58 local
    national_share: float = 86 / 144
    organisations: int = 123
    consortia: int = 34
    # engagements.csv: 41 of 123 organisations engaged; log footprint mean 1.626, sd 1.226 (max 64)
    engaged_share: float = 41 / 123
    footprint_mu: float = 1.626
    footprint_sigma: float = 1.226
    member_popularity_sigma: float = 0.868  # engagements per member: log sd 0.868
    organisation_popularity_sigma: float = 0.593  # consortia per organisation: log sd 0.593
    # memberships.csv: 32 of 34 consortia have participants; log size mean 2.12, sd 0.872 (max 48)
    consortium_with_members_share: float = 32 / 34
    consortium_size_mu: float = 2.12
    consortium_size_sigma: float = 0.872
    member_participant_share: float = 227 / 382
    # commitments.csv: 75 of 144 members; log count mean 1.59, sd 0.969 (max 32)
    committing_share: float = 75 / 144
    commitments_mu: float = 1.59
    commitments_sigma: float = 0.969
    # expertise.csv: 63 of 123 organisations; 1-5 themes
    expert_share: float = 63 / 123
    local_hq_share: float = 26 / 123
    # borders.csv: 68 of 86 national members border another member; 93 borders (186 rows, both directions)
    bordering_share: float = 68 / 86


SHAPE = Shape()

# Proportions from the bundled files (value: count).
SECTOR_MIX = {"civil_society": 76, "network": 20, "multilateral": 11, "private": 6, "government": 6, "academic": 4}
STATUS_MIX = {"active": 134, "withdrawn": 8, "suspended": 1, "inactive": 1}
KIND_MIX = {"collective_action": 22, "working_group": 7, "partnership": 3, "initiative": 2}
REGION_MIX = {"Europe": 45, "Americas": 41, "Africa and Middle East": 33, "Asia and the Pacific": 24}
CONFIDENCE_MIX = {
    "organisations": {"high": 58, "": 54, "medium": 9, "low": 2},
    "members": {"high": 116, "medium": 27, "low": 1},
    "engagements": {"high": 262, "": 98, "medium": 60},
    "memberships": {"high": 225, "": 143, "medium": 12, "low": 2},
    "expertise": {"high": 96, "medium": 12, "low": 3},
}
THEMES_PER_COMMITMENT = {0: 34, 1: 176, 2: 219, 3: 67, 4: 38, 5: 15, 6: 7, 7: 2}
THEMES_PER_EXPERT = {1: 31, 2: 19, 3: 11, 4: 1, 5: 1}
THEMES_PER_CONSORTIUM = {1: 28, 2: 5}
# borders a bordering national member starts (its neighbours may start more): 93 borders / 68 members ~ 1.4
BORDERS_PER_MEMBER = {1: 70, 2: 25, 3: 5}
ENGAGEMENT_THEME_MIX = {
    "open_data": 79, "natural_resources": 79, "open_contracting": 55, "public_participation": 46,
    "anti_corruption": 35, "beneficial_ownership": 32, "fiscal_openness": 27, "legislative_openness": 20,
    "access_to_information": 15, "civic_space": 9, "digital_governance": 6, "gender_inclusion": 6, "justice": 5,
    "public_services": 4, "climate": 2,
}
# relation: (count, source)
RELATIONS = {
    "named_in_commitment": (168, "hand-partner-engagements"), "research_hub": (70, "gdb-2022"),
    "supports_implementation": (39, "oo-tracker-2022"), "impact_story": (37, "ocp-map"),
    "implementing_country": (33, "hand-partner-engagements"), "country_programme": (23, "hand-partner-engagements"),
    "national_chapter": (14, "hand-partner-engagements"), "supporting_country": (12, "hand-partner-engagements"),
    "country_office": (6, "hand-partner-engagements"), "steward": (5, "hand-partner-engagements"),
    "advocacy": (4, "hand-partner-engagements"), "research": (4, "hand-partner-engagements"),
    "past_engagement": (3, "oo-tracker-2022"), "former_implementing_country": (2, "hand-partner-engagements"),
}
ORGANISATION_ROLES = {"contributor": 119, "civil society seat": 25, "anchor": 11}
MEMBER_ROLES = {"signatory": 118, "implementing country": 33, "government seat": 23, "member state": 23,
                "adopter": 11, "anchor": 11, "member": 8}
MEMBERSHIP_SOURCES = {"hand-paris-signatories": 237, "oo-tracker-2022": 64, "hand-steering-committee": 48,
                      "hand-working-group-anchors": 22, "hand-open-data-charter-2015": 11}
IRM = {
    "irm_specificity": {"": 346, "High": 101, "Medium": 81, "Low": 28, "None": 2},
    "irm_potential_impact": {"": 213, "Moderate": 157, "Minor": 97, "Transformative": 77, "None": 14},
    "irm_completion": {"": 152, "Limited": 144, "Substantial": 135, "Complete": 94, "Not Started": 30, "Unclear": 2},
}
# signals.csv: (indicator, theme, kind, source, as_of, members covered of 144). Blocks come together.
_GDB = ("gdb_rti_framework:access_to_information gdb_rti_performance_data:access_to_information "
        "gdb_rti_performance_framework:access_to_information gdb_political_integrity_module:anti_corruption "
        "gdb_bo_data_availability:beneficial_ownership gdb_bo_framework:beneficial_ownership "
        "gdb_company_information_module:beneficial_ownership gdb_political_freedoms:civic_space "
        "gdb_climate_module:climate gdb_capabilities_module:digital_governance "
        "gdb_data_governance_module:digital_governance gdb_public_finance_module:fiscal_openness "
        "gdb_gender_inclusion_use:gender_inclusion gdb_land_module:natural_resources "
        "gdb_procurement_data_availability:open_contracting gdb_public_procurement_module:open_contracting "
        "gdb_overall_score:open_data gdb_public_consultation_data:public_participation "
        "gdb_public_consultation_framework:public_participation gdb_health_module:public_services")
SIGNAL_BLOCKS: tuple[tuple[float, tuple[tuple[str, str, str, str, str], ...]], ...] = (
    (70 / 144, tuple((i, t, "score", "gdb-2022", "2022") for i, t in (p.split(":") for p in _GDB.split()))),
    (67 / 144, tuple((i, "fiscal_openness", "score", "ibp-obs-2019", "2019")
                     for i in ("obs_open_budget_index", "obs_oversight", "obs_public_participation"))),
)
SIGNAL_SINGLES: tuple[tuple[float, tuple[str, str, str, str, str]], ...] = tuple(
    (n / 144, (i, t, k, s, a)) for n, i, t, k, s, a in (
        (53, "ocp_ocds_publisher", "open_contracting", "pledge", "ocp-map", "2023"),
        (37, "ocp_ogp_commitment", "open_contracting", "pledge", "ocp-map", "2023"),
        (33, "oo_bo_commitment_eiti", "beneficial_ownership", "pledge", "oo-tracker-2022", "2022-03-30"),
        (29, "lode_openness_score", "legislative_openness", "score", "lode-2016", "2016"),
        (27, "oo_bo_commitment_ogp", "beneficial_ownership", "pledge", "oo-tracker-2022", "2022-03-30"),
        (27, "oo_bo_register", "beneficial_ownership", "pledge", "oo-beta-regimes", "2022"),
        (23, "oo_bo_commitment_eu", "beneficial_ownership", "pledge", "oo-tracker-2022", "2022-03-30"),
        (15, "oo_bo_commitment_imf", "beneficial_ownership", "pledge", "oo-tracker-2022", "2022-03-30"),
        (14, "oo_bo_commitment_summit_2016", "beneficial_ownership", "pledge", "oo-tracker-2022", "2022-03-30"),
        (14, "ocp_summit_2016_commitment", "open_contracting", "pledge", "ocp-map", "2023"),
        (14, "lode_nap_legislative_commitment", "legislative_openness", "pledge", "lode-2016", "2016"),
        (12, "ocp_extractives_disclosure", "natural_resources", "score", "ocp-map", "2023"),
        (8, "ocp_ogp_local_commitment", "open_contracting", "pledge", "ocp-map", "2023"),
        (8, "oo_bo_commitment_bolg", "beneficial_ownership", "pledge", "oo-tracker-2022", "2022-03-30"),
        (8, "oo_bo_commitment_other", "beneficial_ownership", "pledge", "oo-tracker-2022", "2022-03-30"),
        (6, "ocp_extractives_disclosure_commitment", "natural_resources", "pledge", "ocp-map", "2023"),
        (2, "ocp_other_commitment", "open_contracting", "pledge", "ocp-map", "2023"),
    ))
SOURCE_IDS = (
    "gdb-2022", "hand-multilateral-partners", "hand-ogp-members", "hand-open-data-charter-2015",
    "hand-paris-collective-actions", "hand-paris-signatories", "hand-partner-engagements",
    "hand-steering-committee", "hand-thematic-partners", "hand-working-group-anchors", "ibp-obs-2019",
    "lode-2016", "natural-earth-110m", "ocp-map", "ogp-commitments", "ogp-policy-area-taxonomy", "ogp-status-2016",
    "oo-beta-countries", "oo-beta-regimes", "oo-tracker-2022",
)

_WORDS = ("open", "civic", "public", "budget", "data", "integrity", "justice", "rights", "access", "transparency",
          "accountability", "participation", "governance", "democracy", "inclusion", "contracting", "ownership",
          "reform", "future", "commons", "voice", "watch", "policy", "trust")
_ORG_KINDS = {"civil_society": ("Initiative", "Institute", "Foundation", "Alliance", "Centre", "Coalition"),
              "network": ("Network", "Partnership", "Forum"), "multilateral": ("Fund", "Bank", "Programme"),
              "private": ("Labs", "Consulting", "Analytics"), "government": ("Agency", "Office", "Ministry"),
              "academic": ("University", "Research Centre", "School")}
_PLACES = ("municipality", "province", "city", "county", "district", "region", "state", "town")


def generate(scale: float, seed: int = 1, shape: Shape = SHAPE) -> Tables:
    """The 13 canonical tables at ``scale`` (1 = the bundled data's size), as rows of CSV text.

    Deterministic: the same ``scale``, ``seed`` and ``shape`` give identical rows (numpy's PCG64 streams, one
    per table). Rows are sorted by each table's key, as in ``data/``. Blank values are ``""``.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, not {scale}")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(12)]
    tables: Tables = {"sources": _sources(), "themes": _themes()}
    members = _members(streams[0], scale, shape)
    organisations = _organisations(streams[1], scale, shape, members)
    consortia = _consortia(streams[2], scale, shape)
    member_weights = streams[3].lognormal(0.0, shape.member_popularity_sigma, len(members))
    org_weights = streams[3].lognormal(0.0, shape.organisation_popularity_sigma, len(organisations))
    commitments = _commitments(streams[4], members, shape)
    tables.update({
        "members": members, "organisations": organisations, "consortia": consortia, "commitments": commitments,
        "commitment_themes": _commitment_themes(streams[5], commitments),
        "engagements": _engagements(streams[6], organisations, members, member_weights, shape),
        "expertise": _expertise(streams[7], organisations, shape),
        "memberships": _memberships(streams[8], consortia, organisations, members, org_weights, member_weights,
                                    shape),
        "consortium_themes": _consortium_themes(streams[9], consortia),
        "signals": _signals(streams[10], members),
        "borders": _borders(streams[11], members, shape),
    })
    return {spec.name: _sorted(spec.name, tables[spec.name]) for spec in TABLES}


def write_dataset(tables: Tables, out: Path) -> dict[str, int]:
    """Write each table to ``out/<name>.csv`` (UTF-8, ``\\n`` line ends, the schema's columns); return row counts."""
    out.mkdir(parents=True, exist_ok=True)
    for spec in TABLES:
        with open(out / f"{spec.name}.csv", "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(spec.column_names)
            writer.writerows([row.get(c, "") for c in spec.column_names] for row in tables[spec.name])
    return {name: len(rows) for name, rows in tables.items()}


def dataset_rows(directory: Path) -> dict[str, int]:
    """Rows per table of a canonical dataset folder (records, not lines: quoted newlines count once)."""
    counts = {}
    for spec in TABLES:
        with open(directory / f"{spec.name}.csv", encoding="utf-8-sig", newline="") as f:
            counts[spec.name] = sum(1 for _ in csv.reader(f)) - 1
    return counts


# --- tables ------------------------------------------------------------------------------------


def _sources() -> list[Row]:
    return [{"id": s, "name": f"Synthetic stand-in for the source {s} (benchmark data, not facts)",
             "url": f"https://example.org/ogpnet/synthetic/{s}", "licence": "synthetic: no licence needed",
             "as_of": "2026-05"} for s in SOURCE_IDS]


def _themes() -> list[Row]:
    return [{"id": k, "name": v, "source": "ogp-policy-area-taxonomy", "as_of": "2024-07"} for k, v in THEMES.items()]


def _members(rng: np.random.Generator, scale: float, shape: Shape) -> list[Row]:
    total = max(2, round(shape.members * scale))
    pool = sorted(_iso3_names())
    n_nationals = min(len(pool), max(1, round(total * shape.national_share)))
    nationals = [pool[i] for i in rng.permutation(len(pool))[:n_nationals]]
    regions = dict(zip(nationals, _pick(rng, REGION_MIX, len(nationals)), strict=True))
    statuses = _pick(rng, STATUS_MIX, total)
    confidences = _pick(rng, CONFIDENCE_MIX["members"], total)
    joined = rng.integers(2011, 2025, total)
    no_year = rng.random(total) < 13 / 144
    rows: list[Row] = []
    names = _iso3_names()
    for i in range(total):
        common = {"status": statuses[i], "confidence": confidences[i], "source": "hand-ogp-members",
                  "joined": "" if no_year[i] else str(joined[i]), "as_of": f"{joined[i]}-{1 + i % 12:02d}"}
        if i < len(nationals):
            iso3 = nationals[i]
            rows.append({"id": iso3, "name": names[iso3], "iso3": iso3, "level": "national", "parent_iso3": "",
                         "region": regions[iso3], **common})
        else:
            parent = nationals[int(rng.integers(len(nationals)))]
            place = _PLACES[i % len(_PLACES)]
            rows.append({"id": f"{parent}-{place}-{i:06d}", "name": f"{place.title()} {i}, {names[parent]}",
                         "iso3": parent, "level": "local", "parent_iso3": parent, "region": regions[parent],
                         **common})
    return rows


def _organisations(rng: np.random.Generator, scale: float, shape: Shape, members: list[Row]) -> list[Row]:
    total = max(2, round(shape.organisations * scale))
    sectors = _pick(rng, SECTOR_MIX, total)
    confidences = _pick(rng, CONFIDENCE_MIX["organisations"], total)
    countries = sorted({m["iso3"] for m in members})
    rows: list[Row] = []
    for i in range(total):
        a, b = (_WORDS[int(x)] for x in rng.integers(len(_WORDS), size=2))
        kinds = _ORG_KINDS[sectors[i]]
        kind = kinds[int(rng.integers(len(kinds)))]
        name = f"{a.title()} {b.title()} {kind} {i}"
        hq = countries[int(rng.integers(len(countries)))] if rng.random() < shape.local_hq_share else ""
        funder = i % 11 == 0  # the bundled data: 11 funders among 123 organisations (no random draw, so the
        # rest of the data stays what the same seed gave before funders existed)
        rows.append({"id": _slug(name), "name": name, "sector": sectors[i], "hq_iso3": hq,
                     "roles": "funder" if funder else "", "role_detail": "OGP funder (synthetic)" if funder else "",
                     "confidence": confidences[i], "source": "hand-thematic-partners",
                     "as_of": str(int(rng.integers(2015, 2026)))})
    return rows


def _consortia(rng: np.random.Generator, scale: float, shape: Shape) -> list[Row]:
    total = max(1, round(shape.consortia * scale))
    kinds = _pick(rng, KIND_MIX, total)
    themes = list(THEMES.values())
    rows: list[Row] = []
    for i in range(total):
        theme = themes[int(rng.integers(len(themes)))]
        source = "hand-paris-collective-actions" if kinds[i] == "collective_action" else "hand-working-group-anchors"
        rows.append({"id": f"{kinds[i].replace('_', '-')}-{i:05d}",
                     "name": f"{kinds[i].replace('_', ' ').capitalize()} {i}: {theme} for open, accountable "
                             "and inclusive government",
                     "kind": kinds[i], "confidence": "", "source": source, "as_of": "2022-03-30"})
    return rows


def _commitments(rng: np.random.Generator, members: list[Row], shape: Shape) -> list[Row]:
    rows: list[Row] = []
    themes = list(THEMES.values())
    for member in members:
        if rng.random() >= shape.committing_share:
            continue
        n = min(60, max(1, round(rng.lognormal(shape.commitments_mu, shape.commitments_sigma))))
        irm = {column: _pick(rng, mix, n) for column, mix in IRM.items()}
        first_year = int(rng.integers(2012, 2022))
        for k in range(n):
            year = min(2024, first_year + 2 * (k // 8))
            theme = themes[int(rng.integers(len(themes)))].lower()
            rows.append({
                "id": f"{member['iso3']}{len(rows):07d}", "member_id": member["id"],
                "title": f"Strengthen {theme} through a public register and \"open by default\" rules, phase {k + 1}",
                "year": str(year), "action_plan": f"AP_{member['iso3']}{(year - 2012) // 2 + 1:02d}",
                **{column: irm[column][k] for column in IRM},
                "irm_starred": "true" if rng.random() < 70 / 558 else "false",
                "source": "ogp-commitments", "as_of": "2024-07",
            })
    return rows


def _commitment_themes(rng: np.random.Generator, commitments: list[Row]) -> list[Row]:
    counts = _pick(rng, {str(k): v for k, v in THEMES_PER_COMMITMENT.items()}, len(commitments))
    keys = list(THEMES)
    rows: list[Row] = []
    for commitment, n in zip(commitments, counts, strict=True):
        for theme in rng.choice(len(keys), size=int(n), replace=False):
            key = keys[int(theme)]
            rows.append({"commitment_id": commitment["id"], "theme_id": key,
                         "tags": f"{THEMES[key]};Capacity Building", "source": "ogp-commitments",
                         "as_of": "2024-07"})
    return rows


def _engagements(rng: np.random.Generator, organisations: list[Row], members: list[Row],
                 member_weights: np.ndarray, shape: Shape) -> list[Row]:
    p = member_weights / member_weights.sum()
    themes, theme_p = _mix(ENGAGEMENT_THEME_MIX)
    relations, relation_p = _mix({k: v[0] for k, v in RELATIONS.items()})
    rows: list[Row] = []
    for org in organisations:
        if rng.random() >= shape.engaged_share:
            continue
        size = min(len(members), max(1, round(rng.lognormal(shape.footprint_mu, shape.footprint_sigma))))
        chosen = rng.choice(len(members), size=size, replace=False, p=p)
        theme_ix = rng.choice(len(themes), size=size, p=theme_p)
        relation_ix = rng.choice(len(relations), size=size, p=relation_p)
        confidences = _pick(rng, CONFIDENCE_MIX["engagements"], size)
        for j in range(size):
            member = members[int(chosen[j])]
            relation = relations[int(relation_ix[j])]
            rows.append({"organisation_id": org["id"], "member_id": member["id"],
                         "theme_id": themes[int(theme_ix[j])], "relation": relation,
                         "detail": f"{relation.replace('_', ' ').capitalize()}: {org['name']} with {member['name']}",
                         "confidence": confidences[j], "source": RELATIONS[relation][1], "as_of": "2022"})
    return rows


def _expertise(rng: np.random.Generator, organisations: list[Row], shape: Shape) -> list[Row]:
    keys = list(THEMES)
    rows: list[Row] = []
    for org in organisations:
        if rng.random() >= shape.expert_share:
            continue
        n = int(_pick(rng, {str(k): v for k, v in THEMES_PER_EXPERT.items()}, 1)[0])
        confidences = _pick(rng, CONFIDENCE_MIX["expertise"], n)
        for j, theme in enumerate(rng.choice(len(keys), size=n, replace=False)):
            rows.append({"organisation_id": org["id"], "theme_id": keys[int(theme)], "confidence": confidences[j],
                         "source": "hand-thematic-partners", "as_of": org["as_of"]})
    return rows


def _memberships(rng: np.random.Generator, consortia: list[Row], organisations: list[Row], members: list[Row],
                 org_weights: np.ndarray, member_weights: np.ndarray, shape: Shape) -> list[Row]:
    org_p, member_p = org_weights / org_weights.sum(), member_weights / member_weights.sum()
    rows: list[Row] = []
    for consortium in consortia:
        if rng.random() >= shape.consortium_with_members_share:
            continue
        size = max(2, round(rng.lognormal(shape.consortium_size_mu, shape.consortium_size_sigma)))
        n_members = min(len(members), int(rng.binomial(size, shape.member_participant_share)))
        n_orgs = min(len(organisations), size - n_members)
        picks = [("member", members[int(i)]["id"]) for i in rng.choice(len(members), n_members, False, member_p)]
        picks += [("organisation", organisations[int(i)]["id"])
                  for i in rng.choice(len(organisations), n_orgs, False, org_p)]
        confidences = _pick(rng, CONFIDENCE_MIX["memberships"], len(picks))
        sources = _pick(rng, MEMBERSHIP_SOURCES, len(picks))
        for j, (ptype, pid) in enumerate(picks):
            roles = MEMBER_ROLES if ptype == "member" else ORGANISATION_ROLES
            rows.append({"participant_type": ptype, "participant_id": pid, "consortium_id": consortium["id"],
                         "role": _pick(rng, roles, 1)[0], "confidence": confidences[j], "source": sources[j],
                         "as_of": "2022-02-23"})
    return rows


def _consortium_themes(rng: np.random.Generator, consortia: list[Row]) -> list[Row]:
    keys = list(THEMES)
    rows: list[Row] = []
    for consortium in consortia:
        n = int(_pick(rng, {str(k): v for k, v in THEMES_PER_CONSORTIUM.items()}, 1)[0])
        for theme in rng.choice(len(keys), size=n, replace=False):
            rows.append({"consortium_id": consortium["id"], "theme_id": keys[int(theme)],
                         "source": consortium["source"], "as_of": consortium["as_of"]})
    return rows


def _signals(rng: np.random.Generator, members: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for member in members:
        chosen = [ind for share, block in SIGNAL_BLOCKS if rng.random() < share for ind in block]
        chosen += [ind for share, ind in SIGNAL_SINGLES if rng.random() < share]
        for indicator, theme, kind, source, as_of in chosen:
            if kind == "pledge":
                value = "1"
                detail = (f"{member['name']} has committed to {THEMES[theme].lower()} reforms "
                          f"({indicator.replace('_', ' ')}), as recorded by {source}.")
            else:
                score = 100 * rng.beta(1.6, 1.8)
                value = f"{score:.1f}" if source in ("ibp-obs-2019", "lode-2016") else str(round(score))
                detail = f"{indicator.replace('_', ' ').capitalize()} ({as_of}): synthetic score"
            rows.append({"member_id": member["id"], "theme_id": theme, "indicator": indicator, "kind": kind,
                         "value": value, "detail": detail, "confidence": "", "source": source, "as_of": as_of})
    return rows


def _borders(rng: np.random.Generator, members: list[Row], shape: Shape) -> list[Row]:
    """Land borders between national members of the same region (any national member if it is alone in its
    region), both directions as rows."""
    nationals = [m for m in members if m["level"] == "national"]
    by_region: dict[str, list[str]] = {}
    for m in nationals:
        by_region.setdefault(m["region"], []).append(m["id"])
    everyone = [m["id"] for m in nationals]
    pairs: set[tuple[str, str]] = set()
    for m in nationals:
        if rng.random() >= shape.bordering_share:
            continue
        pool = [i for i in by_region[m["region"]] if i != m["id"]] or [i for i in everyone if i != m["id"]]
        n = min(len(pool), int(_pick(rng, {str(k): v for k, v in BORDERS_PER_MEMBER.items()}, 1)[0]))
        for j in rng.choice(len(pool), size=n, replace=False):
            pairs |= {(m["id"], pool[int(j)]), (pool[int(j)], m["id"])}
    return [{"member_id": a, "neighbour_id": b, "source": "natural-earth-110m", "as_of": "2021-03"}
            for a, b in sorted(pairs)]


# --- helpers -----------------------------------------------------------------------------------


def _mix(counts: dict[str, int]) -> tuple[list[str], np.ndarray]:
    values = list(counts)
    weights = np.array([counts[v] for v in values], dtype=float)
    return values, weights / weights.sum()


def _pick(rng: np.random.Generator, counts: dict[str, int], n: int) -> list[str]:
    """``n`` values drawn with the proportions of ``counts``."""
    values, p = _mix(counts)
    return [values[int(i)] for i in rng.choice(len(values), size=n, p=p)]


def _slug(text: str) -> str:
    """
    >>> _slug("Open Data Institute 7")
    'open-data-institute-7'
    """
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


_ISO3_NAMES: dict[str, str] = {}


def _iso3_names() -> dict[str, str]:
    """ISO-3 code -> short country name (pycountry, plus Kosovo's user-assigned XKX)."""
    if not _ISO3_NAMES:
        _ISO3_NAMES.update({c.alpha_3: getattr(c, "common_name", c.name) for c in pycountry.countries})
        _ISO3_NAMES["XKX"] = "Kosovo"
    return _ISO3_NAMES


def _sorted(table: str, rows: list[Row]) -> list[Row]:
    key = TABLE_BY_NAME[table].key
    return sorted(rows, key=lambda r: tuple(r[c] for c in key))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.synthetic --scale 10 --seed 1 --out DIR``."""
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the bundled data's size (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the 13 CSV files into")
    args = parser.parse_args(argv)
    counts = write_dataset(generate(args.scale, args.seed), args.out)
    width = max(map(len, counts))
    for name, n in counts.items():
        print(f"{name:<{width}} {n:>10,}")
    print(f"{'total':<{width}} {sum(counts.values()):>10,}  -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
