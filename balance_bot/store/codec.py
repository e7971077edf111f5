"""How values are written to SQLite columns and read back.

- Money: TEXT holding `str(Decimal)`, exact, never REAL.
- Instants: TEXT, ISO-8601 in UTC with microseconds ("2025-01-03T01:04:17.711000+00:00").
  The width is fixed, so text order is time order and SQL can compare them directly.
- Days: TEXT, ISO-8601 date ("2025-01-03").
- Flags: INTEGER 0 or 1.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal


def money_to_db(value: Decimal) -> str:
    """Return the column text for a finite Decimal."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"not a finite Decimal: {value!r}")
    return str(value)


def money_from_db(text: str) -> Decimal:
    """Return the Decimal stored as `text`."""
    return Decimal(text)


def time_to_db(moment: datetime) -> str:
    """Return the column text for an aware datetime, in UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime: {moment!r}")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def time_from_db(text: str) -> datetime:
    """Return the aware UTC datetime stored as `text`."""
    return datetime.fromisoformat(text).astimezone(UTC)


def optional_time_from_db(text: str | None) -> datetime | None:
    """Return the datetime stored as `text`, or None for NULL."""
    return None if text is None else time_from_db(text)


def day_to_db(day: date) -> str:
    """Return the column text for a calendar day."""
    if isinstance(day, datetime):
        raise TypeError(f"a date, not a datetime: {day!r}")
    return day.isoformat()


def day_from_db(text: str) -> date:
    """Return the day stored as `text`."""
    return date.fromisoformat(text)


def optional_day_from_db(text: str | None) -> date | None:
    """Return the day stored as `text`, or None for NULL."""
    return None if text is None else day_from_db(text)
