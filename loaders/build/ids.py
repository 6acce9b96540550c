"""Identifier rules of the canonical dataset: slugs, local-member ids, organisation ids.

These are the only places where an id is made from a name, so that every adapter
produces the same id for the same thing.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")
_LEADING_THE = re.compile(r"^\s*the\s+", re.IGNORECASE)


def ascii_fold(text: str) -> str:
    """Drop accents and other marks, keeping the base letters.

    Examples
    --------
    >>> ascii_fold("São Paulo, Côte d'Ivoire")
    "Sao Paulo, Cote d'Ivoire"
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str) -> str:
    """Lower-case ASCII slug: accents dropped, runs of other characters become ``-``.

    Examples
    --------
    >>> slugify("São Paulo")
    'sao-paulo'
    >>> slugify("  Laâyoune-Sakia El Hamra Region ")
    'laayoune-sakia-el-hamra-region'
    """
    return _NON_ALNUM.sub("-", ascii_fold(text).lower()).strip("-")


def strip_parenthetical(name: str) -> str:
    """Remove parenthetical parts such as acronyms from a name.

    Examples
    --------
    >>> strip_parenthetical("Global Initiative for Fiscal Transparency (GIFT)")
    'Global Initiative for Fiscal Transparency'
    """
    return _PARENTHETICAL.sub("", name).strip()


def local_member_id(parent_iso3: str, name: str) -> str:
    """Id of a local OGP member: ``<parent_iso3>-<slug of the name>``.

    Examples
    --------
    >>> local_member_id("BRA", "São Paulo")
    'BRA-sao-paulo'
    """
    return f"{parent_iso3.upper()}-{slugify(name)}"


def organisation_id(canonical_name: str) -> str:
    """Id of an organisation: slug of its canonical name without parentheticals or a leading "The".

    Examples
    --------
    >>> organisation_id("Open Ownership")
    'open-ownership'
    >>> organisation_id("Natural Resource Governance Institute (NRGI; formerly Revenue Watch Institute)")
    'natural-resource-governance-institute'
    >>> organisation_id("The International Budget Partnership")
    'international-budget-partnership'
    """
    base = strip_parenthetical(canonical_name) or canonical_name
    return slugify(_LEADING_THE.sub("", base))
