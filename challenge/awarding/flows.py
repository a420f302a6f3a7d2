"""The 奖榜 workflows: a contract, its milestones and its acceptance (验收), as `perform` applies
them. Registered into `challenge.workflow.WORKFLOWS` when imported (workflow.py does so)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Acceptance, Contract, ContractMilestone, User
from ..money import SHARE_TOTAL, format_share
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
)
from ..workflow import (
    WORKFLOWS,
    Context,
    Workflow,
    _mailed,
    admin_user_ids,
    issuer_user_ids,
    perform,
    tell,
)
from .rules import CANCELLED_AT_END, contracted_total


def contract_link(obj) -> str:
    contract = obj if isinstance(obj, Contract) else obj.contract
    return f"/contracts/{contract.id}"


def solver_user_ids(obj) -> list[int]:
    contract = obj if isinstance(obj, Contract) else obj.contract
    return list(db.session.scalars(select(User.id).where(
        User.organization_id == contract.solver_org_id, User.role == Role.SOLVER,
        User.active.is_(True))))


def _issuers(obj) -> list[int]:
    return issuer_user_ids(obj.challenge)


def _both(obj) -> list[int]:
    return solver_user_ids(obj) + issuer_user_ids(obj.challenge)


def _admins(obj) -> list[int]:
    return admin_user_ids()


def _solver_and_admins(obj) -> list[int]:
    return solver_user_ids(obj) + admin_user_ids()


def notify(message, recipients):
    """In-app and e-mail: every 奖榜 step is news a party must not miss."""
    return _mailed(tell(message, recipients, contract_link))


def _owns_party(user: User, obj) -> bool:
    """The solver organization acts for its side, the issuer for the enterprise's."""
    contract = obj if isinstance(obj, Contract) else obj.contract
    if user.role is Role.SOLVER:
        return user.organization_id == contract.solver_org_id
    if user.role is Role.ENTERPRISE:
        return user.organization_id == contract.challenge.issuer_org_id
    return False


# -- the contract --------------------------------------------------------------------------

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


def _guard_sign(contract: Contract, ctx: Context) -> str | None:
    from ..workflow import _guard_contract

    challenge = contract.challenge
    if challenge.state not in (ChallengeState.PUBLICITY, ChallengeState.CONTRACTED):
        return _("本榜当前为「%(s)s」，不能签约。", s=challenge.state.label)
    return _guard_contract(challenge, ctx) or "；".join(terms_problems(contract)) or None


def _guard_accept(contract: Contract, ctx: Context) -> str | None:
    if contract.acceptance is None or contract.acceptance.state is not AcceptanceState.PASSED:
        return _("验收尚未通过。")
    return None


def _guard_eliminate(contract: Contract, ctx: Context) -> str | None:
    if contract.funding_mode is not FundingMode.HORSE_RACE:
        return _("只有赛马制的榜才能淘汰团队；如攻关不成，请判定合同失败。")
    others = db.session.scalar(select(Contract.id).where(
        Contract.challenge_id == contract.challenge_id, Contract.id != contract.id,
        Contract.state == ContractState.ACTIVE).limit(1))
    if others is None:
        return _("这是本榜最后一支执行中的队伍，不能淘汰；如攻关不成，请判定合同失败。")
    return None


def _guard_fail(contract: Contract, ctx: Context) -> str | None:
    rule = ctx.params.get("rule")
    if not isinstance(rule, FailureRule):
        return _("请选择失败处理规则（终止、暂扣或追回）。")
    if rule is FailureRule.RECOVER and contract.signed_at is None:
        return _("合同未签订，没有可追回的款项。")
    return None


def _cancel_open_milestones(contract: Contract, ctx: Context) -> None:
    """Open milestones not yet earned are cancelled; confirmed ones keep their earned share."""
    for milestone in contract.milestones:
        if milestone.state in CANCELLED_AT_END:
            perform(milestone, "cancel", ctx.actor, reason=ctx.reason, now=ctx.now)


def _set_signed(contract: Contract, ctx: Context) -> None:
    contract.signed_at = ctx.now


def _set_accepted(contract: Contract, ctx: Context) -> None:
    contract.ended_at = ctx.now


def _set_eliminated(contract: Contract, ctx: Context) -> None:
    contract.ended_at = ctx.now
    contract.end_note = ctx.reason
    _cancel_open_milestones(contract, ctx)


def _set_failed(contract: Contract, ctx: Context) -> None:
    contract.ended_at = ctx.now
    contract.end_note = ctx.reason
    contract.failure_rule = ctx.params["rule"]
    contract.recovery_fen = ctx.params.get("recovery_fen") or 0
    _cancel_open_milestones(contract, ctx)


CONTRACT_WORKFLOW = Workflow(
    object_type="contract",
    transitions=CONTRACT_TRANSITIONS,
    owns=lambda user, contract: False,  # the bureau records contracts
    guards={"sign": _guard_sign, "accept": _guard_accept, "eliminate": _guard_eliminate,
            "fail": _guard_fail},
    effects={"sign": _set_signed, "accept": _set_accepted, "eliminate": _set_eliminated,
             "fail": _set_failed},
    notices={
        "sign": notify(_l("「%(title)s」的揭榜合同已签订，请按里程碑推进。"), _both),
        "accept": notify(_l("「%(title)s」的合同验收通过。"), _both),
        "eliminate": notify(_l("「%(title)s」赛马评审：该团队被淘汰。理由：%(reason)s"), _both),
        "fail": notify(_l("「%(title)s」的合同被判定攻关失败：%(reason)s"), _both),
    },
)


# -- a milestone ---------------------------------------------------------------------------

def _guard_contract_active(m: ContractMilestone, ctx: Context) -> str | None:
    if m.contract.state is not ContractState.ACTIVE:
        return _("合同当前为「%(s)s」，里程碑不能再推进。", s=m.contract.state.label)
    return None


def _guard_report(m: ContractMilestone, ctx: Context) -> str | None:
    problem = _guard_contract_active(m, ctx)
    if problem:
        return problem
    if not (ctx.params.get("report") or m.report or "").strip():
        return _("请填写里程碑完成情况。")
    return None


def _set_reported(m: ContractMilestone, ctx: Context) -> None:
    if ctx.params.get("report"):
        m.report = ctx.params["report"].strip()
    m.reported_at = ctx.now


def _set_confirmed(m: ContractMilestone, ctx: Context) -> None:
    m.confirmed_at = ctx.now


def _set_reviewed(m: ContractMilestone, ctx: Context) -> None:
    m.reviewed_at = ctx.now
    m.review_note = ctx.reason or ctx.params.get("note", "")


MILESTONE_WORKFLOW = Workflow(
    object_type="milestone",
    transitions=MILESTONE_TRANSITIONS,
    owns=_owns_party,
    guards={"report": _guard_report, "confirm": _guard_contract_active,
            "send_back": _guard_contract_active, "approve": _guard_contract_active,
            "rework": _guard_contract_active},
    effects={"report": _set_reported, "confirm": _set_confirmed, "approve": _set_reviewed,
             "rework": _set_reviewed},
    notices={
        "report": notify(_l("「%(title)s」有里程碑报告待您确认。"), _issuers),
        "confirm": notify(_l("「%(title)s」的里程碑已由企业确认，待科技局评审。"), _solver_and_admins),
        "send_back": notify(_l("「%(title)s」的里程碑报告被企业退回：%(reason)s"), solver_user_ids),
        "approve": notify(_l("「%(title)s」的里程碑评审通过。"), _both),
        "rework": notify(_l("「%(title)s」的里程碑评审不通过，须补充完善：%(reason)s"), _both),
    },
)


# -- acceptance (验收) ---------------------------------------------------------------------

def acceptance_gaps(acceptance: Acceptance) -> list[str]:
    """Indicators still missing a measured value or evidence (shown before submitting)."""
    gaps = []
    for item in acceptance.items:
        if not item.measured_value.strip():
            gaps.append(_("指标「%(name)s」缺少实测值。", name=item.indicator.name))
        if not item.files:
            gaps.append(_("指标「%(name)s」缺少证明材料。", name=item.indicator.name))
    return gaps


def _guard_acceptance_submit(a: Acceptance, ctx: Context) -> str | None:
    contract = a.contract
    if contract.state is not ContractState.ACTIVE:
        return _("合同当前为「%(s)s」，不能申请验收。", s=contract.state.label)
    unfinished = [m.title for m in contract.milestones
                  if m.state not in (MilestoneState.APPROVED, MilestoneState.CANCELLED)]
    if unfinished:
        return _("里程碑「%(t)s」尚未评审通过，不能申请验收。", t="、".join(unfinished))
    indicator_ids = {i.id for i in contract.challenge.indicators}
    if {item.indicator_id for item in a.items} != indicator_ids:
        return _("验收表与本榜的技术指标不一致，请刷新后重填。")
    return "；".join(acceptance_gaps(a)) or None


def _guard_sign_off(a: Acceptance, ctx: Context) -> str | None:
    judgements = ctx.params.get("judgements") or {}
    missing = [item.indicator.name for item in a.items if judgements.get(item.id) is None]
    if missing:
        return _("请逐项判定是否达标：%(names)s。", names="、".join(missing))
    return None


def _guard_pass(a: Acceptance, ctx: Context) -> str | None:
    unmet = [item.indicator.name for item in a.items if item.met is not True]
    if unmet:
        return _("指标「%(names)s」未达标，不能认定验收通过。", names="、".join(unmet))
    if a.contract.state is not ContractState.ACTIVE:
        return _("合同当前为「%(s)s」，不能认定验收。", s=a.contract.state.label)
    return None


def _set_acceptance_submitted(a: Acceptance, ctx: Context) -> None:
    a.submitted_at = ctx.now


def _set_signed_off(a: Acceptance, ctx: Context) -> None:
    judgements = ctx.params["judgements"]
    for item in a.items:
        item.met = judgements[item.id]
    a.enterprise_opinion = (ctx.params.get("opinion") or "").strip()
    a.signed_off_at = ctx.now


def _set_passed(a: Acceptance, ctx: Context) -> None:
    a.decided_at = ctx.now
    perform(a.contract, "accept", ctx.actor, now=ctx.now)


def _set_rejected(a: Acceptance, ctx: Context) -> None:
    a.decided_at = ctx.now


def _guard_reopen(a: Acceptance, ctx: Context) -> str | None:
    if a.contract.state is not ContractState.ACTIVE:
        return _("合同当前为「%(s)s」，不能重新验收。", s=a.contract.state.label)
    return None


def _set_reopened(a: Acceptance, ctx: Context) -> None:
    """A fresh round after 整改: the solver updates values and evidence, the enterprise judges again."""
    for item in a.items:
        item.met = None
    a.submitted_at = a.signed_off_at = a.decided_at = None


ACCEPTANCE_WORKFLOW = Workflow(
    object_type="acceptance",
    transitions=ACCEPTANCE_TRANSITIONS,
    owns=_owns_party,
    guards={"submit": _guard_acceptance_submit, "sign_off": _guard_sign_off, "pass": _guard_pass,
            "reopen": _guard_reopen},
    effects={"submit": _set_acceptance_submitted, "sign_off": _set_signed_off,
             "pass": _set_passed, "reject": _set_rejected, "reopen": _set_reopened},
    notices={
        "submit": notify(_l("「%(title)s」的揭榜方已提交验收申请，请逐项签认。"), _issuers),
        "send_back": notify(_l("「%(title)s」的验收材料被企业退回：%(reason)s"), solver_user_ids),
        "sign_off": notify(_l("「%(title)s」的验收已由企业签认，待科技局认定。"), _admins),
        "reject": notify(_l("「%(title)s」验收不通过：%(reason)s"), _both),
        "reopen": notify(_l("「%(title)s」可整改后重新申请验收：%(reason)s"), _both),
    },
)

WORKFLOWS.update({Contract: CONTRACT_WORKFLOW, ContractMilestone: MILESTONE_WORKFLOW,
                  Acceptance: ACCEPTANCE_WORKFLOW})

