"""Site profiles: where a publisher's bulletins are listed and how to recognise them.

Profiles live in ``corpus/sites.toml`` (one ``[sites.NAME]`` table each) beside a
``[crawler]`` table for the User-Agent contact and politeness defaults.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from scrapers.errors import CrawlSetupError
from scrapers.urls import BadUrl, canonical_netloc, canonical_url

# The titles of progress bulletins on the 《政府工作报告》 (FORMATS.md §1, types A and B).
DEFAULT_TITLE_PATTERN = r"政府工作报告.*(完成|进展|落实)情况"


@dataclass(frozen=True)
class Profile:
    """One disclosure column (or several) to crawl."""

    name: str
    start_urls: tuple[str, ...]
    allowed_hosts: frozenset[str]
    title_pattern: str = DEFAULT_TITLE_PATTERN
    link_pattern: str | None = None
    list_selector: str | None = None
    description: str = ""
    # Who publishes the bulletins, recorded with each archived page: the build falls back
    # on it where a page does not name its publisher, so tasks link by publisher.
    publisher: str | None = None

    def allows(self, url: str) -> bool:
        """Whether ``url`` (canonical, scrapers/urls.py) is on one of the allowed hosts (a bare
        host name allows any port)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        return parts.hostname in self.allowed_hosts or parts.netloc in self.allowed_hosts

    def wants(self, url: str, title: str) -> bool:
        """Whether a list link looks like a bulletin worth fetching."""
        if not re.search(self.title_pattern, title):
            return False
        return self.link_pattern is None or re.search(self.link_pattern, url) is not None


@dataclass(frozen=True)
class CrawlerConfig:
    """The ``[crawler]`` table: who we are, and politeness defaults."""

    contact: str = ""
    delay: float = 1.0
    concurrency: int = 1


def profile_for_list(url: str, title_pattern: str | None = None) -> Profile:
    """An ad-hoc profile for ``crawl --list URL``: that list's host only."""
    try:
        url = canonical_url(url)
    except BadUrl as exc:
        raise CrawlSetupError(f"--list {url!r} is not an http(s) URL we can use ({exc}); "
                              "give the list page's full address") from None
    parts = urlsplit(url)
    check_regex(title_pattern or DEFAULT_TITLE_PATTERN, "--match")
    return Profile(
        name=parts.netloc,
        start_urls=(url,),
        allowed_hosts=frozenset({parts.netloc}),
        title_pattern=title_pattern or DEFAULT_TITLE_PATTERN,
    )


def load_sites(path: Path) -> tuple[dict[str, Profile], CrawlerConfig]:
    """Read every profile and the crawler config from a sites file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CrawlSetupError(
            f"no sites file at {path}; pass --sites FILE or use --list URL"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise CrawlSetupError(f"{path} is not valid TOML ({exc}); fix the file") from None
    profiles = {name: _profile(name, table, path) for name, table in data.get("sites", {}).items()}
    crawler = data.get("crawler", {})
    config = CrawlerConfig(
        contact=str(crawler.get("contact", "")),
        delay=float(crawler.get("delay", CrawlerConfig.delay)),
        concurrency=int(crawler.get("concurrency", CrawlerConfig.concurrency)),
    )
    return profiles, config


def get_profile(profiles: dict[str, Profile], name: str, path: Path) -> Profile:
    try:
        return profiles[name]
    except KeyError:
        known = ", ".join(sorted(profiles)) or "none"
        raise CrawlSetupError(
            f"no site profile {name!r} in {path} (known: {known}); "
            "add a [sites.NAME] table there or use --list URL"
        ) from None


def _profile(name: str, table: dict, path: Path) -> Profile:
    where = f"{path} [sites.{name}]"
    try:
        start_urls = tuple(canonical_url(u) for u in table.get("start_urls", ()))
        hosts = [canonical_netloc(h) for h in table.get("allowed_hosts", ())]
    except BadUrl as exc:
        raise CrawlSetupError(f"{where}: {exc}; fix the address") from None
    if not start_urls:
        raise CrawlSetupError(f"{where} has no start_urls; list the column's first list page")
    hosts = hosts or sorted({urlsplit(u).netloc for u in start_urls})
    for key in ("title_pattern", "link_pattern"):
        if table.get(key):
            check_regex(table[key], f"{where} {key}")
    return Profile(
        name=name,
        start_urls=start_urls,
        allowed_hosts=frozenset(hosts),
        title_pattern=table.get("title_pattern") or DEFAULT_TITLE_PATTERN,
        link_pattern=table.get("link_pattern") or None,
        list_selector=table.get("list_selector") or None,
        description=table.get("description", ""),
        publisher=table.get("publisher") or None,
    )


def check_regex(pattern: str, where: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise CrawlSetupError(f"{where}: {pattern!r} is not a valid regular expression ({exc})") \
            from None
