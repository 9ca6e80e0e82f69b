"""Safety against hostile pages (issue 8): HTML output escapes everything a page carries;
no output path is built from URL text; the crawler never leaves the profile's hosts.

The crawl tests run the real crawler against corpus/testsite.py servers on 127.0.0.1:
one "allowed" site whose pages try every trick, and an "evil" site that must see no request.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus.testsite import LocalSite, Redirect, Route
from corpus.testsite import Page as Served
from pipeline.cli import main
from pipeline.records import Bulletin, Fact, Page, Section
from pipeline.store import tables
from pipeline.views.show import render
from scrapers.crawl import CrawlJob, run_crawl
from scrapers.fetch import FetchPolicy
from scrapers.profiles import profile_for_list
from tests.hostile_helpers import SEED, extract_or_unreadable, fuzz_settings, tally

PAYLOADS = (
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</title><script>x()</script>",
    "<style>body{display:none}</style>", "<!--", "]]>", "&lt;script&gt;", "<a href='javascript:x'>",
    "</textarea><svg onload=alert(1)>", "\u2028<iframe src=//evil.example>",
)
# The elements and attributes render() itself writes; anything else came from a page.
OWN_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "p", "main",
            "article", "aside", "table", "thead", "tbody", "tr", "th", "td", "a", "mark", "span"}
OWN_ATTRS = {"lang", "charset", "name", "content", "id", "class", "href", "data-fact"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _assert_inert(page: str, *texts: str) -> None:
    parser = _Elements()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert tag in OWN_TAGS, f"page markup leaked into the output: <{tag}>"
        for name, value in attrs:
            assert name in OWN_ATTRS, f"attribute {name}={value!r} leaked"
            if name == "href":
                assert value is not None and value.startswith("#f"), value
    assert "<script" not in page.lower()
    for text in texts:
        if text:
            assert text not in page or text == _escape_free(text)


def _escape_free(text: str) -> str:
    return "" if any(c in text for c in "<>&\"'") else text


def _hostile_bulletin(title: str, body: str) -> Bulletin:
    text = f"{title}\n{body}\n一、任务{body}完成12家。"
    at = text.rindex("12家")
    return Bulletin(
        source=f"file:///{body}", sha256="0" * 64, text=text, url=f"http://x/{title}",
        title=title, publisher=body, period=title, published=body,
        sections=(Section(1, "1", 1, f"任务{body}", text.index("一、"), len(text),
                          text.index("一、") + 2, text.index("一、") + 2 + len(body) + 2),),
        facts=(Fact(12, "家", "12家", at, at + 3, section="1", object=body, entity=title,
                    predicate=body),),
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_show_escapes_titles_texts_and_fields(payload: str) -> None:
    tally("safety: HTML payloads rendered")
    page = render(_hostile_bulletin(payload, payload))
    _assert_inert(page, payload)


@fuzz_settings(100)
@given(st.text(alphabet=st.sampled_from(list("<>&\"'/=!-[]ascriptonload x完成12家\n")),
               max_size=80),
       st.text(max_size=80))
def test_show_escapes_any_text(title: str, body: str) -> None:
    tally("fuzz: show() on random titles and texts")
    _assert_inert(render(_hostile_bulletin(title or "t", body or "b")))


def test_show_command_escapes_a_hostile_page(tmp_path: Path) -> None:
    """A page whose title and body carry markup, read, built and shown by the commands."""
    tally("safety: HTML payloads rendered")
    body = SEED.read_text(encoding="utf-8").replace(
        "根据", "根据&lt;b onmouseover=alert(1)&gt;&lt;script&gt;alert(1)&lt;/script&gt;", 1)
    html = ("<html><head><title>&lt;script&gt;alert('t')&lt;/script&gt;报告</title>"
            "<meta name='ArticleTitle' content='&quot;&gt;&lt;img src=x onerror=alert(2)&gt;'>"
            "</head><body><pre>" + body + "</pre><script>alert(3)</script></body></html>")
    src = tmp_path / "hostile.html"
    src.write_text(html, encoding="utf-8")
    bulletin = extract_or_unreadable(Page(str(src), src.read_bytes()))
    assert bulletin is not None and "alert(1)" in bulletin.text  # the text keeps what it says
    out = tmp_path / "out"
    assert main(["build", str(src), "--out", str(out), "--jobs", "1"]) == 0
    for doc in (str(src), bulletin.sha256[:12]):
        page_file = tmp_path / "page.html"
        assert main(["show", doc, "--data", str(out), "--out", str(page_file)]) == 0
        _assert_inert(page_file.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------- the crawler

TITLE = "辽宁省《政府工作报告》2017年{}月份工作完成情况"
HOSTILE_HREFS = (
    "/../../etc/x.html", "/%2e%2e/%2e%2e/etc/passwd.html", "/a/..%2f..%2f..%2fx.html",
    "/zfxxgk/..\\..\\win.html", "/zfxxgk/%00nul.html", "/zfxxgk/" + "a" * 300 + ".html",
    "/zfxxgk/con.html?name=../../../../tmp/evil", "/zfxxgk/t.html#../../x",
)


@pytest.fixture
def sites():
    evil = LocalSite({}).start()
    site = LocalSite({}).start()
    evil_base = evil.url("")
    evil.routes["/robots.txt"] = Route((Served(b"", "text/plain"),))
    for path in ("/x.html", "/steal.html", "/r.html", "/"):
        evil.routes[path] = Route((Served(b"evil", "text/html"),))
    body = SEED.read_bytes()
    tricks = {
        # protocol-relative and absolute links to the other host
        f"//{evil.host}/x.html": "list",
        f"{evil_base}/steal.html": "list",
        # another name and another spelling of the same machine, other port
        f"http://localhost:{evil.port}/x.html": "list",
        f"http://0x7f.0.0.1:{evil.port}/x.html": "list",
        f"http://{site.host}@{evil.host}/x.html": "list",
        # redirects (every status) off the allowed host
        "/zfxxgk/r301.html": Redirect(f"{evil_base}/r.html", 301),
        "/zfxxgk/r302.html": Redirect(f"//{evil.host}/r.html", 302),
        "/zfxxgk/r307.html": Redirect(f"http://localhost:{evil.port}/r.html", 307),
        "/zfxxgk/chain.html": Redirect("/zfxxgk/r308.html"),
        "/zfxxgk/r308.html": Redirect(f"{evil_base}/r.html", 308),
        # a bulletin whose own page carries a meta refresh and links off-site
        "/zfxxgk/refresh.html": Served(
            b'<html><head><meta http-equiv="refresh" content="0;url=' + evil_base.encode()
            + b'/x.html"></head><body><a href="//' + evil.host.encode() + b'/x.html">x</a>'
            + body + b"</body></html>", "text/html; charset=utf-8"),
    }
    links = []
    for n, (href, reply) in enumerate([*tricks.items(), *((h, "page") for h in HOSTILE_HREFS)]):
        links.append(f'<li><a href="{href}">{TITLE.format(n + 1)}</a></li>')
        if reply == "page":
            continue
        if reply != "list":
            site.routes[href] = Route((reply,))
    listing = ('<html><head><meta http-equiv="refresh" content="0;url=' + evil_base
               + '/x.html"></head><body><ul>' + "".join(links) + "</ul></body></html>")
    site.routes["/zfxxgk/index.html"] = Route(
        (Served(listing.encode(), "text/html; charset=utf-8"),))
    site.routes["/robots.txt"] = Route((Served(b"", "text/plain"),))
    yield site, evil
    site.stop()
    evil.stop()


def _crawl(site: LocalSite, out: Path):
    job = CrawlJob(
        profiles=(profile_for_list(site.url("/zfxxgk/index.html")),),
        out=out,
        policy=FetchPolicy(user_agent="hostile-test", delay=0.0, timeout=2.0, retries=0),
    )
    return run_crawl(job)


def test_crawler_never_leaves_the_allowed_host_and_names_no_file_after_a_url(
    sites, tmp_path: Path
) -> None:
    site, evil = sites
    root = tmp_path / "sandbox"
    out = root / "deep" / "archive"
    out.mkdir(parents=True)
    summary = _crawl(site, out)
    tally("safety: hostile links and redirects offered to the crawler",
          len(HOSTILE_HREFS) + 11)
    # Not one request reached the other host, under any name or through any redirect.
    assert evil.log == [], [(h.host, h.path) for h in evil.log]
    assert {h.host for h in site.log} == {site.host}
    reasons = " | ".join(p.reason for p in summary.problems)
    assert "off-site" in reasons and "not followed" in reasons, reasons
    # The tricks were really tried: the redirects and the refresh page were requested, the
    # refresh page archived as served, and its meta refresh not followed.
    asked = {h.path for h in site.log}
    for path in ("/zfxxgk/r301.html", "/zfxxgk/r302.html", "/zfxxgk/r307.html",
                 "/zfxxgk/r308.html", "/zfxxgk/refresh.html"):
        assert path in asked, (path, sorted(asked))
    assert summary.fetched == 1
    # Only the crawler's own names, in the archive folder itself: nothing from a URL.
    made = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    allowed = {"deep", "deep/archive", "deep/archive/manifest.sqlite",
               "deep/archive/manifest.sqlite-wal", "deep/archive/manifest.sqlite-shm",
               "deep/archive/.crawl.lock", "deep/archive/bulletins-00000.warc.gz",
               "deep/archive/crawl-log-00000.warc.gz"}
    assert set(made) <= allowed, set(made) - allowed
    assert not any(p.name in ("x.html", "passwd.html", "evil", "win.html")
                   for p in tmp_path.rglob("*"))
    # And the build of that archive writes its fixed file names only.
    built = root / "out"
    assert main(["build", str(out), "--out", str(built), "--jobs", "1"]) == 0
    names = {p.name for p in built.iterdir()}
    assert names <= {f"{t}.{x}" for t in tables.TABLES for x in ("csv", "parquet")} | {
        "bulletins.db", "datapackage.json"}
