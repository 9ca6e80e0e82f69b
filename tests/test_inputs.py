"""Inputs → Pages: files, folders, WARC, URLs; every bad input is reported, never raised."""

from __future__ import annotations

import gzip
import io
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.errors import UnreadableInput
from pipeline.read.inputs import fetch_page, iter_pages, sorted_files
from pipeline.read.page import read_page
from pipeline.records import Page
from tests.helpers import SHARED, needs_shared

GBK_PAGE = ("<html><head><meta charset='gb2312'><title>通报</title></head><body>"
            "<p>某县2019年三季度重点任务完成情况通报</p><p>截至9月底,已完成任务3项。</p>"
            "</body></html>").encode("gbk")

BAD_FILES = [
    # id, bytes, word the reason must contain
    ("empty", b"", "empty"),
    ("blank", b"  \n\n ", "empty"),
    ("binary-garbage", bytes(range(256)) * 8, "binary"),
    # attachments are read, so truncated ones are reported as such
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "corrupt or truncated"),
    ("docx-zip", b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "corrupt or truncated"),
    ("word-ole", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "corrupt or truncated"),
]


@pytest.mark.parametrize(("content", "word"), [c[1:] for c in BAD_FILES],
                         ids=[c[0] for c in BAD_FILES])
def test_bad_files_are_reported_not_raised(tmp_path, content, word):
    path = tmp_path / "doc.txt"
    path.write_bytes(content)
    [item] = list(iter_pages([str(path)]))
    assert isinstance(item, UnreadableInput)
    assert item.source == str(path) and word in item.reason and "\n" not in item.reason


@pytest.mark.parametrize(("content", "word"), [c[1:] for c in BAD_FILES[2:]],
                         ids=[c[0] for c in BAD_FILES[2:]])
def test_read_page_raises_for_non_text(content, word):
    with pytest.raises(UnreadableInput, match=word):
        read_page(Page(source="x.bin", content=content))


def test_missing_path_and_empty_folder(tmp_path):
    (tmp_path / "notes.json").write_text("{}")
    missing, empty = iter_pages([str(tmp_path / "nope.txt"), str(tmp_path)])
    assert isinstance(missing, UnreadableInput) and "no such file" in missing.reason
    assert isinstance(empty, UnreadableInput) and "no .txt" in empty.reason


def test_folder_is_recursive_sorted_and_filtered(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.html").write_text("<p>二</p><p>完成</p>", encoding="utf-8")
    (tmp_path / "a.txt").write_text("一", encoding="utf-8")
    (tmp_path / "c.shtml").write_text("<p>三</p><p>完成</p>", encoding="utf-8")
    (tmp_path / "SOURCES.tsv").write_text("file\turl")
    (tmp_path / "attachment.pdf").write_bytes(b"%PDF-1.4")
    items = list(iter_pages([str(tmp_path), str(tmp_path / "a.txt")]))
    names = [Path(i.source).name for i in items]
    assert names == ["a.txt", "attachment.pdf", "2.html", "c.shtml", "a.txt"]
    assert isinstance(items[1], UnreadableInput) and "PDF" in items[1].reason
    assert "corrupt or truncated" in items[1].reason



def test_folder_walk_lists_what_sorted_rglob_lists(tmp_path):
    """The walk one folder at a time gives the files of ``sorted(rglob)``, in its order,
    where names of folders and files interleave and symlinks point anywhere."""
    tree = tmp_path / "in"
    for rel in ("a/z.txt", "a/b/c.html", "a.txt", "a-b/x.txt", "a b.txt", "A.TXT", ".hidden.txt",
                "ä/甲.html", "z/a/a/a.txt", "notes.json", "x.txt/inside.txt"):
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text("一")
    (tree / "empty").mkdir()
    (tree / "link-to-file.txt").symlink_to(tree / "a.txt")
    (tree / "link-to-folder").symlink_to(tree / "a")
    (tree / "broken.txt").symlink_to(tree / "gone.txt")
    # a name that is no UTF-8, as a Windows zip leaves one
    (tree / os.fsdecode(b"\xd6\xd0.txt")).write_text("一")
    expected = sorted(p for p in tree.rglob("*") if p.is_file())
    assert list(sorted_files(tree)) == expected
    assert [str(p) for p in sorted_files(tree)] == [str(p) for p in expected]
    assert tree / "a" / "b" / "c.html" in expected and tree / "link-to-file.txt" in expected


def _warc_record(writer: WARCWriter, url: str, body: bytes, status: str = "200 OK") -> None:
    headers = StatusAndHeaders(status, [("Content-Type", "text/html; charset=gbk")],
                               protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                  http_headers=headers))


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_reads_2xx_records_and_survives_a_corrupt_one(tmp_path, gz):
    parts = []
    for url, status in (("http://x.gov.cn/1.html", "200 OK"), ("http://x.gov.cn/2.html", "200 OK"),
                        ("http://x.gov.cn/gone.html", "404 Not Found")):
        buf = io.BytesIO()
        _warc_record(WARCWriter(buf, gzip=gz), url, GBK_PAGE, status)
        parts.append(buf.getvalue())
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(parts[0] + b"not a warc record\r\n\r\n" + parts[1] + parts[2])
    items = list(iter_pages([str(path)]))
    assert [type(i).__name__ for i in items] == ["Page", "UnreadableInput", "Page"]
    first, problem, second = items
    assert (first.url, second.url) == ("http://x.gov.cn/1.html", "http://x.gov.cn/2.html")
    assert first.header("content-type") == "text/html; charset=gbk" and first.fetched
    assert "corrupt WARC record" in problem.reason and "offset" in problem.reason
    bulletin = read_page(second)
    assert "已完成任务3项" in bulletin.text and bulletin.encoding == "gb18030"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/gbk.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=gbk")
            self.end_headers()
            self.wfile.write(GBK_PAGE)
        elif self.path == "/gzip-bomb.html":
            body = gzip.compress(b"<p>" + b"0" * 3_000_000)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/gbk.html")
            self.end_headers()
        else:
            self.send_response(404)
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_fetch_gbk_page_with_redirect(server):
    [page] = list(iter_pages([f"{server}/moved"]))
    assert isinstance(page, Page)
    assert page.url == f"{server}/gbk.html" and page.header("content-type").endswith("gbk")
    bulletin = read_page(page)
    assert bulletin.title == "某县2019年三季度重点任务完成情况通报"
    assert bulletin.period == "2019-Q3"
    assert bulletin.summary.completed == 3


def test_url_larger_than_the_limit_is_refused_while_streaming(server):
    item = fetch_page(f"{server}/gzip-bomb.html", max_bytes=1_000_000)
    assert isinstance(item, UnreadableInput) and "larger than 1,000,000 bytes" in item.reason


def test_url_non_2xx_is_reported(server):
    [item] = list(iter_pages([f"{server}/missing.html"]))
    assert isinstance(item, UnreadableInput) and "HTTP 404" in item.reason


def test_unreachable_url_is_reported():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    [item] = list(iter_pages([f"http://127.0.0.1:{port}/x.html"]))
    assert isinstance(item, UnreadableInput) and "cannot fetch" in item.reason


def test_inputs_keep_their_order(tmp_path, server):
    a = tmp_path / "a.txt"
    a.write_text("甲", encoding="utf-8")
    specs = [f"{server}/gbk.html", str(tmp_path / "missing"), str(a)]
    assert [i.source for i in iter_pages(specs)] == specs


def _corpus_files() -> list[Path]:
    files = [p for p in sorted((SHARED / "corpus" / "real").glob("*")) if p.suffix != ".tsv"]
    return files + sorted((SHARED / "corpus" / "seed").glob("*.txt"))


@needs_shared
@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_every_real_document_reads(path):
    [page] = list(iter_pages([str(path)]))
    bulletin = read_page(page)
    assert bulletin.text.strip() and bulletin.sha256 == page.sha256
    assert not bulletin.sections and not bulletin.facts
