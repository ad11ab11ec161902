"""The heading tree: 一、 / （一） / 1. / （1） / ① and 第X章 / 第X条, with clean titles and spans.

Headings are found at the start of paragraphs of the cleaned text. Depth comes from the order marker
types appear in (as in Word's numbering), so a plan that goes 一、 → 1. directly is handled like one that
goes 一、 → （一） → 1. A title is the heading text without numbering and trailing 。; a heading whose 。
was lost in scraping (加大招商引资力度建设全球招商项目库…) is split where its body begins. Numbering
gaps and restarts are reported as issues.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable, Optional

from .clean import Cleaned
from .model import Issue, Section, SectionKind, Severity
from .numbers import cn_number
from .rules import Rules

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
NUMBER_AFTER_LABEL = re.compile(r"[\d.%％年月日]")
COMMA, CLAUSE_MARK = re.compile(r"[,，]"), re.compile(r"[,，;；]")


@dataclass(frozen=True)
class Heading:
    """A numbered paragraph before it is placed in the tree (spans in the cleaned text)."""

    marker: str
    kind: str
    number: int
    label: str
    title: str
    start: int
    body_start: int
    rule: str


def _number(written: str) -> int:
    if written in CIRCLED:
        return CIRCLED.index(written) + 1
    n = cn_number(written)
    return int(n) if n is not None else 0


def _is_parallel(title: str) -> bool:
    """Titles may be two parallel clauses joined by a comma (严格执行法规标准,加强绿色转型刚性约束)."""
    parts = COMMA.split(title)
    return len(parts) == 2 and all(4 <= len(p) <= 16 for p in parts) and abs(len(parts[0]) - len(parts[1])) <= 4


def _split_merged(rest: str, rules: Rules, tokenizer) -> tuple[int, str]:
    """Where the body begins in a heading that lost its 。: a word boundary after a title-final noun and
    before a clause-initial verb; the comma of a parallel title may lie before it. Returns (length, rule)."""
    cfg = rules["outline"]
    starts, ends = rules.word_regex("outline", "clause_start_words"), cfg["title_end_words"]
    head = rest[:60]
    words = tokenizer.lcut(head) if tokenizer is not None else []
    best, best_pos = -1.0, 0
    pos = 0
    comma = COMMA.search(head)
    for i, (w, flag) in enumerate(words[:-1]):
        pos += len(w)
        nxt, nflag = words[i + 1]
        if pos < 4 or pos > cfg["max_title_chars"]:
            continue
        title = head[:pos]
        if title.count("“") != title.count("”") or title.count("《") != title.count("》"):
            continue
        if comma and comma.start() < pos and not _is_parallel(title):
            continue
        if comma and comma.start() >= pos and comma.start() - pos < 4:
            continue
        opens = starts.match(head, pos) is not None  # 各街镇 may be cut as 各街|镇
        score = 3.0 * opens + 1.0 * (nflag[:1] in ("v", "p", "d", "r")) \
            + 2.0 * (w in ends) + 1.0 * (flag[:1] in ("n", "v") or flag == "vn")
        if comma and comma.start() < pos:
            score += 1.0  # a parallel title is more likely to end here than inside its first clause
        if score > best:
            best, best_pos = score, pos
    if best >= 4:
        return best_pos, "merged_split"
    comma_end = CLAUSE_MARK.search(rest)
    if comma_end and comma_end.start() <= cfg["max_title_chars"]:
        return comma_end.start(), "first_clause"
    return min(len(rest), cfg["max_title_chars"]), "truncated"


def _title(rest: str, rules: Rules, tokenizer) -> tuple[str, int, str]:
    """(title, length of heading text consumed, rule) for the text after the numbering."""
    cfg = rules["outline"]
    stop = rules.regex(cfg["title_end"]).search(rest)
    limit = cfg["max_title_chars"]
    if stop and stop.start() <= limit:
        candidate = rest[:stop.start()]
        if not COMMA.search(candidate) or _is_parallel(candidate) or len(candidate) <= 16:
            return candidate, stop.end(), "full_stop"
    elif not stop and len(rest) <= limit:
        return rest.rstrip("；;：:"), len(rest), "own_line"
    if tokenizer is None:
        n, rule = _split_merged(rest, rules, None)
    else:
        n, rule = _split_merged(rest, rules, tokenizer())
    return rest[:n], n, rule


def find_headings(cleaned: Cleaned, rules: Rules, tokenizer: Optional[Callable] = None) -> list[Heading]:
    text = cleaned.text
    markers = [(m["name"], m["kind"], rules.regex(r"^" + m["pattern"])) for m in rules["outline"]["markers"]]
    # one test of all markers at once first: most paragraphs are no heading
    any_marker = rules.regex("^(?:" + "|".join(f"(?:{m['pattern']})" for m in rules["outline"]["markers"]) + ")")
    out = []
    paras, pos = [], 0
    for para in text.split("\n"):
        paras.append((pos, para))
        pos += len(para) + 1
    for i, (start, para) in enumerate(paras):
        if not para.strip() or not any_marker.match(para):
            continue
        for name, kind, pat in markers:
            m = pat.match(para)
            if not m:
                continue
            if m.end() >= len(para.rstrip()):
                # 七、 alone on its line, the title on the next one (PDF layout)
                nxt = next(((s, p) for s, p in paras[i + 1:i + 4] if p.strip()), None)
                if nxt is None or any(p.match(nxt[1]) for _, _, p in markers) or len(nxt[1]) > 60:
                    break
                title, used, rule = _title(nxt[1].strip(), rules, tokenizer)
                title = title.strip().rstrip("。；;：:，,")
                if title:
                    out.append(Heading(name, kind, _number(m.group("n")), para.strip(), title, start,
                                       nxt[0] + len(nxt[1]) - len(nxt[1].lstrip()) + used, "label_own_line"))
                break
            rest = para[m.end():]
            if NUMBER_AFTER_LABEL.match(rest):  # 1.5%, 2025年… are numbers, not numbering
                break
            title, used, rule = _title(rest, rules, tokenizer)
            title = title.strip().rstrip("。；;：:，,")
            if not title:
                break
            out.append(Heading(name, kind, _number(m.group("n")), para[:m.end()].strip(), title,
                               start, start + m.end() + used, rule))
            break
    return out


def _leads(text: str, start: int, end: int, rules: Rules) -> list[tuple[int, int, str]]:
    """Unnumbered lead sentences (推动新一代信息技术纵深发展。…) on later paragraphs of a measure."""
    limit = rules["outline"]["lead_max_chars"]
    out = []
    pos = text.find("\n", start)
    while 0 <= pos < end:
        nxt = text.find("\n", pos + 1)
        para_end = end if nxt < 0 or nxt > end else nxt
        para = text[pos + 1:para_end]
        m = rules.regex(r"([^。，,、；;：:\d]{4,%d})。" % limit).match(para)
        if m:
            out.append((pos + 1, pos + 1 + m.end(), m.group(1)))
        pos = nxt if nxt >= 0 else -1
    return out


def _drop_listing(heads: list[Heading], text: str) -> list[Heading]:
    """A contents listing without page numbers (第一章 总则 / 第二章 … on consecutive lines, before the
    chapters themselves): a run of headings of one marker, starting at 1, with nothing between them,
    whose number 1 comes again later. The run is dropped so that the chapters are read once."""
    i = 0
    while i < len(heads):
        h = heads[i]
        j = i
        while (j + 1 < len(heads) and heads[j + 1].marker == h.marker
               and not text[heads[j].body_start:heads[j + 1].start].strip()):
            j += 1
        again = any(k.marker == h.marker and k.number == h.number for k in heads[j + 1:])
        if h.number == 1 and j - i >= 2 and again:
            return heads[:i] + heads[j + 1:]
        i = j + 1
    return heads


def build_outline(cleaned: Cleaned, rules: Rules,
                  tokenizer: Optional[Callable] = None) -> tuple[list[Section], list[Issue]]:
    """Sections (preamble first, then headings in text order, with lead children) and numbering issues."""
    text = cleaned.text
    heads = _drop_listing(find_headings(cleaned, rules, tokenizer), text)
    stack: list[str] = []           # marker names from the top level down
    last_seen: dict[str, int] = {}  # last number written per marker, for numbering that runs on
    counters: list[int] = []        # position of the current heading at each level
    last_number: list[int] = []     # number as written at each level
    placed = []
    issues: list[Issue] = []
    for h in heads:
        if h.marker in stack:
            level = stack.index(h.marker)
            del stack[level + 1:], counters[level + 1:], last_number[level + 1:]
            counters[level] += 1
            expected = last_number[level] + 1
            last_number[level] = h.number
        else:
            stack.append(h.marker)
            counters.append(1)
            last_number.append(h.number)
            level = len(stack) - 1
            expected = 1
            if h.number == last_seen.get(h.marker, 0) + 1 and h.number > 1:
                expected = h.number  # items numbered on across parts (（四） opens part 三): not a gap
        last_seen[h.marker] = h.number
        if h.number != expected:
            what = "numbering_gap" if h.number > expected else "numbering_restart"
            s, e = cleaned.source_span(h.start, h.start + len(h.label))
            issues.append(Issue(what, Severity.WARNING.value,
                                f"heading {h.label} where number {expected} was expected", cleaned.source[s:e],
                                "", s, e))
        path = ".".join(str(c) for c in counters)
        placed.append((h, level, path))
        if h.rule == "merged_split":
            s, e = cleaned.source_span(h.start, h.body_start)
            issues.append(Issue("merged_heading", Severity.INFO.value,
                                "heading and body were run together; split after the title",
                                cleaned.source[s:e], h.title, s, e))

    sections: list[Section] = []
    first = placed[0][0].start if placed else len(text)
    s, e = cleaned.source_span(0, first)
    sections.append(Section("", "", "", 0, SectionKind.PREAMBLE.value, "", s, e, 0, first, 0, "preamble"))
    # A section ends where the next heading of its level or higher begins. Found for all headings in one
    # pass with a stack (a scan over placed[i + 1:] per heading was quadratic in a text of many headings).
    ends = [len(text)] * len(placed)
    open_heads: list[int] = []
    for j, (h2, level2, _) in enumerate(placed):
        while open_heads and placed[open_heads[-1]][1] >= level2:
            ends[open_heads.pop()] = h2.start
        open_heads.append(j)
    for i, (h, level, path) in enumerate(placed):
        end = _rstrip_end(text, ends[i])
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        s, e = cleaned.source_span(h.start, end)
        sections.append(Section(path, h.label, h.title, level + 1, h.kind, parent, s, e, h.start, end,
                                h.body_start, h.rule))
        if h.kind in (SectionKind.MEASURE.value, SectionKind.ITEM.value):
            own_end = placed[i + 1][0].start if i + 1 < len(placed) else end
            leads = _leads(text, h.start, own_end, rules)
            for k, (ls, le, title) in enumerate(leads, 1):
                lead_end = min(leads[k][0] - 1 if k < len(leads) else own_end, end)
                s2, e2 = cleaned.source_span(ls, lead_end)
                sections.append(Section(f"{path}.L{k}", "", title, level + 2, SectionKind.LEAD.value, path,
                                        s2, e2, ls, lead_end, le, "lead"))
    return sections, issues


def _rstrip_end(text: str, end: int) -> int:
    """len(text[:end].rstrip()) without copying the text (a copy per section is quadratic)."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _scan(sections, pos: int, numbered_only: bool) -> Optional[Section]:
    best = None
    for s in sections:
        if numbered_only and s.kind == SectionKind.LEAD.value:
            continue
        if s.text_start <= pos < max(s.text_end, s.text_start + 1) and (best is None or s.depth >= best.depth):
            best = s
    return best


class SectionIndex:
    """section_at for many positions in O(depths · log n) each instead of a scan of every section.

    Sections of one depth never overlap (a heading ends where the next one of its level begins), so per
    depth a binary search finds the one section that may hold a position. The index checks that on
    building and, for sections that break it, falls back to the scan. A scan per target made target
    extraction quadratic on a text of many headings and targets (one 1 MB hostile text: minutes).
    """

    def __init__(self, sections, numbered_only: bool = True):
        self.sections, self.numbered_only, self.n = sections, numbered_only, len(sections)
        by_depth: dict[int, list[Section]] = {}
        for s in sections:
            if not (numbered_only and s.kind == SectionKind.LEAD.value):
                by_depth.setdefault(s.depth, []).append(s)
        self.levels = []   # (depth, starts, sections), deepest first
        self.ok = True
        for depth in sorted(by_depth, reverse=True):
            group = by_depth[depth]
            ends = [max(s.text_end, s.text_start + 1) for s in group]
            if any(group[i + 1].text_start < ends[i] for i in range(len(group) - 1)):
                self.ok = False
            self.levels.append((depth, [s.text_start for s in group], group, ends))

    def at(self, pos: int) -> Optional[Section]:
        if not self.ok:
            return _scan(self.sections, pos, self.numbered_only)
        for _, starts, group, ends in self.levels:
            i = bisect_right(starts, pos) - 1
            if i >= 0 and pos < ends[i]:
                return group[i]
        return None


_LAST_INDEX: list = []   # the index of the sections list asked about last (callers ask per target)


def section_at(sections, pos: int, numbered_only: bool = True) -> Optional[Section]:
    """The deepest section whose cleaned-text span contains `pos` (leads skipped when numbered_only).

    Callers ask once per target with the same list: the SectionIndex of that list is kept between calls
    (a reference to the list is held, so its identity cannot be reused by another list meanwhile).
    """
    hit = _LAST_INDEX[0] if _LAST_INDEX else None
    if hit is None or hit.sections is not sections or hit.numbered_only != numbered_only \
            or hit.n != len(sections):   # another list, or this one changed since
        hit = SectionIndex(sections, numbered_only)
        _LAST_INDEX[:] = [hit]
    return hit.at(pos)
