"""What a count measures within its task: ``target``, ``cumulative``, ``period``, ``rate`` or null.

The basis cue words live here and nowhere else. The cues come from the issue, the heldout5
README's proposed rule and the monthly releases it researched (county 民生工程 notices with
`已完成N个`/`完成率X%`, 人社 releases with `1至6月…完成全年目标任务的59%`, 发改委 重点项目
reports with `1-10月累计完成投资…` next to `10月单月…`). Checked with the `pages` search corpus:
city 重点项目 monthly reports (`1-10月项目累计完成投资…占年度投资计划的97.2%`, `10月单月…`,
`截至8月底,项目开累完成投资…`) and 人社/统计局 releases (`1至6月,全国城镇新增就业654万人,完成
全年目标任务的59%`, `前三季度`).

Order matters: a task title's number is its goal whatever else it says; a rate is a rate; a
change (`较上月多增580人`) or what is left (`剩余1个`) measures no progress; a month's or
quarter's own figure is named as such; then running totals; a count in a task's progress text
with no cue is its level at the bulletin's cut-off, which is cumulative.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from extractors.measures import clean_object
from extractors.prefilter import could_match, guard
from extractors.segment import READINGS_CACHED
from extractors.sentences import Marks
from extractors.timewords import CUT_OFF, SINGLE_MONTH, THIS_PERIOD, YEAR_TO_DATE, strip_time
from extractors.units import RATE_UNITS

BASES = ("target", "cumulative", "period", "rate")

# A goal stated in progress text: `全年目标5万人`, `计划开工12个`, `力争`.
TARGET_CUES = re.compile(r"目标|计划|力争|年度任务|任务数|全年任务")
# `含本月15场`, `本月新增310个`, `6月当月`, `二季度`, `三季度以来`.
PERIOD_CUES = re.compile(rf"含本月|{THIS_PERIOD}")
SINGLE_MONTH_CUE = re.compile(SINGLE_MONTH)
# `累计`, `开累` (since work began), `截至4月底`, `共`, `1—N月`, `今年以来`, `上半年`; `共同`,
# `共享`, `共建` are no totals.
CUMULATIVE_CUES = re.compile(rf"累计|开累|{CUT_OFF}|共(?![同享建商赢])|总计|合计|{YEAR_TO_DATE}")
# `(1—7月)` right after a count dates it as a running total (matched at the count's end).
TRAILING_SPAN = re.compile(rf"\s*[(（]\s*(?:{YEAR_TO_DATE})\s*[)）]")
# A change from the last period, or what remains: no basis.
CHANGE_CUES = re.compile(r"较上|比上|环比|多增|少增|增加了|减少了|剩余|尚余|还剩|尚有|仍有")
# `城东停车场(320个泊位)`: a count that is a whole aside describes the thing before it (its
# size), it reports no progress.
ASIDE = re.compile(r"[^,，;；。()（）]{0,8}[)）]")
# A time word holds over a list (`本月完成投资8.3亿元、新开工项目3个`) and a quoted label
# (`本月组织“就业援助月”活动12场`), so these clauses end only at punctuation and brackets.
MAX_ASIDE = 8
CLAUSE_ENDS = Marks(",，;；。:：!?！？()（）[]【】\n")
SENTENCE_ENDS = Marks("。;；!?！？\n")
# A clause that is only a time phrase carries over to the next one: `截至5月底,新建充电桩1200个`.
TIME_LEAD = re.compile(rf"^\s*(?:{CUT_OFF}|{YEAR_TO_DATE}|{THIS_PERIOD}|{SINGLE_MONTH})\s*$")
# The characters each time cue needs (extractors/prefilter.py): most clauses and sentences
# hold none, and are answered without running the long alternations.
PERIOD_CHARS = guard(PERIOD_CUES)
SINGLE_MONTH_CHARS = guard(SINGLE_MONTH_CUE)
TIME_CUES = ((PERIOD_CUES, "period"), (CUMULATIVE_CUES, "cumulative"), (SINGLE_MONTH_CUE, "period"))
TIME_CUE_CHARS = guard(*(pattern for pattern, _ in TIME_CUES))


# A table column's header says what its cells are (`年度计划投资`, `1-6月完成`, `完成率(%)`,
# `本月新增`): the running-text cues above, plus a share of the goal (`完成率`, `完成进度`,
# `占年度计划%`, `增速`) and a column of what is done (`完成`, `实际完成`), which is the level
# reached at the cut-off. Headers seen on 重点项目 and 主要指标 tables (`计划投资|完成投资|
# 占年度目标%`, hunan.gov.cn 2014; `年度目标|1-6月完成|完成进度(%)`, FORMATS §9a).
COLUMN_RATE_CUES = re.compile(r"完成率|完成进度|进度|占比|比重|增速|增幅|[(（]\s*%\s*[)）]")
COLUMN_DONE_CUES = re.compile(r"实际完成|累计完成|完成|实际|实绩")
# Header words that say how a number is given, not what it counts (`1-6月完成 | 绝对值`).
COLUMN_FORM_WORDS = re.compile(r"绝对值|数值|数量|指标值")


def column_basis(label: str) -> str | None:
    """The basis of the numbers under a column headed ``label``; None when it says none
    (`总投资`, `绝对值`)."""
    if COLUMN_RATE_CUES.search(label):
        return "rate"
    if TARGET_CUES.search(label):
        return "target"
    if PERIOD_CUES.search(label) or SINGLE_MONTH_CUE.search(label):
        return "period"
    if CUMULATIVE_CUES.search(label) or COLUMN_DONE_CUES.search(label):
        return "cumulative"
    return None


def column_thing(label: str) -> str | None:
    """What a column header names once its basis and time words are read off: `年度计划投资`
    and `1-10月完成投资` both count `投资`; `年度目标`, `1-6月完成` name nothing."""
    thing = strip_time(COLUMN_FORM_WORDS.sub("", _column_basis_words().sub("", label)))
    return clean_object(thing.strip(" 的"))


@cache
def _column_basis_words() -> re.Pattern[str]:
    """Every basis cue a column header may hold, in one alternation: compiled when the first
    header is read, not at every start (1.2 ms: it repeats each time word's classes, and
    most runs read no table)."""
    return re.compile(
        rf"{COLUMN_RATE_CUES.pattern}|{TARGET_CUES.pattern}|{COLUMN_DONE_CUES.pattern}|"
        rf"{CUMULATIVE_CUES.pattern}|{PERIOD_CUES.pattern}|{SINGLE_MONTH}")


def clause_before(text: str, pos: int, lo: int) -> str:
    """The clause up to ``pos``, with a bare time phrase before it carried over; an aside
    right before the count is read past (`畜禽养殖场(户)136家`)."""
    start = pos
    if start > lo and text[start - 1] in ")）":
        opener = max(text.rfind("(", lo, start), text.rfind("（", lo, start))
        if opener >= 0 and start - opener <= MAX_ASIDE:
            start = opener
    start = CLAUSE_ENDS.start_before(text, start, lo)
    if start > lo and text[start - 1] in ",，:：":
        prev = CLAUSE_ENDS.start_before(text, start - 1, lo)
        if TIME_LEAD.match(text[prev:start - 1]):
            start = prev
    return text[start:pos]


def basis_of(text: str, start: int, end: int, unit: str, lo: int, hi: int, *,
             in_task: bool, in_title: bool) -> str | None:
    """The basis of the count ``text[start:end]`` in the stretch ``text[lo:hi]``.

    Outside a task (a bulletin's header tally of its tasks) only rates have a basis.
    """
    if in_title:
        return "target"
    if unit in RATE_UNITS:
        return "rate"
    if not in_task:
        return None
    clause = clause_before(text, start, lo)
    settled, single_month, goal = _clause_cues(clause)
    if settled:
        return None if settled == "change" else settled
    if TRAILING_SPAN.match(text, end, hi):
        return "cumulative"
    if start > lo and text[start - 1] in "(（" and ASIDE.match(text, end, hi):
        return None
    if single_month:
        return "period"
    label = _label_before(text, start - len(clause), lo)
    if goal or TARGET_CUES.search(label):
        return "target"
    return _sentence_time(text, start - len(clause), lo) or "cumulative"


@lru_cache(maxsize=READINGS_CACHED)
def _clause_cues(clause: str) -> tuple[str | None, bool, bool]:
    """What a count's clause says by its own words, read once per clause (they recur across
    counts and bulletins: `截至4月底共完成`, `本月新增`): the basis it settles before anything
    around the count is read (``change`` for a change or what is left, which has none;
    ``period``; ``cumulative``), and whether it names a single month and a goal."""
    if CHANGE_CUES.search(clause):
        return "change", False, False
    if could_match(PERIOD_CHARS, clause) and PERIOD_CUES.search(clause):
        return "period", False, False
    if CUMULATIVE_CUES.search(clause):
        return "cumulative", False, False
    single_month = bool(could_match(SINGLE_MONTH_CHARS, clause)
                        and SINGLE_MONTH_CUE.search(clause))
    return None, single_month, bool(TARGET_CUES.search(clause))


def _label_before(text: str, clause_start: int, lo: int) -> str:
    """The label a clause follows (`整改目标:治理采煤塌陷区3.2万亩`), else ''."""
    if clause_start <= lo or text[clause_start - 1] not in ":：":
        return ""
    start = CLAUSE_ENDS.start_before(text, clause_start - 1, lo)
    return text[start:clause_start - 1]


def _sentence_time(text: str, clause_start: int, lo: int) -> str | None:
    """The time an earlier clause of the sentence sets: `本月受理入库申请53家,审核通过44家`
    are both this month's; the last time cue before the clause holds."""
    start = SENTENCE_ENDS.start_before(text, clause_start, lo)
    before = text[start:clause_start]
    if not could_match(TIME_CUE_CHARS, before):
        return None
    last: tuple[int, str] | None = None  # the cue starting last; `period` wins a tie
    for pattern, kind in TIME_CUES:
        for m in pattern.finditer(before):
            if last is None or (m.start(), kind) > last:
                last = (m.start(), kind)
    return last[1] if last else None
