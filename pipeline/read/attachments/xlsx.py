"""Excel .xlsx/.xlsm through openpyxl in read-only mode (rows streamed, never a whole
workbook's object model); merged ranges, which read-only worksheets do not load, are read
from each sheet's own XML. Formulas are not evaluated: the value Excel cached is read, and
macros are never run."""

from __future__ import annotations

import io
import zipfile

import openpyxl
from lxml import etree
from openpyxl.utils.cell import range_boundaries

from pipeline.read.attachments.sheet import Merge, cell_text, sheet_blocks
from pipeline.read.attachments.text import AttachmentText, Block, blocks_to_text

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MERGE_CELL = f"{{{MAIN_NS}}}mergeCell"


def read_xlsx(content: bytes) -> AttachmentText:
    archive = zipfile.ZipFile(io.BytesIO(content))
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        blocks: list[Block] = []
        for ws in book.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue  # hidden sheets hold lookup lists, not the published table
            # Read-only sheets keep their part's name only in this private attribute
            # (openpyxl/worksheet/_read_only.py), which types-openpyxl does not declare.
            part = ws._worksheet_path  # type: ignore[attr-defined]
            blocks.extend(_sheet(ws, _merges(archive, part)))
        title = book.properties.title
    finally:
        book.close()
    return AttachmentText(blocks_to_text(blocks), title.strip() if title else None)


def _sheet(ws, merges: list[Merge]) -> list[Block]:
    values: list[list[str]] = []
    bold: set[int] = set()
    for r, row in enumerate(ws.iter_rows()):
        texts = [cell_text(c.value, getattr(c, "number_format", "General") or "General")
                 for c in row]
        values.append(texts)
        fonts = [getattr(c, "font", None) for c, t in zip(row, texts, strict=True) if t]
        if fonts and all(f is not None and f.b for f in fonts):
            bold.add(r)
    return sheet_blocks(values, merges, frozenset(bold))


def _merges(archive: zipfile.ZipFile, path: str) -> list[Merge]:
    out = []
    with archive.open(path.lstrip("/")) as part:
        for _event, el in etree.iterparse(part, tag=MERGE_CELL):
            left, top, right, bottom = range_boundaries(el.get("ref", ""))
            if left is None or top is None or right is None or bottom is None:
                continue  # a whole-row or whole-column range (`A:C`) anchors no cell
            out.append(Merge(top - 1, left - 1, bottom - 1, right - 1))
            el.clear()
    return out
