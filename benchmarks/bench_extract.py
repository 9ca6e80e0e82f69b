"""Extraction throughput: `extract` against `jieba.lcut` over the same text.

For each corpus (the seed, the gold documents, shared/corpus/real, the red-team sets
tests/heldout*/docs, the task-table pages of tests/heldout4, the three modelled heldout4
bulletins rendered as .docx, .xlsx and .pdf attachments, N synthetic bulletins) and each
segmenter engine (rjieba, jieba) it times
``pipeline.read.document.extract`` on the documents' bytes as served, and again on
their normalised text alone (fed back as UTF-8 .txt, so HTML parsing and decoding drop
out), then ``jieba.lcut`` over that same normalised text: the segmentation floor that every
jieba-based extractor pays. Goals (issues 7, 16): extract at least 2x faster than
jieba.lcut on real and gold bulletins, 1.5x on synthetic HTML. Each figure is the median of
at least 3 runs; the spread is the lowest and highest ratio of those runs. Every document
but the synthetic ones is timed again by format (html, txt, docx, xlsx, pdf), with MB/s of
the files as served beside MB/s of the text read from them.

Throughput counts MB (10^6 bytes) of the normalised text in UTF-8, the text every offset
points into. Caches are emptied before every timed pass (`extract` caches jieba's answers
on small windows, which repeat across bulletins); a synthetic corpus is one pass from
empty caches, so its cache warms as it would in a real build. jieba's dictionary is
loaded before timing, for both.

    python benchmarks/bench_extract.py [--synthetic 10000] [--no-profile] [--engines rjieba jieba]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

GOAL = 2.0
HELDOUT4 = common.ROOT / "tests" / "heldout4"
ATTACHMENT_MAKER = HELDOUT4 / "attachments" / "make_attachments.py"
ATTACHMENT_FORMATS = ("docx", "xlsx", "pdf")
# Every format a reader takes, as the file suffix names it: pages and attachments.
FORMATS = ("html", "txt", *ATTACHMENT_FORMATS)
GOAL_SYNTHETIC = 1.5  # HTML pages: parsing them is work jieba.lcut is spared
# Functions whose cumulative time says where extraction goes (file suffix, function name).
STAGES = (
    ("pipeline/read/page.py", "read_page", "read_page: decode, HTML to text, chrome, metadata"),
    ("pipeline/read/html_text.py", "html_to_text", "  html_to_text (lxml + main-text pick)"),
    ("pipeline/read/attachments/__init__.py", "read_attachment",
     "  read_attachment (.docx/.xlsx/.pdf readers)"),
    ("pipeline/read/sections.py", "split_sections", "split_sections"),
    ("extractors/counts.py", "find_facts", "find_facts (counts + context)"),
    ("extractors/counts.py", "_read_count", "  _read_count (number grammar)"),
    ("extractors/counts.py", "_unit_at", "    _unit_at (unit lookup)"),
    ("extractors/context.py", "describe", "  context.describe (object, predicate, entity)"),
    ("extractors/segment.py", "words", "  segment.words (tagging, cached)"),
    ("extractors/segment.py", "token_spans", "  segment.token_spans (cutting, cached)"),
)


def goal(corpus: str) -> float | None:
    """The issue's goal for a corpus: 2x on bulletins as published (the seed, gold, real),
    1.5x on synthetic HTML; the red-team sets, task tables and attachments have none (issue
    16 asks their throughput reported, MB/s per format, not a ratio to jieba)."""
    if corpus.startswith("synthetic"):
        return GOAL_SYNTHETIC
    return GOAL if corpus in ("seed", "gold", "real") else None


def load_corpora(n_synthetic: int) -> list[tuple[str, list]]:
    from pipeline.records import Page

    corpora = [("seed", [Page(str(common.SEED), common.SEED.read_bytes())]),
               ("gold", [Page(str(p), p.read_bytes()) for p in common.gold_files()]),
               ("real", [Page(str(p), p.read_bytes()) for p in common.real_files()]),
               ("red-team", [Page(str(p), p.read_bytes()) for p in common.red_team_files()])]
    corpora.append(("tables (HTML)", [Page(str(p), p.read_bytes())
                                      for p in sorted(HELDOUT4.glob("docs/*.html"))]))
    rendered = attachments_folder()
    for suffix in ATTACHMENT_FORMATS:
        files = sorted(rendered.glob(f"*.{suffix}"))
        corpora.append((f"attachments .{suffix}", [Page(str(p), p.read_bytes()) for p in files]))
    if n_synthetic:
        folder = common.synthetic_folder(n_synthetic)
        pages = [Page(str(p), p.read_bytes()) for p in sorted(folder.glob("*.html"))]
        corpora.append((f"synthetic {n_synthetic:,}", pages))
    return corpora


def by_format(corpora: list[tuple[str, list]]) -> list[tuple[str, list]]:
    """Every distinct document of the corpora but the synthetic ones, grouped by format (its
    file suffix; `.htm` is HTML), in FORMATS order; formats with no document are left out."""
    pages: dict = {}
    for name, group in corpora:
        if not name.startswith("synthetic"):
            pages.update((p.source, p) for p in group)
    groups: dict[str, list] = {f: [] for f in FORMATS}
    for source, page in sorted(pages.items()):
        suffix = Path(source).suffix.lower().lstrip(".")
        suffix = "html" if suffix == "htm" else suffix
        if suffix in groups:
            groups[suffix].append(page)
    return [(f, group) for f, group in groups.items() if group]


def attachments_folder() -> Path:
    """The modelled heldout4 bulletins rendered as attachments, once (git-ignored)."""
    import importlib.util

    folder = common.WORK / "attachments"
    if not all(any(folder.glob(f"*.{s}")) for s in ATTACHMENT_FORMATS):
        spec = importlib.util.spec_from_file_location("make_attachments", ATTACHMENT_MAKER)
        if spec is None or spec.loader is None:
            raise SystemExit(f"cannot load {ATTACHMENT_MAKER}")
        maker = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(maker)
        maker.main([str(folder)])
    return folder


def as_text(pages: list, bulletins: list) -> list:
    """The same documents as plain UTF-8 text: what `extract` does past reading."""
    from pipeline.records import Page

    return [Page(str(Path(p.source).with_suffix(".txt")), b.text.encode("utf-8"))
            for p, b in zip(pages, bulletins, strict=True)]


def measure(name: str, pages: list, reps: int, engine: str) -> dict:
    import jieba

    from pipeline.read.document import extract

    bulletins = [extract(p) for p in pages]
    texts = [b.text for b in bulletins]
    text_pages = as_text(pages, bulletins)
    size = sum(len(t.encode("utf-8")) for t in texts)
    # Interleaved repetitions (served, text-only, jieba, served, …) so that load from
    # other processes on the machine shifts all three alike; medians are reported, and the
    # spread of the per-run ratios.
    served, text_only, seg = [], [], []
    for _ in range(reps):
        common.clear_caches()
        served.append(common.timed(lambda: [extract(p) for p in pages])[0])
        common.clear_caches()
        text_only.append(common.timed(lambda: [extract(p) for p in text_pages])[0])
        seg.append(common.timed(lambda: [jieba.lcut(t) for t in texts])[0])
    t_served, t_text, t_jieba = (statistics.median(x) for x in (served, text_only, seg))
    ratios = [j / e for j, e in zip(seg, served, strict=True)]
    return dict(
        corpus=name, engine=engine, docs=len(pages), text_mb=size / common.MB,
        served_mb=sum(len(p.content) for p in pages) / common.MB, reps=reps,
        extract_s=t_served, extract_text_s=t_text, jieba_s=t_jieba,
        extract_mbps=size / common.MB / t_served, extract_text_mbps=size / common.MB / t_text,
        extract_served_mbps=sum(len(p.content) for p in pages) / common.MB / t_served,
        jieba_mbps=size / common.MB / t_jieba,
        extract_docs_s=len(pages) / t_served, jieba_docs_s=len(pages) / t_jieba,
        ratio=statistics.median(ratios), ratio_min=min(ratios), ratio_max=max(ratios),
        ratio_text=statistics.median(j / e for j, e in zip(seg, text_only, strict=True)),
        goal=goal(name), facts=sum(len(b.facts) for b in bulletins),
    )


def profile(name: str, pages: list) -> dict:
    """cProfile one cold pass of extract: the stages' cumulative share and the top functions."""
    from extractors import segment
    from pipeline.read.document import extract

    # Count what reaches the segmenter (cache misses only) against the text itself.
    seen = {"posseg_calls": 0, "posseg_chars": 0, "lcut_calls": 0, "lcut_chars": 0}
    common.clear_caches()  # before the engine is wrapped: it is one of the caches
    engine = segment.engine()
    real_tag, real_cut = engine.tag, engine.cut

    def tag(text):
        seen["posseg_calls"] += 1
        seen["posseg_chars"] += len(text)
        return real_tag(text)

    def cut(text):
        seen["lcut_calls"] += 1
        seen["lcut_chars"] += len(text)
        return real_cut(text)

    # Instrumented for the profile and taken back below; the engine's methods are plain
    # attributes to Python, not to mypy.
    engine.tag, engine.cut = tag, cut  # type: ignore[method-assign]
    prof = cProfile.Profile()
    try:
        prof.enable()
        bulletins = [extract(p) for p in pages]
        prof.disable()
    finally:
        del engine.tag, engine.cut
    seen["text_chars"] = sum(len(b.text) for b in bulletins)
    # Stats.stats (function → calls, total, cumulative) and total_tt are what pstats' own
    # printers read; typeshed leaves both attributes out.
    stats = pstats.Stats(prof)
    total = stats.total_tt  # type: ignore[attr-defined]
    profile = stats.stats  # type: ignore[attr-defined]
    stages = []
    for suffix, func, label in STAGES:
        cum = sum(v[3] for (f, _, fn), v in profile.items()
                  if f.endswith(suffix) and fn == func)
        calls = sum(v[1] for (f, _, fn), v in profile.items()
                    if f.endswith(suffix) and fn == func)
        stages.append(dict(stage=label, calls=calls, cum_s=cum, share=cum / total))
    # The engine's own calls: tag and cut of the closure wrappers above, which wrap it.
    seg_cum = sum(v[3] for (f, _, fn), v in profile.items()
                  if f == __file__ and fn in ("tag", "cut"))
    stages.append(dict(stage=f"  segmenter itself ({engine.name}, cache misses)",
                       calls=None, cum_s=seg_cum, share=seg_cum / total))
    top = sorted(profile.items(), key=lambda kv: kv[1][2], reverse=True)[:12]
    root = str(common.ROOT) + "/"
    hot = [dict(function=f"{f.replace(root, '')}:{line}({fn})", calls=v[1], tottime_s=v[2],
                cum_s=v[3], share=v[2] / total) for (f, line, fn), v in top]
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(12)
    return dict(corpus=name, engine=engine.name, docs=len(pages), total_s=total, stages=stages,
                hot=hot, jieba_windows=seen)


def report(rows: list[dict], profiles: list[dict], formats: list[dict] | None = None) -> str:
    out = [common.table(
        ["corpus", "engine", "docs", "MB text", "runs", "extract s", "extract MB/s",
         "extract docs/s", "extract (text only) MB/s", "jieba.lcut s", "jieba.lcut MB/s",
         "jieba / extract (median; lowest–highest)", "goal"],
        [[r["corpus"], r["engine"], r["docs"], r["text_mb"], r["reps"], r["extract_s"],
          r["extract_mbps"], r["extract_docs_s"], r["extract_text_mbps"], r["jieba_s"],
          r["jieba_mbps"], f"{r['ratio']:.2f}× ({r['ratio_min']:.2f}–{r['ratio_max']:.2f})",
          "none" if r["goal"] is None else f"≥{r['goal']:g}×: " + (
              "met" if r["ratio"] >= r["goal"] else
              f"missed ({r['ratio'] / r['goal']:.0%} of goal)")]
         for r in rows])]
    if formats:
        out.append("\nPer format (every distinct document above but the synthetic ones, by file "
                   "suffix): MB/s of the bytes as served, the file itself, and of the text "
                   "read from them; median of the runs.\n")
        out.append(common.table(
            ["format", "engine", "docs", "MB served", "MB text", "runs", "extract s",
             "MB/s served", "MB/s text", "jieba / extract (median)"],
            [[r["corpus"], r["engine"], r["docs"], r["served_mb"], r["text_mb"], r["reps"],
              r["extract_s"], r["extract_served_mbps"], r["extract_mbps"], f"{r['ratio']:.2f}×"]
             for r in formats]))
    for p in profiles:
        out.append(f"\ncProfile, one cold pass over {p['corpus']} with {p['engine']} "
                   f"({p['docs']} docs, "
                   f"{p['total_s']:.2f} s under the profiler):\n")
        out.append(common.table(["stage", "calls", "cum s", "share"],
                                [[s["stage"], s["calls"], s["cum_s"], f"{s['share']:.0%}"]
                                 for s in p["stages"]]))
        w = p.get("jieba_windows")
        if w:
            out.append(f"\nThe segmenter was asked (cache misses): to tag {w['posseg_calls']:,} "
                       f"windows, "
                       f"{w['posseg_chars']:,} characters; to cut {w['lcut_calls']:,} windows, "
                       f"{w['lcut_chars']:,} characters; the texts hold {w['text_chars']:,} "
                       f"characters ({(w['posseg_chars'] + w['lcut_chars']) / w['text_chars']:.0%}"
                       " of them went through jieba, dictionary words only, no HMM).")
        out.append("\n")
        out.append(common.table(["hottest functions (own time)", "calls", "own s", "cum s",
                                 "share"],
                                [[f"`{h['function']}`", h["calls"], h["tottime_s"], h["cum_s"],
                                  f"{h['share']:.0%}"] for h in p["hot"][:8]]))
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--synthetic", type=int, default=10_000, metavar="N")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--engines", nargs="+", default=["rjieba", "jieba"],
                    choices=["rjieba", "jieba"])
    args = ap.parse_args()

    import jieba

    from extractors import segment
    from pipeline.read.document import extract
    from pipeline.records import Page

    jieba.initialize()
    corpora = load_corpora(args.synthetic)
    rows, profiles, formats = [], [], []
    for engine in args.engines:
        os.environ[segment.ENGINE_ENV] = "python" if engine == "jieba" else ""
        segment.engine.cache_clear()
        if segment.engine().name != engine:
            print(f"  {engine}: not installed, skipped", file=sys.stderr)
            continue
        extract(Page("warm.txt", "1.任务。共举办3场对接活动。".encode()))  # imports, dictionary
        for name, pages in corpora:
            reps = 9 if len(pages) == 1 else 5 if len(pages) < 1000 else 3
            rows.append(measure(name, pages, reps, engine))
            print(f"  {engine} {name}: {rows[-1]['ratio']:.2f}x", file=sys.stderr)
        for fmt, pages in by_format(corpora):
            formats.append(measure(fmt, pages, 5, engine))
            print(f"  {engine} format {fmt}: {formats[-1]['extract_served_mbps']:.2f} MB/s "
                  "served", file=sys.stderr)
        if not args.no_profile and engine == args.engines[0]:
            for name, pages in corpora[2:]:
                if name == "red-team":
                    continue
                profiles.append(profile(name, pages if len(pages) < 1000 else pages[:1000]))
                if len(pages) >= 1000:
                    profiles[-1]["corpus"] = f"{name} (first 1,000)"
    common.save("extract", dict(rows=rows, profiles=profiles, formats=formats, goal=GOAL,
                                goal_synthetic=GOAL_SYNTHETIC))
    print(report(rows, profiles, formats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
