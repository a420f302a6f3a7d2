"""奖榜 operations: draft and sign contracts, move milestones and acceptance, keep the ledger,
end contracts, and let the 榜 follow its contracts. State changes go through `perform`;
ledger lines and edits leave audit events through `record`. The caller commits."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select

from ..errors import Refused
from ..extensions import db
from ..locales import money
from ..locking import lock_for_write
from ..models import (
    Acceptance,
    AcceptanceItem,
    AwardFile,
    Challenge,
    Contract,
    ContractMilestone,
    IndicatorResponse,
    LedgerEntry,
    Notification,
    Proposal,
    User,
)
from ..money import SHARE_TOTAL, format_share, format_wan
from ..notices import admin_user_ids, issuer_user_ids
from ..states import (
    SYSTEM,
    AcceptanceState,
    ChallengeState,
    ContractState,
    EntryKind,
    FailureRule,
    Payer,
    ProposalState,
)
from ..timeutil import local_date, local_today, utcnow
from ..uploads import remove_when_deleted, store_upload, stored_path
from ..workflow import Actor, Context, perform, record
from . import ledger
from .flows import notify, solver_user_ids, terms_problems
from .rules import (
    contract_totals,
    contracted_total,
    lines_of,
    overdue_conditions,
    terms_of,
)

MAX_FILES = 20


# -- contracts -----------------------------------------------------------------------------

def next_contract_number(challenge: Challenge) -> str:
    """JBGS-<year>-<榜 id>-<n>: unique, readable, stable."""
    n = db.session.scalar(select(func.count(Contract.id)).where(
        Contract.challenge_id == challenge.id)) or 0
    while True:
        n += 1
        number = f"JBGS-{local_today().year}-{challenge.id:04d}-{n}"
        if db.session.scalar(select(Contract.id).where(Contract.number == number)) is None:
            return number


def contract_defaults(proposal: Proposal) -> dict:
    """A new draft: the bid's request within what is left of the 榜额, its milestones copied."""
    challenge = proposal.challenge
    left = max(challenge.bounty_fen - contracted_total(challenge), 0)
    return {
        "number": next_contract_number(challenge),
        "amount_fen": min(proposal.requested_fen, left) or left,
        "start_on": local_today(),
        "subsidy_rate_bp": 0, "subsidy_cap_fen": 0,
        "milestones": [{"title": m.title, "due_on": m.due_on, "deliverable": m.deliverable,
                        "share_bp": m.share_bp} for m in proposal.milestones],
    }


def value_problems(challenge: Challenge, values: dict, contract: Contract | None = None) -> dict:
    """Field → message for a contract's editable values."""
    problems = {}
    if values["amount_fen"] <= 0:
        problems["amount"] = _("合同金额必须大于零。")
    elif values["amount_fen"] > challenge.bounty_fen:
        problems["amount"] = _("合同金额不能超过榜额 %(b)s 万元。", b=format_wan(challenge.bounty_fen))
    elif values["amount_fen"] + contracted_total(challenge, leaving_out=contract) > challenge.bounty_fen:
        problems["amount"] = _("本榜其他合同已占用 %(used)s 万元，合计不能超过榜额 %(b)s 万元。",
                               used=format_wan(contracted_total(challenge, leaving_out=contract)),
                               b=format_wan(challenge.bounty_fen))
    taken = db.session.scalar(select(Contract.id).where(Contract.number == values["number"]))
    if taken is not None and (contract is None or taken != contract.id):
        problems["number"] = _("合同编号已被使用。")
    if not 0 <= values["subsidy_rate_bp"] <= SHARE_TOTAL:
        problems["subsidy_rate"] = _("补助比例须在 0–100%% 之间。")
    if values["subsidy_cap_fen"] < 0:
        problems["subsidy_cap"] = _("补助上限不能为负数。")
    elif values["subsidy_rate_bp"] and values["subsidy_cap_fen"] <= 0:
        problems["subsidy_cap"] = _("有补助比例时请填写补助上限。")
    milestones = values["milestones"]
    if not milestones:
        problems["milestones"] = _("合同至少要有一个里程碑。")
    elif sum(m["share_bp"] for m in milestones) != SHARE_TOTAL:
        problems["milestones"] = _("里程碑付款比例合计须为 100%%，现为 %(p)s%%。",
                                   p=format_share(sum(m['share_bp'] for m in milestones)))
    elif any(m["due_on"] < values["start_on"] for m in milestones):
        problems["milestones"] = _("里程碑到期日不能早于合同开始日期。")
    return problems


def _apply_contract(contract: Contract, values: dict) -> dict:
    changes = {}
    for name in ("number", "amount_fen", "start_on", "subsidy_rate_bp", "subsidy_cap_fen"):
        if getattr(contract, name) != values[name]:
            before = getattr(contract, name)
            changes[name] = [str(before) if isinstance(before, date) else before,
                             str(values[name]) if isinstance(values[name], date) else values[name]]
            setattr(contract, name, values[name])
    wanted = [(m["title"], m["due_on"], m["deliverable"], m["share_bp"]) for m in values["milestones"]]
    current = [(m.title, m.due_on, m.deliverable, m.share_bp) for m in contract.milestones]
    if wanted != current:
        changes["milestones"] = [[f"{t} {d} {format_share(s)}%" for t, d, _dl, s in current],
                                 [f"{t} {d} {format_share(s)}%" for t, d, _dl, s in wanted]]
        contract.milestones = [ContractMilestone(position=n, title=t, due_on=d, deliverable=dl,
                                                 share_bp=s)
                               for n, (t, d, dl, s) in enumerate(wanted)]
    return changes


def draft_contract(proposal: Proposal, admin: User, values: dict | None = None,
                   now: datetime | None = None) -> Contract:
    lock_for_write(Challenge, proposal.challenge_id)  # the 榜额 its contracts share, their numbers
    challenge = proposal.challenge
    if proposal.state is not ProposalState.SELECTED:
        raise Refused(_("只有入选的揭榜方案才能签约。"))
    if challenge.state not in (ChallengeState.PUBLICITY, ChallengeState.CONTRACTED):
        raise Refused(_("本榜当前为「%(s)s」，不能起草合同。", s=challenge.state.label))
    if db.session.scalar(select(Contract.id).where(Contract.proposal_id == proposal.id)):
        raise Refused(_("该方案已有合同。"))
    values = values or contract_defaults(proposal)
    problems = value_problems(challenge, values)
    if problems:
        raise Refused(next(iter(problems.values())), next(iter(problems)))
    contract = Contract(challenge=challenge, proposal=proposal, solver_org_id=proposal.lead_org_id,
                        funding_mode=challenge.funding_mode, created_by_id=admin.id,
                        state=ContractState.DRAFT, number="", amount_fen=0, start_on=values["start_on"],
                        created_at=now or utcnow())
    db.session.add(contract)
    _apply_contract(contract, values)
    db.session.flush()
    record(contract, "draft_contract", admin, to_state=ContractState.DRAFT, now=now,
           changes={"proposal": [None, proposal.id], "amount_fen": [None, contract.amount_fen]})
    return contract


def update_contract(contract: Contract, admin: User, values: dict) -> dict:
    lock_for_write(Challenge, contract.challenge_id)
    if contract.state is not ContractState.DRAFT:
        raise Refused(_("合同已签订，不能再修改。"))
    problems = value_problems(contract.challenge, values, contract)
    if problems:
        raise Refused(next(iter(problems.values())), next(iter(problems)))
    changes = _apply_contract(contract, values)
    if changes:
        record(contract, "edit_contract", admin, changes=changes)
    return changes


def sign_contract(contract: Contract, admin: User, now: datetime | None = None) -> None:
    lock_for_write(Challenge, contract.challenge_id)
    perform(contract, "sign", admin, now=now)  # the 榜 follows (签约) once every winner signed


# -- milestones ----------------------------------------------------------------------------

def add_file(owner: ContractMilestone | AcceptanceItem, user: User, upload) -> AwardFile:
    contract = owner.contract if isinstance(owner, ContractMilestone) else owner.acceptance.contract
    lock_for_write(Challenge, contract.challenge_id)  # the file count, under the 榜's one lock
    if len(owner.files) >= MAX_FILES:
        raise Refused(_("最多 %(n)d 个附件。", n=MAX_FILES), "file")
    stored = store_upload(upload, "award")  # or UploadError, a Refused on the file field
    item = AwardFile(contract_id=contract.id, original_name=stored.original_name,
                     stored_name=stored.stored_name, content_type=stored.content_type,
                     size=stored.size, uploaded_by_id=user.id,
                     milestone=owner if isinstance(owner, ContractMilestone) else None,
                     item=owner if isinstance(owner, AcceptanceItem) else None)
    db.session.add(item)
    db.session.flush()
    target = owner if isinstance(owner, ContractMilestone) else owner.acceptance
    record(target, "attach", user, changes={"file": [None, item.original_name]})
    return item


def file_path(item: AwardFile):
    return stored_path("award", item.stored_name)


remove_when_deleted(AwardFile, "award")  # a deleted report or evidence file leaves the disk


def remove_file(item: AwardFile, user: User) -> None:
    target = item.milestone or item.item.acceptance
    record(target, "detach", user, changes={"file": [item.original_name, None]})
    db.session.delete(item)


def remind_overdue(today: date | None = None) -> int:
    """Tell the solver, the issuer and the bureau, once per milestone, that it is overdue."""
    today = today or local_today()
    candidates = db.session.scalars(select(ContractMilestone).join(Contract).where(
        *overdue_conditions(today), ContractMilestone.overdue_notified_on.is_(None))).all()
    for milestone in candidates:
        milestone.overdue_notified_on = today
        announce(milestone, SYSTEM, _l("「%(title)s」的里程碑「%(m)s」已于 %(d)s 到期，尚未提交报告。",
                                      title=milestone.challenge.title, m=milestone.title,
                                      d=milestone.due_on.isoformat()),
                 lambda m: solver_user_ids(m) + issuer_user_ids(m.challenge) + admin_user_ids())
        record(milestone, "overdue", SYSTEM, changes={"due_on": [None, milestone.due_on.isoformat()]})
    db.session.flush()
    return len(candidates)


# -- the ledger ----------------------------------------------------------------------------

@dataclass(frozen=True)
class PaymentInput:
    payer: Payer
    amount_fen: int
    paid_on: date
    milestone_id: int | None
    reference: str
    payee: str = ""
    note: str = ""


def record_payment(contract: Contract, admin: User, payment: PaymentInput,
                   now: datetime | None = None) -> LedgerEntry:
    """One payment, if the funding mode's rules allow it; the 榜 may then be 兑现."""
    now = now or utcnow()
    # The 榜 guards its contracts' ledgers (and the door may move the 榜): one payment at a time.
    lock_for_write(Challenge, contract.challenge_id)
    problem = ledger.payment_problem(terms_of(contract), lines_of(contract), payment.payer,
                                     payment.amount_fen, payment.milestone_id)
    if problem:
        raise Refused(problem, "amount")
    if payment.paid_on > local_date(now):
        raise Refused(_("付款日期不能晚于今天。"), "paid_on")
    entry = LedgerEntry(contract_id=contract.id, milestone_id=payment.milestone_id,
                        kind=EntryKind.PAYMENT, payer=payment.payer,
                        payee=payment.payee or contract.solver_org.name,
                        amount_fen=payment.amount_fen, paid_on=payment.paid_on,
                        reference=payment.reference.strip(), reason=payment.note.strip(),
                        recorded_by_id=admin.id, recorded_at=now)
    db.session.add(entry)
    db.session.flush()
    announce(contract, admin, _l("「%(title)s」登记付款 %(amount)s（%(payer)s）。",
                                title=contract.challenge.title,
                                amount=LazyString(money, payment.amount_fen),
                                payer=LazyString(lambda: payment.payer.label)), solver_user_ids)
    # The door then moves the 榜 on (兑现 once everything due is paid): awarding/flows.py.
    record(contract, "pay", admin, reason=payment.note.strip(), now=now, changes={
        "entry": [None, entry.id], "payer": [None, payment.payer.value],
        "amount_fen": [None, payment.amount_fen], "milestone": [None, payment.milestone_id]})
    return entry


ADVANCE_SETTABLE = frozenset({ChallengeState.DRAFT, ChallengeState.SCREENING, ChallengeState.OPEN,
                              ChallengeState.REVIEWING, ChallengeState.PUBLICITY,
                              ChallengeState.CONTRACTED})


def set_advance_terms(challenge: Challenge, admin: User, share_bp: int, cap_fen: int) -> dict:
    """The bureau sets the 榜's 前置兑现 share and cap (audited); 0 turns advances off. Advances
    already paid stay paid; a lower limit only stops further ones."""
    lock_for_write(Challenge, challenge.id)
    if challenge.state not in ADVANCE_SETTABLE:
        raise Refused(_("本榜当前为「%(s)s」，不能再设置前置兑现。", s=challenge.state.label))
    if not 0 <= share_bp <= SHARE_TOTAL:
        raise Refused(_("前置兑现比例须在 0–100%% 之间。"), "advance_share")
    if cap_fen < 0:
        raise Refused(_("前置兑现上限不能为负数。"), "advance_cap")
    if share_bp and cap_fen <= 0:
        raise Refused(_("有前置兑现比例时请填写上限。"), "advance_cap")
    changes = {name: [getattr(challenge, name), value] for name, value in
               (("advance_share_bp", share_bp), ("advance_cap_fen", cap_fen))
               if getattr(challenge, name) != value}
    if changes:
        challenge.advance_share_bp, challenge.advance_cap_fen = share_bp, cap_fen
        record(challenge, "advance_terms", admin, changes=changes)
    return changes


def record_advance(contract: Contract, admin: User, amount_fen: int, paid_on: date,
                   reference: str, note: str = "", now: datetime | None = None) -> LedgerEntry:
    """评估后前置兑现: part of the subsidy paid once the contract is signed (the evaluation is
    final by then: signing waits for the end of 公示), within the 榜's share and cap."""
    now = now or utcnow()
    lock_for_write(Challenge, contract.challenge_id)
    problem = ledger.advance_problem(terms_of(contract), lines_of(contract), amount_fen)
    if problem:
        raise Refused(problem, "amount")
    if paid_on > local_date(now):
        raise Refused(_("付款日期不能晚于今天。"), "paid_on")
    entry = LedgerEntry(contract_id=contract.id, kind=EntryKind.ADVANCE, payer=Payer.GOVERNMENT,
                        payee=contract.solver_org.name, amount_fen=amount_fen, paid_on=paid_on,
                        reference=reference.strip(), reason=note.strip(),
                        recorded_by_id=admin.id, recorded_at=now)
    db.session.add(entry)
    db.session.flush()
    announce(contract, admin, _l("「%(title)s」前置兑现政府补助 %(amount)s。",
                                title=contract.challenge.title,
                                amount=LazyString(money, amount_fen)), _both_parties)
    record(contract, "advance", admin, reason=note.strip(), now=now, changes={
        "entry": [None, entry.id], "amount_fen": [None, amount_fen]})
    return entry


def _both_parties(contract: Contract) -> list[int]:
    return solver_user_ids(contract) + issuer_user_ids(contract.challenge)


def announce(obj, actor: Actor, text, recipients) -> None:
    """Notices outside a transition (payments, reminders): in-app and by e-mail, each in the
    recipient's language (*text* a lazy string)."""
    escaped = LazyString(lambda: str(text).replace("%", "%%"))
    for user_id, message, link in notify(escaped, recipients)(obj, Context(
            actor, utcnow(), "", {})):
        db.session.add(Notification(user_id=user_id, message=message, link=link))


def reverse_payment(entry: LedgerEntry, admin: User, reason: str) -> LedgerEntry:
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("冲正需要填写理由。"), "reason")
    contract = entry.contract
    lock_for_write(Challenge, contract.challenge_id)
    if contract.challenge.state in (ChallengeState.AWARDED, ChallengeState.CLOSED):
        # The 榜 was 兑现 on these figures; a reversal now would leave it 兑现 while unpaid.
        raise Refused(_("本榜已兑现奖励（%(s)s），账目已锁定，不能再冲正。",
                           s=contract.challenge.state.label), "reason")
    problem = ledger.reversal_problem(lines_of(contract), entry.id)
    if problem:
        raise Refused(problem, "reason")
    reversal = LedgerEntry(contract_id=contract.id, milestone_id=entry.milestone_id,
                           kind=EntryKind.REVERSAL, payer=entry.payer, payee=entry.payee,
                           amount_fen=-entry.amount_fen, paid_on=local_today(),
                           reference=entry.reference, reason=reason, reverses_id=entry.id,
                           recorded_by_id=admin.id)
    db.session.add(reversal)
    db.session.flush()
    record(contract, "reverse", admin, reason=reason, changes={
        "entry": [entry.id, reversal.id], "amount_fen": [entry.amount_fen, reversal.amount_fen]})
    return reversal


def record_recovered(contract: Contract, admin: User, amount_fen: int, paid_on: date,
                     reference: str, now: datetime | None = None) -> LedgerEntry:
    lock_for_write(Challenge, contract.challenge_id)
    problem = ledger.recovered_problem(contract_totals(contract), amount_fen)
    if problem:
        raise Refused(problem, "amount")
    entry = LedgerEntry(contract_id=contract.id, kind=EntryKind.RECOVERED, payer=Payer.ENTERPRISE,
                        payee=contract.solver_org.name, amount_fen=amount_fen, paid_on=paid_on,
                        reference=reference.strip(), recorded_by_id=admin.id,
                        recorded_at=now or utcnow())
    db.session.add(entry)
    db.session.flush()
    record(contract, "recovered", admin, now=now, changes={"amount_fen": [None, amount_fen]})
    return entry


# -- ending a contract ---------------------------------------------------------------------

def eliminate(contract: Contract, admin: User, reason: str, now: datetime | None = None) -> None:
    lock_for_write(Challenge, contract.challenge_id)
    perform(contract, "eliminate", admin, reason=reason, now=now)


def fail_contract(contract: Contract, admin: User, reason: str, rule: FailureRule,
                  recovery_fen: int = 0, now: datetime | None = None) -> None:
    now = now or utcnow()
    lock_for_write(Challenge, contract.challenge_id)
    # The advance's part for work never earned is owed back whatever the rule (ledger.py).
    unearned = ledger.unearned_advance(terms_of(contract), lines_of(contract))
    if rule is FailureRule.RECOVER:
        problem = ledger.recovery_problem(contract_totals(contract).paid - unearned, recovery_fen)
        if problem:
            raise Refused(problem, "recovery")
    perform(contract, "fail", admin, reason=reason, rule=rule, now=now,
            recovery_fen=recovery_fen if rule is FailureRule.RECOVER else 0)
    if rule is FailureRule.RECOVER:
        db.session.add(LedgerEntry(contract_id=contract.id, kind=EntryKind.RECEIVABLE,
                                   payer=Payer.ENTERPRISE, payee=contract.solver_org.name,
                                   amount_fen=recovery_fen, paid_on=local_date(now),
                                   reason=reason, recorded_by_id=admin.id, recorded_at=now))
        db.session.flush()
        record(contract, "receivable", admin, reason=reason, now=now,
               changes={"amount_fen": [None, recovery_fen]})
    if unearned:
        db.session.add(LedgerEntry(contract_id=contract.id, kind=EntryKind.RECEIVABLE,
                                   payer=Payer.GOVERNMENT, payee=contract.solver_org.name,
                                   amount_fen=unearned, paid_on=local_date(now),
                                   reason=reason,
                                   recorded_by_id=admin.id, recorded_at=now))
        db.session.flush()
        record(contract, "receivable", admin, reason=reason, now=now,
               changes={"amount_fen": [None, unearned], "payer": [None, Payer.GOVERNMENT.value]})


# -- acceptance ----------------------------------------------------------------------------

def acceptance_for(contract: Contract) -> Acceptance:
    """The contract's acceptance form, created on first use with a row per indicator."""
    if contract.acceptance is not None:
        return contract.acceptance
    committed = dict(db.session.execute(select(IndicatorResponse.indicator_id,
                                               IndicatorResponse.committed_value)
                                        .where(IndicatorResponse.proposal_id == contract.proposal_id)).all())
    acceptance = Acceptance(contract=contract, state=AcceptanceState.DRAFT, items=[
        AcceptanceItem(indicator_id=i.id, position=n, committed_value=committed.get(i.id, ""))
        for n, i in enumerate(contract.challenge.indicators)])
    db.session.add(acceptance)
    db.session.flush()
    return acceptance


def save_acceptance(acceptance: Acceptance, user: User, summary: str, measured: dict[int, str]) -> None:
    if acceptance.state is not AcceptanceState.DRAFT:
        raise Refused(_("验收材料已提交，不能再修改。"))
    changes = {}
    if acceptance.summary != summary.strip():
        changes["summary"] = [None, "…"]
        acceptance.summary = summary.strip()
    for item in acceptance.items:
        value = (measured.get(item.id) or "").strip()[:100]
        if value != item.measured_value:
            changes[item.indicator.name] = [item.measured_value, value]
            item.measured_value = value
    if changes:
        record(acceptance, "save_acceptance", user, changes=changes)


def finish(challenge: Challenge, admin: User, now: datetime | None = None) -> None:
    perform(challenge, "finish", admin, now=now)


__all__ = ["Refused", "PaymentInput", "draft_contract", "update_contract", "sign_contract",
           "record_payment", "record_advance", "set_advance_terms", "reverse_payment",
           "record_recovered", "eliminate",
           "fail_contract", "acceptance_for", "save_acceptance", "add_file", "remove_file",
           "file_path", "remind_overdue", "finish", "contract_defaults", "value_problems",
           "terms_problems"]
