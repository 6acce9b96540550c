"""Headquarters countries that neither the raw sources nor the hand tables state: ``headquarters.csv`` beside
this module, a table of this repository (read as data, like the vendored world topology), one row per
organisation with the source that says where it is based.

``ogp_thematic_partners.csv`` leaves ``hq_country_iso3`` blank wherever its sources gave none; an organisation
whose headquarters are nevertheless public (the Open Data Institute, CoST) gets a row here, with the page that
states it (``source_url``; several separated by `` ; ``), the date of that statement (``as_of``), the statement in
our words (``evidence``) and a confidence.

The builder (:func:`loaders.build.dataset.merge_headquarters`) fills a blank ``hq_iso3`` from this table and
reports each fill with its source in ``BUILD_REPORT.md``; a row naming an organisation that no other source
names adds nothing (this table never creates an organisation), and a row that contradicts a headquarters a source
gives is reported and the source's kept.
"""

from __future__ import annotations

from pathlib import Path

from loaders.build.countries import is_iso3
from loaders.build.dates import is_iso_date
from loaders.build.organisations import canonical_organisation
from loaders.build.sources import ParseResult, SourceFormatError, csv_header, iter_csv

#: The table (a file of this repository, not of the raw data folder).
TABLE_FILE = Path(__file__).with_name("headquarters.csv")
#: The builder's non-canonical table of the parsed rows.
HEADQUARTERS = "headquarters"
COLUMNS = ("organisation", "hq_country_iso3", "evidence", "source_url", "as_of", "confidence")


def parse_headquarters(path: Path) -> ParseResult:
    """``headquarters.csv`` → rows ``{organisation_id, hq_iso3, source_url, as_of}`` of :data:`HEADQUARTERS`.

    A row without an ISO-3 country, a source or a date is skipped and reported.
    """
    missing = [c for c in COLUMNS if c not in csv_header(path)]
    if missing:
        raise SourceFormatError(f"{path.name}: missing column(s) {', '.join(missing)}")
    result = ParseResult()
    for line, r in iter_csv(path, result):
        iso3 = r["hq_country_iso3"].strip().upper()
        url, as_of = r["source_url"].strip(), r["as_of"].strip()
        if not is_iso3(iso3):
            result.issue(path.name, line, "hq_country_iso3", f"{iso3!r} is not an ISO-3 code")
            continue
        if not url or not is_iso_date(as_of):
            result.issue(path.name, line, "source_url" if not url else "as_of",
                         "every headquarters needs the page that states it and a date")
            continue
        org_id, _ = canonical_organisation(r["organisation"])
        result.add(HEADQUARTERS, {"organisation_id": org_id, "hq_iso3": iso3, "source_url": url, "as_of": as_of},
                   path.name, line)
    return result
