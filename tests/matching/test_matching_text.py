"""Normalisation and tokenising of Chinese, English, mixed and full-width text."""

import pytest

from challenge.matching import normalize, tokenize
from challenge.matching.text import features


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ""),
        (None, ""),
        ("   ", ""),
        ("ＡＩ视觉检测", "ai视觉检测"),  # full-width letters → half-width, lower case
        ("ＰＭ２．５监测", "pm2.5监测"),
        ("熔喷布，过滤效率！", "熔喷布 过滤效率"),  # full-width punctuation → space
        ("積體電路與鋰離子電池", "积体电路与锂离子电池"),  # traditional → simplified
        ("Li-ion  Battery\t(BMS)", "li-ion battery bms"),
        ("C++ 与 C# 开发", "c++ 与 c# 开发"),
        ("《熔喷布》、“驻极”", "熔喷布 驻极"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_tokenize_chinese_uses_words_not_characters():
    assert tokenize("熔喷布过滤效率提升") == ["熔喷布", "过滤", "效率", "提升"]


def test_tokenize_drops_function_words_and_punctuation():
    tokens = tokenize("我们的锂电池，和电池管理系统。")
    assert "的" not in tokens and "和" not in tokens and "我们" not in tokens
    assert "锂电池" in tokens and "，" not in tokens and "。" not in tokens


def test_tokenize_english_by_stemmed_words():
    assert tokenize("Fault diagnosis of the rolling bearing") == [
        "fault", "diagnosi", "roll", "bear"]


def test_tokenize_mixed_and_full_width():
    assert tokenize("ＡＩ视觉检测与Li-ion电池 PM2.5") == [
        "ai", "视觉检测", "li", "ion", "电池", "pm2.5"]


def test_tokenize_traditional_matches_simplified():
    assert tokenize("熔噴布過濾效率") == tokenize("熔喷布过滤效率")


@pytest.mark.parametrize("empty", ["", None, "，。！", "   "])
def test_tokenize_empty(empty):
    assert tokenize(empty) == []


def test_unknown_technical_term_stays_one_word():
    # Dictionary-only jieba would give 预/浸/料.
    assert "预浸料" in tokenize("预浸料固化工艺")


def test_features_have_words_bigrams_and_concepts():
    counts = features("芯片封装与锂电BMS").counts
    assert "芯片封装" in counts
    assert "~封装" in counts
    assert "=锂离子电池" in counts and "=电池管理系统" in counts
    assert "=封装测试" in counts


def test_bigrams_do_not_straddle_function_words():
    counts = features("风电叶片的上浆剂").counts
    assert "~叶片" in counts and "~上浆" in counts
    assert "~片的" not in counts and "~的上" not in counts


def test_latin_abbreviation_needs_word_boundaries():
    assert "=人工智能" in features("AI质检").counts
    assert "=人工智能" not in features("detail chain").counts
