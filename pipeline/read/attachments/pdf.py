"""PDF with a text layer, through pdfplumber (pdfminer.six underneath): tables found by their
ruling lines become grids, the text around them paragraphs, in reading order.

A PDF holds placed glyphs, not paragraphs: a line ends where the writer wrapped it. Lines are
joined back into a paragraph unless the layout says one ends there: the next line is
indented or set apart, or this one stops well short of the right edge. A table a page break
cut in two (the writer repeating its heading rows) is joined back into one.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.table import Table
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.read.attachments.limits import MAX_PDF_PAGES
from pipeline.read.attachments.sniff import NotReadable
from pipeline.read.attachments.text import AttachmentText, Block, blocks_to_text, join_wrapped
from pipeline.read.grid import Cell, Grid, resolve

# Reading stops after this long and keeps what it has (a pathological page can take minutes).
MAX_SECONDS = 60.0
# Ruling lines of one edge drawn a little apart (double borders, rounding) are one edge.
EDGE_SNAP = 2.0
# A line starting this many character widths right of the margin is indented or centred,
# and one ending this far short of the right edge ends its paragraph.
INDENT_CHARS = 1.5
SHORT_CHARS = 2.0
GAP_LINES = 1.0  # extra vertical space, in line heights, that sets a paragraph apart
# A footer or header line holding only a page number: `- 3 -`, `— 3 —`, `第3页 共5页`, `3/5`.
PAGE_NUMBER = re.compile(r"[-—–\s]*\d{1,4}[-—–\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
                         r"|\d+\s*/\s*\d+")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class _Reader:
    """Paragraph state carried across pages: a paragraph may run on to the next page."""

    blocks: list[Block] = field(default_factory=list)
    open: list[_Line] = field(default_factory=list)
    table_open: bool = False  # the last block is a table nothing has followed yet

    def line(self, line: _Line, left: float, right: float) -> None:
        size = max(line.bottom - line.top, 1.0)
        prev = self.open[-1] if self.open else None
        starts = line.x0 - left > INDENT_CHARS * size
        if prev is not None and (starts or right - prev.x1 > SHORT_CHARS * size
                                 or (line.top > prev.top
                                     and line.top - prev.bottom > GAP_LINES * size)):
            self.flush()
        self.open.append(line)
        self.table_open = False

    def flush(self) -> None:
        if self.open:
            self.blocks.append(join_wrapped(line.text for line in self.open))
            self.open = []

    def table(self, grid: Grid) -> None:
        self.flush()
        last = self.blocks[-1] if self.blocks else None
        if self.table_open and isinstance(last, Grid) and _width(last) == _width(grid):
            self.blocks[-1] = _continue(last, grid)
        else:
            self.blocks.append(grid)
        self.table_open = True


def read_pdf(content: bytes) -> AttachmentText:
    max_pages, max_seconds = MAX_PDF_PAGES, MAX_SECONDS
    try:
        pdf = pdfplumber.open(io.BytesIO(content))
    except (PdfminerException, PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise NotReadable(_open_failure(exc)) from None
    warnings: list[str] = []
    reader = _Reader()
    chars = 0
    started = time.monotonic()
    with pdf:
        title = (pdf.metadata.get("Title") or "").strip() if isinstance(pdf.metadata, dict) else ""
        pages = pdf.pages
        if len(pages) > max_pages:
            warnings.append(f"the PDF has {len(pages)} pages: only the first {max_pages} were "
                            "read (no progress bulletin runs that long; split the file to "
                            "read the rest)")
        for number, page in enumerate(pages[:max_pages], 1):
            if number > 1 and time.monotonic() - started > max_seconds:
                warnings.append(f"reading the PDF took over {max_seconds:.0f} s: stopped after "
                                f"page {number - 1} of {len(pages)}")
                break
            chars += len(page.chars)
            _page(page, reader)
            page.close()
    reader.flush()
    if not chars:
        raise NotReadable("a PDF with no text layer (scanned images): run OCR on it (e.g. "
                          "`ocrmypdf`) and pass the result")
    return AttachmentText(blocks_to_text(reader.blocks), title if isinstance(title, str)
                          and title else None, tuple(warnings))


def _open_failure(exc: Exception) -> str:
    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
        return ("an encrypted (password-protected) PDF: open it with the password, save an "
                "unprotected copy and pass that")
    return (f"a PDF that cannot be parsed ({type(cause).__name__}: {cause}): the file is "
            "corrupt or truncated; download it again")


def _page(page, reader: _Reader) -> None:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    lines = [_Line(line["text"], line["x0"], line["x1"], line["top"], line["bottom"])
             for line in page.filter(outside).extract_text_lines(return_chars=False)]
    lines = [line for line in lines if not PAGE_NUMBER.fullmatch(line.text.strip())]
    left = min((line.x0 for line in lines), default=0.0)
    right = max((line.x1 for line in lines), default=page.width)
    # At the same height a table goes before a line (0 before 1).
    items: list[tuple[float, int, _Line | Table]] = [(line.top, 1, line) for line in lines]
    items += [(t.bbox[1], 0, t) for t in tables]
    for _top, _order, item in sorted(items, key=lambda it: (it[0], it[1])):
        if isinstance(item, _Line):
            reader.line(item, left, right)
        else:
            reader.table(_grid(page, item))


def _grid(page, table) -> Grid:
    """Cells from the ruling lines: a cell spans the columns and rows whose edges it crosses."""
    cells = table.cells
    xs = _snap(sorted({c[0] for c in cells} | {c[2] for c in cells}))
    ys = _snap(sorted({c[1] for c in cells} | {c[3] for c in cells}))
    placed: dict[int, list[tuple[int, Cell]]] = {}
    for x0, top, x1, bottom in cells:
        col, row = _index(xs, x0), _index(ys, top)
        colspan = max(_index(xs, x1) - col, 1)
        rowspan = max(_index(ys, bottom) - row, 1)
        region = page.crop((x0, top, x1, bottom), strict=False)
        text = join_wrapped(line["text"] for line in region.extract_text_lines(return_chars=False))
        placed.setdefault(row, []).append((col, Cell(text, rowspan=rowspan, colspan=colspan)))
    rows = [[cell for _col, cell in sorted(placed.get(r, []), key=lambda p: p[0])]
            for r in range(len(ys) - 1)]
    return resolve(rows)


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in values:
        if not out or v - out[-1] > EDGE_SNAP:
            out.append(v)
    return out


def _index(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def _width(grid: Grid) -> int:
    return len(grid.rows[0]) if grid.rows else 0


def _continue(first: Grid, rest: Grid) -> Grid:
    """One table from two pages: the second's repeated heading rows left out."""
    rows = rest.rows
    head = first.rows[: max(first.header_rows, 1)]
    if rows[: len(head)] == head:
        rows = rows[len(head):]
    return Grid(first.rows + rows, first.header_rows)
