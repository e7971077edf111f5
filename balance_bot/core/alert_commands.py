"""Commands offered to the owner: an alert typed back, the readings of an ambiguous number,
the buttons that send them, and /unalert's arguments.

`typed_args` is the inverse of `parse_alert`: the arguments that describe a request, in the
chat's words and units, numbers in plain digits (never grouped, so never ambiguous). A button
that sets an alert carries those arguments in English ("alert:BTC price above 3.6
confirm"); a press runs them as the command they are, so a forged button can do no more
than a typed command.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Literal

from balance_bot.core.alert_parse import (
    CONFIRM,
    COOLDOWN,
    URGENT,
    AlertRequest,
    parse_alert,
    suggest,
)
from balance_bot.core.durations import ENGLISH_UNITS, Units, typed_duration
from balance_bot.core.keywords import read_keyword, word
from balance_bot.core.thresholds import DEFAULT_COOLDOWN, TOTAL, AlertUsageError, Kind
from balance_bot.core.typed_numbers import ENGLISH, Marks, write_number, write_percent

ALERT_BUTTON_PREFIX = "alert:"
BUTTON_MARKS = ENGLISH  # how numbers are written in a button's data
BUTTON_UNITS = ENGLISH_UNITS  # and durations, and keywords
MAX_DATA_BYTES = 64  # Telegram's limit for callback_data
MAX_UNALERT_IDS = 50
_ID = re.compile(r"#?([0-9]{1,9})")


def typed_args(request: AlertRequest, marks: Marks, units: Units = ENGLISH_UNITS) -> list[str]:
    """Return the /alert arguments of `request`: BTC price above 3.6 cooldown 6h urgent; with
    Turkish `units`, in Turkish words: BTC fiyat üstünde 3,6 bekleme 6sa acil."""
    spec, language = request.spec, units.code
    amount = write_number(spec.amount, marks)
    target = word(TOTAL, language) if spec.target == TOTAL else spec.target
    move = word(Kind.MOVE.value, language)
    if spec.kind is Kind.MOVE:
        args = [target, move, write_percent(amount, marks), typed_duration(spec.move_window, units)]
    elif spec.kind is Kind.AMOUNT or spec.target == TOTAL:
        args = [target, word(spec.direction.value, language), amount]
    else:
        kind, direction = word(spec.kind.value, language), word(spec.direction.value, language)
        args = [target, kind, direction, amount]
    if spec.cooldown != DEFAULT_COOLDOWN:
        args += [word(COOLDOWN, language), typed_duration(spec.cooldown, units)]
    if request.urgent:
        args.append(word(URGENT, language))
    if request.confirmed:
        args.append(word(CONFIRM, language))
    return args


def button_data(request: AlertRequest) -> str | None:
    """Return the data of a button that sets `request`, or None when it would not fit."""
    args = typed_args(request, BUTTON_MARKS, BUTTON_UNITS)
    data = ALERT_BUTTON_PREFIX + " ".join(args)
    return data if len(data.encode()) <= MAX_DATA_BYTES else None


def button_args(data: str) -> list[str]:
    """Return the /alert arguments a button's data carries (none for data it does not)."""
    if not data.startswith(ALERT_BUTTON_PREFIX):
        return []
    return data.removeprefix(ALERT_BUTTON_PREFIX).split()


def parse_unalert_args(args: Sequence[str]) -> list[int] | Literal["all"]:
    """Return the ids `/unalert 2 5 #7` names (in order, once each), or "all"; else ValueError."""
    words = " ".join(args).replace(",", " ").split()
    if len(words) == 1 and read_keyword(words[0], ("all",)) is not None:
        return "all"
    if not 0 < len(words) <= MAX_UNALERT_IDS:
        raise ValueError("say which alerts: their numbers, or all")
    ids: list[int] = []
    for typed in words:
        match = _ID.fullmatch(typed)
        if match is None:
            raise ValueError(f"not an alert number: {typed[:20]}")
        if int(match.group(1)) not in ids:
            ids.append(int(match.group(1)))
    return ids


def readings(
    args: Sequence[str],
    error: AlertUsageError,
    known_assets: Collection[str],
    *,
    marks: Marks,
    units: Units = ENGLISH_UNITS,
) -> list[tuple[str, list[str]]]:
    """Return, for an ambiguous number, each reading and the valid command that says it.

    A reading that makes no valid alert, even with the obvious fixes, is left out.
    """
    if error.position is None:
        return []
    found = []
    for reading in error.readings:
        current = [*args[: error.position], reading, *args[error.position + 1 :]]
        try:
            parse_alert(current, known_assets, marks=marks, units=units)
        except AlertUsageError:
            fixed = suggest(current, known_assets, marks=marks, units=units)
            if fixed is None:
                continue
            current = fixed
        found.append((reading, [arg.strip() for arg in current]))
    return found
