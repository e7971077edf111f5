"""Render Decimals for people: grouped thousands, a fixed number of decimals, signs, percents."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

MAX_PRECISION = 18
QUOTE_PRECISION = 2
SIGNIFICANT_PRICE_DIGITS = 4


def quantize(value: Decimal, precision: int) -> Decimal:
    """Round `value` to `precision` decimals (half to even), the one rounding rule of the bot."""
    places = min(max(precision, 0), MAX_PRECISION)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def amount(value: Decimal, precision: int) -> str:
    """Return `value` with thousands grouped and exactly `precision` decimals: 27,223.73."""
    places = min(max(precision, 0), MAX_PRECISION)
    rounded = quantize(value, places)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:,.{places}f}"


def signed(value: Decimal, precision: int) -> str:
    """Return `value` like `amount` but always with its sign: +0.50000000, -12.00."""
    text = amount(value, precision)
    return text if text.startswith("-") else f"+{text}"


def money(value: Decimal) -> str:
    """Return a value in the quote currency with two decimals."""
    return amount(value, QUOTE_PRECISION)


def price(value: Decimal) -> str:
    """Return a price with at least two decimals and enough to show four significant digits."""
    if value == 0 or abs(value) >= 1:
        return money(value)
    digits = -value.adjusted() - 1 + SIGNIFICANT_PRICE_DIGITS
    text = amount(value, max(QUOTE_PRECISION, digits))
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.rstrip('0').ljust(QUOTE_PRECISION, '0')}"


def percent(change: Decimal) -> str:
    """Return a signed percentage with two decimals: +1.22%."""
    return f"{signed(change, 2)}%"
