"""Which attachment format a document's bytes are: magic bytes first, then what the server or
the file name says.

Bytes decide because servers label attachments loosely (``application/octet-stream``,
``.doc`` names on .docx files); the label and suffix only name what the bytes should have
been, so a file that claims a format its bytes do not start like is reported as corrupt
rather than read as text (an OLE .doc read as text is mojibake).
"""

from __future__ import annotations

import io
import zipfile

import olefile

PDF, DOCX, XLSX, DOC, XLS = "pdf", "docx", "xlsx", "doc", "xls"
FORMATS = (PDF, DOCX, XLSX, DOC, XLS)

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# PDF writers may put junk before the header; readers accept it within the first KiB.
PDF_HEADER_WINDOW = 1024
# Every complete PDF ends with this marker (ISO 32000 §7.5.5); writers may append a little
# after it, and a download cut short has none.
PDF_EOF = b"%%EOF"
PDF_TRAILER_WINDOW = 4096

# File name endings departments publish (.wps and .et are Kingsoft WPS Office's Word- and
# Excel-compatible binaries; .docm/.xlsm the macro-enabled OOXML kinds).
SUFFIXES = {
    ".pdf": PDF, ".docx": DOCX, ".docm": DOCX, ".xlsx": XLSX, ".xlsm": XLSX,
    ".doc": DOC, ".wps": DOC, ".xls": XLS, ".et": XLS,
}
# For str.endswith, which takes a tuple in one call: most names are no attachment's.
ANY_SUFFIX = tuple(SUFFIXES)
CONTENT_TYPES = {
    "application/pdf": PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DOCX,
    "application/vnd.ms-word.document.macroenabled.12": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": XLSX,
    "application/vnd.ms-excel.sheet.macroenabled.12": XLSX,
    "application/msword": DOC,
    "application/kswps": DOC,
    "application/vnd.ms-excel": XLS,
    "application/kset": XLS,
}
# The part that makes an OOXML package a Word document or a workbook (ECMA-376 part 2).
OOXML_MAIN_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))
# Streams that make an OLE compound file a Word document or an Excel workbook ([MS-DOC],
# [MS-XLS]); "Book" is BIFF5, which xlrd still reads.
OLE_STREAMS = (("WordDocument", DOC), ("Workbook", XLS), ("Book", XLS))
# An encrypted .docx/.xlsx is an OLE file holding these instead of a zip ([MS-OFFCRYPTO]).
ENCRYPTED_OOXML_STREAMS = ("EncryptionInfo", "EncryptedPackage")


class NotReadable(Exception):
    """Bytes that claim a format but cannot be read as it; the message says why."""


def claimed_format(name: str | None, content_type: str | None) -> str | None:
    """The format a file name or a Content-Type names, if it names an attachment format."""
    if content_type:
        kind = CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
        if kind:
            return kind
    if name:
        path = name.split("?")[0].split("#")[0].lower()
        if path.endswith(ANY_SUFFIX):
            for suffix, kind in SUFFIXES.items():
                if path.endswith(suffix):
                    return kind
    return None


def sniff(content: bytes, name: str | None = None, content_type: str | None = None) -> str | None:
    """The attachment format of ``content``, or None for what may be a text/HTML document.

    Raises ``NotReadable`` for an encrypted Office file, for bytes whose container holds no
    document this reader knows, and for a file named or served as an attachment whose bytes
    are none (corrupt, truncated or mislabelled).
    """
    if content.startswith(ZIP_MAGIC):
        return _ooxml_kind(content)
    if content.startswith(OLE_MAGIC):
        return _ole_kind(content)
    if PDF_MAGIC in content[:PDF_HEADER_WINDOW]:
        if PDF_EOF not in content[-PDF_TRAILER_WINDOW:]:
            raise NotReadable("a PDF without its closing %%EOF marker: the file is corrupt or "
                              "truncated; download it again")
        return PDF
    claimed = claimed_format(name, content_type)
    if claimed and not content.lstrip()[:1] == b"<":
        # An HTML error page served under an attachment's name is text, and says so itself.
        raise NotReadable(f"named or served as .{claimed} but its bytes do not start like "
                          f"one: the file is corrupt, truncated or mislabelled; download it "
                          "again")
    return None


def _ooxml_kind(content: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise NotReadable(f"a zip container (.docx/.xlsx) that cannot be opened ({exc}): the "
                          "file is corrupt or truncated; download it again") from None
    for part, kind in OOXML_MAIN_PARTS:
        if part in names:
            return kind
    raise NotReadable("a zip archive holding no Word document or Excel workbook: unpack it "
                      "and pass the documents inside")


def _ole_kind(content: bytes) -> str:
    try:
        ole = olefile.OleFileIO(io.BytesIO(content))
    except (OSError, ValueError) as exc:
        raise NotReadable(f"an Office (OLE) file that cannot be opened ({exc}): the file is "
                          "corrupt or truncated; download it again") from None
    with ole:
        if all(ole.exists(s) for s in ENCRYPTED_OOXML_STREAMS):
            raise NotReadable("an encrypted (password-protected) Office document: open it with "
                              "the password, save an unprotected copy and pass that")
        for stream, kind in OLE_STREAMS:
            if ole.exists(stream):
                return kind
    raise NotReadable("an Office (OLE) file holding no Word document or Excel workbook: open "
                      "it in an office suite and save it as .docx or .xlsx")


def has_ole_macros(content: bytes) -> bool:
    """Whether an OLE Word/Excel file carries VBA macros (a ``Macros``/``_VBA_PROJECT_CUR``
    storage); they are never run, only mentioned."""
    with olefile.OleFileIO(io.BytesIO(content)) as ole:
        return ole.exists("Macros") or ole.exists("_VBA_PROJECT_CUR")
