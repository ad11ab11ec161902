"""The highlighted reading view: outline, highlights, tooltips, escaping, no external resources."""
from __future__ import annotations

import re
import subprocess
import sys
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

import policyparse as pp
from policyparse import view

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "xiqing-2023.txt"
SHARED_RAW = REPO.parent / "shared" / "corpus" / "raw"


class Marks(HTMLParser):
    """Text inside each <mark>, by class ("t" targets, "e" entities), nested marks included."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []
        self.done: list[dict] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "mark":
            self.stack.append({"cls": a.get("class", ""), "title": a.get("title", ""), "text": ""})
        if tag == "span" and a.get("class") == "anchor":
            self.anchors.add(a["id"])

    def handle_endtag(self, tag):
        if tag == "mark":
            self.done.append(self.stack.pop())

    def handle_data(self, data):
        for m in self.stack:
            m["text"] += data


def marks(html: str) -> Marks:
    p = Marks()
    p.feed(html)
    assert not p.stack, "every <mark> is closed"
    return p


DOCS = [pytest.param(SEED, id="xiqing")]
if SHARED_RAW.is_dir():
    DOCS.append(pytest.param(SHARED_RAW / "anhui-14fyp-energy-saving-emission-reduction.txt", id="anhui"))


@pytest.fixture(scope="module", params=DOCS)
def page(request):
    doc = pp.parse_file(request.param)
    return doc, view.render_html(doc)


def test_page_lists_every_section_title_with_a_link(page):
    doc, html = page
    found = marks(html)
    for s in doc.section_list:
        if s.section_path and s.kind != "lead":
            assert escape(s.title) in html
            assert f'href="#sec-{s.section_path}"' in html and f"sec-{s.section_path}" in found.anchors


def test_every_target_quote_is_inside_a_target_mark(page):
    doc, html = page
    texts = [m["text"] for m in marks(html).done if m["cls"].split()[0] == "t"]
    for t in doc.target_list:
        assert any(doc.source[t.char_start:t.char_end] in text or text in doc.source[t.char_start:t.char_end]
                   for text in texts), t.quote


def test_every_entity_is_inside_an_entity_mark_with_its_type(page):
    doc, html = page
    found = [m for m in marks(html).done if m["cls"].startswith("e ")]
    for e in doc.entity_list:
        surface = doc.source[e.char_start:e.char_end]
        assert any(surface in m["text"] or m["text"] in surface for m in found), e.name
        assert any(f"e-{e.type}" in m["cls"] and e.name in m["title"] for m in found if surface in m["text"]
                   or m["text"] in surface), e.name


def test_tooltips_name_indicator_year_and_role(page):
    doc, html = page
    titles = " ".join(m["title"] for m in marks(html).done)
    for t in doc.target_list[:20]:
        assert t.indicator in titles and (not t.year or f"{t.year}年" in titles)
    assert any(r in titles for r in ("responsible", "lead", "mentioned"))


def test_page_is_self_contained(page):
    _, html = page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "<link" not in html and "<script src" not in html and "@import" not in html


def test_text_is_escaped():
    doc = pp.parse("一、总体要求\n区发改委要推进<script>alert(1)</script>&工作。到2025年，森林覆盖率达到14%。\n")
    html = view.render_html(doc)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in html


def test_cli_writes_the_page(tmp_path):
    out = tmp_path / "x.html"
    subprocess.run([sys.executable, "-m", "policyparse", "parse", str(SEED), "--html", str(out)],
                   check=True, capture_output=True)
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "天津市统计局" in html and "<mark" in html
