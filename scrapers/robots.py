"""robots.txt, fetched once per host and obeyed as RFC 9309 reads it.

Parsing is protego's (wildcards ``*``, ``$`` anchors, the longest match wins, fractional
``Crawl-delay``); the standard library's parser takes the first match and ignores all three.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from scrapers.fetch import FetchResult

# As Google reads them: a missing robots.txt allows everything; one the server refuses to
# show (401/403) or cannot serve (5xx, network) forbids everything for this crawl.
ALLOW_ALL = "User-agent: *\nAllow: /\n"


@dataclass(frozen=True)
class RobotsRules:
    host: str
    parser: Protego
    note: str | None = None
    # Why nothing on the host may be fetched when robots.txt could not be had; None when
    # the rules came from the host's robots.txt (or its absence).
    unavailable: str | None = None

    def allows(self, agent: str, url: str) -> bool:
        return self.unavailable is None and self.parser.can_fetch(url, agent)

    def refusal(self, agent: str, url: str) -> str | None:
        """Why ``url`` may not be fetched: robots.txt unreachable, or disallowed by it."""
        if self.unavailable is not None:
            return self.unavailable
        return None if self.parser.can_fetch(url, agent) else "disallowed by robots.txt"

    def crawl_delay(self, agent: str) -> float | None:
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None


class Robots:
    """Per-host robots.txt cache; ``fetch`` is the politeness-aware fetcher's ``fetch``.

    URLs are canonical (scrapers/urls.py), so one host is one cache entry however a link
    spelled it."""

    def __init__(self, fetch: Callable[[str], Awaitable[FetchResult]], agent: str) -> None:
        self._fetch = fetch
        self.agent = agent
        self._rules: dict[str, asyncio.Task[RobotsRules]] = {}

    async def rules(self, url: str) -> RobotsRules:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._rules:  # one fetch per host even when many tasks ask at once
            self._rules[origin] = asyncio.ensure_future(self._load(origin))
        return await self._rules[origin]

    async def allows(self, url: str) -> bool:
        return (await self.rules(url)).allows(self.agent, url)

    async def _load(self, origin: str) -> RobotsRules:
        host = urlsplit(origin).netloc
        result = await self._fetch(f"{origin}/robots.txt")
        final = result.final
        if final is None:
            why = f"robots.txt unreachable ({result.problem})"
        elif final.status in (401, 403) or final.status >= 500:
            why = f"robots.txt unreachable (HTTP {final.status})"
        else:
            text = final.text() if final.status == 200 else ALLOW_ALL
            return RobotsRules(host, Protego.parse(text))
        return RobotsRules(host, Protego.parse(ALLOW_ALL), f"{why}; not crawling this host",
                           f"{why}: not crawling this host")
