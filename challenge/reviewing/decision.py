"""评榜 decision and 公示: the bureau picks the winners in one operation, which opens the
publicity period; anyone signed in may object during it; an upheld objection reopens the
decision. Every state change goes through `perform`; the caller commits or rolls back."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from .. import permissions as can
from ..errors import Refused
from ..extensions import db
from ..locking import lock_for_write
from ..models import Challenge, Notification, Objection, Proposal, User
from ..notices import admin_user_ids
from ..states import ChallengeState, ObjectionState, ProposalState
from ..timeutil import utcnow
from ..workflow import latest_event, perform, record
from .anomalies import flag_problems
from .scoring import BidResult, panel_complete, results

REASON_MAX = 2000
EXCEPTION_MAX = 1000
OBJECTION_MAX = 2000
MAX_OPEN_OBJECTIONS = 3  # per user per 榜


@dataclass
class DecisionProblems:
    general: list[str] = field(default_factory=list)
    per_bid: dict[int, str] = field(default_factory=dict)
    reason: str = ""

    def __bool__(self) -> bool:
        return bool(self.general or self.per_bid or self.reason)

    @property
    def messages(self) -> list[str]:
        return [*self.general, *([self.reason] if self.reason else []), *self.per_bid.values()]


def decision_problems(challenge: Challenge, rows: list[BidResult], winner_ids: list[int],
                      reason: str, exceptions: dict[int, str]) -> DecisionProblems:
    """Every rule of SPEC §6 for one decision, worded for the admin."""
    found = DecisionProblems()
    if challenge.state is not ChallengeState.REVIEWING:
        found.general.append(_("本榜当前为「%(s)s」，不能确定揭榜方。", s=challenge.state.label))
        return found
    if not panel_complete(challenge):
        found.general.append(_("评审尚未完成：每位评审专家提交全部合格方案的评分后才能确定揭榜方。"))
        return found
    found.general += flag_problems(challenge, rows)
    by_id = {row.proposal.id: row for row in rows
             if row.proposal.state is ProposalState.QUALIFIED}
    if any(pid not in by_id for pid in winner_ids):
        found.general.append(_("所选方案不是本榜待评定的合格方案，请刷新页面后重新选择。"))
    if not winner_ids:
        found.general.append(_("请至少选择一个入选方案。"))
    elif len(winner_ids) > challenge.max_winners:
        found.general.append(_("本榜最多 %(n)d 个揭榜方，您选择了 %(k)d 个。",
                               n=challenge.max_winners, k=len(winner_ids)))
    for pid in winner_ids:
        row = by_id.get(pid)
        why = (exceptions.get(pid) or "").strip()
        if row is None or row.passes:
            continue
        if not why:
            found.per_bid[pid] = _("该方案低于合格分 %(m)d 分，破格入选须写明理由。",
                                   m=challenge.pass_mark)
        elif len(why) > EXCEPTION_MAX:
            found.per_bid[pid] = _("理由不超过 %(n)d 字。", n=EXCEPTION_MAX)
    reason = (reason or "").strip()
    if not reason:
        found.reason = _("请填写确定揭榜方的理由。")
    elif len(reason) > REASON_MAX:
        found.reason = _("理由不超过 %(n)d 字。", n=REASON_MAX)
    return found


def decide(challenge: Challenge, actor: User, winner_ids, reason: str,
           exceptions: dict[int, str], now: datetime | None = None) -> list[Proposal]:
    """Select the winners, reject every other qualified bid, open 公示. All or nothing: on
    Refused nothing changed; on Refused the caller rolls back."""
    now = now or utcnow()
    winner_ids = list(dict.fromkeys(int(pid) for pid in winner_ids))
    exceptions = {int(k): v for k, v in (exceptions or {}).items()}
    rows = results(challenge)
    problems = decision_problems(challenge, rows, winner_ids, reason, exceptions)
    if problems:
        raise Refused(items=problems.messages)
    reason = reason.strip()
    winners = []
    for row in rows:
        bid = row.proposal
        if bid.state is not ProposalState.QUALIFIED:
            continue
        if bid.id in winner_ids:
            why = reason if row.passes else _(
                "低于合格分（%(score)s < %(mark)d）破格入选：%(why)s",
                score=row.aggregate.score, mark=challenge.pass_mark,
                why=exceptions[bid.id].strip())
            perform(bid, "select", actor, reason=why, now=now)
            winners.append(bid)
        else:
            perform(bid, "reject", actor, reason=reason, now=now)
    perform(challenge, "decide", actor, reason=reason, now=now)  # opens 公示 (reviewing/flows.py)
    return winners


# -- 公示 facts and 异议 -----------------------------------------------------------------------

@dataclass
class Publicity:
    """What the public results page shows: winners only, and counts."""

    winners: list[BidResult]
    bids: int
    qualified: int
    objections_answered: int
    objections_open: int
    decided_at: datetime | None


def publicity_of(challenge: Challenge) -> Publicity:
    rows = results(challenge)
    winners = [row for row in rows if row.proposal.state is ProposalState.SELECTED]
    counts = dict(db.session.execute(
        select(Proposal.state, func.count()).where(Proposal.challenge_id == challenge.id)
        .group_by(Proposal.state)).all())
    bids = sum(n for state, n in counts.items()
               if state not in (ProposalState.DRAFT, ProposalState.WITHDRAWN))
    qualified = sum(counts.get(s, 0) for s in (ProposalState.QUALIFIED, ProposalState.SELECTED,
                                                ProposalState.NOT_SELECTED))
    objections = dict(db.session.execute(
        select(Objection.state, func.count()).where(Objection.challenge_id == challenge.id)
        .group_by(Objection.state)).all())
    open_ = objections.get(ObjectionState.OPEN, 0)
    decided = latest_event(challenge, "decide")
    return Publicity(winners, bids, qualified, sum(objections.values()) - open_, open_,
                     decided.occurred_at if decided else None)


def open_objections_of(user: User, challenge: Challenge) -> int:
    return db.session.scalar(select(func.count(Objection.id)).where(
        Objection.challenge_id == challenge.id, Objection.filer_id == user.id,
        Objection.state == ObjectionState.OPEN)) or 0


def file_objection(challenge: Challenge, user: User, reason: str,
                   now: datetime | None = None) -> Objection:
    """异议 during 公示; audited, and the bureau is told."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not can.can_object(user, challenge, now):
        raise Refused(_("公示期已结束或本榜不在公示中，不能提出异议。"))
    if not reason:
        raise Refused(_("请写明异议的事实和理由。"))
    if len(reason) > OBJECTION_MAX:
        raise Refused(_("异议不超过 %(n)d 字。", n=OBJECTION_MAX))
    lock_for_write(User, user.id)  # the filer's cap: counted and raised by one request at a time
    if open_objections_of(user, challenge) >= MAX_OPEN_OBJECTIONS:
        raise Refused(_("您对本榜已有 %(n)d 条异议待处理，处理后才能再提出。",
                              n=MAX_OPEN_OBJECTIONS))
    objection = Objection(challenge_id=challenge.id, filer_id=user.id, reason=reason,
                          filed_at=now)
    db.session.add(objection)
    db.session.flush()
    record(objection, "file", user, reason=reason, to_state=ObjectionState.OPEN, now=now)
    text = _l("「%(title)s」公示期间收到一条异议，请在签约前处理。", title=challenge.title)
    for uid in admin_user_ids():
        db.session.add(Notification(user_id=uid, message=text,
                                    link=f"/admin/challenges/{challenge.id}/decision"))
    return objection


def answer_objection(objection: Objection, actor: User, decision: str, reason: str,
                     now: datetime | None = None) -> None:
    """Dismiss, or uphold, which reopens the decision (bids back to qualified, 榜 back to
    review). Raises Refused; the caller rolls back."""
    if decision not in ("uphold", "dismiss"):
        raise Refused(_("请选择异议成立或驳回。"))
    now = now or utcnow()
    perform(objection, decision, actor, reason=reason, now=now)
    challenge = objection.challenge
    if decision == "uphold" and challenge.state is ChallengeState.PUBLICITY:
        reopen_decision(challenge, actor, _("异议成立：%(r)s", r=reason.strip()), now)


def reopen_decision(challenge: Challenge, actor: User, reason: str, now: datetime) -> None:
    perform(challenge, "reopen", actor, reason=reason, now=now)
    decided = db.session.scalars(select(Proposal).where(
        Proposal.challenge_id == challenge.id,
        Proposal.state.in_([ProposalState.SELECTED, ProposalState.NOT_SELECTED]))
        .order_by(Proposal.id)).all()
    for bid in decided:
        perform(bid, "reconsider", actor, reason=reason, now=now)
