"""Outputs a user can trust (issue 14), through the real `bulletins` entry point: a failed
build keeps the previous output, honest summaries and exit codes, a progress bar only on a
terminal."""

from __future__ import annotations

import asyncio
import csv
import fcntl
import hashlib
import io
import json
import os
import pty
import re
import sqlite3
import struct
import subprocess
import sys
import termios
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT, SEED


def bulletins(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args],
                          capture_output=True, text=True, cwd=ROOT, check=False)


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir())}


def test_mistyped_build_keeps_the_previous_output_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = bulletins("build", str(SEED), "--out", str(out), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    before = _hashes(out)
    done = bulletins("build", str(tmp_path / "nope.txt"), "--out", str(out), "--jobs", "1")
    assert done.returncode == 1
    assert "nothing built" in done.stderr and f"{out} is unchanged" in done.stderr
    assert "nope.txt" in done.stderr
    assert _hashes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temp dir left


def test_build_summary_counts_problems_and_warnings_apart(tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"  # read whole, but no bulletin: a warning
    notice.write_text("关于开展植树活动的通知\n请各单位周五到指定地点集合。", encoding="utf-8")
    done = bulletins("build", str(SEED), str(notice), str(tmp_path / "nope.txt"),
                     "--out", str(tmp_path / "out"), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert "1 problems, " in done.stderr
    warnings = int(done.stderr.split(" warnings")[0].rsplit(" ", 1)[-1])
    assert warnings >= 1


def _on_a_terminal(*args: str) -> str:
    """What the command writes to stderr when stderr is a terminal."""
    leader, follower = pty.openpty()
    # a new pseudo-terminal is 0 columns wide, which tqdm honours by drawing nothing
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait()
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_only_and_not_when_quiet(tmp_path: Path) -> None:
    shown = _on_a_terminal("build", str(SEED), "--out", str(tmp_path / "a"), "--jobs", "1")
    assert "doc/s]" in shown and "write:" in shown  # tqdm's rate: a bar was drawn
    quiet = _on_a_terminal("build", str(SEED), "--out", str(tmp_path / "b"), "--jobs", "1",
                           "--quiet")
    assert "doc/s]" not in quiet and "write:" not in quiet and "built " in quiet
    piped = bulletins("build", str(SEED), "--out", str(tmp_path / "c"), "--jobs", "1")
    assert "doc/s]" not in piped.stderr and "\r" not in piped.stderr


def test_crawl_of_an_unreachable_host_exits_non_zero(tmp_path: Path) -> None:
    done = bulletins("crawl", "--list", "http://127.0.0.1:9/list.html", "--out",
                     str(tmp_path / "archive"), "--sites", str(tmp_path / "none.toml"),
                     "--delay", "0", "--retries", "0", "--timeout", "2")
    assert done.returncode == 1
    assert "no list page could be read" in done.stderr
    assert "Traceback" not in done.stderr


def test_integer_columns_read_as_nullable_integers_in_pandas(tmp_path: Path) -> None:
    import pandas as pd

    from pipeline.store.tables import TABLES

    out = tmp_path / "out"
    done = bulletins("build", str(SEED), "--out", str(out), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    for table in TABLES.values():
        frame = pd.read_parquet(out / f"{table.name}.parquet")
        for column in table.columns:
            if column.type == "integer":
                assert str(frame[column.name].dtype) == "Int64", (table.name, column.name)
    bulletins_frame = pd.read_parquet(out / "bulletins.parquet")
    assert bulletins_frame["summary_not_started"].isna().any()  # nulls kept, not NaN floats


# A two-task monthly bulletin that never names its publisher.
NAMELESS = ("《政府工作报告》2017年{month}月份工作完成情况\n\n截至{month}月底,已完成任务1项。\n\n"
            "1.推进众创空间建设。\n完成情况:已完成。新建众创空间{n}家,高新技术企业30户。\n\n"
            "2.加快科技成果转化。\n完成情况:按计划推进。签订技术合同100项。\n")


def _nameless_pair(tmp_path: Path) -> list[str]:
    paths = []
    for folder, month, n in (("bureau-a", 6, 12), ("bureau-b", 7, 15)):
        path = tmp_path / folder / f"{month}.txt"
        path.parent.mkdir()
        path.write_text(NAMELESS.format(month=month, n=n), encoding="utf-8")
        paths.append(str(path))
    return paths


def _task_keys(out: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(out / "bulletins.db")) as conn:
        return conn.execute("select b.period, s.task_key from sections s join bulletins b "
                            "using (doc_id) order by 1, s.start").fetchall()


def test_bulletins_of_unknown_publisher_never_link_and_keys_hold_no_paths(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    done = bulletins("build", *_nameless_pair(tmp_path), "--out", str(out), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    keys = _task_keys(out)
    june = {k for p, k in keys if p == "2017-06"}
    july = {k for p, k in keys if p == "2017-07"}
    assert len(june) == len(july) == 2 and not june & july  # unrelated documents: no link
    assert not any(word in key for _, key in keys
                   for word in ("bureau", "tmp", "pytest", str(tmp_path.name)))
    with closing(sqlite3.connect(out / "bulletins.db")) as conn:
        added = conn.execute("select count(*) from checks where [check] in "
                             "('task_added', 'task_dropped')").fetchone()[0]
    assert added == 0


def test_publisher_option_links_the_tasks_of_one_publisher(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = bulletins("build", *_nameless_pair(tmp_path), "--out", str(out), "--jobs", "1",
                     "--publisher", "某市科学技术局")
    assert done.returncode == 0, done.stderr
    keys = _task_keys(out)
    assert {k for p, k in keys if p == "2017-06"} == {k for p, k in keys if p == "2017-07"}
    assert all(k.startswith("某市科学技术局/2017/") for _, k in keys)
    (tmp_path / "again").mkdir()
    extracted = bulletins("extract", _nameless_pair(tmp_path / "again")[0],
                          "--publisher", "某市科学技术局")
    assert json.loads(extracted.stdout)["publisher"] == "某市科学技术局"


def _as_html(text: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>\n" for line in text.splitlines() if line.strip())
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
            f"<body>\n{paragraphs}</body></html>")


def test_one_bulletin_in_several_files_and_formats_is_built_once(tmp_path: Path) -> None:
    html = tmp_path / "saved" / "bulletin.html"
    html.parent.mkdir()
    html.write_text(_as_html(SEED.read_text(encoding="utf-8")), encoding="utf-8")
    again = tmp_path / "copy.txt"
    again.write_bytes(SEED.read_bytes())
    out = tmp_path / "out"
    done = bulletins("build", str(html), str(SEED), str(again), "--out", str(out), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert "1 documents" in done.stderr and "2 duplicates skipped" in done.stderr
    with closing(sqlite3.connect(out / "bulletins.db")) as conn:
        (doc_id,) = conn.execute("select doc_id from bulletins").fetchone()
        sources = conn.execute("select doc_id, source from sources order by source").fetchall()
        facts = conn.execute("select count(*) from facts").fetchone()[0]
    assert sorted(s for _, s in sources) == sorted(map(str, (html, SEED, again)))
    assert {d for d, _ in sources} == {doc_id}
    assert facts == len(json.loads(bulletins("extract", str(SEED)).stdout)["facts"])
    # whichever order the copies come in, the same copy is built
    done = bulletins("build", str(again), str(SEED), str(html), "--out", str(tmp_path / "b"),
                     "--jobs", "1")
    assert done.returncode == 0, done.stderr
    for name in ("bulletins.parquet", "facts.parquet", "sources.parquet"):
        assert _hashes(tmp_path / "b")[name] == _hashes(out)[name]
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert "sources" in {r["name"] for r in package["resources"]}


SUMMARY = re.compile(r"(\d+) documents \((\d+) extracted, (\d+) reused; "
                     r"(\d+) duplicates skipped\)")


def _summary(*inputs: Path, out: Path) -> tuple[int, ...]:
    """documents, extracted, reused and duplicates of a build's closing line."""
    done = bulletins("build", *map(str, inputs), "--out", str(out), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    found = SUMMARY.search(done.stderr)
    assert found, done.stderr
    return tuple(int(n) for n in found.groups())


def test_the_summary_adds_up_when_a_later_copy_replaces_one_built(tmp_path: Path) -> None:
    html = tmp_path / "bulletin.html"
    html.write_text(_as_html(SEED.read_text(encoding="utf-8")), encoding="utf-8")
    # One of the two orders brings the copy that is kept (the smaller doc_id) second, so it
    # replaces the copy already built; either way one document was built.
    for n, inputs in enumerate(((html, SEED), (SEED, html))):
        assert _summary(*inputs, out=tmp_path / f"out{n}") == (1, 1, 0, 1)
    # Again over a build: the kept copy is reused, the other extracted and then replaced
    # when it comes first.
    for inputs in ((html, SEED), (SEED, html)):
        assert _summary(*inputs, out=tmp_path / "out0") == (1, 0, 1, 1)


@pytest.fixture(scope="module")
def searchable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("search") / "out"
    done = bulletins("build", str(SEED), "--out", str(out), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    return out


def _sections_saying(conn: sqlite3.Connection, word: str) -> int:
    return int(conn.execute("select count(*) from sections where instr(text, ?)",
                            (word,)).fetchone()[0])


def test_sections_are_searched_in_their_body_not_only_their_titles(searchable: Path) -> None:
    word = "众创空间"  # in one task's title, and in the body of another
    with closing(sqlite3.connect(searchable / "bulletins.db")) as conn:
        saying = _sections_saying(conn, word)
        titles = conn.execute("select count(*) from sections where instr(title, ?)",
                              (word,)).fetchone()[0]
    assert saying > titles > 0
    tool = Path(sys.executable).with_name("sqlite-utils")
    done = subprocess.run([str(tool), "search", str(searchable / "bulletins.db"), "sections",
                           word, "--csv"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == saying and all(word in r["text"] for r in rows)
    pytest.importorskip("datasette")
    from pipeline.views.serve import app

    async def fetch() -> dict[str, Any]:
        response = await app(searchable).client.get(
            f"/bulletins/sections.json?_search={word}&_shape=objects")
        assert response.status_code == 200
        return response.json()

    body = asyncio.run(fetch())
    assert body["filtered_table_rows_count"] == saying
    assert any(word not in row["title"] for row in body["rows"])


@pytest.mark.parametrize("word", ["众创空间", "高新技术企业"])
def test_sqlite_utils_and_a_plain_match_find_words_of_three_characters(
    searchable: Path, word: str
) -> None:
    tool = Path(sys.executable).with_name("sqlite-utils")
    done = subprocess.run([str(tool), "search", str(searchable / "bulletins.db"), "facts", word,
                           "--csv"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows and all(word in r["sentence"] for r in rows)  # each hit readable as it is
    with closing(sqlite3.connect(searchable / "bulletins.db")) as conn:
        for table in ("facts", "bulletins"):
            hits = conn.execute(f"select count(*) from {table}_fts where {table}_fts match ?",
                                (word,)).fetchone()[0]
            assert hits > 0, table
        found = conn.execute("select count(*) from sections_fts where sections_fts match ?",
                             (word,)).fetchone()[0]
        # the sections' stock index holds their whole text, not only their titles
        assert found == _sections_saying(conn, word) > 0
        (sentence,) = conn.execute(
            "select f.sentence from facts f join facts_fts on f.rowid = facts_fts.rowid "
            "where facts_fts match ? limit 1", (word,)).fetchone()
    assert word in sentence


@pytest.mark.parametrize("word", ["企", "企业"])
def test_our_search_and_datasette_find_one_and_two_characters(
    searchable: Path, word: str
) -> None:
    done = bulletins("search", word, "--data", str(searchable), "--format", "json")
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)
    assert hits and all(word in h["sentence"] for h in hits)
    periods = [h["period"] for h in hits]
    assert periods == sorted(periods)
    pytest.importorskip("datasette")
    from pipeline.views.serve import app

    async def fetch(table: str) -> dict:
        response = await app(searchable).client.get(
            f"/bulletins/{table}.json?_search={word}&_shape=objects")
        assert response.status_code == 200
        return response.json()

    for table in ("facts", "sections", "bulletins"):
        body = asyncio.run(fetch(table))
        assert body["filtered_table_rows_count"] > 0, table
        if table == "facts":
            assert all(word in row["sentence"] for row in body["rows"])
