"""Sentences and clauses: the one definition of where they end, for every stage.

The count grammar, the context reader, the audit's clause reading, search and the
highlight page all cut text here, so the sentence a check quotes is the sentence search
shows. Stages that need a narrower cut (a qualifier binds up to a comma) build it from
these sets, saying why.
"""

from __future__ import annotations

SENTENCE_ENDS = "。!?;\n"
# Brackets open an aside (`(沈阳市上会评审199家,通过评审192家)`) that is a clause of its own.
CLAUSE_ENDS = SENTENCE_ENDS + ",:()、"


def clause_start(text: str, pos: int, ends: str = CLAUSE_ENDS) -> int:
    """Offset just after the nearest clause end before ``pos``."""
    return max(text.rfind(ch, 0, pos) for ch in ends) + 1


def sentence_span(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """Offsets of the sentence around ``text[start:end]``: from after the previous sentence
    end (leading spaces skipped) to its own closing mark, included."""
    end = start if end is None else end
    left = clause_start(text, start, SENTENCE_ENDS)
    closes = [i for ch in SENTENCE_ENDS if (i := text.find(ch, end)) >= 0]
    right = min(closes) + 1 if closes else len(text)
    while left < start and text[left].isspace():
        left += 1
    return left, right
