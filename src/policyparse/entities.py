"""Organizations, places and their roles: the entities table.

Names are found by rules read from data/entities.yaml: suffixes by type (…产业园 is a zone, …热电厂 a
facility, …镇 a place), department stems behind a level or place prefix (区发改委, 天津市统计局), party
committees (市委, 区委党校), and enumerations of named enterprises and projects (支持A、B等企业). A
private jieba Tokenizer (segmenter.py; never jieba's global one) is run only on the few characters around each candidate:
to find where the name begins, and to tell a proper name (汾阳湖产业园) from a common noun (零碳产业园区).
Roles come from the annotations after measures (（牵头单位：…；配合单位：…）, （…等按职责分工负责）) and
from the subject of an obligation (区委党校要…); every other occurrence is `mentioned`. Names are normalized
with data/aliases.yaml, so that one unit has one name across documents.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Iterator, Optional, Sequence

from . import entity_rules as er
from . import roles
from .entity_rules import Mention
from .model import Entity, Meta, Section, SectionKind

if TYPE_CHECKING:
    import jieba

ROLE_RANK = {"lead": 0, "support": 1, "responsible": 2, "issuer": 3, "mentioned": 4}


def extract_entities(cleaned, sections: Sequence[Section], meta: Meta, options) -> tuple[Entity, ...]:
    """All entity rows of a document: one per (entity, section, role), spans in the source text."""
    text = cleaned.text
    cfg = er.config(options.rules)
    finder = Finder(text, cfg, lambda: options.tokenizer, frozenset(s.body_start for s in sections))
    annotated, taken = roles.annotations(text, cfg)
    finder.skip(taken)   # units in annotations are read there, with their roles
    named = finder.names() + finder.enumerations() + finder.collective_subjects()
    named = [m for m in named if not finder.skipped(m.start)]
    named = [finder.with_obligation_role(m) for m in _resolve(named)]
    mentions = sorted(annotated + named, key=lambda m: (m.start, -m.end))
    return _rows(mentions, sections, meta, cleaned, cfg)


class Finder:
    """Finds names in one text; the tokenizer is fetched only when a candidate needs segmenting."""

    def __init__(self, text: str, cfg: "er.Config", tokenizer, body_starts: frozenset = frozenset()) -> None:
        self.text, self.cfg, self._get_tokenizer, self.body_starts = text, cfg, tokenizer, body_starts
        self.protected = er.Protected(text)
        self._skip = bytearray(len(text) + 1)
        self._window: tuple[int, int, list] = (0, 0, [])

    def skip(self, spans: Sequence[tuple[int, int]]) -> None:
        for s, e in spans:
            self._skip[s:e] = b"\x01" * (e - s)

    def skipped(self, pos: int) -> bool:
        return bool(self._skip[pos]) or self.protected.covers(pos)

    @cached_property
    def tok(self) -> "jieba.Tokenizer":
        return self._get_tokenizer()

    # --- tokens around a candidate -------------------------------------------------------------------
    def _tokens(self, lo: int, hi: int) -> list[tuple[int, int, str, int]]:
        """Tokens of text[lo:hi]; a sub-span of the last window reuses its tokens (cut at the edges)."""
        wlo, whi, wtoks = self._window
        if wlo <= lo and hi <= whi:
            out = []
            for s, e, t, f in wtoks:
                a, b = max(s, lo), min(e, hi)
                if a < b:
                    w = self.text[a:b]
                    out.append((a, b, t, f) if (a, b) == (s, e) else (a, b, self.tok.tags.get(w, "x"),
                                                                      self.tok.FREQ.get(w, 0)))
            return out
        toks = [(lo + s, lo + e, t, f) for s, e, t, f in self.tok.words(self.text[lo:hi])]
        self._window = (lo, hi, toks)
        return toks

    def _stops(self, word: str, tag: str, freq: int, mode: str) -> bool:
        """Does this token end the text before a name (a verb, preposition … that introduces it)?"""
        c = self.cfg
        if mode == "group":   # topics of groups hold verbs and 及 (节能减排及应对气候变化工作领导小组)
            return word in c.group_boundaries or c.ends_with_boundary(word)
        if word in c.boundary_words or c.ends_with_boundary(word):
            return True   # 严格执行 is one rare word for jieba, but it ends with 执行
        if mode == "place" and not (tag == "ns" or word in c.levels or freq < c.rare
                                    or (len(word) > 2 and c.place_word.fullmatch(word))):
            return True   # only a place may stand before a department (not 上市 in 以上市人民政府)
        return len(word) >= 2 and freq >= c.rare and tag in c.boundary_tags

    def name_start(self, core: int, end: int, mode: str = "name") -> Optional[int]:
        """Where a name whose fixed part is text[core:end] begins, or None when the fixed part is not
        a word of its own there (城镇, 布局, 城市委托). mode: name | place (only a place prefix may
        precede: 天津市 + 统计局) | group."""
        lo = core
        while lo > 0 and core - lo < 20 and er.is_name_char(self.text[lo - 1]):
            lo -= 1
        cut = lo > 0 and er.is_name_char(self.text[lo - 1])   # the window starts inside a word
        self._window = (0, 0, [])
        toks = self._tokens(lo, min(len(self.text), end + 2))
        for s, e, t, f in toks:   # a common word that runs across the end of the name: 部门, 委托, 街心
            if s < end < e and f >= self.cfg.rare:
                return None
        pos, right = core, ""
        for i in range(len(toks) - 1, -1, -1):
            s, e, t, f = toks[i]
            w = self.text[s:e]
            if s >= core:
                right = w
                continue
            if i == 0 and cut:
                break
            if e > core:   # a word across the start of the fixed part (口镇 in 辛口镇; 城镇 is common)
                if f >= self.cfg.rare and not (mode == "place" and not self._stops(w, t, f, mode)):
                    return None
            elif self._stops(w, t, f, mode):
                # 以西青…: jieba joins 以西 and leaves 青, but the name is 西青, a rare word (以上市 is not)
                joined = self.tok.FREQ.get(w[1:] + right, 0) if len(w) == 2 else 0
                if w[0] in self.cfg.boundary_words and 0 < joined < self.cfg.rare:
                    pos = s + 1
                break
            pos, right = s, w
        return pos

    def _proper(self, toks: list, i: int) -> bool:
        """Is token i evidence of a name: a place or person name, a rare word, or the first of two single
        characters (an unknown name that jieba could not join: 海/澜/德)?"""
        s, e, t, f = toks[i]
        w = self.text[s:e]
        if w in self.cfg.common_words:
            return False
        if t in self.cfg.proper_tags or f < self.cfg.rare:
            return True
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        return (e - s == 1 and w not in self.cfg.boundary_words and nxt is not None and nxt[1] - nxt[0] == 1
                and self.text[nxt[0]] not in self.cfg.boundary_words)

    def proper_start(self, lo: int, hi: int) -> Optional[int]:
        """The start of text[lo:hi] once leading common words are dropped (老旧, 现代农业, 城镇 …);
        None when no word there is evidence of a name."""
        toks = self._tokens(lo, hi)
        return next((toks[i][0] for i in range(len(toks)) if self._proper(toks, i)), None)

    def namey(self, lo: int, hi: int) -> bool:
        return hi > lo and self.proper_start(lo, hi) is not None

    # --- scanners ------------------------------------------------------------------------------------
    def names(self) -> list[Mention]:
        out: list[Mention] = []
        for s, e, lvl, dept in self.cfg.departments_in(self.text):
            if self.skipped(s):
                continue
            bare = any(dept.endswith(h) for h in self.cfg.bare_heads)
            out.append(self._body(s, e, "government", True, bool(lvl) or bare))
        for typ, rx, extend in self.cfg.body_scans():
            for m in rx.finditer(self.text):
                if not self.skipped(m.start()):
                    out.append(self._body(m.start(), m.end(), self.cfg.body_type(m, typ), extend, True))
        for m in self.cfg.suffix_re.finditer(self.text):
            if not self.skipped(m.start()):
                out.append(self._suffixed(m.start(), m.end(), self.cfg.suffix_type[m.group()]))
        return [m for m in out if m and not self.skipped(m.start)]

    def _body(self, s: int, e: int, typ: str, extend: bool, standalone_ok: bool) -> Optional[Mention]:
        """A government or party body at text[s:e]; `extend` takes in the place before it (天津市 +
        统计局); without a level or place only national bodies stand alone (生态环境部, not 生态环境局)."""
        start = self.name_start(s, e, "place")
        if start is None:
            return None
        if not extend:   # a fixed name must still be a word of its own, and is taken as written
            start = s
        elif start == s and not standalone_ok:
            return None
        before = self.text[max(0, start - 2):start]
        for marker in self.cfg.collective_markers:
            if before.endswith(marker):
                start -= len(marker)
                break
        return Mention(start, e, self.text[start:e], typ)

    def _suffixed(self, s: int, e: int, typ: str) -> Optional[Mention]:
        """A name ending in a type suffix (…产业园, …热电厂, …镇) with a proper name before it."""
        if any(self.text.endswith(g, 0, e) for g in self.cfg.generic_endings):
            return None   # 城乡, 城镇, 小镇, 商业街 …
        if typ == "zone":   # …科创园滨湖园: a sub-park named after a place
            sub = self.cfg.subzone.match(self.text, e)
            e = sub.end() if sub and self.namey(e, sub.end() - 1) else e
        start = self.name_start(s, e, "group" if typ == "group" else "name")
        if start is None:
            return None
        start = self.cfg.strip_modifiers(self.text, start, s)
        if typ == "group":   # a leading group is named by its level and topic (区碳达峰碳中和工作领导小组)
            start = self._level_start(start, s)
            ok = start < s and (self.cfg.level_start.match(self.text, start) or self.namey(start, s))
        else:
            first = self.proper_start(start, s) if start < s else None
            ok, start = first is not None, first if first is not None else start
        name = self.text[start:e]
        if not ok or name in self.cfg.non_entities:
            return None
        return Mention(start, e, name, typ)

    def _level_start(self, lo: int, hi: int) -> int:
        """The first level or place word in text[lo:hi] (…每年召开一次省应对气候变化领导小组 → 省…)."""
        for s, e, t, f in self._tokens(lo, hi):
            w = self.text[s:e]
            if (w in self.cfg.levels or (t == "ns" and w not in self.cfg.common_words)
                    or self.cfg.place_word.fullmatch(w)):
                return s
        return lo

    def enumerations(self) -> list[Mention]:
        """Items of 支持A、B等企业 / 推进A、B、C等重大项目 lists: names by their position."""
        out = []
        for m in self.cfg.enumeration_re.finditer(self.text):
            kind = "enterprise" if m.group("ent") else "project"
            if kind == "enterprise" and any(w in m.group("fill") for w in self.cfg.industry_fillers):
                continue   # 钢铁、焦化等行业企业: industries
            for s, e in er.enumeration_items(self.text, m.start(), self.cfg):
                found = self._item(s, e, kind)
                if found:
                    out.append(found)
        return out

    def _item(self, s: int, e: int, kind: str) -> Optional[Mention]:
        item = self.text[s:e]
        if (self.protected.covers(s) or item in self.cfg.non_entities or item in self.cfg.industry
                or "的" in item or (kind == "enterprise" and "与" in item)):
            return None
        suf = self.cfg.suffix_at_end(item)
        if not suf and kind == "project":
            return None   # a named project is found by what it is (…产业园, …热电厂)
        core = e - len(suf)
        if kind == "enterprise":
            core -= len(self.cfg.item_suffix_at_end(item[: core - s]))
            toks = self._tokens(s, e)
            if len(toks) == 1 and (toks[0][2] == "ns" or self.cfg.place_word.fullmatch(item)):
                return None   # 辽宁、河北、山东等周边炼化企业: places
        if not (self.namey(s, max(core, s + 1)) or (kind == "enterprise" and self.namey(s, e))):
            return None
        return Mention(s, e, item, self.cfg.suffix_type[suf] if suf else "enterprise", source="enumeration")

    def collective_subjects(self) -> list[Mention]:
        """各街镇和各有关部门要…: collective units that are the subject of an obligation."""
        out = []
        for m in self.cfg.collective_re.finditer(self.text):
            if not self.cfg.clause_start(self.text, m.start(), self.body_starts):
                continue
            for part in self.cfg.collective_part.finditer(self.text, m.start("subj"), m.end("subj")):
                typ = self.cfg.collective_type(part.group())
                out.append(Mention(part.start(), part.end(), part.group(), typ, "responsible", "subject"))
        return out

    def with_obligation_role(self, m: Mention) -> Mention:
        """The subject of 要/应/负责 at the start of a clause is responsible for the measure; a unit before a
        role verb (牵头, 配合, 按职责分工负责), at a clause start or after 由, takes the verb's role."""
        if m.role != "mentioned":
            return m
        starts = self.cfg.clause_start(self.text, m.start, self.body_starts)
        verb = self.cfg.verb_after_re.match(self.text, m.end)
        if verb and (starts or self.text.endswith(self.cfg.agent_markers, 0, m.start)):
            return replace(m, role=self.cfg.verb_role[verb.group("verb")])
        return replace(m, role="responsible") if starts and self.cfg.obligation_after.match(self.text, m.end) else m


def _resolve(mentions: list[Mention]) -> list[Mention]:
    """Drop a name inside a longer name of the same type (信息安全服务产业示范区 inside the enumerated
    中电…产业示范区); names of different types may nest (a 镇 inside a 镇…产业园)."""
    ordered = sorted(mentions, key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for m in ordered:
        if any(k.type == m.type and k.start <= m.start and m.end <= k.end for k in kept[-12:]):
            continue
        kept.append(m)
    return kept


class _Sections:
    """The innermost numbered section containing a position (lead sentences belong to their measure)."""

    def __init__(self, sections: Sequence[Section]) -> None:
        self.items = sorted((s for s in sections if s.section_path and s.kind != SectionKind.LEAD.value
                             and ".L" not in s.section_path), key=lambda s: (s.text_start, s.depth))
        self.starts = [s.text_start for s in self.items]

    def path(self, pos: int) -> str:
        i = bisect_right(self.starts, pos) - 1
        while i >= 0:
            s = self.items[i]
            if s.text_start <= pos < s.text_end:
                return s.section_path
            i -= 1
        return ""


def _rows(mentions: list[Mention], sections, meta: Meta, cleaned, cfg: "er.Config") -> tuple[Entity, ...]:
    where = _Sections(sections)
    rows: dict[tuple[str, str, str], tuple[Mention, str]] = {}
    types: dict[str, str] = {}
    for m in mentions:
        name = cfg.normalize(m.name or m.surface)
        if not name or name in cfg.non_entities:
            continue
        if types.get(name, "other") == "other":
            types[name] = m.type
        rows.setdefault((name, where.path(m.start), m.role), (m, name))
    for issuer in _issuers(meta):
        if not cfg.is_unit(issuer):
            continue   # a metadata value that is not the name of a body
        name = cfg.normalize(issuer)
        first = next((m for (n, _, _), (m, _) in rows.items() if n == name), None)
        at = cleaned.text.find(issuer)
        m = first or Mention(max(at, 0), max(at, 0) + (len(issuer) if at >= 0 else 0), issuer,
                             cfg.type_of(issuer), "issuer")
        types.setdefault(name, m.type if m.type != "other" else cfg.type_of(issuer))
        rows.setdefault((name, "", "issuer"), (m, name))
    ordered = sorted(rows.items(), key=lambda kv: (kv[1][0].start, ROLE_RANK[kv[0][2]]))
    ids: dict[str, str] = {}
    out = []
    for (name, path, role), (m, _) in ordered:
        eid = ids.setdefault(name, f"E{len(ids) + 1:04d}")
        src_start, src_end = cleaned.source_span(m.start, m.end)
        surface = m.surface if m.end > m.start else ""   # an issuer the text never names has no span
        out.append(Entity(eid, name, types[name], role, path, src_start, src_end, surface))
    return tuple(out)


def _issuers(meta: Meta) -> Iterator[str]:
    """The issuing bodies of the notice (a joint notice names several: 中共中央 国务院)."""
    for part in (meta.issuer or "").replace("、", " ").replace("，", " ").split():
        yield part.strip()
