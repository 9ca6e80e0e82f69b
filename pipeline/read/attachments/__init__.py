"""Attachments: .docx, .xlsx/.xls, .pdf and .doc/.wps read into the text convention of an
HTML page (paragraphs as lines, tables through ``pipeline.read.grid``), so the rest of the
pipeline reads them as it reads a page.

``read_attachment`` checks the container's limits first, then runs the format's reader;
every failure is a ``NotReadable`` whose message names the reason and what to do.
"""

from __future__ import annotations

import zipfile
from dataclasses import replace

from pipeline.read.attachments import sniff
from pipeline.read.attachments.limits import MACRO_WARNING, check_zip
from pipeline.read.attachments.sniff import NotReadable
from pipeline.read.attachments.text import AttachmentText

__all__ = ["AttachmentText", "NotReadable", "read_attachment", "sniff"]


def read_attachment(content: bytes, kind: str) -> AttachmentText:
    """The text of an attachment whose bytes ``sniff`` found to be ``kind``."""
    warnings: tuple[str, ...] = ()
    try:
        if kind in (sniff.DOCX, sniff.XLSX):
            warnings = check_zip(content)
        elif kind in (sniff.DOC, sniff.XLS) and sniff.has_ole_macros(content):
            warnings = (MACRO_WARNING.format("a VBA project"),)
        found = _reader(kind)(content)
    except NotReadable:
        raise
    except (zipfile.BadZipFile, KeyError, EOFError) as exc:
        raise NotReadable(f"a .{kind} file that cannot be read ({type(exc).__name__}: "
                          f"{_first_line(exc)}): the file is corrupt or truncated; download "
                          "it again") from None
    except Exception as exc:  # each library fails in its own ways on damaged files
        raise NotReadable(f"a .{kind} file its reader failed on ({type(exc).__name__}: "
                          f"{_first_line(exc)}): the file may be corrupt; open and re-save "
                          "it, or convert it to .docx/.xlsx") from None
    if not found.text.strip():
        raise NotReadable(f"a .{kind} file holding no text: check it is the bulletin")
    return replace(found, warnings=warnings + found.warnings)


def _reader(kind: str):
    # Imported on demand: each library costs start-up time the text path never needs.
    if kind == sniff.DOCX:
        from pipeline.read.attachments.docx import read_docx
        return read_docx
    if kind == sniff.XLSX:
        from pipeline.read.attachments.xlsx import read_xlsx
        return read_xlsx
    if kind == sniff.XLS:
        from pipeline.read.attachments.xls import read_xls
        return read_xls
    if kind == sniff.PDF:
        from pipeline.read.attachments.pdf import read_pdf
        return read_pdf
    from pipeline.read.attachments.legacy import read_doc
    return read_doc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
