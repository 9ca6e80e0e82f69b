"""Where documents live: the bundled samples, the site registry, and (git-ignored) crawls."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "samples"
SEED = SAMPLES / "liaoning-kjt-2017-07.txt"
SITES = HERE / "sites.toml"
# Relative to where the command runs, not to the package: an installed copy must not write
# crawls into site-packages. From a checkout's top folder it is corpus/archive (git-ignored).
ARCHIVE = Path("corpus") / "archive"
# The crawler writes bulletins and everything else (list pages, robots.txt, redirects,
# errors) to two WARC series; readers of an archive folder skip the second.
BULLETINS_WARC_PREFIX = "bulletins"
CRAWL_LOG_PREFIX = "crawl-log"
