"""Charts of a task's series and of the checks, with Chinese labels drawn in a CJK font.

matplotlib's default font has no Chinese glyphs and draws boxes. The set-up installs one
(`fonts-wqy-microhei` on Debian); any of ``CJK_FONTS`` will do. Without one the charts are
still drawn, with a warning, and the labels show as boxes.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
             "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN", "SimHei",
             "Microsoft YaHei", "PingFang SC")
# File names of those fonts, for one installed after matplotlib cached its font list.
CJK_FILE_HINTS = ("notosanscjk", "notosanssc", "sourcehansans", "wqy", "droidsansfallback",
                  "uming", "simhei", "msyh", "pingfang")


def cjk_font() -> str | None:
    """The name of an installed font with Chinese glyphs, or None."""
    from matplotlib import font_manager

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((n for n in CJK_FONTS if n in names), None)

    if name := known():
        return name
    for path in font_manager.findSystemFonts():
        if any(hint in Path(path).name.lower().replace("-", "") for hint in CJK_FILE_HINTS):
            font_manager.fontManager.addfont(path)
    return known()


def use_cjk_font() -> str | None:
    """Make matplotlib draw Chinese with a CJK font; the font's name, or None with a warning."""
    import matplotlib as mpl

    name = cjk_font()
    if name is None:
        log.warning("no CJK font found: Chinese labels will show as boxes; install one "
                    "(Debian: apt-get install fonts-wqy-microhei)")
        return None
    mpl.rcParams["font.sans-serif"] = [name, *mpl.rcParams["font.sans-serif"]]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["axes.unicode_minus"] = False  # the CJK fonts lack the U+2212 minus
    return name


def plot_series(series: pd.DataFrame, title: str, path: str | Path | None = None) -> Figure:
    """One panel per unit (个 and 家 never share an axis), one line per measure and basis,
    period by period; targets dashed. Written to ``path`` as PNG when given."""
    from matplotlib.figure import Figure

    from pipeline.audit.linking import period_order

    use_cjk_font()
    units = sorted(series["unit"].fillna("").unique()) or [""]
    fig = Figure(figsize=(9, 3.2 * len(units) + 1), layout="constrained")
    axes = fig.subplots(len(units), 1, squeeze=False)[:, 0]
    periods = sorted(series["period"].dropna().unique(), key=period_order)
    for ax, unit in zip(axes, units, strict=True):
        shown = series[series["unit"].fillna("") == unit]
        for (measure, basis), rows in shown.groupby(["measure", "basis"], sort=True):
            points = sorted((periods.index(p), v) for p, v in zip(
                rows["period"], rows["value"], strict=True) if p in periods)
            ax.plot([x for x, _ in points], [v for _, v in points], marker="o",
                    linestyle="--" if basis == "target" else "-", label=f"{measure} [{basis}]")
        ax.set_xticks(range(len(periods)), periods, rotation=45, ha="right")
        ax.set_ylabel(unit or "数量")
        ax.grid(alpha=0.3)
        if len(shown):
            ax.legend(fontsize="small")
    axes[0].set_title(title)
    axes[-1].set_xlabel("报告期")
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def plot_checks(checks: pd.DataFrame, path: str | Path | None = None) -> Figure:
    """Findings per period, stacked by check."""
    import pandas as pd
    from matplotlib.figure import Figure

    from pipeline.audit.linking import period_order

    use_cjk_font()
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    ax = fig.subplots()
    if checks.empty:
        ax.text(0.5, 0.5, "no findings", ha="center", va="center", transform=ax.transAxes)
        table = pd.DataFrame()
    else:
        table = checks.pivot_table(index="period", columns="check", values="doc_id",
                                   aggfunc="count", fill_value=0)
        table = table.loc[sorted(table.index, key=period_order)]
    bottom = [0] * len(table)
    for check in table.columns:
        ax.bar(range(len(table)), table[check], bottom=bottom, label=check)
        bottom = [b + v for b, v in zip(bottom, table[check], strict=True)]
    ax.set_xticks(range(len(table)), list(table.index), rotation=45, ha="right")
    ax.set_title("每期审计发现 (findings per period)")
    ax.set_ylabel("findings")
    if len(table.columns):  # beside the bars, not over them
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG, for ``IPython.display.Image`` in a notebook."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()
