"""Money and counters cannot race: the same form posted many times at the same instant to a
live multi-process server (gunicorn, CSRF on) records at most what one post may record, on
SQLite and on PostgreSQL. Every other post is refused with a readable message, never a 500.

Each test fetches its CSRF tokens first and then fires only the POSTs together, so the posts
meet inside the server: between the check ("is this payment still due?") and the write."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from challenge.awarding import operations as award_ops
from challenge.bidding.operations import MAX_ATTACHMENTS
from challenge.bidding.questions import MAX_UNANSWERED, ask_question
from challenge.extensions import db
from challenge.models import (
    AccessGrant,
    AuditEvent,
    ChallengeInvitation,
    LedgerEntry,
    Objection,
    Proposal,
    ProposalAttachment,
    Question,
    ReviewAssignment,
)
from challenge.reviewing.decision import MAX_OPEN_OBJECTIONS, file_objection
from challenge.states import (
    LIVE_PROPOSAL_STATES,
    ChallengeState,
    Confidentiality,
    EntryKind,
    FailureRule,
    FundingMode,
    ObjectionState,
    OrgType,
    PanelSeatState,
    Payer,
    Role,
)
from challenge.timeutil import local_today, utcnow
from challenge.workflow import perform
from tests.test_bidding import bid_form, open_board
from tests.test_concurrency import Browserless, run_together
from tests.test_decision import decided_board

pytestmark = pytest.mark.concurrency

BURST = 10
DUE_FEN = 60_000_000  # 60 万元: the first milestone's 40 % of a 150 万元 contract


def signed_in(server, user) -> Browserless:
    client = Browserless(server.url)
    client.login(user.email)
    return client


def fire(server, client: Browserless, path: str, forms: list[dict], token: str) -> list:
    """Post every form at the same instant; no reply may be a server error."""
    replies = run_together([lambda f=f: client.send(path, f, token) for f in forms])
    failed = [r for r in replies if not hasattr(r, "status") or r.status >= 500]
    assert not failed, f"{failed}\n{server.log_tail()}"
    db.session.expire_all()
    return replies


def redirected(replies) -> int:
    """Posts that succeeded: the views answer a recorded change with a redirect."""
    return sum(r.status in (302, 303) for r in replies)


def entries(contract_id: int, kind: EntryKind) -> list[LedgerEntry]:
    return list(db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.contract_id == contract_id, LedgerEntry.kind == kind)))


# -- the ledger --------------------------------------------------------------------------------

@pytest.fixture
def contract_due(make, people):
    """A signed milestone contract of 150 万元 whose first milestone (40 %) the enterprise has
    confirmed: exactly 60 万元 is due."""
    admin = people["admin"]
    board = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=admin,
                           funding_mode=FundingMode.MILESTONE)
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    contract = make.contract(board, admin, solver=people["solver"], sign=True)
    first = contract.milestones[0]
    perform(first, "report", people["solver"], report="完成")
    perform(first, "confirm", people["issuer"])
    db.session.commit()
    assert contract.amount_fen == 150_000_000
    return contract


def test_simultaneous_payments_of_the_amount_due_record_one(contract_due, people,
                                                           multiprocess_server):
    contract = contract_due
    admin = signed_in(multiprocess_server, people["admin"])
    token = admin.token(f"/contracts/{contract.id}")
    forms = [{"pay-payer": Payer.ENTERPRISE.value, "pay-amount": "60",
              "pay-paid_on": local_today().isoformat(),
              "pay-milestone": str(contract.milestones[0].id), "pay-reference": f"流水 {n}",
              "pay-csrf_token": token} for n in range(BURST)]
    replies = fire(multiprocess_server, admin, f"/contracts/{contract.id}/payments", forms, token)
    payments = entries(contract.id, EntryKind.PAYMENT)
    assert (len(payments), sum(p.amount_fen for p in payments)) == (1, DUE_FEN)
    assert redirected(replies) == 1
    refused = [r for r in replies if r.status == 200]
    assert len(refused) == BURST - 1
    # 60 万 of the 150 万 contract stays within its total; the milestone's 40 % share does not.
    assert all("超出该里程碑份额" in r.text for r in refused)


def test_simultaneous_reversals_of_one_payment_record_one(contract_due, people,
                                                         multiprocess_server):
    contract = contract_due
    payment = award_ops.record_payment(contract, people["admin"], award_ops.PaymentInput(
        Payer.ENTERPRISE, DUE_FEN, local_today(), contract.milestones[0].id, "流水 001"))
    db.session.commit()
    admin = signed_in(multiprocess_server, people["admin"])
    token = admin.token(f"/ledger/{payment.id}/reverse")
    replies = fire(multiprocess_server, admin, f"/ledger/{payment.id}/reverse",
                   [{"reason": f"重复登记 {n}"} for n in range(BURST)], token)
    reversals = entries(contract.id, EntryKind.REVERSAL)
    assert [r.amount_fen for r in reversals] == [-DUE_FEN]
    assert redirected(replies) >= 1  # the refusals redirect too, with the reason flashed


def test_simultaneous_recoveries_record_one(contract_due, people, multiprocess_server):
    contract = contract_due
    award_ops.record_payment(contract, people["admin"], award_ops.PaymentInput(
        Payer.ENTERPRISE, DUE_FEN, local_today(), contract.milestones[0].id, "流水 001"))
    award_ops.fail_contract(contract, people["admin"], "未达到指标", FailureRule.RECOVER,
                            recovery_fen=DUE_FEN)
    db.session.commit()
    admin = signed_in(multiprocess_server, people["admin"])
    token = admin.token(f"/contracts/{contract.id}")
    forms = [{"rec-amount": "60", "rec-paid_on": local_today().isoformat(),
              "rec-reference": f"追回 {n}", "rec-csrf_token": token} for n in range(BURST)]
    replies = fire(multiprocess_server, admin, f"/contracts/{contract.id}/recovered", forms, token)
    recovered = entries(contract.id, EntryKind.RECOVERED)
    assert (len(recovered), sum(r.amount_fen for r in recovered)) == (1, DUE_FEN)
    assert redirected(replies) == 1
    assert all("超过尚未追回" in r.text for r in replies if r.status == 200)


# -- caps ------------------------------------------------------------------------------------

def test_twenty_simultaneous_questions_at_nine_open_leave_ten(make, people, multiprocess_server):
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    solver = people["solver"]
    for n in range(MAX_UNANSWERED - 1):
        ask_question(board, solver, f"已有的问题 {n}")
    db.session.commit()
    client = signed_in(multiprocess_server, solver)
    token = client.token(f"/challenges/{board.id}")
    replies = fire(multiprocess_server, client, f"/challenges/{board.id}/questions",
                   [{"body": f"同时提出的问题 {n}"} for n in range(2 * BURST)], token)
    open_count = db.session.scalar(select(func.count(Question.id)).where(
        Question.challenge_id == board.id, Question.asker_id == solver.id, Question.answer == ""))
    assert open_count == MAX_UNANSWERED
    assert redirected(replies) == 1
    assert all("尚未回复" in r.text for r in replies if r.status == 200)


def test_simultaneous_objections_stay_within_the_open_cap(client, auth, make, people,
                                                         multiprocess_server):
    board = decided_board(client, auth, make, people)[0]
    filer = people["other_enterprise"]
    file_objection(board, filer, "已有的异议")
    db.session.commit()
    browser = signed_in(multiprocess_server, filer)
    token = browser.token(f"/results/{board.id}")
    replies = fire(multiprocess_server, browser, f"/results/{board.id}/objections",
                   [{"reason": f"同时提出的异议 {n}"} for n in range(BURST)], token)
    open_count = db.session.scalar(select(func.count(Objection.id)).where(
        Objection.challenge_id == board.id, Objection.filer_id == filer.id,
        Objection.state == ObjectionState.OPEN))
    assert open_count == MAX_OPEN_OBJECTIONS
    assert redirected(replies) == MAX_OPEN_OBJECTIONS - 1


def test_simultaneous_uploads_stay_within_a_bids_attachment_cap(client, auth, make, people,
                                                                 multiprocess_server):
    board = open_board(make, people)
    solver = people["solver"]
    auth.login(solver)
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board, submit=None))
    proposal = db.session.scalars(select(Proposal).where(Proposal.challenge_id == board.id)).one()
    for n in range(MAX_ATTACHMENTS - 1):
        db.session.add(ProposalAttachment(proposal_id=proposal.id, original_name=f"旧附件{n}.pdf",
                                          stored_name=f"old{n}.pdf", content_type="application/pdf",
                                          size=9, uploaded_by_id=solver.id))
    db.session.commit()
    browser = signed_in(multiprocess_server, solver)
    path = f"/proposals/{proposal.id}/attachments"
    token = browser.token(f"/proposals/{proposal.id}")
    pdf = b"%PDF-1.4\n%%EOF\n"
    replies = run_together([lambda n=n: browser.send(path, {}, token, {"file": (f"方案{n}.pdf", pdf)})
                            for n in range(BURST)])
    assert all(hasattr(r, "status") and r.status < 500 for r in replies), \
        f"{replies}\n{multiprocess_server.log_tail()}"
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ProposalAttachment.id)).where(
        ProposalAttachment.proposal_id == proposal.id)) == MAX_ATTACHMENTS


# -- one grant, one invitation per person ------------------------------------------------------

def test_simultaneous_access_requests_leave_one_request(make, people, multiprocess_server):
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                           confidentiality=Confidentiality.DESENSITIZED)
    client = signed_in(multiprocess_server, people["solver"])
    path = f"/challenges/{board.id}/request-access"
    token = client.token(path)
    fire(multiprocess_server, client, path, [{"note": f"申请 {n}"} for n in range(BURST)], token)
    assert db.session.scalar(select(func.count(AccessGrant.id)).where(
        AccessGrant.challenge_id == board.id)) == 1


def test_simultaneous_invitations_leave_one_invitation(make, people, multiprocess_server):
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"],
                           confidentiality=Confidentiality.DIRECTED)
    issuer = signed_in(multiprocess_server, people["issuer"])
    token = issuer.token(f"/challenges/{board.id}")
    fire(multiprocess_server, issuer, f"/challenges/{board.id}/invite",
         [{"email": people["solver"].email}] * BURST, token)
    invited = db.session.scalar(select(func.count(ChallengeInvitation.id)).where(
        ChallengeInvitation.challenge_id == board.id))
    granted = db.session.scalar(select(func.count(AccessGrant.id)).where(
        AccessGrant.challenge_id == board.id))
    assert (invited, granted) == (1, 1)


def test_two_admins_objecting_at_once_wait_for_each_other_without_deadlock(
        client, auth, make, people, multiprocess_server):
    """Each filer's row is locked, and each objection notifies every admin: a lock that kept
    references out (FOR UPDATE) would make two admins' notifications wait for each other."""
    board = decided_board(client, auth, make, people)[0]
    admins = [people["admin"], make.user(Role.ADMIN)]
    db.session.commit()
    browsers = [signed_in(multiprocess_server, a) for a in admins]
    path = f"/results/{board.id}/objections"
    tokens = [b.token(f"/results/{board.id}") for b in browsers]
    replies = run_together([lambda b=b, t=t, n=n: b.send(path, {"reason": f"异议 {n}"}, t)
                            for n in range(2) for b, t in zip(browsers, tokens, strict=True)])
    assert all(hasattr(r, "status") and r.status == 302 for r in replies), \
        f"{[getattr(r, 'status', r) for r in replies]}\n{multiprocess_server.log_tail()}"
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Objection.id)).where(
        Objection.challenge_id == board.id)) == 4


# -- one live bid per organisation -------------------------------------------------------------

def test_two_members_bidding_at_once_leave_one_live_bid_and_a_readable_refusal(
        make, people, multiprocess_server):
    board = open_board(make, people)
    lab = make.org(type=OrgType.UNIVERSITY)
    pair = [make.user(Role.SOLVER, org=lab), make.user(Role.SOLVER, org=lab)]
    db.session.commit()
    clients = [signed_in(multiprocess_server, member) for member in pair]
    path = f"/challenges/{board.id}/bid"
    tokens = [c.token(path) for c in clients]  # both see the empty form: "we are first"
    form = bid_form(board)
    replies = run_together([lambda c=c, t=t: c.send(path, form, t)
                            for c, t in zip(clients, tokens, strict=True)])
    assert all(hasattr(r, "status") and r.status < 500 for r in replies), \
        f"{replies}\n{multiprocess_server.log_tail()}"
    db.session.expire_all()
    live = db.session.scalars(select(Proposal).where(
        Proposal.challenge_id == board.id, Proposal.state.in_(LIVE_PROPOSAL_STATES))).all()
    assert len(live) == 1 and live[0].lead_org_id == lab.id
    winner = next(i for i, r in enumerate(replies) if f"/proposals/{live[0].id}" in r.location)
    loser, reply = clients[1 - winner], replies[1 - winner]
    assert reply.status == 302
    page = loser.get(reply.location.removeprefix(multiprocess_server.url))
    # Either refused with the reason, or (if the winner had already committed) shown the bid
    # its organisation already has.
    assert "每个单位只能作为牵头单位揭榜一次" in page or f"/proposals/{live[0].id}" in reply.location


# -- one transition, posted twice --------------------------------------------------------------

def test_a_transition_posted_twice_at_once_happens_once_and_the_second_is_told(
        client, auth, make, people, multiprocess_server):
    """Both requests read the bid as submitted; the version column lets one write through,
    and the other must be told (not shown a 500) -- in every blueprint."""
    board = open_board(make, people)
    solver = people["solver"]
    auth.login(solver)
    client.post(f"/challenges/{board.id}/bid", data=bid_form(board))
    proposal = db.session.scalars(select(Proposal).where(Proposal.challenge_id == board.id)).one()
    browser = signed_in(multiprocess_server, solver)
    path = f"/proposals/{proposal.id}/withdraw"
    token = browser.token(path)
    replies = fire(multiprocess_server, browser, path,
                   [{"reason": f"撤回 {n}"} for n in range(BURST)], token)
    events = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.object_type == "proposal", AuditEvent.object_id == proposal.id,
        AuditEvent.action == "withdraw"))
    assert events == 1
    # One withdrawal; requests that read the bid before it committed lose at the version check
    # (409, told why), those that read it after are refused it (403: nothing left to withdraw).
    assert sorted({r.status for r in replies} - {403}) in ([302], [302, 409])
    assert all("数据已被他人修改" in r.text for r in replies if r.status == 409)


# -- panel seats -----------------------------------------------------------------------------

def seated(**where) -> int:
    return db.session.scalar(select(func.count(ReviewAssignment.id)).where(
        ReviewAssignment.state == PanelSeatState.ASSIGNED,
        *(getattr(ReviewAssignment, k) == v for k, v in where.items())))


def test_simultaneous_seats_never_exceed_the_panel_size(make, people, multiprocess_server):
    board = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=people["admin"])
    board.reviewers_required = 1
    reviewers = [make.user(Role.REVIEWER) for _ in range(BURST)]
    db.session.commit()
    admin = signed_in(multiprocess_server, people["admin"])
    path = f"/admin/panels/{board.id}"
    token = admin.token(path)
    replies = fire(multiprocess_server, admin, path,
                   [{"reviewer": str(r.id)} for r in reviewers], token)
    assert seated(challenge_id=board.id) == 1
    assert redirected(replies) == 1
    assert all("评审组已满" in r.text for r in replies if r.status == 200)


def test_simultaneous_seats_never_exceed_a_reviewers_load(app, make, people,
                                                         multiprocess_server):
    max_load = app.config["REVIEWER_MAX_LOAD"]
    expert = make.user(Role.REVIEWER)
    boards = [make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=people["admin"])
              for _ in range(max_load + 3)]
    for board in boards[:max_load - 1]:
        db.session.add(ReviewAssignment(challenge_id=board.id, reviewer_id=expert.id,
                                        assigned_by_id=people["admin"].id))
    db.session.commit()
    admin = signed_in(multiprocess_server, people["admin"])
    token = admin.token(f"/admin/panels/{boards[-1].id}")
    form = {"reviewer": str(expert.id)}
    replies = run_together([lambda path=f"/admin/panels/{b.id}": admin.send(path, form, token)
                            for b in boards[max_load - 1:]])
    assert all(hasattr(r, "status") and r.status < 500 for r in replies), \
        f"{replies}\n{multiprocess_server.log_tail()}"
    db.session.expire_all()
    assert seated(reviewer_id=expert.id) == max_load
    assert redirected(replies) == 1
    assert all("达到上限" in r.text for r in replies if r.status == 200)
