"""The SQLite manifest beside the WARC files: what the corpus holds and what could not be had.

Tables:
- ``pages``: one row per stored version of a bulletin (url, final url, status, sha256,
  WARC file and offset, fetched time, ETag / Last-Modified, the list page that led to it);
- ``lists``: the last state of each list page, for conditional GETs;
- ``problems``: URLs that could not be fetched, with the reason, whether a later run
  should try again, and how many runs tried;
- ``warc_files``: how many bytes of each WARC file are committed; bytes past it are a
  killed crawl's writes, which scrapers/archive_repair.py indexes or (torn) sets aside.

Every change is one transaction that also records the WARC sizes it relies on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT NOT NULL,
    version INTEGER NOT NULL,
    final_url TEXT NOT NULL,
    status INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    warc_file TEXT NOT NULL,
    warc_offset INTEGER NOT NULL,
    warc_length INTEGER NOT NULL,
    fetched TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    referrer TEXT,
    title TEXT,
    listed_date TEXT,
    PRIMARY KEY (url, version)
);
CREATE TABLE IF NOT EXISTS lists (
    url TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    warc_file TEXT NOT NULL,
    warc_offset INTEGER NOT NULL,
    fetched TEXT NOT NULL,
    checked TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT
);
CREATE TABLE IF NOT EXISTS problems (
    url TEXT PRIMARY KEY,
    stage TEXT NOT NULL,
    reason TEXT NOT NULL,
    retryable INTEGER NOT NULL,
    referrer TEXT,
    seen TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS warc_files (
    name TEXT PRIMARY KEY,
    size INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class PageRow:
    url: str
    version: int
    final_url: str
    status: int
    sha256: str
    warc_file: str
    warc_offset: int
    warc_length: int
    fetched: str
    etag: str | None = None
    last_modified: str | None = None
    referrer: str | None = None
    title: str | None = None
    listed_date: str | None = None


@dataclass(frozen=True)
class ListRow:
    url: str
    status: int
    sha256: str
    warc_file: str
    warc_offset: int
    fetched: str
    checked: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class ProblemRow:
    url: str
    stage: str
    reason: str
    retryable: bool
    referrer: str | None
    seen: str
    attempts: int = 1


class Manifest:
    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = path
        if readonly:
            # Not mode=ro: after a killed crawl only a connection that may write can replay
            # the WAL, and a read-only one would see the manifest as of the last checkpoint.
            self.db = sqlite3.connect(f"file:{path}?mode=rw", uri=True)
        else:
            self.db = sqlite3.connect(path)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def committed_sizes(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT name, size FROM warc_files"))

    def checked_sizes(self) -> dict[str, int]:
        """The committed sizes, after SQLite's own check of the file (DatabaseError if bad)."""
        problems = [r for (r,) in self.db.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError("; ".join(problems[:3]))
        for table in ("pages", "lists", "problems"):
            self.db.execute(f"SELECT count(*) FROM {table}").fetchone()
        return self.committed_sizes()

    def page_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM pages").fetchone()[0]

    def latest(self, url: str) -> PageRow | None:
        row = self.db.execute(
            f"SELECT {_cols(PageRow)} FROM pages WHERE url = ? ORDER BY version DESC LIMIT 1",
            (url,),
        ).fetchone()
        return PageRow(*row) if row else None

    def pages(self) -> list[PageRow]:
        rows = self.db.execute(f"SELECT {_cols(PageRow)} FROM pages ORDER BY url, version")
        return [PageRow(*r) for r in rows]

    def list_row(self, url: str) -> ListRow | None:
        sql = f"SELECT {_cols(ListRow)} FROM lists WHERE url = ?"
        row = self.db.execute(sql, (url,)).fetchone()
        return ListRow(*row) if row else None

    def problem(self, url: str) -> ProblemRow | None:
        row = self.db.execute(
            f"SELECT {_cols(ProblemRow)} FROM problems WHERE url = ?", (url,)
        ).fetchone()
        return _problem_row(row) if row else None

    def problems(self) -> list[ProblemRow]:
        rows = self.db.execute(f"SELECT {_cols(ProblemRow)} FROM problems ORDER BY url")
        return [_problem_row(r) for r in rows]

    def list_rows(self) -> list[ListRow]:
        return [ListRow(*r) for r in self.db.execute(f"SELECT {_cols(ListRow)} FROM lists")]

    # -- repair (scrapers/archive_repair.py) ------------------------------------------

    def move_page(self, url: str, version: int, offset: int) -> None:
        with self.db:
            self.db.execute("UPDATE pages SET warc_offset = ? WHERE url = ? AND version = ?",
                            (offset, url, version))

    def lose_page(self, page: PageRow, problem: ProblemRow) -> None:
        """Forget a version whose record is gone, and say so where the next crawl looks."""
        self.add_problem(problem)  # first: a kill between the two leaves the row to find again
        with self.db:
            self.db.execute("DELETE FROM pages WHERE url = ? AND version = ?",
                            (page.url, page.version))

    def move_list(self, url: str, offset: int) -> None:
        with self.db:
            self.db.execute("UPDATE lists SET warc_offset = ? WHERE url = ?", (offset, url))

    def drop_list(self, url: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM lists WHERE url = ?", (url,))

    def set_sizes(self, sizes: dict[str, int]) -> None:
        """Record the WARC files as they are now, after a repair moved or cut some."""
        with self.db:
            self.db.execute("DELETE FROM warc_files")
            self.db.executemany("INSERT INTO warc_files (name, size) VALUES (?, ?)",
                                sizes.items())

    def add_page(self, page: PageRow, sizes: Iterable[tuple[str, int]]) -> None:
        with self.db:
            self.db.execute(
                f"INSERT INTO pages ({_cols(PageRow)}) VALUES ({_marks(PageRow)})", astuple(page)
            )
            self.db.execute("DELETE FROM problems WHERE url = ?", (page.url,))
            self._sizes(sizes)

    def put_list(self, row: ListRow, sizes: Iterable[tuple[str, int]] = ()) -> None:
        with self.db:
            self.db.execute(
                f"INSERT OR REPLACE INTO lists ({_cols(ListRow)}) VALUES ({_marks(ListRow)})",
                astuple(row),
            )
            self._sizes(sizes)

    def touch_list(self, url: str, checked: str, sizes: Iterable[tuple[str, int]] = ()) -> None:
        with self.db:
            self.db.execute("UPDATE lists SET checked = ? WHERE url = ?", (checked, url))
            self._sizes(sizes)

    def add_problem(self, row: ProblemRow, sizes: Iterable[tuple[str, int]] = ()) -> None:
        with self.db:
            self.db.execute(
                """INSERT INTO problems (url, stage, reason, retryable, referrer, seen)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE SET stage = excluded.stage,
                     reason = excluded.reason, retryable = excluded.retryable,
                     seen = excluded.seen, attempts = attempts + 1""",
                (row.url, row.stage, row.reason, int(row.retryable), row.referrer, row.seen),
            )
            self._sizes(sizes)

    def commit_sizes(self, sizes: Iterable[tuple[str, int]]) -> None:
        with self.db:
            self._sizes(sizes)

    def _sizes(self, sizes: Iterable[tuple[str, int]]) -> None:
        self.db.executemany(
            "INSERT INTO warc_files (name, size) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET size = max(size, excluded.size)",
            list(sizes),
        )


def _cols(cls: type) -> str:
    return ", ".join(f.name for f in fields(cls))


def _marks(cls: type) -> str:
    return ", ".join("?" for _ in fields(cls))


def _problem_row(row: tuple) -> ProblemRow:
    url, stage, reason, retryable, referrer, seen, attempts = row
    return ProblemRow(url, stage, reason, bool(retryable), referrer, seen, attempts)
