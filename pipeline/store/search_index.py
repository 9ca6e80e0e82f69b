"""Full-text search over Chinese text in SQLite FTS5: two indexes, for two kinds of reader.

Chinese is written without spaces, so a word tokenizer sees a whole clause as one token.

- ``*_fts`` (facts, sections, bulletins): stock SQLite's ``trigram`` tokenizer over the
  tables' own columns (external content, ``content="facts"``), which is how sqlite-utils'
  ``detect_fts`` and Datasette find a table's index. Any tool finds words of three or more
  characters with a plain ``MATCH '众创空间'`` or ``sqlite-utils search``; a trigram index
  cannot match one or two characters.
- ``*_chars``: each text split into single characters separated by spaces (``unicode61``
  then makes one token per character) and each query term a phrase of its characters: a
  phrase matches exactly where the term occurs as a substring, whatever its length (`企`,
  `企业`, `高新技术企业`). ``bulletins search`` and the Datasette plugin use these.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from array import array
from collections.abc import Iterable

# A query term: a "quoted phrase" or a run of non-space characters.
QUERY_TERM = re.compile(r'"([^"]*)"?|(\S+)')

# table → its character index, for queries of any length (our CLI, Datasette's plugin)
CHAR_TABLES = {"facts": "facts_chars", "sections": "sections_chars",
               "bulletins": "bulletins_chars"}
# table → (its trigram index, the indexed columns), for every other SQLite tool
TRIGRAM_TABLES = {"facts": ("facts_fts", ("sentence", "object")),
                  "sections": ("sections_fts", ("title", "text")),
                  "bulletins": ("bulletins_fts", ("title", "text"))}


# Texts of at least this many characters are spaced out as UTF-32 code units (see
# ``char_split``); below it ``str.join``'s smaller set-up wins (about even at a synthetic
# section's 65 characters, a third faster at a fact's sentence's 31).
LONG_TEXT = 100
# The array code of a 4-byte item, one UTF-32 code unit (None on a platform without one).
_UNIT = "I" if array("I").itemsize == 4 else None


def char_split(text: str) -> str:
    """``众创空间`` → ``众 创 空 间``: one FTS token per character."""
    # str.split() cuts at exactly the characters str.isspace() calls space.
    chars = "".join(text.split())
    if len(chars) < LONG_TEXT or _UNIT is None:
        # joining a string joins its characters, in C rather than a generator step each
        return " ".join(chars)
    # A long text is spaced out as its UTF-32 code units (a character each, lone surrogates
    # passed through), a space's unit between every two: copies in C, where str.join made
    # a one-character string of every Chinese character (2.5 times as fast on synthetic
    # bulletins; tests/test_search.py holds it to the join). Only bytes are copied, never
    # read as numbers, so the machine's byte order does not matter.
    spaced = array(_UNIT, " ".encode("utf-32-le")) * (2 * len(chars) - 1)
    spaced[::2] = array(_UNIT, chars.encode("utf-32-le", "surrogatepass"))
    return spaced.tobytes().decode("utf-32-le", "surrogatepass")


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression for the character index finding every term of ``query`` as
    a substring.

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
    """Both indexes of facts, sections and bulletins, rowid for rowid with the tables."""
    create_search_tables(conn)
    fill_search_index(conn, CHAR_TABLES)
    finish_search_index(conn)


# The steps of ``create_search_index``, for a build that fills its tables at different
# times: the index tables first (the schema lists them in this order whatever the order
# the tables are filled in), each table's indexes once it holds all its rows, then the
# merge of each index into one segment.

def create_search_tables(conn: sqlite3.Connection) -> None:
    """The indexes of facts, sections and bulletins, empty."""
    for table, (fts, columns) in TRIGRAM_TABLES.items():
        names = ", ".join(f"[{c}]" for c in columns)
        # Double-quoted content= and a stock tokenizer: the form sqlite-utils and Datasette
        # detect (sqlite_utils.db.Table.detect_fts, datasette.utils.detect_fts_sql).
        conn.execute(f'create virtual table [{fts}] using fts5({names}, content="{table}", '
                     "tokenize='trigram')")
    for chars in CHAR_TABLES.values():
        # Contentless: the index only; rows are read from the tables.
        conn.execute(
            f"create virtual table [{chars}] using fts5(body, content='', tokenize='unicode61')"
        )


# What each character index holds of its table's row.
_CHAR_BODY = {"facts": "char_split([sentence])", "sections": "char_split([text])",
              "bulletins": "char_split(coalesce([title], '') || char(10) || [text])"}


def fill_search_index(conn: sqlite3.Connection, names: Iterable[str]) -> None:
    """Both indexes of each table named (facts, sections or bulletins), from its rows."""
    # Once per call: SQLite refuses to redefine a function its cached statements use.
    conn.create_function("char_split", 1, char_split, deterministic=True)
    for table in names:
        fts = TRIGRAM_TABLES[table][0]
        conn.execute(f"insert into [{fts}] ([{fts}]) values ('rebuild')")
        # In rowid order: FTS5 flushes its pending terms to a new segment whenever a rowid
        # is not above the last one, so rows by doc_id (the facts table is sorted by period
        # first) made a segment every few rows and twice the work. The index holds the
        # same (rowid, body) pairs either way, so every query answers the same; only how
        # its pages are laid out differs (tests/test_search.py holds the two to it).
        conn.execute(f"insert into [{CHAR_TABLES[table]}] (rowid, body) "
                     f"select rowid, {_CHAR_BODY[table]} from [{table}] order by rowid")


def finish_search_index(conn: sqlite3.Connection) -> None:
    """Each index merged into one segment, once every table is in."""
    for fts in (*CHAR_TABLES.values(), *(f for f, _ in TRIGRAM_TABLES.values())):
        conn.execute(f"insert into [{fts}] ([{fts}]) values ('optimize')")
