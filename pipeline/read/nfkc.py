"""NFKC without the cost of NFKC: the same result as ``unicodedata.normalize("NFKC", text)``.

CPython's NFKC decomposes and recomposes every character (about 0.25 µs each), while a
bulletin is Han characters and ASCII, which NFKC leaves alone, plus a handful of full-width
forms (，：（）％) that it maps one character at a time. UAX #15 (§9, normalization
boundaries; the "stable code points" of its detection section) gives the rule used here:
a text splits into pieces that normalise independently at every character that has a
boundary before it, and there is one before

- an *inert* character: NFKC maps it to itself, its canonical combining class is 0, and it
  never is the second character of a canonical composition (NFKC_Quick_Check=Yes, ccc=0);
- a *simple* character: combining class 0, no second character of a composition, and its
  compatibility decomposition made of inert characters only (full-width ０-９ Ａ-Ｚ ，：（）,
  the ideographic space); NFKC maps it to that decomposition.

So a text of inert and simple characters only is normalised by replacing each distinct
simple character (str.replace, in C); any other character (a combining mark, a Hangul vowel
jamo, a decomposition holding one) sends the whole text to ``unicodedata.normalize``.
Most bulletins need no classification at all: their only characters that NFKC changes are
full-width forms and the ideographic space. Those are replaced first, and if the result is
already in NFKC (``unicodedata.is_normalized``, a quick check in C) it is the answer: a
character replaced by its own NFKC leaves the text compatibility-equivalent to what it was
(equivalence carries over to a text that holds the character, UAX #15 §1.2), and equivalent
texts share one NFKC, which is the result itself when that is in NFKC.

tests/test_decode.py checks the classification against every code point's decomposition
and this function against ``unicodedata.normalize`` on varied text.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from pipeline.read.lazy_pattern import LazyPattern

# Characters known inert without a look (ASCII, CJK Unified Ideographs and Extension A, the
# commonest CJK punctuation): the scan for the others is one regex pass in C.
# Lazy: sre fills its class of 27,000 characters one by one in Python (about 1 ms of a
# process's start), and the quick path (wide_forms_replaced) answers for most texts
# without it.
NOT_PLAIN = LazyPattern("[^\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff\u3001\u3002\u300a\u300b"
                        "\u201c\u201d\u2018\u2019]+")
# The ideographic space and the full-width forms of ASCII (，：（）％０-９): NFKC maps each
# to one ASCII character.
WIDE = re.compile("[\u3000\uff01-\uff5e]")
WIDE_NFKC = {char: unicodedata.normalize("NFKC", char)
             for char in map(chr, [0x3000, *range(0xFF01, 0xFF5F)])}
# Hangul vowel and trailing consonant jamo compose with the syllable before them (UAX #15,
# Hangul composition), though their Unicode category is a letter's.
HANGUL_VT = re.compile("[\u1161-\u1175\u11a8-\u11c2]")

def combines_backwards(char: str) -> bool:
    """Whether ``char`` may be the second character of a canonical composition: every such
    character is a combining mark (category M) or a Hangul V/T jamo."""
    return unicodedata.category(char).startswith("M") or bool(HANGUL_VT.match(char))


def is_inert(char: str) -> bool:
    return (unicodedata.normalize("NFKC", char) == char and unicodedata.combining(char) == 0
            and not combines_backwards(char))


@functools.cache  # a character seen outside the plain ones is classified once
def classify(char: str) -> str | None:
    """``char`` itself when inert, its NFKC when simple, None otherwise."""
    if is_inert(char):
        return char
    if unicodedata.combining(char) or combines_backwards(char):
        return None
    decomposed = unicodedata.normalize("NFKD", char)
    if all(is_inert(c) for c in decomposed):
        return decomposed  # inert characters never compose, so NFKC is NFKD here
    return None


def nfkc(text: str, keep: re.Pattern[str] | None = None) -> str | None:
    """``text`` in NFKC with the characters that ``keep`` matches left as they are, or None
    when the text holds a character that needs the full algorithm.

    ``keep`` matches only characters that ``classify`` accepts. A kept character that it
    calls simple has a boundary before and after it, so keeping it is normalising the pieces
    between kept characters apart.
    """
    # The quick answer needs no look for kept characters: a simple one would leave the text
    # not in NFKC, and an inert one is left as it is by NFKC too.
    wide = wide_forms_replaced(text)
    if wide is not None:
        return wide
    odd = {c for run in NOT_PLAIN.findall(text) for c in run}
    for char in odd:
        mapped = classify(char)
        if mapped is None:
            return None
        if mapped != char and not (keep and keep.fullmatch(char)):
            text = text.replace(char, mapped)
    return text


def wide_forms_replaced(text: str) -> str | None:
    """``text`` with its full-width forms replaced, when that is its NFKC, else None (see
    the module's docstring for why)."""
    # Each distinct form is replaced all at once where the scan first meets it, and the scan
    # goes on after that place: every form maps to one character, not itself a form, so no
    # place moves and none before holds a form any more. One scan, a step per form rather
    # than a match per occurrence.
    found = WIDE.search(text)
    while found:
        char = found.group()
        text = text.replace(char, WIDE_NFKC[char])
        found = WIDE.search(text, found.start() + 1)
    return text if unicodedata.is_normalized("NFKC", text) else None
