"""Compare a plan with its parent: aligned sections, direction-aware target edits and text reuse.

`diff(child, parent)` returns a `DiffResult` of typed, frozen edit records (as sqlglot's diff does):
a `SectionMatch` for every part, area and measure of either plan, and a `TargetEdit` for every target of
either plan. Rendering is report.py's job. Each side is a parsed `Document`, a file, or an extracted
snapshot folder (documents.csv, sections.csv, targets.csv; `DIR#doc_id` picks one of several).

Sections are aligned one-to-one, top-down: parts and areas first, then measures, each time among the
children of sections already aligned before anywhere else. The score of a pair is `section_similarity`
(Dice over character bigrams of titles and bodies, lifted by an agreeing label of the canonical taxonomy
in data/taxonomy.yaml). Pairs are taken greedily by score rather than by an optimal (Hungarian)
assignment: scores of true counterparts stand far above the rest, so greedy and optimal agree on real
plans, and scipy stays out of the dependencies. Targets are matched by indicator key (data/indicators.yaml)
and year and judged by `judge`. Text reuse is the share of a child section's characters that lie in a
run of at least `SHINGLE` characters also found in the parent: the measure of policy diffusion studies.
"""
from __future__ import annotations

import enum
import math
import unicodedata
from collections import Counter, deque
from dataclasses import dataclass, fields, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

import pandas as pd
import regex

from .model import Document, InputError, Target
from .rules import load_rules

ALIGN_THRESHOLD = 0.30   # least score of a pair under already aligned parent sections
GLOBAL_THRESHOLD = 0.50  # least score of a pair found anywhere else (a measure moved to another area)
MUTUAL_FLOOR = 0.15      # under aligned parents, a weaker pair is still taken when each is the other's best
MUTUAL_MARGIN = 2.0      # … by this factor over both sides' runner-up (严格执行法规标准 ↔ 健全法律法规标准)
TITLE_WEIGHT = 0.5       # the rest of the score is the body's
TAXONOMY_FLOOR = 0.6     # same taxonomy label: score = FLOOR + (1 - FLOOR) * text score
TAXONOMY_CONFLICT = 0.5  # different labels: the text score is multiplied by this
FUZZY_INDICATOR = 0.75   # least Dice of two unlisted indicator wordings taken for the same indicator
SHINGLE = 8              # least length of a common run that counts as reused text

CONTAINER_KINDS = frozenset({"chapter", "part", "area"})
MEASURE_KINDS = frozenset({"measure", "article"})
Side = Union[Document, str, Path]


class SectionStatus(str, enum.Enum):
    ALIGNED = "aligned"
    CHILD_ONLY = "child_only"
    PARENT_ONLY = "parent_only"


class Status(str, enum.Enum):
    """How a child's target relates to the parent's (SCHEMA.md target_diff.status, plus three more)."""

    SAME = "same"
    STRICTER = "stricter"
    LOOSER = "looser"
    CHANGED_YEAR = "changed_year"        # value and year point different ways (more, but later)
    CHILD_ONLY = "child_only"
    PARENT_ONLY = "parent_only"
    QUALITATIVE = "qualitative"          # matched, but one side (or a differing kind) has no number
    DIFFERENT_SCOPE = "different_scope"  # both numeric but not comparable (scope, unit, baseline, kind)
    DELEGATED = "delegated"              # the child passes on a quota handed down (完成上级下达指标)


@dataclass(frozen=True)
class SectionInfo:
    """A section of one side as the diff sees it; `text` runs from the heading to the end of its body."""

    path: str
    title: str
    kind: str
    depth: int
    parent_path: str
    order: int
    text: str
    body: str


@dataclass(frozen=True)
class DocInfo:
    doc_id: str
    title: str
    level: str
    region: str
    n_sections: int
    n_targets: int


@dataclass(frozen=True)
class SectionMatch:
    """One row of section_alignment: a pair of counterparts, or a section found on one side only."""

    status: SectionStatus
    child: Optional[SectionInfo]
    parent: Optional[SectionInfo]
    similarity: Optional[float]
    how: str = ""                          # pinned | under_aligned | mutual_best | anywhere
    taxonomy: str = ""                     # the canonical label both share, if any
    reuse_aligned: Optional[float] = None  # share of the child's text found in its counterpart
    reuse_parent: Optional[float] = None   # share of the child's text found anywhere in the parent


@dataclass(frozen=True)
class TargetEdit:
    """One row of target_diff: a matched pair of targets, or a target of one side only."""

    status: Status
    key: str
    child: Optional[Target]
    parent: Optional[Target]
    reason: str = ""

    @property
    def indicator(self) -> str:
        return (self.child or self.parent).indicator  # type: ignore[union-attr]


# ---------------------------------------------------------------- similarity


def bigrams(text: str) -> frozenset[str]:
    """The set of character bigrams of the Han letters and alphanumerics of `text`.

    >>> sorted(bigrams("碳汇，能力"))
    ['汇能', '碳汇', '能力']
    """
    s = regex.sub(r"[^\p{Han}A-Za-z0-9]+", "", text)
    return frozenset(s[i:i + 2] for i in range(len(s) - 1))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient 2|A∩B| / (|A|+|B|) of two bigram sets: 1 for the same text, 0 for nothing shared.
    It needs no word segmentation, which suits Chinese headings.

    >>> round(dice(bigrams("加快提升建筑能效水平"), bigrams("加快提升建筑能效水平")), 2)
    1.0
    >>> round(dice(bigrams("大力发展新能源"), bigrams("大力发展可再生能源")), 2)
    0.57
    """
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


@dataclass(frozen=True, eq=False)
class Taxonomy:
    """data/taxonomy.yaml: canonical labels of sections and the words to drop from titles."""

    data: Mapping[str, Any]

    @cached_property
    def _titles(self) -> list[tuple[str, str]]:
        pairs = [(t, e["id"]) for e in self.data["actions"] + self.data["frame"] for t in e["titles"]]
        return sorted(pairs, key=lambda p: -len(p[0]))

    @cached_property
    def _stop(self) -> "regex.Pattern[str]":
        return regex.compile("|".join(sorted(map(regex.escape, self.data["title_stopwords"]), key=len, reverse=True)))

    def strip_title(self, title: str) -> str:
        return self._stop.sub("", title) or title

    def label(self, section: SectionInfo, keywords: bool = True) -> str:
        """The canonical id of a part or area: from its title, else (if `keywords`) from keyword counts."""
        if section.kind not in CONTAINER_KINDS:
            return ""
        for word, ident in self._titles:
            if word in section.title:
                return ident
        if not keywords:
            return ""
        hits = sorted(((sum(section.text.count(k) for k in e["keywords"]), e["id"]) for e in self.data["actions"]),
                      reverse=True)
        (best, ident), (second, _) = hits[0], hits[1]
        if best >= self.data["keyword_min_hits"] and best >= self.data["keyword_margin"] * second:
            return ident
        return ""


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    return Taxonomy(load_rules()["taxonomy"])


class Features:
    """Bigram sets and labels of one side's sections, computed once per side."""

    def __init__(self, sections: Sequence[SectionInfo], tax: Taxonomy):
        self.title = {s.path: bigrams(tax.strip_title(s.title)) for s in sections}
        self.body = {s.path: bigrams(s.body) for s in sections}
        self.label = {s.path: tax.label(s) for s in sections}
        self.title_label = {s.path: tax.label(s, keywords=False) for s in sections}


def section_similarity(c: SectionInfo, p: SectionInfo, cf: Features, pf: Features, keywords: bool = True
                       ) -> tuple[float, str]:
    """Score in [0, 1] of two sections being counterparts, and the taxonomy label they share.

    TITLE_WEIGHT · Dice(titles without stop words) + (1 − TITLE_WEIGHT) · Dice(bodies); a side without
    a body is scored on titles alone. Sharing a taxonomy label lifts the score to at least
    TAXONOMY_FLOOR (工业绿色低碳转型行动 ↔ 工业领域碳达峰行动 share little text but mean the same
    action); two different labels halve it. Without `keywords`, only labels read from titles count.
    """
    t = dice(cf.title[c.path], pf.title[p.path])
    has_body = bool(cf.body[c.path]) and bool(pf.body[p.path])
    score = TITLE_WEIGHT * t + (1 - TITLE_WEIGHT) * dice(cf.body[c.path], pf.body[p.path]) if has_body else t
    lc, lp = (cf.label[c.path], pf.label[p.path]) if keywords else (cf.title_label[c.path], pf.title_label[p.path])
    if lc and lp:
        if lc == lp:
            return TAXONOMY_FLOOR + (1 - TAXONOMY_FLOOR) * score, lc
        score *= TAXONOMY_CONFLICT
    return score, ""


# ---------------------------------------------------------------- text reuse


def normalize(text: str) -> str:
    """Full-width folded, whitespace removed: line wraps and ，/, do not hide a copied passage."""
    return regex.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def shingles(text: str, k: int = SHINGLE) -> frozenset[str]:
    t = normalize(text)
    return frozenset(t[i:i + k] for i in range(len(t) - k + 1))


def reuse_share(text: str, index: frozenset[str], k: int = SHINGLE) -> Optional[float]:
    """Share of the characters of `text` inside a run of ≥ k characters found in the indexed text.

    >>> reuse_share("甲乙丙丁戊己庚辛壬癸", shingles("子丑甲乙丙丁戊己庚辛寅卯"))
    0.8
    """
    t = normalize(text)
    if not t or not index:
        return None
    covered = bytearray(len(t))
    for i in range(len(t) - k + 1):
        if t[i:i + k] in index:
            covered[i:i + k] = b"\x01" * k
    return sum(covered) / len(t)


# ---------------------------------------------------------------- the two sides


@dataclass(frozen=True, eq=False)
class Plan:
    """One side of a comparison, whatever it was loaded from."""

    info: DocInfo
    sections: tuple[SectionInfo, ...]
    targets: tuple[Target, ...]
    text: str  # the text of the numbered sections ("" when a snapshot's source file is not at hand)

    @cached_property
    def index(self) -> frozenset[str]:
        return shingles(self.text)

    @cached_property
    def features(self) -> Features:
        return Features(self.sections, taxonomy())

    @cached_property
    def by_path(self) -> dict[str, SectionInfo]:
        return {s.path: s for s in self.sections}


def _compared(kind: str, path: str) -> bool:
    return bool(path) and (kind in CONTAINER_KINDS or kind in MEASURE_KINDS)


def _targets_from_table(df: pd.DataFrame) -> tuple[Target, ...]:
    """model.Target records from the rows of a targets table (as tables.read_tables types it)."""
    from .tables import SCHEMAS, frame_rows
    names = {f.name for f in fields(Target)}
    cols = [c for c, _ in SCHEMAS["targets"]]
    return tuple(Target(**{k: v for k, v in zip(cols, row) if k in names})
                 for row in frame_rows(df, SCHEMAS["targets"]))


def plan_from_document(doc: Document) -> Plan:
    text = doc.text
    secs = tuple(SectionInfo(s.section_path, s.title, s.kind, s.depth, s.parent_path, i,
                             text[s.text_start:s.text_end], text[s.body_start:s.text_end])
                 for i, s in enumerate(doc.section_list) if _compared(s.kind, s.section_path))
    tops = [s for s in doc.section_list if s.section_path and s.depth == 1]
    body = text[min(s.text_start for s in tops):max(s.text_end for s in tops)] if tops else text
    targets = tuple(doc.target_list)
    m = doc.meta
    return Plan(DocInfo(m.doc_id, m.title, m.level, m.region, len(secs), len(targets)), secs, targets, body)


def _source_text(directory: Path, row: Mapping[str, Any]) -> str:
    """The decoded source a snapshot's spans point into, if its file is found and unchanged."""
    from . import ingest
    src = str(row.get("source_path") or "")
    if not src:
        return ""
    for base in (Path.cwd(), directory, *directory.resolve().parents):
        p = Path(src) if Path(src).is_absolute() else base / src
        if p.is_file():
            s = ingest.read_file(p)
            sha = str(row.get("sha256") or "")
            return s.text if not sha or sha == s.sha256 else ""
    return ""


def plan_from_snapshot(directory: Path, doc_id: str = "") -> Plan:
    from .tables import read_tables
    tables = read_tables(directory)
    if "documents" not in tables or "sections" not in tables:
        raise InputError(f"{directory}: not an extracted snapshot (documents.csv and sections.csv expected)")
    docs = tables["documents"].astype({"doc_id": str})
    if not doc_id:
        if len(docs) != 1:
            raise InputError(f"{directory} holds {len(docs)} documents; name one as DIR#doc_id "
                             f"({', '.join(docs.doc_id[:5])} …)")
        doc_id = docs.doc_id.iloc[0]
    rows = docs[docs.doc_id == doc_id]
    if rows.empty:
        raise InputError(f"{directory}: no document {doc_id!r}")
    row = rows.iloc[0].to_dict()
    source = _source_text(directory, row)
    secs_df = tables["sections"][tables["sections"].doc_id.astype(str) == doc_id]
    secs = []
    for i, r in enumerate(secs_df.to_dict("records")):
        path, kind = str(r["section_path"] or ""), str(r["kind"])
        if not _compared(kind, path):
            continue
        full = source[int(r["char_start"]):int(r["char_end"])] if source else ""
        cut = full.find(str(r["title"]))
        body = full[cut + len(str(r["title"])):] if cut >= 0 else full
        secs.append(SectionInfo(path, str(r["title"]), kind, int(r["depth"]), str(r["parent_path"] or ""), i,
                                full, body))
    tdf = tables.get("targets")
    targets = _targets_from_table(tdf[tdf.doc_id.astype(str) == doc_id]) if tdf is not None else ()
    tops = secs_df[(secs_df.depth.astype(int) == 1) & (secs_df.section_path.astype(str) != "")]
    text = source[int(tops.char_start.astype(int).min()):int(tops.char_end.astype(int).max())] \
        if source and len(tops) else source
    info = DocInfo(doc_id, str(row.get("title") or ""), str(row.get("level") or ""), str(row.get("region") or ""),
                   len(secs), len(targets))
    return Plan(info, tuple(secs), targets, text)


def load_plan(side: Union[Side, Plan]) -> Plan:
    """A Plan from a Document, a document file, or a snapshot folder (`DIR` or `DIR#doc_id`)."""
    if isinstance(side, Plan):
        return side
    if isinstance(side, Document):
        return plan_from_document(side)
    raw = str(side)
    folder, _, doc_id = raw.partition("#")
    if Path(folder).is_dir():
        return plan_from_snapshot(Path(folder), doc_id)
    if not Path(raw).exists():
        raise InputError(f"{raw}: no such file or snapshot folder")
    from .pipeline import parse_file
    return plan_from_document(parse_file(raw))


# ---------------------------------------------------------------- section alignment


Pair = tuple[str, str, float, str, str]  # child path, parent path, score, how, taxonomy label


def _scores(cs: Sequence[SectionInfo], ps: Sequence[SectionInfo], child: Plan, parent: Plan, keywords: bool
            ) -> dict[tuple[str, str], tuple[float, str]]:
    return {(c.path, p.path): section_similarity(c, p, child.features, parent.features, keywords)
            for c in cs for p in ps}


def _greedy(cs: Sequence[SectionInfo], ps: Sequence[SectionInfo], child: Plan, parent: Plan, threshold: float,
            how: str) -> list[Pair]:
    """Pairs taken best score first while both sides are free (ties: earlier sections first); then, for
    siblings under aligned parents (how == under_aligned), the clear mutual best pairs among the rest."""
    scores = _scores(cs, ps, child, parent, keywords=how == "under_aligned")
    c_order, p_order = {s.path: s.order for s in cs}, {s.path: s.order for s in ps}
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1][0], c_order[kv[0][0]], p_order[kv[0][1]]))
    used_c: set[str] = set()
    used_p: set[str] = set()
    pairs = []
    for (cp, pp), (score, label) in ranked:
        if score >= threshold and cp not in used_c and pp not in used_p:
            used_c.add(cp), used_p.add(pp)
            pairs.append((cp, pp, score, how, label))
    if how != "under_aligned":
        return pairs
    rest = {k: v[0] for k, v in scores.items() if k[0] not in used_c and k[1] not in used_p}
    for (cp, pp), score in rest.items():
        rivals = [v for (c, p), v in rest.items() if (c == cp) != (p == pp)]
        if score >= MUTUAL_FLOOR and all(score >= MUTUAL_MARGIN * v for v in rivals):
            pairs.append((cp, pp, score, "mutual_best", scores[cp, pp][1]))
    return pairs


def align_sections(child: Plan, parent: Plan, pinned: Optional[Mapping[str, str]] = None) -> dict[str, Pair]:
    """child path -> pair, one-to-one: pinned pairs, then the passes described in the module docstring."""
    pairs: dict[str, Pair] = {c: (c, p, 1.0, "pinned", "") for c, p in (pinned or {}).items()
                              if c in child.by_path and p in parent.by_path}

    def free(plan: Plan, kinds: frozenset[str], parent_path: Optional[str], taken: set[str]) -> list[SectionInfo]:
        return [s for s in plan.sections if s.kind in kinds and s.path not in taken
                and (parent_path is None or s.parent_path == parent_path)]

    def run(kinds: frozenset[str], queue: deque, descend: bool) -> list[Pair]:
        found = []
        while queue:
            cp, pp = queue.popleft()
            taken_p = {v[1] for v in pairs.values()}
            new = _greedy(free(child, kinds, cp, set(pairs)), free(parent, kinds, pp, taken_p), child, parent,
                          ALIGN_THRESHOLD, "under_aligned")
            for pr in new:
                pairs[pr[0]] = pr
                if descend:
                    queue.append((pr[0], pr[1]))
            found += new
        return found

    def anywhere(kinds: frozenset[str]) -> list[Pair]:
        new = _greedy(free(child, kinds, None, set(pairs)), free(parent, kinds, None, {v[1] for v in pairs.values()}),
                      child, parent, GLOBAL_THRESHOLD, "anywhere")
        pairs.update((pr[0], pr) for pr in new)
        return new

    roots = deque([("", "")] + [(c, p) for c, p, *_ in pairs.values()])
    run(CONTAINER_KINDS, roots, descend=True)
    run(CONTAINER_KINDS, deque((c, p) for c, p, *_ in anywhere(CONTAINER_KINDS)), descend=True)
    run(MEASURE_KINDS, deque([("", "")] + [(c, p) for c, p, *_ in pairs.values()]), descend=False)
    anywhere(MEASURE_KINDS)
    return pairs


def section_matches(child: Plan, parent: Plan, pairs: Mapping[str, Pair]) -> tuple[SectionMatch, ...]:
    """Rows in reading order: the child's sections, each parent-only section after its aligned predecessor."""
    rows: list[SectionMatch] = []
    for c in child.sections:
        pr = pairs.get(c.path)
        if pr is None:
            rows.append(SectionMatch(SectionStatus.CHILD_ONLY, c, None, None,
                                     reuse_parent=reuse_share(c.text, parent.index)))
            continue
        p = parent.by_path[pr[1]]
        rows.append(SectionMatch(SectionStatus.ALIGNED, c, p, round(pr[2], 3), pr[3], pr[4],
                                 reuse_share(c.text, shingles(p.text)), reuse_share(c.text, parent.index)))
    aligned_at = {r.parent.order: i for i, r in enumerate(rows) if r.parent is not None}
    inserts: dict[int, list[SectionMatch]] = {}
    for p in parent.sections:
        if p.order not in aligned_at:
            before = [o for o in aligned_at if o < p.order]
            inserts.setdefault(aligned_at[max(before)] if before else -1, []).append(
                SectionMatch(SectionStatus.PARENT_ONLY, None, p, None))
    out = list(inserts.get(-1, []))
    for i, r in enumerate(rows):
        out.append(r)
        out.extend(inserts.get(i, []))
    return tuple(out)


# ---------------------------------------------------------------- targets


@dataclass(frozen=True)
class IndicatorRule:
    """What data/indicators.yaml says of one indicator (empty fields: decided from unit and wording)."""

    key: str
    measure: str = ""      # relative | absolute
    direction: str = ""    # higher | lower: which way a level target is stricter
    territorial: bool = False
    key_indicator: bool = False


def _fold(s: str) -> str:
    return regex.sub(r"[\s“”\"'‘’《》「」()（）]+", "", unicodedata.normalize("NFKC", s))


@dataclass(frozen=True, eq=False)
class Lexicon:
    """data/indicators.yaml: indicator keys, measures, directions and unit conversions."""

    data: Mapping[str, Any]

    @cached_property
    def _rules(self) -> list[tuple[IndicatorRule, Mapping[str, Any]]]:
        return [(IndicatorRule(e["key"], e.get("measure", ""), e.get("direction", ""), bool(e.get("territorial")),
                               bool(e.get("key_indicator"))), e) for e in self.data["indicators"]]

    @cached_property
    def _names(self) -> list[tuple[str, IndicatorRule]]:
        return sorted(((_fold(n), r) for r, e in self._rules for n in e.get("names", ())),
                      key=lambda x: -len(x[0]))

    @cached_property
    def _exact(self) -> dict[str, IndicatorRule]:
        return {_fold(n): r for r, e in self._rules for n in e.get("exact", ())}

    @cached_property
    def _scope(self) -> "regex.Pattern[str]":
        words = sorted(map(regex.escape, self.data["scope_words"]), key=len, reverse=True)
        return regex.compile(f"^(?:{'|'.join(words)})+")

    def normalize(self, indicator: str) -> str:
        """The wording used for matching: folded, scope word (全区 …) stripped.

        >>> lexicon().normalize("全区 森林覆盖率")
        '森林覆盖率'
        """
        folded = _fold(indicator)
        return self._scope.sub("", folded) or folded

    def rule(self, indicator: str) -> IndicatorRule:
        """The entry whose name the indicator contains (longest first), else a bare rule keyed by wording.

        >>> lexicon().rule("单位地区生产总值能源消耗").key == lexicon().rule("单位GDP能耗").key
        True
        """
        n = self.normalize(indicator)
        return self._exact.get(n) or next((r for name, r in self._names if name in n), IndicatorRule(n))

    def relative(self, rule: IndicatorRule, t: Target) -> bool:
        if rule.measure:
            return rule.measure == "relative"
        return t.unit in self.data["relative_units"] or any(k in t.indicator for k in self.data["relative_keywords"])

    def higher_is_stricter(self, rule: IndicatorRule, t: Target) -> bool:
        if t.kind in ("decrease", "increase"):  # a deeper cut, a faster growth
            return True
        if rule.direction:
            return rule.direction == "higher"
        return not (any(k in t.indicator for k in self.data["lower_keywords"]) or t.comparator in ("<=", "<"))

    def base(self, t: Target) -> tuple[Optional[float], str]:
        """The value (midpoint of a range) in the base unit of unit_scale."""
        if t.value is None:
            return None, t.unit
        v = (t.value + t.value_max) / 2 if t.value_max is not None else t.value
        unit, factor = self.data["unit_scale"].get(t.unit, (t.unit, 1))
        return v * factor, unit

    def key_indicators(self) -> list[str]:
        return [e["key"] for e in self.data["indicators"] if e.get("key_indicator")]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon(load_rules()["indicators"])


def same_scope(a: DocInfo, b: DocInfo) -> bool:
    """Both plans speak for the same territory (a ministry's plan speaks for the nation). Unknown
    levels count as different, so that absolute amounts are never compared on a guess."""
    def tier(d: DocInfo) -> tuple[str, str]:
        national = d.level in ("national", "department")
        return ("national", "") if national else (d.level, d.region)
    return bool(a.level and b.level) and tier(a) == tier(b)


def _numeric(t: Target) -> bool:
    return t.value is not None


def _sign(x: float) -> int:
    return 0 if math.isclose(x, 0.0, abs_tol=1e-9) else (1 if x > 0 else -1)


def _full_as_share(t: Target) -> Target:
    return replace(t, value=100.0, unit="%", comparator="=", kind="level") if t.kind == "full" else t


_VERDICT = {1: Status.STRICTER, 0: Status.SAME, -1: Status.LOOSER}
_MODALITY = {"aspirational": 0, "binding": 1}


def judge(c: Target, p: Target, rule: IndicatorRule, scope: bool, lex: Lexicon) -> tuple[Status, str]:
    """The status of a matched pair and the reason, in this order of rules:

    delegated child → delegated; 全覆盖 (kind full) against a share is 100%; one side qualitative →
    qualitative (both qualitative of one kind: compared by year and modality); different kinds, baselines or units → different_scope; absolute
    amounts, or territorial indicators, of different scopes → different_scope; then value (direction-
    aware) and year (earlier is stricter): if they disagree → changed_year, else the one that speaks;
    if neither does, modality (力争 → 确保 is stricter).
    """
    if c.kind == "delegated":
        return Status.DELEGATED, "child passes on the quota handed down"
    if _numeric(c) != _numeric(p) and "%" in (c.unit, p.unit):  # 全覆盖 / 全部 is a share of 100%
        c, p = _full_as_share(c), _full_as_share(p)
    ydiff = (p.year - c.year) if c.year and p.year else 0  # > 0: the child is earlier, hence stricter
    mod = _MODALITY.get(c.modality, 1) - _MODALITY.get(p.modality, 1)
    if not (_numeric(c) and _numeric(p)):
        if _numeric(c) or _numeric(p) or c.kind != p.kind:
            return Status.QUALITATIVE, "no number on one side" if _numeric(c) != _numeric(p) else "different kinds"
        d = _sign(ydiff) or _sign(mod)
        return _VERDICT[d], _why(c, p, 0, _sign(ydiff), d, "")
    if c.kind != p.kind:
        return Status.DIFFERENT_SCOPE, f"different kinds ({c.kind} vs {p.kind})"
    if c.baseline_year and p.baseline_year and c.baseline_year != p.baseline_year:
        return Status.DIFFERENT_SCOPE, f"different baselines ({c.baseline_year} vs {p.baseline_year})"
    (cv, cu), (pv, pu) = lex.base(c), lex.base(p)
    if cu != pu:
        return Status.DIFFERENT_SCOPE, f"different units ({c.unit or '-'} vs {p.unit or '-'})"
    if not scope and (rule.territorial or not lex.relative(rule, c)):
        why = "territorial indicator" if rule.territorial else "absolute amount"
        return Status.DIFFERENT_SCOPE, f"{why} of plans for different territories"
    up = 1 if lex.higher_is_stricter(rule, p) else -1
    vd = _sign((cv - pv) * up)  # type: ignore[operator]
    yd = _sign(ydiff)
    if vd and yd and vd != yd:
        return Status.CHANGED_YEAR, "value and year point different ways"
    d = vd or yd or _sign(mod)
    return _VERDICT[d], _why(c, p, vd, yd, d, f"{cv:g} vs {pv:g}{cu} ({'higher' if up > 0 else 'lower'} is stricter)")


_MODALITY_WORD = {"aspirational": "力争", "binding": "binding"}


def _why(c: Target, p: Target, vd: int, yd: int, d: int, values: str) -> str:
    """The reason of a verdict in a reader's words: 80 vs 60% (higher is stricter), 2025 vs 2030 …"""
    if vd:
        return values
    if yd:
        return f"{c.year} vs {p.year} (earlier is stricter)"
    if d:
        return f"{_MODALITY_WORD.get(c.modality, c.modality)} vs {_MODALITY_WORD.get(p.modality, p.modality)}"
    return "same value and year" if _numeric(c) else "same kind and year"


MatchPass = Callable[[Target, Target], bool]
MATCH_PASSES: tuple[MatchPass, ...] = (
    lambda c, p: _numeric(c) and _numeric(p) and c.year == p.year,
    lambda c, p: _numeric(c) and _numeric(p),   # 14% by 2025 against 25% by 2030 is still worth showing
    lambda c, p: c.year == p.year,
    lambda c, p: True,
)


def match_targets(child: Plan, parent: Plan, lex: Lexicon, pinned: Iterable[tuple[str, str]] = ()
                  ) -> list[tuple[Optional[Target], Optional[Target]]]:
    """One-to-one pairs of targets with the same indicator key, by MATCH_PASSES in order (nearest year
    first within a pass), then of unlisted wordings with Dice ≥ FUZZY_INDICATOR; then the leftovers."""
    cs, ps = list(child.targets), list(parent.targets)
    ck = [lex.rule(t.indicator).key for t in cs]
    pk = [lex.rule(t.indicator).key for t in ps]
    pairs: dict[int, int] = {}
    ids_c = {t.target_id: i for i, t in enumerate(cs)}
    ids_p = {t.target_id: j for j, t in enumerate(ps)}
    for a, b in pinned:
        if a in ids_c and b in ids_p:
            pairs[ids_c[a]] = ids_p[b]
    for ok in MATCH_PASSES:
        for i, c in enumerate(cs):
            if i in pairs:
                continue
            taken = set(pairs.values())
            cands = [j for j, p in enumerate(ps) if j not in taken and pk[j] == ck[i] and ok(c, p)]
            if cands:
                pairs[i] = min(cands, key=lambda j: (abs((ps[j].year or 0) - (c.year or 0)), j))
    fuzzy = sorted((-dice(bigrams(ck[i]), bigrams(pk[j])), i, j) for i, c in enumerate(cs) if i not in pairs
                   for j, p in enumerate(ps) if _numeric(c) == _numeric(p) and lex.base(c)[1] == lex.base(p)[1])
    for neg, i, j in fuzzy:
        if -neg >= FUZZY_INDICATOR and i not in pairs and j not in set(pairs.values()):
            pairs[i] = j
    out: list[tuple[Optional[Target], Optional[Target]]] = []
    for i, c in enumerate(cs):
        out.append((c, ps[pairs[i]] if i in pairs else None))
    out += [(None, p) for j, p in enumerate(ps) if j not in set(pairs.values())]
    return out


def target_edits(child: Plan, parent: Plan, pinned: Iterable[tuple[str, str]] = ()) -> tuple[TargetEdit, ...]:
    lex = lexicon()
    scope = same_scope(child.info, parent.info)
    edits = []
    for c, p in match_targets(child, parent, lex, pinned):
        rule = lex.rule((c or p).indicator)  # type: ignore[union-attr]
        if c is not None and p is not None:
            status, why = judge(c, p, rule, scope, lex)
        elif c is not None:
            status, why = (Status.DELEGATED, "child passes on the quota handed down") if c.kind == "delegated" \
                else (Status.CHILD_ONLY, "")
        else:
            status, why = Status.PARENT_ONLY, ""
        edits.append(TargetEdit(status, rule.key, c, p, why))
    return tuple(edits)


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class DiffResult:
    """A child plan against its parent: section rows, target edits and the share of reused text."""

    child: DocInfo
    parent: DocInfo
    sections: tuple[SectionMatch, ...]
    edits: tuple[TargetEdit, ...]
    reuse: Optional[float]  # share of the child's numbered text found in runs of ≥ SHINGLE characters

    def status_counts(self) -> dict[str, int]:
        counts = Counter(e.status.value for e in self.edits)
        return {s.value: counts.get(s.value, 0) for s in Status}

    @property
    def targets(self) -> pd.DataFrame:
        """target_diff as in SCHEMA.md (extra columns at the end)."""
        from .report import target_frame
        return target_frame(self)

    @property
    def alignment(self) -> pd.DataFrame:
        """section_alignment as in SCHEMA.md (extra columns at the end)."""
        from .report import section_frame
        return section_frame(self)

    def to_html(self, path: Union[str, Path, None] = None) -> str:
        from .report import render_html
        html = render_html(self)
        if path is not None:
            Path(path).write_text(html, encoding="utf-8")
        return html


@dataclass(frozen=True)
class CompareResult:
    """One parent against many children."""

    parent: DocInfo
    diffs: tuple[DiffResult, ...]

    def key_indicators(self) -> list[str]:
        """Matrix columns: the listed key indicators any plan sets, then other parent indicators that
        some child matched, in the parent's order."""
        keys = [e.key for d in self.diffs for e in d.edits if e.status is not Status.CHILD_ONLY]
        present = set(keys) | {e.key for d in self.diffs for e in d.edits}
        listed = [k for k in lexicon().key_indicators() if k in present]
        matched = {e.key for d in self.diffs for e in d.edits if e.child is not None and e.parent is not None}
        return listed + [k for k in dict.fromkeys(keys) if k in matched and k not in listed]


def diff(child: Union[Side, Plan], parent: Union[Side, Plan], *, matchings: Optional[Mapping[str, str]] = None,
         target_matchings: Iterable[tuple[str, str]] = ()) -> DiffResult:
    """Compare a child plan with its parent plan.

    `matchings` pins section pairs (child path -> parent path) before the automatic alignment, and
    `target_matchings` pins (child target_id, parent target_id) pairs, as sqlglot's diff takes matchings.
    """
    c, p = load_plan(child), load_plan(parent)
    pairs = align_sections(c, p, matchings)
    return DiffResult(c.info, p.info, section_matches(c, p, pairs), target_edits(c, p, target_matchings),
                      reuse_share(c.text, p.index))


def diff_paths(child: str, parent: str) -> DiffResult:
    return diff(child, parent)


def compare_paths(parent: str, children: Sequence[str]) -> CompareResult:
    """One parent (loaded once) against each child."""
    p = load_plan(parent)
    return CompareResult(p.info, tuple(diff(load_plan(c), p) for c in children))
