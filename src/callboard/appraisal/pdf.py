"""Print an appraisal packet's HTML (rendered by the web layer from appraisal_print.html) to PDF with WeasyPrint.

The printed page carries everything inline (stylesheet, SVG charts), so nothing is fetched: the URL
fetcher refuses every address except `data:` URLs (there is no internet at run time, and an appraisal
must not call out).
"""

from __future__ import annotations

from typing import Any

from callboard.core.errors import InvalidInput


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)  # type: ignore[no-any-return]
    raise ValueError(f"appraisal PDFs load nothing from outside the page ({url})")


def html_to_pdf(html: str) -> bytes:
    """The PDF bytes of a self-contained HTML document (A4, the page's own @page rules)."""
    from weasyprint import HTML  # heavy import (Pango, fonts): load on first PDF

    if not html.strip():
        raise InvalidInput("nothing to print: the appraisal page is empty")
    pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    assert pdf is not None  # write_pdf without a target returns the bytes
    return pdf
