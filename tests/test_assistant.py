"""The need-structuring assistant's rules (challenge/posting/assistant.py): values, units and
their dimensions, indicator rows read from free text, and the advice on whole form values.
Expected values are written out by hand, never computed by the code under test."""

import pytest

from challenge.posting import assistant as a
from challenge.states import ChallengeKind


@pytest.fixture(autouse=True)
def _context(app):  # the messages are translated, so they need an app context
    yield


@pytest.mark.parametrize("text, comparator, number, unit", [
    ("≥99.97", "≥", "99.97", ""),
    ("≤ 5 μm", "≤", "5", "μm"),
    ("≤5µm", "≤", "5", "μm"),  # the micro sign folds to the Greek mu
    ("＞ 200 MPa", ">", "200", "MPa"),
    ("3000小时以上", "以上", "3000", "小时"),
    ("不低于 95 %", "不低于", "95", "%"),
    ("±0.5 μm", "±", "0.5", "μm"),
    ("10~20 ℃", "~", "10", "°C"),
    ("10-20", "~", "10", ""),
    (">=-40", ">=", "-40", ""),
    ("99.9", "", "99.9", ""),
    ("越高越好", "", "", ""),
    ("", "", "", ""),
])
def test_a_target_reads_as_comparator_number_and_unit(text, comparator, number, unit):
    value = a.parse_value(text)
    assert (value.comparator, value.number, value.unit) == (comparator, number, unit)


@pytest.mark.parametrize("unit, dimension", [
    ("μm", "length"), ("µm", "length"), ("um", "length"), ("nm", "length"), ("mm", "length"),
    ("微米", "length"), ("h", "time"), ("小时", "time"), ("s", "time"), ("年", "time"),
    ("℃", "temp"), ("°C", "temp"), ("K", "temp"), ("%", "ratio"), ("ppm", "ratio"),
    ("MPa", "pressure"), ("GPa", "pressure"), ("W", "power"), ("kW", "power"), ("mW", "power"),
    ("MW", "power"), ("V", "voltage"), ("kV", "voltage"), ("A", "current"), ("kg", "mass"),
    ("GHz", "freq"), ("kWh", "energy"), ("Wh/kg", "energy_density"), ("mAh", "charge"),
    ("rpm", "rotation"), ("次", "count"), ("Ω", "resistance"), ("dB", "level"), ("°", "angle"),
    ("″", "angle"), ("Ｗ", "power"), ("", None), ("furlong", None),
])
def test_units_have_their_dimension(unit, dimension):
    assert a.unit_dimension(unit) == dimension


@pytest.mark.parametrize("name, dimensions", [
    ("寿命", {"time", "count"}), ("循环寿命", {"time", "count"}), ("使用寿命", {"time", "count"}),
    ("定位精度", {"length", "angle", "ratio"}), ("工作温度", {"temp"}), ("耐温", {"temp"}),
    ("温度循环次数", {"count"}), ("能量密度", {"energy_density"}), ("过滤效率", {"ratio"}),
    ("抗拉强度", {"pressure"}), ("额定功率", {"power"}), ("表面粗糙度", {"length"}),
    ("耐压", {"pressure", "voltage"}), ("外观颜色", None),
])
def test_indicator_names_allow_these_dimensions(name, dimensions):
    found = a.name_dimensions(name)
    assert (set(found) if found is not None else None) == dimensions


@pytest.mark.parametrize("row, codes", [
    ({"name": "寿命", "target": "≥3000", "unit": "h"}, []),
    ({"name": "循环寿命", "target": "≥3000", "unit": "次"}, []),
    ({"name": "寿命", "target": "≥3000", "unit": "MPa"}, ["unit_dimension:寿命|MPa"]),
    ({"name": "定位精度", "target": "≤2", "unit": "μm"}, []),
    ({"name": "定位精度", "target": "≤2", "unit": "℃"}, ["unit_dimension:定位精度|℃"]),
    ({"name": "工作温度", "target": "≤85", "unit": "mm"}, ["unit_dimension:工作温度|mm"]),
    ({"name": "过滤效率", "target": "≥99.9", "unit": "%"}, []),
    ({"name": "过滤效率", "target": "≥99.9 %", "unit": ""}, []),  # the unit inside the value
    ({"name": "过滤效率", "target": "99.9", "unit": "%"}, ["no_comparator:过滤效率"]),
    ({"name": "过滤效率", "target": "≥99.9", "unit": ""}, ["no_unit:过滤效率"]),
    ({"name": "过滤效率", "target": "越高越好", "unit": "%"}, ["no_number:过滤效率"]),
    ({"name": "通道数", "target": "≥64", "unit": ""}, []),  # a count needs no unit
    ({"name": "外观颜色", "target": "≥3", "unit": "级"}, []),  # unknown: not judged
])
def test_each_indicator_needs_a_number_a_comparator_and_a_fitting_unit(row, codes):
    assert [x.code for x in a.indicator_advice([row])] == codes


@pytest.mark.parametrize("text, rows", [
    ("要求过滤效率≥99.9 %，阻力不超过 120 Pa。", [("过滤效率", "≥99.9", "%"), ("阻力", "≤120", "Pa")]),
    ("颗粒粒径≤5 μm", [("颗粒粒径", "≤5", "μm")]),
    ("寿命 3000 h", [("寿命", "3000", "h")]),
    ("使用寿命达到3000小时以上", [("使用寿命", "≥3000", "小时")]),
    ("工作温度-40~85 ℃", [("工作温度", "-40~85", "°C")]),
    ("定位精度优于±2 μm", [("定位精度", "±2", "μm")]),
    ("目前过滤效率 95 %，希望大幅提升。", []),   # the current level is no target
    ("对标进口 3M 8210，驻极处理后 30 天", []),  # figures with no bound and no known name
])
def test_indicator_rows_are_proposed_from_free_text(text, rows):
    assert [(p.name, p.target, p.unit) for p in a.propose_indicators(text)] == rows


def test_a_figure_already_in_the_indicator_table_is_not_proposed_again():
    rows = [{"name": "过滤效率", "target": "≥99.9", "unit": "%"}]
    assert a.propose_indicators("过滤效率≥99.9 %，寿命 3000 h", rows)[0].quote == "寿命 3000 h"
    assert len(a.propose_indicators("过滤效率≥99.9 %，寿命 3000 h", rows)) == 1


@pytest.mark.parametrize("text, words", [
    ("达到国际领先水平的高性能熔喷布", ["国际领先", "高性能"]),
    ("大幅提升过滤效率，技术先进", ["先进", "大幅"]),
    ("过滤效率≥99.9 %，阻力≤120 Pa", []),
])
def test_vague_words_are_flagged_once_each(text, words):
    assert sorted(a.vague_words(text)) == sorted(words)


VAGUE = {"title": "高性能熔喷布研发", "kind": ChallengeKind.IMPORT_SUBSTITUTION, "field": "新材料",
         "industry_tags": "", "summary": "开发先进的熔喷布，大幅提升过滤性能，达到国际领先水平。",
         "detail": "用于口罩生产，要求过滤效率≥99.9 %。", "indicators": []}
CLEAR = {**VAGUE, "title": "医用熔喷布过滤效率提升",
         "summary": "医用口罩用熔喷布，目前过滤效率 95 %，需提升至 99.9 % 以上且阻力不增加。",
         "detail": "对标进口 3M 8210 口罩滤材；驻极处理后 30 天衰减不超过 2 %。",
         "industry_tags": "熔喷布，医用防护",
         "indicators": [{"name": "过滤效率", "target": "≥99.9", "unit": "%"},
                        {"name": "驻极衰减", "target": "≤2", "unit": "%"}]}


def test_a_vague_need_gets_advice_of_every_kind_and_a_clear_one_none():
    vague = a.advise(VAGUE, vocabulary=["熔喷布", "锂电池"])
    kinds = {code.partition(":")[0] for code in vague.codes}
    assert kinds == {"no_indicators", "vague", "baseline", "reference", "proposal", "tags"}
    assert {c for c in vague.codes if c.startswith("vague")} == {
        "vague:高性能", "vague:先进", "vague:大幅", "vague:国际领先"}
    assert [(p.name, p.target, p.unit) for p in vague.proposals] == [("过滤效率", "≥99.9", "%")]
    assert vague.tags == ["熔喷布"]
    assert a.advise(CLEAR, vocabulary=["熔喷布", "锂电池"]).codes == []


def test_advice_is_written_again_from_its_code():
    for advice in a.advise(VAGUE, vocabulary=["熔喷布"]).advice:
        assert a.describe(advice.code) == advice.message


def test_followed_is_what_was_shown_and_is_gone_ignored_what_stands():
    seen = ["vague:先进", "baseline", "no_indicators", "forged:<script>", "vague:先进"]
    now = a.advise({**CLEAR, "summary": CLEAR["summary"] + "技术先进。"})
    followed, ignored = a.followed_and_ignored(seen, now)
    assert followed == ["baseline", "no_indicators"]
    assert ignored == ["vague:先进"]
