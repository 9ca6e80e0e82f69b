"""A crawl killed with SIGKILL at random moments resumes to the same corpus, once each (issue 3)."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.sitefixtures import ServedSites, serve_sites

ROOT = Path(__file__).resolve().parents[1]
DELAY = 0.03
KILLS = 5
# Seconds to wait for a child to reach its kill point before giving up on that round.
ROUND_LIMIT = 30.0


@pytest.fixture
def sites() -> Iterator[ServedSites]:
    served = serve_sites(seed=1, faults=False)
    yield served
    served.stop()


def test_kill_9_at_random_moments_then_resume(sites: ServedSites, tmp_path: Path) -> None:
    sites_file = tmp_path / "sites.toml"
    sites_file.write_text(sites.sites_toml(), encoding="utf-8")
    out = tmp_path / "archive"
    cmd = [sys.executable, "-m", "pipeline.cli", "crawl", "synthetic-kjt", "synthetic-gxt",
           "--sites", str(sites_file), "--out", str(out), "--delay", str(DELAY)]
    rng = random.Random(7)
    held_after_kill = []
    for _ in range(KILLS):
        # Kill once the servers have answered a random number of further requests, plus a
        # random sub-delay, so the kill lands anywhere: mid-request, mid-write, mid-commit.
        start = _requests(sites)
        target = start + rng.randint(8, 34)  # a whole run makes about 34
        child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + ROUND_LIMIT
        while _requests(sites) < target and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, DELAY))
        child.send_signal(signal.SIGKILL)
        child.wait()
        held_after_kill.append(_held(out))
    assert any(0 < n < len(sites.expected) for n in held_after_kill), held_after_kill

    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr

    with sqlite3.connect(out / "manifest.sqlite") as db:
        urls = [u for (u,) in db.execute("SELECT url FROM pages")]
        assert not db.execute("SELECT count(*) FROM problems").fetchone()[0]
    assert sorted(urls) == sorted(sites.expected)  # the same set, each exactly once
    stored = []
    for path in sorted(out.glob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                record.content_stream().read()  # every record whole and readable
                if path.name.startswith("bulletins-") and record.rec_type == "response":
                    stored.append(record.rec_headers.get_header("WARC-Target-URI"))
    assert sorted(stored) == sorted(sites.expected)  # no duplicate left in the WARC either


def _requests(sites: ServedSites) -> int:
    return sum(len(s.log) for s in sites.servers.values())


def _held(out: Path) -> int:
    # Read-write, because after a kill only a writer may replay the WAL a reader must see.
    try:
        db = sqlite3.connect(f"file:{out / 'manifest.sqlite'}?mode=rw", uri=True)
    except sqlite3.OperationalError:  # killed before the manifest existed
        return 0
    try:
        return db.execute("SELECT count(*) FROM pages").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        db.close()
