"""Tuned vocabularies of the count grammar: qualifiers, and what is never a count.

Units and measure words are extractors/units.py.

Each group names the bulletin pattern that motivated it (see FORMATS.md §6 and the gold
GUIDE). Change an entry, then rerun the quality gate (tests/test_quality_gate.py).
"""

from __future__ import annotations

from extractors.sentences import SENTENCE_ENDS

# Qualifiers (GUIDE "qualifier"). Prefixes bind the number right after them.
PREFIX_QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("大约", "approx"), ("约", "approx"), ("近", "approx"),
    ("超过", "over"), ("突破", "over"), ("超", "over"),
    ("不足", "under"), ("不到", "under"),
)
# `预计受益群众294人`: these bind every number of their clause.
CLAUSE_QUALIFIERS: tuple[tuple[str, str], ...] = (("预计", "approx"), ("预估", "approx"))
# Between the number and the unit: `130余名`, `30多家`.
INFIX_QUALIFIERS = {"余": "over", "多": "over"}
# After the unit: `5亿元以上`, `40人左右`.
SUFFIX_QUALIFIERS: tuple[tuple[str, str], ...] = (
    ("左右", "approx"), ("以上", "over"), ("以下", "under"), ("以内", "under"),
)

# A number right after these is an ordinal or rank (`第一批`, `第2位`), never a count.
ORDINAL_PREFIXES = ("第",)
# After a Chinese numeral these make an enumerator (`一是`, `二要`), not a count.
ENUMERATOR_SUFFIXES = ("是", "要", "则", "方面")
# Session names: `十届四次全会`, `二次会议`, and `三次产业` (the three sectors).
AFTER_UNIT_NAME_WORDS = ("全会", "会议", "全体会议", "产业", "党代会", "人代会")

# Before a Chinese numeral and 期, these make it a number of sessions held (`培训二十三期`).
EVENT_WORDS = ("培训", "举办", "开展", "组织", "讲座", "办班", "培训班", "研修", "期刊")

# Brackets whose short content is a label or slogan (`“6+4”政策`, `“三步走”`): numbers inside
# are not counts. Book-title brackets hold document names (`《…(2017—2020年)实施方案》`).
QUOTE_PAIRS: tuple[tuple[str, str], ...] = (("“", "”"), ("\"", "\""), ("「", "」"), ("‘", "’"))
TITLE_PAIRS: tuple[tuple[str, str], ...] = (("《", "》"), ("〈", "〉"), ("<", ">"))
MAX_LABEL_QUOTE = 12

# Clause delimiters: a fact's object, predicate and clause-wide qualifiers stay inside these.
CLAUSE_DELIMITERS = frozenset(",;。:!?、()[]【】\n;“”《》")
SENTENCE_DELIMITERS = frozenset(SENTENCE_ENDS)

# Words that open the stretch before a number and are not part of the counted thing.
LEADING_FILLERS: tuple[str, ...] = (
    "其中", "共计", "合计", "总计", "累计", "共", "达到", "达", "已", "均", "全部", "新增", "另",
    # when, not what: `截至目前共完成`, `今年以来共开展巡查3656次`, `月底共上会评审`
    "截至", "截止", "目前", "今年以来", "以来", "年初以来", "月底", "年底", "月末", "本月",
    "当月", "全年", "年内",
)

# Fillers that still are the verb a count answers (`累计新增城镇就业18300人`: 新增).
VERB_FILLERS = frozenset({"新增"})
# The last word of a report's own headings (`进展情况:`, `完成情况:`, `工作成效:`): they say
# how the task is going, never what a count counts.
REPORT_HEADINGS = ("情况", "进展", "进度", "成效")
# `市属企业从原12家整合为7家`: before a number these open a change of it, after the thing.
CHANGE_FROM = frozenset({"从", "由"})
# Light verbs: after the thing's name they open the predicate (`失业人员实现再就业4480人`,
# `区级重点项目完成投资62亿元`), before it they are the predicate (`完成投资`).
LIGHT_VERBS = frozenset({"实现", "完成", "开展", "组织", "举办", "帮助", "帮扶", "带动",
                         "发放"})

# Bulletin verbs that jieba often tags as nouns (`立案` n, `结案` n): read as verbs, so
# `林业行政案件立案50宗,结案37宗` counts 林业行政案件 twice, not 结案.
ACTION_WORDS = frozenset({
    "立案", "结案", "办结", "验收", "销号", "整改", "签约", "开工", "竣工", "投产", "完工",
    "备案", "通过", "完成", "审核", "审批", "核发", "受理", "处置", "清退", "拆除", "迁移",
    "新建", "改造", "建成", "核销",
})

# A place or body named before a count (`沈阳市上会评审199家`): GUIDE "entity".
ENTITY_SUFFIXES = ("省", "市", "县", "区", "州", "盟", "旗", "镇", "乡", "村")
