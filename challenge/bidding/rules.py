"""揭榜 rules, as plain functions the workflow door and the views share."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from .. import permissions as can
from ..extensions import db
from ..integrity.rules import organization_problem
from ..models import Challenge, Proposal, User
from ..money import SHARE_TOTAL, format_share
from ..orgs.rules import unverified_problem
from ..states import LIVE_PROPOSAL_STATES, Confidentiality


def eligibility_problems(user: User, challenge: Challenge,
                         proposal: Proposal | None = None) -> list[str]:
    """Why this solver's organization may not bid on this 榜 (empty when it may); *proposal*
    is the bid being checked, which does not count against itself."""
    problems = []
    org = user.organization
    if org is None:
        return [_("您尚未加入任何单位（或加入申请待单位管理员审核），不能揭榜。")]
    allowed_types = challenge.eligible_type_list
    if allowed_types and (org is None or org.type not in allowed_types):
        problems.append(_("本榜仅限 %(types)s 揭榜。", types="、".join(t.label for t in allowed_types)))
    regions = challenge.region_list
    if regions and (org is None or not any(r in (org.region or "") for r in regions)):
        problems.append(_("本榜仅限 %(regions)s 的单位揭榜。", regions="、".join(regions)))
    if challenge.confidentiality is not Confidentiality.PUBLIC and not can.has_body_access(
            user, challenge):
        problems.append(_("揭榜前需获得发榜方授权并签署保密承诺，查阅保密内容。"))
    barred = organization_problem(org.id, org.name)
    if barred:
        problems.append(barred)
    for partner in proposal.partners if proposal is not None else []:
        barred = organization_problem(partner.organization_id, partner.organization_name,
                                      as_partner=True)
        if barred:
            problems.append(barred)
    live = live_proposal_of(org.id, challenge) if org is not None else None
    if live is not None and live is not proposal:
        problems.append(_("贵单位已在本榜提交（或正在编写）揭榜方案，每个单位只能作为牵头单位揭榜一次。"))
    return problems


def live_proposal_of(org_id: int, challenge: Challenge) -> Proposal | None:
    return db.session.scalar(select(Proposal).where(
        Proposal.challenge_id == challenge.id, Proposal.lead_org_id == org_id,
        Proposal.state.in_(LIVE_PROPOSAL_STATES)))


def submission_problems(proposal: Proposal, now: datetime | None = None) -> list[str]:
    """What keeps a bid from being submitted; the form shows the same rules next to fields."""
    challenge = proposal.challenge
    problems = [p for p in [unverified_problem(proposal.lead_org)] if p]
    if not challenge.is_open_for_bids(now):
        problems.append(_("揭榜已截止或本榜不在揭榜中，不能提交。"))
    if proposal.requested_fen > challenge.bounty_fen:
        problems.append(_("申请金额不能超过榜额。"))
    answered = {r.indicator_id for r in proposal.responses if r.committed_value.strip()}
    missing = [i.name for i in challenge.indicators if i.id not in answered]
    if missing:
        problems.append(_("请逐项响应榜单的技术指标（缺：%(names)s）。", names="、".join(missing)))
    if not proposal.milestones:
        problems.append(_("请至少填写一个里程碑。"))
    elif sum(m.share_bp for m in proposal.milestones) != SHARE_TOTAL:
        problems.append(_("里程碑付款比例之和必须为 100%%（当前 %(p)s%%）。",
                          p=format_share(sum(m.share_bp for m in proposal.milestones))))
    if proposal.commitment_accepted_at is None:
        problems.append(_("请阅读并勾选揭榜承诺（军令状）。"))
    return problems


def snapshot(proposal: Proposal) -> dict:
    """Everything submitted, as plain data, for the version history."""
    return {
        "title": proposal.title, "technical_approach": proposal.technical_approach,
        "requested_fen": proposal.requested_fen, "budget": proposal.budget,
        "members": proposal.members,
        "partners": [{"organization": p.organization_name, "role": p.role}
                     for p in proposal.partners],
        "responses": [{"indicator": r.indicator.name, "target": r.indicator.target,
                       "committed_value": r.committed_value, "evidence_plan": r.evidence_plan}
                      for r in proposal.responses],
        "milestones": [{"title": m.title, "due_on": m.due_on.isoformat(),
                        "deliverable": m.deliverable, "share_bp": m.share_bp}
                       for m in proposal.milestones],
        "attachments": [a.original_name for a in proposal.attachments],
    }

