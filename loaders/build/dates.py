"""The ``as_of`` date format of the dataset: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from model.schema import PROVENANCE
from model.validation import convert_value

_AS_OF = next(c for c in PROVENANCE if c.name == "as_of")

_YEAR = re.compile(r"(19|20)\d{2}")


def is_iso_date(text: str) -> bool:
    """True when ``text`` is an ``as_of`` date the dataset accepts (the validator's rule for ``as_of``:
    ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, a real calendar date, in the accepted years).

    Examples
    --------
    >>> is_iso_date("2016-12"), is_iso_date("n.d."), is_iso_date("2016-13"), is_iso_date("2016-02-30")
    (True, False, False, False)
    """
    try:
        return convert_value(_AS_OF, text) is not None
    except ValueError:
        return False


def first_year(text: str) -> str | None:
    """The first plausible year in free text such as a period, or None.

    Examples
    --------
    >>> first_year("c.2015-"), first_year("from 2014-10"), first_year("n.d.")
    ('2015', '2014', None)
    """
    match = _YEAR.search(text)
    return match.group(0) if match else None


def period_as_of(period: str) -> str | None:
    """An ``as_of`` date from a period label: ``from 2014-10`` → ``2014-10``, ``c.2020`` → ``2020``.

    Examples
    --------
    >>> period_as_of("from 2014-10"), period_as_of("2024-2025 (partial list)"), period_as_of("c.2020")
    ('2014-10', '2024', '2020')
    """
    month = re.search(r"((?:19|20)\d{2}-\d{2})(?!\d)", period)
    if month and is_iso_date(month.group(1)):
        return month.group(1)
    return first_year(period)


def date_from_timestamp(text: str) -> str | None:
    """``YYYY-MM-DD`` from a timestamp such as ``2022-03-23 09:34:00+00:00``.

    Examples
    --------
    >>> date_from_timestamp("2022-03-23 09:34:00+00:00"), date_from_timestamp("")
    ('2022-03-23', None)
    """
    candidate = text.strip()[:10]
    return candidate if len(candidate) == 10 and is_iso_date(candidate) else None


def date_from_epoch_ms(value: int | float) -> str:
    """``YYYY-MM-DD`` (UTC) from a JavaScript epoch timestamp in milliseconds.

    Examples
    --------
    >>> date_from_epoch_ms(1471379771595)
    '2016-08-16'
    """
    return datetime.fromtimestamp(value / 1000, tz=UTC).strftime("%Y-%m-%d")
