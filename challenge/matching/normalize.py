"""Text normalisation shared by indexing and querying, so both sides compare like with like."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Anything that is not a letter, digit or CJK ideograph becomes a space; "." "+" "#" "-"
# survive because they carry meaning inside tokens such as "pm2.5", "c++" or "li-ion".
_PUNCT_RE = re.compile(r"[^\w.+#\-]+|_+")
_SPACE_RE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str | None) -> str:
    """Return *text* half-width and simplified, with its case and punctuation kept.

    NFKC folds full-width letters, digits and punctuation (ＡＩ → AI, ，→ ,); OpenCC maps
    traditional characters to simplified ones (積體電路 → 积体电路).
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _t2s().convert(text)
    return text


def clean(folded: str) -> str:
    """Lower-case *folded* text (from `fold`) and turn its punctuation into single spaces."""
    return _SPACE_RE.sub(" ", _PUNCT_RE.sub(" ", folded.lower())).strip()


def normalize(text: str | None) -> str:
    """Return *text* folded (see `fold`), lower-case, with punctuation turned into spaces."""
    return clean(fold(text))
