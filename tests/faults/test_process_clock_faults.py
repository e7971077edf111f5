"""Process, clock and storage faults: a closed terminal, a second bot on the same DATA_DIR, a
deleted DATA_DIR, a wall clock that steps, and a Refresh button whose message cannot be edited."""

from __future__ import annotations

import logging
import re
import shutil
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from balance_bot import healthcheck
from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.telegram import FakeTelegram, SentMessage
from balance_bot.fakes.telegram_types import AnsweredCallback
from balance_bot.handlers import jobs
from balance_bot.handlers.context import BotContext
from balance_bot.services.clock_steps import current_boot
from balance_bot.store.database import StoreError
from tests.e2e.conftest import (
    ALLOWED_CHAT,
    ALLOWED_GROUP,
    REPLY_TIMEOUT_S,
    STRANGER,
    BotHarness,
    poll,
    sent_to,
    services_of,
)
from tests.faults.conftest import START_TIMEOUT_S, Launcher, UpdateTracker, base_env, expire_cache
from tests.faults.test_process_faults import STOP_WITHIN_S, started_polling, until
from tests.faults.test_telegram_faults import large_account
from tests.kit.clocks import ManualMonotonic
from tests.kit.wiring import BotWiring

StartBot = Callable[[Settings], Any]

pytestmark = pytest.mark.faults


@pytest.mark.slow
async def test_sighup_stops_the_bot_in_order_and_exits_0(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    if signal.getsignal(signal.SIGHUP) is signal.SIG_IGN:
        pytest.skip("run under nohup: the bot inherits SIGHUP ignored, and keeps it so")
    bot = await launcher.start(base_env(exchange, telegram, tmp_path / "data"))
    await until(bot, started_polling(telegram))

    bot.send(signal.SIGHUP)

    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0
    stderr = bot.stderr()
    assert "SIGHUP" in stderr
    assert "stopped" in stderr
    assert "Traceback" not in stderr


@pytest.mark.slow
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


@pytest.mark.slow
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


async def press_refresh(
    bot: BotHarness, message: SentMessage, *, data: str | None = None
) -> AnsweredCallback:
    """Press the Refresh button under `message` (or one with forged `data`); return the answer."""
    assert message.reply_markup is not None
    [[button]] = message.reply_markup["inline_keyboard"]
    answered = len(bot.telegram.answered_callbacks)
    bot.telegram.send_callback(
        message.chat_id, data or button["callback_data"], message_id=message.message_id
    )
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
async def test_a_forged_refresh_in_a_group_deletes_no_members_message(bot: BotHarness) -> None:
    [reply] = await bot.ask("/balance", chat_id=ALLOWED_GROUP, chat_type="supergroup")
    member_says = bot.telegram.send_text(
        ALLOWED_GROUP, "hello", user_id=STRANGER, chat_type="supergroup"
    )
    await UpdateTracker(bot.application).wait_done([member_says])
    member_message = reply.message_id + 1
    assert (bot.telegram.message(ALLOWED_GROUP, member_message) or {}).get("text") == "hello"

    await press_refresh(bot, reply, data=f"refresh:@{member_message}")

    assert bot.telegram.deleted == []
    assert bot.telegram.message(ALLOWED_GROUP, member_message) is not None
    [marker, fresh] = bot.telegram.bot_messages(ALLOWED_GROUP)
    assert marker["text"] == "🔄 Updated figures below."
    assert str(fresh["text"]).startswith("💼 Portfolio")


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
    """Run the scheduled poll job once, as its periodic task does."""
    await jobs.poll_balances(BotContext(bot.application))


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


# --- the wall clock steps -------------------------------------------------------------------


@dataclass
class SteppedTime:
    """time.time() off by `step_s`, for the exchange client's stamps."""

    step_s: float = 0.0

    def __call__(self) -> float:
        return time.time() + self.step_s


@pytest.fixture
def stepped_client_clock(wiring: BotWiring) -> SteppedTime:
    """Build the bot's exchange client on a wall clock the test can step."""
    wall = SteppedTime()
    wiring.use(exchange_time=wall)
    return wall


async def polls_after(bot: BotHarness, count: int) -> None:
    """Wait until the scheduled poll has run `count` more times."""
    target = bot.exchange.calls["balances"] + count
    await bot.exchange.wait_until(
        lambda: bot.exchange.calls["balances"] >= target,
        timeout=REPLY_TIMEOUT_S,
        what=f"{count} more scheduled polls",
    )


async def test_scheduled_polls_keep_their_pace_when_the_wall_clock_steps_back(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    # The jobs run on the event loop's monotonic clock: a step of the wall clock (the bot's
    # clock here) neither stops them for an hour nor bunches them.
    async with start_bot(make_settings(POLL_INTERVAL_SECONDS="1")) as bot:
        await polls_after(bot, 1)

        bot.clock.step(hours=-1)

        await polls_after(bot, 2)  # within seconds, not after an hour
        assert bot.application.running


def elapse(bot: BotHarness, boot: ManualMonotonic, **delta: float) -> None:
    """Let real time pass: the wall clock and the boot clock move together."""
    bot.clock.advance(**delta)
    boot.now += timedelta(**delta).total_seconds()


async def summaries_now(bot: BotHarness) -> int:
    """Run the daily summary check once; return how many chats it queued a summary for."""
    return await services_of(bot).summaries.send_due()


@pytest.mark.usefixtures("without_jobs")
async def test_a_step_back_across_midnight_repeats_no_summary(
    boot_clock: ManualMonotonic, bot: BotHarness
) -> None:
    elapse(bot, boot_clock, hours=1, seconds=1)  # 09:00:01
    assert await summaries_now(bot) == 2

    bot.clock.advance(hours=-10)  # yesterday 23:00:01, after yesterday's summary time
    elapse(bot, boot_clock, minutes=5)
    stepped_back = await summaries_now(bot)
    bot.clock.advance(hours=10)  # corrected
    elapse(bot, boot_clock, minutes=5)
    corrected = await summaries_now(bot)
    elapse(bot, boot_clock, days=1)  # the next day's summary still comes
    next_day = await summaries_now(bot)

    assert (stepped_back, corrected, next_day) == (0, 0, 2)


@pytest.mark.usefixtures("without_jobs")
async def test_a_day_ahead_then_corrected_neither_repeats_nor_skips_a_summary(
    boot_clock: ManualMonotonic, bot: BotHarness
) -> None:
    elapse(bot, boot_clock, hours=1, seconds=1)  # 09:00:01
    assert await summaries_now(bot) == 2
    elapse(bot, boot_clock, hours=1)

    bot.clock.advance(days=1)  # a wrong clock: tomorrow 10:00
    ahead = await summaries_now(bot)
    elapse(bot, boot_clock, minutes=10)
    bot.clock.advance(days=-1)  # corrected: today 10:10
    corrected = await summaries_now(bot)
    elapse(bot, boot_clock, hours=22, minutes=50)  # tomorrow 09:00:01
    next_day = await summaries_now(bot)

    assert (ahead, corrected, next_day) == (0, 0, 2)


@pytest.mark.usefixtures("without_jobs")
async def test_a_step_back_of_an_hour_after_the_summary_repeats_none(
    boot_clock: ManualMonotonic, bot: BotHarness
) -> None:
    elapse(bot, boot_clock, hours=1, seconds=1)  # 09:00:01
    assert await summaries_now(bot) == 2

    bot.clock.advance(hours=-1)
    elapse(bot, boot_clock, hours=1, minutes=1)  # 09:01:01 again

    assert await summaries_now(bot) == 0
    await poll(bot)
    assert len(sent_to(bot, ALLOWED_CHAT, "☀️ Good morning")) == 1


async def test_the_summary_goes_out_seconds_after_its_time_not_half_a_minute(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(POLL_INTERVAL_SECONDS="1")) as bot:
        await polls_after(bot, 3)  # every job has run at least once
        since = len(bot.telegram.sent)

        bot.clock.advance(hours=1)  # 09:00:00, the summary time

        # Well under the 30 s the check once waited between two looks at the clock.
        [summary] = await bot.telegram.wait_for_messages(
            ALLOWED_CHAT, since=since, timeout=REPLY_TIMEOUT_S
        )
    assert summary.plain_text.startswith("☀️ Good morning")


@pytest.mark.usefixtures("without_jobs")
async def test_status_does_not_show_a_clock_offset_measured_before_the_clock_stepped(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    stepped_client_clock: SteppedTime,
) -> None:
    async with (
        FakeBtcTurk(clock_offset_s=120.0) as skewed,
        start_bot(make_settings(BTCTURK_API_URL=skewed.base_url)) as bot,
    ):
        assert (await poll(bot)).succeeded  # "Invalid Nonce", measured: 120 s behind
        [before] = await bot.ask("/status")
        stepped_client_clock.step_s = 120.0  # NTP corrects this server's clock
        [stepped] = await bot.ask("/status")
        assert (await poll(bot)).succeeded
        [after] = await bot.ask("/status")

    behind = re.compile(r"1(19\.9|20\.0|20\.1) s behind")
    assert behind.search(before.plain_text), before.plain_text
    assert not behind.search(stepped.plain_text), stepped.plain_text
    assert "stepped" in stepped.plain_text
    assert "🕒" not in after.plain_text  # measured again: the clocks agree now
    assert skewed.auth_failures == 1  # the new offset was measured before a stamp was refused


@pytest.mark.usefixtures("without_jobs")
async def test_signed_requests_pass_after_the_clock_steps_back_an_hour(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    stepped_client_clock: SteppedTime,
) -> None:
    passed = SteppedTime()  # real time, plus the seconds the test lets pass
    async with (
        FakeBtcTurk(clock=passed) as exchange,
        start_bot(make_settings(BTCTURK_API_URL=exchange.base_url)) as bot,
    ):
        assert (await poll(bot)).succeeded

        stepped_client_clock.step_s = -3600.0
        first = await poll(bot)
        passed.step_s = 10.0  # ten seconds later, on both sides
        stepped_client_clock.step_s = 10.0 - 3600.0
        later = await poll(bot)

    assert first.succeeded
    assert later.succeeded


def health_of(bot: BotHarness) -> tuple[int, str]:
    """Return what the container's health check says of the bot now, by the bot's wall clock."""
    settings = services_of(bot).settings
    env = {"DATA_DIR": str(settings.data_dir), "POLL_INTERVAL_SECONDS": "1"}
    return healthcheck.check(env, bot.clock(), current_boot())


async def test_change_alerts_and_health_go_on_after_the_clock_steps_back_an_hour(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    settings = make_settings(POLL_INTERVAL_SECONDS="1", EXPLAIN_CHANGES="true")
    async with start_bot(settings) as bot:
        await jobs.poll_balances(BotContext(bot.application))  # the baseline and a heartbeat,
        # as the scheduled poll leaves them; the scheduled polls take over from here

        bot.clock.step(hours=-1)  # NTP steps the wall clock back an hour
        stepped = health_of(bot)  # before any poll since the step
        bot.exchange.set_balance("USDT", "2000")
        await bot.telegram.wait_until(
            lambda: bool(sent_to(bot, ALLOWED_CHAT, "🔔 Balance changed")),
            timeout=REPLY_TIMEOUT_S,
            what="the change alert",
        )
        await polls_after(bot, 1)
        after = health_of(bot)

    assert stepped[0] == 0, stepped
    assert after[0] == 0, after
    [alert] = sent_to(bot, ALLOWED_CHAT, "🔔 Balance changed")
    assert "USDT" in alert.plain_text


@pytest.mark.usefixtures("without_jobs")
async def test_a_retry_stays_due_seconds_later_when_the_clock_steps_back(bot: BotHarness) -> None:
    await poll(bot)
    bot.telegram.fail_chat_next(ALLOWED_CHAT, status=502, description="Bad Gateway")
    bot.exchange.set_balance("USDT", "2000")
    await poll(bot)  # the alert's send fails: it is due again 2 s later
    assert sent_to(bot, ALLOWED_CHAT, "🔔 Balance changed") == []

    bot.clock.step(hours=-1)
    bot.clock.advance(seconds=3)
    await services_of(bot).deliverer.deliver_due()

    assert len(sent_to(bot, ALLOWED_CHAT, "🔔 Balance changed")) == 1


@pytest.mark.usefixtures("without_jobs")
async def test_an_outage_is_told_after_two_minutes_though_the_clock_stepped_back(
    bot: BotHarness,
) -> None:
    await poll(bot)
    bot.exchange.inject("maintenance", times=3 * 3)
    await poll(bot)  # 08:00, the first failure
    bot.clock.step(hours=-1)
    bot.clock.advance(minutes=1)
    await poll(bot)
    bot.clock.advance(minutes=1, seconds=30)
    await poll(bot)  # the third failure, two and a half minutes after the first

    assert len(sent_to(bot, ALLOWED_CHAT, "⏳ Cannot reach BTCTurk since 07:00")) == 1
