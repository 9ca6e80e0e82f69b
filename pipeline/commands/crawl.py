"""``bulletins crawl``: fetch a department's progress bulletins into a WARC corpus, politely."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.commands import add_quiet, positive_int, show_progress

HELP = "fetch every progress bulletin a site lists into WARC files (polite, resumable, incremental)"
EXAMPLE = "bulletins crawl liaoning-kjt --out corpus/archive/   # or: bulletins crawl --list URL"
CONTACT_ENV = "BULLETINS_CONTACT"

if TYPE_CHECKING:
    from scrapers.crawl import CrawlSummary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from corpus import ARCHIVE, SITES

    parser.add_argument(
        "sites", nargs="*", metavar="SITE", help="site profile names from the sites file"
    )
    parser.add_argument(
        "--list", action="append", default=[], metavar="URL",
        help="a list page to start from, for a site without a profile (repeatable)",
    )
    parser.add_argument(
        "--match", metavar="REGEX",
        help="title pattern of the links to fetch (default: progress-bulletin titles, "
        r"政府工作报告.*(完成|进展|落实)情况)",
    )
    parser.add_argument("--sites", dest="sites_file", type=Path, default=SITES, metavar="FILE",
                        help=f"site profiles and crawler config (default: {SITES})")
    parser.add_argument("--out", type=Path, default=ARCHIVE, metavar="DIR",
                        help=f"archive folder: WARC files + manifest.sqlite (default: {ARCHIVE})")
    parser.add_argument("--dry-run", action="store_true",
                        help="read the list pages and print the URLs that would be fetched")
    parser.add_argument("--max-pages", type=positive_int, metavar="N",
                        help="read at most N list pages per start URL (newest first)")
    parser.add_argument("--since", type=_date, metavar="YYYY-MM-DD",
                        help="skip bulletins the list dates before this day")
    parser.add_argument("--refresh", action="store_true",
                        help="refetch held pages too; one whose bytes changed gets a new version")
    add_quiet(parser)
    polite = parser.add_argument_group("politeness and limits")
    polite.add_argument("--delay", type=_seconds, metavar="SECONDS",
                        help="seconds between requests to one host (default 1, or [crawler] delay)")
    polite.add_argument("--concurrency", type=positive_int, metavar="N",
                        help="requests in flight per host (default 1)")
    polite.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                        help="give up on a silent server after this long (default 30)")
    polite.add_argument("--retries", type=_count, metavar="N",
                        help="retries on timeouts, connection errors, 429 and 5xx (default 3)")
    polite.add_argument("--backoff", type=_seconds, metavar="SECONDS",
                        help="first retry waits about this long, doubling after (default 1)")
    polite.add_argument("--max-bytes", type=positive_int, metavar="N",
                        help="abort a response larger than this, decompressed (default 20 MiB)")
    polite.add_argument("--contact", metavar="EMAIL_OR_URL",
                        help=f"how a site admin reaches you, sent in the User-Agent "
                        f"(default: ${CONTACT_ENV}, or [crawler] contact)")


def run(args: argparse.Namespace) -> int:
    from pipeline.errors import UsageError
    from pipeline.views.terminal import printable
    from scrapers.crawl import CrawlJob, run_crawl
    from scrapers.fetch import FetchPolicy, user_agent
    from scrapers.profiles import (
        CrawlerConfig,
        check_regex,
        get_profile,
        load_sites,
        profile_for_list,
    )
    from scrapers.progress import BarProgress, NoProgress

    if not args.sites and not args.list:
        raise UsageError(f"name a SITE from {args.sites_file} or give --list URL")
    if args.match:
        check_regex(args.match, "--match")
    config = CrawlerConfig()
    profiles = [profile_for_list(url, args.match) for url in args.list]
    if args.sites or args.sites_file.exists():
        known, config = load_sites(args.sites_file)
        for name in args.sites:
            profile = get_profile(known, name, args.sites_file)
            if args.match:
                profile = dataclasses.replace(profile, title_pattern=args.match)
            profiles.append(profile)
    contact = args.contact or os.environ.get(CONTACT_ENV) or config.contact
    # Options left out keep FetchPolicy's defaults, which the help texts quote.
    given = {name: getattr(args, name) for name in ("timeout", "retries", "backoff", "max_bytes")}
    policy = FetchPolicy(
        user_agent=user_agent(contact),
        delay=args.delay if args.delay is not None else config.delay,
        concurrency=args.concurrency or config.concurrency,
        **{name: value for name, value in given.items() if value is not None},
    )
    job = CrawlJob(
        profiles=tuple(profiles),
        out=args.out,
        policy=policy,
        dry_run=args.dry_run,
        max_pages=args.max_pages,
        since=args.since,
        refresh=args.refresh,
    )
    summary = run_crawl(job, BarProgress() if show_progress(args) else NoProgress())
    for url in summary.would_fetch:
        print(url)
    for line in summary.lines():
        print(f"bulletins crawl: {printable(line)}", file=sys.stderr)
    failure = _nothing_useful(summary)
    if failure:
        print(f"bulletins crawl: error: {failure}", file=sys.stderr)
        return 1
    return 0


def _nothing_useful(summary: CrawlSummary) -> str | None:
    """Why the crawl achieved nothing, or None: a run that could read no list page, or
    whose every fetch failed, must not look like success to a script or a scheduler.
    A crawl that finds everything already held has done its job."""
    if summary.lists_read == 0:
        return "no list page could be read (see the problems above)"
    attempted = summary.fetched + summary.unchanged + len(
        [p for p in summary.problems if p.stage == "crawl"])
    if attempted and not (summary.fetched or summary.unchanged or summary.held):
        return "every bulletin fetch failed (see the problems above)"
    return None


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative; give a whole number >= 0")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative; give seconds >= 0")
    return value


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2017-08-18") from None
