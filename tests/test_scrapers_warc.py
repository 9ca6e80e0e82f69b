"""WARC writing: records warcio reads back, rotation, and cutting torn or uncommitted tails."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from scrapers.fetch import Exchange
from scrapers.warc import WarcSeries, complete_length, read_response

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


def test_a_torn_tail_is_cut_before_appending(tmp_path: Path) -> None:
    series = WarcSeries(tmp_path, "t", info=INFO)
    series.write(exchange(1))
    second = series.write(exchange(2))
    series.close()
    path = tmp_path / second.file
    whole = path.read_bytes()
    path.write_bytes(whole[: second.offset + second.length // 2])  # killed mid-write
    assert complete_length(path) == second.offset
    series = WarcSeries(tmp_path, "t", info=INFO)
    series.write(exchange(3))
    series.close()
    uris = [u for kind, u in records(path) if kind == "response"]
    assert uris == [exchange(1).url, exchange(3).url]


def test_whole_records_past_the_committed_size_are_cut(tmp_path: Path) -> None:
    series = WarcSeries(tmp_path, "t", info=INFO)
    first = series.write(exchange(1))
    series.write(exchange(2))  # written, but the manifest never recorded it
    series.close()
    series = WarcSeries(tmp_path, "t", info=INFO, committed={first.file: first.file_size})
    series.close()
    assert [u for k, u in records(tmp_path / first.file) if k == "response"] == [exchange(1).url]


def test_a_file_nothing_was_committed_to_is_removed(tmp_path: Path) -> None:
    series = WarcSeries(tmp_path, "t", info=INFO)
    where = series.write(exchange(1))
    series.close()
    WarcSeries(tmp_path, "t", info=INFO, committed={}).close()
    assert not (tmp_path / where.file).exists()


def test_garbage_is_not_a_record(tmp_path: Path) -> None:
    path = tmp_path / "t-00000.warc.gz"
    path.write_bytes(b"\x1f\x8b\x08garbage")
    assert complete_length(path) == 0
