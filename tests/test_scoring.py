"""Sealed scoring: bounded criteria, a comment below the pass mark, read-only once submitted,
nobody but the bureau sees scores until the whole panel is in; racing submits leave one review."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from challenge.extensions import db
from challenge.models import Proposal, Review
from challenge.reviewing import operations as panels
from challenge.reviewing.scoring import (
    can_see_panel_scores,
    panel_complete,
    panels_for_reviewer,
    results,
    scored_proposals,
)
from challenge.states import OrgType, ProposalState, ReviewState, Role
from challenge.workflow import perform
from tests.factories import pledge
from tests.test_bidding import bid_form, open_board
from tests.test_concurrency import Browserless, run_together

FULL = {"approach": 25, "indicators": 20, "team": 15, "plan": 12, "budget": 8}  # 80


def score_form(values: dict, comment: str = "", submit: bool = True) -> dict:
    data = {f"score-{k}": str(v) for k, v in values.items()}
    data["comment"] = comment
    data["submit" if submit else "save"] = "1"
    return data


@pytest.fixture
def panel(client, auth, make, people):
    """A 榜 under review with two qualified bids and three seated reviewers."""
    board = open_board(make, people)
    other = make.user(Role.SOLVER, org=make.org(type=OrgType.INSTITUTE))
    db.session.commit()
    for solver in (people["solver"], other):
        auth.login(solver)
        client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
        auth.logout()
    perform(board, "close", "system", now=board.deadline_at + timedelta(seconds=1))
    bids = db.session.scalars(select(Proposal).order_by(Proposal.id)).all()
    for bid in bids:
        perform(bid, "qualify", people["admin"])
    reviewers = [make.user(Role.REVIEWER, org=make.org(type=OrgType.UNIVERSITY),
                           name=f"评审{n}") for n in range(3)]
    for reviewer in reviewers:
        pledge(board, panels.seat_reviewer(board, reviewer, people["admin"]))
    db.session.commit()
    return board, bids, reviewers


def test_reviewer_drafts_then_submits_and_cannot_change_it(client, auth, panel):
    board, bids, reviewers = panel
    auth.login(reviewers[0])
    url = f"/reviews/proposals/{bids[0].id}"
    assert client.post(url, data=score_form({"approach": 20}, submit=False)).status_code == 302
    review = db.session.scalars(select(Review)).one()
    assert review.state is ReviewState.DRAFT and review.scores == {"approach": 20}
    html = client.post(url, data=score_form({"approach": 20})).get_data(as_text=True)
    assert "请为「指标响应度」打分" in html  # submitting needs every criterion
    client.post(url, data=score_form(FULL))
    db.session.expire_all()
    review = db.session.scalars(select(Review)).one()
    assert review.state is ReviewState.SUBMITTED and review.total == 80
    assert review.submitted_at is not None
    response = client.post(url, data=score_form({**FULL, "approach": 30}))
    db.session.expire_all()
    assert db.session.scalars(select(Review)).one().total == 80
    assert "disabled" in client.get(url).get_data(as_text=True)
    assert response.status_code == 302


@pytest.mark.parametrize("values,message", [
    ({**FULL, "approach": 31}, "请输入 0 到 30 的整数"),
    ({**FULL, "budget": -1}, "请输入 0 到 10 的整数"),
    ({**FULL, "team": "abc"}, "请输入 0 到 20 的整数"),
])
def test_a_score_outside_its_bound_is_refused_and_nothing_is_saved(client, auth, panel, values,
                                                                   message):
    board, bids, reviewers = panel
    auth.login(reviewers[0])
    html = client.post(f"/reviews/proposals/{bids[0].id}", data=score_form(values)).get_data(
        as_text=True)
    assert message in html
    assert db.session.scalar(select(func.count(Review.id))) == 0


def test_below_the_pass_mark_needs_a_comment(client, auth, panel):
    board, bids, reviewers = panel
    auth.login(reviewers[0])
    low = {"approach": 10, "indicators": 10, "team": 10, "plan": 10, "budget": 5}  # 45
    html = client.post(f"/reviews/proposals/{bids[0].id}", data=score_form(low)).get_data(
        as_text=True)
    assert "总分低于合格分 60 分，请填写评审意见" in html
    assert db.session.scalars(select(Review)).one().state is ReviewState.DRAFT
    client.post(f"/reviews/proposals/{bids[0].id}", data=score_form(low, "技术路线不成熟"))
    db.session.expire_all()
    assert db.session.scalars(select(Review)).one().state is ReviewState.SUBMITTED


def _submit_all(client, auth, reviewers, bids, totals=None):
    for n, reviewer in enumerate(reviewers):
        auth.login(reviewer)
        for bid in bids:
            values = dict(FULL)
            if totals:
                values["approach"] = totals[n]
            client.post(f"/reviews/proposals/{bid.id}", data=score_form(values, "意见"))
        auth.logout()


def test_scores_are_sealed_until_the_panel_is_complete(client, auth, people, panel):
    board, bids, reviewers = panel
    url = f"/panels/{board.id}/scores"
    _submit_all(client, auth, reviewers[:2], bids)
    assert not panel_complete(board)
    expected_before = {"reviewer0": 403, "issuer": 403, "solver": 403, "admin": 200}
    accounts = {"reviewer0": reviewers[0], "issuer": people["issuer"],
                "solver": people["solver"], "admin": people["admin"]}
    for name, status in expected_before.items():
        auth.login(accounts[name])
        assert client.get(url).status_code == status, name
        auth.logout()
    _submit_all(client, auth, reviewers[2:], bids)
    db.session.expire_all()
    assert panel_complete(board)
    for name, status in {**expected_before, "reviewer0": 200}.items():
        auth.login(accounts[name])
        response = client.get(url)
        assert response.status_code == status, name
        if name == "reviewer0":
            html = response.get_data(as_text=True)
            assert "专家1" in html and "评审1" not in html  # the panel sees scores, not names
        auth.logout()


def test_results_aggregate_and_rank(client, auth, people, panel, make):
    board, bids, reviewers = panel
    more = [make.user(Role.REVIEWER, org=make.org(type=OrgType.UNIVERSITY)) for _ in range(2)]
    board.reviewers_required = 5
    for reviewer in more:
        pledge(board, panels.seat_reviewer(board, reviewer, people["admin"]))
    db.session.commit()
    # approach points per reviewer: 5 reviews -> drop highest and lowest
    _submit_all(client, auth, reviewers + more, bids, totals=[0, 10, 20, 25, 30])
    rows = results(board)
    assert [r.aggregate.method for r in rows] == ["trimmed", "trimmed"]
    # totals 55, 65, 75, 80, 85 -> mean of 65, 75, 80
    assert rows[0].aggregate.score == Decimal("73.33") and rows[0].aggregate.spread == 30
    assert [r.rank for r in rows] == [1, 1] and all(r.passes for r in rows)


@pytest.mark.parametrize("who", ["outsider", "solver", "issuer", "admin", "declined"])
def test_only_seated_reviewers_may_score(client, auth, people, panel, make, who):
    board, bids, reviewers = panel
    if who == "outsider":
        user = make.user(Role.REVIEWER)
    elif who == "declined":
        user = reviewers[1]
        seat = db.session.scalars(select(panels.ReviewAssignment).where(
            panels.ReviewAssignment.reviewer_id == user.id)).one()
        perform(seat, "decline", user, reason="回避")
    else:
        user = people[who]
    db.session.commit()
    auth.login(user)
    assert client.post(f"/reviews/proposals/{bids[0].id}",
                       data=score_form(FULL)).status_code == 403
    assert db.session.scalar(select(func.count(Review.id))) == 0


def test_an_unqualified_bid_cannot_be_scored(client, auth, people, panel):
    board, bids, reviewers = panel
    perform(bids[0], "disqualify", people["admin"], reason="资质不符")
    db.session.commit()
    auth.login(reviewers[0])
    assert client.get(f"/reviews/proposals/{bids[0].id}").status_code == 403


def test_two_racing_submissions_leave_exactly_one_review(live_server, panel):
    board, bids, reviewers = panel
    clients = [Browserless(live_server), Browserless(live_server)]
    for c in clients:
        c.login(reviewers[0].email)
    url = f"/reviews/proposals/{bids[0].id}"
    results_ = run_together([(lambda c=c: c.post(url, score_form(FULL, "同时提交"), url))
                             for c in clients])
    assert all(isinstance(r, tuple) for r in results_), results_
    db.session.expire_all()
    reviews = db.session.scalars(select(Review)).all()
    assert len(reviews) == 1 and reviews[0].state is ReviewState.SUBMITTED
    assert reviews[0].total == 80
    assert ProposalState.QUALIFIED is db.session.get(Proposal, bids[0].id).state


def test_a_board_whose_bids_all_fall_below_the_pass_mark_may_go_unclaimed(client, auth, people,
                                                                          panel):
    board, bids, reviewers = panel
    auth.login(people["admin"])
    html = client.post(f"/challenges/{board.id}/unclaim", data={"reason": "x"},
                       follow_redirects=True).get_data(as_text=True)
    assert "须待评审完成后再定" in html
    auth.logout()
    low = {"approach": 10, "indicators": 10, "team": 10, "plan": 10, "budget": 5}  # 45
    for reviewer in reviewers:
        auth.login(reviewer)
        for bid in bids:
            client.post(f"/reviews/proposals/{bid.id}", data=score_form(low, "未达要求"))
        auth.logout()
    auth.login(people["admin"])
    client.post(f"/challenges/{board.id}/unclaim", data={"reason": "无方案达到合格分"})
    db.session.expire_all()
    assert db.session.get(type(board), board.id).state.value == "unclaimed"


def test_a_passing_bid_blocks_unclaiming(client, auth, people, panel):
    board, bids, reviewers = panel
    _submit_all(client, auth, reviewers, bids)
    auth.login(people["admin"])
    html = client.post(f"/challenges/{board.id}/unclaim", data={"reason": "x"},
                       follow_redirects=True).get_data(as_text=True)
    assert "已有达到合格分的揭榜方案" in html


def test_the_reviewers_list_decides_visibility_as_the_panel_page_does(client, auth, people, panel):
    """panels_for_reviewer (one query per kind of row, for a whole list of 榜) agrees with
    scored_proposals and can_see_panel_scores per 榜, before and after the panel completes."""
    board, bids, reviewers = panel
    accounts = [*reviewers, people["issuer"], people["solver"], people["admin"]]

    def agree(expected_reviewer_sees: bool) -> None:
        db.session.expire_all()
        for user in accounts:
            found_bids, visible = panels_for_reviewer(user, [board])[board.id]
            assert [b.id for b in found_bids] == [b.id for b in scored_proposals(board)]
            assert visible == can_see_panel_scores(user, board), user.name
        assert panels_for_reviewer(reviewers[0], [board])[board.id][1] is expected_reviewer_sees

    _submit_all(client, auth, reviewers[:2], bids)
    agree(False)
    _submit_all(client, auth, reviewers[2:], bids)
    agree(True)
    assert panels_for_reviewer(people["admin"], []) == {}
