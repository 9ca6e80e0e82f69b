"""The header's own tally: only what the header states, never a section's counts."""

from __future__ import annotations

import pytest

from extractors.numerals import whole_number
from pipeline.read.decode import normalise
from pipeline.read.tally import find_summary

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
    ("rest-all-on-schedule-and-not-started", "我局牵头任务中已完成1项,其余5项均按计划推进;"
     "另有未启动1项。", {"completed": 1, "on_schedule": 5, "not_started": 1}),
    ("normal-pace-and-not-done", "全年共45项重点工作,已完成12项,正常推进30项,未完成3项。",
     {"total": 45, "completed": 12, "on_schedule": 30, "behind": 3}),
    ("led-thing-named-before-count", "2023年,我局牵头负责市政府为民办实事项目4项。截至6月底,"
     "已完成1项,按序时推进3项。", {"lead": 4, "completed": 1, "on_schedule": 3}),
    ("pdf-line-break-before-count", "确定的十项民生实事,共涉及28个子项\n目。已完成4个子项目,"
     "按序时推进21个,进度滞后\n3个。", {"total": 28, "completed": 4, "on_schedule": 21,
                                       "behind": 3}),
    ("only-what-is-stated", "截至目前,已完成任务3项。\n1.推进改革。\n其余7项按计划推进"
                            "。", {"completed": 3}),
    # `的有N个/项` after every bucket word.
    ("de-you-every-bucket",
     "全县纳入考核的120项任务中,已完成的有36个,占30%;达到序时进度的有70个;欠进度的有14个。",
     {"total": 120, "completed": 36, "on_schedule": 70, "behind": 14}),
    ("behind-pace", "截至6月底,45项重点工作中已完成9项,按序时推进31项,滞后序时5项。",
     {"total": 45, "completed": 9, "on_schedule": 31, "behind": 5}),
    ("table-tally-word", "经汇总,一季度已完成3项,达序推进22项,欠进度2项。",
     {"completed": 3, "on_schedule": 22, "behind": 2}),
    ("not-reached-is-behind-not-on-schedule", "上半年未达到序时进度的有3项,未达序时进度2项。",
     {"behind": 3}),
    # Ahead of schedule is on schedule (the contract has no ahead field): added to it …
    ("ahead-added-to-on-schedule",
     "列入督查的33项任务中,超序时进度5项、达到序时进度24项、未达序时进度4项。",
     {"total": 33, "on_schedule": 29, "behind": 4}),
    ("ahead-de-you", "超进度的有6个,达到序时进度的有40个,欠进度的有3个。",
     {"on_schedule": 46, "behind": 3}),
    ("ahead-only", "截至9月底,超进度的有12个。", {"on_schedule": 12}),
    # … unless the header gives it as a part of the on-schedule bucket.
    ("ahead-as-part-is-not-added", "达到序时进度的有50个,其中超进度的有8个;欠进度的有2个。",
     {"on_schedule": 50, "behind": 2}),
    # The number of tasks the header says it covers.
    ("total-determined", "今年,县政府确定了12件民生实事共30个子项目。"
                         "截至9月底,已完成5件,序时推进6件,滞后1件。",
     {"total": 12, "completed": 5, "on_schedule": 6, "behind": 1}),
    ("total-split-into-groups",
     "市政府将报告确定的目标任务分解为5个方面60项具体任务,明确了责任单位。",
     {"total": 60}),
    ("total-groups-then-tasks", "县政府确定的6个方面88项重点工作任务,已完成10项,按序时推进70项。",
     {"total": 88, "completed": 10, "on_schedule": 70}),
    ("total-ambiguous-is-none", "市政府确定了8件民生实事,各部门确定了20项重点工作。", {}),
    # Real bucket families (tests/heldout6/README.md lists their sources), with shares.
    ("shares-and-not-started", "全县共86项任务,已完成14项,占比16.3%;达到序时进度61项,占比70.9%;"
     "未达到序时进度9项,占比10.5%;尚未启动2项,占比2.3%。",
     {"total": 86, "completed": 14, "on_schedule": 61, "behind": 9, "not_started": 2}),
    ("early-or-beyond-normal-slow", "市政府确定的10件民生实事,"
     "提前完成或超额完成年度目标任务的有3件,占30%;正常推进的有4件,占40%;推进缓慢的有3件,占30%。",
     {"total": 10, "completed": 3, "on_schedule": 4, "behind": 3}),
    ("done-or-nearly-ahead-or-on-slow", "确定的38项重点任务,已完成或基本完成11项,"
     "达到或超过序时进度23项,慢序时4项。",
     {"total": 38, "completed": 11, "on_schedule": 23, "behind": 4}),
    ("closed-out-and-owed", "2019年县《政府工作报告》明确重点任务54项。截至第三季度末,"
     "已完成交账销号的12项,达进度的37项,欠进度的5项。",
     {"total": 54, "completed": 12, "on_schedule": 37, "behind": 5}),
    ("not-yet-reached-is-behind", "我市承担的46项整改任务中,已完成整改并销号28项,达到序时进度15项,"
     "尚未达到序时进度3项。", {"total": 46, "completed": 28, "on_schedule": 15, "behind": 3}),
    ("count-after-word-chinese", "今年我局负责重点任务9项。截至8月底,其中两项已经完成,"
     "五项正按计划推进,两项受汛期影响进度滞后。",
     {"total": 9, "completed": 2, "on_schedule": 5, "behind": 2}),
    ("partner-roles-and-all-done", "2021年,我局牵头负责重点任务4项,协助完成重点任务8项,"
     "12项任务已全部完成。", {"lead": 4, "responsible": 8, "completed": 12}),
    ("partner-as-responsible-unit", "我局共牵头负责重点任务六项、作为责任单位配合推进四项。"
     "十项任务中,三项已经完成,五项按计划推进,两项进度滞后。",
     {"lead": 6, "responsible": 4, "total": 10, "completed": 3, "on_schedule": 5, "behind": 2}),
    ("coordinated-and-ahead-of-year", "我委牵头负责重点任务5项,协同推进重点任务4项。截至6月底,"
     "已提前完成全年目标任务3项,其余6项均按序时推进。",
     {"lead": 5, "responsible": 4, "completed": 3, "on_schedule": 6}),
    ("projects-counted-in-ge", "年初明确的35个民生实事项目,截至12月底,已完成(含基本完成)33个,"
     "按序时推进1个,推进缓慢1个。", {"total": 35, "completed": 33, "on_schedule": 1, "behind": 1}),
    ("rest-actively-advancing", "66项整改任务已整改完成27项,其余39项整改任务正积极推进。",
     {"completed": 27, "on_schedule": 39}),
    ("word-before-count-is-no-count-after", "45项重点工作中已完成9项,按序时推进36项。",
     {"total": 45, "completed": 9, "on_schedule": 36}),
    ("ordinal-heading-ends-header",
     "现将督查情况通报如下:\n第一项:新建污水管网。\n已完成3项子工程,滞后1项。", {}),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_find_summary(text, expected):
    assert find_summary(normalise(text)).to_json() == expected


@pytest.mark.parametrize(("token", "value"), [
    ("8", 8), ("十", 10), ("十二", 12), ("二十", 20), ("两", 2), ("一百零五", 105), ("项", None),
])
def test_whole_number(token, value):
    assert whole_number(token) == value


def test_first_character_lookaheads_change_no_match(monkeypatch):
    """WORD_THEN_COUNT, COUNT_THEN_WORD (before its bucket word) and FIRST_HEADING carry
    look-aheads for the character that comes next, COUNT_THEN_WORD and the `N项…中` total read
    their count as NUM_RUN (a character set first), and the `负责…N项` total its look-behind
    after `负责`, for speed only: they match what they match, with the same groups, in their
    plain form. The guarded total holds its guard in every match, and the summaries are the
    same without the guards."""
    import random
    import re

    from extractors.buckets import TALLY_PHRASES
    from pipeline.read import tally

    rng = random.Random(3)
    kinds = (sorted(TALLY_PHRASES), [*"0123456789一二两十百〇٣"], [*"项个件"],
             [*"其中任务,。、的有为 \n\t()（）第:", "未", "超"],
             ["一、", "(二)", "第三项:", "12.", "1、", "\n 3.", "\n\t45、", "3项任务中", "十项中"],
             ["负责", "牵头负责", "负责的", "重点任务", "牵头", "负责重点任务9项,", "负责3项。"])
    texts = ["".join(rng.choice(rng.choice(kinds)) for _ in range(rng.randint(1, 30)))
             for _ in range(2000)]
    leads = (tally.BUCKET_FIRST, tally.HEADING_FIRST)
    for pattern in (tally.WORD_THEN_COUNT, tally.COUNT_THEN_WORD, *tally.TOTAL_PATTERNS[1:],
                    tally.FIRST_HEADING):
        plain_pattern = pattern.pattern.replace("负责(?<!牵头负责)", "(?<!牵头)负责").replace(
            tally.NUM_RUN, tally.NUM[1:-1])
        for lead in leads:
            plain_pattern = plain_pattern.replace(lead, "")
        plain = re.compile(plain_pattern)
        assert plain.pattern != pattern.pattern
        found = [[(m.span(), m.groups(), m.groupdict()) for m in plain.finditer(t)] for t in texts]
        assert sum(map(len, found)) > 200
        assert [[(m.span(), m.groups(), m.groupdict()) for m in pattern.finditer(t)]
                for t in texts] == found
    for pattern, word in tally.GUARDS.items():
        assert all(word in m.group() for t in texts for m in pattern.finditer(t))
    guarded = [find_summary(t) for t in texts]
    monkeypatch.setattr(tally, "GUARDS", {})
    assert [find_summary(t) for t in texts] == guarded
