#!/usr/bin/env python3
"""Replay a random panel draw offline, from its record alone (standard library only).

Download the record from the panel page ("下载抽取记录（JSON）", /admin/panels/draws/<id>.json)
and run:

    python3 tools/replay_draw.py draw-12.json

The file may also hold the draw's audit event (action "draw", as an evidence pack lists events:
object_id, occurred_at in UTC ISO 8601 to the microsecond, prev_hash, changes with each value as
[null, value]), or a list of events, of which every "draw" is replayed.

The algorithm (panel-draw-v1, challenge/reviewing/draw.py; written again here on purpose, so
that the replay does not rest on the platform's own code):

    seed   = SHA-256( "panel-draw-v1" \\n chain_head \\n challenge id \\n drawn_at )   as hex
    ticket = HMAC-SHA256( key = the seed's 32 bytes, message = "<position>:<reviewer id>" )
             as hex, position counted from 1 in the recorded candidate order
    drawn  = the `seats` candidates with the lowest tickets, lowest first

`chain_head` is the hash of the newest audit event before the draw; the audit event of the
draw (`audit_event` in the record) names it as its predecessor, which an evidence pack of the
audit chain lets you check as well. Exit status 0 when the record replays to the same panel.
"""

import hashlib
import hmac
import json
import sys

ALGORITHM = "panel-draw-v1"


def seed_of(record: dict) -> str:
    text = f"{ALGORITHM}\n{record['chain_head']}\n{record['challenge']}\n{record['drawn_at']}"
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def drawn_of(seed: str, reviewer_ids: list, seats: int) -> list:
    key = bytes.fromhex(seed)
    tickets = [(hmac.new(key, f"{i + 1}:{rid}".encode("ascii"), hashlib.sha256).hexdigest(), i)
               for i, rid in enumerate(reviewer_ids)]
    return [reviewer_ids[i] for _, i in sorted(tickets)[:seats]]


def replay(record: dict) -> list[str]:
    """What does not hold ([] = the record replays to the same panel)."""
    problems = []
    if record.get("algorithm") != ALGORITHM:
        problems.append(f"unknown algorithm {record.get('algorithm')!r}")
    seed = seed_of(record)
    if seed != record["seed"]:
        problems.append(f"seed: recomputed {seed}, recorded {record['seed']}")
    ids = [c["reviewer"] for c in record["candidates"]]
    if len(set(ids)) != len(ids) or not record["seats"] <= len(ids) <= record["pool_size"]:
        problems.append("candidate list: duplicates, or more than K, or fewer than the seats")
    drawn = drawn_of(seed, ids, record["seats"])
    if drawn != record["drawn"]:
        problems.append(f"drawn: recomputed {drawn}, recorded {record['drawn']}")
    return problems


def from_event(event: dict) -> dict:
    """A draw record read from its audit event."""
    record = {key: value[1] for key, value in event["changes"].items()
              if key != "passed_over"}  # who could not be drawn and why: for the reader
    record.update(challenge=event["object_id"], drawn_at=event["occurred_at"],
                  audit_event=event.get("id"))
    if "prev_hash" in event and event["prev_hash"] != record["chain_head"]:
        record["problem"] = (f"the event follows {event['prev_hash']}, "
                             f"not the chain head {record['chain_head']} its seed names")
    return record


def records_in(document) -> list[dict]:
    if isinstance(document, list):
        return [from_event(e) for e in document if e.get("action") == "draw"]
    if document.get("action") == "draw" and "changes" in document:
        return [from_event(document)]
    return [document]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: replay_draw.py DRAW.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        records = records_in(json.load(handle))
    if not records:
        print("no draw in this file")
        return 1
    failed = 0
    for record in records:
        name = f"draw of challenge #{record['challenge']} at {record['drawn_at']}"
        problems = replay(record) + ([record["problem"]] if "problem" in record else [])
        for problem in problems:
            print(f"MISMATCH {name}: {problem}")
        if problems:
            failed += 1
            continue
        print(f"{name}: seed {record['seed']}")
        print(f"replays to the same panel: {record['drawn']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
