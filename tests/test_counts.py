"""Counts and non-counts, one bulletin-like sentence per case (written for these tests)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.counts import find_facts
from pipeline.read.decode import normalise


def facts_of(sentence: str):
    text = normalise(sentence)  # the reading stage's normalisation, circled numbers kept
    return find_facts(text, 0, len(text))


def values(sentence: str) -> list[tuple[int | float, str]]:
    return [(f.value, f.unit) for f in facts_of(sentence)]


# fmt: off
COUNTS = [
    # (sentence, expected (value, unit) pairs in order)
    ("本月共举办45场对接活动。", [(45, "场")]),
    ("共上会评审87家,通过评审80家。", [(87, "家"), (80, "家")]),
    ("全市已建成众创空间三十六个。", [(36, "个")]),
    ("组织两次专题调研。", [(2, "次")]),
    ("累计培训一百二十名基层干部。", [(120, "名")]),
    ("新建厂房3.4万平方米。", [(34000, "平方米")]),
    ("完成投资1.25亿元。", [(125000000, "元")]),
    ("资产总额2,305.5亿元。", [(230550000000, "元")]),
    ("减免租金1,250户。", [(1250, "户")]),
    ("同比增长8.6%。", [(8.6, "%")]),
    ("占比提高2.5个百分点。", [(2.5, "个百分点")]),
    ("产量是去年的1.8倍。", [(1.8, "倍")]),
    ("接待游客约12万人次。", [(120000, "人次")]),
    ("吸引客商五千余人。", [(5000, "人")]),
    ("筹集资金六千余万元。", [(60000000, "元")]),
    ("吸引游客3万余人。", [(30000, "人")]),
    ("新增就业岗位2万多个。", [(20000, "个")]),
    ("拟新建3至5家孵化器。", [(3, "家")]),
    ("计划新建3-5家孵化器。", [(3, "家")]),
    ("新增造林260亩,封山育林1200亩。", [(260, "亩"), (1200, "亩")]),
    ("清运垃圾86吨。", [(86, "吨")]),
    ("铺设管网12.5公里。", [(12.5, "公里")]),
    ("整治岸线45.2公顷。", [(45.2, "公顷")]),
    ("存储数据2.4TB。", [(2.4, "TB")]),
    ("巡查岸线码头210个次。", [(210, "个次")]),
    ("开展海上巡查58航次。", [(58, "航次")]),
    ("发放宣传册1200份。", [(1200, "份")]),
    ("受理群众诉求980件,办结率100%。", [(980, "件"), (100, "%")]),
    ("已完成3项,序时推进6项,逾期1项。", [(3, "项"), (6, "项"), (1, "项")]),
    ("实际利用外资1.3亿美元。", [(130000000, "美元")]),
    ("涉及货值8亿。", [(800000000, "")]),
    ("收到意见近百件。", [(100, "件")]),
    ("服务企业 24 家。", [(24, "家")]),
    ("增长 8.5 %。", [(8.5, "%")]),
    ("签约项目12个,总投资96亿元。", [(12, "个"), (9600000000, "元")]),
    ("人口自然增长率6.5‰。", [(6.5, "‰")]),
    ("审批时限压缩至3个工作日。", [(3, "个工作日")]),
    ("十二个专项行动全面启动。", [(12, "个")]),
    ("围绕远、中、近三个目标部署。", [(3, "个")]),
    ("聚焦七项任务,抓好落实。", [(7, "项")]),
    ("建成投用污水处理站21座。", [(21, "座")]),
    ("PM2.5平均浓度为31.6微克/立方米。", [(31.6, "微克/立方米")]),
    ("出水氨氮低于1.5毫克/升。", [(1.5, "毫克/升")]),
    ("开展电商培训二十三期,培训学员900人。", [(23, "期"), (900, "人")]),
    ("①9个小区设计方案已完成。", [(9, "个")]),
    ("开展电梯维保质量抽查420台次。", [(420, "台次")]),
    ("完成退货退款1.3万笔。", [(13000, "笔")]),
    # traditional characters, as Big5 mirror sites print bulletins
    ("共舉辦72場對接活動。", [(72, "場")]),
    ("打造面積達2.6萬平方米的核心區。", [(26000, "平方米")]),
    ("完成投資兩千萬元。", [(20000000, "元")]),
    ("核发规划许可证二十五张。", [(25, "张")]),
]

NON_COUNTS = [
    # dates and periods
    "2017年7月6日召开会议。",
    "截至七月底工作顺利推进。",
    "1-7月各项工作有序开展。",
    "二季度工作总结如下。",
    "《实施方案(2017-2019年)》已印发。",
    "规划期为2021—2025年。",
    # document numbers
    "根据辽政发〔2017〕4号文件精神。",
    # ordinals and enumerators
    "一是加强组织领导。",
    "组织第一批企业评审。",
    "举办首届创新大赛。",
    "召开第四次全体会议。",
    "排名全省第2位。",
    "考核位列第4名。",
    "省委十届四次全会精神。",
    "统筹一二三产业融合发展。",
    # names, slogans, quoted labels
    "三好街创业基地投入运营。",
    "落实“6+4”政策。",
    "打通“最后一公里”。",
    "实施“三步走”战略。",
    "编制“十四五”规划。",
    "贯彻党的二十大精神。",
    "统一登记工作稳步推进。",
    "进一步优化营商环境。",
    "打造“一岛两窗三区”。",
    "推动“千人以上”水源地整治。",
    "加快二期项目建设。",
    "策划实施幸福洋五期土地整治项目。",
    "4.南昌智能终端产业园二期。",
    "水质达到Ⅲ类标准。",
    "全面对接三次产业科技需求。",
    "PM2.5浓度持续下降。",
    "按1:500比例尺测绘。",
    "人口与岗位比为3:1。",
    "约1/3的村完成改造。",
    "拨打12345热线反映问题。",
    "形成一批可复制的经验。",
    "明确了一个时期的重点。",
]
# fmt: on


@pytest.mark.parametrize(("sentence", "expected"), COUNTS)
def test_counts(sentence: str, expected: list[tuple[int | float, str]]) -> None:
    assert values(sentence) == expected


@pytest.mark.parametrize("sentence", NON_COUNTS)
def test_non_counts(sentence: str) -> None:
    assert values(sentence) == []


# fmt: off
DETAILS = [
    # (sentence, fact index, field, expected)
    ("全省共举办45场对接活动。", 0, "object", "对接活动"),
    ("组织9位专家赴企业对接。", 0, "object", "专家"),
    ("入驻企业和团队320个。", 0, "object", "企业和团队"),
    ("林业行政案件立案30宗,结案21宗。", 0, "object", "林业行政案件"),
    ("林业行政案件立案30宗,结案21宗。", 1, "object", "林业行政案件"),
    ("林业行政案件立案30宗,结案21宗。", 0, "predicate", "立案"),
    ("组织高新技术企业评审,共上会评审87家,通过评审80家。", 0, "object", "高新技术企业"),
    ("组织高新技术企业评审,共上会评审87家,通过评审80家。", 1, "object", "高新技术企业"),
    ("批准用地批次12个,涉及耕地面积35.6公顷。", 1, "object", "耕地面积"),
    ("发出提醒函6份、督办函2份。", 0, "object", "提醒函"),
    ("我局共牵头负责6项、配合负责3项重点任务。", 0, "object", "重点任务"),
    ("全区5家已备案的检测机构参加培训。", 0, "object", "检测机构"),
    ("同比增长8.6%。", 0, "object", None),
    ("共上会评审87家。", 0, "predicate", "上会评审"),
    # time words say when, neither what was done nor what was counted
    ("截至12月底共上会评审235家。", 0, "predicate", "上会评审"),
    ("今年以来共开展巡查3656次。", 0, "object", "巡查"),
    ("今年以来共开展巡查3656次。", 0, "predicate", "开展"),
    # a quoted label or a bracketed aside between the thing and its number
    ("完成农村公路“白改黑”36.5公里。", 0, "object", "农村公路"),
    ("发放救助资金(含临时救助)286.5万元。", 0, "object", "救助资金"),
    ("实施中小学食堂“明厨亮灶”改造30所。", 0, "object", "中小学食堂"),
    ("每千人口执业(助理)医师3.1人。", 0, "object", "每千人口执业(助理)医师"),
    # a count right after a label's colon; 剂次 is one unit
    ("受理医疗救助申请:412件;办结:398件。", 1, "value", 398),
    ("接种疫苗2.6万剂次。", 0, "unit", "剂次"),
    ("大连市上会评审64家,通过评审60家。", 0, "entity", "大连市"),
    ("(大连市上会评审64家,通过评审60家)", 1, "entity", "大连市"),
    ("全省上会评审64家。", 0, "entity", None),
    ("近40位代表参会。", 0, "qualifier", "approx"),
    ("按照远、中、近三个目标部署。", 0, "qualifier", None),
    ("达成合作意向71项。", 0, "object", "合作意向"),
    ("126家高校院所成为资源供应商。", 0, "object", "高校院所"),
    # status buckets of a tally name no thing: the total's object carries over
    ("全年220项目标任务中,已完成的有58个;达到序时进度的有145个。", 2, "object", "目标任务"),
    ("全年220项目标任务中,已完成的有58个;达到序时进度的有145个。", 1, "object", "目标任务"),
    # indicator names end in a verb: only action words are the predicate
    ("城镇新增就业3,125人。", 0, "object", "城镇新增就业"),
    ("完成一般公共预算收入12.37亿元。", 0, "object", "一般公共预算收入"),
    ("闲置土地处置310亩。", 0, "object", "闲置土地"),
    ("罚没款合计512.6万元。", 0, "object", "罚没款"),
    ("全市已免费体检2.1万人次。", 0, "object", "免费体检"),
    ("新建公共充电桩200个。", 0, "object", "公共充电桩"),
    # a table run into text: the counted thing is in the last cell
    ("1 县林业局 完成造林1.2万亩", 0, "object", "造林"),
    ("涉企经营许可事项106项全部纳入改革。", 0, "object", "涉企经营许可事项"),
    ("全面完成12个“千人以下”农村水源地整治。", 0, "object", "农村水源地整治"),
    ("城镇调查失业率5.5%,城镇新增就业2.5万人。", 1, "entity", None),
    # amounts, cases and sessions may be named by action nouns and idioms; things may not
    ("受理消费投诉举报1.52万件。", 0, "object", "消费投诉举报"),
    ("清理河道垃圾12.6吨,拆除残垣断壁17处。", 1, "object", "残垣断壁"),
    ("婚姻家庭纠纷12件、邻里纠纷15件。", 1, "object", "邻里纠纷"),
    ("已完成绿道建设31.5公里。", 0, "object", "绿道建设"),
    ("约8.3万宗调查成果。", 0, "qualifier", "approx"),
    ("培训130余名干部。", 0, "qualifier", "over"),
    ("吸引30多家企业。", 0, "qualifier", "over"),
    ("超过4%的人员退出。", 0, "qualifier", "over"),
    ("收入突破50万元。", 0, "qualifier", "over"),
    ("累计投资5亿元以上。", 0, "qualifier", "over"),
    ("不足20人的小微企业。", 0, "qualifier", "under"),
    ("误差在3%以内。", 0, "qualifier", "under"),
    ("参会人数200人左右。", 0, "qualifier", "approx"),
    # 预计 binds every number of its own clause, and only of it
    ("预计受益群众294人、牲畜30头,保护财产5930万元。", 1, "qualifier", "approx"),
    ("预计受益群众294人、牲畜30头,保护财产5930万元。", 2, "qualifier", None),
    # …numbers before it in the clause too, and not those of the clause before
    ("建成综合体5个,剩余1个综合体、3个助餐点预计11月底前建成。", 1, "qualifier", "approx"),
    ("建成综合体5个,剩余1个综合体、3个助餐点预计11月底前建成。", 2, "qualifier", "approx"),
    ("建成综合体5个,剩余1个综合体、3个助餐点预计11月底前建成。", 0, "qualifier", None),
    ("上会评审122家。", 0, "qualifier", None),
    ("拟新建3至5家孵化器。", 0, "value_max", 5),
    ("拟新建3家孵化器。", 0, "value_max", None),
]
# fmt: on


@pytest.mark.parametrize(("sentence", "index", "field", "expected"), DETAILS)
def test_fact_details(sentence: str, index: int, field: str, expected: object) -> None:
    assert getattr(facts_of(sentence)[index], field) == expected


def test_second_measure_shares_the_first_ones_object() -> None:
    first, second = facts_of("审核征占用林地12宗35.6公顷。")
    assert (second.value, second.unit) == (35.6, "公顷")
    assert second.object == first.object is not None


def test_offsets_are_absolute_within_a_slice() -> None:
    text = "前言共有3家。99.标题。完成情况:举办12场活动。"
    start = text.index("99.") + 3
    facts = find_facts(text, start, len(text))
    assert [f.value for f in facts] == [12]
    assert all(text[f.start:f.end] == f.text for f in facts)


def test_section_title_count_after_marker() -> None:
    # `150.55个…`: the splitter hands over the title after `150.`, so 55 is the count
    text = "150.55个省级以上经济开发区要对标先进。"
    facts = find_facts(text, 4, len(text))
    assert [(f.value, f.unit, f.object) for f in facts] == [(55, "个", "省级以上经济开发区")]


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80)
BULLETIN_CHARS = (
    "0123456789.,%- \n()“”《》、。;:" "万亿余多近约个家项场名位元亩吨" "第年月日一二三十百千两"
)
BULLETINISH = st.text(
    alphabet=st.one_of(CJK, st.sampled_from(list(BULLETIN_CHARS))), max_size=120
)


@settings(max_examples=300, deadline=None)
@given(BULLETINISH)
def test_offsets_hold_and_nothing_raises(text: str) -> None:
    for fact in find_facts(text, 0, len(text)):
        assert text[fact.start:fact.end] == fact.text
        assert fact.value >= 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_unicode_never_raises(text: str) -> None:
    for fact in find_facts(text, 0, len(text)):
        assert text[fact.start:fact.end] == fact.text
