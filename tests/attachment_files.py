"""Attachments written in tests with the libraries departments' tools produce the same
formats with: python-docx, openpyxl and fpdf2 with a CJK font (fc-list finds it)."""

from __future__ import annotations

import importlib.util
import io
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

HELDOUT4 = Path(__file__).parent / "heldout4"
MAKER = HELDOUT4 / "attachments" / "make_attachments.py"


def cjk_font() -> str:
    found = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                           check=False).stdout.split(":")[0].strip()
    if not found:
        pytest.skip("no CJK font: install fonts-wqy-microhei (.ci/sysdeps.sh does)")
    return found


def heldout_maker():
    """tests/heldout4/attachments/make_attachments.py as a module."""
    cjk_font()
    spec = importlib.util.spec_from_file_location("make_attachments", MAKER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None,
               title: str | None = None) -> bytes:
    from docx import Document

    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    if title:
        doc.core_properties.title = title
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on one empty worksheet
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf_bytes(lines: list[str], pages: int = 1, password: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("cjk", "", cjk_font())
    pdf.set_font("cjk", size=11)
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    for _ in range(pages):
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """A page holding only a drawing, as a scanner's image-only PDF holds no text layer."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    return bytes(pdf.output())


def with_extra_part(content: bytes, name: str, data: bytes,
                    compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A copy of an Office zip with one more part (a macro project, a bomb)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(name, data, compress_type=compression)
    return out.getvalue()
