"""List pages → article links and further list pages, as gov CMSs paginate (FORMATS.md §8).

Only list pages are read here; bulletins are stored as served and never parsed by scrapers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from scrapers.urls import BadUrl, canonical_url

# TRS WCM prints its pager from a script: createPageHTML(countPage, currentPage, "index", "html").
CREATE_PAGE_RE = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']"
)
COUNT_PAGE_RE = re.compile(r"var\s+countPage\s*=\s*(\d+)")
TRS_LIST_RE = re.compile(r"(?:^|/)(index)(?:_\d+)?\.(s?html?)$")
# Hrefs that are pages of a list: index_N.html and the query strings seen on gov CMSs.
PAGE_HREF_RE = re.compile(
    r"(?:(?:^|/)index_\d+\.s?html?$)|(?:[?&](?:page|pageNo|pageNum|pageIndex|currPage|curPage)=\d+)",
    re.IGNORECASE,
)
NEXT_TEXTS = frozenset({"下一页", "下页", "后页", "下一頁", "尾页", "末页", "next", ">", "»", ">>"})
PAGER_CLASS_RE = re.compile(r"pag", re.IGNORECASE)
DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})")
URL_DATE_RES = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+"),
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),
)
ROW_TAGS = ("li", "tr", "dd", "dt")
META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)
# gb2312 labels lie about the characters in use; GB18030 is their superset (FORMATS.md §9).
CHARSET_ALIASES = dict.fromkeys(("gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936"), "gb18030")
META_SNIFF_BYTES = 4096
# The crawler reads at most 1,000 list pages per start URL (scrapers/crawl.py).
MAX_SCRIPT_PAGES = 1000


@dataclass(frozen=True)
class Link:
    url: str
    title: str
    date: str | None
    referrer: str


@dataclass(frozen=True)
class BadLink:
    """A link whose address cannot be made valid: reported once, never requested."""

    href: str
    reason: str
    referrer: str


@dataclass(frozen=True)
class ListPage:
    url: str
    links: tuple[Link, ...]
    pages: tuple[str, ...]
    bad: tuple[BadLink, ...] = ()


def read_list(
    url: str, content: bytes, content_type: str | None = None, selector: str | None = None
) -> ListPage:
    """The article links (in page order) and the other list pages a list page points to."""
    text = content.decode(sniff_charset(content, content_type), errors="replace")
    soup = BeautifulSoup(text, "lxml")
    scope: list[Tag] = soup.select(selector) if selector else [soup]
    bad: dict[str, BadLink] = {}
    pages = _dedupe([*_script_pages(url, text), *_pager_links(url, soup, bad)], exclude=url)
    links: dict[str, Link] = {}
    for node in scope:
        for a in node.find_all("a", href=True):
            link = _link(url, a, bad)
            if link and link.url not in links and link.url not in pages:
                links[link.url] = link
    return ListPage(url, tuple(links.values()), tuple(pages), tuple(bad.values()))


def sniff_charset(content: bytes, content_type: str | None = None) -> str:
    """Charset from the HTTP header, then the BOM, then ``<meta>``; UTF-8 when none says."""
    name = None
    if content_type and (m := HEADER_CHARSET_RE.search(content_type)):
        name = m.group(1)
    elif content.startswith(b"\xef\xbb\xbf"):
        name = "utf-8"
    elif meta := META_CHARSET_RE.search(content[:META_SNIFF_BYTES]):
        name = meta.group(1).decode("ascii")
    name = (name or "utf-8").lower()
    try:
        "".encode(name)
    except LookupError:
        name = "utf-8"
    return CHARSET_ALIASES.get(name, name)


def date_of(url: str, row_text: str = "") -> str | None:
    """Publication date printed beside a link, else the one in a TRS or Hanweb URL."""
    m = DATE_RE.search(row_text)
    if not m:
        path = urlsplit(url).path
        m = next((m for r in URL_DATE_RES if (m := r.search(path))), None)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _link(base: str, a: Tag, bad: dict[str, BadLink]) -> Link | None:
    href = str(a["href"]).strip()
    if not href or href.startswith(("javascript:", "mailto:", "#")):
        return None
    url = _absolute(base, href, bad)
    if url is None:
        return None
    title = str(a.get("title") or "").strip() or a.get_text(" ", strip=True)
    row = a.find_parent(ROW_TAGS)
    row_text = row.get_text(" ", strip=True) if row else ""
    return Link(url, title, date_of(url, row_text), base)


def _script_pages(url: str, text: str) -> list[str]:
    m = CREATE_PAGE_RE.search(text)
    if m:
        count, name, ext = int(m.group(1)), m.group(3), m.group(4)
    else:
        count_m, name_m = COUNT_PAGE_RE.search(text), TRS_LIST_RE.search(urlsplit(url).path)
        if not (count_m and name_m):
            return []
        count, name, ext = int(count_m.group(1)), name_m.group(1), name_m.group(2)
    # Bounded before the list is made: a pager claiming ten million pages must not cost
    # memory for pages the crawl's own cap would never read.
    count = min(count, MAX_SCRIPT_PAGES)
    return [canonical_url(urljoin(url, f"{name}_{n}.{ext}" if n else f"{name}.{ext}"))
            for n in range(count)]


def _absolute(base: str, href: str, bad: dict[str, BadLink]) -> str | None:
    """``href`` made absolute and canonical; None (and noted in ``bad``) when it cannot be."""
    try:
        return canonical_url(urldefrag(urljoin(base, href)).url)
    except (BadUrl, ValueError) as exc:
        bad.setdefault(href, BadLink(href, f"invalid address: {exc}", base))
        return None


def _pager_links(url: str, soup: BeautifulSoup, bad: dict[str, BadLink]) -> list[str]:
    out = []
    for a in soup.find_all("a", href=True):
        href = str(a["href"]).strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        text = a.get_text(strip=True)
        if (
            text.lower() in NEXT_TEXTS
            or PAGE_HREF_RE.search(href)
            or (text.isdigit() and _in_pager(a))
        ) and (page := _absolute(url, href, bad)):
            out.append(page)
    return out


def _in_pager(a: Tag) -> bool:
    for parent in a.parents:
        marks = " ".join([*parent.get_attribute_list("class"), str(parent.get("id", ""))])
        if PAGER_CLASS_RE.search(marks):
            return True
    return False


def _dedupe(urls: list[str], exclude: str) -> list[str]:
    seen = {exclude}
    out = []
    for u in urls:
        if u not in seen:
            seen.add(u)
            out.append(u)
    return out
