"""Tests for services/history.py's windows: what the poll asks BTCTurk's history for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.history import windows
from balance_bot.btcturk.models import History
from balance_bot.services.history import SLACK, HistoryAccess, to_ms
from balance_bot.store.store import Store

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


class RecordingClient:
    """Stand in for BtcTurkClient: record the windows asked for, answer an empty history."""

    history_refused = False

    def __init__(self) -> None:
        self.asked: list[tuple[int, int]] = []

    async def get_history(self, start_ms: int, end_ms: int) -> History:
        windows(start_ms, end_ms)  # as the client does: refuses a window that ends first
        self.asked.append((start_ms, end_ms))
        return History()


async def test_a_window_is_widened_by_the_slack_either_side() -> None:
    client = RecordingClient()
    access = HistoryAccess(cast(BtcTurkClient, client), cast(Store, None))
    await access.read(T0, T0 + timedelta(minutes=1))
    assert client.asked == [(to_ms(T0 - SLACK), to_ms(T0 + timedelta(minutes=1) + SLACK))]


async def test_a_window_the_clock_stepped_back_over_reads_the_slack_around_its_end() -> None:
    client = RecordingClient()
    access = HistoryAccess(cast(BtcTurkClient, client), cast(Store, None))
    end = T0 - timedelta(hours=1)  # the start was taken before the clock stepped back
    assert await access.read(T0, end) == History()
    assert client.asked == [(to_ms(end - SLACK), to_ms(end + SLACK))]
