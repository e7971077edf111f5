"""Process faults: `python -m balance_bot` stops cleanly on SIGTERM, and a `kill -9` at any
moment loses no alert and no owed notification and reports no change twice."""

from __future__ import annotations

import signal
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.telegram import FakeTelegram, SentMessage
from tests.e2e.conftest import ALLOWED_CHAT
from tests.faults.conftest import (
    START_TIMEOUT_S,
    BotProcess,
    Launcher,
    base_env,
    wait_while_running,
)

pytestmark = pytest.mark.faults

STOP_WITHIN_S = 10.0
CHANGED = "🔔 Balance changed"


def quiet_env(exchange: FakeBtcTurk, telegram: FakeTelegram, data_dir: Path) -> dict[str, str]:
    """Return settings for one allowed chat, a poll every second and no summary due today."""
    # A time zone where it is about 02:00 now, with the summary at 23:00: not due in the test.
    offset = (2 - datetime.now(UTC).hour) % 24
    offset = offset - 24 if offset > 14 else offset
    zone = "Etc/GMT" + (f"{-offset:+d}" if offset else "")
    return base_env(exchange, telegram, data_dir) | {
        "ALLOWED_CHAT_IDS": str(ALLOWED_CHAT),
        "POLL_INTERVAL_SECONDS": "1",
        "TIMEZONE": zone,
        "DAILY_SUMMARY_TIME": "23:00",
        "BTCTURK_TIMEOUT_SECONDS": "5",
    }


async def ask(bot: BotProcess, telegram: FakeTelegram, text: str) -> SentMessage:
    """Send `text` from the allowed chat and return the bot's first reply."""
    since = len(telegram.sent)
    telegram.send_text(ALLOWED_CHAT, text)
    [reply, *_] = await wait_while_running(
        bot, telegram.wait_for_messages(ALLOWED_CHAT, since=since, timeout=START_TIMEOUT_S)
    )
    return reply


async def until(bot: BotProcess, waiting: Awaitable[None]) -> None:
    await wait_while_running(bot, waiting)


def started_polling(telegram: FakeTelegram) -> Awaitable[None]:
    return telegram.wait_until(
        lambda: telegram.calls["getUpdates"] >= 1, timeout=START_TIMEOUT_S, what="getUpdates"
    )


@pytest.mark.slow
async def test_sigterm_exits_0_within_10_s(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    bot = await launcher.start(base_env(exchange, telegram, tmp_path / "data"))
    await until(bot, started_polling(telegram))

    bot.send(signal.SIGTERM)

    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0
    assert "Traceback" not in bot.stderr()


@pytest.mark.slow
async def test_sigterm_during_a_hung_exchange_request_exits_0_within_10_s(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    exchange.inject("timeout", times=10)  # the first poll's request hangs
    env = base_env(exchange, telegram, tmp_path / "data") | {"BTCTURK_TIMEOUT_SECONDS": "10"}
    bot = await launcher.start(env)
    await until(bot, started_polling(telegram))
    await until(
        bot,
        exchange.wait_until(
            lambda: exchange.calls["balances"] >= 1, timeout=START_TIMEOUT_S, what="a poll"
        ),
    )

    bot.send(signal.SIGTERM)

    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0
    assert "Traceback" not in bot.stderr()


@pytest.mark.slow
async def test_unreachable_telegram_at_start_up_is_waited_for(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    telegram.set_down(True)
    bot = await launcher.start(base_env(exchange, telegram, tmp_path / "data"))
    await until(
        bot,
        telegram.wait_until(
            lambda: telegram.calls["getMe"] >= 1, timeout=START_TIMEOUT_S, what="a failed getMe"
        ),
    )

    telegram.set_down(False)  # back for the next try, a second later
    reply = await ask(bot, telegram, "/help")

    assert reply.plain_text
    assert telegram.calls["getMe"] >= 2  # tried again
    bot.send(signal.SIGTERM)
    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0
    assert "cannot reach Telegram" in bot.stderr()


@pytest.mark.slow
async def test_sigterm_while_telegram_is_unreachable_at_start_up_exits_0(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    telegram.set_down(True)
    bot = await launcher.start(base_env(exchange, telegram, tmp_path / "data"))
    await until(
        bot,
        telegram.wait_until(
            lambda: telegram.calls["getMe"] >= 1, timeout=START_TIMEOUT_S, what="a getMe"
        ),
    )

    bot.send(signal.SIGTERM)

    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0
    assert telegram.calls["getUpdates"] == 0


def prefixed(telegram: FakeTelegram, prefix: str) -> list[str]:
    return [
        m.plain_text
        for m in telegram.sent
        if m.chat_id == ALLOWED_CHAT and m.plain_text.startswith(prefix)
    ]


async def polls_pass(bot: BotProcess, exchange: FakeBtcTurk, count: int) -> None:
    """Wait until `count` more polls have started (each after the previous one finished)."""
    target = exchange.calls["balances"] + count
    await until(
        bot,
        exchange.wait_until(
            lambda: exchange.calls["balances"] >= target,
            timeout=START_TIMEOUT_S,
            what=f"{count} more polls",
        ),
    )


async def between_polls(bot: BotProcess, exchange: FakeBtcTurk) -> None:
    """Wait until a new poll has sent both its requests: the next one starts a second later.

    Each read of the account asks for balances and prices once, so the two counts are equal
    whenever no read is half sent.
    """
    started = exchange.calls["balances"]
    await until(
        bot,
        exchange.wait_until(
            lambda: (
                exchange.calls["balances"] > started
                and exchange.calls["ticker"] == exchange.calls["balances"]
            ),
            timeout=START_TIMEOUT_S,
            what="a poll's two requests",
        ),
    )


async def assert_alert_kept(bot: BotProcess, telegram: FakeTelegram) -> None:
    listing = await ask(bot, telegram, "/alerts")
    assert "#1 BTC below 5" in listing.plain_text
    assert "#2" not in listing.plain_text


@pytest.mark.slow
async def test_kill_9_loses_nothing_and_repeats_nothing(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    env = quiet_env(exchange, telegram, tmp_path / "data")

    # Life 1: an alert is set and the balances are recorded (a poll read them; the next one
    # starts once it is done); killed right after the exchange served the changed balances,
    # while that poll still waits for the prices (held 5 s).
    bot = await launcher.start(env)
    created = await ask(bot, telegram, "/alert btc below 5")
    assert created.plain_text.startswith("✅ Alert #1")
    await until(bot, telegram.wait_until(lambda: telegram.pending_updates == 0))
    await between_polls(bot, exchange)
    exchange.inject("timeout", endpoint="ticker")
    exchange.set_balance("BTC", "4")
    served = exchange.calls["balances"]
    await until(
        bot,
        exchange.wait_until(
            lambda: exchange.calls["balances"] > served and not exchange.pending_faults("ticker"),
            timeout=START_TIMEOUT_S,
            what="a poll that read the new balances and waits for its prices",
        ),
    )
    await bot.kill()

    # Life 2: the change and the crossing are reported after start-up. Killed while Telegram
    # is down, with the next change owed (a failed send means it is in the outbox).
    bot = await launcher.start(env)
    await until(
        bot,
        telegram.wait_until(
            lambda: bool(prefixed(telegram, CHANGED) and prefixed(telegram, "⚠️ Alert #1")),
            timeout=START_TIMEOUT_S,
            what="the change and threshold alerts",
        ),
    )
    await assert_alert_kept(bot, telegram)
    telegram.set_down(True)
    failed_sends = telegram.calls["sendMessage"]
    exchange.set_balance("BTC", "6")
    await until(
        bot,
        telegram.wait_until(
            lambda: telegram.calls["sendMessage"] > failed_sends,
            timeout=START_TIMEOUT_S,
            what="a failed delivery",
        ),
    )
    await bot.kill()
    telegram.set_down(False)

    # Life 3: the owed change arrives; nothing arrives twice, even after more polls.
    bot = await launcher.start(env)
    await until(
        bot,
        telegram.wait_until(
            lambda: len(prefixed(telegram, CHANGED)) >= 2,
            timeout=START_TIMEOUT_S,
            what="the second change alert",
        ),
    )
    await assert_alert_kept(bot, telegram)
    await polls_pass(bot, exchange, 2)  # one whole poll after the alert, at least
    bot.send(signal.SIGTERM)
    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0

    changes = prefixed(telegram, CHANGED)
    assert len(changes) == 2, changes
    assert "BTC 9.75021866 → 4.00000000" in changes[0]
    assert "BTC 4.00000000 → 6.00000000" in changes[1]
    assert len(prefixed(telegram, "⚠️ Alert #1")) == 1


def change_alerts(telegram: FakeTelegram) -> list[SentMessage]:
    """Return the change alerts sent to the allowed chat (not their edits)."""
    return [
        m
        for m in telegram.sent
        if m.chat_id == ALLOWED_CHAT
        and m.method == "sendMessage"
        and m.plain_text.startswith(CHANGED)
    ]


def explanations(telegram: FakeTelegram) -> list[SentMessage]:
    """Return the edits of alerts, and the replies that stand in for an edit."""
    return [
        m
        for m in telegram.sent
        if m.chat_id == ALLOWED_CHAT
        and (m.method == "editMessageText" or m.plain_text.startswith("🔎"))
    ]


@pytest.mark.slow
async def test_kill_9_during_a_follow_up_sends_nothing_twice_and_still_explains(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    env = quiet_env(exchange, telegram, tmp_path / "data") | {"EXPLAIN_CHANGES": "true"}

    # Life 1: a deposit the history does not list yet is told at once; killed while the
    # follow-up's look at the history hangs.
    bot = await launcher.start(env)
    await until(bot, started_polling(telegram))
    await between_polls(bot, exchange)  # the baseline: read, and kept before the next poll
    exchange.ledger.deposit("BTC", "0.25", lag=10_000)  # listed once released
    await until(
        bot,
        telegram.wait_until(
            lambda: bool(change_alerts(telegram)), timeout=START_TIMEOUT_S, what="the alert"
        ),
    )
    looks = exchange.calls["crypto"]
    exchange.inject("timeout", times=1000, endpoint="crypto")
    await until(
        bot,
        exchange.wait_until(
            lambda: exchange.calls["crypto"] > looks, timeout=START_TIMEOUT_S, what="a look"
        ),
    )
    await bot.kill()
    exchange.clear_faults()
    exchange.ledger.release_pending()  # the history lists the deposit now

    # Life 2: the follow-up survived: the alert is explained, and nothing comes twice.
    bot = await launcher.start(env)
    await until(
        bot,
        telegram.wait_until(
            lambda: bool(explanations(telegram)), timeout=START_TIMEOUT_S, what="the edit"
        ),
    )
    await polls_pass(bot, exchange, 2)  # one whole poll after the edit, at least
    bot.send(signal.SIGTERM)
    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0

    [alert] = change_alerts(telegram)
    assert "❔ +0.25000000 BTC" in alert.plain_text
    [edit] = explanations(telegram)
    assert edit.method == "editMessageText"
    assert edit.message_id == alert.message_id
    assert "📥 Deposit 0.25000000 BTC" in edit.plain_text.splitlines()
    assert "❔" not in edit.plain_text
