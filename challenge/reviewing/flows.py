"""评榜 flows, registered with the door: a reviewer's seat (回避), a review, the decision on the
榜 and its bids (确定揭榜方, 重新评定, 流榜), objections (异议), and the end of 公示 that 签约
waits for."""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..bidding.flows import PROPOSAL, tell_bidder
from ..extensions import db
from ..models import Challenge, Objection, Proposal, Review, ReviewAssignment, User
from ..notices import admin_user_ids, mailed, tell
from ..posting.flows import CHALLENGE, tell_issuer
from ..states import (
    OBJECTION_TRANSITIONS,
    PANEL_TRANSITIONS,
    REVIEW_TRANSITIONS,
    ObjectionState,
    ProposalState,
    Role,
)
from ..timeutil import local
from ..workflow import Context, Workflow, bureau_only, register, stamp
from .anomalies import flag_problems
from .scoring import panel_complete, panel_open, results, review_problems

# -- the 榜: decision, 重新评定, 流榜 ----------------------------------------------------------


def nothing_can_win(c: Challenge, ctx: Context) -> list[str]:
    """Every bid checked for eligibility and none can win: no qualified bid, or the panel has
    scored them all and none reaches the pass mark."""
    states = set(db.session.scalars(select(Proposal.state).where(Proposal.challenge_id == c.id)))
    if ProposalState.SUBMITTED in states:
        return [_("还有揭榜方案未做资格审查。")]
    if ProposalState.SELECTED in states:
        return [_("已有入选的揭榜方案，不能流榜。")]
    if ProposalState.QUALIFIED in states:
        if not panel_complete(c):
            return [_("已有资格合格的揭榜方案，须待评审完成后再定。")]
        if any(row.passes for row in results(c)):
            return [_("已有达到合格分的揭榜方案，不能流榜。")]
    return []


def open_publicity(c: Challenge, ctx: Context) -> None:
    """Keeps the reason as the decision note and opens 公示 for PUBLICITY_DAYS."""
    c.decision_note = ctx.reason
    c.publicity_ends_at = ctx.now + timedelta(days=current_app.config["PUBLICITY_DAYS"])


def close_publicity(c: Challenge, ctx: Context) -> None:
    """Clears the end of 公示."""
    c.publicity_ends_at = None


def publicity_problems(c: Challenge, now: datetime) -> list[str]:
    """公示 has run its course and every objection has been answered (SPEC §6)."""
    still_open = db.session.scalar(select(func.count(Objection.id)).where(
        Objection.challenge_id == c.id, Objection.state == ObjectionState.OPEN))
    if still_open:
        return [_("还有 %(n)d 条异议未处理，处理完毕后才能签约。", n=still_open)]
    if c.publicity_ends_at is None:
        return [_("本榜没有公示期记录，不能签约。")]
    if now < c.publicity_ends_at:
        return [_("公示期至 %(t)s 结束，结束后才能签约。",
                  t=local(c.publicity_ends_at).strftime("%Y-%m-%d %H:%M"))]
    return []


def anomalies_acknowledged(c: Challenge, ctx: Context) -> list[str]:
    """Every score anomaly flagged on the decision page acknowledged with a reason (anomalies.py)."""
    return flag_problems(c)


(CHALLENGE
 .on("unclaim", guard=nothing_can_win)
 .on("decide", guard=anomalies_acknowledged, effect=open_publicity,
     notice=tell_issuer(_l("您的榜「%(title)s」已确定揭榜方，进入公示。")))
 .on("reopen", effect=close_publicity,
     notice=tell_issuer(_l("榜「%(title)s」的评审结果重新评定：%(reason)s"))))

(PROPOSAL
 .on("select", notice=mailed(tell_bidder(_l("您在「%(title)s」的揭榜方案已确定入选，现进入公示。"))))
 .on("reject", notice=mailed(tell_bidder(_l("您在「%(title)s」的揭榜方案未入选。理由：%(reason)s"))))
 .on("reconsider", notice=mailed(tell_bidder(
     _l("「%(title)s」的评审结果已撤回重新评定，您的方案回到评审中：%(reason)s")))))


# -- a reviewer's seat on a panel -----------------------------------------------------------

def owns_seat(user: User, seat: ReviewAssignment) -> bool:
    """The seated reviewer."""
    return user.role is Role.REVIEWER and user.id == seat.reviewer_id


SEAT = register(Workflow(ReviewAssignment, PANEL_TRANSITIONS, owns_seat))


def panel_still_working(seat: ReviewAssignment, ctx: Context) -> list[str]:
    """The panel still works: not once every review is in or the 榜 has moved on."""
    if panel_open(seat.challenge):
        return []
    return [_("「%(title)s」的评审工作已结束，不能再声明回避；如有利益冲突请联系科技局。",
              title=seat.challenge.title)]


def note_conflict(seat: ReviewAssignment, ctx: Context) -> None:
    """Stamps declined_at and keeps the reason as the conflict note."""
    seat.declined_at = ctx.now
    seat.conflict_note = ctx.reason


def tell_admins_declined(seat: ReviewAssignment, ctx: Context):
    """the bureau (科技局), to fill the seat"""
    text = _l("评审专家 %(name)s 对「%(title)s」声明回避：%(reason)s。请补充评审专家。",
              name=seat.reviewer.name, title=seat.challenge.title, reason=ctx.reason)
    return [(uid, text, f"/admin/panels/{seat.challenge_id}") for uid in admin_user_ids()]


SEAT.on("decline", guard=panel_still_working, effect=note_conflict, notice=tell_admins_declined)


# -- a review (评分) -------------------------------------------------------------------------

def owns_review(user: User, review: Review) -> bool:
    """The reviewer who wrote it."""
    return user.role is Role.REVIEWER and user.id == review.reviewer_id


REVIEW = register(Workflow(Review, REVIEW_TRANSITIONS, owns_review))


def scored_in_full(r: Review, ctx: Context) -> list[str]:
    """Every criterion scored within its range, and a comment below the pass mark."""
    return review_problems(r)


REVIEW.on("submit", guard=scored_in_full, effect=stamp("submitted_at"))


# -- an objection (异议) ---------------------------------------------------------------------

OBJECTION = register(Workflow(Objection, OBJECTION_TRANSITIONS, bureau_only))


def answer_objection(o: Objection, ctx: Context) -> None:
    """Keeps the reason as the answer, with who answered and when."""
    o.answer = ctx.reason
    o.answered_by_id = ctx.actor_id
    o.answered_at = ctx.now


def the_filer(o: Objection) -> list[int]:
    """the filer"""
    return [o.filer_id]


def tell_filer(message):
    return mailed(tell(message, the_filer, lambda o: f"/results/{o.challenge_id}"))


(OBJECTION
 .on("uphold", effect=answer_objection,
     notice=tell_filer(_l("您对「%(title)s」提出的异议成立：%(reason)s")))
 .on("dismiss", effect=answer_objection,
     notice=tell_filer(_l("您对「%(title)s」提出的异议已处理（驳回）：%(reason)s"))))


# -- the bureau's to-do: a notice when an item arrives (reviewing/todo.py lists them) -----------

def tell_admins_to_qualify(c: Challenge, ctx: Context):
    """the bureau (科技局), when bids wait for the eligibility check and a panel"""
    waiting = db.session.scalar(select(func.count(Proposal.id)).where(
        Proposal.challenge_id == c.id, Proposal.state == ProposalState.SUBMITTED))
    if not waiting:
        return []
    text = _l("「%(title)s」已截止揭榜，收到 %(n)d 个揭榜方案，请做资格审查并分配评审组。",
              title=c.title, n=waiting)
    return [(uid, text, f"/challenges/{c.id}/proposals") for uid in admin_user_ids()
            if uid != ctx.actor_id]


def tell_admins_panel_complete(r: Review, ctx: Context):
    """the bureau (科技局), once this review completes the panel"""
    challenge = r.proposal.challenge
    if not panel_complete(challenge):
        return []
    text = _l("「%(title)s」的评审已全部完成，请确定揭榜方。", title=challenge.title)
    return [(uid, text, f"/admin/challenges/{challenge.id}/decision") for uid in admin_user_ids()]


def tell_admins_to_contract(c: Challenge, ctx: Context):
    """the other admins of the bureau, to draft the winners' contracts"""
    text = _l("「%(title)s」已确定揭榜方，进入公示；请为入选方案起草合同。", title=c.title)
    return [(uid, text, f"/admin/challenges/{c.id}/contracts") for uid in admin_user_ids()
            if uid != ctx.actor_id]


CHALLENGE.on("close", notice=tell_admins_to_qualify).on("decide", notice=tell_admins_to_contract)
REVIEW.on("submit", notice=tell_admins_panel_complete)
