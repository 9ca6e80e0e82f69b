"""Check and repair a crawl archive folder without losing a byte of it.

Archives are months of crawling that cannot be fetched again once a site removes its pages,
so repair deletes nothing:

- a WARC file holding damage anywhere is moved to ``quarantine/`` as it was, and its whole
  records, before and after the damage, are copied byte for byte into a file of the same
  name; the manifest's offsets follow them;
- the one thing cut off is a torn tail, an unfinished gzip member at the end of the newest
  file of a series, which is what a crawl killed mid-write leaves; the cut bytes are saved
  to ``quarantine/`` first all the same;
- whole records the manifest does not know (a crawl killed between write and commit, a WARC
  copied in, a missing manifest) are indexed into it instead of being cut;
- a manifest row whose record is gone (damaged, truncated away, pointing past the end or at
  garbage) becomes a retryable problem, so the next crawl fetches the page again;
- a missing or unreadable manifest is rebuilt from the WARC files (an unreadable one is
  quarantined first).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from scrapers.manifest import Manifest, PageRow, ProblemRow
from scrapers.warc import BULLETINS_PREFIX, LOG_PREFIX, series_number
from scrapers.warcscan import FileScan, scan_file

MANIFEST = "manifest.sqlite"
QUARANTINE = "quarantine"
SERIES = (BULLETINS_PREFIX, LOG_PREFIX)
SALVAGE_SUFFIX = ".salvage-tmp"
COPY_CHUNK = 1024 * 1024
HASH_CHUNK = 64 * 1024


@dataclass
class RepairReport:
    """What was wrong with an archive, and what repair did (or, in a dry run, would do)."""

    folder: Path
    dry_run: bool
    files: int = 0
    records: int = 0
    pages: int = 0
    findings: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # urls whose archived copy is gone

    @property
    def ok(self) -> bool:
        return not self.findings

    def lines(self) -> list[str]:
        verb = "would " if self.dry_run else ""
        out = [f"damage: {f}" for f in self.findings]
        out += [f"{verb}{a}" for a in self.actions]
        out += [f"lost: {url} (its archived copy is gone; the next crawl fetches it again)"
                for url in self.lost]
        out.append(f"{self.files} WARC files, {self.records} whole records, "
                   f"{self.pages} bulletins in the manifest")
        return out


def verify_archive(folder: Path) -> RepairReport:
    """Everything repair would find and do, changing nothing."""
    return repair_archive(folder, dry_run=True)


def repair_archive(folder: Path, dry_run: bool = False) -> RepairReport:
    """Make ``folder`` a clean archive (see the module docstring); report what was done."""
    report = RepairReport(folder, dry_run)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    if not dry_run:
        _finish_salvage(folder)
    scans = {name: scan_file(folder / name) for name in series_files(folder)}
    report.files = len(scans)
    committed, manifest_state = _manifest_state(folder, report)
    moved: dict[str, dict[int, int]] = {}  # file → old record offset → new offset
    for name, scan in scans.items():
        if scan.clean:
            continue
        newest = name == _newest(scans, name)
        if scan.only_torn_tail and newest and scan.damage[0].start >= committed.get(name, 0):
            start = scan.damage[0].start
            report.findings.append(f"{name}: an unfinished write of {scan.size - start} bytes "
                                   f"at its end (a crawl stopped mid-write)")
            report.actions.append(f"cut {name} at byte {start}, saving the cut bytes to "
                                  f"{QUARANTINE}/{name}.torn-{stamp}")
            if not dry_run:
                _cut_tail(folder, name, start, stamp)
            scan.size = start
            scan.damage.clear()
            continue
        spans = ", ".join(f"{d.start}-{d.end}" for d in scan.damage)
        report.findings.append(f"{name}: {sum(d.end - d.start for d in scan.damage)} damaged "
                               f"bytes (at {spans}); {len(scan.records)} whole records around "
                               "them")
        report.actions.append(f"move {name} to {QUARANTINE}/{name}.damaged-{stamp} and copy "
                              f"its {len(scan.records)} whole records into a new {name}")
        moved[name] = _salvage(folder, scan, stamp, dry_run)
    # A file with no whole record left was quarantined whole; no copy replaces it.
    kept = {n: s for n, s in scans.items() if not (n in moved and not s.records)}
    report.records = sum(len(s.records) for s in kept.values())
    if manifest_state != "ok" and scans:
        report.actions.append(f"rebuild {MANIFEST} from the WARC files")
    if dry_run and manifest_state != "ok":
        report.pages = len(_pages_from(folder, kept, None, moved, dry_run))
        return report
    manifest = Manifest(folder / MANIFEST)
    try:
        _reconcile(manifest, folder, kept, moved, report, dry_run)
        report.pages = manifest.page_count()
    finally:
        manifest.close()
    return report


def series_files(folder: Path) -> list[str]:
    return sorted(p.name for prefix in SERIES for p in folder.glob(f"{prefix}-*.warc.gz")
                  if p.is_file())


def _newest(scans: dict[str, FileScan], name: str) -> str:
    prefix = name.rpartition("-")[0]
    return max((n for n in scans if n.rpartition("-")[0] == prefix), key=series_number)


def _manifest_state(folder: Path, report: RepairReport) -> tuple[dict[str, int], str]:
    """The committed sizes and whether the manifest is "ok", "missing" or "corrupt"."""
    path = folder / MANIFEST
    if not path.exists():
        if series_files(folder):
            report.findings.append(f"{MANIFEST} is missing")
        # A journal left beside a deleted manifest must not be replayed into the new one.
        stale = [folder / (MANIFEST + s) for s in ("-wal", "-shm")]
        if not report.dry_run:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            for side in stale:
                if side.exists():
                    _quarantine(folder, side, f"{side.name}.orphan-{stamp}")
        return {}, "missing"
    try:
        manifest = Manifest(path, readonly=True)
        try:
            return manifest.checked_sizes(), "ok"
        finally:
            manifest.close()
    except sqlite3.DatabaseError as exc:
        report.findings.append(f"{MANIFEST} is unreadable ({exc})")
        report.actions.append(f"move {MANIFEST} to {QUARANTINE}/")
        if not report.dry_run:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            for suffix in ("", "-wal", "-shm"):
                side = folder / (MANIFEST + suffix)
                if side.exists():
                    _quarantine(folder, side, f"{side.name}.corrupt-{stamp}")
        return {}, "corrupt"


def _quarantine(folder: Path, path: Path, name: str) -> Path:
    target = folder / QUARANTINE / name
    target.parent.mkdir(exist_ok=True)
    os.replace(path, target)
    return target


def _cut_tail(folder: Path, name: str, start: int, stamp: str) -> None:
    path = folder / name
    (folder / QUARANTINE).mkdir(exist_ok=True)
    with path.open("r+b") as fh, (folder / QUARANTINE / f"{name}.torn-{stamp}").open("wb") as out:
        fh.seek(start)
        shutil.copyfileobj(fh, out, COPY_CHUNK)
        out.flush()
        os.fsync(out.fileno())
        fh.truncate(start)
        os.fsync(fh.fileno())


def _salvage(folder: Path, scan: FileScan, stamp: str, dry_run: bool) -> dict[int, int]:
    """Copy ``scan``'s whole records to a new file of its name, the old one quarantined.

    The copy is written beside it first, so a kill at any step leaves either the original
    in place or the original quarantined and the copy ready (see ``_finish_salvage``).
    """
    offsets: dict[int, int] = {}
    new = 0
    for record in scan.records:
        offsets[record.offset] = new
        new += record.length
    scan.damage.clear()
    if dry_run:
        scan.records = [replace(r, offset=offsets[r.offset]) for r in scan.records]
        return offsets
    path = folder / scan.name
    tmp = folder / (scan.name + SALVAGE_SUFFIX)
    if scan.records:
        with path.open("rb") as src, tmp.open("wb") as out:
            for record in scan.records:
                src.seek(record.offset)
                _copy(src, out, record.length)
            out.flush()
            os.fsync(out.fileno())
    _quarantine(folder, path, f"{scan.name}.damaged-{stamp}")
    if scan.records:
        os.replace(tmp, path)
    scan.records = [replace(r, offset=offsets[r.offset]) for r in scan.records]
    scan.size = new
    return offsets


def _copy(src, out, length: int) -> None:
    while length:
        chunk = src.read(min(COPY_CHUNK, length))
        if not chunk:
            raise OSError("file shrank during repair")
        out.write(chunk)
        length -= len(chunk)


def _finish_salvage(folder: Path) -> None:
    """Complete a salvage a kill interrupted after the original was quarantined."""
    for tmp in folder.glob(f"*.warc.gz{SALVAGE_SUFFIX}"):
        target = folder / tmp.name.removesuffix(SALVAGE_SUFFIX)
        if target.exists():  # killed before the original moved: start that salvage again
            _quarantine(folder, tmp, f"{tmp.name}-unused")
        else:
            os.replace(tmp, target)


def _reconcile(
    manifest: Manifest,
    folder: Path,
    scans: dict[str, FileScan],
    moved: dict[str, dict[int, int]],
    report: RepairReport,
    dry_run: bool,
) -> None:
    """Point the manifest at the records that exist, and index the ones it does not know."""
    responses = {(name, r.offset): r for name, s in scans.items() for r in s.records
                 if r.warc_type == "response"}
    held: set[tuple[str, int]] = set()
    for page in manifest.pages():
        where = (page.warc_file, moved.get(page.warc_file, {}).get(page.warc_offset,
                                                                    page.warc_offset))
        if page.warc_file in moved and page.warc_offset not in moved[page.warc_file]:
            where = (page.warc_file, -1)
        record = responses.get(where)
        if record is not None and record.target_uri == page.final_url:
            held.add(where)
            if where[1] != page.warc_offset and not dry_run:
                manifest.move_page(page.url, page.version, where[1])
            continue
        report.findings.append(f"manifest row for {page.url} (version {page.version}) points "
                               f"at {page.warc_file} byte {page.warc_offset}, where no whole "
                               "record of it is")
        report.lost.append(page.url)
        if not dry_run:
            manifest.lose_page(page, ProblemRow(
                page.url, "archive",
                f"archived copy lost (damaged or missing in {page.warc_file}); fetch again",
                True, page.referrer, _now()))
    for row in manifest.list_rows():
        where = (row.warc_file, moved.get(row.warc_file, {}).get(row.warc_offset, -1)
                 if row.warc_file in moved else row.warc_offset)
        if where not in responses:
            report.actions.append(f"forget the stored copy of list page {row.url} "
                                  "(read again in full next time)")
            if not dry_run:
                manifest.drop_list(row.url)
        elif where[1] != row.warc_offset and not dry_run:
            manifest.move_list(row.url, where[1])
    unknown = {k: r for k, r in responses.items() if k not in held}
    new_pages = _pages_from(folder, scans, set(unknown), moved, dry_run, manifest)
    if new_pages:
        report.findings.append(f"{len(new_pages)} stored bulletins the manifest does not list")
        report.actions.append(f"index {len(new_pages)} stored bulletins into {MANIFEST}")
    if not dry_run:
        for page in new_pages:
            manifest.add_page(page, ())
        manifest.set_sizes({name: scan.size for name, scan in scans.items()})


def _pages_from(
    folder: Path,
    scans: dict[str, FileScan],
    only: set[tuple[str, int]] | None,
    moved: dict[str, dict[int, int]],
    dry_run: bool,
    manifest: Manifest | None = None,
) -> list[PageRow]:
    """Page rows for the bulletins series' 2xx responses (``only`` those, when given)."""
    rows: list[PageRow] = []
    latest: dict[str, PageRow | None] = {}
    for name in sorted(scans, key=lambda n: (series_number(n), n)):
        if not name.startswith(BULLETINS_PREFIX + "-"):
            continue
        # A dry run copied nothing: a salvaged file's records still sit at their old offsets.
        physical = ({new: old for old, new in moved[name].items()}
                    if dry_run and name in moved else {})
        for record in scans[name].records:
            if record.warc_type != "response" or (only is not None
                                                  and (name, record.offset) not in only):
                continue
            at = physical.get(record.offset, record.offset)
            status, sha, etag, modified = _response_facts(folder / name, at)
            url = record.target_uri or ""
            if not (200 <= status < 300) or not url:
                continue
            if url not in latest:
                latest[url] = manifest.latest(url) if manifest else None
            previous = latest[url]
            if previous is not None and previous.sha256 == sha:
                continue  # the same bytes held already (a copied file)
            row = PageRow(url, previous.version + 1 if previous else 1, url, status, sha, name,
                          record.offset, record.length, record.date or "", etag, modified)
            latest[url] = row
            rows.append(row)
    return rows


def _response_facts(path: Path, offset: int) -> tuple[int, str, str | None, str | None]:
    """Status, payload digest (as the crawler computes it), ETag and Last-Modified."""
    with path.open("rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        headers = record.http_headers
        status = int(headers.get_statuscode() or 0) if headers else 0
        digest = hashlib.sha256()
        stream = record.content_stream()
        while chunk := stream.read(HASH_CHUNK):
            digest.update(chunk)
        etag = headers.get_header("etag") if headers else None
        modified = headers.get_header("last-modified") if headers else None
        return status, digest.hexdigest(), etag, modified


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
