"""The one rounding rule of the bot, and the precisions it applies."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal

from balance_bot.btcturk.amounts import MAX_PRECISION

QUOTE_PRECISION = 2
SIGNIFICANT_PRICE_DIGITS = 4
# Wide enough for any amount `parse_decimal` accepts at any precision up to the cap.
WIDE_CONTEXT = Context(prec=120, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999)


def places(precision: int) -> int:
    """Return the decimals `precision` stands for: 0 to MAX_PRECISION."""
    return min(max(precision, 0), MAX_PRECISION)


def quantize(value: Decimal, precision: int) -> Decimal:
    """Round `value` to `precision` decimals, half to even (display and change detection)."""
    return value.quantize(Decimal(1).scaleb(-places(precision)), context=WIDE_CONTEXT)
