"""Money is integer 分 in the database and 万元 on screen; Decimal in between, never float.
Shares and rates are integer basis points (100 % = SHARE_TOTAL); a share of an amount is
rounded down to the 分."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from flask_babel import lazy_gettext as _l

FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 元 = 1,000,000 分
MAX_WAN = 1_000_000  # 100 亿元: beyond any 榜, and far inside a BIGINT of 分
MAX_FEN = MAX_WAN * FEN_PER_WAN
SHARE_TOTAL = 10_000  # basis points: 100 % = 10,000 (milestone shares, the subsidy rate)
BP_PER_PERCENT = SHARE_TOTAL // 100
_LONGEST = 40  # characters: "1,000,000.000000" with room for spaces and separators


class MoneyError(ValueError):
    pass


def parse_wan(text: str | Decimal | int, minimum_fen: int = 0, maximum_fen: int = MAX_FEN) -> int:
    """An amount in 万元 as exact integer 分 (at most 6 decimals: nothing is rounded away),
    within [minimum_fen, maximum_fen]; anything else is a MoneyError saying what is wrong.
    Decimal throughout: '1e309', 'inf', 'nan' and '9e999999' are refused, never overflow."""
    raw = str(text).strip().replace(",", "").replace("，", "")
    if len(raw) > _LONGEST:
        raise MoneyError(_l("金额超出合理范围（最多 1,000,000 万元）。"))
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise MoneyError(_l("请输入数字（单位：万元）")) from None
    if not value.is_finite():
        raise MoneyError(_l("请输入数字（单位：万元）"))
    if value < Decimal(minimum_fen) / FEN_PER_WAN:
        raise MoneyError(_l("金额必须大于 0。") if minimum_fen > 0 else _l("金额不能为负数。"))
    if value > Decimal(maximum_fen) / FEN_PER_WAN:
        raise MoneyError(_l("金额超出合理范围（最多 1,000,000 万元）。"))
    with localcontext(prec=2 * _LONGEST):  # exact: no digit of the typed text rounded away
        fen_exact = value * FEN_PER_WAN
    if fen_exact != fen_exact.to_integral_value():
        raise MoneyError(_l("金额最多精确到分（万元后六位小数）"))
    return int(fen_exact)


def fen_to_wan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_WAN).normalize()


def format_wan(fen: int | None, places: int = 2) -> str:
    """'1,234.50' style 万元 figure; more places only when needed to stay exact."""
    if fen is None:
        return "—"
    value = Decimal(fen) / FEN_PER_WAN
    shown = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if shown != value:
        shown = value.quantize(Decimal("0.000001"))
        text = f"{shown:,.6f}".rstrip("0")
        return text.rstrip(".")
    return f"{shown:,.{places}f}"


def format_money(fen: int | None, locale: str = "zh") -> str:
    """An amount shown, with its unit, as each language reads it: "12.50 万元" in Chinese, the
    whole figure in yuan in English ("CNY 125,000", cents only when there are any). Amounts
    typed stay in 万元 in both (the field's label, hint and error say "(CNY 10k)" in English),
    so what a form says about a field matches what is typed into it."""
    if fen is None:
        return "—"
    if locale != "en":
        return f"{format_wan(fen)} 万元"
    yuan = Decimal(fen) / 100
    return f"CNY {yuan:,.0f}" if yuan == yuan.to_integral_value() else f"CNY {yuan:,.2f}"


def wan_input(fen: int | None) -> str:
    """The value to put back into a form field."""
    if fen is None:
        return ""
    text = format(fen_to_wan(fen), "f")
    return text


def share_of(amount_fen, share_bp):
    """*share_bp* of *amount_fen*, rounded down to the 分 (ints, or SQL columns alike)."""
    return amount_fen * share_bp // SHARE_TOTAL


def subsidy_fen(amount_fen, rate_bp, cap_fen, least=min):
    """The government's subsidy of a contract: the rate's share of the amount, at most the cap.
    The one formula for Python values and, with a SQL *least*, for a query (Contract.subsidy_fen)."""
    return least(share_of(amount_fen, rate_bp), cap_fen)


def format_share(bp: int) -> str:
    """Basis points as a percentage without float: 3333 -> '33.33'."""
    whole, part = divmod(bp, BP_PER_PERCENT)
    return f"{whole}" if part == 0 else f"{whole}.{part:02d}".rstrip("0")
