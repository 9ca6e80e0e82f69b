"""Datasette over a build, tested with its own client: facets, search box, canned queries."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("datasette")

from pipeline.build import build
from pipeline.commands import serve as serve_command
from pipeline.errors import UsageError
from pipeline.store.tables import TABLES
from pipeline.views.serve import app, metadata
from tests.test_search import SEED, SHENYANG


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real build (so the series and checks tables are filled) of the seed and a second
    bulletin."""
    folder = tmp_path_factory.mktemp("serve")
    other = folder / "shenyang.txt"
    other.write_text(SHENYANG, encoding="utf-8")
    build([str(SEED), str(other)], folder / "out", jobs=1)
    return folder / "out"


def get(data: Path, path: str) -> Any:
    async def fetch() -> Any:
        return await app(data).client.get(path)

    return asyncio.run(fetch())


@pytest.mark.parametrize("table", ["facts", "sections", "bulletins"])
@pytest.mark.parametrize("query", ["企", "企业", "众创空间", "高新技术企业"])
def test_search_box_finds_chinese_words(data: Path, table: str, query: str) -> None:
    response = get(data, f"/bulletins/{table}.json?_search={query}&_shape=objects")
    assert response.status_code == 200
    body = response.json()
    assert body["filtered_table_rows_count"] > 0, body
    if table == "facts":
        assert all(r["doc_id"] for r in body["rows"])


def _facts_pages(data: Path, query: str) -> list[dict[str, Any]]:
    """Every row Datasette lists for ``/facts.json?{query}``, following its next pages."""
    rows: list[dict[str, Any]] = []
    path: str | None = f"/bulletins/facts.json?{query}&_size=7&_shape=objects"
    while path:
        body = get(data, path).json()
        rows.extend(body["rows"])
        path = body["next_url"] and body["next_url"].split("://", 1)[-1].partition("/")[2]
        path = path and "/" + path
    return rows


def _in_document_order(rows: list[dict[str, Any]]) -> bool:
    keys = [(r["period"] or "", r["doc_id"], r["start"]) for r in rows]
    return keys == sorted(keys)


@pytest.mark.parametrize("query", ["", "_search=企业"])
def test_facts_come_by_period_then_document_order(data: Path, query: str) -> None:
    rows = _facts_pages(data, query)
    assert len({r["period"] for r in rows}) > 1 and len({r["doc_id"] for r in rows}) > 1
    # the primary key (a hash) would shuffle a period's facts; pages follow on in order too
    assert [r["fact_id"] for r in rows] != sorted(r["fact_id"] for r in rows)
    assert _in_document_order(rows)
    assert len(rows) == len({r["fact_id"] for r in rows})
    if query:
        assert rows and all("企业" in r["sentence"] for r in rows)
    else:
        total = get(data, "/bulletins/facts.json?_size=0").json()["filtered_table_rows_count"]
        assert len(rows) == total


def test_search_box_is_on_the_table_page(data: Path) -> None:
    page = get(data, "/bulletins/facts?_search=众创空间")
    assert page.status_code == 200
    assert 'name="_search"' in page.text and "众创空间" in page.text


@pytest.mark.parametrize(("table", "facet"), [
    ("facts", "unit"), ("facts", "period"), ("facts", "publisher"),
    ("sections", "status"), ("bulletins", "publisher"),
])
def test_facets_answer(data: Path, table: str, facet: str) -> None:
    body = get(data, f"/bulletins/{table}.json?_size=0").json()
    results = body["facet_results"]
    results = results.get("results", results)  # the shape differs across Datasette versions
    assert results[facet]["results"], results[facet]


def test_unit_facet_counts_the_facts(data: Path) -> None:
    body = get(data, "/bulletins/facts.json?_size=0").json()
    results = body["facet_results"]
    results = results.get("results", results)
    counts = {r["value"]: r["count"] for r in results["unit"]["results"]}
    assert counts["家"] >= 10 and sum(counts.values()) == body["filtered_table_rows_count"]


@pytest.mark.parametrize(("query", "params"), [
    ("task_series", "task=高新技术产业"), ("object_across_publishers", "object=众创空间"),
])
def test_canned_queries_run(data: Path, query: str, params: str) -> None:
    body = get(data, f"/bulletins/{query}.json?{params}&_shape=objects").json()
    assert body["rows"], body


def test_metadata_describes_every_column() -> None:
    tables = metadata()["databases"]["bulletins"]["tables"]
    for table in TABLES.values():
        assert set(tables[table.name]["columns"]) == set(table.names)


def test_missing_datasette_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasette", None)
    monkeypatch.delitem(sys.modules, "pipeline.views.serve")
    parser = argparse.ArgumentParser()
    serve_command.add_arguments(parser)
    with pytest.raises(UsageError, match=r"pip install 'gov-bulletins\[datasette\]'"):
        serve_command.run(parser.parse_args(["somewhere"]))
