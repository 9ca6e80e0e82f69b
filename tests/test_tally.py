"""The header's own tally: only what the header states, never a section's counts."""

from __future__ import annotations

import pytest

from pipeline.decode import normalise
from pipeline.tally import chinese_int, find_summary

CASES = [
    # id, text, expected summary fields
    ("seed-style",
     "根据任务分解方案,我厅共牵头负责8项、责任负责2项重点任务的推进落实。截至7月底,已完成任务1项,"
     "其余9项任务完成计划月度任务。\n    99.发展壮大高新技术产业。\n已完成任务5项",
     {"lead": 8, "responsible": 2, "completed": 1, "on_schedule": 9}),
    ("status-tally", "今年我局承担12项重点任务,截至目前已完成2项,序时推进5项,逾期1项。",
     {"total": 12, "completed": 2, "on_schedule": 5, "behind": 1}),
    ("chinese-numerals", "我委共牵头负责十二项、配合五项任务,已完成三项,其余九项按计划推进。",
     {"lead": 12, "responsible": 5, "completed": 3, "on_schedule": 9}),
    ("total-with-task-noun", "今年共10项重点工作任务,截至9月底已全部完成4项。",
     {"total": 10, "completed": 4}),
    ("behind-count", "上半年涉及8项指标,达到序时进度6项,欠进度的有2项。",
     {"total": 8, "on_schedule": 6, "behind": 2}),
    ("completed-after-number", "25项攻坚任务中,24项已完成,1项滞后。",
     {"total": 25, "completed": 24, "behind": 1}),
    ("full-width-input", "我局共牵头负责６项，已完成任务２项，其余４项任务按序时推进。",
     {"lead": 6, "completed": 2, "on_schedule": 4}),
    ("section-tally-is-not-header",
     "2022年来,我局坚持生态优先,取得一定成效。一、主要工作(一)督察整改已完成2项,序时推进5项,逾期1项"
     "。",
     {}),
    ("no-tally", "现将2022年工作情况报告如下:一、基本情况全年完成投资12亿元。", {}),
    ("only-what-is-stated", "截至目前,已完成任务3项。\n1.推进改革。\n其余7项按计划推进"
                            "。", {"completed": 3}),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_find_summary(text, expected):
    assert find_summary(normalise(text)).to_json() == expected


@pytest.mark.parametrize(("token", "value"), [
    ("8", 8), ("十", 10), ("十二", 12), ("二十", 20), ("两", 2), ("一百零五", 105), ("项", None),
])
def test_chinese_int(token, value):
    assert chinese_int(token) == value
