"""Generate the harder held-out set in bench/data/hard/ (same inventory, different seed and
different writing than bench/make_dataset.py; nothing in the matcher was tuned on it).

    python bench/make_hard_dataset.py       # rewrites bench/data/hard/{profiles,needs}.jsonl, qrels.tsv

What makes it harder:
  * profiles are made of several works (5–10), each "title（year）：abstract" as the app writes
    them (ExpertWork.as_text); keywords are often missing and the bio is boilerplate;
  * an expert's recent works are their current topic, their older works (10–18 years back) a
    former one; a third of the experts have one long work (a review of their former topic,
    ~10× a title's length) that would drown the rest if texts were simply concatenated;
  * needs are written as enterprises write them: the problem and the application first, the
    technology named once and not in the title, keyword tags mostly empty, generic words
    (技术, 研究, 国际先进水平, 关键技术) throughout.
Grades follow from the design only:
  3  current topic and facet equal the need's     2  current topic, other facet
  1  former topic is the need's, or same industry   0  everything else (not listed)
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from inventory import SUBTOPICS, Facet, SubTopic
from make_dataset import COMPANIES, FUNDS, METHODS, ORGS, RANKS, Writer

DATA = Path(__file__).resolve().parent / "data" / "hard"
SEED = 20261204
NEEDS_PER_SUBTOPIC = 3
EXPERTS_PER_SUBTOPIC = 8
NOW = 2026


@dataclass
class Expert:
    id: str
    sub: SubTopic
    facet: Facet
    former: SubTopic
    record: dict


@dataclass
class Need:
    id: str
    sub: SubTopic
    facet: Facet
    record: dict


def need(w: Writer, nid: str, sub: SubTopic, facet: Facet) -> Need:
    r = w.rng
    w.formal = False
    core = w.core_term(sub)
    t1 = w.facet_terms(facet, 1)[0]
    problem, app = r.choice(facet.problems), r.choice(sub.apps)
    title = r.choice((f"{app}{problem}关键技术研究", f"提升{app}产品技术水平达到国际先进水平",
                      f"{app}领域关键技术攻关与产业化", f"解决{problem}难题的技术研究"))
    summary = (f"{r.choice(COMPANIES)}，长期从事{app}相关产品研发生产。近年来生产中{problem}，"
               f"产品技术水平与国际先进水平存在差距。拟通过关键技术研究，在{t1}方面取得突破，"
               f"形成具有自主知识产权的核心技术。")
    detail = (f"现有工艺以{core}为主，希望揭榜方开展技术研究与试验验证，关键技术指标达到"
              f"国际先进水平，实现产业化应用，项目周期{r.choice((12, 18, 24))}个月。")
    keywords = [w.typo(t1, 0.15)] if r.random() < 0.3 else []
    return Need(nid, sub, facet, {"id": nid, "title": w.typo(title, 0.1), "summary": summary,
                                  "keywords": keywords, "detail": detail})


def work(w: Writer, sub: SubTopic, facet: Facet, year: int, long: bool = False) -> str:
    r = w.rng
    core = w.core_term(sub)
    t1, t2 = (w.facet_terms(facet, 2) + [w.core_term(sub)])[:2]
    title = r.choice((f"{t1}对{core}{t2}的影响研究", f"基于{r.choice(METHODS)}的{core}{t1}研究",
                      f"一种{core}的{t1}方法", f"{core}{t1}工艺及其{t2}"))
    abstract = f"针对{core}中的{t1}问题，研究了{t2}的作用机理。"
    if long:
        terms = [w.core_term(sub)] + [w.variant(g) for f in sub.facets for g in f.terms]
        sentences = [f"{r.choice(terms)}是{core}领域的研究热点，本文综述了{r.choice(terms)}与"
                     f"{r.choice(terms)}的研究进展，讨论了{r.choice(terms)}的发展趋势。"
                     for _ in range(12)]
        title, abstract = f"{core}研究进展与展望（综述）", "".join(sentences)
    return f"{title}（{year}）：{abstract}"


def expert(w: Writer, eid: str, sub: SubTopic, facet: Facet, former: SubTopic) -> Expert:
    r = w.rng
    w.formal = r.random() < 0.5
    recent = [work(w, sub, facet if r.random() < 0.7 else r.choice(sub.facets),
                   NOW - r.randint(0, 6)) for _ in range(r.randint(3, 6))]
    old_facet = r.choice(former.facets)
    old = [work(w, former, old_facet, NOW - r.randint(10, 18)) for _ in range(r.randint(2, 4))]
    if r.random() < 1 / 3:
        old.append(work(w, former, old_facet, NOW - r.randint(10, 18), long=True))
    works = recent + old
    r.shuffle(works)
    bio = (f"{r.choice(ORGS)}{r.choice(RANKS)}，博士生导师。主持{r.choice(FUNDS)}等项目多项，"
           f"发表论文{r.randint(20, 120)}篇，获省部级科技奖励{r.randint(1, 4)}项。")
    keywords = [w.core_term(sub)] + w.facet_terms(facet, 1) if r.random() < 0.4 else []
    return Expert(eid, sub, facet, former, {
        "id": eid, "name": w.name(), "fields": list(sub.disciplines[:1]), "keywords": keywords,
        "bio": bio, "works": works})


def grade(n: Need, e: Expert) -> int:
    if e.sub.key == n.sub.key:
        return 3 if e.facet.name == n.facet.name else 2
    return 1 if e.former.key == n.sub.key or e.sub.industry == n.sub.industry else 0


def build(seed: int = SEED) -> tuple[list[Need], list[Expert]]:
    rng = random.Random(seed)
    w = Writer(rng)
    needs = [need(w, f"H{i * NEEDS_PER_SUBTOPIC + j + 1:03d}", sub,
                  sub.facets[(i + j) % len(sub.facets)])
             for i, sub in enumerate(SUBTOPICS) for j in range(NEEDS_PER_SUBTOPIC)]
    experts = []
    for sub in SUBTOPICS:
        for j in range(EXPERTS_PER_SUBTOPIC):
            former = rng.choice([s for s in SUBTOPICS if s is not sub])
            experts.append(expert(w, "", sub, sub.facets[j % len(sub.facets)], former))
    rng.shuffle(experts)
    for i, e in enumerate(experts, 1):
        e.id = e.record["id"] = f"X{i:04d}"
    return needs, experts


def main() -> None:
    needs, experts = build()
    DATA.mkdir(parents=True, exist_ok=True)
    with open(DATA / "needs.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(n.record, ensure_ascii=False) + "\n" for n in needs)
    with open(DATA / "profiles.jsonl", "w", encoding="utf-8") as f:
        f.writelines(json.dumps(e.record, ensure_ascii=False) + "\n" for e in experts)
    lines = 0
    with open(DATA / "qrels.tsv", "w", encoding="utf-8") as f:
        f.write("need_id\texpert_id\tgrade\n")
        for n in needs:
            for e in experts:
                if g := grade(n, e):
                    f.write(f"{n.id}\t{e.id}\t{g}\n")
                    lines += 1
    print(f"{len(needs)} needs, {len(experts)} profiles, {lines} graded pairs -> {DATA}")


if __name__ == "__main__":
    main()
