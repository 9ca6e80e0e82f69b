"""Word .docx/.docm: paragraphs and tables in document order, merged cells as spans.

Read through python-docx's package and XML layer rather than its ``Document`` object: the
latter refuses macro-enabled .docm files, whose text is as readable (macros never run), and
repeats a merged cell in every grid position it covers, where a span is wanted.
"""

from __future__ import annotations

import io

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import OpcPackage
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from pipeline.read.attachments.text import AttachmentText, Block, blocks_to_text
from pipeline.read.grid import Cell, Grid, resolve

# Containers whose children are body content in order (content controls, inserted runs).
TRANSPARENT = (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"))


def read_docx(content: bytes) -> AttachmentText:
    package = OpcPackage.open(io.BytesIO(content))
    main = package.part_related_by(RT.OFFICE_DOCUMENT)
    body = parse_xml(main.blob).find(qn("w:body"))
    blocks = list(_blocks(body)) if body is not None else []
    title = package.core_properties.title or None
    return AttachmentText(blocks_to_text(blocks), title.strip() if title else None)


def _blocks(parent) -> list[Block]:
    out: list[Block] = []
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            out.append(child.text or "")
        elif child.tag == qn("w:tbl"):
            out.append(_grid(child))
        elif child.tag in TRANSPARENT:
            out.extend(_blocks(child))
    return out


def _grid(tbl) -> Grid:
    """The table's cells with spans: ``gridSpan`` is a colspan; a ``vMerge`` run of cells in
    one grid column (restart, continue, continue…) is one cell with a rowspan."""
    rows = tbl.findall(qn("w:tr"))
    layout = [list(_row_cells(tr)) for tr in rows]
    header_rows = _header_rows(rows)
    table: list[list[Cell]] = []
    for r, row in enumerate(layout):
        cells = []
        for col, tc, span, merge in row:
            if merge == "continue":
                continue  # covered by the restart cell above
            rowspan = 1
            if merge == "restart":
                while r + rowspan < len(layout) and _continues(layout[r + rowspan], col):
                    rowspan += 1
            cells.append(Cell(_cell_text(tc), rowspan=rowspan, colspan=span,
                              header=r < header_rows))
        table.append(cells)
    return resolve(table)


def _row_cells(tr):
    """(grid column, cell, colspan, vMerge) for each cell of a row, after ``gridBefore``."""
    before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
    col = int(before.get(qn("w:val"), 0)) if before is not None else 0
    for tc in tr.findall(qn("w:tc")):
        span = tc.grid_span
        merge = tc.vMerge
        yield col, tc, span, merge
        col += span


def _continues(row, col: int) -> bool:
    return any(c == col and merge == "continue" for c, _tc, _span, merge in row)


def _cell_text(tc) -> str:
    """A cell's paragraphs (and any table nested in it) as lines of one cell."""
    lines = []
    for block in _blocks(tc):
        lines.append(block if isinstance(block, str) else blocks_to_text([block]))
    return "\n".join(line for line in lines if line.strip())


def _header_rows(rows) -> int:
    """Leading rows Word marks as repeating heading rows (``tblHeader``), or else leading rows
    whose text is all bold: how Word tables set their column headings apart."""
    count = 0
    for tr in rows:
        if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None or _all_bold(tr):
            count += 1
        else:
            break
    return count if count < len(rows) else 0


def _all_bold(tr) -> bool:
    runs = [r for r in tr.iter(qn("w:r")) if (r.findtext(qn("w:t")) or "").strip()]
    if not runs:
        return False
    for run in runs:
        bold = run.find(f"{qn('w:rPr')}/{qn('w:b')}")
        if bold is None or bold.get(qn("w:val"), "true") in ("0", "false"):
            return False
    return True
