"""Seating a 榜's panel by a verifiable random draw (随机抽取).

The pool: the reviewers `candidates_for` ranks for the 榜 who are free of conflicts, below their
load limit and not yet on this panel, best match first, cut to the K the bureau asks for.

The seed: SHA-256 over a public value fixed before the draw and the 榜 —

    seed = SHA-256("panel-draw-v1\\n" + chain head + "\\n" + 榜 id + "\\n" + draw time)

where the chain head is the hash of the newest audit event when the draw starts (the "draw"
event written next names it as its predecessor, so the chain itself proves it came first) and
the draw time is the "draw" event's own time, UTC, ISO 8601 to the microsecond. The time is in
the seed so that nobody can work out the result from the head alone and then choose the moment:
it is fixed by the server as the draw is recorded.

The draw: each candidate gets a ticket, HMAC-SHA256(key = seed bytes, message = "<position>:
<reviewer id>") as hex, position counted from 1 in the recorded pool order; the open seats go to
the lowest tickets (ties, which do not happen in practice, to the earlier position). The
tickets are independent and uniform, so every set of candidates of the seats' size is equally
likely. Hashing rather than `random.Random(seed).sample`: the result depends on SHA-256 alone,
not on one Python version's Mersenne Twister and sampling code, and a few lines of any language
replay it (tools/replay_draw.py does, with the standard library only).

Everything is recorded before any seat is made: a `PanelDraw` row and the audit event "draw" on
the 榜 with the same values; the seats are then made one by one through `seat_reviewer`, which
checks every rule again. `replay` recomputes a draw from its record and says what does not hold.
docs/random-draw.md tells an auditor how to check a draw.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import click
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import Refused
from ..extensions import db
from ..locking import lock_for_write
from ..models import AuditEvent, Challenge, PanelDraw, ReviewAssignment, User
from ..models.audit import GENESIS_HASH, event_values, link_hash
from ..states import ChallengeState, Role
from ..timeutil import utcnow
from ..workflow import chain_head, record
from . import operations as ops

ALGORITHM = "panel-draw-v1"
RECORDED = ("algorithm", "chain_head", "seed", "pool_size", "seats", "candidates", "drawn")


def draw_time(moment: datetime) -> str:
    """The draw's time as it enters the seed: UTC, ISO 8601, to the microsecond."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def derive_seed(head: str, challenge_id: int, moment: datetime) -> str:
    text = f"{ALGORITHM}\n{head}\n{challenge_id}\n{draw_time(moment)}"
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def ticket(seed: str, position: int, reviewer_id: int) -> str:
    return hmac.new(bytes.fromhex(seed), f"{position}:{reviewer_id}".encode("ascii"),
                    hashlib.sha256).hexdigest()


def pick(seed: str, reviewer_ids: list[int], seats: int) -> list[int]:
    """The *seats* reviewers with the lowest tickets, lowest first."""
    order = sorted(range(len(reviewer_ids)),
                   key=lambda i: (ticket(seed, i + 1, reviewer_ids[i]), i))
    return [reviewer_ids[i] for i in order[:seats]]


def pool_for(challenge: Challenge, size: int) -> tuple[list[ops.Candidate], list[dict]]:
    """The K best-matched reviewers who may sit now, and the better-matched ones passed over on
    the way with the reason each could not be drawn (for the record: who could not review and
    why). Call it holding the 榜's lock: it locks the candidates (after the 榜, as seat_reviewer
    does) and reads their load under the lock."""
    candidates = ops.candidates_for(challenge)
    ids = [c.reviewer.id for c in candidates]
    lock_for_write(User, *ids)
    load = ops.active_load(ids)
    on_panel = set(db.session.scalars(select(ReviewAssignment.reviewer_id).where(
        ReviewAssignment.challenge_id == challenge.id)))
    max_load = current_app.config["REVIEWER_MAX_LOAD"]
    pool, passed = [], []
    for c in candidates:
        if len(pool) == size:
            break
        if c.reviewer.id in on_panel:
            why = _("已在本榜评审组")
        elif c.reviewer.role is not Role.REVIEWER or not c.reviewer.active:
            why = _("不是在册的评审专家")
        elif c.conflict:
            why = _("须回避：%(why)s", why=c.conflict)
        elif load.get(c.reviewer.id, 0) >= max_load:
            why = _("已承担 %(n)d 个榜的评审，达到上限", n=max_load)
        else:
            pool.append(c)
            continue
        passed.append({"reviewer": c.reviewer.id, "score": c.match.score, "why": str(why)})
    return pool, passed


def draw_panel(challenge: Challenge, size: int, actor: User) -> PanelDraw:
    """Fill the panel's open seats by a recorded random draw among the *size* best candidates;
    the caller commits (all seats or none)."""
    lock_for_write(Challenge, challenge.id)
    if challenge.state is not ChallengeState.REVIEWING:
        raise Refused(_("只有评审中的榜可以分配评审专家。"))
    open_seats = challenge.reviewers_required - len(ops.seats_taken(challenge))
    if open_seats <= 0:
        raise Refused(_("「%(title)s」的评审组已满（%(n)d 人）。", title=challenge.title,
                        n=challenge.reviewers_required))
    if not open_seats <= size <= ops.CANDIDATES_PER_CHALLENGE:
        raise Refused(_("候选人数应在 %(low)d 到 %(high)d 之间（不少于空缺席位数）。",
                        low=open_seats, high=ops.CANDIDATES_PER_CHALLENGE), field="pool_size")
    pool, passed_over = pool_for(challenge, size)
    if len(pool) < open_seats:
        raise Refused(_("符合条件（无利益冲突、未达评审上限）的候选专家只有 %(n)d 位，不足以抽取 "
                        "%(seats)d 个席位。", n=len(pool), seats=open_seats))
    candidates = [{"reviewer": c.reviewer.id, "score": c.match.score} for c in pool]
    moment = utcnow()
    head = chain_head()  # the chain's write lock is held from here to the commit
    seed = derive_seed(head, challenge.id, moment)
    drawn = pick(seed, [c["reviewer"] for c in candidates], open_seats)
    values = {"algorithm": ALGORITHM, "chain_head": head, "seed": seed, "pool_size": size,
              "seats": open_seats, "candidates": candidates, "drawn": drawn}
    # Beside what the replay needs, the event keeps who was passed over on the way and why.
    event = record(challenge, "draw", actor, now=moment,
                   changes={key: [None, value] for key, value in
                            {**values, "passed_over": passed_over}.items()})
    if event.prev_hash != head:  # nothing may come between reading the head and the event
        raise RuntimeError("the draw's audit event does not follow the head its seed names")
    row = PanelDraw(challenge_id=challenge.id, drawn_by_id=actor.id, drawn_at=moment,
                    audit_event_id=event.id, **values)
    db.session.add(row)
    db.session.flush()
    for reviewer_id in drawn:
        ops.seat_reviewer(challenge, db.session.get(User, reviewer_id), actor)
    return row


CHECK_LABELS = {"pool": _l("候选名单"), "seed": _l("种子"), "result": _l("抽取结果"),
                "event": _l("审计事件"), "head": _l("审计链头"), "seats": _l("评审席位")}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    @property
    def label(self) -> str:
        return str(CHECK_LABELS[self.name])


@dataclass(frozen=True)
class Replay:
    """What replaying one draw found, with what its page shows beside the record."""

    draw: PanelDraw
    checks: list[Check]
    recomputed: list[int]
    tickets: dict[int, str]  # reviewer id → ticket from the recorded seed
    names: dict[int, str]    # reviewer id → name today
    passed_over: list[dict]  # better-matched experts left out of the pool, with why (the event's)

    @property
    def same(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def time(self) -> str:
        return draw_time(self.draw.drawn_at)


def replay(draw: PanelDraw) -> Replay:
    """Recompute *draw* from its record: its seed from the head and time, the panel from the
    seed and pool; and check the record against its audit event (whose hash must still match
    its content) and against the seats on the panel."""
    ids = [int(c["reviewer"]) for c in draw.candidates]
    seed = derive_seed(draw.chain_head, draw.challenge_id, draw.drawn_at)
    usable = re.fullmatch(r"[0-9a-f]{64}", draw.seed or "") is not None  # else no ticket at all
    recomputed = pick(draw.seed, ids, draw.seats) if usable else []
    checks = [
        Check("pool", len(set(ids)) == len(ids) and draw.seats <= len(ids) <= draw.pool_size,
              _("候选 %(n)d 位（上限 K = %(k)d），抽取 %(seats)d 席。", n=len(ids),
                k=draw.pool_size, seats=draw.seats)),
        Check("seed", seed == draw.seed and draw.algorithm == ALGORITHM,
              _("按链头、榜编号和抽取时间重算的种子：%(seed)s。", seed=seed)),
        Check("result", recomputed == list(draw.drawn),
              _("按种子重算的抽取结果：%(ids)s；记录的结果：%(drawn)s。",
                ids=recomputed, drawn=list(draw.drawn))),
        _event_check(draw),
        _head_check(draw),
        _seats_check(draw),
    ]
    tickets = {rid: ticket(draw.seed, i + 1, rid) for i, rid in enumerate(ids)} if usable else {}
    event = db.session.get(AuditEvent, draw.audit_event_id)
    passed = (event.changes or {}).get("passed_over") if event is not None else None
    passed = passed[1] if isinstance(passed, list) and len(passed) == 2 else []
    everyone = ids + [p.get("reviewer") for p in passed]
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(everyone))).all())
    return Replay(draw, checks, recomputed, tickets, names, passed)


def _event_check(draw: PanelDraw) -> Check:
    event = db.session.get(AuditEvent, draw.audit_event_id)
    if event is None:
        return Check("event", False, _("审计事件 #%(id)s 不存在。", id=draw.audit_event_id))
    recorded = {key: value[1] for key, value in (event.changes or {}).items()
                if key in RECORDED and isinstance(value, list) and len(value) == 2}
    mine = {key: getattr(draw, key) for key in RECORDED}
    ok = (event.object_type == "challenge" and event.object_id == draw.challenge_id
          and event.action == "draw" and event.prev_hash == draw.chain_head
          and event.occurred_at == draw.drawn_at and recorded == mine
          and link_hash(event.prev_hash, event_values(event)) == event.hash)
    return Check("event", ok, _("审计事件 #%(id)s（哈希 %(hash)s）%(verdict)s。", id=event.id,
                                hash=event.hash, verdict=_("与记录一致") if ok else _("与记录不符")))


def _head_check(draw: PanelDraw) -> Check:
    """The head the seed names is the hash of the event just before the draw's own (events are
    appended one at a time under the chain's lock, so id order is chain order)."""
    previous = db.session.scalar(select(AuditEvent.hash).where(
        AuditEvent.id < draw.audit_event_id).order_by(AuditEvent.id.desc()).limit(1))
    before = draw.chain_head == (previous or GENESIS_HASH)
    return Check("head", before, _("链头 %(head)s %(verdict)s。", head=draw.chain_head,
                                   verdict=_("是抽取前的最新审计事件") if before
                                   else _("不在抽取前的审计链中")))


def _seats_check(draw: PanelDraw) -> Check:
    seated = set(db.session.scalars(select(ReviewAssignment.reviewer_id).where(
        ReviewAssignment.challenge_id == draw.challenge_id,
        ReviewAssignment.reviewer_id.in_(list(draw.drawn)))))
    missing = [i for i in draw.drawn if i not in seated]
    return Check("seats", not missing, _("抽中的专家均已入评审组。") if not missing
                 else _("抽中却不在评审组中的专家：%(ids)s。", ids=missing))


def draws_of(challenge: Challenge) -> list[PanelDraw]:
    return list(db.session.scalars(select(PanelDraw).where(
        PanelDraw.challenge_id == challenge.id).order_by(PanelDraw.id)))


def as_document(draw: PanelDraw) -> dict:
    """The record as anyone may replay it offline (tools/replay_draw.py)."""
    return {"draw": draw.id, "challenge": draw.challenge_id, "drawn_at": draw_time(draw.drawn_at),
            "audit_event": draw.audit_event_id,
            **{key: getattr(draw, key) for key in RECORDED}}


@click.group("panel")
def panel_command() -> None:
    """评榜 panels."""


@panel_command.command("replay-draw")
@click.argument("number", type=int)
@click.option("--challenge", "by_challenge", is_flag=True,
              help="NUMBER 是榜编号：重放该榜的每一次抽取。")
def replay_draw_command(number: int, by_challenge: bool) -> None:
    """Recompute a random draw (or every draw of a 榜) from its record; exit status 1 when one
    does not give the same panel."""
    if by_challenge:
        challenge = db.session.get(Challenge, number)
        if challenge is None:
            raise click.ClickException(f"榜 #{number} 不存在。")
        draws = draws_of(challenge)
        if not draws:
            raise click.ClickException(f"榜 #{number} 没有随机抽取记录。")
    else:
        draw = db.session.get(PanelDraw, number)
        if draw is None:
            raise click.ClickException(f"抽取记录 #{number} 不存在。")
        draws = [draw]
    failed = 0
    for draw in draws:
        result = replay(draw)
        click.echo(f"抽取 #{draw.id}（榜 #{draw.challenge_id}，{draw_time(draw.drawn_at)}）：")
        for check in result.checks:
            click.echo(f"  [{'OK' if check.ok else '不符'}] {check.name}: {check.detail}")
        if result.same:
            click.echo(f"  重放得到同一评审组：{result.recomputed}")
        else:
            failed += 1
            click.echo(f"  重放与记录不符：重算 {result.recomputed}，记录 {list(draw.drawn)}")
    if failed:
        raise click.ClickException(f"{failed} 次抽取重放不一致。")
