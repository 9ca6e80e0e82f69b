"""Page → Bulletin: decode, turn HTML into text, strip chrome, read metadata and the tally.

Attachments (.docx, .xlsx, .pdf, ...) are read by pipeline/read/attachments into the same
text a page gives. Sections and facts are left empty; pipeline/read/document.py fills them.
"""

from __future__ import annotations

import functools
import re
from types import ModuleType

from extractors.records import frozen_record
from pipeline.errors import UnreadableInput
from pipeline.read.attachments import NotReadable, read_attachment, sniff
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
    """Read one page's bytes into a Bulletin; raises ``UnreadableInput`` for bytes that are
    no text document and no attachment that can be read."""
    try:
        kind = attachment_kind(page)
        found = read_attachment(page.content, kind) if kind else None
    except NotReadable as exc:
        raise UnreadableInput(page.source, str(exc)) from None
    meta: dict[str, str] = {}
    html_title = None
    encoding = None
    warnings: tuple[str, ...] = ()
    if found is not None:
        # Already text: no charset to find, and the file's own title property stands where
        # a page's <title> would.
        body = page_text = normalise(found.text)
        html_title = normalise(found.title) if found.title else None
        warnings = found.warnings
    else:
        reason = not_text_reason(page.content)
        if reason:
            raise UnreadableInput(page.source, reason)
        decoded = decode(page.content, page.header("content-type"), page.source)
        encoding, warnings = decoded.encoding, decoded.warnings
        body, page_text, meta, html_title, html_warnings = _page_text(decoded.text)
        warnings += html_warnings
    text = strip_chrome(body)
    if not text.strip():
        raise UnreadableInput(page.source, "no text left after removing page chrome: this page "
                                           "holds no document; check it is an article page")
    found_meta = find_metadata(text, page_text, meta, html_title)
    # Every field given, and Bulletin checks nothing after __init__: copied in at once, not
    # set one by one through a frozen __init__ (tests/test_page.py holds it to Bulletin(...)).
    return frozen_record(Bulletin, {
        "source": page.source,
        "sha256": page.sha256,
        "text": text,
        "url": page.url,
        "encoding": encoding,
        "title": found_meta.title,
        "publisher": found_meta.publisher or page.publisher,
        "region": found_meta.region,
        "published": found_meta.published,
        "period": found_meta.period,
        "attached_to": page.attached_to,
        "fetched": page.fetched,
        "summary": find_summary(text),
        "sections": (),
        "facts": (),
        "warnings": warnings + found_meta.warnings,
    })


def attachment_kind(page: Page) -> str | None:
    """The attachment format of a page's bytes (magic bytes, then its Content-Type and the
    name it was served or saved under), or None for text; raises ``NotReadable``."""
    return sniff.sniff(page.content, page.url or page.source, page.header("content-type"))


def _page_text(
    decoded: str,
) -> tuple[str, str, dict[str, str], str | None, tuple[str, ...]]:
    """Body text, whole-page text, <meta> values, <title> and the HTML reader's warnings
    (text it could only read in part) of decoded text or HTML."""
    meta: dict[str, str] = {}
    html_title = None
    warnings: tuple[str, ...] = ()
    if MARKUP_START.search(decoded) and (html_text := _html_text()).looks_like_html(decoded):
        html = html_text.html_to_text(decoded)
        # NFKC only after parsing: a full-width ＜ in the text must not become a tag.
        page_text = normalise(html.body_text)
        if html.around is None:
            body = normalise(html.text)
        else:
            # The main text is a run of the body's lines, normalised with them: normalise
            # works within lines, as a line break is a starter that NFKC composes with
            # nothing, that keeps marks after it from moving before it, and that it neither
            # makes nor takes (clean lines hold no carriage return to become one).
            before, after = html.around
            body = page_text
            if before:  # its lines come first: cut off with the line break after them
                body = body.split("\n", before.count("\n") + 1)[-1]
            if after:  # its lines come last: cut off with the line break before them
                body = body.rsplit("\n", after.count("\n") + 1)[0]
        meta = {name: normalise(value) for name, value in html.meta.items()}
        html_title = normalise(html.title) if html.title else None
        warnings = html.warnings
    else:
        body = page_text = normalise(decoded)
    return body, page_text, meta, html_title, warnings


@functools.cache  # the import statement's look-up costs more than the cache's, per page
def _html_text() -> ModuleType:
    from pipeline.read import html_text

    return html_text
