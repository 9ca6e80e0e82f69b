"""Status markers: the printed words that label how far a task has got.

A section's status comes only from a marker that *labels* it: a bracketed phrase such as
``(已完成)`` or ``【正在推进】``, or a progress label whose whole value is a status phrase
(``完成情况:已完成。``). A status word inside running prose (``按序时推进`` mid-sentence,
``已完成78%``, ``(已完成8条)``) says something about a count, not about the task.
"""

from __future__ import annotations

import re

# Done: the task is finished for the reporting year (incl. finished early or beyond target;
# a task finished "ahead" is still finished).
COMPLETED = (
    "已完成",
    "完成",
    "基本完成",
    "已基本完成",
    "全部完成",
    "已全部完成",
    "如期完成",
    "提前完成",
    "超额完成",
    "已办结",
    "办结",
    "已提前完成全年任务",
    "提前超额完成全年任务",
    "已完成或超额完成",
    "已全部完成或超额完成",
    "完成到位",
    "已整改到位",
    "已验收销号",
    "完成交账销号",
)

# Under way at the planned pace (FORMATS §5 "On schedule").
ON_SCHEDULE = (
    "正在推进",
    "推进中",
    "持续推进",
    "按序时推进",
    "序时推进",
    "达序推进",
    "达到序时进度",
    "达到序时",
    "达序时进度",
    "基本达序时进度",
    "达进度",
    "按计划推进",
    "按计划完成节点任务",
    "有序推进",
    "稳步推进",
    "正常推进",
    "顺利推进",
    "按期推进",
    "正按计划全力推进中",
    "进展顺利",
    "年底前能确保完成",
)

# Ahead of the planned pace (FORMATS §5 "Ahead"). The contract has no "ahead" status: the
# year's task is not yet finished, so ahead is in_progress, like on schedule.
AHEAD = (
    "超进度",
    "超序时进度",
    "超序时",
    "提前或超额完成节点任务",
)

IN_PROGRESS = ON_SCHEDULE + AHEAD

# Behind the planned pace, overdue, or not going to be finished.
BEHIND = (
    "未完成",
    "滞后",
    "进度滞后",
    "滞后序时",
    "滞后序时进度",
    "滞后于序时进度",
    "欠进度",
    "欠序时进度",
    "未达序时",
    "未达序时进度",
    "未达到序时",
    "未达到序时进度",
    "低于序时进度",
    "进度相对滞后",
    "进展缓慢",
    "逾期",
    "完成有一定困难",
    "年底前不能全部完成",
)

# Not begun at all.
NOT_STARTED = (
    "未启动",
    "尚未启动",
    "尚未正式启动",
)

# FORMATS §5 also lists `指标项目出现调整` (the target was changed) and `其它类` (other) among
# the "behind / other" buckets: they say nothing about progress, so they map to no status
# (a section so marked gets status null) and are deliberately absent here.

STATUS_OF_PHRASE: dict[str, str] = {
    **{p: "completed" for p in COMPLETED},
    **{p: "in_progress" for p in IN_PROGRESS},
    **{p: "behind" for p in BEHIND},
    **{p: "not_started" for p in NOT_STARTED},
}

# Labels that open a progress line; the marker counts only when the label's whole value
# is a status phrase.
PROGRESS_LABELS = (
    "完成情况",
    "进展情况",
    "推进情况",
    "落实情况",
    "整改情况",
    "办理情况",
    "工作进展",
    "目前进展",
    "进度情况",
    "完成进度",
    "进展",
    "状态",
)

# Longest first, so that 未完成 is never read as 完成 and 已完成或超额完成 not as 已完成.
_PHRASES = "|".join(re.escape(p) for p in sorted(STATUS_OF_PHRASE, key=len, reverse=True))
_LABELS = "|".join(re.escape(p) for p in sorted(PROGRESS_LABELS, key=len, reverse=True))

# Both bracket widths: callers pass NFKC text, but a marker quoted raw must still count.
BRACKETED = re.compile(
    rf"\(\s*(?P<a>{_PHRASES})\s*\)|（\s*(?P<b>{_PHRASES})\s*）"
    rf"|【\s*(?P<c>{_PHRASES})\s*】|\[\s*(?P<d>{_PHRASES})\s*\]|〔\s*(?P<e>{_PHRASES})\s*〕"
)

# The value must end the clause: `完成情况:已完成78%` or `…:已完成任务1项` is a count.
LABELLED = re.compile(rf"(?:{_LABELS})\s*[:：]\s*(?P<a>{_PHRASES})(?=\s*(?:[。;；.!！\n]|$))")


def find_status(text: str) -> tuple[str | None, str | None]:
    """The status a section's own text labels itself with, and the marker as printed.

    Where several markers stand in one section the last wins: the closing marker is the
    one that reports the state at the cut-off.
    """
    best: re.Match[str] | None = None
    for pattern in (BRACKETED, LABELLED):
        for match in pattern.finditer(text):
            if best is None or match.start() > best.start():
                best = match
    if best is None:
        return None, None
    phrase = next(g for g in best.groups() if g is not None)
    return STATUS_OF_PHRASE[phrase], best.group(0).strip()
