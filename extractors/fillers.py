"""Filler words: function words, enumerators and tallies that never name a verb or a thing.

A predicate or object that is nothing but these is no predicate or object (null is better
than wrong). The list comes from the issue's examples (`的`, `年`, `了`, `四是`, `等`, `首笔`)
and the adverbs bulletins put before a verb (`已`, `累计`, `共`, `均`, `全部`).
"""

from __future__ import annotations

import re

# Enumerators and adverbs before a verb: `已完成`, `累计完成` and `完成` are one verb, `四是新增`
# is `新增` (`共享`, `共建` keep 共).
LEADING_ADVERBS = re.compile(r"^(?:[一二三四五六七八九十]+是|其中|已经|现已|已|累计|共计|合计|总计|"
                             r"共(?![同享建商赢])|均|全部|先后|分别|另|目前|正在)")
# Particles and copulas after a verb: `完成了`, `建成的`, `完成的有`.
TRAILING_PARTICLES = ("了", "的", "等", "有", "为", "是")
# Copulas and totals a stretch can end with before its number (`补贴性技能培训累计达`,
# `企业和团队达到`): they belong to neither the thing nor the verb.
TRAILING_FILLERS = re.compile(r"(?:累计|共计|合计|总计|达到|达|已|共|为|人数达到)+$")
# Words that are never a predicate or an object by themselves.
FILLER_WORDS = frozenset({
    "的", "了", "年", "月", "日", "等", "是", "有", "为", "和", "及", "与", "在", "各", "其",
    "其中", "其余", "另", "均", "共", "共计", "累计", "合计", "已", "已经", "达", "达到", "首笔",
    "首", "第", "个", "项", "之", "这", "该", "此", "每", "约", "近", "超", "余", "多", "全",
    "全部", "目前", "分别", "涉及", "包括", "含", "占", "比", "较", "由", "向", "对", "将",
    "正在", "进行", "正在进行", "各类", "各项", "首批",
})
# `一是`, `四是`, `二要`, `其一`: list markers.
ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+(?:是|要|则|方面)|其[一二三四五六七八九十])$")
# Comparisons and causes name neither a verb of progress nor a counted thing:
# `较上月多增`, `环比减少`, `受汛期影响`, `因…`.
COMPARISON = re.compile(r"^(?:较|比|环比|同比|与上月|比上月|较上月|较上年)")
# A phrase without a character of this block names nothing (`2021`, `(1)`).
CJK_FIRST, CJK_LAST = "\u4e00", "\u9fff"
CAUSE = re.compile(r"^(?:受.*影响|因.*(?:影响|原因)|由于)")


def is_filler(phrase: str) -> bool:
    """True for a phrase that is only a function word, enumerator or list marker."""
    bare = phrase.strip(" “”\"'()（）")
    return (not bare or bare in FILLER_WORDS or bool(ENUMERATOR.match(bare))
            or not _has_cjk(bare))


def _has_cjk(phrase: str) -> bool:
    """Whether a character of the phrase is a CJK ideograph: compared in a loop, since the
    regex class of the block took 1.5 ms to compile at every start (sre builds a map of its
    20,992 characters) and this runs only on readings not yet cached."""
    return any(CJK_FIRST <= ch <= CJK_LAST for ch in phrase)
