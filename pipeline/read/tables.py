"""Tables in the normalised text: rows and columns found again, task rows made sections.

Every reader writes a table with grid.serialise (one row per line, cells joined by
`` | ``); this module reads those lines back as cells with their offsets, so a count in a
cell keeps ``text[start:end]`` as printed. It tells a task table (a task column and a
progress or status column, FORMATS §9a) from an indicator table, gives each task row its
section, and reads bare numbers in cells with the unit their column, row or a
``单位：万元`` note names.

Column vocabulary, observed on real supervision tables through the `search` tool (pages):
苍南 民生实事 `序号|项目内容|当前进度|牵头单位|备注` (cncn.gov.cn 2022), 鄂温克旗
`重点任务落实推进情况表` (ewenke.gov.cn), 宣城 `目标任务` 通报 (xuancheng.gov.cn), key-project
reports `计划投资|完成投资|占年度目标%` (hunan.gov.cn 2014), and FORMATS.md §9a.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.basis import column_basis, column_thing
from extractors.buckets import alternation
from extractors.context import PLACE_WORD
from extractors.counts import find_facts
from extractors.measures import clean_object, measure_key
from extractors.numerals import ARABIC, SCALES, arabic_value, chinese_value, scale_value
from extractors.records import Claim
from extractors.units import RATE_UNITS, UNITS
from pipeline.read.grid import CELL_BAR
from pipeline.read.lazy_pattern import LazyPattern
from pipeline.read.status import STATUS_OF_PHRASE
from pipeline.records import Section

# Column roles by header words; a header names a role when it contains one of its words,
# roles tried in this order (so `项目名称及建设内容` is a task, `责任单位` an owner).
COLUMN_WORDS: dict[str, tuple[str, ...]] = {
    "no": ("序号", "编号", "排序"),
    "owner": ("牵头单位", "责任单位", "配合单位", "责任部门", "牵头部门", "责任科室",
              "牵头领导", "责任领导", "责任人", "实施单位", "承办单位"),
    "progress": ("进展情况", "推进情况", "完成情况", "落实情况", "进度情况", "工作进展",
                 "目前进展", "当前进度", "进展"),
    "status": ("完成状态", "推进状态", "状态", "进度", "备注", "评价", "等次"),
    "task": ("重点任务", "主要任务", "工作任务", "目标任务", "任务内容", "任务", "重点工作",
             "工作事项", "工作内容", "事项", "项目名称", "项目内容", "建设内容", "实事项目"),
    "unit": ("计量单位", "单位"),
}
# A header may also be one of these words with no role of its own (indicator tables).
OTHER_HEADER_WORDS = ("指标", "目标", "完成", "绝对值", "增速", "增长", "同比", "合计",
                      "地区", "名称", "内容", "投资", "计划", "措施")
# A column whose status cells may carry a status word: the status words, and 进展/完成情况
# where a table prints `正常推进` there (临平 2023, heldout2).
STATUS_COLUMN_ROLES = ("status", "progress")
MAX_HEADER_ROWS = 3
HEADER_CELL_MAX = 24
NOTE_LINE_MAX = 30
MAX_UNIT_LEN = 6
# A header cell's unit: `完成投资（亿元）`, `完成率(%)`, `年度目标(人)` (NFKC: ASCII brackets).
BRACKET_UNIT = re.compile(r"[(（]\s*([^()（）\s]{1,6})\s*[)）]\s*$")
# `单位：万元` above the header, alone in a row or on the line before the table.
UNIT_NOTE = re.compile(r"(?:计量)?单位\s*[:：]\s*([^\s,，;；:：|]{1,6})")
# A cell that is only a number (the count grammar's Arabic numeral, a sign allowed: a
# growth column prints `-7.3`).
BARE_NUMBER = re.compile(rf"[-−]?(?:{ARABIC})")
# The task number a task cell prints before its text (`213.推进…`), not a decimal (`3.5万`).
TASK_NUMBER = re.compile(r"(\d{1,4})\s*[.、．](?!\d)")
# A numbered point inside a cell: at the cell start or after a space or sentence stop.
POINT = re.compile(r"(?:(?<=^)|(?<=[\s。;!?]))(\d{1,2})\s*[.、．](?!\d)")
# A grouping row's heading: `一、扩大有效投资`, `(二)优化营商环境`, `3.民生`.
GROUP_HEADING = re.compile(r"(?:([一二三四五六七八九十]{1,3})、|\(([一二三四五六七八九十]{1,3})\)"
                           r"|(\d{1,2})[.、](?!\d))")
TITLE_STOPS = "。;!?"
# A caption's frame around the thing it names: `表3`, `各县(市、区)`, `…完成情况(表)`.
CAPTION_FRAME = re.compile(
    r"^(?:附?表\s*\d+\s*[.:：、]?\s*)?(?:各(?:县|市|区|乡镇|街道|地区|镇街|县区)+"
    r"(?:[(（][^()（）]{1,8}[)）])?)?|(?:完成|推进|进展|落实|执行)?(?:情况)?(?:统计|一览)?表?$")
CAPTION_MAX = 40
# Lines between two parts of one table split by a page break: nothing, or a `续表` caption.
CONTINUATION_GAP = re.compile(r"^\s*(?:续表\S{0,10})?\s*$")


@dataclass(frozen=True)
class TableCell:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class TableRow:
    start: int
    end: int
    cells: tuple[TableCell, ...]

    def filled(self) -> list[TableCell]:
        return [c for c in self.cells if c.text]


@dataclass(frozen=True)
class Table:
    """A table found in the text: its column labels (header rows joined) and its data rows."""

    start: int
    end: int
    labels: tuple[str, ...]
    rows: tuple[TableRow, ...]
    roles: dict[str, int]
    note_unit: str | None = None
    header_rows: tuple[TableRow, ...] = ()  # the rows above the data, a unit note included

    @property
    def is_task_table(self) -> bool:
        return "task" in self.roles and ("progress" in self.roles or "status" in self.roles)


def find_tables(text: str) -> list[Table]:
    """The serialised tables in ``text`` in order, a table split over two parts joined."""
    if CELL_BAR not in text:  # most bulletins hold none: no line of one to look for
        return []
    tables: list[Table] = []
    for run in _runs(text):
        table = _read_table(text, run)
        if table is None:
            continue
        previous = tables[-1] if tables else None
        if (previous and not _header_rows(run) and len(previous.labels) == len(table.labels)
                and CONTINUATION_GAP.match(text[previous.end:table.start])):
            tables[-1] = Table(previous.start, table.end, previous.labels,
                               previous.rows + table.rows, previous.roles, previous.note_unit,
                               previous.header_rows)
        else:
            tables.append(table)
    return tables


def _runs(text: str) -> list[list[TableRow]]:
    """Runs of consecutive table lines of one width (two lines at least)."""
    runs: list[list[TableRow]] = []
    current: list[TableRow] = []
    pos = 0
    for line in text.split("\n"):
        row = _parse_row(line, pos) if CELL_BAR in line else None
        if row is not None and current and len(row.cells) != len(current[0].cells):
            runs.append(current)
            current = []
        if row is not None:
            current.append(row)
        elif current:
            runs.append(current)
            current = []
        pos += len(line) + 1
    if current:
        runs.append(current)
    return [part for run in runs for part in _split_at_headers(run) if len(part) >= 2]


def _split_at_headers(run: list[TableRow]) -> list[list[TableRow]]:
    """Two tables of one width printed one after the other: a new one starts at a row all of
    whose cells are column names (`指标名称 | 单位 | 目标 | 增速(%)`)."""
    parts = [[run[0]]]
    for row in run[1:]:
        filled = row.filled()
        names = len(filled) >= 2 and all(
            len(c.text) <= HEADER_CELL_MAX and (_role(c.text) or _is_header_word(c.text))
            for c in filled)
        if names and not _is_header_row(parts[-1][-1]):
            parts.append([])
        parts[-1].append(row)
    return parts


def _is_header_row(row: TableRow) -> bool:
    return bool(_header_rows([row]))


def _parse_row(line: str, offset: int) -> TableRow | None:
    cells = []
    start = 0
    for part in line.split(CELL_BAR):
        lead = len(part) - len(part.lstrip())
        stripped = part.strip()
        cells.append(TableCell(stripped, offset + start + lead,
                               offset + start + lead + len(stripped)))
        start += len(part) + 1
    if len(cells) < 2:
        return None
    return TableRow(offset, offset + len(line), tuple(cells))


def _header_rows(run: list[TableRow]) -> list[TableRow]:
    """The leading rows that name columns; a `单位：万元` note row before them is skipped."""
    header: list[TableRow] = []
    for row in run[: MAX_HEADER_ROWS + 1]:
        filled = row.filled()
        if not header and len(filled) == 1 and UNIT_NOTE.search(filled[0].text):
            continue
        if not filled or any(BARE_NUMBER.fullmatch(c.text) or GROUP_HEADING.match(c.text)
                             for c in filled):
            break
        vocabulary = any(_role(c.text) or _is_header_word(c.text) for c in filled)
        if header:
            above = header[-1].cells  # a run's rows are of one width
            repeats = any(c.text and c.text == a.text
                          for c, a in zip(row.cells, above, strict=True))
            # a lower header row names two columns at least (`牵头单位 | 配合单位`)
            if not (vocabulary or repeats) or len(filled) < 2 or len(header) >= MAX_HEADER_ROWS:
                break
        elif not vocabulary:
            break
        header.append(row)
    return header


def _read_table(text: str, run: list[TableRow]) -> Table | None:
    header = _header_rows(run)
    note = _note_unit(text, run)
    width = len(run[0].cells)
    labels = []
    for c in range(width):
        parts: list[str] = []
        for row in header:
            cell = row.cells[c].text
            if cell and cell not in parts:
                parts.append(cell)
        labels.append(" ".join(parts))
    first_data = run.index(header[-1]) + 1 if header else 0
    data = run[first_data:]
    if not data:
        return None
    roles: dict[str, int] = {}
    for c, label in enumerate(labels):
        role = _role(label)
        if role and role not in roles:
            roles[role] = c
    status = _status_column(labels, data, roles)
    if status is not None:
        roles["status"] = status
    else:
        roles.pop("status", None)
    if status is not None and roles.get("progress") == status:
        roles.pop("progress")
    return Table(run[0].start, run[-1].end, tuple(labels), tuple(data), roles, note,
                 tuple(run[:first_data]))


def _note_unit(text: str, run: list[TableRow]) -> str | None:
    """`单位：万元` alone in the table's first row, or on a short line just before the table."""
    filled = run[0].filled()
    sources = [filled[0].text] if len(filled) == 1 else []
    if run[0].start > 0:
        begin = text.rfind("\n", 0, run[0].start - 1) + 1
        line = text[begin:run[0].start - 1]
        if len(line) <= NOTE_LINE_MAX:
            sources.append(line)
    for source in sources:
        if match := UNIT_NOTE.search(source):
            return match.group(1)
    return None


def _role(label: str) -> str | None:
    for role, words in COLUMN_WORDS.items():
        if any(word in label for word in words):
            return role
    return None


def _is_header_word(label: str) -> bool:
    return any(word in label for word in OTHER_HEADER_WORDS) or bool(BRACKET_UNIT.search(label))


# The status phrases, longest first, so that 未完成 is never read as 完成: the first
# alternative that matches is the longest phrase the cell starts with, in one call instead
# of a startswith per phrase. Lazy: only a task table's cells are read with it, and sre's
# compiler takes 1-2 ms per process over the phrases.
STATUS_PHRASE_PREFIX = LazyPattern(alternation(STATUS_OF_PHRASE))


def status_of_cell(text: str) -> str | None:
    """The status a status cell states: a status phrase, alone or before a bracketed note
    (`已完成（市级民生实事）`); None for a cell that says something else."""
    found = STATUS_PHRASE_PREFIX.match(text)
    if found is None:
        return None
    rest = text[found.end():].strip(" 。.")
    if not rest or rest[0] in "(（【[":
        return STATUS_OF_PHRASE[found.group()]
    return None


def _status_column(labels: list[str], data: list[TableRow], roles: dict[str, int]) -> int | None:
    """The column of status cells: a status or progress header whose filled cells are mostly
    status phrases (where a table prints its status is a matter of house style)."""
    best, best_hits = None, 0
    for c, label in enumerate(labels):
        if _role(label) not in STATUS_COLUMN_ROLES:
            continue
        cells = [row.cells[c].text for row in data if row.cells[c].text]
        hits = sum(1 for cell in cells if status_of_cell(cell))
        if cells and hits * 2 >= len(cells) and hits > best_hits:
            best, best_hits = c, hits
    return best


# ----------------------------------------------------------------------------- sections


def table_sections(text: str, table: Table, parent: Section | None) -> list[Section]:
    """One section per task row (its children the numbered points of its progress cell),
    grouping rows as sections above the rows they head; nested under ``parent``."""
    if not table.is_task_table:
        return []
    base_path = parent.path if parent else ""
    base_level = parent.level if parent else 0
    out: list[Section] = []
    group: Section | None = None
    used: set[str] = set()
    for i, row in enumerate(table.rows):
        end = table.rows[i + 1].start if i + 1 < len(table.rows) else table.end
        filled = row.filled()
        if len(filled) == 1 and (heading := GROUP_HEADING.match(filled[0].text)):
            no = _heading_number(heading)
            path = _join(base_path, no)
            if path in used:
                continue
            cell = filled[0]
            group = Section(no=no, path=path, level=base_level + 1, title=cell.text[heading.end():],
                            start=row.start, end=_group_end(table, i), title_start=cell.start
                            + heading.end(), title_end=cell.end)
            used.add(path)
            out.append(group)
            continue
        section = _row_section(text, table, row, end, group or parent, base_level, used)
        if section is None:
            continue
        used.add(section.path)
        out.append(section)
        out.extend(_points(text, table, row, section))
    return out


def _row_section(text: str, table: Table, row: TableRow, end: int, parent: Section | None,
                 base_level: int, used: set[str]) -> Section | None:
    task = row.cells[table.roles["task"]]
    if not task.text:
        return None
    no = None
    title_start = task.start
    if match := TASK_NUMBER.match(task.text):
        no, title_start = int(match.group(1)), task.start + match.end()
    elif "no" in table.roles and row.cells[table.roles["no"]].text.isdigit():
        no = int(row.cells[table.roles["no"]].text)
    if no is None:
        return None
    path = _join(parent.path if parent else "", no)
    if path in used:
        return None
    status = status_text = None
    if "status" in table.roles:
        cell = row.cells[table.roles["status"]]
        status = status_of_cell(cell.text)
        status_text = cell.text if status else None
    level = (parent.level if parent else base_level) + 1
    return Section(no=no, path=path, level=level, title=text[title_start:task.end].strip(),
                   start=row.start, end=end, title_start=title_start, title_end=task.end,
                   status=status, status_text=status_text)


def _points(text: str, table: Table, row: TableRow, section: Section) -> list[Section]:
    """`1.…2.…` in the progress cell: child sections numbered 1, 2, … from the cell start."""
    if "progress" not in table.roles:
        return []
    cell = row.cells[table.roles["progress"]]
    marks: list[re.Match[str]] = []
    for match in POINT.finditer(cell.text):
        if int(match.group(1)) == len(marks) + 1:
            marks.append(match)
    if not marks or marks[0].start() != 0 or len(marks) < 2:
        return []
    out = []
    for k, match in enumerate(marks):
        start = cell.start + match.start()
        end = cell.start + marks[k + 1].start() if k + 1 < len(marks) else cell.end
        title_start = cell.start + match.end()
        body = text[title_start:end]
        stop = min((body.find(c) + 1 for c in TITLE_STOPS if c in body), default=len(body))
        out.append(Section(no=k + 1, path=f"{section.path}.{k + 1}", level=section.level + 1,
                           title=body[:stop].strip(), start=start, end=end,
                           title_start=title_start, title_end=title_start + stop))
    return out


def _heading_number(match: re.Match[str]) -> int:
    if match.group(3):
        return int(match.group(3))
    return chinese_value(match.group(1) or match.group(2)) or 0


def _group_end(table: Table, index: int) -> int:
    for row in table.rows[index + 1:]:
        filled = row.filled()
        if len(filled) == 1 and GROUP_HEADING.match(filled[0].text):
            return row.start
    return table.end


def _join(path: str, no: int) -> str:
    return f"{path}.{no}" if path else str(no)


# ----------------------------------------------------------------------------- counts


def table_facts(text: str, table: Table, *, publisher: str | None = None) -> list[Claim]:
    """The counts of the data rows: each cell read on its own (so no count runs across a
    separator or is read twice), a bare number with the unit its column, row or note names.

    A bare number's basis is its column header's (``extractors.basis.column_basis``). What it
    counts: in a task table the row is a task (its section), so the column names the thing
    (`年度计划投资`: 投资), else the task; in an indicator table the row label (`地区生产总值`),
    or, when the rows are places (a `县(市、区)` column), the place is the entity and the column
    or the table's caption names the thing (`表3 各县(市、区)城镇新增就业完成情况`). Prose in a
    task row's cells is read as that task's: its task cell as the title (the goal), the others
    as progress.
    """
    claims: list[Claim] = []
    unit_column = table.roles.get("unit")
    skip = {table.roles.get("no"), unit_column}
    task_column = table.roles.get("task") if table.is_task_table else None
    caption = _caption_thing(text, table)
    for row in table.rows:
        row_unit = _unit_from(row.cells[unit_column].text, whole=True) if unit_column is not None \
            else None
        label_column, label = _row_label(table, row)
        if label and row_unit is None:
            row_unit = _unit_from(label)
        place = (label is not None and task_column is None and label_column is not None
                 and bool(PLACE_WORD.match(table.labels[label_column])))
        task_row = task_column is not None and bool(row.cells[task_column].text)
        for c, cell in enumerate(row.cells):
            if not cell.text or c in skip:
                continue
            if BARE_NUMBER.fullmatch(cell.text):
                unit = _cell_unit(_unit_from(table.labels[c]), row_unit, table.note_unit)
                if unit is None:
                    continue
                scales, measure = unit
                value = scale_value(arabic_value(cell.text.lstrip("-−")), scales)
                if cell.text[0] in "-−":
                    value = -value
                header = BRACKET_UNIT.sub("", table.labels[c])
                entity = label if place else None
                obj = None
                if measure not in RATE_UNITS:
                    if task_column is not None:
                        obj = column_thing(header) or _object(label)
                    elif place:
                        obj = column_thing(header) or caption
                    else:
                        obj = _object(label)
                basis = "rate" if measure in RATE_UNITS else column_basis(table.labels[c])
                claims.append(Claim(value=value, unit=measure, text=cell.text, start=cell.start,
                                    end=cell.end, object=obj, entity=entity, basis=basis,
                                    measure=measure_key(entity, None, obj, measure)))
            else:
                title_end = None
                if task_row:
                    title_end = cell.end if c == task_column else cell.start
                claims.extend(find_facts(text, cell.start, cell.end, publisher=publisher,
                                         title_end=title_end))
    return claims


def _row_label(table: Table, row: TableRow) -> tuple[int | None, str | None]:
    """The row's name and its column: its task cell, else its first filled cell that is no
    number."""
    if "task" in table.roles and row.cells[table.roles["task"]].text:
        return table.roles["task"], row.cells[table.roles["task"]].text
    for c, cell in enumerate(row.cells):
        if c != table.roles.get("no") and cell.text and not BARE_NUMBER.fullmatch(cell.text):
            return c, cell.text
    return None, None


def _caption_thing(text: str, table: Table) -> str | None:
    """The thing a table's caption line names: `表3 各县(市、区)城镇新增就业完成情况` →
    `城镇新增就业` (its number, the places it runs over and `完成情况` read off)."""
    if table.start == 0:
        return None
    begin = text.rfind("\n", 0, table.start - 1) + 1
    line = text[begin:table.start - 1].strip()
    if not line or len(line) > CAPTION_MAX or CELL_BAR in line or UNIT_NOTE.search(line):
        return None
    return clean_object(CAPTION_FRAME.sub("", line)) or None


def _object(label: str | None) -> str | None:
    if not label or label in ("合计", "总计", "小计"):
        return None
    return BRACKET_UNIT.sub("", label).strip() or None


def _cell_unit(column: tuple[str, str] | None, row: tuple[str, str] | None,
               note: str | None) -> tuple[str, str] | None:
    """A rate column keeps its own unit; otherwise the row's unit, the column's, the note's."""
    if column and column[1] in RATE_UNITS:
        return column
    return row or column or (_unit_from(note, whole=True) if note else None)


def _unit_from(label: str, *, whole: bool = False) -> tuple[str, str] | None:
    """(scales, unit) of `亿元`, `(万元)`, `(%)`; None for a bracket that names no unit
    (`(一期)`). ``whole``: the label is the unit itself (a 单位 column, a note)."""
    if whole:
        raw = label.strip()
    else:
        match = BRACKET_UNIT.search(label)
        if not match:
            return None
        raw = match.group(1)
    if not raw or len(raw) > MAX_UNIT_LEN:
        return None
    scales = ""
    while len(raw) > 1 and raw[0] in SCALES:
        scales, raw = scales + raw[0], raw[1:]
    return (scales, raw) if raw in UNITS else None
