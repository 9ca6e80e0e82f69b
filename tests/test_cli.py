"""The `bulletins` command through its real entry point, as a user runs it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from pipeline.cli import COMMANDS
from tests.helpers import ROOT, SEED


def bulletins(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        capture_output=True, text=True, cwd=cwd, check=False,
    )


def test_extract_prints_one_contract_record_per_document() -> None:
    done = bulletins("extract", str(SEED), "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    record = json.loads(line)
    for field in ("source", "sha256", "title", "publisher", "region", "published", "period",
                  "summary", "sections", "facts", "warnings"):
        assert field in record
    for fact in record["facts"]:
        for field in ("section", "value", "unit", "object", "qualifier", "entity", "predicate",
                      "text", "start", "end"):
            assert field in fact


def test_bad_inputs_are_named_and_the_rest_still_processed(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    garbage = tmp_path / "noise.html"
    garbage.write_bytes(bytes(range(256)) * 8)
    missing = tmp_path / "missing.txt"
    done = bulletins("extract", str(missing), str(empty), str(SEED), str(pdf), str(garbage))
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 1  # the seed, and only the seed
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 4, errors
    assert "missing.txt" in errors[0]
    assert "empty.txt" in errors[1]
    assert "report.pdf" in errors[2] and "corrupt or truncated" in errors[2]
    assert "noise.html" in errors[3]
    assert "Traceback" not in done.stderr


def test_unreachable_url_is_one_clear_line() -> None:
    done = bulletins("extract", "http://127.0.0.1:9/bulletin.html")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "127.0.0.1:9" in done.stderr and "Traceback" not in done.stderr


def test_a_notice_is_a_record_with_a_warning(tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text("关于开展植树活动的通知\n请各单位周五到指定地点集合。", encoding="utf-8")
    done = bulletins("extract", str(notice))
    assert done.returncode == 0
    record = json.loads(done.stdout)
    assert record["sections"] == []
    assert record["warnings"]


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    keys = []
    for _ in range(2):  # a second run replaces the first's outputs instead of piling up
        done = bulletins("demo", "--out", str(out))
        assert done.returncode == 0, done.stderr
        with closing(sqlite3.connect(out / "build" / "bulletins.db")) as conn:
            keys.append(conn.execute("select task_key from sections order by 1").fetchall())
    # each run serves the site on new ports: the keys name the publisher, never the port
    assert keys[0] == keys[1] and not any("127.0.0.1" in k for (k,) in keys[0])
    readme = bulletins("diff", str(out / "build"), "2017-06", "2017-07",
                       "--publisher", "科学技术厅")
    assert readme.returncode == 0, readme.stderr
    assert "科学技术厅/2017/" in readme.stdout
    assert "辽宁省《政府工作报告》2017年七月份工作完成情况" in done.stdout  # the seed
    assert "[  146]" in done.stdout and "completed" in done.stdout
    assert "fetched 24" in done.stdout
    assert (out / "build" / "bulletins.db").is_file()
    assert (out / "build" / "facts.parquet").is_file()
    page = (out / "highlight.html").read_text(encoding="utf-8")
    assert "<mark" in page
    for name in ("archive", "build", "highlight.html"):
        assert str(out / name) in done.stdout  # the summary names every output


def test_top_level_help_lists_every_command() -> None:
    done = bulletins("--help")
    assert done.returncode == 0
    for name in COMMANDS:
        assert name in done.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    done = bulletins(name, "--help")
    assert done.returncode == 0, done.stderr
    assert "example:" in done.stdout
    assert f"bulletins {name}" in done.stdout


def test_help_imports_nothing_heavy() -> None:
    """`bulletins --help` must answer fast: heavy libraries load in the commands only."""
    heavy = ("jieba", "pandas", "pyarrow", "spacy", "matplotlib", "datasette", "httpx", "lxml")
    code = (
        "import sys; from pipeline.cli import build_parser; build_parser(); "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout.strip() == ""


@pytest.mark.parametrize("name", COMMANDS)
def test_a_command_alone_parses_and_helps_as_in_the_whole(
    name: str, capsys: pytest.CaptureFixture[str],
) -> None:
    """main() sets up only the command it runs (pipeline.cli.named_command): its help and
    its usage errors must read as the whole command line's do."""
    from pipeline.cli import build_parser

    said = []
    for parser in (build_parser(), build_parser(name)):
        for args in ([name, "--help"], [name, "--no-such-option"]):
            with pytest.raises(SystemExit):
                parser.parse_args(args)
            said.append(capsys.readouterr())
    assert said[:2] == said[2:]
    assert "example:" in said[0].out and "error:" in said[1].err


@pytest.mark.parametrize(("argv", "named"), [
    (["extract", "a.txt"], "extract"),
    (["--debug", "build", "in", "--out", "out"], "build"),
    (["--help", "extract"], None),  # the whole command line's help
    (["-h"], None),
    (["extrct", "a.txt"], None),  # the whole command line names the choices
    ([], None),
    (["--debug"], None),
])
def test_only_a_named_command_is_set_up_alone(argv: list[str], named: str | None) -> None:
    from pipeline.cli import named_command

    assert named_command(argv) == named


def test_every_option_of_every_command_is_documented() -> None:
    import argparse

    from pipeline.cli import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    undocumented = [
        f"{name} {action.dest}"
        for name, command in sub.choices.items()
        for action in command._actions
        if not isinstance(action, argparse._HelpAction)
        and (not action.help or action.help == argparse.SUPPRESS)
    ]
    assert not undocumented, undocumented


def test_every_output_column_is_described() -> None:
    from pipeline.store.tables import TABLES

    missing = [f"{t.name}.{c.name}" for t in TABLES.values() for c in t.columns
               if len(c.description) < 10]
    assert not missing, missing


@pytest.mark.parametrize(("args", "says"), [
    (["build", "tests/fixtures", "--out", "/proc/no/such/place"], "cannot write the build"),
    (["build", "/no/such/input", "--out", "{tmp}/out"], "no such file or folder"),
    (["crawl", "no-such-site"], "no site profile 'no-such-site'"),
    (["search", "企业", "--data", "{tmp}/nothing"], "no such database"),
    (["show", "nope", "--data", "{tmp}/nothing", "--out", "{tmp}/p.html"], "no such document"),
    (["extract", "ftp://example.org/x.html"], "x.html"),
    (["demo", "--out", "tests"], "already holds files the demo did not make"),
])
def test_user_errors_are_one_clear_line(tmp_path: Path, args: list[str], says: str) -> None:
    done = bulletins(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert done.returncode != 0
    assert says in done.stderr
    assert "Traceback" not in done.stderr


def test_extract_of_a_text_file_loads_only_what_it_needs(tmp_path: Path) -> None:
    """A one-file `extract` of plain text loads no HTML parser, no network or WARC library,
    no other command, and no segmenter: the first run asks jieba's dictionary index
    (extractors/jieba_index.py), the second finds its windows kept and opens no index
    either (issue 16: start-up)."""
    import os

    heavy = ["httpx", "warcio", "lxml", "readability", "pandas", "pyarrow", "matplotlib",
             "charset_normalizer", "tqdm",  # these two: a UTF-8 file, no terminal
             "socket", "importlib.metadata",  # no fetch
             "pipeline.commands.build",  # no other command's module
             "rjieba", "jieba"]  # the index answers the first run's windows
    code = "\n".join([
        "import contextlib, io, sys",
        "from pipeline.cli import main",
        "out = io.StringIO()",
        "with contextlib.redirect_stdout(out):",
        f"    assert main(['extract', {str(SEED)!r}]) == 0",
        "assert '\"facts\"' in out.getvalue()",
        f"print(','.join(m for m in {[*heavy, 'sqlite3']!r} if m in sys.modules))",
    ])
    env = {**os.environ, "BULLETINS_CACHE_DIR": str(tmp_path)}
    loaded = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=ROOT, check=True, env=env).stdout.strip() for _ in range(2)]
    assert loaded == ["sqlite3", ""]


def _raising(sql: str, path: str) -> object:
    def run(_args: object) -> int:
        with closing(sqlite3.connect(path)) as conn:
            conn.execute(sql)
        return 0
    return run


def test_only_a_damaged_database_is_called_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    # The advice to rebuild is for SQLite's corrupt / not-a-database codes; an error that is
    # not the file's (here an unknown SQL function, as a failed registration gives) names
    # SQLite's code instead of sending the user to rebuild a sound database.
    import pipeline.commands.search as search
    from pipeline.cli import main

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xee" * 8192)
    monkeypatch.setattr(search, "run", _raising("select * from bulletins", str(bad)))
    assert main(["search", "x"]) == 1
    err = capsys.readouterr().err
    assert "is damaged" in err and "bulletins build" in err, err

    monkeypatch.setattr(search, "run", _raising("select no_such_function(1)",
                                                str(tmp_path / "fine.db")))
    assert main(["search", "x"]) == 1
    err = capsys.readouterr().err
    assert "damaged file" in err and "is damaged" not in err and "SQLITE_ERROR" in err, err
