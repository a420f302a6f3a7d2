"""Reviewer assignment: maximise total match score under per-need, load and conflict limits.

The model is solved by HiGHS through scipy.optimize.milp. Before solving, a max-flow over
the same bipartite graph (scipy.sparse.csgraph) finds how many seats can be filled at all,
so shortfalls are reported precisely and the best partial assignment is still returned.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from .models import Id

MAX_NAMES = 10


def N_(template: str) -> str:
    """Marks a message for the translation catalog; the web layer translates it (no Flask here)."""
    return template


class Shortfall(str):
    """Why a seat stays empty: reads as its Chinese text (the CLI and logs), and keeps its
    template and values so a page can say it in the reader's language (reviewing/operations)."""

    template: str
    params: dict

    def __new__(cls, template: str, **params) -> Shortfall:
        problem = super().__new__(cls, template % params)
        problem.template, problem.params = template, params
        return problem


SHORT_OF_REVIEWERS = N_("%(need)s只有 %(eligible)d 名可回避冲突的评审专家，需要 %(wanted)d 名")
SHORT_OF_REVIEWERS_CONFLICTS = N_("%(need)s只有 %(eligible)d 名可回避冲突的评审专家，需要 "
                                  "%(wanted)d 名（另有 %(excluded)d 名因利益冲突回避）")
SHORT_OF_CAPACITY = N_("评审总容量不足：%(reviewers)d 名候选评审专家每人最多评 %(max_load)d 个榜，"
                       "共 %(capacity)d 个评审席位，需要 %(demand)d 个（缺 %(short)d 个）")
SHORT_OF_CAPACITY_LEFT = N_("评审总容量不足：%(reviewers)d 名候选评审专家每人最多评 %(max_load)d "
                            "个榜，尚余 %(capacity)d 个评审席位，需要 %(demand)d 个（缺 %(short)d 个）")
SO_AT_MOST = N_("因此最多只能安排 %(filled)d 个评审席位，需要 %(demand)d 个")
GROUP_SHORT = N_("受冲突回避和每人最多 %(max_load)d 个榜的限制，最多只能安排 %(filled)d 个评审席位，"
                 "需要 %(demand)d 个（缺 %(short)d 个）：%(needs)s 共需 %(wanted)d 名评审，"
                 "可选的评审专家只有 %(pool)d 名（%(reviewers)s），最多只能提供 %(seats)d 个席位")
SOLVER_FAILED = N_("求解器未能给出方案：%(message)s")
NOT_PROVEN_OPTIMAL = N_("求解在时限内未证明最优，返回当前最好方案：%(message)s")


@dataclass
class Assignment:
    """Chosen (need, reviewer) pairs, their total score, and why anything is missing."""

    pairs: list[tuple[Id, Id]] = field(default_factory=list)
    total_score: float = 0.0
    problems: list[Shortfall] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return not self.problems

    def by_need(self) -> dict[Id, list[Id]]:
        out: dict[Id, list[Id]] = {}
        for need, reviewer in self.pairs:
            out.setdefault(need, []).append(reviewer)
        return out


def _names(ids: Iterable[Hashable]) -> str:
    """Chinese list of ids, the first MAX_NAMES of them."""
    ids = list(ids)
    shown = "、".join(str(i) for i in ids[:MAX_NAMES])
    return shown + (f" 等 {len(ids)} 个" if len(ids) > MAX_NAMES else "")


def assign_reviewers(
    scores: Mapping[Id, Mapping[Id, float]],
    reviewers_per_need: int,
    max_load: int,
    conflicts: Iterable[tuple[Id, Id]] = (),
    time_limit: float | None = 60.0,
    seats: Mapping[Id, int] | None = None,
    load: Mapping[Id, int] | None = None,
) -> Assignment:
    """Assign *reviewers_per_need* reviewers to every need, each reviewer to at most *max_load*.

    *scores* maps need id → {reviewer id: match score}; a reviewer missing from a need's
    mapping is not a candidate for it. *conflicts* holds (need id, reviewer id) pairs that
    must never be assigned. *seats* overrides the number still to fill per need (a panel
    already partly seated); *load* is what each reviewer already carries, counted against
    *max_load*. If the limits cannot all be met, the result lists each shortfall in
    ``problems`` and holds the best assignment that fills as many seats as possible.
    """
    if reviewers_per_need < 0 or max_load < 0:
        raise ValueError("reviewers_per_need and max_load must not be negative")
    banned = {(n, r) for n, r in conflicts}
    needs = list(scores)
    wanted = [(seats or {}).get(n, reviewers_per_need) for n in needs]
    reviewers: dict[Id, int] = {}
    need_idx: list[int] = []
    rev_idx: list[int] = []
    values: list[float] = []
    problems: list[Shortfall] = []
    for i, need in enumerate(needs):
        eligible = 0
        excluded = 0
        for reviewer, score in scores[need].items():
            if (need, reviewer) in banned:
                excluded += 1
                continue
            need_idx.append(i)
            rev_idx.append(reviewers.setdefault(reviewer, len(reviewers)))
            values.append(float(score))
            eligible += 1
        if eligible < wanted[i]:
            template = SHORT_OF_REVIEWERS_CONFLICTS if excluded else SHORT_OF_REVIEWERS
            problems.append(Shortfall(template, need=f"榜 {need} ", need_id=need, eligible=eligible,
                                    wanted=wanted[i], excluded=excluded))
    per_need = np.asarray(wanted, dtype=np.int64)
    demand = int(per_need.sum())
    if not needs or demand == 0:
        return Assignment(problems=problems)

    caps = np.asarray([max(0, max_load - (load or {}).get(r, 0)) for r in reviewers],
                      dtype=np.int64)
    capacity = int(caps.sum())
    if capacity < demand:
        problems.append(Shortfall(SHORT_OF_CAPACITY_LEFT if load else SHORT_OF_CAPACITY,
                                reviewers=len(reviewers), max_load=max_load, capacity=capacity,
                                demand=demand, short=demand - capacity))

    ni = np.asarray(need_idx, dtype=np.int64)
    ri = np.asarray(rev_idx, dtype=np.int64)
    filled = _max_seats(ni, ri, per_need, caps)
    if filled.value < demand:
        if problems:
            problems.append(Shortfall(SO_AT_MOST, filled=filled.value, demand=demand))
        else:
            problems.append(_hall_message(filled, ni, ri, needs, list(reviewers),
                                          per_need, caps, max_load, demand))
    if filled.value == 0:
        return Assignment(problems=problems)
    return _solve(ni, ri, np.asarray(values), needs, list(reviewers), per_need, caps,
                  filled.value, demand, problems, time_limit)


@dataclass
class _Flow:
    value: int
    reachable: np.ndarray  # nodes on the source side of a minimum cut


def _max_seats(ni: np.ndarray, ri: np.ndarray, per_need: np.ndarray, caps: np.ndarray) -> _Flow:
    """Max flow source → needs → reviewers → sink: the most seats any assignment can fill."""
    n_need, n_rev = len(per_need), len(caps)
    source, sink = 0, 1 + n_need + n_rev
    rows = np.concatenate([np.zeros(n_need, np.int64), 1 + ni, 1 + n_need + np.arange(n_rev)])
    cols = np.concatenate([1 + np.arange(n_need), 1 + n_need + ri, np.full(n_rev, sink)])
    capacity = np.concatenate([per_need, np.ones(len(ni), np.int64), caps]).astype(np.int32)
    size = sink + 1
    graph = sp.csr_array((capacity, (rows, cols)), shape=(size, size))
    result = maximum_flow(graph, source, sink)
    residual = sp.csr_array(graph - result.flow)
    residual.data[residual.data < 0] = 0
    residual.eliminate_zeros()
    reachable = breadth_first_order(residual, source, return_predecessors=False)
    return _Flow(int(result.flow_value), reachable)


def _hall_message(flow: _Flow, ni: np.ndarray, ri: np.ndarray, needs: list[Id],
                  reviewers: list[Id], per_need: np.ndarray, caps: np.ndarray, max_load: int,
                  demand: int) -> Shortfall:
    """Name the group of needs whose candidate reviewers cannot cover them (Hall's condition)."""
    n_need = len(needs)
    side = np.zeros(1 + n_need + len(reviewers) + 1, dtype=bool)
    side[flow.reachable] = True
    group = np.flatnonzero(side[1 : 1 + n_need])
    in_group = np.isin(ni, group)
    pool, edges = np.unique(ri[in_group], return_counts=True)
    seats = int(np.minimum(edges, caps[pool]).sum())
    return Shortfall(GROUP_SHORT, max_load=max_load, filled=flow.value, demand=demand,
                   short=demand - flow.value, needs=f"榜 {_names(needs[i] for i in group)}",
                   need_ids=[needs[i] for i in group],
                   wanted=int(per_need[group].sum()), pool=len(pool),
                   reviewers=_names(reviewers[i] for i in pool),
                   reviewer_ids=[reviewers[i] for i in pool], seats=seats)


def _solve(ni: np.ndarray, ri: np.ndarray, values: np.ndarray, needs: list[Id],
           reviewers: list[Id], per_need: np.ndarray, caps: np.ndarray, seats: int, demand: int,
           problems: list[Shortfall], time_limit: float | None) -> Assignment:
    m = len(values)
    cols = np.arange(m)
    ones = np.ones(m)
    by_need = sp.csr_array((ones, (ni, cols)), shape=(len(needs), m))
    by_reviewer = sp.csr_array((ones, (ri, cols)), shape=(len(reviewers), m))
    exact = seats == demand
    constraints = [
        LinearConstraint(by_need, per_need if exact else 0, per_need),
        LinearConstraint(by_reviewer, 0, caps),
    ]
    if not exact:
        constraints.append(LinearConstraint(ones[np.newaxis, :], seats, seats))
    options = {"time_limit": time_limit} if time_limit else {}
    res = milp(-values, constraints=constraints, integrality=np.ones(m), bounds=Bounds(0, 1),
               options=options)
    if res.x is None:
        return Assignment(problems=problems + [Shortfall(SOLVER_FAILED, message=res.message)])
    if res.status != 0:
        problems = problems + [Shortfall(NOT_PROVEN_OPTIMAL, message=res.message)]
    chosen = np.flatnonzero(res.x > 0.5)
    chosen = chosen[np.lexsort((-values[chosen], ni[chosen]))]
    pairs = [(needs[ni[j]], reviewers[ri[j]]) for j in chosen.tolist()]
    return Assignment(pairs, float(values[chosen].sum()), problems)
