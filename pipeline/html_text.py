"""HTML → text with one line per block, plus the page's <title> and <meta> name/content pairs.

The main content is the CMS's article container when the page has one, else readability's
pick, but only when that pick is a gap-free part of the body that keeps every numbered
heading and most of the prose; otherwise the whole body is used and chrome.py cleans it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree
from readability import Document
from readability.readability import Unparseable

# A handful of tags is enough to tell a page from plain text that merely mentions "<".
HTML_TAG = re.compile(r"<(?:!doctype|html|head|body|p|div|br|table|tr|td|span|meta|title|li|"
                      r"h[1-6]|a)\b[^>]*>", re.I)
# Formatting tags with no structure of their own, removed when they nest past the limit.
INLINE_TAGS = re.compile(r"</?(?:font|span|b|i|u|em|strong|small|big|s|strike|sub|sup|a)\b[^>]*>",
                         re.IGNORECASE)
HUGE_DEPTH = 2048  # libxml2's nesting limit with huge_tree (256 without)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

BLOCK_TAGS = frozenset({
    "p", "div", "br", "tr", "li", "ul", "ol", "dl", "dt", "dd", "table", "tbody", "thead",
    "tfoot", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer",
    "nav", "aside", "main", "blockquote", "pre", "hr", "form", "fieldset", "center",
    "address", "figure", "figcaption", "caption", "body", "title",
})
CELL_TAGS = frozenset({"td", "th"})
DROPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "iframe", "object",
                          "select", "button", "svg"})

# Article containers of the CMS families in FORMATS §7: TRS (div.TRS_Editor, Fujian and most
# provincial sites), Hanweb jcms and many county sites (#zoom), VSB (#vsb_content).
CONTENT_XPATHS = (
    '//div[contains(concat(" ", normalize-space(@class), " "), " TRS_Editor ")]',
    '//*[@id="zoom"]',
    '//*[@id="vsb_content"]',
)

# Numbered headings (一、 / (一) / 1. / 99、) that a main-content pick must not lose.
NUMBERED_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|"
                              r"\d{1,3}[.．、](?!\d))")
# Readability may keep the article but not "most" of it; below this share of the body's prose
# the pick is distrusted.
MIN_PROSE_SHARE = 0.5
PROSE_LINE = re.compile(r"[。；，,;]")
SPACES = re.compile(r"[ \t\f\v\r\n\u00a0\u3000]+")
# A source line break between two Chinese characters is layout, not a space (`发展\n计划`).
CJK_WRAP = re.compile(r"(?<=[\u3400-\u9fff，。；：、“”《》（）])[ \t\r\n]*\n[ \t\r\n]*"
                      r"(?=[\u3400-\u9fff，。；：、“”《》（）])")


@dataclass(frozen=True)
class HtmlText:
    """What the reader needs from a page: main text, whole-body text, title and meta pairs."""

    text: str
    body_text: str
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)  # names lower-cased
    warnings: tuple[str, ...] = ()


def looks_like_html(text: str) -> bool:
    return len(HTML_TAG.findall(text[:20000])) >= 2 or bool(
        re.search(r"<(?:!doctype|html)\b", text[:2000], re.I))


def html_to_text(html: str) -> HtmlText:
    html = XML_DECLARATION.sub("", html)
    warnings: list[str] = []
    deep = False
    try:
        root, too_deep = _parse(html)
        if too_deep:
            # Unclosed inline tags (one <font> per line) nest without end, and libxml2 drops
            # all text past depth 256; they carry no structure, so read without them.
            html = INLINE_TAGS.sub("", html)
            root, deep = _parse(html)
            warnings.append("HTML nested too deep for the parser: read again without its "
                            "inline tags (font, span, b, ...)")
        if deep:  # deep structure itself: read it with the huge-tree limit instead
            root, too_deep = _parse(html, huge=True)
            if too_deep:
                warnings.append(f"HTML nested deeper than {HUGE_DEPTH} levels even without "
                                "inline tags: text past that depth is missing")
    except etree.ParserError:  # nothing but markup, e.g. all of it inside an open attribute
        return HtmlText("", "", None, {})
    title_el = root.find(".//title")
    title = _clean_line(title_el.text_content()) if title_el is not None else None
    meta = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        if name and el.get("content") is not None and name not in meta:
            meta[name] = el.get("content").strip()
    body = root.find("body")
    body_text = block_text(body if body is not None else root)
    # readability parses with the 256 limit: on a page that deep its pick would be cut short
    main = body_text if deep else _main_text(root, html, body_text)
    return HtmlText(main, body_text, title or None, meta, tuple(warnings))


def _parse(html: str, huge: bool = False) -> tuple[lxml.html.HtmlElement, bool]:
    """The parsed page, and whether the parser stopped descending at its depth limit."""
    parser = lxml.html.HTMLParser(huge_tree=huge)
    root = lxml.html.document_fromstring(html, parser=parser)
    return root, any("excessive depth" in e.message.lower() for e in parser.error_log)


def block_text(node: lxml.html.HtmlElement) -> str:
    """The node's text, one line per block element, table cells separated by a space."""
    parts: list[str] = []
    skipped: object = None  # the outermost dropped element we are inside, if any
    for event, el in etree.iterwalk(node, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else None  # None: comment or PI
        if skipped is None and event == "start" and (tag is None or tag in DROPPED_TAGS):
            skipped = el
        if skipped is not None:
            if event == "end" and el is skipped:
                skipped = None
                if el.tail and el is not node:
                    parts.append(_inline(el.tail))
            continue
        if tag in BLOCK_TAGS:
            parts.append("\n")
        if event == "start":
            if el.text:
                parts.append(_inline(el.text))
            continue
        if tag in CELL_TAGS:
            parts.append(" ")
        if el.tail and el is not node:
            parts.append(_inline(el.tail))
    lines = (_clean_line(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _main_text(root: lxml.html.HtmlElement, html: str, body_text: str) -> str:
    for xpath in CONTENT_XPATHS:
        for node in root.xpath(xpath):
            text = block_text(node)
            if _keeps_content(text, body_text):
                return text
    try:
        summary = Document(html).summary(html_partial=True)
        fragment = lxml.html.fragment_fromstring(summary, create_parent="div")
    except (Unparseable, etree.ParserError, AssertionError, ValueError):
        # readability gave up, or handed back a page lxml cannot re-read (no body, control
        # characters such as ESC): the whole body is the safe pick
        return body_text
    text = block_text(fragment)
    return text if _keeps_content(text, body_text) else body_text


def _keeps_content(candidate: str, body: str) -> bool:
    """A pick is trusted only if it is a gap-free run of the body that drops no numbered
    heading and keeps most of the prose: a lost short section is worse than kept chrome."""
    if not candidate.strip():
        return False
    squeeze = re.compile(r"\s+")
    flat_candidate, flat_body = squeeze.sub("", candidate), squeeze.sub("", body)
    if flat_candidate not in flat_body:
        return False
    kept = set(candidate.split("\n"))
    if any(NUMBERED_HEADING.match(line) and line not in kept for line in body.split("\n")):
        return False
    return _prose(candidate) >= MIN_PROSE_SHARE * _prose(body)


def _prose(text: str) -> int:
    return sum(len(line) for line in text.split("\n")
               if len(line) >= 20 and PROSE_LINE.search(line))


def _inline(text: str) -> str:
    return SPACES.sub(" ", CJK_WRAP.sub("", text))


def _clean_line(line: str) -> str:
    return SPACES.sub(" ", line).strip()
