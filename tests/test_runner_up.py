"""递补 (issue 15 item 5): a winner who declines, fails due diligence or does not sign in time is
replaced by the next bid at or above the pass mark, with its own 公示, through the door,
audited and notified; refused when no bid qualifies."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from challenge.awarding import operations as award_ops
from challenge.awarding.runner_up import replace_winner, runner_up
from challenge.errors import Refused
from challenge.extensions import db
from challenge.models import AuditEvent, Contract, Notification, OutboundEmail
from challenge.reviewing.decision import decide
from challenge.states import (
    ChallengeState,
    ContractState,
    FailureRule,
    ProposalState,
    RunnerUpTrigger,
)
from challenge.timeutil import utcnow
from tests.test_decision import review_board, states

DECLINED, DILIGENCE, NOT_SIGNED = (RunnerUpTrigger.DECLINED, RunnerUpTrigger.DUE_DILIGENCE,
                                   RunnerUpTrigger.NOT_SIGNED)


@pytest.fixture
def four_bids(client, auth, make, people):
    """Four scored bids — 85, 75, 65 and 50 points (pass mark 60) — the first selected, 公示 over."""
    board, bids, bidders, _reviewers = review_board(
        client, auth, make, people, [[85, 85, 85], [75, 75, 75], [65, 65, 65], [50, 50, 50]])
    decide(board, people["admin"], [bids[0].id], "综合得分第一。", {})
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert states(*bids) == [ProposalState.SELECTED] + [ProposalState.NOT_SELECTED] * 3
    return board, bids, bidders


def events(obj_type, obj_id, action):
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == obj_type, AuditEvent.object_id == obj_id,
        AuditEvent.action == action)).all()


def notes(user):
    return db.session.scalars(select(Notification.message).where(Notification.user_id == user.id)).all()


def test_a_declining_winner_is_replaced_by_the_next_bid_with_its_own_publicity(people, four_bids):
    board, bids, bidders = four_bids
    assert runner_up(board).proposal.id == bids[1].id
    before = utcnow()
    done = replace_winner(bids[0], people["admin"], DECLINED, "书面放弃声明")
    db.session.commit()
    assert (done.dropped.id, done.promoted.id, done.contract_failed) == (bids[0].id, bids[1].id, None)
    assert states(*bids) == [ProposalState.NOT_SELECTED, ProposalState.SELECTED,
                             ProposalState.NOT_SELECTED, ProposalState.NOT_SELECTED]
    assert board.state is ChallengeState.PUBLICITY
    # its own 公示: PUBLICITY_DAYS from the promotion, and signing waits for it again
    assert before + timedelta(days=5) <= board.publicity_ends_at <= utcnow() + timedelta(days=5)
    contract = award_ops.draft_contract(bids[1], people["admin"])
    with pytest.raises(Refused, match="公示期"):
        award_ops.sign_contract(contract, people["admin"])
    db.session.rollback()
    # audited through the door, each with its reason
    [drop] = events("proposal", bids[0].id, "drop")
    assert (drop.from_state, drop.to_state) == ("selected", "not_selected")
    assert "入选方放弃" in drop.reason and "书面放弃声明" in drop.reason
    [promote] = events("proposal", bids[1].id, "promote")
    assert (promote.from_state, promote.to_state) == ("not_selected", "selected")
    assert "75" in promote.reason
    # told: the dropped winner, the promoted bidder and the issuer, in-app and by e-mail
    assert any("入选资格已取消" in m for m in notes(bidders[0]))
    assert any("递补入选" in m for m in notes(bidders[1]))
    assert any("递补入选" in m for m in notes(people["issuer"]))
    assert not any("递补" in m for m in notes(bidders[2]))
    mailed = db.session.scalars(select(OutboundEmail.to_address)).all()
    assert {bidders[0].email, bidders[1].email, people["issuer"].email} <= set(mailed)


def test_a_winner_failing_due_diligence_loses_its_draft_contract_and_the_board_goes_on(people, four_bids):
    board, bids, _bidders = four_bids
    draft = award_ops.draft_contract(bids[0], people["admin"])
    db.session.commit()
    done = replace_winner(bids[0], people["admin"], DILIGENCE, "核查发现资质证明失效")
    db.session.commit()
    assert done.contract_failed is draft
    assert draft.state is ContractState.FAILED and draft.failure_rule is FailureRule.TERMINATE
    assert "尽职调查未通过" in draft.end_note
    assert board.state is ChallengeState.PUBLICITY  # not failed: the runner-up awaits its contract
    assert states(bids[1]) == [ProposalState.SELECTED]


def test_not_signed_is_a_trigger_only_once_the_signing_time_is_over(app, people, four_bids):
    board, bids, _bidders = four_bids
    days = app.config["RUNNER_UP_SIGN_DAYS"]
    assert days == 30
    with pytest.raises(Refused, match="签约期限至"):
        replace_winner(bids[0], people["admin"], NOT_SIGNED, "未来签约")
    db.session.rollback()
    assert states(*bids[:2]) == [ProposalState.SELECTED, ProposalState.NOT_SELECTED]
    # a minute before the time: still refused; just after: replaced
    with pytest.raises(Refused, match="签约期限至"):
        replace_winner(bids[0], people["admin"], NOT_SIGNED, "未来签约",
                       now=board.publicity_ends_at + timedelta(days=days, minutes=-1))
    db.session.rollback()
    replace_winner(bids[0], people["admin"], NOT_SIGNED, "逾期未来签约",
                   now=board.publicity_ends_at + timedelta(days=days, minutes=1))
    db.session.commit()
    assert states(*bids[:2]) == [ProposalState.NOT_SELECTED, ProposalState.SELECTED]


def test_the_next_bid_each_time_never_a_dropped_one_and_refused_when_none_qualifies(people, four_bids):
    board, bids, _bidders = four_bids
    admin = people["admin"]
    replace_winner(bids[0], admin, DECLINED, "放弃")
    replace_winner(bids[1], admin, DECLINED, "也放弃")
    db.session.commit()
    assert states(*bids) == [ProposalState.NOT_SELECTED, ProposalState.NOT_SELECTED,
                             ProposalState.SELECTED, ProposalState.NOT_SELECTED]
    # the 50-point bid is below the pass mark; the first two were dropped
    assert runner_up(board) is None
    with pytest.raises(Refused, match="没有达到合格分 60 分的候补方案"):
        replace_winner(bids[2], admin, DECLINED, "再放弃")
    db.session.rollback()
    assert states(bids[2]) == [ProposalState.SELECTED]
    assert events("proposal", bids[2].id, "drop") == []


def test_refused_when_no_other_bid_reaches_the_pass_mark(client, auth, make, people):
    board, bids, _bidders, _reviewers = review_board(client, auth, make, people,
                                                     [[85, 85, 85], [59, 59, 59]])
    decide(board, people["admin"], [bids[0].id], "综合得分第一。", {})
    db.session.commit()
    with pytest.raises(Refused, match="没有达到合格分"):
        replace_winner(bids[0], people["admin"], DECLINED, "放弃")
    db.session.rollback()
    assert states(*bids) == [ProposalState.SELECTED, ProposalState.NOT_SELECTED]


def test_a_signed_winner_cannot_be_replaced_and_a_reason_is_required(people, four_bids):
    board, bids, _bidders = four_bids
    admin = people["admin"]
    with pytest.raises(Refused, match="理由"):
        replace_winner(bids[0], admin, DECLINED, "  ")
    with pytest.raises(Refused, match="只有入选"):
        replace_winner(bids[1], admin, DECLINED, "放弃")
    contract = award_ops.draft_contract(bids[0], admin)
    award_ops.sign_contract(contract, admin)
    db.session.commit()
    assert board.state is ChallengeState.CONTRACTED
    with pytest.raises(Refused, match="不能递补"):
        replace_winner(bids[0], admin, DECLINED, "放弃")
    db.session.rollback()
    assert db.session.get(Contract, contract.id).state is ContractState.ACTIVE


def test_the_promoted_runner_up_signs_after_its_publicity_and_the_board_is_contracted(people, four_bids):
    board, bids, _bidders = four_bids
    admin = people["admin"]
    replace_winner(bids[0], admin, DECLINED, "放弃")
    db.session.commit()
    contract = award_ops.draft_contract(bids[1], admin)
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    award_ops.sign_contract(contract, admin)
    db.session.commit()
    assert contract.state is ContractState.ACTIVE and board.state is ChallengeState.CONTRACTED
