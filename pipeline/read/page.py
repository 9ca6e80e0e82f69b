"""Page → Bulletin: decode, turn HTML into text, strip chrome, read metadata and the tally.

Sections and facts are left empty; pipeline/read/document.py fills them.
"""

from __future__ import annotations

import re
from types import ModuleType

from pipeline.errors import UnreadableInput
from pipeline.read.chrome import strip_chrome
from pipeline.read.decode import decode, normalise, not_text_reason
from pipeline.read.metadata import find_metadata
from pipeline.read.tally import find_summary
from pipeline.records import Bulletin, Page

# lxml and readability load only for a page that may be HTML: every tag html_text looks for
# opens with `<` and a letter or `!` (the non-ASCII letters are those that re.IGNORECASE
# equates with ASCII ones), while plain bulletins use `<` as a book-title bracket (`《关于贯彻
# <国家…>》`).
MARKUP_START = re.compile("<[!A-Za-z\u0130\u0131\u017f\u212a]")


def read_page(page: Page) -> Bulletin:
    """Read one page's bytes into a Bulletin; raises ``UnreadableInput`` for non-text bytes."""
    reason = not_text_reason(page.content)
    if reason:
        raise UnreadableInput(page.source, reason)
    decoded = decode(page.content, page.header("content-type"), page.source)
    meta: dict[str, str] = {}
    html_title = None
    if MARKUP_START.search(decoded.text) and _html_text().looks_like_html(decoded.text):
        html = _html_text().html_to_text(decoded.text)
        # NFKC only after parsing: a full-width ＜ in the text must not become a tag.
        body, page_text = normalise(html.text), normalise(html.body_text)
        meta = {name: normalise(value) for name, value in html.meta.items()}
        html_title = normalise(html.title) if html.title else None
    else:
        body = page_text = normalise(decoded.text)
    text = strip_chrome(body)
    if not text.strip():
        raise UnreadableInput(page.source, "no text left after removing page chrome: this page "
                                           "holds no document; check it is an article page")
    found = find_metadata(text, page_text, meta, html_title)
    return Bulletin(
        source=page.source,
        sha256=page.sha256,
        text=text,
        url=page.url,
        encoding=decoded.encoding,
        title=found.title,
        publisher=found.publisher,
        region=found.region,
        published=found.published,
        period=found.period,
        summary=find_summary(text),
        warnings=decoded.warnings + found.warnings,
    )


def _html_text() -> ModuleType:
    from pipeline.read import html_text

    return html_text
