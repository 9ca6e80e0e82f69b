"""``serve``: the built database in Datasette, with titles, column descriptions, facets,
canned queries, and a search box that finds Chinese words of any length.

Datasette's search box sends ``escape_fts(:search)`` to FTS5. This module is also a
Datasette plugin that replaces ``escape_fts`` on our connections with ``fts_query``, which
turns `众创空间` into the phrase `"众 创 空 间"` the character index matches.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm

from pipeline.errors import UsageError
from pipeline.store.search_index import CHAR_TABLES, TRIGRAM_TABLES, fts_query
from pipeline.store.tables import FACTS, TABLES, db_path

FACETS = {
    "bulletins": ["publisher", "period", "region"],
    "sections": ["status", "period", "publisher"],
    "facts": ["unit", "period", "publisher", "qualifier"],
    "problems": ["stage"],
    "sources": [],
    "series": ["publisher", "measure", "basis", "period", "unit"],
    "checks": ["check", "publisher", "period"],
}
QUERIES = {
    "task_series": {
        "title": "A task's counts, period by period",
        "description": "The series of every task whose key (publisher/year/number) or title "
        "contains the words: one row per measure, basis and period.",
        "sql": """select r.task_key, r.measure, r.basis, r.period, r.value, r.unit, r.qualifier,
       r.text, r.doc_id
from series r
where r.task_key like '%' || :task || '%'
   or r.task_key in (select task_key from sections where title like '%' || :task || '%')
order by r.task_key, r.measure, r.basis, r.period""",
    },
    "object_across_publishers": {
        "title": "One counted thing across publishers",
        "description": "Counts of an object (e.g. 众创空间), by publisher and period.",
        "sql": """select f.publisher, f.period, f.unit, count(*) as counts,
  sum(f.value) as total, group_concat(f.text, ' · ') as texts
from facts f
where f.object like '%' || :object || '%'
group by f.publisher, f.period, f.unit
order by f.publisher, f.period""",
    },
}


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, so ours wins
def prepare_connection(conn: Any) -> None:
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)


def metadata(database: str = "bulletins") -> dict[str, Any]:
    tables: dict[str, Any] = {
        table.name: {
            "description": table.description,
            "columns": {c.name: c.description for c in table.columns},
            "facets": FACETS[table.name],
        }
        for table in TABLES.values()
    }
    # The search box uses the character index, which the plugin's escape_fts can query for
    # words of any length; Datasette would otherwise pick the trigram index it detects.
    for table, chars in CHAR_TABLES.items():
        tables[table] |= {"fts_table": chars, "fts_pk": "rowid"}
        tables[chars] = {"hidden": True}
        tables[TRIGRAM_TABLES[table][0]] = {"hidden": True}
    # Oldest period first, then document order. Datasette breaks ties of its sort column by
    # the primary key (a hash for facts), so the sort column must order every row itself.
    tables["facts"]["sort"] = FACTS.position
    return {
        "title": "Government progress bulletins",
        "description": "Sections and reported counts of Chinese government progress bulletins;"
        " search finds any Chinese word, one character or more, in the facts' sentences, the"
        " sections' text and the bulletins' full text.",
        "databases": {database: {"tables": tables, "queries": QUERIES}},
    }


def app(data: str | Path) -> Datasette:
    """A Datasette instance over the build in ``data``, ready for tests or an ASGI server."""
    path = db_path(data)
    if not path.is_file():
        raise UsageError(f"{path}: no such database; run `bulletins build INPUT... --out DIR`")
    if not pm.is_registered(sys.modules[__name__]):
        pm.register(sys.modules[__name__], name="gov-bulletins")
    return Datasette(immutables=[str(path)], metadata=metadata(path.stem))


def serve(data: str | Path, host: str, port: int) -> None:
    import uvicorn

    datasette = app(data)
    print(f"serving {data} at http://{host}:{port}/bulletins (Ctrl-C stops)", file=sys.stderr)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")
