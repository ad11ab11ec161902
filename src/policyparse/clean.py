"""Cleaning: undo the damage that web scraping and PDF extraction do to a notice.

Each cleaner is a function `(Mapped, Rules) -> list[Edit]` in the DEFAULT_CLEANERS tuple; adding a
cleaner means adding one function there. Edits carry an issue kind when the change is worth telling a
researcher about (spam removed, a date repaired, a lost range separator); silent edits (joining PDF line
wraps, removing spaces around numbers) have none. Every character of the cleaned text keeps its position
in the source, so spans found later still point into the original file.
"""
from __future__ import annotations

import itertools
import re
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Optional

import regex

from . import numbers
from .model import Issue, Severity
from .rules import Rules
from .textmap import Edit, Mapped

Cleaner = Callable[[Mapped, Rules], list]

HAN = r"\p{Han}"
# plain character classes: the standard library's engine scans them about twice as fast as regex
FULL_WIDTH = re.compile(r"[０-９Ａ-Ｚａ-ｚ％．]")
DIGITS = re.compile(r"\d+")
LINE_BREAK = re.compile(r"\r\n?|\u2028|\u2029|\f")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufeff\u200b-\u200d]")
SENTENCE_MARKS = re.compile(r"[。；;，,]")
CHROME_MAX_LINE = 200  # site chrome comes in short lines; long ones are paragraphs
FURNITURE_MAX_LINE = 60


@dataclass(frozen=True, eq=False)
class Cleaned:
    """The cleaned text, its map to the source, and the issues found while cleaning."""

    source: str
    mapped: Mapped
    issues: tuple[Issue, ...] = ()

    @property
    def text(self) -> str:
        return self.mapped.text

    @property
    def offsets(self) -> array:
        return self.mapped.offsets

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.mapped.source_span(start, end)


def _hinted_lines(text: str, hint: "regex.Pattern[str]"):
    """(start, end) of the lines that contain a match of `hint`, each once: a whole-text search in C
    instead of a pattern test on every line."""
    last = -1
    for h in hint.finditer(text):
        start = text.rfind("\n", 0, h.start()) + 1
        if start == last:
            continue
        end = text.find("\n", h.start())
        last = start
        yield start, (len(text) if end < 0 else end)


def normalize_newlines(m: Mapped, rules: Rules) -> list[Edit]:
    breaks = LINE_BREAK.finditer(m.text) if any(c in m.text for c in "\r\u2028\u2029\f") else ()  # mostly none
    return [Edit(x.start(), x.end(), "\n") for x in breaks] + \
        [Edit(x.start(), x.end(), "") for x in CONTROL.finditer(m.text)]


def drop_web_chrome(m: Mapped, rules: Rules) -> list[Edit]:
    """Whole lines of navigation, widgets and site footers."""
    pat = rules.regex("|".join(f"(?:{p})" for p in rules["clean"]["web_chrome_lines"]))
    edits = []
    for start, end in _hinted_lines(m.text, rules.regex(rules["clean"]["web_chrome_hint"])):
        if end - start > CHROME_MAX_LINE:
            continue  # a paragraph, not a widget or footer line
        line = m.text[start:end].strip(" \t\u3000?\u00a0")
        if line and pat.search(line):
            edits.append(Edit(start, min(end + 1, len(m.text)), "", "web_chrome", "web-page chrome removed",
                              suggestion=""))
    return edits


def remove_spam(m: Mapped, rules: Rules) -> list[Edit]:
    """Injected link text: found where it sits in a frame that only a few words may fill, then removed
    everywhere; where it replaced 关于 between an issuing body and what it issued, 关于 is restored."""
    cfg = rules["clean"]
    phrase = cfg["spam_phrase"]
    allowed = set(cfg["spam_allowed"])
    found: set[str] = set()
    counts: dict[str, int] = {}  # one count per distinct phrase: a count per match is quadratic
    for frame in cfg["spam_frames"]:
        # found where a frame opens (人民政府, 国务院 …) rather than tried at every position of the text
        opener = rules.regex(frame["before"])
        slot = rules.regex(f"(?P<x>{phrase})(?={frame['after']})")
        for b in opener.finditer(m.text):
            x = slot.match(m.text, b.end())
            if x is None:
                continue
            word = x.group("x")
            if word in allowed:
                continue
            if word not in counts:
                counts[word] = m.text.count(word)
            if counts[word] >= cfg["spam_min_repeats"]:
                found.add(word)
    if not found:
        return []
    before = rules.regex(f"(?:{'|'.join(f['before'] for f in cfg['spam_frames'])})$")
    edits = []
    for spam in sorted(found, key=len, reverse=True):
        for x in regex.finditer(regex.escape(spam), m.text):
            restore = bool(before.search(m.text[max(0, x.start() - 6):x.start()]))
            repl = cfg["spam_restore_word"] if restore else ""
            msg = f"injected text removed{' and 关于 restored' if restore else ''}"
            edits.append(Edit(x.start(), x.end(), repl, "spam", msg, suggestion=repl))
    return edits


def drop_table_of_contents(m: Mapped, rules: Rules) -> list[Edit]:
    """Table-of-contents lines (…………12): the headings they list follow in the text itself."""
    pat = rules.regex(rules["clean"]["toc_line"])
    edits = []
    for start, end in _hinted_lines(m.text, rules.regex(rules["clean"]["toc_hint"])):
        if end - start <= 120 and pat.match(m.text[start:end].strip()):
            edits.append(Edit(start, min(end + 1, len(m.text)), "", "table_of_contents",
                              "table-of-contents line removed"))
    return edits


def drop_placeholders(m: Mapped, rules: Rules) -> list[Edit]:
    """'?' for a lost space is never a real question mark in a notice (those are full-width ？)."""
    pat = rules.regex(rules["clean"]["placeholder"])
    edits = []
    for x in pat.finditer(m.text):
        edits.append(Edit(x.start(), x.end(), "", "placeholder", "placeholder '?' for a lost space removed"))
    return edits


def strip_lines(m: Mapped, rules: Rules) -> list[Edit]:
    edits = []
    for x in regex.finditer(r"(?m)^[ \u3000\u00a0]+|[ \t\u3000\u00a0]+$", m.text):
        edits.append(Edit(x.start(), x.end(), ""))
    return edits


@lru_cache(maxsize=1)
def _t2s():
    import opencc
    return opencc.OpenCC("t2s")


def to_simplified(m: Mapped, rules: Rules) -> list[Edit]:
    """Traditional characters to simplified, character for character so that spans stay exact."""
    conv = _t2s().convert(m.text)
    if conv == m.text:
        return []
    if len(conv) != len(m.text):  # phrase conversion changed a length: fall back to single characters
        conv = "".join(_t2s().convert(ch) if len(_t2s().convert(ch)) == 1 else ch for ch in m.text)
    edits = [Edit(i, i + 1, b) for i, (a, b) in enumerate(zip(m.text, conv)) if a != b]
    if edits:
        edits[0] = Edit(edits[0].start, edits[0].end, edits[0].replacement, "encoding",
                        f"{len(edits)} traditional characters read as simplified")
    return edits


def fold_width(m: Mapped, rules: Rules) -> list[Edit]:
    """Full-width digits, Latin letters and ％ to ASCII for matching; punctuation stays as written."""
    out = []
    for x in FULL_WIDTH.finditer(m.text):
        ch = x.group()
        if ch == "．" and not (x.start() and m.text[x.start() - 1] in "0123456789０１２３４５６７８９"):
            continue
        out.append(Edit(x.start(), x.end(), chr(ord(ch) - 0xFEE0)))
    return out


def repair_dates(m: Mapped, rules: Rules) -> list[Edit]:
    """2023428 alone on a line (年月日 lost in scraping) -> 2023年4月28日."""
    pat = rules.regex(rules["clean"]["compact_date_line"], regex.M)
    edits = []
    for x in pat.finditer(m.text):
        iso = numbers.compact_date(x.group(1))
        if iso:
            y, mo, d = (int(p) for p in iso.split("-"))
            edits.append(Edit(x.start(1), x.end(1), f"{y}年{mo}月{d}日", "repaired_date",
                              "date digits without 年月日 read as a date", suggestion=iso))
    return edits


def flag_lost_separators(m: Mapped, rules: Rules) -> list[Edit]:
    """510家 where 5—10家 was meant: flagged with the likely range, the text is left as it is."""
    edits = []
    for x in regex.finditer(r"(?<![\d.])(\d{3,4})(?=(?:家|个|项|座|所|处|条|户|台|套|辆))", m.text):
        unit = m.text[x.end()]
        rng = numbers.lost_separator(x.group(1), unit)
        if rng:
            end = x.end() + 1  # the flag covers 510家; the text stays as it is
            edits.append(Edit(x.start(), end, m.text[x.start():end], "lost_separator",
                              f"{x.group(1)}{unit} looks like a range whose separator was lost",
                              suggestion=f"{rng[0]}—{rng[1]}{unit}"))
    return edits


def drop_glued_page_numbers(m: Mapped, rules: Rules) -> list[Edit]:
    """Page numbers that PDF extraction put in front of the first line of each page (5（四）农田固碳扩容).
    Numbers at line starts are chained when they count on by one; the longest chain is taken when it is
    long enough and most of its lines continue the sentence of the line before (a numbered heading
    follows a full stop, a page break falls anywhere)."""
    cfg, text = rules["clean"], m.text
    chain: dict[int, tuple[int, tuple]] = {}   # page number -> (length of the chain ending there, its links)
    best: tuple = ()
    for x in rules.regex("(?m)" + cfg["glued_page_number"]).finditer(text):
        n = int(x.group(1))
        length, links = chain.get(n - 1, (0, ()))
        k = x.start() - 1
        while k >= 0 and text[k].isspace():   # back to the end of the last non-blank line
            k -= 1
        chain[n] = (length + 1, links + ((x.start(), x.end(), k < 0 or text[k] not in "。；：！？"),))
        if length + 1 > len(best):
            best = chain[n][1]
    if len(best) < cfg["glued_page_number_min_run"] or sum(mid for _, _, mid in best) * 2 < len(best):
        return []
    return [Edit(s, e, "") for s, e, _ in best]


def drop_page_furniture(m: Mapped, rules: Rules) -> list[Edit]:
    """Running headers/footers repeated on many pages, and stray page-number lines of PDF text."""
    cfg = rules["clean"]
    # headers, footers and page numbers are short lines; paragraphs are left out from the start
    lines, pos = [], 0
    for line in m.text.split("\n"):
        if 0 < len(line) <= FURNITURE_MAX_LINE:
            lines.append((pos, pos + len(line), line.strip()))
        pos += len(line) + 1
    counts = Counter(t for _, _, t in lines if t)
    distinct = list(counts)   # shaped in one call: digits never run across the line breaks joining them
    shapes = dict(zip(distinct, DIGITS.sub("#", "\n".join(distinct)).split("\n")))
    shape_counts: Counter = Counter()
    for t, sh in shapes.items():
        if sh != t:
            shape_counts[sh] += counts[t]
    page_no = rules.regex("|".join(f"(?:{p})" for p in cfg["page_number_lines"]))
    # - 2 重庆市人民政府发布 with another number on every page repeats by its shape
    running = {t for t, n in counts.items()
               if max(n, shape_counts[shapes[t]] if shapes[t] != t else 0) >= cfg["running_header_min_repeats"]
               and len(t) >= cfg["running_header_min_chars"] and not SENTENCE_MARKS.search(t)}
    edits = []
    for s, e, t in lines:
        if not t:
            continue
        repeated = t in running
        if repeated or page_no.match(t):
            edits.append(Edit(s, min(e + 1, len(m.text)), "", "web_chrome" if repeated else "",
                              "running page header/footer removed" if repeated else ""))
    return edits


def _line_widths(text: str) -> list[float]:
    """Display width of every line: Chinese characters count one, ASCII half. One pass in C: the text
    without its non-ASCII characters still has every line break, so its lines hold each line's ASCII."""
    ascii_lines = text.encode("ascii", "ignore").split(b"\n")
    return [len(line) - len(a) / 2 for line, a in zip(text.split("\n"), ascii_lines)]


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _paragraph_starts(rules: Rules) -> "regex.Pattern[str]":
    """What opens a new paragraph: the heading markers of outline.yaml and the cues of clean.yaml."""
    alts = [mk["pattern"] for mk in rules["outline"]["markers"]] + rules["clean"]["paragraph_start"]
    return rules.regex(r"^\s*(?:" + "|".join(f"(?:{a})" for a in alts) + ")")


def _wrap_width(line_widths: list[float], lines: list[str], cfg) -> Optional[int]:
    """The width of a hard-wrapped text's lines (many lines share it, as PDF text does), or None."""
    widths = [round(w) for w, line in zip(line_widths, lines) if line]
    if len(widths) < 8:
        return None
    counts = Counter(widths)
    typical = counts.most_common(1)[0][0]   # the mode; the first seen of equally common widths
    share = sum(n for w, n in counts.items() if typical - cfg["wrap_slack"] <= w <= typical + 1) / len(widths)
    return None if typical < 12 or share < cfg["wrap_min_share"] else typical


def _split_word(lines: list[str], i: int, rules: Rules) -> bool:
    """Is line i a word cut off by line breaks (…非化石能源消费比 / 重 / 13%以上；…): one to three Chinese
    characters between a long line that stops inside a sentence and a long line that starts no paragraph?
    Both neighbours must be long: in a table laid out line by line short cells stand around such a piece;
    and the line before must be no heading, whose cut-off end is followed by the body (…（CCUS）技 / 术),
    nor the line after a note in brackets (…的决定 / （2021年11月19日…通过）)."""
    cfg = rules["clean"]
    if not (0 < i < len(lines) - 1 and 0 < len(lines[i]) <= cfg["split_word_max_chars"]):
        return False   # the cheap test first: this runs on every short line
    fragment = rules.regex(rf"^{HAN}{{1,{cfg['split_word_max_chars']}}}$")
    before, after = lines[i - 1], lines[i + 1]
    return (len(before) >= cfg["split_word_min_line"] and len(after) >= cfg["split_word_min_line"]
            and bool(fragment.match(before[-1])) and bool(fragment.match(lines[i]))
            and after[0] not in "（(【〔[" and not _paragraph_starts(rules).match(after)
            and not _paragraph_starts(rules).match(before))


def join_split_words(m: Mapped, rules: Rules) -> list[Edit]:
    """Words cut in two by a scraped page's line breaks, joined to both neighbours so that the sentence (and
    the year it opened with) stays whole. Hard-wrapped (PDF) text is left to join_wrapped_lines."""
    lines = m.text.split("\n")
    short = rules["clean"]["split_word_max_chars"]
    pieces = [i for i, line in enumerate(lines) if 0 < len(line) <= short and _split_word(lines, i, rules)]
    if not pieces or _wrap_width(_line_widths(m.text), lines, rules["clean"]) is not None:
        return []
    line_starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    return [Edit(line_starts[k] - 1, line_starts[k], "") for i in pieces for k in (i, i + 1)]   # both breaks


def join_wrapped_lines(m: Mapped, rules: Rules) -> list[Edit]:
    """Hard line wraps of PDF text joined back into paragraphs.

    A document is hard-wrapped when many lines share one width. A line of (nearly) that width continues
    on the next non-blank line, across a page-break blank line too, unless the next line starts a
    heading, so a heading is never glued onto the paragraph before it. A shorter line of prose that ends
    in a number continues too when the next line starts with a unit (…企业超 2000 / 家，…): digits are
    narrow, so such a line falls short of the typical width; and so does a word cut off (see _split_word).
    """
    cfg = rules["clean"]
    starts = _paragraph_starts(rules)
    lines = m.text.split("\n")
    line_widths = _line_widths(m.text)
    typical = _wrap_width(line_widths, lines, cfg)
    if typical is None:
        return []
    slack = cfg["wrap_slack"]
    line_starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    floor, n, short = typical - slack, len(lines), cfg["split_word_max_chars"]
    units = rules.word_regex("numbers", "units")   # built once per Rules: a line that starts with a unit
    edits = []
    for i, line in enumerate(lines):
        if not line or (line_widths[i] < floor and not (len(line) <= short and _split_word(lines, i, rules)) and not (
                line[-1].isdigit() and line_widths[i] >= typical / 2 and i + 1 < n
                and (lines[i + 1].startswith(("%", "％")) or units.match(lines[i + 1])))):
            continue
        j = i + 1
        if j < n and not lines[j]:   # one blank line (a page break) may stand in between
            j += 1
        if j >= n or not lines[j]:   # more than one blank line: a real break
            continue
        nxt = lines[j]
        if starts.match(nxt):
            continue
        glue = " " if _latin(nxt[0]) and _latin(line[-1]) else ""  # two English words stay apart
        edits.append(Edit(line_starts[i] + len(line), line_starts[j], glue))
    return edits


def tighten_spaces(m: Mapped, rules: Rules) -> list[Edit]:
    """Spaces that PDF extraction puts around numbers and Latin words in Chinese text (到 2025 年)."""
    pat = rules.regex(
        r"(?<=[\p{Han}\p{Ps}\p{Pe}\p{Pi}\p{Pf}，。、；：！？%])[ \u3000\u00a0]+(?=[\w%.\p{Ps}\p{Pi}—])"
        r"|(?<=[\w%.\p{Pe}\p{Pf}])[ \u3000\u00a0]+(?=[\p{Han}\p{Ps}\p{Pe}\p{Pi}\p{Pf}，。、；：！？%])"
        r"|(?<=\d) +(?=[.%]\d*)|(?<=\d\.) +(?=\d)")  # tabs separate table cells and stay
    return [Edit(x.start(), x.end(), "") for x in pat.finditer(m.text)]


DEFAULT_CLEANERS: tuple[Cleaner, ...] = (
    normalize_newlines,
    to_simplified,          # first, so that every later rule reads simplified characters
    drop_web_chrome,
    drop_table_of_contents,
    remove_spam,
    drop_placeholders,
    strip_lines,
    fold_width,
    repair_dates,
    drop_page_furniture,
    drop_glued_page_numbers,
    join_split_words,
    join_wrapped_lines,
    tighten_spaces,
    flag_lost_separators,
)

_SEVERITY = {"spam": Severity.WARNING, "lost_separator": Severity.WARNING, "repaired_date": Severity.WARNING,
             "encoding": Severity.INFO}


def clean(source: str, rules: Rules, cleaners: tuple[Cleaner, ...] = DEFAULT_CLEANERS) -> Cleaned:
    """Run the cleaners in order; every reportable edit becomes an Issue with its source span."""
    m = Mapped.identity(source)
    issues: list[Issue] = []
    for cleaner in cleaners:
        edits = cleaner(m, rules)
        if not edits:
            continue
        for e in edits:
            if e.kind:
                s, t = m.source_span(e.start, e.end)
                original = source[s:t] if t > s else m.text[e.start:e.start + 8]
                issues.append(Issue(e.kind, _SEVERITY.get(e.kind, Severity.INFO).value, e.message, original,
                                    e.suggestion if e.suggestion is not None else e.replacement, s, t))
        m = m.apply(edits)
    return Cleaned(source, m, tuple(issues))
