"""A highlighted reading view of one parsed notice: `render_html(doc)` returns one self-contained page.

The page has the outline (the section tree, each entry a link to its heading), a legend, and the source
text with target statements and entities highlighted by type; hovering a highlight shows the target's
indicator, value and year, or the entity's type, role and normalized name. Everything is inline (CSS, no
scripts, no external resources), every text is HTML-escaped, and the page opens offline. It is written by
`policyparse parse FILE --html OUT.html`.
"""
from __future__ import annotations

import bisect
from html import escape
from typing import Iterable

from .model import Document, Entity, OutlineNode, Target

COLORS = {
    "government": "#cfe3ff", "party": "#ffd6d6", "group": "#e9d7ff", "enterprise": "#d7f5dd",
    "zone": "#fff0c2", "place": "#ffe0c7", "facility": "#d2f1f4", "other": "#e6e6e6",
}
ROLE_NAMES = {"lead": "牵头 lead", "support": "配合 support", "responsible": "负责 responsible",
              "issuer": "发文 issuer", "mentioned": "mentioned"}

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;display:flex;color:#222}
nav{width:22rem;min-width:16rem;height:100vh;overflow:auto;position:sticky;top:0;background:#f7f7f7;
padding:1rem;box-sizing:border-box;font-size:.9rem;border-right:1px solid #ddd}
nav ul{list-style:none;padding-left:1rem;margin:.2rem 0}nav>ul{padding-left:0}
nav a{color:#124;text-decoration:none}nav a:hover{text-decoration:underline}
main{flex:1;padding:1rem 2rem;max-width:60rem}
.meta td{padding:.1rem .8rem .1rem 0;vertical-align:top}.meta td:first-child{color:#666}
.legend span{display:inline-block;margin:.15rem .3rem;padding:.05rem .4rem;border-radius:.2rem}
.text{white-space:pre-wrap;line-height:1.9;font-size:1.02rem}
mark{background:none;color:inherit;padding:0}
mark.t{border-bottom:2px solid #d33;background:#fff6f0}
mark.e{border-radius:.2rem;padding:0 .1rem}
mark.r-lead,mark.r-responsible,mark.r-support{font-weight:bold}
.anchor{scroll-margin-top:1rem}
"""


def render_html(doc: Document) -> str:
    """The whole page for one Document."""
    title = doc.meta.title or doc.meta.notice_title or doc.doc_id or "policyparse"
    parts = ["<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">",
             f"<title>{escape(title)}</title><style>{CSS}{_type_css()}</style></head><body>",
             "<nav><h2>目录 Outline</h2>", _outline(doc.outline), "</nav><main>",
             f"<h1>{escape(title)}</h1>", _meta_table(doc), _legend(doc),
             "<div class=\"text\">", _text(doc), "</div></main></body></html>\n"]
    return "".join(parts)


def _type_css() -> str:
    return "".join(f"mark.e-{t},.legend .e-{t}{{background:{c}}}" for t, c in COLORS.items())


def _anchor(path: str) -> str:
    return "sec-" + (path or "top")


def _outline(nodes: Iterable[OutlineNode]) -> str:
    items = []
    for node in nodes:
        s = node.section
        if s.kind == "lead":
            continue
        label = f"{s.label} {s.title}".strip() or s.section_path
        kids = _outline(node.children)
        items.append(f"<li><a href=\"#{escape(_anchor(s.section_path))}\">{escape(label)}</a>{kids}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _meta_table(doc: Document) -> str:
    m = doc.meta
    rows = [("发文机关 issuer", m.issuer), ("文号 number", m.doc_number), ("日期 date", m.date),
            ("通知 notice", m.notice_title), ("层级 level", m.level), ("地区 region", m.region),
            ("依据 parent plans", "；".join(m.parent_plans)),
            ("统计 counts", f"{len(doc.section_list)} sections, {len(doc.target_list)} targets, "
                            f"{len(doc.entity_list)} entity rows, {len(doc.issue_list)} issues")]
    body = "".join(f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in rows if v)
    return f"<table class=\"meta\">{body}</table>"


def _legend(doc: Document) -> str:
    used = {e.type for e in doc.entity_list}
    chips = ["<span class=\"t\" style=\"border-bottom:2px solid #d33;background:#fff6f0\">目标 target</span>"]
    chips += [f"<span class=\"e-{escape(t)}\">{escape(t)}</span>" for t in COLORS if t in used]
    return f"<p class=\"legend\">{''.join(chips)}</p>"


def _target_tip(targets: list[Target]) -> str:
    lines = []
    for t in targets:
        value = "" if t.value is None else f"{t.comparator}{t.value:g}" + (
            f"–{t.value_max:g}" if t.value_max is not None else "") + t.unit
        bits = [t.indicator, value, f"{t.year}年" if t.year else "", t.kind, t.modality]
        lines.append(" · ".join(b for b in bits if b))
    return "\n".join(lines)


def _text(doc: Document) -> str:
    """The source text with targets (outer marks) and entities (inner marks); anchors at headings."""
    src = doc.source
    targets: dict[tuple[int, int], list[Target]] = {}
    for t in doc.target_list:
        if 0 <= t.char_start < t.char_end <= len(src):
            targets.setdefault((t.char_start, t.char_end), []).append(t)
    ents: dict[tuple[int, int], list[Entity]] = {}
    for e in doc.entity_list:
        if 0 <= e.char_start < e.char_end <= len(src):
            ents.setdefault((e.char_start, e.char_end), []).append(e)
    spans = [(a, b, 0, _target_open(ts)) for (a, b), ts in targets.items()]
    spans += [(a, b, 1, _entity_open(es)) for (a, b), es in ents.items()]
    spans += [(s.char_start, s.char_start, 2, f"<span class=\"anchor\" id=\"{escape(_anchor(s.section_path))}\">")
              for s in doc.section_list if 0 <= s.char_start <= len(src)]
    return _nest(src, spans)


def _nest(src: str, spans: list[tuple[int, int, int, str]]) -> str:
    """Wrap text in properly nested tags: a span that crosses the end of an open one is cut there and
    continued after it (a name across a target's edge becomes two marks)."""
    key = lambda s: (s[0], -s[1], s[2])
    queue = sorted(spans, key=key)
    out: list[str] = []
    stack: list[tuple[int, str]] = []
    pos = i = 0
    while i < len(queue):
        a, b, kind, tag = queue[i]
        while stack and stack[-1][0] <= a:
            end, close = stack.pop()
            out += [escape(src[pos:end]), close]
            pos = end
        out.append(escape(src[pos:a]))
        pos = a
        if stack and b > stack[-1][0]:
            bisect.insort(queue, (stack[-1][0], b, kind, tag), lo=i + 1, key=key)
            b = stack[-1][0]
        out.append(tag)
        stack.append((b, "</span>" if kind == 2 else "</mark>"))
        i += 1
    while stack:
        end, close = stack.pop()
        out += [escape(src[pos:end]), close]
        pos = end
    out.append(escape(src[pos:]))
    return "".join(out)


def _target_open(targets: list[Target]) -> str:
    ids = " ".join(t.target_id for t in targets)
    return f"<mark class=\"t\" data-targets=\"{escape(ids)}\" title=\"{escape(_target_tip(targets))}\">"


def _entity_open(rows: list[Entity]) -> str:
    e = rows[0]
    roles = "/".join(ROLE_NAMES.get(r, r) for r in sorted({r.role for r in rows}, key=_role_rank))
    tip = f"{e.name} · {e.type} · {roles} · {e.section_path or '—'}"
    return (f"<mark class=\"e e-{escape(e.type)} r-{escape(rows[0].role)}\" data-entity=\"{escape(e.entity_id)}\" "
            f"title=\"{escape(tip)}\">")


def _role_rank(role: str) -> int:
    order = list(ROLE_NAMES)
    return order.index(role) if role in order else len(order)
