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

from balance_bot.core.changes import BalanceChange
from balance_bot.core.i18n import LANGUAGES, View, get_lang
from balance_bot.core.notify import (
    SETTINGS,
    Level,
    NotificationKind,
    QuietChoice,
    Setting,
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
from balance_bot.core.quiet import QuietHours
from balance_bot.core.texts.notify import notify_rows
from balance_bot.services.delivery import OFF_REASON, Deliverer
from balance_bot.services.quiet import QuietPolicy
from balance_bot.store.codec import time_to_db
from balance_bot.store.models import NewNotification
from balance_bot.store.outbox import UNKNOWN_KIND
from balance_bot.store.store import Store
from tests.kit.clocks import FakeClock
from tests.kit.services import open_store

CHAT = 100
ISTANBUL = ZoneInfo("Europe/Istanbul")
K = NotificationKind


def test_a_kind_is_read_from_its_stored_name_and_an_unknown_one_cannot_be_built() -> None:
    assert [NotificationKind(kind.stored) for kind in NotificationKind] == list(NotificationKind)
    assert NotificationKind("change") is K.CHANGE
    assert str(K.SUMMARY_CHART) == "summary_chart"
    for unknown in ("typo", "changes", "CHANGE", ""):
        with pytest.raises(ValueError, match="not a valid NotificationKind"):
            NotificationKind(unknown)


def test_every_kind_has_its_notify_setting_and_its_texts() -> None:
    for kind in NotificationKind:
        assert kind.setting in SETTINGS, kind
    for setting in Setting:
        assert parse_notify([setting.value, "off"]) == ((setting,), Level.OFF)
        for code in LANGUAGES:
            view = View(get_lang(code, code), ISTANBUL, datetime(2026, 11, 25, tzinfo=UTC))
            assert f"notify.kind.{setting}" in LANGUAGES[code], (code, setting)
    for code in LANGUAGES:
        view = View(get_lang(code, code), ISTANBUL, datetime(2026, 11, 25, tzinfo=UTC))
        usage = view.t("notify.usage")
        words = usage[usage.index("&lt;") + 4 : usage.index("&gt;")].split("|")
        named = {parse_notify([word, "off"])[0] for word in words}  # each word is read back
        assert set().union(*named) == set(Setting), (code, usage)


def test_what_holds_and_what_rings_is_the_kinds_own() -> None:
    assert {kind for kind in NotificationKind if kind.held} == {
        K.CHANGE,
        K.ORDER,
        K.THRESHOLD,
        K.STATUS,
    }  # urgent alerts, summaries and reports pass quiet hours and mutes
    assert {kind for kind in NotificationKind if kind.rings} == {K.URGENT}


@pytest.mark.parametrize(
    ("args", "kinds", "level"),
    [
        (["changes", "silent"], (Setting.CHANGES,), Level.SILENT),
        (["CHANGES", "Off"], (Setting.CHANGES,), Level.OFF),
        (["orders", "on"], (Setting.ORDERS,), Level.ON),
        (["alerts", "silent"], (Setting.THRESHOLDS,), Level.SILENT),
        (["summary", "off"], (Setting.SUMMARIES,), Level.OFF),
        (["status", "silent"], (Setting.OUTAGES,), Level.SILENT),
        (["all", "silent"], SETTINGS, Level.SILENT),
        (["özet", "sessiz"], (Setting.SUMMARIES,), Level.SILENT),
        (["exchange", "off"], (Setting.OUTAGES,), Level.OFF),
        (["BORSA", "kapali"], (Setting.OUTAGES,), Level.OFF),
    ],
)
def test_notify_reads_a_kind_and_a_level(
    args: list[str], kinds: tuple[Setting, ...], level: Level
) -> None:
    assert parse_notify(args) == (kinds, level)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("en", ("BTCTurk outages", "closed coins", "halted pairs")),
        ("tr", ("BTCTurk kesintileri", "kapanan kripto paralar", "duran pariteler")),
    ],
)
def test_the_outages_row_says_it_covers_closed_coins_and_halted_pairs(
    code: str, words: tuple[str, ...]
) -> None:
    view = View(get_lang(code), ISTANBUL, datetime(2026, 11, 25, tzinfo=UTC))
    rows = notify_rows(dict.fromkeys(SETTINGS, Level.ON), view)

    [row] = [row for row in rows if words[0] in row]
    assert all(word in row for word in words)


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


@pytest.mark.parametrize(
    ("args", "kinds", "level"),
    [
        (["DEĞİŞİM", "KAPALI"], (Setting.CHANGES,), Level.OFF),
        (["degisim", "kapali"], (Setting.CHANGES,), Level.OFF),
        (["Özet", "SESSİZ"], (Setting.SUMMARIES,), Level.SILENT),
        (["ozet", "sessız"], (Setting.SUMMARIES,), Level.SILENT),
        (["ALARM", "acik"], (Setting.THRESHOLDS,), Level.ON),
        (["HEPSİ", "AÇIK"], SETTINGS, Level.ON),
        (["Changes", "SILENT"], (Setting.CHANGES,), Level.SILENT),
    ],
)
def test_notify_reads_its_words_in_any_case_and_without_turkish_letters(
    args: list[str], kinds: tuple[Setting, ...], level: Level
) -> None:
    assert parse_notify(args) == (kinds, level)


def test_quiet_and_switch_words_are_read_in_any_case_and_without_turkish_letters() -> None:
    for off in ("KAPALI", "kapali", "Kapalı"):
        assert parse_quiet([off]) is QuietChoice.OFF
        assert parse_switch([off]) is False
    for default in ("VARSAYILAN", "varsayilan", "Varsayılan"):
        assert parse_quiet([default]) is QuietChoice.DEFAULT
    for on in ("AÇIK", "acik", "Açık"):
        assert parse_switch([on]) is True


def test_the_defaults_follow_the_environment_and_a_choice_wins() -> None:
    assert default_levels(order_changes=False)[Setting.ORDERS] is Level.OFF
    assert default_levels(order_changes=True)[Setting.ORDERS] is Level.ON
    levels = effective_levels({Setting.CHANGES: Level.SILENT}, default_levels(order_changes=False))
    assert levels == {
        Setting.CHANGES: Level.SILENT,
        Setting.ORDERS: Level.OFF,
        Setting.THRESHOLDS: Level.ON,
        Setting.SUMMARIES: Level.ON,
        Setting.OUTAGES: Level.ON,
    }


def test_each_kind_follows_its_setting() -> None:
    levels = dict.fromkeys(SETTINGS, Level.ON) | {
        Setting.THRESHOLDS: Level.OFF,
        Setting.SUMMARIES: Level.SILENT,
    }
    assert level_for(K.URGENT, levels) is Level.OFF
    assert level_for(K.THRESHOLD, levels) is Level.OFF
    assert level_for(K.SUMMARY_CHART, levels) is Level.SILENT
    assert level_for(K.REPORT, levels) is Level.SILENT
    assert level_for(K.CHANGE, levels) is Level.ON


def test_levels_survive_the_database_and_unknown_values_are_skipped() -> None:
    chosen = {Setting.CHANGES: Level.SILENT, Setting.OUTAGES: Level.OFF}
    assert levels_from_db(levels_to_db(chosen)) == chosen
    assert levels_to_db(chosen) == '{"changes": "silent", "outages": "off"}'
    assert levels_to_db({}) is None
    assert levels_from_db('{"changes": "loud", "prices": "on", "orders": "off"}') == {
        Setting.ORDERS: Level.OFF
    }
    assert levels_from_db('{"changes": ["on"], "orders": null}') == {}
    assert levels_from_db("not json") == {}
    assert levels_from_db("[1]") == {}


def _change(locked_before: str, locked_after: str, total_after: str = "1") -> BalanceChange:
    from decimal import Decimal

    return BalanceChange(
        "BTC", 8, Decimal(1), Decimal(total_after), Decimal(locked_before), Decimal(locked_after)
    )


def test_only_order_moves_are_of_the_order_kind() -> None:
    assert change_kind([_change("0", "0.5")]) is K.ORDER
    assert change_kind([_change("0", "0.5"), _change("0", "0", total_after="2")]) is K.CHANGE


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
        CHAT,
        {
            Setting.CHANGES: Level.SILENT,
            Setting.OUTAGES: Level.OFF,
            Setting.THRESHOLDS: Level.SILENT,
        },
    )
    await delivery.store.enqueue(
        [
            NewNotification(CHAT, K.CHANGE, "changed"),
            NewNotification(CHAT, K.STATUS, "down"),
            NewNotification(CHAT, K.SUMMARY, "summary"),
            NewNotification(CHAT, K.URGENT, "urgent"),
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
    await delivery.store.set_notify(CHAT, {Setting.CHANGES: Level.OFF})
    await delivery.store.enqueue([NewNotification(CHAT, K.CHANGE, "changed")])

    await delivery.deliverer.deliver_due()

    assert delivery.bot.sent == []
    reason = await delivery.store.db.run(
        lambda conn: conn.execute("SELECT state, last_error FROM outbox").fetchone()
    )
    assert tuple(reason) == ("dropped", OFF_REASON)


async def test_a_stored_kind_this_version_does_not_know_is_dropped_not_sent(
    delivery: Delivery,
) -> None:
    # A newer version queued a kind this one has no setting for (a downgrade), while the chat
    # hears nothing but balance changes: that message is not "on" by default.
    store = delivery.store
    await store.set_notify(CHAT, dict.fromkeys(SETTINGS, Level.OFF) | {Setting.CHANGES: Level.ON})
    now = time_to_db(delivery.clock.now)
    await store.db.run(
        lambda conn: conn.executemany(
            "INSERT INTO outbox (chat_id, kind, text, created_at, next_attempt_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (CHAT, "withdrawals_suspended", "newer", now, now),
                (CHAT, "change", "changed", now, now),
            ],
        )
    )

    assert await delivery.deliverer.deliver_due() == 1

    assert delivery.bot.sent == [(CHAT, "changed", False)]
    rows = await store.db.run(
        lambda conn: conn.execute("SELECT state, last_error FROM outbox ORDER BY id").fetchall()
    )
    assert [tuple(row) for row in rows] == [
        ("dropped", f"{UNKNOWN_KIND}: withdrawals_suspended"),
        ("sent", None),
    ]
    assert await store.pending_count() == 0


async def test_a_chat_without_settings_hears_everything_with_sound(delivery: Delivery) -> None:
    await delivery.store.enqueue([NewNotification(CHAT, K.CHANGE, "changed")])

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
