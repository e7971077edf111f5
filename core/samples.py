"""Value samples over time, for move alerts: what a poll stores, and where a window starts.

Each sample is the portfolio's total (when complete) and every held, priced asset's value, at
most one every SAMPLE_EVERY, kept for SAMPLE_RETENTION. A move over a window is measured
from the newest sample at or before the window's start; a sample older than one more window
before that (the bot was down, or prices were missing) is too far off to compare with: the
move is unknown, and unknown never fires.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from core.thresholds import TOTAL
from core.valuation import Portfolio

SAMPLE_EVERY = timedelta(minutes=5)
SAMPLE_RETENTION = timedelta(days=8)
MAX_GAP_WINDOWS = 2  # the compared span may be at most this many windows


def sample_values(portfolio: Portfolio) -> dict[str, Decimal]:
    """Return what one sample stores: "total" and asset -> value in the quote currency."""
    values = {p.asset: p.value for p in portfolio.positions if p.value is not None}
    if portfolio.total_complete:
        values[TOTAL] = portfolio.total
    return values


def sample_due(last_sampled_at: datetime | None, now: datetime) -> bool:
    """Tell whether a poll at `now` stores a sample (clock stepped back: yes, it re-anchors)."""
    if last_sampled_at is None:
        return True
    return not timedelta(0) <= now - last_sampled_at < SAMPLE_EVERY


def window_start(now: datetime, window: timedelta) -> datetime:
    """Return when a window ending at `now` begins."""
    return now - window


def start_of_window(
    samples: Iterable[tuple[datetime, Decimal]], now: datetime, window: timedelta
) -> tuple[datetime, Decimal] | None:
    """Return the sample a move over `window` is measured from, or None when there is none.

    The newest sample at or before the window's start, if it is not older than
    MAX_GAP_WINDOWS windows before `now`.
    """
    start = window_start(now, window)
    earliest = now - MAX_GAP_WINDOWS * window
    candidates = [(at, value) for at, value in samples if earliest <= at <= start]
    return max(candidates, default=None, key=lambda sample: sample[0])
