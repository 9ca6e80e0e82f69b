"""The header's own tally of its tasks (`共牵头负责8项、责任负责2项…已完成任务1项,其余9项…`).

Only the header is read (the text before the first numbered heading, at most HEADER_MAX
characters), and only numbers the header states are reported: a tally inside a section is
that section's business, not the bulletin's summary. Input is NFKC-normalised text.
"""

from __future__ import annotations

import re

from pipeline.records import Summary

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
NUM = r"(\d+|[〇零一二两三四五六七八九十百千]+)"

# Headers are a paragraph or two; the seed's runs to about 300 characters.
HEADER_MAX = 600
# The first heading ends the header: `一、` anywhere (flattened pages glue it to the previous
# sentence), `(一)`, `第一项:`, or `1.`/`99.`/`1、` at a line start.
FIRST_HEADING = re.compile(r"[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|"
                           r"第[一二三四五六七八九十]{1,3}项\s*[:：、.]|"
                           r"(?m:^[ \t]*\d{1,3}[.、](?!\d))")

TASK = r"(?:重点|主要|攻坚|目标)?(?:工作)?(?:任务|事项|指标|工作)?"
UNIT = r"[项件个条]"
# `已完成的有58个`, `欠进度的有17个`, `达到序时进度的为44项`: a bucket word, then its count.
HAS = r"(?:的?有|的?为|的)?\s*"  # \s: a hard line break from a PDF (`进度滞后\n3个`)

# The buckets' words as tally sentences write them (FORMATS §5). A word must not be the tail
# of its opposite: `未达到序时进度` is behind, not `达到序时进度`; `超序时进度` is ahead.
NOT_NEGATED = r"(?<![未不欠超后])"
ON_SCHEDULE_WORDS = (r"(?:基本)?(?:按序时推进|序时推进|达序推进|达到序时进度|达序时进度|达进度|"
                     r"按计划推进|正在推进|推进中|有序推进|正常推进|顺利推进|按期推进)")
# Ahead of schedule: `超进度的有10个`, `超序时进度6项`.
AHEAD_WORDS = r"(?:超进度|超序时进度|超序时)"
BEHIND_WORDS = (r"(?:逾期|进度滞后|滞后于序时进度|滞后序时进度|滞后序时|滞后|欠序时进度|欠进度|"
                r"未达到序时进度|未达到序时|未达序时进度|未达序时|未完成)")

# Each field's phrasings, from the seed and FORMATS §2/§5 tally sentences.
FIELD_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    # `共牵头负责8项` (seed), `牵头3项`
    "lead": (re.compile(rf"牵头(?:负责|承担)?(?:了)?{NUM}{UNIT}"),
             # `我局牵头负责市委市政府为民办实事项目4项`, `涉及我委牵头任务6项`: what is led,
             # then its count, in one clause
             re.compile(rf"(?:我|本)[厅局委办]牵头(?:负责|承担)?(?:的)?"
                        rf"(?:(?!已|完成|推进|启动|滞后|序时)[^,，。;；:：\d]){{0,16}}?{NUM}项")),
    # `责任负责2项` (seed), `配合5项`, `参与3项`
    "responsible": (re.compile(rf"(?:责任负责|配合(?:负责|完成)?|参与){NUM}{UNIT}"),),
    # `共10项任务`, `承担12项重点任务`, `涉及9项`; `共N项` not followed by a lead/responsible verb;
    # `纳入调度的220项目标任务中`
    "total": (re.compile(rf"(?:共(?:有|计)?|承担|涉及){NUM}项{TASK}(?=[,，。;；、:：]|中|$)"),
              re.compile(rf"{NUM}项{TASK}中")),
    # `已完成任务1项` (seed), `已完成2项`, `完成26件`, `已完成的有58个`
    "completed": (re.compile(rf"已(?:全部)?完成(?:任务|整改)?{HAS}{NUM}{UNIT}"),
                  re.compile(rf"{NUM}{UNIT}(?:任务)?已(?:全部)?完成")),
    # `其余9项任务完成计划月度任务` (seed), `序时推进5项`, `达到序时进度44项`, `6项按计划推进`,
    # `达序推进38项` (table tallies), `达到序时进度的有145个`
    # `其余5项均按计划推进`
    "on_schedule": (re.compile(rf"其余{NUM}{UNIT}(?:任务)?(?:均|都|仍|正在?)?"
                               r"(?:完成计划|按计划|按序时|达到序时|序时推进|正在推进|有序推进)"),
                    re.compile(rf"{NOT_NEGATED}{ON_SCHEDULE_WORDS}{HAS}{NUM}{UNIT}"),
                    re.compile(rf"{NUM}{UNIT}(?:任务)?{ON_SCHEDULE_WORDS}")),
    # `超进度的有10个`, `超序时进度6项`: folded into on_schedule by find_summary.
    "ahead": (re.compile(rf"{AHEAD_WORDS}{HAS}{NUM}{UNIT}"),
              re.compile(rf"{NUM}{UNIT}(?:任务)?{AHEAD_WORDS}")),
    # `未启动1项`, `尚未启动2项`
    "not_started": (re.compile(rf"(?:尚)?未(?:正式)?启动{HAS}{NUM}{UNIT}"),
                    re.compile(rf"{NUM}{UNIT}(?:任务)?(?:尚)?未(?:正式)?启动")),
    # `逾期1项`, `欠进度的有17个`, `滞后序时7项`, `未达序时进度4项`; `未完成移交项目11个` is a
    # count of things, not tasks
    "behind": (re.compile(rf"{BEHIND_WORDS}{HAS}{NUM}{UNIT}"),
               re.compile(rf"{NUM}{UNIT}(?:任务)?{BEHIND_WORDS}")),
}

# Any count of tasks or items the header states (`共涉及28个子项目`, `45项`).
STATED_COUNT = re.compile(rf"{NUM}\s*[项个件]")

# The number of tasks the header says the bulletin covers, in weaker phrasings read only when
# the patterns above find no total and every such phrase in the header gives one number:
# `确定了10件民生实事`, `确定的8个方面96项重点工作任务`, `分解为4个方面52项具体任务`. A count of
# groups (`4个方面`) is skipped for the count of tasks after it.
GROUPS = rf"(?:{NUM}(?:个|大)(?:方面|领域|类别|类|板块|主题)(?:共)?)?"
TASK_COUNT = r"(?:[项件]|个(?=(?:重点|民生)?(?:项目|事项|任务|实事)))"
TOTAL_WEAK = (
    re.compile(rf"确定(?:了|的)?{GROUPS}{NUM}{TASK_COUNT}"),
    re.compile(rf"分解(?:为|成){GROUPS}{NUM}{TASK_COUNT}"),
)
# `其中超进度的有10个`: the ahead tasks are a part of a bucket already counted.
SUBSET_CUE = re.compile(r"其中[^,，。;；]{0,6}$")


def chinese_int(token: str) -> int | None:
    """`8` → 8, `十二` → 12, `两` → 2, `一百零五` → 105; None for anything else."""
    if token.isdigit():
        return int(token)
    total, current = 0, 0
    for ch in token:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


def header_of(text: str) -> str:
    m = FIRST_HEADING.search(text, 0, HEADER_MAX)
    return text[: m.start()] if m else text[:HEADER_MAX]


def find_summary(text: str) -> Summary:
    """The header's tally. The contract's fields have no "ahead of schedule" bucket: a task
    ahead of schedule is on schedule (and in_progress as a section status, see status.py),
    so a header's ahead count is added to its on-schedule count, unless the header gives it
    as a part of another bucket (`其中超进度的有10个`)."""
    header = header_of(text)
    found: dict[str, int] = {}
    ahead_is_subset = False
    for name, patterns in FIELD_PATTERNS.items():
        hits = [m for p in patterns for m in p.finditer(header)]
        if hits:
            first = min(hits, key=lambda m: m.start())
            value = chinese_int(first.group(1))
            if value is not None:
                found[name] = value
                if name == "ahead":
                    ahead_is_subset = bool(SUBSET_CUE.search(header, 0, first.start()))
    if "total" not in found:
        weak = {chinese_int(m.group(m.lastindex or 1)) for p in TOTAL_WEAK
                for m in p.finditer(header)}
        if len(weak) == 1 and None not in weak:
            found["total"] = weak.pop()
    ahead = found.pop("ahead", None)
    if ahead is not None and not ahead_is_subset:
        found["on_schedule"] = found.get("on_schedule", 0) + ahead
    _total_from_parts(header, found)
    return Summary(**found)


def _total_from_parts(header: str, found: dict[str, int]) -> None:
    """`十项重点民生实事,共涉及28个子项目…已完成4个,按序时推进21个,进度滞后3个`: where the
    total read disagrees with its buckets and they add up to another number the header
    states, that number is the total."""
    parts = [found[b] for b in ("completed", "on_schedule", "behind") if b in found]
    if "total" not in found or len(parts) < 2 or found["total"] == sum(parts):
        return  # a total the header does not state is not inferred
    stated = {chinese_int(m.group(1)) for m in STATED_COUNT.finditer(header)}
    if sum(parts) in stated:
        found["total"] = sum(parts)
