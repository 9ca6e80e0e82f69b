"""Bytes → text: find the charset a page declares, check it against the bytes, normalise.

Order of evidence: the HTTP ``Content-Type`` header, a byte-order mark, a ``<meta>``
declaration, then strict UTF-8, then charset-normalizer's guess. A declaration that the
bytes contradict is not trusted; the bulletin gets a warning saying so.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from pipeline.errors import UnreadableInput

# Labels that old TRS/ASP sites declare for what is really GBK with GB18030-only
# characters (rare names, traditional forms); GB18030 is the superset that reads them all.
GB_LABELS = frozenset({"gb2312", "gbk", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "csgb2312",
                       "gb2312-80", "euc-cn", "x-euc-cn", "chinese", "gb18030"})
# Mirror sites serve Big5; HKSCS is the superset Python knows.
BIG5_LABELS = frozenset({"big5", "big5-hkscs", "x-x-big5", "cn-big5", "csbig5"})

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Declarations sit in <head>; 4 KiB covers every head seen, skipping the body's text.
META_WINDOW = 4096
META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)

# File signatures of documents that need a converter rather than a text reader (FORMATS §9:
# attachments crawled as text come out as OLE garbage).
OFFICE_CONVERT = "(e.g. `libreoffice --headless --convert-to txt FILE`) and pass the .txt"
DOCUMENT_SIGNATURES = (
    (b"%PDF-", "a PDF file: convert it to text first (e.g. `pdftotext FILE out.txt`) "
               "and pass the .txt"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Word/Excel (OLE .doc/.xls) file: convert it to "
               f"text first {OFFICE_CONVERT}"),
    (b"PK\x03\x04", "a zip archive or Word/Excel (.docx/.xlsx) file: convert it to text first "
               f"{OFFICE_CONVERT}"),
    (b"{\\rtf", f"an RTF document: convert it to text first {OFFICE_CONVERT}"),
    (b"\x1f\x8b", "gzip-compressed data that is no .warc.gz: decompress it first "
               "(`gunzip`) and pass the result"),
)
# C0 controls other than tab/newline/CR/form feed/escape never occur in text documents.
CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1B)) | {0x1C, 0x1D,
                                                                              0x1E, 0x1F, 0x7F}
BINARY_CONTROL_SHARE = 0.02


@dataclass(frozen=True)
class Decoded:
    """Text as decoded (line endings unified, not yet NFKC), the codec used, and doubts."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def not_text_reason(content: bytes) -> str | None:
    """Why these bytes are no text document (PDF, Office, binary), or None if they may be."""
    if not content.strip():
        return "the file is empty: nothing to read; check it was saved or downloaded completely"
    for signature, reason in DOCUMENT_SIGNATURES:
        if content.startswith(signature):
            return f"this is {reason}"
    if any(content.startswith(bom) for bom, codec in BOMS if codec != "utf-8-sig"):
        return None  # UTF-16/32 text is full of NUL bytes by design
    head = content[:8192]
    controls = sum(1 for b in head if b in CONTROL_BYTES)
    if b"\x00" in head or controls > BINARY_CONTROL_SHARE * len(head):
        return ("binary data, not a text or HTML document: check it is the page you meant, "
                "or convert it to text first")
    return None


def codec_for(label: str) -> str | None:
    """The Python codec for a declared charset label, or None if the label is unknown."""
    label = label.strip().strip("\"'").lower()
    if label in GB_LABELS:
        return "gb18030"
    if label in BIG5_LABELS:
        return "big5hkscs"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(content: bytes, content_type: str | None = None, source: str = "") -> Decoded:
    """Decode a page's bytes, trusting a declaration only as far as the bytes agree with it.

    Raises ``UnreadableInput`` (naming ``source``) when no text encoding explains the bytes.
    """
    warnings: list[str] = []
    bom_codec = next((codec for bom, codec in BOMS if content.startswith(bom)), None)
    declared = _declarations(content, content_type)
    if bom_codec:
        # A BOM is a fact about the bytes; a label that disagrees with it is the one lying.
        for where, label in declared:
            codec = codec_for(label)
            if codec and _family(codec) != _family(bom_codec):
                warnings.append(f"{where} declares charset {label!r} but the bytes start with a "
                                f"{_family(bom_codec)} byte-order mark: the declaration is "
                                f"wrong, read as {_family(bom_codec)}")
        return Decoded(_unify_newlines(content.decode(bom_codec)), bom_codec, tuple(warnings))

    for where, label in declared:
        codec = codec_for(label)
        if codec is None:
            warnings.append(f"{where} declares unknown charset {label!r}; ignored it")
            continue
        if codec != "utf-8" and _is_utf8_text(content):
            # Legacy multibyte text almost never forms valid UTF-8 runs by accident, while a
            # GB18030 decoder accepts most UTF-8 bytes and makes mojibake of them.
            warnings.append(f"{where} declares charset {label!r} but the bytes are UTF-8; "
                            "the declaration is wrong, read as utf-8")
            return Decoded(_unify_newlines(content.decode("utf-8")), "utf-8", tuple(warnings))
        try:
            return Decoded(_unify_newlines(content.decode(codec)), codec, tuple(warnings))
        except UnicodeDecodeError:
            warnings.append(f"{where} declares charset {label!r} but the bytes are not "
                            f"{codec}: the declaration is wrong")

    try:
        text, codec = content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, codec = _guess(content, source)
    if warnings:
        warnings[-1] += f"; read as {codec}"
    return Decoded(_unify_newlines(text), codec, tuple(warnings))


def normalise(text: str) -> str:
    """NFKC (full-width ，：（）１２３ → ,:()123, ideographic space → space) and \\n newlines."""
    return _unify_newlines(unicodedata.normalize("NFKC", text))


def _declarations(content: bytes, content_type: str | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if content_type and (m := HEADER_CHARSET.search(content_type)):
        found.append(("the HTTP Content-Type header", m.group(1)))
    if m := META_CHARSET.search(content[:META_WINDOW]):
        found.append(("the page's <meta> tag", m.group(1).decode("ascii", "replace")))
    return found


def _is_utf8_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not text.isascii()


def _family(codec: str) -> str:
    """utf-8-sig → utf-8, utf-16-le → utf-16: codecs that read the same BOM-marked bytes."""
    return "-".join(codec.lower().replace("_", "-").split("-")[:2])


def _guess(content: bytes, source: str) -> tuple[str, str]:
    best = from_bytes(content).best()
    if best is None:
        # charset-normalizer gives up only on bytes that no text encoding explains.
        raise UnreadableInput(source, "the bytes match no text encoding: this is no text or "
                                      "HTML document; check the file, or convert it to text")
    codec = codec_for(best.encoding) or best.encoding
    return content.decode(codec, errors="replace"), codec


def _unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
