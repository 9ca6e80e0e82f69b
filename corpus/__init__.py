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
