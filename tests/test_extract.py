"""Page → Bulletin end to end: sections, statuses, facts and their provenance together."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import UnreadableInput
from pipeline.read.document import extract
from pipeline.read.page import read_page
from pipeline.records import Bulletin, Page
from tests.helpers import REAL, SEED, needs_shared


def bulletin_of(text: str, source: str = "t.txt"):
    return extract(Page(source=source, content=text.encode("utf-8")))


@pytest.fixture(scope="module")
def seed():
    return extract(Page(source=str(SEED), content=SEED.read_bytes()))


def test_seed_sections_statuses_and_attribution(seed) -> None:
    assert [s.path for s in seed.sections] == [
        "99", "146", "148", "149", "150", "151", "152", "157", "158", "164"
    ]
    assert {s.path: s.status for s in seed.sections}["146"] == "completed"
    assert {s.path: s.status_text for s in seed.sections}["146"] == "(已完成)"
    by_section = {(f.section, f.value, f.unit) for f in seed.facts}
    assert ("150", 55, "个") in by_section  # `150.55个…`: section 150, count 55
    assert not any(f.value == 150.55 for f in seed.facts)
    assert ("99", 122, "家") in by_section
    assert (None, 8, "项") in by_section  # the header's tally is a fact of no section


def test_seed_metadata(seed) -> None:
    assert seed.title == "辽宁省《政府工作报告》2017年七月份工作完成情况"
    assert (seed.published, seed.period) == ("2017-08-18", "2017-07")
    assert seed.summary.to_json() == {"lead": 8, "responsible": 2, "completed": 1, "on_schedule": 9}


def test_offsets_hold_for_sections_and_facts(seed) -> None:
    for fact in seed.facts:
        assert seed.text[fact.start:fact.end] == fact.text
    for section in seed.sections:
        assert section.title == seed.text[section.title_start:section.title_end].strip()


def test_no_count_is_the_section_number_itself() -> None:
    b = bulletin_of("总体情况如下。\n12.推进项目建设。\n完成情况:新开工项目8个。\n13.优化环境。\n")
    assert [(f.section, f.value) for f in b.facts] == [("12", 8)]


def test_counts_in_nested_sections_go_to_the_innermost() -> None:
    text = (
        "一、主要工作(一)项目建设新开工项目8个。(二)招商引资签约项目5个。"
        "二、下一步工作计划新建3家。"
    )
    b = bulletin_of(text)
    assert [(f.section, f.value) for f in b.facts] == [("1.1", 8), ("1.2", 5), ("2", 3)]


def test_a_page_without_tasks_gets_a_warning_and_no_sections() -> None:
    b = bulletin_of("关于开展植树活动的通知\n请各单位于本周五上午到指定地点集合。")
    assert b.sections == ()
    assert any("no numbered task sections" in w for w in b.warnings)


def test_extraction_is_deterministic(seed) -> None:
    again = extract(Page(source=str(SEED), content=SEED.read_bytes()))
    assert json.dumps(again.to_json(), ensure_ascii=False) == json.dumps(
        seed.to_json(), ensure_ascii=False
    )


def real_documents() -> list[Path]:
    if not REAL.is_dir():
        return []
    return sorted(p for p in REAL.iterdir() if p.suffix in (".txt", ".html"))


@needs_shared
@pytest.mark.parametrize("path", real_documents(), ids=lambda p: p.name)
def test_real_documents_keep_every_invariant(path: Path) -> None:
    b = extract(Page(source=str(path), content=path.read_bytes()))
    for fact in b.facts:
        assert b.text[fact.start:fact.end] == fact.text
        assert fact.section is None or fact.section in {s.path for s in b.sections}
    starts = [s.start for s in b.sections]
    assert starts == sorted(starts)
    for section in b.sections:
        assert 0 <= section.start < section.title_start <= section.title_end <= section.end
        assert section.end <= len(b.text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400), st.text(max_size=300).map(lambda t: t.encode("utf-8"))))
def test_no_input_raises_anything_but_unreadable(content: bytes) -> None:
    try:
        b = extract(Page(source="fuzz", content=content))
    except UnreadableInput:
        return
    for fact in b.facts:
        assert b.text[fact.start:fact.end] == fact.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    "99.发展壮大高新技术产业。", "完成情况:", "共举办72场对接活动,", "近40位代表", "(已完成)",
    "一、主要工作", "(二)项目建设", "2.6万平方米", "三好街", "“6+4”政策", "\n", "。", "150.55个",
    "第一批", "2017年7月6日", "【已完成】", "1.", "(1)", "一是", "3至5家",
]), min_size=1, max_size=30).map("".join))
def test_bulletin_shaped_text_keeps_offsets(text: str) -> None:
    if not text.strip():
        with pytest.raises(UnreadableInput):
            bulletin_of(text)
        return
    b = bulletin_of(text)
    paths = [s.path for s in b.sections]
    assert len(paths) == len(set(paths))
    for fact in b.facts:
        assert b.text[fact.start:fact.end] == fact.text


def test_the_extracted_bulletin_is_the_read_page_replaced(seed) -> None:
    """extract copies the read page's fields into its result instead of calling
    dataclasses.replace: the same record, every field in its declared order."""
    assert not hasattr(Bulletin, "__post_init__")
    read = read_page(Page(source=str(SEED), content=SEED.read_bytes()))
    plain = dataclasses.replace(read, sections=seed.sections, facts=seed.facts,
                                warnings=seed.warnings)
    assert seed == plain and hash(seed) == hash(plain)
    assert list(vars(seed)) == [f.name for f in dataclasses.fields(Bulletin)]
    assert seed.sections and seed.facts
