"""Metadata of a notice: titles, issuer, document number, index number, date, level, region and the
plans it names as its basis. Patterns and cue words are in data/metadata.yaml."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

import regex

from .clean import Cleaned
from .model import Meta, Section
from .rules import Rules

HEAD_CHARS = 4000  # the covering notice and page metadata sit at the top


def _first(pattern: "regex.Pattern[str]", text: str, group: str = "v") -> str:
    m = pattern.search(text)
    return m.group(group).strip() if m else ""


def _flat(text: str) -> str:
    """The head of the text with line breaks removed, so a title wrapped over lines reads as one."""
    return regex.sub(r"\s*\n\s*", "", text)


def _notice_title(head: str, rules: Rules) -> str:
    pat = rules.regex(rules["metadata"]["notice_title"])
    for line in head.split("\n"):  # a line that is the title and nothing else is the surest source
        m = pat.fullmatch(line.strip())
        if m:
            return m.group("t")
    m = pat.search(_flat(head))
    if not m:
        return ""
    title = m.group("t")
    return regex.sub(r"^[^:：]{1,8}[:：]", "", title)  # a page label such as 名称:


def _plan_title(head: str, notice_title: str, rules: Rules) -> str:
    cfg = rules["metadata"]
    for p in cfg["plan_title_in_notice"]:
        for source in (head, notice_title):
            m = rules.regex(p).search(source)
            if m:
                return m.group("t").strip()
    m = rules.regex(cfg["plan_title_line"], regex.M).search(head)
    if m:
        return m.group("t")
    return notice_title


def _issuer(head: str, notice_title: str, rules: Rules) -> str:
    if "关于" in notice_title:
        issuer = notice_title.split("关于", 1)[0].strip()
        if issuer:
            return issuer
    return _first(rules.regex(rules["metadata"]["label_issuer"]), head)


def _date(text: str, first_heading: int, rules: Rules) -> str:
    pat = rules.regex(rules["metadata"]["date"])
    for region in (text[:first_heading], text[:HEAD_CHARS], text[-600:]):
        for m in pat.finditer(region):
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return ""


def _level_region(issuer: str, title: str, rules: Rules) -> tuple[str, str]:
    cfg = rules["metadata"]
    for subject in (issuer, title):
        if not subject:
            continue
        for rule in cfg["levels"]:
            if rules.regex(rule["pattern"]).search(subject):
                if rule["level"] in ("national", "department"):
                    return rule["level"], cfg["national_region"]
                region = rules.regex(cfg["region"]).match(subject).group("r")
                return rule["level"], region
    return "", ""


def _parent_plans(text: str, own_title: str, rules: Rules) -> tuple[str, ...]:
    """《…》 plans named after a basis cue (根据《…》, 落实《…》) in the same clause."""
    cues = rules.words("metadata", "basis_cues")
    pat = rules.regex(cues + r"[^。；;，,]{0,40}?《(?P<t>[^》\n]{2,80})》")
    chain = rules.regex(r"\G[、和及与]《(?P<t>[^》\n]{2,80})》")
    found: list[str] = []
    for m in pat.finditer(text):
        titles = [m.group("t")]
        pos = m.end()
        while (c := chain.match(text, pos)):
            titles.append(c.group("t"))
            pos = c.end()
        for t in titles:
            if t != own_title and t not in found:
                found.append(t)
    return tuple(found)


def extract_meta(cleaned: Cleaned, sections: list[Section], rules: Rules, base: Optional[Meta] = None) -> Meta:
    text = cleaned.text
    numbered = [s for s in sections if s.section_path]
    first_heading = numbered[0].text_start if numbered else min(len(text), HEAD_CHARS)
    head = text[:max(first_heading, 200)][:HEAD_CHARS]
    notice_title = _notice_title(head, rules)
    title = _plan_title(head, notice_title, rules)
    issuer = _issuer(head, notice_title, rules)
    level, region = _level_region(issuer, title, rules)
    cfg = rules["metadata"]
    preamble_end = numbered[1].text_start if len(numbered) > 1 else len(text)
    return replace(
        base or Meta(),
        notice_title=notice_title,
        title=title,
        issuer=issuer,
        doc_number=regex.sub(r"\s+", "", _first(rules.regex(cfg["doc_number"]), head)),
        index_number=_first(rules.regex(cfg["label_index_number"]), head),
        date=_date(text, first_heading, rules),
        level=level,
        region=region,
        parent_plans=_parent_plans(text[:preamble_end], title, rules),
    )
