"""task_key: every task of the synthetic series linked to itself and to nothing else."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

import pytest

from corpus.anomalies import Series, clean_series, planted_series
from pipeline.audit.linking import (
    NUMBER_CONFIRM,
    TITLE_THRESHOLD,
    Link,
    group_of,
    link_tasks,
    period_order,
    title_similarity,
)
from pipeline.read.document import extract
from pipeline.records import Bulletin, Page
from tests.helpers import SEED


@cache
def extracted(kind: str) -> tuple[Series, tuple[Bulletin, ...], dict[tuple[str, str], Link]]:
    """The clean or planted series read through the whole reading path (bytes → extract)."""
    series = clean_series() if kind == "clean" else planted_series()
    bulletins = tuple(extract(page) for page in series.pages())
    return series, bulletins, link_tasks(bulletins)


@cache
def seed() -> Bulletin:
    return extract(Page(source="tests/fixtures/liaoning-kjt-2017-07.txt",
                        content=SEED.read_bytes()))


def identities(series: Series, bulletins: tuple[Bulletin, ...],
               links: dict[tuple[str, str], Link]) -> dict[str, set[str]]:
    """task_key → the task identities (ground truth) of the sections it links."""
    out: dict[str, set[str]] = defaultdict(set)
    for b in bulletins:
        publisher = b.source.split("/")[1]
        assert b.period is not None  # the synthetic site dates every bulletin
        for s in b.sections:
            out[links[(b.sha256, s.path)].task_key].add(
                series.identity[(publisher, b.period, s.no)])
    return out


# fmt: off
SIMILAR = [
    ("发展壮大高新技术产业。", "发展壮大高新技术产业。", 1.0, 1.0),
    ("发展壮大高新技术产业。", "继续发展壮大高新技术产业。", TITLE_THRESHOLD, 1.0),
    ("推进智能制造，建设一批数字化车间。", "深入推进智能制造，建设一批数字化车间。",
     TITLE_THRESHOLD, 1.0),
    ("出台科技强省建设实施方案。", "推进沈阳全面创新改革试验区建设。", 0.0, NUMBER_CONFIRM),
    ("实施工业强基工程。", "加快工业互联网平台建设。", 0.0, NUMBER_CONFIRM),
]
# fmt: on


@pytest.mark.parametrize(("a", "b", "low", "high"), SIMILAR)
def test_title_similarity(a: str, b: str, low: float, high: float) -> None:
    assert low <= title_similarity(a, b) <= high
    assert title_similarity(a, b) == title_similarity(b, a)


def test_periods_sort_by_their_end() -> None:
    periods = ["2018-01", "2017", "2017-H1", "2017-07", "2017-Q2", "2017-06", "2016-12"]
    assert sorted(periods, key=period_order) == [
        "2016-12", "2017-06", "2017-Q2", "2017-H1", "2017-07", "2017", "2018-01"]


def test_group_is_the_publisher_else_the_document_alone() -> None:
    assert group_of(Bulletin("a/kjt/1.html", "x", "", publisher="辽宁省科学技术厅")) == \
        "辽宁省科学技术厅"
    # a host (with its port) or a folder is no publisher: it never enters a key
    one = Bulletin("corpus/kjt/1.html", "1" * 64, "", url="http://127.0.0.1:36835/2017/1.html")
    other = Bulletin("corpus/kjt/2.html", "2" * 64, "", url="http://127.0.0.1:36835/2017/2.html")
    assert group_of(one) != group_of(other)
    assert not any(part in group_of(one) for part in ("127.0.0.1", "36835", "kjt", "corpus"))


def test_clean_series_links_every_task_to_itself() -> None:
    """Two years of both publishers; the second year renumbers its list, then again in July."""
    series, bulletins, links = extracted("clean")
    keys = identities(series, bulletins, links)
    assert all(len(found) == 1 for found in keys.values()), keys
    tasks = {i for found in keys.values() for i in found}
    assert len(keys) == len(tasks) == 11  # six tasks of one publisher, five of the other
    # The renumbering was really in play: in 2018 titles decided some links.
    by_title = {(b.period, s.no) for b in bulletins for s in b.sections
                if links[(b.sha256, s.path)].link_method == "title"}
    assert {p for p, _ in by_title} == {"2018-01", "2018-07"}


def test_numbers_moved_to_another_task_do_not_link_it() -> None:
    series, bulletins, links = extracted("clean")
    b = next(b for b in bulletins if b.source == "synthetic/kjt/2018-07.html")
    for s in b.sections:
        link = links[(b.sha256, s.path)]
        truth = series.identity[("kjt", "2018-07", s.no)]
        assert link.task_key.endswith("/2017/" + truth.split(":")[1])
        assert link.link_score is not None and link.link_score >= TITLE_THRESHOLD


def test_added_task_gets_a_key_of_its_own() -> None:
    series, bulletins, links = extracted("planted")
    keys = identities(series, bulletins, links)
    assert all(len(found) == 1 for found in keys.values())
    assert {"kjt:170", "gxt:60"} <= {i for found in keys.values() for i in found}
    first = [link for (doc, _), link in links.items() if link.link_method == "new"]
    assert all(link.link_score is None for link in first)


def test_links_do_not_depend_on_input_order() -> None:
    _, bulletins, links = extracted("clean")
    assert link_tasks(reversed(bulletins)) == links


def test_seed_sections_are_each_a_task() -> None:
    links = link_tasks([seed()])
    assert sorted(link.task_key for link in links.values())[:2] == [
        "辽宁省科学技术厅/2017/146", "辽宁省科学技术厅/2017/148"]
    assert len({link.task_key for link in links.values()}) == 10


@pytest.mark.parametrize("title", ["推进科技成果转化", "", "  ", "的和与", "一、", "加快推进 成果"])
def test_a_task_scores_a_title_it_was_given_as_its_every_title_would(title: str) -> None:
    """``_Task.similarity`` answers 1.0 for one of its own titles without comparing: the
    most any comparison gives, and what comparing with itself gives, with words or none."""
    from pipeline.audit.linking import _Task

    titles = ["推进科技成果转化工作", title, "开展专家对接活动"]
    assert _Task("k", titles).similarity(title) == 1.0
    assert max(title_similarity(title, t) for t in titles) == 1.0
