"""A synthetic disclosure site: two publishers, a year of monthly progress bulletins.

Deterministic from a seed. Generation is split in two so later work can plant anomalies:
``plan_bulletins`` makes ground-truth records (frozen dataclasses: what each bulletin
claims), ``render_bulletin`` turns one record into the page a CMS would serve. To plant an
anomaly, ``dataclasses.replace`` a planned record (a count that shrinks, a tally that does
not add up, a status that flips back) before rendering; the record is the answer key.

Pages are HTML as old provincial CMSs serve them: GBK bytes with the charset named only in
``<meta>`` (the HTTP header says ``text/html``), seed-like chrome (breadcrumb, 发布时间,
【关闭窗口】), full-width punctuation. Each publisher's list uses a different pagination
style (FORMATS.md §8).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

from extractors.buckets import FAMILY_OF_PHRASE, STATUS_OF_FAMILY

MONTH_NAMES = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
# trs: index.html, index_N.html counted by a createPageHTML script only; index: the same
# pages as static links with 下一页; query: index.jsp?page=N links with 下一页.
PAGINATION_STYLES = ("trs", "index", "query")
# Five rows per list page gives each publisher several list pages from one year of bulletins.
PER_LIST_PAGE = 5


@dataclass(frozen=True)
class Counter:
    """A cumulative measure a task reports every month: ``共举办72场对接活动``."""

    predicate: str
    unit: str
    object: str
    start: tuple[int, int]
    step: tuple[int, int]


@dataclass(frozen=True)
class TaskSpec:
    """A task from the province's decomposition plan, as one publisher reports on it."""

    no: int
    title: str
    prose: str
    counters: tuple[Counter, ...] = ()
    lead: bool = True


@dataclass(frozen=True)
class Publisher:
    key: str
    name: str
    short: str
    region: str
    column: str
    style: str
    charset: str
    title_format: str
    notices: tuple[str, ...]
    tasks: tuple[TaskSpec, ...]


@dataclass(frozen=True)
class Count:
    """One count as printed; ``text`` occurs verbatim in the bulletin."""

    value: int
    unit: str
    object: str
    predicate: str

    @property
    def text(self) -> str:
        return f"共{self.predicate}{self.value}{self.unit}{self.object}"


@dataclass(frozen=True)
class TaskReport:
    no: int
    title: str
    prose: str
    counts: tuple[Count, ...] = ()
    status_text: str | None = None

    @property
    def status(self) -> str | None:
        """The section status its marker reads as (the pipeline's own vocabulary)."""
        if not self.status_text:
            return None
        return STATUS_OF_FAMILY[FAMILY_OF_PHRASE[self.status_text.strip("（）()")]]


@dataclass(frozen=True)
class BulletinTruth:
    """What one bulletin says, and where it lives on the site."""

    publisher: str
    publisher_name: str
    region: str
    title: str
    period: str
    month: int
    published: str
    path: str
    lead: int
    responsible: int
    completed: int
    tasks: tuple[TaskReport, ...]

    @property
    def remaining(self) -> int:
        return self.lead + self.responsible - self.completed


@dataclass(frozen=True)
class ListEntry:
    title: str
    path: str
    date: str


@dataclass(frozen=True)
class SitePage:
    """Bytes as served; ``encoding`` is what the page's own ``<meta>`` declares."""

    path: str
    content: bytes
    encoding: str
    content_type: str = "text/html"


@dataclass(frozen=True)
class PublisherSite:
    publisher: Publisher
    bulletins: tuple[BulletinTruth, ...]
    pages: tuple[SitePage, ...]
    list_paths: tuple[str, ...]
    entries: tuple[ListEntry, ...]

    @property
    def start_path(self) -> str:
        return self.list_paths[0]


@dataclass(frozen=True)
class SyntheticSite:
    seed: int
    year: int
    sites: tuple[PublisherSite, ...]


KJT = Publisher(
    key="kjt",
    name="辽宁省科学技术厅",
    short="我厅",
    region="辽宁省",
    column="/zfxxgk/jczx/",
    style="trs",
    charset="gbk",
    title_format="辽宁省《政府工作报告》{year}年{month}月份工作完成情况",
    notices=(
        "关于开展{year}年全省科技活动周的通知",
        "省科技厅{year}年度部门预算公开",
        "{year}年省《政府工作报告》重点任务分工方案",
        "关于征集{next}年度科技计划项目的通知",
        "{year}年政府信息公开工作年度报告",
    ),
    tasks=(
        TaskSpec(99, "发展壮大高新技术产业。", "大力实施“高企三年倍增计划”，组织高新技术企业评审。",
                 (Counter("上会评审", "家", "高新技术企业", (20, 40), (5, 30)),)),
        TaskSpec(146, "出台科技强省建设实施方案。",
                 "召开全省科技创新大会，起草实施方案并征求意见。"),
        TaskSpec(148, "支持一批重大科技项目，攻克一批重大关键技术。",
                 "推进实施“科技成果转化年”活动，对科技成果和技术需求建立台账。",
                 (Counter("举办", "场", "对接活动", (5, 12), (4, 12)),)),
        TaskSpec(151, "新建一批“双创”示范基地和专业化众创空间。",
                 "加强众创空间规划布局，组织省级众创空间备案。",
                 (Counter("备案", "家", "众创空间", (3, 8), (2, 9)),
                  Counter("入驻", "个", "企业和团队", (60, 150), (40, 200)))),
        TaskSpec(158, "落实以知识价值为导向的分配政策，激发科研人员创新活力。",
                 "会同省人社厅研究制定实施意见，组织政策宣传培训。",
                 (Counter("培训", "名", "管理干部", (30, 60), (10, 50)),), lead=False),
        TaskSpec(164, "推进沈阳全面创新改革试验区建设。",
                 "继续完善科技创新载体，推进东北科技大市场建设。", lead=False),
    ),
)

GXT = Publisher(
    key="gxt",
    name="辽宁省工业和信息化厅",
    short="我厅",
    region="辽宁省",
    column="/xxgk/zdgz/",
    style="query",
    charset="gb2312",
    title_format="省工业和信息化厅关于《政府工作报告》{year}年{month}月份重点任务落实情况",
    notices=(
        "关于公布{year}年省级企业技术中心名单的通知",
        "关于组织申报{year}年工业转型升级资金项目的通知",
        "省工业和信息化厅{year}年度部门决算公开",
        "关于开展{year}年中小企业服务月活动的通知",
    ),
    tasks=(
        TaskSpec(12, "推进智能制造，建设一批数字化车间。",
                 "组织企业开展智能化改造诊断，推广工业机器人应用。",
                 (Counter("认定", "个", "数字化车间", (2, 6), (1, 5)),)),
        TaskSpec(15, "实施工业强基工程。", "梳理重点产业基础能力短板，建立项目储备库。",
                 (Counter("储备", "项", "强基项目", (10, 30), (3, 12)),)),
        TaskSpec(33, "培育专精特新中小企业。", "开展专精特新企业梯度培育，组织银企对接。",
                 (Counter("培育", "户", "专精特新企业", (40, 90), (10, 40)),
                  Counter("组织", "场", "银企对接会", (1, 4), (1, 3)))),
        TaskSpec(41, "加快工业互联网平台建设。", "推动企业上云上平台，完善标识解析节点。"),
        TaskSpec(57, "推进县域工业园区提质增效。", "开展园区综合评价，推动园区整合提升。",
                 lead=False),
    ),
)

PUBLISHERS = (KJT, GXT)


def generate_site(
    seed: int = 0, year: int = 2017, publishers: tuple[Publisher, ...] = PUBLISHERS
) -> SyntheticSite:
    """A year of bulletins per publisher, with their list pages; deterministic from ``seed``."""
    sites = []
    for i, publisher in enumerate(publishers):
        rng = random.Random(f"{seed}:{i}:{publisher.key}")
        bulletins = plan_bulletins(publisher, year, rng)
        sites.append(publisher_site(publisher, bulletins, year, rng))
    return SyntheticSite(seed, year, tuple(sites))


def publisher_site(
    publisher: Publisher, bulletins: list[BulletinTruth], year: int, rng: random.Random
) -> PublisherSite:
    """A publisher's column: the given bulletins among its notices, with the list pages."""
    pages = [
        SitePage(b.path, render_bulletin(b, publisher).encode(publisher.charset),
                 publisher.charset)
        for b in bulletins
    ]
    entries = [ListEntry(b.title, b.path, b.published) for b in bulletins]
    for notice in plan_notices(publisher, year, rng):
        entries.append(notice)
        html = render_notice(notice, publisher)
        pages.append(SitePage(notice.path, html.encode(publisher.charset), publisher.charset))
    return _with_lists(publisher, tuple(bulletins), pages, entries)


def add_entries(site: PublisherSite, extra: list[ListEntry]) -> PublisherSite:
    """The same site with more rows in its column (their pages are the caller's to serve)."""
    lists = set(site.list_paths)
    pages = [p for p in site.pages if p.path not in lists]
    return _with_lists(site.publisher, site.bulletins, pages, [*site.entries, *extra])


def _with_lists(
    publisher: Publisher, bulletins: tuple[BulletinTruth, ...], pages: list[SitePage],
    entries: list[ListEntry],
) -> PublisherSite:
    entries = sorted(entries, key=lambda e: (e.date, e.path), reverse=True)
    lists = render_list_pages(publisher, entries)
    return PublisherSite(publisher, bulletins, (*pages, *lists), tuple(p.path for p in lists),
                         tuple(entries))


def plan_bulletins(publisher: Publisher, year: int, rng: random.Random) -> list[BulletinTruth]:
    """Ground truth for twelve monthly bulletins: cumulative counts, tasks completing in turn."""
    done_in = {t.no: rng.choice((None, *range(3, 13))) for t in publisher.tasks}
    totals = {
        (t.no, c.object): rng.randint(*c.start) for t in publisher.tasks for c in t.counters
    }
    bulletins = []
    for month in range(1, 13):
        if month > 1:
            for task in publisher.tasks:
                for c in task.counters:
                    totals[(task.no, c.object)] += rng.randint(*c.step)
        reports = tuple(
            TaskReport(
                t.no,
                t.title,
                t.prose,
                tuple(Count(totals[(t.no, c.object)], c.unit, c.object, c.predicate)
                      for c in t.counters),
                "（已完成）" if done_in[t.no] is not None and done_in[t.no] <= month else None,
            )
            for t in publisher.tasks
        )
        bulletins.append(_bulletin(publisher, year, month, reports, rng))
    return bulletins


def _bulletin(
    publisher: Publisher, year: int, month: int, reports: tuple[TaskReport, ...],
    rng: random.Random,
) -> BulletinTruth:
    pub_year, pub_month = (year, month + 1) if month < 12 else (year + 1, 1)
    day = rng.randint(8, 25)
    published = f"{pub_year}-{pub_month:02d}-{day:02d}"
    return BulletinTruth(
        publisher=publisher.key,
        publisher_name=publisher.name,
        region=publisher.region,
        title=publisher.title_format.format(year=year, month=MONTH_NAMES[month - 1]),
        period=f"{year}-{month:02d}",
        month=month,
        published=published,
        path=_article_path(publisher, published, rng),
        lead=sum(t.lead for t in publisher.tasks),
        responsible=sum(not t.lead for t in publisher.tasks),
        completed=sum(r.status == "completed" for r in reports),
        tasks=reports,
    )


def plan_notices(publisher: Publisher, year: int, rng: random.Random) -> list[ListEntry]:
    """Other documents in the same column, which a crawl must leave alone."""
    out = []
    for template in publisher.notices:
        month = rng.randint(1, 12)
        date = f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
        out.append(ListEntry(template.format(year=year, next=year + 1),
                             _article_path(publisher, date, rng), date))
    return out


def _article_path(publisher: Publisher, date: str, rng: random.Random) -> str:
    y, m, d = date.split("-")
    docid = rng.randint(1_000_000, 9_999_999)
    if publisher.style == "query":  # Hanweb-style article URLs outside the column folder
        return f"/art/{y}/{int(m)}/{int(d)}/art_57_{docid}.html"
    return f"{publisher.column}{y}{m}/t{y}{m}{d}_{docid}.html"


def bulletin_paragraphs(b: BulletinTruth) -> Iterator[str]:
    """The body of a bulletin, paragraph by paragraph, in the seed's wording."""
    yield (
        f"根据{b.region}人民政府关于印发《{b.period[:4]}年省〈政府工作报告〉任务分解方案》的通知，"
        f"我厅共牵头负责{b.lead}项、责任负责{b.responsible}项重点任务的推进落实。"
        f"截至{b.month}月底，已完成任务{b.completed}项，其余{b.remaining}项任务完成计划月度任务。"
    )
    for task in b.tasks:
        yield f"{task.no}.{task.title}"
        claims = "".join(f"截至{b.month}月底{c.text}。" for c in task.counts)
        yield f"完成情况：{task.prose}{claims}{task.status_text or ''}"


def render_bulletin(b: BulletinTruth, publisher: Publisher) -> str:
    body = "\n".join(_paragraph(p) for p in bulletin_paragraphs(b))
    return _page(publisher, b.title, f"发布时间:{b.published}", body)


def render_notice(entry: ListEntry, publisher: Publisher) -> str:
    body = _paragraph(f"{entry.title}，详见附件。")
    return _page(publisher, entry.title, f"发布时间:{entry.date}", body)


def _paragraph(text: str) -> str:
    return f'<p style="text-indent: 2em;">{escape(text)}</p>'


def _page(publisher: Publisher, title: str, info: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f'<meta http-equiv="Content-Type" content="text/html; charset={publisher.charset}">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n"
        f'<div class="nav">首页&gt;&gt;信息公开&gt;&gt;决策执行</div>\n'
        f'<div class="article">\n<h1>{escape(title)}</h1>\n<div class="info">{info}</div>\n'
        f'<div class="TRS_Editor">\n{body}\n</div>\n'
        '<div class="tools">【关闭窗口】 【打印文章】</div>\n</div>\n'
        f'<div class="footer">版权所有：{publisher.name}</div>\n</body>\n</html>\n'
    )


def render_list_pages(
    publisher: Publisher, entries: list[ListEntry], per_page: int = PER_LIST_PAGE
) -> list[SitePage]:
    """The column's list pages, newest first, paginated in ``publisher.style``."""
    chunks = [entries[i:i + per_page] for i in range(0, len(entries), per_page)] or [[]]
    paths = [list_page_path(publisher, n) for n in range(len(chunks))]
    pages = []
    for n, chunk in enumerate(chunks):
        rows = "\n".join(_list_row(publisher, paths[n], e) for e in chunk)
        html = _page(publisher, f"决策执行_{publisher.name}", "",
                     f'<ul class="list">\n{rows}\n</ul>\n{_pager(publisher, n, len(chunks))}')
        pages.append(SitePage(paths[n], html.encode(publisher.charset), publisher.charset))
    return pages


def list_page_path(publisher: Publisher, n: int) -> str:
    """Path of the n-th list page (0 is the column's front page)."""
    if publisher.style == "query":
        return f"{publisher.column}index.jsp" + (f"?page={n + 1}" if n else "")
    return f"{publisher.column}index" + (f"_{n}" if n else "") + ".html"


def _list_row(publisher: Publisher, list_path: str, entry: ListEntry) -> str:
    href = entry.path if "://" in entry.path else relative_href(list_path, entry.path)
    # TRS lists cut long titles in the text and keep the whole one in the title attribute.
    shown = entry.title if len(entry.title) <= 24 else entry.title[:22] + "…"
    return (f'<li><a href="{escape(href)}" title="{escape(entry.title)}" target="_blank">'
            f"{escape(shown)}</a><span>{entry.date}</span></li>")


def relative_href(from_path: str, to_path: str) -> str:
    """``to_path`` relative to the page at ``from_path``, as CMS templates write links."""
    base = from_path.split("?")[0].rsplit("/", 1)[0].strip("/").split("/")
    target = to_path.strip("/").split("/")
    common = 0
    while common < min(len(base), len(target) - 1) and base[common] == target[common]:
        common += 1
    ups = len(base) - common if base != [""] else 0
    rel = "/".join(target[common:])
    return ("../" * ups or "./") + rel


def _pager(publisher: Publisher, n: int, count: int) -> str:
    if publisher.style == "trs":  # links exist only once this script runs in a browser
        return (f'<div class="page"><script type="text/javascript">\nvar countPage = {count};\n'
                f'createPageHTML({count}, {n}, "index", "html");\n</script></div>')
    links = []
    for k in range(count):
        if k == n:
            links.append(f"<span>{k + 1}</span>")
        elif publisher.style == "query":
            links.append(f'<a href="{"?page=" + str(k + 1) if k else "index.jsp"}">{k + 1}</a>')
        else:
            links.append(f'<a href="index{"_" + str(k) if k else ""}.html">{k + 1}</a>')
    if n + 1 < count:
        nxt = f"?page={n + 2}" if publisher.style == "query" else f"index_{n + 1}.html"
        links.append(f'<a href="{nxt}">下一页</a>')
    return '<div class="page">' + " ".join(links) + "</div>"
