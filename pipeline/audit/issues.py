"""The audit over records: every task linked, its counts lined up and every check run, on
a list of bulletins (``audit``) or on one report series issue by issue (``audit_issues``,
what the build runs on records read back from its database).

Apart from ``run``, which also works over dataset frames: a build needs no pandas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pipeline.audit.checks import Checker, run_checks
from pipeline.audit.linking import TaskLinker, link_tasks, ordered
from pipeline.audit.series import FactId, SeriesLines, build_series
from pipeline.audit.versions import current, revisions, version_of
from pipeline.records import Bulletin, Check, Link, SeriesRow


@dataclass(frozen=True)
class Audit:
    links: dict[tuple[str, str], Link]
    series: list[SeriesRow]
    checks: list[Check]


def audit(bulletins: list[Bulletin], fact_id: FactId, taken: set[str] | None = None) -> Audit:
    """Link every task, line up its counts and run every check, on records; ``fact_id``
    names a bulletin's fact as its facts table does; ``taken``: see ``link_tasks``."""
    links = link_tasks(bulletins, taken=taken)
    # both versions of a re-published bulletin are linked and checked, one counts in a series
    return Audit(links, build_series(current(bulletins), links, fact_id),
                 run_checks(bulletins, links))


@dataclass(frozen=True)
class Issues:
    """The order in which the audit takes one report series, worked out from its bulletins'
    metadata alone (``Issues.of``), before any bulletin is read whole."""

    order: list[str]  # every version's doc id, in ``ordered`` order
    counted: frozenset[str]  # the bulletins of their period (``versions.current``)
    earlier: dict[str, str]  # a re-publication's doc id → its previous version's

    @classmethod
    def of(cls, heads: Iterable[Bulletin]) -> Issues:
        """From each bulletin's source, sha256, url, title, publisher, published, period
        and fetched: what ordering and telling versions apart read."""
        heads = ordered(heads)
        return cls([h.sha256 for h in heads], frozenset(h.sha256 for h in current(heads)),
                   {new.sha256: old.sha256 for old, new in revisions(heads)})

    @classmethod
    def in_order(cls, issues: Iterable[tuple[str, str | None, str | None]]) -> Issues:
        """``of`` from each bulletin's doc id, address and period, given in ``ordered``
        order and each doc id once (as a build's are), in one pass that keeps no bulletin:
        a version of an address and period is the previous one's re-publication
        (``revisions``, consecutive), and one re-published is not counted (``current``)."""
        order: list[str] = []
        earlier: dict[str, str] = {}
        newest: dict[tuple[str, str], str] = {}  # each address and period's latest version
        for doc_id, url, period in issues:
            order.append(doc_id)
            if (key := version_of(url, period)) is None:
                continue
            if (was := newest.get(key)) is not None:
                earlier[doc_id] = was
            newest[key] = doc_id
        return cls(order, frozenset(order).difference(earlier.values()), earlier)


def audit_issues(
    issues: Issues, read: Callable[[str], Bulletin], fact_id: FactId,
    taken: set[str] | None = None,
) -> Iterator[Audit]:
    """``audit`` of one report series, issue by issue: each bulletin's links, series rows
    and findings, as ``read`` gives it by doc id. Between issues only what linking, the
    series and the checks carry forward is kept (``TaskLinker``, ``SeriesLines``,
    ``Checker``), with the previous issue and any earlier version still awaiting its
    re-publication: memory does not grow with the series. Rows come unsorted (the build's
    sorted copy orders them); sorted, they are ``audit``'s."""
    linker, lines, checker = TaskLinker(taken=taken), SeriesLines(fact_id), Checker()
    later = set(issues.earlier.values())
    kept: dict[str, Bulletin] = {}  # earlier versions, until their re-publication is read
    # the links the next checks look up: the kept bulletins', the previous issue's, this one's
    window: dict[str, dict[tuple[str, str], Link]] = {}
    previous: str | None = None
    for doc_id in issues.order:
        b = read(doc_id)
        window[doc_id] = linker.link(b)
        found: list[Check] = []
        rows: list[SeriesRow] = []
        if doc_id in issues.earlier:
            was = issues.earlier[doc_id]
            found.extend(checker.revision(kept.pop(was), b, window[was] | window[doc_id]))
        if doc_id in later:
            kept[doc_id] = b
        if doc_id in issues.counted:
            links = window[doc_id] if previous is None else window[previous] | window[doc_id]
            rows = lines.add(b, links)
            found.extend(checker.add(b, links))
            previous = doc_id
        yield Audit(window[doc_id], rows, found)
        window = {d: found_links for d, found_links in window.items()
                  if d in kept or d == previous}
