"""The crawl follows a bulletin page's attachments on allowed hosts, archives them beside the
page, and a build reads them with the page's metadata (issue 11)."""

from __future__ import annotations

import sqlite3

import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline.build import build
from pipeline.cli import main
from scrapers.attachments import ATTACHED_TO_HEADER, attachment_links
from scrapers.manifest import Manifest
from tests.attachment_files import docx_bytes, pdf_bytes, xlsx_bytes
from tests.sitefixtures import MAX_BYTES, TIMEOUT, serve_attachment_site

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE = [["序号", "重点任务", "进展情况", "完成状态"],
         ["1", "新建改造农村公路60公里", "已完成农村公路新改建38.6公里", "序时推进"],
         ["2", "开通城乡公交线路3条", "新开通城乡公交线路3条", "已完成"]]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory):
    files = {
        # the table alone, no title or date: it takes them from its page
        "table.xlsx": (xlsx_bytes(TABLE), XLSX),
        "report.docx": (docx_bytes(["湄潭县2023年重点项目推进情况", "已完成6个项目。"], TABLE),
                        DOCX),
        "report.pdf": (pdf_bytes(["某县重点任务推进情况表", "累计开展职业技能培训8620人次。"]),
                       "application/pdf"),
    }
    site = serve_attachment_site(files)
    out = tmp_path_factory.mktemp("attcrawl")
    rc = main(["crawl", "--list", site.server.url("/col/index.html"), "--out",
               str(out / "archive"), "--sites", str(out / "none"), "--delay", "0",
               "--timeout", str(TIMEOUT), "--retries", "0", "--max-bytes", str(MAX_BYTES)])
    assert rc == 0
    yield site, out
    site.stop()


def test_allowed_attachments_are_archived_with_their_page(crawled) -> None:
    site, out = crawled
    records = {}
    for warc in sorted((out / "archive").glob("bulletins-*.warc.gz")):
        with warc.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    records[record.rec_headers.get_header("WARC-Target-URI")] = (
                        record.rec_headers.get_header(ATTACHED_TO_HEADER),
                        record.content_stream().read())
    assert set(records) == {site.page_url, *site.archived}
    for url, content in site.archived.items():
        assert records[url] == (site.page_url, content)
    assert records[site.page_url][0] is None
    manifest = Manifest(out / "archive" / "manifest.sqlite", readonly=True)
    problems = {p.url: p for p in manifest.problems()}
    referrers = {p.url: p.referrer for p in manifest.pages()}
    manifest.close()
    for url, why in site.refused.items():
        assert why in problems[url].reason and problems[url].referrer == site.page_url
    assert all(referrers[url] == site.page_url for url in site.archived)
    requested = {h.path for h in site.server.log if h.host.startswith("localhost")}
    assert not requested  # the other host is never asked
    attachment_hits = [h for h in site.server.log if h.path.startswith("/files/")]
    assert all(h.headers.get("referer") == site.page_url for h in attachment_hits)


def test_a_build_reads_the_attachments_with_their_pages_metadata(crawled) -> None:
    site, out = crawled
    summary = build([str(out / "archive")], out / "build", jobs=1)
    assert summary.documents == 1 + len(site.archived)
    with sqlite3.connect(out / "build" / "bulletins.db") as db:
        rows = {url: (attached, title, published, publisher) for url, attached, title,
                published, publisher in db.execute(
                    "select url, attached_to, title, published, publisher from bulletins")}
        table_facts = db.execute(
            "select count(*) from facts f join bulletins b using (doc_id) where b.url = ? "
            "and f.publisher is not null", (site.server.url("/files/table.xlsx"),)).fetchone()
    page = rows[site.page_url]
    assert page[0] is None and page[1].endswith("完成情况通报")
    table = rows[site.server.url("/files/table.xlsx")]
    assert table == (site.page_url, page[1], "2024-07-16", page[3])
    assert rows[site.server.url("/files/report.docx")][1] == "湄潭县2023年重点项目推进情况"
    assert table_facts[0] >= 2  # 60公里, 38.6公里, 3条 … with the page's publisher


def test_attachment_links_are_found_by_suffix_and_by_their_label() -> None:
    html = ('<a href="/a/x.DOCX#p">x</a><a href="/dl.jsp?id=3">附件2：推进情况表</a>'
            '<a href="/news.html">新闻</a><a href="/b.pdf">重复</a><a href="/b.pdf">重复</a>'
            '<a href="javascript:void(0)">附件</a>').encode()
    found = attachment_links("http://x.gov.cn/col/p.html", html, "text/html; charset=utf-8")
    assert [a.url for a in found] == ["http://x.gov.cn/a/x.DOCX", "http://x.gov.cn/dl.jsp?id=3",
                                      "http://x.gov.cn/b.pdf"]
