"""What every gold, real and red-team document extracts to, pinned: a speed-up changes nothing.

Issue 16 asks for an equality test before and after every optimisation. Each document's
whole record (`Bulletin.to_json`, sections, facts, tally, metadata) is reduced to a digest
and compared with `tests/snapshots/extract.tsv`; so are 300 synthetic bulletins
(`corpus/synthetic.py`, fixed seeds, as served in GBK/GB2312 HTML). A change of output then
names the documents it touched.

When a rule is changed on purpose, look at what changed (`bulletins extract FILE`), then
write the new digests:

    .venv/bin/python tests/test_output_snapshot.py --update
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

if __name__ == "__main__":  # run as a script to --update: the project root on the path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.errors import UnreadableInput
from pipeline.read.document import extract
from pipeline.records import Page
from tests.helpers import ROOT, SHARED, SHARED_ABSENT

SNAPSHOT = ROOT / "tests" / "snapshots" / "extract.tsv"
SYNTHETIC = 300
SHARED_PREFIX = "shared/"  # documents under ../shared, skipped (and kept) when it is absent


def _files() -> Iterator[tuple[str, Path]]:
    """(name in the snapshot, path): the seed, every red-team document, ../shared's."""
    seed = "tests/fixtures/liaoning-kjt-2017-07.txt"
    yield seed, ROOT / seed
    for path in sorted(ROOT.glob("tests/heldout*/docs/*")):
        if path.is_file():
            yield str(path.relative_to(ROOT)), path
    for path in sorted((SHARED / "corpus").rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".html", ".htm"):
            yield SHARED_PREFIX + str(path.relative_to(SHARED)), path


def _synthetic() -> Iterator[tuple[str, bytes]]:
    from corpus.synthetic import PUBLISHERS, plan_bulletins, render_bulletin

    made = 0
    for seed in range(1000):
        for i, publisher in enumerate(PUBLISHERS):
            rng = random.Random(f"snapshot:{seed}:{i}:{publisher.key}")
            for b in plan_bulletins(publisher, 2000 + seed % 25, rng):
                if made == SYNTHETIC:
                    return
                made += 1
                yield (f"synthetic/{seed:03d}-{publisher.key}-{b.month:02d}.html",
                       render_bulletin(b, publisher).encode(publisher.charset))
    raise AssertionError(f"the synthetic plan gave fewer than {SYNTHETIC} bulletins")


def _digest(name: str, content: bytes) -> str:
    try:
        record: object = extract(Page(name, content)).to_json()
    except UnreadableInput as e:  # a refusal is output too: its wording may not drift
        record = {"unreadable": str(e)}
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def current(with_shared: bool) -> dict[str, str]:
    found = {name: _digest(name, path.read_bytes()) for name, path in _files()
             if with_shared or not name.startswith(SHARED_PREFIX)}
    found.update((name, _digest(name, content)) for name, content in _synthetic())
    return found


def pinned() -> dict[str, str]:
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t") for line in lines if line and not line.startswith("#"))


def test_every_document_extracts_as_pinned() -> None:
    with_shared = (SHARED / "corpus").is_dir()
    want = pinned()
    if not with_shared:
        want = {k: v for k, v in want.items() if not k.startswith(SHARED_PREFIX)}
    got = current(with_shared)
    changed = sorted(k for k in want.keys() & got.keys() if want[k] != got[k])
    assert not changed, (
        f"{len(changed)} documents extract differently from tests/snapshots/extract.tsv: "
        f"{changed[:15]}; if a rule changed on purpose, check them and run "
        "`.venv/bin/python tests/test_output_snapshot.py --update`")
    assert got.keys() == want.keys(), (
        f"documents added {sorted(got.keys() - want.keys())[:10]}, gone "
        f"{sorted(want.keys() - got.keys())[:10]}: run the --update above")
    if not with_shared:
        pytest.skip(f"red-team and synthetic documents checked; {SHARED_ABSENT}")


def test_a_changed_rule_shows_in_the_digest() -> None:
    """The digest covers the facts, not only the text: one fact less is a new digest."""
    content = "1.举办对接活动。共举办3场对接活动,签约12个项目。".encode()
    whole = extract(Page("a.txt", content)).to_json()
    fewer = {**whole, "facts": whole["facts"][:-1]}
    assert whole["facts"], "the probe must find facts"

    def digest(record: object) -> str:
        text = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    assert digest(whole) != digest(fewer)
    assert _digest("a.txt", content) == digest(whole)[:20]


def main() -> int:
    if sys.argv[1:] != ["--update"]:
        print(__doc__)
        return 2
    with_shared = (SHARED / "corpus").is_dir()
    found = current(with_shared)
    if not with_shared and SNAPSHOT.exists():  # keep the shared documents' digests as they were
        found.update((k, v) for k, v in pinned().items() if k.startswith(SHARED_PREFIX))
    SNAPSHOT.parent.mkdir(exist_ok=True)
    SNAPSHOT.write_text(
        "# document\tdigest of its extracted record (tests/test_output_snapshot.py)\n"
        + "".join(f"{k}\t{found[k]}\n" for k in sorted(found)), encoding="utf-8")
    print(f"wrote {len(found)} digests to {SNAPSHOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
