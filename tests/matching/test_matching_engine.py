"""Matcher and NeedIndex: ranking, explanations, incremental updates, duplicates, search."""

import pytest

from challenge.matching import Matcher, Need, NeedIndex, Profile

PROFILES = [
    Profile("meltblown", "张敏", ["纺织科学与工程"], ["熔喷材料", "驻极处理"],
            "长期从事非织造材料研究，关注口罩滤材的过滤效率与电荷稳定性。",
            ["电晕驻极对聚丙烯熔喷布过滤性能的影响"]),
    Profile("chip", "李强", ["微电子学"], ["IC封装", "倒装焊"],
            "从事先进封装与封装可靠性研究。", ["倒装焊凸点热疲劳寿命研究"]),
    Profile("battery", "王芳", ["电化学"], ["锂离子电池", "BMS"],
            "研究动力电池的荷电状态估计与热失控预警。", []),
    Profile("vision", "赵磊", ["计算机科学与技术"], ["人工智能", "缺陷检测"],
            "基于深度学习的工业表面缺陷检测。", ["小样本缺陷检测方法"]),
    Profile("generic", "陈杰", ["管理科学与工程"], ["系统开发", "技术研究"],
            "从事技术研究、系统开发与平台建设工作，负责多个研究系统。", []),
    Profile(7, "周宇", ["机械工程"], ["滚动轴承", "疲劳寿命"],
            "轴承接触疲劳与寿命预测。", ["高速轴承温升研究"]),
]

MELTBLOWN_NEED = Need("n1", "熔喷布过滤效率提升", "口罩用熔喷布驻极后过滤效率衰减快",
                      ["熔喷布", "过滤效率"])


@pytest.fixture
def matcher() -> Matcher:
    return Matcher(PROFILES)


def ids(matches):
    return [m.id for m in matches]


def test_best_expert_first_with_scores_in_range(matcher):
    results = matcher.top_experts(MELTBLOWN_NEED, k=3)
    assert results[0].id == "meltblown"
    assert all(0 < m.score <= 100 for m in results)
    assert [m.score for m in results] == sorted((m.score for m in results), reverse=True)


def test_explanation_terms_name_the_shared_content(matcher):
    best = matcher.top_experts(MELTBLOWN_NEED, k=1)[0]
    assert any("熔喷" in t for t in best.terms)
    assert any("过滤" in t for t in best.terms)
    assert "keyword≈熔喷材料" in best.terms
    assert not {"技术", "系统", "研究"} & set(best.terms)


def test_synonyms_and_abbreviations_bridge_vocabulary(matcher):
    chip = matcher.top_experts(Need("n2", "芯片封装可靠性提升", keywords=["芯片封装"]), k=1)[0]
    assert chip.id == "chip"
    assert any("=" in t for t in chip.terms)  # 芯片封装 = IC封装, shown as a synonym
    battery = matcher.top_experts(Need("n3", "锂电热失控预警", keywords=["锂电"]), k=1)[0]
    assert battery.id == "battery"
    ai = matcher.top_experts(Need("n4", "AI缺陷检测", keywords=["AI"]), k=1)[0]
    assert ai.id == "vision"


def test_typo_in_need_still_finds_expert(matcher):
    typo = Need("n5", "熔喷部驻极工艺", keywords=["熔喷部"])
    assert matcher.top_experts(typo, k=1)[0].id == "meltblown"


def test_generic_words_alone_do_not_win(matcher):
    need = Need("n6", "轴承疲劳寿命预测技术研究", "需要系统开发能力", ["轴承", "疲劳寿命"])
    assert matcher.top_experts(need, k=1)[0].id == 7


def test_exclude_and_all_pairs(matcher):
    assert "meltblown" not in ids(matcher.top_experts(MELTBLOWN_NEED, k=3, exclude={"meltblown"}))
    every = matcher.top_experts(MELTBLOWN_NEED, k=0)
    assert sorted(map(str, ids(every))) == sorted(str(p.id) for p in PROFILES)
    unrelated = next(m for m in every if m.id == "generic")
    assert unrelated.score == 0 and unrelated.terms == []


def test_add_makes_a_new_expert_findable(matcher):
    need = Need("n7", "钙钛矿电池稳定性", keywords=["钙钛矿"])
    assert "pv" not in ids(matcher.top_experts(need))
    matcher.add(Profile("pv", keywords=["钙钛矿", "光伏"], bio="钙钛矿太阳能电池稳定性研究"))
    assert matcher.top_experts(need, k=1)[0].id == "pv"
    assert "pv" in matcher and len(matcher) == len(PROFILES) + 1


def test_update_changes_results(matcher):
    before = matcher.top_experts(MELTBLOWN_NEED, k=1)[0]
    assert before.id == "meltblown"
    matcher.update(Profile("meltblown", keywords=["中药提取"], bio="从事中药有效成分提取工艺研究"))
    after = ids(matcher.top_experts(MELTBLOWN_NEED))
    assert "meltblown" not in after
    tcm = matcher.top_experts(Need("n8", "中药提取工艺优化", keywords=["中药提取"]), k=1)[0]
    assert tcm.id == "meltblown"


def test_remove_drops_expert(matcher):
    assert matcher.top_experts(MELTBLOWN_NEED, k=1)[0].id == "meltblown"  # now in a segment
    assert matcher.remove("meltblown") is True
    assert "meltblown" not in ids(matcher.top_experts(MELTBLOWN_NEED, k=0))
    assert matcher.remove("meltblown") is False
    assert len(matcher) == len(PROFILES) - 1


def test_add_update_errors(matcher):
    with pytest.raises(ValueError):
        matcher.add(Profile("chip"))
    with pytest.raises(KeyError):
        matcher.update(Profile("nobody"))


def test_many_incremental_changes_agree_with_a_fresh_index():
    """Queries between changes flush and merge segments; results must match a rebuild."""
    live = Matcher()
    current: dict = {}
    for round_ in range(6):
        for p in PROFILES:
            clone = Profile(f"{p.id}-{round_}", p.name, p.fields, p.keywords, p.bio, p.works)
            live.add(clone)
            current[clone.id] = clone
        live.top_experts(MELTBLOWN_NEED)
        for p in PROFILES[: round_ % 3 + 1]:
            old = f"{p.id}-{round_}"
            live.remove(old)
            del current[old]
        live.top_experts(MELTBLOWN_NEED)
    fresh = Matcher(current.values())
    for need in (MELTBLOWN_NEED, Need("q", "锂电池BMS", keywords=["BMS"])):
        got, want = live.top_experts(need, k=0), fresh.top_experts(need, k=0)
        assert {m.id for m in got} == set(current)
        assert {m.id for m in got if m.score > 0} == {m.id for m in want if m.score > 0}
        want_scores = {m.id: m.score for m in want}
        assert all(abs(m.score - want_scores[m.id]) < 5 for m in got)


NEEDS = [
    Need("a", "熔喷布过滤效率提升", "口罩熔喷布驻极后过滤效率不达标", ["熔喷布", "驻极"]),
    Need("b", "集成电路封装可靠性", "倒装焊凸点开裂", ["芯片封装"]),
    Need("c", "Lithium battery thermal runaway warning", "BMS early warning", ["BMS"]),
    Need("d", "轴承寿命预测", "风电主轴轴承早期剥落", ["轴承", "寿命预测"]),
]


@pytest.fixture
def need_index() -> NeedIndex:
    return NeedIndex(NEEDS)


def test_top_needs_for_a_solver(need_index):
    results = need_index.top_needs(PROFILES[0], k=2)
    assert results[0].id == "a"
    assert results[0].terms


def test_near_duplicates_flags_reworded_copy(need_index):
    copy = Need("new", "提升熔喷布的过滤效率", "口罩用熔喷布驻极后过滤效率达不到要求", ["熔喷布"])
    dups = need_index.near_duplicates(copy, threshold=50)
    assert ids(dups) == ["a"]
    assert dups[0].score >= 50 and dups[0].terms
    unrelated = Need("other", "果蔬冷链保鲜", "蓝莓运输腐烂", ["冷链"])
    assert need_index.near_duplicates(unrelated, threshold=50) == []


def test_near_duplicates_skip_the_need_itself(need_index):
    assert "a" not in ids(need_index.near_duplicates(NEEDS[0], threshold=0))


def test_search_tolerates_typos_and_segmentation(need_index):
    assert need_index.search("熔喷部过滤")[0].id == "a"
    assert need_index.search("过滤效率 熔喷")[0].id == "a"
    assert need_index.search("lithum batery")[0].id == "c"
    assert need_index.search("ＢＭＳ")[0].id == "c"
    assert need_index.search("") == []


def test_need_index_updates(need_index):
    need_index.update(Need("a", "果蔬冷链保鲜", "蓝莓运输腐烂", ["冷链"]))
    assert "a" not in ids(need_index.search("熔喷布"))
    assert need_index.search("冷链保鲜")[0].id == "a"
    assert need_index.remove("a") and "a" not in need_index
    assert "a" not in ids(need_index.search("冷链保鲜"))


def test_a_pool_of_profiles_with_no_text_is_harmless():
    """Imported people with only a name: no division by zero, no matches, then real ones."""
    matcher = Matcher([Profile(1, name="张三"), Profile(2, name="李四")])
    assert matcher.top_experts(Need(9, "熔喷布"), k=3) == []
    matcher.add(Profile(3, keywords=["熔喷"]))
    assert [m.id for m in matcher.top_experts(Need(9, "熔喷布"), k=3)] == [3]
