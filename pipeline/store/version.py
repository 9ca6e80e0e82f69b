"""Which rules made a dataset: a release number plus a digest of the rule modules' source.

Incremental builds reuse a document's rows only when this string is unchanged, so the
digest makes a forgotten version bump harmless: any edit to a rule module (a new unit, a
status word, a heading style) gives a new version and the next build re-extracts.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

RELEASE = "0.1.0"
_ROOT = Path(__file__).resolve().parents[2]
# Every module whose code decides what text, sections or facts a page gives.
RULE_MODULES = ("extractors", "pipeline/read", "pipeline/records.py")


def _rules_digest() -> str:
    digest = hashlib.sha256()
    for name in RULE_MODULES:
        path = _ROOT / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]  # readers in subpackages
        for file in files:
            if file.exists():
                digest.update(file.relative_to(_ROOT).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:10]


EXTRACTOR_VERSION = f"{RELEASE}+{_rules_digest()}"
