"""Read one field of an exchange answer as a number or a whole number, or None. Pure, no I/O.

Every reader of the exchange's answers (balances, tickers, the history's rows, the chart
server's candles, the feed's frames) reads its figures here, in every shape BTCTurk has sent
them: text with a dot or a comma, a JSON number (parsed as `Decimal`, never a float), an
integer. What is not a finite number within range is None: the caller decides whether the
row is skipped, the field defaulted, or the answer refused, and notes it.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from balance_bot.btcturk.amounts import MAX_DIGITS, AmountError, parse_decimal

WHOLE_DIGITS = 20  # a stamp in ms has 13, an id or a type fewer: more is garbage


def number(value: Any) -> Decimal | None:
    """Return a JSON number, an integer or a number's text (dot or comma) as a finite Decimal
    of at most MAX_DIGITS digits either side of the point; None for anything else."""
    if type(value) is str:
        try:
            return _text(value)
        except AmountError:
            return None
    if type(value) is Decimal:  # a JSON number with a point: already exact
        return value if value.is_finite() and abs(value.adjusted()) <= MAX_DIGITS else None
    if type(value) is int:  # not a bool: True is no amount
        return Decimal(value) if abs(value) < 10**MAX_DIGITS else None
    return None


def whole(value: Any) -> int | None:
    """Return a count, a stamp or a type sent as an integer, a whole JSON number or a string
    of ASCII digits; None when negative, fractional, longer than WHOLE_DIGITS, or not one."""
    if type(value) is int:
        found = value
    elif type(value) is Decimal and value.is_finite() and value == value.to_integral_value():
        if value.adjusted() >= WHOLE_DIGITS:
            return None
        found = int(value)
    elif type(value) is str and (digits := value.strip()).isascii() and digits.isdigit():
        if len(digits) > WHOLE_DIGITS:
            return None
        found = int(digits)
    else:
        return None
    return found if 0 <= found < 10**WHOLE_DIGITS else None


@functools.lru_cache(maxsize=4096)
def _text(text: str) -> Decimal:
    """Return the Decimal of a number's text (remembered: a poll reads the same ones again)."""
    return parse_decimal(text)
