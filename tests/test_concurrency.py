"""Concurrent bids against a running server (CSRF on, real database): 20 organizations bidding at
the same moment all land, and two people of one organization racing leave exactly one bid."""

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from http.cookiejar import CookieJar

from sqlalchemy import select

from challenge.extensions import db
from challenge.models import Proposal
from challenge.states import OrgType, ProposalState, Role
from tests.factories import PASSWORD, totp_code
from tests.test_bidding import bid_form, open_board

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Reply:
    """One response as it came: a redirect is not followed, an error status is not raised."""

    status: int
    location: str  # where a redirect points, "" otherwise
    text: str


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # urllib then hands the 3xx back as an HTTPError, which `send` reads


class Browserless:
    """A cookie-keeping HTTP client that fills in the CSRF token like a browser would."""

    def __init__(self, base: str):
        self.base = base
        cookies = urllib.request.HTTPCookieProcessor(CookieJar())
        self.opener = urllib.request.build_opener(cookies)
        self.stay = urllib.request.build_opener(cookies, _Stay)

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, data: dict, token_from: str) -> tuple[int, str]:
        match = TOKEN.search(self.get(token_from))
        fields = dict(data, csrf_token=match.group(1) or match.group(2))
        body = urllib.parse.urlencode(fields, doseq=True).encode()
        with self.opener.open(self.base + path, data=body, timeout=60) as response:
            return response.status, response.geturl()

    def token(self, path: str) -> str:
        """The CSRF token of the form on *path* (fetch it before a burst of posts)."""
        match = TOKEN.search(self.get(path))
        assert match, f"no CSRF token on {path}"
        return match.group(1) or match.group(2)

    def send(self, path: str, data: dict, token: str, files: dict | None = None) -> Reply:
        """POST with a token already fetched (and *files*: {field: (name, bytes)} as
        multipart); the reply as it came, whatever its status."""
        fields = dict(data, csrf_token=token)
        if files:
            body, kind = _multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            kind = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"Content-Type": kind})
        try:
            with self.stay.open(request, timeout=60) as response:
                return Reply(response.status, "", response.read().decode())
        except urllib.error.HTTPError as exc:
            with exc:
                return Reply(exc.code, exc.headers.get("Location", ""),
                             exc.read().decode(errors="replace"))

    def login(self, email: str) -> None:
        status, url = self.post("/auth/login", {"login": email, "password": PASSWORD},
                                "/auth/login")
        if "/auth/two-factor" in url:  # an admin: the second step with its authenticator's code
            step = url.removeprefix(self.base)
            status, url = self.post(step, {"code": totp_code(email)}, step)
        assert "/auth/login" not in url and "/auth/two-factor" not in url, "login failed"


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    for field, (name, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                     f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                     + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


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
