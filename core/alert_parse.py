"""Read `/alert` arguments into an AlertSpec, and find the nearest valid form of a bad one.

    /alert <ASSET|total> <above|below> <amount>        BTC amount held; total: its value
    /alert <ASSET> amount|price <above|below> <amount>
    /alert <ASSET|total> value <above|below> <amount>
    /alert <ASSET|total> move <percent>% [<window>]    window 1h..7d, default 24h
    ... [cooldown <duration>] [urgent] [confirm]       cooldown 0..7d, default 1h

Keywords are English and case-insensitive, as the commands are (urgent and confirm also
have their Turkish words, acil and onayla). Amounts and percentages are read as the chat's
language writes numbers (core.typed_numbers); one that reads two ways is refused with both
readings, never guessed, and one typed with spaces (3 600 000) with the ways to write it. A
line at 0 that tells nothing is refused: a price is always above 0, a value is never below 0
(a holding's value above 0 is its amount above 0, which is kept: it fires once any is held).
A refusal carries the position of the argument at fault and, when it
is obvious (a misspelt keyword, a percentage without its %, a duration without its unit), what
would fix it: `suggest` applies such fixes until the arguments parse.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta

from core.alert_numbers import parse_amount, parse_percent
from core.thresholds import (
    DEFAULT_COOLDOWN,
    DEFAULT_WINDOW,
    TOTAL,
    USAGE,
    AlertSpec,
    AlertUsageError,
    Direction,
    Kind,
    Problem,
)
from core.typed_numbers import Marks, read_number, spaced_number, write_grouped, write_number

MIN_WINDOW, MAX_WINDOW = timedelta(hours=1), timedelta(days=7)
MAX_COOLDOWN = timedelta(days=7)
COOLDOWN_WORD = "cooldown"
URGENT_WORDS = ("urgent", "acil")
CONFIRM_WORDS = ("confirm", "onayla")
_DIRECTIONS = tuple(d.value for d in Direction)
_KINDS = tuple(k.value for k in Kind)
_OPTIONS = (COOLDOWN_WORD, *URGENT_WORDS, *CONFIRM_WORDS)
_UNITS = {"m": timedelta(minutes=1), "min": timedelta(minutes=1), "h": timedelta(hours=1)}
_UNITS |= {"d": timedelta(days=1), "w": timedelta(weeks=1)}
_DURATION = re.compile(r"([0-9]{1,5})(m|min|h|d|w)")


@dataclass(frozen=True, slots=True)
class AlertRequest:
    """A parsed `/alert`: what to watch, whether it passes quiet hours and mutes, and whether
    the owner confirmed a threshold far from the value now."""

    spec: AlertSpec
    urgent: bool = False
    confirmed: bool = False


def _closest(word: str, choices: Sequence[str]) -> str | None:
    """Return the choice `word` most likely misspells, or None."""
    found = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.6)
    return found[0] if found else None


def parse_duration(text: str) -> timedelta | None:
    """Return a duration written 30m, 6h, 1d or 1w (or 0), or None."""
    cleaned = text.strip().lower()
    if cleaned == "0":
        return timedelta(0)
    match = _DURATION.fullmatch(cleaned)
    if match is None:
        return None
    return int(match.group(1)) * _UNITS[match.group(2)]


def typed_duration(span: timedelta) -> str:
    """Return a duration as the command takes it: 24h (up to two days), 7d, 30m, 0."""
    minutes = int(span.total_seconds() // 60)
    if minutes <= 0:
        return "0"
    if minutes % (24 * 60) == 0 and minutes > 48 * 60:
        return f"{minutes // (24 * 60)}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def _duration_fix(text: str) -> tuple[str, ...] | None:
    """Return a duration written as a bare number of hours, with its unit."""
    cleaned = text.strip()
    hours = cleaned.isascii() and cleaned.isdigit() and 0 < int(cleaned) <= 168
    return (f"{cleaned}h",) if hours else None


def _window(text: str, position: int) -> timedelta:
    window = parse_duration(text)
    if window is None or not MIN_WINDOW <= window <= MAX_WINDOW:
        fix = _duration_fix(text) if window is None else None
        reason = f"a window from 1h to 7d, like 24h, not {text[:20]}"
        raise AlertUsageError(Problem.WINDOW, reason, position=position, fix=fix)
    return window


def _target(text: str, known_assets: Collection[str]) -> str:
    if text.lower() == TOTAL:
        return TOTAL
    target = text.upper()
    known = {asset.upper() for asset in known_assets}
    if target not in known:
        close = _closest(text, [TOTAL, *sorted(a.lower() for a in known)])
        raise AlertUsageError(
            Problem.UNKNOWN_ASSET,
            f"unknown asset: {text[:20]}",
            position=0,
            fix=None if close is None else (close if close == TOTAL else close.upper(),),
        )
    return target


def _direction(text: str, position: int) -> Direction:
    try:
        return Direction(text.lower())
    except ValueError:
        close = _closest(text, _DIRECTIONS)
        raise AlertUsageError(
            Problem.DIRECTION,
            f"say above or below, not {text[:20]}",
            position=position,
            fix=None if close is None else (close,),
        ) from None


def _kind(text: str, args: Sequence[str]) -> Kind | None:
    """Return the kind named by the second argument, None for a direction (the classic form)."""
    word = text.lower()
    if word in _DIRECTIONS:
        return None
    if word in _KINDS:
        return Kind(word)
    close = _closest(text, (*_DIRECTIONS, *_KINDS))
    fix = None if close is None else (close,)
    if len(args) == 3 and (close is None or close in _DIRECTIONS):
        raise AlertUsageError(
            Problem.DIRECTION, f"say above or below, not {text[:20]}", position=1, fix=fix
        )
    raise AlertUsageError(
        Problem.KIND, f"say price, value, amount or move, not {text[:20]}", position=1, fix=fix
    )


def _whole_number(args: Sequence[str], position: int, marks: Marks) -> None:
    """Refuse a number typed with spaces between its groups, saying how to write it."""
    found = spaced_number(list(args[position:]), marks)
    if found is None:
        return
    count, value = found
    plain, grouped = write_number(value, marks), write_grouped(value, marks)
    try:
        clear = grouped != plain and read_number(grouped, marks) == value
    except ValueError:  # "3,600" in English: a question, not a way to write 3600
        clear = False
    spelled = (plain, grouped) if clear else (plain,)
    raise AlertUsageError(
        Problem.SPACED,
        f"write {' or '.join(spelled)}, without spaces",
        position=position,
        fix=(plain,),
        readings=spelled,
        width=count,
    )


def _telling(spec: AlertSpec, position: int) -> AlertSpec:
    """Return `spec` unless it is a line at 0 that tells nothing (`position`: its amount's)."""
    if spec.amount != 0 or spec.kind in (Kind.AMOUNT, Kind.MOVE):
        return spec
    if spec.kind is Kind.PRICE:
        raise AlertUsageError(Problem.ZERO_PRICE, "a price is always above 0", position=position)
    if spec.target == TOTAL:
        raise AlertUsageError(
            Problem.ZERO_TOTAL, "the portfolio's value is never below 0", position=position
        )
    raise AlertUsageError(  # the amount alert it means: without the word "value"
        Problem.ZERO_VALUE, "a value above 0 is an amount above 0", position=1, fix=()
    )


def _usage(position: int | None = None, fix: tuple[str, ...] | None = None) -> AlertUsageError:
    return AlertUsageError(Problem.USAGE, f"usage: {USAGE}", position=position, fix=fix)


@dataclass(frozen=True, slots=True)
class _Options:
    cooldown: timedelta = DEFAULT_COOLDOWN
    urgent: bool = False
    confirmed: bool = False


def _options(args: Sequence[str], start: int) -> _Options:
    """Read `cooldown <duration>`, `urgent` and `confirm` from `args[start:]`."""
    cooldown, urgent, confirmed, index = DEFAULT_COOLDOWN, False, False, start
    while index < len(args):
        word = args[index].strip().lower()
        if word in URGENT_WORDS:
            urgent, index = True, index + 1
            continue
        if word in CONFIRM_WORDS:
            confirmed, index = True, index + 1
            continue
        if word == COOLDOWN_WORD:
            if index + 1 >= len(args):
                raise AlertUsageError(
                    Problem.COOLDOWN, "say how long, like cooldown 6h", position=index
                )
            text = args[index + 1]
            duration = parse_duration(text)
            if duration is None or duration > MAX_COOLDOWN:
                fix = _duration_fix(text) if duration is None else None
                raise AlertUsageError(
                    Problem.COOLDOWN,
                    f"a cooldown from 0 to 7d, like 6h, not {text[:20]}",
                    position=index + 1,
                    fix=fix,
                )
            cooldown, index = duration, index + 2
            continue
        if parse_duration(word) is not None:
            raise _usage(index, (COOLDOWN_WORD, args[index].strip()))
        close = _closest(word, _OPTIONS)
        raise _usage(index, None if close is None else (close,))
    return _Options(cooldown, urgent, confirmed)


def parse_alert(
    args: Sequence[str], known_assets: Collection[str], *, marks: Marks
) -> AlertRequest:
    """Return the alert described by `args` or raise AlertUsageError with a short reason.

    Numbers are read with `marks`, those of the chat's language.
    """
    args = [arg.strip() for arg in args]
    if len(args) < 3:
        raise _usage()
    kind = _kind(args[1], args)
    target = _target(args[0], known_assets)
    if kind is None:
        direction = _direction(args[1], 1)
        _whole_number(args, 2, marks)
        amount = parse_amount(args[2], direction, 2, marks)
        options = _options(args, 3)
        spec = _telling(AlertSpec(target, direction, amount, cooldown=options.cooldown), 2)
        return AlertRequest(spec, options.urgent, options.confirmed)
    if kind is Kind.MOVE:
        percent = parse_percent(args[2], 2, marks)
        window, rest = DEFAULT_WINDOW, 3
        if len(args) > 3 and args[3].lower() not in _OPTIONS:
            window, rest = _window(args[3], 3), 4
        options = _options(args, rest)
        spec = AlertSpec(
            target, Direction.ABOVE, percent, kind, window=window, cooldown=options.cooldown
        )
        return AlertRequest(spec, options.urgent, options.confirmed)
    if target == TOTAL and kind is not Kind.VALUE:
        raise AlertUsageError(
            Problem.TOTAL_KIND, "the total has a value, not a price", position=1, fix=("value",)
        )
    if len(args) < 4:
        raise _usage()
    direction = _direction(args[2], 2)
    _whole_number(args, 3, marks)
    amount = parse_amount(args[3], direction, 3, marks)
    options = _options(args, 4)
    spec = _telling(AlertSpec(target, direction, amount, kind, cooldown=options.cooldown), 3)
    return AlertRequest(spec, options.urgent, options.confirmed)


def parse_alert_args(
    args: Sequence[str], known_assets: Collection[str], *, marks: Marks
) -> AlertSpec:
    """Return the alert described by `args` (see parse_alert) or raise AlertUsageError."""
    return parse_alert(args, known_assets, marks=marks).spec


def suggest(
    args: Sequence[str], known_assets: Collection[str], *, marks: Marks
) -> list[str] | None:
    """Return the nearest valid form of refused arguments, or None when none is obvious."""
    current = [arg.strip() for arg in args]
    for _ in range(len(current) + 1):
        try:
            parse_alert(current, known_assets, marks=marks)
        except AlertUsageError as error:
            if error.position is None or error.fix is None:
                return None
            position = error.position
            current = [*current[:position], *error.fix, *current[position + error.width :]]
            continue
        return current if current != [arg.strip() for arg in args] else None
    return None
