from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from balance_bot.core.quiet import QuietHours


def test_span_across_midnight() -> None:
    night = QuietHours.parse("23:00-08:00")

    assert night.contains(time(23, 0))
    assert night.contains(time(3, 0))
    assert not night.contains(time(8, 0))
    assert not night.contains(time(12, 0))
    assert str(night) == "23:00-08:00"


def test_span_within_a_day_and_its_end() -> None:
    lunch = QuietHours.parse("12:00 - 13:30")
    inside = datetime(2026, 11, 25, 12, 15, tzinfo=UTC)

    assert lunch.end_after(inside) == datetime(2026, 11, 25, 13, 30, tzinfo=UTC)
    assert lunch.end_after(inside.replace(hour=14)) is None


def test_end_of_a_night_is_the_next_morning() -> None:
    night = QuietHours.parse("23:00-08:00")

    assert night.end_after(datetime(2026, 11, 25, 23, 30, tzinfo=UTC)) == datetime(
        2026, 11, 26, 8, 0, tzinfo=UTC
    )
    assert night.end_after(datetime(2026, 11, 26, 2, 0, tzinfo=UTC)) == datetime(
        2026, 11, 26, 8, 0, tzinfo=UTC
    )


@pytest.mark.parametrize("text", ["", "23:00", "25:00-08:00", "08:00-08:00", "night"])
def test_malformed_spans_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="23:00-08:00"):
        QuietHours.parse(text)
