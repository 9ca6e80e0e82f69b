"""Sentences and clauses around a count, for the checks that read them.

What a count measures (its basis and measure key) is the extractor's to say
(``extractors.basis``, ``extractors.measures``); this module only finds the text around it.
"""

from __future__ import annotations

import re

from extractors.sentences import clause_start
from extractors.timewords import CUT_OFF, YEAR_TO_DATE
from pipeline.records import Fact

# A clause that is only a time phrase carries over to the next one: `截至5月底,已认定8个`.
TIME_LEAD = re.compile(rf"^\s*(?:{CUT_OFF}|{YEAR_TO_DATE})")
TIME_LEAD_MAX = 12


def clause_of(text: str, fact: Fact) -> str:
    """The fact's clause up to the count, with a bare time phrase before it carried over."""
    start = clause_start(text, fact.start)
    if start > 0 and text[start - 1] in ",:":
        prev = clause_start(text, start - 1)
        if start - prev <= TIME_LEAD_MAX and TIME_LEAD.match(text[prev:start]):
            start = prev
    return text[start:fact.end]

