"""Full-text search over Chinese text in SQLite FTS5, for queries of any length.

Chinese is written without spaces, so a word tokenizer sees a whole clause as one token,
trigrams miss one- and two-character words, and segmented tokens (jieba) miss a query
segmented differently. Instead each indexed text is split into single characters
separated by spaces (the ``unicode61`` tokenizer then makes one token per character) and
each query term becomes a phrase of its characters: a phrase matches exactly where the
term occurs as a substring, whatever its length (`企`, `企业`, `高新技术企业`).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata

from extractors.sentences import sentence_span

# Where a sentence ends in normalised (NFKC) bulletin text.
# A query term: a "quoted phrase" or a run of non-space characters.
QUERY_TERM = re.compile(r'"([^"]*)"?|(\S+)')

FTS_TABLES = {"facts": "facts_fts", "sections": "sections_fts"}


def char_split(text: str) -> str:
    """``众创空间`` → ``众 创 空 间``: one FTS token per character."""
    return " ".join(ch for ch in text if not ch.isspace())


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression finding every term of ``query`` as a substring.

    Terms are ANDed, each a phrase of its characters; double quotes group words with
    spaces into one term. Safe for any user input: no FTS5 operator survives.
    """
    phrases = []
    for quoted, bare in QUERY_TERM.findall(unicodedata.normalize("NFKC", query)):
        chars = char_split((quoted or bare).replace('"', ""))
        if chars:
            phrases.append(f'"{chars}"')
    return " ".join(phrases)


def create_search_index(conn: sqlite3.Connection) -> None:
    """Index every fact's sentence and every section's text, rowid for rowid.

    Contentless tables: they hold the index only; rows are read from facts and sections.
    """
    for fts in FTS_TABLES.values():
        conn.execute(
            f"create virtual table [{fts}] using fts5(body, content='', tokenize='unicode61')"
        )
    docs = conn.execute("select doc_id, text from bulletins order by doc_id")
    for doc_id, text in docs:
        for table, fts in FTS_TABLES.items():
            spans = conn.execute(
                f"select rowid, start, [end] from [{table}] where doc_id = ? order by rowid",
                (doc_id,),
            ).fetchall()
            conn.executemany(
                f"insert into [{fts}] (rowid, body) values (?, ?)",
                [(rowid, char_split(_indexed(table, text, s, e))) for rowid, s, e in spans],
            )
    for fts in FTS_TABLES.values():
        conn.execute(f"insert into [{fts}] ([{fts}]) values ('optimize')")


def _indexed(table: str, text: str, start: int, end: int) -> str:
    """A fact is found by the words of its sentence; a section by all of its text."""
    if table == "facts":
        start, end = sentence_span(text, start, end)
    return text[start:end]
