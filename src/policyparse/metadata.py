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
    flat = _flat(head)
    m = next((m for m in pat.finditer(flat) if flat[m.start() - 1:m.start()] != "《"), None)
    if not m:
        return ""
    title = m.group("t")
    return regex.sub(r"^[^:：]{1,8}[:：]", "", title)  # a page label such as 名称:


def _title_block(head: str, rules: Rules) -> str:
    """The title at the top of the text, joined when a PDF wrapped it over several short lines."""
    cfg = rules["metadata"]
    suffix, skip = rules.regex(cfg["title_suffix"]), rules.regex(cfg["title_block_skip"])
    suffix_line = rules.regex(cfg["title_suffix_line"])
    lines = [l.strip() for l in head.split("\n")[:12]] + [""]
    for i, first in enumerate(lines):
        if not first or skip.match(first):
            continue
        block = ""
        for j in range(i, min(i + cfg["title_block_max_lines"], len(lines) - 1)):
            line = lines[j]
            if not line or regex.search(r"[。；;]", line) or (block and regex.match(r"[（(]", line)):
                break
            block += line
            if suffix.search(block):
                if suffix_line.match(lines[j + 1]):   # …行动计划 / （试行）
                    block += lines[j + 1]
                return regex.sub(r"\s+", "", block)
    return ""


def _unquote(title: str) -> str:
    title = regex.sub(r"^(?:附件\s*\d*[:：]?)", "", title.strip())
    return regex.sub(r"^《(.*)》$", r"\1", title)


def _plan_title(head: str, notice_title: str, block: str, rules: Rules) -> str:
    """The plan's own title: as the covering notice hands it on, else the title at the top."""
    cfg = rules["metadata"]
    patterns = [rules.regex(p) for p in cfg["plan_title_in_notice"]]
    for p in patterns:
        m = p.search(notice_title)
        if m:
            return _unquote(m.group("t"))
    if block and block != notice_title:
        return _unquote(block)
    for p in patterns:
        m = p.search(head)
        if m:
            return _unquote(m.group("t"))
    m = rules.regex(cfg["plan_title_line"], regex.M).search(head)
    if m:
        return _unquote(m.group("t"))
    return notice_title


def _doc_number(head: str, rules: Rules) -> str:
    """The notice's own number; one right after a cited 《title》 belongs to that document."""
    labelled = _first(rules.regex(rules["metadata"]["doc_number_label"]), head)
    if labelled:
        return regex.sub(r"\s+", "", labelled)
    for m in rules.regex(rules["metadata"]["doc_number_line"], regex.M).finditer(head):
        if not regex.search(r"》\s*[（(【\[]?\s*$", head[max(0, m.start() - 3):m.start()]):
            return regex.sub(r"\s+", "", m.group("v"))
    return ""


def _issuer(head: str, titles: tuple[str, ...], rules: Rules) -> str:
    """Who issued it: the organization before 关于 in a title, or the page's 发布机构 label."""
    suffix = rules.regex(rules["metadata"]["issuer_suffix"])
    for title in titles:
        if "关于" in title:
            issuer = regex.sub(r"\s+", "", title.split("关于", 1)[0])
            if issuer and suffix.search(issuer):
                return issuer
    label = _first(rules.regex(rules["metadata"]["label_issuer"]), head)
    return label if label and suffix.search(label) else ""


def _date(text: str, first_heading: int, rules: Rules) -> str:
    pat = rules.regex(rules["metadata"]["date_line"], regex.M)
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
    block = _title_block(head, rules)
    title = _plan_title(head, notice_title, block, rules)
    issuer = _issuer(head, (notice_title, block, title), rules)
    level, region = _level_region(issuer, title, rules)
    cfg = rules["metadata"]
    preamble_end = numbered[1].text_start if len(numbered) > 1 else len(text)
    return replace(
        base or Meta(),
        notice_title=notice_title,
        title=title,
        issuer=issuer,
        doc_number=_doc_number(head, rules),
        index_number=_first(rules.regex(cfg["label_index_number"]), head),
        date=_date(text, first_heading, rules),
        level=level,
        region=region,
        parent_plans=_parent_plans(text[:preamble_end], title, rules),
    )
