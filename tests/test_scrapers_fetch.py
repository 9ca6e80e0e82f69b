"""The fetcher against a real local server: limits, encodings, retries, pacing."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

import pytest

from corpus.testsite import LocalSite, Page, Route, Status
from scrapers.fetch import (
    DEFAULT_MAX_BYTES,
    Fetcher,
    FetchPolicy,
    FetchResult,
    SizeMeter,
    TooLarge,
    retry_after,
)

FAST = FetchPolicy(user_agent="test", delay=0, timeout=2, retries=2, backoff=0.01)


def fetch(site: LocalSite, path: str, policy: FetchPolicy = FAST) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(policy) as fetcher:
            return await fetcher.fetch(site.url(path))

    return asyncio.run(go())


@dataclass(frozen=True)
class Chunked:
    body: bytes

    def send(self, handler: BaseHTTPRequestHandler) -> int:
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        half = len(self.body) // 2
        for part in (self.body[:half], self.body[half:], b""):
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        return 200


def test_a_gzip_bomb_is_stopped_at_the_default_limit_while_inflating() -> None:
    bomb = gzip.compress(b"\0" * (DEFAULT_MAX_BYTES + 1024 * 1024))
    meter = SizeMeter("gzip", DEFAULT_MAX_BYTES)
    with pytest.raises(TooLarge, match="inflates past"):
        for i in range(0, len(bomb), 16384):
            meter.feed(bomb[i:i + 16384])
    assert meter.inflated <= DEFAULT_MAX_BYTES + 1


def test_size_meter_counts_raw_bytes_of_unknown_encodings() -> None:
    meter = SizeMeter("br", 10)
    meter.feed(b"x" * 10)
    with pytest.raises(TooLarge, match="while streaming"):
        meter.feed(b"x")


def test_size_meter_tolerates_a_body_that_is_not_really_compressed() -> None:
    meter = SizeMeter("deflate", 100)
    meter.feed(b"plain text")
    assert meter.raw == 10


@pytest.mark.parametrize(
    ("value", "seconds"), [("3", 3.0), (None, None), ("soon", None),
                           ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after(value: str | None, seconds: float | None) -> None:
    assert retry_after(value) == seconds


def test_gzip_body_is_stored_as_served_and_readable_decoded() -> None:
    text = "辽宁省《政府工作报告》".encode("gbk") * 50
    packed = gzip.compress(text)
    with LocalSite({"/g": Route((Page(packed, headers=(("Content-Encoding", "gzip"),)),))}) as s:
        result = fetch(s, "/g")
    assert result.final is not None
    assert result.final.body == packed
    assert result.final.payload() == text


def test_chunked_framing_is_undone_and_not_claimed_in_headers() -> None:
    with LocalSite({"/c": Route((Chunked(b"<html>hello</html>"),))}) as s:
        result = fetch(s, "/c")
    assert result.final is not None and result.final.body == b"<html>hello</html>"
    assert result.final.header("transfer-encoding") is None


def test_declared_length_over_the_limit_is_refused_before_reading() -> None:
    policy = FetchPolicy(user_agent="test", delay=0, max_bytes=100)
    with LocalSite({"/big": Route((Page(b"x" * 1000),))}) as s:
        result = fetch(s, "/big", policy)
    assert result.problem and "Content-Length 1000" in result.problem
    assert not result.retryable


def test_5xx_is_retried_until_the_retries_run_out() -> None:
    with LocalSite({"/down": Route((Status(503),))}) as s:
        result = fetch(s, "/down")
        assert len(s.hits("/down")) == 3
    assert result.problem == "HTTP 503 (after 3 attempts)" and result.retryable
    assert [e.status for e in result.exchanges] == [503, 503, 503]


def test_a_retry_after_beyond_the_cap_is_not_waited_for() -> None:
    policy = FetchPolicy(user_agent="test", delay=0, retries=3, max_backoff=5)
    with LocalSite({"/busy": Route((Status(429, (("Retry-After", "3600"),)),))}) as s:
        result = fetch(s, "/busy", policy)
        assert len(s.hits("/busy")) == 1
    assert result.problem and "3600s" in result.problem


def test_concurrency_and_delay_per_host() -> None:
    policy = FetchPolicy(user_agent="test", delay=0.05, concurrency=2)
    routes = {f"/{n}": Route((Page(b"ok"),)) for n in range(6)}

    async def go(site: LocalSite) -> None:
        async with Fetcher(policy) as fetcher:
            await asyncio.gather(*(fetcher.fetch(site.url(p)) for p in routes))

    with LocalSite(routes) as s:
        asyncio.run(go(s))
        times = sorted(h.time for h in s.log)
    assert len(times) == 6
    # Starts are paced on the client; with two connections the arrival of any one request
    # may shift by a connect, so the server sees the pace over the whole run.
    assert times[-1] - times[0] >= 5 * 0.05 * 0.9


def test_deflate_payload() -> None:
    body = zlib.compress(b"hello")
    with LocalSite({"/d": Route((Page(body, headers=(("Content-Encoding", "deflate"),)),))}) as s:
        result = fetch(s, "/d")
    assert result.final is not None and result.final.payload() == b"hello"
