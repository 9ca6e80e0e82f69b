"""Site profiles from corpus/sites.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import SITES
from scrapers.errors import CrawlSetupError
from scrapers.profiles import (
    DEFAULT_TITLE_PATTERN,
    Profile,
    get_profile,
    load_sites,
    profile_for_list,
)


def test_the_shipped_sites_file_has_the_seed_publishers_profile() -> None:
    profiles, config = load_sites(SITES)
    kjt = get_profile(profiles, "liaoning-kjt", SITES)
    assert kjt.allowed_hosts == frozenset({"kjt.ln.gov.cn"})
    assert kjt.wants("https://kjt.ln.gov.cn/kjt/jczx/201708/t20170818_3051234.html",
                     "辽宁省《政府工作报告》2017年七月份工作完成情况")
    assert config.delay == 1.0 and config.concurrency == 1


@pytest.mark.parametrize(
    ("title", "wanted"),
    [
        ("辽宁省《政府工作报告》2017年七月份工作完成情况", True),
        ("关于2018年政府工作报告重点任务落实情况的报告", True),
        ("2017年省《政府工作报告》重点任务分工方案", False),
        ("2017年政府信息公开工作年度报告", False),
    ],
)
def test_default_title_pattern(title: str, wanted: bool) -> None:
    profile = Profile("p", ("http://h/",), frozenset({"h"}), DEFAULT_TITLE_PATTERN)
    assert profile.wants("http://h/a.html", title) is wanted


def test_allowed_hosts_with_and_without_port() -> None:
    profile = Profile("p", ("http://h/",), frozenset({"gov.cn.example", "127.0.0.1:8000"}))
    assert profile.allows("https://gov.cn.example:8443/x")
    assert profile.allows("http://127.0.0.1:8000/x")
    assert not profile.allows("http://127.0.0.1:8001/x")
    assert not profile.allows("http://localhost:8000/x")
    assert not profile.allows("ftp://gov.cn.example/x")


def test_unknown_profile_names_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text('[sites.a]\nstart_urls = ["http://a.example/"]\n', encoding="utf-8")
    profiles, _ = load_sites(path)
    assert profiles["a"].allowed_hosts == frozenset({"a.example"})
    with pytest.raises(CrawlSetupError, match=r"known: a\); add a \[sites.NAME\]"):
        get_profile(profiles, "b", path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sites.a]\n", "has no start_urls"),
        ('[sites.a]\nstart_urls = ["http://a/"]\ntitle_pattern = "("\n', "not a valid regular"),
        ("[sites.a\n", "not valid TOML"),
    ],
)
def test_bad_sites_files_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CrawlSetupError, match=message):
        load_sites(path)


def test_missing_sites_file(tmp_path: Path) -> None:
    with pytest.raises(CrawlSetupError, match="no sites file"):
        load_sites(tmp_path / "none.toml")


def test_profile_for_list() -> None:
    profile = profile_for_list("http://h.example:81/col/index.html")
    assert profile.allowed_hosts == frozenset({"h.example:81"})
    assert profile.title_pattern == DEFAULT_TITLE_PATTERN
