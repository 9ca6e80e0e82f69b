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
from typing import TYPE_CHECKING

from pipeline.errors import UnreadableInput
from pipeline.read.nfkc import nfkc

if TYPE_CHECKING:
    from charset_normalizer import CharsetMatch

# Labels that old TRS/ASP sites declare for what is really GBK with GB18030-only
# characters (rare names, traditional forms); GB18030 is the superset that reads them all.
GB_LABELS = frozenset({"gb2312", "gbk", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "csgb2312",
                       "gb2312-80", "euc-cn", "x-euc-cn", "chinese", "gb18030"})
# Mirror sites serve Big5; HKSCS is the superset Python knows.
BIG5_LABELS = frozenset({"big5", "big5-hkscs", "x-x-big5", "cn-big5", "csbig5"})

# Single-byte Western codecs: they decode any bytes, so a wrong label never fails loudly.
LATIN_CODECS = frozenset({"iso8859-1", "cp1252", "iso8859-15", "latin-1", "latin1"})
# Legacy Chinese codecs whose byte ranges overlap: a page labelled one may be the other.
CJK_RIVALS = {"gb18030": "big5hkscs", "big5hkscs": "gb18030"}
# Share of non-ASCII characters that must be Han for bytes to count as Chinese text.
CJK_SHARE = 0.5

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# For bytes.startswith, which takes a tuple in one call: most pages have no BOM.
ANY_BOM = tuple(bom for bom, _ in BOMS)
WIDE_BOMS = tuple(bom for bom, codec in BOMS if codec != "utf-8-sig")

# Declarations sit in <head>; 4 KiB covers every head seen, skipping the body's text.
META_WINDOW = 4096
META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)

# File signatures of documents that need a converter rather than a text reader (PDF and
# Office files are read by pipeline/read/attachments before bytes come here).
DOCUMENT_SIGNATURES = (
    (b"{\\rtf", "an RTF document: convert it first (e.g. `libreoffice --headless "
                "--convert-to docx FILE`) and pass the .docx"),
    (b"\x1f\x8b", "gzip-compressed data that is no .warc.gz: decompress it first "
               "(`gunzip`) and pass the result"),
)
# C0 controls other than tab/newline/CR/form feed/escape never occur in text documents.
CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1B)) | {0x1C, 0x1D,
                                                                              0x1E, 0x1F, 0x7F}
BINARY_CONTROL_SHARE = 0.02
_CONTROL_TABLE = bytes(sorted(CONTROL_BYTES))  # for bytes.translate(None, delete)
# Longest partial character a cut-off multibyte encoding can leave (UTF-8, GB18030: 3 bytes).
TRUNCATED_TAIL_MAX = 3
# What Python's codecs say about such a cut: UTF-8/16, the CJK codecs, UTF-16's odd byte.
TRUNCATED_REASONS = ("unexpected end of data", "incomplete multibyte sequence", "truncated data")


@dataclass(frozen=True)
class Decoded:
    """Text as decoded (line endings unified, not yet NFKC), the codec used, and doubts."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def not_text_reason(content: bytes) -> str | None:
    """Why these bytes are no text document (PDF, Office, binary), or None if they may be."""
    if not content or content.isspace():  # content.strip() is empty, without the copy
        return "the file is empty: nothing to read; check it was saved or downloaded completely"
    for signature, reason in DOCUMENT_SIGNATURES:
        if content.startswith(signature):
            return f"this is {reason}"
    if content.startswith(WIDE_BOMS):
        return None  # UTF-16/32 text is full of NUL bytes by design
    head = content[:8192]
    controls = len(head) - len(head.translate(None, _CONTROL_TABLE))  # C speed, same count
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
    bom_codec = None
    if content.startswith(ANY_BOM):
        bom_codec = next(codec for bom, codec in BOMS if content.startswith(bom))
    declared = _declarations(content, content_type)
    if bom_codec:
        # A BOM is a fact about the bytes; a label that disagrees with it is the one lying.
        for where, label in declared:
            codec = codec_for(label)
            if codec and _family(codec) != _family(bom_codec):
                warnings.append(f"{where} declares charset {label!r} but the bytes start with a "
                                f"{_family(bom_codec)} byte-order mark: the declaration is "
                                f"wrong, read as {_family(bom_codec)}")
        try:
            text = _decode_strict(content, bom_codec, warnings)
        except UnicodeDecodeError as exc:
            text = content.decode(bom_codec, errors="replace")
            warnings.append(f"the bytes after the {_family(bom_codec)} byte-order mark are not "
                            f"all {_family(bom_codec)} (first bad byte at {exc.start}): "
                            "replaced what could not be read")
        return Decoded(_unify_newlines(text), bom_codec, tuple(warnings))

    for where, label in declared:
        codec = codec_for(label)
        if codec is None:
            warnings.append(f"{where} declares unknown charset {label!r}; ignored it")
            continue
        if codec in LATIN_CODECS and (cjk := _cjk_guess(content, source)):
            # Servers (Tomcat's default among them) label Chinese pages ISO-8859-1; a Latin
            # codec reads any bytes without error, so only the bytes can show it is wrong.
            cjk_text, cjk_codec = cjk
            warnings.append(f"{where} declares charset {label!r} but the bytes are Chinese "
                            f"text in {cjk_codec}; the declaration is wrong, read as {cjk_codec}")
            return Decoded(_unify_newlines(cjk_text), cjk_codec, tuple(warnings))
        if (rival := _rival_reading(content, codec)) is not None:
            # Big5 and GBK byte ranges overlap: both may decode without error, and only
            # the characters that come out tell which one was meant.
            warnings.append(f"{where} declares charset {label!r} but the bytes are {rival} "
                            f"text; the declaration is wrong, read as {rival}")
            return Decoded(_unify_newlines(content.decode(rival)), rival, tuple(warnings))
        if codec != "utf-8" and _is_utf8_text(content):
            # Legacy multibyte text almost never forms valid UTF-8 runs by accident, while a
            # GB18030 decoder accepts most UTF-8 bytes and makes mojibake of them.
            warnings.append(f"{where} declares charset {label!r} but the bytes are UTF-8; "
                            "the declaration is wrong, read as utf-8")
            text = _decode_strict(content, "utf-8", warnings)
            return Decoded(_unify_newlines(text), "utf-8", tuple(warnings))
        try:
            text = _decode_strict(content, codec, warnings)
            warnings.extend(_contradictions(declared, codec, where))
            return Decoded(_unify_newlines(text), codec, tuple(warnings))
        except UnicodeDecodeError:
            warnings.append(f"{where} declares charset {label!r} but the bytes are not "
                            f"{codec}: the declaration is wrong")

    if warnings:  # the last declaration's doubt says what was read instead
        last = len(warnings) - 1
    try:
        text, codec = _decode_strict(content, "utf-8", warnings), "utf-8"
    except UnicodeDecodeError:
        text, codec = _guess(content, source)
    if declared:  # every declaration that got here left a warning
        warnings[last] += f"; read as {codec}"
    return Decoded(_unify_newlines(text), codec, tuple(warnings))


# Circled numbers (①…⑳, ㉑…㊿) mark list items in table cells; NFKC would make ① a plain
# `1` that fuses with the next digit (`①9个小区` → `19个`), so they stay as printed.
CIRCLED_NUMBERS = re.compile("([\u2460-\u2473\u24ea-\u24ff\u3251-\u325f\u32b1-\u32bf])")


def normalise(text: str) -> str:
    """NFKC (full-width ，：（）１２３ → ,:()123, ideographic space → space) and \\n newlines.

    Circled numbers are kept as printed (see CIRCLED_NUMBERS).
    """
    fast = nfkc(text, keep=CIRCLED_NUMBERS)
    if fast is not None:
        return _unify_newlines(fast)
    parts = CIRCLED_NUMBERS.split(text)  # the kept markers land at the odd positions
    text = "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(parts))
    return _unify_newlines(text)


def _contradictions(declared: list[tuple[str, str]], codec: str, trusted: str) -> list[str]:
    """Warnings for the declarations the bytes proved wrong: a page's <meta> that names
    another charset than the HTTP header the bytes agree with is wrong all the same."""
    out = []
    for where, label in declared:
        other = codec_for(label)
        if where != trusted and other and _family(other) != _family(codec):
            out.append(f"{where} declares charset {label!r} but the bytes are {codec} (as "
                       f"{trusted} says): the declaration is wrong")
    return out


def _declarations(content: bytes, content_type: str | None) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if content_type and (m := HEADER_CHARSET.search(content_type)):
        found.append(("the HTTP Content-Type header", m.group(1)))
    if meta := META_CHARSET.search(content[:META_WINDOW]):
        found.append(("the page's <meta> tag", meta.group(1).decode("ascii", "replace")))
    return found


def _is_utf8_text(content: bytes) -> bool:
    try:
        text = _decode_strict(content, "utf-8", [])
    except UnicodeDecodeError:
        return False
    return not text.isascii()


def _decode_strict(content: bytes, codec: str, warnings: list[str]) -> str:
    """Strict decoding that forgives one multibyte character cut off at the very end.

    A download or file cut short mid-character is still that encoding; its last partial
    character is dropped and a warning says the document is truncated.
    """
    try:
        return content.decode(codec)
    except UnicodeDecodeError as exc:
        body = exc.object  # what the codec saw: without the BOM for utf-8-sig
        if exc.end != len(body) or len(body) - exc.start > TRUNCATED_TAIL_MAX or \
                exc.reason not in TRUNCATED_REASONS:
            raise
        text = body[: exc.start].decode(codec)  # raises if anything else is wrong
        warnings.append(f"the bytes end inside a {codec} character: the document is "
                        "truncated; dropped the partial character")
        return text


def _cjk_guess(content: bytes, source: str) -> tuple[str, str] | None:
    """The text and codec of bytes that are Chinese in a CJK encoding (UTF-8 included)."""
    if content.isascii():
        return None
    if _is_utf8_text(content):
        text, codec = _decode_strict(content, "utf-8", []), "utf-8"
    else:
        try:
            text, codec = _guess(content, source)
        except UnreadableInput:
            return None
    if codec in LATIN_CODECS:
        return None
    wide = [c for c in text if ord(c) > 0x7F]
    han = sum(1 for c in wide if "\u3400" <= c <= "\u9fff")
    return (text, codec) if han >= CJK_SHARE * len(wide) else None


def _rival_reading(content: bytes, codec: str) -> str | None:
    """The other legacy Chinese codec, when the bytes read as both and the guess prefers it."""
    rival = CJK_RIVALS.get(codec)
    if rival is None or content.isascii():
        return None
    try:
        content.decode(rival)
    except UnicodeDecodeError:
        return None
    best = _best_guess(content)
    guessed = codec_for(best.encoding) if best is not None else None
    return rival if guessed == rival else None


def _best_guess(content: bytes) -> CharsetMatch | None:
    """charset-normalizer's best reading of ``content``, or None. Imported here: most
    documents declare or prove their encoding without it, and the import is a tenth of a
    one-file `extract`'s start."""
    from charset_normalizer import from_bytes

    return from_bytes(content).best()


def _family(codec: str) -> str:
    """utf-8-sig → utf-8, utf-16-le → utf-16: codecs that read the same BOM-marked bytes."""
    return "-".join(codec.lower().replace("_", "-").split("-")[:2])


def _guess(content: bytes, source: str) -> tuple[str, str]:
    best = _best_guess(content)
    for cut in range(1, TRUNCATED_TAIL_MAX + 1):
        if best is not None or len(content) <= cut:
            break
        # Bytes cut short inside a character defeat the guess; it is the same text without.
        best = _best_guess(content[:-cut])
        if best is not None:
            content = content[:-cut]
    if best is None:
        # charset-normalizer gives up only on bytes that no text encoding explains.
        raise UnreadableInput(source, "the bytes match no text encoding: this is no text or "
                                      "HTML document; check the file, or convert it to text")
    codec = codec_for(best.encoding) or best.encoding
    return content.decode(codec, errors="replace"), codec


def _unify_newlines(text: str) -> str:
    if "\r" not in text:  # one scan instead of two: most texts have no carriage return
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
