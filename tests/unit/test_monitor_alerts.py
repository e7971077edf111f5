"""Tests for the poll's alert part: the values moves compare with, moves, cooldowns."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from balance_bot.core.thresholds import TOTAL, AlertSpec, Direction, Kind
from balance_bot.services.clock_steps import WallSteps
from balance_bot.services.monitor import Monitor
from balance_bot.services.moves import MoveWatch
from balance_bot.services.roster import Roster
from balance_bot.store.store import Store
from tests.kit.env import ALLOWED_CHAT
from tests.kit.monitor import Polled, polled_monitor
from tests.kit.services import chat_views, unit_settings

D = Decimal
H = timedelta(hours=1)


@pytest.fixture
async def polled(tmp_path: Path) -> AsyncIterator[Polled]:
    async with polled_monitor(tmp_path) as built:
        yield built


async def kept_values(store: Store) -> int:
    row = await store.db.run(lambda c: c.execute("SELECT count(*) FROM value_samples").fetchone())
    return int(row[0])


async def test_values_are_kept_only_for_move_alerts_two_a_span_at_most(polled: Polled) -> None:
    await polled.monitor.poll()
    first = await polled.store.last_snapshot()
    await polled.poll_every(minutes=1, times=6)
    assert await kept_values(polled.store) == 0  # no move alert: nothing kept

    spec = AlertSpec(TOTAL, Direction.ABOVE, D(5), Kind.MOVE, H)
    await polled.store.add_alert(ALLOWED_CHAT, spec, triggered=False)
    for price in ("3500000", "3510000", "3490000", "3500000", "3505000", "3500000") * 2:
        polled.set_price("BTCTRY", price)
        await polled.poll_every(minutes=1, times=1)  # 12 minutes: two spans closed

    assert await polled.store.last_snapshot() == first  # prices moved, amounts did not
    assert await kept_values(polled.store) == 4  # each closed span's lowest and highest


async def test_a_move_fires_at_once_with_its_direction_size_and_reference(
    polled: Polled,
) -> None:
    spec = AlertSpec("BTC", Direction.ABOVE, D(10), Kind.MOVE, H)
    rule = await polled.store.add_alert(ALLOWED_CHAT, spec, triggered=False)
    await polled.monitor.poll()  # BTC at 3,500,000
    await polled.poll_every(minutes=5, times=2)
    polled.set_price("BTCTRY", "3850000")  # +10% ten minutes in

    await polled.poll_every(minutes=5, times=3)

    [alert] = await polled.alerts()
    lines = alert.text.splitlines()
    assert lines[0] == f"📈 <b>Alert #{rule.id}: BTC rose 10.0% within 1 h</b>"
    assert lines[1] == "34,125,765.33 → 37,538,341.86 TRY (low at 08:00 (Istanbul))"
    assert lines[2].startswith("It will fire again after the move is back under 10% · /unalert 1")


async def test_values_seen_before_the_alert_was_set_do_not_count(polled: Polled) -> None:
    await polled.monitor.poll()  # the total at 3,500,000 a BTC, before any alert
    polled.set_price("BTCTRY", "1750000")
    polled.clock.advance(minutes=5)
    spec = AlertSpec(TOTAL, Direction.ABOVE, D(1), Kind.MOVE, 24 * H)
    await polled.store.add_alert(ALLOWED_CHAT, spec, triggered=False)
    await polled.poll_every(minutes=60, times=3)

    assert await polled.alerts() == []


async def test_after_an_outage_longer_than_the_window_the_move_starts_afresh(
    polled: Polled,
) -> None:
    spec = AlertSpec("BTC", Direction.ABOVE, D(5), Kind.MOVE, H)
    await polled.store.add_alert(ALLOWED_CHAT, spec, triggered=False)
    await polled.monitor.poll()
    polled.clock.advance(hours=3)  # the bot was down: nothing seen within the window
    polled.set_price("BTCTRY", "4000000")
    await polled.monitor.poll()
    assert await polled.alerts() == []

    polled.set_price("BTCTRY", "4300000")  # +7.5% from the first value seen since
    await polled.poll_every(minutes=5, times=1)
    [alert] = await polled.alerts()
    assert "rose 7.5% within 1 h" in alert.text


async def test_a_restart_keeps_the_values_seen(polled: Polled, tmp_path: Path) -> None:
    spec = AlertSpec("BTC", Direction.ABOVE, D(5), Kind.MOVE, H)
    await polled.store.add_alert(ALLOWED_CHAT, spec, triggered=False)
    polled.set_price("BTCTRY", "3800000")
    await polled.monitor.poll()  # the high, in a span still open
    polled.set_price("BTCTRY", "3500000")
    await polled.poll_every(minutes=1, times=1)
    await polled.moves.flush()  # a clean stop

    settings = unit_settings(tmp_path)
    restarted = Monitor(
        settings, polled.exchange.portfolio(polled.clock), polled.store,
        chat_views(polled.store, settings, polled.clock), polled.clock,
        Roster(settings.allowed_chat_ids),
        steps=WallSteps(polled.clock, polled.clock.elapsed), moves=MoveWatch(polled.store),
    )  # fmt: skip
    polled.clock.advance(minutes=1)
    await restarted.poll()

    [alert] = await polled.alerts()
    assert "fell 7.9% within 1 h" in alert.text


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
