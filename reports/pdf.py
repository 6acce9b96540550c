"""Reports as PDF: the print version of the HTML page, laid out by WeasyPrint.

Why WeasyPrint: it is a maintained, pure-Python HTML/CSS-to-PDF engine (BSD licence) installed from PyPI by
the project's own ``pyproject.toml``; it implements CSS Paged Media (``@page`` sizes, margin boxes with the
title, snapshot, generated-at line and page numbers, repeated table headers), which is what a printed report
needs, and needs no browser or server. It uses the system's Pango (present wherever Debian's chromium is).
The PDF is the HTML page's print version (:func:`reports.html_page.html_page` with ``for_print``): the same
sections and numbers, charts as SVG, the map as its table. Its metadata carry no creation time, so the same
report gives the same bytes apart from the generated-at line.
"""

from __future__ import annotations

import logging
from typing import Any

from model.errors import OutputError

__all__ = ["PAPER_SIZES", "pdf_bytes", "report_pdf"]

#: --paper choices.
PAPER_SIZES = ("a4", "letter")


def pdf_bytes(html_text: str) -> bytes:
    """The PDF of a self-contained HTML page (no network access: every resource is inline).

    >>> pdf_bytes("<p>hello</p>")[:5]
    b'%PDF-'
    """
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as e:  # OSError: the Pango library is missing
        raise OutputError(f"cannot make a PDF here: {e}",
                          hint="install the project again (make setup) and the system's Pango library") from e
    # WeasyPrint logs every CSS property it does not implement (sticky headers, print-colour-adjust...)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = HTML(string=html_text, url_fetcher=_no_fetch)
    data: bytes = document.write_pdf()
    return data


def report_pdf(report: Any, paper: str = "a4") -> bytes:
    """The PDF of a gap report, a brief or a screening report on ``paper`` (``a4`` or ``letter``)."""
    from reports.gap_report import GapReport
    from reports.html_page import html_page, tables_page

    if isinstance(report, GapReport):
        return pdf_bytes(html_page(report, for_print=True, paper=paper))
    return pdf_bytes(tables_page(report, paper=paper))


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Reports are self-contained: nothing is fetched (a URL in the data is never followed)."""
    raise ValueError(f"not fetched: {url[:80]}")
