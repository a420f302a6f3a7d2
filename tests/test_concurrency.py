"""Concurrent bids against a running server (CSRF on, real database): 20 organizations bidding at
the same moment all land, and two people of one organization racing leave exactly one bid."""

import re
import threading
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from sqlalchemy import select

from challenge.extensions import db
from challenge.models import Proposal
from challenge.states import OrgType, ProposalState, Role
from tests.factories import PASSWORD, totp_code
from tests.test_bidding import bid_form, open_board

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'name="csrf_token" value="([^"]+)"')


class Browserless:
    """A cookie-keeping HTTP client that fills in the CSRF token like a browser would."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, data: dict, token_from: str) -> tuple[int, str]:
        match = TOKEN.search(self.get(token_from))
        fields = dict(data, csrf_token=match.group(1) or match.group(2))
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        with self.opener.open(self.base + path, data=body, timeout=60) as response:
            return response.status, response.geturl()

    def login(self, email: str) -> None:
        status, url = self.post("/auth/login", {"login": email, "password": PASSWORD},
                                "/auth/login")
        if "/auth/two-factor" in url:  # an admin: the second step with its authenticator's code
            step = url.removeprefix(self.base)
            status, url = self.post(step, {"code": totp_code(email)}, step)
        assert "/auth/login" not in url and "/auth/two-factor" not in url, "login failed"


def run_together(jobs) -> list:
    """Start every job at the same instant; collect what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def runner(i, job):
        barrier.wait()
        try:
            results[i] = job()
        except Exception as exc:  # reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_twenty_bids_at_once_all_land(live_server, make, people):
    board = open_board(make, people)
    solvers = [make.user(Role.SOLVER, org=make.org(type=OrgType.UNIVERSITY)) for _ in range(20)]
    db.session.commit()
    clients = []
    for solver in solvers:
        client = Browserless(live_server)
        client.login(solver.email)
        clients.append(client)
    form = bid_form(board)
    results = run_together([
        (lambda c=c: c.post(f"/challenges/{board.id}/bid", form, f"/challenges/{board.id}/bid"))
        for c in clients])
    assert all(isinstance(r, tuple) and r[0] == 200 and "/proposals/" in r[1] for r in results), results
    db.session.expire_all()
    landed = db.session.scalars(select(Proposal).where(Proposal.challenge_id == board.id)).all()
    assert len(landed) == 20
    assert {p.lead_org_id for p in landed} == {s.organization_id for s in solvers}
    assert all(p.state is ProposalState.SUBMITTED and p.version_no == 1 for p in landed)


def test_two_people_of_one_organization_racing_leave_one_bid(live_server, make, people):
    board = open_board(make, people)
    lab = make.org(type=OrgType.UNIVERSITY)
    pair = [make.user(Role.SOLVER, org=lab), make.user(Role.SOLVER, org=lab)]
    db.session.commit()
    clients = []
    for solver in pair:
        client = Browserless(live_server)
        client.login(solver.email)
        clients.append(client)
    form = bid_form(board)
    # Both load the empty form first, so both believe they are the first to bid.
    tokens = [TOKEN.search(c.get(f"/challenges/{board.id}/bid")) for c in clients]
    assert all(tokens)
    results = run_together([
        (lambda c=c: c.post(f"/challenges/{board.id}/bid", form, f"/challenges/{board.id}/bid"))
        for c in clients])
    assert all(isinstance(r, tuple) and r[0] == 200 for r in results), results
    db.session.expire_all()
    live = db.session.scalars(select(Proposal).where(Proposal.challenge_id == board.id)).all()
    assert len(live) == 1 and live[0].lead_org_id == lab.id
