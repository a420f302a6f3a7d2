"""A BM25 term index on scipy.sparse, kept up to date incrementally.

Documents live in a few immutable segments (term × document CSR matrices). New documents
go into a fresh small segment; small segments are merged like a binary counter, and removed
documents are masked until a quarter of the index is dead, so no change ever rebuilds
everything at once and no query rebuilds anything beyond pending additions.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class DocTerms:
    """One document's term ids (sorted), weighted term frequencies and length."""

    ids: np.ndarray
    tf: np.ndarray
    length: float


@dataclass
class Scores:
    """Every live document's score for one query, and a lookup of any one document's."""

    ids: np.ndarray  # object array of document ids
    values: np.ndarray  # their scores, parallel to ids
    _full: dict[int, np.ndarray]  # id(segment) → scores of all its positions, dead ones too
    _where: dict[Hashable, tuple[_Segment, int]]

    def of(self, doc_id: Hashable) -> float:
        """One document's score, by its segment position (no search through *ids*)."""
        seg, pos = self._where[doc_id]
        return float(self._full[id(seg)][pos])


@dataclass
class _Segment:
    ids: np.ndarray  # object array: position → document id
    matrix: sp.csr_array  # terms × documents, BM25 term-frequency parts
    alive: np.ndarray
    dead: int = 0

    @property
    def live(self) -> int:
        return len(self.ids) - self.dead


class SparseIndex:
    """BM25 over weighted term counts; IDF is applied on the query side so df changes are free."""

    def __init__(self, k1: float = K1, b: float = B) -> None:
        self.k1 = k1
        self.b = b
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []
        self._df = np.zeros(4096, dtype=np.int64)
        self._docs: dict[Hashable, DocTerms] = {}
        self._where: dict[Hashable, tuple[_Segment, int]] = {}
        self._pending: dict[Hashable, None] = {}
        self._segments: list[_Segment] = []
        self._total_len = 0.0

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    @property
    def avgdl(self) -> float:
        """Mean document length; 1 while every document is empty (a pool of bare names)."""
        return (self._total_len / len(self._docs)) if self._docs and self._total_len else 1.0

    def add(self, doc_id: Hashable, counts: Mapping[str, float]) -> None:
        """Index a new document given its (field-weighted) term counts."""
        if doc_id in self._docs:
            raise ValueError(f"document {doc_id!r} is already indexed")
        n = len(counts)
        vocab = self.vocab
        ids = np.array([vocab[t] if t in vocab else self._term_id(t) for t in counts],
                       dtype=np.int32)
        tf = np.fromiter(counts.values(), dtype=np.float32, count=n)
        order = np.argsort(ids)
        doc = DocTerms(ids[order], tf[order], float(tf.sum()))
        self._df[doc.ids] += 1
        self._docs[doc_id] = doc
        self._pending[doc_id] = None
        self._total_len += doc.length

    def remove(self, doc_id: Hashable) -> bool:
        """Drop a document; returns False if it was not indexed."""
        doc = self._docs.pop(doc_id, None)
        if doc is None:
            return False
        self._df[doc.ids] -= 1
        self._total_len -= doc.length
        where = self._where.pop(doc_id, None)
        if where is None:
            del self._pending[doc_id]
        else:
            seg, pos = where
            seg.alive[pos] = False
            seg.dead += 1
        return True

    def doc(self, doc_id: Hashable) -> DocTerms:
        return self._docs[doc_id]

    def doc_ids(self) -> Iterable[Hashable]:
        return self._docs.keys()

    def idf(self, term_ids: np.ndarray) -> np.ndarray:
        """BM25 idf (always positive) for the given term ids."""
        n = len(self._docs)
        df = self._df[term_ids]
        return np.log1p((n - df + 0.5) / (df + 0.5))

    def df(self, term_ids: np.ndarray) -> np.ndarray:
        return self._df[term_ids]

    def tf_part(self, tf: np.ndarray, length: float) -> np.ndarray:
        """BM25's saturated, length-normalised term frequency."""
        norm = self.k1 * (1 - self.b + self.b * length / self.avgdl)
        return tf * (self.k1 + 1) / (tf + norm)

    def scores(self, term_ids: np.ndarray, weights: np.ndarray) -> Scores:
        """Score every live document (ids and scores as parallel arrays)."""
        self._flush()
        out_ids: list[np.ndarray] = []
        out_scores: list[np.ndarray] = []
        full: dict[int, np.ndarray] = {}
        for seg in self._segments:
            known = term_ids < seg.matrix.shape[0]
            rows = seg.matrix[term_ids[known]]
            scores = rows.T @ weights[known].astype(np.float32)
            full[id(seg)] = scores
            if seg.dead:
                out_ids.append(seg.ids[seg.alive])
                out_scores.append(scores[seg.alive])
            else:
                out_ids.append(seg.ids)
                out_scores.append(scores)
        if not out_ids:
            return Scores(np.empty(0, dtype=object), np.empty(0, dtype=np.float32), full,
                          self._where)
        return Scores(np.concatenate(out_ids), np.concatenate(out_scores), full, self._where)

    def _term_id(self, term: str) -> int:
        tid = self.vocab.get(term)
        if tid is None:
            tid = len(self.terms)
            self.vocab[term] = tid
            self.terms.append(term)
            if tid >= len(self._df):
                self._df = np.concatenate([self._df, np.zeros_like(self._df)])
        return tid

    def _flush(self) -> None:
        """Move pending documents into a segment and merge segments when due."""
        if self._pending:
            self._segments.append(self._build(list(self._pending)))
            self._pending.clear()
            while len(self._segments) > 1 and self._segments[-1].live * 2 >= self._segments[-2].live:
                last, prev = self._segments.pop(), self._segments.pop()
                self._segments.append(self._build(self._live_ids(prev) + self._live_ids(last)))
        dead = sum(seg.dead for seg in self._segments)
        if dead and dead * 4 >= len(self._docs):
            ids = [i for seg in self._segments for i in self._live_ids(seg)]
            self._segments = [self._build(ids)] if ids else []

    @staticmethod
    def _live_ids(seg: _Segment) -> list[Hashable]:
        return list(seg.ids[seg.alive]) if seg.dead else list(seg.ids)

    def _build(self, ids: list[Hashable]) -> _Segment:
        docs = [self._docs[i] for i in ids]
        n = len(docs)
        sizes = np.fromiter((len(d.ids) for d in docs), dtype=np.int64, count=n)
        lengths = np.fromiter((d.length for d in docs), dtype=np.float64, count=n)
        if n:
            rows = np.concatenate([d.ids for d in docs])
            tf = np.concatenate([d.tf for d in docs])
        else:
            rows = np.empty(0, dtype=np.int32)
            tf = np.empty(0, dtype=np.float32)
        cols = np.repeat(np.arange(n, dtype=np.int32), sizes)
        doc_norm = (self.k1 * (1 - self.b + self.b * lengths / self.avgdl)).astype(np.float32)
        data = tf * np.float32(self.k1 + 1)
        data /= tf + np.repeat(doc_norm, sizes)
        matrix = sp.csr_array((data, (rows, cols)), shape=(len(self.terms), n))
        positions = np.empty(n, dtype=object)
        positions[:] = ids
        seg = _Segment(positions, matrix, np.ones(n, dtype=bool))
        for pos, doc_id in enumerate(ids):
            self._where[doc_id] = (seg, pos)
        return seg
