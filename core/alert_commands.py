"""Commands offered to the owner: an alert typed back, the readings of an ambiguous number,
the buttons that send them, and /unalert's arguments.

`typed_args` is the inverse of `parse_alert`: the arguments that describe a request, numbers
in plain digits (never grouped, so never ambiguous). A button that sets an alert carries
those arguments in English marks ("alert:BTC price above 3.6 confirm"); a press runs them
as the command they are, so a forged button can do no more than a typed command.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Literal

from core.alert_parse import (
    CONFIRM_WORDS,
    COOLDOWN_WORD,
    URGENT_WORDS,
    AlertRequest,
    parse_alert,
    suggest,
    typed_duration,
)
from core.thresholds import DEFAULT_COOLDOWN, TOTAL, AlertUsageError, Kind
from core.typed_numbers import ENGLISH, Marks, write_number

ALERT_BUTTON_PREFIX = "alert:"
BUTTON_MARKS = ENGLISH  # how numbers are written in a button's data
MAX_DATA_BYTES = 64  # Telegram's limit for callback_data
MAX_UNALERT_IDS = 50
ALL_WORDS = ("all", "hepsi")
_ID = re.compile(r"#?([0-9]{1,9})")


def typed_args(request: AlertRequest, marks: Marks) -> list[str]:
    """Return the /alert arguments of `request`: BTC price above 3.6 cooldown 6h urgent."""
    spec = request.spec
    amount = write_number(spec.amount, marks)
    target = spec.target
    if spec.kind is Kind.MOVE:
        args = [target, Kind.MOVE.value, f"{amount}%", typed_duration(spec.move_window)]
    elif spec.kind is Kind.AMOUNT or spec.target == TOTAL:
        args = [target, spec.direction.value, amount]
    else:
        args = [target, spec.kind.value, spec.direction.value, amount]
    if spec.cooldown != DEFAULT_COOLDOWN:
        args += [COOLDOWN_WORD, typed_duration(spec.cooldown)]
    if request.urgent:
        args.append(URGENT_WORDS[0])
    if request.confirmed:
        args.append(CONFIRM_WORDS[0])
    return args


def button_data(request: AlertRequest) -> str | None:
    """Return the data of a button that sets `request`, or None when it would not fit."""
    args = typed_args(request, BUTTON_MARKS)
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
    if len(words) == 1 and words[0].lower() in ALL_WORDS:
        return "all"
    if not 0 < len(words) <= MAX_UNALERT_IDS:
        raise ValueError("say which alerts: their numbers, or all")
    ids: list[int] = []
    for word in words:
        match = _ID.fullmatch(word)
        if match is None:
            raise ValueError(f"not an alert number: {word[:20]}")
        if int(match.group(1)) not in ids:
            ids.append(int(match.group(1)))
    return ids


def readings(
    args: Sequence[str], error: AlertUsageError, known_assets: Collection[str], *, marks: Marks
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
            parse_alert(current, known_assets, marks=marks)
        except AlertUsageError:
            fixed = suggest(current, known_assets, marks=marks)
            if fixed is None:
                continue
            current = fixed
        found.append((reading, [arg.strip() for arg in current]))
    return found
