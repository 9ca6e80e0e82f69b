"""The synthetic disclosure site (corpus/synthetic.py): deterministic, seed-like, GBK."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import pytest

from corpus.synthetic import (
    KJT,
    PAGINATION_STYLES,
    PER_LIST_PAGE,
    bulletin_paragraphs,
    generate_site,
    relative_href,
    render_bulletin,
)
from scrapers.listing import read_list
from scrapers.profiles import DEFAULT_TITLE_PATTERN


def test_same_seed_same_bytes_other_seed_other_numbers() -> None:
    a, b, c = generate_site(3), generate_site(3), generate_site(4)
    assert a == b
    assert a.sites[0].bulletins != c.sites[0].bulletins


def test_two_publishers_a_year_each_in_different_pagination_styles() -> None:
    site = generate_site(0)
    assert len(site.sites) == 2
    assert len({s.publisher.style for s in site.sites}) == 2
    for s in site.sites:
        assert [b.period for b in s.bulletins] == [f"2017-{m:02d}" for m in range(1, 13)]
        assert len(s.list_paths) == -(-len(s.entries) // PER_LIST_PAGE)
        assert all(re.search(DEFAULT_TITLE_PATTERN, b.title) for b in s.bulletins)
    assert site.sites[0].bulletins[6].title == "辽宁省《政府工作报告》2017年七月份工作完成情况"


def test_pages_are_gbk_with_the_charset_only_in_meta() -> None:
    for s in generate_site(0).sites:
        for page in s.pages:
            text = page.content.decode("gbk")
            assert f"charset={page.encoding}" in text[:200]
            assert page.content_type == "text/html"


def test_bulletins_read_like_the_seed() -> None:
    b = generate_site(0).sites[0].bulletins[6]
    text = "\n".join(bulletin_paragraphs(b))
    assert f"我厅共牵头负责{b.lead}项、责任负责{b.responsible}项重点任务" in text
    assert f"截至7月底，已完成任务{b.completed}项，其余{b.remaining}项" in text
    assert "\n99.发展壮大高新技术产业。\n完成情况：" in text
    for task in b.tasks:
        for count in task.counts:
            assert count.text in text
        assert (task.status_text in text) if task.status_text else True
    assert b.completed == sum(t.status == "completed" for t in b.tasks)


def test_counts_are_cumulative_and_tasks_stay_completed() -> None:
    for s in generate_site(5).sites:
        for before, after in itertools.pairwise(s.bulletins):
            for t0, t1 in zip(before.tasks, after.tasks, strict=True):
                pairs = zip(t0.counts, t1.counts, strict=True)
                assert all(c1.value >= c0.value for c0, c1 in pairs)
                assert not (t0.status and not t1.status)


def test_a_planted_anomaly_is_rendered_as_planted() -> None:
    b = generate_site(0).sites[0].bulletins[6]
    task = b.tasks[2]
    shrunk = replace(task, counts=(replace(task.counts[0], value=1),))
    html = render_bulletin(replace(b, tasks=(*b.tasks[:2], shrunk, *b.tasks[3:])), KJT)
    assert shrunk.counts[0].text in html


def test_list_pages_link_every_entry_once() -> None:
    for s in generate_site(0).sites:
        pages = {p.path: p for p in s.pages}
        linked = []
        for path in s.list_paths:
            listing = read_list(f"http://h{path}", pages[path].content)
            linked += [link.url.removeprefix("http://h") for link in listing.links]
        assert sorted(linked) == sorted(e.path for e in s.entries)


def test_relative_href() -> None:
    assert relative_href("/a/b/index.html", "/a/b/2017/t.html") == "./2017/t.html"
    assert relative_href("/a/b/index.jsp?page=2", "/art/2017/t.html") == "../../art/2017/t.html"
    assert relative_href("/index.html", "/x/t.html") == "./x/t.html"


@pytest.mark.parametrize("style", PAGINATION_STYLES)
def test_every_pagination_style_leads_from_the_first_list_page_to_all(style: str) -> None:
    site = generate_site(0, publishers=(replace(KJT, style=style),)).sites[0]
    pages = {p.path: p for p in site.pages}
    found, queue = set(), [site.start_path]
    while queue:
        path = queue.pop()
        found.add(path)
        listing = read_list(f"http://h{path}", pages[path].content)
        queue += [u.removeprefix("http://h") for u in listing.pages
                  if u.removeprefix("http://h") not in found]
    assert found == set(site.list_paths)
