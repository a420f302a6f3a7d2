"""Ranking engine shared by both directions (need → experts, profile → needs).

Recall is a sparse BM25 product over words, CJK bigrams and synonym concepts; a shortlist
(the top few hundred plus documents whose keywords fuzzily match the query's) is then
re-ranked with rapidfuzz keyword similarity, and each result is explained by the terms
that contributed most.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from .index import SparseIndex
from .models import Match
from .normalize import normalize
from .sound import fold_sound
from .synonyms import find_sound_concepts
from .text import BIGRAM, CONCEPT, PHRASE, add_features

Fields = Sequence[tuple[str, float]]

# Keywords and titles that only read alike (homophone typos) count this much of an exact
# match. Sounds are compared there only: as index features they cost ranking quality (nDCG@10
# 0.8849 → 0.8826 on bench/data with pinyin bigrams at query weight 0.3).
SOUND_SIMILARITY = 0.85
# Query-side weight per feature kind: bigrams are many and overlap words, concepts are strong,
# an English word pair adds to its two words.
TYPE_WEIGHTS = {BIGRAM: 0.5, CONCEPT: 1.5, PHRASE: 1.0}
# idf^1.5: a rare specific term (驻极) must outweigh shared context (风电叶片) more than in BM25.
IDF_POWER = 1.5
SHORTLIST = 300  # documents re-ranked with rapidfuzz per query
FUZZY_CUTOFF = 70.0  # keyword similarity below this is no match
FUZZY_WEIGHT = 0.1  # share of the raw score from fuzzy keyword matches
ASCII_FUZZY_CUTOFF = 85.0  # unknown Latin words map to indexed ones this similar (lithum → lithium)
ALPHA = 4.8  # maps the raw score onto 0–100: a need-wide match of ~0.3 shows as ~75
MAX_TERMS = 6
COMMON_SHARE = 0.1  # terms in more than this share of documents are not shown as reasons

# Generic heads stripped before comparing keyword "cores": 熔喷布 ~ 熔喷材料 share 熔喷.
GENERIC_HEADS = ("材料", "技术", "系统", "工艺", "设备", "装置", "方法", "研究", "开发",
                 "应用", "产品", "平台", "布", "器件")


def core(phrase: str) -> str:
    """The phrase without a generic head noun, if enough is left to mean something."""
    for head in GENERIC_HEADS:
        if phrase.endswith(head) and len(phrase) - len(head) >= 2:
            return phrase[: -len(head)]
    return phrase


def _grams(phrase: str) -> set[str]:
    """Keys for finding fuzzy keyword candidates: CJK bigrams (of the characters and of their
    sounds, see `fold_sound`) and Latin trigrams."""
    grams: set[str] = set()
    sounded = fold_sound(phrase)
    for part in phrase.split() + (sounded.split() if sounded != phrase else []):
        n = 2 if not part.isascii() else 3
        if len(part) <= n:
            grams.add(part)
        else:
            grams.update(part[i : i + n] for i in range(len(part) - n + 1))
    return grams


def pick_labels(labels: Iterable[str], limit: int = MAX_TERMS) -> list[str]:
    """The first *limit* labels, skipping any contained in (or replacing any inside) another."""
    chosen: list[str] = []
    for label in labels:
        if any(label in c for c in chosen):
            continue
        chosen = [c for c in chosen if c not in label] + [label]
        if len(chosen) >= limit:
            break
    return chosen


def weighted_features(fields: Fields) -> tuple[dict[str, float], dict[str, str]]:
    """Feature counts of several texts, each scaled by its field weight."""
    counts: dict[str, float] = {}
    variants: dict[str, str] = {}
    for text, weight in fields:
        add_features(text, weight, counts, variants)
    return counts, variants


@dataclass
class Query:
    """What a need, a profile or a search string asks for."""

    counts: dict[str, float]
    variants: dict[str, str] = field(default_factory=dict)
    phrases: tuple[str, ...] = ()

    @classmethod
    def from_fields(cls, fields: Fields, phrases: Iterable[str] = ()) -> Query:
        """A query's features; a homophone of a synonym-table term (溶喷布 for 熔喷布) also asks
        for its concept, at SOUND_SIMILARITY of the field's weight (documents are indexed as
        written: a typo is the asker's, so it is read through on the asking side)."""
        counts, variants = weighted_features(fields)
        for text, weight in fields:
            for written, canon in find_sound_concepts(normalize(text)):
                key = CONCEPT + canon
                if key not in counts:
                    counts[key] = weight * SOUND_SIMILARITY
                    variants[key] = written
        return cls(counts, variants, _unique_phrases(phrases))


def _unique_phrases(phrases: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in (normalize(x) for x in phrases) if p))


@dataclass
class QueryVector:
    """A query resolved against the index vocabulary."""

    ids: np.ndarray  # sorted unique term ids
    weights: np.ndarray  # query weight × idf^IDF_POWER
    total: float  # sum of weights, unknown terms included: lex / total = share of query covered
    labels: dict[int, str]  # how each explaining term is shown to users


@dataclass
class Scored:
    """A shortlisted document with its score components, before explanation."""

    id: Hashable
    lex: float  # share of the query covered, BM25-weighted
    fuzzy: float  # rarity-weighted fuzzy keyword similarity, 0..1
    raw: float  # lex + FUZZY_WEIGHT * fuzzy: what results are sorted by
    score: float  # raw mapped onto 0–100
    keyword_hits: list[str]


class Engine:
    """Documents as weighted fields plus keyword phrases, ranked against a Query.

    A lock serialises changes and queries, so one instance can serve a threaded web app.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.index = SparseIndex()
        self._phrases: dict[Hashable, tuple[str, ...]] = {}
        self._phrase_docs: dict[str, set[Hashable]] = {}
        self._gram_phrases: dict[str, set[str]] = {}
        self._core: dict[str, str] = {}
        self._sounds: dict[str, str] = {}
        self._ascii_terms: set[str] = set()
        self._ascii_list: list[str] | None = None

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.index

    def add(self, doc_id: Hashable, fields: Fields, phrases: Iterable[str]) -> None:
        """Index a document's weighted texts and its keyword phrases (for fuzzy matching)."""
        counts, _ = weighted_features(fields)
        with self.lock:
            self._add(doc_id, counts, phrases)

    def _add(self, doc_id: Hashable, counts: dict[str, float], phrases: Iterable[str]) -> None:
        self.index.add(doc_id, counts)
        own = _unique_phrases(phrases)
        self._phrases[doc_id] = own
        for phrase in own:
            docs = self._phrase_docs.get(phrase)
            if docs is None:
                docs = self._phrase_docs[phrase] = set()
                self._core[phrase] = core(phrase)
                self._sounds[phrase] = fold_sound(phrase)
                for gram in _grams(phrase):
                    self._gram_phrases.setdefault(gram, set()).add(phrase)
            docs.add(doc_id)
        for term in counts:
            if term[0].isascii() and term[0].isalnum() and term not in self._ascii_terms:
                self._ascii_terms.add(term)
                self._ascii_list = None

    def remove(self, doc_id: Hashable) -> bool:
        """Forget a document everywhere; False if it was not indexed."""
        with self.lock:
            return self._remove(doc_id)

    def _remove(self, doc_id: Hashable) -> bool:
        if not self.index.remove(doc_id):
            return False
        for phrase in self._phrases.pop(doc_id):
            docs = self._phrase_docs[phrase]
            docs.discard(doc_id)
            if not docs:
                del self._phrase_docs[phrase]
                del self._core[phrase], self._sounds[phrase]
                for gram in _grams(phrase):
                    bucket = self._gram_phrases[gram]
                    bucket.discard(phrase)
                    if not bucket:
                        del self._gram_phrases[gram]
        return True

    # -- query side ---------------------------------------------------------------

    def vector(self, query: Query) -> QueryVector:
        """Query weights over known terms; Latin words unknown to the index are fuzzily mapped."""
        weights: dict[int, float] = {}
        labels: dict[int, str] = {}
        missing = 0.0
        n = len(self.index)
        idf_unknown = math.log1p((n + 0.5) / 0.5) ** IDF_POWER
        words = [t for t in query.counts if len(t) > 1 and t[0] not in (BIGRAM, CONCEPT)]
        for term, count in query.counts.items():
            qw = count * TYPE_WEIGHTS.get(term[0], 1.0)
            tid = self.index.vocab.get(term)
            if tid is not None:
                weights[tid] = weights.get(tid, 0.0) + qw
                # A bigram straddling two words ("拟芯" in 模拟芯片) explains nothing.
                if term[0] != BIGRAM or any(term[1:] in w for w in words):
                    labels.setdefault(tid, self._label(term, query))
                continue
            missing += qw * idf_unknown
            if term.isascii() and term[0].isalnum() and len(term) >= 4:
                for other, sim in self._ascii_neighbours(term):
                    oid = self.index.vocab[other]
                    weights[oid] = weights.get(oid, 0.0) + qw * sim / 100
                    labels.setdefault(oid, f"{term}≈{other}")
        ids = np.fromiter(sorted(weights), dtype=np.int32, count=len(weights))
        qw_arr = np.array([weights[i] for i in ids.tolist()], dtype=np.float64)
        w = qw_arr * self.index.idf(ids) ** IDF_POWER if len(ids) else qw_arr
        if len(ids):
            # Words most documents contain (技术, 研究) carry weight but explain nothing.
            common = ids[self.index.df(ids) > max(2.0, COMMON_SHARE * n)]
            for tid in common.tolist():
                labels.pop(tid, None)
        return QueryVector(ids, w, float(w.sum()) + missing, labels)

    def _ascii_neighbours(self, term: str) -> list[tuple[str, float]]:
        if self._ascii_list is None:
            self._ascii_list = sorted(self._ascii_terms)
        found = process.extract(term, self._ascii_list, scorer=fuzz.ratio,
                                score_cutoff=ASCII_FUZZY_CUTOFF, limit=2)
        return [(choice, score) for choice, score, _ in found]

    @staticmethod
    def _label(term: str, query: Query) -> str:
        if term[0] == BIGRAM:
            return term[1:]
        if term[0] == CONCEPT:
            canon = term[1:]
            variant = query.variants.get(term, canon)
            if variant.isascii() and variant.isalpha() and len(variant) <= 5:
                variant = variant.upper()  # abbreviations read better as written: BMS, AI
            return canon if variant == canon else f"{variant}={canon}"
        if term[0] == PHRASE:
            return query.variants.get(term, term[1:])
        return query.variants.get(term, term)  # an English stem reads as its word: "coatings"

    # -- ranking ------------------------------------------------------------------

    def rank(self, query: Query, k: int, exclude: Collection[Hashable] = frozenset(),
             shortlist: int = SHORTLIST) -> tuple[list[Scored], QueryVector]:
        """Best *k* documents (every document if k <= 0), best first."""
        with self.lock:
            return self._rank(query, k, exclude, shortlist)

    def _rank(self, query: Query, k: int, exclude: Collection[Hashable], shortlist: int
              ) -> tuple[list[Scored], QueryVector]:
        vec = self.vector(query)
        all_scores = self.index.scores(vec.ids, vec.weights)
        doc_ids, lex = all_scores.ids, all_scores.values
        scale = 1.0 / vec.total if vec.total > 0 else 1.0
        lex_of: dict[Hashable, float]
        if k <= 0 or len(doc_ids) <= shortlist:
            lex_of = dict(zip(doc_ids.tolist(), (lex * scale).tolist(), strict=True))
        else:
            size = min(len(doc_ids), max(shortlist, 4 * (k + len(exclude))))
            top = np.argpartition(-lex, size - 1)[:size]
            top = top[lex[top] > 0]
            lex_of = dict(zip(doc_ids[top].tolist(), (lex[top] * scale).tolist(), strict=True))
        for doc_id in self._keyword_candidates(query.phrases):
            if doc_id not in lex_of:
                # Looked up, not recomputed: the sparse product above scored every document.
                lex_of[doc_id] = all_scores.of(doc_id) * scale
        for doc_id in exclude:
            lex_of.pop(doc_id, None)
        scored = self._rerank(query, lex_of)
        scored.sort(key=lambda s: (-s.raw, str(s.id)))
        if k > 0:
            scored = [s for s in scored[:k] if s.score > 0]
        # Which keywords matched is only worth spelling out for the documents returned.
        for s, hits in zip(scored, self._keyword_hits(query.phrases, [s.id for s in scored]),
                           strict=True):
            s.keyword_hits = hits
        return scored, vec

    def contributions(self, doc_id: Hashable, vec: QueryVector) -> tuple[np.ndarray, np.ndarray]:
        """Term ids shared by the query and document, with their BM25 contributions."""
        doc = self.index.doc(doc_id)
        common, qi, di = np.intersect1d(vec.ids, doc.ids, assume_unique=True, return_indices=True)
        return common, vec.weights[qi] * self.index.tf_part(doc.tf[di], doc.length)

    def _keyword_candidates(self, phrases: Sequence[str], limit: int = 500) -> set[Hashable]:
        """Documents with a keyword close to one of *phrases*, via the keyword bigram index."""
        found: set[Hashable] = set()
        for phrase in phrases:
            pool: set[str] = set()
            for gram in _grams(phrase):
                bucket = self._gram_phrases.get(gram)
                if bucket and len(bucket) <= 2000:
                    pool |= bucket
            if not pool:
                continue
            choices = list(pool)
            sims = self._phrase_sims([phrase], choices)[0]
            for j in np.flatnonzero(sims >= FUZZY_CUTOFF)[:50]:
                found |= self._phrase_docs[choices[j]]
                if len(found) >= limit:
                    return found
        return found

    def _phrase_sims(self, queries: Sequence[str], choices: Sequence[str]) -> np.ndarray:
        """Keyword similarity 0–100: plain edit ratio, or slightly less for equal cores or
        for keywords that only read alike (溶喷布 / 熔喷布, a homophone typo)."""
        raw = process.cdist(queries, choices, scorer=fuzz.ratio, dtype=np.float32)
        q_core = [core(q) for q in queries]
        c_core = [self._core.get(c) or core(c) for c in choices]
        cored = process.cdist(q_core, c_core, scorer=fuzz.ratio, dtype=np.float32) * 0.9
        sounded = process.cdist([fold_sound(q) for q in queries],
                                [self._sound(c) for c in choices],
                                scorer=fuzz.ratio, dtype=np.float32) * SOUND_SIMILARITY
        return np.maximum(np.maximum(raw, cored), sounded)

    def _sound(self, phrase: str) -> str:
        found = self._sounds.get(phrase)
        return found if found is not None else fold_sound(phrase)

    def _rerank(self, query: Query, lex_of: dict[Hashable, float]) -> list[Scored]:
        """Blend the sparse score with fuzzy keyword similarity and map it onto 0–100."""
        ids = list(lex_of)
        lex = np.fromiter(lex_of.values(), dtype=np.float64, count=len(ids))
        best = self._keyword_best(query.phrases, ids)
        fz = best.mean(axis=1) / 100 if best is not None else np.zeros(len(ids))
        raw = lex + FUZZY_WEIGHT * fz
        score = 100.0 * (1.0 - np.exp(-ALPHA * raw))
        return [Scored(doc_id, lx, f, r, sc, []) for doc_id, lx, f, r, sc
                in zip(ids, lex.tolist(), fz.tolist(), raw.tolist(), score.tolist(), strict=True)]

    def _keyword_sims(self, phrases: Sequence[str], vocab: list[str]) -> np.ndarray:
        """Similarity of each query phrase to each keyword, 0 below the cutoff, scaled by the
        keyword's rarity: a keyword shared by few documents says more than one everybody lists."""
        sims = self._phrase_sims(phrases, vocab)
        sims[sims < FUZZY_CUTOFF] = 0
        n = len(self.index) + 0.5
        df = np.array([len(self._phrase_docs.get(p, ())) for p in vocab], dtype=np.float64)
        sims *= (np.log1p((n - df) / (df + 0.5)) / math.log1p((n - 1) / 1.5))[np.newaxis, :]
        return sims

    def _keyword_best(self, phrases: Sequence[str], ids: list[Hashable]) -> np.ndarray | None:
        """Per document (row) and query phrase (column): its best keyword similarity.

        One vectorised pass over all shortlisted documents: their keywords laid end to end,
        and the maximum taken per document with np.maximum.reduceat.
        """
        if not phrases or not ids:
            return None
        doc_phrases = [self._phrases.get(i, ()) for i in ids]
        best = np.zeros((len(ids), len(phrases)), dtype=np.float32)
        col: dict[str, int] = {}
        flat = [col.setdefault(p, len(col)) for ps in doc_phrases for p in ps]
        if not flat:
            return best
        sims = self._keyword_sims(phrases, list(col))
        sizes = np.fromiter(map(len, doc_phrases), dtype=np.int64, count=len(ids))
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        has = sizes > 0
        best[has] = np.maximum.reduceat(sims[:, flat], starts[has], axis=1).T
        return best

    def _keyword_hits(self, phrases: Sequence[str], ids: list[Hashable]) -> list[list[str]]:
        """Per document: the keywords that matched a query phrase, as explanations."""
        hits: list[list[str]] = [[] for _ in ids]
        doc_phrases = [self._phrases.get(i, ()) for i in ids]
        vocab = list(dict.fromkeys(p for ps in doc_phrases for p in ps))
        if not phrases or not vocab:
            return hits
        col = {p: j for j, p in enumerate(vocab)}
        sims = self._keyword_sims(phrases, vocab)
        for i, ps in enumerate(doc_phrases):
            if not ps:
                continue
            block = sims[:, [col[p] for p in ps]]
            arg = block.argmax(axis=1)
            for qi, j in enumerate(arg.tolist()):
                if block[qi, j] > 0:
                    hit = ps[j]
                    label = f"keyword={hit}" if hit == phrases[qi] else f"keyword≈{hit}"
                    if label not in hits[i]:
                        hits[i].append(label)
        return hits

    def explain(self, scored: Scored, vec: QueryVector) -> list[str]:
        """The few terms that contributed most, without repeating overlapping ones."""
        common, contrib = self.contributions(scored.id, vec)
        order = np.argsort(-contrib, kind="stable").tolist()
        labels = (vec.labels.get(int(common[j])) for j in order)
        return pick_labels(x for x in labels if x) + scored.keyword_hits[:3]

    def to_matches(self, scored: list[Scored], vec: QueryVector) -> list[Match]:
        """Public results with explanations."""
        return [Match(s.id, round(s.score, 2), self.explain(s, vec)) for s in scored]
