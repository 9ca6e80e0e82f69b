"""Excel 97-2003 .xls (and Kingsoft .et, the same BIFF8 records) through xlrd; merged
ranges need its formatting pass, which also gives each cell's font for header rows."""

from __future__ import annotations

import xlrd

from pipeline.read.attachments.sheet import Merge, cell_text, sheet_blocks
from pipeline.read.attachments.text import AttachmentText, Block, blocks_to_text


def read_xls(content: bytes) -> AttachmentText:
    book = xlrd.open_workbook(file_contents=content, formatting_info=True, on_demand=True)
    try:
        blocks: list[Block] = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.visibility:
                continue  # hidden sheets hold lookup lists, not the published table
            blocks.extend(_sheet(book, sheet))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return AttachmentText(blocks_to_text(blocks))


def _sheet(book: xlrd.Book, sheet: xlrd.sheet.Sheet) -> list[Block]:
    values, bold = [], set()
    for r in range(sheet.nrows):
        row = []
        fonts = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            text = _text(book, cell)
            row.append(text)
            xf = _xf(book, cell)
            if text and xf is not None:
                fonts.append(book.font_list[xf.font_index].bold)
        values.append(row)
        if fonts and all(fonts):
            bold.add(r)
    merges = [Merge(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
    return sheet_blocks(values, merges, frozenset(bold))


def _text(book: xlrd.Book, cell: xlrd.sheet.Cell) -> str:
    if cell.ctype == xlrd.XL_CELL_DATE:
        return cell_text(xlrd.xldate.xldate_as_datetime(float(cell.value), book.datemode))
    if cell.ctype in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_TEXT):
        xf = _xf(book, cell)
        fmt = book.format_map.get(xf.format_key) if xf is not None else None
        return cell_text(cell.value, fmt.format_str if fmt else "General")
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return cell_text(bool(cell.value))
    return ""


def _xf(book: xlrd.Book, cell: xlrd.sheet.Cell) -> xlrd.formatting.XF | None:
    """The cell's formatting record; None where the book was read without formatting."""
    return book.xf_list[cell.xf_index] if cell.xf_index is not None else None
