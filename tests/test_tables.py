"""Table shaping and the storage boundary: records → Parquet/SQLite → records, equal."""

from __future__ import annotations

import csv
import io
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.records import Bulletin, Fact, Section, Source, Summary
from pipeline.store import tables
from pipeline.store.version import EXTRACTOR_VERSION

TEXT = "99.发展壮大高新技术产业。\n完成情况:共上会评审122家,通过评审约2.6万平方米。"
NULLABLE_TEXT = st.none() | st.text(max_size=12)
# Doubles hold integers exactly up to 2**53: counts in bulletins are far below.
NUMBER = st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False)


def _sample_bulletin() -> Bulletin:
    start = TEXT.index("122家")
    return Bulletin(
        source="a.txt", sha256="ab" * 32, text=TEXT, title="标题", publisher="辽宁省科学技术厅",
        period="2017-07", summary=Summary(lead=8, completed=1),
        sections=(Section(no=99, path="99", level=1, title="发展壮大高新技术产业。", start=0,
                          end=len(TEXT), title_start=3, title_end=14, status="completed",
                          status_text="(已完成)"),),
        facts=(Fact(value=122, unit="家", text="122家", start=start, end=start + 4,
                    section="99", predicate="上会评审"),),
        warnings=("no numbered task sections found",),
    )


@st.composite
def facts(draw: st.DrawFn) -> Fact:
    text = draw(st.text(min_size=1, max_size=20))
    start = draw(st.integers(0, 10_000))
    return Fact(
        value=draw(NUMBER), unit=draw(st.text(max_size=4)), text=text, start=start,
        end=start + len(text),
        section=draw(st.none() | st.from_regex(r"\d{1,3}(\.\d)?", fullmatch=True)),
        value_max=draw(st.none() | NUMBER), object=draw(NULLABLE_TEXT),
        qualifier=draw(st.sampled_from([None, "approx", "over", "under"])),
        entity=draw(NULLABLE_TEXT), predicate=draw(NULLABLE_TEXT),
    )


def _unique(fact_list: list[Fact]) -> list[Fact]:
    seen: dict[str, Fact] = {}
    for f in fact_list:
        seen.setdefault(tables.fact_id("d" * 64, f), f)
    return list(seen.values())


def _rows(fact_list: list[Fact]) -> list[tables.Row]:
    return [tables.FACTS.to_row(f, fact_id=tables.fact_id("d" * 64, f), doc_id="d" * 64,
                                period="2017-07", publisher="厅", sentence=f.text,
                                extractor_version=tables.EXTRACTOR_VERSION)
            for f in fact_list]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(facts(), min_size=1, max_size=8).map(_unique))
def test_facts_round_trip_through_parquet(tmp_path: Path, fact_list: list[Fact]) -> None:
    path = tmp_path / "facts.parquet"
    tables.write_parquet(path, tables.FACTS, [_rows(fact_list)])
    back = [tables.FACTS.to_record(r) for r in tables.read_parquet_rows(path)]
    assert back == fact_list


@settings(max_examples=40, deadline=None)
@given(st.lists(facts(), min_size=1, max_size=8).map(_unique))
def test_facts_round_trip_through_sqlite(fact_list: list[Fact]) -> None:
    with closing(sqlite3.connect(":memory:")) as conn:
        tables.create_sqlite_tables(conn)
        conn.execute("pragma foreign_keys = off")
        tables.insert_rows(conn, tables.FACTS, _rows(fact_list))
        conn.row_factory = sqlite3.Row
        back = [tables.FACTS.to_record(dict(r)) for r in conn.execute("select * from facts")]
    assert back == fact_list


def test_bulletin_round_trips_through_sqlite() -> None:
    bulletin = _sample_bulletin()
    with closing(sqlite3.connect(":memory:")) as conn:
        tables.create_sqlite_tables(conn)
        for name, rows in tables.bulletin_rows(bulletin).items():
            tables.insert_rows(conn, tables.TABLES[name], rows)
        assert tables.read_bulletin(conn, bulletin.sha256) == bulletin
        assert tables.read_bulletin(conn, "0" * 64) is None
        # named rows on its own cursor only: the build's plain tuples stay tuples
        assert conn.execute("select doc_id from bulletins").fetchone() == (bulletin.sha256,)


def test_bulletins_read_together_are_each_read_alone() -> None:
    """``read_bulletins`` (the build's audit reads a few dozen at once) against
    ``read_bulletin`` of each: bulletins with and without sections, facts and warnings,
    ids in any order, a missing id left out; rows of one bulletin are never another's."""
    sample = _sample_bulletin()
    fact = sample.facts[0]
    stored = [
        sample,
        replace(sample, sha256="cd" * 32, sections=(), facts=(), warnings=()),
        replace(sample, sha256="00" * 32, warnings=("b", "a"),
                facts=(replace(fact, start=fact.start + 1, end=fact.end + 1), fact)),
    ]
    with closing(sqlite3.connect(":memory:")) as conn:
        tables.create_sqlite_tables(conn)
        for bulletin in stored:
            for name, rows in tables.bulletin_rows(bulletin).items():
                tables.insert_rows(conn, tables.TABLES[name], rows)
        ids = ["cd" * 32, "ff" * 32, "00" * 32, "ab" * 32]
        together = tables.read_bulletins(conn, ids)
        assert set(together) == {b.sha256 for b in stored}
        for doc_id in ids:
            assert together.get(doc_id) == tables.read_bulletin(conn, doc_id)
        assert together["00" * 32].warnings == ("a", "b")
        assert [f.start for f in together["00" * 32].facts] == [fact.start, fact.start + 1]
        assert together["cd" * 32] == stored[1] and together["ab" * 32] == sample
        assert tables.read_bulletins(conn, []) == {}


def test_rows_follow_the_declared_columns() -> None:
    rows = tables.bulletin_rows(_sample_bulletin())
    for name, table_rows in rows.items():
        assert all(len(r) == len(tables.TABLES[name].columns) for r in table_rows), name
    bulletin_row = dict(zip(tables.BULLETINS.names, rows["bulletins"][0], strict=True))
    assert bulletin_row["summary_lead"] == 8 and bulletin_row["summary_total"] is None
    assert bulletin_row["extractor_version"] == EXTRACTOR_VERSION



def test_staged_rows_fill_the_tables_as_bulletin_rows_do() -> None:
    """The build stages narrower rows (no cell for what the audit fills): inserted by their
    columns, the tables hold what the rows of every column put there."""
    bulletin = _sample_bulletin()
    held = []
    for rows, names in ((tables.bulletin_rows(bulletin), {}),
                        (tables.staged_rows(bulletin), tables.STAGED_COLUMNS)):
        with closing(sqlite3.connect(":memory:")) as conn:
            tables.create_sqlite_tables(conn)
            for name, table_rows in rows.items():
                tables.insert_rows(conn, tables.TABLES[name], table_rows, names.get(name))
            held.append({name: conn.execute(f"select * from [{name}] order by rowid").fetchall()
                         for name in rows})
    assert held[0] == held[1] and held[0]["facts"] and held[0]["sections"]
    assert set(tables.STAGED_COLUMNS["facts"]) == set(tables.FACTS.names) - {"task_key",
                                                                            "position"}


def test_a_row_holds_each_column_read_one_by_one() -> None:
    # to_row reads all record columns in one go and slots the table-only ones in: the
    # same cells, column for column, as reading each declared column on its own.
    bulletin = _sample_bulletin()
    link = {"task_key": "辽宁/2017/99", "link_score": 0.5, "link_method": "number"}
    for table, record in ((tables.BULLETINS, bulletin), (tables.SECTIONS, bulletin.sections[0]),
                          (tables.FACTS, bulletin.facts[0])):
        extra = {c.name: f"<{c.name}>" for c in table.columns if c.field is None} | {
            k: v for k, v in link.items() if k in table.names}
        expected = []
        for c in table.columns:
            value: object = extra[c.name] if c.field is None else record
            for part in c.field.split(".") if c.field else ():
                value = getattr(value, part)
            expected.append(value)
        assert table.to_row(record, **extra) == tuple(expected), table.name
    assert tables.SOURCES.to_row(Source("a.txt", "ab" * 32, None)) == (None, "a.txt", "ab" * 32,
                                                                       None)


@pytest.mark.parametrize("table", tables.TABLES.values(), ids=lambda t: t.name)
def test_tables_are_created_as_sqlite_utils_created_them(table: tables.Table) -> None:
    # The schema text is stored in every database: a build must not change it by making
    # its tables without sqlite-utils (Datasette and sqlite-utils read it back).
    sqlite_utils = pytest.importorskip("sqlite_utils")
    db = sqlite_utils.Database(memory=True)
    for other in tables.TABLES.values():  # the tables a foreign key may name exist first
        db.execute(tables.create_table_sql(other))
    expected = db.create_table_sql(
        table.name, {c.name: {"string": str, "integer": int, "number": float}[c.type]
                     for c in table.columns},
        pk=table.primary_key[0] if len(table.primary_key) == 1 else table.primary_key or None,
        not_null={c.name for c in table.columns if c.required},
        foreign_keys=[("doc_id", "bulletins", "doc_id")] if table.references_bulletins else [],
    )
    assert tables.create_table_sql(table) == expected.strip().removesuffix(";")


def test_fact_id_depends_on_doc_section_and_offsets_only() -> None:
    fact = _sample_bulletin().facts[0]
    other = Fact(1, "个", "x", fact.start, fact.end, section="99")
    assert tables.fact_id("a" * 64, fact) == tables.fact_id("a" * 64, other)
    assert tables.fact_id("a" * 64, fact) != tables.fact_id("b" * 64, fact)


def test_datapackage_describes_every_column_with_its_keys() -> None:
    package = tables.datapackage()
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == set(tables.TABLES)
    for name, table in tables.TABLES.items():
        schema = resources[name]["schema"]
        assert [f["name"] for f in schema["fields"]] == table.names
        assert all(f["description"] for f in schema["fields"])
    assert resources["facts"]["schema"]["primaryKey"] == ["fact_id"]
    reference = resources["sections"]["schema"]["foreignKeys"][0]["reference"]
    assert reference == {"resource": "bulletins", "fields": ["doc_id"]}


@pytest.mark.parametrize("table", tables.TABLES.values(), ids=lambda t: t.name)
def test_sort_order_is_total_and_uses_real_columns(table: tables.Table) -> None:
    assert set(table.order_by) <= set(table.names)
    assert set(table.primary_key) <= set(table.order_by) or table.name == "problems"


def _long_bulletin_rows(count: int, least: int, spread: int) -> list[tables.Row]:
    """``count`` bulletins rows, distinct by sha256, row i's text TEXT repeated
    ``least + i % spread`` times: long texts that fill the Parquet writer's pages."""
    return [
        tables.bulletin_rows(replace(_sample_bulletin(), sha256=f"{i:064x}",
                                     text=TEXT * (least + i % spread)))["bulletins"][0]
        for i in range(count)
    ]

def test_parquet_gathered_from_small_batches_has_the_bytes_of_whole_row_groups(
    tmp_path: Path,
) -> None:
    # Long texts fill the writer's pages within a write batch: where the batches are cut
    # decides where the pages break, which is what the build's batched export must keep.
    rows = _long_bulletin_rows(2 * tables.WRITE_BATCH + 300, 20, 7)
    group = tables.WRITE_BATCH + 500
    whole, gathered = tmp_path / "whole.parquet", tmp_path / "gathered.parquet"
    tables.write_parquet(whole, tables.BULLETINS, [rows[i:i + group]
                                                   for i in range(0, len(rows), group)])
    small = []
    for start in range(0, len(rows), group):
        part = rows[start:start + group]
        small += [part[i:i + tables.WRITE_BATCH] for i in range(0, len(part), tables.WRITE_BATCH)]
    tables.write_parquet(gathered, tables.BULLETINS, small, row_group=group)
    assert pq.ParquetFile(gathered).num_row_groups == 2
    assert gathered.read_bytes() == whole.read_bytes()


def test_parquet_and_csv_written_in_one_pass_are_the_files_written_apart(
    tmp_path: Path,
) -> None:
    rows = _long_bulletin_rows(tables.WRITE_BATCH + 100, 1, 5)
    batches = [rows[i:i + 300] for i in range(0, len(rows), 300)]
    tables.write_parquet(tmp_path / "apart.parquet", tables.BULLETINS, batches, row_group=500)
    tables.write_csv(tmp_path / "apart.csv", tables.BULLETINS, batches)
    tables.write_parquet_and_csv(tmp_path / "one.parquet", tmp_path / "one.csv",
                                 tables.BULLETINS, iter(batches), row_group=500)
    for ext in ("parquet", "csv"):
        assert (tmp_path / f"one.{ext}").read_bytes() == (tmp_path / f"apart.{ext}").read_bytes()


def test_parquet_row_groups_end_at_a_byte_budget_with_every_row_kept(tmp_path: Path) -> None:
    # Long texts: a group of row_group rows would hold them all at once; the byte budget
    # cuts groups after the batch that reaches it, and the file still holds every row.
    rows = _long_bulletin_rows(6 * 200, 40, 3)
    batches = [rows[i:i + 200] for i in range(0, len(rows), 200)]
    one_batch = len(TEXT.encode()) * 42 * 200
    capped, plain = tmp_path / "capped.parquet", tmp_path / "plain.parquet"
    tables.write_parquet(capped, tables.BULLETINS, batches, row_group=10_000,
                         row_group_bytes=2 * one_batch)
    tables.write_parquet(plain, tables.BULLETINS, batches, row_group=10_000)
    assert pq.ParquetFile(plain).num_row_groups == 1
    groups = pq.ParquetFile(capped).num_row_groups
    assert 2 <= groups <= 3, groups
    assert pq.read_table(capped).equals(pq.read_table(plain))


def test_parquet_gives_arrows_memory_back_after_every_row_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Arrow keeps the buffers a group was encoded in for the next one: each group's are
    given back before the next group is gathered, not once at the end (a 10,000-document
    build's export peaked 9 MB higher), and the file is the same."""
    rows = _long_bulletin_rows(6 * 200, 40, 3)
    batches = [rows[i:i + 200] for i in range(0, len(rows), 200)]
    one_batch = len(TEXT.encode()) * 42 * 200
    plain = tmp_path / "plain.parquet"
    tables.write_parquet(plain, tables.BULLETINS, batches, row_group=10_000,
                         row_group_bytes=2 * one_batch)
    calls: list[str] = []
    pool = pa.default_memory_pool()

    class Pool:
        def release_unused(self) -> None:
            calls.append("release")
            pool.release_unused()

    write_table = pq.ParquetWriter.write_table

    def logged_write(self: pq.ParquetWriter, *args: object, **kwargs: object) -> None:
        calls.append("write")
        write_table(self, *args, **kwargs)

    monkeypatch.setattr(pa, "default_memory_pool", Pool)
    monkeypatch.setattr(pq.ParquetWriter, "write_table", logged_write)
    logged = tmp_path / "logged.parquet"
    tables.write_parquet(logged, tables.BULLETINS, batches, row_group=10_000,
                         row_group_bytes=2 * one_batch)
    groups = pq.ParquetFile(logged).num_row_groups
    assert groups >= 2
    assert calls == ["write", "release"] * groups + ["release"]
    assert logged.read_bytes() == plain.read_bytes()



def test_csv_written_a_batch_at_a_time_is_the_csv_written_row_by_row(tmp_path: Path) -> None:
    """The plain definition: one csv writer on the file, a row at a time, with cells that
    need quoting (quotes, commas, line breaks, a lone carriage return) and every type."""
    cells = ["plain", "两个,逗号", 'say "hi"', "line\nbreak", "cr\ronly", "", None, 3, -2.5,
             1e-7, "\ufeff"]
    width = len(tables.SOURCES.names)
    rows = [tuple(cells[(i + j) % len(cells)] for j in range(width)) for i in range(40)]
    tables.write_csv(tmp_path / "batched.csv", tables.SOURCES,
                     [rows[:7], [], rows[7:30], rows[30:]])
    with (tmp_path / "plain.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(tables.SOURCES.names)
        for row in rows:
            writer.writerow(row)
    assert (tmp_path / "batched.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()


# Cells of every kind a CSV cell is made from, the characters csv quotes for among them,
# and a few that take the writer's own path (a bool, bytes).
_CSV_CELLS = st.one_of(
    st.none(), st.text(st.sampled_from(',"\r\n \t\x00a众\u2028\ufeff'), max_size=6),
    st.integers(), st.floats(), st.sampled_from([True, b"a,b"]),
)


@given(width=st.integers(1, 4), data=st.data())
@settings(max_examples=200, deadline=None)
def test_csv_made_by_columns_is_the_csv_writer_s(
    tmp_path_factory: pytest.TempPathFactory, width: int, data: st.DataObject
) -> None:
    """The CSV made a column at a time (``_csv_lines``) against ``csv.writer`` itself, a
    row at a time, on batches of any cells: the same bytes, whichever path a batch took."""
    row = st.tuples(*[_CSV_CELLS] * width)
    batches = data.draw(st.lists(st.lists(row, max_size=8), max_size=3))
    tmp = tmp_path_factory.mktemp("csv")
    tables.write_csv(tmp / "columns.csv", tables.SOURCES, batches)
    with (tmp / "plain.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(tables.SOURCES.names)
        for batch in batches:
            for cells in batch:
                writer.writerow(cells)
    assert (tmp / "columns.csv").read_bytes() == (tmp / "plain.csv").read_bytes()


def test_csv_lines_take_text_numbers_and_nulls() -> None:
    """The column path is the one the exports take (text, numbers, nulls), so that the
    test above holds the path that runs."""
    rows = [("a,b", 1, None, 2.5), (None, None, 'say "hi"', 0.1), ("", -3, "x", None)]
    lines = tables._csv_lines(tables._columns(rows))
    assert lines is not None and "".join(lines) == (
        '"a,b",1,,2.5\r\n,,"say ""hi""",0.1\r\n,-3,x,\r\n')
    assert tables._csv_lines(tables._columns([(True, "a")])) is None  # a bool: csv's path


_ARROW_VALUES = {
    "string": st.one_of(st.none(), st.text(max_size=5), st.just("\ud800")),  # a lone surrogate
    # columns of ids and dates: ASCII, no null (their own fast path); now and then not
    "ascii": st.one_of(st.text(st.characters(max_codepoint=127), max_size=40),
                       st.just("é")),
    "integer": st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.just(2**64)),
    "number": st.one_of(st.none(), st.floats(width=64), st.integers(-5, 5)),
}


@pytest.mark.parametrize("kind", sorted(_ARROW_VALUES))
@given(data=st.data())
@settings(max_examples=150, deadline=None)
def test_arrow_array_is_pa_array(kind: str, data: st.DataObject) -> None:
    """The export's arrays laid out from buffers against ``pa.array`` itself: the same
    values and nulls, the same nbytes (the row groups' byte budget reads it) and the same
    Parquet bytes, or the same refusal; mixed in are values the fast path hands over (an
    int among floats, unencodable text, an int past 64 bits)."""
    values = tuple(data.draw(st.lists(_ARROW_VALUES[kind], max_size=40)))
    type_ = {"string": pa.string(), "ascii": pa.string(), "integer": pa.int64(),
             "number": pa.float64()}[kind]
    try:
        expected = pa.array(values, type=type_)
    except Exception as exc:  # whatever pa.array refuses, so must this
        with pytest.raises(type(exc)):
            tables.arrow_array(values, type_)
        return
    got = tables.arrow_array(values, type_)
    assert got.type == expected.type and got.null_count == expected.null_count
    assert repr(got.to_pylist()) == repr(expected.to_pylist())  # repr: NaN equals NaN
    assert got.nbytes == expected.nbytes
    assert _parquet_bytes(got) == _parquet_bytes(expected)


@given(st.lists(st.sampled_from([None, 0, "", "x", 1.5]), max_size=5000))
@settings(max_examples=60, deadline=None)
def test_validity_is_the_bit_by_bit_bitmap(values: list[object]) -> None:
    """The bitmap made in C against its definition: bit i, least significant first, of
    byte i // 8 set where value i is not None (lengths past int()'s 4,300-digit limit
    for decimal strings included: a binary numeral has none)."""
    bitmap = bytearray((len(values) + 7) // 8)
    for i, v in enumerate(values):
        if v is not None:
            bitmap[i >> 3] |= 1 << (i & 7)
    assert tables._validity(values) == bytes(bitmap)


def _parquet_bytes(column: pa.Array) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table({"c": column}), sink, compression="zstd")
    return sink.getvalue()
