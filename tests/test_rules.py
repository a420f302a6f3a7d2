"""Small domain rules: money in 分, 统一社会信用代码, times, labels."""

from datetime import UTC, date, datetime

import pytest

from challenge.money import MoneyError, format_wan, parse_wan
from challenge.states import ChallengeState, OrgType, Role
from challenge.timeutil import end_of_local_day
from challenge.validators import is_valid_credit_code, is_valid_phone


@pytest.mark.parametrize("text,fen", [
    ("300", 300_000_000), ("85.5", 85_500_000), ("0.000001", 1), ("1,234.5", 1_234_500_000),
    (" 12 ", 12_000_000), ("0", 0),
])
def test_parse_wan_is_exact(text, fen):
    assert parse_wan(text) == fen


@pytest.mark.parametrize("text", ["abc", "", "1e", "NaN", "Infinity", "0.0000001"])
def test_parse_wan_rejects(text):
    with pytest.raises(MoneyError):
        parse_wan(text)


@pytest.mark.parametrize("fen,shown", [
    (300_000_000, "300.00"), (85_500_000, "85.50"), (1_234_500_000, "1,234.50"), (1, "0.000001"),
    (None, "—"),
])
def test_format_wan(fen, shown):
    assert format_wan(fen) == shown


def test_no_float_rounding_on_sum():
    assert sum(parse_wan(x) for x in ["0.1", "0.2"]) == parse_wan("0.3")


@pytest.mark.parametrize("code,ok", [
    ("91350100M000100Y43", True), ("91350100M000100Y44", False), ("9135010", False),
    ("91350100M000100YI3", False), ("91350100m000100y43", True),
])
def test_credit_code_checksum(code, ok):
    assert is_valid_credit_code(code) is ok


@pytest.mark.parametrize("phone,ok", [
    ("13812345678", True), ("0512-66881234", True), ("021-12345678-123", True), ("12345", False),
    ("23812345678", False),
])
def test_phone(phone, ok):
    assert is_valid_phone(phone) is ok


def test_deadline_is_end_of_shanghai_day_in_utc():
    assert end_of_local_day(date(2026, 12, 31)) == datetime(2026, 12, 31, 15, 59, 59,
                                                            tzinfo=UTC)


def test_labels_do_not_collide_across_enums():
    assert Role.ENTERPRISE.label == "发榜方（企业）" and OrgType.ENTERPRISE.label == "企业"
    assert ChallengeState.UNCLAIMED.label == "流榜"
