"""`flask seed-demo`: demo content driven through the real operations and workflow door."""

import io
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from . import demo_content as content
from . import permissions as can
from .awarding import operations as award
from .awarding.operations import remind_overdue
from .awarding.rules import terms_of
from .bidding import operations as bidding
from .extensions import db
from .models import (
    AccessGrant,
    Challenge,
    ExpertProfile,
    ExpertWork,
    Organization,
    Proposal,
    ReviewOpening,
    User,
)
from .money import BP_PER_PERCENT, parse_wan
from .orgs import operations as org_ops
from .posting import operations as ops
from .reviewing import anomalies, blind, scoring
from .reviewing import operations as panels
from .reviewing.decision import decide
from .states import (
    ChallengeKind,
    ChallengeState,
    Confidentiality,
    FailureRule,
    FundingMode,
    OrgState,
    OrgType,
    Payer,
    ProposalState,
    Role,
    WorkKind,
)
from .timeutil import end_of_local_day, local, local_today, utcnow
from .workflow import perform

# 榜 the demo walks past the decision: bids, panel, 公示, then 奖榜 as their "award" says.
DECIDED_STATES = frozenset({"publicity", "contracted", "accepted", "awarded", "closed", "failed"})


def seed() -> list[tuple[str, str, str]]:
    orgs = _organizations()
    users = _users(orgs)
    _experts(orgs, users)
    admin = next(u for u in users.values() if u.role is Role.ADMIN)
    _verify(orgs, admin)
    challenges = {spec["title"]: _challenge(spec, users, admin) for spec in content.CHALLENGES}
    for spec in content.INVITATIONS:
        challenge = challenges[spec["challenge_title"]]
        issuer = challenge.created_by
        ops.invite_solver(challenge, issuer, users[spec["solver"]])
    for spec in content.ACCESS_REQUESTS:
        _access_request(spec, challenges[spec["challenge_title"]], users)
    db.session.flush()
    _panels(admin, users)

    remind_overdue()  # the daily reminder has run: the overdue milestone is news to its parties
    pending = _pending_membership(orgs)
    db.session.commit()
    return [(u.role.label, u.email, spec["password"])
            for spec in content.USERS for u in [users[spec["email"]]]
            if spec["email"] in _printed_accounts()] + pending


def _verify(orgs: dict[str, Organization], admin: User) -> None:
    """The demo organisations were verified by the bureau; the first enterprise or solver
    account of each administers it (as migration 0010 does for existing data)."""
    for org in orgs.values():
        org.state, org.verified_by_id, org.verified_at = OrgState.VERIFIED, admin.id, utcnow()
    for user_id in db.session.scalars(
            select(func.min(User.id)).where(User.role.in_([Role.ENTERPRISE, Role.SOLVER]))
            .group_by(User.organization_id)):
        db.session.get(User, user_id).org_admin = True
    db.session.flush()


def _pending_membership(orgs: dict[str, Organization]) -> list[tuple[str, str, str]]:
    """A newly registered organisation awaiting verification (its licence uploaded) and a join
    request awaiting its org admin, made by the same operations registration uses."""


    specs = {spec["key"]: spec for spec in content.PENDING_ORGANIZATIONS}
    printed = []
    for spec in content.PENDING_USERS:
        user = User(email=spec["email"], name=spec["name"], role=Role(spec["role"]))
        user.set_password(spec["password"])
        db.session.add(user)
        db.session.flush()
        printed.append((f"{user.role.label}（{spec['label']}）", user.email, spec["password"]))
        if spec.get("org"):
            org_spec = specs[spec["org"]]
            licence = FileStorage(io.BytesIO(_DEMO_LICENCE), filename=org_spec["licence"])
            org_ops.create_organisation(user, org_spec["name"], OrgType(org_spec["type"]),
                                        org_spec["region"], org_spec["credit_code"], licence)
        else:
            target = orgs[spec["join"]]
            org_ops.request_join(user, target, spec.get("note", ""))
            decider = db.session.scalar(select(User).where(
                User.organization_id == target.id, User.org_admin.is_(True)))
            decider_spec = next(u for u in content.USERS if u["email"] == decider.email)
            printed.append((f"{decider.role.label}（{target.name}单位管理员，审核上述申请）",
                            decider.email, decider_spec["password"]))
    return printed


# A one-page PDF standing in for a scanned licence.
_DEMO_LICENCE = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                 b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                 b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
                 b"trailer<</Root 1 0 R>>\n%%EOF\n")


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
        # Demo addresses cannot receive mail: they count as confirmed. The admin enrols in
        # two-factor sign-in on first sign-in, as a real one would.
        user.email_confirmed_at = utcnow()
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
        "title_en": spec.get("title_en", ""), "summary_en": spec.get("summary_en", ""),
        "worldwide": spec.get("worldwide", False),
        "indicators": [{"name": i["name"], "name_en": i.get("name_en", ""), "target": i["target"],
                        "unit": i.get("unit", ""), "method": i.get("method", "")}
                       for i in spec["indicators"]],
    }


# Bids written for the demo, on two 榜 that the demo leaves under review:
# (solver, bid title, approach, requested 万元, partner organization or "").
DEMO_BIDS = {
    "化工新材料生产高盐废水": [
        ("solver3@demo.cn", "高盐废水分质结晶与膜浓缩耦合工艺",
         "纳滤分盐 + 高压反渗透浓缩 + 冷冻结晶，杂盐率控制在 3% 以内，配套 MVR 余热回收。", "200",
         "江淮理工大学"),
        ("solver1@demo.cn", "电渗析-蒸发耦合零排放集成技术",
         "双极膜电渗析回收酸碱，蒸发段采用降膜 + 强制循环两级，整体吨水能耗下降 30%。", "215", ""),
        ("solver6@demo.cn", "基于特种膜的高盐废水资源化方案",
         "耐污染 DTRO 与有机物高级氧化预处理结合，出水回用，结晶盐达到工业盐标准。", "180", ""),
    ],
    "一体化压铸用高强韧免热处理铝合金": [
        ("solver2@demo.cn", "Al-Si-Mg-Mn 系免热处理合金成分设计与验证",
         "稀土微合金化细化共晶硅，铁相变质，配合高真空压铸，屈服 ≥ 130 MPa、延伸率 ≥ 10%。", "280",
         ""),
        ("solver5@demo.cn", "高强韧压铸铝合金与模具温控协同开发",
         "成分-工艺-模温协同优化，数值模拟指导浇排系统设计，已完成小件试制。", "260",
         "示范市先进材料研究院"),
    ],
}


def _demo_bids(challenge: Challenge, users: dict[str, User], deadline, bids=None) -> None:
    """Submit the demo's bids while the 榜 is still open (back-dated), through the door."""

    if bids is None:
        bids = next((rows for prefix, rows in DEMO_BIDS.items()
                     if challenge.title.startswith(prefix)), [])
    bid_day = local(deadline).date()
    for n, (email, title, approach, wan, partner) in enumerate(bids):
        solver = users[email]
        when = deadline - timedelta(days=6 - n)
        if challenge.is_confidential and not can.has_body_access(solver, challenge):
            grant = can.grant_for(solver, challenge)
            if grant is None and challenge.confidentiality is Confidentiality.DIRECTED:
                ops.invite_solver(challenge, challenge.created_by, solver)
                grant = can.grant_for(solver, challenge)
            elif grant is None:
                grant = ops.request_access(challenge, solver, "申请查阅以编写揭榜方案。")
            if grant.state.value != "granted":
                perform(grant, "grant", challenge.created_by, now=when - timedelta(days=2))
            ops.accept_undertaking(grant, solver)
        values = {
            "title": title, "technical_approach": approach, "requested_fen": parse_wan(wan),
            "commitment": True,
            "partners": [{"organization": partner, "role": "中试验证与检测"}] if partner else [],
            "members": [{"name": solver.name, "title": "教授", "role": "项目负责人"}],
            "responses": {i.id: (i.target.lstrip("≥≤<>＞＜"), "第三方检测报告")
                          for i in challenge.indicators},
            "budget": [{"item": "设备与材料", "amount_fen": parse_wan(wan) * 6 // 10, "note": ""},
                       {"item": "测试与中试", "amount_fen": parse_wan(wan) * 4 // 10, "note": ""}],
            "milestones": [
                {"title": "小试完成", "due_on": bid_day + timedelta(days=120),
                 "deliverable": "小试报告", "share_bp": 3000},
                {"title": "中试验收", "due_on": bid_day + timedelta(days=330),
                 "deliverable": "第三方检测报告与中试总结", "share_bp": 7000}],
        }
        proposal = bidding.start_proposal(challenge, solver, values)
        perform(proposal, "submit", solver, now=when)


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
    if state in DECIDED_STATES:
        _decided(challenge, spec, users, admin)
        return challenge
    if state == "reviewing":
        _demo_bids(challenge, users, deadline)
    if state in ("reviewing", "unclaimed"):
        perform(challenge, "close", "system", now=deadline + timedelta(seconds=1))
    if state == "unclaimed":
        perform(challenge, "unclaim", admin, reason="截止时无符合条件的揭榜方案。", now=now)
    if state == "withdrawn":
        perform(challenge, "withdraw", creator, reason=spec["withdraw_reason"], now=now)
    return challenge


def _day(n: int) -> datetime:
    """Mid-morning (Shanghai) of the day *n* days from today, never later than now."""
    day = local_today() + timedelta(days=n)
    return min(end_of_local_day(day) - timedelta(hours=14), utcnow() - timedelta(minutes=5))


def _decided(challenge: Challenge, spec: dict, users: dict[str, User], admin: User) -> None:
    """Bids before the deadline, eligibility, a seated panel that scores every bid, the
    bureau's decision (公示), and then 奖榜 as the spec's "award" tells — all back-dated."""

    deadline = challenge.deadline_at
    rows = [(b["solver"], b["title"], b["approach"], b["wan"], b.get("partner", ""))
            for b in spec["bids"]]
    _demo_bids(challenge, users, deadline, rows)
    perform(challenge, "close", "system", now=deadline + timedelta(seconds=1))
    decided = _day(spec["decided_days"])
    for proposal in _submitted(challenge):
        perform(proposal, "qualify", admin, reason="资格审查合格。", now=deadline + timedelta(days=2))
    _seat_panel(challenge, admin)
    _pledge_panel(challenge)
    rank = {users[email].organization_id: n for n, (email, *_rest) in enumerate(rows)}
    for reviewer_id in sorted(scoring.seated_reviewer_ids(challenge)):
        reviewer = db.session.get(User, reviewer_id)
        for proposal in scoring.scored_proposals(challenge):
            lean = (proposal.id + reviewer.id) % 3 - 1
            n = rank[proposal.lead_org_id]
            points = {"approach": 27 - 2 * n + lean, "indicators": 22 - n, "team": 17, "plan": 12,
                      "budget": 8}
            # opened a day before submitting: the demo's reviews took their time
            db.session.add(ReviewOpening(proposal_id=proposal.id, reviewer_id=reviewer.id,
                                         opened_at=decided - timedelta(days=4)))
            review = scoring.save_review(reviewer, proposal, points, "技术路线可行，指标响应具体。")
            perform(review, "submit", reviewer, now=decided - timedelta(days=3))
    # What the decision page still flags (a reviewer meeting a winner again, in a pool this
    # small), the bureau checks and acknowledges with its reason before deciding.
    for flag in anomalies.unacknowledged(challenge):
        anomalies.acknowledge(challenge, flag.key, "已核实：评分与评审意见一致，无利益关联。", admin,
                              now=decided - timedelta(hours=1))
    winners = {users[email].organization_id for email in spec["winners"]}
    decide(challenge, admin, [p.id for p in scoring.scored_proposals(challenge)
                              if p.lead_org_id in winners], spec["decision_note"], {}, now=decided)
    if spec.get("award"):
        _award(challenge, spec["award"], users, admin)


def _seat_panel(challenge: Challenge, admin: User) -> None:
    """The matcher's proposal for this 榜, topped up with any reviewer free of conflicts."""

    plans, _ = panels.propose_panels([challenge])
    for plan in plans:
        for reviewer_id in plan.proposed:
            panels.seat_reviewer(challenge, db.session.get(User, reviewer_id), admin)
    seated = {s.reviewer_id for s in panels.seats_taken(challenge)}
    missing = challenge.reviewers_required - len(seated)
    if missing > 0:
        others = [u for u in db.session.scalars(select(User).where(
            User.role == Role.REVIEWER, User.active.is_(True)).order_by(User.id)) if u.id not in seated]
        conflicts = panels.conflicts_for(challenge, others)
        for reviewer in [u for u in others if u.id not in conflicts][:missing]:
            panels.seat_reviewer(challenge, reviewer, admin)


def _pledge_panel(challenge: Challenge) -> None:
    """Every seated reviewer signs the 评审承诺书 before reading the bids."""
    for seat in panels.seats_taken(challenge):
        if blind.pledge_of(seat) is None:
            blind.sign_pledge(seat, seat.reviewer)


def _pdf(name: str):

    return FileStorage(stream=io.BytesIO(b"%PDF-1.4\n% demo evidence\n%%EOF\n"), filename=name,
                       content_type="application/pdf")


def _award(challenge: Challenge, plan: dict, users: dict[str, User], admin: User) -> None:
    """Contracts drafted and signed after 公示, then each contract's own story."""

    signed = _day(plan["signed_days"])
    contracts = []
    for spec in plan["contracts"]:
        solver = users[spec["solver"]]
        proposal = db.session.scalar(select(Proposal).where(
            Proposal.challenge_id == challenge.id, Proposal.lead_org_id == solver.organization_id,
            Proposal.state == ProposalState.SELECTED))
        values = award.contract_defaults(proposal)
        values |= {
            "number": values["number"].replace(f"-{local_today().year}-", f"-{local(signed).year}-", 1),
            "amount_fen": parse_wan(spec["amount_wan"]), "start_on": local(signed).date(),
            "subsidy_rate_bp": spec.get("subsidy_percent", 0) * BP_PER_PERCENT,
            "subsidy_cap_fen": parse_wan(spec.get("subsidy_cap_wan", "0")),
            "milestones": [{"title": m["title"], "deliverable": m["deliverable"],
                            "due_on": local_today() + timedelta(days=m["due_days"]),
                            "share_bp": m["share"] * BP_PER_PERCENT} for m in spec["milestones"]]}
        contract = award.draft_contract(proposal, admin, values, now=signed - timedelta(days=4))
        contracts.append((contract, spec, solver))
    for contract, _spec, _solver in contracts:
        award.sign_contract(contract, admin, now=signed)
    for contract, spec, solver in contracts:
        _follow(contract, spec, solver, admin)
    if plan.get("finish"):
        award.finish(challenge, admin, now=_day(plan.get("finish_days", -30)))


def _follow(contract, spec: dict, solver: User, admin: User) -> None:
    """Milestones reported, confirmed, reviewed and paid; then elimination, acceptance with
    final payments, or failure with its rule — whatever the spec says happened."""

    challenge = contract.challenge
    issuer = challenge.created_by
    for milestone, m in zip(contract.milestones, spec["milestones"], strict=True):
        due = _day(m["due_days"])
        if m["progress"] == "pending":
            continue
        approved = m["progress"] == "approved"
        perform(milestone, "report", solver, report=m["report"],
                now=due - timedelta(days=4 if approved else 2))
        award.add_file(milestone, solver, _pdf(f"{m['deliverable']}.pdf"))
        if not approved:
            continue  # reported, waiting for the enterprise
        perform(milestone, "confirm", issuer, now=due - timedelta(days=1))
        perform(milestone, "approve", admin, now=due + timedelta(days=4))
        if m.get("paid"):
            terms = terms_of(contract)
            for payer, label in ((Payer.ENTERPRISE, "企业付款"), (Payer.GOVERNMENT, "财政拨款")):
                share = terms.allocation(payer)[milestone.id]
                if share:
                    award.record_payment(contract, admin, award.PaymentInput(
                        payer, share, local(due).date() + timedelta(days=8), milestone.id,
                        f"{label} {contract.number}-{milestone.position + 1}"),
                        now=min(due + timedelta(days=8), utcnow()))
    if spec.get("eliminated"):
        when = _day(spec["eliminated"]["days"])
        award.eliminate(contract, admin, spec["eliminated"]["reason"], now=when)
    if spec.get("acceptance"):
        _accept(contract, spec["acceptance"], solver, admin)
    for payment in spec.get("payments", []):
        award.record_payment(contract, admin, award.PaymentInput(
            Payer(payment["payer"]), parse_wan(payment["wan"]),
            local_today() + timedelta(days=payment["days"]), None, payment["reference"]),
            now=_day(payment["days"]))
    if spec.get("failed"):
        failed = spec["failed"]
        award.fail_contract(contract, admin, failed["reason"], FailureRule(failed["rule"]),
                            recovery_fen=parse_wan(failed.get("recovery_wan", "0")),
                            now=_day(failed.get("days", -40)))
        if failed.get("recovered_wan"):
            back = _day(failed.get("recovered_days", -12))
            award.record_recovered(contract, admin, parse_wan(failed["recovered_wan"]), local(back).date(),
                                   failed["reference"], now=back)


def _accept(contract, spec: dict, solver: User, admin: User) -> None:
    """验收: measured values and evidence per indicator, the enterprise's sign-off, the bureau's
    decision; the 榜 follows (验收, and 兑现 when everything is already paid)."""

    acceptance = award.acceptance_for(contract)
    award.save_acceptance(acceptance, solver, spec["summary"], {
        item.id: value for item, value in zip(acceptance.items, spec["measured"], strict=True)})
    for item in acceptance.items:
        award.add_file(item, solver, _pdf(f"检测报告-{item.indicator.name}.pdf"))
    perform(acceptance, "submit", solver, now=_day(spec["submitted_days"]))
    perform(acceptance, "sign_off", contract.challenge.created_by, opinion=spec["opinion"],
            judgements={item.id: True for item in acceptance.items}, now=_day(spec["signed_off_days"]))
    passed = _day(spec["passed_days"])
    perform(acceptance, "pass", admin, now=passed)


def _panels(admin: User, users: dict[str, User]) -> None:
    """Qualify the demo bids, seat panels by the matcher's proposal and score: the first 榜's
    panel complete (ready for the bureau's decision), the last waiting for one demo reviewer."""

    with_bids = [c for c in db.session.scalars(select(Challenge).where(
        Challenge.state == ChallengeState.REVIEWING).order_by(Challenge.id))
        if scoring.scored_proposals(c) or _submitted(c)]
    for challenge in with_bids:
        for proposal in _submitted(challenge):
            perform(proposal, "qualify", admin, reason="资格审查合格。")
    # The waiting panel: the last 榜 after the first, seated first with the first demo reviewer
    # free of conflicts with it (reviewer1 unless the demo's ties — an organisation bidding,
    # a past 联合体 — rule them out), who has not scored yet.
    demo_reviewers = [users[e] for e in sorted(users) if e.startswith("reviewer")]
    waiting, waiter = [], None
    for challenge in reversed(with_bids[1:]):
        waiter = next((r for r in demo_reviewers if not panels.conflicts_for(challenge, [r])), None)
        if waiter is not None:
            waiting = [challenge]
            panels.seat_reviewer(challenge, waiter, admin)
            break
    plans, _ = panels.propose_panels(with_bids)
    for plan in plans:
        for reviewer_id in plan.proposed:
            panels.seat_reviewer(plan.challenge, db.session.get(User, reviewer_id), admin)
    for challenge in with_bids:
        _pledge_panel(challenge)
        for reviewer_id in scoring.seated_reviewer_ids(challenge):
            reviewer = db.session.get(User, reviewer_id)
            if challenge in waiting and reviewer is waiter:
                continue
            for proposal in scoring.scored_proposals(challenge):
                _score(scoring, reviewer, proposal)


def _submitted(challenge: Challenge) -> list:

    return list(db.session.scalars(select(Proposal).where(
        Proposal.challenge_id == challenge.id, Proposal.state == ProposalState.SUBMITTED)))


def _score(scoring, reviewer: User, proposal) -> None:
    """Plausible, repeatable scores: each reviewer leans a little differently on each bid."""
    lean = (proposal.id * 7 + reviewer.id * 3) % 9 - 4
    points = {"approach": 24 + lean // 2, "indicators": 20 + lean // 3, "team": 16,
              "plan": 12 + (lean > 0), "budget": 8}
    review = scoring.save_review(reviewer, proposal, points, "方案思路清晰，指标响应具体。")
    scoring.submit_review(reviewer, review)


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
