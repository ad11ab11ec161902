"""Target extraction, one table per item of issue 3's "language to handle" list.

Every case is a sentence written for this file in the style of a Chinese plan (none is copied from the
corpus). A case runs ``policyparse.parse`` on it, under a heading so that sections exist, and compares
the target rows it gets with the rows it expects. An expected row names only the fields it is about:

- a plain field (``value=20``) must be equal; a set (``kind={"level", "increase"}``) lists right answers;
- ``has="…"`` (or a tuple of strings): the indicator contains them; ``lacks="…"``: it does not.

Numeric rows (value set) and qualitative rows (value empty) are compared separately, in reading order.
``absent`` lists numbers that no numeric row may have as its value (numbers inside names, specifications,
thresholds, past values, phone numbers …). Known misses are strict xfails whose reason says what the
extractor gets wrong, so a fix turns them into failures that ask for the marker to be removed.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

import pytest

import policyparse as pp
from policyparse.model import Target

HEADING = "一、主要目标\n"

# A covering notice dated 2023, for cases about past years (a year before the notice is a baseline).
NOTICE = ("滨河区人民政府关于印发滨河区碳达峰实施方案的通知\n"
          "各街镇人民政府，区政府各部门：\n"
          "现将《滨河区碳达峰实施方案》印发给你们，请认真贯彻执行。\n"
          "滨河区人民政府\n"
          "2023年3月15日\n"
          "滨河区碳达峰实施方案\n")

# Eight lines of one width, as pdftotext writes a hard-wrapped paragraph: they make the cleaner treat the
# text as hard-wrapped, so that a line break inside the case's paragraph is a PDF wrap, not a paragraph end.
PDF_PARAGRAPH = ("为全面落实国家碳达峰碳中和重大战略部署，\n"
                 "加快推动经济社会发展全面绿色转型，结合本\n"
                 "市实际，制定本方案。本方案所称重点领域包\n"
                 "括能源、工业、建筑、交通和农业农村等方面\n"
                 "，各部门要按照职责分工抓好贯彻落实，确保\n"
                 "各项目标任务按期完成，重大事项及时报告。\n"
                 "各区要结合实际制定具体工作措施，细化任务\n"
                 "分工，明确时间节点，形成工作合力。\n")

# The fields shown for a row nobody expected.
SUMMARY = ("indicator", "value", "unit", "year", "kind")


def case(text: str, *rows: dict, id: str, absent: Iterable[float] = (), bug: Optional[str] = None,
         head: str = HEADING):
    """One table row: the text (a heading is put before it), the rows expected, numbers that must not be
    target values, and, for a known miss, what the extractor gets wrong."""
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    return pytest.param(head + text, rows, tuple(absent), id=id, marks=marks)


def row(**fields: Any) -> dict:
    return fields


def parse_rows(text: str) -> tuple[list[Target], list[Target]]:
    doc = pp.parse(text)
    numeric = [t for t in doc.target_list if t.value is not None]
    qualitative = [t for t in doc.target_list if t.value is None]
    return numeric, qualitative


def project(t: Target, want: dict) -> dict:
    """The fields of ``t`` that ``want`` names, each replaced by the wanted value when it is right, so that
    a failing comparison shows exactly which fields are wrong and what they were."""
    out = {}
    for key, w in want.items():
        if key == "has":
            parts = (w,) if isinstance(w, str) else w
            out[key] = w if all(p in t.indicator for p in parts) else t.indicator
        elif key == "lacks":
            out[key] = w if w not in t.indicator else t.indicator
        else:
            got = getattr(t, key)
            out[key] = w if isinstance(w, (set, frozenset)) and got in w else got
    return out


def check(actual: list[Target], expected: tuple[dict, ...]) -> None:
    got = [project(t, want) for t, want in zip(actual, expected)]
    got += [{k: getattr(t, k) for k in SUMMARY} for t in actual[len(expected):]]
    assert got == list(expected)


def check_absent(actual: list[Target], absent: tuple[float, ...]) -> None:
    offending = [{k: getattr(t, k) for k in SUMMARY} for t in actual if t.value in absent]
    assert offending == []


# --- Years -----------------------------------------------------------------------------------------

YEARS = [
    case("到2025年，绿色低碳循环发展的经济体系初步形成。森林覆盖率达到36.5%，森林蓄积量达到1.95亿立方米，"
         "为实现2030年前碳达峰奠定坚实基础。",
         row(indicator="森林覆盖率", value=36.5, year=2025), row(indicator="森林蓄积量", value=1.95, year=2025),
         id="year-of-the-paragraph-before-a-later-year-phrase"),
    case("到2025年，全市光伏发电装机容量达到120万千瓦以上。",
         row(indicator="全市光伏发电装机容量", value=120, unit="万千瓦", comparator=">=", year=2025), id="dao-2025"),
    case("2025年，全县城镇污水集中处理率达到96%。",
         row(indicator="全县城镇污水集中处理率", value=96, unit="%", year=2025), id="bare-2025"),
    case("2025年底前，全市城市黑臭水体消除比例达到95%以上。",
         row(has="黑臭水体消除比例", value=95, comparator=">=", year=2025), id="2025-niandi-qian"),
    case("到2025年末，全区林草覆盖率提升至30%以上。",
         row(indicator="全区林草覆盖率", value=30, comparator=">=", kind="level", year=2025), id="dao-2025-nianmo"),
    case("2030年前，全省农村生活污水治理率达到60%以上。",
         row(indicator="全省农村生活污水治理率", value=60, year=2030), id="2030-nian-qian"),
    case("“十四五”时期，全县规模以上工业单位增加值能耗下降16%。",
         row(has="规模以上工业单位增加值能耗", value=16, kind="decrease", year=2025), id="14th-fyp-shiqi"),
    case("“十四五”期间，全市光伏装机容量达到50万千瓦。",
         row(value=50, unit="万千瓦", year=2025), id="14th-fyp-qijian"),
    case("“十五五”期间，全市光伏装机容量达到80万千瓦。",
         row(value=80, unit="万千瓦", year=2030), id="15th-fyp-qijian"),
    case("力争到2030年，全区绿色建筑占新建建筑比例达到100%。",
         row(indicator="全区绿色建筑占新建建筑比例", value=100, year=2030, modality="aspirational"),
         id="lizheng-dao-2030"),
    case("到2025年，全镇生活垃圾回收利用率达到35%；农村卫生厕所普及率达到90%，畜禽粪污综合利用率达到85%。",
         row(indicator="全镇生活垃圾回收利用率", value=35, year=2025),
         row(indicator="农村卫生厕所普及率", value=90, year=2025),
         row(indicator="畜禽粪污综合利用率", value=85, year=2025), id="one-year-for-a-run-of-clauses"),
    case("到 2025 年，全市公共领域新能源汽车占比达到 60%以上。",
         row(value=60, unit="%", comparator=">=", year=2025), id="pdf-spaces-around-the-year"),
    case("全区清洁能源供热面积达到800万平方米。",
         row(indicator="全区清洁能源供热面积", value=800, unit="万平方米", year=None), id="no-year-is-empty"),
    case("持续完善农村污水收集管网，\n推进设施稳定运行。到 2025 年，\n全镇农村生活污水治理率达到75%以上，\n",
         row(has="农村生活污水治理率", value=75, comparator=">=", year=2025), head=HEADING + PDF_PARAGRAPH,
         id="pdf-line-break-after-the-year"),
]


@pytest.mark.parametrize("text, rows, absent", YEARS)
def test_years(text, rows, absent):
    numeric, _ = parse_rows(text)
    check(numeric, rows)


# --- Comparators and modality -------------------------------------------------------------------------

COMPARATORS = [
    case("到2025年，全市城市建成区绿化覆盖率不低于42%。",
         row(indicator="全市城市建成区绿化覆盖率", value=42, comparator=">="), id="bu-di-yu"),
    case("到2025年，全县城乡居民绿色出行比例不少于65%。",
         row(value=65, comparator=">="), id="bu-shao-yu"),
    case("到2025年，全县森林覆盖率保持在40%以上。",
         row(indicator="全县森林覆盖率", value=40, comparator=">="), id="baochi-zai-yishang"),
    case("到2025年，全区燃煤消费总量不超过300万吨。",
         row(indicator="全区燃煤消费总量", value=300, unit="万吨", comparator="<="), id="bu-chaoguo"),
    case("到2025年，全区燃煤消费总量控制在300万吨以内。",
         row(indicator="全区燃煤消费总量", value=300, unit="万吨", comparator="<="), id="kongzhi-zai-yinei"),
    case("到2025年，全区规模以上工业企业单位增加值能耗降至0.5吨标准煤/万元以下。",
         row(value=0.5, unit="吨标准煤/万元", comparator="<=", kind="level"), id="jiang-zhi-yixia"),
    case("到2025年，全区公共建筑能耗强度下降10%左右。",
         row(value=10, comparator="~", kind="decrease"), id="zuoyou"),
    case("到2025年，全市光伏发电装机容量约为80万千瓦。",
         row(indicator="全市光伏发电装机容量", value=80, comparator="~"), id="yue-wei"),
    case("到2025年，全市新型储能装机规模超过50万千瓦。",
         row(indicator="全市新型储能装机规模", value=50, comparator=">"), id="chaoguo"),
    case("到2025年，全市工业用水重复利用率高于92%。",
         row(indicator="全市工业用水重复利用率", value=92, comparator=">"), id="gao-yu"),
    case("到2025年，全区大型数据中心电能利用效率低于1.3。",
         row(indicator="全区大型数据中心电能利用效率", value=1.3, unit="", comparator="<"), id="di-yu"),
    case("到2025年，全县城镇污水集中处理率达到96%。",
         row(value=96, comparator="=", modality="binding"), id="dadao-is-equal"),
    case("到2025年，全市清洁取暖率力争达到98%。",
         row(indicator="全市清洁取暖率", value=98, modality="aspirational"), id="lizheng-before-the-verb"),
    case("到2025年，全省可再生能源发电量占比争取达到35%以上。",
         row(indicator="全省可再生能源发电量占比", value=35, comparator=">=", modality="aspirational"),
         id="zhengqu"),
    case("到2025年，全市新能源汽车保有量达到10万辆，争取达到12万辆。",
         row(value=10, modality="binding"), row(value=12, modality="aspirational"),
         id="zhengqu-only-in-its-own-clause"),
    case("到2030年，全区绿色出行比例努力达到75%。",
         row(indicator="全区绿色出行比例", value=75, modality="aspirational"), id="nuli"),
    case("到2025年，新建大型数据中心电能利用效率原则上不超过1.3。",
         row(indicator="新建大型数据中心电能利用效率", value=1.3, comparator="<=", modality="binding"),
         id="yuanzeshang-is-binding"),
    case("到2025年，全区绿色出行比例确保达到70%。",
         row(indicator="全区绿色出行比例", value=70, modality="binding"), id="quebao-is-binding"),
    case("争取到2025年，集聚相关企业超1000家，产业收入逾3000亿元。",
         row(has="相关企业", value=1000, unit="家", comparator=">", modality="aspirational"),
         row(has="产业收入", value=3000, unit="亿元", comparator=">"), id="chao-and-yu-are-more-than"),
    case("到2025年，化工生产企业数压减至80家以内。",
         row(indicator="化工生产企业数", value=80, unit="家", comparator="<=", kind="level"), id="yajian-zhi-yinei"),
    case("到2025年，单位工业增加值能耗和二氧化碳排放分别比2020年下降13%和18%以上。",
         row(has="能耗", value=13, comparator=">=", baseline_year=2020),
         row(has="二氧化碳排放", value=18, comparator=">="), id="fenbie-trailing-comparator-for-every-value"),
    case("到2025年，非化石能源消费比重13%以上；森林覆盖率达到36.5%。",
         row(indicator="非化石能源消费比重", value=13, comparator=">=", year=2025), row(value=36.5),
         id="a-measure-and-its-value-without-a-verb"),
    case("大兴国际机场建成全球最大机场综合能源系统，三星级绿色建筑占比70%以上。", absent=[70],
         id="a-measure-and-its-value-without-a-verb-or-year-is-an-account"),
    case("到2025年，单位生产总值能耗、用水量分别降低13.5%、16%左右。",
         row(has="能耗", value=13.5, comparator="~"), row(has="用水量", value=16, comparator="~"),
         id="fenbie-trailing-zuoyou-for-every-value"),
]


@pytest.mark.parametrize("text, rows, absent", COMPARATORS)
def test_comparators_and_modality(text, rows, absent):
    numeric, _ = parse_rows(text)
    check(numeric, rows)


# --- 分别 --------------------------------------------------------------------------------------------

FENBIE = [
    case("到2025年，全市化学需氧量、氨氮、挥发性有机物排放总量比2020年分别下降8%、7%、10%以上。",
         row(indicator="全市化学需氧量排放总量", value=8, kind="decrease", baseline_year=2020),
         row(indicator="氨氮排放总量", value=7, kind="decrease"),
         row(indicator="挥发性有机物排放总量", value=10, comparator=">=", kind="decrease"),
         id="shared-measure-of-a-list"),
    case("到2030年，小型客车、大型客车新车碳排放强度比2020年分别下降20%、15%。",
         row(indicator="小型客车新车碳排放强度", value=20, year=2030),
         row(indicator="大型客车新车碳排放强度", value=15, year=2030),
         id="heads-of-one-shape"),
    case("到2025年和2030年，全省非化石能源消费比重分别达到18%、25%。",
         row(indicator="全省非化石能源消费比重", value=18, year=2025),
         row(indicator="全省非化石能源消费比重", value=25, year=2030), id="two-years-two-values"),
    case("到2025年、2030年，全市林木覆盖率分别达到32%和35%。",
         row(indicator="全市林木覆盖率", value=32, year=2025),
         row(indicator="全市林木覆盖率", value=35, year=2030), id="years-with-dunhao-values-with-he"),
    case("到2025年和2030年，全市光伏装机分别达到100万千瓦和200万千瓦。",
         row(value=100, unit="万千瓦", year=2025), row(value=200, unit="万千瓦", year=2030),
         id="values-with-units"),
    case("“十四五”、“十五五”期间分别新增光伏发电装机容量2000万千瓦左右。",
         row(has="光伏发电装机容量", value=2000, unit="万千瓦", comparator="~", year=2025,
             kind={"level", "increase"}),
         row(has="光伏发电装机容量", value=2000, unit="万千瓦", comparator="~", year=2030,
             kind={"level", "increase"}), id="two-periods-one-value"),
    case("到2025年，全区公共机构人均综合能耗、单位建筑面积能耗分别下降6%、5%。",
         row(has="人均综合能耗", lacks="单位建筑面积", value=6, kind="decrease", year=2025),
         row(has="单位建筑面积能耗", lacks="人均", value=5, kind="decrease", year=2025),
         id="two-indicators-two-values"),
    case("“十四五”和“十五五”期间，全市分别新增造林面积10万亩以上。",
         row(has="造林面积", value=10, unit="万亩", comparator=">=", year=2025),
         row(has="造林面积", value=10, unit="万亩", comparator=">=", year=2030), id="scope-before-fenbie"),
    case("到2025年，全市城市生活垃圾回收利用率和资源化利用率分别达到40%、80%。",
         row(has="生活垃圾回收利用率", value=40), row(has=("生活垃圾", "资源化利用率"), value=80),
         id="second-indicator-keeps-its-subject"),
    case("到2025年，农作物秸秆综合利用率和畜禽粪污资源化利用率分别达到95%、90%。",
         row(indicator="农作物秸秆综合利用率", value=95), row(indicator="畜禽粪污资源化利用率", value=90),
         id="second-indicator-with-its-own-subject"),
    case("到2025年，全区新能源和清洁能源公交车、出租车占比分别达到90%、70%。",
         row(has="公交车", lacks="出租车", value=90), row(has="出租车", lacks="公交车", value=70),
         id="shared-head-noun-zhanbi"),
]


@pytest.mark.parametrize("text, rows, absent", FENBIE)
def test_fenbie(text, rows, absent):
    numeric, _ = parse_rows(text)
    check(numeric, rows)


# --- Elided indicators ------------------------------------------------------------------------------

ELIDED = [
    case("到2025年，全市城市公共交通机动化出行分担率达到50%，到2030年提高到60%。",
         row(indicator="全市城市公共交通机动化出行分担率", value=50, year=2025),
         row(indicator="全市城市公共交通机动化出行分担率", value=60, year=2030, kind="level"),
         id="second-clause-with-its-own-year"),
    case("到2025年，全市再生水利用率达到25%以上；到2030年，达到30%以上。",
         row(indicator="全市再生水利用率", value=25, year=2025),
         row(indicator="全市再生水利用率", value=30, year=2030), id="across-a-semicolon"),
    case("到2025年，全区绿色建筑占新建建筑比重达到70%，2030年达到90%。",
         row(indicator="全区绿色建筑占新建建筑比重", value=70, year=2025),
         row(indicator="全区绿色建筑占新建建筑比重", value=90, year=2030), id="bare-year"),
    case("到2025年，全市城镇生活污水集中收集率达到70%，力争2030年达到80%。",
         row(indicator="全市城镇生活污水集中收集率", value=70, year=2025, modality="binding"),
         row(indicator="全市城镇生活污水集中收集率", value=80, year=2030, modality="aspirational"),
         id="lizheng-in-the-elided-clause"),
    case("2021年全区森林覆盖率为11.5%，到2025年达到14%。",
         row(indicator="全区森林覆盖率", value=14, unit="%", year=2025), absent=[11.5], head=NOTICE + HEADING,
         id="after-a-past-value"),
]


@pytest.mark.parametrize("text, rows, absent", ELIDED)
def test_elided_indicators(text, rows, absent):
    numeric, _ = parse_rows(text)
    check(numeric, rows)
    check_absent(numeric, absent)


# --- Baselines --------------------------------------------------------------------------------------

BASELINES = [
    case("到2025年，全区单位地区生产总值能耗比2020年下降14.5%。",
         row(indicator="全区单位地区生产总值能耗", value=14.5, kind="decrease", year=2025, baseline_year=2020),
         id="bi-2020"),
    case("到2025年，全区单位地区生产总值二氧化碳排放较2020年降低19%。",
         row(indicator="全区单位地区生产总值二氧化碳排放", value=19, kind="decrease", baseline_year=2020),
         id="jiao-2020"),
    case("到2030年，全市单位地区生产总值二氧化碳排放比2005年下降68%以上。",
         row(value=68, comparator=">=", kind="decrease", year=2030, baseline_year=2005), id="bi-2005-yishang"),
    case("到2025年，全市公共机构能源消费总量在2020年的基础上下降4%。",
         row(indicator="全市公共机构能源消费总量", value=4, kind="decrease", year=2025, baseline_year=2020),
         id="zai-2020-de-jichu-shang"),
    case("到2030年，全县农村户用沼气使用量与2020年相比减少10%。",
         row(indicator="全县农村户用沼气使用量", value=10, kind="decrease", year=2030, baseline_year=2020),
         id="yu-2020-xiangbi"),
    case("到2025年，全市非化石能源消费比重比2020年提高5个百分点。",
         row(value=5, unit="百分点", kind="increase", baseline_year=2020), id="bi-2020-tigao-baifendian"),
    case("到2025年，与2020年相比，全县化肥使用量减少5%。",
         row(indicator="全县化肥使用量", value=5, kind="decrease", year=2025, baseline_year=2020),
         id="baseline-in-its-own-clause"),
    case("到2025年，全区学校用能结构不断优化，在2020年基础上人均综合能耗降低3%，单位建筑面积碳排放降低5%。",
         row(has="人均综合能耗", value=3, baseline_year=2020, year=2025),
         row(has="单位建筑面积碳排放", value=5, baseline_year=2020, year=2025),
         id="baseline-shared-across-a-comma"),
    case("到2025年，全县医疗卫生机构节能管理水平稳步提高，在2020年的基础上单位床位能耗下降4%、碳排放下降6%。",
         row(has=("医疗卫生机构", "单位床位能耗"), value=4, baseline_year=2020, year=2025),
         row(has=("医疗卫生机构", "碳排放"), value=6, baseline_year=2020, year=2025),
         id="both-indicators-keep-the-subject"),
]


@pytest.mark.parametrize("text, rows, absent", BASELINES)
def test_baselines(text, rows, absent):
    numeric, _ = parse_rows(text)
    check(numeric, rows)


# --- Kinds ------------------------------------------------------------------------------------------

KINDS = [
    case("到2025年，全市天然气年供应能力达到2.5亿立方米。",
         row(value=2.5, unit="亿立方米", kind="level"), id="level-dadao"),
    case("到2025年，全区农业机械化率提升至75%以上。",
         row(indicator="全区农业机械化率", value=75, kind="level", comparator=">="), id="level-tisheng-zhi"),
    case("到2025年，全县单位工业增加值用水量下降12%。",
         row(indicator="全县单位工业增加值用水量", value=12, kind="decrease"), id="decrease-xiajiang"),
    case("“十四五”期间，全县能耗强度累计下降13%，能源消费总量得到合理控制。",
         row(indicator="全县能耗强度", value=13, kind="decrease", year=2025), id="decrease-leiji-xiajiang"),
    case("到2025年，全省非化石能源消费比重提高4个百分点。",
         row(indicator="全省非化石能源消费比重", value=4, unit="百分点", kind="increase"), id="increase-baifendian"),
    case("“十四五”期间，全市数字经济核心产业增加值年均增长10%以上。",
         row(has="数字经济核心产业增加值", value=10, comparator=">=", kind="increase", year=2025),
         id="increase-nianjun-zengzhang"),
    case("到2025年，全市可再生能源装机容量增加200万千瓦。",
         row(indicator="全市可再生能源装机容量", value=200, unit="万千瓦", kind="increase"), id="increase-zengjia"),
    case("到2025年，培育绿色工厂10家。",
         row(has="绿色工厂", value=10, unit="家", kind={"level", "increase"}, year=2025),
         id="action-verb-first"),
    case("到2025年，全区新增城市绿地面积120万平方米。",
         row(has="城市绿地面积", value=120, unit="万平方米", kind={"level", "increase"}, year=2025),
         id="scope-then-xinzeng"),
    case("到2025年，全区累计建成公共充电桩3000台。",
         row(has="公共充电桩", value=3000, unit="台", year=2025), id="scope-then-leiji-jiancheng"),
    case("到2025年，全市新建绿色建筑200万平方米以上。",
         row(has="绿色建筑", value=200, unit="万平方米", comparator=">=", year=2025), id="scope-then-xinjian"),
    case("到2030年，电解铝使用可再生能源比例提至30%以上。",
         row(indicator="电解铝使用可再生能源比例", value=30, comparator=">=", kind="level", year=2030),
         id="level-ti-zhi"),
    case("到2025年，培育和引进5个以上领军型创新创业团队。",
         row(indicator="领军型创新创业团队数量", value=5, comparator=">=", year=2025), id="verbs-only-before-the-value"),
    case("到2025年，建成1个近零碳试点园区、3个近零碳试点机关、5个近零碳试点社区以及10家近零碳试点企业。",
         row(indicator="近零碳试点园区数量", value=1), row(indicator="近零碳试点机关数量", value=3),
         row(indicator="近零碳试点社区数量", value=5), row(indicator="近零碳试点企业数量", value=10, unit="家"),
         id="a-list-of-counted-objects-after-one-verb"),
    case("到2030年培育100个智能建造产业基地。",
         row(indicator="智能建造产业基地数量", value=100, unit="个", kind="level", year=2030),
         id="action-verb-then-value-counts-the-object"),
]


@pytest.mark.parametrize("text, rows, absent", KINDS)
def test_kinds(text, rows, absent):
    numeric, _ = parse_rows(text)
    check(numeric, rows)


# --- Numbers ----------------------------------------------------------------------------------------

NUMBERS = [
    case("到2025年，全省5G基站数量达到两万个。",
         row(indicator="全省5G基站数量", value=20000, unit="个"), id="liang-wan-ge"),
    case("到2025年，全市分布式光伏装机容量达到三十万千瓦。",
         row(value=30, unit="万千瓦"), id="sanshi-wan-qianwa"),
    case("到2025年，全区既有建筑节能改造面积达到一百五十万平方米。",
         row(indicator="全区既有建筑节能改造面积", value=150, unit="万平方米"), id="yibaiwushi-wan-pingfangmi"),
    case("到2025年，全市非化石能源消费比重达到百分之二十。",
         row(value=20, unit="%"), id="baifenzhi-ershi"),
    case("到2030年，全省风电装机容量达到1.2亿千瓦以上。",
         row(value=1.2, unit="亿千瓦", comparator=">="), id="1.2-yi-qianwa"),
    case("到2025年，全区绿色工厂数量达到5—10家。",
         row(value=5, value_max=10, unit="家"), id="range-em-dash"),
    case("到2025年，全区绿色工厂达到5-10家。",
         row(value=5, value_max=10, unit="家"), id="range-hyphen"),
    case("到2025年，全区零碳示范园区数量达到5至10个。",
         row(value=5, value_max=10, unit="个"), id="range-zhi"),
    case("到2025年，全区近零碳社区达到5~10个。",
         row(value=5, value_max=10, unit="个"), id="range-tilde"),
    case("到2025年，全区光伏装机容量达到20万千瓦。",
         row(value=20, value_max=None), id="no-range-no-value_max"),
    case("到2025年，全市风电装机容量达到 1. 2 亿千瓦。",
         row(value=1.2, unit="亿千瓦"), id="pdf-spaces-in-a-decimal"),
    case("到2025年，全市新能源汽车保有量力争达到1\n2万辆，公共充电桩数量达到8000台以上。\n",
         row(value=12, unit="万辆", modality="aspirational"), row(value=8000, unit="台", comparator=">="),
         head=HEADING + PDF_PARAGRAPH, id="pdf-wrap-inside-a-number"),
    case("到2025年，全市分布式光伏发电装机容量达到1\n2.5万千瓦，农村屋顶光伏覆盖率达到20%。\n",
         row(value=12.5, unit="万千瓦"), row(value=20, unit="%"),
         head=HEADING + PDF_PARAGRAPH, id="pdf-wrap-inside-a-decimal"),
    case("到2025年，全区培育绿色工厂5—10家。",
         row(has="绿色工厂", value=5, value_max=10, unit="家", year=2025), id="range-after-scope-and-verb"),
    case("深入推进农业节水，到2025年，全县农田灌溉水有效利用系数提高到0.6。",
         row(indicator="全县农田灌溉水有效利用系数", value=0.6, unit="", year=2025), id="dimensionless-tigao-dao"),
    case("到2025年，全市细颗粒物年均浓度控制在35微克/立方米以下。",
         row(has="细颗粒物年均浓度", value=35, unit="微克/立方米", comparator="<="), id="unit-microgram-per-cubic-metre"),
]


@pytest.mark.parametrize("text, rows, absent", NUMBERS)
def test_numbers(text, rows, absent):
    numeric, _ = parse_rows(text)
    check(numeric, rows)


# --- Indicator tables -------------------------------------------------------------------------------

# With two target-year columns (2025年 2030年) indicator_tables takes the earliest for the baseline, which is
# right for 2020年 2025年 in a plan of 2021 but not when both years lie ahead of the document.
TABLES = [
    case("专栏1　主要指标\n"
         "序号\t指标名称\t2025年\t2030年\t属性\n"
         "1\t非化石能源消费比重（%）\t18\t25\t约束性\n"
         "2\t森林覆盖率（%）\t15.5\t17\t预期性\n",
         row(has="非化石能源消费比重", lacks="（", value=18, unit="%", year=2025, modality="binding"),
         row(has="非化石能源消费比重", lacks="（", value=25, unit="%", year=2030, modality="binding"),
         row(has="森林覆盖率", lacks="（", value=15.5, unit="%", year=2025, modality="aspirational"),
         row(has="森林覆盖率", lacks="（", value=17, unit="%", year=2030, modality="aspirational"),
         id="tab-separated-unit-in-the-name"),
    case("主要指标\n序号\n指标名称\n单位\n2025年\n2030年\n属性\n"
         "1\n光伏发电装机容量\n万千瓦\n150\n300\n预期性\n"
         "2\n新能源汽车保有量\n万辆\n8\n20\n预期性\n"
         "3\n单位地区生产总值二氧化碳排放降低\n%\n18\n—\n约束性\n",
         row(has="光伏发电装机容量", value=150, unit="万千瓦", year=2025, modality="aspirational"),
         row(has="光伏发电装机容量", value=300, unit="万千瓦", year=2030, modality="aspirational"),
         row(has="新能源汽车保有量", value=8, unit="万辆", year=2025, modality="aspirational"),
         row(has="新能源汽车保有量", value=20, unit="万辆", year=2030, modality="aspirational"),
         row(has="单位地区生产总值二氧化碳排放", value=18, unit="%", year=2025, kind="decrease",
             modality="binding"),
         id="one-cell-per-line-unit-column"),
    case("表1　主要指标\n"
         "序号\t指标名称\t单位\t2020年\t2025年\t属性\n"
         "1\t可再生能源电力装机容量\t万千瓦\t62\t120\t预期性\n"
         "2\t城镇新建建筑中绿色建筑面积占比\t%\t70\t100\t约束性\n",
         row(has="可再生能源电力装机容量", value=120, unit="万千瓦", year=2025, modality="aspirational"),
         row(has="绿色建筑面积占比", value=100, unit="%", year=2025, modality="binding"),
         absent=[62, 70], head=NOTICE + HEADING, id="base-year-column-is-not-a-target"),
    case("主要指标\n序号\n指标名称\n2025年\n2030年\n属性\n"
         "1\n非化石能源消费比重（%）\n20\n25以上\n约束性\n"
         "2\n城市生活垃圾资源化利用率（%）\n60\n65\n预期性\n",
         row(has="非化石能源消费比重", value=20, unit="%", year=2025, comparator="=", modality="binding"),
         row(has="非化石能源消费比重", value=25, unit="%", year=2030, comparator=">=", modality="binding"),
         row(has="生活垃圾资源化利用率", value=60, unit="%", year=2025, modality="aspirational"),
         row(has="生活垃圾资源化利用率", value=65, unit="%", year=2030, modality="aspirational"),
         id="one-cell-per-line-yishang-in-a-cell"),
]


@pytest.mark.parametrize("text, rows, absent", TABLES)
def test_indicator_tables(text, rows, absent):
    """One row per indicator and year; cells of one table row may come out in any order."""
    numeric, _ = parse_rows(text)
    numeric.sort(key=lambda t: (t.char_start, t.indicator, t.year or 0))
    check(numeric, rows)
    check_absent(numeric, absent)


# --- Qualitative targets ----------------------------------------------------------------------------

QUALITATIVE = [
    case("到2025年，全区非化石能源消费比重有所提升。",
         row(indicator="全区非化石能源消费比重", kind="increase", year=2025, comparator="", unit=""),
         id="yousuo-tisheng"),
    case("到2030年，全市光伏发电装机规模进一步扩大。",
         row(indicator="全市光伏发电装机规模", kind="increase", year=2030), id="jinyibu-kuoda"),
    case("到2030年，全市单位地区生产总值能源消耗和二氧化碳排放完成省下达指标。",
         row(has="单位地区生产总值能源消耗和二氧化碳排放", kind="delegated", year=2030), id="wancheng-sheng-xiada-zhibiao"),
    case("“十四五”期间，全县能耗强度和总量完成市下达的目标任务。",
         row(has="能耗强度和总量", kind="delegated", year=2025), id="wancheng-shi-xiada-mubiao-renwu"),
    case("力争2028年前全区工业领域实现碳达峰。",
         row(has="工业领域", kind="peak", year=2028, modality="aspirational"), id="shixian-tan-dafeng"),
    case("到2025年，全区行政村生活垃圾收运处置体系实现全覆盖。",
         row(has="生活垃圾收运处置体系", kind="full", year=2025), id="shixian-quan-fugai"),
    case("到2025年，全市省级以上工业园区全部完成循环化改造。",
         row(has=("省级以上工业园区", "循环化改造"), kind="full", year=2025), id="quanbu-wancheng"),
    case("到2025年，全县耕地保有量保持基本稳定。",
         row(indicator="全县耕地保有量", kind="stable", year=2025), id="baochi-jiben-wending"),
    case("到2025年，全区单位地区生产总值能耗下降幅度高于全市平均水平。",
         row(has="单位地区生产总值能耗下降幅度", kind="relative", year=2025), id="gao-yu-quanshi-pingjun-shuiping"),
    case("到2030年，全市二氧化碳排放量达到峰值并实现稳中有降。",
         row(has="二氧化碳排放", kind="peak", year=2030), id="dadao-fengzhi-year-in-the-clause-before"),
    case("到2030年，全市新建公共建筑全面执行绿色建筑二星级标准。",
         row(indicator="全市新建公共建筑执行绿色建筑二星级标准", kind="full", year=2030), id="quanmian-zhixing"),
    case("到2025年，全市非化石能源消费比重达到15%左右，2030年提高到20%左右，并保持稳步增长。",
         row(has="非化石能源消费比重", kind="increase"), id="elided-subject-of-wenbu-zengzhang"),
    case("“十四五”期间，石化化工行业炼油能力不增加；“十五五”期间，石化化工行业碳排放总量不增加。",
         row(indicator="石化化工行业炼油能力", kind="stable", year=2025),
         row(indicator="石化化工行业碳排放总量", kind="stable", year=2030), id="bu-zengjia-ends-the-clause"),
    case("到2030年，全市单位工业增加值二氧化碳排放下降幅度大于全社会下降幅度。",
         row(has="二氧化碳排放下降幅度", kind="relative", year=2030), id="da-yu-xiajiang-fudu"),
    case("到2025年，五个新城等重点区域在开展示范的基础上，全面执行超低能耗建筑标准。",
         row(has="超低能耗建筑标准", kind="full", year=2025), id="quanmian-after-the-year-of-its-sentence"),
    case("到2025年，其他行业用煤单位全部清零，粗钢产量不再新增。",
         row(has="用煤单位", kind="full", year=2025), row(has="粗钢产量", kind="stable", year=2025),
         id="quanbu-qingling-and-buzai-xinzeng"),
]

QUALITATIVE_NOT_TARGETS = [
    pytest.param("到2025年，全市绿色建筑占新建建筑比例达到100%。\n着力发挥绿色建筑规模化效益，全面推行绿色生态城区建设。",
                 id="quanmian-opens-a-measure"),
    pytest.param("到2025年，全市非化石能源消费比重达到20%。在不增加企业负担的前提下推进改造。",
                 id="bu-zengjia-inside-a-clause"),
]


@pytest.mark.parametrize("text", QUALITATIVE_NOT_TARGETS)
def test_measures_and_conditions_are_not_qualitative_targets(text):
    _, qualitative = parse_rows(HEADING + text)
    assert [(t.kind, t.indicator) for t in qualitative] == []


@pytest.mark.parametrize("text, rows, absent", QUALITATIVE)
def test_qualitative_targets(text, rows, absent):
    numeric, qualitative = parse_rows(text)
    check(qualitative, rows)
    assert all(t.value_max is None and t.comparator == "" for t in qualitative)


# --- Not targets ------------------------------------------------------------------------------------

NOT_TARGETS = [
    case("对认定的项目，按投入额给予30%的补助，最高不超过500万元；到2025年，全区绿色工厂达到20家。",
         row(value=20, unit="家"), absent=[30, 500], id="subsidy-rates-and-caps"),
    case("到2025年，建设10个碳中和领域重点实验室和5个绿色技术创新中心。",
         row(indicator="碳中和领域重点实验室数量", value=10, unit="个", year=2025),
         row(indicator="绿色技术创新中心数量", value=5, unit="个", year=2025),
         id="each-counted-object-has-its-own-name"),
    case("到2025年，全省30万千瓦及以上单机机组占火电装机比重达到65%。",
         row(has="火电装机比重", value=65, unit="%", year=2025), absent=[30], id="size-class-before-the-indicator"),
    case("新建60万千瓦级超临界机组供电煤耗低于295克标准煤/千瓦时。",
         row(has="60万千瓦级超临界机组供电煤耗", value=295, unit="克标准煤/千瓦时", comparator="<"),
         absent=[60], id="plant-class-with-ji"),
    case("新建湿冷、空冷机组供电煤耗分别不高于300、320克标准煤/千瓦时。",
         row(has="湿冷", value=300, unit="克标准煤/千瓦时", comparator="<="),
         row(has="空冷机组供电煤耗", value=320, unit="克标准煤/千瓦时", comparator="<="),
         id="unit-written-once-for-a-list"),
    case("到2025年，构建“1+5+N”政策体系，全区绿色工厂达到20家。",
         row(value=20, unit="家"), absent=[1, 5], id="1+5+N"),
    case("到2025年，推进“5G+工业互联网”融合应用，全区工业互联网平台达到12个。",
         row(value=12, unit="个"), absent=[5], id="5G+industrial-internet"),
    case("到2025年，建成地铁4号、6号线路，全市绿色出行比例达到70%。",
         row(value=70, unit="%"), absent=[4, 6], id="metro-lines-4-and-6"),
    case("推行“四步工作法”，到2025年，全区节水型企业达到50家。",
         row(value=50, unit="家"), absent=[4], id="si-bu-gongzuofa"),
    case("全面执行五步节能设计标准，到2025年，全区新建居住建筑节能率达到75%。",
         row(value=75, unit="%"), absent=[5], id="wu-bu-jieneng"),
    case("到2025年，建成投运1000千伏特高压输电通道，全省外电入省能力达到3000万千瓦。",
         row(value=3000, unit="万千瓦"), absent=[1000], id="1000-kV"),
    case("到2025年，新建220千伏变电站4座。", row(value=4, unit="座"), absent=[220], id="220-kV-substations"),
    case("到2025年，对大于5万平方米的公共建筑实施能耗监测，监测覆盖率达到100%。",
         row(value=100, unit="%"), absent=[5], id="threshold-dayu-5-wan-pingfangmi-de"),
    case("到2025年，全区35蒸吨以下燃煤锅炉全部淘汰。", absent=[35], id="threshold-35-zhengdun-yixia"),
    case("到2025年，城区常住人口50万以上的县城绿色出行比例达到65%。",
         row(value=65, unit="%"), absent=[50], id="threshold-50-wan-yishang-de"),
    case("全区现有8处污水处理厂，到2025年，城镇污水处理率达到98%。",
         row(value=98, unit="%"), absent=[8], id="xianyou-8-chu"),
    case("2020年，全区光伏装机达到12万千瓦。到2025年，全区光伏装机达到30万千瓦。",
         row(value=30, year=2025), absent=[12], head=NOTICE + HEADING, id="past-year-2020"),
    case("截至2022年底，全区新能源汽车保有量达到2万辆。到2025年，全区新能源汽车保有量达到5万辆。",
         row(value=5, year=2025), absent=[2], head=NOTICE + HEADING, id="past-year-jiezhi-2022-niandi"),
    case("“十三五”期间，全区单位地区生产总值能耗累计下降18%。“十四五”期间，全区单位地区生产总值能耗下降15%。",
         row(value=15, year=2025), absent=[18], head=NOTICE + HEADING, id="past-period-13th-fyp"),
    case("联系电话：022-27391234，邮编：300380。", absent=[22, 27391234, 300380], id="phone-and-postcode"),
    case("备案序号：津ICP备05004321号，网站标识码1200000019。", absent=[5004321, 1200000019],
         id="registration-numbers"),
]


@pytest.mark.parametrize("text, rows, absent", NOT_TARGETS)
def test_not_targets(text, rows, absent):
    numeric, _ = parse_rows(text)
    check_absent(numeric, absent)
    check(numeric, rows)


# --- Indicator text ---------------------------------------------------------------------------------

INDICATOR_TEXT = [
    case("到2025年，全国公共机构二氧化碳排放（以下简称碳排放）总量控制在4亿吨以内。",
         row(indicator="全国公共机构二氧化碳排放总量", value=4, unit="亿吨", comparator="<="),
         id="a-note-in-brackets-is-no-part-of-the-indicator"),
    case("到2030年实现公共建筑机电系统的总体能效在现有水平上提升10%。",
         row(indicator="公共建筑机电系统的总体能效", value=10, kind="increase", year=2030),
         id="change-from-the-present-level-is-a-target"),
    case("到2025年，实现煤炭消费占比不超过13%。",
         row(indicator="煤炭消费占比", value=13, comparator="<="), id="leading-shixian-is-not-in-the-indicator"),
    case("到2025年，单位面积能耗不超过300千克标准煤/平方米。",
         row(indicator="单位面积能耗", value=300, unit="千克标准煤/平方米", comparator="<="),
         id="generic-indicator-that-opens-the-sentence-is-not-doubled"),
    case("到2030年，城市建成区人口密度控制在1万人/平方公里以内，化肥施用强度降至15千克/亩。",
         row(has="人口密度", value=1, unit="万人/平方公里", comparator="<="),
         row(indicator="化肥施用强度", value=15, unit="千克/亩"), id="unit-per-denominator"),
    case("到2025年，全区公共充电桩数量达到8000台。",
         row(indicator="全区公共充电桩数量", value=8000, unit="台"), id="scope-kept"),
    case("到2025年，通过实施屋顶光伏工程，全区分布式光伏装机容量达到25万千瓦。",
         row(indicator="全区分布式光伏装机容量", value=25), id="leading-means-clause-left-out"),
    case("到2025年，全区规模以上工业企业40%以上完成清洁生产审核。",
         row(indicator="全区规模以上工业企业完成清洁生产审核比例", value=40, comparator=">="), id="value-first"),
    case("到2030年，全市城市建成区绿地率达到40%以上，人均公园绿地面积达到15平方米。",
         row(indicator="全市城市建成区绿地率", value=40), row(indicator="人均公园绿地面积", value=15, unit="平方米"),
         id="two-clauses-two-indicators"),
    case("加快推进交通运输绿色转型，到2025年，全市新能源汽车新车销售量占比达到30%。",
         row(indicator="全市新能源汽车新车销售量占比", value=30, unit="%"), id="zhanbi-kept"),
    case("到2025年，全区二级及以上医院中绿色医院占比达到60%。",
         row(indicator="全区二级及以上医院中绿色医院占比", value=60), id="zhanbi-kept-after-zhong"),
    case("到2025年，全区完成既有建筑节能改造一百五十万平方米。",
         # the leading verb names the action and the object keeps 改造 (全区完成既有建筑节能改造)
         row(has="既有建筑节能改造", value=150, unit="万平方米"), id="object-of-the-verb-kept"),
]


@pytest.mark.parametrize("text, rows, absent", INDICATOR_TEXT)
def test_indicator_text(text, rows, absent):
    numeric, _ = parse_rows(text)
    check(numeric, rows)
