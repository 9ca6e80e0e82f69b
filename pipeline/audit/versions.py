"""Versions of one bulletin: the crawler archives a page again when its bytes change.

A department may edit a report after publishing it (a figure corrected, a task marked done,
the tally redone) at the same address. The build keeps every version as evidence, but only
the newest one is the bulletin of its period: counted twice, a re-publication would look
like two issues of one period to the period-to-period checks and the series.

Versions are documents with the same address and the same period, told apart by when they
were archived (``Bulletin.fetched``). One address holding different periods is a page a site
reuses for its latest issue ("本月进展"): each period there is an issue of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from pipeline.audit.linking import ordered
from pipeline.records import Bulletin


def version_of(url: str | None, period: str | None) -> tuple[str, str] | None:
    """What a document is a version of: its address and period; None for a file without an
    address, a document of its own."""
    return None if url is None else (url, period or "")


def _versions(bulletins: Iterable[Bulletin]) -> dict[tuple[str, str], list[Bulletin]]:
    """Each address and period's distinct versions, oldest first (see ``ordered``)."""
    out: dict[tuple[str, str], list[Bulletin]] = {}
    for b in ordered(bulletins):
        if (key := version_of(b.url, b.period)) is None:
            continue
        mine = out.setdefault(key, [])
        if not any(v.sha256 == b.sha256 for v in mine):  # the same bytes read twice
            mine.append(b)
    return out


def current(bulletins: Iterable[Bulletin]) -> list[Bulletin]:
    """The bulletins that count for their period: each address and period's newest version,
    and every bulletin without an address; each document once, in input order."""
    bulletins = list(bulletins)
    superseded = {v.sha256 for found in _versions(bulletins).values() for v in found[:-1]}
    seen: set[str] = set()
    out = []
    for b in bulletins:
        if b.sha256 not in superseded and b.sha256 not in seen:
            seen.add(b.sha256)
            out.append(b)
    return out


def revisions(bulletins: Iterable[Bulletin]) -> list[tuple[Bulletin, Bulletin]]:
    """(earlier, later) for each pair of consecutive versions of one address and period."""
    return [pair for key, found in sorted(_versions(bulletins).items())
            for pair in pairwise(found)]
