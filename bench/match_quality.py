"""Ranking quality on the labelled sets in bench/data/ (Chinese), bench/data/hard/ (a harder
Chinese held-out set: profiles of several works of different years, one long text among them,
needs worded as enterprises write them; bench/make_hard_dataset.py) and bench/data/en/
(English): the matcher against plain TF-IDF, all sets in one run.

    python bench/match_quality.py [--data bench/data] [--hard-data bench/data/hard]
                                  [--en-data bench/data/en]

Metrics over all needs: nDCG@10 (gain 2^grade - 1), recall@10 (relevant = grade >= 2) and
MRR (reciprocal rank of the first grade-3 expert within the top 100). The baseline is
TF-IDF with cosine similarity over plain tokens: jieba words and CJK bigrams for Chinese,
lower-cased words for English (no stemming, no stop list, no phrases), without field
weights, synonyms, BM25 saturation or fuzzy keyword matching. A third row shows the matcher
with English words only lower-cased and stop-listed (no stemming, acronyms or word pairs).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from host import cpu_model

from challenge.matching import Matcher, Need, Profile, english, text
from challenge.matching.normalize import normalize
from challenge.matching.text import CJK_CLASS, STOPWORDS, cut_cjk

DEPTH = 100
_RUN_RE = re.compile(rf"[{CJK_CLASS}]+|[a-z0-9]+(?:\.[0-9]+)*[+#]*")
Ranker = Callable[[Need], list[str]]


def load(data: Path) -> tuple[list[Profile], list[Need], dict[str, dict[str, int]]]:
    def rows(name: str) -> list[dict]:
        with open(data / name, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    profiles = [Profile(r["id"], r.get("name", ""), r.get("fields", []), r.get("keywords", []),
                        r.get("bio", ""), r.get("works", [])) for r in rows("profiles.jsonl")]
    needs = [Need(r["id"], r["title"], r.get("summary", ""), r.get("keywords", []),
                  r.get("detail", "")) for r in rows("needs.jsonl")]
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with open(data / "qrels.tsv", encoding="utf-8") as f:
        next(f)
        for line in f:
            need_id, expert_id, grade = line.rstrip("\n").split("\t")
            qrels[need_id][expert_id] = int(grade)
    return profiles, needs, qrels


class TfidfBaseline:
    """Plain TF-IDF (smoothed idf, l2-normalised) over words and CJK bigrams, cosine ranking."""

    def __init__(self, profiles: list[Profile]) -> None:
        self.ids = [p.id for p in profiles]
        self.vocab: dict[str, int] = {}
        docs = [self._terms(" ".join([*p.fields, *p.keywords, p.bio, *p.works])) for p in profiles]
        rows, cols, vals = [], [], []
        for i, terms in enumerate(docs):
            for t, c in terms.items():
                rows.append(i)
                cols.append(self.vocab.setdefault(t, len(self.vocab)))
                vals.append(c)
        tf = sp.csr_array((vals, (rows, cols)), shape=(len(docs), len(self.vocab)), dtype=float)
        df = np.bincount(cols, minlength=len(self.vocab))
        self.idf = np.log((1 + len(docs)) / (1 + df)) + 1
        self.matrix = self._l2(tf * self.idf)

    @staticmethod
    def _terms(text: str) -> dict[str, int]:
        """Plain tokens: Latin words as written (lower-cased), jieba words and CJK bigrams."""
        counts: dict[str, int] = defaultdict(int)
        for run in _RUN_RE.findall(normalize(text)):
            if run[0].isascii():
                counts[run] += 1
                continue
            for w in cut_cjk(run):
                if w not in STOPWORDS:
                    counts[w] += 1
            for i in range(len(run) - 1):
                counts["~" + run[i : i + 2]] += 1
        return counts

    @staticmethod
    def _l2(m: sp.csr_array) -> sp.csr_array:
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        return sp.csr_array(sp.diags_array(1 / norms) @ m)

    def rank(self, need: Need) -> list[str]:
        text = " ".join([need.title, *need.keywords, need.summary, need.detail])
        q = np.zeros(len(self.vocab))
        for t, c in self._terms(text).items():
            j = self.vocab.get(t)
            if j is not None:
                q[j] = c * self.idf[j]
        if not q.any():
            return []
        scores = self.matrix @ (q / np.linalg.norm(q))
        top = np.argsort(-scores, kind="stable")[:DEPTH]
        return [self.ids[i] for i in top if scores[i] > 0]


def evaluate(rank: Ranker, needs: list[Need], qrels: dict[str, dict[str, int]]
             ) -> dict[str, list[float]]:
    """Per-need nDCG@10, recall@10 and reciprocal rank."""
    ndcg, recall, rr = [], [], []
    for need in needs:
        judged = qrels.get(need.id, {})
        ranked = rank(need)
        dcg = sum((2 ** judged.get(e, 0) - 1) / math.log2(i + 2) for i, e in enumerate(ranked[:10]))
        ideal = sorted(judged.values(), reverse=True)[:10]
        idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
        ndcg.append(dcg / idcg if idcg else 0.0)
        relevant = {e for e, g in judged.items() if g >= 2}
        recall.append(len(relevant & set(ranked[:10])) / len(relevant) if relevant else 0.0)
        first = next((i for i, e in enumerate(ranked[:DEPTH]) if judged.get(e, 0) == 3), None)
        rr.append(1 / (first + 1) if first is not None else 0.0)
    return {"nDCG@10": ndcg, "recall@10": recall, "MRR": rr}


@contextmanager
def english_unstemmed() -> Iterator[None]:
    """The matcher with English words only lower-cased and stop-listed: no stemming, no
    acronym handling, no word pairs (an ablation, to show what those add)."""
    saved = english.analyse, text._PHRASE_GAP_RE

    def plain(word: str, shouted: bool = False) -> tuple[str | None, bool]:
        lower = word.lower()
        return (None if lower in english.STOPWORDS else lower), False

    english.analyse, text._PHRASE_GAP_RE = plain, re.compile(r"(?!)")
    try:
        yield
    finally:
        english.analyse, text._PHRASE_GAP_RE = saved


def machine() -> str:
    return (f"{platform.platform()} | {cpu_model(platform.processor() or platform.machine())} | "
            f"CPUs: {os.cpu_count()} | Python {platform.python_version()}")


def run_set(label: str, data: Path) -> bool:
    """Print one set's figures, matcher beside baseline; True if the matcher wins throughout."""
    profiles, needs, qrels = load(data)
    print(f"\n== {label}: {len(needs)} needs, {len(profiles)} profiles, "
          f"{sum(len(v) for v in qrels.values())} graded pairs ({data})")

    t0 = time.perf_counter()
    matcher = Matcher(profiles)
    t1 = time.perf_counter()
    m_need = evaluate(lambda n: [m.id for m in matcher.top_experts(n, DEPTH)], needs, qrels)
    t2 = time.perf_counter()
    baseline = TfidfBaseline(profiles)
    t3 = time.perf_counter()
    b_need = evaluate(baseline.rank, needs, qrels)
    t4 = time.perf_counter()

    with english_unstemmed():
        plain = Matcher(profiles)
        t5 = time.perf_counter()
        p_need = evaluate(lambda n: [m.id for m in plain.top_experts(n, DEPTH)], needs, qrels)
    t6 = time.perf_counter()

    m_scores = {k: float(np.mean(v)) for k, v in m_need.items()}
    b_scores = {k: float(np.mean(v)) for k, v in b_need.items()}
    p_scores = {k: float(np.mean(v)) for k, v in p_need.items()}
    print(f"{'system':<28}{'nDCG@10':>10}{'recall@10':>11}{'MRR':>8}{'index s':>10}{'query s':>10}")
    for name, s, ti, tq in (("matcher", m_scores, t1 - t0, t2 - t1),
                            ("tfidf baseline", b_scores, t3 - t2, t4 - t3),
                            ("matcher, English unstemmed", p_scores, t5 - t4, t6 - t5)):
        print(f"{name:<28}{s['nDCG@10']:>10.4f}{s['recall@10']:>11.4f}{s['MRR']:>8.4f}"
              f"{ti:>10.2f}{tq:>10.2f}")
    print("per need, matcher vs baseline (better / equal / worse):")
    for k in m_need:
        diff = np.array(m_need[k]) - np.array(b_need[k])
        print(f"  {k:<10} {int((diff > 1e-9).sum()):>4} / {int((abs(diff) <= 1e-9).sum()):>4} / "
              f"{int((diff < -1e-9).sum()):>4}")
    wins = all(m_scores[k] > b_scores[k] for k in m_scores)
    print(f"matcher beats baseline on every metric: {'yes' if wins else 'NO'}")
    return wins


def main() -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=here / "data", help="the Chinese set")
    parser.add_argument("--hard-data", type=Path, default=here / "data" / "hard",
                        help="the harder Chinese held-out set")
    parser.add_argument("--en-data", type=Path, default=here / "data" / "en",
                        help="the English set")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    wins = [run_set("Chinese set", args.data),
            run_set("Harder Chinese held-out set", args.hard_data),
            run_set("English set", args.en_data)]
    return 0 if all(wins) else 1


if __name__ == "__main__":
    sys.exit(main())
