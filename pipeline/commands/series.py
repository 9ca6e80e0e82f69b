"""``bulletins series``: one task's reported counts, period by period, as a table or chart."""

from __future__ import annotations

import argparse

HELP = "print a task's counts period by period from a build, and optionally plot them"
EXAMPLE = "bulletins series out/ --task 众创空间 --plot task151.png"
QUALIFIER_MARKS = {"approx": "≈", "over": ">", "under": "<"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("build", metavar="DIR", help="a directory `bulletins build` wrote")
    parser.add_argument(
        "--task", required=True, metavar="KEY_OR_TEXT",
        help="a task_key (辽宁省科学技术厅/2017/99), its tail (2017/99) or words of its title",
    )
    parser.add_argument("--plot", metavar="PNG", help="also draw the series to this PNG file")


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from pipeline.audit.linking import period_order
    from pipeline.audit.run import derived_tables, find_task, task_title
    from pipeline.views.charts import plot_series
    from pipeline.views.report import number_text

    tables = derived_tables(args.build)
    key = find_task(tables["sections"], args.task)
    title = task_title(tables["sections"], key)
    rows = tables["series"][tables["series"]["task_key"] == key]
    print(f"{key}  {title}")
    if rows.empty:
        print("no counts reported for this task")
    else:
        shown = rows.assign(shown=[
            f"{QUALIFIER_MARKS.get(q, '') if isinstance(q, str) else ''}{number_text(v)}"
            for q, v in zip(rows["qualifier"], rows["value"], strict=True)
        ])
        shown = shown.assign(column=[f"{m} [{b}]" for m, b in zip(
            shown["measure"], shown["basis"], strict=True)])
        table = shown.pivot_table(index="period", columns="column", values="shown",
                                  aggfunc="first", fill_value="")
        table = table.loc[sorted(table.index, key=period_order)]
        with pd.option_context("display.unicode.east_asian_width", True,
                               "display.max_columns", None, "display.width", 200):
            print(table.to_string())
    if args.plot:
        plot_series(rows, f"{title} ({key})", args.plot)
        print(f"wrote {args.plot}")
    return 0
