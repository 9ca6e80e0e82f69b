"""Time words: phrases that say when or over what span a count holds, never what it counts.

One vocabulary for the whole extractor: the basis of a count reads its cues from here
(``extractors.basis``), and predicates and objects have these phrases taken out
(``extractors.measures``), so `截至5月底共上会评审` and `截至六月底累计上会评审` name one measure.
Seen in the seed, the red-team sets and provincial 就业/重点项目 monthly releases (`1至6月`,
`1—8月`, `前三季度`, `6月当月`, `三季度以来`).
"""

from __future__ import annotations

import re

from extractors.prefilter import could_match, guard

CN_DIGITS = "一二三四五六七八九十"
_MONTH_NO = rf"(?:\d{{1,2}}|[{CN_DIGITS}]{{1,3}})"
_DASH = r"\s?[-~至到—－]\s?"

# The running span since the year began: `1—6月`, `一至六月`, `今年以来`, `上半年`, `前三季度`.
YEAR_TO_DATE = (
    rf"(?:1|一){_DASH}{_MONTH_NO}月份?|今年以来|年初以来|开年以来|上半年|前三季度|全年累计"
)
# A cut-off date: `截至4月底`, `截止目前`, `截至2024年6月30日`.
CUT_OFF = r"截[至止](?:目前|[^,;。，；]{0,12}?(?:底|末|日|止|前))|截[至止]"
# One month or quarter: `本月`, `当月`, `单月`, `6月份`, `二季度`, `三季度以来`.
THIS_PERIOD = (
    rf"本月|当月|单月|本季度|当季|(?<!前)[{CN_DIGITS[:4]}1-4]季度(?:以来)?|第[{CN_DIGITS[:4]}1-4]季度"
)
SINGLE_MONTH = rf"(?<![\d{CN_DIGITS}—\-~至到－]){_MONTH_NO}月份?(?![底末中初上下旬\d])"

# Every time phrase, longest alternatives first, as stripped from a predicate or object. The
# trailing fragments (`月底`, `月份`) are what is left where a digit cut the words before a count.
TIME_PHRASE = re.compile(
    rf"{CUT_OFF}|{YEAR_TO_DATE}|{THIS_PERIOD}|{_MONTH_NO}月份?(?:底|末|中旬|上旬|下旬|以来)?|"
    r"\d{4}\s?年度?|今年|全年|年内|年度|下半年|年底|年末|月底|月末|月份|月度|目前|同期|以来|"
    r"^\s?(?:月|年|日|号)"
)


# Most phrases hold no time word, and none of the characters every time phrase holds.
TIME_CHARS = guard(TIME_PHRASE)


def strip_time(phrase: str) -> str:
    """The phrase without its time words: `截至5月底共上会评审` → `共上会评审`."""
    return TIME_PHRASE.sub("", phrase) if could_match(TIME_CHARS, phrase) else phrase
