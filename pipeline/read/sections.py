"""Split a bulletin's text into its numbered sections (task headings), with nesting and status.

Bulletins number their headings ``一、`` > ``(一)`` > ``第一项`` > ``1.``/``1、``/``99.`` >
``(1)``, but crawlers flatten them into one line and prose is full of look-alikes
(``2.6万``, ``2017-2019年``, ``一、二、三产业``). So every marker found by pattern is only a
candidate; it becomes a heading only when it is plausible where it stands:

* it stands at a line start or right after a sentence end, or it is the first child glued
  onto its parent's short title (``(一)保护优先进一步加强1.自然资源…``);
* its number continues its siblings (n+1), or opens a new child list at 1, or, for the
  global task IDs of a decomposition plan (``99.`` ``146.`` ``148.``), increases at a line
  start or where its one-sentence title is followed by a progress label (``完成情况:``).

Levels are the styles the document uses, outermost first; a path joins the numbers of
the enclosing headings. Numbered lists under ``附件:`` name attachments and are no sections.

Tables serialised into the text (grid.py) are no prose: markers inside their cells are not
headings; tables.py makes a task table's rows sections, nested under the prose heading
that holds the table.

Input is NFKC-normalised text with the page chrome stripped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from extractors.numerals import whole_number
from pipeline.read.status import PROGRESS_LABELS, find_status
from pipeline.read.tables import Table, find_tables, table_sections
from pipeline.records import Section

_CN = "一二三四五六七八九十"

# Each style with its canonical rank, outermost first (GUIDE.md "Sections"). Arabic `1.`
# and `1、` are one style: documents use either at the same depth.
STYLE_RANKS = {"cn": 0, "cn_paren": 1, "ordinal": 2, "arabic": 3, "arabic_paren": 4}

MARKER_STYLES = (
    # 一、  — not the tail of a longer numeral or of 第一、/统一、 look-alikes.
    rf"(?<![{_CN}百千万零〇两第])(?P<cn>[{_CN}]{{1,3}})、"
    # (一)
    rf"|\(\s*(?P<cn_paren>[{_CN}]{{1,3}})\s*\)"
    # 第一项 / 第3项 — only with a separator, so `第一项任务` in prose is no heading.
    rf"|第(?P<ordinal>[{_CN}]{{1,3}}|\d{{1,3}})项(?:\s*[:、.]|\s+)"
    # 1. 1、 99. — not part of 1,100.76, V1.2, PM2.5, @163.com, 1/3, 5+2, 3-5.
    r"|(?<![0-9A-Za-z.,@/+\-~%])(?P<arabic>\d{1,3})(?:\.(?![A-Za-z])|、)"
    # (1)
    r"|\(\s*(?P<arabic_paren>\d{1,2})\s*\)"
)
# Every style's first character. Without this look-ahead re tries all five styles, their
# look-behinds first, at every position of the text; with it, one test rejects most
# positions (3x faster over a bulletin), and the matches are the same.
MARKER_FIRST = rf"[{_CN}(第\d]"
MARKER = re.compile(rf"(?={MARKER_FIRST})(?:{MARKER_STYLES})")

# Where a heading may start without being glued onto a parent's title: a flattened line
# break (whitespace) or the end of a sentence, clause or bracketed remark.
BOUNDARY_CHARS = "。;:!?)】"

# A first child glued onto its parent's title must follow within a title's length.
GLUED_TITLE_MAX = 40
# Task titles quote the government work report: one sentence, rarely over 120 characters.
TASK_TITLE_MAX = 120
TITLE_STOPS = "。;!?"
# Title ends before a label colon, a line break, or a flattened paragraph break (space).
TITLE_BREAK = r"[:\s]|[一二三四五六七八九十]是"
TITLE_STOP_OR_BREAK = re.compile(rf"[{TITLE_STOPS}]|{TITLE_BREAK}")

# `一、二、三产业`, `二、三级市场`, `1、2、3月份`, `1、2号楼`: enumerations, not headings.
ENUMERATION_AFTER = {
    "cn": re.compile(rf"[{_CN}]+(?:、|产|级|类|等|线|期)"),
    "arabic": re.compile(r"\d{1,3}(?:、|,|号|月|至|-|~)"),
}
# `附件:1.…2.…`: a list of attachment names; once it starts, the bulletin's own
# numbering is over, and what follows is attachment content (tables, sign-off).
ATTACHMENT_LABEL = re.compile(r"(?=附)(?:^|(?<=[\s。;!?]))附[件表]\s*\d{0,2}\s*:")  # (?=: as MARKER
ATTACHMENT_LIST_HEAD = re.compile(r"附[件表]\s*\d{0,2}\s*:\s*$")
# A task heading of a type-A bulletin: one sentence, then its progress label. This is what
# lets sparse task IDs (`。146.出台…。完成情况:…`) through where line breaks were lost.
TASK_HEADING = re.compile(rf"[^。\n]{{1,{TASK_TITLE_MAX}}}。\s*(?:{'|'.join(PROGRESS_LABELS)})\s*:")


class _Candidate(NamedTuple):
    # A tuple, not a frozen dataclass: a bulletin has tens of candidates, and a frozen
    # dataclass sets each field through object.__setattr__.
    start: int
    title_start: int
    style: str
    no: int
    decimal_like: bool
    rank: int  # STYLE_RANKS[style]


@dataclass(slots=True)
class _Heading:
    """An accepted heading and, per numbering style, the state of its list of children."""

    cand: _Candidate
    path: str
    # Where the next heading of the same or an outer style starts; the text's end until one
    # is accepted.
    end: int
    last_child: dict[str, int] = field(default_factory=dict)
    # Styles whose child list skips numbers (global task IDs 99, 146, 148…). Frozen and
    # replaced on the rare addition: a heading then makes no sets of its own.
    sparse: frozenset[str] = frozenset()
    # Styles whose child list is a list of attachment names, and so no sections.
    closed: frozenset[str] = frozenset()


def split_sections(text: str, tables: list[Table] | None = None) -> list[Section]:
    """The numbered sections of ``text`` in order of start, with paths, levels and status:
    prose headings, and the rows of task tables (``tables``: find_tables(text) if None)."""
    if tables is None:
        tables = find_tables(text)
    sections = _build(text, _accept(text, _candidates(text, tables)), [t.start for t in tables])
    if not tables:
        return sections  # in order already: headings are accepted in order of start
    rows: list[Section] = []
    for table in tables:
        holders = [s for s in sections if s.start <= table.start < s.end]
        parent = max(holders, key=lambda s: s.level) if holders else None
        rows.extend(table_sections(text, table, parent))
    return sorted(sections + rows, key=lambda s: s.start)


def _candidates(text: str, tables: list[Table]) -> list[_Candidate]:
    """The markers outside ``tables`` that may be headings, in order of start."""
    out = []
    for m in MARKER.finditer(text):
        start, end = m.span()
        if tables and any(t.start <= start < t.end for t in tables):
            continue
        style = m.lastgroup  # each style is one alternative with one group
        assert style is not None
        no = whole_number(m.group(style))
        if not no:  # None or 0
            continue
        enumeration = ENUMERATION_AFTER.get(style)
        # endpos, as a slice of the next 4 characters would: `一二三四五、` is no enumeration.
        # Both patterns open with a numeral (a digit by str.isdigit, which holds every \d),
        # so a marker followed by anything else, as most are, needs no match tried.
        after = text[end:end + 1]
        if (enumeration and after and (after in _CN or after.isdigit())
                and enumeration.match(text, end, end + 4)):
            continue
        # Only `N.` can be the head of a decimal (`8.3万`); `一、2022年` is a heading.
        decimal_like = text[end - 1] == "." and text[end : end + 1].isdigit()
        out.append(_Candidate(start, end, style, no, decimal_like, STYLE_RANKS[style]))
    return out


def _accept(text: str, candidates: list[_Candidate]) -> list[_Heading]:
    """Walk the candidates in order, keeping those that fit the numbering built so far, and
    end each heading where the first heading of its own or an outer style starts."""
    text_end = len(text)
    root = _Heading(_Candidate(-1, 0, "cn", 0, False, STYLE_RANKS["cn"]), "", text_end)
    open_: list[_Heading] = [root]
    accepted: list[_Heading] = []
    paths: set[str] = set()
    # Both attachment patterns need the character; most bulletins have none.
    attachment_word = "附" in text
    attachments = _attachment_start(text) if attachment_word else None
    for cand in candidates:
        if attachments is not None and cand.start >= attachments and accepted:
            break
        # The parent is the innermost open heading of an outer style. The open headings are
        # closed only when the candidate is accepted: a rejected look-alike (`2.2个百分点`
        # under `(1)`) must not close `1.`'s list and so orphan the `(2)` that follows.
        depth = len(open_)
        while depth > 1 and open_[depth - 1].cand.rank >= cand.rank:
            depth -= 1
        parent = open_[depth - 1]
        if (cand.no == 1 and attachment_word
                and ATTACHMENT_LIST_HEAD.search(text, max(0, cand.start - 12), cand.start)):
            parent.closed |= {cand.style}
            continue
        if not _plausible(text, cand, parent, accepted[-1] if accepted else None):
            continue
        path = f"{parent.path}.{cand.no}" if parent.path else str(cand.no)
        if path in paths:
            continue
        heading = _Heading(cand, path, text_end)
        if cand.no != parent.last_child.get(cand.style, 0) + 1:
            parent.sparse |= {cand.style}
        parent.last_child[cand.style] = cand.no
        paths.add(path)
        accepted.append(heading)
        for closed in open_[depth:]:
            closed.end = cand.start
        del open_[depth:]
        open_.append(heading)
    return accepted


def _plausible(text: str, cand: _Candidate, parent: _Heading, last: _Heading | None) -> bool:
    if cand.style in parent.closed:
        return False
    prev = parent.last_child.get(cand.style)
    if _is_task_id(text, cand, prev):
        # Task IDs skip numbers, but a decimal (`\n10.5%的…`) may not jump a 1, 2, 3 list.
        if not cand.decimal_like:
            return True
        return prev is not None and (cand.style in parent.sparse or cand.no == prev + 1)
    # Elsewhere `150.55个…` is a decimal, not task 150.
    if cand.decimal_like:
        return False
    if prev is not None:
        return cand.no == prev + 1 and _at_boundary(text, cand.start)
    if cand.no != 1:
        return False
    return _at_boundary(text, cand.start) or _glued_to(text, cand, parent, last)


def _is_task_id(text: str, cand: _Candidate, prev: int | None) -> bool:
    """An increasing `N.` that starts a line, or a sentence followed by its progress label."""
    if cand.style != "arabic" or cand.no <= (prev or 0):
        return False
    if _at_line_start(text, cand.start):
        return True
    return _at_boundary(text, cand.start) and TASK_HEADING.match(text, cand.title_start) is not None


def _at_line_start(text: str, pos: int) -> bool:
    """A real line break before ``pos`` (only indentation between), or the text start."""
    line_begin = text.rfind("\n", 0, pos) + 1
    return not text[line_begin:pos].strip(" \t\u3000")


def _at_boundary(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] in BOUNDARY_CHARS or text[pos - 1].isspace()


def _glued_to(text: str, cand: _Candidate, parent: _Heading, last: _Heading | None) -> bool:
    """True for `(一)保护优先进一步加强1.自然…`: a first child right after its parent's title."""
    if last is None or last is not parent:
        return False
    between = text[parent.cand.title_start : cand.start]
    return len(between) <= GLUED_TITLE_MAX and not any(c in between for c in TITLE_STOPS + "\n")


def _attachment_start(text: str) -> int | None:
    match = ATTACHMENT_LABEL.search(text)
    return match.start() if match else None


def _build(text: str, headings: list[_Heading], table_starts: list[int]) -> list[Section]:
    level_of = {rank: level
                for level, rank in enumerate(sorted({h.cand.rank for h in headings}), 1)}
    sections = []
    for i, h in enumerate(headings):
        cand = h.cand
        # A section's own text stops at its first child, so a child's marker is not its own,
        # and at a table it holds: a status in a row's cell labels the row, not the heading.
        own_end = headings[i + 1].cand.start if i + 1 < len(headings) else h.end
        if table_starts:
            own_end = min([own_end] + [t for t in table_starts if cand.start < t < own_end])
        title_start, title_end = cand.title_start, _title_end(text, cand.title_start, own_end)
        status, status_text = find_status(text, title_start, own_end)
        # The fields stored one by one into the record's dict, in the order of Section's
        # declaration, as its __init__ stores them (so instances share their keys), without
        # its call of object.__setattr__ per field: 0.6 µs against 2.7 (a fifth of _build).
        # tests/test_sections.py holds the records to their plain construction.
        section = object.__new__(Section)
        fields = section.__dict__
        fields["no"] = cand.no
        fields["path"] = h.path
        fields["level"] = level_of[cand.rank]
        fields["title"] = text[title_start:title_end].strip()
        fields["start"] = cand.start
        fields["end"] = h.end
        fields["title_start"] = title_start
        fields["title_end"] = title_end
        fields["status"] = status
        fields["status_text"] = status_text
        sections.append(section)
    return sections


def _title_end(text: str, title_start: int, limit: int) -> int:
    """End of the heading sentence: its first sentence stop (kept), else a break (dropped)."""
    pos = title_start
    while pos < limit and text[pos].isspace():
        pos += 1
    if pos < limit and text[pos] in TITLE_STOPS:
        return pos + 1
    # A break is looked for after the first character, and no character is both a stop and
    # a break: so whichever comes first decides, as if both had been searched for apart.
    found = TITLE_STOP_OR_BREAK.search(text, pos + 1, limit)
    if found is None:
        return limit
    return found.end() if text[found.start()] in TITLE_STOPS else found.start()


def own_ends(sections: Sequence[Section]) -> list[int]:
    """Where each section's own text ends: at the first start of another section inside its
    span (its first child), else at its end. By bisection in the sorted starts, not a scan
    of every section for each. Facts (``document``) and the audit's paragraphs read a
    section's own text by it."""
    starts = sorted(s.start for s in sections)
    ends = []
    for sec in sections:
        after = bisect_right(starts, sec.start)
        ends.append(starts[after] if after < len(starts) and starts[after] < sec.end
                    else sec.end)
    return ends
