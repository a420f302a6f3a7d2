"""The organisation join, replayed over HTTP against a live server (CSRF on): someone registers
as 揭榜方 naming an existing organisation (its name is public on /organizations/<id>) and then
tries everything a member could. Before issue 11 the account was put inside the organisation
and read its bids and attachments (also on a 定向 榜 it cannot see), its contract, received
its notifications and edited a colleague's draft; now it is a join request and sees nothing."""

import io
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict

from challenge.awarding import operations as award_ops
from challenge.bidding import operations as bidding_ops
from challenge.bidding.forms import ProposalForm
from challenge.extensions import db
from challenge.models import Notification, Proposal, User
from challenge.permissions import grant_for
from challenge.posting import operations as posting_ops
from challenge.states import ChallengeState, Confidentiality, OrgType, ProposalState, Role
from challenge.timeutil import utcnow
from tests.test_auth import mailed_link
from tests.test_bidding import PDF, bid_form, open_board
from tests.test_concurrency import TOKEN, Browserless

ATTACKER = "mallory@example.cn"
SECRET_TITLE = "驻极熔喷一体化工艺（东州大学内部）"


class Visitor(Browserless):
    """Browserless that reports 4xx answers instead of raising them."""

    def fetch(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def send(self, path: str, data: dict, token_from: str) -> tuple[int, str]:
        status, page = self.fetch(token_from)
        match = TOKEN.search(page.decode())
        fields = dict(data, csrf_token=(match.group(1) or match.group(2)) if match else "")
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.geturl()
        except urllib.error.HTTPError as exc:
            return exc.code, path


@pytest.fixture
def university(make, people):
    """东州大学 with one member, Li: bids (with an attachment) on a public, a 定向 and a
    confidential 榜, a draft, and a drafted contract on a 榜 it won."""
    admin, issuer = people["admin"], people["issuer"]
    org = make.org(name="东州大学", type=OrgType.UNIVERSITY)
    li = make.user(Role.SOLVER, org=org, name="李老师")
    public = open_board(make, people)
    directed = open_board(make, people)
    directed.confidentiality = Confidentiality.DIRECTED
    posting_ops.invite_solver(directed, issuer, li)  # on a 定向 榜 also the access grant
    posting_ops.accept_undertaking(grant_for(li, directed), li)
    bids = {}
    for name, board in (("public", public), ("directed", directed)):
        bids[name] = bidding_ops.start_proposal(board, li, _values(board, SECRET_TITLE))
        bidding_ops.submit_proposal(bids[name], li)
    bidding_ops.add_attachment(bids["public"], li, FileStorage(io.BytesIO(PDF), "报价单.pdf"))
    draft_board = open_board(make, people)
    bids["draft"] = bidding_ops.start_proposal(draft_board, li, _values(draft_board, "李老师的草稿"))
    won = make.challenge(issuer, ChallengeState.PUBLICITY, admin=admin)
    won.publicity_ends_at = utcnow() - timedelta(seconds=1)  # ready to sign
    winner = make.winner(won, solver=li)
    contract = award_ops.draft_contract(winner, admin, award_ops.contract_defaults(winner))
    db.session.commit()
    return {"org": org, "li": li, "bids": bids, "contract": contract, "admin": admin}


def _values(board, title: str) -> dict:
    """A complete bid, read by the real form from the fields a browser would post."""
    form = ProposalForm(MultiDict(bid_form(board, title=title)), challenge=board,
                        meta={"csrf": False})
    assert form.validate(for_submit=True), form.errors
    return form.values()


def register_as_member(visitor: Visitor, org_name: str) -> None:
    """What the attacker types: their own details and the organisation's public name. The join
    choice is sent too (a form of today asks for it; the old one ignores it)."""
    visitor.send("/auth/register", {
        "role": "solver", "name": "王某", "email": ATTACKER, "phone": "",
        "password": "long-enough-pass-1", "confirm": "long-enough-pass-1",
        "org_choice": "join", "org_name": org_name, "org_type": "university",
        "region": "示范市", "credit_code": "", "accept_terms": "y"}, "/auth/register")
    # The attacker owns their mailbox, so the address is confirmed too.
    status, _ = visitor.fetch(mailed_link(ATTACKER, "/auth/confirm/"))
    assert status == 200


def test_registering_with_an_organisations_name_admits_nobody(live_server, university):
    bids, contract = university["bids"], university["contract"]
    mallory = Visitor(live_server)
    register_as_member(mallory, "东州大学")
    user = db.session.scalar(select(User).where(User.email == ATTACKER))
    assert user is not None, "the registration itself is allowed (as a join request)"
    assert user.organization_id is None

    # Something happens to the organisation after the attacker arrived: its contract is signed
    # (the solver organisation's members are told).
    award_ops.sign_contract(db.session.get(type(contract), contract.id), university["admin"])
    db.session.commit()

    leaks = []
    for name, proposal in bids.items():
        for path in (f"/proposals/{proposal.id}", f"/proposals/{proposal.id}/edit"):
            status, page = mallory.fetch(path)
            if status == 200 or SECRET_TITLE.encode() in page:
                leaks.append((name, path, status))
    attachment = db.session.get(Proposal, bids["public"].id).attachments[0]
    status, data = mallory.fetch(f"/proposals/{bids['public'].id}/attachments/{attachment.id}")
    if status == 200 or data == PDF:
        leaks.append(("attachment", status))
    for path in ("/my/proposals", "/my/contracts", "/me/notifications", "/me/"):
        status, page = mallory.fetch(path)
        text = page.decode()
        if SECRET_TITLE in text or "李老师的草稿" in text or "合同已签订" in text:
            leaks.append((path, status))
    status, _ = mallory.fetch(f"/contracts/{contract.id}")
    if status == 200:
        leaks.append(("contract", status))
    for milestone in db.session.get(type(contract), contract.id).milestones:
        status, _ = mallory.fetch(f"/milestones/{milestone.id}")
        if status == 200:
            leaks.append(("milestone", milestone.id, status))
    status, _ = mallory.fetch(f"/contracts/{contract.id}/acceptance")
    if status == 200:
        leaks.append(("acceptance", status))
    assert leaks == []
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.message.contains("合同"))) == 0

    # Nor can the account act for the organisation: edit or submit a colleague's draft.
    draft = bids["draft"]
    mallory.send(f"/proposals/{draft.id}/edit",
                 {**bid_form(draft.challenge, title="被篡改的方案"), "save": "1"},
                 "/me/notifications")
    mallory.send(f"/proposals/{draft.id}/submit", {}, "/me/notifications")
    db.session.expire_all()
    draft = db.session.get(Proposal, draft.id)
    assert draft.title == "李老师的草稿" and draft.state is ProposalState.DRAFT


def test_the_org_admin_refuses_and_the_account_still_sees_nothing(live_server, university, make):
    """Org admin Li refuses the request over HTTP; the refusal reaches the requester."""
    li = university["li"]
    li.org_admin = True
    db.session.commit()
    mallory = Visitor(live_server)
    register_as_member(mallory, "东州大学")
    page = mallory.fetch("/org")[1].decode()
    assert "待单位管理员审核" in page

    admin_side = Visitor(live_server)
    admin_side.login(li.email)
    request_id = int(re.search(r"/org/join-requests/(\d+)/decide", admin_side.get("/org")).group(1))
    admin_side.send(f"/org/join-requests/{request_id}/decide",
                    {"decision": "refuse", "reason": "查无此人"}, "/org")
    page = mallory.fetch("/org")[1].decode()
    assert "未获同意" in page and "查无此人" in page
    assert db.session.scalar(select(User.organization_id).where(User.email == ATTACKER)) is None
    status, _ = mallory.fetch(f"/proposals/{university['bids']['public'].id}")
    assert status == 403
