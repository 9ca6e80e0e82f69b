"""List pages → links and pagination, for each pagination style gov CMSs print."""

from __future__ import annotations

import pytest

from scrapers.listing import date_of, read_list, sniff_charset

BASE = "http://example.gov.cn/zfxxgk/jczx/index.html"

# fmt: off
PAGINATION = [
    # TRS: the pager exists only as a script call; the first page is index.html, then _1, _2.
    ('<script>createPageHTML(3, 0, "index", "html");</script>',
     ["http://example.gov.cn/zfxxgk/jczx/index_1.html",
      "http://example.gov.cn/zfxxgk/jczx/index_2.html"]),
    ('<script>var countPage = 2;</script>',
     ["http://example.gov.cn/zfxxgk/jczx/index_1.html"]),
    # Static index_N links.
    ('<div><a href="index_1.html">2</a> <a href="index_2.html">3</a></div>',
     ["http://example.gov.cn/zfxxgk/jczx/index_1.html",
      "http://example.gov.cn/zfxxgk/jczx/index_2.html"]),
    # 下一页 with an href that looks like nothing in particular.
    ('<a href="list-2.htm">下一页</a>', ["http://example.gov.cn/zfxxgk/jczx/list-2.htm"]),
    # ?page=N query strings.
    ('<a href="?page=2">2</a><a href="?page=3">3</a>',
     ["http://example.gov.cn/zfxxgk/jczx/index.html?page=2",
      "http://example.gov.cn/zfxxgk/jczx/index.html?page=3"]),
    ('<a href="/col/col57/index.html?uid=1&pageNum=2">2</a>',
     ["http://example.gov.cn/col/col57/index.html?uid=1&pageNum=2"]),
    # Bare page numbers inside a pager box (VSB-style /<col>/<N>.htm).
    ('<div class="pagination"><a href="jczx/2.htm">2</a></div>',
     ["http://example.gov.cn/zfxxgk/jczx/jczx/2.htm"]),
    ('<a href="javascript:goPage(2)">下一页</a>', []),
]
# fmt: on


@pytest.mark.parametrize(("html", "pages"), PAGINATION)
def test_pagination_styles(html: str, pages: list[str]) -> None:
    assert list(read_list(BASE, html.encode()).pages) == pages


def test_links_are_absolute_titled_dated_and_not_pagination() -> None:
    html = """<ul class="list"><li><a href="./201708/t20170818_1.html"
          title="辽宁省《政府工作报告》2017年七月份工作完成情况">
          辽宁省《政府工作报告》2017年七…</a><span>2017-08-18</span></li>
      <li><a href="../../art/2017/8/1/art_57_2.html">省工业和信息化厅通知</a></li>
      <li><a href="http://other.gov.cn/x.html#top">外站</a></li>
    </ul><a href="index_1.html">下一页</a>"""
    page = read_list(BASE, html.encode())
    assert [(link.url, link.date) for link in page.links] == [
        ("http://example.gov.cn/zfxxgk/jczx/201708/t20170818_1.html", "2017-08-18"),
        ("http://example.gov.cn/art/2017/8/1/art_57_2.html", "2017-08-01"),
        ("http://other.gov.cn/x.html", None),
    ]
    assert page.links[0].title == "辽宁省《政府工作报告》2017年七月份工作完成情况"
    assert page.links[0].referrer == BASE


def test_selector_limits_links_to_the_list() -> None:
    html = '<div class="side"><a href="a.html">政府工作报告完成情况</a></div>' \
           '<ul class="list"><li><a href="b.html">政府工作报告完成情况</a></li></ul>'
    page = read_list(BASE, html.encode(), selector="ul.list")
    assert [link.url.rsplit("/", 1)[1] for link in page.links] == ["b.html"]


def test_gbk_list_with_charset_only_in_meta() -> None:
    html = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' \
           '<a href="t.html" title="我厅七月份工作完成情况">x</a>'
    page = read_list(BASE, html.encode("gbk"), "text/html")
    assert page.links[0].title == "我厅七月份工作完成情况"


@pytest.mark.parametrize(
    ("content", "content_type", "charset"),
    [
        (b'<meta charset="GBK">', None, "gb18030"),
        (b'<meta charset="gbk">', "text/html; charset=utf-8", "utf-8"),
        (b"\xef\xbb\xbf<p>", "text/html", "utf-8"),
        (b"<p>", None, "utf-8"),
        (b'<meta charset="no-such-codec">', None, "utf-8"),
    ],
)
def test_sniff_charset(content: bytes, content_type: str | None, charset: str) -> None:
    assert sniff_charset(content, content_type) == charset


@pytest.mark.parametrize(
    ("url", "row", "date"),
    [
        ("http://x/a.html", "标题 2017-08-18", "2017-08-18"),
        ("http://x/a.html", "[2017年8月1日]", "2017-08-01"),
        ("http://x/jczx/201708/t20170818_1.html", "", "2017-08-18"),
        ("http://x/art/2017/8/1/art_57_2.html", "", "2017-08-01"),
        ("http://x/a.html", "第2017-13-45期", None),
        ("http://x/a.html", "", None),
    ],
)
def test_date_of(url: str, row: str, date: str | None) -> None:
    assert date_of(url, row) == date
