"""Full-text search in Chinese: queries of 1, 2 and n characters, filters, the command."""

from __future__ import annotations

import argparse
import json
import sqlite3
from contextlib import closing
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.counts import find_facts
from extractors.sentences import sentence_span
from pipeline.commands import search as search_command
from pipeline.errors import UsageError
from pipeline.read.document import extract
from pipeline.records import Bulletin, Fact, Page
from pipeline.store import tables
from pipeline.store.search_index import (
    LONG_TEXT,
    char_split,
    create_search_index,
    fts_query,
)
from pipeline.views.search import period_months, period_range, search

SEED = Path(__file__).parent / "fixtures" / "liaoning-kjt-2017-07.txt"
SHENYANG = "沈阳市科技局2017年四季度工作情况。新增众创空间3家,入驻企业50个。"


# Spaces of every kind Unicode has, and look-alikes that are not spaces (ZWSP, BOM).
SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u3000\u200b\ufeff"


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(SPACES)))
def test_char_split_keeps_every_character_that_is_not_a_space(text: str) -> None:
    # what each index token is: one non-space character, whatever Unicode calls a space
    assert char_split(text) == " ".join(ch for ch in text if not ch.isspace())


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(SPACES)
               | st.just("\ud800"), min_size=LONG_TEXT, max_size=3 * LONG_TEXT))
def test_char_split_of_a_long_text_is_the_join_of_its_characters(text: str) -> None:
    # texts this long (a bulletin's) take their own path, code units copied in C; lone
    # surrogates, characters past the BMP and spaces of every kind included
    assert char_split(text) == " ".join(ch for ch in text if not ch.isspace())
    long = "众创\U0001F600\ud800a" * LONG_TEXT
    assert char_split(long) == " ".join(long)


def write_db(path: Path, bulletins: list[Bulletin]) -> Path:
    """A database as ``build`` writes it, from bulletins made in the test."""
    with closing(sqlite3.connect(path)) as conn:
        tables.create_sqlite_tables(conn)
        for bulletin in bulletins:
            for name, rows in tables.bulletin_rows(bulletin).items():
                tables.insert_rows(conn, tables.TABLES[name], rows)
        create_search_index(conn)
        conn.commit()
    return path


def sample_bulletins() -> list[Bulletin]:
    seed = extract(Page(str(SEED), SEED.read_bytes()))
    facts = find_facts(SHENYANG, 0, len(SHENYANG), publisher=None)
    other = Bulletin(source="shenyang.txt", sha256="5" * 64, text=SHENYANG, title="沈阳四季度",
                     url="http://example.org/sy", publisher="沈阳市科技局", period="2017-Q4",
                     facts=tuple(Fact(**asdict(c)) for c in facts))
    return [seed, other]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_db(tmp_path_factory.mktemp("search") / "bulletins.db", sample_bulletins())


def test_rowid_order_fill_answers_as_the_doc_id_order_fill(tmp_path: Path) -> None:
    # The character index is filled in rowid order (fewer FTS5 segments); before, rows went
    # in by doc_id. Its pages differ, its answers must not: every one- and two-character
    # query gives the same rows with the same ranks as an index filled the old way.
    bulletins = sorted(sample_bulletins(), key=lambda b: b.sha256, reverse=True)
    with closing(sqlite3.connect(write_db(tmp_path / "b.db", bulletins))) as conn:
        by_rowid = [r for (r,) in conn.execute("select rowid from facts order by rowid")]
        by_doc = [r for (r,) in conn.execute("select rowid from facts order by doc_id, rowid")]
        assert by_rowid != by_doc  # the two fills take the rows in different orders
        conn.create_function("char_split", 1, char_split)
        conn.execute("create virtual table old_chars using fts5(body, content='', "
                     "tokenize='unicode61')")
        conn.execute("insert into old_chars (rowid, body) select rowid, char_split(sentence) "
                     "from facts order by doc_id, rowid")
        conn.execute("insert into old_chars (old_chars) values ('optimize')")
        text = "".join(s for (s,) in conn.execute("select sentence from facts"))
        terms = sorted({text[i:i + n] for n in (1, 2) for i in range(len(text) - n + 1)})
        found = 0
        for query in (fts_query(t) for t in terms if fts_query(t)):
            new, old = (conn.execute(f"select rowid, rank from {fts} where {fts} match ? "
                                     "order by rank, rowid", (query,)).fetchall()
                        for fts in ("facts_chars", "old_chars"))
            assert new == old, query
            found += bool(new)
        assert found > 100  # punctuation is no token: most terms, not all, find rows


# fmt: off
QUERIES = [
    ("企", 10),                # one character
    ("企业", 5),               # a two-character word that trigrams miss
    ("众创空间", 3),            # a four-character word, unsegmented
    ("高新技术企业", 2),         # longer than any jieba token
    ("众创空间 企业", 1),        # two terms, both required
    ("ｅｘａｍｐｌｅ众创空间", 0),  # full-width input is normalised, then simply not found
]
# fmt: on


@pytest.mark.parametrize(("query", "at_least"), QUERIES)
def test_finds_chinese_queries_of_any_length(db: Path, query: str, at_least: int) -> None:
    result = search(db, query, limit=None)
    assert result.total >= at_least and len(result.hits) == result.total
    for hit in result.hits:
        for term in query.split():
            assert term in hit["sentence"]
        assert hit["sentence"][hit["start"] - hit["sentence_start"]:][: len(hit["text"])] \
            == hit["text"]


def test_filters_unit_period_and_publisher(db: Path) -> None:
    assert {h["unit"] for h in search(db, "众创空间", unit="家").hits} == {"家"}
    q4 = search(db, "众创空间", period="2017-10..2017-12").hits
    assert {h["publisher"] for h in q4} == {"沈阳市科技局"}
    july = search(db, "众创空间", period="2017-07").hits
    assert july and {h["period"] for h in july} == {"2017-07"}
    assert search(db, "众创空间", publisher="沈阳").total == 2  # 3家 and 50个, one sentence
    assert search(db, "众创空间", period="2018..").total == 0


def test_hits_carry_where_and_when(db: Path) -> None:
    hit = search(db, "入驻企业", unit="个", publisher="沈阳").hits[0]
    assert hit["text"] == "50个" and hit["value"] == 50 and isinstance(hit["value"], int)
    assert (hit["title"], hit["period"], hit["url"]) == ("沈阳四季度", "2017-Q4",
                                                         "http://example.org/sy")
    assert hit["sentence"] == "新增众创空间3家,入驻企业50个。"


@pytest.mark.parametrize(("query", "same_as"), [
    ('a" OR "b', None), ("NEAR(企 业)", None), ("AND", None),
    ("企 OR 不存在", None), ("企 NOT 不存在", None),  # as operators these would find 企
    ("企*", "企"), ("-企", "企"), ("^企", "企"),  # punctuation is text, not syntax
])
def test_any_user_input_is_a_valid_match_expression(
    db: Path, query: str, same_as: str | None
) -> None:
    """FTS5 syntax in a query is taken as text: it neither errors nor acts as an operator."""
    result = search(db, query)
    expected = search(db, same_as).total if same_as else 0
    assert result.total == expected, (query, result.total)
    assert len(result.hits) == min(result.total, 50)


def test_empty_query_and_bad_period_are_usage_errors(db: Path) -> None:
    for query in ('"', ' " " ', ""):
        with pytest.raises(UsageError):
            search(db, query)
    with pytest.raises(UsageError):
        search(db, "企业", period="July")


@pytest.mark.parametrize(("query", "match"), [
    ("企业", '"企 业"'),
    ("众创空间 高企", '"众 创 空 间" "高 企"'),
    ('"科技 企业" 2', '"科 技 企 业" "2"'),
])
def test_fts_query(query: str, match: str) -> None:
    assert fts_query(query) == match


@pytest.mark.parametrize(("period", "months"), [
    ("2017-07", ("2017-07", "2017-07")), ("2017-Q3", ("2017-07", "2017-09")),
    ("2017-H2", ("2017-07", "2017-12")), ("2017", ("2017-01", "2017-12")), (None, (None, None)),
])
def test_period_months(period: str | None, months: tuple[str, str]) -> None:
    assert period_months(period) == months


def test_period_range_open_ends() -> None:
    assert period_range("2017-07..") == ("2017-07", None)
    assert period_range("..2017-Q2") == (None, "2017-06")


def test_sentence_span_stops_at_sentence_marks() -> None:
    text = "一是评审。\n  共上会评审122家,通过119家;其余"
    start = text.index("122家")
    assert text[slice(*sentence_span(text, start, start + 4))] == "共上会评审122家,通过119家;"


def test_command_prints_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    search_command.add_arguments(parser)
    args = parser.parse_args(["众创空间", "--data", str(db), "--format", "json", "--limit", "2"])
    assert search_command.run(args) == 0
    out, err = capsys.readouterr()
    hits = json.loads(out)
    assert len(hits) == 2 and all("众创空间" in h["sentence"] for h in hits)
    assert "shown" in err
    args = parser.parse_args(["众创空间", "--data", str(db)])
    assert search_command.run(args) == 0
    assert "【" in capsys.readouterr().out
