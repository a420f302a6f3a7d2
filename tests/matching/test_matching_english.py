"""English-aware matching: stemming, stop words, acronyms, phrases and mixed Chinese–English.

Expected tokens are written by hand (Snowball English stems: "coatings" → "coat"). The ranking
tests run each pool twice: with the real tokeniser the right expert comes first, and with
stemming (or phrases) switched off the same pool ranks a distractor first, so the tests can
fail and show what the feature is for.
"""

import re

import pytest

from challenge.matching import Matcher, Need, Profile, english, text, tokenize
from challenge.matching.text import features


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # inflections and derivations meet
        ("coatings", ["coat"]),
        ("coating", ["coat"]),
        ("Welded pipelines", ["weld", "pipelin"]),
        ("welding pipeline", ["weld", "pipelin"]),
        ("Batteries", ["batteri"]),
        ("sensing sensors sensor", ["sens", "sens", "sens"]),
        ("detectors for detection", ["detect", "detect"]),
        # British and American spellings
        ("optimisation optimization", ["optim", "optim"]),
        ("electrolysers electrolyzer", ["electrolyz", "electrolyz"]),
        ("aluminium aluminum", ["aluminum", "aluminum"]),
        # stop words and request words dropped
        ("We are looking for a partner to improve the yield of our line",
         ["partner", "improv", "yield", "line"]),
        ("the of and with", []),
        # acronyms kept as units, not stemmed
        ("LiDAR", ["lidar"]),
        ("PEM electrolysis", ["pem", "electrolyz"]),
        ("SiC MOSFETs", ["sic", "mosfet"]),
        ("5G networks", ["5g", "network"]),
        ("MEMS gyroscopes", ["mems", "gyroscop"]),
        ("mems", ["mems"]),
        ("LEDs and leds", ["led", "led"]),
        ("MOFs", ["mof"]),
        ("GaN on SiC", ["gan", "sic"]),
        ("PM2.5 sensors", ["pm2.5", "sens"]),
        # an upper-case title is not a row of acronyms
        ("SOLID STATE BATTERIES FOR VEHICLES", ["solid", "state", "batteri", "vehicl"]),
        # mixed Chinese–English splits at the script boundary
        ("基于LiDAR的点云分割", ["基于", "lidar", "点云", "分割"]),
        ("PEM电解槽", ["pem", "电解槽"]),
        ("SiC功率模块封装", ["sic", "功率", "模块", "封装"]),
        ("solid-state电池", ["solid", "state", "电池"]),
        # Chinese unchanged
        ("熔喷布过滤效率提升", ["熔喷布", "过滤", "效率", "提升"]),
        ("我们的锂电池和电池管理系统", ["锂电池", "电池管理系统"]),
        ("預浸料固化工藝", ["预浸料", "固化", "工艺"]),
    ],
)
def test_tokenize(raw, expected):
    assert tokenize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "phrases"),
    [
        ("machine vision", {"^machin vision"}),
        ("solid state battery", {"^solid state", "^state batteri"}),
        ("solid-state batteries", {"^solid state", "^state batteri"}),  # hyphen = space
        ("PEM electrolysers", {"^pem electrolyz"}),
        ("Machine-vision inspection", {"^machin vision", "^vision inspect"}),
        # no phrase across a comma, a line break, a stop word, digits or Chinese
        ("machine, vision", set()),
        ("solid\nstate", set()),
        ("state of the art", set()),
        ("battery 2024 pack", set()),
        ("machine视觉vision", set()),
        ("熔喷布过滤效率", set()),
    ],
)
def test_english_word_pairs_are_phrase_features(raw, phrases):
    assert {k for k in features(raw).counts if k.startswith("^")} == phrases


def test_explanations_show_english_words_as_the_need_wrote_them():
    pool = [Profile("x", "X", [], ["LiDAR"], "Segmentation of point clouds.", [])]
    best = Matcher(pool).top_experts(Need("n", "Point-cloud segmenting with LiDARs"), k=1)[0]
    assert {"point cloud", "segmenting", "LiDARs"} <= set(best.terms)  # not stems
    assert not {"lidar", "segment", "point", "cloud"} & set(best.terms)


# -- ranking: the feature decides, and switching it off changes the winner --------------------

STEM_POOL = [
    # The right expert writes every term in another inflection than the need.
    Profile("right", "Ana Costa", ["Materials Science"], ["pipeline coating"],
            "Studies the coating of pipeline welds and corrosion at the weld joint.", []),
    # The distractor shares two words with the need exactly as written, in another sense.
    Profile("food", "Ben Evans", ["Food Science"], ["chocolate coatings"],
            "Chocolate coatings on biscuits; cocoa butter pipelines in food plants.", []),
]
STEM_NEED = Need("n", "Coatings for welded pipelines", "Our pipelines corrode at welded joints.",
                 ["coatings"])

PHRASE_POOL = [
    Profile("right", "Chloe Dubois", ["Electrochemistry"], ["battery materials"],
            "Solid state electrolytes and lithium metal.", []),
    # Same words, never as the phrase, and more of them.
    Profile("scattered", "David Weber", ["Physics"], ["solid mechanics"],
            "Electrolytes in solution; the state of matter; solid lithium salts; state theory.", []),
]
PHRASE_NEED = Need("n", "Solid-state electrolytes for lithium cells")


def _plain_english(word: str, shouted: bool = False) -> tuple[str | None, bool]:
    """Lower-cased and stop-listed, but not stemmed: the tokeniser without stemming."""
    lower = word.lower()
    return (None if lower in english.STOPWORDS else lower), False


def best(pool, need):
    return Matcher(pool).top_experts(need, k=2)[0].id


def test_english_need_finds_the_expert_through_stemming():
    assert best(STEM_POOL, STEM_NEED) == "right"


def test_without_stemming_the_same_pool_ranks_the_distractor_first(monkeypatch):
    monkeypatch.setattr(english, "analyse", _plain_english)
    assert best(STEM_POOL, STEM_NEED) == "food"


def test_english_need_finds_the_expert_through_a_phrase():
    assert best(PHRASE_POOL, PHRASE_NEED) == "right"


def test_without_phrases_the_same_pool_ranks_the_scattered_words_first(monkeypatch):
    monkeypatch.setattr(text, "_PHRASE_GAP_RE", re.compile(r"(?!)"))
    assert best(PHRASE_POOL, PHRASE_NEED) == "scattered"


def test_chinese_and_english_profiles_meet_in_a_mixed_need():
    pool = [Profile("lidar", "周宇", ["机器人"], ["LiDAR点云"], "激光雷达点云的语义分割。", []),
            Profile("pem", "王芳", ["化学工程"], ["PEM电解槽"], "质子交换膜电解水制氢。", [])]
    m = Matcher(pool)
    assert m.top_experts(Need("a", "基于LiDAR的点云分割"), k=1)[0].id == "lidar"
    assert m.top_experts(Need("b", "PEM electrolysers for hydrogen"), k=1)[0].id == "pem"


@pytest.mark.parametrize(
    ("raw", "concept"),
    [
        ("fuel cells", "=燃料电池"),  # an English plural still names the concept
        ("thermal barrier coatings", "=热障涂层"),
        ("TBC", "=热障涂层"),
        ("silicon carbide", "=碳化硅"),
        ("SiC", "=碳化硅"),
        ("MOSFETs", "=金属氧化物半导体场效应晶体管"),
        ("remaining useful life", "=剩余使用寿命"),
        ("zero liquid discharge", "=零液体排放"),
    ],
)
def test_english_terms_and_plurals_meet_their_chinese_concept(raw, concept):
    assert concept in features(raw).counts


@pytest.mark.parametrize("raw", ["fuel cellsx", "aix", "sicx", "tbcss"])
def test_a_plural_s_is_the_only_letter_a_concept_may_gain(raw):
    assert not any(k.startswith("=") for k in features(raw).counts)


def test_an_english_need_finds_a_chinese_expert_through_a_concept():
    pool = [Profile("tbc", "赵磊", ["材料科学与工程"], ["热障涂层"], "燃气轮机叶片热障涂层的剥落寿命。", []),
            Profile("food", "Ben Evans", ["Food Science"], ["chocolate"],
                    "Chocolate coatings on biscuits.", [])]  # shares one English word
    need = Need("n", "Thermal barrier coatings for turbine blades")
    assert Matcher(pool).top_experts(need, k=1)[0].id == "tbc"
