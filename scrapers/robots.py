"""robots.txt, fetched once per host and obeyed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from scrapers.fetch import FetchResult

# As Google reads them: a missing robots.txt allows everything; one the server refuses to
# show (401/403) or cannot serve (5xx, network) forbids everything for this crawl.
ALLOW_ALL = "User-agent: *\nAllow: /\n"
DISALLOW_ALL = "User-agent: *\nDisallow: /\n"


@dataclass(frozen=True)
class RobotsRules:
    host: str
    parser: RobotFileParser
    note: str | None = None

    def allows(self, agent: str, url: str) -> bool:
        return self.parser.can_fetch(agent, url)

    def crawl_delay(self, agent: str) -> float | None:
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None


class Robots:
    """Per-host robots.txt cache; ``fetch`` is the politeness-aware fetcher's ``fetch``."""

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
        result = await self._fetch(f"{origin}/robots.txt")
        final = result.final
        if final is None:
            text, note = DISALLOW_ALL, f"robots.txt unreachable ({result.problem}); not crawling"
        elif final.status == 200:
            text, note = final.text(), None
        elif final.status in (401, 403) or final.status >= 500:
            text, note = DISALLOW_ALL, f"robots.txt answered HTTP {final.status}; not crawling"
        else:
            text, note = ALLOW_ALL, None
        parser = RobotFileParser()
        parser.parse(text.splitlines())
        return RobotsRules(urlsplit(origin).netloc, parser, note)
