"""Polite, bounded HTTP GETs with httpx: per-host pacing, retries, size limits, safe redirects.

A fetch returns every HTTP exchange it made (redirect hops and retried failures included)
so the caller can archive all of them, plus the reason when no usable answer came.
Bodies are kept exactly as served (still gzip-compressed if the server compressed them).
"""

from __future__ import annotations

import asyncio
import random
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

from scrapers.defaults import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, MAX_REDIRECTS, user_agent
from scrapers.urls import BadUrl, canonical_url
from scrapers.wire import WireStream, counted_transport

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_TIMEOUT", "MAX_REDIRECTS", "user_agent"]

DEFAULT_RETRIES = 3
# First retry waits about BACKOFF seconds, doubling each time, never above MAX_BACKOFF;
# a Retry-After longer than MAX_BACKOFF is not worth waiting for within one crawl.
DEFAULT_BACKOFF = 1.0
DEFAULT_MAX_BACKOFF = 60.0
# A whole response (headers and body) must arrive within this many timeouts, so a server
# trickling one byte per read cannot hold a crawl forever.
DEADLINE_FACTOR = 4
# Connections across all hosts; per-host concurrency is held by HostGate, not by httpx.
MAX_CONNECTIONS = 20
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
INFLATING_ENCODINGS = frozenset({"gzip", "x-gzip", "deflate"})
# Hop-by-hop framing that httpx has already undone; kept, it would misframe the stored body.
FRAMING_HEADERS = frozenset({"transfer-encoding"})
# How long to wait, after a declared body, for an honest server to close the connection
# before accepting the body as whole (see scrapers/wire.py).
CLOSE_GRACE = 0.5
# Statuses that never carry a body, whatever their Content-Length says (RFC 9110 §8.6).
BODILESS_STATUSES = frozenset({204, 304})

Guard = Callable[[str], Awaitable[str | None]]


@dataclass(frozen=True)
class FetchPolicy:
    user_agent: str
    delay: float = 1.0
    concurrency: int = 1
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    max_backoff: float = DEFAULT_MAX_BACKOFF
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = MAX_REDIRECTS


@dataclass(frozen=True)
class Exchange:
    """One request and its response, the body as served."""

    url: str
    request_headers: tuple[tuple[str, str], ...]
    status: int
    reason: str
    http_version: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    started: str

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    def payload(self) -> bytes:
        """The body with its Content-Encoding undone (for reading list pages and robots.txt)."""
        if (self.header("content-encoding") or "").lower() in INFLATING_ENCODINGS:
            try:
                return zlib.decompressobj(zlib.MAX_WBITS | 32).decompress(self.body)
            except zlib.error:
                return self.body
        return self.body

    def text(self) -> str:
        return self.payload().decode("utf-8", errors="replace")


@dataclass(frozen=True)
class FetchResult:
    url: str
    exchanges: tuple[Exchange, ...]
    problem: str | None = None
    retryable: bool = False

    @property
    def final(self) -> Exchange | None:
        """The answer to the request, after redirects; None when the fetch failed."""
        return self.exchanges[-1] if self.problem is None and self.exchanges else None


class TooLarge(Exception):
    """Raised while streaming a body that passes the size limit."""


class Overrun(Exception):
    """Raised when a server sent more body than its Content-Length declared."""


@dataclass(frozen=True)
class _Failure:
    reason: str
    retryable: bool
    retry_after: float | None = None


class HostGate:
    """Requests to one host: at most ``concurrency`` at once, each starting ``delay`` seconds
    after the previous one started and after the last one finished, so a slow server gets
    its pause too and the server, not only the client, sees the gap."""

    def __init__(self, delay: float, concurrency: int) -> None:
        self.delay = delay
        self._slots = asyncio.Semaphore(concurrency)
        self._turn = asyncio.Lock()
        self._next = 0.0

    def defer(self, seconds: float) -> None:
        """Hold every request to this host for ``seconds`` (a Retry-After is about the host)."""
        self._next = max(self._next, asyncio.get_running_loop().time() + seconds)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        async with self._slots:
            async with self._turn:
                while (wait := self._next - loop.time()) > 0:
                    await asyncio.sleep(wait)
                self._next = loop.time() + self.delay
            try:
                yield
            finally:
                self._next = max(self._next, loop.time() + self.delay)


@dataclass
class Fetcher:
    """One crawl's HTTP client. Use as ``async with Fetcher(policy) as f``."""

    policy: FetchPolicy
    rng: random.Random = field(default_factory=random.Random)
    _gates: dict[str, HostGate] = field(default_factory=dict)
    _client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        self._client = httpx.AsyncClient(
            headers={
                "User-Agent": self.policy.user_agent,
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                "Accept-Encoding": "gzip, deflate",
                "Accept-Language": "zh-CN,zh;q=0.9",
                # One response per connection, so its end shows whether the body was longer
                # than declared; the per-host delay makes keep-alive worth little anyway.
                "Connection": "close",
            },
            timeout=httpx.Timeout(self.policy.timeout),
            transport=counted_transport(MAX_CONNECTIONS),
            follow_redirects=False,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    def gate(self, url: str) -> HostGate:
        host = urlsplit(url).netloc
        if host not in self._gates:
            self._gates[host] = HostGate(self.policy.delay, self.policy.concurrency)
        return self._gates[host]

    async def fetch(
        self, url: str, headers: dict[str, str] | None = None, guard: Guard | None = None
    ) -> FetchResult:
        """GET ``url``, following redirects ``guard`` lets through, retrying transient failures.

        ``url`` is canonical (scrapers/urls.py), so the host gate has one key per host."""
        exchanges: list[Exchange] = []
        attempt = 0
        while True:
            failure = await self._follow(url, headers or {}, guard, exchanges)
            if failure is None:
                return FetchResult(url, tuple(exchanges))
            if not failure.retryable or attempt >= self.policy.retries:
                tries = f" (after {attempt + 1} attempts)" if failure.retryable else ""
                return FetchResult(url, tuple(exchanges), failure.reason + tries,
                                   failure.retryable)
            wait = self._backoff(attempt)
            if failure.retry_after is not None:
                if failure.retry_after > self.policy.max_backoff:
                    reason = f"{failure.reason}; server asked for {failure.retry_after:g}s more"
                    return FetchResult(url, tuple(exchanges), reason, True)
                wait = max(wait, failure.retry_after)
            await asyncio.sleep(wait)
            attempt += 1

    def _backoff(self, attempt: int) -> float:
        base = min(self.policy.max_backoff, self.policy.backoff * 2**attempt)
        return base * self.rng.uniform(0.5, 1.0)  # jitter keeps retries from lining up

    async def _follow(
        self, url: str, headers: dict[str, str], guard: Guard | None, exchanges: list[Exchange]
    ) -> _Failure | None:
        visited = {url}
        current = url
        for _ in range(self.policy.max_redirects + 1):
            try:
                exchange = await self._exchange(current, headers)
            except TooLarge as exc:
                return _Failure(str(exc), retryable=False)
            except Overrun as exc:  # a fragment; the next attempt may be framed right
                return _Failure(str(exc), retryable=True)
            except (httpx.TimeoutException, TimeoutError):
                return _Failure(f"timed out (limit {self.policy.timeout:g}s)", retryable=True)
            except httpx.TransportError as exc:
                detail = f": {exc}" if str(exc) else ""
                return _Failure(f"connection failed ({type(exc).__name__}{detail})", retryable=True)
            exchanges.append(exchange)
            status = exchange.status
            location = exchange.header("location")
            if status in REDIRECT_STATUSES and location:
                try:
                    target = canonical_url(urldefrag(urljoin(current, location)).url)
                except (BadUrl, ValueError) as exc:
                    return _Failure(f"redirect to an invalid address not followed ({exc})", False)
                if target in visited:
                    return _Failure(f"redirect loop: {current} → {target}", retryable=False)
                refusal = await guard(target) if guard else None
                if refusal:
                    return _Failure(f"redirect to {target} not followed: {refusal}", False)
                visited.add(target)
                current = target
                continue
            if status == 429 or status >= 500:
                return _Failure(f"HTTP {status}", True, retry_after(exchange.header("retry-after")))
            return None
        return _Failure(f"more than {self.policy.max_redirects} redirects", retryable=False)

    async def _exchange(self, url: str, headers: dict[str, str]) -> Exchange:
        assert self._client is not None, "use Fetcher as an async context manager"
        gate = self.gate(url)
        async with gate.slot():
            started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            async with asyncio.timeout(self.policy.timeout * DEADLINE_FACTOR):
                request = self._client.build_request("GET", url, headers=headers)
                response = await self._client.send(request, stream=True)
                try:
                    body = await self._read(response)
                finally:
                    await response.aclose()
        wait = retry_after(response.headers.get("retry-after"))
        if wait is not None and response.status_code in (429, 503):
            gate.defer(min(wait, self.policy.max_backoff))
        return Exchange(
            url=url,
            request_headers=_pairs(request.headers.raw),
            status=response.status_code,
            reason=response.reason_phrase,
            http_version=response.http_version,
            headers=tuple(
                p for p in _pairs(response.headers.raw) if p[0].lower() not in FRAMING_HEADERS
            ),
            body=body,
            started=started,
        )

    async def _read(self, response: httpx.Response) -> bytes:
        limit = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge(f"too large: Content-Length {declared} is over the {limit}-byte limit")
        meter = SizeMeter(response.headers.get("content-encoding", ""), limit)
        stream = response.extensions.get("network_stream")
        wire = stream if isinstance(stream, WireStream) else None
        expected = _declared_length(response) if wire is not None else None
        chunks = []
        overran = False
        async for chunk in response.aiter_raw():
            meter.feed(chunk)
            chunks.append(chunk)
            # Checked while the connection is still open, before httpx closes it.
            if wire is not None and meter.raw == expected:
                overran = await wire.overran(expected, min(CLOSE_GRACE, self.policy.timeout))
        if wire is not None and expected == 0:  # no chunk came; only the count can tell
            overran = await wire.overran(0, 0.0)
        if overran:
            raise Overrun(
                f"body longer than its Content-Length {expected}: the server sent more "
                "than it declared, so the stored page would be a fragment"
            )
        return b"".join(chunks)


def _declared_length(response: httpx.Response) -> int | None:
    """The body length the head promises, when Content-Length alone frames the body."""
    declared = response.headers.get("content-length", "")
    if (
        not declared.isdigit()
        or "transfer-encoding" in response.headers
        or response.status_code in BODILESS_STATUSES
        or response.status_code < 200
    ):
        return None
    return int(declared)


class SizeMeter:
    """Counts a body as it streams in, raw and inflated, and stops it at the limit."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        self.limit = limit
        self.raw = 0
        self.inflated = 0
        encoding = content_encoding.strip().lower()
        self._inflater = (
            zlib.decompressobj(zlib.MAX_WBITS | 32) if encoding in INFLATING_ENCODINGS else None
        )

    def feed(self, chunk: bytes) -> None:
        self.raw += len(chunk)
        if self.raw > self.limit:
            raise TooLarge(f"too large: body passed the {self.limit}-byte limit while streaming")
        data = chunk
        while self._inflater is not None and data and not self._inflater.eof:
            try:
                # Inflate at most one byte past the limit per call, so a bomb never
                # occupies more memory than the limit itself.
                out = self._inflater.decompress(data, self.limit - self.inflated + 1)
            except zlib.error:  # not really compressed; the raw count still holds
                self._inflater = None
                return
            self.inflated += len(out)
            if self.inflated > self.limit:
                raise TooLarge(
                    f"too large: compressed body inflates past the {self.limit}-byte limit"
                )
            data = self._inflater.unconsumed_tail


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _pairs(raw: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in raw)
