"""The header's own tally of its tasks (`共牵头负责8项、责任负责2项…已完成任务1项,其余9项…`).

Only the header is read (the text before the first numbered heading, at most HEADER_MAX
characters), and only numbers the header states are reported: a tally inside a section is
that section's business, not the bulletin's summary. The bucket words are the shared
vocabulary of extractors/buckets.py; a count stands before its bucket word (`已完成14项`,
`正常推进的有4件,占40%`) or after it (`其中两项已经完成`, `12项任务已全部完成`). Input is
NFKC-normalised text.
"""

from __future__ import annotations

import functools
import re

from extractors.buckets import (
    LEAD_ROLES,
    PARTNER_ROLES,
    SUMMARY_FIELD_OF_FAMILY,
    TALLY_PHRASES,
    alternation,
)
from extractors.numerals import whole_number
from extractors.units import TALLY_UNITS
from pipeline.read.lazy_pattern import LazyPattern, Pattern
from pipeline.records import Summary

HAN = r"\u3400-\u9fff"
CN_NUMERALS = "〇零一二两三四五六七八九十百千"
NUM = rf"(\d+|[{CN_NUMERALS}]+)"

# Headers are a paragraph or two; the seed's runs to about 300 characters.
HEADER_MAX = 600
# The first heading ends the header: `一、` anywhere (flattened pages glue it to the previous
# sentence), `(一)`, `第一项:`, or `1.`/`99.`/`1、` at a line start. The look-ahead names
# every character a heading can open with (the last branch's at its line's start), so that
# re tries the branches only there (as BUCKET_FIRST below).
HEADING_FIRST = r"(?=[一二三四五六七八九十(（第 \t\d])"
FIRST_HEADING = re.compile(rf"{HEADING_FIRST}(?:[一二三四五六七八九十]+、|"
                           r"[(（][一二三四五六七八九十]+[)）]|"
                           r"第[一二三四五六七八九十]{1,3}项\s*[:：、.]|"
                           r"(?m:^[ \t]*\d{1,3}[.、](?!\d)))")

UNIT = f"[{''.join(sorted(TALLY_UNITS))}]"
# What is counted, between a count and its bucket word or a total's end: `整改任务`, `民生实事`.
TASK = rf"(?:[{HAN}]{{0,6}}?(?:任务|事项|指标|工作|项目|实事))?"
# `已完成的有58个`, `欠进度的有17个`, `达到序时进度的为44项`: a bucket word, then its count.
HAS = r"(?:的?有|的?为|的)?\s*"  # \s: a hard line break from a PDF (`进度滞后\n3个`)
# Words between a bucket or role word and its count, inside one clause and holding no number:
# `提前完成或超额完成年度目标任务的有3件`, `两项受疫情和汛期影响进度滞后`.
GAP = r"[^,，。;；:：、\d〇零一二两三四五六七八九十百千\n]{0,12}?"
BUCKET = rf"(?P<word>{alternation(TALLY_PHRASES)})"
# A bucket word must not be the tail of its opposite: `未达到序时进度` is behind, not
# `达到序时进度`; `超序时进度` is ahead. Longest-first alternation settles most; this the rest.
NOT_NEGATED = r"(?<![未不欠超尚])"
# Look-aheads for the first character of a match: re tries a pattern that opens with a
# look-behind or a group of alternatives at every position, each alternative in turn; one
# test of the first character rejects most positions (several times faster), and the
# matches are the same.
BUCKET_FIRST = f"(?=[{re.escape(''.join(sorted({w[0] for w in TALLY_PHRASES})))}])"
# NUM read as its first character, then the rest of a run of that kind (`\d+` once a digit
# opened it, a Chinese numeral run once one of those did): a pattern that opens with a
# character set lets re jump between such characters in C, where a look-ahead first makes it
# try every position. The runs, and the lengths tried, are NUM's (a test checks).
NUM_RUN = rf"[\d{CN_NUMERALS}](?:(?<=\d)\d*|(?<=[{CN_NUMERALS}])[{CN_NUMERALS}]*)"
WORD_THEN_COUNT = re.compile(rf"{BUCKET_FIRST}{NOT_NEGATED}{BUCKET}{GAP}{HAS}"
                             rf"(?P<n>{NUM[1:-1]}){UNIT}")
# The gap is tried at each length up to its bound, each time with every bucket word: the
# look-ahead there rejects the lengths after which no bucket word can start.
COUNT_THEN_WORD = re.compile(rf"(?P<n>{NUM_RUN}){UNIT}{GAP}{BUCKET_FIRST}"
                             rf"{NOT_NEGATED}{BUCKET}(?!{GAP}{HAS}{NUM}{UNIT})")
# `其余9项任务完成计划月度任务` (seed): the rest, said to follow the plan.
REST_ON_PLAN = re.compile(rf"其余(?P<n>{NUM[1:-1]}){UNIT}(?:任务)?(?:均|都|仍|正在?)?完成计划")

ROLE_GAP = r"(?:(?!已|完成|推进|启动|滞后|序时)[^,，。;；:：、\d]){0,16}?"
ROLE_PATTERNS: dict[str, re.Pattern[str]] = {
    # `共牵头负责8项` (seed), `我局共牵头负责…重点任务六项`
    "lead": re.compile(rf"(?:{alternation(LEAD_ROLES)})(?:负责|承担)?(?:了|的)?{ROLE_GAP}"
                       rf"{NUM}{UNIT}"),
    # `责任负责2项` (seed), `协同推进重点任务4项`, `作为责任单位配合推进四项`
    "responsible": re.compile(rf"(?:{alternation(PARTNER_ROLES)})(?:推进|完成|负责|实施|承担)?"
                              rf"{ROLE_GAP}{NUM}{UNIT}"),
}

TOTAL_IN = "中"
TOTAL_PATTERNS = (
    # `共10项任务`, `承担的46项整改任务中`, `涉及9项`: a total only where the clause ends there
    re.compile(rf"(?:共(?:有|计)?|承担(?:的)?|涉及){NUM}项{TASK}(?=[,，。;；、:：]|中|$)"),
    # `纳入调度的220项目标任务中` (lazy, as it is guarded: see GUARDS)
    LazyPattern(rf"({NUM_RUN})项{TASK}{TOTAL_IN}"),
    # `我局负责重点任务9项`; `牵头负责` is the lead's. The look-behind stands after `负责`, which re
    # finds fast as the pattern's literal prefix, not before it, where re tries it at every
    # character; `负责` not after `牵头` is `负责` not ending `牵头负责`.
    re.compile(rf"负责(?<!牵头负责)(?:的)?{GAP}{NUM}项(?=[,，。;；:：]|$)"),
)
# What every match of a pattern holds, for one that re tries at every character (it opens
# with a number): a header without it is not searched, and a run whose headers never hold it
# never compiles the pattern.
GUARDS: dict[Pattern, str] = {TOTAL_PATTERNS[1]: TOTAL_IN}

# Any count of tasks or items the header states (`共涉及28个子项目`, `45项`).
# (Lazy: read only where a header's total disagrees with its buckets.)
STATED_COUNT = LazyPattern(rf"{NUM}\s*[项个件]")

# The number of tasks the header says the bulletin covers, in weaker phrasings read only when
# the patterns above find no total and every such phrase in the header gives one number:
# `确定了10件民生实事`, `确定的8个方面96项重点工作任务`, `分解为4个方面52项具体任务`,
# `明确重点任务54项`, `年初明确的35个民生实事项目`. A count of groups (`4个方面`) is skipped.
GROUPS = rf"(?:{NUM}(?:个|大)(?:方面|领域|类别|类|板块|主题)(?:共)?)?"
TASK_COUNT = r"(?:[项件]|个(?=(?:重点|民生)?(?:项目|事项|任务|实事)))"
TOTAL_WEAK = (
    re.compile(rf"(?:确定|明确)(?:了|的)?{GROUPS}{NUM}{TASK_COUNT}"),
    re.compile(rf"明确(?:了|的)?[^,，。;；:：\d]{{0,12}}?(?:任务|事项|项目){NUM}{TASK_COUNT}"),
    re.compile(rf"分解(?:为|成){GROUPS}{NUM}{TASK_COUNT}"),
)
# `其中超进度的有10个`: the ahead tasks are a part of a bucket already counted.
SUBSET_CUE = re.compile(r"其中[^,，。;；]{0,6}$")


# A page's header is asked for three times (its period, its publisher's `我厅`, its tally),
# of the same text or of that text without its title line: the last two answers are kept.
@functools.lru_cache(maxsize=2)
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
    for name, pattern in ROLE_PATTERNS.items():
        if (m := pattern.search(header)) and (value := whole_number(m.group(1))) is not None:
            found[name] = value
    total = _first_value(header, TOTAL_PATTERNS)
    if total is None:
        weak = {whole_number(m.group(m.lastindex or 1)) for p in TOTAL_WEAK
                for m in p.finditer(header)}
        if len(weak) == 1 and None not in weak:
            total = weak.pop()
    if total is not None:
        found["total"] = total
    for field, value in _buckets(header).items():
        found[field] = value
    _total_from_parts(header, found)
    return Summary(**found)


def _first_value(header: str, patterns: tuple[Pattern, ...]) -> int | None:
    hits = [m for p in patterns if GUARDS.get(p, "") in header for m in p.finditer(header)]
    return whole_number(min(hits, key=lambda m: m.start()).group(1)) if hits else None


def _buckets(header: str) -> dict[str, int]:
    """Each family's first count, then families summed into the summary's fields. A count
    read with its word before it wins over the same number read with a word after it."""
    hits: list[tuple[int, int, str, int]] = []  # (start of the count, its end, family, value)
    for pattern in (WORD_THEN_COUNT, COUNT_THEN_WORD):
        for m in pattern.finditer(header):
            value = whole_number(m.group("n"))
            span = m.span("n")
            if value is None or any(s < span[1] and span[0] < e for s, e, _, _ in hits):
                continue
            hits.append((*span, _family(m.group("word")), value))
    for m in REST_ON_PLAN.finditer(header):
        if (value := whole_number(m.group("n"))) is not None:
            hits.append((*m.span("n"), "on_schedule", value))
    first: dict[str, tuple[int, int]] = {}
    for start, _, family, value in sorted(hits):
        first.setdefault(family, (start, value))
    fields: dict[str, int] = {}
    for family, (start, value) in first.items():
        if family == "ahead" and SUBSET_CUE.search(header, 0, start) and "on_schedule" in first:
            continue  # `其中超进度的有8个` is a part of the on-schedule count
        field = SUMMARY_FIELD_OF_FAMILY[family]
        fields[field] = fields.get(field, 0) + value
    return fields


def _family(word: str) -> str:
    return TALLY_PHRASES[word]


def _total_from_parts(header: str, found: dict[str, int]) -> None:
    """`十项重点民生实事,共涉及28个子项目…已完成4个,按序时推进21个,进度滞后3个`: where the
    total read disagrees with its buckets and they add up to another number the header
    states, that number is the total."""
    parts = [found[b] for b in ("completed", "on_schedule", "behind") if b in found]
    if "total" not in found or len(parts) < 2 or found["total"] == sum(parts):
        return  # a total the header does not state is not inferred
    stated = {whole_number(m.group(1)) for m in STATED_COUNT.finditer(header)}
    if sum(parts) in stated:
        found["total"] = sum(parts)
