"""``bulletins build`` on the seed and the real corpus: the same rows in every format,
offsets that quote the text, valid datapackage, byte-identical and incremental rebuilds,
problems recorded, a killed build harmless, Dask equal to the local pool."""

from __future__ import annotations

import argparse
import errno
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import pipeline.build
from pipeline.build import build
from pipeline.commands import build as build_command
from pipeline.errors import UsageError
from pipeline.store import tables
from tests.helpers import REAL, need_shared

ROOT = Path(__file__).parents[1]
SEED = ROOT / "tests" / "fixtures" / "liaoning-kjt-2017-07.txt"
OUTPUT_FILES = [
    "bulletins.db", "datapackage.json",
    *(f"{t}.{ext}" for t in tables.TABLES for ext in ("parquet", "csv")),
]


def _corpus() -> list[str]:
    need_shared()
    return [str(SEED), str(REAL)]


def _hashes(out: Path) -> dict[str, str]:
    return {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in OUTPUT_FILES}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "out"
    summary = build(_corpus(), out, jobs=2)
    assert summary.documents >= 20 and summary.facts > 500
    return out


def _sqlite(out: Path, table: tables.Table) -> pd.DataFrame:
    with closing(sqlite3.connect(out / "bulletins.db")) as conn:
        return pd.read_sql_query(tables.select_sorted(table), conn)


@pytest.mark.parametrize("table", tables.TABLES.values(), ids=lambda t: t.name)
def test_same_rows_in_parquet_csv_sqlite_and_duckdb(built: Path, table: tables.Table) -> None:
    duckdb = pytest.importorskip("duckdb")
    expected = _sqlite(built, table)
    parquet = pd.read_parquet(built / f"{table.name}.parquet")
    csv = pd.read_csv(built / f"{table.name}.csv", encoding="utf-8-sig",
                      dtype={c.name: "string" for c in table.columns if c.type == "string"},
                      keep_default_na=False, na_values=[""])
    with closing(duckdb.connect()) as con:
        ducked = con.execute(f"select * from read_parquet('{built / table.name}.parquet')").df()
    assert list(parquet.columns) == table.names
    assert (built / f"{table.name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for frame in (parquet, ducked):
        assert _comparable(frame) == _comparable(expected)
    # CSV has one way to write both an empty string and a null.
    assert _comparable(csv, empty=None) == _comparable(expected, empty=None)


def _comparable(frame: pd.DataFrame, empty: str | None = "") -> list[tuple[object, ...]]:
    """Rows as tuples with every missing value as None and numbers as floats."""
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False)
    return [
        tuple(float(v) if isinstance(v, int | float) else empty if v == "" else v for v in row)
        for row in rows
    ]


def test_offsets_quote_the_bulletin_text_in_every_table(built: Path) -> None:
    with closing(sqlite3.connect(built / "bulletins.db")) as conn:
        texts = dict(conn.execute("select doc_id, text from bulletins"))
        facts = conn.execute("select doc_id, text, start, [end] from facts").fetchall()
        sections = conn.execute(
            "select doc_id, title, start, [end], title_start, title_end from sections"
        ).fetchall()
    assert facts and sections
    for doc_id, text, start, end in facts:
        assert texts[doc_id][start:end] == text
    for doc_id, title, start, end, title_start, title_end in sections:
        assert 0 <= start <= title_start <= title_end <= end <= len(texts[doc_id])
        assert texts[doc_id][title_start:title_end].strip() == (title or "").strip()
    parquet = pd.read_parquet(built / "facts.parquet")
    bulletins = pd.read_parquet(built / "bulletins.parquet").set_index("doc_id")["text"]
    for doc_id, start, end, text in zip(parquet["doc_id"], parquet["start"], parquet["end"],
                                        parquet["text"], strict=True):
        assert bulletins[doc_id][start:end] == text


def test_datapackage_validates_with_frictionless(built: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(built / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]


def test_search_index_is_built(built: Path) -> None:
    with closing(sqlite3.connect(built / "bulletins.db")) as conn:
        chars = conn.execute(
            "select count(*) from facts_chars where facts_chars match ?", ('"企 业"',)
        ).fetchone()[0]
        trigrams = conn.execute(
            "select count(*) from facts_fts where facts_fts match ?", ("高新技术企业",)
        ).fetchone()[0]
    assert chars > trigrams > 0


def test_rebuild_is_byte_identical_and_incremental(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build([str(REAL)], out, jobs=1)
    assert first.extracted == first.documents
    again = build(_corpus(), out, jobs=1)
    assert (again.extracted, again.reused) == (1, first.documents)
    assert _hashes(out) == _hashes(built)



def test_an_incremental_build_reads_back_a_batch_of_inputs_at_a_time(tmp_path: Path) -> None:
    """The previous build's bulletins are read back a batch of inputs at a time
    (``_with_previous``): in batches of two, among copies (a page and its .txt), an
    unreadable input and a document the previous build lacks, the rebuild reuses every
    bulletin it holds and writes what a fresh build of the same inputs writes."""
    inputs = [*_corpus(), str(tmp_path / "missing.txt")]
    out = tmp_path / "out"
    first = build([str(REAL)], out, jobs=1, batch_size=2)
    again = build(inputs, out, jobs=1, batch_size=2)
    assert (again.extracted, again.reused, again.problems) == (1, first.documents, 1)
    fresh = build(inputs, tmp_path / "fresh", jobs=1)
    assert again.duplicates == fresh.duplicates > 0
    assert _hashes(out) == _hashes(tmp_path / "fresh")


def test_reused_document_takes_the_new_inputs_source(tmp_path: Path) -> None:
    first = tmp_path / "a" / "bulletin.txt"
    moved = tmp_path / "b" / "bulletin.txt"
    for path in (first, moved):
        path.parent.mkdir()
        path.write_bytes(SEED.read_bytes())
    build([str(first)], tmp_path / "out", jobs=1)
    again = build([str(moved)], tmp_path / "out", jobs=1)
    assert again.reused == 1
    with closing(sqlite3.connect(tmp_path / "out" / "bulletins.db")) as conn:
        assert conn.execute("select source from bulletins").fetchall() == [(str(moved),)]


@pytest.mark.parametrize("batch_size", [1, 64], ids=["batch-each", "batch-both"])
def test_a_copy_replaced_in_staging_leaves_no_rows(tmp_path: Path, batch_size: int) -> None:
    """Two copies of one text (bytes apart by a trailing newline): whichever comes first,
    and whether the replaced copy's rows were inserted already (a batch each) or still wait
    with its batch (one batch), the tables hold the kept copy's rows alone, as a build of
    that copy alone does."""
    copies = [tmp_path / "a.txt", tmp_path / "b.txt"]
    copies[0].write_bytes(SEED.read_bytes())
    copies[1].write_bytes(SEED.read_bytes() + b"\n\n")
    kept = min(copies, key=lambda p: hashlib.sha256(p.read_bytes()).hexdigest())
    build([str(kept)], tmp_path / "alone", jobs=1)
    alone = _hashes(tmp_path / "alone")
    with closing(sqlite3.connect(tmp_path / "alone" / "bulletins.db")) as conn:
        kept_id = conn.execute("select doc_id from bulletins").fetchone()[0]
    for n, inputs in enumerate((copies, copies[::-1])):
        out = tmp_path / f"out{n}"
        summary = build(list(map(str, inputs)), out, jobs=1, batch_size=batch_size)
        assert (summary.documents, summary.duplicates) == (1, 1)
        both = _hashes(out)
        for name in ("bulletins", "sections", "facts", "series", "checks", "problems"):
            assert both[f"{name}.parquet"] == alone[f"{name}.parquet"], name
        with closing(sqlite3.connect(out / "bulletins.db")) as conn:
            sources = conn.execute("select doc_id, source from sources order by source")
            assert sources.fetchall() == [(kept_id, str(c)) for c in copies]


def test_unreadable_input_becomes_a_problem_and_the_build_goes_on(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    binary = tmp_path / "broken.html"
    binary.write_bytes(b"\x00\xff" * 50)
    summary = build([str(SEED), str(missing), str(binary)], tmp_path / "out", jobs=1)
    assert summary.documents >= 1 and summary.problems >= 1
    with closing(sqlite3.connect(tmp_path / "out" / "bulletins.db")) as conn:
        problems = conn.execute("select source, stage, reason from problems").fetchall()
    assert any(str(missing) in source and reason for source, _, reason in problems)


def test_killed_build_leaves_the_previous_output_intact(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([str(SEED)], out, jobs=1)
    before = _hashes(out)
    script = textwrap.dedent(f"""
        import time
        import pipeline.build as b
        real = b.extract
        def slow(page):
            time.sleep(0.3)
            return real(page)
        b.extract = slow
        b.build({_corpus()!r}, {str(out)!r}, jobs=1)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".out.building-*/staging.db")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _hashes(out) == before
    build([str(SEED)], out, jobs=1)
    assert not list(tmp_path.glob(".out.*"))


def _export_on_a_full_disk(*args: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_pool_workers_error_stops_the_build_and_keeps_the_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With a pool, the workers write the Parquet and CSV files: a full disk there is the
    # build's error, as in the build process itself.
    out = tmp_path / "out"
    build([str(SEED)], out, jobs=1)
    before = _hashes(out)
    monkeypatch.setattr(pipeline.build, "_export_copy", _export_on_a_full_disk)
    with pytest.raises(UsageError, match=r"No space left on device.*unchanged"):
        build([str(SEED)], out, jobs=2)
    assert _hashes(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_dask_cluster_gives_the_same_tables(built: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                 dashboard_address=None) as cluster,
    ):
        address = cluster.scheduler_address.removeprefix("tcp://")
        summary = build(_corpus(), tmp_path / "out", executor=f"dask://{address}")
    assert summary.extracted == summary.documents
    assert _hashes(tmp_path / "out") == _hashes(built)


def test_command_prints_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    build_command.add_arguments(parser)
    args = parser.parse_args([str(SEED), str(tmp_path / "nope.txt"), "--out",
                              str(tmp_path / "out"), "--jobs", "1"])
    assert build_command.run(args) == 0
    err = capsys.readouterr().err
    assert "1 documents" in err and "1 problems" in err and "nope.txt" in err


def test_text_key_leaves_out_what_a_whitespace_pattern_matches() -> None:
    """``text_key`` drops whitespace with ``str.split``; the definition is the pattern
    ``\\s``: the two agree on every code point, so copies match as they always did."""
    import re

    space = re.compile(r"\s")
    assert all((space.fullmatch(c) is not None) == c.isspace()
               for c in map(chr, range(sys.maxunicode + 1)))
    text = "一、\u3000任务\xa0完成\n\r\t(已完成)\u2028\x1c末"
    expected = hashlib.sha256(re.sub(r"\s+", "", text).encode()).hexdigest()
    assert pipeline.build.text_key(text) == expected


def test_a_one_job_build_loads_no_process_pool(tmp_path: Path) -> None:
    """A --jobs 1 build imports neither multiprocessing nor the pool (issue 16: start-up)."""
    code = "\n".join([
        "import sys",
        "from pipeline.build import build",
        f"assert build([{str(SEED)!r}], {str(tmp_path / 'out')!r}, jobs=1).written",
        "print(','.join(m for m in ('multiprocessing', 'concurrent.futures.process')",
        "               if m in sys.modules))",
    ])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout.strip() == ""


def test_pool_workers_fork_before_the_build_opens_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker forked while the build holds a SQLite connection inherits SQLite's record
    of that file's locks without the locks, and its own connection to the staging database
    then failed now and then ("disk I/O error"): every worker exists before the first."""
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("only a forked worker inherits the build's SQLite state")
    workers_at_connect: list[int] = []
    connect = sqlite3.connect

    def counting_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        workers_at_connect.append(len(multiprocessing.active_children()))
        return connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counting_connect)
    build([str(SEED)], tmp_path / "out", jobs=2)
    assert workers_at_connect and workers_at_connect[0] == 2


def test_a_one_job_build_answers_windows_from_the_kept_ones(tmp_path: Path) -> None:
    """A --jobs 1 build keeps the segmenter's answers in the cache directory, as `extract`
    does: the next build of the same corpus loads no segmenter and writes the same bytes.
    The first build on a machine answers its windows with the engine rather than building
    the dictionary index (~0.9 s)."""
    from extractors import segment
    from extractors.jieba_index import FILE_NAME as INDEX_FILE
    from extractors.window_cache import FILE_NAME as WINDOWS_FILE

    cache = tmp_path / "cache"
    code = "\n".join([
        "import sys",
        "from pipeline.build import build",
        "assert build(sys.argv[1:2], sys.argv[2], jobs=1).written",
        "print(','.join(m for m in ('rjieba', 'jieba') if m in sys.modules))",
    ])
    runs, hashes = [], []
    for n in range(2):
        out = tmp_path / f"out{n}"
        runs.append(subprocess.run(
            [sys.executable, "-c", code, str(SEED), str(out)], capture_output=True, text=True,
            cwd=ROOT, check=True, env={**os.environ, segment.CACHE_ENV: str(cache)},
        ).stdout.strip())
        hashes.append(_hashes(out))
        if n == 0:
            assert sorted(p.name for p in cache.iterdir()) == [WINDOWS_FILE]
            assert not (cache / INDEX_FILE).exists()
    assert runs[0] != ""  # the first build did ask a segmenter
    assert runs[1] == ""
    assert hashes[0] == hashes[1]


def test_a_pool_build_keeps_its_workers_windows(tmp_path: Path) -> None:
    """--jobs 2: each worker answers from the kept answers and adds its new ones when the
    pool ends, so the next build of the same corpus asks no engine, in a worker or in the
    build itself (the audit's title windows), and writes the same bytes."""
    import json
    import multiprocessing

    from extractors import segment
    from extractors.window_cache import FILE_NAME as WINDOWS_FILE

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the workers must inherit the engine that refuses")
    cache = tmp_path / "cache"
    code = textwrap.dedent("""
        import sys
        from extractors import segment
        from pipeline.build import build

        if sys.argv[3] == "warm":
            def no_engine():
                raise AssertionError("a window missed the kept answers")

            segment.engine = no_engine  # forked workers inherit it
        assert build(sys.argv[1:2], sys.argv[2], jobs=2, strict=True).written
        print(",".join(m for m in ("rjieba", "jieba") if m in sys.modules))
    """)
    hashes, loaded = [], []
    for n, state in enumerate(("cold", "warm")):
        out = tmp_path / f"out{n}"
        loaded.append(subprocess.run(
            [sys.executable, "-c", code, str(SEED), str(out), state], cwd=ROOT, check=True,
            capture_output=True, text=True, env={**os.environ, segment.CACHE_ENV: str(cache)},
        ).stdout.strip())
        hashes.append(_hashes(out))
        windows = json.loads((cache / WINDOWS_FILE).read_bytes())["windows"]
        assert any(key.startswith("tag:") for key in windows)  # the workers' own
    # With nothing kept, the build loads the engine once before it forks, for its
    # workers and its audit alike; with the answers kept, nowhere.
    assert loaded[0] != "" and loaded[1] == ""
    assert hashes[0] == hashes[1]
