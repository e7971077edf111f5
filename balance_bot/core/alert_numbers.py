"""Read the numbers of `/alert`: its amounts and percentages, within the bot's limits.

A number is read as the chat's language writes it (core.typed_numbers). One that reads two
ways is refused as Problem.AMBIGUOUS with `readings`: the argument written each way, in plain
digits the same chat reads back without doubt. An accepted number is made canonical (no
trailing zeros, no exponent), so 5, 5.0 and 5e0 are one amount.
"""

from __future__ import annotations

from decimal import Context, Decimal

from balance_bot.core.thresholds import AlertUsageError, Direction, Problem
from balance_bot.core.typed_numbers import (
    AmbiguousNumber,
    Marks,
    NotANumber,
    read_number,
    write_number,
    write_percent,
)

MAX_AMOUNT = Decimal("1e15")
MAX_FRACTION_DIGITS = 16
MAX_PERCENT = Decimal(1000)
MAX_PERCENT_DIGITS = 4
_CONTEXT = Context(prec=100)


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


def _read(text: str, marks: Marks, position: int, layout: str = "{}") -> Decimal:
    """Return the number typed as `text`; an ambiguous one is refused with both readings.

    `layout` puts a reading back into its argument (a percentage keeps its sign: "{}%").
    """
    try:
        return read_number(text, marks)
    except AmbiguousNumber as ambiguous:
        readings = tuple(
            layout.format(write_number(_canonical(value), marks)) for value in ambiguous.readings
        )
        raise AlertUsageError(
            Problem.AMBIGUOUS,
            f"{text[:20]} reads two ways: {' or '.join(readings)}",
            position=position,
            readings=readings,
        ) from None


def parse_amount(text: str, direction: Direction, position: int, marks: Marks) -> Decimal:
    """Return the alert amount written in `text` or raise AlertUsageError."""
    try:
        amount = _read(text, marks, position)
    except NotANumber:
        raise AlertUsageError(
            Problem.NOT_A_NUMBER, f"not a number: {text[:20]}", position=position
        ) from None
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


def parse_percent(text: str, position: int, marks: Marks) -> Decimal:
    """Return a percentage written 5%, %5 or 5,5% (0 < p <= 1000) or raise AlertUsageError."""
    stripped = text.strip()
    number, layout = None, "{}"
    if stripped.endswith("%"):
        number, layout = stripped.removesuffix("%"), "{}%"
    elif stripped.startswith("%"):
        number, layout = stripped[1:], "%{}"
    value: Decimal | None
    try:
        value = _read(stripped if number is None else number, marks, position, layout)
    except NotANumber:
        value = None
    except AlertUsageError:  # ambiguous
        if number is not None:
            raise
        value = None
    if number is None:
        fix = (write_percent(stripped, marks),) if value is not None and value > 0 else None
        reason = f"a percentage, like 5%, not {text[:20]}"
        raise AlertUsageError(Problem.PERCENT, reason, position=position, fix=fix)
    if value is None or not 0 < value <= MAX_PERCENT:
        raise AlertUsageError(
            Problem.PERCENT, f"a percentage above 0 and at most {MAX_PERCENT}%", position=position
        )
    value = _canonical(value)
    if -_exponent(value) > MAX_PERCENT_DIGITS:
        raise AlertUsageError(Problem.PERCENT, "at most 4 digits after the decimal point")
    return value
