"""Pages that answer 200 but say the page does not exist ("soft 404s", common on gov CMSs).

Stored as bulletins they would become documents and never be fetched again; the crawler
records them as retryable problems instead, so a page that comes back is fetched then.
"""

from __future__ import annotations

import re

from scrapers.listing import sniff_charset

# Error pages are small; a bulletin that merely mentions 页面不存在 in its text is not one.
MAX_ERROR_PAGE_BYTES = 16 * 1024
NOT_FOUND_RE = re.compile(
    r"页面不存在|页面未找到|找不到(?:该|您要访问的|您访问的)?页面|您访问的页面(?:不存在|已删除)"
    r"|信息已删除|(?<!\d)404(?!\d)\s*-?\s*(?:not found|错误|页面|error)|^\s*404\s*$",
    re.IGNORECASE,
)
TITLE_RE = re.compile(r"<(title|h1)[^>]*>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
TAG_RE = re.compile(r"<[^>]+>")


def missing_page_reason(payload: bytes, content_type: str | None) -> str | None:
    """Why a 200 page is an error page (its title or heading says so), or None."""
    if len(payload) > MAX_ERROR_PAGE_BYTES:
        return None
    text = payload.decode(sniff_charset(payload, content_type), errors="replace")
    heads = [TAG_RE.sub("", m.group(2)) for m in TITLE_RE.finditer(text)]
    body = TAG_RE.sub(" ", text)
    # A short page whose title, heading or only words say "not found".
    for where in [*heads, body if len(body.split()) <= 40 else ""]:
        if m := NOT_FOUND_RE.search(where):
            return f"HTTP 200 page says the page does not exist ({m.group(0).strip()!r})"
    return None
