"""``build``: a corpus in, the dataset tables out (Parquet, CSV, SQLite, datapackage.json).

Documents stream through in batches: read, extracted in a process pool or on a Dask
cluster, and appended to a scratch SQLite database; the outputs are then written from it
in sorted order, so memory stays flat and the same corpus gives byte-identical files.
Everything is written to a temporary directory beside ``out`` and swapped in at the end:
a build killed at any moment, or one that read no document at all, leaves the previous
output as it was.

Copies: a bulletin met twice (the same bytes, or the same text once chrome and layout are
gone, as from its .html and its .txt) is built once, from the copy with the smallest
``doc_id`` whatever the input order; the ``sources`` table lists every copy.

Incremental: a document whose bytes (``doc_id``) and extractor version are already in the
previous output's database is copied from there instead of being parsed again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import groupby, islice, tee
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pipeline.audit.issues import Audit, Issues, audit_issues
from pipeline.audit.linking import period_order, publisher_group, series_title
from pipeline.errors import UnreadableInput, UsageError
from pipeline.read.document import extract, kept_windows, prepare
from pipeline.read.inputs import iter_pages, with_publisher
from pipeline.records import Bulletin, Link, Page, Problem, Source
from pipeline.store import tables
from pipeline.store.search_index import (
    CHAR_TABLES,
    create_search_tables,
    fill_search_index,
    finish_search_index,
)
from pipeline.store.version import EXTRACTOR_VERSION

if TYPE_CHECKING:  # a --jobs 1 build starts no pool: see ``_mapper``
    from concurrent.futures import Future, ProcessPoolExecutor

log = logging.getLogger(__name__)

BATCH_SIZE = 64  # documents in flight at once: bounds memory, keeps every worker busy
EXPORT_ROW_GROUP = 10_000  # rows per Parquet row group
# ... or fewer, where the rows carry long texts: a group is held whole in memory as it is
# written, and 10,000 bulletins' texts would make the export the build's peak.
EXPORT_GROUP_BYTES = 4 * 2**20
AUDIT_BATCH = 256  # issues whose audit rows are inserted at once, across series
READ_AHEAD = 64  # bulletins the audit reads back at once
FIRST_PROBLEMS = 20  # problems the closing summary names; the table has them all
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies

# The audit's Links while a build is staged: one row per section, joined into the
# sections and facts tables as they are copied out (staging only, no output table).
LINKS = tables.Table.of(
    "links", "each staged section's task link", Link, order=("doc_id", "path"),
    extra=(tables.Column("doc_id", "string", "the section's bulletin", True),
           tables.Column("path", "string", "the section's path", True)),
    order_by=("doc_id", "path"),
)
# Every table of staging by name.
STAGED = {**tables.TABLES, LINKS.name: LINKS}


@dataclass(frozen=True)
class Staged:
    """A bulletin as staging takes it: its rows of every table (``tables.staged_rows``: a
    section's and a fact's without the columns the audit fills), made where it was
    extracted (in a pool's worker, in parallel, rather than in the one process that stores
    them)."""

    doc_id: str
    text_key: str  # see ``text_key``: which copies are one bulletin
    rows: dict[str, list[tables.Row]]

    @classmethod
    def of(cls, bulletin: Bulletin) -> Staged:
        return cls(bulletin.sha256, text_key(bulletin.text), tables.staged_rows(bulletin))


# An order-keeping ``map(fn, pages)``: in-process, a process pool, or Dask.
Work = Callable[[Page], Staged | Problem]
# Starts the work on a batch and returns its results in order, computed by the time they
# are iterated: a pool's work runs while the caller does other things.
Mapper = Callable[[Work, list[Page]], Iterable[Staged | Problem]]
# How a built document came in: extracted by this build, or reused from the previous one.
Arrival = Literal["extracted", "reused"]


@dataclass
class BuildSummary:
    out: Path
    # documents built = extracted + reused: a copy built first and then replaced by a later
    # copy of the same bulletin (built, whatever the input order, from the smaller doc_id)
    # counts among the duplicates, not twice
    documents: int = 0
    extracted: int = 0
    reused: int = 0
    duplicates: int = 0  # inputs or texts already built from another file or format
    sections: int = 0
    facts: int = 0
    problems: int = 0  # inputs, or parts of them, that could not be read
    warnings: int = 0  # documents read whole, with something worth a look
    seconds: float = 0.0
    first_problems: list[str] = field(default_factory=list)
    # False when no document could be read: then ``out`` was left as it was.
    written: bool = False

    def __str__(self) -> str:
        if not self.written:
            return (f"nothing built: no document could be read ({self.problems} problems); "
                    f"{self.out} is unchanged")
        return (
            f"built {self.out}: {self.documents} documents ({self.extracted} extracted, "
            f"{self.reused} reused; {self.duplicates} duplicates skipped), "
            f"{self.sections} sections, {self.facts} facts, {self.problems} problems, "
            f"{self.warnings} warnings in {self.seconds:.1f} s"
        )


def extract_page(page: Page, strict: bool = False) -> Staged | Problem:
    """The per-document work, run in a worker: a bulletin's rows, or the problem that
    stopped it.

    ``strict`` (``--debug``) lets an unexpected error raise with its traceback instead.
    """
    try:
        return Staged.of(extract(page))
    except UnreadableInput as exc:
        return Problem(page.source, "read", exc.reason)
    except Exception as exc:  # one bad document must not stop the build
        if strict:
            raise
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return Problem(page.source, "extract", f"{type(exc).__name__} at {where}: {exc} "
                                               "(a bug: run with --debug for the traceback)")


def build(
    inputs: Sequence[str],
    out: str | Path,
    *,
    jobs: int | None = None,
    executor: str | None = None,
    progress: bool = False,
    batch_size: int = BATCH_SIZE,
    strict: bool = False,
    publisher: str | None = None,
) -> BuildSummary:
    """Build the tables of ``inputs`` into the directory ``out``, replacing it whole.

    ``publisher``: whose bulletins these are, for pages that do not say (``--publisher``);
    it wins over a crawl's site profile, never over the page itself.
    """
    started = time.monotonic()
    out = Path(out).resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _recover(out)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-{os.getpid()}-",
                                    dir=out.parent))
    except OSError as exc:
        raise UsageError(f"cannot write the build to {out} ({exc.strerror}): choose an --out "
                         "DIR in a folder you can write to") from exc
    tmp.chmod(0o755)  # mkdtemp makes it private; the output is an ordinary directory
    summary = BuildSummary(out)
    try:
        # The pool outlives the staging: its workers write part of the database and the
        # Parquet and CSV files while this process audits (``_write_outputs``).
        with _mapper(jobs, executor) as (map_pages, pool):
            with (
                closing(sqlite3.connect(tmp / "staging.db")) as stage,
                _previous(out / tables.DB_NAME) as previous,
            ):
                # A scratch database, thrown away with the build if it stops: nothing in it
                # needs to survive a crash, so commits need not wait for the disk.
                stage.execute("pragma synchronous = off")
                stage.execute("pragma journal_mode = memory")
                # No primary keys while it fills: documents come in doc_id (hash) order, so
                # every key index took each row at a random place, a page read and write
                # per row once it outgrew SQLite's cache (a tenth of a 10k build). The rows
                # reach the keyed tables of the output, sorted; lookups by doc_id get
                # indexes once every row is in.
                tables.create_sqlite_tables(stage, keys=False)
                stage.execute("create table seen (doc_id text primary key)")
                # a bulletin's text key → the copy built; each other copy → the copy built
                # … and how that copy came in: extracted now, or reused from the previous
                # build
                stage.execute("create table seen_text (text_key text primary key, "
                              "doc_id text, how text)")
                stage.execute("create table merged (copy text primary key, kept text)")
                work = partial(extract_page, strict=True) if strict else extract_page
                pages = with_publisher(iter_pages(inputs), publisher)
                _collect(pages, stage, previous, map_pages, work, batch_size, progress,
                         summary)
                _unstage_copies(stage)
                stage.execute("create unique index idx_bulletins_doc_id on bulletins (doc_id)")
                _point_sources_at_built_copies(stage)
                _inherit_from_linking_pages(stage)
                stage.commit()
                readable = stage.execute("select count(*) from bulletins").fetchone()[0]
            if readable:
                _write_outputs(tmp / "staging.db", tmp, summary, progress, pool)
                (tmp / "staging.db").unlink()
                _swap(tmp, out)
                summary.written = True
            else:
                # A mistyped path must not replace a good build with an empty one.
                shutil.rmtree(tmp)
    except (OSError, sqlite3.OperationalError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, sqlite3.OperationalError) and not _is_disk_error(exc):
            raise
        # A full disk or a file-size limit is the user's to fix, not a traceback.
        why = getattr(exc, "strerror", None) or str(exc)
        where = getattr(exc, "filename", None) or out.parent
        raise UsageError(f"the build stopped: {why} ({where}); free space or choose another "
                         f"--out DIR, then run it again. The previous output in {out} is "
                         "unchanged") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary.seconds = time.monotonic() - started
    return summary


def _collect(
    pages: Iterable[Page | Exception],
    stage: sqlite3.Connection,
    previous: sqlite3.Connection | None,
    map_pages: Mapper,
    work: Work,
    batch_size: int,
    progress: bool,
    summary: BuildSummary,
) -> None:
    """Read every input once; reuse, extract or record a problem for each document."""
    batch: list[Page] = []
    pending: tuple[list[Page], Iterable[Staged | Problem]] | None = None
    rows = _Unwritten()
    with _bar(progress, desc="build", unit="doc") as bar:
        for item, doc_id, old in _with_previous(pages, previous, batch_size):
            bar.update()
            if isinstance(item, Exception):
                source = getattr(item, "source", "?")
                _add_problem(stage, Problem(source, "input", getattr(item, "reason", str(item))),
                             None, summary)
                continue
            # Every input's source row, inserted with the batch's rows (``_Unwritten``).
            rows.add({tables.SOURCES.name: [tables.SOURCES.to_row(
                Source(item.source, doc_id, item.url), doc_id=doc_id)]})
            if stage.execute("insert or ignore into seen values (?)", (doc_id,)).rowcount == 0:
                summary.duplicates += 1
                if rows.documents >= batch_size:  # a run of copies stages only sources
                    rows.insert(stage)
                continue
            # A publisher given from outside now, other than the one stored, is read again.
            if old is not None and item.publisher in (None, old.publisher):
                # same bytes, maybe found elsewhere now: where it was read is the new input's
                found_at = replace(old, source=item.source, url=item.url,
                                   attached_to=item.attached_to,
                                   fetched=item.fetched or old.fetched)
                _add_bulletin(stage, Staged.of(found_at), summary, "reused", rows)
                if rows.documents >= batch_size:
                    rows.insert(stage)
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                # the next batch starts before the last one's results are stored, so the
                # workers extract while this process reads and writes
                started = (batch, map_pages(work, batch))
                if pending:
                    _store_batch(stage, *pending, summary, rows)
                pending, batch = started, []
        if batch:
            started = (batch, map_pages(work, batch))
            if pending:
                _store_batch(stage, *pending, summary, rows)
            pending = started
        if pending:
            _store_batch(stage, *pending, summary, rows)
        rows.insert(stage)


def _with_previous(
    pages: Iterable[Page | Exception], previous: sqlite3.Connection | None, size: int
) -> Iterator[tuple[Page | Exception, str, Bulletin | None]]:
    """Each input in its order with its doc_id ("" for an unreadable one: no bytes) and the
    previous build's bulletin of those bytes, if that holds one. Read back ``size`` inputs'
    at a time (``tables.read_bulletins``, four queries for them all, where each bulletin
    took four: most of an incremental build's staging), reading as many inputs ahead."""
    if previous is None:
        # hashed once here: ``Page.sha256`` hashes the bytes at each call
        yield from ((item, "" if isinstance(item, Exception) else item.sha256, None)
                    for item in pages)
        return
    inputs = iter(pages)
    while chunk := list(islice(inputs, size)):
        ids = ["" if isinstance(item, Exception) else item.sha256 for item in chunk]
        found = tables.read_bulletins(previous, [doc_id for doc_id in ids if doc_id])
        yield from ((item, doc_id, found.get(doc_id))
                    for item, doc_id in zip(chunk, ids, strict=True))


def _store_batch(
    stage: sqlite3.Connection, batch: list[Page], results: Iterable[Staged | Problem],
    summary: BuildSummary, rows: _Unwritten,
) -> None:
    # The batch extracted whole before its rows are staged, not one document between two
    # statements: a statement run right after a document's extraction found SQLite's code
    # and pages gone from the processor's caches and took ten times as long.
    for page, result in zip(batch, list(results), strict=True):
        if isinstance(result, Staged):
            _add_bulletin(stage, result, summary, "extracted", rows)
        else:
            _add_problem(stage, result, page.sha256, summary)
    rows.insert(stage)
    stage.commit()


@dataclass
class _Unwritten:
    """Staged rows not yet inserted, a document's (or an input's source row, or an audited
    issue's) at a time: a batch's go in with one statement per table, not one per table
    and document (a statement's fixed cost was most of a small bulletin's insert). Staging
    is scratch, copied out sorted, so when the rows go in changes nothing built, as long as
    they are in before the staging is read."""

    by_table: dict[str, list[tables.Row]] = field(default_factory=dict)
    documents: int = 0

    def add(self, rows_by_table: dict[str, list[tables.Row]]) -> None:
        for name, rows in rows_by_table.items():
            self.by_table.setdefault(name, []).extend(rows)
        self.documents += 1

    def insert(self, stage: sqlite3.Connection) -> None:
        for name, rows in self.by_table.items():
            # a bulletin's sections and facts as staged, every other table's rows whole
            tables.insert_rows(stage, STAGED[name], rows, tables.STAGED_COLUMNS.get(name))
        self.by_table.clear()
        self.documents = 0


# What an attachment takes from the page that links it when the file itself states none:
# a .xlsx task table rarely carries a title or date, and the page it hangs on does.
INHERITED = ("title", "published", "period", "publisher", "region")


def _inherit_from_linking_pages(stage: sqlite3.Connection) -> None:
    """Fill each attachment's missing metadata from its linking page, once every document
    is in (the page may come after its attachment, or in another WARC file)."""
    for name in INHERITED:
        stage.execute(
            f"update bulletins set [{name}] = (select page.[{name}] from bulletins page "
            "where page.url = bulletins.attached_to and page.attached_to is null "
            f"and page.[{name}] is not null order by page.doc_id limit 1) "
            f"where attached_to is not null and [{name}] is null"
        )
    for table in ("sections", "facts"):  # they carry their bulletin's period and publisher
        stage.execute(
            f"update [{table}] set "
            "period = (select b.period from bulletins b where b.doc_id = [{table}].doc_id), "
            "publisher = (select b.publisher from bulletins b where b.doc_id = [{table}].doc_id) "
            "where doc_id in (select doc_id from bulletins where attached_to is not null)"
            .replace("{table}", table)
        )


def _add_bulletin(
    stage: sqlite3.Connection, staged: Staged, summary: BuildSummary, how: Arrival,
    rows: _Unwritten,
) -> None:
    """Stage the bulletin's rows unless it is a copy of one staged already, and count it.

    Of two copies the one with the smaller doc_id is kept, so that which is built does not
    depend on input order or on which copy an incremental build could reuse.
    """
    key = staged.text_key
    new = staged.doc_id
    added = stage.execute("insert or ignore into seen_text values (?, ?, ?)", (key, new, how))
    if added.rowcount == 0:
        kept, kept_how = stage.execute("select doc_id, how from seen_text where text_key = ?",
                                       (key,)).fetchone()
        summary.duplicates += 1
        if kept <= new:
            stage.execute("insert into merged values (?, ?)", (new, kept))
            return
        _count(summary, kept_how, -1)  # no longer built: it is now the duplicate
        stage.execute("update seen_text set doc_id = ?, how = ? where text_key = ?",
                      (new, how, key))
        stage.execute("update merged set kept = ? where kept = ?", (new, kept))
        stage.execute("insert into merged values (?, ?)", (kept, new))
    rows.add(staged.rows)
    _count(summary, how, 1)


def _count(summary: BuildSummary, how: Arrival, by: int) -> None:
    if how == "extracted":
        summary.extracted += by
    else:
        summary.reused += by


def text_key(text: str) -> str:
    """Copies of one bulletin agree on their normalised text up to layout: an HTML page's
    paragraphs are lines where its .txt twin runs them together, so whitespace is left out
    (``str.split`` cuts at every character ``\\s`` matches, in C, five times as fast as a
    regular expression's substitution)."""
    return hashlib.sha256("".join(text.split()).encode()).hexdigest()


def _unstage_copies(stage: sqlite3.Connection) -> None:
    """Take back the rows of every copy staged and then replaced (a copy with a smaller
    doc_id came in later), in one pass once every document is in rather than a scan of
    the unindexed tables per copy: a copy's doc_id, its bytes, is staged once only, so
    nothing of it comes in after it is replaced. The copies never staged have no rows."""
    if stage.execute("select exists (select 1 from merged)").fetchone()[0]:
        for name in ("bulletins", "sections", "facts"):
            stage.execute(f"delete from [{name}] where doc_id in (select copy from merged)")
        stage.execute("delete from problems where doc_id in (select copy from merged) "
                      "and stage = 'warning'")


def _point_sources_at_built_copies(stage: sqlite3.Connection) -> None:
    """Each copy's source row names the bulletin built for it; copies of nothing readable
    are in ``problems`` instead."""
    stage.execute("update sources set doc_id = (select kept from merged where copy = doc_id) "
                  "where doc_id in (select copy from merged)")
    stage.execute("delete from sources where doc_id not in (select doc_id from bulletins)")


def _add_problem(
    stage: sqlite3.Connection, problem: Problem, doc_id: str | None, summary: BuildSummary
) -> None:
    tables.insert_rows(stage, tables.PROBLEMS, [tables.problem_row(problem, doc_id)])
    summary.problems += 1
    line = f"{problem.source}: {problem.stage}: {problem.reason}"
    log.info("problem: %s", line)
    if len(summary.first_problems) < FIRST_PROBLEMS:
        summary.first_problems.append(line)


def _write_outputs(
    staging: Path, tmp: Path, summary: BuildSummary, progress: bool,
    pool: ProcessPoolExecutor | None = None,
) -> None:
    """Sorted copies of the staged rows: SQLite with search index, Parquet, CSV.

    The database is written in two parts: the tables the audit leaves alone, with the
    bulletins' search index, then the audited ones and the rest of the index. With a pool,
    its workers write the first part and every Parquet and CSV file (each from a sorted
    copy of its own, the same as the database's) while this process audits and then
    writes the second part; without one, the parts follow the audit."""
    # The audit, the index and the exports take a while on a large corpus: say which runs.
    steps = _bar(progress, total=3 + len(tables.TABLES), desc="write", unit="step")
    db = tmp / tables.DB_NAME
    head: Future[None] | None = None
    exports: list[Future[None]] = []
    with closing(sqlite3.connect(staging)) as stage:
        stage.execute("pragma synchronous = off")  # scratch, as when it was filled
        # Indexes before the audit: it reads every document's rows by doc_id, which without
        # them is a scan per document, quadratic in the corpus.
        for name in ("sections", "facts", "problems"):
            stage.execute(f"create index [idx_{name}_doc_id] on [{name}] (doc_id)")
        stage.execute(f"create table links ({', '.join(LINKS.names)}, "
                      "primary key (doc_id, path))")
        stage.commit()
        # Write-ahead logging: the workers read staging while the audit writes it.
        stage.execute("pragma journal_mode = wal")
        if pool is not None:
            head = pool.submit(_write_database_head, staging, db)
            exports += [pool.submit(_export_copy, staging, tmp, n) for n in UNAUDITED]
        steps.set_postfix_str("linking tasks", refresh=False)
        steps.update()
        _audit(stage)
        stage.commit()
        if pool is not None:
            exports += [pool.submit(_export_copy, staging, tmp, n) for n in AUDITED]
    if head is None:
        # After the audit, not before it: the memory SQLite takes for the copy and the
        # index would be held still, under the audit's own (freed C memory is not where
        # Python puts its objects).
        _write_database_head(staging, db)
    else:
        head.result()  # a worker's error (a full disk, say) is the build's
    with steps, closing(_unsynced(db)) as conn:
        conn.execute("attach database ? as staging", (str(staging),))
        for name in AUDITED:
            _copy_sorted(conn, tables.TABLES[name])
        conn.commit()
        conn.execute("detach database staging")
        for name in ("sections", "facts", "problems"):
            conn.execute(f"create index [idx_{name}_doc_id] on [{name}] (doc_id)")
        conn.commit()
        steps.set_postfix_str("search index", refresh=False)
        steps.update()
        fill_search_index(conn, [n for n in CHAR_TABLES if n in AUDITED])
        finish_search_index(conn)
        conn.commit()
        steps.update()
        if pool is None:
            for table in tables.TABLES.values():
                steps.set_postfix_str(table.name, refresh=False)
                _export(conn, tmp, table)
                steps.update()
        for export in exports:
            export.result()
            steps.update()
        counts = {
            t: conn.execute(f"select count(*) from [{t}]").fetchone()[0] for t in tables.TABLES
        }
        summary.warnings = conn.execute(
            "select count(*) from problems where stage = 'warning'"
        ).fetchone()[0]
    _sync(db)
    tables.write_datapackage(tmp / "datapackage.json")
    summary.documents = counts["bulletins"]
    summary.sections = counts["sections"]
    summary.facts = counts["facts"]


# The tables the audit writes or joins into: their copies and exports wait for it.
AUDITED = ("sections", "facts", "series", "checks")
UNAUDITED = tuple(name for name in tables.TABLES if name not in AUDITED)


def _unsynced(db: Path) -> sqlite3.Connection:
    """The new database, written without waiting for the disk at each commit: it lives in
    the build's temporary folder, thrown away if the build stops, so only its finished
    state must reach the disk (``_sync``), not each of its twenty-odd transactions (every
    CREATE is one, and each waited for the disk twice). No rollback journal either: a
    failed build drops the file, and the journal of the search index's final merge held
    the old segments' pages in memory, tens of MB on a large corpus."""
    conn = sqlite3.connect(db)
    conn.execute("pragma synchronous = off")
    conn.execute("pragma journal_mode = off")
    return conn


def _sync(path: Path) -> None:
    """``path`` on the disk before the build is swapped in, as its last commit ensured."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_database_head(staging: Path, db: Path) -> None:
    """The new database's tables and search index tables, with the rows of the tables the
    audit leaves alone and the bulletins' search index."""
    with closing(_unsynced(db)) as conn:
        tables.create_sqlite_tables(conn)
        create_search_tables(conn)
        conn.execute("attach database ? as staging", (str(staging),))
        for name in UNAUDITED:
            _copy_sorted(conn, tables.TABLES[name])
        conn.commit()
        conn.execute("detach database staging")
        fill_search_index(conn, [n for n in CHAR_TABLES if n not in AUDITED])
        conn.commit()


def _copy_sorted(conn: sqlite3.Connection, table: tables.Table) -> None:
    """The staged rows of ``table`` (attached as ``staging``) into ``conn``'s table of that
    name, in the table's order: the rowids number that order."""
    names = ", ".join(f"[{n}]" for n in table.names)
    conn.execute(f"insert into [{table.name}] ({names}) "
                 + tables.select_sorted(table, "staging", source=_linked(table)))


def _export_copy(staging: Path, tmp: Path, name: str) -> None:
    """One table's Parquet and CSV, in a pool's worker: the sorted copy the database gets,
    made into a private scratch database (on disk, not in memory: a bulletins table is as
    large as the corpus' text) and exported from there, so both hold the same values."""
    table = tables.TABLES[name]
    with closing(sqlite3.connect("")) as conn:
        conn.execute(tables.create_table_sql(table))
        conn.execute("attach database ? as staging", (str(staging),))
        _copy_sorted(conn, table)
        _export(conn, tmp, table)


def _export(conn: sqlite3.Connection, tmp: Path, table: tables.Table) -> None:
    tables.write_parquet_and_csv(tmp / f"{table.name}.parquet", tmp / f"{table.name}.csv",
                                 table, _batches(conn, table), row_group=EXPORT_ROW_GROUP,
                                 row_group_bytes=EXPORT_GROUP_BYTES)


def _audit(conn: sqlite3.Connection) -> None:
    """Cross-document work, once every document is in: task keys, series and checks.

    Tasks are linked and checked within one report series (a publisher's monthly bulletins,
    say), so the series are audited one at a time, and each issue by issue in period order
    (``audit_issues``): memory holds the series planned (``_series_plan``) as far as the
    few dozen bulletins read ahead of the audit, those bulletins, and the state the audit
    carries from one issue to the next, not a series, nor every series' order.
    """
    # Every series is planned before it is audited, and its bulletins read ahead in the
    # order the audit takes them, across series: the two walks share the plan (``tee``
    # holds the series planned by the one ahead and not yet taken by the other).
    plan, ahead = tee(_series_plan(conn))
    read = _ReadAhead(conn, (doc_id for _, issues in ahead for doc_id in issues.order))
    taken: set[str] = set()
    publisher = None
    rows = _Unwritten()
    for key, issues in plan:
        if key[0] != publisher:
            # A task key is its publisher, year and section path (dotted numbers) joined by
            # "/": two publishers' keys never collide, so only this publisher's are kept.
            publisher, taken = key[0], set()
        for part in audit_issues(issues, read, tables.fact_id, taken):
            _stage_audit(part, rows)
            if rows.documents >= AUDIT_BATCH:
                rows.insert(conn)
    rows.insert(conn)


def _series_plan(conn: sqlite3.Connection) -> Iterator[tuple[tuple[str, str], Issues]]:
    """Each report series' key (``series_of``) and its issues (``Issues.of``), series by
    series in the order of their keys, from one query whose rows SQLite sorts as
    ``ordered`` sorts bulletins: by series, then by period, publication, archiving and
    bytes (its sorter spills to a temporary file past its cache). Memory holds one
    series' doc ids at a time, and no bulletin's metadata, not even the series' (one
    series may be most of a corpus). Each sort key is a part of ``ordered``'s, by the functions
    it calls; SQLite orders text by its UTF-8 bytes, which is code point order, the
    order of Python's ``str``, and its integers as Python does."""
    conn.create_function("series_group", 2, publisher_group, deterministic=True)
    conn.create_function("series_title", 1, series_title, deterministic=True)
    conn.create_function("period_key", 3, _period_key, deterministic=True)
    period = [f"period_key(period, published, {i})" for i in range(4)]
    rows = conn.execute(
        "select series_group(publisher, doc_id), series_title(title), doc_id, url, period "
        f"from bulletins order by 1, 2, {', '.join(period)}, coalesce(published, ''), "
        "coalesce(fetched, ''), doc_id")
    for key, issues in groupby(rows, key=itemgetter(0, 1)):
        yield key, Issues.in_order(row[2:] for row in issues)


def _period_key(period: str | None, published: str | None, part: int) -> int | str:
    """One part of ``period_order``, as SQL sorts by it."""
    return period_order(period, published)[part]


class _ReadAhead:
    """The staged bulletins whole, asked for in ``order`` (each once), read ``READ_AHEAD``
    at a time: four queries for a few dozen bulletins instead of four for each, and
    SQLite's work done in one run instead of between two issues' audits. Memory holds those
    few dozen. The ids come from the bulletins table, so each is there; one asked for out
    of order is a KeyError."""

    def __init__(self, conn: sqlite3.Connection, order: Iterable[str]) -> None:
        self.conn = conn
        self.order = iter(order)
        self.ahead: dict[str, Bulletin] = {}

    def __call__(self, doc_id: str) -> Bulletin:
        if not self.ahead:
            self.ahead = tables.read_bulletins(self.conn, list(islice(self.order, READ_AHEAD)))
        return self.ahead.pop(doc_id)


def _stage_audit(part: Audit, rows: _Unwritten) -> None:
    """One issue's audit records as staged rows: each section's Link, the series and the
    checks, inserted a few hundred issues' at a time (``AUDIT_BATCH``), however short the
    series. The sorted copy joins the links in (``_linked``), so no row is patched
    afterwards, and puts every table in its total order, so staging takes them as the audit
    gives them."""
    rows.add({
        LINKS.name: [LINKS.to_row(link, doc_id=doc, path=path)
                     for (doc, path), link in part.links.items()],
        tables.SERIES.name: [tables.SERIES.to_row(row) for row in part.series],
        tables.CHECKS.name: [tables.CHECKS.to_row(c) for c in part.checks],
    })


def _linked(table: tables.Table) -> str | None:
    """The staged rows of ``table`` with their task's Link joined in (sections by their
    path, facts by the section they stand in); None for tables that hold no task key."""
    joins = {"sections": "path", "facts": "section"}
    if table.name not in joins:
        return None
    link_names = [n for n in LINKS.names if n in table.names and n not in ("doc_id", "path")]
    cols = ", ".join(f"l.[{n}] as [{n}]" if n in link_names else f"t.[{n}] as [{n}]"
                     for n in table.names)
    return (f"(select {cols} from staging.[{table.name}] t left join staging.links l "
            f"on l.doc_id = t.doc_id and l.path = t.[{joins[table.name]}])")


def _is_disk_error(exc: sqlite3.OperationalError) -> bool:
    return any(m in str(exc) for m in ("disk is full", "disk I/O error", "unable to open"))


def _batches(conn: sqlite3.Connection, table: tables.Table) -> Iterator[list[tables.Row]]:
    """The sorted rows a write batch at a time, cut at every row-group boundary (see
    ``tables.write_parquet``).

    The sorted copy inserted each table's rows in its order, so rowid order is that order,
    without sorting the table again; the position column, numbered by that copy, is read
    as stored."""
    names = ", ".join(f"[{n}]" for n in table.names)
    cursor = conn.execute(f"select {names} from [{table.name}] order by rowid")
    done = 0
    while rows := cursor.fetchmany(min(tables.WRITE_BATCH,
                                       EXPORT_ROW_GROUP - done % EXPORT_ROW_GROUP)):
        done += len(rows)
        yield rows


# ------------------------------------------------------------- previous output, swap-in

@contextmanager
def _previous(db_path: Path) -> Iterator[sqlite3.Connection | None]:
    """The previous build's database, read-only, if it was made by this extractor version."""
    if not db_path.exists():
        yield None
        return
    with closing(sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)) as conn:
        try:
            rows = conn.execute("select distinct extractor_version from bulletins").fetchall()
            versions = {v for (v,) in rows}
        except sqlite3.DatabaseError:
            versions = set()
        yield conn if versions == {EXTRACTOR_VERSION} else None


def _swap(tmp: Path, out: Path) -> None:
    """Put the new build in place; the old one is kept aside until the new one is there."""
    old = out.with_name(f".{out.name}.old")
    if out.exists():
        if not (out / tables.DB_NAME).exists() and any(out.iterdir()):
            raise UsageError(f"{out} exists and is no bulletins build: not replacing it")
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def _recover(out: Path) -> None:
    """Undo what a killed build left: restore a half-swapped output, drop dead temp dirs."""
    old = out.with_name(f".{out.name}.old")
    if old.exists():
        if out.exists():
            shutil.rmtree(old)
        else:
            os.replace(old, out)
    for stale in out.parent.glob(f".{out.name}.building-*"):
        pid = stale.name.split("-")[-2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Quiet:
    """A progress bar's calls where none is shown, without importing tqdm (which reads its
    package metadata: 45 ms, a twentieth of a small build's start-up)."""

    def __enter__(self) -> _Quiet:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass


def _bar(progress: bool, **options: Any) -> Any:
    """A tqdm bar on stderr with ``options`` if ``progress``, else one that shows nothing."""
    if not progress:
        return _Quiet()
    from tqdm import tqdm

    return tqdm(leave=False, **options)


# ------------------------------------------------------------------------- executors

@contextmanager
def _mapper(
    jobs: int | None, executor: str | None
) -> Iterator[tuple[Mapper, ProcessPoolExecutor | None]]:
    """The Mapper for ``--jobs``/``--executor``, shut down when the build ends, and the
    local pool behind it if there is one (a Dask cluster's workers may not see our
    files)."""
    if executor:
        with _dask_mapper(executor) as map_pages:
            yield map_pages, None
        return
    jobs = jobs or os.cpu_count() or 1
    # The segmenter's answers kept by earlier runs, as `extract` takes them, in this process
    # and in every worker (``_start_worker``): a build whose windows were all met before
    # never loads rjieba (its import builds its whole dictionary, ~0.12 s, a twentieth of a
    # 1,000-document build). Without an index of jieba's dictionary built already, a missed
    # window goes to the engine, loaded then, in the process that missed it (or before the
    # pool forks: ``prepare``).
    with kept_windows():
        if jobs == 1:
            yield (lambda fn, batch: (fn(page) for page in batch)), None  # lazy: one batch
            return
        # Here, not at the top: multiprocessing and the pool take 10 ms to import, a
        # fiftieth of a small --jobs 1 build's start-up, which has no use for them.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if multiprocessing.get_start_method() == "fork":
            # Where no answers are kept, once here, copied into every worker, rather than
            # once per worker and once more for the audit.
            prepare()
        with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                                 initargs=(os.getpid(),)) as pool:
            # Every worker now, before the build opens a database: a process forked while
            # this one holds a SQLite connection inherits SQLite's record of that file's
            # locks but not the locks (sqlite.org/howtocorrupt.html, "carrying an open
            # database connection across a fork"), and a worker's own connection to the
            # staging database then failed now and then ("disk I/O error": about one
            # 1,000-document build in 60). Under fork the pool starts all its workers at
            # its first task.
            pool.submit(os.getpid).result()
            # a few chunks per worker: one document per message made the pool slower than
            # none
            yield (lambda fn, batch: pool.map(fn, batch,
                                              chunksize=max(1, len(batch) // (4 * jobs))),
                   pool)


def _start_worker(build_pid: int) -> None:
    """Pool worker set-up: die with the build; answer windows from the kept answers, and
    merge the worker's new ones into them when it ends (a worker's work has no end of its
    own: multiprocessing runs its finalizers when the pool shuts it down)."""
    _die_with_build(build_pid)
    from multiprocessing.util import Finalize

    kept = ExitStack()
    kept.enter_context(kept_windows())
    Finalize(None, kept.close, exitpriority=0)


def _die_with_build(build_pid: int) -> None:
    """A build killed with SIGKILL cannot stop its workers itself, so each asks the kernel
    to kill it with its parent (Linux), or watches for that itself."""
    if sys.platform.startswith("linux"):
        import ctypes  # in the workers only

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    else:
        threading.Thread(target=_watch_parent, args=(build_pid,), daemon=True).start()
    if os.getppid() != build_pid:  # the build died before the kernel was asked
        os._exit(1)


def _watch_parent(build_pid: int) -> None:
    while os.getppid() == build_pid:
        time.sleep(1)
    os._exit(1)


@contextmanager
def _dask_mapper(executor: str) -> Iterator[Mapper]:
    if not executor.startswith("dask://"):
        raise UsageError(f"--executor {executor}: expected dask://HOST:PORT")
    try:
        from distributed import Client
    except ImportError:
        raise UsageError(
            "--executor dask:// needs dask.distributed: pip install 'gov-bulletins[dask]'"
        ) from None
    with Client("tcp://" + executor.removeprefix("dask://")) as client:
        yield lambda fn, batch: _gathered(client, client.map(fn, batch, pure=False))


def _gathered(client: Any, futures: list[Any]) -> Iterator[Staged | Problem]:
    """The cluster's results, fetched only when iterated (the work is already running)."""
    yield from client.gather(futures)
