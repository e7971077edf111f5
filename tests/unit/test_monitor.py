"""Tests for services/monitor.py: the poll on a stub exchange, a real Store and a FakeClock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from balance_bot.btcturk.errors import Unavailable
from balance_bot.core.notify import NotificationKind
from balance_bot.core.thresholds import AlertSpec, Direction
from balance_bot.services.monitor import DOWN_AFTER, PollOutcome
from tests.kit.env import ALLOWED_CHAT, ALLOWED_GROUP
from tests.kit.monitor import Polled, polled_monitor

QUIET = PollOutcome(succeeded=True, queued=0)
FAILED = PollOutcome(succeeded=False, queued=0)


@pytest.fixture
async def polled(tmp_path: Path) -> AsyncIterator[Polled]:
    async with polled_monitor(tmp_path) as built:
        yield built


async def test_the_first_poll_records_the_account_and_says_nothing(polled: Polled) -> None:
    assert await polled.monitor.poll() == QUIET

    assert await polled.owed() == []
    stored = await polled.store.last_snapshot()
    assert stored is not None
    assert stored[0]["BTC"].total == Decimal("9.7502186644553258")


async def test_a_change_queues_one_alert_per_allowed_chat(polled: Polled) -> None:
    await polled.monitor.poll()
    polled.exchange.set_total("BTC", "10.2502186644553258")

    assert await polled.monitor.poll() == PollOutcome(succeeded=True, queued=2, changed=True)

    owed = await polled.owed()
    assert sorted(item.chat_id for item in owed) == sorted([ALLOWED_CHAT, ALLOWED_GROUP])
    assert {item.kind for item in owed} == {NotificationKind.CHANGE}
    assert all(item.text.startswith("🔔 <b>Balance changed</b>") for item in owed)
    assert "<b>BTC</b> 9.75021866 → 10.25021866\n    +0.50000000 BTC ≈ +1,750,000.00 TRY" in (
        owed[0].text
    )
    assert await polled.monitor.poll() == QUIET  # the same account again: no second alert


async def test_a_failed_read_is_never_compared(polled: Polled) -> None:
    await polled.monitor.poll()
    polled.exchange.error = Unavailable("BTCTurk is not answering")

    assert await polled.monitor.poll() == FAILED
    assert polled.monitor.failures == 1

    polled.exchange.error = None
    assert await polled.monitor.poll() == QUIET
    assert polled.monitor.failures == 0
    assert await polled.owed() == []


async def test_an_account_read_as_all_zero_is_suspicious_not_emptied(polled: Polled) -> None:
    await polled.monitor.poll()
    for asset in ("TRY", "BTC", "USDT", "SHIB"):
        polled.exchange.set_total(asset, "0")

    assert await polled.monitor.poll() == FAILED

    assert await polled.owed() == []
    stored = await polled.store.last_snapshot()
    assert stored is not None
    assert "BTC" in stored[0]  # the last good figures are kept


async def test_three_failures_within_two_minutes_are_no_outage_yet(polled: Polled) -> None:
    await polled.monitor.poll()
    polled.exchange.error = Unavailable("BTCTurk is not answering")
    for _ in range(3):
        assert await polled.monitor.poll() == FAILED
        polled.clock.advance(seconds=30)

    assert polled.monitor.failures == 3
    assert await polled.owed() == []


async def test_an_outage_is_told_once_after_three_failures_over_two_minutes(
    polled: Polled,
) -> None:
    await polled.monitor.poll()
    polled.exchange.error = Unavailable("BTCTurk is not answering")
    assert await polled.monitor.poll() == FAILED
    polled.clock.now += DOWN_AFTER
    assert await polled.monitor.poll() == FAILED  # two minutes, but two failures: not yet

    assert await polled.monitor.poll() == PollOutcome(succeeded=False, queued=2)
    polled.clock.advance(minutes=5)
    assert await polled.monitor.poll() == FAILED  # said once

    down = await polled.owed()
    assert sorted(item.chat_id for item in down) == sorted([ALLOWED_CHAT, ALLOWED_GROUP])
    assert all(item.text.startswith("⏳ Cannot reach BTCTurk since 08:00") for item in down)

    polled.exchange.error = None
    assert await polled.monitor.poll() == PollOutcome(succeeded=True, queued=2)
    back = [item for item in await polled.owed() if item not in down]
    assert [item.text.startswith("✅ BTCTurk is reachable again") for item in back] == [True] * 2


async def test_a_threshold_alert_fires_once_when_crossed_and_only_to_its_chat(
    polled: Polled,
) -> None:
    spec = AlertSpec("BTC", Direction.BELOW, Decimal(9))
    rule = await polled.store.add_alert(ALLOWED_CHAT, spec, triggered=False)
    await polled.monitor.poll()
    assert await polled.owed() == []

    polled.exchange.set_total("BTC", "8.5")
    await polled.monitor.poll()
    polled.exchange.set_total("BTC", "8.4")
    await polled.monitor.poll()  # still below: no second alert

    alerts = [item for item in await polled.owed() if item.kind is NotificationKind.THRESHOLD]
    assert [item.chat_id for item in alerts] == [ALLOWED_CHAT]
    assert alerts[0].text.startswith(f"⚠️ <b>Alert #{rule.id}: BTC fell below 9")
    [stored] = await polled.store.all_alerts()
    assert stored.triggered
