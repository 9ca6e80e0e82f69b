"""HTML → text: the reader's shortcuts give what the plain way gives, on varied markup."""

from __future__ import annotations

import html
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from pipeline.read import html_text
from pipeline.read.decode import normalise
from pipeline.read.grid import Cell, resolve
from pipeline.read.page import _page_text

# Text nodes full of what the line cleaning works on: line breaks between and beside Chinese
# characters, runs of spaces, tabs, ideographic and no-break spaces, carriage returns.
WORDS = ("推进", "完成", "3项", "，", "。", "abc", " ", "  ", "\n", " \n ", "\t", "\u3000",
         "\u00a0", "\r\n", "（一）", "1.", "\n\n", "\u2028", "\u200b", "\x85")
TAGS = ("p", "div", "span", "b", "br", "font", "li", "h2", "td", "em")
# Article containers (html_text.CONTENT_XPATHS) and a dropped element to put them in.
CONTAINERS = ('div class="TRS_Editor"', 'div id="zoom"', 'td id="vsb_content"',
              'span id="zoom"', "noscript")


def _fragment(rng: random.Random, depth: int) -> str:
    out = []
    for _ in range(rng.randint(1, 4)):
        if depth < 4 and rng.random() < 0.4:
            tag = rng.choice(TAGS)
            if tag == "br":
                out.append("<br>")
            elif rng.random() < 0.15:
                tag = rng.choice(CONTAINERS)
                out.append(f"<{tag}>{_fragment(rng, depth + 1)}</{tag.split()[0]}>")
            elif tag == "td":
                cells = "".join(f"<td>{_fragment(rng, depth + 1)}</td>" for _ in range(2))
                rows = "".join(f"<tr>{cells}</tr>" for _ in range(rng.randint(1, 3)))
                out.append(f"<table>{rows}</table>")
            else:
                out.append(f"<{tag}>{_fragment(rng, depth + 1)}</{tag}>")
        else:
            out.append("".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5))))
    return "".join(out)


# A numbered placeholder line, as _walk once wrote a table into its pieces (fine for pages
# whose text has no U+E000, as these generated ones)
PLACEHOLDER = re.compile("\ue000(\\d+)\ue000")


def _plain_text(walk) -> str:
    """A walk's text cleaned line by line, as _Walk.text did before it cleaned all at once,
    and with its tables numbered in the text, as before the slots."""
    parts = list(walk.parts)
    for number, slot in enumerate(walk.slots):
        parts[slot] = f"\n\ue000{number}\ue000\n"
    lines = (html_text._clean_line(line) for line in "".join(parts).split("\n"))
    text = "\n".join(line for line in lines if line)
    return PLACEHOLDER.sub(lambda m: walk.tables[int(m.group(1))], text)


def _plain_inline(text: str) -> str:
    return html_text.SPACES.sub(" ", html_text.CJK_WRAP.sub("", text))


@pytest.mark.parametrize("seed", range(6))
def test_text_nodes_without_a_line_break_go_in_as_they_are(seed, monkeypatch):
    rng = random.Random(seed)
    pages = [f"<html><body>{_fragment(rng, 0)}</body></html>" for _ in range(60)]
    fast = [html_text.block_text(lxml.html.document_fromstring(p)) for p in pages]
    monkeypatch.setattr(html_text, "_inline", _plain_inline)
    plain = [html_text.block_text(lxml.html.document_fromstring(p)) for p in pages]
    assert fast == plain
    assert any(re.search("[推进完成]", t) for t in fast)


@pytest.mark.parametrize("seed", range(6))
def test_containers_read_in_the_body_walk_read_as_alone(seed):
    """html_to_text reads the article containers in the walk of the body: each container's
    text from there is block_text of the container alone."""
    rng = random.Random(seed)
    compared = 0
    for _ in range(80):
        root = lxml.html.document_fromstring(
            f"<html><body><p>{_fragment(rng, 0)}</p>{_fragment(rng, 0)}</body></html>")
        containers = [n for xpath in html_text.CONTENT_XPATHS for n in root.xpath(xpath)]
        walk = html_text._walk(root.find("body"), frozenset(containers))
        assert walk.text() == html_text.block_text(root.find("body")) == _plain_text(walk)
        for node in containers:
            if node in walk.spans:
                assert walk.text(*walk.spans[node]) == html_text.block_text(node)
                compared += 1
    assert compared > 20


def test_looks_like_html_stops_at_the_second_tag_with_the_same_answer():
    def plain(text: str) -> bool:
        return len(html_text.HTML_TAG.findall(text[:20000])) >= 2 or bool(
            re.search(r"<(?:!doctype|html)\b", text[:2000], re.I))

    rng = random.Random(11)
    pieces = ["<p>", "<div class=x>", "<br/>", "《关于<国家>》", "任务", "<", ">", "<html",
              "<!DOCTYPE html>", "<TD>", "<pre>"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(500)]
    # tags astride the end of the window
    texts += [" " * (20000 - k) + "<p>a<p>" for k in range(0, 8)]
    texts += ["<p>" + " " * (19990 - k) + "<div>" for k in range(-4, 4)]
    answers = [html_text.looks_like_html(t) for t in texts]
    assert answers == [plain(t) for t in texts]
    assert any(answers) and not all(answers)


def _plain_walk(node, watch=frozenset()):
    """_walk as it was before it skipped the subtrees it drops: every event visited."""
    parts, tables, starts, spans, slots = [], [], {}, {}, []
    skipped = None
    for event, el in lxml.etree.iterwalk(node, events=("start", "end", "comment", "pi")):
        if event in ("comment", "pi"):  # no start or end: in place, its tail is text
            if skipped is None and el.tail and el is not node:
                parts.append(html_text._inline(el.tail))
            continue
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if skipped is None and event == "start" and tag == "table" and el is not node:
            grid = html_text.data_table(el)
            if grid is not None:
                slots.append(len(parts))
                parts.append(html_text.TABLE_SLOT)
                tables.append(html_text.serialise(grid))
                skipped = el
                continue
        if skipped is None and event == "start" and (tag is None
                                                     or tag in html_text.DROPPED_TAGS):
            skipped = el
        if skipped is not None:
            if event == "end" and el is skipped:
                skipped = None
                if el.tail and el is not node:
                    parts.append(html_text._inline(el.tail))
            continue
        if event == "start" and el in watch and el is not node:
            starts[el] = len(parts)
        if tag in html_text.BLOCK_TAGS:
            parts.append("\n")
        if event == "start":
            if el.text:
                parts.append(html_text._inline(el.text))
            continue
        if tag in html_text.CELL_TAGS:
            parts.append(" ")
        if el in starts:
            spans[el] = (starts[el], len(parts))
        if el.tail and el is not node:
            parts.append(html_text._inline(el.tail))
    return parts, tables, spans, slots


@pytest.mark.parametrize("seed", range(4))
def test_walk_that_skips_dropped_subtrees_gives_the_plain_walk(seed):
    """Dropped elements (script, comments, noscript containers) and data tables, with tails
    and watched containers inside them: skipping their subtrees changes no piece."""
    rng = random.Random(seed)
    extras = ("<!--注释 1.-->后文", "<script>var a = '<p>1、</p>';</script>尾\n部",
              "<style>p{}</style>", "<?php echo 1 ?>",
              "<noscript><div id=\"zoom\">隐</div></noscript>")
    compared = 0
    for _ in range(80):
        pieces = [_fragment(rng, 0) for _ in range(3)]
        pieces.insert(rng.randrange(4), rng.choice(extras))
        pieces.insert(rng.randrange(5), rng.choice(extras))
        root = lxml.html.document_fromstring(f"<html><body>{''.join(pieces)}</body></html>")
        containers = frozenset(n for xpath in html_text.CONTENT_XPATHS for n in root.xpath(xpath))
        walk = html_text._walk(root.find("body"), containers)
        assert ((walk.parts, walk.tables, walk.spans, walk.slots)
                == _plain_walk(root.find("body"), containers))
        compared += len(walk.tables) + len(walk.spans)
    assert compared > 10


def test_text_after_a_comment_or_processing_instruction_is_kept():
    """CMS templates mark the article with comments (`<!--正文开始-->`) and leave server
    code as processing instructions; the text after either is the page's, while a comment
    inside a dropped element goes with it."""
    page = ("<html><body><div class=\"TRS_Editor\"><p>前文<!--正文开始-->后文</p>"
            "<p>一<?php echo 1 ?>二</p><script>var a;<!--x-->y</script><p><!--c-->三</p>"
            "</div></body></html>")
    assert html_text.html_to_text(page).text == "前文后文\n一二\n三"


def test_str_split_cuts_where_regex_whitespace_does():
    """_keeps_content and metadata._squeeze take str.split() for `re.sub(r"\\s+", …)`: the
    same characters on every code point, alone and in runs between other characters."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    spaces = [c for c in chars if re.fullmatch(r"\s", c)]
    assert spaces == [c for c in chars if c.split() == []]
    assert {" ", "\u3000", "\xa0", "\n"} <= set(spaces) and "\u200b" not in spaces
    text = "a" + "".join(spaces) + "b" + "\u200b\u3000\x85c\u2028 "
    assert "".join(text.split()) == re.sub(r"\s+", "", text)
    assert " ".join(text.split()) == re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("seed", range(3))
def test_plain_parser_reads_as_lxml_html_does(seed):
    """_parse takes etree's HTML parser, not lxml.html's: the same tree, the same container
    picks and the same <title> string as lxml.html's parser and text_content()."""
    rng = random.Random(seed)
    for _ in range(60):
        title = rng.choice(("", "<b>年</b>", "<!--注-->", "&amp;", "\u3000")).join(
            _fragment(rng, 3) for _ in range(2))
        page = f"<html><head><title>{title}</title></head><body>{_fragment(rng, 0)}</body></html>"
        root, _ = html_text._parse(page)
        reference = lxml.html.document_fromstring(page)
        assert lxml.etree.tostring(root) == lxml.etree.tostring(reference)
        for finder, xpath in zip(html_text.CONTENT_FINDERS, html_text.CONTENT_XPATHS,
                                 strict=True):
            assert ([lxml.etree.tostring(n) for n in finder(root)]
                    == [lxml.etree.tostring(n) for n in reference.xpath(xpath)])
        expected = reference.find(".//title")
        got = html_text.html_to_text(page).title
        assert got == (html_text._clean_line(expected.text_content()) or None)


def test_trs_editor_divs_are_those_the_xpath_selects():
    """The TRS container finder looks at each div's class in Python: the same elements, in
    the same order, as its XPath, with the token among others, beside look-alikes and
    separated by what normalize-space does and does not count as white space."""
    rng = random.Random(3)
    classes = ("TRS_Editor", "TRS_Editor2", "xTRS_Editor", "trs_editor", "main", " ", "\t",
               "\n", "\r", "\u3000", "\u00a0", "&#84;RS_Editor", "TRS&#95;Editor")
    found = 0
    for _ in range(300):
        divs = "".join(
            f'<{rng.choice(("div", "DIV", "p"))} class="'
            f'{"".join(rng.choice(classes) for _ in range(rng.randint(0, 3)))}">'
            f'{"<div>x</div>" * rng.randint(0, 1)}文</{rng.choice(("div", "p"))}>'
            for _ in range(rng.randint(1, 4)))
        root, _ = html_text._parse(f"<html><body>{divs}</body></html>")
        picked = html_text.CONTENT_FINDERS[0](root)
        assert picked == root.xpath(html_text.CONTENT_XPATHS[0])
        found += len(picked)
    assert found > 50


# Lines that decide a pick: numbered headings, prose lines, short chrome.
LINES = ("一、总体情况", "（二）重点任务", "3.推进项目建设", "首页 > 信息公开",
         "全年共完成重点项目建设任务十二项，完成投资三十亿元，进度符合预期。", "打印 关闭")


def _block(rng: random.Random, most: int) -> str:
    return "".join(f"<p>{rng.choice(LINES)}</p>" for _ in range(rng.randint(0, most)))


@pytest.mark.parametrize("seed", range(4))
def test_container_run_gives_the_body_text_and_the_same_judgement(seed):
    """For a container whose run in the body's walk is whole lines, the texts around it and
    its own give the body's text, and _run_keeps_content judges it as _keeps_content does;
    on bodies with data tables and without (one cleaning of all the pieces, cut by lines)."""
    rng = random.Random(seed)
    verdicts = []
    with_tables = set()
    for _ in range(150):
        container = rng.choice(CONTAINERS[:3])
        page = (f"<html><body>{_block(rng, 2)}{_fragment(rng, 2)}<{container}>"
                f"{_block(rng, 6)}{_fragment(rng, 2)}{_block(rng, 6)}</{container.split()[0]}>"
                f"{_block(rng, 2)}{_fragment(rng, 2)}</body></html>")
        root = lxml.html.document_fromstring(page)
        containers = [n for xpath in html_text.CONTENT_XPATHS for n in root.xpath(xpath)]
        walk = html_text._walk(root.find("body"), frozenset(containers))
        body = walk.text()
        for node in containers:
            run = walk.run(*walk.spans[node]) if node in walk.spans else None
            if run is None:
                continue
            with_tables.add(bool(walk.slots))
            assert "\n".join(text for text in run if text) == body
            assert run[1] == walk.text(*walk.spans[node]) == html_text.block_text(node)
            verdict = html_text._keeps_content(run[1], body)
            assert html_text._run_keeps_content(*run) == verdict
            verdicts.append(verdict)
    assert len(verdicts) > 100 and 10 < sum(verdicts) < len(verdicts) - 10
    assert with_tables == {True, False}


def test_run_is_none_unless_whole_lines():
    root = lxml.html.document_fromstring(
        '<html><body>前<span id="zoom">中</span>后<div id="zoom">块</div></body></html>')
    spans = html_text.CONTENT_FINDERS[1](root)
    walk = html_text._walk(root.find("body"), frozenset(spans))
    inline, block = (walk.spans[node] for node in spans)
    assert walk.run(*inline) is None
    assert walk.run(*block) == ("前中后", "块", "")


def test_collapse_spaces_is_the_line_spaces_substitution():
    rng = random.Random(5)
    pieces = ("a", "任务", " ", "  ", "\n", "\u2003", "\u2028", *html_text.SPACE_CHARS)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    collapsed = [html_text._collapse_spaces(text) for text in texts]
    assert collapsed == [html_text.LINE_SPACES.sub(" ", text) for text in texts]
    assert sum(c is t for c, t in zip(collapsed, texts, strict=True)) > 100  # the shortcut


@pytest.mark.parametrize("seed", range(2))
def test_string_value_is_text_content(seed):
    rng = random.Random(seed)
    extras = ("<!--注-->", "&amp;", "<?php x ?>", "<title>标题<b>粗</b></title>", "<br>")
    for _ in range(40):
        inside = f"{_fragment(rng, 0)}{rng.choice(extras)}{_fragment(rng, 1)}"
        page = f"<html><body>{inside}</body></html>"
        root, _ = html_text._parse(page)
        reference = lxml.html.document_fromstring(page)
        for el, ref in zip(root.iter(), reference.iter(), strict=True):
            if isinstance(el.tag, str):
                assert html_text._string_value(el) == ref.text_content()


@pytest.mark.parametrize("seed", range(3))
def test_page_text_cuts_the_main_text_from_the_normalised_body(seed):
    """_page_text normalises the body's text once and cuts the main text's lines out of it:
    the same as normalising the main text and the body apart, with marks that compose or
    reorder (combining accents, kana voicing marks, Hangul jamo) at the edges of the lines."""
    rng = random.Random(seed)
    marks = ("\u0301", "\u0327", "\u3099", "\u1161", "\u11a8", "가", "e", "ｶ", "①", "，", "\r")
    around = 0
    for _ in range(120):
        def line() -> str:
            return "".join(rng.choice(marks + LINES) for _ in range(rng.randint(1, 4)))
        inside = "".join(f"<p>{line()}</p>" for _ in range(rng.randint(1, 4)))
        page = (f"<html><body><p>{line()}</p>{line()}<div class=\"TRS_Editor\">{inside}</div>"
                f"{line()}<p>{line()}</p></body></html>")
        html = html_text.html_to_text(page)
        body, page_text, *_ = _page_text(page)
        assert (body, page_text) == (normalise(html.text), normalise(html.body_text))
        around += html.around is not None
    assert around > 20


def test_no_character_normalises_to_a_line_break():
    """_page_text cuts the main text out of the normalised body by its lines: NFKC makes no
    line break (nor a carriage return, which normalise would make one) of any character."""
    made = [c for c in map(chr, range(0x110000)) if c not in "\n\r" and not "\ud800" <= c
            <= "\udfff" and {"\n", "\r"} & set(unicodedata.normalize("NFKC", c))]
    assert made == []


def test_prose_counts_the_long_lines_with_clause_punctuation():
    text = "短句，\n" + "甲" * 19 + "，\n" + "乙" * 25 + "\n" + "丙" * 19 + ";x\n\n"
    assert html_text._prose(text) == 20 + 21
    assert html_text._prose("") == 0


def test_a_page_with_an_article_container_loads_no_readability():
    """readability (with urllib, email, chardet) and lxml.html load only for a page whose
    main content no container gives (issue 16: a one-file `extract` starts sooner)."""
    heavy = ["readability", "lxml.html", "urllib.request", "chardet"]
    page = ('<html><body><p>首页</p><div class="TRS_Editor"><p>一、总体情况</p>'
            '<p>全年共完成重点项目建设任务十二项，完成投资三十亿元，进度符合预期。</p></div>'
            '</body></html>')
    code = "\n".join([
        "import sys",
        "from pipeline.read.html_text import html_to_text",
        f"assert html_to_text({page!r}).text.startswith('一、总体情况')",
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))",
        "html_to_text('<html><body><p>一</p><p>二</p></body></html>')",
        "print('readability' in sys.modules)",
    ])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, check=True)
    assert done.stdout.split() == ["True"]  # nothing heavy, then readability for the second


@pytest.mark.parametrize("seed", range(2))
def test_leaf_text_is_its_walk(seed):
    """block_text reads a childless element without a walk: the same text for block, cell,
    inline, dropped and table leaves, with or without line breaks and spaces at the edges."""
    rng = random.Random(seed)
    tags = (*TAGS, "th", "table", "script", "noscript", "title", "h1")
    leaves = 0
    for _ in range(60):
        cells = "".join(
            f"<{tag}>{''.join(rng.choice(WORDS) for _ in range(rng.randint(0, 5)))}</{tag}>"
            for tag in rng.sample(tags, 4))
        root, _ = html_text._parse(f"<html><body><div>{cells}</div><table><tr>{cells}</tr>"
                                   "</table></body></html>")
        for el in root.iter():
            if not len(el):
                leaves += 1
                assert html_text.block_text(el) == html_text._walk(el).text()
    assert leaves > 300


def _plain_data_table(table):
    """data_table's judgement as first written: every column counted whole, and a label
    cell found by its regex."""
    rows = []
    for tr in html_text._own_rows(table):
        row = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in html_text.CELL_TAGS:
                continue
            if td.find(".//table") is not None:
                return None
            row.append(Cell(html_text._walk(td).text(), html_text._span(td.get("rowspan")),
                            html_text._span(td.get("colspan")), td.tag.lower() == "th"))
        if row:
            rows.append(row)
    if len(rows) < 2:
        return None
    grid = resolve(rows)
    filled = [c for c in range(len(grid.rows[0]) if grid.rows else 0)
              if sum(1 for row in grid.rows if row[c].strip()) >= 2]
    if len(filled) < 2:
        return None
    cells = [" ".join(text.split()) for row in grid.rows for text in row if text.strip()]
    if any(re.search(r"[:：]\s*$", text) for text in cells):
        return None
    has_header = grid.header_rows > 0 or all(
        len(text) <= html_text.HEADER_CELL_MAX for text in grid.rows[0] if text.strip())
    short = sum(1 for text in cells if len(text) <= html_text.SHORT_CELL_MAX)
    return grid if has_header or short >= 0.8 * len(cells) else None


@pytest.mark.parametrize("seed", range(3))
def test_data_table_judges_as_its_plain_definition(seed):
    """data_table stops counting filled columns at the second and finds a label cell by
    its last character: the same grids and refusals as counting every column and searching
    every cell, on tables of blank, label, long and spanning cells."""
    rng = random.Random(seed)
    plain = ("", " ", "\u3000", "3项", "牵头单位", ": x", "a:b", "<b>粗</b>体",
             "全年共完成重点项目建设任务十二项，完成投资三十亿元，进度符合预期。")
    labels = ("完成：", "日期:", "名称： ", "\n：\n", "<b>粗</b>：")
    kinds = set()
    for _ in range(200):
        texts = plain + labels if rng.random() < 0.3 else plain
        rows = "".join(
            "<tr>" + "".join(
                f'<{rng.choice(("td", "td", "th"))} rowspan="{rng.choice((1, 1, 1, 2))}" '
                f'colspan="{rng.choice((1, 1, 1, 2))}">{rng.choice(texts)}</td>'
                for _ in range(rng.randint(1, 4))) + "</tr>"
            for _ in range(rng.randint(1, 6)))
        root, _ = html_text._parse(f"<html><body><table>{rows}</table></body></html>")
        table = next(root.iter("table"))
        grid = html_text.data_table(table)
        assert grid == _plain_data_table(table)
        kinds.add(grid is not None)
    assert kinds == {True, False}


def test_reused_parser_reads_each_page_as_a_new_parser_does():
    """_parse keeps one parser per thread: a page read after a too-deep one is not reported
    too deep, and each tree is the one a fresh parser gives."""
    deep = "<html><body><p>" + "<font>" * 300 + "深</p></body></html>"
    plain = "<html><body><p>一、浅</p></body></html>"
    for page in (deep, plain, deep, plain):
        root, too_deep = html_text._parse(page)
        fresh = lxml.etree.HTMLParser()
        reference = lxml.etree.fromstring(page, fresh)
        assert lxml.etree.tostring(root) == lxml.etree.tostring(reference)
        assert too_deep == (page is deep) == bool(len(fresh.error_log))


@pytest.mark.parametrize("seed", range(3))
def test_title_and_meta_read_in_one_iteration_as_apart(seed):
    """html_to_text reads the first <title> below the root and every <meta> in one walk:
    the same as root.find(".//title") and a walk over the <meta> elements alone, with
    titles and metas in the head, in the body, repeated, and a name given twice."""
    rng = random.Random(seed)
    metas = ('<meta name="ArticleTitle" content=" 甲 ">', '<meta name="articletitle" content="乙">',
             '<meta property="og:site_name" content="丙">', '<meta content="无名">',
             '<meta name="PubDate">', '<title>题<b>目</b></title>', "<title>  </title>")
    checked = 0
    for _ in range(60):
        head = "".join(rng.choice(metas) for _ in range(rng.randint(0, 3)))
        body = [_fragment(rng, 1) for _ in range(3)]
        body.insert(rng.randrange(4), rng.choice(metas))
        page = f"<html><head>{head}</head><body>{''.join(body)}</body></html>"
        reference = lxml.html.document_fromstring(page)
        expected_meta: dict[str, str] = {}
        for el in reference.iter("meta"):
            name = (el.get("name") or el.get("property") or "").strip().lower()
            if name and el.get("content") is not None and name not in expected_meta:
                expected_meta[name] = el.get("content").strip()
        title_el = reference.find(".//title")
        expected_title = (html_text._clean_line(title_el.text_content()) or None
                          if title_el is not None else None)
        got = html_text.html_to_text(page)
        assert (got.meta, got.title) == (expected_meta, expected_title)
        checked += bool(expected_meta) + (expected_title is not None)
    assert checked > 40


TABLE_PAGE = ("<html><body><div class=\"TRS_Editor\"><p>一、总体进展</p><p>{text}</p>"
              "<table><tr><th>任务</th><th>进展</th></tr><tr><td>甲</td><td>完成</td></tr>"
              "<tr><td>乙</td><td>推进</td></tr></table><p>二、下步安排</p></div></body></html>")


@pytest.mark.parametrize("written", ["&#57344;0&#57344;", "&#xE000;7&#xE000;", "\ue0001\ue000"])
def test_a_page_writing_the_table_slots_character_keeps_its_text(written):
    """U+E000 (GBK's first user-defined character) and digits in a page's own text stay
    text: they once read as the number of a table, replaced by a copy of that table, or
    failed the page when no table had that number."""
    read = html_text.html_to_text(TABLE_PAGE.format(text=f"共有{written}项"))
    own = html.unescape(written)
    assert f"共有{own}项" in read.text.split("\n")
    assert read.text.count("任务") == 1  # the table once, in its place
    assert read.text.index("一、总体进展") < read.text.index("任务") < read.text.index("二、")
