"""WARC writing: records warcio reads back, rotation, numbering (repair: test_archive_repair)."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from scrapers.fetch import Exchange
from scrapers.warc import WarcSeries, read_response

INFO = {"software": "test"}


def exchange(n: int, body: bytes = b"<html>\xc4\xe3\xba\xc3</html>") -> Exchange:
    return Exchange(
        url=f"http://127.0.0.1:8000/a/t2017080{n}_1.html?x=1",
        request_headers=(("Host", "127.0.0.1:8000"), ("User-Agent", "test")),
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        headers=(("Content-Type", "text/html"), ("Content-Length", str(len(body)))),
        body=body,
        started=f"2017-08-0{n}T10:00:00.123456Z",
    )


def records(path: Path) -> list[tuple[str, str | None]]:
    with path.open("rb") as fh:
        return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"))
                for r in ArchiveIterator(fh)]


def test_response_and_request_records_carry_the_warc_fields(tmp_path: Path) -> None:
    series = WarcSeries(tmp_path, "t", info=INFO)
    where = series.write(exchange(1))
    series.close()
    path = tmp_path / where.file
    kinds = {}
    with path.open("rb") as fh:
        for r in ArchiveIterator(fh):
            kinds[r.rec_type] = (r.rec_headers, r.http_headers, r.content_stream().read())
    assert list(kinds) == ["warcinfo", "response", "request"]
    rec, http, body = kinds["response"]
    assert rec.protocol == "WARC/1.1"
    assert rec.get_header("WARC-Date") == "2017-08-01T10:00:00.123456Z"
    assert rec.get_header("WARC-Payload-Digest").startswith("sha1:")
    assert http.get_statuscode() == "200" and body == exchange(1).body
    req_rec, req_http, _ = kinds["request"]
    assert req_rec.get_header("WARC-Concurrent-To") == rec.get_header("WARC-Record-ID")
    assert req_http.protocol == "GET" and req_http.statusline.startswith("/a/t20170801_1.html?x=1")
    headers, payload = read_response(path, where.offset)
    assert payload == exchange(1).body and ("Content-Type", "text/html") in headers


def test_rotates_by_size(tmp_path: Path) -> None:
    series = WarcSeries(tmp_path, "t", info=INFO, max_bytes=600)
    files = {series.write(exchange(n, b"x" * 400)).file for n in range(1, 5)}
    series.close()
    assert len(files) >= 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files)
    assert all(records(tmp_path / f)[0][0] == "warcinfo" for f in files)


def test_appends_after_the_highest_number_not_the_count(tmp_path: Path) -> None:
    series = WarcSeries(tmp_path, "t", info=INFO, max_bytes=600)
    for n in range(1, 4):
        series.write(exchange(n, b"x" * 400))
    series.close()
    (tmp_path / "t-00000.warc.gz").rename(tmp_path / "elsewhere")  # repair moved one aside
    series = WarcSeries(tmp_path, "t", info=INFO, max_bytes=600)
    where = series.write(exchange(4, b"x" * 400))
    series.close()
    assert where.file == "t-00003.warc.gz"
    assert records(tmp_path / "t-00002.warc.gz")[1] == ("response", exchange(3).url)
