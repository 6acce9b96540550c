"""Organisation names → one canonical organisation, and organisation types → sectors.

An organisation's id is :func:`loaders.build.ids.organisation_id` of its canonical name
(the slug without parentheticals or a leading "The"), so "Publish What You Pay",
"Publish What You Pay (PWYP)" and "The Publish What You Pay" are one organisation
without any table. :data:`ORG_ALIASES` lists the variants that the rule cannot
join (acronyms, typos, renamed organisations, programmes of an organisation).

National chapters and coalitions (Transparency International Georgia, Publish What
You Pay Indonesia, Bantay Kita, Proética …) are separate organisations when a source
names them as such; when a source names the parent with the chapter in a note
(``Transparency International`` × GEO, "national chapter: …") the fact stays with
the parent and the note goes into ``detail``.

Sector of an organisation (first hit wins): the ``org_type`` of
``ogp_thematic_partners.csv``, then of ``ogp_multilateral_partners.csv``, then
:data:`SECTOR_OVERRIDES` (organisations only named by Paris signatories, the
Steering Committee list or GDB), then the default of the naming source (civil
society for Paris/Steering Committee CSOs and GDB hubs).

``org_type`` → sector (:data:`SECTOR_BY_ORG_TYPE`)
--------------------------------------------------
=====================================================  ==============
org_type in a source                                   sector
=====================================================  ==============
civil_society, civil_society_international,            civil_society
civil_society_research_hub
network, civil_society/multi-stakeholder network        network
multilateral                                           multilateral
private, funder, foundation, civil_society/foundation  private
government, government_agency                          government
academic, university                                   academic
=====================================================  ==============
"""

from __future__ import annotations

from loaders.build.countries import normalise_name
from loaders.build.ids import organisation_id, strip_parenthetical

SECTOR_BY_ORG_TYPE: dict[str, str] = {
    "civil_society": "civil_society",
    "civil_society_international": "civil_society",
    "civil_society_research_hub": "civil_society",
    "network": "network",
    "civil_society/multi-stakeholder network": "network",
    "multilateral": "multilateral",
    "private": "private",
    "funder": "private",
    "foundation": "private",
    "civil_society/foundation": "private",
    "government": "government",
    "government_agency": "government",
    "academic": "academic",
    "university": "academic",
}

NRGI = "Natural Resource Governance Institute (NRGI)"
OKF = "Open Knowledge Foundation (formerly Open Knowledge International)"
WWWF = "World Wide Web Foundation"
ILDA = "Latin America Open Data Initiative (ILDA)"

# normalised variant -> canonical display name
ORG_ALIASES: dict[str, str] = {
    "eiti": "Extractive Industries Transparency Initiative (EITI)",
    "gift": "Global Initiative for Fiscal Transparency (GIFT)",
    "icnl": "International Center for Not-for-Profit Law (ICNL)",
    "usaid": "US Agency for International Development (USAID)",
    "natural resource governance institute (nrgi; formerly revenue watch institute)": NRGI,
    "open knowledge international / open knowledge foundation": OKF,
    "open knowledge foundation": OKF,
    "open knowledge international (oki)": OKF,
    "pagof (cfi, france)": "Programme d'appui aux gouvernements ouverts francophones (PAGOF, CFI/France)",
    "organisation for economic co-operation and development (oecd)": "OECD",
    "united nations development programme (undp)": "UNDP",
    "hivos open contracting": "Hivos",  # Hivos' open-contracting programme
    "openownership": "Open Ownership",
    "web foundation": WWWF,
    "world ressources institute": "World Resources Institute (WRI)",
    "world ressources institute (wri)": "World Resources Institute (WRI)",
    "idfi georgia": "Institute for Development of Freedom of Information (IDFI)",
    "cost": "CoST – Infrastructure Transparency Initiative",
    "australian open government partnership": "Australian Open Government Partnership Network",
    "transparency international's pharmaceuticals & helthcare programme": "Transparency International",
    "proetica (ti chapter)": "Proética",
    "ilda": ILDA,
    "latin america open data initiative": ILDA,
}

# Names that look like organisations in a source but are not one.
NOT_ORGANISATIONS: dict[str, str] = {
    "legislative openness work": "names the OGP Legislative Openness Working Group (a consortium), not an organisation",
}

# Sector of organisations that no typed table describes (keyed by organisation id).
SECTOR_OVERRIDES: dict[str, str] = {
    "birzeit-university": "academic",
    "columbia-center-on-sustainable-investment": "academic",
    "govlab": "academic",
    "nexa-center-for-internet-society": "academic",
    "telefonica": "private",
    "pan-african-parliament": "multilateral",
    "european-commission-s-osor-eu": "multilateral",
    "pacific-community": "multilateral",
    "open-data-for-development": "network",
    "global-forum-for-media-development": "network",
    "caribbean-open-institute": "network",
    "latin-america-open-data-initiative": "network",
    "asia-democracy-network": "network",
    "australian-open-government-partnership-network": "network",
    "climate-change-network-nigeria": "network",
    "bangladesh-ngos-network-for-radio-and-communication": "network",
    "alianza-regional-por-la-libre-expresion-e-informacion": "network",
    "fair-play-alliance": "civil_society",
}


def _key(name: str) -> str:
    return normalise_name(name).removeprefix("the ")


def canonical_name(name: str) -> str:
    """The canonical display name of an organisation named ``name`` in a source.

    Examples
    --------
    >>> canonical_name("IDFI Georgia")
    'Institute for Development of Freedom of Information (IDFI)'
    >>> canonical_name("  The Carter Center ")
    'The Carter Center'
    """
    cleaned = " ".join(name.split())
    key = _key(cleaned)
    if key in ORG_ALIASES:
        return ORG_ALIASES[key]
    stripped = _key(strip_parenthetical(cleaned))
    return ORG_ALIASES.get(stripped, cleaned)


def canonical_organisation(name: str) -> tuple[str, str]:
    """``(id, display name)`` of the organisation a source names.

    Examples
    --------
    >>> canonical_organisation("The Open Data Institute")
    ('open-data-institute', 'The Open Data Institute')
    >>> canonical_organisation("Open Data Institute (ODI)")[0]
    'open-data-institute'
    >>> canonical_organisation("EITI")
    ('extractive-industries-transparency-initiative', 'Extractive Industries Transparency Initiative (EITI)')
    """
    display = canonical_name(name)
    return organisation_id(display), display


def not_an_organisation(name: str) -> str | None:
    """Why ``name`` is not an organisation, or None when it is one.

    Examples
    --------
    >>> not_an_organisation("The Legislative Openness Work") is not None
    True
    """
    return NOT_ORGANISATIONS.get(_key(name))


def sector_from_org_type(org_type: str) -> str | None:
    """The schema sector for an ``org_type`` value, None if unknown.

    Examples
    --------
    >>> sector_from_org_type("civil_society_international"), sector_from_org_type("civil_society/foundation")
    ('civil_society', 'private')
    """
    return SECTOR_BY_ORG_TYPE.get(org_type.strip().casefold())
