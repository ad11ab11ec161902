"""Word automatic numbering: replay numbering.xml's counters to recover labels like 一、（一）1. ①.

A paragraph is numbered by w:numPr (numId, ilvl) in its own properties or in its style (styles inherit
through w:basedOn, and a level may name its style with w:pStyle). numId points to a w:num, which points
to a w:abstractNum holding nine levels, each with a start value, a number format (w:numFmt), a
template (w:lvlText, "%1、" or "（%2）") and a restart rule. Counters belong to the abstract list, so
several w:num sharing it continue one sequence, except that a w:lvlOverride/w:startOverride restarts the
level the first time that w:num is used. When a level advances, the levels below it restart.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

_PLACEHOLDER = re.compile(r"%([1-9])")
# Labels that end in punctuation or are a symbol (一、 （一） 1. ①) run straight into the text in Chinese typesetting;
# word-like labels (第一条, 第一章) keep the gap Word's tab or space shows.
_PUNCT_END = re.compile(r"[、，．。.:：)）\]】」』\u2460-\u24ff\u3220-\u3229]$")


@dataclass(frozen=True)
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: Optional[int] = None   # w:lvlRestart: restart after this (1-based) level; 0 = never
    legal: bool = False             # w:isLgl: show every level's number in Arabic digits
    style: str = ""                 # w:pStyle: the paragraph style that uses this level
    suffix: str = "tab"             # w:suff: what follows the label: tab | space | nothing


@dataclass
class Numbering:
    """The numbering definitions of one document and the counters while reading it in order."""

    formats: Mapping[str, Any]
    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, Level], dict[int, int]]] = field(default_factory=dict)
    styles: dict[str, tuple[Optional[str], Optional[int]]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[str] = field(default_factory=set)

    @classmethod
    def from_document(cls, doc: Any, formats: Mapping[str, Any]) -> "Numbering":
        numbering = cls(formats)
        try:
            root = doc.part.part_related_by(RT.NUMBERING).element
        except (KeyError, AttributeError):
            return numbering
        for node in root.iterchildren(qn("w:abstractNum")):
            numbering.abstract[_val(node, "w:abstractNumId")] = {
                _int(_val(lvl, "w:ilvl"), 0): _level(lvl) for lvl in node.iterchildren(qn("w:lvl"))}
        links = {_val(n, "w:abstractNumId"): _child_val(n, "w:numStyleLink")
                 for n in root.iterchildren(qn("w:abstractNum"))}
        for node in root.iterchildren(qn("w:num")):
            levels: dict[int, Level] = {}
            starts: dict[int, int] = {}
            for override in node.iterchildren(qn("w:lvlOverride")):
                ilvl = _int(_val(override, "w:ilvl"), 0)
                start = _child_val(override, "w:startOverride")
                if start is not None:
                    starts[ilvl] = _int(start, 1)
                lvl = override.find(qn("w:lvl"))
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
            numbering.nums[_val(node, "w:numId")] = (_child_val(node, "w:abstractNumId") or "", levels, starts)
        numbering.styles = _style_numbering(doc)
        numbering._follow_style_links(links)
        return numbering

    def _follow_style_links(self, links: dict[str, Optional[str]]) -> None:
        # An abstractNum with w:numStyleLink takes its levels from the list the numbering style points to.
        for abstract_id, style in links.items():
            num_id = self.styles.get(style or "", (None, None))[0]
            target = self.nums.get(num_id or "", ("", {}, {}))[0]
            if style and target in self.abstract and not self.abstract.get(abstract_id):
                self.abstract[abstract_id] = self.abstract[target]

    def label(self, p: Any) -> str:
        """The label Word shows before paragraph `p` ("" if it is not numbered); advances the counters."""
        num_id, ilvl, style = self._num_pr(p)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, overrides, starts = self.nums[num_id]
        levels = {**self.abstract.get(abstract_id, {}), **overrides}
        if ilvl is None:
            ilvl = next((i for i, lv in levels.items() if style and lv.style == style), 0)
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in starts.items():   # startOverride: this list instance starts afresh
                counters[lvl] = start - 1
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else levels[ilvl].start
        for lower in [k for k in counters if k > ilvl]:
            restart = levels.get(lower, Level()).restart
            if restart is None or (restart and ilvl < restart):
                del counters[lower]
        return self._render(levels, counters, ilvl)

    def _render(self, levels: dict[int, Level], counters: dict[int, int], ilvl: int) -> str:
        level = levels[ilvl]
        if level.fmt == "bullet":
            return ""   # a bullet is decoration, not a number the outline can use

        def number(match: re.Match) -> str:
            k = int(match.group(1)) - 1
            lv = levels.get(k, Level())
            return format_number(counters.get(k, lv.start), "decimal" if level.legal else lv.fmt, self.formats)

        label = _PLACEHOLDER.sub(number, level.text)
        return label + _separator(label, level.suffix)

    def _num_pr(self, p: Any) -> tuple[Optional[str], Optional[int], str]:
        ppr = p.find(qn("w:pPr"))
        style = _child_val(ppr, "w:pStyle") if ppr is not None else None
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        num_id = _child_val(num_pr, "w:numId") if num_pr is not None else None
        ilvl = _child_val(num_pr, "w:ilvl") if num_pr is not None else None
        style_num, style_ilvl = self.styles.get(style or "", (None, None))
        return (num_id or style_num, _int(ilvl, 0) if ilvl is not None else style_ilvl, style or "")


def format_number(n: int, fmt: str, formats: Mapping[str, Any]) -> str:
    """A counter value in a w:numFmt.

    >>> f = {"counting": {"chineseCounting": {"digits": "〇一二三四五六七八九", "units": "十百千"}}}
    >>> [format_number(n, "chineseCounting", f) for n in (1, 10, 11, 20, 105, 110)]
    ['一', '十', '十一', '二十', '一百零五', '一百一十']
    >>> format_number(3, "upperRoman", f), format_number(28, "lowerLetter", f)
    ('III', 'bb')
    """
    if fmt == "none":
        return ""
    if fmt in formats.get("sequences", {}):
        seq = formats["sequences"][fmt]
        return seq[(n - 1) % len(seq)] if fmt.startswith("ideograph") else (seq[n - 1] if 0 < n <= len(seq)
                                                                            else str(n))
    if fmt in formats.get("counting", {}):
        return _counting(n, **formats["counting"][fmt])
    if fmt in formats.get("digital", {}) and n >= 0:
        return "".join(formats["digital"][fmt][int(d)] for d in str(n))
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)   # Word repeats: Y, Z, AA, BB
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _counting(n: int, digits: str, units: str) -> str:
    """Chinese counting numerals up to 9999 (十一 not 一十一; 一百零五)."""
    if not 0 < n < 10000:
        return str(n)
    out, zero = "", False
    text = str(n)
    for pos, ch in enumerate(text):
        place = len(text) - 1 - pos
        if ch == "0":
            zero = bool(out)
            continue
        if zero:
            out += "零" if digits[0] == "〇" else digits[0]
            zero = False
        out += digits[int(ch)] + (units[place - 1] if place else "")
    return out[1:] if 10 <= n < 20 and digits[0] == "〇" else out


def _roman(n: int) -> str:
    values = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
              (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, numeral in values:
        count, n = divmod(n, value)
        out += numeral * count
    return out


def _level(lvl: Any) -> Level:
    restart = _child_val(lvl, "w:lvlRestart")
    return Level(fmt=_child_val(lvl, "w:numFmt") or "decimal", text=_child_val(lvl, "w:lvlText") or "",
                 start=_int(_child_val(lvl, "w:start"), 1), restart=_int(restart, 0) if restart else None,
                 legal=lvl.find(qn("w:isLgl")) is not None, style=_child_val(lvl, "w:pStyle") or "",
                 suffix=_child_val(lvl, "w:suff") or "tab")


def _separator(label: str, suffix: str) -> str:
    """ "" or " " between a label and its paragraph's text."""
    return "" if suffix == "nothing" or not label or _PUNCT_END.search(label) else " "


def _style_numbering(doc: Any) -> dict[str, tuple[Optional[str], Optional[int]]]:
    """numId and ilvl that each paragraph style gives, following w:basedOn."""
    own: dict[str, tuple[Optional[str], Optional[int], Optional[str]]] = {}
    for style in doc.styles.element.iterchildren(qn("w:style")):
        ppr = style.find(qn("w:pPr"))
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        num_id = _child_val(num_pr, "w:numId") if num_pr is not None else None
        ilvl = _child_val(num_pr, "w:ilvl") if num_pr is not None else None
        own[_val(style, "w:styleId")] = (num_id, _int(ilvl, 0) if ilvl is not None else None,
                                         _child_val(style, "w:basedOn"))
    resolved = {}
    for style_id in own:
        seen, current = set(), style_id
        while current in own and current not in seen and own[current][0] is None:
            seen.add(current)
            current = own[current][2] or ""
        if current in own and own[current][0] is not None:
            resolved[style_id] = own[current][:2]
    return resolved


def _int(value: Optional[str], default: int) -> int:
    """Word writes decimal attributes; a damaged file may not, and one bad number must not stop the read."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _val(node: Any, attr: str) -> str:
    return node.get(qn(attr)) or ""


def _child_val(node: Any, tag: str) -> Optional[str]:
    child = node.find(qn(tag)) if node is not None else None
    return child.get(qn("w:val")) if child is not None else None
