"""The synthetic disclosure site served on 127.0.0.1, with the faults the crawl must survive.

Two publishers on two hosts (two ports): kjt paginates with the TRS script, gxt with
``?page=N`` links and 下一页. kjt's column also lists the fault pages below, a link to a
path robots.txt disallows, and a link to another host (``localhost`` instead of
``127.0.0.1``); the server log shows whether any of them was requested.
"""

from __future__ import annotations

import gzip
import hashlib
import random
from dataclasses import dataclass, field

from corpus.synthetic import (
    KJT,
    ListEntry,
    PublisherSite,
    SyntheticSite,
    add_entries,
    generate_site,
    plan_bulletins,
    render_bulletin,
)
from corpus.testsite import Endless, LocalSite, Page, Redirect, Reply, Reset, Route, Slow, Status

# Limits the test crawls run with; the faults are sized against them.
TIMEOUT = 0.3
MAX_BYTES = 200_000
SLOW_SECONDS = 1.0
RETRY_AFTER = 1
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
# A fixed Last-Modified (2017-09-01) so conditional GETs do not depend on the clock.
LAST_MODIFIED = 1504224000.0


@dataclass(frozen=True)
class Fault:
    key: str
    replies: tuple[Reply, ...]
    expect: str  # "archived" or a fragment of the problem's reason


@dataclass
class ServedSites:
    synthetic: SyntheticSite
    servers: dict[str, LocalSite]
    expected: dict[str, str] = field(default_factory=dict)  # url → title, archived at the end
    final_urls: dict[str, str] = field(default_factory=dict)  # url → url after redirects
    problems: dict[str, str] = field(default_factory=dict)  # url → reason fragment
    never: set[str] = field(default_factory=set)  # urls the crawl must not request
    bodies: dict[str, bytes] = field(default_factory=dict)  # final url → bytes served

    def sites_toml(self) -> str:
        out = []
        for key, server in self.servers.items():
            start = next(s.start_path for s in self.synthetic.sites if s.publisher.key == key)
            out.append(
                f'[sites.synthetic-{key}]\nstart_urls = ["{server.url(start)}"]\n'
                f'allowed_hosts = ["{server.host}"]\n'
            )
        return "\n".join(out)

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()


def serve_sites(seed: int = 0, faults: bool = True) -> ServedSites:
    """Start one server per publisher; with ``faults``, kjt's column lists the fault pages."""
    synthetic = generate_site(seed)
    servers = {s.publisher.key: LocalSite({}).start() for s in synthetic.sites}
    served = ServedSites(synthetic, servers)
    for site in synthetic.sites:
        server = servers[site.publisher.key]
        if faults and site.publisher.key == KJT.key:
            site = _add_faults(site, server, served, random.Random(seed))
        for page in site.pages:
            server.routes[page.path] = Route((_page(page.content),))
        server.routes["/robots.txt"] = Route((Page(ROBOTS, "text/plain"),))
        for b in site.bulletins:
            served.expected[server.url(b.path)] = b.title
            served.bodies[server.url(b.path)] = _body(site, b.path)
    for site in synthetic.sites:  # notices share the columns and must be left alone
        server = servers[site.publisher.key]
        bulletin_paths = {b.path for b in site.bulletins}
        served.never |= {server.url(e.path) for e in site.entries
                         if e.path not in bulletin_paths and "/faults/" not in e.path}
    return served


def _add_faults(
    site: PublisherSite, server: LocalSite, served: ServedSites, rng: random.Random
) -> PublisherSite:
    """Old (2016) bulletins, each served through one fault, listed in kjt's column."""
    old = plan_bulletins(KJT, 2016, rng)
    html = {b.month: render_bulletin(b, KJT).encode("gbk") for b in old}
    offsite = f"http://localhost:{server.port}"
    moved_to = "/zfxxgk/jczx/201702/t20170205_8000001.html"
    faults = [
        Fault("retry500", (Status(500), _page(html[1])), "archived"),
        Fault("retry429", (Status(429, (("Retry-After", str(RETRY_AFTER)),)), _page(html[2])),
              "archived"),
        Fault("slow", (Slow(SLOW_SECONDS, _page(html[3])),), "timed out"),
        Fault("reset", (Reset(),), "connection failed"),
        Fault("oversized", (Endless(MAX_BYTES * 50),), "too large"),
        Fault("bomb", (Page(gzip.compress(b"\0" * MAX_BYTES * 100), "text/html",
                            (("Content-Encoding", "gzip"),)),), "inflates past"),
        Fault("loop", (Redirect("/zfxxgk/jczx/faults/loop-back.html"),), "redirect loop"),
        Fault("offsite-redirect", (Redirect(f"{offsite}/zfxxgk/jczx/faults/elsewhere.html"),),
              "not followed: off-site"),
        Fault("moved", (Redirect(moved_to, 301),), "archived"),
    ]
    server.routes["/zfxxgk/jczx/faults/loop-back.html"] = Route(
        (Redirect("/zfxxgk/jczx/faults/loop.html"),)
    )
    server.routes[moved_to] = Route((_page(html[9]),))
    extra = []
    for month, fault in enumerate(faults, start=1):
        path = f"/zfxxgk/jczx/faults/{fault.key}.html"
        server.routes[path] = Route(fault.replies)
        url = server.url(path)
        title = old[month - 1].title
        extra.append(ListEntry(title, path, f"2017-01-{month:02d}"))
        if fault.expect == "archived":
            served.expected[url] = title
            final = server.url(moved_to) if fault.key == "moved" else url
            served.final_urls[url] = final
            served.bodies[url] = html[9] if fault.key == "moved" else html[month]
        else:
            served.problems[url] = fault.expect
    disallowed = "/private/t20170110_7000001.html"
    server.routes[disallowed] = Route((_page(html[10]),))
    served.problems[server.url(disallowed)] = "disallowed by robots.txt"
    served.never.add(server.url(disallowed))
    extra.append(ListEntry(old[9].title, disallowed, "2017-01-10"))
    elsewhere = f"{offsite}/zfxxgk/jczx/201701/t20170111_7000002.html"
    served.problems[elsewhere] = "off-site"
    extra.append(ListEntry(old[10].title, elsewhere, "2017-01-11"))
    return add_entries(site, extra)


def _page(body: bytes) -> Page:
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    return Page(body, "text/html", etag=etag, last_modified=LAST_MODIFIED)


def _body(site: PublisherSite, path: str) -> bytes:
    return next(p.content for p in site.pages if p.path == path)


@dataclass
class AttachmentSite:
    """A column whose one bulletin page is a cover note linking its attachments."""

    server: LocalSite
    page_url: str
    archived: dict[str, bytes]  # attachment url → bytes served
    refused: dict[str, str]  # attachment url → reason fragment
    never: set[str]  # urls the crawl must not request

    def stop(self) -> None:
        self.server.stop()


def serve_attachment_site(files: dict[str, tuple[bytes, str]]) -> AttachmentSite:
    """``files``: name → (bytes, content type), each linked as an attachment, plus one link
    to another host, one that answers 404 and one larger than ``MAX_BYTES``."""
    server = LocalSite({}).start()
    offsite = f"http://localhost:{server.port}/files/elsewhere.docx"
    page_path = "/col/art/2024/t20240716_1.html"
    links = "".join(f'<p>附件{n}：<a href="/files/{name}">{name}</a></p>'
                    for n, name in enumerate(files, 1))
    links += (f'<p><a href="{offsite}">附件：其他单位报送表.docx</a></p>'
              '<p><a href="/files/gone.pdf">gone.pdf</a></p>'
              '<p><a href="/files/huge.pdf">huge.pdf</a></p>')
    page = ("<html><head><title>2024年县《政府工作报告》重点任务上半年完成情况通报</title></head>"
            "<body><h1>2024年县《政府工作报告》重点任务上半年完成情况通报</h1>"
            "<p>发布日期：2024-07-16 来源：某县人民政府督查室</p>"
            "<p>现将2024年县《政府工作报告》重点任务上半年推进情况通报如下，详见附件。</p>"
            f"{links}</body></html>").encode()
    listing = (f'<html><body><ul><li><a href="{page_path}">2024年县《政府工作报告》重点任务'
               f'上半年完成情况通报</a><span>2024-07-16</span></li></ul></body></html>')
    server.routes["/col/index.html"] = Route((_page(listing.encode("utf-8")),))
    server.routes[page_path] = Route((_page(page),))
    server.routes["/robots.txt"] = Route((Page(ROBOTS, "text/plain"),))
    server.routes["/files/gone.pdf"] = Route((Status(404),))
    server.routes["/files/huge.pdf"] = Route((Endless(MAX_BYTES * 5),))
    archived = {}
    for name, (content, content_type) in files.items():
        server.routes[f"/files/{name}"] = Route((Page(content, content_type),))
        archived[server.url(f"/files/{name}")] = content
    refused = {server.url("/files/gone.pdf"): "HTTP 404",
               server.url("/files/huge.pdf"): "too large", offsite: "off-site"}
    return AttachmentSite(server, server.url(page_path), archived, refused, {offsite})


@dataclass
class GrowingColumn:
    """One list page on a local server whose bulletins ``grow`` adds, N at a time; for
    archives of hundreds of bulletins that crawl in seconds (no delay, tiny pages)."""

    server: LocalSite
    bodies: dict[str, bytes] = field(default_factory=dict)  # url → bytes served

    @property
    def list_url(self) -> str:
        return self.server.url("/list/index.html")

    def grow(self, n: int) -> None:
        for i in range(len(self.bodies), len(self.bodies) + n):
            title = f"第{i}号 政府工作报告重点工作完成情况"
            body = (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
                    f"<h1>{title}</h1><p>一、项目建设。完成投资{i + 1}.5亿元，新建道路{i % 9 + 1}"
                    f"公里，开工项目{i % 13 + 2}个。</p></body></html>").encode()
            path = f"/list/t2017{i % 12 + 1:02d}01_{i:06d}.html"
            self.server.routes[path] = Route((_page(body),))
            self.bodies[self.server.url(path)] = body
        rows = "".join(f'<li><a href="{url}">第{i}号 政府工作报告重点工作完成情况</a></li>'
                       for i, url in enumerate(self.bodies))
        self.server.routes["/list/index.html"] = Route(
            (Page(f"<html><body><ul>{rows}</ul></body></html>".encode(), "text/html"),))


def growing_column() -> GrowingColumn:
    server = LocalSite({"/robots.txt": Route((Page(ROBOTS, "text/plain"),))}).start()
    return GrowingColumn(server)
