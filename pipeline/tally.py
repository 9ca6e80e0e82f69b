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
# sentence), `(一)`, or `1.`/`99.`/`1、` at a line start.
FIRST_HEADING = re.compile(r"[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|"
                           r"(?m:^[ \t]*\d{1,3}[.、](?!\d))")

TASK = r"(?:重点|主要|攻坚|目标)?(?:工作)?(?:任务|事项|指标|工作)?"
UNIT = r"[项件个条]"
# Each field's phrasings, from the seed and FORMATS §2/§5 tally sentences.
FIELD_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    # `共牵头负责8项` (seed), `牵头3项`
    "lead": (re.compile(rf"牵头(?:负责|承担)?(?:了)?{NUM}{UNIT}"),),
    # `责任负责2项` (seed), `配合5项`, `参与3项`
    "responsible": (re.compile(rf"(?:责任负责|配合(?:负责|完成)?|参与){NUM}{UNIT}"),),
    # `共10项任务`, `承担12项重点任务`, `涉及9项`; `共N项` not followed by a lead/responsible verb
    "total": (re.compile(rf"(?:共(?:有|计)?|承担|涉及){NUM}项{TASK}(?=[,，。;；、:：]|中|$)"),
              re.compile(rf"{NUM}项{TASK}中")),
    # `已完成任务1项` (seed), `已完成2项`, `完成26件`
    "completed": (re.compile(rf"已(?:全部)?完成(?:任务|整改)?{NUM}{UNIT}"),
                  re.compile(rf"{NUM}{UNIT}(?:任务)?已(?:全部)?完成")),
    # `其余9项任务完成计划月度任务` (seed), `序时推进5项`, `达到序时进度44项`, `6项按计划推进`
    "on_schedule": (re.compile(rf"其余{NUM}{UNIT}(?:任务)?(?:完成计划|按计划|按序时|达到序时|"
                               r"序时推进|正在推进|有序推进)"),
                    re.compile(rf"(?:按序时推进|序时推进|达到序时进度|达序时进度|按计划推进|"
                               rf"正在推进|推进中)(?:的有)?{NUM}{UNIT}"),
                    re.compile(rf"{NUM}{UNIT}(?:任务)?(?:按序时推进|序时推进|达到序时进度|"
                               r"按计划推进|正在推进)")),
    # `逾期1项`, `欠进度的有17个`, `滞后3项`, `未完成移交项目11个` is a count of things, not tasks
    "behind": (re.compile(rf"(?:逾期|滞后|欠进度|未达序时进度|未达到序时进度)(?:的有)?{NUM}{UNIT}"),
               re.compile(rf"{NUM}{UNIT}(?:任务)?(?:逾期|滞后|欠进度|未达序时)")),
}


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
    header = header_of(text)
    found: dict[str, int] = {}
    for name, patterns in FIELD_PATTERNS.items():
        hits = [m for p in patterns for m in p.finditer(header)]
        if hits:
            first = min(hits, key=lambda m: m.start())
            value = chinese_int(first.group(1))
            if value is not None:
                found[name] = value
    return Summary(**found)
