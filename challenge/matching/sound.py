"""Sound-alike folding for Chinese: most misspellings of a technical term are homophones picked
from the input method's list (溶喷布 for 熔喷布, 驻级 for 驻极, 碳先维 for 碳纤维), so two texts
that read the same should still meet.

Each Chinese character maps to its toneless pinyin (pypinyin's most common reading, looked
up once per character); `fold_sound` writes each syllable as one private-use character, so
edit-distance scorers compare syllable by syllable exactly as they compare characters.
"""

from __future__ import annotations

from functools import cache

from pypinyin import Style, lazy_pinyin

_CODES: dict[str, str] = {}
_PUA = 0xE000  # Unicode private-use area: never in real text after NFKC folding of our inputs


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@cache
def syllable(ch: str) -> str:
    """The toneless pinyin of one Chinese character ("熔" → "rong"); other characters as given."""
    if not _is_cjk(ch):
        return ch
    return lazy_pinyin(ch, style=Style.NORMAL)[0]


@cache
def _code(ch: str) -> str:
    if not _is_cjk(ch):
        return ch
    syl = syllable(ch)
    code = _CODES.get(syl)
    if code is None:
        code = _CODES[syl] = chr(_PUA + len(_CODES))
    return code


def fold_sound(text: str) -> str:
    """*text* with every Chinese character replaced by a code for its syllable: 溶喷布 and
    熔喷布 fold to the same string."""
    return "".join(map(_code, text))

