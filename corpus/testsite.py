"""A small real HTTP server on 127.0.0.1 that serves canned pages and misbehaves on purpose.

Used by the crawl tests and the demo instead of a live site: every route is a sequence of
replies (the n-th request gets the n-th reply, the last one repeats), so "a 500 then
success" is ``Route((Status(500), Page(...)))``. The server keeps its own request log with
arrival times, so politeness is measured where it matters: at the server.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Protocol

# Size of each write while streaming an endless body; small enough that the client's
# size limit, not the socket buffer, decides when the transfer stops.
STREAM_CHUNK = 64 * 1024
# How often the server checks for shutdown; the stdlib's 0.5 s would dominate short tests.
SHUTDOWN_POLL = 0.02


class Reply(Protocol):
    def send(self, handler: _Handler) -> int:
        """Write one response; return the status code sent (0 when none was)."""


@dataclass(frozen=True)
class Page:
    """A document; answers conditional GETs with 304 when the validators match."""

    body: bytes
    content_type: str = "text/html"
    headers: tuple[tuple[str, str], ...] = ()
    etag: str | None = None
    last_modified: float | None = None

    def send(self, handler: _Handler) -> int:
        if self._not_modified(handler):
            handler.send_response(304)
            self._validators(handler)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return 304
        handler.send_response(200)
        handler.send_header("Content-Type", self.content_type)
        for name, value in self.headers:
            handler.send_header(name, value)
        self._validators(handler)
        handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        handler.wfile.write(self.body)
        return 200

    def _validators(self, handler: _Handler) -> None:
        if self.etag:
            handler.send_header("ETag", self.etag)
        if self.last_modified is not None:
            handler.send_header("Last-Modified", formatdate(self.last_modified, usegmt=True))

    def _not_modified(self, handler: _Handler) -> bool:
        if self.etag and handler.headers.get("If-None-Match") == self.etag:
            return True
        since = handler.headers.get("If-Modified-Since")
        if since and self.last_modified is not None and not self.etag:
            return parsedate_to_datetime(since).timestamp() >= int(self.last_modified)
        return False


@dataclass(frozen=True)
class Status:
    """A bare status, e.g. 500, or 429 with ``Retry-After``."""

    code: int
    headers: tuple[tuple[str, str], ...] = ()

    def send(self, handler: _Handler) -> int:
        body = f"{self.code}\n".encode()
        handler.send_response(self.code)
        for name, value in self.headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        return self.code


@dataclass(frozen=True)
class Redirect:
    location: str
    code: int = 302

    def send(self, handler: _Handler) -> int:
        handler.send_response(self.code)
        handler.send_header("Location", self.location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return self.code


@dataclass(frozen=True)
class Slow:
    """Wait before answering, to be slower than the client's timeout."""

    seconds: float
    then: Reply

    def send(self, handler: _Handler) -> int:
        time.sleep(self.seconds)
        return self.then.send(handler)


@dataclass(frozen=True)
class Reset:
    """Drop the connection with a TCP RST before sending anything."""

    def send(self, handler: _Handler) -> int:
        # SO_LINGER with a zero timeout turns close() into a reset instead of a FIN.
        handler.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        handler.close_connection = True
        handler.connection.close()
        return 0


@dataclass(frozen=True)
class Endless:
    """A body without Content-Length, ``total`` bytes long or until the client hangs up."""

    total: int

    def send(self, handler: _Handler) -> int:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        chunk = b"<p>" + b"x" * (STREAM_CHUNK - 3)
        sent = 0
        try:
            while sent < self.total:
                handler.wfile.write(chunk)
                sent += len(chunk)
        except OSError:  # the client aborted, which is what the test wants
            pass
        return 200


@dataclass(frozen=True)
class Overlong:
    """A 200 whose Content-Length counts only the first ``declared`` bytes of ``body``.

    With ``pause`` the rest follows after a delay, so it is still on the way when the client
    has read the declared part (not already in its buffer)."""

    body: bytes
    declared: int
    pause: float = 0.0

    def send(self, handler: _Handler) -> int:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(self.declared))
        handler.end_headers()
        handler.close_connection = True
        try:
            handler.wfile.write(self.body[: self.declared])
            handler.wfile.flush()
            time.sleep(self.pause)
            handler.wfile.write(self.body[self.declared :])
        except OSError:  # the client hung up after the declared part
            pass
        return 200


@dataclass(frozen=True)
class Route:
    """The replies for one path: the n-th request gets ``replies[n]``, the last one repeats."""

    replies: tuple[Reply, ...]


@dataclass(frozen=True)
class Hit:
    """One request as the server saw it."""

    time: float
    host: str
    path: str
    status: int  # -1 while the reply is being sent
    headers: Mapping[str, str]


@dataclass
class LocalSite:
    """Serve ``routes`` (path with query → Route) on 127.0.0.1 until ``stop()``."""

    routes: dict[str, Route]
    log: list[Hit] = field(default_factory=list)
    _counts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the site first"
        return self._server.server_address[1]

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def start(self) -> LocalSite:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.site = self
        threading.Thread(
            target=self._server.serve_forever, args=(SHUTDOWN_POLL,), daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def next_reply(self, path: str) -> Reply | None:
        route = self.routes.get(path)
        if route is None:
            return None
        with self._lock:
            n = self._counts.get(path, 0)
            self._counts[path] = n + 1
        return route.replies[min(n, len(route.replies) - 1)]

    def record(self, hit: Hit) -> int:
        with self._lock:
            self.log.append(hit)
            return len(self.log) - 1

    def settle(self, index: int, status: int) -> None:
        """Fill in the status of a hit logged on arrival, once the reply has gone out."""
        with self._lock:
            self.log[index] = replace(self.log[index], status=status)

    def hits(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.log if h.path == path]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: LocalSite

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket],
                     client_address: Any) -> None:
        # Resets and aborted downloads are the faults this server injects, not its bugs.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    not_found: ClassVar[Status] = Status(404)

    def do_GET(self) -> None:
        site = self.server.site
        headers = {k.lower(): v for k, v in self.headers.items()}
        # Logged on arrival, so a slow reply still shows when it was asked for.
        index = site.record(Hit(time.monotonic(), headers.get("host", ""), self.path, -1, headers))
        reply = site.next_reply(self.path) or self.not_found
        site.settle(index, reply.send(self))

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass
