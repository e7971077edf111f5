"""Threshold alerts: parse `/alert <ASSET|total> <above|below> <amount>` and fire on crossings.

An alert on an asset compares the quantity held; an alert on "total" compares the portfolio's
value in the quote currency. Both comparisons are strict: "above 5" is met by 5.01, not by 5,
and "below 5" by 4.99, not by 5. That is what the words say, it lets "above 0" mean "as soon as
I hold any", and it makes "below 0" impossible (so it is refused).

Alerts are edge-triggered: one message when the condition becomes true, silence while it stays
true, and the alert re-arms once it is false again. An unknown value (asset not priced, fetch
failed) changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from enum import StrEnum

from btcturk.amounts import AmountError, parse_decimal
from btcturk.parsing import CRYPTO_PRECISION
from core.valuation import Portfolio

DEFAULT_PRECISION = CRYPTO_PRECISION  # an asset the account does not list: as crypto

TOTAL = "total"
MAX_AMOUNT = Decimal("1e15")
MAX_FRACTION_DIGITS = 16
USAGE = "/alert <ASSET|total> <above|below> <amount>"

_CONTEXT = Context(prec=100)


class Direction(StrEnum):
    """Which side of the amount fires the alert."""

    ABOVE = "above"
    BELOW = "below"


class Problem(StrEnum):
    """Why a `/alert` command was refused, for callers that word it themselves."""

    USAGE = "usage"
    UNKNOWN_ASSET = "unknown_asset"
    DIRECTION = "direction"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    ZERO_BELOW = "zero_below"
    TOO_LARGE = "too_large"
    TOO_PRECISE = "too_precise"


class AlertUsageError(ValueError):
    """The arguments of `/alert` do not describe an alert."""

    def __init__(self, problem: Problem, reason: str) -> None:
        super().__init__(reason)
        self.problem = problem
        self.reason = reason


@dataclass(frozen=True, slots=True)
class AlertSpec:
    """What to watch: an upper-case asset code or TOTAL, a direction and an amount."""

    target: str
    direction: Direction
    amount: Decimal


def _exponent(amount: Decimal) -> int:
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers have an int exponent
    return exponent


def _canonical(amount: Decimal) -> Decimal:
    """Return `amount` without sign on zero, trailing zeros or a positive exponent."""
    if amount.is_zero():
        return Decimal(0)
    reduced = amount.normalize(_CONTEXT)
    if _exponent(reduced) > 0:
        reduced = reduced.quantize(Decimal(1), context=_CONTEXT)
    return reduced


def parse_amount(text: str, direction: Direction) -> Decimal:
    """Return the alert amount written in `text` or raise AlertUsageError."""
    try:
        amount = parse_decimal(text)
    except AmountError:
        raise AlertUsageError(Problem.NOT_A_NUMBER, f"not a number: {text[:20]}") from None
    if amount < 0:
        raise AlertUsageError(Problem.NEGATIVE, "the amount must not be negative")
    if amount.is_zero() and direction is Direction.BELOW:
        raise AlertUsageError(Problem.ZERO_BELOW, "nothing can fall below zero")
    if amount > MAX_AMOUNT:
        raise AlertUsageError(Problem.TOO_LARGE, "the amount is too large")
    amount = _canonical(amount)
    if -_exponent(amount) > MAX_FRACTION_DIGITS:
        raise AlertUsageError(
            Problem.TOO_PRECISE, f"at most {MAX_FRACTION_DIGITS} digits after the decimal point"
        )
    return amount


def parse_alert_args(args: Sequence[str], known_assets: Collection[str]) -> AlertSpec:
    """Return the alert described by `args` or raise AlertUsageError with a short reason."""
    if len(args) != 3:
        raise AlertUsageError(Problem.USAGE, f"usage: {USAGE}")
    target_text, direction_text, amount_text = (arg.strip() for arg in args)
    if target_text.lower() == TOTAL:
        target = TOTAL
    else:
        target = target_text.upper()
        if target not in {asset.upper() for asset in known_assets}:
            raise AlertUsageError(Problem.UNKNOWN_ASSET, f"unknown asset: {target_text[:20]}")
    try:
        direction = Direction(direction_text.lower())
    except ValueError:
        raise AlertUsageError(
            Problem.DIRECTION, f"say above or below, not {direction_text[:20]}"
        ) from None
    amount = parse_amount(amount_text, direction)
    return AlertSpec(target=target, direction=direction, amount=amount)


def is_met(direction: Direction, value: Decimal, amount: Decimal) -> bool:
    """Return True when `value` is strictly on the `direction` side of `amount`."""
    if direction is Direction.ABOVE:
        return value > amount
    return value < amount


def evaluate(
    triggered: bool, direction: Direction, value: Decimal | None, amount: Decimal
) -> tuple[bool, bool]:
    """Return (fire_now, new_triggered) for one observation of an edge-triggered alert."""
    if value is None:
        return False, triggered
    met = is_met(direction, value, amount)
    return met and not triggered, met


def initial_triggered(spec: AlertSpec, value: Decimal | None) -> bool:
    """Return the triggered flag for a new alert: True when it is already met, so it stays quiet."""
    return value is not None and is_met(spec.direction, value, spec.amount)


def observed_value(target: str, portfolio: Portfolio) -> Decimal | None:
    """Return what an alert on `target` compares: the asset's total, or the portfolio value.

    A total without prices, or without an asset that had a price before, is no true total:
    None, so the alert is not evaluated on it.
    """
    if target == TOTAL:
        return portfolio.total if portfolio.total_complete else None
    position = portfolio.position(target)
    if position is not None:
        return position.total
    return Decimal(0) if target in portfolio.known_assets else None
