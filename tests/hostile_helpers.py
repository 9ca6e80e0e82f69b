"""Shared by the hostile-input tests (issue 8): example budgets, invariants, real bulletins.

``HOSTILE_EXAMPLES`` sets the Hypothesis examples per fuzz strategy (``make fuzz`` sets
10000); without it each strategy runs its small default, so ``make test`` stays quick.
``HOSTILE_FIGURES=FILE`` appends one JSON line per finished tally (examples run, kill points,
fault kinds) for benchmarks/HOSTILE.md.
"""

from __future__ import annotations

import atexit
import json
import os
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from pipeline.build import text_key
from pipeline.errors import UnreadableInput
from pipeline.read.document import extract
from pipeline.read.page import read_page
from pipeline.records import Bulletin, Page

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).parents[1].parent / "shared"
REAL = SHARED / "corpus" / "real"
SEED = ROOT / "tests" / "fixtures" / "liaoning-kjt-2017-07.txt"

TALLY: Counter[str] = Counter()


def examples(default: int) -> int:
    """Examples per strategy: ``HOSTILE_EXAMPLES`` if set, else ``default``."""
    value = os.environ.get("HOSTILE_EXAMPLES")
    return int(value) if value else default


def fuzz_settings(default: int) -> settings:
    return settings(
        max_examples=examples(default),
        deadline=None,  # a big mutated page may take a while; hangs show in the run time
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                HealthCheck.large_base_example, HealthCheck.filter_too_much],
        derandomize=False,
        print_blob=True,
    )


def tally(kind: str, n: int = 1) -> None:
    TALLY[kind] += n


def _write_figures() -> None:
    path = os.environ.get("HOSTILE_FIGURES")
    if path and TALLY:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(dict(sorted(TALLY.items())), ensure_ascii=False) + "\n")


atexit.register(_write_figures)


def real_bulletins() -> list[tuple[str, bytes]]:
    """The seed fixture and, where ../shared is beside the checkout, the real corpus: each
    bulletin once (the corpus holds some as .html and .txt, which a build reads as one)."""
    docs = [(SEED.name, SEED.read_bytes())]
    if REAL.is_dir():
        docs += [(p.name, p.read_bytes()) for p in sorted(REAL.iterdir())
                 if p.is_file() and p.suffix in (".txt", ".html")]
    seen: set[str] = set()
    distinct = []
    for name, data in docs:
        try:
            key = text_key(read_page(Page(name, data)).text)
        except UnreadableInput:
            key = name
        if key not in seen:
            seen.add(key)
            distinct.append((name, data))
    return distinct


def need_real() -> list[tuple[str, bytes]]:
    if not REAL.is_dir():
        pytest.skip(f"{REAL} is not beside this checkout")
    return real_bulletins()


def extract_or_unreadable(page: Page) -> Bulletin | None:
    """Extract ``page``; None when it is refused with the documented UnreadableInput.

    Any other exception escapes and fails the test. The bulletin's invariants are checked.
    """
    try:
        bulletin = extract(page)
    except UnreadableInput as exc:
        assert exc.source == page.source
        assert exc.reason.strip()
        return None
    check_invariants(bulletin)
    return bulletin


def check_invariants(b: Bulletin) -> None:
    """Offsets hold: facts quote the text, sections are ordered, nested and inside it."""
    text = b.text
    n = len(text)
    assert text.strip(), "a bulletin with no text"
    paths = set()
    previous_start = -1
    for s in b.sections:
        assert 0 <= s.start <= s.title_start <= s.title_end <= s.end <= n, s
        assert s.start >= previous_start, ("sections out of order", s)
        previous_start = s.start
        assert text[s.title_start:s.title_end].strip() == s.title, s
        assert s.path not in paths, ("duplicate path", s.path)
        paths.add(s.path)
        assert s.level >= 1 and s.no >= 0
        assert s.path.split(".")[-1] == str(s.no), s
    by_path = {s.path: s for s in b.sections}
    for parent_path, child in ((s.path.rpartition(".")[0], s) for s in b.sections):
        if parent_path:
            parent = by_path[parent_path]
            assert parent.start < child.start and child.end <= parent.end, (parent, child)
    for f in b.facts:
        assert 0 <= f.start < f.end <= n, f
        assert text[f.start:f.end] == f.text, f
        if f.section is not None:
            sec = by_path[f.section]
            assert sec.start <= f.start and f.end <= sec.end, (sec, f)
        assert f.value == f.value  # not NaN
        if f.value_max is not None:
            assert f.value_max == f.value_max
    json.dumps(b.to_json(), ensure_ascii=False, allow_nan=False)


def facts_key(b: Bulletin) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """What must not depend on the encoding: every fact and section, offsets included."""
    return (
        [(f.section, f.value, f.value_max, f.unit, f.object, f.qualifier, f.entity,
          f.predicate, f.text, f.start, f.end) for f in b.facts],
        [(s.path, s.title, s.status, s.start, s.end) for s in b.sections],
    )


# ------------------------------------------------------------------ archive mutations

CORRUPTIONS = ("flip", "truncate", "delete manifest", "extra file")


def corrupt_archive(folder: Path, kind: str, rng: random.Random) -> str:
    """Damage a crawl archive the way disks and people do; return what was done."""
    warcs = sorted(folder.glob("bulletins-*.warc.gz"))
    target = rng.choice(warcs)
    data = bytearray(target.read_bytes())
    if kind == "flip":
        at = rng.randrange(len(data) - 16)
        data[at:at + 16] = bytes(b ^ 0xFF for b in data[at:at + 16])
        target.write_bytes(bytes(data))
        return f"flipped 16 bytes of {target.name} at {at}"
    if kind == "truncate":
        at = rng.randrange(len(data) // 2, len(data))
        target.write_bytes(bytes(data[:at]))
        return f"truncated {target.name} to {at} of {len(data)} bytes"
    if kind == "delete manifest":
        (folder / "manifest.sqlite").unlink()
        return "deleted manifest.sqlite"
    if kind == "extra file":
        numbers = [int(p.name.removesuffix(".warc.gz").rpartition("-")[2]) for p in warcs]
        extra = folder / f"bulletins-{max(numbers) + 1:05d}.warc.gz"
        extra.write_bytes(bytes(data[: rng.randrange(len(data))]))  # a partial copy
        return f"copied part of {target.name} in as {extra.name}"
    raise ValueError(kind)
