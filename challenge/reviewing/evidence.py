"""The integrity evidence pack of one 榜 (SPEC §13): a zip a discipline-inspection office (纪检) or
an auditor checks offline with tools/verify_pack.py (standard library only).

What it holds:

- events.jsonl: every audit event of the 榜 and of its bids, panel seats, reviews, objections,
  access grants, contracts, milestones and acceptances (payments are events on their contract),
  each with the chained fields, `prev_hash` and `hash`, in chain order. The verifier recomputes
  each hash from its predecessor's and the event's content, exactly as the platform does
  (models/audit.py `link_hash`). The conflict checks run at seating ("conflict_check"), the draw
  record ("draw"), the anomaly acknowledgements ("acknowledge_flag") and the pledges are events
  of the 榜 or its seats, so they are here, and listed again on their own for reading.
- scores.csv: every review with its per-criterion scores, total and comment; the verifier checks
  each total against the last "score" event of that review in the chain.
- access_log.csv: who viewed the confidential body, when, from where.
- flags.csv: the score anomalies acknowledged, with the bureau's reasons.
- manifest.json: the SHA-256 of every file above.
- seal.json: the audit event "evidence_pack" written on the 榜 as the pack is made, whose content
  holds the manifest's SHA-256 and whose predecessor is the chain head at that moment. Its hash
  is in the platform's chain: an auditor who finds that hash there (the audit trail shows the
  event; `flask audit verify` checks the whole chain) knows no byte of the pack was changed since.
"""

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..locking import lock_for_write
from ..models import (
    Acceptance,
    AccessGrant,
    AccessLog,
    AuditEvent,
    Challenge,
    Contract,
    ContractMilestone,
    FlagAcknowledgement,
    Objection,
    Proposal,
    Review,
    ReviewAssignment,
    User,
)
from ..models.audit import CHAINED_FIELDS
from ..timeutil import utcnow
from ..workflow import record, workflow_for

VERIFIER = Path(__file__).resolve().parents[2] / "tools" / "verify_pack.py"


def _ids(column, *where) -> list[int]:
    return list(db.session.scalars(select(column).where(*where)))


def related_objects(challenge: Challenge) -> dict[str, list[int]]:
    """Per audited object type (as the door names it): the ids of the 榜's own objects."""
    contracts = _ids(Contract.id, Contract.challenge_id == challenge.id)
    ids = {
        Challenge: [challenge.id],
        Proposal: _ids(Proposal.id, Proposal.challenge_id == challenge.id),
        ReviewAssignment: _ids(ReviewAssignment.id, ReviewAssignment.challenge_id == challenge.id),
        Review: _ids(Review.id, Review.challenge_id == challenge.id),
        Objection: _ids(Objection.id, Objection.challenge_id == challenge.id),
        AccessGrant: _ids(AccessGrant.id, AccessGrant.challenge_id == challenge.id),
        Contract: contracts,
        ContractMilestone: _ids(ContractMilestone.id, ContractMilestone.contract_id.in_(contracts)),
        Acceptance: _ids(Acceptance.id, Acceptance.contract_id.in_(contracts)),
    }
    return {workflow_for(model).object_type: found for model, found in ids.items()}


def seals(challenge: Challenge) -> list[AuditEvent]:
    """The packs made for the 榜, newest first: the seal events, whose hashes an auditor compares."""
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == workflow_for(Challenge).object_type,
        AuditEvent.object_id == challenge.id, AuditEvent.action == "evidence_pack")
        .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.id.desc())))


def _stamp(value: datetime | None) -> str:
    return "" if value is None else value.astimezone(UTC).isoformat(timespec="microseconds")


def event_document(event: AuditEvent) -> dict:
    """An event as the pack lists it: id, the chained fields in their canonical form, the links."""
    document = {"id": event.id}
    document.update({name: getattr(event, name) for name in CHAINED_FIELDS})
    document["occurred_at"] = _stamp(event.occurred_at)
    document["changes"] = json.loads(json.dumps(event.changes))
    document["prev_hash"], document["hash"] = event.prev_hash, event.hash
    return document


def _events(challenge: Challenge) -> list[AuditEvent]:
    wanted = [(AuditEvent.object_type == kind) & AuditEvent.object_id.in_(ids)
              for kind, ids in related_objects(challenge).items() if ids]
    return list(db.session.scalars(select(AuditEvent).where(or_(*wanted)).order_by(AuditEvent.id)))


def _csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()  # BOM: spreadsheet programs read it as UTF-8


def _scores(challenge: Challenge) -> bytes:
    reviews = db.session.execute(
        select(Review, User.name).join(User, User.id == Review.reviewer_id)
        .where(Review.challenge_id == challenge.id).order_by(Review.proposal_id, Review.id)).all()
    orgs = {p.id: p.lead_org.name for p in db.session.scalars(
        select(Proposal).where(Proposal.challenge_id == challenge.id))}
    return _csv(["review_id", "proposal_id", "lead_org", "reviewer_id", "reviewer", "state",
                 "scores", "total", "comment", "created_at", "submitted_at"],
                [(r.id, r.proposal_id, orgs.get(r.proposal_id, ""), r.reviewer_id, name,
                  r.state.value, json.dumps(r.scores, sort_keys=True), r.total, r.comment,
                  _stamp(r.created_at), _stamp(r.submitted_at)) for r, name in reviews])


def _access_log(challenge: Challenge) -> bytes:
    views = db.session.scalars(
        select(AccessLog).where(AccessLog.challenge_id == challenge.id)
        .options(selectinload(AccessLog.user).selectinload(User.organization))
        .order_by(AccessLog.id)).all()
    return _csv(["id", "user_id", "user", "organisation", "viewed_at", "ip"],
                [(v.id, v.user_id, v.user.name, v.user.org_name, _stamp(v.viewed_at), v.ip)
                 for v in views])


def _flags(challenge: Challenge) -> bytes:
    acks = db.session.scalars(select(FlagAcknowledgement).where(
        FlagAcknowledgement.challenge_id == challenge.id).order_by(FlagAcknowledgement.id))
    return _csv(["flag", "kind", "text", "reason", "acknowledged_by_id", "acknowledged_at"],
                [(a.flag_key, a.kind, a.flag_text, a.reason, a.acknowledged_by_id,
                  _stamp(a.acknowledged_at)) for a in acks])


def _jsonl(documents) -> bytes:
    return "".join(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n"
                   for d in documents).encode()


README = """Integrity evidence pack of challenge #{id}
==========================================

Check it offline, with Python 3.10 or later and nothing else:

    python3 verify_pack.py pack.zip                  # every link, file and score
    python3 verify_pack.py pack.zip --seal {seal}    # and the seal the platform holds

verify_pack.py is included for convenience; an auditor should take it from the platform's source
(tools/verify_pack.py) or read it: it is short. It recomputes the SHA-256 of every audit event from
its predecessor's hash and its content, checks every file against manifest.json, the manifest
against the seal (an audit event in the platform's own chain), and each review's total against
the chain. The seal's hash above is the one to look up on the platform (audit trail, object
"challenge #{id}", action "evidence_pack"): if it is there, nothing in this pack changed since.

Files: events.jsonl (audit events, chain order), scores.csv, access_log.csv (views of the
confidential body), flags.csv (score anomalies acknowledged), conflict_checks.jsonl and
draws.jsonl (the events of those kinds, again, for reading), manifest.json, seal.json.
"""


def build_pack(challenge: Challenge, actor: User, now: datetime | None = None) -> bytes:
    """The zip, sealed by an audit event written now; the caller commits (else the seal, and
    with it the pack's proof, is gone)."""
    now = now or utcnow()
    lock_for_write(Challenge, challenge.id)  # one seal at a time per 榜
    events = [event_document(e) for e in _events(challenge)]
    files = {
        "events.jsonl": _jsonl(events),
        "scores.csv": _scores(challenge),
        "access_log.csv": _access_log(challenge),
        "flags.csv": _flags(challenge),
        "conflict_checks.jsonl": _jsonl(e for e in events if e["action"] == "conflict_check"),
        "draws.jsonl": _jsonl(e for e in events if e["action"] == "draw"),
    }
    manifest = json.dumps({
        "challenge": {"id": challenge.id, "title": challenge.title},
        "made_at": _stamp(now), "made_by": actor.id, "events": len(events),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }, ensure_ascii=False, sort_keys=True, indent=1).encode()
    seal = record(challenge, "evidence_pack", actor, now=now, changes={
        "manifest_sha256": [None, hashlib.sha256(manifest).hexdigest()],
        "events": [None, len(events)]})
    files["manifest.json"] = manifest
    files["seal.json"] = json.dumps(event_document(seal), ensure_ascii=False, sort_keys=True,
                                    indent=1).encode()
    files["README.txt"] = README.format(id=challenge.id, seal=seal.hash).encode()
    files["verify_pack.py"] = VERIFIER.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as pack:
        for name, data in files.items():
            pack.writestr(zipfile.ZipInfo(name, now.astimezone(UTC).timetuple()[:6]), data,
                          compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
