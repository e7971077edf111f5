"""Process, clock and storage faults: a closed terminal, a second bot on the same DATA_DIR, a
deleted DATA_DIR, a wall clock that steps, and a Refresh button whose message cannot be edited."""

from __future__ import annotations

import logging
import shutil
import signal
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from telegram.ext import ContextTypes

import healthcheck
from config import Settings
from fakes.exchange import FakeBtcTurk
from fakes.telegram import FakeTelegram, SentMessage
from fakes.telegram_types import AnsweredCallback
from handlers import jobs
from store.database import StoreError
from tests.e2e.conftest import ALLOWED_CHAT, REPLY_TIMEOUT_S, BotHarness, sent_to, services_of
from tests.faults.conftest import (
    START_TIMEOUT_S,
    Launcher,
    ManualMonotonic,
    UpdateTracker,
    base_env,
    expire_cache,
)
from tests.faults.test_process_faults import STOP_WITHIN_S, started_polling, until
from tests.faults.test_telegram_faults import large_account

StartBot = Callable[[Settings], Any]

pytestmark = pytest.mark.faults


async def test_sighup_stops_the_bot_in_order_and_exits_0(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    bot = await launcher.start(base_env(exchange, telegram, tmp_path / "data"))
    await until(bot, started_polling(telegram))

    bot.send(signal.SIGHUP)

    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0
    stderr = bot.stderr()
    assert "SIGHUP" in stderr
    assert "stopped" in stderr
    assert "Traceback" not in stderr


async def test_second_bot_on_the_same_data_dir_exits_1_naming_the_first(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    env = base_env(exchange, telegram, tmp_path / "data")
    first = await launcher.start(env)
    await until(first, started_polling(telegram))

    second = await launcher.start(env)

    assert await second.wait_exit(within=START_TIMEOUT_S) == 1
    lines = [line for line in second.stderr().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert f"PID {first.pid}" in lines[0]
    assert str(tmp_path / "data") in lines[0]
    assert first.running
    first.send(signal.SIGTERM)
    assert await first.wait_exit(within=STOP_WITHIN_S) == 0


async def test_the_data_dir_is_free_again_once_the_first_bot_stopped(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    env = base_env(exchange, telegram, tmp_path / "data")
    first = await launcher.start(env)
    await until(first, started_polling(telegram))
    await first.kill()  # a kill -9 leaves the lock file behind, but not the lock
    polls = telegram.calls["getUpdates"]

    second = await launcher.start(env)
    await until(
        second,
        telegram.wait_until(
            lambda: telegram.calls["getUpdates"] > polls, timeout=START_TIMEOUT_S, what="polling"
        ),
    )

    second.send(signal.SIGTERM)
    assert await second.wait_exit(within=STOP_WITHIN_S) == 0


# --- the Refresh button -------------------------------------------------------------------


async def balance_reply(bot: BotHarness) -> list[SentMessage]:
    """Send /balance and return every part of the reply, once the bot is done with it."""
    since = len(bot.telegram.sent)
    await UpdateTracker(bot.application).wait_done(
        [bot.telegram.send_text(ALLOWED_CHAT, "/balance")]
    )
    return [m for m in bot.telegram.sent[since:] if m.chat_id == ALLOWED_CHAT]


async def press_refresh(bot: BotHarness, message: SentMessage) -> AnsweredCallback:
    """Press the Refresh button under `message` and return the bot's answer to the press."""
    assert message.reply_markup is not None
    [[button]] = message.reply_markup["inline_keyboard"]
    answered = len(bot.telegram.answered_callbacks)
    bot.telegram.send_callback(ALLOWED_CHAT, button["callback_data"], message_id=message.message_id)
    await bot.telegram.wait_until(
        lambda: len(bot.telegram.answered_callbacks) > answered,
        timeout=REPLY_TIMEOUT_S,
        what="an answer to the button",
    )
    return bot.telegram.answered_callbacks[answered]


def shown_texts(bot: BotHarness) -> list[str]:
    """Return the texts of the bot's messages as the chat shows them now."""
    return [str(m.get("text", "")) for m in bot.telegram.bot_messages(ALLOWED_CHAT)]


def change_account(big: FakeBtcTurk, size: str) -> None:
    """Change every balance; grow or shrink the account so the reply takes more or fewer parts."""
    for row in big.balances:
        big.set_balance(str(row["asset"]), Decimal(str(row["balance"])) + 1)
    if size == "more parts":
        for i in range(150, 300):
            big.set_balance(f"TOKEN{i:03d}", "5")
            big.set_price(f"TOKEN{i:03d}TRY", 1_000 + i)
    elif size == "one part":
        del big.balances[3:]


@pytest.mark.usefixtures("without_jobs")
@pytest.mark.parametrize("size", ["as many parts", "more parts", "one part"])
async def test_refresh_under_a_multi_part_balance_shows_the_new_answer_in_every_part(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    cache_clock: ManualMonotonic,
    size: str,
) -> None:
    balances, tickers = large_account(150)
    async with (
        FakeBtcTurk(balances=balances, tickers=tickers) as big,
        start_bot(make_settings(BTCTURK_API_URL=big.base_url)) as bot,
    ):
        parts = await balance_reply(bot)
        assert len(parts) >= 2
        before = shown_texts(bot)
        change_account(big, size)
        bot.clock.advance(minutes=3)
        expire_cache(cache_clock)

        answer = await press_refresh(bot, parts[-1])
        refreshed = bot.telegram.bot_messages(ALLOWED_CHAT)
        for message in refreshed:  # the set leaves the chat as a new /balance shows it
            bot.telegram.remove_message(ALLOWED_CHAT, int(message["message_id"]))
        expected = [m.plain_text for m in await balance_reply(bot)]

    assert answer.text == "Up to date"
    assert [str(m["text"]) for m in refreshed] == expected
    assert expected != before
    assert expected[-1].splitlines()[-1] == "Updated 08:03 (Istanbul)"
    assert [m.get("reply_markup") is not None for m in refreshed] == [
        index == len(refreshed) - 1 for index in range(len(refreshed))
    ]
    assert "went wrong" not in " ".join(m.plain_text for m in sent_to(bot, ALLOWED_CHAT))


@pytest.mark.usefixtures("without_jobs")
@pytest.mark.parametrize("state", ["deleted", "too old to edit"])
async def test_refresh_on_a_message_that_cannot_be_edited_sends_the_figures_anew(
    cache_clock: ManualMonotonic, bot: BotHarness, state: str
) -> None:
    [reply] = await balance_reply(bot)
    if state == "deleted":
        bot.telegram.remove_message(ALLOWED_CHAT, reply.message_id)
    else:
        bot.telegram.freeze_message(ALLOWED_CHAT, reply.message_id)
    bot.exchange.set_balance("USDT", "2000")
    bot.clock.advance(minutes=3)
    expire_cache(cache_clock)
    since = len(bot.telegram.sent)

    answer = await press_refresh(bot, reply)
    [fresh] = await bot.telegram.wait_for_messages(
        ALLOWED_CHAT, since=since, timeout=REPLY_TIMEOUT_S
    )

    assert answer.text == "Up to date"
    assert fresh.method == "sendMessage"
    assert "USDT    2,000.00      83,000.00" in fresh.plain_text
    assert fresh.plain_text.splitlines()[-1] == "Updated 08:03 (Istanbul)"
    assert fresh.reply_markup == reply.reply_markup
    assert bot.telegram.sent[since:] == [fresh]  # no "Something went wrong"


# --- DATA_DIR deleted while the bot runs --------------------------------------------------------


async def run_poll_job(bot: BotHarness) -> None:
    """Run the scheduled poll job once, as the job queue would."""
    context = SimpleNamespace(application=bot.application)
    await jobs.poll_balances(cast(ContextTypes.DEFAULT_TYPE, context))


@pytest.mark.usefixtures("without_jobs")
async def test_a_deleted_data_dir_is_reported_and_no_write_is_confirmed(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = services_of(bot).settings.data_dir
    [created] = await bot.ask("/alert btc below 5")
    assert created.plain_text.startswith("✅ Alert #1")
    await run_poll_job(bot)
    assert healthcheck.check({"DATA_DIR": str(data_dir)}, bot.clock())[0] == 0

    shutil.rmtree(data_dir)
    with caplog.at_level(logging.ERROR):
        [refused] = await bot.ask("/alert btc above 20")
        with pytest.raises(StoreError):
            await run_poll_job(bot)

    assert not refused.plain_text.startswith("✅"), refused.plain_text
    assert "could not be saved" in refused.plain_text
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(str(data_dir / "bot.sqlite3") in line and "deleted" in line for line in errors)
    assert not data_dir.exists()  # the heartbeat did not recreate it
    code, reason = healthcheck.check({"DATA_DIR": str(data_dir)}, bot.clock())
    assert code == 1, reason
    assert str(data_dir) in reason
