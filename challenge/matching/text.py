"""Tokenising: jieba words for Chinese, stemmed words for English, plus CJK bigrams and
English word pairs.

Words carry meaning, character bigrams survive segmentation differences and typos
(熔喷部 / 熔喷布 still share 熔喷), synonym concepts bridge abbreviations, and adjacent English
words also count as one phrase term ("machine vision", "solid-state" = "solid state"), so a
phrase outranks its words scattered over a text. Mixed text splits at the script boundary:
"基于LiDAR的点云分割" gives 基于 / lidar / 点云 / 分割 (see `english` for the English side).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from . import english
from .normalize import clean, fold
from .synonyms import canonical_terms, find_concepts

with warnings.catch_warnings():
    # jieba 0.42 imports pkg_resources, which newer setuptools flags as deprecated.
    warnings.simplefilter("ignore")
    import jieba

jieba.setLogLevel(logging.WARNING)

CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Runs of folded (case-kept) text: a CJK run, or one Latin token such as "LiDAR", "pm2.5", "c++".
_RUN_RE = re.compile(rf"[{CJK_CLASS}]+|[A-Za-z0-9]+(?:\.[0-9]+)*[+#]*")
_LONG_CAPS_RE = re.compile(r"[A-Z]{7}")
# What may stand between two English words of one phrase: spaces and at most one hyphen.
_PHRASE_GAP_RE = re.compile(r"[ \t]*-?[ \t]*")

# Feature namespaces: plain words, "~" CJK bigrams, "=" synonym concepts, "^" English pairs.
BIGRAM = "~"
CONCEPT = "="
PHRASE = "^"

# Chinese function words: neither features nor explanations (English ones: english.STOPWORDS).
STOPWORDS = frozenset({
    "的", "了", "和", "与", "及", "或", "等", "在", "对", "为", "是", "将", "把", "被", "以",
    "于", "其", "之", "并", "而", "也", "有", "中", "上", "下", "由", "从", "向", "就", "都",
    "我们", "我司", "我公司", "本公司", "公司", "希望", "需要", "目前", "进行", "通过",
    "能够", "可以", "一个", "一种", "用于", "相关", "以及", "具有", "主要", "方面",
    "问题", "要求", "如何", "其中", "已经", "这些", "这个", "该",
})


@lru_cache(maxsize=1)
def _segmenter() -> jieba.Tokenizer:
    """A private jieba tokenizer, so our extra terms never change the app's global jieba."""
    tok = jieba.Tokenizer()
    tok.initialize()
    for term in canonical_terms():
        tok.add_word(term, freq=2000)
    return tok


def cut_cjk(run: str) -> tuple[str, ...]:
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


def _shouted(folded: str, runs: list[str]) -> bool:
    """Mostly capitals with long words (an upper-case title): capitals then mark no acronym."""
    if not _LONG_CAPS_RE.search(folded):
        return False  # the common case, decided in one regex pass
    words = [r for r in runs if r[0].isascii() and any(c.isalpha() for c in r)]
    caps = [w for w in words if w.isupper()]
    return len(words) >= 4 and len(caps) > 0.6 * len(words) and any(len(w) > 6 for w in caps)


def _scan(folded: str) -> Iterator[tuple[str, str | None, str | None]]:
    """(surface, term, previous term) per run of *folded* text.

    A CJK run comes as (run, None, None). A Latin token comes as written if it is an acronym
    (LiDAR), else lower-cased, with its index term (None for a stop word) and, when it
    continues a phrase, the term of the word before it: two content words with only spaces
    or one hyphen between them (not a comma, a line break, a stop word or Chinese).
    """
    matches = list(_RUN_RE.finditer(folded))
    shouted = _shouted(folded, [m.group() for m in matches])
    prev: str | None = None
    prev_end = 0
    for m in matches:
        run = m.group()
        if not run[0].isascii():
            prev = None
            yield run, None, None
            continue
        term, acronym = english.analyse(run, shouted)
        joined = prev if prev and term and _PHRASE_GAP_RE.fullmatch(folded, prev_end, m.start()) \
            else None
        yield (run if acronym else run.lower()), term, joined
        prev = term if term and not term.isdigit() else None
        prev_end = m.end()


def tokenize(text: str | None) -> list[str]:
    """Split *text* into index words: jieba for Chinese, stemmed English (acronyms kept)."""
    words: list[str] = []
    for run, term, _ in _scan(fold(text)):
        if term is not None:
            words.append(term)
        elif not run[0].isascii():
            words.extend(w for w in cut_cjk(run) if w not in STOPWORDS)
    return words


@lru_cache(maxsize=20_000)
def _run_terms(run: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Index words and bigrams of one CJK run; bigrams touching a function word are noise.

    Cached (in bounded memory) because keywords and stock phrases recur across profiles.
    """
    content = bytearray(len(run))
    words = []
    pos = 0
    for word in cut_cjk(run):
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

    Features are words, CJK bigrams (prefixed "~"), synonym concepts (prefixed "=") and
    English word pairs (prefixed "^"); *variants* records the surface form that first
    produced each concept, English stem and pair, so explanations read as written.
    """
    folded = fold(text)
    if not folded:
        return
    get = counts.get
    prev_surface = ""
    for run, term, joined in _scan(folded):
        if term is not None:
            if term.isdigit():
                continue
            counts[term] = get(term, 0.0) + weight
            if term != run:
                variants.setdefault(term, run)
            if joined is not None:
                key = f"{PHRASE}{joined} {term}"
                counts[key] = get(key, 0.0) + weight
                variants.setdefault(key, f"{prev_surface} {run}")
            prev_surface = run
        elif run[0].isascii():
            continue
        elif len(run) == 1:
            if run not in STOPWORDS:
                counts[run] = get(run, 0.0) + weight
        else:
            words, bigrams = _run_terms(run)
            for term in words:
                counts[term] = get(term, 0.0) + weight
            for term in bigrams:
                counts[term] = get(term, 0.0) + weight
    for variant, canon in find_concepts(clean(folded)):
        key = CONCEPT + canon
        counts[key] = get(key, 0.0) + weight
        variants.setdefault(key, variant)


@dataclass(frozen=True)
class Features:
    """Index features of one text: count per feature key and the variant behind each concept."""

    counts: dict[str, float]
    variants: dict[str, str]


def features(text: str | None) -> Features:
    """Words, CJK bigrams ("~"), synonym concepts ("=") and English pairs ("^") of *text*."""
    counts: dict[str, float] = {}
    variants: dict[str, str] = {}
    add_features(text, 1.0, counts, variants)
    return Features(counts, variants)


def display(term: str) -> str:
    """Human-readable form of a feature key."""
    return term[1:] if term[:1] in (BIGRAM, CONCEPT, PHRASE) else term
