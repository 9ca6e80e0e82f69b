"""One sentence definition: what a check quotes is what search and show display."""

from __future__ import annotations

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
