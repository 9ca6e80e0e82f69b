"""Adding a unit, a status word, an audit check or a column is one edit in one place.

Where each kind lives:
- a unit or measure word: ``UNITS`` in extractors/units.py;
- a status word: its family's tuple in extractors/buckets.py (section markers and the
  header's tally both read it);
- an audit check: one ``@REGISTRY.finder`` function in pipeline/audit/checks.py;
- a column: one ``column(type, description)`` field on a record in pipeline/records.py
  (pipeline/store/rows.py derives the table column in every format).

Vocabularies are read when the modules that use them are imported (regexes and lookups are
built once), so the first two tests make the edit in a copy of the source file and run
``bulletins extract`` in a fresh interpreter that loads the copy in place of the original:
the same edit a developer makes, and nothing else.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from pipeline.audit import checks as checks_module
from pipeline.audit.checks import run_checks
from pipeline.audit.linking import link_tasks
from pipeline.read.document import extract
from pipeline.records import Bulletin, Fact, Page, column
from pipeline.store import tables
from pipeline.store.rows import Column, Table
from tests.helpers import ROOT
from tests.test_linking import seed

# A bulletin whose header tallies its tasks, one section labelled by a status phrase and one
# count in a measure word, none of which the vocabularies know yet.
NEW_UNIT = "簇"
NEW_STATUS = "已圆满收官"
DOC = f"""某县2024年6月重点任务推进情况通报

发布时间:2024-07-05

    截至6月底,我局共牵头负责3项重点任务,{NEW_STATUS}2项,正常推进1项。
    1.建设智慧灯杆。
    完成情况:{NEW_STATUS}。
    2.新建口袋公园。
    完成情况:新建口袋公园5个,安装智慧灯杆12{NEW_UNIT}。
    3.改造老旧小区。
    完成情况:正常推进。
"""

# Loads the edited copy as the module, then runs the CLI as `bulletins extract` does.
RUNNER = """
import importlib.util, sys
name, path = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location(name, path)
module = importlib.util.module_from_spec(spec)
sys.modules[name] = module
spec.loader.exec_module(module)
package, _, leaf = name.rpartition(".")
setattr(importlib.import_module(package), leaf, module)
from pipeline.cli import main
sys.exit(main(["extract", *sys.argv[3:], "--format", "jsonl", "--quiet"]))
"""


def extract_after_edit(tmp_path: Path, module: str, after: str, insert: str) -> dict[str, Any]:
    """The bulletin DOC as `bulletins extract` prints it once ``insert`` is written after
    ``after`` in ``module``'s source file."""
    source = (ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8")
    assert source.count(after) == 1, f"{after!r} must stand once in {module}"
    edited = tmp_path / "edited.py"
    edited.write_text(source.replace(after, after + insert), encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", RUNNER, module, str(edited), str(doc)],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    [line] = out.splitlines()
    return json.loads(line)


def extract_as_is() -> Bulletin:
    return extract(Page("doc.txt", DOC.encode("utf-8")))


def test_a_unit_is_added_in_extractors_units(tmp_path: Path) -> None:
    assert NEW_UNIT not in {f.unit for f in extract_as_is().facts}
    got = extract_after_edit(tmp_path, "extractors.units",
                             "UNITS: tuple[str, ...] = (\n", f'    "{NEW_UNIT}",\n')
    [fact] = [f for f in got["facts"] if f["unit"] == NEW_UNIT]
    assert fact["value"] == 12 and fact["text"] == f"12{NEW_UNIT}"


def test_a_status_word_is_added_in_extractors_buckets(tmp_path: Path) -> None:
    before = extract_as_is()
    assert before.sections[0].status is None and before.summary.completed is None
    got = extract_after_edit(tmp_path, "extractors.buckets",
                             "COMPLETED = _already((\n", f'    "{NEW_STATUS}",\n')
    # the section's marker and the header's tally both read the one new phrase
    assert got["sections"][0]["status"] == "completed"
    assert got["summary"]["completed"] == 2 and got["summary"]["lead"] == 3


def test_a_check_is_added_in_pipeline_audit_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registering a finder is the whole edit: it runs and its rows reach the checks table."""
    registry = checks_module.Registry(dict(checks_module.REGISTRY.kinds),
                                      list(checks_module.REGISTRY.document),
                                      list(checks_module.REGISTRY.change))
    monkeypatch.setattr(checks_module, "REGISTRY", registry)

    @registry.finder("document",
                     checks_module.CheckKind("fixture_empty_title", "low", "no title"))
    def empty_title(b, links):
        yield checks_module._check("fixture_empty_title", None, "title missing",
                                   checks_module._Span(b))

    b = seed()
    found = run_checks([replace(b, title=None)], link_tasks([b]))
    rows = [tables.CHECKS.to_row(c) for c in found if c.check == "fixture_empty_title"]
    assert len(rows) == 1 and "fixture_empty_title" in checks_module.checks_known()
    row = dict(zip(tables.CHECKS.names, rows[0], strict=True))
    assert row["severity"] == "low" and row["reason"] == "no title"


@dataclass(frozen=True)
class FactWithNewField(Fact):
    """A fixture record: the one edit a new column takes is this declaration."""

    confidence: float | None = column("number", "how sure the reader is (0-1)", default=None)


def test_a_column_is_added_on_a_record_in_pipeline_records(tmp_path: Path) -> None:
    table = Table.of("facts", "facts with one more field", FactWithNewField,
                     order=("fact_id",), extra=(Column("fact_id", "string", "id", True),))
    fact = FactWithNewField(value=12, unit="家", text="12家", start=3, end=6, confidence=0.5)
    row = table.to_row(fact, fact_id="abc")
    assert table.names[-1] == "confidence" and row[-1] == 0.5

    tables.write_parquet(tmp_path / "f.parquet", table, [[row]])
    tables.write_csv(tmp_path / "f.csv", table, [[row]])
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute(f"create table facts ({', '.join(table.names)})")
        tables.insert_rows(conn, table, [row])
        conn.row_factory = sqlite3.Row
        from_sqlite = dict(conn.execute("select * from facts").fetchone())
    from_parquet = pq.read_table(tmp_path / "f.parquet").to_pylist()[0]
    with (tmp_path / "f.csv").open(encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    assert header == table.names
    for stored in (from_sqlite, from_parquet):
        assert table.to_record(stored) == fact
    resource = tables._resource(table)
    described = {f["name"]: f["description"] for f in resource["schema"]["fields"]}
    assert described["confidence"] == "how sure the reader is (0-1)"
