"""Read `/alert` arguments into an AlertSpec, and find the nearest valid form of a bad one.

    /alert <ASSET|total> <above|below> <amount>        BTC amount held; total: its value
    /alert <ASSET> amount|price <above|below> <amount>
    /alert <ASSET|total> value <above|below> <amount>
    /alert <ASSET|total> move <percent>% [<window>]    window 1h..7d, default 24h
    ... [cooldown <duration>] [urgent] [confirm]       cooldown 0..7d, default 1h

Keywords are read in both languages, in any case (core.keywords: `/alert btc altında 5`,
`/alert toplam hareket %5 24sa bekleme 6sa acil`). Amounts and percentages are read as the
chat's language writes numbers (core.typed_numbers), durations with its units
(core.durations); a number or a duration that reads two ways is refused with both readings,
never guessed, and a number typed with spaces (3 600 000) with the ways to write it. A line
at 0 that tells nothing is refused: a price is always above 0, a value is never below 0 (a
holding's value above 0 is its amount above 0, which is kept: it fires once any is held). A
refusal carries the position of the argument at fault and, when it is obvious (a misspelt
keyword, a percentage without its %, a duration without its unit), what would fix it, in the
chat's words: `suggest` applies such fixes until the arguments parse.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta

from balance_bot.core.alert_numbers import parse_amount, parse_percent
from balance_bot.core.durations import ENGLISH_UNITS, AmbiguousDuration, Units, parse_duration
from balance_bot.core.keywords import (
    asset_code,
    closest_keyword,
    fold,
    read_keyword,
    spellings,
    word,
)
from balance_bot.core.thresholds import (
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
from balance_bot.core.typed_numbers import (
    Marks,
    read_number,
    spaced_number,
    write_grouped,
    write_number,
)

MIN_WINDOW, MAX_WINDOW = timedelta(hours=1), timedelta(days=7)
MAX_COOLDOWN = timedelta(days=7)
COOLDOWN, URGENT, CONFIRM = "cooldown", "urgent", "confirm"
_DIRECTIONS = tuple(d.value for d in Direction)
_KINDS = tuple(k.value for k in Kind)
_OPTIONS = (COOLDOWN, URGENT, CONFIRM)


@dataclass(frozen=True, slots=True)
class AlertRequest:
    """A parsed `/alert`: what to watch, whether it passes quiet hours and mutes, and whether
    the owner confirmed a threshold far from the value now."""

    spec: AlertSpec
    urgent: bool = False
    confirmed: bool = False


def _asset_close(text: str, known: Collection[str], language: str) -> str | None:
    """Return the asset (or the total's word in the chat's `language`) `text` most likely
    misspells, or None."""
    total = {fold(spelling) for spelling in spellings(TOTAL)}
    assets = {asset.lower(): asset.upper() for asset in known}
    found = difflib.get_close_matches(fold(text), [*total, *assets], n=1, cutoff=0.6)
    if not found:
        return None
    return word(TOTAL, language) if found[0] in total else assets[found[0]]


def _duration(text: str, position: int, units: Units) -> timedelta | None:
    """Return a duration typed with the chat's `units`; one that reads two ways is refused."""
    try:
        return parse_duration(text, units)
    except AmbiguousDuration as ambiguous:
        raise AlertUsageError(
            Problem.AMBIGUOUS,
            f"{text[:20]} reads two ways",
            position=position,
            readings=tuple(typed for typed, _ in ambiguous.readings),
            spans=tuple(span for _, span in ambiguous.readings),
        ) from None


def _duration_fix(text: str, units: Units) -> tuple[str, ...] | None:
    """Return a duration written as a bare number of hours, with its unit."""
    cleaned = text.strip()
    hours = cleaned.isascii() and cleaned.isdigit() and 0 < int(cleaned) <= 168
    return (f"{cleaned}{units.hour}",) if hours else None


def _window(text: str, position: int, units: Units) -> timedelta:
    window = _duration(text, position, units)
    if window is None or not MIN_WINDOW <= window <= MAX_WINDOW:
        fix = _duration_fix(text, units) if window is None else None
        reason = f"a window from 1h to 7d, like 24h, not {text[:20]}"
        raise AlertUsageError(Problem.WINDOW, reason, position=position, fix=fix)
    return window


def _target(text: str, known_assets: Collection[str], language: str) -> str:
    if read_keyword(text, (TOTAL,)) is not None:
        return TOTAL
    target = asset_code(text)
    known = {asset.upper() for asset in known_assets}
    if target not in known:
        close = _asset_close(text, sorted(known), language)
        raise AlertUsageError(
            Problem.UNKNOWN_ASSET,
            f"unknown asset: {text[:20]}",
            position=0,
            fix=None if close is None else (close,),
        )
    return target


def _fix(text: str, among: Collection[str], language: str) -> tuple[str, ...] | None:
    """Return the keyword of `among` that `text` misspells, as the chat's `language` writes
    it (a Turkish chat that typed "abov" is offered "üstünde"), or None."""
    close = closest_keyword(text, among)
    return None if close is None else (word(close, language),)


def _direction(text: str, position: int, language: str) -> Direction:
    direction = read_keyword(text, _DIRECTIONS)
    if direction is not None:
        return Direction(direction)
    raise AlertUsageError(
        Problem.DIRECTION,
        f"say above or below, not {text[:20]}",
        position=position,
        fix=_fix(text, _DIRECTIONS, language),
    )


def _kind(text: str, args: Sequence[str], language: str) -> Kind | None:
    """Return the kind named by the second argument, None for a direction (the classic form)."""
    if read_keyword(text, _DIRECTIONS) is not None:
        return None
    kind = read_keyword(text, _KINDS)
    if kind is not None:
        return Kind(kind)
    close = closest_keyword(text, (*_DIRECTIONS, *_KINDS))
    fix = None if close is None else (word(close, language),)
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


def _options(args: Sequence[str], start: int, units: Units) -> _Options:
    """Read `cooldown <duration>`, `urgent` and `confirm` from `args[start:]`."""
    cooldown, urgent, confirmed, index = DEFAULT_COOLDOWN, False, False, start
    while index < len(args):
        option = read_keyword(args[index], _OPTIONS)
        if option == URGENT:
            urgent, index = True, index + 1
            continue
        if option == CONFIRM:
            confirmed, index = True, index + 1
            continue
        if option == COOLDOWN:
            if index + 1 >= len(args):
                raise AlertUsageError(
                    Problem.COOLDOWN, "say how long, like cooldown 6h", position=index
                )
            text = args[index + 1]
            duration = _duration(text, index + 1, units)
            if duration is None or duration > MAX_COOLDOWN:
                fix = _duration_fix(text, units) if duration is None else None
                raise AlertUsageError(
                    Problem.COOLDOWN,
                    f"a cooldown from 0 to 7d, like 6h, not {text[:20]}",
                    position=index + 1,
                    fix=fix,
                )
            cooldown, index = duration, index + 2
            continue
        if _is_duration(args[index], units):
            raise _usage(index, (word(COOLDOWN, units.code), args[index].strip()))
        raise _usage(index, _fix(args[index], _OPTIONS, units.code))
    return _Options(cooldown, urgent, confirmed)


def _is_duration(text: str, units: Units) -> bool:
    try:
        return parse_duration(text, units) is not None
    except AmbiguousDuration:
        return True


def parse_alert(
    args: Sequence[str],
    known_assets: Collection[str],
    *,
    marks: Marks,
    units: Units = ENGLISH_UNITS,
) -> AlertRequest:
    """Return the alert described by `args` or raise AlertUsageError with a short reason.

    Numbers are read with `marks` and durations with `units`, those of the chat's language.
    """
    args = [arg.strip() for arg in args]
    if len(args) < 3:
        raise _usage()
    kind = _kind(args[1], args, units.code)
    target = _target(args[0], known_assets, units.code)
    if kind is None:
        direction = _direction(args[1], 1, units.code)
        _whole_number(args, 2, marks)
        amount = parse_amount(args[2], direction, 2, marks)
        options = _options(args, 3, units)
        spec = _telling(AlertSpec(target, direction, amount, cooldown=options.cooldown), 2)
        return AlertRequest(spec, options.urgent, options.confirmed)
    if kind is Kind.MOVE:
        percent = parse_percent(args[2], 2, marks)
        window, rest = DEFAULT_WINDOW, 3
        if len(args) > 3 and read_keyword(args[3], _OPTIONS) is None:
            window, rest = _window(args[3], 3, units), 4
        options = _options(args, rest, units)
        spec = AlertSpec(
            target, Direction.ABOVE, percent, kind, window=window, cooldown=options.cooldown
        )
        return AlertRequest(spec, options.urgent, options.confirmed)
    if target == TOTAL and kind is not Kind.VALUE:
        raise AlertUsageError(
            Problem.TOTAL_KIND,
            "the total has a value, not a price",
            position=1,
            fix=(word(Kind.VALUE.value, units.code),),
        )
    if len(args) < 4:
        raise _usage()
    direction = _direction(args[2], 2, units.code)
    _whole_number(args, 3, marks)
    amount = parse_amount(args[3], direction, 3, marks)
    options = _options(args, 4, units)
    spec = _telling(AlertSpec(target, direction, amount, kind, cooldown=options.cooldown), 3)
    return AlertRequest(spec, options.urgent, options.confirmed)


def parse_alert_args(
    args: Sequence[str],
    known_assets: Collection[str],
    *,
    marks: Marks,
    units: Units = ENGLISH_UNITS,
) -> AlertSpec:
    """Return the alert described by `args` (see parse_alert) or raise AlertUsageError."""
    return parse_alert(args, known_assets, marks=marks, units=units).spec


def suggest(
    args: Sequence[str],
    known_assets: Collection[str],
    *,
    marks: Marks,
    units: Units = ENGLISH_UNITS,
) -> list[str] | None:
    """Return the nearest valid form of refused arguments, or None when none is obvious."""
    current = [arg.strip() for arg in args]
    for _ in range(len(current) + 1):
        try:
            parse_alert(current, known_assets, marks=marks, units=units)
        except AlertUsageError as error:
            if error.position is None or error.fix is None:
                return None
            position = error.position
            current = [*current[:position], *error.fix, *current[position + error.width :]]
            continue
        return current if current != [arg.strip() for arg in args] else None
    return None
