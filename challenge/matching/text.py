"""Tokenising: jieba words for Chinese, plain words for Latin script, plus CJK bigrams.

Words carry meaning, character bigrams survive segmentation differences and typos
(熔喷部 / 熔喷布 still share 熔喷), and synonym concepts bridge abbreviations.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

from .normalize import normalize
from .synonyms import canonical_terms, find_concepts

with warnings.catch_warnings():
    # jieba 0.42 imports pkg_resources, which newer setuptools flags as deprecated.
    warnings.simplefilter("ignore")
    import jieba

jieba.setLogLevel(logging.WARNING)

CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(rf"[{CJK_CLASS}]+|[a-z0-9]+(?:\.[0-9]+)*[+#]*")

# Feature namespaces: plain words, "~" CJK bigrams, "=" synonym concepts.
BIGRAM = "~"
CONCEPT = "="

# Function words: neither features nor explanations.
STOPWORDS = frozenset({
    "的", "了", "和", "与", "及", "或", "等", "在", "对", "为", "是", "将", "把", "被", "以",
    "于", "其", "之", "并", "而", "也", "有", "中", "上", "下", "由", "从", "向", "就", "都",
    "我们", "我司", "我公司", "本公司", "公司", "希望", "需要", "目前", "进行", "通过",
    "能够", "可以", "一个", "一种", "用于", "相关", "以及", "具有", "主要", "方面",
    "问题", "要求", "如何", "其中", "已经", "这些", "这个", "该",
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "of",
    "on", "or", "the", "to", "with", "via", "using", "based",
})


@lru_cache(maxsize=1)
def _segmenter() -> jieba.Tokenizer:
    """A private jieba tokenizer, so our extra terms never change the app's global jieba."""
    tok = jieba.Tokenizer()
    tok.initialize()
    for term in canonical_terms():
        tok.add_word(term, freq=2000)
    return tok


def _cut(run: str) -> tuple[str, ...]:
    """Segment one CJK run into words.

    Dictionary-only segmentation shatters unknown technical terms into single characters
    (预浸料 → 预/浸/料); consecutive single non-stopword characters are joined back, a
    cheap stand-in for jieba's slower HMM new-word detection.
    """
    out: list[str] = []
    single: list[str] = []
    for word in _segmenter().lcut(run, HMM=False):
        if len(word) == 1 and word not in STOPWORDS:
            single.append(word)
            continue
        if single:
            out.append("".join(single))
            single.clear()
        out.append(word)
    if single:
        out.append("".join(single))
    return tuple(out)


def tokenize(text: str | None) -> list[str]:
    """Split *text* into normalised words: jieba for Chinese, letters/digits for the rest."""
    words: list[str] = []
    for run in _RUN_RE.findall(normalize(text)):
        if run[0].isascii():
            if run not in STOPWORDS:
                words.append(run)
        else:
            words.extend(w for w in _cut(run) if w not in STOPWORDS)
    return words


@lru_cache(maxsize=20_000)
def _run_terms(run: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Index words and bigrams of one CJK run; bigrams touching a function word are noise.

    Cached (in bounded memory) because keywords and stock phrases recur across profiles.
    """
    content = bytearray(len(run))
    words = []
    pos = 0
    for word in _cut(run):
        end = pos + len(word)
        if word not in STOPWORDS:
            content[pos:end] = b"\x01" * len(word)
            if len(word) > 1:
                words.append(word)
        pos = end
    bigrams = tuple(BIGRAM + run[i : i + 2] for i in range(len(run) - 1)
                    if content[i] and content[i + 1])
    return tuple(words), bigrams


def add_features(text: str | None, weight: float, counts: dict[str, float],
                 variants: dict[str, str]) -> None:
    """Add *weight* per occurrence of each feature of *text* to *counts*.

    Features are words, CJK bigrams (prefixed "~") and synonym concepts (prefixed "=");
    *variants* records which surface form first produced each concept.
    """
    norm = normalize(text)
    if not norm:
        return
    get = counts.get
    for run in _RUN_RE.findall(norm):
        if run[0].isascii():
            if run not in STOPWORDS and not run.isdigit():
                counts[run] = get(run, 0.0) + weight
        elif len(run) == 1:
            if run not in STOPWORDS:
                counts[run] = get(run, 0.0) + weight
        else:
            words, bigrams = _run_terms(run)
            for term in words:
                counts[term] = get(term, 0.0) + weight
            for term in bigrams:
                counts[term] = get(term, 0.0) + weight
    for variant, canon in find_concepts(norm):
        key = CONCEPT + canon
        counts[key] = get(key, 0.0) + weight
        variants.setdefault(key, variant)


@dataclass(frozen=True)
class Features:
    """Index features of one text: count per feature key and the variant behind each concept."""

    counts: dict[str, float]
    variants: dict[str, str]


def features(text: str | None) -> Features:
    """Words, CJK bigrams (prefixed "~") and synonym concepts (prefixed "=") of *text*."""
    counts: dict[str, float] = {}
    variants: dict[str, str] = {}
    add_features(text, 1.0, counts, variants)
    return Features(counts, variants)


def display(term: str) -> str:
    """Human-readable form of a feature key."""
    return term[1:] if term[:1] in (BIGRAM, CONCEPT) else term
