"""Tests of ingest.py and formats/: encodings, web pages, Word numbering, PDFs and broken input.

Fixtures are built in tmp_path by the tests themselves (a GBK government page around the seed's body, a
.docx with real Word numbering, PDFs without a text layer, zip bombs). The six PDFs of the shared corpus
are compared with their pdftotext renderings in ../shared/corpus/raw; those tests are skipped when
../shared is not beside the repository (it is licensed separately and never committed).
"""
from __future__ import annotations

import ctypes
import hashlib
import io
import random
import re
import socket
import zipfile
from pathlib import Path
from typing import Callable, Optional

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from docx.oxml import parse_xml
from selectolax.lexbor import LexborHTMLParser

from policyparse.formats.pdf_text import strip_page_furniture
from policyparse.ingest import Limits, decode_bytes, docx_to_text, html_to_text, pdf_to_text, read_file
from policyparse.model import InputError
from policyparse.rules import load_rules

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = ROOT / "corpus" / "xiqing-2023.txt"
PDF_DIR = SHARED / "corpus" / "pdf"
RAW_DIR = SHARED / "corpus" / "raw"
# Listed by name so that a PDF missing from ../shared fails instead of silently shrinking the test.
PDF_SLUGS = ["nanjing-jiangbei-newarea-carbon-action-plan", "national-2030-action-plan",
             "sector-industry-peak-2022", "sector-urban-rural-construction-peak-2022",
             "shanghai-carbon-peak-plan-2022", "tianjin-14fyp-energy-saving-emission-reduction"]
needs_shared = pytest.mark.skipif(not PDF_DIR.is_dir(), reason=f"{PDF_DIR} is absent: the licensed corpus "
                                  "lives in ../shared beside the repository and is not committed")

SEED_TEXT = SEED.read_text(encoding="utf-8")
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def seed_body() -> list[str]:
    """The plan's paragraphs in the seed: after the plan title, before the site footer."""
    lines = [ln.strip() for ln in SEED_TEXT.split("\n") if ln.strip()]
    start = lines.index("天津市西青区碳达峰实施方案", 15) + 1
    end = lines.index("扫一扫在手机打开当前页")
    return [ln for ln in lines[start:end] if re.search(r"[\u4e00-\u9fff]", ln)]


BODY = seed_body()


# --- encodings -------------------------------------------------------------------------------------

@pytest.mark.parametrize("codec, reported", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("gb18030", "gb18030"),
    ("utf-16", "utf-16"),          # with BOM
    ("utf-16-le", "utf-16-le"),    # no BOM: found by the NUL bytes of ASCII digits and newlines
    ("utf-16-be", "utf-16-be"),
])
def test_seed_reads_identically_in_every_encoding(tmp_path, codec, reported):
    path = tmp_path / "xiqing.txt"
    path.write_bytes(SEED_TEXT.encode(codec))
    src = read_file(path)
    assert (src.text, src.encoding, src.format, src.issues) == (SEED_TEXT, reported, "txt", ())


@pytest.mark.parametrize("text, codec, reported", [
    ("西青区碳达峰实施方案", "gbk", "gb18030"),
    ("联通", "gbk", "gb18030"),                       # the classic short GBK text detectors get wrong
    ("全省", "gbk", "gb18030"),                       # its GBK bytes are also valid UTF-8 (ȫʡ)
    ("-3 一", "gbk", "gb18030"),
    ("到2025年非化石能源消费比重达到20%", "gbk", "gb18030"),
    ("（一）指导思想", "gb2312", "gb18030"),
    ("碳达峰碳中和", "utf-8", "utf-8"),
    ("节能降碳", "utf-8-sig", "utf-8-sig"),
    ("节能降碳增效行动", "utf-16", "utf-16"),
])
def test_decode_short_text(text, codec, reported):
    assert decode_bytes(text.encode(codec)) == (text, reported)


@pytest.mark.parametrize("data, text, issue_words", [
    ("一、总体要求\r\n（一）指导思想\r\n".encode(), "一、总体要求\n（一）指导思想\n", None),
    ("碳达峰\x00实施方案\x00\n".encode(), "碳达峰实施方案\n", "NUL"),
    ("一、总体要求\n".encode("gbk") + b"\x00", "一、总体要求\n", "NUL"),
    (b"Plan for the caf\xe9 sector, cr\xe8me de la cr\xe8me of policies.\n", None, "guessed"),
], ids=["crlf", "nul-utf8", "nul-gbk", "latin1-guessed"])
def test_text_repairs_are_reported(tmp_path, data, text, issue_words):
    path = tmp_path / "notice.txt"
    path.write_bytes(data)
    src = read_file(path)
    assert text is None or src.text == text
    assert [i.kind for i in src.issues] == ([] if issue_words is None else ["encoding"])
    assert issue_words is None or issue_words in src.issues[0].message


# --- HTML ------------------------------------------------------------------------------------------

TITLE = "天津市西青区人民政府关于印发天津市西青区碳达峰实施方案的通知_政策文件_天津市西青区人民政府"
CHROME = ["首页", "政民互动", "当前位置", "分享到", "微博", "打印本页", "关闭窗口", "主办单位", "网站标识码",
          "ICP备", "统计代码", "color:red", "扫一扫"]


def gov_page(body: list[str], container: str = 'div class="TRS_Editor"', head: str = "",
             paragraphs: bool = True) -> str:
    """A page as government CMSs render it: nav bar, breadcrumb, metadata table, share bar, footer."""
    tag = container.split()[0]
    # A table cell needs its table, as on the old CMS pages that lay articles out in tables.
    before, after = ("<table><tr>", "</tr></table>") if tag == "td" else ("", "")
    inner = "".join(f"<p style='text-indent:2em'>{ln}</p>\n" for ln in body) if paragraphs \
        else "<br>\n".join(body)
    return f"""<!DOCTYPE html><html><head>{head}<title>{TITLE}</title>
<link rel="stylesheet" href="http://www.tjxq.gov.cn/css/style.css">
<script src="http://www.tjxq.gov.cn/js/jquery.js"></script>
<script>var _hmt = _hmt || []; document.write("统计代码");</script><style>.nav{{color:red}}</style></head>
<body><div class="top"><img src="http://www.tjxq.gov.cn/images/logo.png"><div class="nav"><ul>
<li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/zmhd">政民互动</a></li>
<li><a href="/bsfw">办事服务</a></li></ul></div></div>
<div class="main"><div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 政策文件</div>
<table class="xxgk"><tr><td>名　　称：</td><td colspan=3>天津市西青区人民政府关于印发天津市西青区碳达峰实施方案的通知</td></tr>
<tr><td>索 引 号：</td><td>111201110001807180/2023-00008</td><td>发布机构：</td><td>天津市西青区人民政府</td></tr>
<tr><td>发文字号：</td><td>西青政发〔2023〕5号</td><td>成文日期：</td><td>2023-04-28</td></tr></table>
<div class="detail"><div class="info">发布时间：2023-04-28 字号：<a>大</a> <a>中</a> <a>小</a></div>
{before}<{container}>
{inner}</{tag}>{after}
<div class="bdsharebuttonbox">分享到：<a class="bds_weixin">微信</a><a class="bds_tsina">微博</a></div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="#">【关闭窗口】</a></div>
</div></div>
<div class="footer"><p>扫一扫在手机打开当前页</p><p>主办单位：天津市西青区人民政府 版权所有</p>
<p>网站标识码：1201110001 津ICP备12005437号-1</p></div></body></html>"""


@pytest.fixture(scope="module")
def gbk_page_text(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("html") / "notice.html"
    path.write_bytes(gov_page(BODY, head='<meta http-equiv="Content-Type" content="text/html; '
                                         'charset=gb2312">').encode("gbk"))
    src = read_file(path)
    assert (src.format, src.encoding) == ("html", "gb18030")
    return src.text


@pytest.mark.parametrize("needle", [BODY[0], BODY[1], BODY[len(BODY) // 2], BODY[-1], TITLE,
                                    "发文字号：\t西青政发〔2023〕5号\t成文日期：\t2023-04-28"])
def test_html_keeps_title_metadata_and_body(gbk_page_text, needle):
    assert needle in gbk_page_text


@pytest.mark.parametrize("chrome", CHROME)
def test_html_drops_page_chrome(gbk_page_text, chrome):
    assert chrome not in gbk_page_text


def test_html_puts_title_and_metadata_first(gbk_page_text):
    lines = gbk_page_text.split("\n")
    assert lines[0] == TITLE and lines[2].startswith("名\u3000\u3000称：\t")
    assert gbk_page_text.index("发文字号") < gbk_page_text.index(BODY[0])


@pytest.mark.parametrize("container, paragraphs", [
    ('div class="TRS_Editor"', True),
    ('div id="zoom"', False),                   # Hanweb sites: one block of <br>-separated lines
    ('div class="wenzhang-neirong"', True),     # an unknown CMS: found by text density
    ('td class="bt_content"', True),
], ids=["trs", "zoom-br", "density", "td"])
def test_html_body_found_in_any_container(container, paragraphs):
    text = html_to_text(gov_page(BODY, container=container, paragraphs=paragraphs))
    body = text[text.index(BODY[0]):]
    assert [ln for ln in body.split("\n") if ln] == BODY


@pytest.mark.parametrize("head, codec, reported, issue", [
    ('<meta charset="gbk">', "gbk", "gb18030", False),
    ('<meta http-equiv="Content-Type" content="text/html; charset=GB2312">', "gbk", "gb18030", False),
    ("", "gbk", "gb18030", False),                         # no declaration: detected
    ('<meta charset="utf-8">', "utf-8", "utf-8", False),
    ('<meta charset="utf-8">', "gbk", "gb18030", True),     # a wrong declaration is overruled, and said so
    ('<meta charset="gbk">', "utf-8-sig", "utf-8-sig", False),  # the BOM wins over the declaration
    ('<meta charset="iso-8859-1">', "gbk", "gb18030", True),   # misconfigured servers: never trust Latin-1
])
def test_html_charset(tmp_path, head, codec, reported, issue):
    path = tmp_path / "page.htm"
    path.write_bytes(gov_page(BODY[:5], head=head).encode(codec))
    src = read_file(path)
    assert (src.encoding, BODY[4] in src.text) == (reported, True)
    assert [i.kind for i in src.issues] == (["encoding"] if issue else [])


def test_html_table_rows_become_tab_separated_lines():
    page = ("<html><body><div class='TRS_Editor'><p>主要指标如下：</p><table><tr><th>指标</th><th>2025年</th></tr>"
            "<tr><td>非化石能源<span>消费</span>比重</td><td>20%</td></tr></table></div></body></html>")
    assert html_to_text(page).split("\n") == ["主要指标如下：", "", "指标\t2025年", "非化石能源消费比重\t20%"]


@pytest.mark.parametrize("depth, limits, error", [
    (300, Limits(), False),
    (5000, Limits(), True),
    (60, Limits(max_html_depth=50), True),
])
def test_html_depth_limit(depth, limits, error):
    page = "<html><body>" + "<div>" * depth + "<p>碳达峰实施方案正文</p>" + "</div>" * depth + "</body></html>"
    if error:
        with pytest.raises(InputError, match="levels deep"):
            html_to_text(page, limits)
    else:
        assert html_to_text(page, limits) == "碳达峰实施方案正文"


def test_html_is_read_without_network(tmp_path, monkeypatch):
    def no_network(*_args, **_kwargs):
        raise AssertionError("ingest tried to open a network connection")
    for name in ("socket", "create_connection", "getaddrinfo"):
        monkeypatch.setattr(socket, name, no_network)
    page = gov_page(BODY[:3]).replace("<p", '<iframe src="http://evil.example/x"></iframe><img '
                                      'src="http://img.example/a.png"><p', 1)
    path = tmp_path / "external.html"
    path.write_text(page, encoding="utf-8")
    assert BODY[2] in read_file(path).text


# --- DOCX ------------------------------------------------------------------------------------------

def lvl(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{extra}'
            f'<w:lvlText w:val="{text}"/></w:lvl>')


GOV_LEVELS = [lvl(0, "chineseCounting", "%1、"), lvl(1, "chineseCounting", "（%2）"), lvl(2, "decimal", "%3.")]
# Paragraph = (text, numId or None, ilvl or None, style or None); a list of lists is a table.
Para = tuple[str, Optional[str], Optional[int], Optional[str]]


def make_docx(levels: dict[str, list[str]], nums: dict[str, tuple[str, str]], items: list) -> bytes:
    """A .docx whose numbering.xml holds `levels` (abstractNumId -> w:lvl XML) and `nums`
    (numId -> (abstractNumId, lvlOverride XML)), with paragraphs and tables from `items`."""
    doc = docx.Document()   # its template already defines numIds 1–9 and abstractNumIds 0–8
    numbering = doc.part.numbering_part.element
    for i, (abstract_id, xml) in enumerate(levels.items()):
        numbering.insert(i, parse_xml(f'<w:abstractNum {W_NS} w:abstractNumId="{abstract_id}">'
                                      f'{"".join(xml)}</w:abstractNum>'))
    for num_id, (abstract_id, override) in nums.items():
        numbering.append(parse_xml(f'<w:num {W_NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                                   f'{override}</w:num>'))
    heading = doc.styles.add_style("GovHeading1", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    heading.element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = 101
    for item in items:
        if isinstance(item, list):
            table = doc.add_table(rows=len(item), cols=len(item[0]))
            for r, row in enumerate(item):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
            continue
        text, num_id, ilvl, style = item
        p = doc.add_paragraph(text, style=style)
        if num_id is not None:
            num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
            if ilvl is not None:
                num_pr.get_or_add_ilvl().val = ilvl
            num_pr.get_or_add_numId().val = int(num_id)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def n(text: str, ilvl: int, num_id: str = "101") -> Para:
    return (text, num_id, ilvl, None)


DOCX_CASES = {
    "government-headings": (
        {"10": GOV_LEVELS}, {"101": ("10", "")},
        [("天津市碳达峰实施方案", None, None, None), n("总体要求", 0), n("指导思想", 1), n("工作原则", 1),
         ("坚持全市一盘棋。", None, None, None), n("主要目标", 0), n("到2025年目标", 1), n("重点任务", 0),
         n("能源绿色低碳转型行动", 1), n("推进煤炭消费替代", 2), n("大力发展新能源", 2), n("节能降碳增效行动", 1),
         n("全面提升节能管理能力", 2)],
        ["天津市碳达峰实施方案", "一、总体要求", "（一）指导思想", "（二）工作原则", "坚持全市一盘棋。", "二、主要目标",
         "（一）到2025年目标", "三、重点任务", "（一）能源绿色低碳转型行动", "1.推进煤炭消费替代", "2.大力发展新能源",
         "（二）节能降碳增效行动", "1.全面提升节能管理能力"]),
    "start-override-restarts": (
        {"10": GOV_LEVELS},
        {"101": ("10", ""), "102": ("10", '<w:lvlOverride w:ilvl="2"><w:startOverride w:val="1"/></w:lvlOverride>')},
        [n("甲项", 2), n("乙项", 2), n("丙项", 2, "102"), n("丁项", 2, "102"), n("第一部分", 0)],
        ["1.甲项", "2.乙项", "1.丙项", "2.丁项", "一、第一部分"]),
    "start-values-and-formats": (
        {"20": [lvl(0, "chineseCounting", "%1、", start=9), lvl(1, "decimalEnclosedCircle", "%2"),
                lvl(2, "ideographTraditional", "%3、"), lvl(3, "bullet", "•")]},
        {"101": ("20", "")},
        [n("九项", 0), n("圈一", 1), n("圈二", 1), n("十项", 0), n("甲", 2), n("乙", 2), n("十一项", 0), n("要点", 3)],
        ["九、九项", "①圈一", "②圈二", "十、十项", "甲、甲", "乙、乙", "十一、十一项", "要点"]),
    "level-that-never-restarts": (
        {"30": [lvl(0, "chineseCounting", "%1、"), lvl(1, "decimal", "%2.", extra='<w:lvlRestart w:val="0"/>')]},
        {"101": ("30", "")},
        [n("一部分", 0), n("a", 1), n("b", 1), n("二部分", 0), n("c", 1)],
        ["一、一部分", "1.a", "2.b", "二、二部分", "3.c"]),
    "articles-keep-a-space": (
        {"40": [lvl(0, "chineseCounting", "第%1条"), lvl(1, "chineseCounting", "第%2款", extra='<w:suff w:val="nothing"/>')]},
        {"101": ("40", "")},
        [n("为了推进碳达峰碳中和，制定本条例。", 0), n("本条例适用于本市。", 0), n("本款内容。", 1)],
        ["第一条 为了推进碳达峰碳中和，制定本条例。", "第二条 本条例适用于本市。", "第一款本款内容。"]),
    "style-numbering-and-tables": (
        {"10": GOV_LEVELS}, {"101": ("10", "")},
        [("总体要求", None, None, "GovHeading1"), [["指标", "2025年"], ["非化石能源消费比重", "20%"]],
         ("主要目标", None, None, "GovHeading1"), ("不编号", "0", None, "GovHeading1"), n("重点任务", 0)],
        ["一、总体要求", "指标\t2025年", "非化石能源消费比重\t20%", "二、主要目标", "不编号", "三、重点任务"]),
}


@pytest.mark.parametrize("levels, nums, items, expected", DOCX_CASES.values(), ids=DOCX_CASES.keys())
def test_docx_word_numbering(levels, nums, items, expected):
    text = docx_to_text(make_docx(levels, nums, items))
    assert [ln for ln in text.split("\n") if ln] == expected


def test_docx_read_file_keeps_paragraphs_apart(tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(make_docx({"10": GOV_LEVELS}, {"101": ("10", "")}, [n("总体要求", 0), n("指导思想", 1)]))
    src = read_file(path)
    assert (src.format, src.text) == ("docx", "一、总体要求\n\n（一）指导思想")


# --- PDF -------------------------------------------------------------------------------------------

PAGE_NUMBER_LINE = re.compile(r"^[-—–－\s]*\d{1,4}[-—–－\s]*$|^第\s*\d+\s*页")


def line_set(text: str) -> set[str]:
    return {re.sub(r"\s+", "", ln) for ln in text.split("\n") if ln.strip()}


@pytest.fixture(scope="module")
def pdf_texts() -> dict[str, str]:
    return {slug: pdf_to_text((PDF_DIR / f"{slug}.pdf").read_bytes()) for slug in PDF_SLUGS}


@needs_shared
@pytest.mark.parametrize("slug", PDF_SLUGS)
def test_pdf_lines_match_pdftotext(pdf_texts, slug):
    raw = line_set((RAW_DIR / f"{slug}.txt").read_text(encoding="utf-8"))
    overlap = len(line_set(pdf_texts[slug]) & raw) / len(raw)
    assert overlap >= 0.95, f"{slug}: only {overlap:.1%} of pdftotext's lines found"


@needs_shared
@pytest.mark.parametrize("slug", PDF_SLUGS)
def test_pdf_page_numbers_removed(pdf_texts, slug):
    assert [ln for ln in pdf_texts[slug].split("\n") if PAGE_NUMBER_LINE.match(ln.strip())] == []


@needs_shared
def test_pdf_keeps_hard_wraps_and_blank_line_between_pages(pdf_texts):
    text = pdf_texts["national-2030-action-plan"]
    assert "为深入贯彻落实党中央、国务院关于碳达峰、碳中和的重大战略决策，扎实推进碳达峰\n行动，制定本方案。" in text
    assert "\r" not in text and text.count("\n\n") >= 9   # 10 pages


CFG = load_rules()["ingest"]["pdf"]
TEXTS = ["为深入贯彻落实党中央决策部署", "一、总体要求", "（一）指导思想", "二、主要目标"]
FURNITURE_CASES = {
    "dash-numbers-at-bottom": ([["正文一", "- 1 -"], ["正文二", "— 2 —"]], [["正文一"], ["正文二"]]),
    "page-n-of-m": ([["第1页 共2页", "正文一"], ["正文二", "第 2 页"]], [["正文一"], ["正文二"]]),
    "bare-number-follows-page-index": ([["1", "正文一"], ["2", "正文二"], ["正文三", "3"]],
                                       [["正文一"], ["正文二"], ["正文三"]]),
    "bare-number-with-offset": ([["正文一", "12"], ["正文二", "13"], ["正文三", "14"]],
                                [["正文一"], ["正文二"], ["正文三"]]),
    "a-year-is-not-a-page-number": ([["2030", "年前碳达峰"], ["正文二"]], [["2030", "年前碳达峰"], ["正文二"]]),
    "number-mid-page-kept": ([["正文一", "正文二", "35", "正文三", "正文四"]],
                             [["正文一", "正文二", "35", "正文三", "正文四"]]),
    "running-header-and-footer": ([["天津市人民政府公报", t, f"— {i + 1} —"] for i, t in enumerate(TEXTS)],
                                  [[t] for t in TEXTS]),
    "running-footer-with-page-number": ([[t, f"工业和信息化部 第{i + 1}页"] for i, t in enumerate(TEXTS)],
                                        [[t] for t in TEXTS]),
    "heading-once-is-content": ([["天津市人民政府公报", "正文"], ["正文二"], ["正文三"], ["正文四"]],
                                [["天津市人民政府公报", "正文"], ["正文二"], ["正文三"], ["正文四"]]),
}


@pytest.mark.parametrize("pages, expected", FURNITURE_CASES.values(), ids=FURNITURE_CASES.keys())
def test_page_furniture(pages, expected):
    assert strip_page_furniture(pages, CFG, load_rules()) == expected


def blank_pdf(pages: int = 2) -> bytes:
    """A PDF with pages but no text layer, as a scanner without OCR produces."""
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def text_pdf(pages: list[list[tuple[int, str]]]) -> bytes:
    """A PDF with a text layer: each page is a list of (y, line) drawn in Helvetica (ASCII only)."""
    pdf = pdfium.PdfDocument.new()
    for lines in pages:
        page = pdf.new_page(595, 842)
        for y, line in lines:
            obj = pdfium_raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(12))
            text = ctypes.create_string_buffer((line + "\0").encode("utf-16-le"))
            pdfium_raw.FPDFText_SetText(obj, ctypes.cast(text, ctypes.POINTER(pdfium_raw.FPDF_WCHAR)))
            pdfium_raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 72, y)
            pdfium_raw.FPDFPage_InsertObject(page.raw, obj)
        pdfium_raw.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def report_pdf() -> bytes:
    return text_pdf([[(800, "Energy Bulletin"), (700, "1. Coal use falls"), (680, "by 2025."), (40, "- 1 -")],
                     [(800, "Energy Bulletin"), (700, "2. Solar grows"), (40, "- 2 -")],
                     [(800, "Energy Bulletin"), (700, "3. Wind grows"), (40, "Page 3 of 3")]])


def test_pdf_text_layer_without_furniture():
    assert pdf_to_text(report_pdf()) == "1. Coal use falls\nby 2025.\n\n2. Solar grows\n\n3. Wind grows"


def test_pdf_without_text_layer_asks_for_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(blank_pdf())
    with pytest.raises(InputError, match=r"scan\.pdf: .*no text layer.*OCR"):
        read_file(path)


SNIFF_CASES = {
    "pdf-named-txt": ("bulletin.txt", report_pdf, "pdf", "unicode", ["format"]),
    "docx-named-txt": ("plan.txt", lambda: make_docx({}, {}, [("正文", None, None, None)]), "docx", "unicode",
                       ["format"]),
    "html-saved-as-txt": ("page.txt", lambda: gov_page(BODY[:2]).encode(), "html", "utf-8", []),
    "plain-text-named-html": ("notes.html", lambda: "一、总体要求\n".encode(), "txt", "utf-8", []),
    "no-extension": ("notice", lambda: "一、总体要求\n".encode("gbk"), "txt", "gb18030", []),
}


@pytest.mark.parametrize("name, make, fmt, encoding, issue_kinds", SNIFF_CASES.values(), ids=SNIFF_CASES.keys())
def test_format_is_sniffed_from_content(tmp_path, name, make, fmt, encoding, issue_kinds):
    path = tmp_path / name
    path.write_bytes(make())
    src = read_file(path)
    assert (src.format, src.encoding, [i.kind for i in src.issues]) == (fmt, encoding, issue_kinds)
    assert src.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# --- broken input ----------------------------------------------------------------------------------

def zip_bytes(members: dict[str, bytes | int]) -> bytes:
    """A zip archive; an int member is that many zero bytes, written in chunks to stay small in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as member:
                for _ in range(content >> 22):
                    member.write(bytes(1 << 22))
    return out.getvalue()


def valid_docx() -> bytes:
    return make_docx({"10": GOV_LEVELS}, {"101": ("10", "")}, [n("总体要求", 0)])


def docx_bomb(zeros: int) -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": zeros})


def random_bytes(seed: int, size: int) -> Callable[[], bytes]:
    return lambda: random.Random(seed).randbytes(size)


ERROR_PAGE = b"<!DOCTYPE html><html><body>404 Not Found</body></html>"
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# name -> (file name, bytes, limits, words the message must contain)
BROKEN: dict[str, tuple[str, Callable[[], bytes], Limits, list[str]]] = {
    "empty": ("notice.txt", lambda: b"", Limits(), ["empty"]),
    "whitespace-only": ("notice.txt", lambda: b" \r\n\n ", Limits(), ["empty"]),
    "random-bytes": ("notice.txt", random_bytes(7, 4096), Limits(), ["binary", "not look like text"]),
    "random-bytes-no-extension": ("blob", random_bytes(8, 600), Limits(), ["binary"]),
    "too-many-pages": ("plan.pdf", lambda: blank_pdf(3), Limits(max_pdf_pages=2), ["3 pages", "max_pdf_pages"]),
    "truncated-pdf": ("plan.pdf", lambda: blank_pdf(3)[:400], Limits(), ["damaged", "truncated"]),
    "text-named-pdf": ("plan.pdf", lambda: "一、总体要求\n".encode(), Limits(), ["not a PDF", "text"]),
    "error-page-named-pdf": ("plan.pdf", lambda: ERROR_PAGE, Limits(), ["not a PDF", "HTML page", "failed download"]),
    "broken-docx": ("plan.docx", lambda: valid_docx()[:3000], Limits(), ["not a valid .docx"]),
    "text-named-docx": ("plan.docx", lambda: "一、总体要求".encode(), Limits(), ["not a valid .docx"]),
    "zip-without-word-parts": ("plan.docx", lambda: zip_bytes({"a.txt": b"hi"}), Limits(), ["not a valid .docx"]),
    "zip-bomb-300mb": ("plan.docx", lambda: docx_bomb(300 << 20), Limits(), ["zip bomb", "300.0 MB", "200.0 MB"]),
    "zip-bomb-ratio": ("plan.docx", lambda: docx_bomb(8 << 20), Limits(), ["zip bomb", ":1", "max_zip_ratio"]),
    "docx-over-unpacked-limit": ("plan.docx", valid_docx, Limits(max_zip_member_bytes=10_000),
                                 ["limit of 10000 bytes", "max_zip_member_bytes"]),
    "oversize": ("notice.txt", lambda: "碳达峰".encode() * 1000, Limits(max_bytes=1000),
                 ["9000 bytes", "limit of 1000 bytes", "max_bytes"]),
    "old-word-doc": ("plan.doc", lambda: OLE_HEADER + bytes(600), Limits(), [".docx"]),
    "ofd": ("plan.ofd", lambda: zip_bytes({"OFD.xml": b"<ofd/>"}), Limits(), ["OFD", "PDF"]),
}


@pytest.mark.parametrize("name, make, limits, words", BROKEN.values(), ids=BROKEN.keys())
def test_broken_input_raises_clear_error(tmp_path, name, make, limits, words):
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(InputError) as err:
        read_file(path, limits)
    assert [w for w in words if w not in str(err.value)] == [] and str(err.value).startswith(str(path))


def test_missing_file_raises_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "absent.txt")


# --- rules as data ---------------------------------------------------------------------------------

HTML_CFG = load_rules()["ingest"]["html"]


@pytest.mark.parametrize("pattern", HTML_CFG["chrome_lines"] + CFG["page_number_patterns"])
def test_ingest_patterns_compile(pattern):
    assert load_rules().regex(pattern).pattern == pattern


@pytest.mark.parametrize("selector", HTML_CFG["content_selectors"] + HTML_CFG["generic_content_selectors"]
                         + HTML_CFG["drop_selectors"])
def test_ingest_selectors_parse(selector):
    assert LexborHTMLParser("<html><body><p>x</p></body></html>").css(selector) == []


@pytest.mark.parametrize("key", ["content_selectors", "generic_content_selectors", "drop_tags", "drop_selectors",
                                 "chrome_lines", "meta_keys"])
def test_ingest_lists_are_not_empty(key):
    assert HTML_CFG[key] and all(HTML_CFG[key])
