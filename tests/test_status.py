"""Status markers: labels count, status words in running prose do not."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.buckets import alternation
from pipeline.read.status import (
    BRACKETED,
    BRACKETS,
    PROGRESS_LABELS,
    STATUS_OF_PHRASE,
    find_status,
)
from pipeline.records import STATUSES

CASES = [
    pytest.param("完成情况:召开大会。(已完成)", ("completed", "(已完成)"), id="ascii-brackets"),
    pytest.param(
        unicodedata.normalize("NFKC", "完成情况：召开大会。（已完成）"),
        ("completed", "(已完成)"),
        id="full-width-normalised",
    ),
    pytest.param(
        "完成情况:召开大会。（基本完成）", ("completed", "（基本完成）"), id="full-width-raw"
    ),
    pytest.param("新建厂房3栋。【正在推进】", ("in_progress", "【正在推进】"), id="lenticular"),
    pytest.param(
        "进展情况:完成路基。\n完成情况:已完成。", ("completed", "完成情况:已完成"), id="closing"
    ),
    pytest.param("进展情况:正在推进", ("in_progress", "进展情况:正在推进"), id="label-at-end"),
    pytest.param("工作进展:滞后序时;", ("behind", "工作进展:滞后序时"), id="behind-label"),
    pytest.param("选址未定。(尚未正式启动)", ("not_started", "(尚未正式启动)"), id="not-started"),
    pytest.param(
        "累计完成投资。(未完成)", ("behind", "(未完成)"), id="not-completed-not-completed"
    ),
    pytest.param("(超进度)", ("in_progress", "(超进度)"), id="ahead-is-in-progress"),
    pytest.param("完成规划编制。【正常推进】", ("in_progress", "【正常推进】"), id="normal-pace"),
    pytest.param("(已完成或超额完成)", ("completed", "(已完成或超额完成)"), id="longest-phrase"),
    pytest.param("(推进中)后续完成情况:已完成。", ("completed", "完成情况:已完成"), id="last-wins"),
    pytest.param("各项工作按序时推进,进展顺利。", (None, None), id="prose-on-schedule"),
    pytest.param("投资已完成78%,已完成任务1项。", (None, None), id="prose-counts"),
    pytest.param("制度建议10条(已完成8条)。", (None, None), id="bracketed-count"),
    pytest.param("完成情况:已完成78%。", (None, None), id="label-with-count"),
    pytest.param("完成情况:已完成任务1项。", (None, None), id="label-with-task-count"),
    pytest.param("", (None, None), id="empty"),
    pytest.param("牵头单位:县水利局。\n完成情况:未达序时进度。",
                 ("behind", "完成情况:未达序时进度"), id="closing-not-on-schedule-pace"),
    pytest.param("已完成年度投资的58%。(未达序时进度)", ("behind", "(未达序时进度)"),
                 id="bracketed-not-on-schedule-pace"),
    pytest.param("完成情况:超序时进度。", ("in_progress", "完成情况:超序时进度"),
                 id="closing-ahead"),
    pytest.param("已开工6个。【达序推进】", ("in_progress", "【达序推进】"), id="table-cell-word"),
    pytest.param("进展情况:滞后序时;", ("behind", "进展情况:滞后序时"), id="behind-pace"),
    pytest.param("完成情况:未达到序时进度,剩余3公里。", (None, None),
                 id="label-value-runs-on-is-prose"),
    pytest.param("已建成412个。【慢序时】", ("behind", "【慢序时】"), id="slow-pace"),
    pytest.param("(推进缓慢)", ("behind", "(推进缓慢)"), id="advancing-slowly"),
    pytest.param("整改状态:尚未达到序时进度。", ("behind", "整改状态:尚未达到序时进度"),
                 id="not-yet-reached-contains-reached"),
    pytest.param("整改状态:已完成整改,完成交账销号。",
                 ("completed", "整改状态:已完成整改,完成交账销号"), id="two-phrases"),
    pytest.param("整改状态:已完成,长期坚持。", ("completed", "整改状态:已完成,长期坚持"),
                 id="standing-duty-tail"),
    pytest.param("整改状态:已完成,剩余2处。", (None, None), id="tail-that-is-prose"),
    pytest.param("(指标项目出现调整)", (None, None), id="adjusted-is-no-status"),
    pytest.param("已完成危房改造126户。\n完成情况:已提前完成",
                 ("completed", "完成情况:已提前完成"), id="already-before-ahead-of-time"),
    pytest.param("【已如期完成】", ("completed", "【已如期完成】"), id="already-before-on-time"),
    pytest.param("(已经超额完成)", ("completed", "(已经超额完成)"), id="already-before-beyond"),
    pytest.param("完成情况:已提前完成投资12亿元。", (None, None),
                 id="already-ahead-with-count-is-prose"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_find_status(text: str, expected: tuple[str | None, str | None]) -> None:
    assert find_status(text) == expected


def test_every_phrase_maps_to_a_contract_status() -> None:
    assert set(STATUS_OF_PHRASE.values()) == set(STATUSES)


@pytest.mark.parametrize("phrase", sorted(STATUS_OF_PHRASE))
def test_every_phrase_is_found_in_brackets(phrase: str) -> None:
    assert find_status(f"工作情况。({phrase})") == (STATUS_OF_PHRASE[phrase], f"({phrase})")


# FORMATS.md §5, every exact string, with the contract status it maps to. `指标项目出现调整`
# and `其它类` report no progress and map to none.
FORMATS_VOCABULARY = {
    "completed": ("已完成", "基本完成", "全部完成", "如期完成", "提前完成", "已提前完成全年任务",
                  "超额完成", "已完成或超额完成", "已全部完成或超额完成", "完成到位", "已整改到位",
                  "已验收销号", "完成交账销号"),
    "in_progress": ("按序时推进", "序时推进", "达序推进", "达到序时进度", "达进度", "按计划推进",
                    "按计划完成节点任务", "有序推进", "稳步推进", "持续推进", "正在推进", "推进中",
                    "正按计划全力推进中", "进展顺利", "年底前能确保完成", "基本达序时进度",
                    # ahead of schedule: still under way
                    "超进度", "超序时进度", "提前或超额完成节点任务"),
    "behind": ("欠进度", "滞后序时", "未达序时", "未达序时进度", "未达到序时进度", "进度相对滞后",
               "进展缓慢", "逾期", "完成有一定困难", "年底前不能全部完成"),
    "not_started": ("未启动", "尚未正式启动"),
}
VOCABULARY_CASES = [(phrase, status) for status, phrases in FORMATS_VOCABULARY.items()
                    for phrase in phrases]
# Each way a marker labels a section: ASCII and full-width brackets, 【】, a closing label.
FORMS = [
    pytest.param("新建校舍2栋。({})", "({})", id="paren"),
    pytest.param("新建校舍2栋。（{}）", "（{}）", id="full-width-paren"),
    pytest.param("新建校舍2栋。【{}】", "【{}】", id="lenticular"),
    pytest.param("新建校舍2栋。\n完成情况:{}。", "完成情况:{}", id="closing-label"),
    pytest.param("新建校舍2栋。\n进展情况:{}", "进展情况:{}", id="label-at-end"),
]


@pytest.mark.parametrize(("text", "marker"), FORMS)
@pytest.mark.parametrize(("phrase", "status"), VOCABULARY_CASES)
def test_formats_vocabulary_in_every_form(phrase: str, status: str, text: str,
                                          marker: str) -> None:
    assert find_status(text.format(phrase)) == (status, marker.format(phrase))


@pytest.mark.parametrize("phrase", ["指标项目出现调整", "其它类"])
def test_other_buckets_are_no_status(phrase: str) -> None:
    assert find_status(f"完成情况:{phrase}。") == (None, None)


def test_a_stretch_ends_where_its_slice_would() -> None:
    """split_sections reads each section's own text in place, not a copy: the stretch's end
    closes a label's value as the end of a copy does (`$`), and nothing past it counts."""
    text = "完成情况:已完成2.完成情况:已完成78%"
    assert find_status(text) == (None, None)
    assert find_status(text, 0, text.index("2.")) == ("completed", "完成情况:已完成")
    assert find_status(text, text.index("2."), len(text) - 3) == ("completed", "完成情况:已完成")


STATUS_PIECES = st.sampled_from([
    *(f"{label}:" for label in PROGRESS_LABELS), "完成情况：", "已完成", "已完成(含基本完成)",
    "推进中", "(已完成)", "【推进中】", "（滞后）", "[逾期]", "〔未启动〕", ",长期坚持", "78%",
    *"(（)）【】:。;.!,\n 2",
])
@settings(max_examples=400, deadline=None)
@given(st.lists(STATUS_PIECES, max_size=24).map("".join), st.data())
def test_a_stretch_reads_as_a_copy_of_it(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert find_status(text, start, end) == find_status(text[start:end])


# The plain definition of a bracketed marker: one alternative per bracket pair.
PLAIN_BRACKETED = re.compile("|".join(
    rf"{re.escape(opener)}\s*(?P<phrase{i}>{alternation(STATUS_OF_PHRASE)})\s*{re.escape(closer)}"
    for i, (opener, closer) in enumerate(BRACKETS)))
BRACKET_PIECES = st.sampled_from([
    *"()（）【】[]〔〕 \n:。", "已完成", "已完成(含基本完成)", "含基本完成", "推进中", "未启动",
    "78%"])


@settings(max_examples=500, deadline=None)
@given(st.lists(BRACKET_PIECES, max_size=20).map("".join))
def test_bracketed_matches_as_one_alternative_per_bracket_pair(text: str) -> None:
    """BRACKETED writes the phrases once and pairs the closer with its opener by a group;
    it finds what the five alternatives of the plain definition find."""
    def found(pattern: re.Pattern[str], groups: list[str]) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), next(m.group(g) for g in groups if m.group(g) is not None))
                for m in pattern.finditer(text)]
    plain_groups = [f"phrase{i}" for i in range(len(BRACKETS))]
    assert found(BRACKETED, ["phrase"]) == found(PLAIN_BRACKETED, plain_groups)
