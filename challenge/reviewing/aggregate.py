"""Panel scores per bid (SPEC §6): the plain mean, or with five or more reviews the mean after
dropping one highest and one lowest; the spread; a flag when reviewers disagree by more than 30
points; and a ranking where ties share a place. Exact decimals, no floats."""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TRIM_FROM = 5
DISAGREEMENT_OVER = 30
PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Aggregate:
    totals: tuple[int, ...]
    score: Decimal            # 2 decimals, half up
    method: str               # "mean" or "trimmed"
    spread: int               # highest minus lowest total
    disagreement: bool        # spread above DISAGREEMENT_OVER

    @property
    def count(self) -> int:
        return len(self.totals)


def aggregate(totals: Sequence[int]) -> Aggregate:
    """Combine the reviewers' totals for one bid."""
    if not totals:
        raise ValueError("no reviews to aggregate")
    ordered = sorted(int(t) for t in totals)
    kept, method = (ordered[1:-1], "trimmed") if len(ordered) >= TRIM_FROM else (ordered, "mean")
    score = (Decimal(sum(kept)) / Decimal(len(kept))).quantize(PLACES, rounding=ROUND_HALF_UP)
    spread = ordered[-1] - ordered[0]
    return Aggregate(tuple(int(t) for t in totals), score, method, spread,
                     spread > DISAGREEMENT_OVER)


def rank(scores: Mapping[Hashable, Decimal]) -> dict[Hashable, int]:
    """Competition ranking (1, 2, 2, 4): equal scores share a place."""
    ordered = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    places: dict[Hashable, int] = {}
    for position, (key, score) in enumerate(ordered, start=1):
        if position > 1 and score == ordered[position - 2][1]:
            places[key] = places[ordered[position - 2][0]]
        else:
            places[key] = position
    return places
