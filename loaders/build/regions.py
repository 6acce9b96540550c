"""OGP regions of members, and how they are derived when OGP's own data does not give one.

OGP's four regions are written as in ``graph/schema.py``: ``Africa and Middle East``,
``Americas``, ``Asia and the Pacific``, ``Europe``. The OGP commitments export writes
the first one ``Africa and the Middle East``; it is normalised.

Order of evidence for a national member's region (first hit wins):

1. the ``Region`` column of the OGP commitments export (OGP's own assignment);
2. the Global Data Barometer 2022 region and sub-region (:data:`GDB_TO_OGP`);
3. the Open Budget Survey 2019 region (:data:`IBP_TO_OGP`);
4. membership of the European Union recorded by Open Ownership → ``Europe``.

The mappings below were checked against every country that appears both in the
commitments export and in GDB / IBP: they agree with OGP's assignment in all cases
(for instance Armenia, Georgia and the Kyrgyz Republic are in OGP's Asia and the
Pacific region and in GDB's Asia / Eastern Europe and Central Asia; Israel is in
OGP's Europe). IBP's ``Western Europe, U.S. & Canada`` mixes two OGP regions, so it
is not used. A local member takes its parent country's region.
"""

from __future__ import annotations

AFRICA_ME = "Africa and Middle East"
AMERICAS = "Americas"
ASIA_PACIFIC = "Asia and the Pacific"
EUROPE = "Europe"
OGP_REGIONS = (AFRICA_ME, AMERICAS, ASIA_PACIFIC, EUROPE)

_OGP_SPELLINGS: dict[str, str] = {
    "africa and the middle east": AFRICA_ME,
    "africa and middle east": AFRICA_ME,
    "americas": AMERICAS,
    "asia and the pacific": ASIA_PACIFIC,
    "asia pacific": ASIA_PACIFIC,
    "europe": EUROPE,
}

_EU_NA_ANZ = "European Union, United Kingdom, North America, Israel, Australia and New Zealand"

# (GDB region_name, GDB sub_region_name) -> OGP region
GDB_TO_OGP: dict[tuple[str, str], str] = {
    ("Africa", "Africa"): AFRICA_ME,
    ("Africa", "Middle East and North Africa"): AFRICA_ME,
    ("Asia", "Middle East and North Africa"): AFRICA_ME,
    ("Americas", "Latin America and the Caribbean"): AMERICAS,
    ("Americas", _EU_NA_ANZ): AMERICAS,
    ("Asia", "South and East Asia"): ASIA_PACIFIC,
    ("Asia", "Eastern Europe and Central Asia"): ASIA_PACIFIC,
    ("Oceania", _EU_NA_ANZ): ASIA_PACIFIC,
    ("Oceania", "South and East Asia"): ASIA_PACIFIC,
    ("Asia", _EU_NA_ANZ): EUROPE,
    ("Europe", _EU_NA_ANZ): EUROPE,
    ("Europe", "Eastern Europe and Central Asia"): EUROPE,
}

# Open Budget Survey 2019 REGION_NAME -> OGP region (the mixed Western Europe/US/Canada group is omitted)
IBP_TO_OGP: dict[str, str] = {
    "East Asia & Pacific": ASIA_PACIFIC,
    "South Asia": ASIA_PACIFIC,
    "Central Asia": ASIA_PACIFIC,
    "Eastern Europe": EUROPE,
    "Latin America & Caribbean": AMERICAS,
    "Middle East & North Africa": AFRICA_ME,
    "Sub-Saharan Africa": AFRICA_ME,
}


def normalise_ogp_region(text: str) -> str | None:
    """OGP region in the schema's spelling, or None when the text is not one.

    Examples
    --------
    >>> normalise_ogp_region("Africa and the Middle East")
    'Africa and Middle East'
    >>> normalise_ogp_region("Oceania") is None
    True
    """
    return _OGP_SPELLINGS.get(" ".join(text.split()).casefold())


def region_from_gdb(region_name: str, sub_region_name: str) -> str | None:
    """OGP region from the Global Data Barometer's region and sub-region.

    Examples
    --------
    >>> region_from_gdb("Asia", "Eastern Europe and Central Asia")
    'Asia and the Pacific'
    """
    return GDB_TO_OGP.get((region_name.strip(), sub_region_name.strip()))


def region_from_ibp(region_name: str) -> str | None:
    """OGP region from the Open Budget Survey region, None for the mixed western group.

    Examples
    --------
    >>> region_from_ibp("Sub-Saharan Africa"), region_from_ibp("Western Europe, U.S. & Canada")
    ('Africa and Middle East', None)
    """
    return IBP_TO_OGP.get(region_name.strip())

# Name of the non-canonical table in which adapters report region evidence for the builder.
REGION_EVIDENCE = "region_evidence"
RANK_GDB = 2
RANK_IBP = 3
RANK_EU_MEMBER = 4
