"""Public indexes: experts for a need (Matcher) and needs for a solver (NeedIndex)."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable

import numpy as np
from rapidfuzz import fuzz, process

from .models import Id, Match, Need, Profile
from .normalize import normalize
from .scoring import ALPHA, SHORTLIST, SOUND_SIMILARITY, Engine, Fields, Query, pick_labels
from .sound import fold_sound
from .text import tokenize

# Field weights: what someone lists as keywords or puts in a title says most about them.
PROFILE_WEIGHTS = {"keywords": 3.0, "fields": 2.0, "works": 1.5, "bio": 1.0}
NEED_WEIGHTS = {"title": 3.0, "keywords": 3.0, "summary": 1.5, "detail": 1.0}
TITLE_WEIGHT = 0.6  # share of a search score that comes from fuzzy title similarity
TITLE_CUTOFF = 60.0


def _join(items: Iterable[str] | str) -> str:
    return items if isinstance(items, str) else "\n".join(items)


def _list(items: Iterable[str] | str) -> list[str]:
    return [items] if isinstance(items, str) else list(items)


# A profile's works each count on their own: a recent one fully, one WORK_HALF_LIFE years older
# than the profile's newest half (never below WORK_FLOOR: old expertise is not nothing). A work
# longer than WORK_LENGTH characters weighs no more in total than one of that length (its words
# spread thinner), so one long abstract cannot drown the other works, and topics repeated
# across works add up.
WORK_HALF_LIFE = 8.0
WORK_FLOOR = 0.25
WORK_LENGTH = 60
_YEAR_RE = re.compile(r"[（(]\s*((?:19|20)\d\d)\s*[)）]|(?<!\d)((?:19|20)\d\d)年")


def work_year(text: str) -> int | None:
    """The year a work gives, as the app writes it ("标题（2019）：摘要") or as "2019年"."""
    m = _YEAR_RE.search(text)
    return int(m.group(1) or m.group(2)) if m else None


def work_weights(works: list[str]) -> list[float]:
    """Relative weight of each work (see WORK_HALF_LIFE, WORK_LENGTH)."""
    years = [work_year(w) for w in works]
    newest = max((y for y in years if y is not None), default=None)
    out = []
    for text, year in zip(works, years, strict=True):
        recency = 1.0 if year is None or newest is None else max(
            WORK_FLOOR, 0.5 ** ((newest - year) / WORK_HALF_LIFE))
        length = max(1, len(text))
        out.append(recency * min(1.0, WORK_LENGTH / length))
    return out


def profile_fields(p: Profile) -> Fields:
    w = PROFILE_WEIGHTS
    works = _list(p.works)
    return [(_join(p.keywords), w["keywords"]), (_join(p.fields), w["fields"]),
            *((text, w["works"] * k) for text, k in zip(works, work_weights(works), strict=True)),
            (p.bio, w["bio"])]


def need_fields(n: Need) -> Fields:
    w = NEED_WEIGHTS
    return [(n.title, w["title"]), (_join(n.keywords), w["keywords"]),
            (n.summary, w["summary"]), (n.detail, w["detail"])]


def profile_phrases(p: Profile) -> list[str]:
    return _list(p.keywords) + _list(p.fields)


def need_phrases(n: Need) -> list[str]:
    """A need's keywords and the longer words of its title (a 榜's tags rarely name the
    technology itself, its title does)."""
    title_words = [w for w in tokenize(n.title) if len(w) >= 2]
    return list(dict.fromkeys([*_list(n.keywords), *title_words]))


class Matcher:
    """Index of expert profiles answering "who can solve this need?"."""

    def __init__(self, profiles: Iterable[Profile] = ()) -> None:
        self._engine = Engine()
        for p in profiles:
            self.add(p)

    def __len__(self) -> int:
        return len(self._engine)

    def __contains__(self, profile_id: object) -> bool:
        return profile_id in self._engine

    def add(self, profile: Profile) -> None:
        """Index a new profile; raises ValueError if its id is already indexed."""
        self._engine.add(profile.id, profile_fields(profile), profile_phrases(profile))

    def update(self, profile: Profile) -> None:
        """Replace the indexed profile with the same id; raises KeyError if there is none."""
        with self._engine.lock:
            if not self._engine.remove(profile.id):
                raise KeyError(profile.id)
            self.add(profile)

    def remove(self, profile_id: Id) -> bool:
        """Drop a profile; returns False if it was not indexed."""
        return self._engine.remove(profile_id)

    def top_experts(self, need: Need, k: int = 10, exclude: Collection[Id] = frozenset()
                    ) -> list[Match]:
        """The *k* best profiles for *need* (all of them if k <= 0), best first."""
        query = Query.from_fields(need_fields(need), need_phrases(need))
        with self._engine.lock:
            scored, vec = self._engine.rank(query, k, exclude)
            return self._engine.to_matches(scored, vec)


class NeedIndex:
    """Index of posted needs: recommendations for solvers, duplicate warnings and search."""

    def __init__(self, needs: Iterable[Need] = ()) -> None:
        self._engine = Engine()
        self._titles: dict[Id, str] = {}
        self._title_sounds: dict[Id, str] = {}  # the titles as they read (see `fold_sound`)
        self._title_tokens: dict[Id, str] = {}
        for n in needs:
            self.add(n)

    def __len__(self) -> int:
        return len(self._engine)

    def __contains__(self, need_id: object) -> bool:
        return need_id in self._engine

    def add(self, need: Need) -> None:
        """Index a new need; raises ValueError if its id is already indexed."""
        title, title_tokens = normalize(need.title), " ".join(tokenize(need.title))
        with self._engine.lock:
            self._engine.add(need.id, need_fields(need), need_phrases(need))
            self._titles[need.id] = title
            self._title_sounds[need.id] = fold_sound(title)
            self._title_tokens[need.id] = title_tokens

    def update(self, need: Need) -> None:
        """Replace the indexed need with the same id; raises KeyError if there is none."""
        with self._engine.lock:
            if not self.remove(need.id):
                raise KeyError(need.id)
            self.add(need)

    def remove(self, need_id: Id) -> bool:
        """Drop a need; returns False if it was not indexed."""
        with self._engine.lock:
            if not self._engine.remove(need_id):
                return False
            del self._titles[need_id], self._title_tokens[need_id], self._title_sounds[need_id]
            return True

    def top_needs(self, profile: Profile, k: int = 10, exclude: Collection[Id] = frozenset()
                  ) -> list[Match]:
        """The *k* needs *profile* is best placed to solve, best first."""
        query = Query.from_fields(profile_fields(profile), profile_phrases(profile))
        with self._engine.lock:
            scored, vec = self._engine.rank(query, k, exclude)
            return self._engine.to_matches(scored, vec)

    def near_duplicates(self, need: Need, threshold: float = 60.0, k: int = 5) -> list[Match]:
        """Indexed needs (other than *need* itself) at least *threshold* similar to it, 0–100.

        Similarity blends cosine over TF-IDF features with the fuzzy overlap of the titles, so
        a reworded or reordered copy of a need is caught.
        """
        with self._engine.lock:
            return self._near_duplicates(need, threshold, k)

    def _near_duplicates(self, need: Need, threshold: float, k: int) -> list[Match]:
        engine = self._engine
        query = Query.from_fields(need_fields(need), need_phrases(need))
        scored, vec = engine.rank(query, max(50, 4 * k), exclude={need.id})
        if not scored:
            return []
        index = engine.index
        known = sorted((index.vocab[t], c) for t, c in query.counts.items() if t in index.vocab)
        q_ids = np.array([t for t, _ in known], dtype=np.int32)
        q_w = np.sqrt([c for _, c in known]) * index.idf(q_ids)
        idf_unknown = math.log1p((len(index) + 0.5) / 0.5)
        unknown = sum(c for t, c in query.counts.items() if t not in index.vocab)
        q_norm = math.sqrt(float(q_w @ q_w) + unknown * idf_unknown**2)
        title = " ".join(tokenize(need.title))
        out = []
        for s in scored:
            doc = index.doc(s.id)
            d_w = np.sqrt(doc.tf) * index.idf(doc.ids)
            common, qi, di = np.intersect1d(q_ids, doc.ids, assume_unique=True,
                                            return_indices=True)
            shared = q_w[qi] * d_w[di]
            cos = float(shared.sum()) / (q_norm * float(np.linalg.norm(d_w)) or 1.0)
            title_sim = fuzz.token_sort_ratio(title, self._title_tokens[s.id])
            score = 75.0 * cos + 0.25 * title_sim
            if score >= threshold:
                top = np.argsort(-shared, kind="stable").tolist()
                terms = pick_labels(x for x in (vec.labels.get(int(common[j])) for j in top) if x)
                out.append(Match(s.id, round(min(score, 100.0), 2), terms))
        out.sort(key=lambda m: (-m.score, str(m.id)))
        return out[:k]

    def search(self, query: str, k: int = 10) -> list[Match]:
        """Needs matching free text, tolerant of typos and segmentation ("熔喷部过滤")."""
        with self._engine.lock:
            return self._search(query, k)

    def _search(self, query: str, k: int) -> list[Match]:
        engine = self._engine
        q = Query.from_fields([(query, 1.0)])
        scored, vec = engine.rank(q, SHORTLIST)
        text = normalize(query)
        sound = fold_sound(text)
        lex = {s.id: s for s in scored if s.lex > 0}
        if len(lex) < k and text and self._titles:
            for titles, probe in ((self._titles, text), (self._title_sounds, sound)):
                for _, _, need_id in process.extract(probe, titles, scorer=fuzz.partial_ratio,
                                                     score_cutoff=TITLE_CUTOFF, limit=k):
                    lex.setdefault(need_id, None)
        results: list[tuple[float, Match]] = []
        for need_id, s in lex.items():
            # A title that only reads like the query (溶喷布 / 熔喷布) counts a little less.
            sim = max(fuzz.partial_ratio(text, self._titles[need_id]),
                      SOUND_SIMILARITY * fuzz.partial_ratio(sound, self._title_sounds[need_id])
                      ) if text else 0.0
            title_part = sim / 100 if sim >= TITLE_CUTOFF else 0.0
            raw = (s.lex if s else 0.0) + TITLE_WEIGHT * title_part
            if raw <= 0:
                continue
            score = 100.0 * (1.0 - math.exp(-ALPHA * raw))
            terms = engine.explain(s, vec) if s else []
            if title_part:
                terms.append(f"title≈{self._titles[need_id]}")
            results.append((raw, Match(need_id, round(score, 2), terms)))
        results.sort(key=lambda r: (-r[0], str(r[1].id)))
        return [m for _, m in results[:k]]
