"""English words as index terms: lower-cased, stop-listed, stemmed, acronyms kept whole.

Stemming is the Snowball English ("Porter2") algorithm from `snowballstemmer`, a pure-Python
package with no data files or network use, so coatings/coating, welded/welding and
batteries/battery meet. Three small additions sit around it:

* acronyms are kept as written (lower-cased): a token with two or more capitals (LiDAR, SiC,
  PEM), a digit (5G, PM2.5) or listed in ACRONYMS (the synonym table's Latin abbreviations and a
  few more) is never stemmed, so MEMS stays "mems" rather than "mem", and a plural acronym
  (MOSFETs, LEDs) loses only its "s";
* British spellings are folded to the -ize/-yze forms the stemmer treats as one family
  (optimisation → optimization, electrolyser → electrolyzer), plus a few -our/-re words;
* agent nouns the stemmer leaves apart from their verb are joined (sensor ~ sensing,
  detector ~ detection).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import snowballstemmer

from .synonyms import SYNONYM_GROUPS

# Snowball's English stop list, plus the words every enterprise request is made of.
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before
being below between both but by can cannot could did do does doing down during each few for
from further had has have having he her here hers herself him himself his how i if in into is
it its itself let me more most my myself no nor not of off on once only or other ought our ours
ourselves out over own same she should so some such than that the their theirs them themselves
then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours yourself yourselves
also per via using based within without upon may might must shall us etc
seek seeking need needs needed looking want wish require required requires company
""".split())

_EXTRA_ACRONYMS = (
    "pem", "pemfc", "sofc", "lidar", "radar", "sonar", "mems", "sic", "gan", "gaas", "asic",
    "cmos", "ccd", "nmr", "xrd", "sem", "tem", "ftir", "uv", "nir", "gis", "gps", "gnss", "hvac",
    "bim", "ndt", "dfm", "fdm", "sla", "slm", "ebm", "lpbf", "ocr", "ros", "slam", "imu", "mpc",
    "pid", "rfid", "nfc", "lora", "ble", "uwb", "ems", "vocs", "pfas", "api", "gmp", "adc", "dac",
    "dsp", "mimo", "ofdm", "crispr", "elisa", "qpcr", "lcms", "gcms", "hplc", "ctd", "cnn", "rnn",
    "lstm", "gnn", "rul", "phm", "bms", "soc", "soh", "lfp", "nmc", "sei", "cvd", "pvd", "ald",
)


def _acronyms() -> frozenset[str]:
    listed = {v for group in SYNONYM_GROUPS for v in group
              if v.isascii() and v.isalnum() and not v.isdigit()}
    return frozenset(listed | set(_EXTRA_ACRONYMS))


ACRONYMS = _acronyms()

# British → American endings the stemmer would otherwise keep apart (…ise/…ize, …yse/…yze).
_BRITISH_RE = re.compile(r"(?<=[a-z]{2})([iy])s(e|es|ed|ing|er|ers|ation|ations)$")
_BRITISH_WORDS = {"colour": "color", "colours": "colors", "behaviour": "behavior",
                  "behaviours": "behaviors", "vapour": "vapor", "fibre": "fiber",
                  "fibres": "fibers", "centre": "center", "centres": "centers", "metre": "meter",
                  "metres": "meters", "litre": "liter", "litres": "liters", "aluminium": "aluminum",
                  "modelling": "modeling", "modelled": "modeled", "labelled": "labeled",
                  "sulphur": "sulfur", "grey": "gray"}
# Agent nouns Porter2 leaves apart from their verb family (stem → stem).
_AGENT_STEMS = {"sensor": "sens", "detector": "detect", "inhibitor": "inhibit",
                "predictor": "predict", "electrolysi": "electrolyz", "analysi": "analyz",
                "analys": "analyz", "catalysi": "catalyt", "catalyst": "catalyt"}


@lru_cache(maxsize=1)
def _stemmer() -> Any:  # snowballstemmer's EnglishStemmer (the package exports no type for it)
    return snowballstemmer.stemmer("english")


def _plural_of_capitals(word: str) -> bool:
    """MOSFETs, LEDs, LiDARs: capitals then a lower-case plural "s" (but MEMS, GAS are whole)."""
    return len(word) > 2 and word[-1] == "s" and sum(c.isupper() for c in word[:-1]) >= 2


def is_acronym(word: str, shouted: bool = False) -> bool:
    """True for a token written like an acronym: LiDAR, SiC, PEM, 5G, MOSFETs, mems.

    In *shouted* text (mostly capitals, as in an upper-case title) capitals prove nothing, so
    only digits and the ACRONYMS list count.
    """
    lower = word.lower()
    if any(c.isdigit() for c in word) or lower in ACRONYMS or lower[:-1] in ACRONYMS:
        return True
    if shouted:
        return False
    capitals = sum(c.isupper() for c in word)
    return capitals >= 2 and (not word.isupper() or len(word) <= 6)


@lru_cache(maxsize=100_000)
def analyse(word: str, shouted: bool = False) -> tuple[str | None, bool]:
    """(index term or None for a stop word, whether it is an acronym) of one Latin token.

    Cached (about 20 MB when full): the same words recur across texts, text.py asks for every
    token, and a pure-Python stem costs some 25 µs.
    """
    lower = word.lower()
    if lower in STOPWORDS:
        return None, False
    if not is_acronym(word, shouted):
        return stem(lower), False
    if lower.endswith("s") and (lower[:-1] in ACRONYMS or _plural_of_capitals(word)):
        return lower[:-1], True  # MOSFETs, LEDs, MOFs: the plural of an acronym
    return lower, True


def term(word: str, shouted: bool = False) -> str | None:
    """The index term of one Latin-script token as written, or None for a stop word.

    >>> term("Coatings"), term("LiDAR"), term("MOSFETs"), term("MEMS"), term("the")
    ('coat', 'lidar', 'mosfet', 'mems', None)
    """
    return analyse(word, shouted)[0]


def stem(lower: str) -> str:
    """Porter2 stem of a lower-case word, British spellings and agent nouns folded."""
    lower = _BRITISH_WORDS.get(lower) or _BRITISH_RE.sub(r"\1z\2", lower)
    stemmed = _stemmer().stemWord(lower)
    return _AGENT_STEMS.get(stemmed, stemmed)
