"""One spelling per address: URLs canonicalised before any gate, cache, manifest or WARC sees them.

Gov list pages link with Chinese characters, zero-width spaces and control characters in
paths, and upper-case or user-info'd hosts. Keyed raw, ``LOCALHOST:P``, ``a@localhost:P``
and ``localhost:0P`` were three hosts to the politeness gate, and a non-ASCII request line
ended the crawl. The rules follow the WHATWG URL standard for http(s): ASCII tab and
newline removed, surrounding C0 controls and spaces stripped, host lower-cased and
IDNA-encoded (UTS 46), default port dropped, user info and fragment removed, dot segments
resolved, path and query percent-encoded with the standard's sets.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

import idna

DEFAULT_PORTS = {"http": 80, "https": 443}
# WHATWG percent-encode sets (everything above U+007E is encoded too, as UTF-8).
_C0_AND_HIGH = {chr(c) for c in range(0x20)} | {"\x7f"}
PATH_ENCODE = _C0_AND_HIGH | set(' "#<>?`{}')
QUERY_ENCODE = _C0_AND_HIGH | set(" \"#<>'")
TAB_NEWLINE = re.compile(r"[\t\n\r]")
# A host label may hold these after IDNA; anything else (space, %, <, ...) is no host.
HOST_RE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*\.?$")


class BadUrl(ValueError):
    """An address that cannot be made a valid http(s) URL; the message says why."""


def canonical_url(url: str) -> str:
    """The one spelling of ``url`` (see the module docstring); BadUrl if there is none."""
    text = TAB_NEWLINE.sub("", url).strip("".join(chr(c) for c in range(0x21)))
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise BadUrl(f"malformed address ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise BadUrl(f"not an http(s) address (scheme {scheme or 'missing'!r})")
    host = canonical_host(parts.hostname or "")
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _encode(_dot_segments(parts.path or "/"), PATH_ENCODE)
    query = _encode(parts.query, QUERY_ENCODE)
    return urlunsplit((scheme, netloc, path, query, ""))


def canonical_host(host: str) -> str:
    """A host name lower-cased and IDNA-encoded, or an IP literal; BadUrl if neither."""
    if not host:
        raise BadUrl("the address has no host")
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return f"[{ip.compressed}]" if ip.version == 6 else ip.compressed
    try:
        ascii_host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise BadUrl(f"host {host!r} is not a valid host name ({exc})") from None
    if not HOST_RE.match(ascii_host):
        raise BadUrl(f"host {host!r} is not a valid host name")
    return ascii_host


def canonical_netloc(netloc: str, scheme: str = "http") -> str:
    """``host[:port]`` as canonical_url spells it, for allowed-host lists in profiles."""
    return urlsplit(canonical_url(f"{scheme}://{netloc}/")).netloc


def _encode(text: str, unsafe: set[str]) -> str:
    out = []
    for ch in text:
        if ch in unsafe or ord(ch) > 0x7E:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
        else:
            out.append(ch)
    return "".join(out)


def _dot_segments(path: str) -> str:
    segments: list[str] = []
    parts = path.split("/")
    for i, seg in enumerate(parts[1:], start=1):
        last = i == len(parts) - 1
        if seg in (".", "%2e", "%2E"):
            if last:
                segments.append("")
        elif seg.lower() in ("..", ".%2e", "%2e.", "%2e%2e"):
            if segments:
                segments.pop()
            if last:
                segments.append("")
        else:
            segments.append(seg)
    return "/" + "/".join(segments)
