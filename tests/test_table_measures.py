"""What a table cell counts and on what basis: the column header, the row label, the task
cell or the caption (pipeline/read/tables.py ``table_facts``, extractors/basis.py
``column_basis``/``column_thing``)."""

from __future__ import annotations

import pytest

from extractors.basis import column_basis, column_thing
from pipeline.read.document import extract
from pipeline.records import Bulletin, Fact, Page

HEAD = "<html><head><meta charset='utf-8'><title>通报</title></head><body><div id='zoom'>"
INTRO = "<p>现将2024年重点项目推进情况通报如下。</p>"
TAIL = "<p>请各单位抓好落实。</p></div></body></html>"


def page(body: str) -> Bulletin:
    html = HEAD + INTRO + body + TAIL
    return extract(Page(source="t.html", content=html.encode("utf-8")))


def by_cell(b: Bulletin) -> dict[str, Fact]:
    return {f.text: f for f in b.facts}


@pytest.mark.parametrize(("label", "basis"), [
    ("年度计划投资", "target"), ("年度目标(人)", "target"), ("年度任务", "target"),
    ("完成投资", "cumulative"), ("累计完成", "cumulative"), ("实际完成", "cumulative"),
    ("1-6月完成 绝对值", "cumulative"), ("完成率(%)", "rate"), ("完成进度(%)", "rate"),
    ("增速(%)", "rate"), ("本月新增", "period"), ("当月完成", "period"), ("总投资", None),
])
def test_a_column_header_states_the_basis_of_its_cells(label: str, basis: str | None) -> None:
    assert column_basis(label) == basis


@pytest.mark.parametrize(("label", "thing"), [
    ("年度计划投资", "投资"), ("1-10月完成投资", "投资"), ("累计完成投资", "投资"),
    ("总投资", "总投资"), ("年度目标", None), ("1-6月完成 绝对值", None), ("当月完成", None),
    ("年度任务", None),
])
def test_a_column_header_names_a_thing_once_its_basis_words_are_read_off(
        label: str, thing: str | None) -> None:
    assert column_thing(label) == thing


PROJECTS = (
    "<table border=1><tr><td colspan=6>单位：万元</td></tr>"
    "<tr><th>序号</th><th>项目名称及建设内容</th><th>年度计划投资</th><th>完成投资</th>"
    "<th>完成率（%）</th><th>进度</th></tr>"
    "<tr><td>1</td><td>标准化厂房建设,新建厂房12万平方米</td><td>18000</td><td>18650</td>"
    "<td>103.6</td><td>已完成</td></tr>"
    "<tr><td>2</td><td>污水管网改造</td><td>4200</td><td>4380</td><td>104.3</td>"
    "<td>已完成</td></tr></table>"
)


def test_task_table_money_columns_count_the_column_thing_with_its_basis() -> None:
    cells = by_cell(page(PROJECTS))
    planned, done, rate = cells["18000"], cells["18650"], cells["103.6"]
    assert (planned.object, planned.basis) == ("投资", "target")
    assert (done.object, done.basis) == ("投资", "cumulative")
    assert (rate.object, rate.basis) == (None, "rate")
    # one measure, told apart by basis: the target never lands in the progress series
    assert planned.measure == done.measure == "投资 (元)"
    assert cells["4200"].section == "2" and cells["4200"].measure == "投资 (元)"


def test_task_cell_prose_is_the_goal_and_progress_cells_are_progress() -> None:
    table = ("<table border=1><tr><th>序号</th><th>重点任务</th><th>进展情况</th>"
             "<th>完成状态</th></tr>"
             "<tr><td>1</td><td>新建农村公路60公里</td><td>累计完成38.6公里。</td>"
             "<td>序时推进</td></tr></table>")
    cells = by_cell(page(table))
    assert cells["60公里"].basis == "target"
    assert cells["38.6公里"].basis == "cumulative"


PLACES = (
    "<p>表3 各县(市、区)城镇新增就业完成情况</p>"
    "<table border=1><tr><th>县(市、区)</th><th>年度目标(人)</th><th>1-6月完成(人)</th>"
    "<th>完成进度(%)</th></tr>"
    "<tr><td>玉州区</td><td>9800</td><td>5620</td><td>57.3</td></tr>"
    "<tr><td>北流市</td><td>11000</td><td>6105</td><td>55.5</td></tr></table>"
)


def test_rows_of_places_are_entities_and_the_caption_names_the_thing() -> None:
    cells = by_cell(page(PLACES))
    target, done = cells["9800"], cells["5620"]
    assert (target.entity, target.object, target.basis) == ("玉州区", "城镇新增就业", "target")
    assert (done.entity, done.object, done.basis) == ("玉州区", "城镇新增就业", "cumulative")
    assert cells["6105"].entity == "北流市"
    assert cells["6105"].measure == "北流市 城镇新增就业 (人)"
    assert cells["57.3"].basis == "rate"


def test_indicator_rows_name_the_thing_themselves() -> None:
    table = ("<table border=1><tr><th>指标</th><th>单位</th><th>年度目标</th>"
             "<th>1-6月完成</th></tr>"
             "<tr><td>城镇新增就业</td><td>人</td><td>42000</td><td>23560</td></tr>"
             "<tr><td>合计</td><td>人</td><td>50000</td><td>26000</td></tr></table>")
    cells = by_cell(page(table))
    assert (cells["42000"].object, cells["42000"].entity) == ("城镇新增就业", None)
    assert cells["23560"].basis == "cumulative"
    assert cells["26000"].object is None  # a total row names no thing
