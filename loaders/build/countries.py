"""Country names and codes → ISO 3166-1 alpha-3, the member id of a national OGP member.

Resolution order: the explicit alias table below, then ISO alpha-2 / alpha-3 codes,
then every name pycountry knows (``name``, ``official_name``, ``common_name``),
compared case-, accent- and whitespace-insensitively.

Kosovo has no ISO code; the dataset uses the user-assigned ``XKX`` (the sources
also write ``XK`` and ``xk``).

Alias table (names the sources use that pycountry does not know)
-----------------------------------------------------------------
================================================  =======
name as written in a source                       ISO-3
================================================  =======
UK, Great Britain                                 GBR
Macedonia                                         MKD
Republic of Korea                                 KOR
Kosovo, Republic of Kosovo                        XKX
Ivory Coast                                       CIV
Congo, Democratic Republic of the                 COD
Congo, Republic of the                            COG
Bahamas, The / The Gambia                         BHS / GMB
Brunei                                            BRN
Taiwan (Republic of China)                        TWN
Russia                                            RUS
Turkey                                            TUR
Palestine                                         PSE
Micronesia                                        FSM
Swaziland                                         SWZ
Kyrgyzstan (Kyrgyz Republic)                      KGZ
Cape Verde                                        CPV
Gambia, The                                       GMB
Korea, North / Korea, South                       PRK / KOR
================================================  =======

``United Kingdom Overseas Territories`` (Open Ownership) is deliberately left
unresolved: it is a group of territories, not a country, and is not part of the
United Kingdom's OGP membership.
"""

from __future__ import annotations

import re
from functools import cache

import pycountry

from loaders.build.ids import ascii_fold
from model.schema import Column
from model.validation import convert_value

KOSOVO = "XKX"

COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GBR",
    "great britain": "GBR",
    "macedonia": "MKD",
    "republic of korea": "KOR",
    "kosovo": KOSOVO,
    "republic of kosovo": KOSOVO,
    "ivory coast": "CIV",
    "congo, democratic republic of the": "COD",
    "congo, republic of the": "COG",
    "bahamas, the": "BHS",
    "the gambia": "GMB",
    "brunei": "BRN",
    "taiwan (republic of china)": "TWN",
    "russia": "RUS",
    "turkey": "TUR",
    "palestine": "PSE",
    "micronesia": "FSM",
    "swaziland": "SWZ",
    "kyrgyzstan (kyrgyz republic)": "KGZ",
    "cape verde": "CPV",
    "gambia, the": "GMB",
    "korea, north": "PRK",
    "korea, south": "KOR",
}

CODE_ALIASES: dict[str, str] = {"XK": KOSOVO, "XKX": KOSOVO, "KSV": KOSOVO}

_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """Case-, accent- and whitespace-insensitive form of a country name.

    Examples
    --------
    >>> normalise_name("  Côte   d’Ivoire ")
    "cote d'ivoire"
    """
    folded = ascii_fold(name).replace("’", "'").replace("`", "'")
    return _SPACES.sub(" ", folded).strip().casefold()


@cache
def _name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                index.setdefault(normalise_name(value), country.alpha_3)
    return index


def iso3_from_code(code: str) -> str | None:
    """ISO-3 from an alpha-2 or alpha-3 code (any case); Kosovo's XK/XKX → XKX.

    Examples
    --------
    >>> iso3_from_code("na"), iso3_from_code("xk"), iso3_from_code("GBR"), iso3_from_code("")
    ('NAM', 'XKX', 'GBR', None)
    """
    code = code.strip().upper()
    if code in CODE_ALIASES:
        return CODE_ALIASES[code]
    if len(code) == 2 and code.isalpha():
        country = pycountry.countries.get(alpha_2=code)
    elif len(code) == 3 and code.isalpha():
        country = pycountry.countries.get(alpha_3=code)
    else:
        return None
    return country.alpha_3 if country else None


def iso3_from_name(name: str) -> str | None:
    """ISO-3 from a country name as written in a source, or None.

    Examples
    --------
    >>> iso3_from_name("South Korea"), iso3_from_name("UK"), iso3_from_name("Cote d'Ivoire")
    ('KOR', 'GBR', 'CIV')
    >>> iso3_from_name("United Kingdom Overseas Territories") is None
    True
    """
    key = normalise_name(name)
    if not key:
        return None
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    return _name_index().get(key) or _name_index().get(key.removeprefix("the "))


def resolve_country(value: str) -> str | None:
    """ISO-3 from a code or a name: codes first (``USA``, ``NA``), then names.

    Examples
    --------
    >>> resolve_country("NA"), resolve_country("Tanzania"), resolve_country("paragr")
    ('NAM', 'TZA', None)
    """
    value = value.strip()
    if 2 <= len(value) <= 3 and value.isalpha() and value.isupper():
        found = iso3_from_code(value)
        if found:
            return found
    return iso3_from_name(value)


def is_iso3(code: str) -> bool:
    """True for an ISO-3 code the dataset accepts (the validator's ``iso3`` rule: ISO 3166-1 or Kosovo's XKX).

    Examples
    --------
    >>> is_iso3("XKX"), is_iso3("GBR"), is_iso3("GB")
    (True, True, False)
    """
    try:
        return convert_value(_ISO3, code) == code
    except ValueError:
        return False


_ISO3 = Column("iso3", "iso3")
