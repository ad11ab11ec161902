"""Indicator tables (主要指标: 指标 | 单位 | 2020年 | 2025年 | 属性) turned into target rows.

Plans state their main targets twice, in prose and in a table of indicators. HTML and Word tables reach
us as tab-separated rows, so cells line up with the header by position. PDF text has one cell per line,
cells separated by blank lines and empty cells left out, long names wrapped over several lines or even
printed below the table; there rows are rebuilt from what their cells hold (name, unit, values,
attribute), and a row is kept only when its value cells match the value columns one to one, because
the place of a missing cell cannot be told. A table is recognised by its header alone (a year column
and a 指标 or 属性 column), so prose never yields rows. Each target-year column (2025年, 2030年; not the
baseline 2020年/现状值) gives one row. The vocabulary is in data/indicator_tables.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Optional

import regex

from . import numbers
from .rules import Rules, alternation

Span = tuple[int, int, dict]
VALUES = ("value", "empty", "odd", "qual")    # cell kinds that fill a value column
_SPACE, _LINE, _HAN = regex.compile(r"[\s\u3000]+"), re.compile(r"(?m)^.*$"), regex.compile(r"\p{Han}")
_DIGIT, _LATIN, _SIGNED = re.compile(r"\d"), re.compile(r"[A-Za-z]"), re.compile(r"[≥≤><]\d")
_SMALL_INT, _SENTENCE = re.compile(r"\d{1,3}"), re.compile(r"[。；;]")


@dataclass(frozen=True)
class Cell:
    text: str    # without the spaces and line breaks of PDF text
    start: int
    end: int


@dataclass(frozen=True)
class Column:
    role: str                  # seq | category | name | unit | attribute | value | other | ambiguous | none
    year: Optional[int] = None
    baseline: bool = False     # 2020年实际, 现状值: where the targets start from
    target: bool = False       # 目标值, 规划目标


@dataclass
class _Row:
    """A row being rebuilt from cells (mutable only while one table is read)."""

    names: list[Cell] = field(default_factory=list)
    unit: Optional[Cell] = None
    values: list[Cell] = field(default_factory=list)
    attribute: Optional[Cell] = None
    name: Optional[Cell] = None
    start: int = -1            # the span of the row: its quote
    end: int = -1


@dataclass(frozen=True, eq=False)
class _Vocab:
    """indicator_tables.yaml compiled once per Rules object; ``p`` holds the patterns by name."""

    cfg: dict
    roles: dict[str, str]
    attributes: dict[str, str]
    cmp: dict[str, str]
    changes: dict[str, str]
    aliases: dict[str, str]
    qualitative: tuple[tuple[str, "regex.Pattern[str]"], ...]
    p: dict[str, "regex.Pattern[str]"]


@lru_cache(maxsize=4)
def _vocab(rules: Rules) -> _Vocab:
    c, n = rules["indicator_tables"], rules["numbers"]
    roles = {w: r for r, ws in c["header"].items() for w in ws}
    roles |= {w: "baseline" for w in c["baseline_roles"]} | {w: "target" for w in c["target_roles"]}
    units = rf"(?:{alternation(c['unit_magnitudes'])})?{alternation(n['units'] + ['%', '％', '‰'])}"
    unit = rf"(?:{units}(?:/[\p{{Han}}A-Za-z]{{1,4}})?|\p{{Han}}{{1,4}}/{units}|\p{{Han}}{{1,3}}/\p{{Han}}{{1,3}})"
    opens, closes = ("".join(regex.escape(b[i]) for b in c["cumulative_brackets"]) for i in (0, 1))
    before = {w: op for op, ws in c["comparator_before"].items() for w in ws}
    after = {w: op for op, ws in c["comparator_after"].items() for w in ws}
    num, sep, ca = r"\d+(?:\.\d+)?", alternation(c["range_separators"]), alternation(after)
    change = alternation(w for ws in c["cell_changes"].values() for w in ws)
    patterns = dict(
        header_word=alternation(roles), year=c["year_cell"], empty=c["empty_cell"], footnote=c["footnote_marks"],
        value=rf"(?P<open>[{opens}])?(?:[较比](?P<base>(?:19|20)\d\d)年)?(?P<change>{change})?"
              rf"(?P<cb>{alternation(before)})?(?P<num>[-−－+]?{num}(?:%|％)?(?:{sep}{num})?)"
              rf"(?P<unit>{units})?(?P<ca>{ca})?[{closes}]?(?P<ca2>{ca})?",
        unit=rf"[（(]?{unit}[）)]?", name_unit=rf"(?P<name>.+?)[（(](?P<unit>{unit})[）)]",
        unit_tail=rf"[（(]{unit}[）)]$", name_value=rf"(?P<name>.+[（(]{unit}[）)])\s*(?P<value>[^（()）\p{{Han}}]+)$",
        decrease=alternation(c["decrease_words"]), increase=alternation(c["increase_words"]),
        explicit_base=r"[较比]((?:19|20)\d\d)年", two_quantities=c["two_quantities"], row_number=c["row_number"],
        category=c["category_row"], note=c["note"], heading=c["heading"],
        historical=alternation(c["historical_caption"]), header_hint=c["header_hint"])
    changes = {w: k for k, ws in c["cell_changes"].items() for w in ws}
    return _Vocab(c, roles, {w: m for m, ws in c["attributes"].items() for w in ws}, before | after, changes,
                  n["unit_aliases"], tuple((k, rules.regex("|".join(ps))) for k, ps in c["qualitative"].items()),
                  {k: rules.regex(p) for k, p in patterns.items()})


def _norm(s: str) -> str:
    """Cell text without the spaces and line breaks PDF extraction puts inside it (2020 年, 万吨\\n标准煤)."""
    if s.isprintable() and " " not in s:
        return s   # every whitespace character but " " is a separator or a control: none here (most lines)
    return _SPACE.sub("", s)


def _bare(s: str, v: _Vocab) -> str:
    return v.p["footnote"].sub("", _norm(s)).strip("".join(v.cfg["binding_marks"]))


def _header_columns(s: str, v: _Vocab, cols: list[Column]) -> list[Column]:
    """``cols`` with the columns one header cell names (2025年指标属性 names two) added; [] unless all of
    the cell is header words."""
    s, i, attached = _norm(s), 0, False
    added: list[Column] = []
    while i < len(s):
        if m := v.p["year"].match(s, i):
            open_role = next((j for j in range(len(cols) - 1, -1, -1)
                              if cols[j].role == "value" and cols[j].year is None), None)
            if m.group()[0] in "（(" and open_role is not None:   # 现状值 …（2020年）: the year of that role
                cols[open_role], attached = replace(cols[open_role], year=int(m["y"])), True
            else:
                added.append(Column("value", int(m["y"])))
        elif m := v.p["header_word"].match(s, i):
            role = v.roles[m.group()]
            flags = dict(baseline=role == "baseline", target=role == "target")
            if role in ("baseline", "target") and added and added[-1].year and not added[-1].baseline:
                added[-1] = replace(added[-1], **flags)         # 2020年实际, 2025年规划目标
            else:
                added.append(Column("value", **flags) if role in ("baseline", "target") else Column(role))
        else:
            return []
        i = m.end()
    cols.extend(added)
    return cols if added or attached else []


def _kind(text: str, v: _Vocab) -> str:
    """What a cell holds: header, attr, value, empty, odd (digits we cannot read), qual, unit, note, end
    (a heading or prose after the table), category, junk (a lone footnote mark) or text (a name)."""
    s, cfg = _norm(text), v.cfg
    b = _bare(s, v)
    if not b:
        return "junk"
    if v.p["note"].match(s):
        return "note"
    if b in v.attributes:
        return "attr"
    if v.p["empty"].fullmatch(b):
        return "empty"
    if _header_columns(s, v, []):
        return "header"         # before values: 2025年 is a column, not 2025 years
    if v.p["value"].fullmatch(b):
        return "value"
    if v.p["unit"].fullmatch(b):
        return "unit"
    if len(b) <= cfg["max_qualitative"] and _DIGIT.search(b) and (len(_HAN.findall(b)) <= 2 or _SIGNED.search(b)) \
            and not _LATIN.search(b) and not v.p["row_number"].match(b):
        return "odd"            # 1665/52, 4.0、3.5: a value we cannot read still fills its column
    if len(b) <= cfg["max_qualitative"] and any(p.search(b) for _, p in v.qualitative):
        return "qual"
    if v.p["heading"].match(s) or len(s) >= cfg["prose_min_chars"] or (
            _SENTENCE.search(s) and len(s) >= cfg["prose_sentence_chars"]):
        return "end"
    return "category" if v.p["category"].match(s) else "text"


# --- PDF text: one cell per line -------------------------------------------------------------------

def _cells(text: str, v: _Vocab) -> tuple[list[Cell], list[str]]:
    """Blank-line separated blocks, split where a line is a cell of its own (a value, an attribute, a
    numbered name, the line after a name that ends with its unit …): a wrapped name stays one cell.
    With the kind of each cell (a one-line cell keeps the kind read for its line)."""
    out: list[Cell] = []
    kinds: list[Optional[str]] = []
    prev, pk = "", ""
    for m in _LINE.finditer(text):
        if not m.group().strip() or "\t" in m.group():
            prev, pk = "", ""
            continue
        a, parts = m.start(), [(m.start(), m.end())]
        g = v.p["name_value"].fullmatch(m.group().rstrip())
        if g and _kind(g["value"], v) in ("value", "empty"):     # …企业（家） 30: a value glued to its name
            parts = [(a, a + g.end("name")), (a + g.start("value"), a + g.end("value"))]
        for s, e in parts:
            line, k = text[s:e], _kind(text[s:e], v)
            if not prev or _starts_cell(line, k, prev, pk, v):
                out.append(Cell(_norm(line), s, e))
                kinds.append(k)    # a kind depends only on the text without spaces: the cell's own
            else:
                # spaces go one by one, so the new line's part is normalized alone and appended
                out[-1] = Cell(out[-1].text + _norm(text[out[-1].end:e]), out[-1].start, e)
                kinds[-1] = None
            prev, pk = line, k
    return out, [k if k is not None else _kind(c.text, v) for c, k in zip(out, kinds)]


def _starts_cell(line: str, k: str, prev: str, pk: str, v: _Vocab) -> bool:
    """Whether a line of a block begins a new cell rather than continuing the wrapped cell above it."""
    paren = line.lstrip().startswith(("（", "("))       # （%） under a name is the end of that name
    if k in ("value", "empty", "odd", "attr", "note", "category") or (k == "unit" and not paren):
        return True         # never part of a name; 万吨 / 标准煤 still joins (标准煤 alone is no unit)
    if pk in ("value", "empty", "odd", "attr", "note", "qual"):
        return True         # nothing continues a value; 完成国家 / 下达目标 joins (完成国家 is no value yet)
    if (k == "header") != (pk == "header"):     # a header word after a name or the reverse, but 目标 alone
        return not all(c.role == "value" and not c.year for c in _header_columns(line, v, []))   # continues
    if _DIGIT.match(line.lstrip()) and v.p["row_number"].match(_norm(line)):
        return True         # 8．… begins the next numbered name
    return bool(v.p["unit_tail"].search(_bare(prev, v))) and not paren    # a name that ends with its unit


def _pdf_tables(text: str, v: _Vocab) -> list[tuple[list[Column], list[_Row]]]:
    cells, kinds = _cells(text, v)
    tables: list[tuple[list[Column], list[_Row]]] = []
    i = 0
    while i < len(cells):
        cols: list[Column] = []
        last, gap = i, 0
        for j in range(i, len(cells) if kinds[i] == "header" else i):
            if kinds[j] == "header":
                _header_columns(cells[j].text, v, cols)
                last, gap = j, 0
            elif (kinds[j] in ("text", "category", "junk", "odd", "qual") or _SMALL_INT.fullmatch(cells[j].text)) \
                    and gap < v.cfg["header_gap"]:
                gap += 1        # category cells (电力总量 …) printed among the header cells
            else:
                break
        if not _valid(cols):
            i += 1
            continue
        caption = ""        # the lines above the header, up to the end of the paragraph before it
        for ln in reversed(text[:cells[i].start].rstrip().split("\n")[-v.cfg["header_window"]:]):
            if len(ln) >= v.cfg["prose_min_chars"] or ln.rstrip().endswith("。"):
                break
            caption = ln + caption
        head = _resolved(cols)
        rows, i, moved = _read_body(cells, kinds, last + 1, head, v)
        if not v.p["historical"].search(caption):     # “十三五”…完成情况 reports the past
            moved = _resolved(moved)
            moved = [c for n, c in enumerate(moved) if c not in head and c not in moved[:n]]
            tables.append((_merged(head + moved), rows))
    return tables


def _valid(cols: list[Column]) -> bool:
    return any(c.year for c in cols) and any(c.role in ("name", "attribute", "ambiguous") for c in cols)


def _read_body(cells: list[Cell], kinds: list[str], j: int, cols: list[Column],
               v: _Vocab) -> tuple[list[_Row], int, list[Column]]:
    """The rows after a header, where the table ends, and the header cells met among the rows."""
    rows: list[_Row] = []
    moved: list[Column] = []         # a header printed again after a page break, or columns moved down
    loose: list[Cell] = []           # attributes printed as a column of their own below the names
    cur, texts, end = _Row(), 0, len(cells)
    seq = _row_numbers(cells, kinds, j)

    def close() -> None:
        nonlocal cur
        if cur.names or cur.unit or cur.values:
            cur.name = cur.names[-1] if cur.names else None
            members = [c for c in (cur.name, cur.unit, *cur.values, cur.attribute) if c is not None]
            cur.start, cur.end = min(c.start for c in members), max(c.end for c in members)
            prev = rows[-1].name if rows else None
            if cur.name is None and cur.unit and prev and v.p["two_quantities"].search(prev.text):
                cur.name = prev     # 万吨 … / % …: the second line of 煤炭消费量及比重
            rows.append(cur)
        cur = _Row()

    for i in range(j, len(cells)):
        kind, cell = kinds[i], cells[i]
        if kind in ("note", "end") or texts > v.cfg["max_text_run"]:
            end = i
            break
        texts = texts + 1 if kind in ("text", "category") else 0
        if kind == "header":
            close()
            _header_columns(cell.text, v, moved)
        elif kind == "attr" and not (cur.names or cur.unit or cur.values):
            loose.append(cell)
        elif kind == "attr":
            cur.attribute = cell
            close()
        elif i in seq:
            close()
        elif kind in VALUES:
            cur.values.append(cell)
        elif kind == "unit":
            if cur.values:
                close()
            cur.unit = cell
        elif kind in ("text", "category"):
            if cur.values or (cur.names and v.p["unit_tail"].search(cur.names[-1].text)):
                close()     # a name that ends with its unit is complete: more text is another row
            if kind == "text":
                cur.names.append(cell)
    close()
    trailing: list[Cell] = []        # names printed below the table: rows that are a name and nothing else
    while rows and not (rows[-1].values or rows[-1].unit or rows[-1].attribute):
        trailing[:0] = rows.pop().names
    _restack(rows)
    _place_orphans(rows, trailing, v)
    unlabelled = [r for r in rows if r.attribute is None and r.name is not None]
    if loose and len(loose) == len(unlabelled):
        for r, a in zip(unlabelled, loose):
            r.attribute = a
    return rows, end, moved


def _row_numbers(cells: list[Cell], kinds: list[str], j: int) -> set[int]:
    """The cells that are 序号 (row numbers): the longest run of bare numbers counting up one by one,
    if at least three long (a single 5 may be a value)."""
    chains: dict[int, list[int]] = {}       # number -> the longest run ending with it, as cell indexes
    for i in range(j, len(cells)):
        if kinds[i] in ("note", "end"):
            break
        if _SMALL_INT.fullmatch(cells[i].text):
            n = int(cells[i].text)
            chains[n] = chains.get(n - 1, []) + [i]
    best = max(chains.values(), key=len, default=[])
    return set(best) if len(best) >= 3 else set()


def _restack(rows: list[_Row]) -> None:
    """Names printed one under another before their values (7．… 8．… 9．… then 63 100, 70 80, - 4.0):
    k name-only rows, a named row with values and k value-only rows take the names in order."""
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j].name and not (rows[j].values or rows[j].unit or rows[j].attribute):
            j += 1
        m = j + 1
        while m < len(rows) and rows[m].name is None and rows[m].values:
            m += 1
        if i < j < len(rows) and rows[j].name and rows[j].values and m - j - 1 == j - i:
            for r, named in zip(rows[j:m], rows[i:j + 1]):
                r.name = named.name
            rows[j].start = rows[j].values[0].start
            del rows[i:j]
        i += 1


def _place_orphans(rows: list[_Row], trailing: list[Cell], v: _Vocab) -> None:
    """pdftotext prints the name of a row that wraps below the table: name the value-only rows in order,
    all of them or the run at the end, by all names left below the table or by the numbered ones."""
    orphans = [r for r in rows if r.name is None and r.values]
    tail: list[_Row] = []
    for r in reversed(rows):
        if r.name:
            break
        tail[:0] = [r] if r.values else []
    numbered = [c for c in trailing if v.p["row_number"].match(c.text) and _DIGIT.search(c.text[:10])]
    for group in (orphans, tail):
        for names in (trailing, numbered):
            if group and len(group) == len(names):
                for r, c in zip(group, names):
                    r.name = c
                return


def _resolved(cols: list[Column]) -> list[Column]:
    """类别 after the years is the attribute column, before them a category column."""
    last_year = max((i for i, c in enumerate(cols) if c.year), default=-1)
    return [replace(c, role="attribute" if i > last_year else "category") if c.role == "ambiguous" else c
            for i, c in enumerate(cols)]


def _merged(cols: list[Column]) -> list[Column]:
    """Put years moved below the table back among the value columns, in year order."""
    values = [c for c in cols if c.role == "value"]
    if not all(c.year for c in values):
        return cols
    ordered = iter(sorted(values, key=lambda c: c.year))
    return [next(ordered) if c.role == "value" else c for c in cols]


# --- tab-separated rows -----------------------------------------------------------------------------

def _tab_header(line: str, v: _Vocab) -> Optional[list[Column]]:
    """One column per cell, so that rows line up by position; None unless the line is a header."""
    if "\t" not in line:
        return None
    cols = [next((c for c in one if c.role == "value"), one[0]) if (one := _header_columns(cell, v, []))
            else Column("none") for cell in line.split("\t")]
    return _resolved(cols) if sum(c.role == "none" for c in cols) <= 1 and _valid(cols) else None


def _tab_tables(text: str, v: _Vocab) -> list[tuple[list[Column], list[_Row]]]:
    tables: list[tuple[list[Column], list[_Row]]] = []
    cols: Optional[list[Column]] = None
    blanks = 0
    for m in _LINE.finditer(text):
        line = m.group()
        if (header := _tab_header(line, v)) is not None:
            if cols is None or header != cols:      # the same header again after a page break goes on
                cols = header
                tables.append((cols, []))
            continue
        blanks = blanks + 1 if not line.strip() else 0
        if cols is None:
            continue
        if blanks > 3 or (line.strip() and "\t" not in line
                          and (_kind(line, v) in ("note", "end") or len(_norm(line)) > v.cfg["interlude_chars"])):
            cols = None     # a category row, a page number or a running header does not end the table
        elif "\t" in line:
            tables[-1][1].append(_tab_row(line, m.start(), cols, tables[-1][1], v))
    return tables


def _tab_row(line: str, start: int, cols: list[Column], rows: list[_Row], v: _Vocab) -> _Row:
    cells: list[Cell] = []
    pos = start
    for part in line.split("\t"):
        pad = len(part) - len(part.lstrip())
        cells.append(Cell(part.strip(), pos + pad, pos + len(part.rstrip())))
        pos += len(part) + 1
    cells = [Cell("", start, start)] * (len(cols) - len(cells)) + cells   # rowspan cells on the left: 类别
    row = _Row(start=min((c.start for c in cells if c.text), default=start), end=start + len(line.rstrip()))
    lead: list[tuple[bool, Cell]] = []      # (is the name column, cell) before the values
    for c, cell in zip(cols, cells):
        if c.role in ("value", "other"):
            row.values.append(cell)
        elif c.role == "unit" and cell.text:
            row.unit = cell
        elif c.role == "attribute" and _kind(cell.text, v) == "attr":
            row.attribute = cell
        elif c.role in ("name", "category", "none") and cell.text and not row.values:
            lead.append((c.role == "name", cell))
    named = [cell for is_name, cell in lead if is_name] or [cell for _, cell in lead[-1:]]
    row.name = named[0] if named else (rows[-1].name if rows else None)    # a name spanning two rows
    return row


# --- rows -> targets --------------------------------------------------------------------------------

def _targets(cols: list[Column], rows: list[_Row], v: _Vocab, rules: Rules) -> list[Span]:
    vcols = [c for c in cols if c.role in ("value", "other")]
    years = [c for c in vcols if c.role == "value" and c.year]
    base = next((c.year for c in years if c.baseline), None)
    if base is None and len({c.year for c in years}) > 1:
        first = min(years, key=lambda c: c.year)
        # the earliest year is the baseline (2020年, 2022年现状) unless it is itself a planning year
        # after 2020 (2025年 beside 2030年: both are targets)
        looks_planned = first.year % 5 == 0 and first.year > 2020
        base = None if first.target or looks_planned else first.year
    marks = v.cfg["binding_marks"]
    marked = any(r.name and any(m in r.name.text for m in marks) for r in rows)
    out: list[Span] = []
    for row in rows:
        name = v.p["row_number"].sub("", _bare(row.name.text, v)).strip("：:") if row.name else ""
        if len(name) < 2 or len(row.values) != len(vcols):
            continue    # a PDF row with a cell missing: which one cannot be told
        unit = ""
        if m := v.p["name_unit"].fullmatch(name):
            name, unit = m["name"], m["unit"]
        unit = _bare(row.unit.text, v).strip("（()）") if row.unit else unit
        if row.attribute is not None:
            modality = v.attributes[_bare(row.attribute.text, v)]
        else:   # ★ marks the binding indicators of a table without an attribute column
            modality = "aspirational" if marked and not any(m in row.name.text for m in marks) else "binding"
        explicit = v.p["explicit_base"].search(name)    # …较2020年降低
        for col, cell in zip(vcols, row.values):
            if col.role != "value" or not col.year or col.baseline or (base and col.year <= base):
                continue
            if (val := _read_value(cell.text, name, v, rules)) is None:
                continue
            if val["value"] is not None and not val["unit"]:
                val["unit"] = v.aliases.get(unit, unit)
            cell_base = val.pop("base", None)
            changed = val["kind"] in ("decrease", "increase")
            out.append((row.start, row.end, dict(
                indicator=name, **val, year=col.year, modality=modality, rule="indicator_table", pos=row.start,
                baseline_year=(cell_base or (int(explicit[1]) if explicit else base)) if changed else None)))
    return out


def _read_value(text: str, name: str, v: _Vocab, rules: Rules) -> Optional[dict]:
    """value, value_max, unit, comparator and kind of one cell; None for an empty or unreadable cell."""
    b = _bare(text, v)
    if not b or v.p["empty"].fullmatch(b):
        return None
    if m := v.p["value"].fullmatch(b):
        q = numbers.parse_quantity(m["num"].lstrip("+-−－") + (m["unit"] or ""), rules)
        if q is None:
            return None
        negative = m["num"][0] in "-−－"      # [-3.4]: a cut written as a negative change
        kind = v.changes.get(m["change"] or "") or ("decrease" if negative or v.p["decrease"].search(name) else
                                                    "increase" if v.p["increase"].search(name) else "level")
        return dict(value=float(q.value), value_max=None if q.value_max is None else float(q.value_max),
                    unit=q.unit, comparator=v.cmp.get(m["cb"] or m["ca"] or m["ca2"] or "", "="), kind=kind,
                    base=int(m["base"]) if m["base"] else None)
    if len(b) <= v.cfg["max_qualitative"]:
        for kind, pat in v.qualitative:
            if pat.search(b):
                return dict(value=None, value_max=None, unit="", comparator="", kind=kind)
    return None


def table_targets(text: str, rules: Rules) -> list[Span]:
    """(start, end, row) for every target of every indicator table in the cleaned text.

    ``row`` has the keys of a narrative target (indicator, value, value_max, unit, comparator, kind, year,
    baseline_year, modality, rule, pos); start/end span the table row, which is the quote.
    """
    v = _vocab(rules)
    out: list[Span] = []
    if "\t" not in text and not v.p["header_hint"].search(text):
        return out  # no tab-separated row and no short 指标/序号 line: no table to read (most documents)
    for cols, rows in _tab_tables(text, v) + _pdf_tables(text, v):
        out.extend(_targets(cols, rows, v, rules))
    return sorted(out, key=lambda r: r[0])
