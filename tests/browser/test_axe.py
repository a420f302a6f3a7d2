"""Every main page passes axe-core (the npm package `make test` installs; never a CDN) in both
languages: the demo platform is seeded, each role signs in, and axe.run() is injected into every
page it lands on and every form of the loop. A failure lists each violation: the page, the rule,
its impact and the elements it names."""

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import (
    AccessGrant,
    Challenge,
    ChallengeInvitation,
    Contract,
    JoinRequest,
    Organization,
    Proposal,
    User,
)
from challenge.states import (
    ChallengeState,
    Confidentiality,
    ContractState,
    JoinState,
    OrgState,
    Role,
)
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "demo-pass-2026"
LANGUAGES = ("zh", "en")

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact,
    targets: v.nodes.map(n => n.target.join(' ')),
    details: v.nodes.map(n => n.failureSummary)}));
}"""


def axe_context(browser, **options):
    """A browser context whose every page carries axe-core (an init script: the pages'
    Content-Security-Policy, which refuses inline scripts, does not apply to it)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it (npm ci)")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900},
                                  **options)
    context.add_init_script(path=str(AXE))
    return context


def audit(page) -> list[dict]:
    page.wait_for_load_state()
    return page.evaluate(RUN_AXE)


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


def first(statement):
    found = db.session.scalars(statement).first()
    assert found is not None, str(statement)
    return found


def demo_pages() -> dict[str, list[str]]:
    """The pages each role lands on or works in, found in the seeded demo."""
    def board(state, confidentiality=None):
        where = [Challenge.state == state]
        if confidentiality is not None:
            where.append(Challenge.confidentiality == confidentiality)
        return first(select(Challenge).where(*where).order_by(Challenge.id))

    public, redacted = (board(ChallengeState.OPEN, kind)
                        for kind in (Confidentiality.PUBLIC, Confidentiality.DESENSITIZED))
    invitation = first(select(ChallengeInvitation).join(ChallengeInvitation.challenge)
                       .where(Challenge.state == ChallengeState.OPEN))
    decided = board(ChallengeState.PUBLICITY)
    reviewing = board(ChallengeState.REVIEWING)
    screening = board(ChallengeState.SCREENING)
    awarded = board(ChallengeState.AWARDED)
    contract = first(select(Contract).where(Contract.state == ContractState.ACTIVE)
                     .order_by(Contract.id))
    solver_org = first(select(Contract.solver_org_id).where(Contract.state == ContractState.ACTIVE))
    access = first(select(AccessGrant).order_by(AccessGrant.id))
    enterprise = db.session.get(Challenge, access.challenge_id).created_by
    draft = board(ChallengeState.DRAFT)
    solver_bid = first(select(Proposal).join(Proposal.team_lead)
                       .where(User.email == "solver1@demo.cn").order_by(Proposal.id))
    pending_org = first(select(Organization).where(Organization.state == OrgState.PENDING))
    join = first(select(JoinRequest).where(JoinRequest.state == JoinState.PENDING))
    join_admin = first(select(User).where(User.organization_id == join.organization_id,
                                          User.org_admin.is_(True)))
    pages = {
        "anonymous": ["/", "/?state=open&q=材料", f"/challenges/{public.id}", f"/challenges/{redacted.id}",
                      "/results", f"/results/{decided.id}", f"/results/{awarded.id}",
                      "/results/closed", "/statistics",
                      f"/organizations/{solver_org}", "/auth/login", "/auth/forgot",
                      "/privacy", "/terms"],
        "register-with-errors": ["/auth/register"],
        solver_bid.team_lead.email: [
            "/me/", "/me/notifications", "/me/profile", "/my/proposals", "/my/contracts",
            f"/proposals/{solver_bid.id}", f"/challenges/{public.id}",
            f"/challenges/{public.id}/bid", "/org", "/auth/password", "/auth/security"],
        enterprise.email: [
            "/my/challenges", "/challenges/new", f"/challenges/{access.challenge_id}/access",
            f"/challenges/{access.challenge_id}", f"/challenges/{access.challenge_id}/history",
            "/my/contracts", "/org"],
        "reviewer": ["/reviews", "/me/"],
        "admin": ["/admin/", "/admin/challenges", f"/admin/challenges/{screening.id}",
                  "/admin/panels", f"/admin/panels/{reviewing.id}",
                  f"/challenges/{reviewing.id}/proposals", f"/admin/challenges/{reviewing.id}/decision",
                  "/admin/users", "/admin/users/new", "/admin/organizations",
                  f"/admin/organizations/{pending_org.id}", "/admin/join-requests",
                  "/admin/statistics", "/admin/experts/",
                  "/admin/experts/import", "/admin/audit/", "/admin/exports/",
                  f"/admin/challenges/{contract.challenge_id}/contracts", f"/contracts/{contract.id}",
                  "/me/notifications"],
    }
    pages.setdefault(invitation.user.email, []).append(f"/challenges/{invitation.challenge_id}")
    pages.setdefault(draft.created_by.email, []).append(f"/challenges/{draft.id}/edit")
    pages.setdefault(join_admin.email, []).append("/org")
    return pages


def test_every_main_page_passes_axe_in_both_languages(browser, live_server, runner, make, shots):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    admin = make.user(Role.ADMIN, email="axe-admin@demo.cn", name="无障碍管理员")
    db.session.commit()
    pages = demo_pages()
    found: dict[str, list[dict]] = {}

    def check(page, label: str):
        found[label] = audit(page)

    for who, paths in pages.items():
        context = axe_context(browser)
        page = context.new_page()
        if who == "admin":
            login(page, live_server, admin.email)
        elif who == "reviewer":
            login(page, live_server, "reviewer1@demo.cn", DEMO_PASSWORD)
            page.goto(f"{live_server}/reviews")
            score = page.locator("a[href*='/reviews/proposals/']").first
            paths = [*paths, score.get_attribute("href")]
        elif "@" in who:
            login(page, live_server, who, DEMO_PASSWORD)
        for lang in LANGUAGES:
            for path in paths:
                if who == "register-with-errors":
                    page.goto(f"{live_server}{with_lang(path, lang)}")
                    page.click("main form button[type=submit]")
                    page.wait_for_load_state()
                else:
                    response = page.goto(f"{live_server}{with_lang(path, lang)}")
                    assert response.ok, (who, path, response.status)
                check(page, f"{lang} {who} {path}")
        context.close()

    counts = {label: len(violations) for label, violations in found.items()}
    report = ARTIFACTS / "axe.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps({"counts": counts, "violations": found}, ensure_ascii=False,
                                 indent=1))
    problems = [f"{label}: {v['id']} ({v['impact']}) at {', '.join(v['targets'][:6])}"
                + (f" and {len(v['targets']) - 6} more" if len(v["targets"]) > 6 else "")
                for label, violations in found.items() for v in violations]
    assert len(found) >= 110, sorted(found)  # 59 pages in each language
    assert not problems, (f"{len(problems)} axe-core violations on "
                          f"{sum(1 for n in counts.values() if n)} of {len(found)} pages:\n"
                          + "\n".join(problems))
