"""Sentences and clauses: the one definition of where they end, for every stage.

The count grammar, the context reader, the audit's clause reading, search and the
highlight page all cut text here, so the sentence a check quotes is the sentence search
shows. Stages that need a narrower cut (a qualifier binds up to a comma) build it from
these sets, saying why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SENTENCE_ENDS = "。!?;\n"
# Brackets open an aside (`(沈阳市上会评审199家,通过评审192家)`) that is a clause of its own.
CLAUSE_ENDS = SENTENCE_ENDS + ",:()、"


class Marks:
    """A set of clause or sentence marks, and where the nearest one stands before or after a
    position within a stretch of text.

    Counts ask this several times each (where their clause, sentence and stretch start), and
    a loop over characters in Python cost about 45 ns a character. Backwards, the search
    matches ``.*`` and a mark from a chunk's start (the greedy run backs off from the end to
    the chunk's last mark), in chunks that grow from 16 to at most 4,096 characters: short
    distances stay cheap, and nothing is copied (a reversed slice per chunk took three
    times as long on a clause's usual distance).
    """

    FIRST_CHUNK = 16
    MAX_CHUNK = 4096

    def __init__(self, chars: Iterable[str]) -> None:
        self.chars = frozenset(chars)
        self._class = re.compile("[" + "".join(map(re.escape, sorted(self.chars))) + "]")
        self._last = re.compile("(?s:.*)" + self._class.pattern)

    def start_before(self, text: str, pos: int, lo: int) -> int:
        """The offset just after the last mark in ``text[lo:pos]``; ``lo`` if none (``pos``
        itself when it is not past ``lo``)."""
        hi = min(pos, len(text))
        size = self.FIRST_CHUNK
        while hi > lo:
            start = max(lo, hi - size)
            mark = self._last.match(text, start, hi)  # ends just after the chunk's last mark
            if mark:
                return mark.end()
            hi = start
            size = min(size * 4, self.MAX_CHUNK)
        return hi

    def end_after(self, text: str, pos: int, hi: int) -> int:
        """The offset of the first mark in ``text[pos:hi]``; ``hi`` if none (``pos`` itself
        when it is not before ``hi``)."""
        if pos >= hi:
            return pos
        mark = self._class.search(text, pos, hi)
        return mark.start() if mark else hi


_CLAUSE_MARKS = Marks(CLAUSE_ENDS)
_SENTENCE_MARKS = Marks(SENTENCE_ENDS)


def clause_start(text: str, pos: int) -> int:
    """Offset just after the nearest clause end before ``pos``."""
    return _CLAUSE_MARKS.start_before(text, pos, 0)


def sentence_span(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """Offsets of the sentence around ``text[start:end]``: from after the previous sentence
    end (leading spaces skipped) to its own closing mark, included."""
    end = start if end is None else end
    left = _SENTENCE_MARKS.start_before(text, start, 0)
    close = _SENTENCE_MARKS.end_after(text, end, len(text))
    right = close + 1 if close < len(text) else len(text)
    while left < start and text[left].isspace():
        left += 1
    return left, right
