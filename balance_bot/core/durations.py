"""Durations as the owner types them, in the chat's language: /mute 2s, cooldown 6h, 24sa.

A duration is a whole number, then a unit (/mute also takes a space between; case and
Turkish letters do not matter: 1GÜN and 1gun are 1gün):

| means   | Turkish chat             | English chat                   |
| ------- | ------------------------ | ------------------------------ |
| minutes | dk, dakika, m, min       | m, min, dk, dakika             |
| hours   | sa, s, saat, h           | h, sa, saat                    |
| days    | g, gün                   | d, g, gün                      |
| weeks   | hf, hafta, w             | w, hf, hafta                   |

Each chat also takes the other language's units that cannot be misread. Two cannot:
`d` is a day in English and reads as dakika to a Turkish reader, so in a Turkish chat it is
asked about (AmbiguousDuration, with both readings), never guessed; `s` is saat in Turkish
and would be seconds in English, so an English chat does not take it. `0` is no time at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from balance_bot.core.keywords import fold
from balance_bot.core.quiet import DEFAULT_MUTE, MAX_MUTE

MINUTE, HOUR, DAY, WEEK = (
    timedelta(minutes=1),
    timedelta(hours=1),
    timedelta(days=1),
    timedelta(weeks=1),
)
_SHARED = {"dk": MINUTE, "dakika": MINUTE, "min": MINUTE, "m": MINUTE, "sa": HOUR, "saat": HOUR}
_SHARED |= {"h": HOUR, "g": DAY, "gun": DAY, "hf": WEEK, "hafta": WEEK, "w": WEEK}
_DURATION = re.compile(r"([0-9]{1,5})([a-z]+)")


@dataclass(frozen=True, slots=True)
class Units:
    """The units one language reads, and how it writes minutes, hours and days back."""

    code: str
    sizes: Mapping[str, timedelta]  # a unit (folded: lower case, no Turkish letters) -> size
    ambiguous: Mapping[str, tuple[str, ...]]  # a unit -> the units it may mean, in order
    minute: str
    hour: str
    day: str


ENGLISH_UNITS = Units("en", _SHARED | {"d": DAY}, {}, minute="m", hour="h", day="d")
TURKISH_UNITS = Units("tr", _SHARED | {"s": HOUR}, {"d": ("g", "dk")}, "dk", "sa", "g")
_BY_LANGUAGE = {units.code: units for units in (ENGLISH_UNITS, TURKISH_UNITS)}


class AmbiguousDuration(ValueError):
    """A duration whose unit reads two ways in this language: `readings` holds each, typed in
    an unambiguous unit, with the span it means."""

    def __init__(self, text: str, readings: Sequence[tuple[str, timedelta]]) -> None:
        super().__init__(f"{text[:20]} reads two ways")
        self.text = text
        self.readings = tuple(readings)


_REFUSALS = {
    "unit": "not a unit of this chat's language",
    "form": "not a duration such as 30m, 2h or 1d",
    "range": "a mute lasts from 1 minute to 7 days",
}


class MuteRefused(ValueError):
    """A /mute duration refused, and why: `problem` is "unit" (a number and a unit this
    language does not take, `unit`), "form" (no number and unit) or "range" (not from a
    minute to MAX_MUTE)."""

    def __init__(self, problem: str, text: str, unit: str = "") -> None:
        super().__init__(f"{text[:20]}: {_REFUSALS[problem]}")
        self.problem = problem
        self.text = text[:20]
        self.unit = unit[:10]


def duration_units(language: str) -> Units:
    """Return the units of `language` (a code the bot speaks)."""
    return _BY_LANGUAGE[language]


def parse_duration(text: str, units: Units) -> timedelta | None:
    """Return a duration written 30m, 6sa, 1g or 1w (or 0), None when it is not one.

    Raises AmbiguousDuration for a unit that reads two ways in `units`' language.
    """
    cleaned = fold(text)
    if cleaned == "0":
        return timedelta(0)
    match = _DURATION.fullmatch(cleaned)
    if match is None:
        return None
    count, unit = int(match.group(1)), match.group(2)
    meanings = units.ambiguous.get(unit)
    if meanings is not None:
        raise AmbiguousDuration(
            text.strip(),
            [(f"{count}{meaning}", count * units.sizes[meaning]) for meaning in meanings],
        )
    size = units.sizes.get(unit)
    return None if size is None else count * size


def typed_duration(span: timedelta, units: Units) -> str:
    """Return a duration as the chat types it: 24h (up to two days), 7d, 30m, 0; in a Turkish
    chat 24sa, 7g, 30dk."""
    minutes = int(span.total_seconds() // 60)
    if minutes <= 0:
        return "0"
    if minutes % (24 * 60) == 0 and minutes > 48 * 60:
        return f"{minutes // (24 * 60)}{units.day}"
    if minutes % 60 == 0:
        return f"{minutes // 60}{units.hour}"
    return f"{minutes}{units.minute}"


def mute_duration(args: Sequence[str], units: Units) -> timedelta:
    """Return the duration of /mute [30m|2h|1d] (default one hour); MuteRefused (a ValueError)
    saying why when it is no duration of `units`' language or too long, AmbiguousDuration
    when its unit reads two ways."""
    if not args:
        return DEFAULT_MUTE
    typed = "".join(args)
    duration = parse_duration(typed, units)
    if duration is None:
        match = _DURATION.fullmatch(fold(typed))
        if match is not None:  # a number and a unit, of no language the chat reads
            raise MuteRefused("unit", " ".join(args), match.group(2))
        raise MuteRefused("form", " ".join(args))
    if not timedelta(0) < duration <= MAX_MUTE:
        raise MuteRefused("range", " ".join(args))
    return duration
