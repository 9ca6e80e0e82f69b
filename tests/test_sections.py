"""Section splitting: numbering styles, nesting, traps, statuses; invariants on any text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.read.sections import _title_end, split_sections
from pipeline.records import Section


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def paths(text: str) -> list[str]:
    return [s.path for s in split_sections(nfkc(text))]


CN = "一二三四五六七八九十"

LAYOUTS = [
    pytest.param(
        "现将有关情况报告如下:一、加强组织领导。成立工作专班。二、完善制度建设。出台办法3项。"
        "三、强化督查考核。开展督查5次。",
        ["1", "2", "3"],
        id="flat-cn-inline",
    ),
    pytest.param(
        "总结如下。一、2023年工作开展情况(一)产业发展提速1.招商引资成效明显。签约项目12个。"
        "2.园区建设加快推进。新建厂房2.6万平方米。(二)民生保障加强1.就业形势稳定。新增就业1200人。"
        "二、2024年工作计划(一)抓项目。力争开工20个。",
        ["1", "1.1", "1.1.1", "1.1.2", "1.2", "1.2.1", "2", "2.1"],
        id="nested-flattened-glued",
    ),
    pytest.param(
        "截至6月底,已完成任务1项。\n  37.推进国有企业改革。\n  完成情况:组建集团2家。\n"
        "  52.建设智慧城市。\n  完成情况:上线平台3个。\n"
        "  108.提升营商环境。\n  完成情况:办结率99%。",
        ["37", "52", "108"],
        id="sparse-task-ids",
    ),
    pytest.param(
        "牵头任务3项。\n12.加快园区建设。\n完成情况:开工项目8个。\n"
        "150.55个省级以上经济开发区要对标先进水平。\n完成情况:开展调研15次。",
        ["12", "150"],
        id="task-150-count-55",
    ),
    pytest.param(
        "一、区交通局 1、完成路网规划编制。 2、开工建设项目3个。 二、区水务局 1、完成管网改造。",
        ["1", "1.1", "1.2", "2", "2.1"],
        id="arabic-dunhao-under-cn",
    ),
    pytest.param(
        "1.推进改革。(1)完成方案编制。(2)组建工作专班。2.优化服务。(1)压缩审批时限。",
        ["1", "1.1", "1.2", "2", "2.1"],
        id="arabic-paren-under-arabic",
    ),
    pytest.param(
        "第一项:完善基础设施。新建道路5公里。第二项:提升公共服务。新增学位800个。",
        ["1", "2"],
        id="ordinal-items",
    ),
    pytest.param(
        "一、经济运行。全年增长6.5%,完成投资1,100.76亿元。2.6万平方米厂房竣工。"
        "8.3万宗调查完成。二、项目建设。",
        ["1", "2"],
        id="decimals-after-sentence-end",
    ),
    pytest.param(
        "一、规划编制。印发《规划(2020-2025年)》,2017-2019年建成3-5个园区,占1/3以上,"
        "落实“5+2”政策。2022年2月16日启用。二、土地供应。",
        ["1", "2"],
        id="dates-ranges-fractions",
    ),
    pytest.param(
        "一、产业发展。推动一、二、三产业融合发展,加快二、三级市场建设。二、生态保护。",
        ["1", "2"],
        id="cn-enumeration-in-prose",
    ),
    pytest.param(
        "一、主要工作。一是完成调查。二是编制规划。第一,加强领导;第二,强化考核。二、存在问题。",
        ["1", "2"],
        id="inline-enumerators",
    ),
    pytest.param(
        "各单位:请认真抓好落实。 附件:1.重点任务分解表 2.主要指标季度分解表 "
        "3.2023年项目清单 某某局 2023年3月1日",
        [],
        id="attachment-list-only",
    ),
    pytest.param(
        "一、总体要求。坚持稳中求进。二、重点任务。完成投资50亿元。 附件:1.任务清单 2.指标表",
        ["1", "2"],
        id="attachment-list-after-sections",
    ),
    pytest.param(
        "持之以恒调结构、稳增长,产业发展取得新成效。全年产值增长5%。"
        "用心用情惠民生,民生福祉不断增进。新增就业800人。",
        [],
        id="topic-sentences-only",
    ),
    pytest.param(
        "一、空气质量。综合指数1.78,优于全省平均。PM2.5浓度下降。二、水环境质量。",
        ["1", "2"],
        id="decimal-glued-in-prose",
    ),
    pytest.param(
        "(一)完善制度。出台办法2项。(完成时限:4月30日)(二)加强监督。开展检查4次。",
        ["1", "2"],
        id="after-closing-bracket",
    ),
    pytest.param(
        "一、联系方式。来信请寄邮箱abc@163.com。二、其他事项。",
        ["1", "2"],
        id="email-not-heading",
    ),
    pytest.param(
        "".join(f"({cn})事项{cn}已部署。" for cn in [*CN, "十一"]),
        [str(n) for n in range(1, 12)],
        id="cn-paren-past-ten",
    ),
    pytest.param(
        "一、总体情况\n(一)主要指标\n1.地区生产总值增长5%以上。\n2.固定资产投资增长8%。\n"
        "(二)重点任务\n1.推进项目建设。\n二、保障措施\n(一)加强组织领导。\n",
        ["1", "1.1", "1.1.1", "1.1.2", "1.2", "1.2.1", "2", "2.1"],
        id="line-per-heading",
    ),
    pytest.param(
        "一、安置房建设。中原安置房(三、四组团)已交付使用。二、道路建设。",
        ["1", "2"],
        id="cn-enumeration-in-brackets",
    ),
    pytest.param(
        "一、已完成工作。完成5项。二、未完成工作。余2项。 表中一、已移交项目 二、未移交项目",
        ["1", "2"],
        id="restarted-numbering-rejected",
    ),
    pytest.param(
        "(1)完成方案编制。(2)组建专班。(3)开展培训2场。",
        ["1", "2", "3"],
        id="arabic-paren-flat",
    ),
    pytest.param(
        "一、工作总结。二、工作计划。三、保障措施。我们将于1、2月份开展检查。",
        ["1", "2", "3"],
        id="arabic-month-enumeration",
    ),
    pytest.param(
        "附件:\n1.重点任务清单\n2.主要指标分解表\n3.项目计划表\n",
        [],
        id="attachment-list-on-lines",
    ),
    pytest.param(
        "\n1.推进改革。\n2.优化服务。\n10.5%的企业完成改造。\n3.强化保障。",
        ["1", "2", "3"],
        id="decimal-line-no-jump",
    ),
    pytest.param(
        "一、重点任务。第一项任务已完成,第二项任务正在推进。二、保障措施。",
        ["1", "2"],
        id="ordinal-in-prose",
    ),
    pytest.param(
        "共牵头任务3项。99.发展高新技术产业。完成情况:评审企业122家。146.出台实施方案。"
        "完成情况:召开大会。(已完成)148.支持重大项目。进展情况:举办对接活动72场。",
        ["99", "146", "148"],
        id="sparse-task-ids-flattened",
    ),
    pytest.param(
        "共牵头任务2项。149.推进示范区建设。完成情况:出台方案1个。"
        "150.55个开发区要成为增长极。完成情况:调研15次。平均完成3.5个。完成情况:持续。",
        ["149", "150"],
        id="task-150-flattened",
    ),
    pytest.param(
        "１．加强党的建设。开展学习２０次。２．推进项目建设。完成投资３．５亿元。",
        ["1", "2"],
        id="full-width-arabic-dot",
    ),
    # Four levels `一、(一)1.(1)`: every `(n)` of a group is a section. A look-alike that is
    # rejected (`2.2个百分点` inside `(1)`) must not close the `1.` its siblings hang under.
    pytest.param(
        "一、…\n(一)…\n1.大气污染防治。\n(1)空气质量。…\n(2)重点减排。完成12家企业深度治理。",
        ["1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.2"],
        id="four-levels-minimal",
    ),
    pytest.param(
        "一、农业农村工作\n(一)粮食生产\n1.稳定播种面积。\n(1)早稻。播种面积12.6万亩,同比增长1.5%。\n"
        "(2)晚稻。完成育秧3200亩。\n2.提升耕地质量。\n(1)高标准农田。新建2.3万亩。\n"
        "(2)土壤改良。治理酸化耕地800亩。\n(二)农民增收\n1.务工收入。转移就业1.8万人。",
        ["1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.2", "1.1.2", "1.1.2.1", "1.1.2.2", "1.2", "1.2.1"],
        id="four-levels-decimals-in-first-child",
    ),
    pytest.param(
        "一、工业经济(一)稳增长1.规上工业。(1)产值。同比增长8.2%,高于全省1.3个百分点。"
        "(2)企业培育。新增规上企业15家。2.服务业。(1)营收。增长6.4%。",
        ["1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.2", "1.1.2", "1.1.2.1"],
        id="four-levels-flattened-glued",
    ),
    pytest.param(
        "一、交通建设\n1.公路建设。\n(1)国道改造。完成投资3.5亿元,完成率87.5%。\n(2)农村公路。新建45公里。\n"
        "二、水利建设\n1.完成水库除险加固4座。",
        ["1", "1.1", "1.1.1", "1.1.2", "2", "2.1"],
        id="three-levels-decimals-in-first-child",
    ),
    pytest.param(
        "一、生态保护\n(一)水环境\n1.河湖治理。\n(1)断面水质。达到Ⅲ类,PM2.5下降3.2%,V1.2版平台上线。\n"
        "(2)黑臭水体。整治7条。\n(3)入河排污口。排查126个。",
        ["1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.2", "1.1.1.3"],
        id="four-levels-lookalikes-in-first-child",
    ),
]


@pytest.mark.parametrize(("text", "expected"), LAYOUTS)
def test_section_paths(text: str, expected: list[str]) -> None:
    assert paths(text) == expected


def test_numbers_levels_and_titles() -> None:
    text = nfkc("总结如下:一、 主要成效(一)保护优先进一步加强1.资源调查取得成果。一是完成调查。")
    sections = split_sections(text)
    assert [(s.no, s.level) for s in sections] == [(1, 1), (1, 2), (1, 3)]
    assert [s.title for s in sections] == ["主要成效", "保护优先进一步加强", "资源调查取得成果。"]


def test_levels_follow_styles_the_document_uses() -> None:
    sections = split_sections("1.推进改革。(1)编制方案。(2)组建专班。2.优化服务。")
    assert [s.level for s in sections] == [1, 2, 2, 1]


def test_section_ends_at_next_same_or_higher_heading() -> None:
    text = "一、甲。1.乙。2.丙。二、丁。"
    first, child1, child2, second = split_sections(text)
    assert first.end == second.start
    assert child1.end == child2.start
    assert child2.end == second.start
    assert second.end == len(text)


def test_fourth_level_siblings_own_their_text() -> None:
    # The count under `(2)` lies in `(2)`'s own span, not in the `(1)` before it.
    text = nfkc("一、污染防治\n(一)大气\n1.减排。\n(1)空气质量。优良率95.5%,上升2.1个百分点。\n"
                "(2)重点减排。完成12家企业深度治理。\n2.扬尘管控。")
    by_path = {s.path: s for s in split_sections(text)}
    pos = text.index("12家")
    assert by_path["1.1.1.1"].end <= pos < by_path["1.1.1.2"].end
    assert by_path["1.1.1.2"].end == by_path["1.1.2"].start


def test_task_150_title_keeps_its_count() -> None:
    text = "\n149.推进示范区建设。\n150.55个经济开发区成为增长极。\n"
    assert [s.title for s in split_sections(text)][-1] == "55个经济开发区成为增长极。"


STATUS_LAYOUTS = [
    pytest.param(
        "\n１４６．出台实施方案。\n完成情况：召开全省大会。（已完成）\n１４８．支持重大项目。\n完成情况：举办对接活动７２场。",
        [("146", "completed", "(已完成)"), ("148", None, None)],
        id="full-width-brackets",
    ),
    pytest.param(
        "一、园区建设。新建厂房3栋。【正在推进】二、招商引资。签约项目2个。【已完成】",
        [("1", "in_progress", "【正在推进】"), ("2", "completed", "【已完成】")],
        id="lenticular-brackets",
    ),
    pytest.param(
        "1.道路改造。\n进展情况:完成路基5公里。\n完成情况:已完成。\n2.管网建设。\n进展情况:正在推进",
        [("1", "completed", "完成情况:已完成"), ("2", "in_progress", "进展情况:正在推进")],
        id="closing-label-lines",
    ),
    pytest.param(
        "一、片区开发。(滞后)二、学校建设。(未启动)三、医院建设。(按序时推进)",
        [
            ("1", "behind", "(滞后)"),
            ("2", "not_started", "(未启动)"),
            ("3", "in_progress", "(按序时推进)"),
        ],
        id="every-family",
    ),
    pytest.param(
        "一、项目建设。各项工作按序时推进,投资已完成78%,已完成任务1项。"
        "二、制度建设。形成制度建议10条(已完成8条)。完成情况:已完成78%。",
        [("1", None, None), ("2", None, None)],
        id="prose-status-ignored",
    ),
    pytest.param(
        "一、项目建设 1.道路工程。(已完成) 2.桥梁工程。(推进中)",
        [("1", None, None), ("1.1", "completed", "(已完成)"), ("1.2", "in_progress", "(推进中)")],
        id="child-status-not-parent",
    ),
    pytest.param(
        "第一项:新建高标准农田3万亩。\n已开工2.1万亩。\n完成情况:未达序时进度。\n"
        "第二项:城镇新增就业5000人。\n新增就业4120人。\n完成情况:超序时进度。\n"
        "第三项:改造老旧小区8个。(达序推进)",
        [("1", "behind", "完成情况:未达序时进度"), ("2", "in_progress", "完成情况:超序时进度"),
         ("3", "in_progress", "(达序推进)")],
        id="closing-label-schedule-words",
    ),
]


@pytest.mark.parametrize(("text", "expected"), STATUS_LAYOUTS)
def test_section_status(text: str, expected: list[tuple[str, str | None, str | None]]) -> None:
    sections = split_sections(nfkc(text))
    assert [(s.path, s.status, s.status_text) for s in sections] == expected


# Marker pieces and status markers mixed with arbitrary characters, to reach the branches.
MARKERISH = st.sampled_from(
    [
        *CN,
        *"、()1239.0。:; \n第项是年万甲a@,",
        "附件:",
        "(已完成)",
        "完成情况:已完成。",
        "【推进中】",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(MARKERISH | st.characters(), max_size=120).map("".join))
def test_any_text_gives_well_formed_sections(text: str) -> None:
    sections = split_sections(text)
    starts = [s.start for s in sections]
    assert starts == sorted(starts)
    assert len({s.path for s in sections}) == len(sections)
    for s in sections:
        assert 0 <= s.start < s.title_start <= s.title_end <= s.end <= len(text)
        assert s.title == text[s.title_start : s.title_end].strip()
        assert s.level >= 1
    _assert_built_as_by_init(sections)


def _assert_built_as_by_init(sections: list[Section]) -> None:
    """_build stores a section's fields into its dict: the record must be the one Section's
    __init__ builds, every field stored in its order (instances share their keys), frozen."""
    for s in sections:
        plain = Section(**{f.name: getattr(s, f.name) for f in fields(Section)})
        assert s == plain and hash(s) == hash(plain)
        assert list(vars(s).items()) == list(vars(plain).items())
        with pytest.raises(AttributeError):
            s.no = 0  # type: ignore[misc]


def test_seed_bulletin_fixture() -> None:
    raw = (Path(__file__).parent / "fixtures" / "liaoning-kjt-2017-07.txt").read_text("utf-8")
    sections = split_sections(nfkc(raw))
    assert [s.path for s in sections] == [
        "99", "146", "148", "149", "150", "151", "152", "157", "158", "164",
    ]  # fmt: skip
    assert [s.path for s in sections if s.status] == ["146"]
    assert sections[1].status_text == "(已完成)"
    _assert_built_as_by_init(sections)


def test_first_character_lookaheads_change_no_match():
    """MARKER and ATTACHMENT_LABEL open with a look-ahead for their first character, for
    speed only: they match what the patterns without it match, on marker-dense text."""
    import random

    from pipeline.read import sections

    plain_marker = re.compile(sections.MARKER_STYLES)
    plain_label = re.compile(sections.ATTACHMENT_LABEL.pattern.removeprefix("(?=附)"))
    assert plain_label.pattern != sections.ATTACHMENT_LABEL.pattern
    rng = random.Random(7)
    alphabet = [*"一二三四十百第两项、.。:;()1234567890 \n附件表任务a,%-١",
                "12.", "(一)", "2、", "附件:", "附表2 :"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
             for _ in range(3000)]
    for pattern, plain in ((sections.MARKER, plain_marker),
                           (sections.ATTACHMENT_LABEL, plain_label)):
        found = [[(m.span(), m.groupdict()) for m in plain.finditer(t)] for t in texts]
        assert sum(map(len, found)) > (500 if pattern is sections.MARKER else 5)
        assert [[(m.span(), m.groupdict()) for m in pattern.finditer(t)] for t in texts] == found


# An outline as depths 0-3, written in the four styles with their numbers counted: jumps
# back by several levels close several headings at once.
OUTLINE_MARKERS = (lambda n: f"{CN[n - 1]}、", lambda n: f"({CN[n - 1]})", lambda n: f"{n}.",
                   lambda n: f"({n})")


@st.composite
def outlines(draw: st.DrawFn) -> str:
    counters = [0, 0, 0, 0]
    parts = []
    depth = 0
    for step in draw(st.lists(st.integers(-3, 1), max_size=24)):
        depth = max(0, min(3, depth + step))
        if counters[depth] == len(CN):
            continue
        counters[depth] += 1
        counters[depth + 1 :] = [0] * (3 - depth)
        before = draw(st.sampled_from(["\n", "。", ""]))
        after = draw(st.sampled_from(["推进项目建设。", "完成情况:已完成。", "新增就业12人"]))
        parts.append(before + OUTLINE_MARKERS[depth](counters[depth]) + after)
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(outlines() | st.lists(MARKERISH | st.characters(), max_size=120).map("".join))
def test_a_section_ends_at_the_next_heading_of_its_level_or_above(text: str) -> None:
    """_accept ends a heading when it closes it, in the same walk that nests the headings;
    this is the definition it stands in for (the texts hold no tables)."""
    sections = split_sections(text)
    for i, s in enumerate(sections):
        later = [t.start for t in sections[i + 1 :] if t.level <= s.level]
        assert s.end == (later[0] if later else len(text))


def _title_end_by_definition(text: str, title_start: int, limit: int) -> int:
    """The heading sentence's end as first written: the first sentence stop and the first
    break after the first character, searched for apart in a copy of the section's text."""
    pos = title_start
    while pos < limit and text[pos].isspace():
        pos += 1
    body = text[pos:limit]
    stop = min((body.find(c) + 1 for c in "。;!?" if c in body), default=len(body))
    brk = re.compile(r"[:\s]|[一二三四五六七八九十]是").search(body, 1)
    return pos + (brk.start() if brk and brk.start() < stop else stop)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*"。;!?:： \n\u3000\t一二三是甲a,1"]), max_size=30)
       .map("".join), st.data())
def test_title_ends_as_by_its_definition(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    limit = data.draw(st.integers(start, len(text)))
    assert _title_end(text, start, limit) == _title_end_by_definition(text, start, limit)
