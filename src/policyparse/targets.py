"""Target extraction: indicator, value, unit, comparator, kind, year, baseline year and modality.

A target is read per sentence of the cleaned text. Every quantity (number + unit, or a bare number after
a comparator such as 不超过1.25) is a candidate; it becomes a target when a verb links it to an
indicator (…比重达到20%左右), when it is phrased value-first (企业30%以上完成智能化转型), and never when it
describes a scope (大于2万平方米的), an existing count (现有6处) or a past year. The year comes from the
last target-year phrase before the value in the sentence (到2025年, “十四五”期间, 2030年前); 分别 pairs
values with years or with indicators. Clauses without numbers may state qualitative targets
(有所提升, 完成下达指标, 实现碳达峰, 全覆盖, 保持稳定). Indicator tables are read by tables_of_indicators.
All vocabulary is in data/targets.yaml; each row records the rule that produced it.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Iterator, Optional

import regex

from . import numbers
from .clean import Cleaned
from .indicator_tables import table_targets
from .model import Meta, Section, Target
from .outline import SectionIndex
from .rules import Rules, alternation

CLAUSE_DELIMS = "，,；;：:\n"
# plain character classes run on Python's re, which scans them faster than regex
SENTENCE_END = re.compile(r"[。！？!?\n]")
CLAUSE_SPLIT = re.compile(r"[，,；;：:\n。]")
YEAR_SEP = regex.compile(r"(?<=[年”\"期间末])(?:和|、|及|至|—|-|~)")
SPACES = regex.compile(r"\s+")
LINE_BREAKS = regex.compile(r"\s*\n\s*")
OBJECT_START = regex.compile(r"的?[\p{Han}“]{3,}")
LIST_JOINER = regex.compile(r"\s*[、和及与]\s*")
LIST_GOES_ON = re.compile(r"(?:[、和及与]|以及)\s*$")   # …建成1个A、3个B以及10家C: after A、 comes B
NEXT_LISTED_VALUE = re.compile(r"\s*(?:以及|[、和及与])\s*(?=[\d零〇一二两三四五六七八九十])")
LIST_SPLIT = regex.compile(r"[、和]")
ENUM_SPLIT = regex.compile(r"、")
SUBJECT_CLAUSES = regex.compile(r"[，,；;]")
DIGIT = re.compile(r"\d")
HAS_NUMBER = re.compile(r"[\d零〇○一二两三四五六七八九十百千万]")


@dataclass(frozen=True, eq=False)
class _Lexicon:
    """targets.yaml compiled once per Rules object."""

    quantity: "regex.Pattern[str]"
    bare: "regex.Pattern[str]"
    year_phrase: "regex.Pattern[str]"
    baseline: "regex.Pattern[str]"
    qualitative: tuple[tuple[str, "regex.Pattern[str]"], ...]
    verbs: dict[str, str]            # verb -> level | decrease | increase | action | value_first
    verb_tail: "regex.Pattern[str]"
    verb_head: "regex.Pattern[str]"
    cmp_before: dict[str, str]
    cmp_before_tail: "regex.Pattern[str]"
    cmp_after: dict[str, str]
    trim_left: "regex.Pattern[str]"
    trim_right: "regex.Pattern[str]"
    threshold_tail: "regex.Pattern[str]"
    existing: "regex.Pattern[str]"
    change_verb: "regex.Pattern[str]"
    aspirational: "regex.Pattern[str]"
    excluded_units: frozenset
    count_units: frozenset
    peak_requires: "regex.Pattern[str]"
    peak_exclude: "regex.Pattern[str]"
    full_needs_subject: "regex.Pattern[str]"
    generic: "regex.Pattern[str]"
    scope_prefix: "regex.Pattern[str]"
    level_tail: "regex.Pattern[str]"
    any_qualitative: "regex.Pattern[str]"
    qualitative_hint: "regex.Pattern[str]"
    any_year: "regex.Pattern[str]"
    past_clause: "regex.Pattern[str]"
    funding_clause: "regex.Pattern[str]"
    verbs_only: "regex.Pattern[str]"
    measure_tail: "regex.Pattern[str]"
    indicator_notes: "regex.Pattern[str]"
    retrospective: "regex.Pattern[str]"


def lexicon(rules: Rules) -> _Lexicon:
    """The compiled vocabulary, kept with the Rules object it was built from (built once)."""
    hit = rules._compiled.get("targets.lexicon")
    if hit is not None:
        return hit
    cfg, units = rules["targets"], rules["numbers"]["units"]
    num = r"(?:\d+(?:\.\d+)?(?:万|亿)?)"
    han_num = r"(?:[零〇○一二两三四五六七八九十百千万亿]+(?:点[零〇○一二三四五六七八九]+)?)"
    unit_alt = alternation(units + ["%", "％", "个百分点", "百分点"])
    unit_written = numbers.unit_pattern(rules, ("%", "％", "个百分点", "百分点"))   # with a denominator (吨/日)
    sep = r"(?:——|[-—–~～至到])"
    cmp_after = {w: c for c, ws in cfg["comparator_after"].items() for w in ws}
    quantity = rules.regex(
        rf"(?<![\d.A-Za-z+\-第])(?P<q>百分之{han_num}|(?:{num}|{han_num}(?={unit_alt}|{sep}))(?:{unit_alt})?"
        rf"(?:\s*{sep}\s*(?:{num}|{han_num}))?\s*(?P<unit>{unit_written}))(?P<cmp>{alternation(cmp_after)})?"
        rf"(?![\d+号级])")  # 60万千瓦级机组 names a class of plant
    bare = rules.regex(rf"(?<![\d.A-Za-z+\-])(?P<q>\d+(?:\.\d+)?)(?P<cmp>{alternation(cmp_after)})?(?![\d.%+号年月日A-Za-z\p{{Han}}])")
    verbs: dict[str, str] = {}
    for kind in ("action_verbs", "increase_verbs", "decrease_verbs", "level_verbs", "value_first_verbs"):
        for v in cfg[kind]:
            verbs[v] = kind.replace("_verbs", "")
    cmp_before = {w: c for c, ws in cfg["comparator_before"].items() for w in ws}
    lex = _Lexicon(
        quantity=quantity,
        bare=bare,
        year_phrase=rules.regex(cfg["year_phrase"]),
        baseline=rules.regex(cfg["baseline"]),
        qualitative=tuple((k, rules.regex(p)) for k, p in cfg["qualitative"].items()),
        verbs=verbs,
        verb_tail=rules.regex(alternation(verbs) + r"$"),
        verb_head=rules.regex(r"^" + alternation(verbs)),
        cmp_before=cmp_before,
        cmp_before_tail=rules.regex(alternation(cmp_before) + r"$"),
        cmp_after=cmp_after,
        # an opening “ stays when its ” follows (“无废细胞”数量)
        trim_left=rules.regex(r"^(?:" + alternation(cfg["indicator_trim_left"]) + r"|[\s，,；;：:、”\"（）()]|“(?![^“”]*”))+"),
        trim_right=rules.regex(r"(?:" + alternation(cfg["indicator_trim_right"]) + r"|[\s，,；;：:、])+$"),
        threshold_tail=rules.regex(alternation(cfg["threshold_before"]) + r"$"),
        existing=rules.regex(alternation(cfg["existing_before"])),
        change_verb=rules.regex(alternation(cfg["level_verbs"] + cfg["increase_verbs"] + cfg["decrease_verbs"])),
        aspirational=rules.regex(alternation(cfg["aspirational"])),
        excluded_units=frozenset(cfg["excluded_units"]),
        count_units=frozenset(cfg["count_units"]),
        peak_requires=rules.regex(cfg["peak_requires"]),
        peak_exclude=rules.regex(cfg["peak_exclude"]),
        full_needs_subject=rules.regex(cfg["full_needs_subject"]),
        generic=rules.regex(cfg["generic_indicator"]),
        scope_prefix=rules.regex(cfg["scope_prefix"]),
        level_tail=rules.regex(alternation(cfg["level_verbs"]) + r"$"),
        any_qualitative=rules.regex("|".join(f"(?:{p})" for p in cfg["qualitative"].values())),
        qualitative_hint=rules.word_regex("targets", "qualitative_hint"),
        any_year=rules.regex(r"\d{4}\s*年|十[一二三四五六七八九]五"),
        past_clause=rules.regex(cfg["past_clause"]),
        funding_clause=rules.regex(cfg["funding_clause"]),
        verbs_only=rules.regex(cfg["verbs_only"].format(verbs=alternation(verbs))),
        measure_tail=rules.regex(alternation(cfg["measure_suffixes"]) + r"$"),
        indicator_notes=rules.regex(cfg["indicator_notes"]),
        retrospective=rules.regex(cfg["retrospective_section"]),
    )
    rules._compiled["targets.lexicon"] = lex
    return lex


@dataclass(frozen=True)
class Quantity:
    """A value found in a sentence (spans in the cleaned text)."""

    start: int
    end: int          # after the comparator written behind it
    value: float
    value_max: Optional[float]
    unit: str
    cmp_after: str
    spelled: bool     # written in Chinese numerals (两万个): prose uses these for non-targets (一批, 三个着力)


@dataclass(frozen=True)
class YearContext:
    years: tuple[int, ...]
    start: int
    end: int
    aspirational: bool


@dataclass(frozen=True)
class _Segmenters:
    words: object
    pos: object


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """Sentences end at 。！？ and at line ends, but a line that ends in a comma continues (PDF text)."""
    start = 0
    for m in SENTENCE_END.finditer(text):   # a plain class: re scans it three times faster than a lookbehind
        end = m.start()
        if text[end] != "\n":
            if end > start:
                yield start, end + 1
        elif end and text[end - 1] in "，,、；;":
            continue
        elif end > start:
            yield start, end
        start = end + 1
    if start < len(text):
        yield start, len(text)


def _years_in(phrase: str) -> tuple[int, ...]:
    parts = YEAR_SEP.split(phrase)
    years = []
    for p in parts:
        y = numbers.target_year(p)
        if y is not None and y not in years:
            years.append(y)
    return tuple(years)


def year_contexts(text: str, start: int, end: int, lex: _Lexicon) -> list[YearContext]:
    """Target-year phrases of a sentence, baselines (比2020年, 在2020年的基础上) left out."""
    baselines = [(m.start(), m.end()) for m in lex.baseline.finditer(text, start, end)]
    out = []
    for m in lex.year_phrase.finditer(text, start, end):
        if any(b0 <= m.start() < b1 or b0 < m.end() <= b1 for b0, b1 in baselines):
            continue
        if text[m.end():m.end() + 1] in ("的",) and "基础" in text[m.end():m.end() + 6]:
            continue
        if text[max(start, m.start() - 1):m.start()] in ("较", "比") or text[max(start, m.start() - 2):m.start()] == "相比":
            continue  # 较“十二五”末: a baseline written as a period
        years = _years_in(m.group())
        if years:
            out.append(YearContext(years, m.start(), m.end(), bool(lex.aspirational.search(m.group()))))
    return out


def _finite(x) -> Optional[float]:
    """A float, or None for a number no table cell can hold (10**400 written out in a hostile text)."""
    try:
        v = float(x)
    except (OverflowError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _inside(starts: list[int], ends: list[int], pos: int) -> bool:
    """Whether pos lies in one of the sorted, non-overlapping spans."""
    i = bisect_right(starts, pos) - 1
    return i >= 0 and pos < ends[i]


def _quantities(text: str, start: int, end: int, lex: _Lexicon) -> list[Quantity]:
    out = []
    for m in lex.quantity.finditer(text, start, end):
        q = numbers.parse_quantity(m.group("q"))
        if q is None or q.unit in lex.excluded_units or not q.value:
            continue
        value = _finite(q.value)
        value_max = None if q.value_max is None else _finite(q.value_max)
        if value is None or (q.value_max is not None and value_max is None):
            continue
        out.append(Quantity(m.start(), m.end(), value, value_max, q.unit,
                            lex.cmp_after.get(m.group("cmp") or "", ""), not m.group("q")[0].isdigit()))
    starts, ends = [q.start for q in out], [q.end for q in out]
    bare = lex.bare.finditer(text, start, end) if DIGIT.search(text, start, end) else ()   # a bare value has digits
    for m in bare:
        if _inside(starts, ends, m.start()):
            continue
        before = text[max(start, m.start() - 6):m.start()]
        if not lex.cmp_before_tail.search(before) and not lex.level_tail.search(before):
            continue
        value = _finite(m.group("q"))
        if value is not None:
            out.append(Quantity(m.start(), m.end(), value, None, "", lex.cmp_after.get(m.group("cmp") or "", ""), False))
    return sorted(out, key=lambda q: q.start)


def _clause_start(text: str, sent_start: int, pos: int, floor: int) -> int:
    """Back from `pos` to a clause delimiter, or to an opening bracket not closed before `pos`
    (…清洁能源通道（可再生能源电量比例原则上不低于50%）: the clause is the bracket's content)."""
    i, depth, limit = pos, 0, max(sent_start, floor)
    while i > limit:
        ch = text[i - 1]
        if ch in CLAUSE_DELIMS:
            break
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            if depth == 0:
                break
            depth -= 1
        i -= 1
    return i


def _clause_end(text: str, pos: int, sent_end: int) -> int:
    i = pos
    while i < sent_end and text[i] not in CLAUSE_DELIMS and text[i] not in "。":
        i += 1
    return i


def _trim(s: str, lex: _Lexicon) -> str:
    s = lex.indicator_notes.sub("", s)   # 二氧化碳排放（以下简称碳排放）总量 -> 二氧化碳排放总量
    prev = None
    while prev != s:
        prev = s
        s = lex.trim_left.sub("", s)
        s = lex.trim_right.sub("", s)
    return s.strip()


def _strip_phrases(s: str, lex: _Lexicon) -> str:
    """Drop year and baseline phrases from an indicator candidate (全区…到2025年 -> 全区…)."""
    s = lex.baseline.sub("", s)
    s = lex.year_phrase.sub("", s)
    return s


def _after_enumeration(s: str) -> str:
    """废钢铁、废铜…等9种主要再生资源循环利用量 -> 9种主要再生资源循环利用量: examples before 等 are not the indicator."""
    if "等" in s:
        tail = s.rsplit("等", 1)[1]
        if len(tail) >= 4:
            return tail
    return s


@dataclass(frozen=True)
class _Reading:
    """How a quantity relates to its clause."""

    indicator: str
    verb_kind: str
    comparator: str
    value_first: bool


def _read_left(text: str, q: Quantity, clause_start: int, clause_end: int, lex: _Lexicon, tokenizer) -> Optional[_Reading]:
    left = _strip_phrases(text[clause_start:q.start], lex)
    left = SPACES.sub("", left)
    comparator = ""
    m = lex.cmp_before_tail.search(left)
    if m:
        comparator = lex.cmp_before[m.group()]
        left = left[:m.start()]
    verb_kind = ""
    m = lex.verb_tail.search(left)  # before trimming: 保持在 must not lose its 在
    if not m:
        left = lex.trim_right.sub("", left)
        m = lex.verb_tail.search(left)
    if m:
        verb_kind = lex.verbs[m.group()]
        if verb_kind == "increase" and m.group().startswith("年均"):
            pass  # 年均增长 names a rate: it stays in the indicator
        else:
            left = left[:m.start()]
        if not comparator:
            m2 = lex.cmp_before_tail.search(left)
            if m2:
                comparator = lex.cmp_before[m2.group()]
                left = left[:m2.start()]
    leading_verb = False
    bare_left = _trim(lex.scope_prefix.sub("", _trim(left, lex)), lex)  # 全市分别新增…: scope, then 分别
    head = lex.verb_head.match(bare_left)
    if verb_kind == "action" and head and lex.verbs[head.group()] == "action" and m is not None \
            and len(bare_left) >= head.end() + 2:
        left = left + m.group()  # 完成既有建筑节能改造: the leading verb names the action, 改造 stays
    if not verb_kind:
        lead = head
        if lead and lex.verbs[lead.group()] in ("action", "increase"):
            verb_kind, leading_verb = "action", True  # 新增水电装机容量4000万千瓦: the verb stays in the indicator
    right = text[q.end:clause_end]
    listed = bool(LIST_GOES_ON.search(text[clause_start:q.start]))   # the left is the item before, no subject
    if (not verb_kind and not comparator and not listed and right[:1] not in "、和及与" and lex.quantity.search(right)) \
            or (right.startswith("的") and lex.quantity.search(right)) \
            or (right.startswith("的") and q.cmp_after and not verb_kind and not comparator):
        # 30万千瓦及以上单机机组占…比重达到70%, 年综合能耗5万吨标准煤及以上的“两高”项目: a threshold
        # that scopes what follows, not a target of its own
        return None  # 平均节能率15%及以上的建筑面积达到600万平方米: the first value only scopes the indicator
    value_first = False
    own = NEXT_LISTED_VALUE.split(right, 1)[0]   # 建设10个实验室和5个中心: 实验室 is what the 10 counts
    # 到2030年培育100个产业基地: an action with nothing before it counts what follows the value
    no_subject = listed or not bare_left or lex.verbs_only.match(bare_left)
    counts_object = (verb_kind == "action" or listed) and (
        comparator or leading_verb or (no_subject and not lex.quantity.search(own)))
    if (verb_kind in ("", "value_first") or counts_object) and OBJECT_START.match(own):
        value_first = True
        subject = "" if listed or (bare_left and lex.verbs_only.match(bare_left)) else _trim(left, lex)
        if len(subject) > 10 and tokenizer is not None:
            words = tokenizer().words.lcut(subject)
            subject = words[-1] if words else subject
        obj = own[1:] if own.startswith("的") else own
        suffix = "比例" if q.unit == "%" else ("数量" if q.unit in lex.count_units or not q.unit else "")
        indicator = subject + obj + (suffix if not obj.endswith(("比例", "率", "能力", "量", "数")) else "")
        return _Reading(_trim(indicator, lex), verb_kind or "value_first", comparator, True)
    if not verb_kind and not comparator:
        indicator = _trim(left, lex)
        if q.cmp_after and lex.measure_tail.search(indicator) and not lex.change_verb.search(indicator):
            # 非化石能源消费比重13%以上: no verb, a measure (with a year: _numeric_targets)
            return _Reading(_after_enumeration(indicator), "", "", False)
        return None
    return _Reading(_after_enumeration(_trim(left, lex)), verb_kind, comparator, value_first)


def _sentence_subject(text: str, s0: int, s1: int, lex: _Lexicon, tokenizer) -> str:
    """The subject of a sentence whose first clause states no value (全区公共机构用能结构持续优化 -> 全区公共机构):
    its leading nouns, read with the segmenter."""
    for clause in SUBJECT_CLAUSES.split(text[s0:s1]):
        body = _trim(_strip_phrases(clause, lex), lex)
        if not body:
            continue
        if DIGIT.search(body):
            return ""
        words = tokenizer().pos.lcut(body)
        subject = ""
        for w, flag in words:
            if flag[:1] not in ("n", "s") and flag not in ("b",):
                break
            subject += w
        return subject if 2 <= len(subject) < len(body) else ""
    return ""


def _list_items(indicator: str, n: int) -> list[str]:
    """The n items of 公交车、出租车占比 (split on 、 first: 新能源和清洁能源 is one item) or of A和B."""
    for pat in (ENUM_SPLIT, LIST_SPLIT):
        parts = pat.split(indicator)
        if len(parts) == n:
            return parts
    return []


def _distribute(parts: list[str], lex: "_Lexicon") -> list[str]:
    """再生铜、再生铝产量 -> 再生铜产量, 再生铝产量: the heads of a list share the measure that ends the last
    item (a word of measure_suffixes); without one the items stay as written."""
    last = parts[-1]
    m = lex.measure_tail.search(last)
    out = []
    for p in parts[:-1]:
        if 0 < len(p) < len(last) and (p[0] == last[0] or p[-1] == last[len(p) - 1]):
            out.append(p + last[len(p):])  # heads of one length and shape (乘用车、商用车新车…强度)
        elif m and m.start() > 0 and not p.endswith(last[m.start():]):
            out.append(p + last[m.start():])
        else:
            out.append(p)
    return out + [last]


def _shared_subject(parts: list[str], lex: "_Lexicon", tokenizer) -> list[str]:
    """城市生活垃圾回收利用率和资源化利用率: when the first item ends with a process and a measure (回收 +
    利用率), a later item of one word and the same measure names only another process, and shares the
    subject of the first (城市生活垃圾资源化利用率); 化学需氧量、氨氮排放总量 are two things, not two processes."""
    m = lex.measure_tail.search(parts[0])
    if not m or tokenizer is None:
        return parts
    words = tokenizer().pos.lcut(parts[0][:m.start()])
    subject = "".join(w for w, _ in words[:-1])
    if not subject or not words[-1][1].startswith("v"):
        return parts
    out = [parts[0]]
    for p in parts[1:]:
        pm = lex.measure_tail.search(p)
        own = p[:pm.start()] if pm and pm.group() == m.group() else ""
        out.append(subject + p if own and len(tokenizer().words.lcut(own)) == 1 else p)
    return out


def _kind(verb_kind: str, unit: str) -> str:
    if verb_kind == "decrease":
        return "decrease"
    if verb_kind == "increase" or unit == "百分点":
        return "increase"
    return "level"


def _numeric_targets(text: str, s0: int, s1: int, doc_year: Optional[int], lex: _Lexicon, tokenizer,
                     prev_indicator: list[str], years: list[YearContext]) -> list[dict]:
    rows: list[dict] = []
    quantities = _quantities(text, s0, s1, lex)
    year_ends = [y.end for y in years]  # year phrases do not overlap: ends are sorted
    floor = s0
    groups: list[list[Quantity]] = []
    for q in quantities:  # values joined by 、/和 only (分别达到15%、20%) form one group
        if groups and LIST_JOINER.fullmatch(text[groups[-1][-1].end:q.start]):
            groups[-1].append(q)
        else:
            groups.append([q])
    for group in groups:
        q = group[0]
        c0 = _clause_start(text, s0, q.start, floor)
        c1 = _clause_end(text, group[-1].end, s1)
        after = text[group[-1].end:group[-1].end + 1]
        reading = _read_left(text, q, c0, c1, lex, tokenizer)
        if reading is None:
            continue
        left_raw = text[c0:q.start]
        if after == "的" and not reading.value_first and reading.verb_kind not in ("level", "decrease", "increase"):
            continue
        if lex.threshold_tail.search(left_raw) and after == "的":
            continue
        near = left_raw[-8:]   # 现有6处 is what exists; 在现有水平上提升10% is a change from it
        existing = lex.existing.search(near)
        if (existing and not lex.change_verb.search(near, existing.end())) or lex.past_clause.search(text, c0, c1) \
                or lex.funding_clause.search(text[c0:c1]):
            continue  # 现有6处, 由1330万千瓦增长到…, 已全部淘汰: what exists, where a change starts, what was done
        k = bisect_right(year_ends, q.start)
        ctx = years[k - 1:k]   # the last year phrase before the value (a slice: no copy of the rest)
        ctx_years = ctx[-1].years if ctx else ()
        if q.spelled and (reading.value_first or reading.verb_kind not in ("level", "decrease", "increase", "action")):
            continue
        if reading.verb_kind == "action" and not reading.comparator and not ctx_years:
            continue  # 建成10个… without a year or a comparator is a description, not a target
        if not (reading.verb_kind or reading.comparator or ctx_years):
            continue  # …三星级绿色建筑占比70%以上 in an account of what was built
        indicator = reading.indicator
        if not indicator and prev_indicator and reading.verb_kind != "action":
            indicator = prev_indicator[-1]  # …达到40%，到2030年达到60%: the indicator is not repeated
        elif prev_indicator and prev_indicator[-1].endswith(indicator) and len(indicator) >= 2:
            indicator = prev_indicator[-1]
        if not indicator:
            continue
        if doc_year and ctx_years and max(ctx_years) < doc_year:
            prev_indicator.append(indicator)  # …森林覆盖率为11.5%，到2025年达到14%: the next clause names it no more
            continue  # a statement about the past is a baseline, not a target
        if lex.generic.match(indicator):
            subject = _sentence_subject(text, s0, q.start, lex, tokenizer)
            if indicator not in subject:   # the sentence may open with the generic indicator itself
                indicator = subject + indicator
        clause = text[c0:c1]
        aspirational = bool(lex.aspirational.search(clause)) or bool(ctx and ctx[-1].aspirational)
        base = lex.baseline.search(text, _clause_start(text, s0, q.start, s0), q.start)
        if base is None and reading.verb_kind in ("decrease", "increase"):
            # 与2020年相比，全县化肥使用量减少5%: a baseline stated once for the sentence
            base = None
            for base in lex.baseline.finditer(text, max(s0, q.start - BASELINE_REACH), q.start):
                pass
        baseline = int(next(g for g in base.captures("y"))) if base else None
        distributive = text.find("分别", max(s0, c0 - BASELINE_REACH), q.start) >= 0
        indicators = [indicator]
        parts = _list_items(indicator, len(group))
        if len(group) > 1 and parts and distributive:
            indicators = _shared_subject(_distribute(parts, lex), lex, tokenizer)
        year_list: list[Optional[int]] = list(ctx_years) if ctx_years else [None]
        combos: list[tuple[Quantity, str, Optional[int]]] = []
        if len(group) > 1 and len(year_list) == len(group) and distributive:
            combos = [(g, indicator, y) for g, y in zip(group, year_list)]
        elif len(group) > 1 and len(indicators) == len(group):
            combos = [(g, ind, year_list[-1]) for g, ind in zip(group, indicators)]
        elif len(group) == 1 and len(year_list) > 1 and distributive:
            combos = [(q, indicator, y) for y in year_list]
        else:
            combos = [(g, indicator, year_list[-1]) for g in group]
        # 分别不高于306、325克标准煤/千瓦时, 分别下降25%和20%以上: unit and comparator written once, at the end
        shared_unit, shared_cmp = group[-1].unit, group[-1].cmp_after
        for g, ind, y in combos:
            comparator = g.cmp_after or reading.comparator or shared_cmp or "="
            if not g.unit and shared_unit:
                g = Quantity(g.start, g.end, g.value, g.value_max, shared_unit, g.cmp_after, g.spelled)
            rows.append(dict(indicator=ind, value=g.value, value_max=g.value_max, unit=g.unit,
                             comparator=comparator, kind=_kind(reading.verb_kind, g.unit), year=y,
                             baseline_year=baseline, modality="aspirational" if aspirational else "binding",
                             rule="value_first" if reading.value_first else f"verb_{reading.verb_kind or 'cmp'}",
                             pos=g.start))
        prev_indicator.append(indicator)
        floor = group[-1].end  # the next indicator starts after this target (…达到100%新建居住建筑…)
    return rows


def _qualitative_targets(text: str, s0: int, s1: int, lex: _Lexicon, numeric_spans: list[int],
                         prev_indicator: list[str], years: list[YearContext], doc_year: Optional[int]) -> list[dict]:
    """Qualitative targets of a sentence in which lex.any_qualitative matches."""
    rows: list[dict] = []
    bounds = [s0] + [m.end() for m in CLAUSE_SPLIT.finditer(text, s0, s1)] + [s1 + 1]
    year_starts = [y.start for y in years]
    for start, nxt in zip(bounds, bounds[1:]):
        i = nxt - 1
        clause = text[start:i]
        k = bisect_left(numeric_spans, start)
        if not clause.strip() or (k < len(numeric_spans) and numeric_spans[k] < i):
            continue
        k = bisect_left(year_starts, i)
        ctx = years[k - 2 if k >= 2 else 0:k]  # the year phrases that may govern this clause
        for kind, pat in lex.qualitative:
            m = pat.search(clause)
            if not m or not m.group():
                continue
            if kind == "peak" and (not lex.peak_requires.search(m.group()) or lex.peak_exclude.search(clause)):
                continue
            if kind != "delegated" and not ctx:
                continue
            in_clause = [y for y in ctx if y.start >= start]
            if kind == "peak" and not (in_clause or (ctx and ctx[-1].end >= start - 1)):
                continue  # a peak target names its year in its clause or just before (到2030年，…达到峰值)
            year = (in_clause or ctx)[-1].years[-1] if (in_clause or ctx) else None
            if doc_year and year and year < doc_year:
                continue  # what was achieved by a past year is not a target
            left = _trim(_strip_phrases(clause[:m.start()], lex), lex)
            if kind == "full" and not (left or any(y.end > y.start for y in ctx)) \
                    and lex.full_needs_subject.match(m.group()):
                continue  # 全面推行…建设 opens a measure; 到2025年，…全面执行… and 城镇新建建筑全面执行… are targets
            if kind == "delegated":
                obj = m.groupdict().get("obj") or ""
                indicator = left or (obj + "任务目标" if obj else "")
            elif kind == "peak":
                indicator = left if left and len(left) <= 20 else "碳达峰"
            else:
                indicator = left
                if kind == "full":
                    indicator = _trim(left + clause[m.end():], lex)
            if not indicator:
                indicator = prev_indicator[-1] if prev_indicator else ""
            if not indicator:
                continue
            aspirational = bool(lex.aspirational.search(clause)) or bool(ctx and ctx[-1].aspirational)
            rows.append(dict(indicator=_after_enumeration(indicator), value=None, value_max=None, unit="",
                             comparator="", kind=kind, year=year, baseline_year=None,
                             modality="aspirational" if aspirational else "binding", rule=f"qualitative_{kind}",
                             pos=start + m.start()))
            prev_indicator.append(indicator)
            break
    return rows


BASELINE_REACH = 200  # how far back in a sentence a shared baseline or 分别 may stand
QUOTE_MAX = 300   # a sentence longer than this (a text without 。) is quoted around the value only
QUOTE_SIDE = 120


def _quote_span(text: str, s0: int, s1: int, pos: int) -> tuple[int, int]:
    """The sentence, or, when it is very long (a scraped page that lost its 。), the clauses around the
    value: a window of QUOTE_SIDE characters each side, widened to the clause marks just outside it."""
    if s1 - s0 <= QUOTE_MAX:
        return s0, s1
    a, b = max(s0, pos - QUOTE_SIDE), min(s1, pos + QUOTE_SIDE)
    left = max(text.rfind(ch, max(s0, a - 60), a) for ch in "，,；;")
    right = [i for i in (text.find(ch, b, min(s1, b + 60)) for ch in "，,；;") if i >= 0]
    return (left + 1 if left >= 0 else a), (min(right) if right else b)


def _document_year(meta: Meta) -> Optional[int]:
    """The year the plan was issued, or else the first year of the planning period its title names
    (“十四五”规划 -> 2021), so that statements about earlier years read as baselines."""
    if meta.date[:4].isdigit():
        return int(meta.date[:4])
    period = numbers.planning_period(meta.title or meta.notice_title)
    return period[0] if period else None


def _dice(a: str, b: str) -> float:
    x, y = {a[i:i + 2] for i in range(len(a) - 1)}, {b[i:i + 2] for i in range(len(b) - 1)}
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else float(a == b)


def _is_repeat(row: dict, prose: list[dict]) -> bool:
    """A table row that restates a target already read from the prose (same value, unit and year)."""
    return any(p["value"] == row["value"] and p["unit"] == row["unit"] and p["year"] == row["year"]
               and _dice(p["indicator"], row["indicator"]) >= 0.5 for p in prose)


def extract_targets(cleaned: Cleaned, sections: list[Section], meta: Meta, options) -> tuple[Target, ...]:
    text = cleaned.text
    lex = lexicon(options.rules)
    tokenizer = (lambda: _Segmenters(options.tokenizer, options.pos_tokenizer))
    doc_year = _document_year(meta)
    rows: list[tuple[int, int, dict]] = []
    prev_indicator: list[str] = []
    last_para = -1
    carried: list[YearContext] = []
    for s0, s1 in sentences(text):
        para = text.rfind("\n", 0, s0)
        if para != last_para:
            prev_indicator, carried = [], []
            last_para = para
        has_number = HAS_NUMBER.search(text, s0, s1) is not None   # a year is written with one too
        years = year_contexts(text, s0, s1, lex) if has_number and lex.any_year.search(text, s0, s1) else []
        if years:
            # 到2025年，…。单位GDP能耗下降14%。: a sentence that opens with its year sets it for those that follow
            if lex.trim_left.sub("", text[s0:years[0].start]) == "":
                carried = [YearContext(years[0].years, s0, s0, years[0].aspirational)]
            elif carried:   # …森林覆盖率达到36.5%，为实现2030年前碳达峰奠定基础: the values before 2030 keep 2025
                years = [YearContext(carried[0].years, s0, s0, carried[0].aspirational)] + years
        elif carried:
            years = [YearContext(carried[0].years, s0, s0, carried[0].aspirational)]
        num = _numeric_targets(text, s0, s1, doc_year, lex, tokenizer, prev_indicator, years) if has_number else []
        spans = sorted(r["pos"] for r in num) if num else []
        qual = _qualitative_targets(text, s0, s1, lex, spans, prev_indicator, years, doc_year) \
            if lex.qualitative_hint.search(text, s0, s1) and lex.any_qualitative.search(text, s0, s1) else []
        for r in num + qual:
            rows.append((s0, s1, r))
    prose = [r for _, _, r in rows if r["value"] is not None]
    for s0, s1, r in table_targets(text, options.rules):
        if not _is_repeat(r, prose):
            rows.append((s0, s1, r))
    by_path = {s.section_path: s for s in sections}

    def looks_back(sec: Optional[Section]) -> bool:
        while sec is not None and sec.section_path:
            if lex.retrospective.search(sec.title):
                return True
            sec = by_path.get(sec.parent_path)
        return False

    out = []
    index = SectionIndex(sections)
    placed = [(r, s0, s1, index.at(r["pos"])) for s0, s1, r in sorted(rows, key=lambda x: (x[2]["pos"], x[0]))]
    placed = [p for p in placed if not looks_back(p[3])]
    for n, (r, s0, s1, sec) in enumerate(placed, 1):
        s0, s1 = _quote_span(text, s0, s1, r["pos"])
        src0, src1 = cleaned.source_span(s0, s1)
        quote = LINE_BREAKS.sub(" " if r["rule"] == "indicator_table" else "", text[s0:s1]).strip()
        out.append(Target(
            target_id=f"T{n:04d}", section_path=sec.section_path if sec else "",
            section_title=sec.title if sec else "", indicator=r["indicator"], value=r["value"],
            value_max=r["value_max"], unit=r["unit"], comparator=r["comparator"], kind=r["kind"],
            year=r["year"], baseline_year=r["baseline_year"], modality=r["modality"], quote=quote,
            char_start=src0, char_end=src1, rule=r["rule"]))
    return tuple(out)
