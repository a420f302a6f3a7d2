"""Change requests to a signed contract, registered with the door: one party asks, the *other*
party agrees or declines, then the bureau approves (the change is applied and the contract gets
a new version) or refuses; the asking party may withdraw until the bureau has answered."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import ChangeRequest, Contract, ContractVersion, User
from ..notices import admin_user_ids, issuer_user_ids, mailed, tell
from ..states import CHANGE_REQUEST_TRANSITIONS, ContractState, MilestoneState, Role
from ..workflow import Context, Workflow, register, stamp

# Milestones whose due date may still move: not yet approved, not cancelled.
OPEN_MILESTONES = frozenset({MilestoneState.PENDING, MilestoneState.REPORTED,
                             MilestoneState.RETURNED, MilestoneState.CONFIRMED})


def side_of(user: User, contract: Contract) -> Role | None:
    """Which party of the contract *user* acts for (None: neither)."""
    if user.role is Role.SOLVER and user.organization_id == contract.solver_org_id:
        return Role.SOLVER
    if user.role is Role.ENTERPRISE and user.organization_id == contract.challenge.issuer_org_id:
        return Role.ENTERPRISE
    return None


def _party(user: User, cr: ChangeRequest) -> bool:
    """The contract's two parties act on its change requests (the bureau by role)."""
    return side_of(user, cr.contract) is not None


CHANGE = register(Workflow(ChangeRequest, CHANGE_REQUEST_TRANSITIONS, _party))


def change_link(cr: ChangeRequest) -> str:
    return f"/contracts/{cr.contract_id}/changes/{cr.id}"


def _solvers(cr: ChangeRequest) -> list[int]:
    return list(db.session.scalars(select(User.id).where(
        User.organization_id == cr.contract.solver_org_id, User.role == Role.SOLVER,
        User.active.is_(True))))


def other_party(cr: ChangeRequest) -> list[int]:
    """the party that did not ask"""
    return issuer_user_ids(cr.challenge) if cr.side is Role.SOLVER else _solvers(cr)


def _both_parties(cr: ChangeRequest) -> list[int]:
    """both parties of the contract"""
    return _solvers(cr) + issuer_user_ids(cr.challenge)


def _parties_and_bureau(cr: ChangeRequest) -> list[int]:
    """both parties of the contract and the bureau (科技局)"""
    return _both_parties(cr) + admin_user_ids()


def notify(message, recipients):
    return mailed(tell(message, recipients, change_link))


# -- guards ----------------------------------------------------------------------------------

def theother_party(cr: ChangeRequest, ctx: Context) -> list[str]:
    """The party that asked cannot answer its own request."""
    if ctx.actor.role is not Role.ADMIN and side_of(ctx.actor, cr.contract) is cr.side:
        return [_("变更申请须由合同另一方确认，申请方不能自己同意或拒绝。")]
    return []


def the_asking_party(cr: ChangeRequest, ctx: Context) -> list[str]:
    """Only the party that asked may withdraw."""
    if side_of(ctx.actor, cr.contract) is not cr.side:
        return [_("只有提出变更的一方可以撤回申请。")]
    return []


def change_problems(cr: ChangeRequest) -> list[str]:
    """Why the requested change cannot (or can no longer) be applied to the contract."""
    contract = cr.contract
    if contract.state is not ContractState.ACTIVE:
        return [_("合同当前状态为「%(state)s」，只有执行中的合同可以变更。", state=contract.state.label)]
    found = []
    by_id = {m.id: m for m in contract.milestones}
    for key, due in (cr.changes.get("milestones") or {}).items():
        m = by_id.get(int(key))
        if m is None:
            found.append(_("变更涉及的里程碑不属于本合同。"))
        elif m.state not in OPEN_MILESTONES:
            found.append(_("里程碑「%(title)s」已%(state)s，不能再改日期。", title=m.title,
                           state=m.state.label))
        elif date.fromisoformat(due) < contract.start_on:
            found.append(_("里程碑「%(title)s」的新日期不能早于合同开始日期。", title=m.title))
    return found


def still_applicable(cr: ChangeRequest, ctx: Context) -> list[str]:
    """The contract is still in force and every milestone named may still move."""
    return change_problems(cr)


# -- effects ---------------------------------------------------------------------------------

def terms_now(contract: Contract) -> dict:
    """The contract's terms as they stand: milestones (dates) and budget lines."""
    return {
        "milestones": [{"id": m.id, "title": m.title, "due_on": m.due_on.isoformat(),
                        "share_bp": m.share_bp} for m in contract.milestones],
        "budget": current_budget(contract),
    }


def current_budget(contract: Contract) -> list[dict]:
    """The budget lines in force: the last version's, else the winning bid's."""
    last = db.session.scalar(select(ContractVersion).where(
        ContractVersion.contract_id == contract.id).order_by(ContractVersion.number.desc()).limit(1))
    if last is not None:
        return list(last.terms.get("budget") or [])
    return [{"item": line.get("item", ""), "amount_fen": int(line.get("amount_fen") or 0),
             "note": line.get("note", "")} for line in (contract.proposal.budget or [])]


def apply_change(cr: ChangeRequest, ctx: Context) -> None:
    """Moves the milestone dates, replaces the budget lines, and keeps the contract's versions
    (version 1, as signed, is kept the first time)."""
    contract = cr.contract
    count = db.session.scalar(select(func.count(ContractVersion.id)).where(
        ContractVersion.contract_id == contract.id)) or 0
    if count == 0:
        db.session.add(ContractVersion(contract_id=contract.id, number=1, terms=terms_now(contract),
                                       made_at=contract.signed_at or ctx.now))
        db.session.flush()
        count = 1
    budget = cr.changes.get("budget")
    by_id = {m.id: m for m in contract.milestones}
    for key, due in (cr.changes.get("milestones") or {}).items():
        m = by_id[int(key)]
        m.due_on = date.fromisoformat(due)
        m.overdue_notified_on = None  # a moved date may be overdue again, and then reminded
    terms = terms_now(contract)
    if budget is not None:
        terms["budget"] = budget
    db.session.add(ContractVersion(contract_id=contract.id, number=count + 1,
                                   change_request_id=cr.id, terms=terms, made_at=ctx.now))


def note_agreement(cr: ChangeRequest, ctx: Context) -> None:
    cr.agreed_by_id = ctx.actor_id
    cr.agreed_at = ctx.now


def note_decision(cr: ChangeRequest, ctx: Context) -> None:
    cr.decided_by_id = ctx.actor_id
    cr.decided_at = ctx.now
    cr.decision_note = ctx.reason


(CHANGE
 .on("agree", guard=theother_party, effect=note_agreement,
     notice=notify(_l("「%(title)s」的合同变更申请已获对方同意，待科技局审批。"), _parties_and_bureau))
 .on("decline", guard=theother_party, effect=note_decision,
     notice=notify(_l("「%(title)s」的合同变更申请未获对方同意：%(reason)s"), _both_parties))
 .on("approve", guard=still_applicable, effect=apply_change,
     notice=notify(_l("「%(title)s」的合同变更已获科技局批准，合同已更新。"), _both_parties))
 .on("approve", effect=note_decision)
 .on("refuse", effect=note_decision,
     notice=notify(_l("「%(title)s」的合同变更申请未获科技局批准：%(reason)s"), _both_parties))
 .on("withdraw", guard=the_asking_party, effect=stamp("decided_at"),
     notice=notify(_l("「%(title)s」的合同变更申请已撤回：%(reason)s"), other_party)))
