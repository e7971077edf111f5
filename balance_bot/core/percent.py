"""Percentages: one rule for every figure the bot shows in percent. Pure.

A change, a share or a P&L is `part / whole * 100`, divided first then scaled, in the
current decimal context. A percentage of nothing has no value: each caller says what it
shows instead (no percentage, "new", unknown), and never asks for it.
"""

from __future__ import annotations

from decimal import Decimal

HUNDRED = Decimal(100)


def percent_of(part: Decimal, whole: Decimal) -> Decimal:
    """Return `part` as a percentage of `whole`; ZeroDivisionError when `whole` is zero."""
    if whole == 0:
        raise ZeroDivisionError("a percentage of nothing")
    return part / whole * HUNDRED
