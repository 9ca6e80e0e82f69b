"""Word 97-2003 .doc and Kingsoft .wps (the same binary records) through antiword, which the
set-up installs from the system packages (.ci/sysdeps.sh). antiword prints table rows as
``|cell|cell|``; those rows are read back into a grid so the table has the shape every
other reader gives it. It runs on a copy in a private temporary folder, with a time limit,
and never runs macros (it only reads text)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.read.attachments.sniff import NotReadable
from pipeline.read.attachments.text import AttachmentText, Block, blocks_to_text
from pipeline.read.grid import Cell, resolve

CONVERTER = "antiword"
# UTF-8 output; -w 0 prints each paragraph on one line instead of wrapping at 80 columns.
ARGS = ("-m", "UTF-8.txt", "-w", "0")
TIMEOUT_SECONDS = 60
TABLE_ROW_EDGE = "|"


def converter_missing() -> str | None:
    """Why .doc/.wps files cannot be read here, or None when the converter is installed."""
    if shutil.which(CONVERTER):
        return None
    return (f"reading .doc/.wps needs `{CONVERTER}` (apt-get install {CONVERTER}; "
            ".ci/sysdeps.sh installs it), or save the file as .docx and pass that")


def read_doc(content: bytes) -> AttachmentText:
    missing = converter_missing()
    if missing:
        raise NotReadable(missing)
    with tempfile.TemporaryDirectory(prefix="bulletins-doc-") as tmp:
        path = Path(tmp) / "document.doc"
        path.write_bytes(content)
        try:
            done = subprocess.run([CONVERTER, *ARGS, str(path)], capture_output=True,
                                  timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise NotReadable(f"{CONVERTER} took over {TIMEOUT_SECONDS} s on this file: save "
                              "it as .docx and pass that") from None
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise NotReadable(f"{CONVERTER} cannot read it ({why[-1] if why else 'no reason given'}"
                          "): the file is corrupt, encrypted or of a version it does not know; "
                          "save it as .docx and pass that")
    return AttachmentText(blocks_to_text(_blocks(done.stdout.decode("utf-8", "replace"))))


def _blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    rows: list[list[Cell]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(TABLE_ROW_EDGE) and stripped.endswith(TABLE_ROW_EDGE) \
                and len(stripped) > 1:
            rows.append([Cell(c.strip()) for c in stripped[1:-1].split(TABLE_ROW_EDGE)])
            continue
        if rows:
            blocks.append(resolve(rows))
            rows = []
        blocks.append(stripped)
    if rows:
        blocks.append(resolve(rows))
    return blocks
