"""Status markers: labels count, status words in running prose do not."""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.records import STATUSES
from pipeline.status import STATUS_OF_PHRASE, find_status

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
    pytest.param("(已完成或超额完成)", ("completed", "(已完成或超额完成)"), id="longest-phrase"),
    pytest.param("(推进中)后续完成情况:已完成。", ("completed", "完成情况:已完成"), id="last-wins"),
    pytest.param("各项工作按序时推进,进展顺利。", (None, None), id="prose-on-schedule"),
    pytest.param("投资已完成78%,已完成任务1项。", (None, None), id="prose-counts"),
    pytest.param("制度建议10条(已完成8条)。", (None, None), id="bracketed-count"),
    pytest.param("完成情况:已完成78%。", (None, None), id="label-with-count"),
    pytest.param("完成情况:已完成任务1项。", (None, None), id="label-with-task-count"),
    pytest.param("", (None, None), id="empty"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_find_status(text: str, expected: tuple[str | None, str | None]) -> None:
    assert find_status(text) == expected


def test_every_phrase_maps_to_a_contract_status() -> None:
    assert set(STATUS_OF_PHRASE.values()) == set(STATUSES)


@pytest.mark.parametrize("phrase", sorted(STATUS_OF_PHRASE))
def test_every_phrase_is_found_in_brackets(phrase: str) -> None:
    assert find_status(f"工作情况。({phrase})") == (STATUS_OF_PHRASE[phrase], f"({phrase})")
