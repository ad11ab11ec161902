"""Role annotations: the unit lists that follow measures, read into one Mention per unit with its role.

Policy texts name who does a measure in a parenthesis after it, in many forms: （牵头单位：A；配合单位：B、C）,
（责任单位：A，配合单位：B）, （A、B牵头，C等按职责分工负责）, （A负责）, ［责任单位：A，B；逗号前为牵头单位，下同］, or
as 牵头单位：… cells of a flattened table. A clause's role is its verb (牵头 lead, 配合 support, 负责 responsible),
else its label; a unit written without a level (省工信厅、发改委) takes the prefix of the unit before it. The
words and forms are data in data/entities.yaml (`roles`); entity_rules.Config compiles them.
"""
from __future__ import annotations

import re
from typing import Iterator, Optional, Sequence

from .entity_rules import CLOSE, OPEN, Config, Mention, strip_trailing_note

_BRACKET = re.compile("[" + re.escape(OPEN + CLOSE) + "]")


def bracket_groups(text: str, max_chars: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the content of each top-level bracket pair; a bracket left open for longer than
    max_chars is given up, so that one unclosed （ does not swallow the rest of the document."""
    stack: list[int] = []
    for m in _BRACKET.finditer(text):
        i, ch = m.start(), m.group()
        if ch in OPEN:
            if stack and i - stack[0] > max_chars:
                stack.clear()
            stack.append(i)
        elif ch in CLOSE and stack:
            o = stack.pop()
            if not stack and i - o - 1 <= max_chars:
                yield o + 1, i
            elif stack and i - stack[0] > max_chars:
                stack.clear()


def annotations(text: str, cfg: Config) -> tuple[list[Mention], list[tuple[int, int]]]:
    """Every unit listed in a role annotation, with its role; and the spans of the annotations."""
    out: list[Mention] = []
    spans: list[tuple[int, int]] = []
    convention = ""
    groups = [(lo, hi) for lo, hi in bracket_groups(text, cfg.max_chars) if cfg.role_hint.search(text, lo, hi)]
    groups += [(m.start(), m.end()) for m in cfg.label_line_re.finditer(text)
               if not any(s <= m.start() < e for s, e in groups)]
    for lo, hi in sorted(groups):
        compact = text[lo:hi]
        if compact.isprintable() and " " not in compact:   # no whitespace at all (every kind but " " is
            idx: Sequence[int] = range(lo, hi)              # unprintable): positions map one to one
        else:
            idx = [i for i in range(lo, hi) if not text[i].isspace()]
            compact = "".join(text[i] for i in idx)
        if not (cfg.label_re.search(compact) or cfg.verb_any_re.search(compact)):
            continue
        if any(w in compact for w in cfg.lead_before_comma):
            convention = "comma"
        elif any(w in compact for w in cfg.lead_first):
            convention = "first"
        units = parse_annotation(compact, cfg, convention)
        if units:
            spans.append((lo, hi))
        for u_lo, u_hi, role, name in units:
            surface = compact[u_lo:u_hi]
            out.append(Mention(idx[u_lo], idx[u_hi - 1] + 1, surface, cfg.type_of(name), role, "annotation", name))
    return out, spans


def split_top(s: str, seps: str, lo: int = 0, hi: Optional[int] = None) -> list[tuple[int, int]]:
    """Split s[lo:hi] at separators outside brackets.

    >>> split_top("甲、乙（丙、丁）、戊", "、")
    [(0, 1), (2, 8), (9, 10)]
    """
    hi = len(s) if hi is None else hi
    if not _BRACKET.search(s, lo, hi):   # the common case: no brackets, so every separator splits
        cuts = [m.start() for m in re.finditer("[" + re.escape(seps) + "]", s[lo:hi])]
        bounds = [lo - 1] + [lo + c for c in cuts] + [hi]
        return [(a + 1, b) for a, b in zip(bounds, bounds[1:]) if b > a + 1]
    out, depth, start = [], 0, lo
    for i in range(lo, hi):
        depth += (s[i] in OPEN) - (s[i] in CLOSE)
        if depth == 0 and s[i] in seps:
            out.append((start, i))
            start = i + 1
    out.append((start, hi))
    return [(a, b) for a, b in out if b > a]


def parse_annotation(c: str, cfg: Config, convention: str) -> list[tuple[int, int, str, str]]:
    """(start, end, role, name) of each unit in the compact annotation text `c`.

    A clause's role is its verb (A、B牵头 / C等按职责分工负责), else its label (配合单位：…); a clause with
    neither waits for the next verb in its sentence (A，B，C等按职责分工负责 makes all three responsible).
    """
    out: list[tuple[int, int, str, str]] = []
    label = ""
    for seg_lo, seg_hi in split_top(c, "；;。"):
        if cfg.note_re.search(c, seg_lo, seg_hi) and not cfg.label_re.search(c, seg_lo, seg_hi):
            continue   # 逗号前为牵头单位，下同 / 以下均需各市人民政府落实，不再列出
        clauses = split_top(c, "，,", seg_lo, seg_hi)
        pending: list[tuple[int, int, str]] = []
        seen_lead, prefix, first = False, "", len(out)
        for n, (lo, hi) in enumerate(clauses):
            lab = cfg.label_re.match(c, lo, hi)
            if lab:
                label, lo = cfg.label_role[lab.group("label")], lab.end()
            elif cfg.stop_label_re.match(c, lo, hi):
                label = "stop"
            if label == "stop":
                continue
            verb = cfg.verb_end_re.search(c, lo, hi)
            role = cfg.verb_role[verb.group("verb")] if verb else label
            if not verb and convention == "comma" and label == "responsible" and n == 0 and len(clauses) > 1:
                role = "lead"   # ［责任单位：A、B，C；逗号前为牵头单位］
            units = []
            for u_lo, u_hi, name in split_units(c, lo, verb.start() if verb else hi, cfg):
                unit_prefix, rest = cfg.split_prefix(name)
                prefix = unit_prefix or prefix
                if not unit_prefix and rest in cfg.dept_names and cfg.inherits(rest):
                    name = prefix + name   # 省工信厅、发改委 → 省发改委
                units.append((u_lo, u_hi, name))
            if role:
                seen_lead |= role == "lead"
                out += [(a, b, role, nm) for a, b, nm in pending + units]
                pending = []
            else:
                pending += units
        out += [(a, b, "support" if seen_lead else "responsible", nm) for a, b, nm in pending]
        if convention == "first" and len(out) > first and out[first][2] == "responsible":
            out[first] = out[first][:2] + ("lead",) + out[first][3:]   # 两省市列首位的为牵头单位
    return out


def split_units(c: str, lo: int, hi: int, cfg: Config) -> list[tuple[int, int, str]]:
    """(start, end, name) of the units of one clause: split at 、 and at 和/及/与 between two complete unit
    names; 等/等部门 dropped; 彭州市、金堂县、大邑县政府 gives each place the government of the last."""
    spans: list[tuple[int, int]] = []
    for a, b in split_top(c, "、", lo, hi):
        cut = next((j for j in range(a + 2, b - 1) if c[j] in "和及与" and cfg.is_unit(_untail(c[a:j], cfg))
                    and cfg.is_unit(_untail(c[j + 1:b], cfg))), None)
        spans += [(a, cut), (cut + 1, b)] if cut else [(a, b)]
    spans = [(a, a + len(strip_trailing_note(_untail(c[a:b], cfg)))) for a, b in spans]
    head = next((h for h in cfg.government_heads if spans and c[spans[-1][0]:spans[-1][1]].endswith(h)), "")
    out = []
    for a, b in spans:
        if cfg.is_unit(c[a:b]):
            out.append((a, b, c[a:b]))
        elif head and cfg.place_word.fullmatch(c, a, b):
            out.append((a, b, c[a:b] + head))
    return out


def _untail(s: str, cfg: Config) -> str:
    """市商务局等部门 → 市商务局; a final 等 says the list is not complete."""
    m = cfg.tail_re.search(s)
    return s[: m.start()] if m and m.start() >= 2 else s
