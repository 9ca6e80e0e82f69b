"""An attachment's reading as text, in the convention every reader shares with the HTML
page: one paragraph per line, each table serialised by ``grid.serialise`` (one row per line,
cells joined by its separator), in document order. The same bulletin published as a page,
a .docx, a workbook or a PDF so becomes the same text for the rest of the pipeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.read.grid import Grid, serialise

Block = str | Grid


@dataclass(frozen=True)
class AttachmentText:
    """What a reader got out of one attachment: the text, the title the file declares in
    its own properties (where it has one), and what the reader had to leave out or skip."""

    text: str
    title: str | None = None
    warnings: tuple[str, ...] = ()


def blocks_to_text(blocks: Iterable[Block]) -> str:
    lines = []
    for block in blocks:
        line = serialise(block) if isinstance(block, Grid) else " ".join(block.split())
        if line:
            lines.append(line)
    return "\n".join(lines)


def join_wrapped(lines: Iterable[str]) -> str:
    """Lines a writer wrapped, joined back into one: a space only between two Latin letters
    (Chinese has no spaces between words, and a number wrapped as ``38.`` / ``6公里`` or
    ``15`` / ``00人次`` is one number again)."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and _latin(out[-1]) and _latin(line[0]):
            out += " "
        out += line
    return out


def _latin(char: str) -> bool:
    return char.isascii() and char.isalpha()
