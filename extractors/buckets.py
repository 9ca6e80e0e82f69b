"""Progress buckets: every printed phrase that says how far a task has got, in families.

One vocabulary read three ways: a section's status marker (pipeline/read/status.py), the
header's tally of its tasks (pipeline/read/tally.py) and, for the count grammar, the words
that make a count a bucket of tasks rather than a count of things (TALLY_WORDS).

A family maps onto a section status and a summary field; the printed phrase is kept by the
callers (a marker as printed, a tally by its field). Phrases were collected from public
supervision notices found with the `search` tool (pages corpus); the addresses are listed
per family (and in tests/heldout6/README.md). Nothing is copied but the bucket words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _already(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """Each phrase also with `已`/`已经` before it: offices print a completion either way
    (`提前完成` and `已提前完成`, sthjj.cnbz.gov.cn; `如期完成` and `已如期完成`)."""
    prefixed = (f"{already}{p}" for p in phrases if not p.startswith("已")
                for already in ("已", "已经"))
    return tuple(dict.fromkeys((*phrases, *prefixed)))


# Finished for the reporting year, also early, beyond target, or closed after rectification.
# Sources: xuancheng.gov.cn/OpennessContent/show/2044556.html (已完成),
# sthjj.cnbz.gov.cn/ztzl/msgc/14460961.html (已提前完成或超额完成),
# ahjinzhai.gov.cn/public/6596281/38062166.html (已完成和提前完成),
# 7263355.com …/2399a463… (已提前完成全年任务), xiuzhiben.com/ns_news/248166036415157
# (已全部完成或超额完成), qdyyxzs.com …/html1042017948… (已经完成或基本完成),
# yybnet.net/liaocheng/news/202011/11004157.html (已完成整改, 销号),
# m.zhuangpeitu.com/article/130947064.html (已经完成，长期坚持), FORMATS.md §5.
COMPLETED = _already((
    "已完成", "完成", "基本完成", "已基本完成", "全部完成", "已全部完成", "如期完成", "提前完成",
    "超额完成", "已办结", "办结", "已经完成", "已提前完成全年任务", "已提前完成全年目标任务",
    "提前超额完成全年任务", "已完成或超额完成", "已全部完成或超额完成", "已完成或基本完成",
    "已经完成或基本完成", "提前完成或超额完成", "已提前完成或超额完成", "已完成和提前完成",
    "已完成(含基本完成)", "完成到位", "已整改到位", "已验收销号", "完成交账销号",
    "已完成交账销号", "已完成整改", "已完成整改并销号", "已整改完成", "提前办结",
))

# Under way at the planned pace. Sources: xuancheng.gov.cn (达到序时进度),
# ahjinzhai.gov.cn (达进度), sthjj.cnbz.gov.cn (正常推进), chengxiang.gov.cn
# /zwgk/wmbss/202101/t20210129_1571508.htm (按序时推进), kq.gov.cn/art/2023/11/16/
# art_1229760972_59195505.html (顺利推进), haowenren.com/29330.html (按计划正常执行),
# tjj.hunan.gov.cn …/t20150717_3802012.html (与时间进度同步), qdyyxzs.com (年底前能确保完成),
# hbsb.xny365.com/article-17110.html (其余…正积极推进).
ON_SCHEDULE = (
    "正在推进", "推进中", "持续推进", "按序时推进", "序时推进", "达序推进", "达到序时进度",
    "达到序时", "达序时进度", "基本达序时进度", "达进度", "按计划推进", "按计划完成节点任务",
    "有序推进", "稳步推进", "正常推进", "顺利推进", "按期推进", "正按计划全力推进中", "进展顺利",
    "年底前能确保完成", "达到或超过序时进度", "达到或超过时序进度", "达到或超过目标进度",
    "达到目标进度", "与时间进度同步", "按计划正常执行", "正积极推进", "正在积极推进",
)

# Ahead of the planned pace. The contract has no "ahead": the year's task is not finished, so
# ahead is in_progress as a status and on_schedule in a tally. Sources: ahjinzhai.gov.cn
# (超进度), 7263355.com (超序时进度), hunan.gov.cn/hnszf/hnyw/szdt/201910/
# t20191025_10490632.html (进展较快), tjj.hunan.gov.cn (超时间进度).
AHEAD = (
    "超进度", "超序时进度", "超序时", "超过序时进度", "提前或超额完成节点任务", "进展较快",
    "超时间进度",
)

# Behind the planned pace, overdue, or not going to be finished. Sources: xuancheng.gov.cn
# (未达到序时进度), ahjinzhai.gov.cn (欠进度), chengxiang.gov.cn (慢序时),
# sthjj.cnbz.gov.cn (推进缓慢), hunan.gov.cn (进度偏慢, 进展偏慢), haowenren.com
# (进度相对滞后), qdyyxzs.com (完成有一定困难, 不能全部完成).
BEHIND = (
    "未完成", "滞后", "进度滞后", "滞后序时", "滞后序时进度", "滞后于序时进度", "欠进度",
    "欠序时进度", "未达序时", "未达序时进度", "未达到序时", "未达到序时进度", "尚未达到序时进度",
    "低于序时进度", "进度相对滞后", "进展缓慢", "推进缓慢", "进度缓慢", "进度相对缓慢", "慢序时",
    "进度慢序时", "进度偏慢", "进展偏慢", "逾期", "完成有一定困难", "年底前不能全部完成",
)

# Not begun. Sources: xuancheng-style tallies (尚未启动), haowenren.com (尚未正式启动),
# ahjinzhai.gov.cn (暂未开启).
NOT_STARTED = ("未启动", "尚未启动", "尚未正式启动", "暂未启动", "暂未开启")

FAMILIES: dict[str, tuple[str, ...]] = {
    "completed": COMPLETED,
    "on_schedule": ON_SCHEDULE,
    "ahead": AHEAD,
    "behind": BEHIND,
    "not_started": NOT_STARTED,
}
# A family as a section status (CONTRACT statuses) and as a header summary field.
STATUS_OF_FAMILY = {"completed": "completed", "on_schedule": "in_progress",
                    "ahead": "in_progress", "behind": "behind", "not_started": "not_started"}
SUMMARY_FIELD_OF_FAMILY = {"completed": "completed", "on_schedule": "on_schedule",
                           "ahead": "on_schedule", "behind": "behind",
                           "not_started": "not_started"}
FAMILY_OF_PHRASE: dict[str, str] = {p: family for family, phrases in FAMILIES.items()
                                    for p in phrases}

# Bare verbs label a task only as a marker (`(完成)`); in a tally sentence `完成投资8亿元` or
# `协助完成…8项` is no bucket, so tallies read every phrase but these.
MARKER_ONLY = frozenset({"完成", "办结", "全部完成", "基本完成", "超额完成", "持续推进",
                         "有序推进", "稳步推进"})
TALLY_PHRASES: dict[str, str] = {p: f for p, f in FAMILY_OF_PHRASE.items()
                                 if p not in MARKER_ONLY}

# `已完成，长期坚持` (整改 notices, m.zhuangpeitu.com): a standing duty after the status.
STANDING_TAILS = ("长期坚持", "持续推进", "长期推进")

# Roles in a tally. Sources: bjtzh.gov.cn/bjtz/c20211081/202112/1504815.shtml (牵头任务,
# 协办任务), lishan.gov.cn/html/ASLSQ/202303/0168765895614794.html (牵头单位, 责任单位,
# 配合单位), FORMATS.md §2 (共牵头负责8项、责任负责2项).
LEAD_ROLES = ("牵头",)
PARTNER_ROLES = ("责任负责", "作为责任单位", "责任单位", "配合", "参与", "协同", "协助", "协办")

# Words before a count that make it a bucket of tasks (`达到序时进度的有145个`, `滞后1件`),
# not the thing counted: fragments common to the tally phrases, plus the statuses that carry
# no such fragment.
TALLY_WORDS = ("序时", "进度", "滞后", "逾期", "推进", "达序", "已完成", "已办结", "未启动",
               "交账销号")


_Trie = dict[str, "_Trie"]
_END = ""  # the key that marks a phrase's end in a trie node: no character is empty


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation that prefers the longest phrase, so `未达到序时进度` wins over
    `达到序时进度`, written as a trie: `已(?:办结|完成(?:或超额完成|))`.

    It matches as the flat alternation of the phrases, longest first (case-sensitive: with
    re.IGNORECASE two phrases of one length could match at once): at one position the
    phrases that match are prefixes of one another, and both try them longest first (the
    trie follows the text down and takes a shorter phrase's end, its empty branch, only
    after every longer continuation has failed), so the rest of a pattern sees the same
    phrases in the same order. But re tries a flat alternation's branches one by one
    wherever it tries the pattern (116 of them for the status phrases), the trie one per
    distinct next character: bracketed status markers match 4x faster. tests/test_buckets.py
    holds it to the flat alternation.
    """
    trie: _Trie = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[_END] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: _Trie) -> str:
    branches = []
    for char in sorted(key for key in node if key != _END):
        literal, child = char, node[char]
        while len(child) == 1 and _END not in child:  # one way on: `交账销号` is one literal
            (char, child), = child.items()
            literal += char
        branches.append(re.escape(literal) + _trie_pattern(child))
    if not branches:
        return ""
    if _END in node:
        branches.append("")  # a phrase ends here: tried after every longer one
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


# Any tally word inside a phrase, in one search (the count grammar asks it of every object).
TALLY_WORD = re.compile(alternation(TALLY_WORDS))
