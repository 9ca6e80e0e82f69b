"""Faults in the middle of work (issue 8): kill -9 of build and crawl, a full disk, a corrupt
WARC record. The run resumes or stops with one clear line, the previous output stays as it
was, and a corrupt record becomes a problem row while the rest is read.

``HOSTILE_KILLS`` sets the kill points per command (default 4; make fuzz raises it).
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.build import build
from tests.hostile_helpers import ROOT, need_real, tally
from tests.sitefixtures import ServedSites, serve_sites

KILLS = int(os.environ.get("HOSTILE_KILLS", "4"))
BIN = [sys.executable, "-m", "pipeline.cli"]


def _run(args: list[str], **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BIN, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, **kw)


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _corpus(tmp: Path, n: int) -> Path:
    corpus = tmp / "corpus"
    corpus.mkdir(exist_ok=True)
    for name, data in need_real()[:n]:
        (corpus / Path(name).with_suffix(".txt").name).write_bytes(data)
    return corpus


# ------------------------------------------------------------------------ kill -9 build

def test_build_killed_at_random_moments_keeps_previous_output(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, 12)
    out = tmp_path / "out"
    first = _run(["build", str(corpus), "--out", str(out), "--jobs", "1"])
    assert first.returncode == 0, first.stderr
    before = _snapshot(out)
    for name, data in need_real()[12:]:  # a bigger corpus: the next build has work
        (corpus / Path(name).with_suffix(".txt").name).write_bytes(data)
    started = time.monotonic()
    full = _run(["build", str(corpus), "--out", str(tmp_path / "timing"), "--jobs", "1"])
    assert full.returncode == 0, full.stderr
    span = time.monotonic() - started
    rng = random.Random(8)
    for _ in range(KILLS):
        child = subprocess.Popen([*BIN, "build", str(corpus), "--out", str(out), "--jobs", "1"],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.1, span))
        child.send_signal(signal.SIGKILL)
        child.wait()
        tally("faults: kill -9 points (build)")
        # Wherever the kill landed, the output is the previous build or the new one whole
        # (or, killed between the two renames, the previous one set aside for recovery).
        if out.exists():
            assert _tables(out) in (_tables_of(before), _tables(tmp_path / "timing"))
        else:
            assert _snapshot(tmp_path / ".out.old") == before
    done = _run(["build", str(corpus), "--out", str(out), "--jobs", "1"])
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    leftovers = [p.name for p in tmp_path.iterdir() if ".building-" in p.name or ".old" in p.name]
    assert not leftovers, leftovers
    # Nothing lost: the resumed build is the clean build, file for file (db aside: its pages
    # hold the reuse history).
    assert _tables(out) == _tables(tmp_path / "timing")


def _tables_of(snapshot: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in snapshot.items() if not k.endswith(".db")}


def _tables(folder: Path) -> dict[str, str]:
    return _tables_of(_snapshot(folder))


def test_kill_between_swap_steps_is_recovered(tmp_path: Path) -> None:
    """The narrowest kill point: after the old output moved aside, before the new one."""
    corpus = _corpus(tmp_path, 3)
    out = tmp_path / "out"
    build([str(corpus)], out, jobs=1)
    before = _snapshot(out)
    os.replace(out, tmp_path / ".out.old")  # what _swap leaves when killed mid-way
    tally("faults: kill -9 points (build)")
    summary = build([str(corpus)], out, jobs=1)
    assert summary.documents == 3
    assert _snapshot(out).keys() == before.keys()
    assert not (tmp_path / ".out.old").exists()


# ------------------------------------------------------------------------ full disk

def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True)
    return done.returncode == 0


def test_full_disk_during_build_stops_cleanly(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path, 1)
    (tmp_path / "big").mkdir()
    big = _corpus(tmp_path / "big", 30)
    disk = tmp_path / "disk"
    mounted = _mount_tmpfs(disk, "3m")
    try:
        out = disk / "out"
        first = _run(["build", str(corpus), "--out", str(out), "--jobs", "1"])
        assert first.returncode == 0, first.stderr
        before = _snapshot(out)
        limit = None
        if not mounted:  # no tmpfs: a file-size limit does the same to one process
            import resource

            def limit() -> None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))
        full = _run(["build", str(corpus), str(big), "--out", str(out), "--jobs", "1"],
                    preexec_fn=limit)
        tally("faults: full disk builds")
        assert full.returncode == 1, full.stderr
        assert "Traceback" not in full.stderr
        lines = full.stderr.strip().splitlines()
        assert lines[-1].startswith("bulletins build: error: the build stopped:"), full.stderr
        assert "unchanged" in lines[-1]
        assert _snapshot(out) == before
        assert sorted(p.name for p in disk.iterdir()) == ["out"]  # no temp dir left behind
    finally:
        if mounted:
            subprocess.run(["umount", str(disk)], check=False)


# ------------------------------------------------------------------ corrupt WARC record

def _warc(path: Path, docs: list[tuple[str, bytes]], gzip: bool) -> list[int]:
    """Write one response record per doc; return each record's start offset."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gzip, warc_version="1.1")
    starts = []
    for name, body in docs:
        starts.append(buf.tell())
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/plain; charset=utf-8")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"http://127.0.0.1/{uuid.uuid4().hex}/{name}", "response",
            payload=io.BytesIO(body), http_headers=headers))
    path.write_bytes(buf.getvalue())
    return starts


@pytest.mark.parametrize("gzip", [True, False], ids=["warc.gz", "warc"])
@pytest.mark.parametrize("damage", ["garbled", "cut-short"])
def test_corrupt_warc_record_in_the_middle_is_a_problem_row(
    tmp_path: Path, gzip: bool, damage: str
) -> None:
    tally("faults: corrupt WARC files")
    docs = [(n, d) for n, d in need_real() if d.strip()][:7]
    path = tmp_path / ("corpus.warc.gz" if gzip else "corpus.warc")
    starts = _warc(path, docs, gzip)
    data = bytearray(path.read_bytes())
    mid = 3
    lo, hi = starts[mid], starts[mid + 1]
    if damage == "garbled":
        at = lo + (hi - lo) // 3 if gzip else lo + 2  # inside the member / the WARC/1.1 line
        data[at:at + 40] = b"\x00garbage\xff" * 4 + b"\x00" * 4
    else:
        del data[lo + (hi - lo) // 2:hi]  # the record loses its second half
    path.write_bytes(bytes(data))
    out = tmp_path / "out"
    done = _run(["build", str(path), "--out", str(out), "--jobs", "1"])
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    with sqlite3.connect(out / "bulletins.db") as db:
        # warnings are about documents read whole (issue 14: counted apart from problems)
        problems = db.execute("select source, stage, reason from problems "
                              "where stage != 'warning'").fetchall()
        read = {sha for (sha,) in db.execute("select doc_id from bulletins")}
    expected = {hashlib.sha256(d).hexdigest() for i, (_, d) in enumerate(docs) if i != mid}
    # Every record but the damaged one is read, also after a record cut short in an
    # uncompressed WARC, whose declared length runs into the next record's start.
    assert read == expected, (expected - read, problems)
    assert problems, problems
    assert all(p[1] == "input" and "corrupt WARC record" in p[2] for p in problems), problems
    assert "bulletins build: problem:" in done.stderr
    tally("faults: records read around a corrupt one", len(read & expected))


# ------------------------------------------------------------------------ kill -9 crawl

@pytest.fixture
def sites() -> Iterator[ServedSites]:
    served = serve_sites(seed=5, faults=False)
    yield served
    served.stop()


def test_crawl_killed_at_random_moments_loses_nothing_held(
    sites: ServedSites, tmp_path: Path
) -> None:
    sites_file = tmp_path / "sites.toml"
    sites_file.write_text(sites.sites_toml(), encoding="utf-8")
    out = tmp_path / "archive"
    cmd = [*BIN, "crawl", "synthetic-kjt", "synthetic-gxt", "--sites", str(sites_file),
           "--out", str(out), "--delay", "0.02"]
    rng = random.Random(11)
    held: dict[str, str] = {}
    for _ in range(KILLS):
        start = sum(len(s.log) for s in sites.servers.values())
        target = start + rng.randint(4, 30)
        child = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while (sum(len(s.log) for s in sites.servers.values()) < target
               and child.poll() is None and time.monotonic() < deadline):
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.02))
        child.send_signal(signal.SIGKILL)
        child.wait()
        tally("faults: kill -9 points (crawl)")
        now = _held_pages(out)
        assert held.items() <= now.items(), "a page held before a kill was lost or changed"
        held = now
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    final = _held_pages(out)
    assert held.items() <= final.items()
    assert sorted(final) == sorted(sites.expected)
    # Each held page's record is whole and its payload is the page the server sent.
    for path in sorted(out.glob("bulletins-*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    body = record.content_stream().read()
                    assert hashlib.sha256(body).hexdigest() == final[url]
    built = _run(["build", str(out), "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert built.returncode == 0, built.stderr
    with sqlite3.connect(tmp_path / "out" / "bulletins.db") as db:
        docs = db.execute("select count(*) from bulletins").fetchone()[0]
    assert docs == len(sites.expected)


def _held_pages(out: Path) -> dict[str, str]:
    try:
        db = sqlite3.connect(f"file:{out / 'manifest.sqlite'}?mode=rw", uri=True)
    except sqlite3.OperationalError:
        return {}
    try:
        return dict(db.execute("select url, sha256 from pages").fetchall())
    except sqlite3.OperationalError:  # killed before the tables were made
        return {}
    finally:
        db.close()
