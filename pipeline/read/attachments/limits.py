"""Bounds on what reading one attachment may cost, checked before any reader runs.

An Office file is a zip: a few kilobytes can declare gigabytes of XML (a zip bomb), and a
reader that parses it whole would take the machine with it. Python's zipfile never inflates
an entry past the size its directory declares (it stops and fails the CRC check), so
checking the declared sizes and the entry count bounds the work before it starts.
"""

from __future__ import annotations

import io
import zipfile

from pipeline.read.attachments.sniff import NotReadable

# A bulletin's .docx has a few dozen parts and a workbook one part per sheet plus styles;
# thousands of entries is no document.
MAX_ZIP_ENTRIES = 2000
MAX_INFLATED_BYTES = 256 * 1024 * 1024
# XML compresses 5-50×; an entry hundreds of times smaller zipped is built to blow up.
MAX_RATIO = 500
RATIO_FLOOR_BYTES = 1024 * 1024  # small entries of repeated markup may compress that far
# Progress bulletins run to tens of pages; a few hundred is a yearbook or a scan.
MAX_PDF_PAGES = 200
MACRO_PARTS = ("vbaProject.bin",)
MACRO_WARNING = "holds macros ({}): they were not run; only the text was read"


def check_zip(content: bytes) -> tuple[str, ...]:
    """Raise ``NotReadable`` for a zip that would inflate past the limits; return warnings."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise NotReadable(f"the Office file's zip holds {len(entries):,} entries (more than "
                          f"{MAX_ZIP_ENTRIES:,}): refused as a likely zip bomb")
    inflated = sum(e.file_size for e in entries)
    if inflated > MAX_INFLATED_BYTES:
        raise NotReadable(f"the Office file would inflate to {inflated:,} bytes (more than "
                          f"{MAX_INFLATED_BYTES:,}): refused as a likely zip bomb")
    for e in entries:
        if e.file_size > RATIO_FLOOR_BYTES and e.file_size > MAX_RATIO * max(e.compress_size, 1):
            raise NotReadable(f"the Office file's part {e.filename} inflates {e.compress_size:,} "
                              f"bytes to {e.file_size:,}: refused as a likely zip bomb")
    macros = sorted(e.filename for e in entries if e.filename.rsplit("/", 1)[-1] in MACRO_PARTS)
    return (MACRO_WARNING.format(", ".join(macros)),) if macros else ()
