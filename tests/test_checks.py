"""Audit checks: every planted anomaly found, nothing reported on a clean series, the seed."""

from __future__ import annotations

import random
from collections import Counter
from difflib import SequenceMatcher

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from corpus.anomalies import PLANTS
from pipeline.audit.checks import Check, checks_known, run_checks, tally_mismatch
from pipeline.audit.linking import link_tasks
from pipeline.audit.recycled import (
    MATCH_MIN_BLOCK,
    RECYCLED_MIN_CHARS,
    RECYCLED_SIMILARITY,
    Match,
    Paragraph,
    comparable,
    compare,
    may_match,
)
from pipeline.read.document import extract
from pipeline.read.sections import own_ends
from pipeline.records import Bulletin, Page, Section, Summary
from tests.test_linking import extracted, identities, seed


def found_in(kind: str) -> tuple[set[tuple[str, str, str | None, str | None]], list[Check]]:
    series, bulletins, links = extracted(kind)
    keys = identities(series, bulletins, links)
    checks = run_checks(bulletins, links)
    by_doc = {b.sha256: b.source.split("/")[1] for b in bulletins}
    found = {
        (c.check, by_doc[c.doc_id], c.period, next(iter(keys[c.task_key])) if c.task_key else None)
        for c in checks
    }
    return found, checks


def expected_in(kind: str) -> set[tuple[str, str, str, str | None]]:
    series, _, _ = extracted(kind)
    return {(e.check, e.publisher, e.period, e.task) for e in series.expected}


def test_every_planted_anomaly_is_found_and_nothing_else() -> None:
    found, _ = found_in("planted")
    assert found == expected_in("planted")


def test_every_kind_of_check_is_planted_for_each_publisher() -> None:
    expected = expected_in("planted")
    for publisher in PLANTS:
        assert {e[0] for e in expected if e[1] == publisher} == set(checks_known())


def test_clean_series_reports_only_tasks_completing() -> None:
    found, checks = found_in("clean")
    assert found == expected_in("clean")
    assert {c.check for c in checks} == {"newly_completed"}


def test_evidence_quotes_the_bulletins() -> None:
    _, bulletins, _ = extracted("planted")
    texts = {b.sha256: b.text for b in bulletins}
    _, checks = found_in("planted")
    for c in checks:
        if c.start is not None:
            assert texts[c.doc_id][c.start:c.end] == c.text
        if c.other_doc_id is not None:
            assert texts[c.other_doc_id][c.other_start:c.other_end] == c.other_text


def test_seed_recycled_paragraph_and_consistent_tally() -> None:
    b = seed()
    checks = run_checks([b], link_tasks([b]))
    assert Counter(c.check for c in checks) == {"recycled_text": 1}
    (c,) = checks
    assert c.task_key is not None and c.task_key.endswith("/152")
    assert c.text is not None and c.text.startswith("组织东北大学")
    assert c.text.endswith("达成合作意向6项。")
    assert c.other_start is not None
    s148 = next(s for s in b.sections if s.no == 148)
    assert s148.start <= c.other_start < s148.end


# fmt: off
PARTS = [
    ("共上会评审122家,通过评审119家。", False),
    ("共上会评审122家,通过评审130家。", True),
    ("本月受理入库申请60家,审核通过68家。", True),
    ("共申报32个项目,其中获批立项35个。", True),
    ("共举办72场对接活动,达成合作意向86项。", False),   # different units
    ("举办活动12场,参加企业130家。", False),            # no part word
    ("共上会评审122家。通过评审130家。", False),          # two sentences
    ("共上会评审122家,通过评审119家(沈阳市上会评审199家,通过评审192家)。", False),
]
# fmt: on


@pytest.mark.parametrize(("claim", "flagged"), PARTS)
def test_part_exceeds_whole(claim: str, flagged: bool) -> None:
    text = f"我厅共牵头负责1项重点任务。\n1.发展壮大高新技术产业。\n完成情况:{claim}\n"
    b = extract(Page(source="t.txt", content=text.encode()))
    checks = [c for c in run_checks([b], link_tasks([b])) if c.check == "part_exceeds_whole"]
    assert bool(checks) is flagged, b.facts


def _month(month: int, total: int, this_month: int, goal: int) -> Bulletin:
    text = (f"辽宁省科学技术厅2017年{month}月份重点工作进展情况\n我厅共牵头负责1项重点任务。\n"
            f"1.全年举办对接活动{goal}场。\n"
            f"进展情况:截至{month}月底累计举办对接活动{total}场,本月举办{this_month}场。\n")
    return extract(Page(source=f"{month}.txt", content=text.encode()))


@pytest.mark.parametrize(("june", "flagged"), [
    ((70, 10, 100), True),    # the running total fell
    ((84, 12, 90), False),    # the year's target was lowered
    ((84, 10, 100), False),   # this month's figure is below last month's
])
def test_count_decreased_compares_running_totals_of_one_measure(
    june: tuple[int, int, int], flagged: bool
) -> None:
    months = [_month(5, 72, 12, 100), _month(6, *june)]
    found = [c for c in run_checks(months, link_tasks(months)) if c.check == "count_decreased"]
    assert [c.text for c in found] == (["70场"] if flagged else [])


# fmt: off
TALLIES = [
    (Summary(lead=8, responsible=2, completed=1, on_schedule=9), 10, 1, 0),
    (Summary(lead=8, responsible=2, completed=2, on_schedule=8), 10, 1, 1),
    (Summary(lead=9, responsible=2, completed=1, on_schedule=9), 10, 1, 2),  # count and sum
    (Summary(total=10, completed=1), 10, 1, 0),
    (Summary(lead=8, responsible=2, total=11), 10, 0, 1),
    (Summary(), 10, 1, 0),
]
# fmt: on


@pytest.mark.parametrize(("summary", "sections", "completed", "mismatches"), TALLIES)
def test_tally_mismatch(summary: Summary, sections: int, completed: int, mismatches: int) -> None:
    found = _tally_findings(summary, ["completed"] * completed, sections)
    assert len(found) == mismatches, [c.detail for c in found]


def _tally_findings(summary: Summary, statuses: list[str], sections: int) -> list[Check]:
    """``tally_mismatch`` of the seed cut to its first ``sections`` tasks, marked in order
    with ``statuses`` and unmarked after them, under ``summary``."""
    from dataclasses import replace

    b = seed()
    kept = [replace(s, status=statuses[i] if i < len(statuses) else None)
            for i, s in enumerate(b.sections[:sections])]
    return list(tally_mismatch(replace(b, summary=summary, sections=tuple(kept))))


def test_recycled_threshold() -> None:
    prose = "组织东北大学、中科院沈阳自动化所等单位的专家,赴荣科科技公司开展科技成果对接活动。"
    old = Paragraph(0, 60, f"{prose}截至6月底共举办42场对接活动。")
    copied = Paragraph(0, 60, f"{prose}截至7月底共举办51场对接活动。")
    other = Paragraph(0, 60, "召开全省科技创新大会,出台实施意见,对今后一个时期的工作进行部署。")
    match = compare(copied, old)
    assert match is not None and match.score >= RECYCLED_SIMILARITY
    assert compare(other, old) is None
    stock = Paragraph(0, 9, "完成情况:已完成。")
    assert compare(stock, stock) is None


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("0123456789１٣")))
def test_masked_text_has_every_ascii_digit_as_zero(text: str) -> None:
    masked = Paragraph(0, len(text), text).masked
    assert masked == "".join("0" if ch in "0123456789" else ch for ch in text)


@given(st.text(alphabet="科技成果对接活动共举办场0123456789,。", min_size=20, max_size=80),
       st.integers(0, 50), st.integers(0, 50), st.randoms(use_true_random=False))
def test_whole_copies_match_as_the_matcher_finds_them(
    text: str, a_start: int, b_start: int, rnd: random.Random
) -> None:
    # compare answers a copy equal once digits are masked without running the matcher:
    # the same Match as the matcher's blocks give
    other = "".join(rnd.choice("0123456789") if ch.isdigit() else ch for ch in text)
    a = Paragraph(a_start, a_start + len(text), text)
    b = Paragraph(b_start, b_start + len(other), other)
    blocks = [m for m in SequenceMatcher(None, a.masked, b.masked,
                                         autojunk=False).get_matching_blocks()
              if m.size >= MATCH_MIN_BLOCK]
    if len(text) < RECYCLED_MIN_CHARS:
        assert compare(a, b) is None and comparable([a, b]) == []
        return
    covered = round(sum(m.size for m in blocks) / len(text), 4)
    assert compare(a, b) == Match(covered, a.start + blocks[0].a,
                                  a.start + blocks[-1].a + blocks[-1].size,
                                  b.start + blocks[0].b, b.start + blocks[-1].b + blocks[-1].size)
    assert comparable([a, b]) == [a, b]


@given(st.text(alphabet="科技成果对接活动共举办场0123456789,。", min_size=20, max_size=80),
       st.lists(st.integers(0, 79), max_size=40), st.text(alphabet="创新大会", max_size=30))
@example("0" * 30, [0], "")  # one length, one 4-gram against two: the shorter is the first
def test_may_match_keeps_every_pair_compare_finds_copied(
    text: str, edits: list[int], tail: str
) -> None:
    """``may_match``, the one-pass first test of a paragraph against a section's, keeps
    every paragraph ``compare`` finds copied, from a whole copy to one edited past
    recognition."""
    other = list(text)
    for at in edits:
        other[at % len(other)] = "新"
    a = Paragraph(0, len(text), text)
    b = Paragraph(0, len(other) + len(tail), "".join(other) + tail)
    assert a in may_match(a, [b, a])
    # both ways: of two paragraphs of one length, compare takes its first as the shorter
    for x, y in ((a, b), (b, a)):
        if compare(x, y) is not None:
            assert y in may_match(x, [y])


def test_may_match_leaves_out_unrelated_prose() -> None:
    prose = "组织东北大学、中科院沈阳自动化所等单位的专家,赴荣科科技公司开展科技成果对接活动。"
    old = Paragraph(0, 60, f"{prose}截至6月底共举办42场对接活动。")
    other = Paragraph(0, 60, "召开全省科技创新大会,出台实施意见,对今后一个时期的工作进行部署。")
    assert may_match(other, [old]) == [] and may_match(old, [other, old]) == [old]


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 30)), max_size=8))
def test_own_ends_in_one_pass_are_each_sections_own_end(spans: list[tuple[int, int]]) -> None:
    """``sections.own_ends`` (a bisection over the sorted starts) against ``_own_end``'s scan
    of every section, on nested, overlapping and equal spans."""
    from pipeline.audit import checks

    sections = tuple(Section(i, str(i), 1, "", start, start + length, start, start)
                     for i, (start, length) in enumerate(spans))
    b = Bulletin("x", "0" * 64, "", sections=sections)
    ordered = sorted(sections, key=checks.START)
    assert own_ends(ordered) == [checks._own_end(b, s) for s in ordered]


def test_paragraphs_kept_between_reads_give_the_findings_of_fresh_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A section's paragraphs are read once and kept for its next reads (checks.
    _text_paragraphs): the findings are those of reading them afresh each time."""
    from pipeline.audit import checks

    _, bulletins, links = extracted("planted")
    checks._text_paragraphs.cache_clear()
    kept = run_checks(bulletins, links)
    assert checks._text_paragraphs.cache_info().hits > 0
    assert any(c.check == "recycled_text" for c in kept)
    monkeypatch.setattr(checks, "_text_paragraphs", checks._text_paragraphs.__wrapped__)
    assert run_checks(bulletins, links) == kept


def test_only_issues_of_one_report_series_are_compared() -> None:
    from dataclasses import replace

    july = seed()
    august = replace(july, sha256="b" * 64, period="2017-08", sections=july.sections[1:],
                     title="辽宁省《政府工作报告》2017年八月份工作完成情况")
    other = replace(august, sha256="c" * 64, title="省科技厅2017年巡视整改落实情况通报")
    same = run_checks([july, august], link_tasks([july, august]))
    assert [c.detail[:7] for c in same if c.check == "task_dropped"] == ["task 99"]
    apart = run_checks([july, other], link_tasks([july, other]))
    assert not [c for c in apart if c.check in ("task_dropped", "task_added")]


def test_false_alarm_traps_are_not_reported() -> None:
    """An updated paragraph (copied wording, new figures) and a partly marked bulletin (one
    unfinished task marked on pace, the rest unmarked) are planted; neither is a finding."""
    found, _ = found_in("planted")
    for publisher, plants in PLANTS.items():
        no, month = plants["trap_updated"]
        assert not {f for f in found if f[0] == "recycled_text" and f[1] == publisher
                    and (f[2] or "").endswith(f"-{month:02d}") and f[3] == f"{publisher}:{no}"}
        (month,) = plants["trap_on_pace_marker"]
        assert not {f for f in found if f[0] == "tally_mismatch" and f[1] == publisher
                    and (f[2] or "").endswith(f"-{month:02d}")}


def test_every_finding_has_a_severity_and_a_reason() -> None:
    _, checks = found_in("planted")
    assert checks
    for c in checks:
        assert c.severity in ("high", "medium", "low")
        assert c.reason and "\n" not in c.reason and "None" not in c.detail


# Like with like: the header's buckets against the markers only over the same tasks.
# fmt: off
PARTLY_MARKED = [
    # 10 tasks, 1 marked done, 1 marked on pace, 8 unmarked: unmarked are on schedule
    (Summary(total=10, completed=1, on_schedule=9), {"completed": 1, "in_progress": 1}, 0),
    (Summary(total=10, completed=2, on_schedule=8), {"completed": 1, "in_progress": 1}, 1),
    # a lead-only tally (6 of the 10 sections): other tasks than the sections, not compared
    (Summary(lead=6, completed=4, on_schedule=2), {"completed": 1}, 1),  # only the count
    # buckets short of the sections, total matching: markers are a lower bound
    (Summary(total=10, completed=3), {"completed": 2}, 0),
    (Summary(total=10, completed=1), {"completed": 2}, 1),
]
# fmt: on


@pytest.mark.parametrize(("summary", "marks", "mismatches"), PARTLY_MARKED)
def test_tally_compares_like_with_like(summary: Summary, marks: dict[str, int],
                                       mismatches: int) -> None:
    statuses = [s for status, n in marks.items() for s in [status] * n]
    found = _tally_findings(summary, statuses, 10)
    assert len(found) == mismatches, [c.detail for c in found]


def test_recycled_only_when_the_figures_repeat_too() -> None:
    from pipeline.audit.recycled import same_numbers

    prose = "组织东北大学、中科院沈阳自动化所等单位的专家,赴荣科科技公司开展科技成果对接活动。"
    june = Paragraph(0, 60, f"6月份,{prose}截至6月底共举办42场对接活动。")
    updated = Paragraph(0, 60, f"6月份,{prose}截至7月底共举办51场对接活动。")
    repeated = Paragraph(0, 60, f"6月份,{prose}截至7月底共举办42场对接活动。")
    assert compare(updated, june) is not None and not same_numbers(updated, june)
    assert same_numbers(repeated, june)  # dates move on; the figure did not
