"""HTML -> the main text of a government web page, without navigation, share bars and footers.

The page is parsed with selectolax's lexbor engine, which builds a tree and never fetches anything
(images, style sheets and scripts are just attributes to it). Script, style, navigation and footer
elements and the share bars and breadcrumbs named in data/ingest.yaml are dropped; the article is the
block the site's CMS puts it in (div.TRS_Editor, #zoom, …) when that block holds the text, otherwise the
block with the most Han text in its paragraphs, links not counted (a readability-style density rule).
The page <title>, a leading <h1> and a 信息公开 metadata table in the article header (索引号, 发文字号,
发布日期 …) are put first because they carry the notice's title, number and date. Each block becomes one
line with a blank line after it (these formats, unlike PDF, mark real paragraphs); a data table becomes
one line per row with its cells separated by a tab.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..model import InputError, Issue, Severity
from . import Extracted, han_count

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption "
    "figure form h1 h2 h3 h4 h5 h6 header hgroup hr html li main ol p pre section summary table tbody td "
    "tfoot th thead tr ul".split())
# Elements whose end tag may be left out and void elements: they never nest, so the depth pre-scan
# skips them instead of counting a thousand unclosed <p> as a thousand levels.
_FLAT_TAGS = frozenset(
    "p li dt dd tr td th thead tbody tfoot option optgroup rp rt colgroup caption area base br col embed "
    "hr img input link meta param source track wbr".split())
# For scoring, the text of table cells and list items belongs to the table or list: a single cell is
# never the article, the block holding the table is.
_SCORE_TRANSPARENT = frozenset("td th tr thead tbody tfoot caption li dt dd".split())
# Attributes stop at the next "<" as well as ">", so that a page of "<a<a<a…" scans in linear time.
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^<>]*?(/?)>")
_NOISE_START = re.compile(r"<!--|<(script|style)\b", re.I)
_SPACE = re.compile(r"[ \t\r\n\f\xa0]+")
_LINE_STRIP = " \u3000\xa0"
_LAYOUT_CELL_HAN = 150   # a table cell holding more text than this is page layout, not data


def html_extract(html: str, limits: Any, rules: Any) -> Extracted:
    """The title, header metadata and main text of a page (see the module docstring)."""
    cfg = rules["ingest"]["html"]
    depth = _tag_depth(html)
    if depth > limits.max_html_depth:
        raise InputError(f"the web page nests elements {depth} levels deep, more than the limit of "
                         f"{limits.max_html_depth} (Limits.max_html_depth): it is malformed or hostile")
    tree = LexborHTMLParser(html)
    title = _one_line(tree.css_first("title"))
    body = tree.body or tree.root
    if body is None:
        return Extracted(title)
    _drop_chrome(tree, body, cfg)
    index = _Index.build(body, limits.max_html_depth)
    main = _main_blocks(tree, index, cfg)
    head = [_one_line(h) for h in _header_titles(body, main, index)]
    meta = _header_meta(tree, main, index, cfg)
    lines = [title, *head, ""] + (_render(meta) + [""] if meta is not None else [])
    body_lines, dropped = _drop_chrome_lines([ln for m in main for ln in _render(m) + [""]], cfg, rules)
    issues = (Issue("web_chrome", Severity.INFO.value, f"dropped {dropped} lines of page chrome (share bar, print "
                    "buttons, footer) inside the article block"),) if dropped else ()
    return Extracted(_join(lines + body_lines), issues)


def _tag_depth(html: str) -> int:
    """Nesting depth read from the tags alone, before parsing: the tree builder needs time quadratic in
    the depth, so a hostile page must be refused before it reaches the parser."""
    stack: list[str] = []
    open_count: dict[str, int] = {}
    deepest = 0
    for closing, name, selfclose in _TAG.findall(_without_noise(html)):
        name = name.lower()
        if name in _FLAT_TAGS or selfclose:
            continue
        if not closing:
            stack.append(name)
            open_count[name] = open_count.get(name, 0) + 1
            deepest = max(deepest, len(stack))
        elif open_count.get(name):
            while stack:   # an end tag closes everything left open inside its element
                top = stack.pop()
                open_count[top] -= 1
                if top == name:
                    break
    return deepest


def _without_noise(html: str) -> str:
    """The page without comments, scripts and styles (their "<tags>" are not elements), in one pass."""
    parts, pos = [], 0
    for match in _NOISE_START.finditer(html):
        if match.start() < pos:
            continue
        parts.append(html[pos:match.start()])
        if match.group(1):
            end = re.compile(rf"</{match.group(1)}\s*>", re.I).search(html, match.end())
            pos = end.end() if end else len(html)
        else:
            end_at = html.find("-->", match.end())
            pos = end_at + 3 if end_at >= 0 else len(html)
        if pos == len(html):
            break
    parts.append(html[pos:])
    return "".join(parts)


@dataclass
class _Index:
    """Document order, parents and Han-text scores of the elements, from one iterative walk."""

    order: dict[int, int] = field(default_factory=dict)
    nodes: dict[int, LexborNode] = field(default_factory=dict)
    score: dict[int, float] = field(default_factory=dict)

    @classmethod
    def build(cls, body: LexborNode, max_depth: int) -> "_Index":
        idx = cls()
        own: dict[int, int] = {}
        link: dict[int, int] = {}
        stack: list[tuple[LexborNode, int, bool, int]] = [(body, body.mem_id, False, 0)]
        while stack:
            node, block, in_link, depth = stack.pop()
            if node.is_text_node:
                n = han_count(node.text_content or "")
                own[block] = own.get(block, 0) + n
                link[block] = link.get(block, 0) + (n if in_link else 0)
                continue
            if not node.is_element_node:
                continue
            if depth > max_depth:   # the pre-scan is an estimate; the tree is the truth
                raise InputError(f"the web page nests elements more than {max_depth} levels deep "
                                 "(Limits.max_html_depth): it is malformed or hostile")
            idx.order[node.mem_id] = len(idx.order)
            idx.nodes[node.mem_id] = node
            if node.tag in BLOCK_TAGS and node.tag not in _SCORE_TRANSPARENT:
                block = node.mem_id
            in_link = in_link or node.tag == "a"
            stack.extend((c, block, in_link, depth + 1) for c in reversed(list(node.iter(include_text=True))))
        for mem, n in own.items():
            idx._credit(mem, n - link.get(mem, 0) if link.get(mem, 0) < n / 2 else 0)
        return idx

    def _credit(self, mem: int, value: int) -> None:
        # A paragraph's text counts for the paragraph, fully for its parent and half for its grandparent:
        # the article container collects the credit of its many paragraphs, the page wrapper does not.
        node: Optional[LexborNode] = self.nodes[mem]
        for share in (1.0, 1.0, 0.5):
            if node is None or node.mem_id not in self.nodes:
                return
            self.score[node.mem_id] = self.score.get(node.mem_id, 0.0) + value * share
            node = node.parent

    def best(self) -> Optional[LexborNode]:
        # On a tie the later (deeper) element wins: a wrapper with one child has that child's score.
        top = max(self.score.items(), key=lambda kv: (kv[1], self.order[kv[0]]), default=None)
        return self.nodes[top[0]] if top and top[1] > 0 else None

    def contains(self, outer: LexborNode, inner: LexborNode) -> bool:
        node: Optional[LexborNode] = inner
        while node is not None:
            if node.mem_id == outer.mem_id:
                return True
            node = node.parent
        return False


def _drop_chrome(tree: LexborHTMLParser, body: LexborNode, cfg: dict) -> None:
    for tag in cfg["drop_tags"]:
        for node in _outermost(tree.css(tag)):
            node.decompose()
    total = han_count(body.text()) or 1
    for selector in cfg["drop_selectors"]:
        for node in _outermost(tree.css(selector)):
            # A selector may also hit a wrapper around the article; only small blocks are chrome.
            if han_count(node.text()) <= cfg["drop_max_share"] * total:
                node.decompose()


def _outermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """Hits not inside another hit: removing an outer one frees the inner ones, never touch those again."""
    hit = {n.mem_id for n in nodes}
    out = []
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in hit:
            parent = parent.parent
        if parent is None:
            out.append(node)
    return out


def _main_blocks(tree: LexborHTMLParser, index: _Index, cfg: dict) -> list[LexborNode]:
    """The article: a CMS container that holds text, else the density winner and its siblings."""
    best = index.best()
    blocks = _with_siblings(best, index) if best is not None else []
    found = sum(_plain_han(b) for b in blocks)
    trusted = _largest(tree, cfg["content_selectors"], cfg["trusted_min_han"])
    generic = _largest(tree, cfg["generic_content_selectors"], max(1.0, 0.5 * found))
    for node in (trusted, generic):
        if node is not None:
            return [node]
    return blocks or ([tree.body] if tree.body is not None else [])


def _largest(tree: LexborHTMLParser, selectors: list[str], floor: float) -> Optional[LexborNode]:
    """The first selector's biggest match with at least `floor` Han characters outside links."""
    for selector in selectors:
        hits = [(n, _plain_han(n)) for n in tree.css(selector)]
        node, han = max(hits, key=lambda h: h[1], default=(None, 0))
        if node is not None and han >= floor:
            return node
    return None


def _with_siblings(best: LexborNode, index: _Index) -> list[LexborNode]:
    """Sites that split an article over sibling blocks: keep siblings scoring a fifth of the best."""
    parent = best.parent
    if parent is None or parent.mem_id not in index.nodes:
        return [best]
    floor = max(10.0, 0.2 * index.score.get(best.mem_id, 0.0))
    return [c for c in parent.iter() if c.mem_id == best.mem_id or index.score.get(c.mem_id, 0.0) >= floor]


def _plain_han(node: LexborNode) -> int:
    """Han characters outside links (a block of links is a menu, whatever its class says)."""
    return han_count(node.text()) - sum(han_count(a.text()) for a in node.css("a"))


def _header_titles(body: LexborNode, main: list[LexborNode], index: _Index) -> list[LexborNode]:
    """A <h1> before the article (the notice's title on most sites), unless it is inside the article."""
    if not main:
        return []
    start = index.order.get(main[0].mem_id, 0)
    return [h for h in body.css("h1")[:1]
            if index.order.get(h.mem_id, start) < start and not any(index.contains(m, h) for m in main)]


def _header_meta(tree: LexborHTMLParser, main: list[LexborNode], index: _Index,
                 cfg: dict) -> Optional[LexborNode]:
    """The first small block before the article that names at least two metadata keys (索引号, 文号 …)."""
    if not main:
        return None
    start = index.order.get(main[0].mem_id, 0)
    for node in tree.css("table, ul, dl, div"):
        if index.order.get(node.mem_id, start) >= start or any(index.contains(node, m) for m in main):
            continue
        text = node.text()
        if len(text) <= cfg["meta_max_chars"] and sum(key in text for key in cfg["meta_keys"]) >= 2:
            return node
    return None


class _Renderer:
    """Walks a subtree without recursion, collecting lines; blocks end with a blank line."""

    def __init__(self, data_tables: bool = True) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.data_tables = data_tables

    def flush(self, blank: bool) -> None:
        if self.buf:
            self.lines.append("".join(self.buf).strip(_LINE_STRIP))
            self.buf = []
        if blank:
            self.lines.append("")

    def run(self, root: LexborNode) -> list[str]:
        stack: list[tuple[LexborNode, bool, bool]] = [(root, True, False)]
        while stack:
            node, entering, pre = stack.pop()
            if not entering:
                self.flush(blank=True)
            elif node.is_text_node:
                text = node.text_content or ""
                self.buf.append(text if pre else _SPACE.sub(" ", text))
            elif not node.is_element_node:
                continue
            elif node.tag == "br":
                self.flush(blank=False)
            elif node.tag == "table" and self.data_tables and not _is_layout(node):
                self.flush(blank=True)
                self.lines.extend(_table_rows(node))
                self.flush(blank=True)
            else:
                if node.tag in BLOCK_TAGS:
                    self.flush(blank=True)
                    stack.append((node, False, pre))
                pre = pre or node.tag == "pre"
                stack.extend((c, True, pre) for c in reversed(list(node.iter(include_text=True))))
        self.flush(blank=False)
        return self.lines


def _render(node: LexborNode) -> list[str]:
    return _Renderer().run(node)


def _is_layout(table: LexborNode) -> bool:
    """Old CMS pages lay the whole article out in table cells; such a table is not data."""
    if len(table.css("table")) > 1:   # lexbor's css() includes the element itself
        return True
    return any(han_count(cell.text()) > _LAYOUT_CELL_HAN for cell in table.css("td, th"))


def _table_rows(table: LexborNode) -> list[str]:
    return ["\t".join(_cell_text(cell) for cell in _children(row, ("td", "th")))
            for row in table.css("tr")]


def _cell_text(cell: LexborNode) -> str:
    lines = _Renderer(data_tables=False).run(cell)
    return " ".join(ln for ln in lines if ln).replace("\t", " ")


def _children(node: LexborNode, tags: tuple[str, ...]) -> Iterator[LexborNode]:
    return (c for c in node.iter() if c.tag in tags)


def _one_line(node: Optional[LexborNode]) -> str:
    return _SPACE.sub(" ", node.text()).strip(_LINE_STRIP) if node is not None else ""


def _drop_chrome_lines(lines: list[str], cfg: dict, rules: Any) -> tuple[list[str], int]:
    patterns = [rules.regex(p) for p in cfg["chrome_lines"]]
    limit = cfg["chrome_line_max_chars"]
    kept = [ln for ln in lines if not (ln and len(ln) <= limit and any(p.search(ln) for p in patterns))]
    return kept, len(lines) - len(kept)


def _join(lines: list[str]) -> str:
    """One line per block, a single blank line between blocks, none at the ends."""
    text = "\n".join(ln.rstrip(_LINE_STRIP) for ln in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
