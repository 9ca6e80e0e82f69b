#!/usr/bin/env python3
"""Render the bulletin models in this folder as .docx, .xlsx and .pdf attachments.

Usage:
    python make_attachments.py OUTDIR [MODEL.json ...]

Each model `<stem>.json` becomes OUTDIR/<stem>.docx, OUTDIR/<stem>.xlsx and OUTDIR/<stem>.pdf;
the stem is the gold file's stem, so one gold file (../gold/<stem>.json) scores all three
renderings and the HTML page in ../docs/.

Model fields:
    title, publisher, published        strings (published is ISO; the text carries it in `signoff`)
    header_paragraphs                  paragraphs before the table
    table_caption                      a line above the table (or null)
    table_note                         a unit note such as "单位：万元" above the header (or null)
    header_rows                        list of header rows; a cell "<" is merged into its left
                                       neighbour (colspan), "^" into the cell above (rowspan)
    rows                               data rows, lists of cell strings; "^" = merged into the
                                       cell above (e.g. one 牵头单位 for several tasks);
                                       "\n" inside a cell = line break / new paragraph
    closing_paragraphs                 paragraphs after the table
    signoff                            closing lines (issuer, date)

Needs python-docx, openpyxl and fpdf2, and a CJK TrueType font (found with fc-list; e.g.
`apt-get install fonts-wqy-microhei`).
"""
from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
NUMERIC = re.compile(r"^-?\d+(\.\d+)?$")


# ---------------------------------------------------------------- grid helpers
def spans(rows):
    """For a grid with "<" / "^" markers, return {(r, c): (rowspan, colspan)} for anchor cells
    and the set of covered positions."""
    anchors, covered = {}, set()
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell in ("<", "^"):
                covered.add((r, c))
                continue
            cs = 1
            while c + cs < len(row) and row[c + cs] == "<":
                cs += 1
            rs = 1
            while r + rs < len(rows) and rows[r + rs][c] == "^":
                rs += 1
            anchors[(r, c)] = (rs, cs)
    return anchors, covered


def ncols(model):
    return max(len(r) for r in model["header_rows"] + model["rows"])


# ---------------------------------------------------------------- fonts
def cjk_font() -> tuple[str, int]:
    out = subprocess.run(["fc-list", ":lang=zh", "file", "index"], capture_output=True,
                         text=True).stdout
    cands = []
    for line in out.splitlines():
        m = re.match(r"(.+?):\s*:?(?:index=(\d+))?", line.strip())
        if not m:
            continue
        path, idx = m.group(1).rstrip(":"), int(m.group(2) or 0)
        if path.lower().endswith((".ttf", ".ttc", ".otf")):
            cands.append((path, idx))
    if not cands:
        sys.exit("no CJK font found by fc-list; try: apt-get install -y fonts-wqy-microhei")
    # prefer WenQuanYi / Noto Sans CJK regular, first face of a collection
    cands.sort(key=lambda p: (("wqy" not in p[0].lower() and "noto" not in p[0].lower()),
                              "bold" in p[0].lower(), p[1]))
    return cands[0]


# ---------------------------------------------------------------- docx
def to_docx(model, path):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    st = doc.styles["Normal"]
    st.font.name = "仿宋_GB2312"
    st.font.size = Pt(11)
    st.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋_GB2312")

    t = doc.add_paragraph()
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = t.add_run(model["title"])
    run.bold = True
    run.font.size = Pt(16)
    for p in model["header_paragraphs"]:
        doc.add_paragraph(p)
    if model.get("table_caption"):
        cp = doc.add_paragraph()
        cp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cp.add_run(model["table_caption"]).bold = True
    if model.get("table_note"):
        npara = doc.add_paragraph(model["table_note"])
        npara.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    grid = model["header_rows"] + model["rows"]
    nh = len(model["header_rows"])
    table = doc.add_table(rows=len(grid), cols=ncols(model))
    table.style = "Table Grid"
    anchors, _covered = spans(grid)
    for (r, c), (rs, cs) in anchors.items():
        cell = table.cell(r, c)
        if rs > 1 or cs > 1:
            cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
        lines = grid[r][c].split("\n")
        cell.paragraphs[0].text = ""
        first = cell.paragraphs[0]
        for i, line in enumerate(lines):
            para = first if i == 0 else cell.add_paragraph()
            rn = para.add_run(line)
            if r < nh:
                rn.bold = True
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for p in model["closing_paragraphs"]:
        doc.add_paragraph(p)
    for line in model.get("signoff", []):
        sp = doc.add_paragraph(line)
        sp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.core_properties.title = model["title"]
    doc.save(path)


# ---------------------------------------------------------------- xlsx
def to_xlsx(model, path):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "推进情况表"
    n = ncols(model)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")

    r0 = 1
    ws.cell(r0, 1, model["title"]).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=r0, start_column=1, end_row=r0, end_column=n)
    ws.cell(r0, 1).alignment = Alignment(horizontal="center")
    r0 += 1
    for p in model["header_paragraphs"]:
        ws.cell(r0, 1, p).alignment = wrap
        ws.merge_cells(start_row=r0, start_column=1, end_row=r0, end_column=n)
        ws.row_dimensions[r0].height = 48
        r0 += 1
    if model.get("table_caption"):
        ws.cell(r0, 1, model["table_caption"]).font = Font(bold=True)
        ws.merge_cells(start_row=r0, start_column=1, end_row=r0, end_column=n)
        r0 += 1
    if model.get("table_note"):
        ws.cell(r0, 1, model["table_note"]).alignment = Alignment(horizontal="right")
        ws.merge_cells(start_row=r0, start_column=1, end_row=r0, end_column=n)
        r0 += 1

    grid = model["header_rows"] + model["rows"]
    nh = len(model["header_rows"])
    anchors, _covered = spans(grid)
    for (r, c), (rs, cs) in anchors.items():
        text = grid[r][c]
        value = text
        if r >= nh and NUMERIC.match(text or ""):
            value = float(text) if "." in text else int(text)
        cell = ws.cell(r0 + r, c + 1, value if value != "" else None)
        cell.alignment = wrap
        if r < nh:
            cell.font = Font(bold=True)
        if rs > 1 or cs > 1:
            ws.merge_cells(start_row=r0 + r, start_column=c + 1,
                           end_row=r0 + r + rs - 1, end_column=c + cs)
    for r in range(len(grid)):
        for c in range(n):
            ws.cell(r0 + r, c + 1).border = box
    widths = [6] + [28] * (n - 1)
    for c, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    r = r0 + len(grid)
    for p in model["closing_paragraphs"] + model.get("signoff", []):
        ws.cell(r, 1, p)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
        r += 1
    wb.properties.title = model["title"]
    wb.save(path)


# ---------------------------------------------------------------- pdf
TOKEN = re.compile(r"-?[0-9][0-9.,]*(?:%|[万亿]?[^\s0-9，。；、：（）“”]{0,2})?|.", re.S)


def prewrap(pdf, text, width):
    """Break text into lines that fit `width`, never inside a number or between a number and
    the measure word after it (fpdf2 would otherwise break CJK text at any character)."""
    out = []
    for para in text.split("\n"):
        line = ""
        for tok in TOKEN.findall(para):
            if line and pdf.get_string_width(line + tok) > width:
                out.append(line)
                line = tok.lstrip()
            else:
                line += tok
        out.append(line)
    return "\n".join(out)


def to_pdf(model, path):
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    font, index = cjk_font()
    n = ncols(model)
    pdf = FPDF(orientation="L" if n > 5 else "P", unit="mm", format="A4")
    pdf.add_font("cjk", "", font, collection_font_number=index)
    pdf.set_title(model["title"])
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    w = pdf.epw
    pdf.set_font("cjk", size=15)
    pdf.multi_cell(w, 9, model["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("cjk", size=10.5)
    for p in model["header_paragraphs"]:
        pdf.multi_cell(w, 6, "　　" + p, new_x="LMARGIN", new_y="NEXT")
    if model.get("table_caption"):
        pdf.ln(2)
        pdf.multi_cell(w, 7, model["table_caption"], align="C", new_x="LMARGIN", new_y="NEXT")
    if model.get("table_note"):
        pdf.multi_cell(w, 6, model["table_note"], align="R", new_x="LMARGIN", new_y="NEXT")

    grid = model["header_rows"] + model["rows"]
    nh = len(model["header_rows"])
    anchors, covered = spans(grid)
    # column widths: short columns (序号, 单位, status words, numbers) get their natural width,
    # long text columns share the rest in proportion to their longest cell
    pdf.set_font("cjk", size=9)
    natural, lens = [], []
    for c in range(n):
        texts = [row[c] for row in grid[nh:] if c < len(row) and row[c] not in ("<", "^")]
        heads = [row[c] for row in grid[:nh] if c < len(row) and row[c] not in ("<", "^")]
        natural.append(max([pdf.get_string_width(t) for t in texts + heads] or [10]) + 5)
        lens.append(max((len(t) for t in texts), default=2))
    fixed = {c: natural[c] for c in range(n) if natural[c] <= 30}
    rest = w - sum(fixed.values())
    flex = {c: min(max(lens[c], 6), 40) for c in range(n) if c not in fixed}
    total = sum(flex.values()) or 1
    col_widths = tuple(fixed[c] if c in fixed else rest * flex[c] / total for c in range(n))
    with pdf.table(col_widths=col_widths, num_heading_rows=nh, line_height=5,
                   text_align="LEFT", borders_layout="ALL",
                   headings_style=FontFace(emphasis=None)) as table:
        for r, row in enumerate(grid):
            trow = table.row()
            for c in range(len(row)):
                if (r, c) in covered:
                    continue
                rs, cs = anchors[(r, c)]
                cw = sum(col_widths[c:c + cs]) - 4
                trow.cell(prewrap(pdf, row[c], cw), rowspan=rs, colspan=cs,
                          align="CENTER" if r < nh else None)
    pdf.ln(3)
    pdf.set_font("cjk", size=10.5)
    for p in model["closing_paragraphs"]:
        pdf.multi_cell(w, 6, "　　" + p, new_x="LMARGIN", new_y="NEXT")
    for line in model.get("signoff", []):
        pdf.multi_cell(w, 6, line, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    out = pathlib.Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    models = [pathlib.Path(a) for a in argv[1:]] or sorted(HERE.glob("*.json"))
    for m in models:
        model = json.loads(m.read_text(encoding="utf-8"))
        stem = m.stem
        to_docx(model, out / f"{stem}.docx")
        to_xlsx(model, out / f"{stem}.xlsx")
        to_pdf(model, out / f"{stem}.pdf")
        print(f"{stem}: docx xlsx pdf -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
