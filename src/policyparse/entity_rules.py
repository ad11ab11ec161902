"""Entity rules compiled from data/entities.yaml and data/aliases.yaml: the shared vocabulary of names.

`Config` turns the word lists into regexes and sets once per Rules object (the compiled patterns are cached
on it), finds department names, names a unit's type and normalizes its name (区发改委 → 区发展改革委,
keeping the level prefix). entities.py finds names in running text with it; roles.py reads the unit lists
of role annotations. Nothing here segments text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from .rules import Rules, alternation

OPEN, CLOSE = "（([［【〔〈", "）)]］】〕〉"
CLAUSE_END = "。；！？\n，：:;,!?"


@dataclass(frozen=True)
class Mention:
    """A name found in the cleaned text, before normalization and section lookup."""

    start: int
    end: int
    surface: str            # as written (whitespace of line wraps removed)
    type: str
    role: str = "mentioned"
    source: str = "name"    # name | enumeration | annotation | subject
    name: str = ""          # the name to normalize when it differs from the surface (inherited 省 prefix)


def is_name_char(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


class Protected:
    """Titles in 《》 and designations in “” are not names of units (《天津市碳达峰实施方案》)."""

    def __init__(self, text: str) -> None:
        self.mask = bytearray(len(text) + 1)
        for open_, close, limit in (("《", "》", 100), ("“", "”", 40)):
            pos = text.find(open_)
            while pos >= 0:
                end = text.find(close, pos + 1, pos + limit)
                if end > 0:
                    self.mask[pos:end] = b"\x01" * (end - pos)
                pos = text.find(open_, pos + 1)

    def covers(self, pos: int) -> bool:
        return bool(self.mask[pos])


class Config:
    """The entity and alias rules of one Rules object, compiled."""

    def __init__(self, rules: Rules) -> None:
        d, a = rules["entities"], rules["aliases"]
        rx = rules.regex
        self.rare = int(d["rare_freq"])
        self.boundary_words = set(d["boundary_words"])
        self.long_boundaries = [w for w in d["boundary_words"] if len(w) >= 2]
        self.boundary_maxlen = max(map(len, self.long_boundaries))
        self.boundary_tags, self.proper_tags = set(d["boundary_tags"]), set(d["proper_tags"])
        self.group_boundaries = set(d["group_boundaries"])
        self.common_words = set(d["common_words"])
        self.generic_endings = d["generic_endings"]
        self.levels = set(d["levels"])
        self.non_entities = set(d["non_entities"])
        self.industry = set(d["industry_words"])
        self.industry_fillers = d["industry_fillers"]
        self.bare_heads = set(d["bare_heads"])
        self.department_heads = d["department_heads"] + [n[-1] for n in d["departments"]]
        self.collective_markers = d["collective"]["markers"]
        self.suffix_type = {s: t for t, lst in d["suffixes"].items() for s in lst}
        self.suffix_re = rx(alternation(self.suffix_type))
        self.suffix_maxlen = max(map(len, self.suffix_type))
        self.unit_chars = rx("[\\p{Han}" + "".join("\\" + c for c in OPEN + CLOSE) + "]+")
        self.subzone = rx(d["subzone"])
        levels, places = alternation(d["levels"]), alternation(d["place_suffixes"])
        self.place_word = rx(rf"\p{{Han}}{{1,8}}{places}")
        self.level_start = rx(rf"(?:{levels}|\p{{Han}}{{1,6}}?{places})")
        markers = alternation(self.collective_markers)
        first_person = alternation({v[0] for vs in a["prefixes"].values() for v in vs})   # 我区, 本市
        self.prefix_re = rx(rf"(?:{markers})?{first_person}?(?:\p{{Han}}{{1,8}}?{places}|{levels})*")
        self.dept_alias = {v: std for std, vs in a["departments"].items() for v in vs}
        self.body_alias = {v: std for std, vs in a["bodies"].items() for v in vs}
        self.prefix_alias = {v: std for std, vs in a["prefixes"].items() for v in vs}
        # ~1,400 department names: a set looked up at each head character is far cheaper than a regex
        self.dept_names = {st + h for st in d["department_stems"] for h in d["department_heads"]}
        self.dept_names |= set(d["departments"]) | set(self.dept_alias) | set(a["departments"])
        self.dept_maxlen = max(map(len, self.dept_names))
        self.dept_tails = {n[-k:] for n in self.dept_names for k in range(2, len(n) + 1)}
        self.dept_last = rx(f"[{''.join(sorted({n[-1] for n in self.dept_names}))}]")
        self.levels_longest = sorted(d["levels"], key=len, reverse=True)
        self.standalone = {n: t for t, lst in d["standalone"].items() for n in lst}
        party = (f"{alternation(d['party_levels'])}{alternation(d['party_heads'])}"
                 f"(?:{alternation(d['party_parts'])})?")
        self.party_full = rx(rf"(?:\p{{Han}}{{0,8}}?)?{party}")
        self._bodies = [
            ("government", rx(f"(?P<bare>{alternation(self.standalone)})"), False),
            ("government", rx(f"(?P<lvl>{levels})(?P<head>{alternation(d['government_heads'])})"), True),
            ("party", rx(f"(?P<lvl>{party})"), True),
        ] + [(p["type"], rx(f"(?P<bare>{p['pattern']})"), False) for p in d["patterns"]]
        self.modifiers = rx(f"(?:{alternation(d['modifiers'])})+")
        en = d["enumeration"]
        self.enumeration_re = rx(
            rf"等(?P<fill>[^\P{{Han}}和及与的等]{{0,{int(en['max_filler'])}}}?)"
            f"(?:(?P<ent>{alternation(en['enterprise_heads'])})|(?P<proj>{alternation(en['project_heads'])}))")
        self.item_suffixes = sorted(d["enterprise_item_suffixes"], key=len, reverse=True)
        self.lead_in = rx(f"(?:{alternation(self.long_boundaries + [w for w in d['boundary_words'] if len(w) == 1])})+")
        col = d["collective"]
        self.collective_heads = {h: t for t, lst in col["heads"].items() for h in lst}
        one = f"(?:{alternation(col['markers'])})\\p{{Han}}{{0,6}}?(?:{alternation(self.collective_heads)})"
        ob = alternation(d["obligation_verbs"])
        self.collective_part = rx(one)
        self.collective_re = rx(f"(?P<subj>{one}(?:(?:和|及|、){one})*)(?={ob})")
        not_verb = "".join(d["obligation_not_before"])   # 要求, 应用: not obligations
        self.obligation_after = rx(rf"(?:（[^（）]{{1,12}}）|\([^()]{{1,12}}\))?{ob}(?![{not_verb}])")
        r = d["roles"]
        self.label_role = {w: role for role, lst in r["labels"].items() for w in lst}
        self.label_re = rx(f"(?P<label>{alternation(self.label_role)})[:：]")
        self.stop_label_re = rx(f"{alternation(r['stop_labels'])}[:：]?")
        self.verb_role = {w: role for role, lst in r["verbs"].items() for w in lst}
        self.verb_after_re = rx(f"(?P<verb>{alternation(self.verb_role)})")
        self.agent_markers = tuple(r["agent_markers"])
        # a bracket that holds none of the last characters of the labels and verbs names no role
        self.role_hint = re.compile("[" + re.escape("".join(sorted({w[-1] for w in [*self.label_role, *self.verb_role]}))) + "]")
        self.verb_end_re = rx(f"(?P<verb>{alternation(self.verb_role)})[。.]?$")
        self.verb_any_re = rx(f"{alternation(self.verb_role)}(?:[。.；;]|$)")
        self.note_re = rx(alternation(r["notes"] + r["lead_before_comma"] + r["lead_first"]))
        self.lead_before_comma = r["lead_before_comma"]
        self.lead_first = r["lead_first"]
        self.tail_re = rx(r["list_tail"])
        self.unit_heads = sorted(((h, t) for t, lst in r["unit_heads"].items() for h in lst), key=lambda x: -len(x[0]))
        self.unit_head_set = {h for h, _ in self.unit_heads}
        self.max_chars = int(r["max_chars"])
        self.label_line_re = rx(rf"(?m)^[ \t\u3000]*(?:{alternation(self.label_role)})[:：][^\n]+")
        self.government_heads = sorted(d["government_heads"], key=len, reverse=True)
        self.group_suffixes = d["suffixes"]["group"]
        self.enterprise_suffixes = d["suffixes"]["enterprise"]
        self._cache: dict[tuple[str, str], str] = {}   # names recur across documents; rules never change
        self._split_cache: dict[str, tuple[str, str]] = {}
        self._unit_cache: dict[str, bool] = {}

    # --- names -------------------------------------------------------------------------------------------
    def body_scans(self):
        """(type, pattern, extend over a place prefix) for bodies named by their department or level."""
        return self._bodies

    def departments_in(self, text: str) -> Iterator[tuple[int, int, str, str]]:
        """(start, end, level, department) of each department name, longest first at each end."""
        for m in self.dept_last.finditer(text):
            e, k = m.end(), 0
            # grow leftwards while the text is still the tail of some name; the longest name wins
            for n in range(2, min(self.dept_maxlen, e) + 1):
                tail = text[e - n:e]
                if tail not in self.dept_tails:
                    break
                if tail in self.dept_names:
                    k = n
            if k:
                s = e - k
                lvl = next((lv for lv in self.levels_longest if text.startswith(lv, s - len(lv))), "")
                yield s - len(lvl), e, lvl, text[s:e]

    def body_type(self, match, typ: str) -> str:
        """A fixed name has its own type (党中央 is party); other bodies the type of their pattern."""
        return self.standalone.get(match.group(), typ)

    def strip_modifiers(self, text: str, start: int, limit: int) -> int:
        m = self.modifiers.match(text, start, limit)
        return m.end() if m else start

    def suffix_at_end(self, item: str) -> str:
        """The longest type suffix ending `item` with something before it, or ""."""
        return next((item[-k:] for k in range(min(self.suffix_maxlen, len(item) - 1), 0, -1)
                     if item[-k:] in self.suffix_type), "")

    def item_suffix_at_end(self, item: str) -> str:
        return next((s for s in self.item_suffixes if item.endswith(s) and len(item) > len(s)), "")

    def collective_type(self, part: str) -> str:
        return next((t for h, t in sorted(self.collective_heads.items(), key=lambda x: -len(x[0]))
                     if part.endswith(h)), "other")

    def clause_start(self, text: str, pos: int, body_starts: frozenset = frozenset()) -> bool:
        """Does a clause begin at pos (after punctuation, or where a section's body begins)?"""
        return pos == 0 or text[pos - 1] in CLAUSE_END or text[pos - 1].isspace() or pos in body_starts

    def ends_with_boundary(self, word: str) -> bool:
        """Does a word end with a boundary word of two or more characters (严格执行 ends with 执行)?"""
        return any(word[-k:] in self.boundary_words for k in range(2, min(len(word), self.boundary_maxlen) + 1))

    def inherits(self, dept: str) -> bool:
        """Does a department written without a prefix take the one of the unit before it (省工信厅、发改委)?
        National ministries (工业和信息化部) and bodies with fixed names (人民银行) do not."""
        return (dept not in self.standalone and not any(dept.endswith(h) for h in self.bare_heads)
                and any(dept.endswith(h) for h in self.department_heads))

    def split_prefix(self, name: str) -> tuple[str, str]:
        """(level or place prefix, department) when the name is a department behind a prefix."""
        hit = self._split_cache.get(name)
        if hit is None:
            hit = self._split_cache[name] = self._split_prefix(name)
        return hit

    def _split_prefix(self, name: str) -> tuple[str, str]:
        for i in range(len(name)):
            if name[i:] in self.dept_names and (i == 0 or self.prefix_re.fullmatch(name, 0, i)):
                return name[:i], name[i:]
        return "", name

    def normalize(self, name: str) -> str:
        hit = self._cache.get(("n", name))
        if hit is None:
            hit = self._cache[("n", name)] = self._normalize(name)
        return hit

    def type_of(self, name: str) -> str:
        """The type of a unit named in a role annotation (its ending says what it is)."""
        hit = self._cache.get(("t", name))
        if hit is None:
            hit = self._cache[("t", name)] = self._type_of(name)
        return hit

    def _normalize(self, name: str) -> str:
        """The standard name; the level prefix is kept and only the department part is rewritten.

        >>> from policyparse.rules import load_rules
        >>> cfg = config(load_rules())
        >>> [cfg.normalize(n) for n in ("区发改委", "我市住建委", "天津市发展和改革委员会", "区委党校（行政学院）")]
        ['区发展改革委', '市住房城乡建设委', '天津市发展改革委', '区委党校']
        """
        name = strip_trailing_note(name.strip(), keep_short=False)
        if name in self.body_alias:
            return self.body_alias[name]
        prefix, rest = self.split_prefix(name)
        for variant, std in self.prefix_alias.items():
            if prefix.startswith(variant):
                prefix = std + prefix[len(variant):]
        return prefix + self.dept_alias.get(rest, rest)

    def _type_of(self, name: str) -> str:
        core = strip_trailing_note(name, keep_short=False)
        if core in self.standalone:
            return self.standalone[core]
        if self.party_full.fullmatch(core) or core.endswith("党校"):
            return "party"
        for suffixes, typ in ((self.group_suffixes, "group"), (self.enterprise_suffixes, "enterprise")):
            if any(core.endswith(s) for s in suffixes):
                return typ
        if self.split_prefix(core)[1] != core or core in self.dept_names:
            return "government"
        head = next((t for h, t in self.unit_heads if core.endswith(h)), None)
        if head:
            return head
        suf = self.suffix_at_end(core)
        return self.suffix_type[suf] if suf else "other"

    def is_unit(self, item: str) -> bool:
        """Can `item` of an annotation list name a unit (it ends like one and is not a common word)?"""
        hit = self._unit_cache.get(item)
        if hit is None:
            hit = self._unit_cache[item] = self._is_unit(item)
        return hit

    def _is_unit(self, item: str) -> bool:
        core = strip_trailing_note(item, keep_short=False)
        if not 2 <= len(core) <= 40 or core in self.non_entities or self.note_re.search(core):
            return False
        if not self.unit_chars.fullmatch(core):
            return False   # a page header run into the list (市经济信-8重庆市人民政府发布息委)
        return (core in self.standalone or core in self.dept_names
                or any(core[-k:] in self.unit_head_set for k in range(1, min(len(core), 5) + 1))
                or bool(self.suffix_at_end(core)))


@lru_cache(maxsize=4)
def config(rules: Rules) -> Config:
    """The compiled entity rules of a Rules object (built once per Rules, which never changes)."""
    return Config(rules)


def strip_trailing_note(s: str, keep_short: bool = True) -> str:
    """Drop a parenthesis that ends a unit: a comment （含开发区…）, or any when keep_short is False.

    >>> strip_trailing_note("各区人民政府（含开发区、风景区管委会）")
    '各区人民政府'
    >>> strip_trailing_note("各区（市）县政府（管委会）")
    '各区（市）县政府（管委会）'
    >>> strip_trailing_note("区委党校（行政学院）", keep_short=False)
    '区委党校'
    """
    if s and s[-1] in CLOSE:
        depth = 0
        for i in range(len(s) - 1, -1, -1):
            depth += s[i] in CLOSE
            depth -= s[i] in OPEN
            if depth == 0:
                inner = s[i + 1:-1]
                if i > 0 and (not keep_short or len(inner) > 6 or any(c in inner for c in "，、：,")):
                    return strip_trailing_note(s[:i], keep_short)
                return s
    return s


def enumeration_items(text: str, pos: int, cfg: Config) -> list[tuple[int, int]]:
    """The items of the list ending at `pos` (the 等 of 支持A、B、C等企业), as spans."""
    lo = pos
    while lo > 0 and pos - lo < 120 and (is_name_char(text[lo - 1]) or text[lo - 1] == "、"):
        lo -= 1
    spans, start = [], lo
    for i in range(lo, pos + 1):
        if i == pos or text[i] == "、":
            spans.append((start, i))
            start = i + 1
    if spans:   # the last item may be joined by 和/及 (A、B和C等企业)
        s, e = spans.pop()
        cut = next((j for j in range(e - 2, s + 1, -1) if text[j] in "和及"), None)
        spans += [(s, cut), (cut + 1, e)] if cut else [(s, e)]
    if spans:   # the first item follows the verb that introduces the list (支持A → A)
        s, e = spans[0]
        m = cfg.lead_in.match(text, s, e)
        if m and e - m.end() >= 2:
            spans[0] = (m.end(), e)
        spans[0] = (cfg.strip_modifiers(text, spans[0][0], e), e)
    return [(s, e) for s, e in spans if 2 <= e - s <= 30]
