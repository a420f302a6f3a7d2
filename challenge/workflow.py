"""The one door for state changes.

`perform(obj, action, actor)` looks the action up in the object's transition table
(challenge.states), checks the current state, the actor's role and relationship to the
object and the preconditions, applies the change with its time stamps, writes the
AuditEvent and queues notifications. Views and commands never assign `.state` themselves.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy import text as sql

from .extensions import db
from .mail import queue_email
from .models import (
    AccessGrant,
    AuditEvent,
    Challenge,
    Notification,
    Objection,
    Proposal,
    ProposalVersion,
    Review,
    ReviewAssignment,
    User,
)
from .models.audit import GENESIS_HASH, event_values, link_hash
from .states import (
    ACCESS_TRANSITIONS,
    CHALLENGE_TRANSITIONS,
    OBJECTION_TRANSITIONS,
    PANEL_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    REVIEW_TRANSITIONS,
    SYSTEM,
    ChallengeState,
    ObjectionState,
    Role,
    Transition,
)
from .timeutil import local, utcnow

Actor = User | str  # a User, or SYSTEM for the clock


class TransitionError(Exception):
    """A refused transition; the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Context:
    actor: Actor
    now: datetime
    reason: str
    params: dict[str, Any]

    @property
    def actor_id(self) -> int | None:
        return None if self.actor == SYSTEM else self.actor.id


@dataclass
class Workflow:
    object_type: str
    transitions: tuple[Transition, ...]
    owns: Callable[[User, Any], bool]
    guards: dict[str, Callable[[Any, Context], str | None]] = field(default_factory=dict)
    effects: dict[str, Callable[[Any, Context], None]] = field(default_factory=dict)
    notices: dict[str, Callable[[Any, Context], Iterable[tuple[int, str, str]]]] = field(
        default_factory=dict)

    def find(self, action: str) -> Transition:
        for t in self.transitions:
            if t.action == action:
                return t
        raise TransitionError(_("未知操作：%(action)s", action=action))


def actor_may(workflow: Workflow, t: Transition, obj, actor: Actor) -> bool:
    """Role in the table, and for non-admins a relationship to the object."""
    if actor == SYSTEM:
        return SYSTEM in t.actors
    if not actor.is_active or actor.role not in t.actors:
        return False
    return actor.role is Role.ADMIN or workflow.owns(actor, obj)


def allowed(obj, action: str, actor: Actor | None) -> bool:
    """May this actor take this action now (state, role, ownership)? Used to show buttons."""
    if actor is None or (actor != SYSTEM and not getattr(actor, "is_authenticated", False)):
        return False
    workflow = workflow_for(obj)
    t = workflow.find(action)
    return obj.state in t.sources and actor_may(workflow, t, obj, actor)


def perform(obj, action: str, actor: Actor, *, reason: str = "", now: datetime | None = None,
            **params) -> AuditEvent:
    """Apply one transition or raise TransitionError; flushes, the caller commits."""
    workflow = workflow_for(obj)
    t = workflow.find(action)
    if obj.state not in t.sources:
        raise TransitionError(_("当前状态为「%(state)s」，不能%(action)s。",
                                state=obj.state.label, action=t.label))
    if not actor_may(workflow, t, obj, actor):
        raise TransitionError(_("您没有权限%(action)s。", action=t.label))
    reason = (reason or "").strip()
    if t.needs_reason and not reason:
        raise TransitionError(_("%(action)s需要填写理由。", action=t.label))
    ctx = Context(actor=actor, now=now or utcnow(), reason=reason, params=params)
    guard = workflow.guards.get(action)
    problem = guard(obj, ctx) if guard else None
    if problem:
        raise TransitionError(problem)
    before = obj.state
    obj.state = t.target
    effect = workflow.effects.get(action)
    if effect:
        effect(obj, ctx)
    event = record(obj, action, actor, reason=reason, from_state=before, to_state=t.target,
                   now=ctx.now, object_type=workflow.object_type)
    for user_id, message, link in workflow.notices.get(action, lambda o, c: ())(obj, ctx):
        db.session.add(Notification(user_id=user_id, message=message, link=link))
    db.session.flush()
    return event


def record(obj, action: str, actor: Actor | None, *, reason: str = "", changes: dict | None = None,
           from_state=None, to_state=None, now: datetime | None = None,
           object_type: str | None = None) -> AuditEvent:
    """Write an audit event for a change that is not a state transition (edits, views of rules).

    The event is chained to the one before it and written at once, so it can no longer change."""
    if obj.id is None:
        db.session.flush()
    prev_hash = _chain_head()
    event = AuditEvent(
        occurred_at=now or utcnow(),
        actor_id=None if actor in (None, SYSTEM) else actor.id,
        object_type=object_type or workflow_for(obj).object_type,
        object_id=obj.id,
        action=action,
        from_state=None if from_state is None else str(from_state),
        to_state=None if to_state is None else str(to_state),
        reason=reason,
        changes=changes or None,
        prev_hash=prev_hash,
    )
    event.hash = link_hash(prev_hash, event_values(event))
    db.session.add(event)
    db.session.flush()
    _remember_head(event.hash)
    return event


# Key of the transaction-scoped PostgreSQL advisory lock that serialises appends to the chain.
AUDIT_CHAIN_LOCK = 0x61756469  # "audi"
_HEAD = "audit_chain_head"


def _chain_head() -> str:
    """The hash the next event names as its predecessor, read under the chain's write lock, which
    then stays taken until the transaction ends: no other transaction can append meanwhile, so
    two appends never name the same predecessor.

    PostgreSQL: an advisory lock. SQLite: the database write lock; Python's sqlite3 opens a
    transaction only at the first INSERT/UPDATE/DELETE, so a read before it would be outside any
    transaction and another writer could append in between: BEGIN IMMEDIATE first.
    The transaction's own last event is remembered, so its next events need no lock or read
    (not across a savepoint: one rolled back may have taken events with it)."""
    session = db.session()
    cached = session.info.get(_HEAD)
    if (cached and cached[0] is session.get_transaction()
            and cached[1] is session.get_nested_transaction()):
        return cached[2]
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK})
    elif connection.dialect.name == "sqlite":
        if not connection.connection.driver_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    session.flush()  # this transaction's earlier events, even under no_autoflush
    events = AuditEvent.__table__
    head = connection.scalar(select(events.c.hash).order_by(events.c.id.desc()).limit(1))
    return head or GENESIS_HASH


def _remember_head(head: str) -> None:
    session = db.session()
    session.info[_HEAD] = (session.get_transaction(), session.get_nested_transaction(), head)


def latest_event(obj, action: str) -> AuditEvent | None:
    """The most recent audit event of one kind on an object (e.g. the last return reason)."""
    return db.session.scalar(
        select(AuditEvent).where(AuditEvent.object_type == workflow_for(obj).object_type,
                                 AuditEvent.object_id == obj.id, AuditEvent.action == action)
        .order_by(AuditEvent.id.desc()).limit(1))


# -- the challenge (榜) workflow ------------------------------------------------------------

def challenge_link(challenge: Challenge) -> str:
    return f"/challenges/{challenge.id}"


def issuer_user_ids(challenge: Challenge) -> list[int]:
    return list(db.session.scalars(select(User.id).where(
        User.organization_id == challenge.issuer_org_id, User.role == Role.ENTERPRISE,
        User.active.is_(True))))


def admin_user_ids() -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.role == Role.ADMIN,
                                                         User.active.is_(True))))


def _owns_challenge(user: User, challenge: Challenge) -> bool:
    return user.role is Role.ENTERPRISE and user.organization_id == challenge.issuer_org_id


def unverified_problem(org) -> str | None:
    """An organisation publishes or bids only once the bureau has verified it (SPEC §2)."""
    if org is None or not org.is_verified:
        return _("单位尚未通过科技局认证，认证通过后才能提交。")
    return None


def _guard_submit(c: Challenge, ctx: Context) -> str | None:
    """A draft may be saved incomplete; it goes to screening only whole."""
    if problem := unverified_problem(c.issuer):
        return problem
    from .posting.rules import submission_problems

    return "；".join(submission_problems(c, ctx.now)) or None


def _guard_publish(c: Challenge, ctx: Context) -> str | None:
    if problem := unverified_problem(c.issuer):
        return problem
    deadline = ctx.params.get("deadline_at")
    if deadline is None:
        return _("发布时必须设定揭榜截止时间。")
    if deadline <= ctx.now:
        return _("揭榜截止时间必须晚于当前时间。")
    return None


def _guard_close(c: Challenge, ctx: Context) -> str | None:
    if c.deadline_at is None or c.deadline_at > ctx.now:
        return _("揭榜截止时间未到，不能截止揭榜。")
    return None


def _guard_unclaim(c: Challenge, ctx: Context) -> str | None:
    """流榜 once every bid has had its eligibility check and none can win: no qualified bid,
    or the panel has scored them all and none reaches the pass mark."""
    from .reviewing.scoring import panel_complete, results
    from .states import ProposalState

    states = set(db.session.scalars(select(Proposal.state).where(Proposal.challenge_id == c.id)))
    if ProposalState.SUBMITTED in states:
        return _("还有揭榜方案未做资格审查。")
    if ProposalState.SELECTED in states:
        return _("已有入选的揭榜方案，不能流榜。")
    if ProposalState.QUALIFIED in states:
        if not panel_complete(c):
            return _("已有资格合格的揭榜方案，须待评审完成后再定。")
        if any(row.passes for row in results(c)):
            return _("已有达到合格分的揭榜方案，不能流榜。")
    return None


def _guard_contract(c: Challenge, ctx: Context) -> str | None:
    """公示 must have run its course and every objection been answered (SPEC §6)."""
    still_open = db.session.scalar(select(func.count(Objection.id)).where(
        Objection.challenge_id == c.id, Objection.state == ObjectionState.OPEN))
    if still_open:
        return _("还有 %(n)d 条异议未处理，处理完毕后才能签约。", n=still_open)
    if c.publicity_ends_at is None:
        return _("本榜没有公示期记录，不能签约。")
    if ctx.now < c.publicity_ends_at:
        return _("公示期至 %(t)s 结束，结束后才能签约。",
                 t=local(c.publicity_ends_at).strftime("%Y-%m-%d %H:%M"))
    return None


def _after_publicity(c: Challenge, ctx: Context) -> str | None:
    """签约 of the 榜: 公示 over, and every winning bid under a signed contract."""
    from .awarding.rules import contract_problem

    return _guard_contract(c, ctx) or contract_problem(c)


def _guard_by_contracts(name: str):
    """accept / award / fail of the 榜 follow from its contracts (challenge.awarding.rules)."""
    def guard(c: Challenge, ctx: Context) -> str | None:
        from .awarding import rules

        return getattr(rules, f"{name}_problem")(c)
    return guard


def _set_submitted(c: Challenge, ctx: Context) -> None:
    c.submitted_at = ctx.now


def _set_published(c: Challenge, ctx: Context) -> None:
    c.deadline_at = ctx.params["deadline_at"]
    c.published_at = ctx.now


def _stamp(column: str):
    def effect(c: Challenge, ctx: Context) -> None:
        setattr(c, column, ctx.now)
    return effect


def tell(message, recipients, link):
    """Notices for a transition: *message* (with %(title)s and %(reason)s) to *recipients(obj)*,
    linking to *link(obj)*; nobody is told about their own action."""
    def notices(obj, ctx: Context):
        challenge = obj if isinstance(obj, Challenge) else obj.challenge
        text = str(message) % {"title": challenge.title, "reason": ctx.reason}
        return [(uid, text, link(obj)) for uid in recipients(obj) if uid != ctx.actor_id]
    return notices


def _mailed(notices_fn):
    """The same notices, also queued in the e-mail outbox (news a user must not miss)."""
    def notices(obj, ctx: Context):
        found = list(notices_fn(obj, ctx))
        challenge = obj if isinstance(obj, Challenge) else obj.challenge
        subject = _("揭榜挂帅平台通知：%(title)s", title=challenge.title)
        for user_id, text, link in found:
            queue_email(db.session.get(User, user_id), subject, text, link)
        return found
    return notices


def _tell_issuer(message):
    return tell(message, issuer_user_ids, challenge_link)


def _tell_admins(c: Challenge, ctx: Context):
    text = _("新榜待审核：%(title)s", title=c.title)
    return [(uid, text, f"/admin/challenges/{c.id}") for uid in admin_user_ids()]


CHALLENGE_WORKFLOW = Workflow(
    object_type="challenge",
    transitions=CHALLENGE_TRANSITIONS,
    owns=_owns_challenge,
    guards={"submit": _guard_submit, "publish": _guard_publish, "republish": _guard_publish,
            "close": _guard_close, "unclaim": _guard_unclaim, "contract": _after_publicity,
            "accept": _guard_by_contracts("accept"), "award": _guard_by_contracts("award"),
            "fail": _guard_by_contracts("fail")},
    effects={"submit": _set_submitted, "publish": _set_published, "republish": _set_published,
             "contract": _stamp("contracted_at"), "accept": _stamp("accepted_at"),
             "finish": _stamp("ended_at"), "fail": _stamp("ended_at")},
    notices={
        "submit": _tell_admins,
        "return": _tell_issuer(_l("您的榜「%(title)s」被退回修改：%(reason)s")),
        "publish": _tell_issuer(_l("您的榜「%(title)s」已发布，开始揭榜。")),
        "close": _tell_issuer(_l("您的榜「%(title)s」已截止揭榜，进入评审。")),
        "republish": _tell_issuer(_l("您的榜「%(title)s」已重新发布。")),
        "withdraw": _tell_issuer(_l("榜「%(title)s」已撤榜：%(reason)s")),
        "decide": _tell_issuer(_l("您的榜「%(title)s」已确定揭榜方，进入公示。")),
        "reopen": _tell_issuer(_l("榜「%(title)s」的评审结果重新评定：%(reason)s")),
        "contract": _tell_issuer(_l("您的榜「%(title)s」已完成签约，进入攻关。")),
        "accept": _mailed(_tell_issuer(_l("您的榜「%(title)s」已验收通过，请按合同兑付榜金。"))),
        "award": _tell_issuer(_l("您的榜「%(title)s」奖励已兑现。")),
        "finish": _tell_issuer(_l("您的榜「%(title)s」已结榜。")),
        "fail": _mailed(_tell_issuer(_l("您的榜「%(title)s」攻关失败：%(reason)s"))),
    },
)


# -- access to a confidential body ----------------------------------------------------------

def _owns_grant(user: User, grant: AccessGrant) -> bool:
    return _owns_challenge(user, grant.challenge)


def _set_decided(g: AccessGrant, ctx: Context) -> None:
    g.decided_by_id = ctx.actor_id
    g.decided_at = ctx.now
    g.decision_note = ctx.reason


def _tell_requester(message):
    return tell(message, lambda g: [g.user_id], lambda g: challenge_link(g.challenge))


ACCESS_WORKFLOW = Workflow(
    object_type="access_grant",
    transitions=ACCESS_TRANSITIONS,
    owns=_owns_grant,
    effects={"grant": _set_decided, "refuse": _set_decided, "revoke": _set_decided},
    notices={
        "grant": _tell_requester(_l("您查阅「%(title)s」保密内容的申请已获同意，请先签署保密承诺。")),
        "refuse": _tell_requester(_l("您查阅「%(title)s」保密内容的申请未获同意：%(reason)s")),
        "revoke": _tell_requester(_l("您查阅「%(title)s」保密内容的授权已被撤销：%(reason)s")),
    },
)

# -- a reviewer's seat on a panel -----------------------------------------------------------

def _owns_seat(user: User, seat: ReviewAssignment) -> bool:
    return user.role is Role.REVIEWER and user.id == seat.reviewer_id


def _guard_decline(seat: ReviewAssignment, ctx: Context) -> str | None:
    """回避 only while the panel works: not once every review is in or the 榜 has moved on."""
    from .reviewing.scoring import panel_open

    if panel_open(seat.challenge):
        return None
    return _("「%(title)s」的评审工作已结束，不能再声明回避；如有利益冲突请联系科技局。",
             title=seat.challenge.title)


def _set_declined(seat: ReviewAssignment, ctx: Context) -> None:
    seat.declined_at = ctx.now
    seat.conflict_note = ctx.reason


def _tell_admins_declined(seat: ReviewAssignment, ctx: Context):
    text = _("评审专家 %(name)s 对「%(title)s」声明回避：%(reason)s。请补充评审专家。",
             name=seat.reviewer.name, title=seat.challenge.title, reason=ctx.reason)
    return [(uid, text, f"/admin/panels/{seat.challenge_id}") for uid in admin_user_ids()]


PANEL_WORKFLOW = Workflow(
    object_type="review_assignment",
    transitions=PANEL_TRANSITIONS,
    owns=_owns_seat,
    guards={"decline": _guard_decline},
    effects={"decline": _set_declined},
    notices={"decline": _tell_admins_declined},
)

# -- a bid (揭榜方案) -------------------------------------------------------------------------

def _owns_proposal(user: User, proposal: Proposal) -> bool:
    """Solvers of the lead organization act for the bid."""
    return user.role is Role.SOLVER and user.organization_id == proposal.lead_org_id


def _guard_proposal_submit(p: Proposal, ctx: Context) -> str | None:
    from .bidding.rules import eligibility_problems, submission_problems

    problems = submission_problems(p, ctx.now) + eligibility_problems(ctx.actor, p.challenge, p)
    return "；".join(problems) or None


def _guard_before_deadline(p: Proposal, ctx: Context) -> str | None:
    from .bidding.rules import is_open_for_bids

    return None if is_open_for_bids(p.challenge, ctx.now) else _("揭榜已截止，不能再修改或撤回方案。")


def _guard_under_review(p: Proposal, ctx: Context) -> str | None:
    if p.challenge.state is not ChallengeState.REVIEWING:
        return _("只有截止揭榜、进入评审的榜才能做资格审查。")
    return None


def _record_version(p: Proposal, ctx: Context) -> None:
    from .bidding.rules import snapshot

    p.submitted_at = ctx.now
    p.version_no += 1
    p.commitment_accepted_at = p.commitment_accepted_at or ctx.now
    db.session.add(ProposalVersion(proposal=p, number=p.version_no, submitted_at=ctx.now,
                                   snapshot=snapshot(p)))


def _set_eligibility(p: Proposal, ctx: Context) -> None:
    p.eligibility_note = ctx.reason


def _tell_bidder(message):
    return tell(message, lambda p: [p.team_lead_id], lambda p: f"/proposals/{p.id}")


PROPOSAL_WORKFLOW = Workflow(
    object_type="proposal",
    transitions=PROPOSAL_TRANSITIONS,
    owns=_owns_proposal,
    guards={"submit": _guard_proposal_submit, "resubmit": _guard_proposal_submit,
            "withdraw": _guard_before_deadline, "qualify": _guard_under_review,
            "disqualify": _guard_under_review},
    effects={"submit": _record_version, "resubmit": _record_version,
             "qualify": _set_eligibility, "disqualify": _set_eligibility},
    notices={
        "qualify": _tell_bidder(_l("您在「%(title)s」的揭榜方案通过资格审查，进入评审。")),
        "disqualify": _tell_bidder(_l("您在「%(title)s」的揭榜方案未通过资格审查：%(reason)s")),
        "select": _mailed(_tell_bidder(_l("您在「%(title)s」的揭榜方案已确定入选，现进入公示。"))),
        "reject": _mailed(_tell_bidder(_l("您在「%(title)s」的揭榜方案未入选。理由：%(reason)s"))),
        "reconsider": _mailed(_tell_bidder(
            _l("「%(title)s」的评审结果已撤回重新评定，您的方案回到评审中：%(reason)s"))),
    },
)

# -- a review (评分) and an objection (异议) ------------------------------------------------

def _owns_review(user: User, review: Review) -> bool:
    return user.role is Role.REVIEWER and user.id == review.reviewer_id


def _guard_review_submit(r: Review, ctx: Context) -> str | None:
    from .reviewing.scoring import review_problems

    return "；".join(review_problems(r)) or None


def _set_review_submitted(r: Review, ctx: Context) -> None:
    r.submitted_at = ctx.now


REVIEW_WORKFLOW = Workflow(
    object_type="review",
    transitions=REVIEW_TRANSITIONS,
    owns=_owns_review,
    guards={"submit": _guard_review_submit},
    effects={"submit": _set_review_submitted},
)


def _answer_objection(o: Objection, ctx: Context) -> None:
    o.answer = ctx.reason
    o.answered_by_id = ctx.actor_id
    o.answered_at = ctx.now


def _tell_filer(message):
    return tell(message, lambda o: [o.filer_id], lambda o: f"/results/{o.challenge_id}")


OBJECTION_WORKFLOW = Workflow(
    object_type="objection",
    transitions=OBJECTION_TRANSITIONS,
    owns=lambda user, objection: False,  # only the bureau answers
    effects={"uphold": _answer_objection, "dismiss": _answer_objection},
    notices={
        "uphold": _mailed(_tell_filer(_l("您对「%(title)s」提出的异议成立：%(reason)s"))),
        "dismiss": _mailed(_tell_filer(_l("您对「%(title)s」提出的异议已处理（驳回）：%(reason)s"))),
    },
)

WORKFLOWS: dict[type, Workflow] = {
    Challenge: CHALLENGE_WORKFLOW, AccessGrant: ACCESS_WORKFLOW, ReviewAssignment: PANEL_WORKFLOW,
    Proposal: PROPOSAL_WORKFLOW, Review: REVIEW_WORKFLOW, Objection: OBJECTION_WORKFLOW,
}


def workflow_for(obj) -> Workflow:
    try:
        return WORKFLOWS[type(obj)]
    except KeyError:
        raise TypeError(f"no workflow for {type(obj).__name__}") from None


from .awarding import flows as _award_flows  # noqa: E402,F401 - registers the 奖榜 workflows
from .orgs import flows as _org_flows  # noqa: E402,F401 - registers the organisation workflows
