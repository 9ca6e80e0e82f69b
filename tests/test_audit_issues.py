"""The build's audit, issue by issue (``audit_issues``), against the in-memory ``audit``."""

from __future__ import annotations

import gc
import hashlib
import sqlite3
import weakref
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from itertools import product
from pathlib import Path

import pandas as pd
import pytest

from corpus.anomalies import planted_series
from pipeline.audit.checks import sort_checks
from pipeline.audit.issues import Audit, Issues, audit, audit_issues
from pipeline.audit.linking import ordered, period_order, series_of
from pipeline.audit.run import derive_tables
from pipeline.audit.series import SeriesLines
from pipeline.audit.versions import current
from pipeline.build import _series_plan, build
from pipeline.records import Bulletin, Check, Link, Page, SeriesRow
from pipeline.store import tables
from tests.helpers import archive_pages
from tests.test_linking import extracted


def _built(kind: str) -> tuple[Bulletin, ...]:
    """The corpus as a build keeps it: a document served twice byte for byte once."""
    _, bulletins, _ = extracted(kind)
    return tuple({b.sha256: b for b in reversed(bulletins)}.values())[::-1]


def _head(b: Bulletin) -> Bulletin:
    """What the build reads of a bulletin before the audit reads it whole."""
    return Bulletin(source=b.source, sha256=b.sha256, text="", url=b.url, title=b.title,
                    publisher=b.publisher, published=b.published, period=b.period,
                    fetched=b.fetched)


def _streamed(
    bulletins: tuple[Bulletin, ...], read: Callable[[str], Bulletin],
    each: Callable[[Audit], None] = lambda _: None,
) -> tuple[dict[tuple[str, str], Link], list[SeriesRow], list[Check], int]:
    """Every series audited issue by issue, in the order the build takes them."""
    by_series: dict[tuple[str, str], list[Bulletin]] = {}
    for b in bulletins:
        by_series.setdefault(series_of(b), []).append(_head(b))
    links: dict[tuple[str, str], Link] = {}
    rows: list[SeriesRow] = []
    checks: list[Check] = []
    revised = 0
    taken: set[str] = set()
    for key in sorted(by_series):
        issues = Issues.of(by_series[key])
        revised += len(issues.earlier)
        for found in audit_issues(issues, read, tables.fact_id, taken):
            each(found)
            links.update(found.links)
            rows.extend(found.series)
            checks.extend(found.checks)
    return links, rows, checks, revised


@pytest.mark.parametrize("kind", ["clean", "planted"])
def test_issue_by_issue_audit_equals_the_audit_in_memory(kind: str) -> None:
    """Several series (two publishers; the clean corpus renumbered across two years), the
    planted anomalies and re-published bulletins: the same links, series rows and findings."""
    bulletins = _built(kind)
    by_id = {b.sha256: b for b in bulletins}
    links, rows, checks, revised = _streamed(bulletins, by_id.__getitem__)
    expected = audit(list(bulletins), tables.fact_id)
    assert len({series_of(b) for b in bulletins}) >= 2
    if kind == "planted":
        assert revised >= 2 and any(c.check == "revised" for c in expected.checks)
    assert expected.checks and expected.series
    assert links == expected.links
    assert sorted(rows, key=lambda r: (r.publisher, r.task_key, r.measure, r.basis,
                                       period_order(r.period), r.doc_id, r.fact_id)
                  ) == expected.series
    assert sort_checks(checks) == expected.checks


def test_issue_by_issue_audit_holds_a_few_bulletins_not_the_series() -> None:
    """Never more than three bulletins alive, as each issue is read and as its findings come
    out: the one read, the previous issue, an earlier version awaiting its re-publication;
    each series has a dozen or more."""
    bulletins = _built("planted")
    by_id = {b.sha256: b for b in bulletins}
    alive: weakref.WeakSet[Bulletin] = weakref.WeakSet()
    most = 0

    def count() -> None:
        nonlocal most
        gc.collect()
        most = max(most, len(alive))

    def read(doc_id: str) -> Bulletin:
        copy = replace(by_id[doc_id])  # an object of its own, as a database read gives
        alive.add(copy)
        count()
        return copy

    _streamed(bulletins, read, lambda _: count())
    assert min(sum(series_of(b) == s for b in bulletins) for s in map(series_of, bulletins)) >= 12
    assert 2 <= most <= 3


def test_series_planned_from_rows_sqlite_sorts_as_sorted_keys() -> None:
    """The build plans its series from rows SQLite sorts as ``ordered`` sorts bulletins
    (``_series_plan``): the same series with the same issues, in the order ``sorted``
    gives their keys, as ``Issues.of`` of the heads grouped in Python, on keys where an
    order of bytes could part from the order of ``str`` (unknown publishers, one name the
    prefix of another, characters beyond the Basic Multilingual Plane beside ones just
    below it), titles whose dates are left out, periods of every form or none (ordered by
    publication date then), and versions of one address and period told apart by when
    they were archived."""
    publishers = [None, "", "a", "ab", "a\U0001F600", "a\uffff", "é", "辽宁省科学技术厅", "辽宁"]
    titles = [None, "", "2017年7月工作完成情况", "2017年8月工作完成情况", "工作推进情况",
              "x\U00020000", "x\ufffd"]
    periods = [None, "2017", "2017-06", "2017-Q2", "2017-H1", "2016-12", "17年6月"]
    heads = [Bulletin(source=f"s{i}", sha256=hashlib.sha256(bytes([i, copy])).hexdigest(),
                      text="", url=None if i % 5 == 0 else f"http://x/{i % 3}", title=title,
                      publisher=publisher, period=periods[(i + i // 7) % len(periods)],
                      published=[None, "2017-07-03", "2017-06-30"][i % 3],
                      fetched=[None, "2017-07-04T00:00:00Z", f"2017-08-0{1 + copy}"][copy])
             for i, (publisher, title) in enumerate(product(publishers, titles))
             for copy in range(1 + i % 3)]
    by_series: dict[tuple[str, str], list[Bulletin]] = {}
    for b in heads:
        by_series.setdefault(series_of(b), []).append(b)
    expected = [(key, Issues.of(by_series[key])) for key in sorted(by_series)]
    assert max(len(issues.order) for _, issues in expected) >= 5
    assert sum(len(issues.earlier) for _, issues in expected) >= 10
    with closing(sqlite3.connect(":memory:")) as conn:
        tables.create_sqlite_tables(conn)
        tables.insert_rows(conn, tables.BULLETINS,
                           [tables.BULLETINS.to_row(b, extractor_version="v") for b in heads])
        assert list(_series_plan(conn)) == expected


@pytest.mark.parametrize("kind", ["clean", "planted"])
def test_issues_in_order_of_their_ids_are_issues_of_their_heads(kind: str) -> None:
    """``Issues.in_order`` (one pass, doc ids given in order) against ``Issues.of``, which
    tells versions apart from the heads (``versions``): re-published bulletins too."""
    bulletins = _built(kind)
    by_series: dict[tuple[str, str], list[Bulletin]] = {}
    for b in bulletins:
        by_series.setdefault(series_of(b), []).append(_head(b))
    for heads in by_series.values():
        streamed = Issues.in_order((h.sha256, h.url, h.period) for h in ordered(heads))
        assert streamed == Issues.of(heads)
    if kind == "planted":
        assert any(Issues.of(heads).earlier for heads in by_series.values())


def test_a_measure_restated_every_period_keeps_one_wording() -> None:
    """A series compares a fact with each distinct wording of its measure, not with every
    period's fact: what it keeps does not grow with the series."""
    _, bulletins, links = extracted("clean")
    lines = SeriesLines(tables.fact_id)
    rows = [row for b in ordered(current(bulletins)) for row in lines.add(b, links)]
    kept = [s for found in lines.tasks.values() for s in found]
    words = [[(w.measure, w.object, w.predicate, w.entity) for w in s.wordings] for s in kept]
    assert all(len(set(w)) == len(w) for w in words)
    assert len(rows) > 10 * sum(map(len, words))


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple[object, ...]]:
    """The rows in a fixed order, missing values of any kind alike."""
    cells = frame[columns].astype(object).where(frame[columns].notna(), None)
    return sorted((tuple(row) for row in cells.itertuples(index=False)), key=repr)


def _second_series(page: Page) -> Page:
    """The page as an issue of another report series of its publisher, with the same task
    numbers: its title worded otherwise, at an address of its own."""
    html = page.content.decode("gb18030").replace("工作完成情况", "工作推进情况")
    assert page.url
    return replace(page, source=page.source.replace("/kjt/", "/kjt-b/"),
                   url=page.url + "?series=b", content=html.encode("gb18030"))


def test_build_audits_as_the_tables_derive(tmp_path: Path) -> None:
    """The build's audit (series by series, issue by issue, rows written in batches, the keys
    taken kept per publisher) gives the task keys, series and findings that the in-memory
    audit derives from its tables; one publisher has two series numbering the same tasks."""
    planted = planted_series().pages()
    pages = planted + [_second_series(p) for p in planted if "/kjt/" in p.source]
    build([str(archive_pages(pages, tmp_path / "archive"))], tmp_path / "out", jobs=1)
    built = {name: pd.read_parquet(tmp_path / "out" / f"{name}.parquet")
             for name in ("bulletins", "sections", "facts", "series", "checks")}
    derived = derive_tables(built["bulletins"], built["sections"], built["facts"])
    assert any(built["checks"]["check"] == "revised")
    assert built["sections"]["task_key"].str.contains("~2").any()
    for name, key in (("sections", ["doc_id", "path", "task_key", "link_score",
                                    "link_method"]),
                      ("facts", ["fact_id", "task_key"]),
                      ("series", list(built["series"].columns)),
                      ("checks", list(built["checks"].columns))):
        assert _rows(built[name], key) == _rows(derived[name], key), name
