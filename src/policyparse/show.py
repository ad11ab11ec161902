"""Terminal and JSON views of one parsed document (`policyparse parse FILE [--json]`)."""
from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from .model import Document, OutlineNode


def _clean_value(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def document_json(doc: Document) -> dict[str, Any]:
    """Everything: metadata, sections, targets, entities, issues (spans into the source text)."""
    def rows(records):
        return [{k: _clean_value(v) for k, v in asdict(r).items()} for r in records]
    return {
        "meta": doc.document_row(),
        "sections": rows(doc.section_list),
        "targets": rows(doc.target_list),
        "entities": rows(doc.entity_list),
        "issues": rows(doc.issue_list),
    }


def _tree_lines(nodes: tuple[OutlineNode, ...], indent: int = 0) -> list[str]:
    out = []
    for n in nodes:
        s = n.section
        label = s.label or "·"
        out.append(f"{'  ' * indent}{label} {s.title}  [{s.section_path}]")
        out.extend(_tree_lines(n.children, indent + 1))
    return out


def _fmt_target(t) -> str:
    if t.value is None:
        value = f"({t.kind})"
    else:
        v = f"{t.value:g}" + (f"–{t.value_max:g}" if t.value_max is not None else "")
        value = f"{t.comparator} {v}{t.unit}".strip()
    year = t.year or "—"
    mod = " 力争" if t.modality == "aspirational" else ""
    return f"  {t.section_path or '-':8} {year}  {t.indicator}  {value}{mod}"


def document_text(doc: Document) -> str:
    m = doc.document_row()
    lines = [f"{m['title'] or m['doc_id']}"]
    for key in ("notice_title", "issuer", "doc_number", "index_number", "date", "level", "region", "parent_plans"):
        if m.get(key):
            lines.append(f"  {key:13} {m[key]}")
    lines.append(f"\nOutline ({m['n_sections']} numbered sections)")
    lines.extend("  " + x for x in _tree_lines(doc.outline))
    lines.append(f"\nTargets ({len(doc.target_list)})")
    lines.extend(_fmt_target(t) for t in doc.target_list)
    if doc.entity_list:
        lines.append(f"\nEntities ({len(doc.entity_list)})")
        for e in doc.entity_list[:60]:
            lines.append(f"  {e.section_path or '-':8} {e.name} ({e.type}, {e.role})")
    lines.append(f"\nIssues ({len(doc.issue_list)})")
    for i in doc.issue_list:
        if i.kind in ("placeholder",):
            continue
        lines.append(f"  {i.kind:16} {i.message}: {i.original[:30]!r} → {i.suggestion[:30]!r}")
    n_ph = sum(1 for i in doc.issue_list if i.kind == "placeholder")
    if n_ph:
        lines.append(f"  placeholder      {n_ph} '?' placeholders removed")
    return "\n".join(lines) + "\n"
