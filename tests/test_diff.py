"""diff: similarity, indicator rules, the status of a target pair, and the acceptance comparisons on real plans.

The acceptance tables run on the real parse output of xiqing-2023 against the national 2030 action plan
(and of Shanghai's and MIIT's plans against it); they skip when ../shared is not checked out.
"""
from __future__ import annotations

import os
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Optional

import pytest

from policyparse import parse_file
from policyparse.diff import (DiffResult, DocInfo, SectionInfo, SectionStatus, Status,
                              bigrams, dice, diff, judge, lexicon, load_plan, same_scope, taxonomy)
from policyparse.model import Target
from policyparse.rules import load_rules

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PP_SHARED", REPO.parent / "shared"))
XIQING = REPO / "corpus" / "xiqing-2023.txt"
RAW = SHARED / "corpus" / "raw"
NATIONAL = RAW / "national-2030-action-plan.txt"
needs_shared = pytest.mark.skipif(not NATIONAL.exists(), reason=f"the shared corpus is not at {SHARED} "
                                  "(set PP_SHARED to where ../shared is checked out)")


@lru_cache(maxsize=None)
def parsed(path: Path):
    return parse_file(path)


@lru_cache(maxsize=None)
def real_diff(child: Path, parent: Path = NATIONAL) -> DiffResult:
    return diff(parsed(child), parsed(parent))


# ---------------------------------------------------------------- data files


def test_data_files_load_and_are_complete():
    tax, ind = load_rules()["taxonomy"], load_rules()["indicators"]
    assert len(tax["actions"]) == 10
    assert all(e["titles"] and e["keywords"] for e in tax["actions"])
    assert all(e["titles"] for e in tax["frame"])
    assert all(e.get("names") or e.get("exact") for e in ind["indicators"])
    names = [(n, e["key"]) for e in ind["indicators"] for n in e.get("names", []) + e.get("exact", [])]
    assert len({n for n, _ in names}) == len(names), "a name listed under two indicators"
    assert all(e.get("measure") in ("relative", "absolute") and e.get("direction") in ("higher", "lower")
               for e in ind["indicators"])


# ---------------------------------------------------------------- similarity and taxonomy


@pytest.mark.parametrize("a, b, low, high", [
    ("全面提升节能管理能力", "全面提升节能管理能力", 1.0, 1.0),
    ("推动生活垃圾减量化资源化", "大力推进生活垃圾减量化资源化", 0.7, 1.0),
    ("加快提升建筑能效水平", "推动钢铁行业碳达峰", 0.0, 0.0),
    ("", "碳汇", 0.0, 0.0),
])
def test_dice(a, b, low, high):
    assert low <= dice(bigrams(a), bigrams(b)) <= high


def area(title: str, text: str = "") -> SectionInfo:
    return SectionInfo("2.1", title, "area", 2, "2", 0, title + text, text)


@pytest.mark.parametrize("child, parent, label", [
    ("工业绿色低碳转型行动", "工业领域碳达峰行动", "industry"),
    ("碳汇能力巩固提升行动", "固碳增汇强基行动", "sinks"),
    ("交通领域绿色低碳行动", "交通运输绿色低碳行动", "transport"),
    ("城乡建设领域碳达峰行动", "城乡建设碳达峰行动", "buildings"),
    ("绿色低碳区域行动", "各地区梯次有序碳达峰行动", "regions"),
    ("加强对外交流合作", "国际合作", "international"),
])
def test_taxonomy_gives_differently_worded_actions_one_label(child, parent, label):
    assert taxonomy().label(area(child)) == taxonomy().label(area(parent)) == label


# ---------------------------------------------------------------- indicators


@pytest.mark.parametrize("a, b", [
    ("单位地区生产总值能源消耗", "单位GDP能耗"),
    ("单位国内生产总值能源消耗", "单位GDP能耗"),
    ("全区森林覆盖率", "全国森林覆盖率"),
    ("城市生活垃圾资源化利用比例", "生活垃圾资源化利用比例"),
    ("碳排放达峰", "碳达峰"),
    ("电力需求侧尖峰负荷响应能力", "省级电网尖峰负荷响应能力"),
    ("非化石能源占能源消费总量比重", "非化石能源消费比重"),
])
def test_synonymous_indicators_share_a_key(a, b):
    assert lexicon().rule(a).key == lexicon().rule(b).key


@pytest.mark.parametrize("a, b", [
    ("营运交通工具单位换算周转量碳排放强度", "单位国内生产总值二氧化碳排放"),
    ("单位国内生产总值二氧化碳排放", "单位国内生产总值能源消耗"),
    ("工业领域碳达峰", "碳达峰"),
])
def test_different_indicators_keep_different_keys(a, b):
    assert lexicon().rule(a).key != lexicon().rule(b).key


# ---------------------------------------------------------------- judge: the status of a pair


def t(value: Optional[float] = 50.0, unit: str = "%", year: Optional[int] = 2025, kind: str = "level",
      comparator: str = "=", modality: str = "binding", indicator: str = "可再生能源消费比重",
      baseline: Optional[int] = None, value_max: Optional[float] = None) -> Target:
    return Target("t", "2", "", indicator, value, value_max, unit, comparator, kind, year, baseline, modality, "",
                  0, 0)


DISTRICT = DocInfo("d", "", "district", "天津市西青区", 0, 0)
CITY = DocInfo("c", "", "municipal", "上海市", 0, 0)
NATION = DocInfo("n", "", "national", "全国", 0, 0)
MINISTRY = DocInfo("m", "", "department", "", 0, 0)


@pytest.mark.parametrize("child, parent, scope, status", [
    # values (a higher share is stricter)
    (t(), t(), False, Status.SAME),
    (t(60), t(50), False, Status.STRICTER),
    (t(40), t(50), False, Status.LOOSER),
    (t(5, value_max=10), t(7.5), False, Status.SAME),  # a range counts by its midpoint
    # a deeper cut is stricter; a lower level of consumption is stricter
    (t(14, kind="decrease", baseline=2020), t(13.5, kind="decrease", baseline=2020), False, Status.STRICTER),
    (t(1.3, "", indicator="数据中心电能利用效率", comparator="<="), t(1.5, "", indicator="数据中心电能利用效率"),
     False, Status.STRICTER),
    (t(30, indicator="煤炭消费占一次能源消费比重", comparator="<="), t(25, indicator="煤炭消费占一次能源消费比重"),
     False, Status.LOOSER),
    # year: earlier is stricter; value and year pulling apart is changed_year
    (t(year=2025), t(year=2030), False, Status.STRICTER),
    (t(year=2030), t(year=2025), False, Status.LOOSER),
    (t(60, year=2030), t(50, year=2025), False, Status.CHANGED_YEAR),
    (t(60, year=2025), t(50, year=None), False, Status.STRICTER),
    # modality: 力争 → 确保 is stricter
    (t(modality="binding"), t(modality="aspirational"), False, Status.STRICTER),
    (t(modality="aspirational"), t(modality="binding"), False, Status.LOOSER),
    # scope: absolute amounts of different territories are not comparable, shares are
    (t(7500, "台", indicator="公共充电桩数量"), t(400, "万台", indicator="公共充电桩数量"), False,
     Status.DIFFERENT_SCOPE),
    (t(40, "万千瓦", indicator="可再生能源电力装机容量"), t(12, "亿千瓦", indicator="可再生能源电力装机容量"), False,
     Status.DIFFERENT_SCOPE),
    (t(13, "亿千瓦", indicator="风电、太阳能发电总装机容量"), t(120000, "万千瓦", indicator="风电、太阳能发电总装机容量"),
     True, Status.STRICTER),
    (t(14, indicator="全区森林覆盖率"), t(25, year=2030, indicator="全国森林覆盖率"), False, Status.DIFFERENT_SCOPE),
    (t(26, indicator="全国森林覆盖率"), t(25, indicator="全国森林覆盖率"), True, Status.STRICTER),
    # not comparable for other reasons
    (t(65, kind="decrease", baseline=2005), t(18, kind="decrease", baseline=2020), False, Status.DIFFERENT_SCOPE),
    (t(20, kind="decrease"), t(50), False, Status.DIFFERENT_SCOPE),
    (t(20, "万吨"), t(20, "%"), True, Status.DIFFERENT_SCOPE),
    # qualitative and delegated rows
    (t(None, "", kind="delegated"), t(13.5, kind="decrease"), False, Status.DELEGATED),
    (t(None, "", kind="increase"), t(20), False, Status.QUALITATIVE),
    (t(None, "", kind="peak", year=2030), t(None, "", kind="peak", year=2030), False, Status.SAME),
    (t(None, "", kind="full", year=2025), t(None, "", kind="full", year=2030), False, Status.STRICTER),
    (t(None, "", kind="stable"), t(None, "", kind="increase"), False, Status.QUALITATIVE),
    (t(100), t(None, "", kind="full"), False, Status.SAME),  # 100% is 全覆盖
])
def test_judge(child, parent, scope, status):
    rule = lexicon().rule(child.indicator)
    assert judge(child, parent, rule, scope, lexicon())[0] is status


@pytest.mark.parametrize("a, b, same", [
    (DISTRICT, NATION, False), (CITY, NATION, False), (MINISTRY, NATION, True), (NATION, NATION, True),
    (DISTRICT, replace(DISTRICT, region="天津市河西区"), False), (replace(CITY, level=""), CITY, False),
])
def test_same_scope(a, b, same):
    assert same_scope(a, b) is same


def test_a_plan_against_itself_is_the_same_everywhere():
    doc = parsed(XIQING)
    result = diff(doc, doc)
    assert all(m.status is SectionStatus.ALIGNED and m.child.path == m.parent.path for m in result.sections)
    assert all(e.status in (Status.SAME, Status.DELEGATED) for e in result.edits)
    assert result.reuse == pytest.approx(1.0)


# ---------------------------------------------------------------- xiqing-2023 against the national plan


XIQING_AREAS = [  # (child path, parent path): the nine actions 工业 … 全民, in the child's order
    ("2.1", "3.3"), ("2.2", "3.1"), ("2.3", "3.2"), ("2.4", "3.4"), ("2.5", "3.5"), ("2.6", "3.6"),
    ("2.7", "3.7"), ("2.8", "3.8"), ("2.9", "3.9"),
]
XIQING_OTHER_PAIRS = [
    ("1", "1"), ("1.3", "2"), ("2", "3"), ("5", "6"),
    # measures with near-identical titles
    ("2.1.5", "3.3.6"), ("2.2.4", "3.1.6"), ("2.3.1", "3.2.1"), ("2.3.2", "3.2.2"), ("2.3.3", "3.2.3"),
    ("2.3.4", "3.2.4"), ("2.4.1", "3.4.1"), ("2.4.2", "3.4.2"), ("2.4.3", "3.4.3"), ("2.4.4", "3.4.4"),
    ("2.5.1", "3.5.1"), ("2.5.2", "3.5.2"), ("2.5.3", "3.5.3"), ("2.6.1", "3.6.1"), ("2.6.2", "3.6.2"),
    ("2.6.3", "3.6.3"), ("2.6.4", "3.6.4"), ("2.7.1", "3.7.1"), ("2.7.2", "3.7.2"), ("2.7.4", "3.7.4"),
    ("2.8.1", "3.8.1"), ("2.8.2", "3.8.2"), ("2.8.3", "3.8.3"), ("2.8.4", "3.8.4"), ("2.9.1", "3.9.1"),
    ("2.9.3", "3.9.3"), ("2.9.4", "3.9.4"), ("2.10.1", "3.10.4"),
    # differently worded counterparts
    ("2.2.1", "3.1.2"), ("2.2.3", "3.1.1"), ("4.1", "5.2"), ("4.3", "5.1"),
]
XIQING_CHILD_ONLY = ["2.10.3", "2.10.4", "3.1", "3.2", "5.3"]


def pairs_of(result: DiffResult) -> dict[str, Optional[str]]:
    return {m.child.path: (m.parent.path if m.parent else None) for m in result.sections if m.child}


@needs_shared
@pytest.mark.parametrize("child, parent", XIQING_AREAS + XIQING_OTHER_PAIRS)
def test_xiqing_sections_aligned(child, parent):
    assert pairs_of(real_diff(XIQING))[child] == parent


@needs_shared
@pytest.mark.parametrize("child", XIQING_CHILD_ONLY)
def test_xiqing_sections_without_counterpart(child):
    assert pairs_of(real_diff(XIQING))[child] is None


@needs_shared
def test_alignment_is_one_to_one_and_covers_both_plans():
    result = real_diff(XIQING)
    parents = [m.parent.path for m in result.sections if m.parent]
    children = [m.child.path for m in result.sections if m.child]
    assert len(parents) == len(set(parents)) == result.parent.n_sections
    assert len(children) == len(set(children)) == result.child.n_sections


@needs_shared
def test_pinned_section_matching_is_kept():
    result = diff(parsed(XIQING), parsed(NATIONAL), matchings={"2.1.4": "3.3.2", "2.1.1": "3.3.3"})
    got = {m.child.path: m for m in result.sections if m.child}
    assert (got["2.1.4"].parent.path, got["2.1.4"].how) == ("3.3.2", "pinned")
    assert got["2.1.1"].parent.path == "3.3.3"


def edit_for(result: DiffResult, child_words: str, year: Optional[int], numeric: Optional[bool]):
    """The edit of the child target whose indicator contains `child_words` (and the given year/numeric-ness)."""
    hits = [e for e in result.edits if e.child is not None and child_words in e.child.indicator
            and (year is None or e.child.year == year)
            and (numeric is None or (e.child.value is not None) == numeric)]
    assert hits, f"no child target with {child_words!r} ({year})"
    return hits[0]


XIQING_TARGETS = [  # child indicator words, year, numeric, expected status, parent value
    ("城镇建筑可再生能源替代率", 2025, True, Status.SAME, 8),
    ("屋顶光伏覆盖率", 2025, True, Status.SAME, 50),
    ("生活垃圾资源化利用比例", 2025, True, Status.STRICTER, 60),   # 80% against 60%
    ("森林覆盖率", 2025, True, Status.DIFFERENT_SCOPE, 25),       # a district's land is not the nation's
    ("尖峰负荷响应能力", 2025, True, Status.STRICTER, 5),          # 5% five years earlier
    ("绿色建筑面积", 2025, True, Status.SAME, None),               # 100% against 全面执行
    ("单位地区生产总值能源消耗", 2025, False, Status.DELEGATED, 13.5),
    ("控煤任务目标", None, False, Status.DELEGATED, None),
    ("非化石能源消费比重", 2025, False, Status.QUALITATIVE, 20),    # 有所提升 against 20%左右
    ("生活垃圾分类", 2030, False, Status.SAME, None),
    ("重点产业园区", 2025, False, Status.STRICTER, None),          # 全部 five years earlier
    ("新能源汽车", 2025, True, Status.CHILD_ONLY, None),
    ("公共充电桩", 2025, True, Status.CHILD_ONLY, None),
]


@needs_shared
@pytest.mark.parametrize("words, year, numeric, status, parent_value", XIQING_TARGETS)
def test_xiqing_target_status(words, year, numeric, status, parent_value):
    e = edit_for(real_diff(XIQING), words, year, numeric)
    assert e.status is status, e.reason
    assert (e.parent.value if e.parent else None) == parent_value


@needs_shared
def test_xiqing_national_peak_goal_matches():
    result = real_diff(XIQING)
    peaks = [e for e in result.edits if e.key == "碳达峰" and e.child and e.parent and e.child.year == 2030]
    assert peaks and all(e.status is Status.SAME for e in peaks)


@needs_shared
def test_text_reuse_of_near_copied_measures():
    got = {m.child.path: m for m in real_diff(XIQING).sections if m.child}
    assert got["2.9.4"].reuse_aligned > 0.9          # 强化领导干部培训 is copied almost word for word
    assert got["3.1"].reuse_parent < 0.05            # 加大招商引资力度 is the district's own
    assert 0.2 < real_diff(XIQING).reuse < 0.5


@needs_shared
def test_a_snapshot_gives_the_same_comparison_as_the_file(tmp_path):
    from policyparse.tables import to_frames, write_tables
    write_tables(to_frames([parsed(NATIONAL), parsed(XIQING)]), tmp_path)
    from_file = real_diff(XIQING)
    from_snapshot = diff(parsed(XIQING), f"{tmp_path}#national-2030-action-plan")
    assert pairs_of(from_snapshot) == pairs_of(from_file)
    assert [e.status for e in from_snapshot.edits] == [e.status for e in from_file.edits]
    assert from_snapshot.reuse == pytest.approx(from_file.reuse, abs=0.02)


@needs_shared
def test_a_snapshot_without_its_source_file_aligns_on_titles(tmp_path):
    from policyparse.tables import to_frames, write_tables
    frames = to_frames([parsed(NATIONAL)])
    frames["documents"]["source_path"] = "moved/away.txt"
    write_tables(frames, tmp_path)
    result = diff(parsed(XIQING), tmp_path)
    assert result.reuse is None and all(m.reuse_parent is None for m in result.sections)
    assert [pairs_of(result)[c] for c, _ in XIQING_AREAS] == [p for _, p in XIQING_AREAS]


def test_a_snapshot_with_many_documents_needs_a_name(tmp_path):
    from policyparse.model import InputError
    from policyparse.tables import to_frames, write_tables
    doc = parsed(XIQING)
    write_tables(to_frames([doc, replace(doc, meta=replace(doc.meta, doc_id="other"))]), tmp_path)
    with pytest.raises(InputError, match="DIR#doc_id"):
        load_plan(tmp_path)
    assert load_plan(f"{tmp_path}#other").info.doc_id == "other"


# ---------------------------------------------------------------- other plans against the national plan


SHANGHAI = RAW / "shanghai-carbon-peak-plan-2022.txt"
INDUSTRY = RAW / "sector-industry-peak-2022.txt"


@needs_shared
@pytest.mark.parametrize("action, parent", [
    ("能源", "3.1"), ("节能", "3.2"), ("工业", "3.3"), ("城乡建设", "3.4"), ("交通", "3.5"), ("循环经济", "3.6"),
    ("科技创新", "3.7"), ("碳汇", "3.8"), ("全民", "3.9"), ("区域", "3.10"),
])
def test_shanghai_ten_actions_aligned(action, parent):
    rows = [m for m in real_diff(SHANGHAI).sections if m.child and m.child.kind == "area" and action in m.child.title]
    assert rows and rows[0].parent is not None and rows[0].parent.path == parent


@needs_shared
@pytest.mark.parametrize("path", [SHANGHAI, INDUSTRY])
def test_other_plans_compare_without_error(path):
    result = real_diff(path)
    assert result.sections and result.edits
    assert sum(m.status is SectionStatus.ALIGNED for m in result.sections) >= 5


def test_package_diff_stays_callable_after_the_module_is_imported():
    import importlib

    import policyparse as pp
    importlib.import_module("policyparse.diff")
    assert callable(pp.diff)
