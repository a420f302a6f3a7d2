#!/usr/bin/env python3
"""Check an integrity evidence pack of the Open Challenge platform offline (standard library only).

    python3 verify_pack.py pack.zip [--seal HASH]

A pack (challenge/reviewing/evidence.py) holds the audit events of one challenge, each with the
SHA-256 `hash` of its predecessor's hash and its own content (`prev_hash`), the scores, the views
of the confidential body, the acknowledged score anomalies, a manifest of the files' SHA-256 and
a seal: the audit event the platform wrote into its own chain when it made the pack, holding the
manifest's SHA-256. This script checks:

1. every event: SHA-256(prev_hash + "\\n" + canonical content) equals its hash, where the content
   is compact JSON with sorted keys of occurred_at, actor_id, object_type, object_id, action,
   from_state, to_state, reason, changes (the platform's models/audit.py `chained_content`);
   ids rise, no two events name the same predecessor (a fork), all come before the seal;
2. every file against the manifest, and the manifest against the seal, whose own hash checks;
3. every review's total: the sum of its criteria, and the total of the review's last "score"
   event in the chain;
4. conflict_checks.jsonl and draws.jsonl repeat events of events.jsonl unchanged.

With --seal, the seal's hash must be the one given: look the seal event up on the platform (its
audit trail, or the pack's README names it). A pack that passes and whose seal the platform holds
is the pack the platform made. Exit status 0 when every check passes, 1 otherwise.
"""

import argparse
import csv
import hashlib
import io
import json
import sys
import zipfile

CHAINED_FIELDS = ("occurred_at", "actor_id", "object_type", "object_id", "action", "from_state",
                  "to_state", "reason", "changes")
FILES = ("events.jsonl", "scores.csv", "access_log.csv", "flags.csv", "conflict_checks.jsonl",
         "draws.jsonl", "manifest.json", "seal.json")


def link_hash(prev_hash: str, event: dict) -> str:
    content = json.dumps({name: event[name] for name in CHAINED_FIELDS}, sort_keys=True,
                         ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + content).hexdigest()


def _jsonl(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode().splitlines() if line.strip()]


def _event_problems(events: list[dict], seal: dict) -> list[str]:
    problems, named, last_id = [], {}, 0
    for event in events:
        where = f"event #{event.get('id')} ({event.get('object_type')} {event.get('action')})"
        try:
            if link_hash(event["prev_hash"], event) != event["hash"]:
                problems.append(f"{where}: content does not match its hash (edited)")
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{where}: unreadable ({exc})")
            continue
        if event["id"] <= last_id:
            problems.append(f"{where}: out of chain order")
        last_id = event["id"]
        if event["prev_hash"] in named:
            problems.append(f"{where}: names the same predecessor as event #{named[event['prev_hash']]}")
        named[event["prev_hash"]] = event["id"]
        if event["id"] >= seal.get("id", 0):
            problems.append(f"{where}: comes after the seal")
    return problems


def _score_problems(scores: bytes, events: list[dict]) -> list[str]:
    last_total = {}
    for event in events:
        if event["object_type"] == "review" and event["action"] == "score":
            last_total[event["object_id"]] = ((event.get("changes") or {}).get("total") or [None, None])[1]
    problems = []
    for row in csv.DictReader(io.StringIO(scores.decode("utf-8-sig"))):
        where = f"review #{row['review_id']}"
        try:
            total = int(row["total"])
            if sum(int(v) for v in json.loads(row["scores"]).values()) != total:
                problems.append(f"{where}: criteria do not add up to the total {total}")
        except (ValueError, AttributeError) as exc:
            problems.append(f"{where}: unreadable ({exc})")
            continue
        chained = last_total.get(int(row["review_id"]))
        if chained is not None and chained != total:
            problems.append(f"{where}: total {total}, the chain recorded {chained}")
    return problems


def verify(path: str, seal_hash: str | None = None) -> tuple[list[str], list[str]]:
    """(problems, facts) of the pack at *path*: no problems means every check passed."""
    try:
        with zipfile.ZipFile(path) as pack:
            files = {name: pack.read(name) for name in pack.namelist()}
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"not a readable zip: {exc}"], []
    missing = [name for name in FILES if name not in files]
    if missing:
        return [f"missing file: {name}" for name in missing], []
    problems = []
    manifest, seal = json.loads(files["manifest.json"]), json.loads(files["seal.json"])
    events = _jsonl(files["events.jsonl"])

    if link_hash(seal["prev_hash"], seal) != seal["hash"]:
        problems.append("seal: content does not match its hash")
    if (seal["action"], seal["object_type"], seal["object_id"]) != (
            "evidence_pack", "challenge", manifest["challenge"]["id"]):
        problems.append("seal: not the evidence_pack event of this challenge")
    sealed = (seal.get("changes") or {}).get("manifest_sha256", [None, None])[1]
    if sealed != hashlib.sha256(files["manifest.json"]).hexdigest():
        problems.append("manifest.json: does not match the seal")
    if seal_hash and seal["hash"] != seal_hash:
        problems.append(f"seal: hash {seal['hash']} is not the one given ({seal_hash})")
    for name, digest in manifest["files"].items():
        if hashlib.sha256(files.get(name, b"")).hexdigest() != digest:
            problems.append(f"{name}: does not match the manifest")
    if len(events) != manifest["events"]:
        problems.append(f"events.jsonl: {len(events)} events, the manifest says {manifest['events']}")

    problems += _event_problems(events, seal)
    problems += _score_problems(files["scores.csv"], events)
    by_id = {e.get("id"): e for e in events}
    for name in ("conflict_checks.jsonl", "draws.jsonl"):
        for event in _jsonl(files[name]):
            if by_id.get(event.get("id")) != event:
                problems.append(f"{name}: event #{event.get('id')} differs from events.jsonl")

    reviews = len(files["scores.csv"].splitlines()) - 1
    facts = [f"challenge #{manifest['challenge']['id']}: {manifest['challenge']['title']}",
             f"{len(events)} audit events, scores of {reviews} reviews",
             f"chain head when the pack was made: {seal['prev_hash']}",
             f"seal: audit event #{seal['id']}, hash {seal['hash']}"]
    return problems, facts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pack")
    parser.add_argument("--seal", help="the seal's hash as the platform shows it")
    args = parser.parse_args(argv)
    problems, facts = verify(args.pack, args.seal)
    for fact in facts:
        print(fact)
    for problem in problems:
        print("FAIL", problem)
    print("FAILED" if problems else "OK: every hash, file and score checks")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
