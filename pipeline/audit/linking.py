"""``task_key``: the same task across one publisher's bulletins, and how sure the link is.

A year's task list numbers its tasks, so within one year the printed number is the first
clue and the title confirms it; across years, or where a revised list renumbers the tasks,
the title alone decides. Titles are compared as sets of jieba tokens (Dice coefficient).
Bulletins are taken in period order, so the same input always gives the same keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.records import Bulletin, Link

# Calibrated on the synthetic years with renumbered and reworded titles (corpus/anomalies.py):
# a reworded title of the same task scores 0.86–0.93 against its old wording; two different
# tasks of one publisher at most 0.25 there and 0.15 in the seed.
TITLE_THRESHOLD = 0.6
# A same-year number match needs only a title that is not plainly another task's.
NUMBER_CONFIRM = 0.3
# Added to the title score of a same-year number match, so that it wins over an equally
# similar title elsewhere, but not over a clearly better title match.
NUMBER_BONUS = 0.5
# Earlier wordings of a task's title kept for comparison: titles drift a little each year.
TITLES_KEPT = 4

# Function words and list markers that say nothing about which task a title names.
STOP_TOKENS = frozenset(("的", "和", "与", "及", "等", "了", "在", "对", "为", "将", "一批",
                         "进一步", "加快", "推进", "推动"))
PUNCT = re.compile(r"^[\W_]+$")
# What changes in a title from one issue of a report series to the next: its dates.
TITLE_DATES = re.compile(r"[一二三四五六七八九十\d]+\s*(?:月份|月|季度)|\d{4}\s*年度?|"
                         r"上半年|下半年|前三季度|全年|\d+")


# The task-list scope of a bulletin whose publisher is unknown: the document itself.
UNKNOWN_PUBLISHER = "unknown-publisher:"


def group_of(bulletin: Bulletin) -> str:
    """Whose task list a bulletin reports on: its publisher (from the page, the crawl's site
    profile or ``--publisher``), else the document alone.

    A host, a port or a folder name is no publisher: one portal hosts many bureaus, a local
    test site gets a new port each run, and folders are named by whoever saved the files.
    Guessing from them linked unrelated bureaus' tasks and changed keys from run to run, so
    a bulletin of unknown publisher links with nothing; its bytes name it, stably.
    """
    return publisher_group(bulletin.publisher, bulletin.sha256)


def publisher_group(publisher: str | None, sha256: str) -> str:
    """``group_of`` from the two fields it reads (the build's audit orders rows by it)."""
    return publisher or f"{UNKNOWN_PUBLISHER}{sha256[:12]}"


def series_of(bulletin: Bulletin) -> tuple[str, str]:
    """The report series a bulletin is an issue of: its publisher and its title without dates.

    One publisher may issue several series (monthly progress, rectification reports, audit
    notices); only issues of one series are linked and compared with each other.
    """
    return group_of(bulletin), series_title(bulletin.title)


# Each issue's series key is read as the series are planned, as it is linked and as it is
# checked, and a series' titles recur (every re-posted issue, every issue of a series
# whose titles hold no date).
SERIES_TITLES_KEPT = 1024


@lru_cache(maxsize=SERIES_TITLES_KEPT)
def series_title(title: str | None) -> str:
    """A series' part of ``series_of`` from the issue's title: the title without dates."""
    return TITLE_DATES.sub("", title or "")


Series = Callable[[Bulletin], tuple[str, str]]


# A period as the tables write it: a month, a quarter, a half-year or a year.
PERIOD = re.compile(r"\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?")
PERIOD_FORMS = "YYYY-MM (2017-06), YYYY-Qn (2017-Q2), YYYY-Hn (2017-H1) or YYYY (2017)"


# Every issue's period is read again and again (planning the series, linking, the checks'
# year and order): its key is worked out once for the last thousand periods met.
PERIODS_KEPT = 1024


@lru_cache(maxsize=PERIODS_KEPT)
def period_order(period: str | None, published: str | None = None) -> tuple[int, int, int, str]:
    """Sort key of a period by its end: 2017-06 < 2017-Q2 (same end, longer) < 2017-07."""
    if period and PERIOD.fullmatch(period):
        year, _, part = period.partition("-")
        if not part:
            end, span = 12, 12
        elif part[0] == "Q":
            end, span = 3 * int(part[1]), 3
        elif part[0] == "H":
            end, span = 6 * int(part[1]), 6
        else:
            end, span = int(part), 1
        return int(year), end, span, period
    if published and re.match(r"\d{4}-\d{2}", published):
        return int(published[:4]), int(published[5:7]), 0, published
    return 9999, 99, 0, period or ""


def year_of(bulletin: Bulletin) -> int | None:
    year = period_order(bulletin.period, bulletin.published)[0]
    return None if year == 9999 else year


def ordered(bulletins: Iterable[Bulletin], series: Series = series_of) -> list[Bulletin]:
    """Each series' bulletins in period order; ties broken by publication date, then by when
    the bytes were archived (a re-publication after its first version), then by bytes, never
    by input order."""
    return sorted(
        bulletins,
        key=lambda b: (series(b), period_order(b.period, b.published), b.published or "",
                       b.fetched or "", b.sha256),
    )


@lru_cache(maxsize=65536)
def title_tokens(title: str) -> frozenset[str]:
    from extractors.segment import title_words  # jieba loads only when linking runs

    return frozenset(
        t for t in title_words(title) if t.strip() and not PUNCT.match(t) and t not in STOP_TOKENS
    )


def title_similarity(a: str, b: str) -> float:
    """Dice coefficient of the two titles' token sets: 1.0 for the same words."""
    ta, tb = title_tokens(a), title_tokens(b)
    if not ta or not tb:
        return 1.0 if a.strip() == b.strip() else 0.0
    return round(2 * len(ta & tb) / (len(ta) + len(tb)), 4)


@dataclass
class _Task:
    key: str
    titles: list[str]

    def similarity(self, title: str) -> float:
        if title in self.titles:  # a title scores 1.0 with itself, the most any title can
            return 1.0
        return max(title_similarity(title, t) for t in self.titles)


@dataclass
class _Group:
    """One publisher's tasks so far, found by number (per year) and by title token."""

    tasks: dict[str, _Task] = field(default_factory=dict)
    numbers: dict[tuple[int | None, str], str] = field(default_factory=dict)
    # Only tasks sharing a token with a title can reach the threshold: a large corpus is
    # not compared title by title with every task it has seen.
    by_token: dict[str, set[str]] = field(default_factory=dict)

    def candidates(self, title: str, numbered: str | None) -> set[str]:
        found = {numbered} if numbered else set()
        for token in title_tokens(title):
            found |= self.by_token.get(token, set())
        return found

    def saw(self, key: str, year: int | None, path: str, title: str) -> None:
        task = self.tasks.setdefault(key, _Task(key, []))
        if title not in task.titles:
            task.titles = [*task.titles, title][-TITLES_KEPT:]
            for token in title_tokens(title):
                self.by_token.setdefault(token, set()).add(key)
        self.numbers[(year, path)] = key


def link_tasks(
    bulletins: Iterable[Bulletin], series: Series = series_of, taken: set[str] | None = None
) -> dict[tuple[str, str], Link]:
    """Every section's ``Link``, keyed by (doc sha256, section path); tasks are linked within
    each of ``series`` (by default: a publisher's report series).

    ``taken`` holds the keys already given, for a caller that links one series at a time;
    the keys given here are added to it.
    """
    links: dict[tuple[str, str], Link] = {}
    linker = TaskLinker(series, taken)
    for bulletin in ordered(bulletins, series):
        links.update(linker.link(bulletin))
    return links


class TaskLinker:
    """Links bulletins one at a time, given in ``ordered`` order; what it keeps is each
    series' tasks (their recent titles, numbers and title tokens), not the bulletins, so a
    long series can be linked issue by issue (``link_tasks`` is the loop over a list)."""

    def __init__(self, series: Series = series_of, taken: set[str] | None = None) -> None:
        self.series = series
        self.groups: dict[tuple[str, str], _Group] = {}
        # across series: two series of one publisher may share numbers
        self.keys: set[str] = taken if taken is not None else set()

    def link(self, bulletin: Bulletin) -> dict[tuple[str, str], Link]:
        """The bulletin's sections' links, keyed as ``link_tasks`` keys them."""
        links: dict[tuple[str, str], Link] = {}
        year = year_of(bulletin)
        group = self.groups.setdefault(self.series(bulletin), _Group())
        chosen = _assign(bulletin, group, year)
        for section in bulletin.sections:
            link = chosen.get(section.path)
            if link is None:
                key = _new_key(group_of(bulletin), year, section.path, self.keys)
                self.keys.add(key)
                link = Link(key, None, "new")
            group.saw(link.task_key, year, section.path, section.title)
            links[(bulletin.sha256, section.path)] = link
        return links


def _assign(bulletin: Bulletin, group: _Group, year: int | None) -> dict[str, Link]:
    """Greedy one-to-one matching of the bulletin's sections to known tasks, best pair first."""
    pairs = []
    for order, section in enumerate(bulletin.sections):
        by_number = group.numbers.get((year, section.path)) if year is not None else None
        for key in group.candidates(section.title, by_number):
            score = group.tasks[key].similarity(section.title)
            numbered = key == by_number
            if score >= TITLE_THRESHOLD or (numbered and score >= NUMBER_CONFIRM):
                rank = score + (NUMBER_BONUS if numbered else 0.0)
                pairs.append((-rank, order, key, section.path, score, numbered))
    chosen: dict[str, Link] = {}
    taken: set[str] = set()
    for _, _, key, path, score, numbered in sorted(pairs):
        if path in chosen or key in taken:
            continue
        chosen[path] = Link(key, score, "number+title" if numbered else "title")
        taken.add(key)
    return chosen


def _new_key(group: str, year: int | None, path: str, known: set[str]) -> str:
    """``publisher/year/number`` of the task's first section; suffixed if a renumbered list
    reused that number for another task the same year, or another series has it."""
    base = f"{group}/{year if year is not None else 'undated'}/{path}"
    key, n = base, 1
    while key in known:
        n += 1
        key = f"{base}~{n}"
    return key
