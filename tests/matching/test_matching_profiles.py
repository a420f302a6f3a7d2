"""Profiles built from many works weigh them sensibly: recent works count more than old ones,
topics repeated across works add up, and one long text does not drown the rest."""

import pytest

from challenge.matching import Matcher, Need, Profile
from challenge.matching import matcher as matcher_module
from challenge.matching.matcher import work_weights, work_year

MELT = "熔喷非织造布驻极工艺对过滤效率的影响"
BATTERY = "锂离子电池高镍正极材料循环稳定性研究"
REVIEW = "锂离子电池高镍正极材料、电解液与隔膜研究进展综述。" * 40


@pytest.mark.parametrize("text,year", [
    ("标题（2019）：摘要", 2019), ("标题(2021)", 2021), ("2018年发表于某期刊", 2018),
    ("一种方法（发明专利）", None), ("型号 A2019B", None),
])
def test_work_year(text, year):
    assert work_year(text) == year


def test_work_weights_recency_and_length():
    recent, old, undated, long = work_weights(
        ["a（2024）：x", "b（2016）：y", "c：z", "d（2024）：" + "长" * 800])
    assert recent == 1.0 and old == pytest.approx(0.5) and undated == 1.0
    assert long == pytest.approx(60 / 808)


def test_recent_works_count_more_than_old_ones():
    experts = [Profile("now-melt", works=[f"{MELT}（2024）", f"{BATTERY}（2008）"]),
               Profile("now-battery", works=[f"{MELT}（2008）", f"{BATTERY}（2024）"])]
    matcher = Matcher(experts)
    assert matcher.top_experts(Need("m", "熔喷布驻极过滤"), k=1)[0].id == "now-melt"
    assert matcher.top_experts(Need("b", "高镍正极循环稳定性"), k=1)[0].id == "now-battery"


def test_one_long_text_does_not_drown_repeated_topics(monkeypatch):
    others = [Profile(f"other{i}", works=[t]) for i, t in enumerate(
        ["数控机床主轴热误差补偿", "风电叶片真空灌注工艺", "农产品冷链预冷技术", "轴承钢夹杂物控制",
         "医用导管亲水涂层", "单抗细胞株构建"])]
    experts = [Profile("steady", works=[MELT, "熔喷布驻极电荷衰减机理", "熔喷布驻极母粒配方", REVIEW]),
               Profile("once", works=[MELT, "数控机床主轴热误差补偿"]), *others]
    need = Need("n", "熔喷布驻极过滤效率提升")
    assert Matcher(experts).top_experts(need, k=1)[0].id == "steady"
    # The same profiles with the long text weighed like any other work: it drowns them.
    monkeypatch.setattr(matcher_module, "WORK_LENGTH", 10**9)
    assert Matcher(experts).top_experts(need, k=1)[0].id == "once"
