"""One sentence definition: what a check quotes is what search and show display."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.sentences import CLAUSE_ENDS, SENTENCE_ENDS, clause_start, sentence_span

TEXT = "一、科技创新\n  全年共举办对接活动72场,参会企业300余家。其中省级活动5场;效果良好!"


def test_sentence_runs_from_after_the_last_end_to_its_own_mark() -> None:
    pos = TEXT.index("72场")
    start, end = sentence_span(TEXT, pos, pos + 3)
    assert TEXT[start:end] == "全年共举办对接活动72场,参会企业300余家。"


def test_sentence_of_a_point_and_of_the_text_end() -> None:
    pos = TEXT.index("效果")
    assert TEXT[slice(*sentence_span(TEXT, pos))] == "效果良好!"
    assert sentence_span("没有句号的一句", 2) == (0, len("没有句号的一句"))


def test_clauses_end_where_sentences_do_and_at_commas_and_brackets() -> None:
    assert set(SENTENCE_ENDS) <= set(CLAUSE_ENDS)
    pos = TEXT.index("300")
    assert TEXT[clause_start(TEXT, pos):pos] == "参会企业"
    assert clause_start("(沈阳市上会评审199家", 8) == 1


def _plain_clause_start(text: str, pos: int, ends: str = CLAUSE_ENDS) -> int:
    return max(text.rfind(ch, 0, pos) for ch in ends) + 1


def _plain_sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    left = _plain_clause_start(text, start, SENTENCE_ENDS)
    closes = [i for ch in SENTENCE_ENDS if (i := text.find(ch, end)) >= 0]
    right = min(closes) + 1 if closes else len(text)
    while left < start and text[left].isspace():
        left += 1
    return left, right


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="。!?;\n,:()、 年月完成72场x", max_size=300), st.data())
def test_marks_find_what_a_scan_for_each_mark_finds(text: str, data: st.DataObject) -> None:
    # clause_start and sentence_span read marks by chunked regex search (sentences.Marks),
    # as the fact finder does; the definition is the nearest of each mark found by rfind/find.
    pos = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(pos, len(text)))
    assert clause_start(text, pos) == _plain_clause_start(text, pos)
    assert sentence_span(text, pos, end) == _plain_sentence_span(text, pos, end)
