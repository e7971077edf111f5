"""Per-chat notification settings: parsing /notify and /quiet, the stored levels, delivery."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from telegram import Bot

from core.changes import BalanceChange
from core.notify import (
    KINDS,
    Level,
    QuietChoice,
    change_kind,
    default_levels,
    effective_levels,
    level_for,
    levels_from_db,
    levels_to_db,
    parse_notify,
    parse_quiet,
    parse_switch,
)
from core.quiet import QuietHours
from services.delivery import OFF_REASON, Deliverer
from services.quiet import QuietPolicy
from store.models import NewNotification
from store.store import Store
from tests.kit.clocks import FakeClock
from tests.kit.services import open_store

CHAT = 100
ISTANBUL = ZoneInfo("Europe/Istanbul")


@pytest.mark.parametrize(
    ("args", "kinds", "level"),
    [
        (["changes", "silent"], ("changes",), Level.SILENT),
        (["CHANGES", "Off"], ("changes",), Level.OFF),
        (["orders", "on"], ("orders",), Level.ON),
        (["alerts", "silent"], ("thresholds",), Level.SILENT),
        (["summary", "off"], ("summaries",), Level.OFF),
        (["status", "silent"], ("outages",), Level.SILENT),
        (["all", "silent"], KINDS, Level.SILENT),
        (["özet", "sessiz"], ("summaries",), Level.SILENT),
    ],
)
def test_notify_reads_a_kind_and_a_level(
    args: list[str], kinds: tuple[str, ...], level: Level
) -> None:
    assert parse_notify(args) == (kinds, level)


@pytest.mark.parametrize(
    "args", [[], ["changes"], ["changes", "loud"], ["prices", "on"], ["changes", "on", "now"]]
)
def test_notify_refuses_bad_forms(args: list[str]) -> None:
    with pytest.raises(ValueError, match=r"expected|unknown"):
        parse_notify(args)


def test_quiet_reads_a_span_off_or_default() -> None:
    assert parse_quiet(["23:00-07:00"]) == QuietHours(time(23), time(7))
    assert parse_quiet(["23:00", "-", "07:00"]) == QuietHours(time(23), time(7))
    assert parse_quiet(["off"]) is QuietChoice.OFF
    assert parse_quiet(["Default"]) is QuietChoice.DEFAULT
    for bad in ([], ["tonight"], ["25:00-07:00"], ["07:00-07:00"]):
        with pytest.raises(ValueError, match="not a span"):
            parse_quiet(bad)


def test_switch_reads_on_and_off_only() -> None:
    assert parse_switch(["on"]) is True
    assert parse_switch(["OFF"]) is False
    for bad in ([], ["silent"], ["on", "off"]):
        with pytest.raises(ValueError, match="on or off"):
            parse_switch(bad)


def test_the_defaults_follow_the_environment_and_a_choice_wins() -> None:
    assert default_levels(order_changes=False)["orders"] is Level.OFF
    assert default_levels(order_changes=True)["orders"] is Level.ON
    levels = effective_levels({"changes": Level.SILENT}, default_levels(order_changes=False))
    assert levels == {
        "changes": Level.SILENT,
        "orders": Level.OFF,
        "thresholds": Level.ON,
        "summaries": Level.ON,
        "outages": Level.ON,
    }


def test_each_outbox_kind_has_its_setting() -> None:
    levels = dict.fromkeys(KINDS, Level.ON) | {"thresholds": Level.OFF, "summaries": Level.SILENT}
    assert level_for("urgent", levels) is Level.OFF
    assert level_for("threshold", levels) is Level.OFF
    assert level_for("summary_chart", levels) is Level.SILENT
    assert level_for("report", levels) is Level.SILENT
    assert level_for("change", levels) is Level.ON
    assert level_for("something new", levels) is Level.ON


def test_levels_survive_the_database_and_unknown_values_are_skipped() -> None:
    chosen = {"changes": Level.SILENT, "outages": Level.OFF}
    assert levels_from_db(levels_to_db(chosen)) == chosen
    assert levels_to_db({}) is None
    assert levels_from_db('{"changes": "loud", "prices": "on", "orders": "off"}') == {
        "orders": Level.OFF
    }
    assert levels_from_db("not json") == {}
    assert levels_from_db("[1]") == {}


def _change(locked_before: str, locked_after: str, total_after: str = "1") -> BalanceChange:
    from decimal import Decimal

    return BalanceChange(
        "BTC", 8, Decimal(1), Decimal(total_after), Decimal(locked_before), Decimal(locked_after)
    )


def test_only_order_moves_are_of_the_order_kind() -> None:
    assert change_kind([_change("0", "0.5")]) == "order"
    assert change_kind([_change("0", "0.5"), _change("0", "0", total_after="2")]) == "change"


@dataclass
class SilentBot:
    """Record each message with whether it was sent without sound."""

    sent: list[tuple[int, str, bool]] = field(default_factory=list)

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> SimpleNamespace:
        self.sent.append((chat_id, text, bool(kwargs.get("disable_notification"))))
        return SimpleNamespace(message_id=len(self.sent))


@dataclass
class Delivery:
    deliverer: Deliverer
    bot: SilentBot
    store: Store
    clock: FakeClock


@pytest.fixture
async def delivery(tmp_path: Path) -> AsyncIterator[Delivery]:
    clock, bot = FakeClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC)), SilentBot()
    async with open_store(tmp_path, clock) as store:
        quiet = QuietPolicy(store, None, ISTANBUL)
        yield Delivery(Deliverer(store, cast(Bot, bot), clock, quiet), bot, store, clock)


async def test_silent_kinds_go_without_sound_and_off_kinds_are_not_sent(
    delivery: Delivery,
) -> None:
    await delivery.store.set_notify(
        CHAT, {"changes": Level.SILENT, "outages": Level.OFF, "thresholds": Level.SILENT}
    )
    await delivery.store.enqueue(
        [
            NewNotification(CHAT, "change", "changed"),
            NewNotification(CHAT, "status", "down"),
            NewNotification(CHAT, "summary", "summary"),
            NewNotification(CHAT, "urgent", "urgent"),
        ]
    )

    assert await delivery.deliverer.deliver_due() == 3

    assert delivery.bot.sent == [
        (CHAT, "changed", True),
        (CHAT, "summary", False),
        (CHAT, "urgent", False),  # urgent alerts always ring
    ]
    assert await delivery.store.pending_count() == 0


async def test_a_kind_turned_off_is_dropped_with_its_reason(delivery: Delivery) -> None:
    await delivery.store.set_notify(CHAT, {"changes": Level.OFF})
    await delivery.store.enqueue([NewNotification(CHAT, "change", "changed")])

    await delivery.deliverer.deliver_due()

    assert delivery.bot.sent == []
    reason = await delivery.store.db.run(
        lambda conn: conn.execute("SELECT state, last_error FROM outbox").fetchone()
    )
    assert tuple(reason) == ("dropped", OFF_REASON)


async def test_a_chat_without_settings_hears_everything_with_sound(delivery: Delivery) -> None:
    await delivery.store.enqueue([NewNotification(CHAT, "change", "changed")])

    await delivery.deliverer.deliver_due()

    assert delivery.bot.sent == [(CHAT, "changed", False)]


async def test_quiet_hours_are_per_chat_with_the_environment_as_default(tmp_path: Path) -> None:
    night = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)  # 00:00 in Istanbul
    async with open_store(tmp_path, FakeClock(night)) as store:
        quiet = QuietPolicy(store, QuietHours(time(23), time(7)), ISTANBUL)
        assert await quiet.held_until(CHAT, night) == datetime(2026, 11, 26, 7, 0, tzinfo=ISTANBUL)

        await store.set_quiet_hours(CHAT, None, off=True)
        assert await quiet.held_until(CHAT, night) is None

        await store.set_quiet_hours(CHAT, QuietHours(time(22), time(6)))
        ends = await quiet.held_until(CHAT, night)
        assert ends == datetime(2026, 11, 26, 6, 0, tzinfo=ISTANBUL)

        await store.set_quiet_hours(CHAT, None)  # back to the default
        assert await quiet.held_until(CHAT, night) == datetime(2026, 11, 26, 7, 0, tzinfo=ISTANBUL)
        assert await quiet.held_until(CHAT, night + timedelta(hours=7)) is None  # 07:00 local
        assert (await store.chat_settings(CHAT)).quiet_hours_or(None) is None


async def test_the_summary_chart_is_per_chat(tmp_path: Path) -> None:
    async with open_store(tmp_path, FakeClock()) as store:
        assert (await store.chat_settings(CHAT)).summary_chart_or(True) is True
        await store.set_summary_chart(CHAT, False)
        assert (await store.chat_settings(CHAT)).summary_chart_or(True) is False
        await store.set_summary_chart(CHAT, None)
        assert (await store.chat_settings(CHAT)).summary_chart_or(False) is False
