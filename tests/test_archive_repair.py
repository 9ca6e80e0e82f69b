"""Archive repair (issue 17): nothing deleted, damage set aside, records around it kept."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from scrapers.archive_repair import repair_archive, verify_archive
from scrapers.fetch import Exchange
from scrapers.manifest import Manifest, PageRow
from scrapers.warc import WarcSeries
from scrapers.warcscan import scan_file

INFO = {"software": "test"}


def exchange(n: int) -> Exchange:
    body = f"<html>bulletin {n} {'进展' * (n % 7 + 20)}</html>".encode()
    return Exchange(
        url=f"http://127.0.0.1:8000/a/t201708{n:04d}_1.html",
        request_headers=(("Host", "127.0.0.1:8000"),),
        status=200, reason="OK", http_version="HTTP/1.1",
        headers=(("Content-Type", "text/html"), ("Content-Length", str(len(body)))),
        body=body, started="2017-08-01T10:00:00.000000Z",
    )


def make_archive(folder: Path, n: int, commit: int | None = None) -> list[PageRow]:
    """``n`` bulletins written as the crawler writes them; the first ``commit`` committed."""
    folder.mkdir(exist_ok=True)
    manifest = Manifest(folder / "manifest.sqlite")
    series = WarcSeries(folder, "bulletins", info=INFO)
    rows = []
    for i in range(n):
        ex = exchange(i)
        where = series.write(ex)
        row = PageRow(ex.url, 1, ex.url, 200, hashlib.sha256(ex.body).hexdigest(), where.file,
                      where.offset, where.length, ex.started)
        rows.append(row)
        if commit is None or i < commit:
            manifest.add_page(row, [(where.file, where.file_size)])
    series.close()
    manifest.close()
    return rows


def responses(path: Path) -> list[str]:
    with path.open("rb") as fh:
        return [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)
                if r.rec_type == "response"]


def manifest_urls(folder: Path) -> set[str]:
    with sqlite3.connect(folder / "manifest.sqlite") as db:
        return {u for (u,) in db.execute("select url from pages")}


def all_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.warc.gz*") if p.is_file())


def test_a_clean_archive_verifies(tmp_path: Path) -> None:
    make_archive(tmp_path, 5)
    report = verify_archive(tmp_path)
    assert report.ok, report.lines()
    assert (report.files, report.pages) == (1, 5)


def test_a_torn_tail_is_cut_and_saved(tmp_path: Path) -> None:
    rows = make_archive(tmp_path, 3)
    path = tmp_path / rows[0].warc_file
    data = path.read_bytes()
    path.write_bytes(data + data[rows[1].warc_offset:rows[2].warc_offset][:50])  # killed mid-write
    report = repair_archive(tmp_path)
    assert "unfinished write" in report.findings[0]
    assert path.read_bytes() == data
    saved = list((tmp_path / "quarantine").iterdir())
    assert [p.stat().st_size for p in saved] == [50]
    assert verify_archive(tmp_path).ok


def test_whole_uncommitted_records_are_indexed_not_cut(tmp_path: Path) -> None:
    rows = make_archive(tmp_path, 4, commit=2)
    before = (tmp_path / rows[0].warc_file).read_bytes()
    report = repair_archive(tmp_path)
    assert (tmp_path / rows[0].warc_file).read_bytes() == before
    assert manifest_urls(tmp_path) == {r.url for r in rows}
    assert any("index 2 stored bulletins" in a for a in report.actions)


def test_a_missing_manifest_is_rebuilt_and_nothing_deleted(tmp_path: Path) -> None:
    rows = make_archive(tmp_path, 6)
    (tmp_path / "manifest.sqlite").unlink()
    size = all_bytes(tmp_path)
    report = repair_archive(tmp_path)
    assert any("manifest.sqlite is missing" in f for f in report.findings)
    assert manifest_urls(tmp_path) == {r.url for r in rows}
    assert all_bytes(tmp_path) == size
    with sqlite3.connect(tmp_path / "manifest.sqlite") as db:
        shas = {s for (s,) in db.execute("select sha256 from pages")}
    assert shas == {r.sha256 for r in rows}


def test_flipped_bytes_quarantine_the_file_and_keep_records_on_both_sides(tmp_path: Path) -> None:
    rows = make_archive(tmp_path, 9)
    path = tmp_path / rows[0].warc_file
    data = bytearray(path.read_bytes())
    hit = rows[4]
    at = hit.warc_offset + hit.warc_length // 2
    data[at:at + 16] = bytes(b ^ 0xFF for b in data[at:at + 16])
    path.write_bytes(bytes(data))
    dry = repair_archive(tmp_path, dry_run=True)
    assert path.read_bytes() == bytes(data), "a dry run changed the file"
    assert dry.lost == [hit.url]
    report = repair_archive(tmp_path)
    assert report.lost == [hit.url]
    assert responses(path) == [r.url for r in rows if r is not hit]
    quarantined = list((tmp_path / "quarantine").glob("*.damaged-*"))
    assert [p.read_bytes() for p in quarantined] == [bytes(data)]
    assert manifest_urls(tmp_path) == {r.url for r in rows if r is not hit}
    with sqlite3.connect(tmp_path / "manifest.sqlite") as db:
        problems = db.execute("select url, retryable from problems").fetchall()
        offsets = dict(db.execute("select url, warc_offset from pages"))
    assert problems == [(hit.url, 1)]
    for url, offset in offsets.items():  # every row points at its record in the new file
        with path.open("rb") as fh:
            fh.seek(offset)
            assert next(iter(ArchiveIterator(fh))).rec_headers.get_header("WARC-Target-URI") == url
    assert verify_archive(tmp_path).ok


def test_a_row_pointing_past_the_end_or_at_garbage_is_found(tmp_path: Path) -> None:
    rows = make_archive(tmp_path, 3)
    with sqlite3.connect(tmp_path / "manifest.sqlite") as db:
        db.execute("update pages set warc_offset = 1000000000 where url = ?", (rows[0].url,))
        db.execute("update pages set warc_offset = warc_offset + 7 where url = ?", (rows[1].url,))
    report = verify_archive(tmp_path)
    assert sorted(report.lost) == sorted([rows[0].url, rows[1].url])
    assert not report.ok


def test_an_extra_file_of_garbage_is_moved_aside_not_deleted(tmp_path: Path) -> None:
    make_archive(tmp_path, 2)
    extra = tmp_path / "bulletins-00001.warc.gz"
    extra.write_bytes(b"\x1f\x8b\x08 not a warc at all")
    report = repair_archive(tmp_path)
    assert not report.ok
    assert not extra.exists()
    assert [p.read_bytes() for p in (tmp_path / "quarantine").iterdir()] == [
        b"\x1f\x8b\x08 not a warc at all"]
    assert verify_archive(tmp_path).ok


def test_a_corrupt_manifest_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    rows = make_archive(tmp_path, 3)
    (tmp_path / "manifest.sqlite").write_bytes(b"SQLite format 3\0" + b"\xff" * 5000)
    report = repair_archive(tmp_path)
    assert any("unreadable" in f for f in report.findings)
    assert manifest_urls(tmp_path) == {r.url for r in rows}
    assert list((tmp_path / "quarantine").glob("manifest.sqlite.corrupt-*"))


def test_scan_resynchronises_after_damage(tmp_path: Path) -> None:
    rows = make_archive(tmp_path, 5)
    path = tmp_path / rows[0].warc_file
    data = path.read_bytes()
    cut = data[:rows[2].warc_offset + 30] + data[rows[3].warc_offset:]
    path.write_bytes(cut)
    scan = scan_file(path)
    assert len(scan.damage) == 1 and not scan.damage[0].torn
    uris = [r.target_uri for r in scan.records if r.warc_type == "response"]
    assert uris == [rows[i].url for i in (0, 1, 3, 4)]
