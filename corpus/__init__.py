"""Where documents live: the bundled samples, the site registry, and (git-ignored) crawls."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "samples"
SEED = SAMPLES / "liaoning-kjt-2017-07.txt"
SITES = HERE / "sites.toml"
ARCHIVE = HERE / "archive"
# The crawler writes bulletins and everything else (list pages, robots.txt, redirects,
# errors) to two WARC series; readers of an archive folder skip the second.
BULLETINS_WARC_PREFIX = "bulletins"
CRAWL_LOG_PREFIX = "crawl-log"
