"""A bulletin page's attachments: the files it links as ``附件：…`` or by a document suffix.

Supervision offices often post a one-paragraph cover note and put the task table in an
attached .docx/.xlsx/.pdf (FORMATS §9), so the crawl archives those files beside the page.
Each is stored with a WARC header naming the page that links it, which the build reads to
give the attachment the page's title, date and publisher where the file states none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

from scrapers.defaults import ATTACHED_TO_HEADER
from scrapers.listing import sniff_charset

__all__ = ["ATTACHED_TO_HEADER"]

# Document formats bulletins are attached in; .wps and .et are Kingsoft WPS Office's.
SUFFIXES = (".doc", ".docx", ".docm", ".xls", ".xlsx", ".xlsm", ".pdf", ".wps", ".et")
# Link text that announces an attachment whatever its address looks like (download
# scripts such as `/module/download/downfile.jsp?id=…` carry no suffix).
ATTACHMENT_TEXT = re.compile(r"^\s*附\s*件\s*\d*\s*[：:.、]?|\.(?:" +
                             "|".join(s[1:] for s in SUFFIXES) + r")\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Attachment:
    url: str
    title: str


def attachment_links(page_url: str, content: bytes, content_type: str | None) -> list[Attachment]:
    """The attachments a page links, in page order, each once; fragments dropped."""
    text = content.decode(sniff_charset(content, content_type), errors="replace")
    soup = BeautifulSoup(text, "lxml")
    found: dict[str, Attachment] = {}
    for a in soup.find_all("a", href=True):
        href = a["href"]
        if not isinstance(href, str):
            continue  # bs4 types attributes as possibly multi-valued; href never is
        href = href.strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
            continue
        url = urldefrag(urljoin(page_url, href)).url
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        label = " ".join(a.get_text(" ", strip=True).split())
        if urlsplit(url).path.lower().endswith(SUFFIXES) or ATTACHMENT_TEXT.search(label):
            found.setdefault(url, Attachment(url, label))
    return list(found.values())


def attachment_headers(attached_to: str | None) -> dict[str, str]:
    """The extra WARC headers of a record: the linking page for an attachment, else none."""
    return {ATTACHED_TO_HEADER: attached_to} if attached_to else {}
