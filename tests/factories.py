"""Factories that build entities through the same operations and workflow door as the app."""

import time
from datetime import timedelta
from itertools import count

import pyotp
from sqlalchemy import func, select, update
from werkzeug.security import generate_password_hash

from challenge.auth import totp_keys
from challenge.awarding import operations as award_ops
from challenge.extensions import db
from challenge.models import (
    Challenge,
    Contract,
    IndicatorResponse,
    LedgerEntry,
    Organization,
    Proposal,
    ProposalMilestone,
    User,
)
from challenge.posting import operations as ops
from challenge.reviewing import blind
from challenge.reviewing import operations as panels
from challenge.states import (
    SYSTEM,
    ChallengeKind,
    ChallengeState,
    Confidentiality,
    ContractState,
    EntryKind,
    FailureRule,
    FundingMode,
    MilestoneState,
    OrgState,
    OrgType,
    Payer,
    ProposalState,
    Role,
)
from challenge.timeutil import local_today, utcnow
from challenge.validators import CREDIT_CODE_CHARS, credit_code_check_char
from challenge.workflow import perform

PASSWORD = "correct-horse-9"
# Hashed once: scrypt per user would make the role x state tables take minutes.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
_seq = count(1)


# Organisations the factories make take codes from here up, so the small numbers tests type into
# a registration form (credit_code(9090)) never meet one already made in a long run's process.
FACTORY_CODES = 500_000_000


def credit_code(n: int) -> str:
    body = f"91320500{n:09d}"
    return body + credit_code_check_char(body)


assert all(ch in CREDIT_CODE_CHARS for ch in credit_code(1))


def make_org(name: str | None = None, type: OrgType = OrgType.ENTERPRISE, region="示范市高新区",
             state: OrgState = OrgState.VERIFIED):
    """An organisation, verified by the bureau unless *state* says otherwise."""
    n = next(_seq)
    org = Organization(name=name or f"测试单位{n}", type=type, region=region,
                       credit_code=credit_code(FACTORY_CODES + n), state=state,
                       verified_at=utcnow() if state is OrgState.VERIFIED else None)
    db.session.add(org)
    db.session.flush()
    return org


def make_user(role: Role, org: Organization | None = None, email: str | None = None,
              name: str | None = None, active: bool = True, org_admin: bool = False,
              no_org: bool = False) -> User:
    """An account in *org* (a new verified one if None); *no_org*: in none, like someone whose
    join request waits."""
    n = next(_seq)
    if org is None and not no_org:
        org_type = {Role.ENTERPRISE: OrgType.ENTERPRISE, Role.SOLVER: OrgType.UNIVERSITY,
                    Role.REVIEWER: OrgType.INSTITUTE, Role.ADMIN: OrgType.OTHER,
                    Role.BODY: OrgType.INSTITUTE}[role]
        org = make_org(type=org_type)
    now = utcnow()
    user = User(email=email or f"{role.value}{n}@example.cn", name=name or f"用户{n}", role=role,
                organization=org, active=active, org_admin=org_admin, email_confirmed_at=now,
                terms_version="test", terms_accepted_at=now)
    user.password_hash = PASSWORD_HASH
    if role in (Role.ADMIN, Role.BODY):  # they must sign in with a second factor; it is enrolled
        user.totp_secret = totp_keys.seal(pyotp.random_base32())  # sealed, as enable() stores it
        user.totp_enabled_at = now
    db.session.add(user)
    db.session.flush()
    return user


def totp_code(email: str) -> str:
    """What the account's authenticator shows, computed from its enrolled secret. A code is
    accepted once, and the next step's code is accepted early (clock drift), so a second sign-in
    within the same 30 s types the next code. A third would have to wait for the clock: instead
    the account's record of its last used step is moved back, as if that half minute had passed
    (single use itself is proven in tests/test_two_factor.py; the tests need not sleep for it)."""
    secret, last = db.session.execute(select(User.totp_secret, User.totp_last_step).where(
        func.lower(User.email) == email.lower())).one()
    assert secret, f"{email} has no two-factor secret"
    totp = pyotp.TOTP(totp_keys.unseal(secret))
    current = totp.timecode(time.time())
    step = current if last is None else max(current, last + 1)
    if step > current + 1:
        db.session.execute(update(User).where(func.lower(User.email) == email.lower())
                           .values(totp_last_step=current - 1))
        db.session.commit()
        step = current
    return totp.generate_otp(step)


def challenge_values(**overrides) -> dict:
    values = {
        "title": "熔喷布过滤效率提升", "kind": ChallengeKind.CHOKEPOINT, "field": "新材料",
        "industry_tags": "纺织,医用防护", "summary": "需要提升熔喷非织造布的过滤效率并降低阻力。",
        "detail": "现有产线过滤效率 95%，驻极衰减快，目标达到 N95 以上。", "bounty_fen": 300_000_000,
        "investment_fen": 900_000_000, "funding_mode": FundingMode.REWARD, "max_winners": 1,
        "deadline_at": None, "period_months": 12, "eligible_org_types": "",
        "eligible_regions": "", "qualifications": "", "confidentiality": Confidentiality.PUBLIC,
        "contact_name": "王工", "contact_phone": "13800001111", "contact_email": "",
        "indicators": [{"name": "过滤效率", "target": "≥99.97", "unit": "%", "method": "NaCl 法"}],
    }
    values.update(overrides)
    return values


def make_challenge(issuer: User, state: ChallengeState = ChallengeState.DRAFT,
                   admin: User | None = None, solver: User | None = None, **overrides) -> Challenge:
    """A 榜 walked to `state` through the workflow door (back-dated where time matters).

    From 签约 on, *solver*'s organization (a new one if None) wins and holds a signed contract."""
    challenge = ops.create_challenge(issuer, challenge_values(**overrides))
    if state is ChallengeState.DRAFT:
        db.session.commit()
        return challenge
    admin = admin or make_user(Role.ADMIN)
    now = utcnow()
    perform(challenge, "submit", issuer, now=now - timedelta(days=40))
    if state is ChallengeState.WITHDRAWN:
        perform(challenge, "withdraw", issuer, reason="测试撤榜")
    elif state is not ChallengeState.SCREENING:
        past = state is not ChallengeState.OPEN
        deadline = now - timedelta(days=1) if past else now + timedelta(days=30)
        perform(challenge, "publish", admin, deadline_at=deadline, now=now - timedelta(days=35))
        if past:
            perform(challenge, "close", SYSTEM, now=now)
            _walk_after_review(challenge, state, admin, solver)
    db.session.commit()
    return challenge


_AFTER_REVIEW = {
    ChallengeState.REVIEWING: [],
    ChallengeState.UNCLAIMED: ["unclaim"],
    ChallengeState.PUBLICITY: ["decide"],
    ChallengeState.CONTRACTED: ["decide", "contract"],
    ChallengeState.FAILED: ["decide", "contract", "fail"],
    ChallengeState.ACCEPTED: ["decide", "contract", "accept"],
    ChallengeState.AWARDED: ["decide", "contract", "accept", "award"],
    ChallengeState.CLOSED: ["decide", "contract", "accept", "award", "finish"],
}


def _walk_after_review(challenge: Challenge, state: ChallengeState, admin: User,
                       solver: User | None) -> None:
    contract = None
    for action in _AFTER_REVIEW[state]:
        if action == "contract":  # the 公示 period has run its course; one winner signs
            challenge.publicity_ends_at = utcnow() - timedelta(seconds=1)
            contract = make_contract(challenge, admin, solver=solver, sign=True)
            continue  # signing moves the 榜 to 签约
        if action == "accept":
            finish_contract(contract, ContractState.ACCEPTED)
        if action == "award":
            pay_in_full(contract, admin)
        if action == "fail":
            finish_contract(contract, ContractState.FAILED)
        perform(challenge, action, admin, reason="测试")


def to_review(challenge: Challenge, bids: list, admin: User, reviewer: User) -> None:
    """An open 榜 with drafted *bids* to 评审: each bid submitted, the deadline passed (the
    clock closes the 榜), each bid qualified, *reviewer* seated on the panel and pledged."""
    for proposal in bids:
        perform(proposal, "submit", proposal.team_lead)
    perform(challenge, "close", "system", now=challenge.deadline_at + timedelta(seconds=1))
    for proposal in bids:
        perform(proposal, "qualify", admin)
    pledge(challenge, panels.seat_reviewer(challenge, reviewer, admin))


def pledge(challenge: Challenge, *seats) -> None:
    """Each seat's reviewer signs the panel's 评审承诺书 (the bids open to them after it);
    a seat may be given as the reviewer (a User) seated on *challenge*."""
    for seat in seats:
        if isinstance(seat, User):
            seat = blind.live_seat(seat, challenge)
        blind.sign_pledge(seat, seat.reviewer)


def make_winner(challenge: Challenge, solver: User | None = None,
                shares: tuple[int, ...] = (4000, 6000)) -> Proposal:
    """A selected bid with a committed value per indicator and milestones (basis points)."""
    solver = solver or make_user(Role.SOLVER)
    today = local_today()
    proposal = Proposal(
        challenge=challenge, lead_org_id=solver.organization_id, team_lead_id=solver.id,
        state=ProposalState.SELECTED, title=f"{solver.organization.name}的方案",
        technical_approach="技术路线", requested_fen=challenge.bounty_fen // 2, budget=[],
        members=[], submitted_at=utcnow(), version_no=1,
        responses=[IndicatorResponse(indicator_id=i.id, committed_value=f"承诺{i.target}")
                   for i in challenge.indicators],
        milestones=[ProposalMilestone(position=n, title=f"第{n + 1}阶段",
                                      due_on=today + timedelta(days=90 * (n + 1)),
                                      deliverable="阶段成果", share_bp=share)
                    for n, share in enumerate(shares)])
    db.session.add(proposal)
    db.session.flush()
    return proposal


def make_contract(challenge: Challenge, admin: User, solver: User | None = None, sign: bool = False,
                  shares: tuple[int, ...] = (4000, 6000), **values) -> Contract:
    """A contract drafted (and signed) through the 奖榜 operations for a new winning bid."""
    proposal = make_winner(challenge, solver, shares)
    defaults = award_ops.contract_defaults(proposal)
    defaults.update(values)
    contract = award_ops.draft_contract(proposal, admin, defaults)
    if sign:
        award_ops.sign_contract(contract, admin)
    db.session.flush()
    return contract


def finish_contract(contract: Contract, state: ContractState) -> None:
    """Fixture shortcut: every milestone reviewed and the contract ended in *state*."""
    for milestone in contract.milestones:
        milestone.state = MilestoneState.APPROVED
    contract.state = state
    contract.ended_at = utcnow()  # as the door stamps an ended contract
    if state is ContractState.FAILED:
        contract.failure_rule = FailureRule.TERMINATE
    db.session.flush()


def pay_in_full(contract: Contract, admin: User) -> None:
    for payer, amount in ((Payer.ENTERPRISE, contract.amount_fen),
                          (Payer.GOVERNMENT, contract.subsidy_fen)):
        if amount:
            db.session.add(LedgerEntry(contract_id=contract.id, kind=EntryKind.PAYMENT, payer=payer,
                                       payee=contract.solver_org.name, amount_fen=amount,
                                       paid_on=local_today(), recorded_by_id=admin.id))
    db.session.flush()
