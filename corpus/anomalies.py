"""Synthetic bulletin series with planted anomalies, and the answer key for the audit checks.

Built on ``corpus.synthetic``: its planned records are edited with ``dataclasses.replace``
before rendering, so every record stays the truth of what its page says.

- ``clean_series``: both publishers' monthly bulletins, year after year, with prose that
  differs from month to month (as real bulletins' should) and, from the second year on, a
  renumbered task list with some titles reworded, renumbered once more mid-year.
- ``planted_series``: one clean year with one anomaly of every kind per publisher
  (``PLANTS``); ``Series.expected`` lists every finding the checks must report, the
  status changes the plan makes of its own included. Two bulletins of each publisher are
  archived twice at their address: one edited after publication (a figure corrected, a task
  marked done, the tally redone: ``revised``), one served again byte for byte (a trap).

Task identities (``kjt:99``) name a task by its publisher and its number in the first year,
whatever it is numbered later: the answer key for ``task_key``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from corpus.synthetic import (
    PUBLISHERS,
    BulletinTruth,
    Publisher,
    SyntheticSite,
    TaskReport,
    TaskSpec,
    plan_bulletins,
    publisher_site,
    render_bulletin,
)
from pipeline.records import Page

if TYPE_CHECKING:
    import pandas as pd

DONE = "（已完成）"
# A task marked as on pace in a bulletin that otherwise marks only finished tasks.
ON_PACE = "（按序时推进）"
# How long after publication a page is first archived, and when it is archived again.
FIRST_FETCH = timedelta(days=1)
REFETCH = timedelta(days=10)
# The month from which a renumbered year's list is renumbered again (a revised plan).
RENUMBER_MONTH = 7
# Reworded titles in later years: the same task, a slightly different sentence.
REWORDED = {
    ("kjt", 99): "继续发展壮大高新技术产业。",
    ("kjt", 151): "新建一批“双创”示范基地和专业化众创空间载体。",
    ("gxt", 12): "深入推进智能制造，建设一批数字化车间。",
    ("gxt", 33): "大力培育专精特新中小企业。",
}

# Sentence parts of the monthly prose; every part is in GB2312, the older site's charset.
ORGS = ("省直有关部门", "各市主管部门", "重点高校院所", "行业协会", "龙头企业", "各开发区管委会",
        "省级专家组", "第三方评估机构", "市县两级主管部门", "驻省金融机构", "有关科研单位",
        "省发展改革委")
ACTIONS = ("召开专题推进会", "开展实地调研", "组织政策宣讲", "开展督导检查", "梳理问题清单",
           "召开座谈会", "编制工作台账", "开展业务培训", "组织现场观摩", "开展专项评估",
           "征求意见建议", "组织专家论证")
TOPICS = ("重点项目进展", "政策落实情况", "年度目标任务", "资金使用情况", "存在的困难问题",
          "下一步工作安排", "平台建设情况", "成果转化情况", "企业创新需求", "服务保障措施",
          "人才引进情况", "考核评价办法")
RESULTS = ("形成了工作简报", "明确了责任分工", "细化了推进措施", "建立了定期调度机制",
           "协调解决了一批问题", "完善了工作方案", "部署了下一阶段任务", "推动了有关政策落地",
           "印发了工作通知", "报送了进展情况")
PLACES = ("沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州", "营口", "阜新", "辽阳", "铁岭",
          "朝阳", "盘锦", "葫芦岛")

ADDED = {
    "kjt": TaskSpec(170, "加快科技金融融合发展，扩大科技贷款规模。", ""),
    "gxt": TaskSpec(60, "推动数字经济和实体经济深度融合。", ""),
}
# One anomaly of every kind per publisher: (task number, month[, ...]) as the plan reads.
PLANTS: dict[str, dict[str, tuple[int, ...]]] = {
    "kjt": {
        "count_decreased": (148, 6),
        "status_regressed": (158, 3, 5),  # completed from month 3, the marker missing in 5
        "part_exceeds_whole": (99, 8),
        "recycled_previous": (151, 7),  # month 7's prose is month 6's
        "recycled_other": (164, 148, 9),  # task 164 repeats task 148's prose in month 9
        "tally_mismatch": (10,),
        "task_added": (170, 4),
        "task_dropped": (164, 11),
        # false-alarm traps: nothing may be reported for these
        "trap_updated": (148, 4),  # month 4's prose is month 3's, with its counts updated
        "trap_on_pace_marker": (7,),  # month 7 marks one unfinished task on pace
        "revised": (99, 9),  # month 9 re-published: task 99's figure, status and the tally
        "trap_refetched": (8,),  # month 8 archived again, the same bytes
    },
    "gxt": {
        "count_decreased": (33, 9),
        "status_regressed": (15, 2, 7),
        "part_exceeds_whole": (12, 5),
        "recycled_previous": (33, 4),
        "recycled_other": (41, 12, 10),
        "tally_mismatch": (3,),
        "task_added": (60, 8),
        "task_dropped": (57, 6),
        "trap_updated": (33, 7),
        "trap_on_pace_marker": (4,),
        "revised": (12, 6),
        "trap_refetched": (5,),
    },
}


@dataclass(frozen=True)
class Expected:
    """A finding the checks must report; ``task`` is a task identity, None bulletin-wide."""

    check: str
    publisher: str
    period: str
    task: str | None


@dataclass(frozen=True)
class Series:
    bulletins: tuple[BulletinTruth, ...]
    # (publisher key, period, printed number) → task identity
    identity: dict[tuple[str, str, int], str]
    expected: tuple[Expected, ...]
    # Bulletins archived again at their address after their first version: edited, or not.
    republished: tuple[BulletinTruth, ...] = ()

    def pages(self, *, republished: bool = True) -> list[Page]:
        """Each bulletin as its site serves it: GBK/GB2312 HTML bytes, with its address, the
        publisher a crawl's site profile records (not every page names it) and when it was
        archived; then each re-publication, archived later at the same address (left out
        with ``republished=False``: saved as files, a version loses its address and date)."""
        again = self.republished if republished else ()
        return ([_page(b, "", b.published, FIRST_FETCH) for b in self.bulletins]
                + [_page(b, "republished/", b.published, REFETCH) for b in again])


def _page(b: BulletinTruth, folder: str, published: str, after: timedelta) -> Page:
    publisher = _publisher(b.publisher)
    fetched = date.fromisoformat(published) + after
    return Page(source=f"synthetic/{b.publisher}/{folder}{b.period}.html",
                content=render_bulletin(b, publisher).encode(publisher.charset),
                url=f"http://{b.publisher}.example.gov.cn{b.path}",
                fetched=f"{fetched.isoformat()}T08:00:00Z", publisher=publisher.name)


def clean_series(seed: int = 0, years: tuple[int, ...] = (2017, 2018)) -> Series:
    bulletins: list[BulletinTruth] = []
    identity: dict[tuple[str, str, int], str] = {}
    for publisher in PUBLISHERS:
        for k, year in enumerate(years):
            rng = random.Random(f"{seed}:{publisher.key}:{year}")
            spec, first_numbers = _renumbered(publisher, k)
            mid_numbers = _renumbered(publisher, k + 1)[1] if k else first_numbers
            for b in plan_bulletins(spec, year, rng):
                numbers = mid_numbers if b.month >= RENUMBER_MONTH else first_numbers
                tasks: list[TaskReport] = []
                for base, report in zip(publisher.tasks, b.tasks, strict=True):
                    no = numbers[base.no]
                    identity[(publisher.key, b.period, no)] = f"{publisher.key}:{base.no}"
                    prose = _prose(seed, publisher.key, b.period, base.no, i=len(tasks))
                    tasks.append(replace(report, no=no, prose=prose))
                bulletins.append(replace(b, tasks=tuple(tasks)))
    return Series(tuple(bulletins), identity, tuple(_status_changes(bulletins, identity)))


def planted_series(seed: int = 0, year: int = 2017) -> Series:
    """One clean year of both publishers with every kind of anomaly planted once in each."""
    clean = clean_series(seed, (year,))
    identity = dict(clean.identity)
    bulletins = list(clean.bulletins)
    expected: list[Expected] = []
    republished: list[BulletinTruth] = []
    for key, plants in PLANTS.items():
        mine = [i for i, b in enumerate(bulletins) if b.publisher == key]
        planted, found = _plant(key, [bulletins[i] for i in mine], plants, seed)
        for i, b in zip(mine, planted, strict=True):
            bulletins[i] = b
            for t in b.tasks:
                identity.setdefault((key, b.period, t.no), f"{key}:{t.no}")
        again, edits = _republish(key, planted, plants)
        republished.extend(again)
        expected.extend([*found, *edits])
    # a period's newest version is its bulletin: its statuses are the ones that changed
    newest = {(b.publisher, b.period): b for b in [*bulletins, *republished]}
    expected.extend(_status_changes([newest[(b.publisher, b.period)] for b in bulletins],
                                    identity))
    return Series(tuple(bulletins), identity, tuple(sorted(set(expected), key=_order)),
                  tuple(republished))


def planted_site(seed: int = 0, year: int = 2017) -> SyntheticSite:
    """The planted year as a disclosure site to crawl: each publisher's column lists its
    bulletins among its notices (what the demo serves)."""
    series = planted_series(seed, year)
    sites = []
    for publisher in PUBLISHERS:
        mine = [b for b in series.bulletins if b.publisher == publisher.key]
        rng = random.Random(f"{seed}:{publisher.key}:site")
        sites.append(publisher_site(publisher, mine, year, rng))
    return SyntheticSite(seed, year, tuple(sites))


# ------------------------------------------------------------------------------ planting

def _plant(
    key: str, year: list[BulletinTruth], plants: dict[str, tuple[int, ...]], seed: int
) -> tuple[list[BulletinTruth], list[Expected]]:
    def at(month: int) -> BulletinTruth:
        return year[month - 1]

    def task(b: BulletinTruth, no: int) -> TaskReport:
        return next(t for t in b.tasks if t.no == no)

    def edit(month: int, no: int, **changes: Any) -> None:
        b = at(month)
        year[month - 1] = replace(b, tasks=tuple(
            replace(t, **changes) if t.no == no else t for t in b.tasks))

    found: list[Expected] = []
    period = at(1).period[:5]

    def expect(check: str, month: int, no: int | None) -> None:
        found.append(Expected(check, key, f"{period}{month:02d}",
                              f"{key}:{no}" if no is not None else None))

    no, month = plants["count_decreased"]
    first = task(at(month - 1), no).counts[0]
    counts = task(at(month), no).counts
    edit(month, no, counts=(replace(counts[0], value=first.value - 3), *counts[1:]))
    expect("count_decreased", month, no)

    no, done, month = plants["status_regressed"]
    for m in range(1, 13):
        edit(m, no, status_text=DONE if m >= done and m != month else None)

    no, month = plants["part_exceeds_whole"]
    whole = random.Random(f"{seed}:{key}:part").randint(40, 90)
    edit(month, no, prose=task(at(month), no).prose + _pair(whole, whole + 8))
    expect("part_exceeds_whole", month, no)

    no, month = plants["recycled_previous"]  # prose and figures both last month's
    edit(month, no, prose=task(at(month - 1), no).prose, counts=task(at(month - 1), no).counts)
    expect("recycled_text", month, no)

    no, month = plants["trap_updated"]  # copied wording, new figures: an update
    edit(month, no, prose=task(at(month - 1), no).prose)

    (month,) = plants["trap_on_pace_marker"]
    unfinished = next(t for t in at(month).tasks if t.status is None)
    edit(month, unfinished.no, status_text=ON_PACE)

    no, source, month = plants["recycled_other"]
    edit(month, no, prose=task(at(month), source).prose)
    expect("recycled_text", month, no)

    added, month = plants["task_added"]
    spec = ADDED[key]
    for m in range(month, 13):
        b = at(m)
        new = TaskReport(added, spec.title, _prose(seed, key, b.period, added, i=0))
        year[m - 1] = replace(b, tasks=(*b.tasks, new), lead=b.lead + 1)
    expect("task_added", month, added)

    no, month = plants["task_dropped"]
    for m in range(month, 13):
        b = at(m)
        lead = next(t.lead for t in _publisher(key).tasks if t.no == no)
        year[m - 1] = replace(b, tasks=tuple(t for t in b.tasks if t.no != no),
                              lead=b.lead - lead, responsible=b.responsible - (not lead))
    expect("task_dropped", month, no)

    # The header counts what the sections mark, except where a wrong tally is planted.
    year = [replace(b, completed=sum(t.status == "completed" for t in b.tasks)) for b in year]
    (month,) = plants["tally_mismatch"]
    year[month - 1] = replace(at(month), completed=at(month).completed + 1)
    expect("tally_mismatch", month, None)
    return year, found


def _republish(
    key: str, year: list[BulletinTruth], plants: dict[str, tuple[int, ...]]
) -> tuple[list[BulletinTruth], list[Expected]]:
    """The month edited after publication, and the month archived again unchanged.

    The edit corrects the task's running total where there is room (by one, so it stays
    between the months around it) and, where the task is done by the next month, marks it
    done already, with the header's tally redone to match: every finding it makes is
    ``revised``, and the next month reads as consistent with it.
    """
    no, month = plants["revised"]
    b = year[month - 1]
    edited = next(t for t in b.tasks if t.no == no)
    later = next(t for t in year[month].tasks if t.no == no)
    counts = edited.counts
    if counts and later.counts and later.counts[0].value - counts[0].value >= 2:
        counts = (replace(counts[0], value=counts[0].value + 1), *counts[1:])
    done = edited.status is None and later.status == "completed"
    change = replace(edited, counts=counts, status_text=DONE if done else edited.status_text)
    assert change != edited, f"{key}: task {no} has nothing to edit in month {month}"
    tasks = tuple(change if t.no == no else t for t in b.tasks)
    revision = replace(b, tasks=tasks, completed=sum(t.status == "completed" for t in tasks))
    found = [Expected("revised", key, b.period, f"{key}:{no}")]
    if revision.completed != b.completed:
        found.append(Expected("revised", key, b.period, None))
    (again,) = plants["trap_refetched"]
    return [revision, year[again - 1]], found


def _status_changes(
    bulletins: list[BulletinTruth], identity: dict[tuple[str, str, int], str]
) -> Iterator[Expected]:
    """newly_completed and status_regressed as the records say, month to month in a year."""
    for prev, cur in pairwise(bulletins):
        if prev.publisher != cur.publisher or prev.period[:4] != cur.period[:4]:
            continue
        before = {identity[(prev.publisher, prev.period, t.no)]: t.status for t in prev.tasks}
        for t in cur.tasks:
            task = identity[(cur.publisher, cur.period, t.no)]
            if task not in before:
                continue
            if t.status == "completed" and before[task] != "completed":
                yield Expected("newly_completed", cur.publisher, cur.period, task)
            elif t.status != "completed" and before[task] == "completed":
                yield Expected("status_regressed", cur.publisher, cur.period, task)


# ------------------------------------------------------------------------------- helpers

def _publisher(key: str) -> Publisher:
    return next(p for p in PUBLISHERS if p.key == key)


def _renumbered(publisher: Publisher, k: int) -> tuple[Publisher, dict[int, int]]:
    """The task list of the k-th year: each task takes the number of the one before it, the
    first a free number below, k times over; titles reworded from the second year on."""
    base = [t.no for t in publisher.tasks]
    numbers = {
        no: base[i - k] if i >= k else base[0] - 2 * (k - i) for i, no in enumerate(base)
    }
    tasks = tuple(
        replace(t, no=numbers[t.no],
                title=REWORDED.get((publisher.key, t.no), t.title) if k else t.title)
        for t in publisher.tasks
    )
    return replace(publisher, tasks=tasks), numbers


def _prose(seed: int, key: str, period: str, task: int, i: int) -> str:
    """Two or three sentences on the month's work, different every month and task."""
    rng = random.Random(f"{seed}:{key}:{period}:{task}")
    month = int(period[5:])
    parts = [
        f"{month}月份，会同{rng.choice(ORGS)}{rng.choice(ACTIONS)}，"
        f"围绕{rng.choice(TOPICS)}进行研究，{rng.choice(RESULTS)}。",
        f"赴{rng.choice(PLACES)}、{rng.choice(PLACES)}等地{rng.choice(ACTIONS)}，"
        f"听取{rng.choice(ORGS)}关于{rng.choice(TOPICS)}的汇报，{rng.choice(RESULTS)}。",
    ]
    if i == 0 and month % 3 == 0:  # a part below its whole, as in the seed (122 → 119)
        whole = rng.randint(40, 90)
        parts.append(_pair(whole, whole - rng.randint(1, 9)))
    return "".join(parts)


def _pair(whole: int, part: int) -> str:
    return f"本月受理入库申请{whole}家，审核通过{part}家。"


def _order(e: Expected) -> tuple[str, str, str, str]:
    return e.publisher, e.period, e.check, e.task or ""


def sample_tables(seed: int = 0) -> dict[str, pd.DataFrame]:
    """Every table of a small dataset made on the spot: the synthetic year with planted
    anomalies, for notebooks and demos without a build at hand."""
    from pipeline.audit import run  # pandas and the audit: only for this caller
    from pipeline.read.document import extract

    frames = run.bulletins_to_frames(extract(page) for page in planted_series(seed).pages())
    derived = run.derive_tables(frames["bulletins"], frames["sections"], frames["facts"])
    return {**frames, **derived}
