"""Scale-out: two app servers (gunicorn, on different ports) over one PostgreSQL and one Redis,
each with its own Celery worker and beat (as if both nodes had been set up to run beat), and 50
clients spread over both for a bounded time. Nothing is lost or written twice, every outbox row
leaves as exactly one mail, and each periodic job runs once per period although both beats ask.
"""

import re
import secrets
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from challenge.extensions import db
from challenge.models import AuditEvent, Challenge, JobRun, OutboundEmail, Question, User
from challenge.states import ChallengeState, OrgType, Role
from challenge.timeutil import local_today
from tests.conftest import ISOLATED_INSTANCE, USE_POSTGRES
from tests.jobs.conftest import beat, celery_env, wait_until, worker
from tests.security.conftest import _stop, start_gunicorn
from tests.test_award_progress import signed_contract
from tests.test_concurrency import Browserless

pytestmark = [pytest.mark.concurrency,
              pytest.mark.skipif(not USE_POSTGRES, reason="two app nodes share PostgreSQL, not "
                                                          "an SQLite file")]

CLIENTS = 50
SECONDS = 20
PERIOD = 2  # seconds: several periods pass during the run
ROOT = Path(__file__).resolve().parents[2]


def start_node(env: dict, log: Path):
    return start_gunicorn(
        ["--preload", "--workers", "2", "--threads", "4", "--worker-class", "gthread",
         "--timeout", "60", "--log-level", "warning", "--no-control-socket", "--error-logfile", "-",
         f"challenge:create_app(instance_path={str(ISOLATED_INSTANCE)!r})"], env, log)


def test_two_nodes_fifty_clients(app, make, people, redis_url, smtp, tmp_path):
    board = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
    expired = []
    for _ in range(10):
        late = make.challenge(people["issuer"], ChallengeState.OPEN, admin=people["admin"])
        late.deadline_at = late.deadline_at - timedelta(days=60)
        expired.append(late.id)
    contract = signed_contract(make, people)
    contract.milestones[0].due_on = local_today() - timedelta(days=3)
    askers = [make.user(Role.SOLVER, org=make.org(type=OrgType.UNIVERSITY)) for _ in range(25)]
    forgetters = [make.user(Role.SOLVER) for _ in range(CLIENTS - len(askers))]
    db.session.commit()
    board_id, milestone_id = board.id, contract.milestones[0].id
    asker_emails = [u.email for u in askers]
    forgetter_emails = [u.email for u in forgetters]
    db.session.remove()

    env = celery_env(app, redis_url, smtp.port, JOBS_CLOSE_EXPIRED_SECONDS=PERIOD,
                     JOBS_REMIND_OVERDUE_SECONDS=PERIOD, JOBS_SEND_OUTBOX_SECONDS=PERIOD,
                     MAIL_LINK_LIMITS="100000 per hour")
    env["SECRET_KEY"] = secrets.token_hex(32)
    started, nodes = [], []
    try:
        for n in (1, 2):
            process, url = start_node(env, tmp_path / f"node{n}.log")
            started.append(process)
            nodes.append(url)
        workers = [worker(env, tmp_path / f"worker{n}.log", name=f"node{n}") for n in (1, 2)]
        beats = [beat(env, tmp_path / f"beat{n}.log") for n in (1, 2)]
        replies: list[int] = []
        asked: dict[str, list[str]] = {}
        forgot: Counter = Counter()
        lock = threading.Lock()
        stop_at = time.monotonic() + SECONDS

        def asker(i: int, email: str) -> None:
            client = Browserless(nodes[i % 2])
            client.login(email)
            mine = asked.setdefault(email, [])
            token = client.token(f"/challenges/{board_id}")
            while time.monotonic() < stop_at:
                if len(mine) < 10:
                    body = f"问题 {email} 第{len(mine) + 1}个：指标如何检测？"
                    reply = client.send(f"/challenges/{board_id}/questions", {"body": body}, token)
                    if reply.status == 302:
                        mine.append(body)
                else:
                    client.get("/")  # done asking: read the hall (closing 榜 on access)
                    reply = None
                with lock:
                    replies.append(reply.status if reply else 200)

        def forgetter(i: int, email: str) -> None:
            client = Browserless(nodes[i % 2])
            token = client.token("/auth/forgot")
            while time.monotonic() < stop_at:
                reply = client.send("/auth/forgot", {"email": email}, token)
                with lock:
                    replies.append(reply.status)
                    if reply.status == 302:
                        forgot[email] += 1

        threads = [threading.Thread(target=asker, args=(i, e)) for i, e in enumerate(asker_emails)]
        threads += [threading.Thread(target=forgetter, args=(i, e))
                    for i, e in enumerate(forgetter_emails)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=SECONDS + 120)

        def outbox_empty():
            db.session.remove()
            return db.session.scalar(select(func.count(OutboundEmail.id)).where(
                OutboundEmail.sent_at.is_(None))) == 0
        wait_until(outbox_empty, timeout=120, every=0.5, what="the workers to empty the outbox")
        time.sleep(PERIOD)  # a last period's runs finish
    finally:
        for process in locals().get("beats", []) + locals().get("workers", []):
            process.stop()
        for process in started:
            _stop(process)
    db.session.remove()

    statuses = Counter(replies)
    assert all(s < 500 for s in statuses), statuses
    assert sum(forgot.values()) > CLIENTS and statuses[302] > CLIENTS, statuses  # real load

    # No lost or duplicated writes: every acknowledged question is there, once.
    for email, bodies in asked.items():
        stored = db.session.scalars(select(Question.body).join(User, User.id == Question.asker_id)
                                    .where(User.email == email)).all()
        assert sorted(stored) == sorted(bodies), email
    assert sum(len(b) for b in asked.values()) > 0

    # One outbox row per acknowledged reset, one mail per outbox row.
    rows = db.session.scalars(select(OutboundEmail)).all()
    per_address = Counter(r.to_address for r in rows)
    for email in forgetter_emails:
        assert per_address[email] == forgot[email], email
    assert all(r.sent_at is not None and r.attempts == 1 for r in rows)
    assert smtp.per_recipient() == per_address

    # Each periodic job once per period, though both beats sent it each period.
    closes = Counter(db.session.scalars(select(AuditEvent.object_id).where(
        AuditEvent.action == "close", AuditEvent.object_id.in_(expired))))
    assert closes == Counter({i: 1 for i in expired})
    assert all(c.state is ChallengeState.REVIEWING for c in db.session.scalars(
        select(Challenge).where(Challenge.id.in_(expired))))
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "overdue", AuditEvent.object_id == milestone_id)) == 1
    logs = "".join(w.text() for w in workers)
    for name, task in (("close-expired", "close_expired"), ("remind-overdue", "remind_overdue"),
                       ("send-outbox", "send_outbox")):
        runs = db.session.scalars(select(JobRun).where(JobRun.name == name)).all()
        slots = [r.slot for r in runs]
        assert len(slots) == len(set(slots)) and len(runs) >= 3, (name, slots)
        received = len(re.findall(rf"Task jobs\.{task}\[[^\]]+\] received", logs))
        skipped = len(re.findall(rf"Task jobs\.{task}\[[^\]]+\] succeeded[^\n]*already run this period",
                                 logs))
        assert received >= len(runs) + skipped and skipped >= 1, (name, received, len(runs), skipped)
    print(f"\ntwo nodes, {CLIENTS} clients, {SECONDS} s: replies {dict(statuses)}, "
          f"questions {sum(len(b) for b in asked.values())}, mails {len(rows)}, "
          f"runs {dict(Counter(db.session.scalars(select(JobRun.name))))}")
