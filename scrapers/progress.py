"""Crawl progress: what the crawl reports as it goes, and a tqdm bar on stderr that shows it."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Protocol


class Progress(Protocol):
    def count(self, host: str, event: str) -> None:
        """``event`` is one of: list, found, fetched, failed."""

    def close(self) -> None: ...


class NoProgress:
    def count(self, host: str, event: str) -> None:
        pass

    def close(self) -> None:
        pass


class BarProgress:
    """One bar of pages done, with found/fetched/failed totals and per-host counts beside it."""

    def __init__(self) -> None:
        from tqdm import tqdm

        # disable=None hides the bar when stderr is not a terminal (logs, CI, pipes).
        self._bar = tqdm(unit="page", desc="crawl", file=sys.stderr, disable=None, leave=False)
        self._totals: Counter[str] = Counter()
        self._hosts: dict[str, Counter[str]] = {}

    def count(self, host: str, event: str) -> None:
        self._totals[event] += 1
        self._hosts.setdefault(host, Counter())[event] += 1
        if event in ("fetched", "failed"):
            self._bar.update()
        hosts = " ".join(
            f"{h}:{c['fetched']}/{c['found']}" for h, c in sorted(self._hosts.items())
        )
        self._bar.set_postfix_str(
            f"lists {self._totals['list']} found {self._totals['found']} "
            f"fetched {self._totals['fetched']} failed {self._totals['failed']} | {hosts}",
            refresh=False,
        )

    def close(self) -> None:
        self._bar.close()
