"""奖榜 flows, registered with the door: a contract, its milestones and its acceptance (验收),
and the 榜's own steps that follow its contracts (签约, 验收, 兑现, 攻关失败, 结榜): after a
contract is signed, ended or paid, the door moves the 榜 on as far as its guards allow."""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Acceptance, Challenge, Contract, ContractMilestone, Proposal, User
from ..money import SHARE_TOTAL, format_share
from ..notices import admin_user_ids, issuer_user_ids, mailed, tell
from ..posting.flows import CHALLENGE, tell_issuer
from ..reviewing.flows import PROPOSAL, publicity_problems, tell_bidder
from ..reviewing.scoring import results
from ..states import (
    ACCEPTANCE_TRANSITIONS,
    CONTRACT_TRANSITIONS,
    MILESTONE_TRANSITIONS,
    AcceptanceState,
    ChallengeState,
    ContractState,
    FailureRule,
    FundingMode,
    MilestoneState,
    ProposalState,
    Role,
    RunnerUpTrigger,
)
from ..timeutil import local
from ..workflow import Context, FollowUp, Workflow, bureau_only, latest_event, perform, register, stamp
from .rules import (
    CANCELLED_AT_END,
    accept_problem,
    award_problem,
    contract_problem,
    contracted_total,
    fail_problem,
)


def contract_link(obj) -> str:
    contract = obj if isinstance(obj, Contract) else obj.contract
    return f"/contracts/{contract.id}"


def solver_user_ids(obj) -> list[int]:
    """the solver organization"""
    contract = obj if isinstance(obj, Contract) else obj.contract
    return list(db.session.scalars(select(User.id).where(
        User.organization_id == contract.solver_org_id, User.role == Role.SOLVER,
        User.active.is_(True))))


def _issuers(obj) -> list[int]:
    """the issuing enterprise"""
    return issuer_user_ids(obj.challenge)


def _both(obj) -> list[int]:
    """the solver organization and the issuing enterprise"""
    return solver_user_ids(obj) + issuer_user_ids(obj.challenge)


def _admins(obj) -> list[int]:
    """the bureau (科技局)"""
    return admin_user_ids()


def _solver_and_admins(obj) -> list[int]:
    """the solver organization and the bureau (科技局)"""
    return solver_user_ids(obj) + admin_user_ids()


def notify(message, recipients):
    """In-app and e-mail: every 奖榜 step is news a party must not miss."""
    return mailed(tell(message, recipients, contract_link))


def _owns_party(user: User, obj) -> bool:
    """The solver organization acts for its side, the issuer for the enterprise's."""
    contract = obj if isinstance(obj, Contract) else obj.contract
    if user.role is Role.SOLVER:
        return user.organization_id == contract.solver_org_id
    if user.role is Role.ENTERPRISE:
        return user.organization_id == contract.challenge.issuer_org_id
    return False


# -- the contract --------------------------------------------------------------------------

# -- the 榜 follows its contracts ------------------------------------------------------------

def publicity_over_and_signed(c: Challenge, ctx: Context) -> list[str]:
    """公示 over and objections answered, and every winning bid under a signed contract."""
    return publicity_problems(c, ctx.now) or [p for p in [contract_problem(c)] if p]


def _from_contracts(rule, doc: str):
    def guard(c: Challenge, ctx: Context) -> list[str]:
        return [p for p in [rule(c)] if p]
    guard.__doc__ = doc
    return guard


(CHALLENGE
 .on("contract", guard=publicity_over_and_signed, effect=stamp("contracted_at"),
     notice=tell_issuer(_l("您的榜「%(title)s」已完成签约，进入攻关。")))
 .on("accept", guard=_from_contracts(
     accept_problem, "Every contract ended, at least one accepted."), effect=stamp("accepted_at"),
     notice=mailed(tell_issuer(_l("您的榜「%(title)s」已验收通过，请按合同兑付榜金。"))))
 .on("award", guard=_from_contracts(
     award_problem, "Every accepted contract paid in full, every eliminated team paid what it earned."),
     notice=tell_issuer(_l("您的榜「%(title)s」奖励已兑现。")))
 .on("finish", effect=stamp("ended_at"), notice=tell_issuer(_l("您的榜「%(title)s」已结榜。")))
 .on("fail", guard=_from_contracts(
     fail_problem, "Every winner drafted a contract, and every contract ended without success."),
     effect=stamp("ended_at"),
     notice=mailed(tell_issuer(_l("您的榜「%(title)s」攻关失败：%(reason)s")))))

# After a contract is signed, ended or paid: 签约 once every winner has signed, 验收 once all
# have ended with one accepted, 兑现 once everything due is paid, 攻关失败 once all ended
# without success (the reason is the contract's, or this one).
MOVE_THE_CHALLENGE = FollowUp("榜", lambda obj: obj.challenge, ("contract", "accept", "award", "fail"),
                              reason=_l("各合同均已结束，没有验收通过的合同。"))


# -- the contract --------------------------------------------------------------------------

CONTRACT = register(Workflow(Contract, CONTRACT_TRANSITIONS, bureau_only))  # the bureau records them


def terms_problems(contract: Contract) -> list[str]:
    """What must hold for a contract to be signed (also shown on the draft)."""
    problems = []
    challenge = contract.challenge
    if not contract.milestones:
        problems.append(_("合同至少要有一个里程碑。"))
    elif sum(m.share_bp for m in contract.milestones) != SHARE_TOTAL:
        problems.append(_("里程碑付款比例合计须为 100%%，现为 %(p)s%%。",
                          p=format_share(sum(m.share_bp for m in contract.milestones))))
    if contract.amount_fen > challenge.bounty_fen:
        problems.append(_("合同金额不能超过榜额。"))
    elif contract.amount_fen + contracted_total(challenge, leaving_out=contract) > challenge.bounty_fen:
        problems.append(_("本榜各合同金额合计不能超过榜额。"))
    if contract.proposal.state is not ProposalState.SELECTED:
        problems.append(_("该揭榜方案已不是入选方案。"))
    return problems


def signable(contract: Contract, ctx: Context) -> list[str]:
    """The 榜 in 公示 or 签约, 公示 over and objections answered, the terms whole."""
    challenge = contract.challenge
    if challenge.state not in (ChallengeState.PUBLICITY, ChallengeState.CONTRACTED):
        return [_("本榜当前为「%(s)s」，不能签约。", s=challenge.state.label)]
    return publicity_problems(challenge, ctx.now) or terms_problems(contract)


def acceptance_passed(contract: Contract, ctx: Context) -> list[str]:
    """Its acceptance (验收) has passed."""
    if contract.acceptance is None or contract.acceptance.state is not AcceptanceState.PASSED:
        return [_("验收尚未通过。")]
    return []


def another_team_runs(contract: Contract, ctx: Context) -> list[str]:
    """A 赛马 榜, and another of its contracts still in force."""
    if contract.funding_mode is not FundingMode.HORSE_RACE:
        return [_("只有赛马制的榜才能淘汰团队；如攻关不成，请判定合同失败。")]
    others = db.session.scalar(select(Contract.id).where(
        Contract.challenge_id == contract.challenge_id, Contract.id != contract.id,
        Contract.state == ContractState.ACTIVE).limit(1))
    if others is None:
        return [_("这是本榜最后一支执行中的队伍，不能淘汰；如攻关不成，请判定合同失败。")]
    return []


def failure_rule_given(contract: Contract, ctx: Context) -> list[str]:
    """A failure rule (parameter rule); recovery only of a signed contract."""
    rule = ctx.params.get("rule")
    if not isinstance(rule, FailureRule):
        return [_("请选择失败处理规则（终止、暂扣或追回）。")]
    if rule is FailureRule.RECOVER and contract.signed_at is None:
        return [_("合同未签订，没有可追回的款项。")]
    return []


def _cancel_open_milestones(contract: Contract, ctx: Context) -> None:
    """Open milestones not yet earned are cancelled; confirmed ones keep their earned share."""
    for milestone in contract.milestones:
        if milestone.state in CANCELLED_AT_END:
            perform(milestone, "cancel", ctx.actor, reason=ctx.reason, now=ctx.now)


def end_eliminated(contract: Contract, ctx: Context) -> None:
    """Stamps ended_at, keeps the reason, cancels the milestones not yet earned."""
    contract.ended_at = ctx.now
    contract.end_note = ctx.reason
    _cancel_open_milestones(contract, ctx)


def end_failed(contract: Contract, ctx: Context) -> None:
    """Stamps ended_at, keeps the reason, rule and recovery_fen, cancels the milestones not yet
    earned."""
    contract.ended_at = ctx.now
    contract.end_note = ctx.reason
    contract.failure_rule = ctx.params["rule"]
    contract.recovery_fen = ctx.params.get("recovery_fen") or 0
    _cancel_open_milestones(contract, ctx)


(CONTRACT
 .on("sign", guard=signable, effect=stamp("signed_at"), follows=MOVE_THE_CHALLENGE,
     notice=notify(_l("「%(title)s」的揭榜合同已签订，请按里程碑推进。"), _both))
 .on("accept", guard=acceptance_passed, effect=stamp("ended_at"), follows=MOVE_THE_CHALLENGE,
     notice=notify(_l("「%(title)s」的合同验收通过。"), _both))
 .on("eliminate", guard=another_team_runs, effect=end_eliminated, follows=MOVE_THE_CHALLENGE,
     notice=notify(_l("「%(title)s」赛马评审：该团队被淘汰。理由：%(reason)s"), _both))
 .on("fail", guard=failure_rule_given, effect=end_failed, follows=MOVE_THE_CHALLENGE,
     notice=notify(_l("「%(title)s」的合同被判定攻关失败：%(reason)s"), _both))
 .on("pay", follows=MOVE_THE_CHALLENGE))  # a payment (not a transition) may 兑现 the 榜


# -- a milestone ---------------------------------------------------------------------------

MILESTONE = register(Workflow(ContractMilestone, MILESTONE_TRANSITIONS, _owns_party,
                              object_type="milestone"))


def contract_in_force(m: ContractMilestone, ctx: Context) -> list[str]:
    """Its contract is in force (执行中)."""
    if m.contract.state is not ContractState.ACTIVE:
        return [_("合同当前为「%(s)s」，里程碑不能再推进。", s=m.contract.state.label)]
    return []


def report_written(m: ContractMilestone, ctx: Context) -> list[str]:
    """Its contract in force, and a report (parameter report, or the one saved)."""
    if problems := contract_in_force(m, ctx):
        return problems
    if not (ctx.params.get("report") or m.report or "").strip():
        return [_("请填写里程碑完成情况。")]
    return []


def keep_report(m: ContractMilestone, ctx: Context) -> None:
    """Keeps the report and stamps reported_at."""
    if ctx.params.get("report"):
        m.report = ctx.params["report"].strip()
    m.reported_at = ctx.now


def note_review(m: ContractMilestone, ctx: Context) -> None:
    """Stamps reviewed_at and keeps the reason (or note) as the review note."""
    m.reviewed_at = ctx.now
    m.review_note = ctx.reason or ctx.params.get("note", "")


(MILESTONE
 .on("report", guard=report_written, effect=keep_report,
     notice=notify(_l("「%(title)s」有里程碑报告待您确认。"), _issuers))
 .on("confirm", guard=contract_in_force, effect=stamp("confirmed_at"),
     notice=notify(_l("「%(title)s」的里程碑已由企业确认，待科技局评审。"), _solver_and_admins))
 .on("send_back", guard=contract_in_force,
     notice=notify(_l("「%(title)s」的里程碑报告被企业退回：%(reason)s"), solver_user_ids))
 .on("approve", guard=contract_in_force, effect=note_review,
     notice=notify(_l("「%(title)s」的里程碑评审通过。"), _both))
 .on("rework", guard=contract_in_force, effect=note_review,
     notice=notify(_l("「%(title)s」的里程碑评审不通过，须补充完善：%(reason)s"), _both)))


# -- acceptance (验收) ---------------------------------------------------------------------

ACCEPTANCE = register(Workflow(Acceptance, ACCEPTANCE_TRANSITIONS, _owns_party))


def acceptance_gaps(acceptance: Acceptance) -> list[str]:
    """Indicators still missing a measured value or evidence (shown before submitting)."""
    gaps = []
    for item in acceptance.items:
        if not item.measured_value.strip():
            gaps.append(_("指标「%(name)s」缺少实测值。", name=item.indicator.name))
        if not item.files:
            gaps.append(_("指标「%(name)s」缺少证明材料。", name=item.indicator.name))
    return gaps


def ready_for_acceptance(a: Acceptance, ctx: Context) -> list[str]:
    """Contract in force, every milestone approved, a value and evidence for every indicator."""
    contract = a.contract
    if contract.state is not ContractState.ACTIVE:
        return [_("合同当前为「%(s)s」，不能申请验收。", s=contract.state.label)]
    unfinished = [m.title for m in contract.milestones
                  if m.state not in (MilestoneState.APPROVED, MilestoneState.CANCELLED)]
    if unfinished:
        return [_("里程碑「%(t)s」尚未评审通过，不能申请验收。", t="、".join(unfinished))]
    indicator_ids = {i.id for i in contract.challenge.indicators}
    if {item.indicator_id for item in a.items} != indicator_ids:
        return [_("验收表与本榜的技术指标不一致，请刷新后重填。")]
    return acceptance_gaps(a)


def every_item_judged(a: Acceptance, ctx: Context) -> list[str]:
    """A judgement (parameter judgements) for every indicator."""
    judgements = ctx.params.get("judgements") or {}
    missing = [item.indicator.name for item in a.items if judgements.get(item.id) is None]
    if missing:
        return [_("请逐项判定是否达标：%(names)s。", names="、".join(missing))]
    return []


def every_item_met(a: Acceptance, ctx: Context) -> list[str]:
    """Every indicator met, and the contract in force."""
    unmet = [item.indicator.name for item in a.items if item.met is not True]
    if unmet:
        return [_("指标「%(names)s」未达标，不能认定验收通过。", names="、".join(unmet))]
    if a.contract.state is not ContractState.ACTIVE:
        return [_("合同当前为「%(s)s」，不能认定验收。", s=a.contract.state.label)]
    return []


def contract_still_in_force(a: Acceptance, ctx: Context) -> list[str]:
    """The contract is still in force."""
    if a.contract.state is not ContractState.ACTIVE:
        return [_("合同当前为「%(s)s」，不能重新验收。", s=a.contract.state.label)]
    return []


def keep_judgements(a: Acceptance, ctx: Context) -> None:
    """Keeps each indicator's judgement and the enterprise's opinion, stamps signed_off_at."""
    judgements = ctx.params["judgements"]
    for item in a.items:
        item.met = judgements[item.id]
    a.enterprise_opinion = (ctx.params.get("opinion") or "").strip()
    a.signed_off_at = ctx.now


def accept_the_contract(a: Acceptance, ctx: Context) -> None:
    """Stamps decided_at; the contract is accepted (its own transition, 验收通过)."""
    a.decided_at = ctx.now
    perform(a.contract, "accept", ctx.actor, now=ctx.now)


def start_again(a: Acceptance, ctx: Context) -> None:
    """A fresh round after 整改: judgements and stamps cleared; the solver updates values and
    evidence, the enterprise judges again."""
    for item in a.items:
        item.met = None
    a.submitted_at = a.signed_off_at = a.decided_at = None


(ACCEPTANCE
 .on("submit", guard=ready_for_acceptance, effect=stamp("submitted_at"),
     notice=notify(_l("「%(title)s」的揭榜方已提交验收申请，请逐项签认。"), _issuers))
 .on("send_back", notice=notify(_l("「%(title)s」的验收材料被企业退回：%(reason)s"), solver_user_ids))
 .on("sign_off", guard=every_item_judged, effect=keep_judgements,
     notice=notify(_l("「%(title)s」的验收已由企业签认，待科技局认定。"), _admins))
 .on("pass", guard=every_item_met, effect=accept_the_contract)
 .on("reject", effect=stamp("decided_at"), notice=notify(_l("「%(title)s」验收不通过：%(reason)s"), _both))
 .on("reopen", guard=contract_still_in_force, effect=start_again,
     notice=notify(_l("「%(title)s」可整改后重新申请验收：%(reason)s"), _both)))


# -- 递补: a winner replaced by the runner-up (issue 15 item 5) -------------------------------

def sign_by(challenge: Challenge):
    """When a winner should have signed: RUNNER_UP_SIGN_DAYS after the latest 公示 ends."""
    if challenge.publicity_ends_at is None:
        return None
    return challenge.publicity_ends_at + timedelta(days=current_app.config["RUNNER_UP_SIGN_DAYS"])


def winner_replaceable(p: Proposal, ctx: Context) -> list[str]:
    """The 榜 in 公示 (not yet 签约), the winner's contract not signed, a trigger (parameter
    trigger); for 逾期未签约 the signing time over."""
    challenge = p.challenge
    if challenge.state is not ChallengeState.PUBLICITY:
        return [_("本榜当前为「%(s)s」，不能递补。", s=challenge.state.label)]
    contract = db.session.scalar(select(Contract).where(Contract.proposal_id == p.id))
    if contract is not None and contract.signed_at is not None:
        return [_("该入选方已签订合同，不能递补；如攻关不成，请判定合同失败。")]
    trigger = ctx.params.get("trigger")
    if not isinstance(trigger, RunnerUpTrigger):
        return [_("请选择递补原因。")]
    if trigger is RunnerUpTrigger.NOT_SIGNED:
        deadline = sign_by(challenge)
        if deadline is None or ctx.now < deadline:
            return [_("签约期限至 %(t)s，届时仍未签约才能以逾期未签约递补。",
                      t=local(deadline).strftime("%Y-%m-%d %H:%M") if deadline else "—")]
    return []


def was_dropped(p: Proposal) -> bool:
    return latest_event(p, "drop") is not None


def runner_up_qualifies(p: Proposal, ctx: Context) -> list[str]:
    """The 榜 in 公示, the bid scored at or above the pass mark and never dropped as a winner."""
    challenge = p.challenge
    if challenge.state is not ChallengeState.PUBLICITY:
        return [_("本榜当前为「%(s)s」，不能递补。", s=challenge.state.label)]
    row = next((r for r in results(challenge) if r.proposal.id == p.id), None)
    if row is None or not row.passes:
        return [_("该方案未达到合格分 %(m)d 分，不能递补入选。", m=challenge.pass_mark)]
    if was_dropped(p):
        return [_("该方案曾被取消入选，不能再递补。")]
    return []


def open_own_publicity(p: Proposal, ctx: Context) -> None:
    """The runner-up gets its own 公示: PUBLICITY_DAYS from now (签约 waits for it again)."""
    p.challenge.publicity_ends_at = ctx.now + timedelta(days=current_app.config["PUBLICITY_DAYS"])


def _bidder_and_issuer(p: Proposal) -> list[int]:
    """the promoted bid's team lead and the issuing enterprise"""
    return [p.team_lead_id, *issuer_user_ids(p.challenge)]


# PROPOSAL is imported through reviewing.flows (after posting.flows), so the 榜's workflow is
# registered first whoever imports this module first: docs/workflow.md keeps its order.
(PROPOSAL
 .on("drop", guard=winner_replaceable,
     notice=mailed(tell_bidder(_l("您在「%(title)s」的入选资格已取消：%(reason)s"))))
 .on("promote", guard=runner_up_qualifies, effect=open_own_publicity,
     notice=mailed(tell(_l("「%(title)s」递补入选：%(reason)s 现进入递补公示。"), _bidder_and_issuer,
                        lambda p: f"/proposals/{p.id}"))))
