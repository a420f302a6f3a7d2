"""Money is integer 分 in the database and 万元 on screen; Decimal in between, never float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 元 = 1,000,000 分


class MoneyError(ValueError):
    pass


def parse_wan(text: str | Decimal | int) -> int:
    """Parse an amount in 万元 into 分; at most 6 decimals, so nothing is rounded away."""
    raw = str(text).strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise MoneyError("请输入数字（单位：万元）") from None
    if not value.is_finite():
        raise MoneyError("请输入数字（单位：万元）")
    fen = value * FEN_PER_WAN
    if fen != fen.to_integral_value():
        raise MoneyError("金额最多精确到分（万元后六位小数）")
    return int(fen)


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


def wan_input(fen: int | None) -> str:
    """The value to put back into a form field."""
    if fen is None:
        return ""
    text = format(fen_to_wan(fen), "f")
    return text
