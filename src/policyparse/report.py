"""Render a plan comparison: tables (CSV), one self-contained HTML page and the same in Markdown.

Nothing here decides what matches what: diff.py does that and hands over typed records, which this
module only lays out. The HTML page has no script and loads nothing (inline CSS and SVG), so that it
opens offline and can be mailed as one file. CSV files are UTF-8 with a byte-order mark and guarded
against formula injection by the writer of `extract` (tables.write_tables), as SCHEMA.md asks.
"""
from __future__ import annotations

import html
import os
import re
import tempfile
from dataclasses import replace  # noqa: F401  (used by the doctests)
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import pandas as pd

from .diff import CompareResult, DiffResult, SectionMatch, SectionStatus, Status, TargetEdit
from .model import Target
from .tables import write_tables

TARGET_DIFF_COLUMNS = ["indicator", "status", "child_value", "child_unit", "child_year", "child_comparator",
                       "parent_value", "parent_unit", "parent_year", "parent_comparator", "child_quote",
                       "parent_quote", "child_section", "parent_section",
                       # extra columns (SCHEMA allows them at the end)
                       "key", "reason", "child_value_max", "parent_value_max", "child_kind", "parent_kind",
                       "child_modality", "parent_modality", "child_baseline_year", "parent_baseline_year",
                       "child_target_id", "parent_target_id"]
SECTION_ALIGNMENT_COLUMNS = ["child_path", "child_title", "parent_path", "parent_title", "similarity", "status",
                             "child_kind", "parent_kind", "how", "taxonomy", "reuse_aligned", "reuse_parent"]

# Colours of the statuses: pale green for the same, green for stricter, red for looser, muted for the rest
# (light enough for dark text to stay readable on every one of them).
STATUS_COLOURS = {
    Status.SAME: "#dcefd6", Status.STRICTER: "#9bd49b", Status.LOOSER: "#f4b0b0",
    Status.CHANGED_YEAR: "#ffcc80", Status.CHILD_ONLY: "#bbdefb", Status.PARENT_ONLY: "#e0e0e0",
    Status.QUALITATIVE: "#e1bee7", Status.DIFFERENT_SCOPE: "#fff59d", Status.DELEGATED: "#b2dfdb",
}
COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", "~": "≈", ">": ">", "<": "<", "=": ""}
_KIND_SIGNS = {"decrease": "↓", "increase": "↑"}  # a cut of 13.5%, a growth of 15%
# Reading order of the target table: pairs that differ first, then the agreeing ones, then one-sided rows.
STATUS_ORDER = [Status.LOOSER, Status.CHANGED_YEAR, Status.STRICTER, Status.DIFFERENT_SCOPE, Status.DELEGATED,
                Status.QUALITATIVE, Status.SAME, Status.CHILD_ONLY, Status.PARENT_ONLY]


# ---------------------------------------------------------------- tables


def _side_cols(prefix: str, t: Optional[Target]) -> dict[str, Any]:
    f = (lambda name: getattr(t, name)) if t is not None else (lambda name: None)
    return {f"{prefix}_value": f("value"), f"{prefix}_unit": f("unit"), f"{prefix}_year": f("year"),
            f"{prefix}_comparator": f("comparator"), f"{prefix}_quote": f("quote"),
            f"{prefix}_section": f("section_path"), f"{prefix}_value_max": f("value_max"),
            f"{prefix}_kind": f("kind"), f"{prefix}_modality": f("modality"),
            f"{prefix}_baseline_year": f("baseline_year"), f"{prefix}_target_id": f("target_id")}


def target_frame(result: DiffResult) -> pd.DataFrame:
    """target_diff: one row per TargetEdit, SCHEMA.md columns first."""
    rows = [{"indicator": e.indicator, "status": e.status.value, "key": e.key, "reason": e.reason,
             **_side_cols("child", e.child), **_side_cols("parent", e.parent)} for e in result.edits]
    df = pd.DataFrame(rows, columns=TARGET_DIFF_COLUMNS)
    for col in ("child_year", "parent_year", "child_baseline_year", "parent_baseline_year"):
        df[col] = df[col].astype("Int64")
    for col in ("child_value", "parent_value", "child_value_max", "parent_value_max"):
        df[col] = df[col].astype("float64")
    return df


def section_frame(result: DiffResult) -> pd.DataFrame:
    """section_alignment: one row per SectionMatch, SCHEMA.md columns first."""
    rows = []
    for m in result.sections:
        c, p = m.child, m.parent
        rows.append({"child_path": c.path if c else None, "child_title": c.title if c else None,
                     "parent_path": p.path if p else None, "parent_title": p.title if p else None,
                     "similarity": m.similarity, "status": m.status.value, "child_kind": c.kind if c else None,
                     "parent_kind": p.kind if p else None, "how": m.how, "taxonomy": m.taxonomy,
                     "reuse_aligned": m.reuse_aligned, "reuse_parent": m.reuse_parent})
    df = pd.DataFrame(rows, columns=SECTION_ALIGNMENT_COLUMNS)
    for col in ("similarity", "reuse_aligned", "reuse_parent"):
        df[col] = df[col].astype("float64").round(3)
    return df


def target_text(t: Optional[Target], with_year: bool = True) -> str:
    """A target as a reader writes it: ≥46% (2025), 5–10家, ↓13.5% (a cut), peak (2030).

    >>> t = Target("t", "1", "", "x", 46.0, None, "%", ">=", "level", 2025, None, "aspirational", "", 0, 0)
    >>> target_text(t)
    '≥46% (2025, 力争)'
    >>> target_text(replace(t, value=65.0, kind="decrease", year=2030, modality="binding"))
    '↓≥65% (2030)'
    """
    if t is None:
        return ""
    if t.value is None:
        text = t.kind or "qualitative"
    else:
        text = COMPARATOR_SIGNS.get(t.comparator, t.comparator) + _num(t.value)
        text += f"–{_num(t.value_max)}" if t.value_max is not None else ""
        text = _KIND_SIGNS.get(t.kind, "") + text + t.unit
    notes = ([str(t.year)] if with_year and t.year else []) + (["力争"] if t.modality == "aspirational" else [])
    return text + (f" ({', '.join(notes)})" if notes else "")


def _num(v: float) -> str:
    return f"{v:.10g}"


def matrix_cells(result: CompareResult) -> list[tuple[str, str, dict[str, list[TargetEdit]]]]:
    """(doc_id, title, key -> edits) per child: the child's targets of each key indicator; where one of
    them is matched with a parent target, only the matched ones (they say more than the child's other rows)."""
    keys = set(result.key_indicators())
    rows = []
    for d in result.diffs:
        by_key: dict[str, list[TargetEdit]] = {}
        for e in d.edits:
            if e.child is not None and e.key in keys:
                by_key.setdefault(e.key, []).append(e)
        rows.append((d.child.doc_id, d.child.title,
                     {k: [e for e in v if e.parent is not None] or v for k, v in by_key.items()}))
    return rows


def _cell(edits: Sequence[TargetEdit]) -> str:
    texts = (target_text(e.child) for e in edits)
    return "; ".join(dict.fromkeys(t if t.startswith(e.status.value) else f"{t} {e.status.value}"
                                   for t, e in zip(texts, edits)))


def matrix_frame(result: CompareResult) -> pd.DataFrame:
    """Children × key indicators, the parent's targets in the first row: each cell the child's target(s)
    and the status against the parent."""
    keys = result.key_indicators()
    parent_row: dict[str, Any] = {"child": f"(parent) {result.parent.doc_id}", "title": result.parent.title}
    for k in keys:
        parent_row[k] = "; ".join(dict.fromkeys(target_text(e.parent) for d in result.diffs for e in d.edits
                                                if e.key == k and e.parent is not None))
    rows = [parent_row] + [{"child": doc_id, "title": title, **{k: _cell(cells.get(k, [])) for k in keys}}
                           for doc_id, title, cells in matrix_cells(result)]
    return pd.DataFrame(rows, columns=["child", "title", *keys])


def _atomic_write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- HTML

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222;
max-width:1400px}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:.86em}th,td{border:1px solid #ddd;padding:3px 6px;
vertical-align:top;text-align:left}th{background:#f4f4f4;position:sticky;top:0}.num{text-align:right;
white-space:nowrap}.cards{display:flex;flex-wrap:wrap;gap:.8em}.card{border:1px solid #ddd;border-radius:6px;
padding:.5em .9em;min-width:9em}.card b{display:block;font-size:1.5em}.quote{color:#444;font-size:.92em}
.bar{display:inline-block;height:.7em;background:#5c6bc0;vertical-align:middle}.depth1{font-weight:bold;
background:#fafafa}.depth3 td:first-child,.depth3 td:nth-child(3){padding-left:1.5em}
details summary{cursor:pointer;color:#555}.sec-child_only{background:#e3f2fd}
.sec-parent_only{background:#f0f0f0}nav a{margin-right:1em}.muted{color:#5f5f5f}
.legend span{display:inline-block;padding:0 .4em;margin-right:.3em}
"""


def _e(x: Any) -> str:
    return "" if x is None else html.escape(str(x))


def _pct(x: Optional[float]) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def status_chart(counts: dict[str, int], width: int = 520) -> str:
    """Horizontal bars of targets by status, as inline SVG."""
    items = [(s, counts.get(s.value, 0)) for s in Status]
    top = max([n for _, n in items] + [1])
    row, label_w, bar_w = 22, 120, width - 170
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{row * len(items) + 6}" '
             f'role="img" aria-label="targets by status">']
    for i, (s, n) in enumerate(items):
        y = 3 + i * row
        w = 0 if not n else max(2, round(bar_w * n / top))
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="13">{s.value}</text>'
                     f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{row - 6}" fill="{STATUS_COLOURS[s]}" '
                     f'stroke="#999" stroke-width="{1 if n else 0}"/>'
                     f'<text x="{label_w + w + 5}" y="{y + 15}" font-size="13">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _summary(result: DiffResult) -> dict[str, str]:
    def count(kinds: Iterable[str], side: str) -> tuple[int, int]:
        rows = [m for m in result.sections if getattr(m, side) is not None and getattr(m, side).kind in kinds]
        return sum(1 for m in rows if m.status is SectionStatus.ALIGNED), len(rows)
    ca, na = count(("chapter", "part", "area"), "child")
    cm, nm = count(("measure", "article"), "child")
    _, pa = count(("chapter", "part", "area"), "parent")
    _, pm = count(("measure", "article"), "parent")
    matched = sum(1 for e in result.edits if e.child is not None and e.parent is not None)
    return {"parts and areas aligned": f"{ca} / {na} (parent {pa})", "measures aligned": f"{cm} / {nm} (parent {pm})",
            "targets child / parent": f"{result.child.n_targets} / {result.parent.n_targets}",
            "target pairs": str(matched), "text reused from parent": _pct(result.reuse)}


def reading_order(edits: Sequence[TargetEdit]) -> list[TargetEdit]:
    """Edits by STATUS_ORDER, each status in the order of the child (then the parent) plan."""
    return sorted(edits, key=lambda e: STATUS_ORDER.index(e.status))


def _bare(text: str) -> str:
    return re.sub(r"\W+", "", text)


def _quote_cell(t: Optional[Target]) -> str:
    if t is None:
        return "<td></td>"
    return f"<td class=quote>{_e(t.quote)}<div class=muted>{_e(t.section_path)}</div></td>"


def _target_rows(edits: Sequence[TargetEdit]) -> str:
    out = []
    for e in reading_order(edits):
        c, p = e.child, e.parent
        key = "" if _bare(e.key) in _bare(e.indicator) else e.key  # only a key that says something new
        out.append(f'<tr class="st-{e.status.value}" style="background:{STATUS_COLOURS[e.status]}">'
                   f"<td>{_e(e.indicator)}<div class=muted>{_e(key)}</div></td><td>{_e(e.status.value)}"
                   f"<div class=muted>{_e(e.reason)}</div></td>"
                   f"<td class=num>{_e(target_text(c))}</td><td class=num>{_e(target_text(p))}</td>"
                   f"{_quote_cell(c)}{_quote_cell(p)}</tr>")
    return "".join(out)


def _excerpt(text: str, n: int = 160) -> str:
    t = re.sub(r"\s+", "", text)
    return t[:n] + ("…" if len(t) > n else "")


def _section_rows(rows: Sequence[SectionMatch]) -> str:
    out = []
    for m in rows:
        c, p = m.child, m.parent
        depth = (c or p).depth  # type: ignore[union-attr]
        reuse = m.reuse_aligned
        bar = f'<span class=bar style="width:{round(60 * reuse)}px"></span> ' if reuse is not None else ""
        def cell(s):  # noqa: E306 - a section on one side, title over a folded excerpt of its body
            if s is None:
                return "<td></td><td></td>"
            return (f"<td>{_e(s.path)}</td><td>{_e(s.title)}<details><summary>text</summary>"
                    f"<span class=quote>{_e(_excerpt(s.body))}</span></details></td>")
        out.append(f'<tr class="depth{min(depth, 3)} sec-{m.status.value}">{cell(c)}{cell(p)}'
                   f"<td class=num>{'' if m.similarity is None else f'{m.similarity:.2f}'}</td>"
                   f"<td>{_e(m.status.value)}<div class=muted>{_e(m.taxonomy)}</div></td>"
                   f"<td class=num>{bar}{_pct(m.reuse_aligned)}</td><td class=num>{_pct(m.reuse_parent)}</td></tr>")
    return "".join(out)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{CSS}</style></head><body>{body}</body></html>\n")


def _diff_body(result: DiffResult, heading: str = "h1") -> str:
    c, p = result.child, result.parent
    cards = "".join(f"<div class=card><b>{_e(v)}</b>{_e(k)}</div>" for k, v in _summary(result).items())
    legend = "".join(f'<span style="background:{STATUS_COLOURS[s]}">{s.value}</span>' for s in Status)
    return (f"<{heading}>{_e(c.title or c.doc_id)} <span class=muted>against</span> {_e(p.title or p.doc_id)}"
            f"</{heading}><p class=muted>child {_e(c.doc_id)} ({_e(c.level or 'level unknown')}) · parent "
            f"{_e(p.doc_id)} ({_e(p.level or 'level unknown')})</p>"
            f'<nav><a href="#summary">summary</a><a href="#targets">targets</a><a href="#sections">sections</a></nav>'
            f'<section id="summary"><h2>Summary</h2><div class=cards>{cards}</div></section>'
            f'<section id="chart"><h2>Targets by status</h2>{status_chart(result.status_counts())}</section>'
            f'<section id="targets"><h2>Targets</h2><p class=muted>pairs that differ first, then the agreeing '
            f"ones, then targets of one plan only; the status says how the child's target stands to the parent's."
            f'</p><p class=legend>{legend}</p>'
            f'<table id="target-table"><thead><tr><th>indicator</th><th>status</th><th>child</th><th>parent</th>'
            f"<th>child quote</th><th>parent quote</th></tr></thead><tbody>{_target_rows(result.edits)}</tbody>"
            f'</table></section><section id="sections"><h2>Sections side by side</h2>'
            f"<p class=muted>reuse: share of the child section's text found in runs of ≥ 8 characters in the "
            f"aligned parent section (bar) and anywhere in the parent.</p>"
            f'<table id="section-table"><thead><tr><th>child</th><th>child title</th><th>parent</th>'
            f"<th>parent title</th><th>similarity</th><th>status</th><th>reuse (aligned)</th>"
            f"<th>reuse (parent)</th></tr></thead><tbody>{_section_rows(result.sections)}</tbody></table></section>")


def render_html(result: DiffResult) -> str:
    return _page(f"{result.child.doc_id} vs {result.parent.doc_id}", _diff_body(result))


def render_compare_html(result: CompareResult, links: Sequence[str] = ()) -> str:
    keys = result.key_indicators()
    parent = matrix_frame(result).iloc[0]
    head = "<th>plan</th>" + "".join(f"<th>{_e(k)}</th>" for k in keys)
    body = [f"<tr><td>parent: {_e(result.parent.doc_id)}<div class=muted>{_e(result.parent.title)}</div></td>"
            + "".join(f"<td>{_e(parent[k])}</td>" for k in keys) + "</tr>"]
    for i, (doc_id, title, cells) in enumerate(matrix_cells(result)):
        name = f'<a href="{_e(links[i])}">{_e(doc_id)}</a>' if i < len(links) else _e(doc_id)
        tds = []
        for k in keys:
            edits = cells.get(k, [])
            style = f' style="background:{STATUS_COLOURS[edits[0].status]}"' if edits else ""
            tds.append(f"<td{style}>{_e(_cell(edits))}</td>")
        body.append(f"<tr><td>{name}<div class=muted>{_e(title)}</div></td>{''.join(tds)}</tr>")
    rows = "".join(f"<tr><td>{_e(d.child.doc_id)}</td><td class=num>{_pct(d.reuse)}</td>"
                   + "".join(f"<td class=num>{n}</td>" for n in d.status_counts().values()) + "</tr>"
                   for d in result.diffs)
    heads = "".join(f"<th>{s.value}</th>" for s in Status)
    legend = "".join(f'<span style="background:{STATUS_COLOURS[s]}">{s.value}</span>' for s in Status)
    return _page(f"{result.parent.doc_id}: compare", (
        f"<h1>{_e(result.parent.title or result.parent.doc_id)} <span class=muted>and {len(result.diffs)} "
        f"plans that follow it</span></h1><section id=matrix><h2>Key indicators</h2><p class=legend>{legend}</p>"
        f'<table id="matrix-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></section>'
        f"<section id=overview><h2>Targets by status and text reuse</h2><table id=overview-table><thead><tr>"
        f"<th>child</th><th>reuse</th>{heads}</tr></thead><tbody>{rows}</tbody></table></section>"))


# ---------------------------------------------------------------- Markdown


def _md(x: Any) -> str:
    return "" if x is None else str(x).replace("|", "\\|").replace("\n", " ")


def _md_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(map(_md, header)) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(map(_md, r)) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def render_markdown(result: DiffResult) -> str:
    c, p = result.child, result.parent
    out = [f"# {c.title or c.doc_id} against {p.title or p.doc_id}\n",
           f"child `{c.doc_id}` ({c.level or 'level unknown'}), parent `{p.doc_id}` ({p.level or 'level unknown'})\n",
           "## Summary\n", _md_table(["figure", "value"], _summary(result).items()),
           "## Targets by status\n", _md_table(["status", "targets"], result.status_counts().items()),
           "## Targets\n",
           _md_table(["indicator", "status", "child", "parent", "reason", "child quote", "parent quote"],
                     ((e.indicator, e.status.value, target_text(e.child), target_text(e.parent), e.reason,
                       e.child.quote if e.child else "", e.parent.quote if e.parent else "")
                      for e in reading_order(result.edits))),
           "## Sections side by side\n",
           "reuse: share of the child section's text found in runs of ≥ 8 characters in the aligned parent "
           "section / anywhere in the parent.\n\n",
           _md_table(["child", "child title", "parent", "parent title", "similarity", "status", "reuse aligned",
                      "reuse parent"],
                     ((m.child.path if m.child else "", m.child.title if m.child else "",
                       m.parent.path if m.parent else "", m.parent.title if m.parent else "",
                       "" if m.similarity is None else f"{m.similarity:.2f}", m.status.value,
                       _pct(m.reuse_aligned), _pct(m.reuse_parent)) for m in result.sections))]
    return "\n".join(out)


def render_compare_markdown(result: CompareResult) -> str:
    m = matrix_frame(result)
    return "\n".join([f"# {result.parent.title or result.parent.doc_id}: {len(result.diffs)} plans compared\n",
                      "## Key indicators\n", _md_table(list(m.columns), m.itertuples(index=False)),
                      "## Targets by status and text reuse\n",
                      _md_table(["child", "reuse", *(s.value for s in Status)],
                                ((d.child.doc_id, _pct(d.reuse), *d.status_counts().values()) for d in result.diffs))])


# ---------------------------------------------------------------- files


def write_diff(result: DiffResult, out_dir: Path) -> None:
    """DIR/report.html, DIR/report.md, DIR/target_diff.csv, DIR/section_alignment.csv."""
    out_dir = Path(out_dir)
    write_tables({"target_diff": target_frame(result), "section_alignment": section_frame(result)}, out_dir)
    _atomic_write(out_dir / "report.md", render_markdown(result))
    _atomic_write(out_dir / "report.html", render_html(result))


def folder_name(doc_id: str) -> str:
    """A safe folder name for a child's report: letters, digits, _ and - only (so no separator and no ..).

    >>> folder_name("../a/b c")
    'a_b_c'
    """
    name = re.sub(r"[^\w\-]+", "_", doc_id).strip("_")
    return name[:100] or "child"


def write_compare(result: CompareResult, out_dir: Path) -> None:
    """DIR/matrix.csv, DIR/report.html, DIR/report.md, and each child's diff in DIR/<child>/."""
    out_dir = Path(out_dir)
    names: list[str] = []
    for d in result.diffs:
        name = folder_name(d.child.doc_id)
        while name in names:  # two children with one doc_id (the same file given twice)
            name += "_"
        names.append(name)
        write_diff(d, out_dir / name)
    write_tables({"matrix": matrix_frame(result)}, out_dir)
    _atomic_write(out_dir / "report.md", render_compare_markdown(result))
    _atomic_write(out_dir / "report.html", render_compare_html(result, [f"{n}/report.html" for n in names]))
