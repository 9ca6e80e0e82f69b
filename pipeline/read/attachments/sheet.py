"""A worksheet as text: lines of prose and the tables among them.

A bulletin laid out in a spreadsheet puts its title, cover note and sign-off in rows with one
(often merged) cell, and its task table in rows with several. So: runs of rows with two or
more filled cells are a table, and a one-cell row between two such rows stays in it (a
group row, ``一、扩大有效投资`` across all columns); every other one-cell row is a paragraph,
and an empty row ends a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from pipeline.read.attachments.text import Block
from pipeline.read.grid import Cell, resolve


@dataclass(frozen=True)
class Merge:
    """A merged range, 0-based and inclusive."""

    top: int
    left: int
    bottom: int
    right: int


def cell_text(value: object, number_format: str = "General") -> str:
    """A cell value as printed: whole numbers without ``.0``, percentages as percentages,
    dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float):
        if "%" in number_format:
            return _number(value * 100) + "%"
        return _number(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return repr(round(float(value), 10))


def sheet_blocks(values: Sequence[Sequence[str]], merges: Sequence[Merge],
                 bold_rows: frozenset[int] = frozenset()) -> list[Block]:
    """``values[r][c]`` as shown (a merged range's text in its top-left cell only)."""
    filled = [sum(1 for v in row if v) for row in values]
    tabular = [n >= 2 for n in filled]
    blocks: list[Block] = []
    r = 0
    while r < len(values):
        if not tabular[r]:
            if filled[r]:
                blocks.append(" ".join(v for v in values[r] if v))
            r += 1
            continue
        end = r
        nxt = r + 1
        while nxt < len(values) and filled[nxt]:
            if tabular[nxt]:
                end = nxt
            nxt += 1
            if nxt < len(values) and not filled[nxt]:
                break
        blocks.append(_table(values, merges, bold_rows, r, end))
        r = end + 1
    return blocks


def _table(values: Sequence[Sequence[str]], merges: Sequence[Merge], bold_rows: frozenset[int],
           top: int, bottom: int) -> Block:
    cols = [c for r in range(top, bottom + 1) for c, v in enumerate(values[r]) if v]
    left, right = min(cols), max(cols)
    for m in merges:  # a merged heading may reach past the last filled column
        if top <= m.top <= bottom and left <= m.left <= right:
            right = max(right, m.right)
    anchors = {(m.top, m.left): m for m in merges}
    covered = {(r, c) for m in merges for r in range(m.top, m.bottom + 1)
               for c in range(m.left, m.right + 1)} - set(anchors)
    header = 0
    while top + header <= bottom and top + header in bold_rows:
        header += 1
    if top + header > bottom:
        header = 0
    rows = []
    for r in range(top, bottom + 1):
        row = []
        for c in range(left, right + 1):
            if (r, c) in covered:
                continue
            text = values[r][c] if c < len(values[r]) else ""
            anchor = anchors.get((r, c))
            rowspan = min(anchor.bottom, bottom) - r + 1 if anchor else 1
            colspan = min(anchor.right, right) - c + 1 if anchor else 1
            row.append(Cell(text, rowspan=rowspan, colspan=colspan, header=r - top < header))
        rows.append(row)
    return resolve(rows)
