"""Linking, series and checks over whole tables: what ``bulletins diff`` and ``series``
call.

``derive_tables`` runs the audit of ``pipeline.audit.issues`` (what ``bulletins build``
runs, issue by issue) over dataset frames (notebooks, builds made before the audit
existed). All run the functions that ``diff`` runs on two files, so a finding reads the
same wherever it is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.audit.changes import ValueChange, identical, value_changes
from pipeline.audit.checks import diff_checks, sort_checks
from pipeline.audit.issues import audit
from pipeline.audit.linking import (
    group_of,
    link_tasks,
    ordered,
    period_order,
    series_of,
)
from pipeline.errors import UsageError
from pipeline.records import Bulletin, Check, Fact, Link, Section, SeriesRow
from pipeline.store import tables


def derive_tables(
    bulletins: pd.DataFrame, sections: pd.DataFrame, facts: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """{"sections", "facts", "series", "checks"}: the input sections with ``task_key``,
    ``link_score`` and ``link_method``; the facts with ``task_key`` and ``period``; and the
    two derived tables, every frame in a fixed row order."""
    records = frames_to_bulletins(bulletins, sections, facts)
    ids = {(str(d), int(s), int(e)): str(i) for d, s, e, i in zip(
        facts["doc_id"], facts["start"], facts["end"], facts["fact_id"], strict=True)}
    result = audit(records, lambda doc_id, fact: ids[(doc_id, fact.start, fact.end)])
    return {
        "sections": _with_links(sections, result.links),
        "facts": _facts_with_keys(facts, bulletins, result.links),
        "series": series_frame(result.series),
        "checks": checks_frame(result.checks),
    }


def series_frame(rows: Iterable[SeriesRow]) -> pd.DataFrame:
    frame = pd.DataFrame([tables.SERIES.to_row(r) for r in rows], columns=tables.SERIES.names)
    return frame.astype({"value": "float64", "repeated": "int64", "link_score": "Float64"})


def checks_frame(found: Iterable[Check]) -> pd.DataFrame:
    frame = pd.DataFrame([tables.CHECKS.to_row(c) for c in found], columns=tables.CHECKS.names)
    offsets = ["start", "end", "other_start", "other_end"]
    return frame.astype(dict.fromkeys(offsets, "Int64"))


def _with_links(sections: pd.DataFrame, links: dict[tuple[str, str], Link]) -> pd.DataFrame:
    out = sections.copy()
    found = [links.get((d, p)) for d, p in zip(out["doc_id"], out["path"], strict=True)]
    out["task_key"] = [link.task_key if link else None for link in found]
    out["link_score"] = pd.array([link.link_score if link else None for link in found],
                                 dtype="Float64")
    out["link_method"] = [link.link_method if link else None for link in found]
    return out.sort_values(["doc_id", "start", "path"], kind="stable").reset_index(drop=True)


def _facts_with_keys(
    facts: pd.DataFrame, bulletins: pd.DataFrame, links: dict[tuple[str, str], Link]
) -> pd.DataFrame:
    out = facts.copy()
    periods = dict(zip(bulletins["doc_id"], bulletins["period"], strict=True))
    out["task_key"] = [
        links[(d, s)].task_key if (d, s) in links else None
        for d, s in zip(out["doc_id"], out["section"], strict=True)
    ]
    out["period"] = [periods.get(d) for d in out["doc_id"]]
    return out.sort_values(["doc_id", "start", "end", "fact_id"], kind="stable").reset_index(
        drop=True)


# ------------------------------------------------------------------- frames → records

def frames_to_bulletins(
    bulletins: pd.DataFrame, sections: pd.DataFrame, facts: pd.DataFrame
) -> list[Bulletin]:
    """Records from the dataset tables, through the same mapping the writers use; frames of
    builds older than the heading offsets, or with plain tally names (``lead``), are read
    too."""
    bulletins = bulletins.rename(columns={
        name.removeprefix("summary_"): name for name in tables.BULLETINS.names
        if name.startswith("summary_")})
    if "title_start" not in sections:
        sections = _with_title_offsets(sections, bulletins)
    by_doc_sections: dict[str, list[Section]] = {}
    for row in sections.to_dict("records"):
        by_doc_sections.setdefault(row["doc_id"], []).append(tables.SECTIONS.to_record(row))
    by_doc_facts: dict[str, list[Fact]] = {}
    for row in facts.to_dict("records"):
        by_doc_facts.setdefault(row["doc_id"], []).append(tables.FACTS.to_record(row))
    return [
        tables.BULLETINS.to_record(
            row,
            sections=tuple(sorted(by_doc_sections.get(row["doc_id"], []),
                                  key=lambda s: (s.start, s.path))),
            facts=tuple(sorted(by_doc_facts.get(row["doc_id"], []),
                               key=lambda f: (f.start, f.end))),
        )
        for row in bulletins.to_dict("records")
    ]


def _with_title_offsets(sections: pd.DataFrame, bulletins: pd.DataFrame) -> pd.DataFrame:
    """A heading's offsets where a table lacks them: its title found in its section."""
    texts = dict(zip(bulletins["doc_id"], bulletins["text"], strict=True))
    starts, ends = [], []
    for doc, title, start, end in zip(sections["doc_id"], sections["title"], sections["start"],
                                      sections["end"], strict=True):
        title = title or ""
        found = texts.get(doc, "").find(title, int(start), int(end)) if title else -1
        starts.append(found if found >= 0 else int(start))
        ends.append(starts[-1] + len(title))
    return sections.assign(title_start=starts, title_end=ends)


# ------------------------------------------------------------------------ builds and diff

def read_build(out: str | Path) -> dict[str, pd.DataFrame]:
    """The bulletins, sections and facts tables of a build directory, from its Parquet."""
    out = Path(out)
    frames = {}
    for name in ("bulletins", "sections", "facts"):
        path = out / f"{name}.parquet"
        if not path.is_file():
            raise UsageError(f"{out}: no {name}.parquet: give a directory `bulletins build` "
                             "wrote")
        frames[name] = pd.read_parquet(path)
    return frames


def build_bulletins(out: str | Path) -> list[Bulletin]:
    frames = read_build(out)
    return frames_to_bulletins(frames["bulletins"], frames["sections"], frames["facts"])


@dataclass(frozen=True)
class Diff:
    """What a diff found: value changes per task and measure, and the audit findings."""

    identical: bool
    changes: list[ValueChange]
    checks: list[Check]

    def to_json(self) -> dict[str, object]:
        return {"identical": self.identical,
                "changes": [c.to_json() for c in self.changes],
                "checks": [c.to_json() for c in self.checks]}


def _diff(pairs: list[tuple[Bulletin, Bulletin]], links: dict[tuple[str, str], Link]) -> Diff:
    changes: list[ValueChange] = []
    checks: list[Check] = []
    for old, new in pairs:
        if identical(old, new):
            continue
        changes.extend(value_changes(old, new, links))
        checks.extend(diff_checks(old, new, links))
    return Diff(all(identical(o, n) for o, n in pairs), changes, sort_checks(checks))


def diff_bulletins(old: Bulletin, new: Bulletin) -> Diff:
    """Two documents compared as consecutive issues of one series: the user says they are."""
    return _diff([(old, new)], link_tasks([old, new], series=lambda _: ("", "")))


def diff_builds(old: list[Bulletin], new: list[Bulletin]) -> Diff:
    """Each report series' latest bulletin in ``old`` against its latest in ``new``."""
    both = {b.sha256: b for b in [*old, *new]}
    links = link_tasks(both.values())
    latest_old, latest_new = _latest(old), _latest(new)
    pairs = [(latest_old[g], latest_new[g])
             for g in sorted(latest_old.keys() & latest_new.keys())]
    if not pairs:  # nothing compared is no evidence that the builds agree
        raise UsageError("the two builds share no report series (publisher and title): "
                         "nothing to compare")
    return _diff(pairs, links)


def diff_periods(
    bulletins: list[Bulletin], old: str, new: str, publisher: str | None = None
) -> Diff:
    """Two periods of each publisher (or of the one named) inside one build."""
    links = link_tasks(bulletins)
    chosen: dict[tuple[tuple[str, str], str], Bulletin] = {}
    for b in ordered(bulletins):  # the latest-published bulletin of a period stands for it
        if publisher is None or publisher in group_of(b):
            chosen[(series_of(b), b.period or "")] = b
    groups = sorted({g for g, p in chosen if p == old} & {g for g, p in chosen if p == new})
    if not groups:
        raise UsageError(f"no publisher has bulletins for both {old} and {new}"
                         + (f" matching {publisher!r}" if publisher else ""))
    return _diff([(chosen[(g, old)], chosen[(g, new)]) for g in groups], links)


def _latest(bulletins: list[Bulletin]) -> dict[tuple[str, str], Bulletin]:
    return {series_of(b): b for b in ordered(bulletins)}  # in period order: the last one wins


# ------------------------------------------------------------------------ one task's series

def derived_tables(out: str | Path) -> dict[str, pd.DataFrame]:
    """A build's tables with task keys, series and checks: as stored, or derived when the
    build predates them."""
    frames = read_build(out)
    stored = {name: Path(out) / f"{name}.parquet" for name in ("series", "checks")}
    keyed = "task_key" in frames["sections"] and frames["sections"]["task_key"].notna().any()
    if keyed and all(path.is_file() for path in stored.values()):
        return {**frames, **{name: pd.read_parquet(path) for name, path in stored.items()}}
    return {**frames, **derive_tables(frames["bulletins"], frames["sections"], frames["facts"])}


def find_task(sections: pd.DataFrame, query: str) -> str:
    """The task key ``query`` names: a key, its `year/number` tail, or words of its title."""
    keyed = sections.dropna(subset=["task_key"])
    keys = sorted(keyed["task_key"].unique())
    if query in keys:
        return query
    hits = [k for k in keys if k.endswith("/" + query)]
    if not hits:
        hits = sorted(keyed.loc[keyed["title"].str.contains(query, regex=False, na=False),
                                "task_key"].unique())
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise UsageError(f"no task matches {query!r}: give a task_key (see sections.csv) or "
                         "words of a task's title")
    titles = keyed.drop_duplicates("task_key", keep="last").set_index("task_key")["title"]
    listed = "; ".join(f"{k} ({titles[k]})" for k in hits[:10])
    raise UsageError(f"{query!r} matches {len(hits)} tasks: {listed}; give one task_key")


def task_title(sections: pd.DataFrame, key: str) -> str:
    """The task's title as its latest bulletin words it."""
    rows = sections[sections["task_key"] == key]
    order = rows["period"].map(period_order) if "period" in rows else None
    if order is not None:
        rows = rows.assign(_order=order).sort_values("_order", kind="stable")
    return str(rows["title"].iloc[-1]) if len(rows) else key


# ------------------------------------------------------------------- records → frames

def bulletins_to_frames(bulletins: Iterable[Bulletin]) -> dict[str, pd.DataFrame]:
    """The bulletins, sections and facts frames of records, in the dataset's columns; a
    document given twice (the same bytes archived again) is one row, as a build keeps it."""
    rows: dict[str, list[tables.Row]] = {"bulletins": [], "sections": [], "facts": []}
    seen: set[str] = set()
    for b in bulletins:
        if b.sha256 in seen:
            continue
        seen.add(b.sha256)
        for name, more in tables.bulletin_rows(b).items():
            if name in rows:
                rows[name].extend(more)
    return {name: pd.DataFrame(found, columns=tables.TABLES[name].names)
            for name, found in rows.items()}
