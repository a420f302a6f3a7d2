"""Aggregation rules of SPEC §6, by hand-computed cases."""

from decimal import Decimal

import pytest

from challenge.reviewing.aggregate import aggregate, rank


@pytest.mark.parametrize("totals,score,method", [
    ([80], "80.00", "mean"),
    ([70, 80, 90], "80.00", "mean"),
    ([70, 71], "70.50", "mean"),
    ([60, 61, 61], "60.67", "mean"),                 # 182 / 3 = 60.666… → 60.67
    ([10, 60, 70, 80, 100], "70.00", "trimmed"),     # drop 10 and 100
    ([50, 50, 50, 50, 50], "50.00", "trimmed"),
    ([95, 20, 70, 75, 80, 85], "77.50", "trimmed"),  # drop 20 and 95: 310 / 4
    ([1, 2, 2, 3, 100], "2.33", "trimmed"),          # 7 / 3 = 2.333…
])
def test_mean_and_trimmed_mean(totals, score, method):
    result = aggregate(totals)
    assert result.score == Decimal(score) and result.method == method
    assert result.count == len(totals)


@pytest.mark.parametrize("totals,spread,flag", [
    ([60, 90], 30, False),       # exactly 30 is not "more than 30"
    ([59, 90], 31, True),
    ([10, 60, 70, 80, 100], 90, True),  # the spread is of all reviews, trimmed or not
    ([75], 0, False),
])
def test_spread_and_disagreement(totals, spread, flag):
    result = aggregate(totals)
    assert (result.spread, result.disagreement) == (spread, flag)


def test_no_reviews_is_an_error():
    with pytest.raises(ValueError):
        aggregate([])


def test_rank_shares_places_on_ties():
    scores = {"a": Decimal("80.00"), "b": Decimal("85.50"), "c": Decimal("80.00"),
              "d": Decimal("70.00")}
    assert rank(scores) == {"b": 1, "a": 2, "c": 2, "d": 4}


def test_rank_of_all_equal_and_empty():
    assert rank({"x": Decimal(60), "y": Decimal(60)}) == {"x": 1, "y": 1}
    assert rank({}) == {}
