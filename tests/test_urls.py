"""scrapers/urls.py: one spelling per address, by the WHATWG rules."""

from __future__ import annotations

import pytest

from scrapers.urls import BadUrl, canonical_url


@pytest.mark.parametrize(("raw", "canonical"), [
    ("HTTP://LOCALHOST:8000/a", "http://localhost:8000/a"),
    ("http://user:pw@localhost:08000/a", "http://localhost:8000/a"),
    ("http://h:80/a", "http://h/a"),
    ("https://h:443", "https://h/"),
    ("http://h/x/../y/./z#frag", "http://h/y/z"),
    ("http://h/ok/七月.html", "http://h/ok/%E4%B8%83%E6%9C%88.html"),
    ("http://h/a\u200bb\x7f\x1bc", "http://h/a%E2%80%8Bb%7F%1Bc"),
    ("http://h/a b?q=中 '", "http://h/a%20b?q=%E4%B8%AD%20%27"),
    ("http://h/a%20b", "http://h/a%20b"),
    (" \thttp://h/\na\n ", "http://h/a"),
    ("http://例子.中国/", "http://xn--fsqu00a.xn--fiqs8s/"),
    ("http://[0:0::1]:81/", "http://[::1]:81/"),
])
def test_canonical_spellings(raw: str, canonical: str) -> None:
    assert canonical_url(raw) == canonical
    assert canonical_url(canonical) == canonical


@pytest.mark.parametrize("raw", ["http://exa mple.com/", "http://[::1/", "ftp://h/",
                                 "http:///a", "http://h:99999/", "http://xn--zz/"])
def test_addresses_that_cannot_be_made_valid(raw: str) -> None:
    with pytest.raises(BadUrl):
        canonical_url(raw)
