"""Units and measure words: what a count may be printed in, and which kinds of unit are which.

The one vocabulary of units every stage reads: the count grammar (extractors/counts.py),
the object/predicate reader (extractors/context.py), the basis reader (extractors/basis.py),
table cells and column headers (pipeline/read/tables.py), the header's tally of tasks
(pipeline/read/tally.py) and the audit's tally check (pipeline/audit/checks.py). Add a unit
here and every one of them reads it (tests/test_one_edit.py shows it).
"""

from __future__ import annotations

# Measure words and units as printed after a number (FORMATS.md §6 "Measure words / units
# seen", plus the gold GUIDE). Compound units written as one word are one unit (人次,
# 个百分点); matched longest first, so `平方米` wins over `米` and `个次` over `个`.
UNITS: tuple[str, ...] = (
    # people and bodies
    "人次", "家次", "户次", "人", "名", "位", "户", "家", "所",
    # things, events, documents
    "项", "个次", "个百分点", "个", "件", "宗", "起", "条", "份", "张", "套", "座", "处",
    "台次", "台件", "台套", "台", "辆", "笔", "架次", "班次", "车次", "例",
    "艘", "枚", "票", "幅", "本", "篇", "册", "部", "栋",
    "间", "株", "棵", "头", "只", "支", "批次", "批", "类", "场次", "场", "轮次", "轮",
    "航次", "趟次", "剂次", "次", "剂", "期", "册", "块", "片", "根", "盏", "组",
    # area, length, volume, mass, energy, data
    "平方千米", "平方公里", "平方米", "立方米", "公顷", "亩", "公里", "千米", "延米",
    "米", "吨", "千克", "公斤", "斤", "千瓦时", "千瓦", "兆瓦", "TB", "GB",
    # concentrations and flows, written with a slash (`31.6微克/立方米`)
    "微克/立方米", "毫克/立方米", "毫克/升", "立方米/秒", "吨/日", "吨/天",
    # money
    "等值美元", "美元", "欧元", "港元", "元",
    # rates and multiples
    "%", "‰", "倍",
    # traditional forms of the commonest, as Big5 mirrors print them
    "個", "項", "場", "場次", "條", "張", "處", "臺", "輛", "戶", "畝", "噸", "公頃", "個百分點",
    "個次",
    # durations: reported, but the scorer treats them as arguable
    "个工作日", "工作日", "个月", "小时", "分钟", "天", "周岁",
)
# Units by their first character, longest first: a count's unit is found in one lookup.
UNITS_BY_FIRST_CHAR: dict[str, tuple[str, ...]] = {}
for _unit in sorted(set(UNITS), key=len, reverse=True):
    UNITS_BY_FIRST_CHAR[_unit[0]] = (*UNITS_BY_FIRST_CHAR.get(_unit[0], ()), _unit)

RATE_UNITS = frozenset({"%", "‰", "个百分点", "倍"})

# A Chinese numeral with these is a phase or grade label (`二期项目`, `五期土地整治项目`)
# unless nothing follows in its clause (`开展培训二十三期,`).
LABEL_UNITS_FOR_CHINESE = frozenset({"期", "类", "级"})

# Units that count single things (`3个`, `5家`): a count in them may take its object from a
# task title or a list's head (`1个综合体、3个助餐点`), and two such units count alike.
THING_UNITS = frozenset({"个", "项", "件", "条", "家", "所"})
# Units that count things (`家`, `个`): their object must be a noun, since an action noun
# before them is the verb (`上会评审122家` counts enterprises, not reviews). Every other unit
# (amounts, lengths, cases, sessions: `投资1092万元`, `巡查3656次`, `投诉举报1.52万件`) may
# be named by an action noun or an idiom jieba does not tag as a noun.
THING_COUNT_UNITS = frozenset({
    "个", "家", "项", "名", "位", "人", "户", "所", "条", "座", "处", "台", "辆", "艘", "张",
    "套", "支", "批", "期", "类", "只", "头", "株", "棵", "间", "栋", "部", "本", "册", "篇",
    "份", "個", "項", "條", "張", "處", "臺", "輛", "戶",
})

# The units a bulletin counts its tasks in (`已完成14项`, `正常推进的有4件`, `其余9个`): the
# header's tally (pipeline/read/tally.py) and the audit's check of it (pipeline/audit/checks.py).
TALLY_UNITS = frozenset("项件个条")
