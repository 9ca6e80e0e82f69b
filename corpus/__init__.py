"""Where documents live: the bundled samples, the site registry, and (git-ignored) crawls."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "samples"
SEED = SAMPLES / "liaoning-kjt-2017-07.txt"
SITES = HERE / "sites.toml"
ARCHIVE = HERE / "archive"
