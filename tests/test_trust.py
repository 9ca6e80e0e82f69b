"""Outputs a user can trust (issue 14), through the real `bulletins` entry point: a failed
build keeps the previous output, honest summaries and exit codes, a progress bar only on a
terminal."""

from __future__ import annotations

import fcntl
import hashlib
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

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
