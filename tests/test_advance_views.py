"""The bureau's pages for 前置兑现 and 递补: bad input is answered next to the field and changes
nothing; other roles are kept out."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import LedgerEntry
from challenge.reviewing.decision import decide
from challenge.states import ChallengeState, EntryKind, ProposalState
from challenge.timeutil import utcnow
from tests.test_advance import WAN, advancing_board
from tests.test_decision import review_board, states


@pytest.fixture
def signed(make, people):
    board = advancing_board(make, people, 3000, 20 * WAN)
    contract = make.contract(board, people["admin"], solver=people["solver"], sign=True,
                             amount_fen=100 * WAN, subsidy_rate_bp=3000, subsidy_cap_fen=40 * WAN)
    db.session.commit()
    return board, contract


def advances(contract):
    return db.session.scalars(select(LedgerEntry.amount_fen).where(
        LedgerEntry.contract_id == contract.id, LedgerEntry.kind == EntryKind.ADVANCE)).all()


def test_the_bureau_sets_the_advance_terms_and_bad_input_is_shown_by_the_field(client, auth, make, people):
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    auth.login(people["admin"])
    page = client.post(f"/admin/challenges/{board.id}/advance", data={"share": "百分之三十", "cap": "20"})
    assert page.status_code == 200 and "最多两位小数的百分数" in page.text
    page = client.post(f"/admin/challenges/{board.id}/advance", data={"share": "30", "cap": ""})
    assert page.status_code == 200 and "请填写上限" in page.text
    db.session.refresh(board)
    assert (board.advance_share_bp, board.advance_cap_fen) == (0, 0)
    response = client.post(f"/admin/challenges/{board.id}/advance", data={"share": "30", "cap": "20"})
    assert response.status_code == 302
    db.session.refresh(board)
    assert (board.advance_share_bp, board.advance_cap_fen) == (3000, 20 * WAN)
    page = client.get(f"/admin/challenges/{board.id}/contracts")
    assert "签约后可先行支付政府补助的 30%" in page.text


def test_an_advance_over_the_limit_is_refused_by_the_amount_and_the_right_one_recorded(client, auth, people,
                                                                                       signed):
    _board, contract = signed
    auth.login(people["admin"])
    page = client.get(f"/contracts/{contract.id}")
    assert f"/contracts/{contract.id}/advance" in page.text
    page = client.get(f"/contracts/{contract.id}/advance")
    assert page.status_code == 200 and 'data-testid="advance-limit"' in page.text
    page = client.post(f"/contracts/{contract.id}/advance",
                       data={"amount": "9.01", "paid_on": "2000-01-01", "reference": "拨付 1"})
    assert page.status_code == 200 and "超出前置兑现额度" in page.text
    page = client.post(f"/contracts/{contract.id}/advance",
                       data={"amount": "9", "paid_on": "2000-01-01", "reference": ""})
    assert page.status_code == 200 and "请填写凭证号" in page.text
    assert advances(contract) == []
    response = client.post(f"/contracts/{contract.id}/advance",
                           data={"amount": "9", "paid_on": "2000-01-01", "reference": "拨付 1"})
    assert response.status_code == 302
    assert advances(contract) == [9 * WAN]
    page = client.get(f"/contracts/{contract.id}")
    assert 'data-testid="advanced"' in page.text and "前置兑现" in page.text
    page = client.get(f"/contracts/{contract.id}/advance")
    assert 'data-testid="problem"' in page.text  # the limit is used up
    # the failure page says what of the advance would be owed back (no milestone earned: all)
    page = client.get(f"/contracts/{contract.id}/fail")
    assert 'data-testid="unearned-advance"' in page.text and "9.00" in page.text


@pytest.mark.parametrize("role", ["solver", "issuer", "reviewer"])
def test_only_the_bureau_reaches_these_pages(client, auth, people, signed, role):
    board, contract = signed
    auth.login(people[role])
    for url in (f"/contracts/{contract.id}/advance", f"/admin/challenges/{board.id}/advance",
                f"/admin/proposals/{contract.proposal_id}/runner-up"):
        assert client.get(url).status_code in (403, 404), url
    response = client.post(f"/contracts/{contract.id}/advance",
                           data={"amount": "1", "paid_on": "2000-01-01", "reference": "x"})
    assert response.status_code in (403, 404)
    assert advances(contract) == []


def test_the_runner_up_page_names_the_candidate_and_promotes_it(client, auth, make, people):
    board, bids, _bidders, _reviewers = review_board(client, auth, make, people,
                                                     [[85, 85, 85], [75, 75, 75]])
    decide(board, people["admin"], [bids[0].id], "综合得分第一。", {})
    db.session.commit()
    auth.login(people["admin"])
    page = client.get(f"/admin/challenges/{board.id}/contracts")
    assert f"/admin/proposals/{bids[0].id}/runner-up" in page.text
    page = client.get(f"/admin/proposals/{bids[0].id}/runner-up")
    assert 'data-testid="candidate"' in page.text and bids[1].lead_org.name in page.text
    assert 'data-testid="signing-overdue"' not in client.get(f"/admin/challenges/{board.id}/contracts").text
    page = client.post(f"/admin/proposals/{bids[0].id}/runner-up", data={"reason": "放弃"})
    assert page.status_code == 200 and "请选择递补原因" in page.text
    page = client.post(f"/admin/proposals/{bids[0].id}/runner-up",
                       data={"trigger": "not_signed", "reason": "逾期"})
    assert page.status_code == 200 and "签约期限至" in page.text
    assert states(*bids) == [ProposalState.SELECTED, ProposalState.NOT_SELECTED]
    # once the signing time is over the 榜's page says so
    board.publicity_ends_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert 'data-testid="signing-overdue"' in client.get(f"/admin/challenges/{board.id}/contracts").text
    response = client.post(f"/admin/proposals/{bids[0].id}/runner-up",
                           data={"trigger": "declined", "reason": "书面放弃"})
    assert response.status_code == 302
    assert states(*bids) == [ProposalState.NOT_SELECTED, ProposalState.SELECTED]
    # now nobody is left to promote in place of the runner-up
    page = client.get(f"/admin/proposals/{bids[1].id}/runner-up")
    assert 'data-testid="problem"' in page.text and "没有达到合格分" in page.text
