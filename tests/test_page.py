"""read_page builds its Bulletin by copying the fields in (extractors.records.frozen_record)."""

from __future__ import annotations

import dataclasses

from pipeline.read.page import read_page
from pipeline.records import Bulletin, Page

PAGE = ("<html><head><title>市发展改革委关于2023年三季度重点任务落实情况的通报</title></head><body>"
        "<div class='TRS_Editor'><p>我委共牵头负责3项重点任务,已完成2项。</p>"
        "<p>一、推进项目建设</p><p>完成投资3.5亿元。</p></div></body></html>")


def test_read_page_builds_the_bulletin_its_init_builds() -> None:
    """Sound only while Bulletin checks nothing after __init__ and read_page gives every
    field: a field added with a default and not given would be missing, not defaulted."""
    assert not hasattr(Bulletin, "__post_init__")
    fast = read_page(Page("p.html", PAGE.encode("utf-8"), url="http://example.gov.cn/a.html",
                          publisher="外部"))
    assert list(vars(fast)) == [f.name for f in dataclasses.fields(Bulletin)]
    plain = Bulletin(**vars(fast))
    assert fast == plain and hash(fast) == hash(plain)
    assert fast.title and fast.summary.lead == 3 and fast.url == "http://example.gov.cn/a.html"
