"""`flask seed-demo`: demo content driven through the real operations and workflow door."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from . import demo_content as content
from .extensions import db
from .models import AccessGrant, Challenge, ExpertProfile, ExpertWork, Organization, User
from .money import parse_wan
from .posting import operations as ops
from .states import ChallengeKind, ChallengeState, Confidentiality, FundingMode, OrgType, Role, WorkKind
from .timeutil import end_of_local_day, local_today, utcnow
from .workflow import perform


def seed() -> list[tuple[str, str, str]]:
    orgs = _organizations()
    users = _users(orgs)
    _experts(orgs, users)
    admin = next(u for u in users.values() if u.role is Role.ADMIN)
    challenges = {spec["title"]: _challenge(spec, users, admin) for spec in content.CHALLENGES}
    for spec in content.INVITATIONS:
        challenge = challenges[spec["challenge_title"]]
        issuer = challenge.created_by
        ops.invite_solver(challenge, issuer, users[spec["solver"]])
    for spec in content.ACCESS_REQUESTS:
        _access_request(spec, challenges[spec["challenge_title"]], users)
    db.session.flush()
    _panels(admin)
    db.session.commit()
    return [(u.role.label, u.email, spec["password"])
            for spec in content.USERS for u in [users[spec["email"]]]
            if spec["email"] in _printed_accounts()]


def _printed_accounts() -> set[str]:
    """One account per role, plus the main demo ones, are printed on the console."""
    firsts: dict[str, str] = {}
    for spec in content.USERS:
        firsts.setdefault(spec["role"], spec["email"])
    return set(firsts.values())


def _organizations() -> dict[str, Organization]:
    orgs = {}
    for spec in content.ORGANIZATIONS:
        org = Organization(name=spec["name"], type=OrgType(spec["type"]), region=spec["region"],
                           credit_code=spec.get("credit_code"))
        db.session.add(org)
        orgs[spec["key"]] = org
    db.session.flush()
    return orgs


def _users(orgs: dict[str, Organization]) -> dict[str, User]:
    users = {}
    for spec in content.USERS:
        user = User(email=spec["email"], name=spec["name"], role=Role(spec["role"]),
                    organization=orgs[spec["org"]])
        user.set_password(spec["password"])
        db.session.add(user)
        users[spec["email"]] = user
    db.session.flush()
    return users


def _experts(orgs: dict[str, Organization], users: dict[str, User]) -> None:
    for spec in content.EXPERTS:
        org = orgs.get(spec["org"])
        db.session.add(ExpertProfile(
            user_id=users[spec["user"]].id if spec.get("user") else None,
            source="self" if spec.get("user") else "import",
            name=spec["name"], title=spec.get("title", ""),
            organization_id=org.id if org else None,
            organization_name=org.name if org else spec["org"],
            fields=",".join(spec.get("fields", [])), keywords=",".join(spec.get("keywords", [])),
            works=[_work(text, position) for position, text in enumerate(spec.get("results", []))],
            bio=spec.get("bio", "")))


def _work(text: str, position: int) -> ExpertWork:
    """A demo result line such as "发明专利：一种……": the kind guessed from its label (or, without
    one, from the words), and a label that only names the kind cut from the title."""
    label, sep, rest = text.partition("：")
    basis = label if sep else text
    if "专利" in basis:
        kind = WorkKind.PATENT
    elif any(word in basis for word in ("项目", "课题", "基金")):
        kind = WorkKind.PROJECT
    else:
        kind = WorkKind.PAPER
    title = rest.strip() if sep and label in ("论文", "专利", "发明专利", "项目", "课题") else text
    return ExpertWork(kind=kind, title=title, position=position)


def _values(spec: dict) -> dict:
    deadline = None
    return {
        "title": spec["title"], "kind": ChallengeKind(spec["kind"]), "field": spec["field"],
        "industry_tags": ",".join(spec.get("industry_tags", [])), "summary": spec["summary"],
        "detail": spec["detail"], "bounty_fen": parse_wan(Decimal(spec["bounty_wan"])),
        "investment_fen": parse_wan(Decimal(spec["investment_wan"])),
        "funding_mode": FundingMode(spec["funding_mode"]), "max_winners": spec["max_winners"],
        "deadline_at": deadline, "period_months": spec["period_months"],
        "eligible_org_types": ",".join(spec.get("eligible_org_types", [])),
        "eligible_regions": ",".join(spec.get("eligible_regions", [])),
        "qualifications": spec.get("qualifications", ""),
        "confidentiality": Confidentiality(spec["confidentiality"]),
        "contact_name": spec["contact_name"], "contact_phone": spec["contact_phone"],
        "contact_email": spec.get("contact_email", ""),
        "indicators": [{"name": i["name"], "target": i["target"], "unit": i.get("unit", ""),
                        "method": i.get("method", "")} for i in spec["indicators"]],
    }


def _challenge(spec: dict, users: dict[str, User], admin: User) -> Challenge:
    """Create a 榜 and walk it to its demo state with back-dated, audited transitions."""
    creator = users[spec["creator"]]
    state = spec["state"]
    now = utcnow()
    days = spec.get("deadline_days", 30)
    deadline = end_of_local_day(local_today() + timedelta(days=days))
    published = min(now - timedelta(days=5), deadline - timedelta(days=30))
    challenge = ops.create_challenge(creator, _values(spec))
    challenge.created_at = published - timedelta(days=10)
    if state == "draft":
        return challenge
    if spec.get("return_reason"):
        perform(challenge, "submit", creator, now=published - timedelta(days=9))
        perform(challenge, "return", admin, reason=spec["return_reason"],
                now=published - timedelta(days=8))
    perform(challenge, "submit", creator, now=published - timedelta(days=3))
    if state == "screening" or (state == "withdrawn" and not spec.get("deadline_days")):
        if state == "withdrawn":
            perform(challenge, "withdraw", creator, reason=spec["withdraw_reason"], now=now)
        return challenge
    perform(challenge, "publish", admin, deadline_at=deadline, now=published)
    if state in ("reviewing", "unclaimed"):
        perform(challenge, "close", "system", now=deadline + timedelta(seconds=1))
    if state == "unclaimed":
        perform(challenge, "unclaim", admin, reason="截止时无符合条件的揭榜方案。", now=now)
    if state == "withdrawn":
        perform(challenge, "withdraw", creator, reason=spec["withdraw_reason"], now=now)
    return challenge


def _panels(admin: User) -> None:
    """Seat the matcher's proposal on all but the last 榜 under review (left for the demo)."""
    from .reviewing import operations as panels

    reviewing = list(db.session.scalars(select(Challenge).where(
        Challenge.state == ChallengeState.REVIEWING).order_by(Challenge.id)))
    plans, _ = panels.propose_panels(reviewing[:-1])
    for plan in plans:
        scores = {c.reviewer.id: c.match.score for c in plan.candidates}
        for reviewer_id in plan.proposed:
            panels.seat_reviewer(plan.challenge, db.session.get(User, reviewer_id), admin,
                                 scores[reviewer_id])


def _access_request(spec: dict, challenge: Challenge, users: dict[str, User]) -> None:
    solver = users[spec["solver"]]
    grant = db.session.scalar(select(AccessGrant).where(
        AccessGrant.challenge_id == challenge.id, AccessGrant.user_id == solver.id))
    if grant is None:
        grant = ops.request_access(challenge, solver, spec["note"])
    issuer = challenge.created_by
    if spec["status"] == "granted":
        perform(grant, "grant", issuer)
        if spec.get("accepted_undertaking"):
            ops.accept_undertaking(grant, solver)
            ops.log_body_view(challenge, solver, "127.0.0.1")
    elif spec["status"] == "refused":
        perform(grant, "refuse", issuer, reason="贵团队研究方向与本需求匹配度不高，暂不开放。")
