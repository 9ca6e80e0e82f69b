"""Sentences and clauses around a count, for the checks that read them.

What a count measures (its basis and measure key) is the extractor's to say
(``extractors.basis``, ``extractors.measures``); this module only finds the text around it.
"""

from __future__ import annotations

import re

from extractors.timewords import CUT_OFF, YEAR_TO_DATE
from pipeline.records import Fact

SENTENCE_ENDS = "。!?;\n"
# Brackets open an aside (`(沈阳市上会评审199家,通过评审192家)`) that is a clause of its own.
CLAUSE_ENDS = SENTENCE_ENDS + ",:()、"

# A clause that is only a time phrase carries over to the next one: `截至5月底,已认定8个`.
TIME_LEAD = re.compile(rf"^\s*(?:{CUT_OFF}|{YEAR_TO_DATE})")
TIME_LEAD_MAX = 12


def clause_start(text: str, pos: int, ends: str = CLAUSE_ENDS) -> int:
    """Offset just after the nearest clause end before ``pos``."""
    return max(text.rfind(ch, 0, pos) for ch in ends) + 1


def sentence_of(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the sentence holding ``pos``, end exclusive of its closing mark."""
    start = clause_start(text, pos, SENTENCE_ENDS)
    ends = [i for ch in SENTENCE_ENDS if (i := text.find(ch, pos)) >= 0]
    return start, min(ends) if ends else len(text)


def clause_of(text: str, fact: Fact) -> str:
    """The fact's clause up to the count, with a bare time phrase before it carried over."""
    start = clause_start(text, fact.start)
    if start > 0 and text[start - 1] in ",:":
        prev = clause_start(text, start - 1)
        if start - prev <= TIME_LEAD_MAX and TIME_LEAD.match(text[prev:start]):
            start = prev
    return text[start:fact.end]

