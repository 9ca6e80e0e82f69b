"""Recycled text: a section paragraph that repeats, nearly word for word, another paragraph.

Two paragraphs are compared on their characters with every Arabic digit masked; a copy is
reported only when its figures repeat too (``same_numbers``): a paragraph copied from last
month with its counts updated is an update, not recycling.
Only runs of at least ``MATCH_MIN_BLOCK`` characters count as shared: stock phrases
(`完成情况:`, `截至5月底共`) are shorter than that.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

# Share of the shorter paragraph's characters that lie in runs shared with the other.
# 0.9 reports the seed's paragraph repeated under tasks 148 and 152 (1.0) and a paragraph
# copied with new numbers (0.95–1.0); unrelated monthly prose of one task scores below 0.5.
RECYCLED_SIMILARITY = 0.9
# Paragraphs shorter than this (`完成情况:已完成。`) say too little to be called copied.
RECYCLED_MIN_CHARS = 30
MATCH_MIN_BLOCK = 8
# A cheap first test: this share of the shorter paragraph's distinct 4-grams must occur in
# the other.
NGRAM = 4
NGRAM_PREFILTER = 0.6

# Every ASCII digit masked as 0. A substitution of 1-9 rather than str.translate: a table
# lookup per character on Chinese text took five times as long for the same string.
NONZERO_DIGIT = re.compile("[1-9]")
# Dates and periods change with every issue (`截至7月底`, `6月份`), so they are no evidence
# that a report's figures were updated; the other numbers are.
DATE_NUMBER = re.compile(r"\d+(?=\s*(?:年|月|日|号|时|季度))")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    text: str
    # What comparisons read, worked out as the paragraph is made: a paragraph is compared
    # with many, and nearly every one is compared at least once (made on first use, they
    # cost a lock per attribute: functools.cached_property before Python 3.12).
    masked: str = field(init=False, repr=False, compare=False)  # digits masked
    grams: frozenset[str] = field(init=False, repr=False, compare=False)  # compare's first test

    def __post_init__(self) -> None:
        masked = NONZERO_DIGIT.sub("0", self.text)
        object.__setattr__(self, "masked", masked)
        object.__setattr__(self, "grams", _grams(masked))


@dataclass(frozen=True)
class Match:
    score: float
    a_start: int
    a_end: int
    b_start: int
    b_end: int


def paragraphs(text: str, title_end: int, own_end: int) -> list[Paragraph]:
    """The lines of a section's own text (its heading ends at ``title_end``, its own text at
    ``own_end``) after its heading, whitespace trimmed."""
    out = []
    pos = title_end
    while pos < own_end:
        nl = text.find("\n", pos, own_end)
        stop = own_end if nl < 0 else nl
        line = text[pos:stop]
        lead = len(line) - len(line.lstrip())
        body = line.strip()
        if body:
            out.append(Paragraph(pos + lead, pos + lead + len(body), body))
        pos = stop + 1
    return out


def comparable(paras: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs ``compare`` may find copied: a pair with a shorter one is never a
    match, so a section's short lines are left out before its pairs are formed."""
    return [p for p in paras if len(p.text) >= RECYCLED_MIN_CHARS]


def compare(a: Paragraph, b: Paragraph) -> Match | None:
    """How much of the shorter paragraph is copied from the other, if at least the threshold."""
    if min(len(a.text), len(b.text)) < RECYCLED_MIN_CHARS:
        return None
    ma, mb = a.masked, b.masked
    if ma == mb:
        # Most copies are whole: the matcher would find one block of every character
        # (longer than MATCH_MIN_BLOCK, as the paragraphs are), covering all of both.
        return Match(1.0, a.start, a.end, b.start, b.end)
    if not _may_copy(a, b):
        return None
    short = ma if len(ma) <= len(mb) else mb
    blocks = [
        m for m in SequenceMatcher(None, ma, mb, autojunk=False).get_matching_blocks()
        if m.size >= MATCH_MIN_BLOCK
    ]
    covered = sum(m.size for m in blocks)
    score = round(covered / len(short), 4)
    if score < RECYCLED_SIMILARITY:
        return None
    first, last = blocks[0], blocks[-1]
    return Match(score, a.start + first.a, a.start + last.a + last.size,
                 b.start + first.b, b.start + last.b + last.size)


def may_match(a: Paragraph, others: Sequence[Paragraph]) -> list[Paragraph]:
    """The paragraphs of ``others`` that ``compare`` with ``a`` may find copied: those
    that pass its cheap tests (``_may_copy``), before its other work. A bulletin's
    sections are compared pair by pair and nine pairs in ten fail there."""
    return [b for b in others if _may_copy(a, b)]


def _may_copy(a: Paragraph, b: Paragraph) -> bool:
    """``compare``'s cheap tests: the same masked text, or enough of the shorter one's
    4-grams in the other."""
    if a.masked == b.masked:
        return True
    short, long_ = (a, b) if len(a.masked) <= len(b.masked) else (b, a)
    return len(short.grams & long_.grams) >= NGRAM_PREFILTER * len(short.grams)


def same_numbers(a: Paragraph, b: Paragraph) -> bool:
    """Whether the shorter paragraph's figures (dates and periods aside) all stand in the
    other: copied prose whose counts were updated reports progress and is not recycled."""
    short, long_ = (a, b) if len(a.text) <= len(b.text) else (b, a)
    return not (_figures(short.text) - _figures(long_.text))


def _figures(text: str) -> Counter[str]:
    return Counter(NUMBER.findall(DATE_NUMBER.sub("", text)))


@lru_cache(maxsize=4096)
def _grams(text: str) -> frozenset[str]:
    """The text's distinct 4-grams (``Paragraph.grams``): kept for the last few thousand
    texts, since a series repeats its paragraphs from issue to issue."""
    return frozenset(text[i:i + NGRAM] for i in range(len(text) - NGRAM + 1))
