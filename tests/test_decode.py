"""Bytes → text: charset declarations, BOMs, wrong labels, guessing, NFKC."""

from __future__ import annotations

import codecs
import random
import unicodedata

import pytest

from pipeline.read import nfkc
from pipeline.read.decode import CIRCLED_NUMBERS, codec_for, decode, normalise, not_text_reason
from pipeline.read.page import read_page
from pipeline.records import Page

SENTENCE = "截至7月底，我厅牵头负责的8项重点任务已完成1项，其余7项按序时推进。"
# Traditional characters as Big5 mirror pages carry them.
TRADITIONAL = "遼寧省科學技術廳報告：截至七月底，已完成任務一項，其餘九項按計劃推進。"
# 𠮷 is outside GBK: only GB18030 (four-byte form) encodes it.
RARE = "经办人𠮷祥，截至9月底共受理申请42件。"


def html(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>Bulletin</title></head><body><p>{body}</p></body></html>"


def page(content: bytes, content_type: str | None = None) -> Page:
    headers = (("Content-Type", content_type),) if content_type else ()
    return Page(source="t.html", content=content, headers=headers)


CASES = [
    # id, bytes, Content-Type header, expected codec, text that must be read, warning expected
    ("utf8-undeclared", SENTENCE.encode("utf-8"), None, "utf-8", SENTENCE, False),
    ("utf8-bom", codecs.BOM_UTF8 + SENTENCE.encode("utf-8"), None, "utf-8-sig", SENTENCE, False),
    ("gbk-meta-only", html(SENTENCE, '<meta http-equiv="Content-Type" '
                                     'content="text/html; charset=gbk">').encode("gbk"),
     None, "gb18030", SENTENCE, False),
    ("gb2312-label-rare-char", html(RARE).encode("gb18030"), "text/html; charset=gb2312",
     "gb18030", RARE, False),
    ("header-beats-meta", html(SENTENCE, '<meta charset="gbk">').encode("utf-8"),
     "text/html; charset=utf-8", "utf-8", SENTENCE, True),
    ("header-gbk-meta-utf8-lies", html(SENTENCE, '<meta charset="utf-8">').encode("gbk"),
     "text/html; charset=GBK", "gb18030", SENTENCE, True),
    ("meta-utf8-wrong", html(SENTENCE, '<meta charset="utf-8">').encode("gbk"), None,
     "gb18030", SENTENCE, True),
    ("header-gb2312-but-utf8", html(SENTENCE).encode("utf-8"), "text/html; charset=gb2312",
     "utf-8", SENTENCE, True),
    ("gbk-undeclared-guessed", SENTENCE.encode("gbk"), None, "gb18030", SENTENCE, False),
    ("big5-meta", html(TRADITIONAL, '<meta charset="big5">').encode("big5"), None,
     "big5hkscs", TRADITIONAL, False),
    ("utf16-bom", SENTENCE.encode("utf-16"), None, "utf-16", SENTENCE, False),
    ("unknown-label", html(SENTENCE, '<meta charset="x-unknown-cs">').encode("utf-8"), None,
     "utf-8", SENTENCE, True),
]


@pytest.mark.parametrize(("content", "content_type", "codec", "expected", "warns"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_decoding(content, content_type, codec, expected, warns):
    bulletin = read_page(page(content, content_type))
    assert bulletin.encoding == codec
    assert normalise(expected) in bulletin.text
    assert bool(bulletin.warnings) == warns
    if warns:
        assert any("declar" in w for w in bulletin.warnings)


@pytest.mark.parametrize(("raw", "expected"), [
    ("完成率１００％，（已完成）", "完成率100%,(已完成)"),
    ("共计１２３项：", "共计123项:"),
    ("２０１７年７月　发布", "2017年7月 发布"),
    ("ＡＢＣ－１", "ABC-1"),
    ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
], ids=["percent-brackets", "digits-colon", "ideographic-space", "latin-dash", "newlines"])
def test_normalise_nfkc_and_newlines(raw, expected):
    assert normalise(raw) == expected


def test_full_width_text_is_normalised_in_bulletin():
    bulletin = read_page(page("已完成任务１项，其余９项（按序时推进）。".encode()))
    assert bulletin.text == "已完成任务1项,其余9项(按序时推进)。"


@pytest.mark.parametrize(("label", "codec"), [
    ("gb2312", "gb18030"), ("GBK", "gb18030"), ("gb_2312", "gb18030"), ("x-gbk", "gb18030"),
    ("UTF8", "utf-8"), ("big5", "big5hkscs"), ("no-such-charset", None),
])
def test_codec_labels(label, codec):
    assert codec_for(label) == codec


def test_decode_keeps_declared_codec_name_and_text():
    decoded = decode("一、总体情况".encode("gbk"), "text/plain; charset=gbk")
    assert (decoded.text, decoded.encoding, decoded.warnings) == ("一、总体情况", "gb18030", ())


def _plain_normalise(text: str) -> str:
    """normalise without the fast path: NFKC between the kept circled numbers."""
    parts = CIRCLED_NUMBERS.split(text)
    joined = "".join(p if i % 2 else unicodedata.normalize("NFKC", p)
                     for i, p in enumerate(parts))
    return joined.replace("\r\n", "\n").replace("\r", "\n")


def test_every_composing_second_character_is_seen_as_combining_backwards():
    """nfkc's boundary rule rests on this: what can compose with the character before it is
    a combining mark or a Hangul V/T jamo (checked against this Python's Unicode data)."""
    seconds = {chr(int(d.split()[1], 16)) for d in map(unicodedata.decomposition,
                                                        map(chr, range(0x110000)))
               if d and not d.startswith("<") and len(d.split()) == 2}
    seconds |= {chr(c) for c in range(0x1161, 0x1176)} | {chr(c) for c in range(0x11A8, 0x11C3)}
    assert [c for c in seconds if not nfkc.combines_backwards(c)] == []


def test_characters_taken_as_plain_without_a_look_are_inert():
    plain = [chr(c) for c in range(0x110000) if not nfkc.NOT_PLAIN.match(chr(c))]
    assert len(plain) > 20000
    assert [c for c in plain if not nfkc.is_inert(c)] == []


# Han, ASCII, full-width forms, circled numbers (kept), compatibility characters, combining
# marks, half-width katakana and its sound marks, Hangul jamo and syllables, CJK
# compatibility ideographs, a Kannada length mark (ccc 0 yet composing), line ends.
ALPHABET = ("任务完成率项目已推进abcAZ09 ,.:()%-\n\r\t"
            "，：（）％１２３ＡＢｚ　、。《》“”…℃㎡ﬁ²½Ⅳ⑴"
            "①⑳⓪㉑㊿\u0301\u0308\u3099\u309aｶﾞｰﾟ\u1100\u1161\u11a8가각\u0cd5\u0cbf"
            "\uf900\u2f00é\u00a0\u200b\u2028e")


@pytest.mark.parametrize("seed", range(8))
def test_fast_normalise_matches_plain_normalise(seed):
    rng = random.Random(seed)
    for _ in range(400):
        size = rng.choice((1, 2, 3, 8, 40))
        text = "".join(rng.choice(ALPHABET) for _ in range(size))
        assert normalise(text) == _plain_normalise(text), repr(text)
        fast = nfkc.nfkc(text)
        assert fast is None or fast == unicodedata.normalize("NFKC", text), repr(text)


@pytest.mark.parametrize("seed", range(4))
def test_wide_forms_replaced_is_nfkc_when_it_answers(seed):
    """The quickest path gives up (None) or gives unicodedata's NFKC, which is normalise's
    answer too; it answers for most texts of full-width forms, Han and ASCII."""
    rng = random.Random(seed)
    answered = 0
    for _ in range(400):
        size = rng.choice((1, 2, 3, 8, 40))
        text = "".join(rng.choice(ALPHABET + "⓫⓿⓵") for _ in range(size))
        quick = nfkc.wide_forms_replaced(text)
        assert quick is None or quick == unicodedata.normalize("NFKC", text), repr(text)
        assert normalise(text) == _plain_normalise(text), repr(text)
    bulletin = "任务完成ab1 ，：（）％１２３ＡＢｚ　、。《》“”"
    for _ in range(200):
        text = "".join(rng.choice(bulletin) for _ in range(30))
        quick = nfkc.wide_forms_replaced(text)
        assert quick == _plain_normalise(text), repr(text)
        answered += quick != text
    assert answered > 150


def test_fast_normalise_takes_the_fast_path_on_bulletin_text():
    text = "完成率１００％，（已完成）①共计１２３项：２０１７年７月　发布"
    assert nfkc.nfkc(text, keep=CIRCLED_NUMBERS) == normalise(text) == _plain_normalise(text)
    assert nfkc.nfkc("e\u0301") is None  # a combining mark needs the full algorithm
    assert nfkc.wide_forms_replaced("完成率１００％，（已完成）") == "完成率100%,(已完成)"
    assert nfkc.wide_forms_replaced("①项，") is None  # not NFKC after the wide forms
    assert nfkc.wide_forms_replaced("⓫项，") == "⓫项,"  # kept, and left as it is by NFKC


def test_kept_characters_are_simple_or_inert():
    """nfkc's contract for ``keep``: the quick path need not look for kept characters."""
    kept = [chr(c) for c in range(0x110000) if CIRCLED_NUMBERS.match(chr(c))]
    assert len(kept) > 60 and all(nfkc.classify(c) is not None for c in kept)
    assert any(nfkc.is_inert(c) for c in kept) and not all(nfkc.is_inert(c) for c in kept)


def test_empty_is_what_strips_to_nothing():
    """not_text_reason's emptiness test (isspace, no copy) calls empty exactly the bytes
    that bytes.strip() leaves nothing of: every byte alone and beside a space."""
    texts = [b"", *(bytes([b]) for b in range(256)), *(bytes([b, 32]) for b in range(256))]
    empty = "the file is empty"
    for content in texts:
        reason = not_text_reason(content) or ""
        assert reason.startswith(empty) == (not content.strip()), content
