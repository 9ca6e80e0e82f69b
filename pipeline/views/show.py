"""``show``: one bulletin as a self-contained HTML page, every fact highlighted in its
sentence, a table of the facts beside the text. A table serialised into the text (grid.py)
is drawn as a table again, its counts highlighted in their cells. All document text is
escaped.
"""

from __future__ import annotations

import html
import sqlite3
from contextlib import closing
from pathlib import Path

from extractors.sentences import sentence_span
from pipeline.errors import UsageError
from pipeline.read.document import extract_one
from pipeline.read.tables import Table, TableRow, find_tables
from pipeline.records import Bulletin, Fact
from pipeline.store import tables
from pipeline.store.tables import db_path
from pipeline.views.search import open_db

MIN_ID_PREFIX = 6  # shortest doc_id prefix accepted, like a short git hash

STYLE = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 0; color: #222; }
header { padding: 1em 1.5em; background: #f4f4f4; border-bottom: 1px solid #ddd; }
header h1 { font-size: 1.3em; margin: 0 0 .3em; }
header p { margin: 0; color: #555; font-size: .9em; word-break: break-all; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5em;
       padding: 1em 1.5em; }
#text { white-space: pre-wrap; line-height: 1.8; }
.sentence { background: #fff8d6; }
mark { background: #ffd54a; padding: 0 1px; border-radius: 2px; }
mark:target { outline: 2px solid #d33; }
table { border-collapse: collapse; font-size: .85em; width: 100%; }
th, td { border-bottom: 1px solid #e4e4e4; padding: .25em .4em; text-align: left;
         vertical-align: top; }
aside { position: sticky; top: 0; max-height: 100vh; overflow: auto; }
table.grid { margin: .5em 0; white-space: normal; line-height: 1.5; }
table.grid th, table.grid td { border: 1px solid #ccc; }
table.grid th { background: #f4f4f4; }
"""
FACT_COLUMNS = ("text", "value", "unit", "object", "qualifier", "entity", "predicate", "section")


def find_bulletin(doc: str, data: str | Path) -> Bulletin:
    """The bulletin ``doc`` names: a doc_id (or prefix), source or URL in the build at
    ``data``; else a file or URL read and extracted on the spot."""
    db = db_path(data)
    if db.is_file():
        with closing(open_db(db)) as conn:
            found = _lookup(conn, doc)
        if found is not None:
            return found
    if Path(doc).exists() or doc.startswith(("http://", "https://")):
        return extract_one(doc)
    raise UsageError(f"{doc}: no such document in {db} and no such file")


def _lookup(conn: sqlite3.Connection, doc: str) -> Bulletin | None:
    prefix = doc.lower() + "%" if len(doc) >= MIN_ID_PREFIX else doc
    ids = [r[0] for r in conn.execute(
        "select doc_id from bulletins where doc_id like ? or source = ? or url = ?",
        (prefix, doc, doc),
    )]
    if len(ids) > 1:
        raise UsageError(f"{doc}: names {len(ids)} documents; give more of the doc_id")
    return tables.read_bulletin(conn, ids[0]) if ids else None


def render(bulletin: Bulletin) -> str:
    b = bulletin
    e = html.escape
    meta = " · ".join(e(v) for v in (b.publisher, b.period, b.published) if v)
    where = e(b.url or b.source)
    rows = "\n".join(_fact_row(i, f) for i, f in enumerate(b.facts))
    head = "".join(f"<th>{c}</th>" for c in ("#", *FACT_COLUMNS))
    return f"""<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(b.title or b.source)}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{e(b.title or b.source)}</h1>
<p>{meta}</p>
<p>{where} · doc_id {e(b.sha256)} · {len(b.sections)} sections · {len(b.facts)} facts</p>
</header>
<main>
<article id="text">{_body(b.text, b.facts)}</article>
<aside>
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
</aside>
</main>
</body>
</html>
"""


def _fact_row(i: int, fact: Fact) -> str:
    cells = []
    for name in FACT_COLUMNS:
        value = getattr(fact, name)
        text = "" if value is None else html.escape(str(value))
        cells.append(f'<a href="#f{i}">{text}</a>' if name == "text" else text)
    return f'<tr><td>{i + 1}</td>{"".join(f"<td>{c}</td>" for c in cells)}</tr>'


def _body(text: str, facts: tuple[Fact, ...]) -> str:
    """The text marked up, its serialised tables drawn as HTML tables."""
    numbered = list(enumerate(facts))
    out: list[str] = []
    pos = 0
    for table in find_tables(text):
        out.append(_marked_text(text, pos, table.start, numbered))
        out.append(_table(text, table, numbered))
        pos = table.end + (text[table.end:table.end + 1] == "\n")  # the table is a block
    out.append(_marked_text(text, pos, len(text), numbered))
    return "".join(out)


def _table(text: str, table: Table, facts: list[tuple[int, Fact]]) -> str:
    def row(cells: TableRow, tag: str) -> str:
        return "<tr>" + "".join(
            f"<{tag}>{_marked_text(text, c.start, c.end, facts)}</{tag}>" for c in cells.cells
        ) + "</tr>"

    head = "".join(row(r, "th") for r in table.header_rows)
    body = "".join(row(r, "td") for r in table.rows)
    return f'<table class="grid"><thead>{head}</thead><tbody>{body}</tbody></table>'


def _marked_text(text: str, lo: int, hi: int, facts: list[tuple[int, Fact]]) -> str:
    """The escaped ``text[lo:hi]`` with a ``<mark>`` per fact inside it, inside a
    ``.sentence`` span per sentence.

    Elements must nest: a sentence that would cross a fact is left unshaded, and a fact
    that crosses another fact is listed in the table only.
    """
    inside = [(i, f) for i, f in facts if lo <= f.start and f.end <= hi]
    spans = [(f.start, f.end, 1, i) for i, f in inside]
    sentences = {sentence_span(text, f.start, f.end) for _, f in inside}
    spans += [
        (s, e, 0, -1) for s, e in sorted(sentences)
        if lo <= s and e <= hi
        and not any(s < f.start < e < f.end or f.start < s < f.end < e for _, f in inside)
    ]
    out: list[str] = []
    pos = lo
    open_ends: list[int] = []  # ends of the open elements, innermost last
    closers: list[str] = []
    # Outer elements first: by start, longer first, sentences before the facts they hold.
    for start, end, kind, i in sorted(spans, key=lambda s: (s[0], -s[1], s[2])):
        while open_ends and open_ends[-1] <= start:
            out.append(html.escape(text[pos:open_ends[-1]]))
            pos = open_ends.pop()
            out.append(closers.pop())
        if open_ends and end > open_ends[-1]:
            continue
        out.append(html.escape(text[pos:start]))
        pos = start
        if kind == 0:
            out.append('<span class="sentence">')
            closers.append("</span>")
        else:
            out.append(f'<mark id="f{i}" data-fact="{i}">')
            closers.append("</mark>")
        open_ends.append(end)
    while open_ends:
        out.append(html.escape(text[pos:open_ends[-1]]))
        pos = open_ends.pop()
        out.append(closers.pop())
    out.append(html.escape(text[pos:hi]))
    return "".join(out)
