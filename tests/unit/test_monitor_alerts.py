"""Tests for the poll's alert part: value samples, moves over a window, cooldowns."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from core.thresholds import TOTAL, AlertSpec, Direction, Kind
from store.store import Store
from tests.kit.env import ALLOWED_CHAT
from tests.kit.monitor import Polled, polled_monitor

D = Decimal
H = timedelta(hours=1)


@pytest.fixture
async def polled(tmp_path: Path) -> AsyncIterator[Polled]:
    async with polled_monitor(tmp_path) as built:
        yield built


async def sample_count(store: Store) -> int:
    row = await store.db.run(
        lambda c: c.execute("SELECT count(DISTINCT taken_at) FROM value_samples").fetchone()
    )
    return int(row[0])


async def test_an_unchanged_account_is_sampled_every_five_minutes_without_a_new_snapshot(
    polled: Polled,
) -> None:
    await polled.monitor.poll()
    first = await polled.store.last_snapshot()
    await polled.poll_every(minutes=1, times=12)  # 12 minutes of one-minute polls

    assert await polled.store.last_snapshot() == first
    assert await sample_count(polled.store) == 3  # at 0, 5 and 10 minutes


async def test_a_move_over_the_window_fires_once_with_its_direction_and_size(
    polled: Polled,
) -> None:
    spec = AlertSpec("BTC", Direction.ABOVE, D(10), Kind.MOVE, H)
    rule = await polled.store.add_alert(ALLOWED_CHAT, spec, triggered=False)
    await polled.monitor.poll()  # BTC at 3,500,000
    await polled.poll_every(minutes=5, times=6)
    polled.set_price("BTCTRY", "3850000")  # +10% half an hour in
    await polled.poll_every(minutes=5, times=5)
    assert await polled.alerts() == []  # the window is not over yet: no sample to compare with

    await polled.poll_every(minutes=5, times=6)

    [alert] = await polled.alerts()
    lines = alert.text.splitlines()
    assert lines[0] == f"📈 <b>Alert #{rule.id}: BTC rose 10.0% in 1 h</b>"
    assert lines[1].startswith("34,125,765.33 → 37,538,341.86 TRY (since ")
    assert lines[2].startswith("It will fire again after the move is back under 10%.")


async def test_a_move_without_history_never_fires(polled: Polled) -> None:
    spec = AlertSpec(TOTAL, Direction.ABOVE, D(1), Kind.MOVE, 24 * H)
    await polled.store.add_alert(ALLOWED_CHAT, spec, triggered=False)
    await polled.monitor.poll()
    polled.set_price("BTCTRY", "1750000")  # half the portfolio gone
    await polled.poll_every(minutes=60, times=23)  # younger than the window

    assert await polled.alerts() == []


async def test_a_move_after_a_long_outage_is_not_compared(polled: Polled) -> None:
    spec = AlertSpec("BTC", Direction.ABOVE, D(5), Kind.MOVE, H)
    await polled.store.add_alert(ALLOWED_CHAT, spec, triggered=False)
    await polled.monitor.poll()
    polled.clock.advance(hours=3)  # the bot was down: the only sample is 3 windows old
    polled.set_price("BTCTRY", "4000000")
    await polled.monitor.poll()

    assert await polled.alerts() == []


async def test_the_cooldown_holds_back_a_bounce_and_is_stored(polled: Polled) -> None:
    spec = AlertSpec("BTC", Direction.ABOVE, D(3600000), Kind.PRICE)
    rule = await polled.store.add_alert(ALLOWED_CHAT, spec, triggered=False)
    await polled.monitor.poll()
    for price in ("3650000", "3550000", "3650000", "3550000", "3650000"):
        polled.set_price("BTCTRY", price)
        await polled.poll_every(minutes=10, times=1)
    assert len(await polled.alerts()) == 1
    [stored] = await polled.store.all_alerts()
    assert stored.last_fired_at == polled.clock.now - 40 * timedelta(minutes=1)

    polled.set_price("BTCTRY", "3550000")
    await polled.poll_every(minutes=30, times=1)
    polled.set_price("BTCTRY", "3650000")
    await polled.poll_every(minutes=1, times=1)  # 71 minutes after the first: fires again

    fired = await polled.alerts()
    assert len(fired) == 2
    assert fired[0].text.startswith(
        f"⚠️ <b>Alert #{rule.id}: BTC price rose above 3,600,000 TRY</b>\nNow 3,650,000.00 TRY"
    )


async def test_a_step_back_of_the_clock_does_not_lengthen_a_cooldown(polled: Polled) -> None:
    spec = AlertSpec("BTC", Direction.ABOVE, D(3600000), Kind.PRICE)
    await polled.store.add_alert(ALLOWED_CHAT, spec, triggered=False)
    await polled.monitor.poll()
    polled.set_price("BTCTRY", "3650000")
    await polled.poll_every(minutes=1, times=1)  # fires
    polled.set_price("BTCTRY", "3550000")
    await polled.poll_every(minutes=10, times=1)  # re-armed

    polled.clock.step(hours=-1)
    polled.set_price("BTCTRY", "3650000")
    await polled.poll_every(minutes=51, times=1)  # 61 minutes after it fired

    assert len(await polled.alerts()) == 2
