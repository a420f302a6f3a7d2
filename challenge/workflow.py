"""The one door for state changes; it knows no stage.

Each stage builds a `Workflow(model, transitions, owns)` over its table in challenge.states,
registers it, and attaches to each action what the stage knows with `.on(action, guard=,
effect=, notice=, follows=)` (challenge/<stage>/flows.py). `perform(obj, action, actor)` then
checks the current state, the actor's role and relationship to the object and the guards,
applies the change and its effect, writes the AuditEvent, stores the notices and runs the
follow-up transitions. `problems` says what a button would say; views and commands never assign
`.state` themselves. Refusals are `Refused` (challenge.errors).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy import text as sql

from .errors import Problem, Refused
from .extensions import db
from .models import AuditEvent, Notification, User
from .models.audit import GENESIS_HASH, event_values, link_hash
from .states import SYSTEM, Role, Transition
from .timeutil import utcnow

Actor = User | str  # a User, or SYSTEM for the clock


@dataclass
class Context:
    """What a guard, an effect or a notice knows of the step being taken."""

    actor: Actor
    now: datetime
    reason: str
    params: dict[str, Any]

    @property
    def actor_id(self) -> int | None:
        return None if self.actor == SYSTEM else self.actor.id


Guard = Callable[[Any, Context], list[str]]  # the problems that refuse the step ([] = none)
Effect = Callable[[Any, Context], None]  # what the step changes beyond the state
Notice = Callable[[Any, Context], Iterable[tuple[int, str, str]]]  # (user id, text, link)


@dataclass(frozen=True)
class FollowUp:
    """After a step, move a related object on as far as its guards allow: try *actions* in
    order and, after each one taken, again from the first (what used to be `settle`)."""

    name: str  # what the related object is, for the workflow table
    related: Callable[[Any], Any]
    actions: tuple[str, ...]
    reason: Any = ""  # given to a follow-up that needs a reason when the step had none


@dataclass
class Step:
    """What the stages attached to one action."""

    guards: list[Guard] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    follows: list[FollowUp] = field(default_factory=list)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


class Workflow:
    """One kind of object's transitions (a table of challenge.states), who owns an object,
    and what the stages attached to each action."""

    def __init__(self, model: type, transitions: tuple[Transition, ...],
                 owns: Callable[[User, Any], bool], object_type: str | None = None):
        self.model = model
        self.transitions = transitions
        self.owns = owns
        self.object_type = object_type or _snake(model.__name__)
        self.steps: dict[str, Step] = {}

    def __repr__(self) -> str:
        return f"<Workflow {self.object_type}>"

    def find(self, action: str) -> Transition:
        for t in self.transitions:
            if t.action == action:
                return t
        raise Refused(_("未知操作：%(action)s", action=action))

    def is_transition(self, action: str) -> bool:
        return any(t.action == action for t in self.transitions)

    def step(self, action: str) -> Step:
        return self.steps.get(action) or Step()

    def on(self, action: str, *, guard: Guard | None = None, effect: Effect | None = None,
           notice: Notice | None = None, follows: FollowUp | Iterable[FollowUp] = ()) -> "Workflow":
        """Attach a stage's guard, effect, notice and follow-ups to *action*. An action that is
        not a transition (an audited event such as a payment) takes follow-ups only."""
        if not self.is_transition(action) and (guard or effect or notice):
            raise ValueError(f"{self.object_type}.{action} is not a transition")
        step = self.steps.setdefault(action, Step())
        step.guards += [guard] if guard else []
        step.effects += [effect] if effect else []
        step.notices += [notice] if notice else []
        step.follows += [follows] if isinstance(follows, FollowUp) else list(follows)
        return self


def stamp(column: str) -> Effect:
    """An effect that stamps *column* with the step's time (the workflow table reads its doc)."""
    def effect(obj, ctx: Context) -> None:
        setattr(obj, column, ctx.now)
    effect.__doc__ = f"Stamps {column}."
    return effect


WORKFLOWS: dict[type, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    """Make *workflow* the one for its model (each stage's flows module does this once)."""
    if workflow.model in WORKFLOWS:
        raise ValueError(f"a workflow for {workflow.model.__name__} is registered already")
    WORKFLOWS[workflow.model] = workflow
    return workflow


def workflow_for(obj) -> Workflow:
    """The workflow of an object (or of a model class)."""
    model = obj if isinstance(obj, type) else type(obj)
    try:
        return WORKFLOWS[model]
    except KeyError:
        raise TypeError(f"no workflow for {model.__name__}") from None


def bureau_only(user: User, obj) -> bool:
    """Nobody: only the bureau acts (its role needs no relationship to the object)."""
    return False


def actor_may(workflow: Workflow, t: Transition, obj, actor: Actor) -> bool:
    """Role in the table, and for non-admins a relationship to the object."""
    if actor == SYSTEM:
        return SYSTEM in t.actors
    if not actor.is_active or actor.role not in t.actors:
        return False
    return actor.role is Role.ADMIN or workflow.owns(actor, obj)


def _signed_out(actor: Actor | None) -> bool:
    """Nobody, or an anonymous visitor: the clock (SYSTEM) and signed-in users may act."""
    return actor is None or (actor != SYSTEM and not getattr(actor, "is_authenticated", False))


def allowed(obj, action: str, actor: Actor | None) -> bool:
    """May this actor take this action now (state, role, ownership)? Used to show buttons."""
    if _signed_out(actor):
        return False
    workflow = workflow_for(obj)
    t = workflow.find(action)
    return obj.state in t.sources and actor_may(workflow, t, obj, actor)


def _refusal(workflow: Workflow, t: Transition, obj, actor: Actor) -> str | None:
    if obj.state not in t.sources:
        return _("当前状态为「%(state)s」，不能%(action)s。", state=obj.state.label, action=t.label)
    if not actor_may(workflow, t, obj, actor):
        return _("您没有权限%(action)s。", action=t.label)
    return None


def _guard_problems(step: Step, obj, ctx: Context) -> list[str]:
    return [p if isinstance(p, Problem) else str(p) for guard in step.guards for p in guard(obj, ctx)]


def _field_of(found: list[str]) -> str | None:
    """The form field every problem names (a `Problem`), else None: the refusal's place."""
    fields = {getattr(p, "field", None) for p in found}
    return fields.pop() if len(fields) == 1 else None


def problems(obj, action: str, actor: Actor | None, *, now: datetime | None = None,
             reason: str = "", **params) -> list[str]:
    """What a button for *action* would say: the state, role or ownership refusal, else every
    guard's problems ([] when the step may be taken; the reason a step needs is not asked)."""
    workflow = workflow_for(obj)
    t = workflow.find(action)
    if _signed_out(actor):
        return [_("您没有权限%(action)s。", action=t.label)]
    refusal = _refusal(workflow, t, obj, actor)
    if refusal:
        return [refusal]
    ctx = Context(actor=actor, now=now or utcnow(), reason=(reason or "").strip(), params=params)
    return _guard_problems(workflow.step(action), obj, ctx)


def perform(obj, action: str, actor: Actor, *, reason: str = "", now: datetime | None = None,
            **params) -> AuditEvent:
    """Apply one transition or raise Refused; flushes, the caller commits. Follow-up
    transitions run once the outermost transition is done, each with its own audit event."""
    door = _door()
    door["depth"] += 1
    try:
        event, ctx = _apply(obj, action, actor, reason, now, params)
        door["pending"] += [(f, obj, ctx) for f in workflow_for(obj).step(action).follows]
    except BaseException:
        if door["depth"] == 1:
            door["pending"].clear()
        raise
    finally:
        door["depth"] -= 1
    if door["depth"] == 0:
        _follow_up(door)
    return event


def _apply(obj, action: str, actor: Actor, reason: str, now: datetime | None,
           params: dict) -> tuple[AuditEvent, Context]:
    workflow = workflow_for(obj)
    t = workflow.find(action)
    refusal = _refusal(workflow, t, obj, actor)
    if refusal:
        raise Refused(refusal)
    reason = (reason or "").strip()
    if t.needs_reason and not reason:
        raise Refused(_("%(action)s需要填写理由。", action=t.label), field="reason")
    ctx = Context(actor=actor, now=now or utcnow(), reason=reason, params=params)
    step = workflow.step(action)
    found = _guard_problems(step, obj, ctx)
    if found:
        raise Refused(items=found, field=_field_of(found))
    before = obj.state
    obj.state = t.target
    for effect in step.effects:
        effect(obj, ctx)
    event = _write(obj, action, actor, reason=reason, from_state=before, to_state=t.target,
                   now=ctx.now, object_type=workflow.object_type)
    for notice in step.notices:
        for user_id, message, link in notice(obj, ctx):
            db.session.add(Notification(user_id=user_id, message=message, link=link))
    db.session.flush()
    return event, ctx


def _door() -> dict:
    """This session's nesting depth of `perform` and the follow-ups waiting for its end."""
    return db.session().info.setdefault("door", {"depth": 0, "pending": []})


def _follow_up(door: dict) -> None:
    while door["pending"]:
        follow, obj, ctx = door["pending"].pop(0)
        target = follow.related(obj)
        workflow = workflow_for(target)
        moved = True
        while moved:
            moved = False
            for action in follow.actions:
                if problems(target, action, ctx.actor, now=ctx.now):
                    continue
                needs_reason = workflow.find(action).needs_reason
                perform(target, action, ctx.actor, now=ctx.now,
                        reason=str(ctx.reason or follow.reason) if needs_reason else "")
                moved = True
                break


def record(obj, action: str, actor: Actor | None, *, reason: str = "", changes: dict | None = None,
           from_state=None, to_state=None, now: datetime | None = None,
           object_type: str | None = None) -> AuditEvent:
    """Write an audit event for a change that is not a state transition (edits, payments, views
    of rules), then the follow-ups a stage attached to *action* (e.g. a payment may 兑现 the 榜).

    The event is chained to the one before it and written at once, so it can no longer change."""
    event = _write(obj, action, actor, reason=reason, changes=changes, from_state=from_state,
                   to_state=to_state, now=now, object_type=object_type)
    workflow = WORKFLOWS.get(type(obj))
    follows = workflow.step(action).follows if workflow else []
    if follows and actor is not None:
        door = _door()
        ctx = Context(actor=actor, now=event.occurred_at, reason="", params={})
        door["pending"] += [(f, obj, ctx) for f in follows]
        if door["depth"] == 0:
            _follow_up(door)
    return event


def _write(obj, action: str, actor: Actor | None, *, reason: str = "", changes: dict | None = None,
           from_state=None, to_state=None, now: datetime | None = None,
           object_type: str | None = None) -> AuditEvent:
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


def chain_head() -> str:
    """The hash the next audit event will name as its predecessor, public before that event is
    written; from this call to the end of the transaction no other transaction can append, so
    the next event written here follows it (a random draw takes its seed from it)."""
    return _chain_head()


def _remember_head(head: str) -> None:
    session = db.session()
    session.info[_HEAD] = (session.get_transaction(), session.get_nested_transaction(), head)


def latest_event(obj, action: str) -> AuditEvent | None:
    """The most recent audit event of one kind on an object (e.g. the last return reason)."""
    return db.session.scalar(
        select(AuditEvent).where(AuditEvent.object_type == workflow_for(obj).object_type,
                                 AuditEvent.object_id == obj.id, AuditEvent.action == action)
        .order_by(AuditEvent.id.desc()).limit(1))
