"""Task tables and indicator tables in HTML: read as cells, serialised, read back as sections
and counts (pipeline/read/html_text.py, grid.py, tables.py, sections.py, views/show.py)."""

from __future__ import annotations

import pytest

from pipeline.read.document import extract
from pipeline.read.grid import SEPARATOR
from pipeline.read.html_text import html_to_text
from pipeline.read.status import STATUS_OF_PHRASE
from pipeline.read.tables import status_of_cell
from pipeline.records import Bulletin, Page
from pipeline.views.show import render

HEAD = "<html><head><meta charset='{charset}'><title>通报</title></head><body><div id='zoom'>"
INTRO = "<p>现将2024年重点任务推进情况通报如下。</p>"
TAIL = "<p>请各单位抓好落实。</p></div></body></html>"


def page(body: str, *, charset: str = "utf-8") -> Bulletin:
    html = HEAD.format(charset=charset) + INTRO + body + TAIL
    return extract(Page(source="t.html", content=html.encode(charset)))


def text_of(body: str) -> str:
    return html_to_text(HEAD.format(charset="utf-8") + body + TAIL).text


def by_path(b: Bulletin) -> dict[str, tuple[str | None, str | None]]:
    return {s.path: (s.status, s.status_text) for s in b.sections}


def facts_of(b: Bulletin) -> list[tuple[str | None, float, str, str]]:
    return [(f.section, f.value, f.unit, b.text[f.start:f.end]) for f in b.facts]


TASK_TABLE = (
    "<table border=1><tr><th>序号</th><th>重点任务</th><th>牵头单位</th><th>进展情况</th>"
    "<th>完成状态</th></tr>"
    "<tr><td>1</td><td>新建农村公路60公里</td><td rowspan=2>县交通局</td>"
    "<td>已完成38.6公里；<br>完成危桥改造5座。</td><td>序时推进</td></tr>"
    "<tr><td>2</td><td>开通公交线路3条</td><td>新开通公交线路3条。</td><td>已完成</td></tr>"
    "</table>"
)


def test_rowspan_cell_appears_once_and_leaves_its_column_empty():
    lines = text_of(TASK_TABLE).split("\n")
    assert lines[0] == SEPARATOR.join(["序号", "重点任务", "牵头单位", "进展情况", "完成状态"])
    assert lines[1].split(SEPARATOR)[2] == "县交通局"
    # the spanned cell is not repeated (its counts would be read twice) but keeps its column
    assert lines[2] == SEPARATOR.join(["2", "开通公交线路3条", "", "新开通公交线路3条。", "已完成"])
    # <br> inside a cell is a space, not a new row
    assert "已完成38.6公里； 完成危桥改造5座。" in lines[1]


def test_task_rows_are_sections_with_the_status_of_their_status_cell():
    b = page(TASK_TABLE)
    assert by_path(b) == {"1": ("in_progress", "序时推进"), "2": ("completed", "已完成")}
    first = b.sections[0]
    assert first.title == "新建农村公路60公里"
    assert b.text[first.title_start:first.title_end] == first.title
    assert ("1", 38.6, "公里", "38.6公里") in facts_of(b)
    assert ("2", 3, "条", "3条") in facts_of(b)
    # the 序号 cells are section numbers, not counts
    assert all(f.text not in ("1", "2") for f in b.facts)


def test_prose_around_a_table_is_unchanged():
    text = page(TASK_TABLE).text
    assert "现将2024年重点任务推进情况通报如下。\n序号" in text
    assert "已完成\n请各单位抓好落实。" in text


def test_two_level_header_and_word_markup():
    cell = ("<td {attrs} style='border:solid windowtext 1.0pt'><p class=MsoNormal>"
            "<span style='font-family:仿宋_GB2312'>{text}</span><span lang=EN-US><o:p></o:p>"
            "</span></p></td>")

    def row(*cells: tuple[str, str]) -> str:
        return "<tr>" + "".join(cell.format(attrs=a, text=t) for a, t in cells) + "</tr>"

    table = (
        "<table class=MsoNormalTable border=1>"
        + row(("rowspan=2", "序号"), ("rowspan=2", "工作事项"), ("colspan=2", "责任单位"),
              ("rowspan=2", "推进情况"), ("rowspan=2", "进度"))
        + row(("", "牵头单位"), ("", "配合单位"))
        + row(("", "1"), ("", "新建<span lang=EN-US>5</span>G基站<span lang=EN-US>300</span>个"),
              ("", "县工信局"), ("", "&nbsp;"), ("", "已建成326个。"), ("", "已完成"))
        + row(("", "2"), ("", "新建供水管网80公里"), ("", "县水务局"), ("", "县财政局"),
              ("", "尚未完成招标。"), ("", "未启动"))
        + "</table>"
    )
    b = page(table)
    assert by_path(b) == {"1": ("completed", "已完成"), "2": ("not_started", "未启动")}
    row_one = next(line for line in b.text.split("\n") if line.startswith("1 |"))
    # Word's spans and <o:p> leave no trace; the empty 配合单位 keeps its column
    assert row_one.split(" | ")[1:4] == ["新建5G基站300个", "县工信局", ""]
    assert ("1", 300, "个", "300个") in facts_of(b)


def test_table_split_over_two_table_elements_is_one_table():
    second = ("<table border=1><tr><td>3</td><td>改造小区12个</td><td>县住建局</td>"
              "<td>已开工12个。</td><td>滞后</td></tr>"
              "<tr><td>4</td><td>新增托位200个</td><td>县卫健局</td><td>新增96个。</td>"
              "<td>正常推进</td></tr></table>")
    b = page(TASK_TABLE + "<br style='page-break-before:always'>" + second)
    assert list(by_path(b)) == ["1", "2", "3", "4"]
    assert by_path(b)["3"] == ("behind", "滞后")
    assert ("4", 96, "个", "96个") in facts_of(b)


def test_status_in_the_remarks_column_with_a_note_and_an_empty_one():
    table = ("<table border=1><tr><td>序号</td><td>目标任务</td><td>责任单位</td><td>完成情况</td>"
             "<td>备注</td></tr>"
             "<tr><td>1</td><td>新建公厕20座</td><td>区城管局</td><td>已建成20座。</td>"
             "<td>已完成（市级民生实事）</td></tr>"
             "<tr><td>2</td><td>改造菜市场3个</td><td>区商务局</td><td>完成2个。</td><td></td></tr>"
             "<tr><td>3</td><td>新增学位900个</td><td>区教育局</td><td>新增600个。</td>"
             "<td>序时推进</td></tr></table>")
    b = page(table)
    assert by_path(b) == {"1": ("completed", "已完成(市级民生实事)"), "2": (None, None),
                          "3": ("in_progress", "序时推进")}


def test_task_number_in_the_task_cell_and_numbered_points_become_children():
    table = ("<table border=1><tr><td>序号</td><td>重点任务</td><td>推进情况</td>"
             "<td>完成情况</td></tr>"
             "<tr><td>1</td><td>213.推进港区码头建设。</td>"
             "<td><p>1.完成投资1.12亿元。</p><p>2.新建堆场2.4万平方米。</p></td>"
             "<td>序时推进</td></tr>"
             "<tr><td>2</td><td>215.新增规上企业100家。</td><td>新增23家。</td><td>滞后</td></tr>"
             "</table>")
    b = page(table)
    assert by_path(b) == {"213": ("in_progress", "序时推进"), "213.1": (None, None),
                          "213.2": (None, None), "215": ("behind", "滞后")}
    levels = {s.path: s.level for s in b.sections}
    assert levels["213.1"] == levels["213"] + 1
    assert ("213.1", 112000000, "元", "1.12亿元") in facts_of(b)
    assert ("213.2", 24000, "平方米", "2.4万平方米") in facts_of(b)
    assert ("215", 23, "家", "23家") in facts_of(b)


def test_grouping_rows_and_a_table_under_a_numbered_heading_nest():
    table = ("<table border=1><tr><th>序号</th><th>工作事项</th><th>推进情况</th>"
             "<th>完成状态</th></tr>"
             "<tr><td colspan=4>一、扩大有效投资</td></tr>"
             "<tr><td>1</td><td>盘活楼宇10栋</td><td>盘活11栋。</td><td>已完成</td></tr>"
             "<tr><td colspan=4>二、优化营商环境</td></tr>"
             "<tr><td>1</td><td>新增市场主体1.2万户</td><td>新增9847户。</td><td>序时推进</td></tr>"
             "</table>")
    grouped = page(table)
    assert by_path(grouped) == {"1": (None, None), "1.1": ("completed", "已完成"),
                                "2": (None, None), "2.1": ("in_progress", "序时推进")}
    nested = page("<p>一、指标情况</p><p>全年完成投资3亿元。</p><p>二、重点任务推进情况</p>"
                  + TASK_TABLE + "<p>三、下一步工作</p>")
    assert list(by_path(nested)) == ["1", "2", "2.1", "2.2", "3"]
    assert ("2.1", 5, "座", "5座") in facts_of(nested)


def test_a_status_inside_a_table_does_not_label_the_heading_above_it():
    table = ("<table border=1><tr><th>序号</th><th>重点任务</th><th>进展情况</th>"
             "<th>完成状态</th></tr>"
             "<tr><td>1</td><td>新建公园5个</td><td>建成5个(已完成)</td><td>已完成</td></tr>"
             "<tr><td>2</td><td>改造小区8个</td><td>开工6个</td><td>滞后</td></tr></table>")
    b = page("<p>一、重点任务</p>" + table)
    assert by_path(b)["1"] == (None, None)
    assert by_path(b)["1.1"] == ("completed", "已完成")


def test_indicator_table_units_from_headers_rows_and_notes():
    table = ("<table border=1><tr><th>项目名称</th><th>总投资（亿元）</th><th>完成率(%)</th>"
             "<th>带动就业(人)</th></tr>"
             "<tr><td>新院区（一期）</td><td>3.42</td><td>52.6</td><td>120</td></tr>"
             "<tr><td>合计</td><td>-1.5</td><td>—</td><td></td></tr></table>"
             "<table border=1><tr><th>指标名称</th><th>单位</th><th>目标</th>"
             "<th>增速（%）</th></tr>"
             "<tr><td>一般公共预算收入</td><td>万元</td><td>680000</td><td>3.9</td></tr>"
             "<tr><td>技术合同成交额（亿元）</td><td></td><td>260</td><td>-7.3</td></tr></table>")
    b = page(table)
    assert b.sections == ()
    facts = facts_of(b)
    assert (None, 342000000, "元", "3.42") in facts  # text[start:end] is the cell as printed
    assert (None, 52.6, "%", "52.6") in facts
    assert (None, 120, "人", "120") in facts
    assert (None, -150000000, "元", "-1.5") in facts
    assert (None, 6800000000, "元", "680000") in facts  # the row's 单位 cell
    assert (None, 3.9, "%", "3.9") in facts  # a rate column is not scaled by the row's unit
    assert (None, 26000000000, "元", "260") in facts  # the unit in the row label
    assert (None, -7.3, "%", "-7.3") in facts
    assert not any(text in ("一期", "—") for *_, text in facts)
    objects = {f.text: f.object for f in b.facts}
    assert objects["3.42"] == "新院区" and objects["52.6"] is None and objects["-1.5"] is None


def test_unit_note_above_the_header_applies_to_columns_without_their_own_unit():
    table = ("<table border=1><tr><td colspan=5>单位：万元</td></tr>"
             "<tr><th>序号</th><th>项目名称</th><th>完成投资</th><th>完成率（%）</th><th>进度</th></tr>"
             "<tr><td>1</td><td>标准化厂房</td><td>18650</td><td>103.6</td><td>已完成</td></tr>"
             "<tr><td>2</td><td>污水管网</td><td>4380</td><td>104.3</td><td>已完成</td></tr></table>")
    b = page(table)
    assert by_path(b) == {"1": ("completed", "已完成"), "2": ("completed", "已完成")}
    assert ("1", 186500000, "元", "18650") in facts_of(b)
    assert ("1", 103.6, "%", "103.6") in facts_of(b)


def test_counts_in_cells_are_read_once():
    b = page(TASK_TABLE)
    spans = [(f.start, f.end) for f in b.facts]
    assert len(spans) == len(set(spans))
    assert all(b.text[f.start:f.end] == f.text for f in b.facts)


def test_gbk_page_with_a_task_table():
    b = page(TASK_TABLE, charset="gbk")
    assert b.encoding.lower().replace("-", "") in ("gbk", "gb18030", "gb2312")
    assert by_path(b) == {"1": ("in_progress", "序时推进"), "2": ("completed", "已完成")}


def test_layout_tables_stay_prose():
    nested = ("<table><tr><td>导航</td><td><p>一、总体情况</p><p>完成投资3亿元。</p>"
              "<table><tr><td>甲</td><td>乙</td></tr><tr><td>丙</td><td>丁</td></tr></table>"
              "</td></tr></table>")
    text = text_of(nested)
    assert "一、总体情况\n完成投资3亿元。" in text  # the layout table's article is left as lines
    assert "甲 | 乙\n丙 | 丁" in text  # the data table inside it is still a grid
    one_column = "<table><tr><td>标题</td></tr><tr><td>正文第一段,完成3项。</td></tr></table>"
    assert SEPARATOR not in text_of(one_column)
    labels = ("<table><tr><td>索引号：</td><td>001/2023</td><td>发文日期：</td><td>2023-04-20</td>"
              "</tr><tr><td>发布机构：</td><td>督查室</td><td>主题：</td><td>综合</td></tr></table>")
    assert SEPARATOR not in text_of(labels)


def test_show_draws_the_table_with_its_counts_marked():
    html = render(page(TASK_TABLE))
    assert '<table class="grid">' in html
    assert "<th>完成状态</th>" in html
    assert '<td>开通公交线路<mark id="f' in html


def _status_of_cell_by_definition(text: str) -> str | None:
    """status_of_cell as first written: the phrases tried longest first, one by one."""
    for phrase in sorted(STATUS_OF_PHRASE, key=len, reverse=True):
        if text.startswith(phrase):
            rest = text[len(phrase):].strip(" 。.")
            return STATUS_OF_PHRASE[phrase] if not rest or rest[0] in "(（【[" else None
    return None


@pytest.mark.parametrize("phrase", sorted(STATUS_OF_PHRASE))
def test_a_status_cell_is_read_by_its_longest_phrase(phrase: str) -> None:
    tails = ("", "。", "(市级民生实事)", " 【注】", "78%", "任务", "或超额完成")
    cells = [phrase + tail for tail in tails]
    assert status_of_cell(phrase) == STATUS_OF_PHRASE[phrase]
    assert [status_of_cell(c) for c in cells] == [_status_of_cell_by_definition(c) for c in cells]
