"""HTML → text with one line per block, plus the page's <title> and <meta> name/content pairs.

A data table is written as its grid (grid.serialise: one row per line, cells joined by
`` | ``) so that the table reader finds its rows and columns again; a layout table (a
whole-page template, a one-column box, a `label: value` disclosure grid) stays plain text.

The main content is the CMS's article container when the page has one, else readability's
pick, but only when that pick is a gap-free part of the body that keeps every numbered
heading and most of the prose; otherwise the whole body is used and chrome.py cleans it.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import cast

from lxml import etree

from pipeline.read.grid import Cell, Grid, resolve, serialise
from pipeline.read.lazy_pattern import LazyPattern

# A handful of tags is enough to tell a page from plain text that merely mentions "<": two
# of them in the page's first HTML_TAG_WINDOW characters (the scan stops at the second).
HTML_TAG_WINDOW = 20000
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
# What the end of an element adds, looked up by its tag as parsed, for the tags whose start
# adds no more than a line break: lower-case block and cell tags (the HTML parser lower-cases
# names), none of them a table or a dropped tag. Any other tag takes the walk's full
# decision, which gives these same ends.
BLOCK_OR_CELL_END = {
    **{tag: "\n" for tag in BLOCK_TAGS - DROPPED_TAGS - {"table"}},
    **{tag: " " for tag in CELL_TAGS},
}

# Article containers of the CMS families in FORMATS §7: TRS (div.TRS_Editor, Fujian and most
# provincial sites), Hanweb jcms and many county sites (#zoom), VSB (#vsb_content).
CONTENT_XPATHS = (
    '//div[contains(concat(" ", normalize-space(@class), " "), " TRS_Editor ")]',
    '//*[@id="zoom"]',
    '//*[@id="vsb_content"]',
)
_PARSERS = threading.local()  # see _parser
# What separates the tokens of a class attribute for XPath's normalize-space: XML's white
# space (#x20, #x9, #xD, #xA), not \s (which also cuts at U+3000 and U+00A0).
XML_SPACE = re.compile("[ \t\r\n]+")


def _trs_editors(root: etree._Element) -> list[etree._Element]:
    """What CONTENT_XPATHS[0] selects: the divs (root included, in document order) with
    the class token TRS_Editor. A page has a few dozen divs, and looking at each one's class
    in Python costs less than setting up an XPath evaluation (tests/test_html_text.py holds
    it to the XPath)."""
    return [div for div in root.iter("div") if "TRS_Editor" in (classes := div.get("class", ""))
            and "TRS_Editor" in XML_SPACE.split(classes)]


# Compiled once: root.xpath(expr) compiles its expression on every call.
CONTENT_FINDERS: tuple[Callable[[etree._Element], object], ...] = (
    _trs_editors, *(etree.XPath(xpath) for xpath in CONTENT_XPATHS[1:]))
# What lxml.html's text_content() evaluates: the string value of an element (its text
# nodes, in document order), on the plain elements this reader parses into.
STRING_VALUE = etree.XPath("string()", smart_strings=False)

# Numbered headings (一、 / (一) / 1. / 99、) that a main-content pick must not lose.
NUMBERED_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|"
                              r"\d{1,3}[.．、](?!\d))")
# Readability may keep the article but not "most" of it; below this share (at most 1) of the
# body's prose the pick is distrusted.
MIN_PROSE_SHARE = 0.5
PROSE_LINE = re.compile(r"[。；，,;]")
SPACE_CHARS = " \t\f\v\r\n\u00a0\u3000"
SPACES = re.compile(f"[{SPACE_CHARS}]+")
# The same but for the line break: collapsing these over a whole text, then stripping each
# line, is _clean_line on each line.
LINE_SPACES = re.compile(f"[{SPACE_CHARS.replace(chr(10), '')}]+")
# What LINE_SPACES may change besides a run of plain spaces.
ODD_SPACES = SPACE_CHARS.replace(" ", "").replace("\n", "")
# A source line break between two Chinese characters is layout, not a space (`发展\n计划`).
# Lazy: sre fills its two classes of 27,000 characters one by one in Python (about 6 ms of
# a process's start), and many pages have no text node with a line break inside (the
# synthetic corpus none).
CJK_WRAP = LazyPattern(r"(?<=[\u3400-\u9fff，。；：、“”《》（）])[ \t\r\n]*\n[ \t\r\n]*"
                       r"(?=[\u3400-\u9fff，。；：、“”《》（）])")


# A data table stands as this line among the pieces while the text is cleaned line by
# line; which table it is, _Walk.slots says, not the line: a page's own text may hold any
# character (GBK's user-defined area decodes to U+E000 and on), and numbers written in the
# line were once read back from the page's text as well.
TABLE_SLOT = "\n\ue000\n"
# A header row names columns in a few words; a data table of short cells needs no header.
HEADER_CELL_MAX = 24
SHORT_CELL_MAX = 30
# A cell that is a label waiting for its value ends with a colon.
LABEL_ENDS = (":", "：")
# rowspan="9999" in broken markup must not make a grid of millions of cells.
MAX_SPAN = 100


@dataclass(frozen=True)
class HtmlText:
    """What the reader needs from a page: main text, whole-body text, title and meta pairs."""

    text: str
    body_text: str
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)  # names lower-cased
    warnings: tuple[str, ...] = ()
    # When the main text is a run of the body's lines: the body's text before and after it
    # (body_text is the non-empty ones of these and text, joined by line breaks).
    around: tuple[str, str] | None = None


def looks_like_html(text: str) -> bool:
    second_tag = next(itertools.islice(HTML_TAG.finditer(text, 0, HTML_TAG_WINDOW), 1, None), None)
    return second_tag is not None or bool(re.search(r"<(?:!doctype|html)\b", text[:2000], re.I))


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
    # One walk in C for the first <title> below the root (root.find(".//title")) and every
    # <meta>, in document order, without the path machinery.
    title_el = None
    meta = {}
    for el in root.iter("title", "meta"):
        if el.tag == "meta":
            name = (el.get("name") or el.get("property") or "").strip().lower()
            if name and (content := el.get("content")) is not None and name not in meta:
                meta[name] = content.strip()
        elif title_el is None and el is not root:
            title_el = el
    title = _clean_line(_string_value(title_el)) if title_el is not None else None
    body = next(root.iterchildren("body"), None)  # root.find("body"), without ElementPath
    if deep:
        # readability parses with the 256 limit: on a page that deep its pick would be cut
        # short
        body_text = block_text(body if body is not None else root)
        return HtmlText(body_text, body_text, title or None, meta, tuple(warnings))
    # The containers of the first kind the page has are read in the same walk as the body
    # (one walk, not two); the kinds after it are looked for only if none of those is a
    # good pick, as before.
    finders = iter(CONTENT_FINDERS)
    first = next((nodes for finder in finders if (nodes := _found(finder, root))), [])
    walk = _walk(body if body is not None else root, frozenset(first))
    later = (node for finder in finders for node in _found(finder, root))
    main, body_text, around = _main_text(itertools.chain(first, later), walk, html)
    return HtmlText(main, body_text, title or None, meta, tuple(warnings), around)


def _string_value(el: etree._Element) -> str:
    """What lxml.html's text_content() gives: the XPath string value (all text below
    ``el``). Without children (len counts elements, comments and instructions) its text
    nodes are all ``el.text`` joins, so the XPath is needed only with children."""
    if len(el):
        return cast(str, STRING_VALUE(el))
    return el.text or ""


def _found(finder: Callable[[etree._Element], object],
           root: etree._Element) -> list[etree._Element]:
    """The elements a CONTENT_FINDERS entry selects (its XPaths give node-sets, never other
    values)."""
    return cast(list[etree._Element], finder(root))


def _parse(html: str, huge: bool = False) -> tuple[etree._Element, bool]:
    """The parsed page, and whether the parser stopped descending at its depth limit.

    lxml.html's parser is this one with a Python element-class lookup run for every element
    the reader touches; the reader needs none of lxml.html's element methods.
    """
    parser = _parser(huge)
    root = etree.fromstring(html, parser)
    if root is None:  # as lxml.html.document_fromstring
        raise etree.ParserError("Document is empty")
    return root, any("excessive depth" in e.message.lower() for e in parser.error_log)


def _parser(huge: bool) -> etree.HTMLParser:
    """This thread's parser of that depth limit. Making one costs about a tenth of parsing a
    small page; a parser keeps no state from one page to the next that the reader sees (its
    error log is cleared at each parse), and lxml wants one per thread."""
    name = "huge" if huge else "plain"
    parser: etree.HTMLParser | None = getattr(_PARSERS, name, None)
    if parser is None:
        parser = etree.HTMLParser(huge_tree=huge)
        setattr(_PARSERS, name, parser)
    return parser


def block_text(node: etree._Element) -> str:
    """The node's text, one line per block element; a data table as its serialised grid,
    the cells of any other table separated by a space."""
    tag = node.tag
    if not len(node) and isinstance(tag, str) and tag.lower() not in DROPPED_TAGS:
        # A leaf (a table cell, mostly) is its text: the line break or space its walk puts
        # at either edge is cut when the lines are cleaned, and as a text piece has no line
        # break (see _inline), its one clean line is itself with spaces collapsed, stripped.
        return _collapse_spaces(_inline(node.text)).strip() if node.text else ""
    return _walk(node).text()


@dataclass
class _Walk:
    """The pieces of a node's text, before they are cut into clean lines: text, "\n" for a
    block's edge, " " after a cell, a TABLE_SLOT for each data table (its grid in
    ``tables``, the slot's index among the pieces in ``slots``); and where each watched
    descendant's own pieces run."""

    parts: list[str]
    tables: list[str]
    spans: dict[etree._Element, tuple[int, int]]
    slots: list[int] = field(default_factory=list)

    def text(self, start: int = 0, end: int | None = None) -> str:
        """The pieces' clean lines, each data table's grid in its slot's line. A slot is a
        line of its own, and cleaning works within lines, so the pieces between slots are
        cleaned apart."""
        end = len(self.parts) if end is None else end
        lines: list[str] = []
        for slot, grid in zip(self.slots, self.tables, strict=True):
            if start <= slot < end:
                if cleaned := self._clean(start, slot):
                    lines.append(cleaned)
                lines.append(grid)
                start = slot + 1
        if cleaned := self._clean(start, end):
            lines.append(cleaned)
        return "\n".join(lines)

    def _clean(self, start: int, end: int) -> str:
        joined = _collapse_spaces("".join(self.parts[start:end]))
        return "\n".join(filter(None, map(str.strip, joined.split("\n"))))

    def run(self, start: int, end: int) -> tuple[str, str, str] | None:
        """The texts before, of and after ``parts[start:end]`` when that run is whole lines
        (it opens and closes with a block's edge, as a watched block element's run does),
        else None. The non-empty ones joined by line breaks are ``text()``: the cleaning
        works within lines (LINE_SPACES holds no line break) and a table's slot is a line of
        its own, so cutting the pieces at line breaks cuts the text at them."""
        parts = self.parts
        if start >= end or parts[start] != "\n" or parts[end - 1] != "\n":
            return None
        if self.slots:
            return self.text(0, start), self.text(start, end), self.text(end, None)
        # Without tables, the three are the clean lines of one cleaning of all the pieces,
        # told apart by the raw lines each run holds: the text before the run is its first
        # raw lines, up to the run's opening line break; the run's closing line break
        # ends its own last line. Every line break is a piece of its own, a block's edge
        # (_inline makes those of text nodes spaces), so pieces count them.
        lines = list(map(str.strip, _collapse_spaces("".join(parts)).split("\n")))
        first = parts[:start].count("\n") + 1
        last = first + parts[start:end].count("\n") - 1
        return ("\n".join(filter(None, lines[:first])),
                "\n".join(filter(None, lines[first:last])),
                "\n".join(filter(None, lines[last:])))


def _walk(node: etree._Element,
          watch: frozenset[etree._Element] = frozenset()) -> _Walk:
    """Walk ``node`` once for its text pieces. For a ``watch``ed descendant that is read as
    text (not dropped, not a data table), the pieces from its start to the end of its own
    text (its tail excluded) are exactly what walking that descendant alone gives, but for
    its data tables, which stand in the whole walk's ``tables`` and ``slots``.

    The walk goes down a stack of child iterators, not lxml's iterwalk: an element left out
    (dropped, or a data table) is never entered, and there is no event to tell apart per
    start and end (tests/test_html_text.py holds it to the plain event walk). A text or tail
    that is a bare line break, the commonest layout between two tags, goes in as what
    _inline makes of it, a space, without the call.
    """
    parts: list[str] = []
    tables: list[str] = []  # serialised grids, put back after the lines are cleaned
    slots: list[int] = []  # where each grid goes among the parts
    spans: dict[etree._Element, tuple[int, int]] = {}
    node_end = _end_of(node.tag)  # the node itself is read as text even if it is a table
    if node_end is None:  # dropped: no text, and its tail is no part of it
        return _Walk(parts, tables, spans, slots)
    if node_end == "\n":
        parts.append(node_end)
    if text := node.text:
        parts.append(text if "\n" not in text else _inline(text))
    # each element walked through: its later siblings, itself, what its end adds (its
    # start knew the tag already) and where its pieces start
    stack: list[tuple[Iterator[etree._Element], etree._Element, str, int]] = []
    children: Iterator[etree._Element] = iter(node)
    while True:
        closing = None  # the element to close now: a leaf just read, or one read through
        for el in children:
            end = BLOCK_OR_CELL_END.get(el.tag)
            if end is None:
                tag = el.tag
                end = _end_of(tag)
                if end and tag.lower() == "table" and (grid := data_table(el)) is not None:
                    # A placeholder line: cleaning would strip the separators of empty
                    # edge cells.
                    slots.append(len(parts))
                    parts.append(TABLE_SLOT)
                    tables.append(serialise(grid))
                    end = None
                if end is None:  # left out whole: only its tail is read, a comment's or
                    # processing instruction's too (`<!--正文开始-->正文…`: page text)
                    if tail := el.tail:
                        parts.append(tail if "\n" not in tail else _inline(tail))
                    continue
            start = len(parts)
            if end == "\n":
                parts.append(end)
            if text := el.text:
                parts.append(text if "\n" not in text else " " if text == "\n" else _inline(text))
            if len(el):  # children (elements, comments, PIs): walked before it closes
                stack.append((children, el, end, start))
                children = iter(el)
                break
            # a leaf closes at once, below, and the loop goes on with its siblings (not
            # pushed: most elements are leaves)
            closing = el
            break
        else:
            if not stack:
                break
            children, closing, end, start = stack.pop()
        if closing is not None:
            if end:
                parts.append(end)
            if watch and closing in watch:
                spans[closing] = (start, len(parts))
            if tail := closing.tail:
                parts.append(tail if "\n" not in tail else " " if tail == "\n" else _inline(tail))
    if node_end:
        parts.append(node_end)
    return _Walk(parts, tables, spans, slots)


def _end_of(tag: object) -> str | None:
    """What the end of an element of this tag adds to the text (a line break for a block, a
    space for a cell, else nothing), or None for one dropped with all it holds (a comment's
    or processing instruction's tag is a function, not a name)."""
    if not isinstance(tag, str) or (tag := tag.lower()) in DROPPED_TAGS:
        return None
    return "\n" if tag in BLOCK_TAGS else " " if tag in CELL_TAGS else ""


def data_table(table: etree._Element) -> Grid | None:
    """The table's grid when it looks like a data table, else None (layout, nested, one column,
    a `label: value` grid, or long text blocks with no header row)."""
    rows: list[list[Cell]] = []
    for tr in _own_rows(table):
        row = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in CELL_TAGS:
                continue
            if next(td.iter("table"), None) is not None:  # td.find(".//table"), in C
                return None  # a table holding a table is page layout
            row.append(Cell(block_text(td), _span(td.get("rowspan")), _span(td.get("colspan")),
                            td.tag.lower() == "th"))
        if row:
            rows.append(row)
    if len(rows) < 2:
        return None
    grid = resolve(rows)
    # at least two columns with text in two rows or more (the grid is rectangular); the
    # look stops at the second such column, and in each column at its second text
    filled = (column for column in zip(*grid.rows, strict=True)
              if next(itertools.islice(filter(str.strip, column), 1, None), None) is not None)
    if next(itertools.islice(filled, 1, None), None) is None:
        return None
    cells = [" ".join(text.split()) for row in grid.rows for text in row if text.strip()]
    # A cell ends in no white space (str.split's, which is re's \s) and holds no line break,
    # so `[:：]\s*$` finds a colon only as its last character.
    if any(text.endswith(LABEL_ENDS) for text in cells):
        return None  # `索引号: | … | 发文日期: | …`: a disclosure grid, read as label lines
    header = grid.rows[0]
    has_header = grid.header_rows > 0 or all(
        len(text) <= HEADER_CELL_MAX for text in header if text.strip())
    short = sum(1 for text in cells if len(text) <= SHORT_CELL_MAX)
    return grid if has_header or short >= 0.8 * len(cells) else None


def _own_rows(table: etree._Element) -> list[etree._Element]:
    """The table's rows in order, through thead/tbody/tfoot, not those of nested tables."""
    rows = []
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(tr for tr in child if isinstance(tr.tag, str) and tr.tag.lower() == "tr")
    return rows


def _span(value: str | None) -> int:
    try:
        return max(1, min(int((value or "1").strip()), MAX_SPAN))
    except ValueError:
        return 1


def _main_text(containers: Iterable[etree._Element], walk: _Walk,
               html: str) -> tuple[str, str, tuple[str, str] | None]:
    """The main text, the body's text and HtmlText.around. A container whose run in the
    body's walk is whole lines gives the body's text as that run and the text around it,
    each cleaned once."""
    body_text: str | None = None
    for node in containers:
        span = walk.spans.get(node)
        run = walk.run(*span) if span else None
        if run is not None:
            if body_text is None:
                body_text = "\n".join(text for text in run if text)
            if _run_keeps_content(*run):
                return run[1], body_text, (run[0], run[2])
            continue
        if body_text is None:
            body_text = walk.text()
        text = walk.text(*span) if span else block_text(node)
        if _keeps_content(text, body_text):
            return text, body_text, None
    if body_text is None:
        body_text = walk.text()
    return _readability_text(html, body_text), body_text, None


def _readability_text(html: str, body_text: str) -> str:
    """readability's pick when _keeps_content trusts it, else the body's text. Imported
    here: most pages have an article container, and the imports of readability (urllib,
    email, http.client, chardet) and lxml.html are about a third of a one-file `extract` of
    an HTML page."""
    import lxml.html
    from readability import Document
    from readability.readability import Unparseable

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
    # str.split() cuts at the characters re's \s matches (both ask Py_UNICODE_ISSPACE),
    # without a regex step per character
    flat_candidate, flat_body = "".join(candidate.split()), "".join(body.split())
    if flat_candidate not in flat_body:
        return False
    kept = set(candidate.split("\n"))
    if any(line not in kept and NUMBERED_HEADING.match(line) for line in body.split("\n")):
        return False
    return _prose(candidate) >= MIN_PROSE_SHARE * _prose(body)


def _run_keeps_content(before: str, candidate: str, after: str) -> bool:
    """_keeps_content(candidate, body) for the body that is ``before``, ``candidate`` and
    ``after`` joined by line breaks: the candidate is a gap-free run of that body by
    construction, and the body's lines it may lack are those before and after it."""
    if not candidate.strip():
        return False
    headings = {line for text in (before, after) for line in text.split("\n")
                if NUMBERED_HEADING.match(line)}
    if headings and not headings <= set(candidate.split("\n")):
        return False
    outside = _prose(before) + _prose(after)
    if not outside:  # all of the body's prose is the candidate's: a share of 1, enough
        return True
    prose = _prose(candidate)
    return prose >= MIN_PROSE_SHARE * (outside + prose)


def _prose(text: str) -> int:
    long_lines = [line for line in text.split("\n") if len(line) >= 20]
    return sum(map(len, filter(PROSE_LINE.search, long_lines)))


def _inline(text: str) -> str:
    """A text node as it goes into a line: no line break of its own, and none between two
    Chinese characters. Without a line break, CJK_WRAP cannot match and the spaces are
    collapsed by _clean_line all the same, so the text goes in as it is."""
    if "\n" not in text:
        return text
    if not text.strip(SPACE_CHARS):  # the layout between two tags
        return " "
    return SPACES.sub(" ", CJK_WRAP.sub("", text))


def _collapse_spaces(text: str) -> str:
    """LINE_SPACES.sub(" ", text). Where the only space character is the plain space, alone,
    that substitution changes nothing, and str's scans in C show it sooner than the regex,
    which takes a step per character."""
    if "  " not in text and not any(char in text for char in ODD_SPACES):
        return text
    return LINE_SPACES.sub(" ", text)


def _clean_line(line: str) -> str:
    return SPACES.sub(" ", line).strip()
