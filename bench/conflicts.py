"""What the 回避 check from relationships costs beside the organisation-only check it replaced:
per 榜 under review, the matcher's candidates (up to 50) checked by each, alternating in the
same run, on a big database (server CPU per check, wall time and SQL statements).

    SECRET_KEY=x DATABASE_URL=sqlite:////tmp/conflicts-bench.sqlite \\
        .venv/bin/python bench/conflicts.py [--boards 20] [--rounds 3]

The database is a copy of the 100k-榜 bench database (bench/seed_big.py) migrated to head.
The machine is shared: compare the rows of one run, not figures across runs."""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from host import cpu_model  # noqa: E402  (bench/, the script's own folder)
from sqlalchemy import event, func, select  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402

from challenge import create_app  # noqa: E402
from challenge.extensions import db  # noqa: E402
from challenge.matching_service import reviewer_matches  # noqa: E402
from challenge.models import Challenge, Proposal, ReviewAssignment  # noqa: E402
from challenge.reviewing.conflicts import find_conflicts  # noqa: E402
from challenge.reviewing.operations import CANDIDATES_PER_CHALLENGE  # noqa: E402
from challenge.states import (  # noqa: E402
    LIVE_PROPOSAL_STATES,
    ChallengeState,
    PanelSeatState,
    ProposalState,
)


def org_only(challenge, reviewers) -> dict[int, str]:
    """The check before issue 14 (reviewing/operations.py at 29c6ebb), for the baseline."""
    declined = dict(db.session.execute(
        select(ReviewAssignment.reviewer_id, ReviewAssignment.conflict_note).where(
            ReviewAssignment.challenge_id == challenge.id,
            ReviewAssignment.state == PanelSeatState.DECLINED)).all())
    found_orgs = {}
    for bid in db.session.scalars(select(Proposal).where(
            Proposal.challenge_id == challenge.id,
            Proposal.state.in_(LIVE_PROPOSAL_STATES - {ProposalState.DRAFT}))
            .options(selectinload(Proposal.lead_org), selectinload(Proposal.partners))):
        found_orgs[f"id:{bid.lead_org_id}"] = found_orgs[bid.lead_org.name] = bid.lead_org.name
        for partner in bid.partners:
            if partner.organization_id:
                found_orgs[f"id:{partner.organization_id}"] = partner.organization_name
            found_orgs[partner.organization_name] = partner.organization_name
    found = {}
    for reviewer in reviewers:
        bidder = found_orgs.get(f"id:{reviewer.organization_id}") or found_orgs.get(reviewer.org_name)
        if reviewer.organization_id == challenge.issuer_org_id:
            found[reviewer.id] = "issuer"
        elif bidder:
            found[reviewer.id] = bidder
        elif reviewer.id in declined:
            found[reviewer.id] = declined[reviewer.id]
    return found


def measure(check, boards, statements) -> tuple[float, float, float, int]:
    """CPU ms and wall ms per 榜, SQL statements per 榜, conflicts found in all."""
    db.session.expire_all()
    statements.clear()
    cpu, wall, found = time.process_time(), time.perf_counter(), 0
    for challenge, reviewers in boards:
        found += len(check(challenge, reviewers))
    n = len(boards)
    return ((time.process_time() - cpu) * 1000 / n, (time.perf_counter() - wall) * 1000 / n,
            len(statements) / n, found)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--boards", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        busiest = db.session.scalars(
            select(Challenge).join(Proposal, Proposal.challenge_id == Challenge.id)
            .where(Challenge.state == ChallengeState.REVIEWING)
            .group_by(Challenge.id).order_by(func.count(Proposal.id).desc())
            .limit(args.boards)).all()
        boards = []
        for challenge in busiest:
            reviewers = [p.user for p, _m in reviewer_matches(challenge, CANDIDATES_PER_CHALLENGE)]
            boards.append((challenge.id, [r.id for r in reviewers]))
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
        from challenge.models import User

        def loaded():
            db.session.expire_all()
            out = []
            for challenge_id, ids in boards:
                users = db.session.scalars(select(User).where(User.id.in_(ids))
                                           .options(selectinload(User.organization))).all()
                out.append((db.session.get(Challenge, challenge_id), users))
            return out

        rows = {"organisations only (before)": [], "relationships (after)": []}
        for _round in range(args.rounds):
            rows["organisations only (before)"].append(measure(org_only, loaded(), statements))
            rows["relationships (after)"].append(
                measure(lambda c, r: find_conflicts(c, r), loaded(), statements))
        candidates = statistics.mean(len(ids) for _c, ids in boards)
        print(f"machine: {os.cpu_count()} cores, {cpu_model(platform.processor())}, "
              f"Python {platform.python_version()}")
        print(f"database: {app.config['SQLALCHEMY_DATABASE_URI']}; {len(boards)} 榜 under review "
              f"(most bids first), {candidates:.0f} candidates each, {args.rounds} rounds alternating")
        print(f"{'check':32} {'CPU ms/榜':>10} {'wall ms/榜':>11} {'SQL/榜':>7} {'conflicts':>10}")
        for name, results in rows.items():
            cpu = statistics.median(r[0] for r in results)
            wall = statistics.median(r[1] for r in results)
            print(f"{name:32} {cpu:10.1f} {wall:11.1f} {results[0][2]:7.0f} {results[0][3]:10d}")


if __name__ == "__main__":
    main()
