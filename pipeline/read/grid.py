"""Tables as text: one grid model for every format, serialised one row per line.

Every reader (HTML, .docx, .xlsx, .pdf) turns a table into a ``Grid`` of cell texts with
spans resolved, and ``serialise`` writes it into the document's text as one line per row,
cells in column order joined by ``SEPARATOR``. Offsets therefore keep their meaning
(``text[start:end]`` is a count inside a cell), and the table reader finds a table again
in the normalised text by its separator, whatever format it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Spaces around the bar keep a cell's last character and the next cell's first apart for
# the count grammar (`12个 | 3.42`); NFKC leaves it as it is.
SEPARATOR = " | "
# A bar inside a cell would split it in two when the table is read back.
CELL_BAR = "|"
CELL_BAR_STANDIN = "/"


@dataclass(frozen=True)
class Cell:
    """One cell as printed, with the rows and columns it spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False  # <th>, or a row the source marks as a heading row


@dataclass(frozen=True)
class Grid:
    """A table with spans resolved: every row has one text per column.

    A header cell that spans columns or rows repeats its label in each (it names every
    column under it); a data cell that spans rows appears once, in its first row, and the
    rows below hold an empty cell in its column, so no count is read twice.
    """

    rows: tuple[tuple[str, ...], ...]
    header_rows: int = 0  # leading rows the source marked as headings; 0: unknown


def resolve(rows: Sequence[Sequence[Cell]]) -> Grid:
    """Place every cell in its row and column, honouring rowspan and colspan."""
    placed: dict[tuple[int, int], str] = {}
    width = 0
    header_rows = 0
    all_header = True
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in placed:
                c += 1
            for dr in range(max(cell.rowspan, 1)):
                for dc in range(max(cell.colspan, 1)):
                    repeat = cell.header or (dr == 0 and dc == 0)
                    placed[(r + dr, c + dc)] = cell.text if repeat else ""
            c += max(cell.colspan, 1)
            width = max(width, c)
        if all_header and row and all(cell.header for cell in row):
            header_rows = r + 1
        else:
            all_header = False
    height = max((r for r, _ in placed), default=-1) + 1
    grid = tuple(tuple(placed.get((r, c), "") for c in range(width)) for r in range(height))
    return Grid(grid, header_rows)


def serialise(grid: Grid) -> str:
    """The table's lines: cells joined by ``SEPARATOR``, line breaks inside a cell made
    spaces; an all-empty row is left out."""
    lines = []
    for row in grid.rows:
        cells = [" ".join(text.replace(CELL_BAR, CELL_BAR_STANDIN).split()) for text in row]
        if any(cells):
            lines.append(SEPARATOR.join(cells))
    return "\n".join(lines)
