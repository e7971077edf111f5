"""The one rounding rule of the bot, and the precisions it applies."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

MAX_PRECISION = 18
QUOTE_PRECISION = 2
SIGNIFICANT_PRICE_DIGITS = 4


def quantize(value: Decimal, precision: int) -> Decimal:
    """Round `value` to `precision` decimals, half to even (display and change detection)."""
    places = min(max(precision, 0), MAX_PRECISION)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
