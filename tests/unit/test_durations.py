"""Durations typed in the chat's language: /mute 2s (saat) in Turkish, 2h in English, and a
unit that reads two ways asked about, never guessed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from balance_bot.core.durations import (
    ENGLISH_UNITS,
    TURKISH_UNITS,
    AmbiguousDuration,
    MuteRefused,
    Units,
    mute_duration,
    parse_duration,
    typed_duration,
)
from balance_bot.core.quiet import DEFAULT_MUTE

M, H, D = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("2s", 2 * H),
        ("2sa", 2 * H),
        ("2SA", 2 * H),
        ("2saat", 2 * H),
        ("2h", 2 * H),
        ("30dk", 30 * M),
        ("30dakika", 30 * M),
        ("30m", 30 * M),
        ("30min", 30 * M),
        ("1g", D),
        ("1gün", D),
        ("1gun", D),
        ("1GÜN", D),
        ("1hf", 7 * D),
        ("1hafta", 7 * D),
        ("1w", 7 * D),
        ("0", timedelta(0)),
    ],
)
def test_turkish_units_and_the_english_ones_that_read_one_way(text: str, span: timedelta) -> None:
    assert parse_duration(text, TURKISH_UNITS) == span


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("2h", 2 * H),
        ("2H", 2 * H),
        ("30m", 30 * M),
        ("30min", 30 * M),
        ("2d", 2 * D),
        ("1w", 7 * D),
        ("2sa", 2 * H),
        ("30dk", 30 * M),
        ("1g", D),
        ("1hf", 7 * D),
    ],
)
def test_english_units_and_the_turkish_ones_that_read_one_way(text: str, span: timedelta) -> None:
    assert parse_duration(text, ENGLISH_UNITS) == span


def test_d_in_a_turkish_chat_is_asked_about() -> None:
    with pytest.raises(AmbiguousDuration) as caught:
        parse_duration("2d", TURKISH_UNITS)
    assert caught.value.readings == (("2g", 2 * D), ("2dk", 2 * M))


@pytest.mark.parametrize("text", ["", "6", "h", "-1h", "1.5h", "²h", "2x", "2 hours ago"])
@pytest.mark.parametrize("units", [ENGLISH_UNITS, TURKISH_UNITS], ids=["en", "tr"])
def test_what_is_no_duration_is_refused(text: str, units: object) -> None:
    assert parse_duration(text, units) is None  # type: ignore[arg-type]


def test_seconds_are_no_unit_in_an_english_chat() -> None:
    assert parse_duration("6s", ENGLISH_UNITS) is None


@pytest.mark.parametrize(
    ("span", "english", "turkish"),
    [
        (24 * H, "24h", "24sa"),
        (48 * H, "48h", "48sa"),
        (72 * H, "3d", "3g"),
        (7 * D, "7d", "7g"),
        (30 * M, "30m", "30dk"),
        (timedelta(0), "0", "0"),
    ],
)
def test_typed_durations_read_back_in_their_language(
    span: timedelta, english: str, turkish: str
) -> None:
    assert (typed_duration(span, ENGLISH_UNITS), typed_duration(span, TURKISH_UNITS)) == (
        english,
        turkish,
    )
    assert parse_duration(english, ENGLISH_UNITS) == span
    assert parse_duration(turkish, TURKISH_UNITS) == span


def test_mute_durations_in_both_languages() -> None:
    assert mute_duration([], TURKISH_UNITS) == DEFAULT_MUTE == H
    assert mute_duration(["2s"], TURKISH_UNITS) == 2 * H
    assert mute_duration(["2", "sa"], TURKISH_UNITS) == 2 * H
    assert mute_duration(["30m"], ENGLISH_UNITS) == 30 * M
    assert mute_duration(["7d"], ENGLISH_UNITS) == 7 * D
    with pytest.raises(AmbiguousDuration):
        mute_duration(["1d"], TURKISH_UNITS)
    for bad in (["0m"], ["8d"], ["soon"], ["1", "h", "x"], ["-1h"], ["2s"]):
        with pytest.raises(ValueError, match=r"minute|duration|unit"):
            mute_duration(bad, ENGLISH_UNITS)


@pytest.mark.parametrize(
    ("typed", "units", "problem", "unit"),
    [
        (["2s"], ENGLISH_UNITS, "unit", "s"),  # seconds to an English reader: no unit of its
        (["2", "hours"], ENGLISH_UNITS, "unit", "hours"),
        (["2x"], TURKISH_UNITS, "unit", "x"),
        (["soon"], ENGLISH_UNITS, "form", ""),
        (["30"], TURKISH_UNITS, "form", ""),
        (["8d"], ENGLISH_UNITS, "range", ""),
        (["0"], ENGLISH_UNITS, "range", ""),
    ],
)
def test_a_refused_mute_says_why(typed: list[str], units: Units, problem: str, unit: str) -> None:
    """`/mute 2s` in an English chat got the usage line alone, not that s is no unit there."""
    with pytest.raises(MuteRefused) as refused:
        mute_duration(typed, units)
    assert (refused.value.problem, refused.value.unit) == (problem, unit)
