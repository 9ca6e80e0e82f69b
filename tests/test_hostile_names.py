"""What other people's disks and pages hold (issue 17): file names of any bytes, HTML nested
past the parser's limit, terminal escapes in page text, damaged databases, `show --out`
into a missing folder or through a symbolic link."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.read.document import extract
from pipeline.records import Page
from tests.hostile_helpers import ROOT, SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")
GBK_NAME = "七月份完成情况.txt".encode("gbk")


def bulletins(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT,
                          capture_output=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_a_gbk_file_name_is_read_stored_and_printed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    Path(os.fsdecode(os.path.join(os.fsencode(corpus), GBK_NAME))).write_bytes(SEED.read_bytes())
    strict = {"PYTHONIOENCODING": "utf-8:strict"}
    built = bulletins("build", str(corpus), "--out", str(tmp_path / "out"), "--jobs", "1",
                      env=strict)
    assert built.returncode == 0 and b"Traceback" not in built.stderr, built.stderr
    with sqlite3.connect(tmp_path / "out" / "bulletins.db") as db:
        (source,) = db.execute("select source from bulletins").fetchone()
    assert source.endswith(".txt") and "\\x" in source, source
    source.encode("utf-8")  # storable and printable anywhere
    extracted = bulletins("extract", str(corpus), env=strict)
    assert extracted.returncode == 0 and b"Traceback" not in extracted.stderr, extracted.stderr


def test_html_nested_past_the_parser_limit_keeps_all_its_text() -> None:
    """One unclosed <font> per line: past depth 255 the parser dropped the rest silently."""
    lines = SEED_TEXT.splitlines() * 8
    plain = "<html><body>" + "".join(f"<p>{line}</p>\n" for line in lines) + "</body></html>"
    deep = ("<html><body>" + "".join(f"<font color=red>{line}<br>\n" for line in lines)
            + "</body></html>")
    whole = extract(Page("plain.html", plain.encode()))
    nested = extract(Page("deep.html", deep.encode()))
    assert len(nested.facts) == len(whole.facts)
    assert any("nested" in w for w in nested.warnings), nested.warnings


def test_escape_sequences_in_page_text_do_not_reach_the_terminal(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    poisoned = SEED_TEXT.replace("完成", "\x1b]0;pwned\x07\x1b[2J完成", 3)
    (corpus / "esc.txt").write_text(poisoned, encoding="utf-8")
    built = bulletins("build", str(corpus), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert built.returncode == 0, built.stderr
    found = bulletins("search", "完成", "--data", str(tmp_path / "out"), "--limit", "500")
    assert found.returncode == 0, found.stderr
    with sqlite3.connect(tmp_path / "out" / "bulletins.db") as db:
        text = db.execute("select group_concat(text) from bulletins").fetchone()[0]
    assert "\x1b" in text, "the test page lost its escapes before the terminal was reached"
    assert b"\x1b" not in found.stdout and b"\x07" not in found.stdout
    doc = bulletins("show", str(corpus / "esc.txt"), "--data", str(tmp_path / "out"))
    assert doc.returncode == 0, doc.stderr
    assert b"\x1b" not in doc.stdout


def test_a_corrupt_bulletins_db_is_one_line_saying_what_to_do(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "bulletins.db").write_bytes(b"SQLite format 3\x00" + b"\xee" * 8192)
    for args in (["search", "完成", "--data", str(out)], ["show", "abcdef", "--data", str(out)]):
        done = bulletins(*args)
        err = done.stderr.decode()
        assert done.returncode == 1 and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1 and "bulletins build" in err, err


def test_a_corrupt_manifest_is_one_line_or_rebuilt(tmp_path: Path) -> None:
    out = tmp_path / "archive"
    out.mkdir()
    (out / "manifest.sqlite").write_bytes(b"SQLite format 3\x00" + b"\xee" * 8192)
    dry = bulletins("crawl", "--list", "http://127.0.0.1:9/list.html", "--out", str(out),
                    "--dry-run", "--retries", "0", "--timeout", "1")
    err = dry.stderr.decode()
    assert dry.returncode == 1 and "Traceback" not in err, err
    assert "archive repair" in err.strip().splitlines()[-1], err
    verify = bulletins("archive", "verify", str(out))
    assert verify.returncode == 1 and b"unreadable" in verify.stderr, verify.stderr


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """The source of the one bulletin in the build at tmp_path/out."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes(SEED.read_bytes())
    done = bulletins("build", str(corpus), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert done.returncode == 0, done.stderr
    return corpus / "a.txt"


def test_show_out_into_a_missing_folder_or_a_symlink_is_refused(built: Path,
                                                                tmp_path: Path) -> None:
    data = str(tmp_path / "out")
    missing = bulletins("show", str(built), "--data", data, "--out",
                        str(tmp_path / "nowhere" / "page.html"))
    err = missing.stderr.decode()
    assert missing.returncode == 1 and "Traceback" not in err and "does not exist" in err, err
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "link.html").symlink_to(victim)
    linked = bulletins("show", str(built), "--data", data, "--out", str(tmp_path / "link.html"))
    err = linked.stderr.decode()
    assert linked.returncode == 1 and "symbolic link" in err, err
    assert victim.read_text() == "keep me"
