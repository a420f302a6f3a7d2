"""Matching engine for 揭榜挂帅: pure functions and indexes over plain data (no Flask, no DB).

Typical use::

    experts = Matcher(profiles)
    experts.top_experts(need, k=10)        # who can solve this 榜
    needs = NeedIndex(all_needs)
    needs.top_needs(profile, k=10)         # which 榜 suit this solver
    needs.near_duplicates(new_need)        # does this 榜 already exist
    needs.search("熔喷部过滤")              # typo-tolerant search
    assign_reviewers(scores, 3, 2, conflicts)
"""

from .assignment import Assignment, Shortfall, assign_reviewers
from .matcher import Matcher, NeedIndex
from .models import Id, Match, Need, Profile
from .normalize import normalize
from .text import tokenize

__all__ = [
    "Assignment",
    "Shortfall",
    "Id",
    "Match",
    "Matcher",
    "Need",
    "NeedIndex",
    "Profile",
    "assign_reviewers",
    "normalize",
    "tokenize",
]
