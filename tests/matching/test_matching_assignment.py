"""Reviewer assignment: every constraint holds, the optimum is found, shortfalls are explained."""

import itertools
import random

from challenge.matching import assign_reviewers


def check_constraints(result, scores, per_need, max_load, conflicts):
    pairs = result.pairs
    assert len(pairs) == len(set(pairs)), "a reviewer twice on one need"
    by_need = result.by_need()
    for need in scores:
        assert len(by_need.get(need, [])) <= per_need
    loads: dict = {}
    for need, reviewer in pairs:
        assert reviewer in scores[need], "assigned a non-candidate"
        assert (need, reviewer) not in conflicts, "conflict of interest assigned"
        loads[reviewer] = loads.get(reviewer, 0) + 1
    assert max(loads.values(), default=0) <= max_load
    assert abs(result.total_score - sum(scores[n][r] for n, r in pairs)) < 1e-6


def test_random_instance_respects_every_constraint():
    rng = random.Random(3)
    reviewers = [f"r{i}" for i in range(40)]
    scores = {f"n{j}": {r: rng.uniform(0, 100) for r in rng.sample(reviewers, 12)}
              for j in range(20)}
    conflicts = {(n, r) for n in scores for r in rng.sample(sorted(scores[n]), 2)}
    result = assign_reviewers(scores, reviewers_per_need=3, max_load=2, conflicts=conflicts)
    assert result.feasible and result.problems == []
    check_constraints(result, scores, 3, 2, conflicts)
    assert all(len(v) == 3 for v in result.by_need().values())
    assert len(result.by_need()) == 20


def test_finds_the_optimum_of_a_small_instance():
    scores = {
        "A": {"x": 9, "y": 8, "z": 1},
        "B": {"x": 9, "y": 1, "z": 7},
        "C": {"x": 8, "y": 7, "z": 6},
    }
    result = assign_reviewers(scores, reviewers_per_need=2, max_load=2)
    best = 0.0
    options = [list(itertools.combinations(sorted(scores[n]), 2)) for n in scores]
    for combo in itertools.product(*options):
        used = [r for pair in combo for r in pair]
        if all(used.count(r) <= 2 for r in used):
            best = max(best, sum(scores[n][r] for n, pair in zip(scores, combo, strict=True) for r in pair))
    assert result.feasible
    assert result.total_score == best == 46
    check_constraints(result, scores, 2, 2, set())


def test_conflicts_are_never_assigned_even_when_best():
    scores = {"A": {"x": 100, "y": 1, "z": 1}}
    result = assign_reviewers(scores, 2, 1, conflicts=[("A", "x")])
    assert sorted(result.by_need()["A"]) == ["y", "z"]


def test_per_need_shortfall_message_is_precise():
    scores = {"A": {"x": 5, "y": 4, "z": 3}, "B": {"x": 1, "y": 1, "z": 1, "w": 1}}
    result = assign_reviewers(scores, 3, 2, conflicts={("A", "z")})
    assert not result.feasible
    assert "榜 A 只有 2 名可回避冲突的评审专家，需要 3 名（另有 1 名因利益冲突回避）" in result.problems
    assert not any("榜 B 只有" in p for p in result.problems)
    # The best partial assignment is still returned: B full, A with its two reviewers.
    by_need = result.by_need()
    assert sorted(by_need["A"]) == ["x", "y"] and len(by_need["B"]) == 3
    check_constraints(result, scores, 3, 2, {("A", "z")})


def test_total_capacity_shortfall_message():
    scores = {n: {"x": 1, "y": 2} for n in "ABC"}
    result = assign_reviewers(scores, 1, 1)
    assert ("评审总容量不足：2 名候选评审专家每人最多评 1 个榜，共 2 个评审席位，需要 3 个（缺 1 个）"
            in result.problems)
    assert len(result.pairs) == 2
    check_constraints(result, scores, 1, 1, set())


def test_group_shortfall_names_needs_and_reviewers():
    # Each need alone has enough candidates and total capacity suffices, but A and B
    # compete for the same two reviewers (Hall's condition fails for {A, B}).
    scores = {
        "A": {"r1": 5, "r2": 5},
        "B": {"r1": 5, "r2": 5},
        "C": {"r3": 1, "r4": 1, "r5": 1, "r6": 1},
    }
    result = assign_reviewers(scores, 2, 1)
    assert len(result.problems) == 1
    message = result.problems[0]
    assert "最多只能安排 4 个评审席位，需要 6 个（缺 2 个）" in message
    assert "榜 A、B 共需 4 名评审" in message
    assert "可选的评审专家只有 2 名（r1、r2），最多只能提供 2 个席位" in message
    assert len(result.pairs) == 4
    check_constraints(result, scores, 2, 1, set())


def test_empty_input():
    assert assign_reviewers({}, 3, 2).pairs == []
    result = assign_reviewers({"A": {}}, 1, 1)
    assert result.problems[0] == "榜 A 只有 0 名可回避冲突的评审专家，需要 1 名"


def test_partly_seated_panels_and_existing_load_are_respected():
    scores = {"A": {"r1": 90, "r2": 80, "r3": 70}, "B": {"r1": 85, "r2": 60, "r3": 50}}
    result = assign_reviewers(scores, reviewers_per_need=3, max_load=2,
                              seats={"A": 1, "B": 2}, load={"r1": 2})
    assert result.feasible, result.problems
    by_need = result.by_need()
    assert len(by_need["A"]) == 1 and len(by_need["B"]) == 2
    assert all(reviewer != "r1" for _, reviewer in result.pairs)  # r1 is already full


def test_existing_load_can_make_it_infeasible_and_says_so():
    scores = {"A": {"r1": 90, "r2": 80}}
    result = assign_reviewers(scores, reviewers_per_need=2, max_load=1, load={"r2": 1})
    assert not result.feasible
    assert any("缺 1 个" in p for p in result.problems)
    assert result.pairs == [("A", "r1")]
