"""The seed notice in the other forms notices come in gives the same outline and metadata as the seed itself.

Variants built here from corpus/xiqing-2023.txt:
- GB18030 bytes (Chinese Windows' encoding);
- traditional characters (OpenCC s2t), read back as simplified by the cleaning stage;
- a GBK government web page: navigation, breadcrumb, a 信息公开 metadata table, the notice title as <h1>,
  the seed's paragraphs after its scraped header inside a content div, share bar, footer and a script;
- a .docx whose headings carry Word automatic numbering (numbering.xml) instead of typed 一、/(一)/1. labels.

What must be equal: the outline (paths, labels and `norm`-ed titles) and the metadata fields notice_title,
title, issuer, doc_number, index_number, date, level, region and parent_plans. Issues are not compared: the
web page variant genuinely loses the scraped chrome (weather widget, footer lines), the lone spam line and the
'?' placeholders (they were &nbsp; on the page), so it has fewer issues; the traditional variant adds an
encoding issue. Its metadata table is built from the seed's scraped header, which is where the seed states
its index and document numbers.
"""
from __future__ import annotations

import functools
import html
import io
import re
from pathlib import Path

import pytest
import regex

import policyparse as pp
from policyparse import ingest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "xiqing-2023.txt"
META_FIELDS = ("notice_title", "title", "issuer", "doc_number", "index_number", "date", "level", "region",
               "parent_plans")
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def norm(s):
    """As ../shared/tools/score.py: width folded, spaces, '?' and quote marks dropped."""
    s = "".join(chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else ch for ch in str(s or ""))
    return re.sub(r"[\s?\u3000\u00a0“”\"'‘’]", "", s)


@functools.lru_cache(maxsize=None)
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def original() -> pp.Document:
    return pp.parse_file(SEED)


def outline(doc: pp.Document) -> list[tuple[str, str, str]]:
    return [(s.section_path, norm(s.label), norm(s.title)) for s in doc.section_list
            if s.section_path and s.kind != "lead"]


def meta(doc: pp.Document) -> dict:
    m = doc.meta
    return {f: (tuple(norm(p) for p in m.parent_plans) if f == "parent_plans" else norm(getattr(m, f)))
            for f in META_FIELDS}


# --- building the variants -------------------------------------------------------------------------------

def gb18030_file(tmp: Path) -> Path:
    path = tmp / "xiqing-2023.txt"
    path.write_bytes(seed_text().encode("gb18030"))
    return path


def traditional_file(tmp: Path) -> Path:
    import opencc
    path = tmp / "xiqing-2023.txt"
    path.write_text(opencc.OpenCC("s2t").convert(seed_text()), encoding="utf-8")
    return path


def _seed_lines() -> list[str]:
    return seed_text().split("\n")


def _header_value(label: str) -> str:
    """A value of the seed's scraped metadata header (名称/索引号/发文字号 …), '?' placeholders dropped."""
    flat = seed_text().replace("?", "")
    m = regex.search(label + r"\s*:(?P<v>[^\s:]*?)(?=\s|发布机构|主\s*题|$)", flat, regex.M)
    return m.group("v") if m else ""


def web_page_file(tmp: Path) -> Path:
    lines = _seed_lines()
    title_line = next(i for i, line in enumerate(lines) if line.startswith("天津市西青区人民政府") and "印发" in line)
    body_start = next(i for i, line in enumerate(lines) if line.strip() == "字号") + 1
    body_end = next(i for i, line in enumerate(lines) if line.startswith("扫一扫在手机打开当前页"))

    def para(line: str) -> str:
        # the scraped '?' stood for &nbsp; on the page
        return "<p>" + html.escape(line).replace("?", "&nbsp;") + "</p>"

    body = "\n".join(para(line) for line in lines[body_start:body_end] if line.strip())
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{html.escape(lines[title_line])}_天津市西青区人民政府</title>
<link rel="stylesheet" href="/css/style.css"><script src="/js/jquery.js"></script></head>
<body>
<div class="top"><div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/xqgk/">走进西青</a></li></ul></div></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政策文件</div>
<div class="main">
<div class="xxgk_table"><table>
<tr><td>索引号：</td><td>{_header_value("索引号")}</td><td>发布机构：</td><td>{_header_value("发布机构")}</td></tr>
<tr><td>发文字号：</td><td>{_header_value("发文字号")}</td><td>成文日期：</td><td></td></tr>
<tr><td>有效性：</td><td>有效</td><td>主题分类：</td><td>综合政务</td></tr>
</table></div>
<h1>{html.escape(lines[title_line])}</h1>
<div class="toolbar">【字体：<a>大</a> <a>中</a> <a>小</a>】 <a href="javascript:window.print()">打印本页</a></div>
<div class="TRS_Editor" id="zoom">
{body}
</div>
<div class="share">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>
<div class="qrcode">扫一扫在手机打开当前页</div>
</div>
<div class="footer"><p>主办单位：天津市西青区人民政府 版权所有 备案单位：天津市西青区人民政府办公室</p>
<p>网站标识码：1201110001 津ICP备12005437号-1 津公网安备 12011102000289号</p>
<p>地址：天津市西青区杨柳青府前街2号 邮编：300380</p></div>
<script>var _hmt = _hmt || []; document.write("访问统计");</script>
</body></html>"""
    path = tmp / "xiqing-2023.html"
    path.write_bytes(page.encode("gbk", errors="xmlcharrefreplace"))   # the em space has no GBK code: &#8195;
    return path


LABEL = regex.compile(r"^(?:(?P<l0>[一二三四五六七八九十]+、)|(?P<l1>[(（][一二三四五六七八九十]+[)）])|(?P<l2>\d{1,2}[.．]))[?\s]*")


def _lvl(ilvl: int, fmt: str, text: str) -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>')


def docx_bytes() -> bytes:
    """Every line of the seed as a paragraph; the heading lines of the seed's outline lose their typed
    label and get Word numbering (一、 / (一) / 1. as levels 0-2 of one list) instead."""
    import docx
    from docx.oxml import parse_xml

    heading_lines = _heading_line_numbers()
    doc = docx.Document()
    numbering = doc.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {W_NS} w:abstractNumId="10">'
        + _lvl(0, "chineseCounting", "%1、") + _lvl(1, "chineseCounting", "(%2)") + _lvl(2, "decimal", "%3.")
        + "</w:abstractNum>"))
    numbering.append(parse_xml(f'<w:num {W_NS} w:numId="101"><w:abstractNumId w:val="10"/></w:num>'))
    for i, line in enumerate(_seed_lines()):
        body = line.lstrip("? \t\u3000")
        m = LABEL.match(body) if i in heading_lines else None
        if m is None:
            doc.add_paragraph(line)
            continue
        p = doc.add_paragraph(body[m.end():])
        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0 if m.group("l0") else 1 if m.group("l1") else 2
        num_pr.get_or_add_numId().val = 101
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _heading_line_numbers() -> set[int]:
    """Line numbers of the seed that hold a numbered heading of the original parse."""
    starts = {s.char_start for s in original().section_list if s.section_path and s.kind != "lead"}
    out, pos = set(), 0
    for i, line in enumerate(_seed_lines()):
        if pos + len(line) - len(line.lstrip("? \t\u3000")) in starts:   # "??? 4.?打造…" starts a heading too
            out.add(i)
        pos += len(line) + 1
    return out


def docx_file(tmp: Path) -> Path:
    path = tmp / "xiqing-2023.docx"
    path.write_bytes(docx_bytes())
    return path


VARIANTS = {"gb18030": gb18030_file, "traditional": traditional_file, "gbk-web-page": web_page_file,
            "docx-word-numbering": docx_file}


@pytest.fixture(scope="module")
def variant_docs(tmp_path_factory) -> dict[str, pp.Document]:
    """Each variant is built and parsed once for this module."""
    return {name: pp.parse_file(build(tmp_path_factory.mktemp(name))) for name, build in VARIANTS.items()}


# --- the comparisons -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", VARIANTS)
def test_same_outline(variant_docs, name):
    assert outline(variant_docs[name]) == outline(original())


def _meta_params():
    return [pytest.param(name, field, id=f"{name}-{field}") for name in VARIANTS for field in META_FIELDS]


@pytest.mark.parametrize("name, field", _meta_params())
def test_same_metadata(variant_docs, name, field):
    assert meta(variant_docs[name])[field] == meta(original())[field]


def test_original_metadata_is_not_empty():
    # the comparisons above would pass trivially on empty fields
    assert [f for f, v in meta(original()).items() if not v] == []


def test_original_outline_is_the_full_tree():
    assert len(outline(original())) == 71


@pytest.mark.parametrize("name", ["gb18030", "traditional"])
def test_same_cleaned_text(variant_docs, name):
    # the same characters in another encoding or script: everything downstream is the same
    assert variant_docs[name].text == original().text


def test_gb18030_is_decoded_as_such():
    data = seed_text().encode("gb18030")
    assert ingest.decode_bytes(data) == (seed_text(), "gb18030")


def test_traditional_variant_keeps_the_traditional_source_for_quotes(variant_docs):
    doc = variant_docs["traditional"]
    assert "實施方案" in doc.source and "实施方案" in doc.text and "實施方案" not in doc.text
    assert any(i.kind == "encoding" for i in doc.issue_list)


@pytest.mark.parametrize("name", ["gb18030", "traditional", "gbk-web-page", "docx-word-numbering"])
def test_no_spam_or_chrome_left(variant_docs, name):
    text = variant_docs[name].text
    assert [w for w in ("比分直播", "天气预报", "扫一扫在手机打开当前页", "网站标识码") if w in text] == []


def test_web_page_main_text_has_no_chrome(variant_docs):
    text = variant_docs["gbk-web-page"].source
    assert [w for w in ("首页", "当前位置", "分享到", "主办单位", "网站标识码", "ICP备", "访问统计", "打印本页")
            if w in text] == []


def test_web_page_spam_still_removed(variant_docs):
    doc = variant_docs["gbk-web-page"]
    assert "比分直播" not in doc.text
    assert [i.suggestion for i in doc.issue_list if i.kind == "spam"].count("关于") >= 2


def test_docx_restores_word_numbering_labels():
    text = ingest.docx_to_text(docx_bytes())
    lines = {line.strip() for line in text.split("\n")}
    expected = [LABEL.sub(lambda m: m.group(0).rstrip("? "), line.lstrip("? ")) for i, line in enumerate(_seed_lines())
                if i in _heading_line_numbers()]
    assert len(expected) == 71
    assert [line for line in expected if line.replace("?", "") not in {x.replace("?", "") for x in lines}] == []


def test_docx_headings_carry_no_typed_labels():
    import docx
    document = docx.Document(io.BytesIO(docx_bytes()))
    numbered_paragraphs = [p.text for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert len(numbered_paragraphs) == 71
    assert [t for t in numbered_paragraphs if LABEL.match(t) and LABEL.match(t).group(0).strip()] == []
