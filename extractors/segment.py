"""jieba, on small windows only: the slowest step, so it runs where a regex cannot decide.

Two questions go to jieba: is a Chinese numeral a word of its own (`三个` yes, `三好街`,
`统一` no), and which words around a count are nouns (its object) or verbs (its predicate).
"""

from __future__ import annotations

import logging
from functools import lru_cache

import jieba
import jieba.posseg

jieba.setLogLevel(logging.WARNING)

# jieba part-of-speech flags read as nouns when building a counted thing's name.
# `l` (粮食作物, 专项规划) and `zg` (村) are how jieba tags many domain nouns.
NOUN_FLAGS = frozenset(
    {"n", "nr", "ns", "nt", "nz", "ng", "nrt", "nrfg", "j", "eng", "nw", "l", "zg"}
)
VERB_FLAGS = frozenset({"v", "vd", "vi", "vg", "vq"})


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[tuple[str, str], ...]:
    """(word, flag) pairs of a short window, cached: windows repeat across bulletins.

    Dictionary words only (no HMM guesses for unknown words): measured on the gold and
    held-out sets, objects agree as often or more, and extraction runs 1.7× faster.
    """
    return tuple((w.word, w.flag) for w in jieba.posseg.lcut(text, HMM=False))


@lru_cache(maxsize=65536)
def token_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans = []
    pos = 0
    for word in jieba.lcut(text, HMM=False):
        spans.append((pos, pos + len(word)))
        pos += len(word)
    return tuple(spans)


def stands_alone(window: str, start: int, end: int) -> bool:
    """True when window[start:end] (a numeral with its unit) does not sit inside a word.

    `三好街` → False: jieba's token runs past the numeral into no unit; `统一` → False: the
    token starts before the numeral.
    """
    for tok_start, tok_end in token_spans(window):
        if tok_start < start < tok_end:
            return False
        if tok_start < end < tok_end:
            return False
    return True


@lru_cache(maxsize=65536)
def title_words(title: str) -> tuple[str, ...]:
    """The words of a task title, for comparing titles across periods (pipeline.audit.linking)."""
    return tuple(jieba.lcut(title.strip(), HMM=False))
