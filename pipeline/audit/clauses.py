"""Sentences and clauses around a count, and what they say about it.

A count is *cumulative* when its clause says so (`截至7月底共举办72场`, `今年以来累计`,
`1-5月`): only those must never shrink from one period to the next. A count's *metric*
is what it measures with the time words taken out, so that `截至5月底共上会评审` and
`截至6月底共上会评审` are one series.
"""

from __future__ import annotations

import re

from extractors.sentences import clause_start
from pipeline.records import Fact

# The list: 截至, 累计, 共, 今年以来, 1-N月.
# `共同`, `共享`, `共建` are no totals.
CUMULATIVE = re.compile(r"截至|截止|累计|共(?![同享建商赢])|今年以来|年初以来|"
                        r"1\s?[-~至到—]\s?\d{1,2}月|一至[一二三四五六七八九十]+月")
# A clause that is only a time phrase carries over to the next one: `截至5月底,已认定8个`.
TIME_LEAD = re.compile(r"^\s*(截至|截止|今年以来|年初以来|1\s?[-~至到—]\s?\d{1,2}月)")
TIME_LEAD_MAX = 12

# Time and tally words stripped from a predicate to name its metric; a predicate may hold
# all of `截至5月底共` or, depending on where the extractor starts it, only `月底共`.
METRIC_NOISE = re.compile(
    r"[^,;。]*?(?:月底|月末|年底|年末)|截[至止][^,;。]*?(?:底|末|日)|今年以来|年初以来|今年上半年|上半年|"
    r"下半年|本月|当月|本季度|\d{1,2}\s?[-~至到—]\s?\d{1,2}月|一至[一二三四五六七八九十]+月|"
    r"累计|共计|共|全省|全市|已经|已|了"
)


def clause_of(text: str, fact: Fact) -> str:
    """The fact's clause up to the count, with a bare time phrase before it carried over."""
    start = clause_start(text, fact.start)
    if start > 0 and text[start - 1] in ",:":
        prev = clause_start(text, start - 1)
        if start - prev <= TIME_LEAD_MAX and TIME_LEAD.match(text[prev:start]):
            start = prev
    return text[start:fact.end]


def is_cumulative(text: str, fact: Fact) -> bool:
    return bool(CUMULATIVE.search(clause_of(text, fact)))


def metric_of(fact: Fact) -> str:
    """`上会评审 高新技术企业 (家)`: entity, predicate and object without time words, and unit."""
    predicate = METRIC_NOISE.sub("", fact.predicate or "").strip(" 的")
    words = [w for w in (fact.entity, predicate, fact.object) if w]
    return f"{' '.join(words)} ({fact.unit})" if words else f"({fact.unit})"
