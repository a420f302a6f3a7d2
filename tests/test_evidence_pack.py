"""The integrity evidence pack (reviewing/evidence.py) downloaded by the bureau verifies offline with
tools/verify_pack.py, run as an auditor would run it; a pack with one row altered does not, however
carefully the forger recomputes what the pack alone lets them recompute."""

import csv
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from challenge.extensions import db
from challenge.models import AccessLog, AuditEvent
from challenge.reviewing import scoring
from challenge.reviewing.decision import answer_objection, decide, file_objection
from challenge.states import ChallengeState
from challenge.timeutil import utcnow
from tests.test_decision import review_board, scores_for

ROOT = Path(__file__).resolve().parent.parent
VERIFIER = ROOT / "tools" / "verify_pack.py"
sys.path.insert(0, str(VERIFIER.parent))
import verify_pack  # noqa: E402  (the script itself, for its link_hash)


@pytest.fixture
def pack(client, auth, make, people, tmp_path):
    """A decided 榜 whose reviews went through the scoring operations, a view of its body and a
    conflict check on record; the pack downloaded by the bureau. Returns (board, path, reviews)."""
    board, bids, _bidders, reviewers = review_board(client, auth, make, people,
                                                    [[80, 82, 78], [70, 72, 68]], missing=6)
    for bid, row in zip(bids, [[80, 82, 78], [70, 72, 68]], strict=True):
        for reviewer, total in zip(reviewers, row, strict=True):
            review = scoring.save_review(reviewer, bid, scores_for(total), "评审意见")
            scoring.submit_review(reviewer, review)
    db.session.add(AccessLog(challenge_id=board.id, user_id=reviewers[0].id, ip="10.0.0.7"))
    decide(board, people["admin"], [bids[0].id], "综合得分第一", {})
    objection = file_objection(board, people["other_solver"], "评分有失公允")
    answer_objection(objection, people["admin"], "dismiss", "经复核评分无误")
    board.publicity_ends_at = utcnow() - timedelta(minutes=1)
    make.contract(board, people["admin"], sign=True)
    other = make.challenge(people["issuer"], ChallengeState.PUBLICITY)  # another 榜: not in it
    db.session.commit()
    auth.login(people["admin"])
    response = client.post(f"/admin/challenges/{board.id}/evidence-pack")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f"evidence-pack-{board.id}.zip" in response.headers["Content-Disposition"]
    path = tmp_path / "pack.zip"
    path.write_bytes(response.data)
    return board, other, path


def run(path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(VERIFIER), str(path), *args], capture_output=True,
                          text=True, timeout=60, cwd=path.parent)


def files_of(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def rewrite(path, files: dict[str, bytes]) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    path.write_bytes(out.getvalue())


def events_of(files) -> list[dict]:
    return [json.loads(line) for line in files["events.jsonl"].decode().splitlines()]


def test_the_pack_holds_the_boards_evidence_and_verifies(pack, client):
    board, other, path = pack
    result = run(path)
    assert result.returncode == 0, result.stdout
    assert "OK: every hash, file and score checks" in result.stdout
    files = files_of(path)
    events = events_of(files)
    kinds = {(e["object_type"], e["action"]) for e in events}
    assert {("challenge", "close"), ("proposal", "qualify"), ("review", "score"),
            ("review", "submit"), ("challenge", "conflict_check"), ("proposal", "select"),
            ("challenge", "decide"), ("objection", "file"), ("objection", "dismiss"),
            ("contract", "draft_contract"), ("contract", "sign")} <= kinds
    assert {e["object_id"] for e in events if e["object_type"] == "challenge"} == {board.id}
    assert other.id != board.id
    checks = [json.loads(line) for line in files["conflict_checks.jsonl"].decode().splitlines()]
    # seating ran one check per reviewer seated (review_board seats three), each on the record
    assert [c["action"] for c in checks] == ["conflict_check"] * 3
    assert sorted(c["changes"]["reviewer"][1] for c in checks) == sorted(
        e["changes"]["reviewer"][1] for e in events if e["action"] == "assign")
    scores = files["scores.csv"].decode("utf-8-sig").splitlines()
    assert len(scores) == 1 + 6 and any(",80," in row for row in scores)
    assert "10.0.0.7" in files["access_log.csv"].decode()
    # the seal is an event of the platform's own chain, named in the README and the output
    seal = json.loads(files["seal.json"])
    kept = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "evidence_pack")).one()
    assert (seal["id"], seal["hash"], kept.object_id) == (kept.id, kept.hash, board.id)
    assert kept.hash in files["README.txt"].decode() and kept.hash in result.stdout
    assert run(path, "--seal", kept.hash).returncode == 0
    page = client.get(f"/admin/challenges/{board.id}/decision").get_data(as_text=True)
    assert 'data-testid="seals"' in page and kept.hash in page  # where the auditor looks it up


def _edit_event_reason(files):
    events = events_of(files)
    events[0]["reason"] = "改过的理由"
    files["events.jsonl"] = "".join(json.dumps(e, ensure_ascii=False) + "\n"
                                    for e in events).encode()


def _edit_score(files):
    rows = list(csv.reader(io.StringIO(files["scores.csv"].decode("utf-8-sig"))))
    header, first = rows[0], rows[1]
    scores = json.loads(first[header.index("scores")])
    scores[next(iter(scores))] -= 10
    first[header.index("scores")] = json.dumps(scores, sort_keys=True)
    first[header.index("total")] = str(int(first[header.index("total")]) - 10)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    files["scores.csv"] = ("\ufeff" + out.getvalue()).encode()


def _drop_a_view(files):
    files["access_log.csv"] = files["access_log.csv"].decode("utf-8-sig").splitlines()[0].encode()


@pytest.mark.parametrize("alter, says", [
    (_edit_event_reason, "content does not match its hash (edited)"),
    (_edit_score, "scores.csv: does not match the manifest"),
    (_drop_a_view, "access_log.csv: does not match the manifest"),
])
def test_one_altered_row_fails_verification(pack, alter, says):
    _board, _other, path = pack
    files = files_of(path)
    alter(files)
    rewrite(path, files)
    result = run(path)
    assert result.returncode == 1 and "FAILED" in result.stdout
    assert says in result.stdout


def test_an_altered_score_also_contradicts_the_chain(pack):
    _board, _other, path = pack
    files = files_of(path)
    _edit_score(files)
    rewrite(path, files)
    assert "the chain recorded" in run(path).stdout


def test_a_forger_recomputing_hashes_is_caught_by_the_seal(pack):
    """Edit an event and recompute its hash and the manifest: the seal disagrees. Recompute the
    seal too: the pack passes on its own, but its seal is not the one the platform holds."""
    board, _other, path = pack
    files = files_of(path)
    events = events_of(files)
    events[0]["reason"] = "改过的理由"
    events[0]["hash"] = verify_pack.link_hash(events[0]["prev_hash"], events[0])
    files["events.jsonl"] = "".join(json.dumps(e, ensure_ascii=False) + "\n"
                                    for e in events).encode()
    manifest = json.loads(files["manifest.json"])
    manifest["files"]["events.jsonl"] = hashlib.sha256(files["events.jsonl"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    rewrite(path, files)
    result = run(path)
    assert result.returncode == 1 and "manifest.json: does not match the seal" in result.stdout

    seal = json.loads(files["seal.json"])
    genuine = seal["hash"]
    seal["changes"]["manifest_sha256"][1] = hashlib.sha256(files["manifest.json"]).hexdigest()
    seal["hash"] = verify_pack.link_hash(seal["prev_hash"], seal)
    files["seal.json"] = json.dumps(seal).encode()
    rewrite(path, files)
    assert run(path).returncode == 0  # consistent in itself ...
    result = run(path, "--seal", genuine)  # ... but not the pack the platform sealed
    assert result.returncode == 1 and "is not the one given" in result.stdout


def test_only_the_bureau_downloads_a_pack(client, auth, make, people):
    board = review_board(client, auth, make, people, [[80, 82]])[0]
    for who in ("issuer", "solver", "reviewer"):
        auth.logout()
        auth.login(people[who])
        response = client.post(f"/admin/challenges/{board.id}/evidence-pack")
        assert response.status_code in (302, 403, 404)
        assert response.mimetype != "application/zip"
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "evidence_pack")).all() == []


def test_the_platform_and_the_script_hash_alike(pack):
    """The script's canonical form is the platform's (models/audit.py) on every event."""
    _board, _other, path = pack
    for event in events_of(files_of(path)):
        stored = db.session.get(AuditEvent, event["id"])
        assert verify_pack.link_hash(event["prev_hash"], event) == stored.hash
