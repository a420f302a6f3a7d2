"""What views call: extend a published 榜's deadline or publish an addendum (补充通知), telling
everyone who took an interest in it once; ask for, answer and decide contract change requests;
read a contract's versions. State changes go through `perform`, the rest leaves audit events
through `record`. The caller commits."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, union
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..errors import Refused
from ..extensions import db
from ..locales import later, money
from ..locking import lock_for_write
from ..mail import queue_email
from ..models import (
    AccessGrant,
    AccessLog,
    Challenge,
    ChallengeAddendum,
    ChallengeViewer,
    ChangeRequest,
    Contract,
    ContractVersion,
    Notification,
    Proposal,
    Question,
    User,
)
from ..notices import challenge_link, issuer_user_ids
from ..states import AddendumKind, ChallengeState, ChangeRequestState, ContractState, Role
from ..timeutil import utcnow
from ..workflow import Context, perform, record
from .flows import change_problems, current_budget, notify, other_party, side_of, terms_now

# An addendum may be published while bids are open or under review; a deadline moved only open.
ADDENDUM_STATES = frozenset({ChallengeState.OPEN, ChallengeState.REVIEWING})
OPEN_REQUESTS = frozenset({ChangeRequestState.PROPOSED, ChangeRequestState.AGREED})
MAX_TEXT = 5000


# -- extensions and addenda ------------------------------------------------------------------

def note_viewer(challenge: Challenge, user) -> bool:
    """Remember that a signed-in user opened the 榜's page (the first time only; a concurrent
    first view is absorbed by the unique key). True when a row was written: the caller commits.
    A repeat view only reads, so a busy page takes no write lock (SQLite's is one per file)."""
    if not getattr(user, "is_authenticated", False) or user.role is Role.ADMIN:
        return False
    if db.session.scalar(select(ChallengeViewer.id).where(
            ChallengeViewer.challenge_id == challenge.id,
            ChallengeViewer.user_id == user.id).limit(1)) is not None:
        return False
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[dialect]
    db.session.execute(insert(ChallengeViewer).values(
        challenge_id=challenge.id, user_id=user.id, first_viewed_at=utcnow())
        .on_conflict_do_nothing(index_elements=["challenge_id", "user_id"]))
    return True


def interested_user_ids(challenge: Challenge) -> list[int]:
    """Everyone who opened the 榜's page signed in or viewed its confidential body, asked a
    question, requested access or drafted a bid (any state), and the issuer: each once, active
    accounts only."""
    who = union(
        select(ChallengeViewer.user_id.label("uid")).where(
            ChallengeViewer.challenge_id == challenge.id),
        select(AccessLog.user_id).where(AccessLog.challenge_id == challenge.id),
        select(Question.asker_id).where(Question.challenge_id == challenge.id),
        select(AccessGrant.user_id).where(AccessGrant.challenge_id == challenge.id),
        select(Proposal.team_lead_id).where(Proposal.challenge_id == challenge.id),
    ).subquery()
    found = set(db.session.scalars(select(User.id).where(User.id.in_(select(who.c.uid)),
                                                         User.active.is_(True))))
    return sorted(found | set(issuer_user_ids(challenge)))


def _bureau_only(user: User) -> None:
    if user.role is not Role.ADMIN:
        raise Refused(_("只有科技局可以发布延期或补充通知。"))


def _tell_interested(challenge: Challenge, actor: User, message) -> int:
    """One notice (and e-mail) to each interested person but the actor; how many were told."""
    recipients = [uid for uid in interested_user_ids(challenge) if uid != actor.id]
    subject = _l("揭榜挂帅平台通知：%(title)s", title=challenge.title)
    for uid in recipients:
        db.session.add(Notification(user_id=uid, message=message, link=challenge_link(challenge)))
        queue_email(db.session.get(User, uid), subject, message, challenge_link(challenge))
    return len(recipients)


def extend_deadline(challenge: Challenge, admin: User, new_deadline: datetime, note: str = "",
                    now: datetime | None = None) -> ChallengeAddendum:
    """Move an open 榜's deadline later (UTC), shown on the 榜 and told to the interested."""
    _bureau_only(admin)
    now = now or utcnow()
    lock_for_write(Challenge, challenge.id)
    if challenge.state is not ChallengeState.OPEN:
        raise Refused(_("只有揭榜中的榜可以延长截止时间（当前状态为「%(state)s」）。",
                        state=challenge.state.label), "deadline")
    old = challenge.deadline_at
    if new_deadline <= now:
        raise Refused(_("新的截止时间必须晚于现在。"), "deadline")
    if old is not None and new_deadline <= old:
        raise Refused(_("新的截止时间必须晚于原截止时间。"), "deadline")
    if len(note or "") > MAX_TEXT:
        raise Refused(_("说明不能超过 %(n)s 字。", n=MAX_TEXT), "body")
    challenge.deadline_at = new_deadline
    addendum = ChallengeAddendum(challenge_id=challenge.id, kind=AddendumKind.EXTENSION,
                                 body=(note or "").strip(), old_deadline_at=old,
                                 new_deadline_at=new_deadline, published_at=now,
                                 published_by_id=admin.id)
    db.session.add(addendum)
    db.session.flush()
    record(challenge, "extend_deadline", admin, reason=addendum.body, now=now, changes={
        "deadline_at": [old.isoformat() if old else None, new_deadline.isoformat()],
        "addendum": [None, addendum.id]})
    addendum.notified = _tell_interested(challenge, admin, later(
        _l("「%(title)s」的揭榜截止时间已延长，请查看榜单上的延期通知。"), {"title": challenge.title}))
    return addendum


def publish_addendum(challenge: Challenge, admin: User, body: str,
                     now: datetime | None = None) -> ChallengeAddendum:
    """A 补充通知 on a 榜 that is open or under review, told to the interested."""
    _bureau_only(admin)
    now = now or utcnow()
    body = (body or "").strip()
    if not body:
        raise Refused(_("请填写补充通知的内容。"), "body")
    if len(body) > MAX_TEXT:
        raise Refused(_("说明不能超过 %(n)s 字。", n=MAX_TEXT), "body")
    lock_for_write(Challenge, challenge.id)
    if challenge.state not in ADDENDUM_STATES:
        raise Refused(_("只有揭榜中或评审中的榜可以发布补充通知（当前状态为「%(state)s」）。",
                        state=challenge.state.label), "body")
    addendum = ChallengeAddendum(challenge_id=challenge.id, kind=AddendumKind.ADDENDUM, body=body,
                                 published_at=now, published_by_id=admin.id)
    db.session.add(addendum)
    db.session.flush()
    record(challenge, "publish_addendum", admin, reason=body, now=now,
           changes={"addendum": [None, addendum.id]})
    addendum.notified = _tell_interested(challenge, admin, later(
        _l("「%(title)s」发布了补充通知，请查看榜单。"), {"title": challenge.title}))
    return addendum


def addenda_of(challenge: Challenge) -> list[ChallengeAddendum]:
    return list(db.session.scalars(select(ChallengeAddendum).where(
        ChallengeAddendum.challenge_id == challenge.id).order_by(ChallengeAddendum.id)))


# -- change requests -------------------------------------------------------------------------

@dataclass
class ChangeInput:
    reason: str
    milestone_dates: dict[int, date]  # milestone id -> new due date (only those that change)
    budget: list[dict] | None = None  # the new budget lines, or None: unchanged


def _budget_problems(lines: list[dict]) -> list[str]:
    found = []
    for n, line in enumerate(lines, 1):
        if not str(line.get("item", "")).strip():
            found.append(_("第 %(n)s 行预算缺少科目名称。", n=n))
        amount = line.get("amount_fen")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            found.append(_("第 %(n)s 行预算金额必须是不小于零的金额。", n=n))
    return found


def request_change(contract: Contract, user: User, change: ChangeInput,
                   now: datetime | None = None) -> ChangeRequest:
    """One party of a signed contract asks to change milestone dates and/or budget lines."""
    now = now or utcnow()
    side = side_of(user, contract)
    if side is None or not user.is_active:
        raise Refused(_("只有合同双方可以申请变更。"))
    lock_for_write(Challenge, contract.challenge_id)
    if contract.state is not ContractState.ACTIVE:
        raise Refused(_("合同当前状态为「%(state)s」，只有执行中的合同可以变更。",
                        state=contract.state.label))
    if db.session.scalar(select(ChangeRequest.id).where(
            ChangeRequest.contract_id == contract.id, ChangeRequest.state.in_(OPEN_REQUESTS))):
        raise Refused(_("本合同已有一项变更申请尚未办结，请等它办结后再申请。"))
    reason = (change.reason or "").strip()
    if not reason:
        raise Refused(_("请说明变更的理由。"), "reason")
    by_id = {m.id: m for m in contract.milestones}
    dates = {str(mid): due.isoformat() for mid, due in change.milestone_dates.items()
             if mid not in by_id or by_id[mid].due_on != due}
    budget = None
    if change.budget is not None:
        budget = [{"item": str(line.get("item", "")).strip(), "amount_fen": line.get("amount_fen"),
                   "note": str(line.get("note", "")).strip()} for line in change.budget]
        problems = _budget_problems(budget)
        if problems:
            raise Refused(items=problems, field="budget")
        if budget == current_budget(contract):
            budget = None
    if not dates and budget is None:
        raise Refused(_("申请的内容与现行合同相同，没有需要变更的地方。"))
    changes = {"milestones": dates} | ({"budget": budget} if budget is not None else {})
    cr = ChangeRequest(contract=contract, requested_by_id=user.id, side=side, reason=reason,
                       changes=changes, requested_at=now)
    problems = change_problems(cr)  # checked before the request joins the session
    if problems:
        raise Refused(items=problems, field="milestones")
    db.session.add(cr)
    db.session.flush()
    record(cr, "request_change", user, reason=reason, now=now, changes={
        "milestones": [None, dates], "budget": [None, budget]})
    _tell_other_party(cr, user, now)
    return cr


def _tell_other_party(cr: ChangeRequest, user: User, now: datetime) -> None:
    message = _l("「%(title)s」的合同另一方提出了变更申请，请确认是否同意。")
    for uid, text, link in notify(message, other_party)(cr, Context(user, now, "", {})):
        db.session.add(Notification(user_id=uid, message=text, link=link))


def answer(cr: ChangeRequest, user: User, action: str, reason: str = "",
           now: datetime | None = None) -> None:
    """agree / decline (the other party), approve / refuse (the bureau), withdraw (the asker)."""
    if action not in ("agree", "decline", "approve", "refuse", "withdraw"):
        raise Refused(_("未知操作：%(action)s", action=action))
    lock_for_write(Challenge, cr.contract.challenge_id)
    perform(cr, action, user, reason=reason, now=now)


def requests_of(contract: Contract) -> list[ChangeRequest]:
    return list(db.session.scalars(select(ChangeRequest).where(
        ChangeRequest.contract_id == contract.id).order_by(ChangeRequest.id.desc())))


def versions_of(contract: Contract) -> list[ContractVersion]:
    return list(db.session.scalars(select(ContractVersion).where(
        ContractVersion.contract_id == contract.id).order_by(ContractVersion.number)))


@dataclass(frozen=True)
class Difference:
    what: str
    before: str
    after: str


def differences(before: dict, after: dict) -> list[Difference]:
    """What changed from one version's terms to the next: milestone dates, budget lines."""
    found = []
    old = {m["id"]: m for m in before.get("milestones", [])}
    for m in after.get("milestones", []):
        was = old.get(m["id"])
        if was and was["due_on"] != m["due_on"]:
            found.append(Difference(_("里程碑「%(title)s」到期日", title=m["title"]),
                                    was["due_on"], m["due_on"]))
    if before.get("budget") != after.get("budget"):
        found.append(Difference(_("预算"), _budget_text(before.get("budget")),
                                _budget_text(after.get("budget"))))
    return found


def _budget_text(lines) -> str:
    return "；".join(f"{line['item']} {money(line['amount_fen'])}" for line in lines or []) or "—"


def history(contract: Contract) -> list[tuple[ContractVersion, list[Difference]]]:
    """Each version with what it changed from the one before (version 1: nothing)."""
    found, previous = [], None
    for version in versions_of(contract):
        found.append((version, differences(previous, version.terms) if previous else []))
        previous = version.terms
    return found


__all__ = ["ChangeInput", "answer", "extend_deadline", "history", "interested_user_ids",
           "publish_addendum", "request_change", "terms_now"]
