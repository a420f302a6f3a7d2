"""Generate the English labelled set in bench/data/en/ from bench/en_inventory.py.

    python bench/make_en_dataset.py         # rewrites data/en/{profiles,needs}.jsonl, qrels.tsv

Two needs per facet (72): a full one (title, summary, keywords, detail) and a brief one
(title and a sentence or two, in the words of the shop floor).
Eight experts per topic (144), four per facet: each expert's main facet gives two of their
works, the topic's other facet one; two keywords come from their facet's list, one from the
topic's; one expert in eight has a bio that names nothing specific, so the topic shows only
in keywords and works. Each expert's texts swap listed forms for their partners
(coating/coatings, electrolyzer/electrolysers, solid state/solid-state, detection/detecting,
BMS/battery management system: en_inventory.VARIANTS) with probability SWAP, so an expert
seldom writes a term exactly as the need does. Fourteen off-topic experts share only
generic words or homonyms ("test battery", "corporate vision", "chocolate coating").
Grades follow from the design:
  3  the expert's topic and main facet are the need's
  2  same topic, other facet
  1  neighbouring topic (the other topic of the same area)
  0  everything else (not listed in qrels.tsv)
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from en_inventory import DISTRACTORS, GENERIC, ORGS, RANKS, TOPICS, VARIANTS

DATA = Path(__file__).resolve().parent / "data" / "en"
SEED = 20261204
EXPERTS_PER_TOPIC = 8
SWAP = 0.75
_FORMS = {a.lower(): b for a, b in VARIANTS} | {b.lower(): a for a, b in VARIANTS}
_FORM_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _FORMS), key=len, reverse=True))
                      + r")\b", re.IGNORECASE)

FIRST = ("Alice", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hiro", "Ines", "Jonas",
         "Kavya", "Liam", "Maria", "Noah", "Olga", "Pavel", "Qi", "Rosa", "Sanjay", "Tara")
LAST = ("Adams", "Becker", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hughes", "Ito",
        "Jensen", "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Rossi",
        "Silva", "Tanaka", "Weber")


def reword(text: str, rng: random.Random) -> str:
    """Swap each listed form for its partner (coating ↔ coatings ...) with probability SWAP."""
    def swap(m: re.Match[str]) -> str:
        word = m.group()
        if rng.random() >= SWAP:
            return word
        other = _FORMS[word.lower()]
        if word[0].isupper() and other[0].islower():
            return other[0].upper() + other[1:]
        return other
    return _FORM_RE.sub(swap, text)


def build(rng: random.Random) -> tuple[list[dict], list[dict], list[tuple[str, str, int]]]:
    needs: list[dict] = []
    need_of: list[tuple[str, int, int]] = []  # (need id, topic index, facet index)
    for t, topic in enumerate(TOPICS):
        for f, facet in enumerate(topic.facets):
            n = facet.need
            for row in ({"title": n.title, "summary": n.summary, "keywords": list(n.keywords),
                         "detail": n.detail},
                        {"title": facet.brief[0], "summary": facet.brief[1], "keywords": [],
                         "detail": ""}):
                nid = f"EN{len(needs) + 1:03d}"
                needs.append({"id": nid, **row})
                need_of.append((nid, t, f))

    profiles: list[dict] = []
    expert_of: list[tuple[str, int | None, int | None]] = []
    for t, topic in enumerate(TOPICS):
        for j in range(EXPERTS_PER_TOPIC):
            f = j % 2
            own, other = topic.facets[f], topic.facets[1 - f]
            works = rng.sample(own.works, 2) + [rng.choice(other.works)]
            rng.shuffle(works)
            rank, org, generic = rng.choice(RANKS), rng.choice(ORGS), rng.choice(GENERIC)
            if j == EXPERTS_PER_TOPIC - 1:
                bio = f"{rank} at {org}. {generic}"
            else:
                bio = (f"{rank} at {org}, working on {rng.choice(topic.core)} with a focus on "
                       f"{own.focus}. {generic}")
            eid = f"X{len(profiles) + 1:03d}"
            profiles.append({"id": eid, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                             "fields": [topic.field],
                             "keywords": [reword(k, rng) for k in
                                          [*rng.sample(own.keywords, 2), rng.choice(topic.keywords)]],
                             "bio": reword(bio, rng), "works": [reword(w, rng) for w in works]})
            expert_of.append((eid, t, f))
    for field, keywords, bio, works in DISTRACTORS:
        eid = f"X{len(profiles) + 1:03d}"
        profiles.append({"id": eid, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                         "fields": [field], "keywords": list(keywords),
                         "bio": f"{bio} {rng.choice(GENERIC)}", "works": list(works)})
        expert_of.append((eid, None, None))

    qrels = []
    for nid, t, f in need_of:
        for eid, et, ef in expert_of:
            if et is None:
                continue
            if et == t:
                grade = 3 if ef == f else 2
            elif TOPICS[et].area == TOPICS[t].area:
                grade = 1
            else:
                continue
            qrels.append((nid, eid, grade))
    return needs, profiles, qrels


def main() -> None:
    needs, profiles, qrels = build(random.Random(SEED))
    DATA.mkdir(parents=True, exist_ok=True)
    for name, rows in (("needs.jsonl", needs), ("profiles.jsonl", profiles)):
        with open(DATA / name, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    with open(DATA / "qrels.tsv", "w", encoding="utf-8") as f:
        f.write("need_id\texpert_id\tgrade\n")
        f.writelines(f"{n}\t{e}\t{g}\n" for n, e, g in qrels)
    print(f"{len(needs)} needs, {len(profiles)} profiles, {len(qrels)} graded pairs -> {DATA}")


if __name__ == "__main__":
    main()
