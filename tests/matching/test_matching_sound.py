"""Homophone misspellings (the usual input-method slip: the right pinyin, the wrong character)
still match, in keyword matching and in title search; unrelated text does not."""

import pytest

from challenge.matching import Matcher, Need, NeedIndex, Profile
from challenge.matching.sound import fold_sound
from challenge.matching.synonyms import find_sound_concepts

PROFILES = [
    Profile("melt", fields=["纺织科学与工程"], keywords=["熔喷布", "驻极"]),
    Profile("fibre", fields=["材料科学与工程"], keywords=["碳纤维", "模压成型"]),
    Profile("steel", fields=["冶金工程"], keywords=["轴承钢", "夹杂物控制"]),
    Profile("chip", fields=["微电子"], keywords=["芯片封装", "热循环"]),
]


@pytest.mark.parametrize("typed,right", [
    ("溶喷布", "熔喷布"), ("驻级", "驻极"), ("碳先维", "碳纤维"), ("轴承刚", "轴承钢"),
    ("芯片封状", "芯片封装"),
])
def test_homophones_fold_alike_and_other_words_do_not(typed, right):
    assert fold_sound(typed) == fold_sound(right)
    assert fold_sound(typed) != fold_sound("高分子")


@pytest.mark.parametrize("typed,expert", [
    ("溶喷布", "melt"), ("碳先维", "fibre"), ("轴承刚", "steel"), ("芯片封状", "chip"),
])
def test_a_misspelt_keyword_still_finds_its_expert(typed, expert):
    matches = Matcher(PROFILES).top_experts(Need("n", f"{typed}供应", keywords=[typed]), k=3)
    assert matches and matches[0].id == expert
    assert any("keyword≈" in t for t in matches[0].terms)


def test_title_search_reads_through_homophones():
    index = NeedIndex([Need(1, "医用熔喷布过滤效率提升"), Need(2, "车规级芯片封装可靠性"),
                       Need(3, "高端轴承钢纯净度控制")])
    assert [m.id for m in index.search("溶喷布")][:1] == [1]
    assert [m.id for m in index.search("轴承刚")][:1] == [3]
    assert index.search("你好世界") == []


def test_a_homophone_of_a_synonym_reaches_its_concept():
    """溶喷布 shares no bigram and no close title with 医用熔喷非织造布, but reads like 熔喷布,
    whose synonym group holds 熔喷非织造布."""
    index = NeedIndex([Need(1, "医用熔喷非织造布高效低阻过滤"), Need(2, "车规级功率模块焊层空洞率"),
                       Need(3, "高端轴承钢冶炼纯净度")])
    found = index.search("溶喷布")
    assert [m.id for m in found] == [1]
    assert "溶喷布=熔喷布" in found[0].terms
    assert list(find_sound_concepts("熔喷布")) == []  # written right: nothing to read through
