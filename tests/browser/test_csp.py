"""The Content-Security-Policy in a real browser: every role walks its pages of the demo
platform (hall, detail, bid edit, panels, scoring, contracts, statistics with charts, admin
pages) and no page reports a CSP violation — no inline script, no style="" left anywhere; the
scripted parts (dropdown, select-all, the failure form's recovery box) still work."""

import re
from collections import deque
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from challenge.auth.totp_keys import seal
from challenge.demo_content import USERS
from challenge.extensions import db
from challenge.models import Challenge, Contract, Proposal, Review, User
from challenge.states import ChallengeState, ContractState, ProposalState, ReviewState
from challenge.timeutil import utcnow
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

# Downloads and JSON are not pages; ?lang= would switch the rest of the walk to English.
SKIP = re.compile(r"\.(xlsx|csv)\b|/attachments/\d+$|/award-files/\d+$|/export|/similar|lang=|"
                  r"/logout|/template\.")
PER_ROLE = 60  # page kinds per role; each kind (its path with the numbers blanked) once

WATCH = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.reportViolation([e.violatedDirective, e.blockedURI || "", (e.sample || "").slice(0, 80),
                          e.sourceFile || "", String(e.lineNumber || "")].join(" | "));
});
"""


class Watched:
    """A browser context that records every CSP violation and console error with its page."""

    def __init__(self, browser):
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.violations: list[str] = []
        self.context.expose_function("reportViolation",
                                     lambda text: self.violations.append(f"{self.url}: {text}"))
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.url = ""
        self.page.on("console", self._console)

    def _console(self, message):
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            self.violations.append(f"{self.url}: console: {text[:200]}")

    def goto(self, url: str):
        self.url = url
        response = self.page.goto(url)
        self.page.wait_for_load_state("load")
        return response


def kind(path: str) -> str:
    parts = urlsplit(path)
    return re.sub(r"\d+", "#", parts.path) + ("?" + "&".join(sorted(
        q.split("=")[0] for q in parts.query.split("&"))) if parts.query else "")


def walk(watched: Watched, base: str, seeds: list[str], limit: int = PER_ROLE) -> list[str]:
    """Breadth-first over same-site links, one page per kind; returns the paths visited."""
    queue, seen_kinds, visited = deque(seeds), set(), []
    while queue and len(visited) < limit:
        path = queue.popleft()
        if SKIP.search(path) or kind(path) in seen_kinds:
            continue
        seen_kinds.add(kind(path))
        response = watched.goto(base + path)
        assert response is not None and response.status < 500, f"{path}: {response and response.status}"
        visited.append(path)
        hrefs = watched.page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))")
        for href in hrefs:
            parts = urlsplit(href)
            if parts.netloc and parts.netloc != urlsplit(base).netloc:
                continue
            if parts.path.startswith("/") and not parts.path.startswith("/static"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return visited


def password(email: str) -> str:
    return next(u["password"] for u in USERS if u["email"] == email)


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    # The demo admin enrols in two-factor on first sign-in (tests/browser/test_account_security.py
    # walks that); here it has enrolled already, as the factories' admins have.
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.cn"))
    admin.totp_secret, admin.totp_enabled_at = seal(pyotp.random_base32()), utcnow()
    db.session.commit()


def test_the_detector_sees_an_inline_style(browser, live_server):
    """The walk below can fail: an injected style="" and inline script are reported."""
    watched = Watched(browser)
    watched.goto(f"{live_server}/")
    watched.page.evaluate("""() => {
        document.body.insertAdjacentHTML('beforeend', '<div style="color:red">x</div>');
        const s = document.createElement('script'); s.textContent = 'window.x = 1';
        document.body.appendChild(s);
    }""")
    watched.page.wait_for_timeout(300)
    assert any("style-src" in v for v in watched.violations), watched.violations
    assert any("script-src" in v for v in watched.violations), watched.violations
    watched.context.close()


def test_no_page_of_any_role_violates_the_policy(browser, live_server, demo, shots):
    base = live_server
    draft = db.session.scalar(select(Proposal).where(Proposal.state == ProposalState.DRAFT))
    review = db.session.scalar(select(Review).where(Review.state == ReviewState.DRAFT))
    active = db.session.scalar(select(Contract).where(Contract.state == ContractState.ACTIVE))
    drafted = db.session.scalar(select(Challenge).where(Challenge.state == ChallengeState.DRAFT))
    judged = db.session.scalar(select(Challenge).where(Challenge.state == ChallengeState.REVIEWING))
    roles = {
        None: ["/", "/results/", "/statistics", "/auth/login", "/auth/register"],
        "enterprise1@demo.cn": ["/", "/challenges/new"],
        "solver1@demo.cn": ["/"],
        "reviewer1@demo.cn": ["/reviews"],
        "admin@demo.cn": ["/admin/", "/admin/panels", "/admin/statistics?period=all",
                          "/admin/users", "/admin/experts/", "/admin/challenges",
                          f"/contracts/{active.id}", f"/contracts/{active.id}/fail",
                          f"/admin/challenges/{judged.id}/decision"],
    }
    # The owners' own drafts: the 榜 form (with its live duplicate check), a bid, a review.
    roles.setdefault(drafted.created_by.email, []).extend(
        [f"/challenges/{drafted.id}/edit", f"/challenges/{drafted.id}"])
    if draft is not None:
        roles.setdefault(draft.team_lead.email, []).extend(
            [f"/proposals/{draft.id}/edit", f"/proposals/{draft.id}"])
    if review is not None:
        roles.setdefault(review.reviewer.email, []).append(
            f"/reviews/proposals/{review.proposal_id}")
    walked = {}
    violations = []
    for email, seeds in roles.items():
        watched = Watched(browser)
        if email:
            login(watched.page, base, email, password(email))
        walked[email] = walk(watched, base, seeds)
        if email:  # Bootstrap's dropdown (Popper positions it through the CSSOM, allowed)
            watched.goto(f"{base}/")
            watched.page.locator("nav .dropdown-toggle").click()
            expect(watched.page.locator("nav .dropdown-menu")).to_be_visible()
        violations += watched.violations
        watched.context.close()
    assert not violations, "\n".join(violations)
    assert sum(len(v) for v in walked.values()) >= 80, {k: len(v) for k, v in walked.items()}


def test_scripted_parts_work_from_files_and_pages_look_right(browser, live_server, demo, shots):
    """The moved scripts still run, and the restyled pages keep their look (screenshots)."""
    base = live_server
    active = db.session.scalar(select(Contract).where(Contract.state == ContractState.ACTIVE))
    watched = Watched(browser)
    page = watched.page
    login(page, base, "admin@demo.cn", password("admin@demo.cn"))

    watched.goto(f"{base}/admin/statistics?period=all")
    bar = page.locator("[data-testid=chart-funnel] svg rect").first
    assert bar.evaluate("r => getComputedStyle(r).fill") not in ("", "none", "rgb(0, 0, 0)")
    svg = page.locator("svg.stats-chart").first
    assert "CJK" in svg.evaluate("s => getComputedStyle(s).fontFamily")
    shots(page, "statistics-charts")

    watched.goto(f"{base}/contracts/{active.id}")
    shots(page, "contract")
    bar = page.locator("svg.share-progress").first
    expect(bar).to_be_visible()
    assert bar.evaluate("s => s.getBoundingClientRect().height") > 8

    watched.goto(f"{base}/contracts/{active.id}/fail")
    box = page.locator("#recovery-box")
    expect(box).to_be_hidden()
    page.locator("input[name=rule][value=recover]").check()
    expect(box).to_be_visible()
    shots(page, "fail-form-recover")

    watched.goto(f"{base}/admin/panels")
    boxes = page.locator("input[name=challenge]")
    if boxes.count():
        page.locator("#select-all").check()
        assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    shots(page, "panels")
    assert not watched.violations, "\n".join(watched.violations)
    watched.context.close()
