"""Parse amounts written with a comma or a dot as decimal separator into `Decimal`.

The exchange writes "27223,7283250757643288" or "27223.7283250757643288": never a
thousands separator, so "1.500,5" is refused here. What the owner types, grouped the way
the chat's language prints numbers, is read by core.typed_numbers (which ends here).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
MAX_DIGITS = 40
MAX_PRECISION = 18  # the most decimals of an asset the bot reads, compares and shows


class AmountError(ValueError):
    """The text is not a plain finite number."""


def parse_decimal(text: str) -> Decimal:
    """Return the exact `Decimal` for `text`, accepting ',' or '.' as decimal separator."""
    cleaned = text.strip()
    if len(cleaned) > MAX_DIGITS + 8 or not _PLAIN_NUMBER.fullmatch(cleaned):
        raise AmountError(f"not a number: {text[:20]!r}")
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the pattern already guards this
        raise AmountError(f"not a number: {text[:20]!r}") from exc
    if not value.is_finite() or abs(value.adjusted()) > MAX_DIGITS:
        raise AmountError(f"number out of range: {text[:20]!r}")
    return value
