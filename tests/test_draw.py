"""Seating a panel by a verifiable random draw (challenge/reviewing/draw.py): the pool is the
top K qualified, conflict-free reviewers with a free seat; the seed comes from the audit chain
head recorded before the draw; the record replays to the same panel (in the app, on the command
line and offline with tools/replay_draw.py) and a tampered one does not; two draws at once
never overfill a panel."""

import hashlib
import hmac
import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from challenge.extensions import db
from challenge.models import AuditEvent, Notification, PanelDraw, ReviewAssignment
from challenge.models.audit import chained_content, event_values
from challenge.reviewing import draw as draws
from challenge.reviewing import operations as ops
from challenge.states import ChallengeState, OrgType, PanelSeatState, Role
from tests.test_concurrency import Browserless, run_together
from tests.test_panels import reviewer, seats

TOOL = Path(__file__).resolve().parent.parent / "tools" / "replay_draw.py"
MELT = "熔喷,驻极,过滤效率,非织造"


@pytest.fixture
def board(make, people):
    """A 榜 under review needing 3 reviewers; eight experts who know its subject, one of them
    from the issuer (a conflict) and one seated on another 榜 under review (at the load limit
    with `one_seat_each`)."""
    admin = people["admin"]
    meltblown = make.challenge(people["issuer"], ChallengeState.REVIEWING, admin=admin,
                               title="熔喷布过滤效率提升", field="新材料",
                               summary="熔喷非织造布过滤效率与驻极稳定性。")
    meltblown.reviewers_required = 3
    other = make.challenge(people["other_enterprise"], ChallengeState.REVIEWING, admin=admin,
                           title="高端轴承钢纯净度控制", field="冶金", summary="轴承钢夹杂物控制。")
    crew = {f"melt{i}": reviewer(make, f"熔喷专家{i}", MELT, org=make.org(type=OrgType.INSTITUTE))
            for i in range(1, 7)}
    crew["insider"] = reviewer(make, "发榜企业的专家", MELT + ",熔喷布",
                               org=people["issuer"].organization)
    crew["busy"] = reviewer(make, "满负荷的专家", MELT + ",熔喷布",
                            org=make.org(type=OrgType.UNIVERSITY))
    db.session.add(ReviewAssignment(challenge_id=other.id, reviewer_id=crew["busy"].id,
                                    assigned_by_id=admin.id))
    db.session.commit()
    return meltblown, crew


@pytest.fixture
def one_seat_each(app, monkeypatch):
    monkeypatch.setitem(app.config, "REVIEWER_MAX_LOAD", 1)


def test_the_record_names_who_was_passed_over_and_why(board, people, one_seat_each):
    """Who could not be drawn, and why, travels with the draw's audit event (and so with the
    evidence pack): the better-matched experts left out on the way to the K candidates."""
    meltblown, crew = board
    made = draws.draw_panel(meltblown, 5, people["admin"])
    db.session.commit()
    event = db.session.get(AuditEvent, made.audit_event_id)
    passed = {p["reviewer"]: p["why"] for p in event.changes["passed_over"][1]}
    assert passed == {crew["insider"].id: "须回避：与发榜单位相同",
                      crew["busy"].id: "已承担 1 个榜的评审，达到上限"}
    assert not set(passed) & {c["reviewer"] for c in made.candidates}
    replayed = draws.replay(made)
    assert replayed.same  # the extra field does not disturb the replay
    assert replayed.passed_over == event.changes["passed_over"][1]
    assert replayed.names[crew["insider"].id] == "发榜企业的专家"  # the page names them


def test_the_draw_fills_the_open_seats_from_the_pool_and_replays(board, people, one_seat_each):
    meltblown, crew = board
    ranked = [c.reviewer.id for c in ops.candidates_for(meltblown)]
    made = draws.draw_panel(meltblown, 5, people["admin"])
    db.session.commit()

    assert len(made.drawn) == 3 and seats(meltblown) == set(made.drawn)
    pool = [c["reviewer"] for c in made.candidates]
    # The pool is the matcher's order with the conflicted and the full-loaded left out, cut to K.
    assert pool == [i for i in ranked if i not in (crew["insider"].id, crew["busy"].id)][:5]
    assert set(made.drawn) <= set(pool)

    # The seed's public value is the hash of the event just before the draw's own event.
    event = db.session.get(AuditEvent, made.audit_event_id)
    before = db.session.scalars(select(AuditEvent).where(AuditEvent.id < event.id)
                                .order_by(AuditEvent.id.desc()).limit(1)).one()
    assert event.action == "draw" and event.object_type == "challenge"
    assert event.object_id == meltblown.id
    assert made.chain_head == event.prev_hash == before.hash
    assert event.changes["seed"] == [None, made.seed]
    assert event.changes["drawn"] == [None, made.drawn]
    # ...and the seats were made after the draw was recorded, through seat_reviewer.
    assigns = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assign")).all()
    assert len(assigns) == 3 and all(a.id > event.id for a in assigns)
    assert {a.changes["reviewer"][1] for a in assigns} == set(made.drawn)
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id.in_(made.drawn))) == 3

    result = draws.replay(made)
    assert result.same, result.checks
    assert result.recomputed == made.drawn


def independent_draw(head: str, challenge_id: int, at: str, ids: list[int], seats: int):
    """The documented algorithm, written out again from the docstring's words."""
    seed = hashlib.sha256(f"panel-draw-v1\n{head}\n{challenge_id}\n{at}".encode()).hexdigest()
    tickets = sorted((hmac.new(bytes.fromhex(seed), f"{n}:{rid}".encode(), "sha256").hexdigest(), n)
                     for n, rid in enumerate(ids, start=1))
    return seed, [ids[n - 1] for _, n in tickets[:seats]]


def test_the_algorithm_is_the_documented_one():
    head, at = "ab" * 32, datetime(2026, 12, 4, 12, 0, 0, 250, tzinfo=UTC)
    ids = [31, 7, 12, 40, 5, 18]
    seed, drawn = independent_draw(head, 9, "2026-12-04T12:00:00.000250+00:00", ids, 3)
    assert draws.derive_seed(head, 9, at) == seed
    assert draws.pick(seed, ids, 3) == drawn
    # A fixed vector, so that a change of the algorithm shows even if both sides changed.
    assert seed == "763ad22bcb23f23a13b28830bf0289493d5fd6fc5d9fef4daacbc1500d644db0"
    assert drawn == [31, 7, 18]


def test_every_candidate_is_equally_likely():
    """Over 3000 seeds, each of six candidates is drawn for two seats about a third of the time,
    and every one of the 15 pairs comes up."""
    ids = [11, 12, 13, 14, 15, 16]
    counts, pairs = Counter(), Counter()
    for n in range(3000):
        picked = draws.pick(hashlib.sha256(str(n).encode()).hexdigest(), ids, 2)
        counts.update(picked)
        pairs[frozenset(picked)] += 1
    assert all(900 < counts[i] < 1100 for i in ids), counts
    assert len(pairs) == 15 and min(pairs.values()) > 120, pairs


def test_conflicted_and_full_loaded_reviewers_are_never_drawn(board, people, one_seat_each):
    meltblown, crew = board
    ranked = [c.reviewer.id for c in ops.candidates_for(meltblown)]
    assert crew["insider"].id in ranked[:3] and crew["busy"].id in ranked[:3]  # best matched
    meltblown.reviewers_required = 6
    made = draws.draw_panel(meltblown, 50, people["admin"])  # everyone eligible is drawn
    db.session.commit()
    pool = {c["reviewer"] for c in made.candidates}
    assert crew["insider"].id not in pool and crew["busy"].id not in pool
    assert seats(meltblown) == {crew[f"melt{i}"].id for i in range(1, 7)}


def _tamper(draw_id: int, **values) -> None:
    """Change the stored record behind the ORM's back, as someone holding the database could."""
    table = PanelDraw.__table__
    db.session.execute(sa.update(table).where(table.c.id == draw_id).values(**values))
    db.session.commit()
    db.session.expire_all()


@pytest.mark.parametrize("change, failing", [  # the checks that must fail (others may too)
    (lambda d: {"candidates": list(reversed(d.candidates))}, {"event"}),
    (lambda d: {"drawn": [c["reviewer"] for c in d.candidates if c["reviewer"] not in d.drawn][:1]
                + d.drawn[1:]}, {"result", "event", "seats"}),
    (lambda d: {"seed": hashlib.sha256(b"chosen").hexdigest()}, {"seed", "event"}),
    (lambda d: {"chain_head": hashlib.sha256(b"another moment").hexdigest()},
     {"seed", "event", "head"}),
    (lambda d: {"drawn_at": d.drawn_at.replace(microsecond=(d.drawn_at.microsecond + 1) % 10**6)},
     {"seed", "event"}),
], ids=["pool-reordered", "winner-swapped", "seed-chosen", "head-replaced", "time-moved"])
def test_a_tampered_record_does_not_replay(board, people, runner, change, failing):
    meltblown, _crew = board
    made = draws.draw_panel(meltblown, 6, people["admin"])
    db.session.commit()
    assert runner.invoke(args=["panel", "replay-draw", str(made.id)]).exit_code == 0
    _tamper(made.id, **change(made))
    result = draws.replay(db.session.get(PanelDraw, made.id))
    assert not result.same
    found = {c.name for c in result.checks if not c.ok}
    assert failing <= found and "pool" not in found  # the event no longer matches, always
    out = runner.invoke(args=["panel", "replay-draw", str(made.id)])
    assert out.exit_code == 1 and "重放与记录不符" in out.output


def test_the_cli_replays_a_draw_or_every_draw_of_a_board(board, people, runner):
    meltblown, _crew = board
    meltblown.reviewers_required = 2
    first = draws.draw_panel(meltblown, 4, people["admin"])
    db.session.commit()
    meltblown.reviewers_required = 3  # one more seat, drawn later from a fresh pool
    db.session.commit()
    second = draws.draw_panel(meltblown, 4, people["admin"])
    db.session.commit()
    assert second.chain_head != first.chain_head and len(second.drawn) == 1
    assert not set(first.drawn) & {c["reviewer"] for c in second.candidates}

    one = runner.invoke(args=["panel", "replay-draw", str(first.id)])
    assert one.exit_code == 0, one.output
    assert f"重放得到同一评审组：{first.drawn}" in one.output and "[OK] seed" in one.output
    both = runner.invoke(args=["panel", "replay-draw", "--challenge", str(meltblown.id)])
    assert both.exit_code == 0 and both.output.count("重放得到同一评审组") == 2
    assert runner.invoke(args=["panel", "replay-draw", "999"]).exit_code == 1
    lonely = runner.invoke(args=["panel", "replay-draw", "--challenge", str(meltblown.id + 1)])
    assert lonely.exit_code == 1 and "没有随机抽取记录" in lonely.output


def test_the_page_shows_the_record_and_the_offline_tool_replays_it(board, client, auth, people,
                                                                   tmp_path):
    meltblown, _crew = board
    auth.login(people["admin"])
    response = client.post(f"/admin/panels/{meltblown.id}/draw", data={"pool_size": "5"})
    assert response.status_code == 302
    made = db.session.scalars(select(PanelDraw)).one()
    page = client.get(f"/admin/panels/{meltblown.id}").get_data(as_text=True)
    section = page.split('data-testid="draws"')[1]
    assert made.seed in section and made.chain_head in section and "重放一致" in section
    assert f"flask panel replay-draw {made.id}" in section
    assert section.count("<td>抽中</td>") == 3

    trail = client.get(f"/admin/audit/?type=challenge&id={meltblown.id}&action=draw").get_data(
        as_text=True)
    assert "随机抽取评审专家" in trail and "抽取前的审计链头" in trail and made.seed in trail

    record = client.get(f"/admin/panels/draws/{made.id}.json").get_json()
    assert record["drawn"] == made.drawn and record["challenge"] == meltblown.id
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    ok = subprocess.run([sys.executable, str(TOOL), str(path)], capture_output=True, text=True)
    assert ok.returncode == 0 and "replays to the same panel" in ok.stdout, ok.stdout + ok.stderr
    loser = next(c["reviewer"] for c in record["candidates"] if c["reviewer"] not in record["drawn"])
    path.write_text(json.dumps(dict(record, drawn=[loser, *record["drawn"][1:]])), encoding="utf-8")
    bad = subprocess.run([sys.executable, str(TOOL), str(path)], capture_output=True, text=True)
    assert bad.returncode == 1 and ": drawn: recomputed" in bad.stdout


@pytest.mark.parametrize("typed, message", [
    ("abc", "请输入 1 到 50 的整数"),
    ("2", "候选人数应在 3 到 50 之间"),
    ("51", "请输入 1 到 50 的整数"),
])
def test_a_bad_pool_size_is_said_next_to_the_field_and_kept(board, client, auth, people, typed,
                                                            message):
    meltblown, _crew = board
    auth.login(people["admin"])
    response = client.post(f"/admin/panels/{meltblown.id}/draw", data={"pool_size": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = page.split('data-testid="draw-error">')[1].split("<")[0]
    assert message in error
    assert f'name="pool_size" value="{typed}"' in page
    assert seats(meltblown) == set() and db.session.scalar(select(func.count(PanelDraw.id))) == 0


def test_refusals_leave_nothing_behind(board, people, make, one_seat_each):
    meltblown, crew = board
    meltblown.reviewers_required = 7  # six eligible: too few to draw seven
    db.session.commit()
    with pytest.raises(Exception, match="只有 6 位"):
        draws.draw_panel(meltblown, 50, people["admin"])
    db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "draw")) == 0
    closed = make.challenge(people["issuer"], ChallengeState.PUBLICITY, admin=people["admin"])
    with pytest.raises(Exception, match="只有评审中的榜"):
        draws.draw_panel(closed, 5, people["admin"])
    db.session.rollback()
    meltblown.reviewers_required = 1
    db.session.commit()
    draws.draw_panel(meltblown, 3, people["admin"])
    db.session.commit()
    with pytest.raises(Exception, match="评审组已满"):
        draws.draw_panel(meltblown, 3, people["admin"])


def test_two_draws_at_once_do_not_overfill_the_panel(board, live_server, make, people):
    meltblown, _crew = board
    admins = [people["admin"], make.user(Role.ADMIN, name="另一位管理员")]
    db.session.commit()
    clients = []
    for admin in admins:
        client = Browserless(live_server)
        client.login(admin.email)
        clients.append(client)
    path = f"/admin/panels/{meltblown.id}"
    tokens = [c.token(path) for c in clients]
    replies = run_together([
        (lambda c=c, t=t: c.send(f"{path}/draw", {"pool_size": "6"}, t))
        for c, t in zip(clients, tokens, strict=True)])
    statuses = sorted(r.status for r in replies)
    assert statuses == [302, 422], replies
    refused = next(r for r in replies if r.status == 422)
    assert "评审组已满" in refused.text
    db.session.expire_all()
    assert len(seats(meltblown)) == 3
    assert db.session.scalar(select(func.count(PanelDraw.id))) == 1
    assert db.session.scalar(select(func.count(ReviewAssignment.id)).where(
        ReviewAssignment.challenge_id == meltblown.id,
        ReviewAssignment.state == PanelSeatState.ASSIGNED)) == 3


def _event_json(event: AuditEvent) -> dict:
    """An audit event as an evidence pack would list it: its canonical chained content."""
    return {"id": event.id, "prev_hash": event.prev_hash, "hash": event.hash,
            **json.loads(chained_content(event_values(event)))}


def test_the_offline_tool_replays_the_draw_from_its_audit_event(board, people, tmp_path):
    meltblown, _crew = board
    made = draws.draw_panel(meltblown, 5, people["admin"])
    db.session.commit()
    events = [_event_json(e) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    path = tmp_path / "events.json"

    def tool(document) -> subprocess.CompletedProcess:
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return subprocess.run([sys.executable, str(TOOL), str(path)], capture_output=True,
                              text=True)

    ok = tool(events)
    assert ok.returncode == 0 and f"replays to the same panel: {made.drawn}" in ok.stdout, ok.stdout
    (draw_event,) = [e for e in events if e["action"] == "draw"]
    moved = dict(draw_event, occurred_at=draw_event["occurred_at"].replace("+00:00", "1+00:00"))
    assert "MISMATCH" in tool(moved).stdout and tool(moved).returncode == 1
    forked = dict(draw_event, prev_hash="f" * 64)
    assert tool(forked).returncode == 1 and "not the chain head" in tool(forked).stdout
    assert tool([e for e in events if e["action"] != "draw"]).returncode == 1


def test_a_draw_record_is_never_changed_through_the_app(board, people):
    meltblown, _crew = board
    made = draws.draw_panel(meltblown, 5, people["admin"])
    db.session.commit()
    made.seed = "0" * 64
    with pytest.raises(RuntimeError, match="never changed"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(PanelDraw, made.id))
    with pytest.raises(RuntimeError, match="never changed"):
        db.session.flush()
