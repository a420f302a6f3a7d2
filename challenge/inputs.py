"""The readers of numbers typed or sent by people: whole numbers (ids, pages, scores, sizes) as
ASCII digits within a range, decimals and percentages as finite Decimals within a range; else
None (or ValueError). Never another exception, never a number a column cannot hold. Money has
its own reader, money.parse_wan; days theirs, timeutil.parse_day.

`str.isdigit()` is not such a check: it accepts '²' and '①', which `int()` then refuses."""

import re
from decimal import Decimal, InvalidOperation

from .money import BP_PER_PERCENT, SHARE_TOTAL

MAX_ID = 2**31 - 1          # an INTEGER primary key on both databases
MAX_PAGE = 100_000          # far beyond the last page of any list (100k 榜 at 12 a page: 8,334)
_WHOLE = re.compile(r"[+-]?[0-9]{1,30}")


def parse_int(text, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """*text* as an int in [minimum, maximum], or None when it is not one."""
    if text is None:
        return None
    text = str(text).strip()
    if not _WHOLE.fullmatch(text):
        return None
    value = int(text)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        return None
    return value


def parse_id(text) -> int | None:
    """A row id: 1..MAX_ID."""
    return parse_int(text, 1, MAX_ID)


def parse_ids(values) -> list[int]:
    """The valid row ids among *values* (a getlist()), in order, each once."""
    return list(dict.fromkeys(i for i in map(parse_id, values) if i is not None))


def parse_decimal(text, minimum: int, maximum: int) -> Decimal | None:
    """A finite decimal number in [minimum, maximum] (a score, a share), or None."""
    text = str(text or "").strip()
    if not text or len(text) > 30:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and minimum <= value <= maximum else None


def percent_bp(text, minimum_bp: int = 0) -> int | None:
    """'30' or '33.33%' as basis points in [minimum_bp, SHARE_TOTAL], at most two decimals; None when
    blank; ValueError otherwise (never a Decimal signal: 'sNaN', '9e999999' are just wrong)."""
    text = str(text or "").strip().rstrip("%").strip()
    if not text:
        return None
    value = parse_decimal(text, 0, SHARE_TOTAL // BP_PER_PERCENT)
    if value is None or value * BP_PER_PERCENT != (value * BP_PER_PERCENT).to_integral_value():
        raise ValueError(text)
    bp = int(value * BP_PER_PERCENT)
    if bp < minimum_bp:
        raise ValueError(text)
    return bp


def page_number(text) -> int:
    """?page= clamped to 1..MAX_PAGE: missing or malformed is the first page, a page past the
    range is the last one we look at (an empty page, never an OFFSET the database refuses)."""
    text = str(text or "").strip()
    if re.fullmatch(r"[0-9]{1,30}", text):
        return min(max(int(text), 1), MAX_PAGE)
    return 1
