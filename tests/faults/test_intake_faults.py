"""Faults in what the bot receives: group joins, edited commands, unreadable updates, a refused
token and floods of strangers. The bot keeps receiving, runs each command once and keeps its
refusals from ever delaying the chats it serves."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.core.locales import tr
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.seed import DEMO_BOT_TOKEN
from balance_bot.fakes.telegram import FakeTelegram
from balance_bot.fakes.telegram_types import JsonDict
from balance_bot.healthcheck import EXIT_HEALTHY, EXIT_UNHEALTHY, check
from balance_bot.services.heartbeat import write_heartbeat
from balance_bot.telegram_io.rate_limit import ChatRateLimiter
from tests.e2e.conftest import ALLOWED_CHAT, REPLY_TIMEOUT_S, BotHarness, services_of
from tests.faults.conftest import (
    START_TIMEOUT_S,
    Launcher,
    UpdateTracker,
    base_env,
    wait_while_running,
)
from tests.kit.clocks import EndlessSleep, ManualMonotonic, ScaledSleep
from tests.kit.wiring import BotWiring

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("without_jobs")]

STRANGE_GROUP = -1009876543210
BOT_USERNAME = "btcturk_demo_bot"
FIRST_STRANGER = 500_000_001
STRANGERS = 500
REFUSED_TRIES = 1  # after the waiting long poll
STOP_WITHIN_S = 10.0
HELP_START = "👋 BTCTurk balance bot"
EDITED_NOTICE = "Edited commands are not run again: send it as a new message."


def refusals_to(bot: BotHarness, chat_id: int) -> list[str]:
    """Return the refusals the bot sent to `chat_id`."""
    return [m.plain_text for m in bot.telegram.sent if m.chat_id == chat_id]


async def test_joining_a_group_leaves_the_refusal_for_the_command_addressed_to_the_bot(
    bot: BotHarness,
) -> None:
    tracker = UpdateTracker(bot.application)
    joined = bot.telegram.add_to_group(STRANGE_GROUP)  # my_chat_member, new_chat_members
    other_bot = bot.telegram.send_text(STRANGE_GROUP, "/start@otherbot", chat_type="supergroup")
    await tracker.wait_done([*joined, other_bot])
    assert refusals_to(bot, STRANGE_GROUP) == []

    ours = bot.telegram.send_text(STRANGE_GROUP, f"/start@{BOT_USERNAME}", chat_type="supergroup")
    await tracker.wait_done([ours])

    [refusal] = refusals_to(bot, STRANGE_GROUP)
    assert refusal.startswith("⛔")
    assert str(STRANGE_GROUP) in refusal  # the group's ID, negative, for ALLOWED_CHAT_IDS
    assert {*joined, other_bot, ours} <= set(tracker.stopped)
    assert tracker.passed == []


async def test_an_edited_command_is_not_run_again(bot: BotHarness) -> None:
    [created] = await bot.ask("/alert btc below 5")
    assert created.plain_text.startswith("✅ Alert #1")

    since = len(bot.telegram.sent)
    bot.telegram.edit_text(ALLOWED_CHAT, "/alert btc below 4")
    [notice] = await bot.telegram.wait_for_messages(ALLOWED_CHAT, since=since)

    assert notice.plain_text == EDITED_NOTICE
    [alert] = await services_of(bot).store.alerts_for_chat(ALLOWED_CHAT)
    assert alert.amount == 5


async def test_the_edit_notice_is_said_once_per_message_in_the_chat_language(
    bot: BotHarness,
) -> None:
    await bot.ask("/lang tr")
    await bot.ask("/help")
    since = len(bot.telegram.sent)
    bot.telegram.edit_text(ALLOWED_CHAT, "/help")
    [notice] = await bot.telegram.wait_for_messages(ALLOWED_CHAT, since=since)
    assert notice.plain_text == tr.TEXTS["edited_command"]

    tracker = UpdateTracker(bot.application)
    again = bot.telegram.edit_text(ALLOWED_CHAT, "/help ")
    await tracker.wait_done([again])

    assert len(bot.telegram.sent) == since + 1


def warnings_naming(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    """Return the log records at WARNING or above whose message contains `text`."""
    return [r for r in caplog.records if r.levelno >= logging.WARNING and text in r.getMessage()]


@pytest.mark.parametrize("where", ["alone", "before a command"])
async def test_an_unreadable_update_is_skipped_and_logged_once(
    bot: BotHarness, caplog: pytest.LogCaptureFixture, where: str
) -> None:
    caplog.set_level(logging.INFO)
    before = bot.telegram.calls["getUpdates"]
    unreadable = bot.telegram.send_unreadable(ALLOWED_CHAT)
    if where == "alone":
        await bot.telegram.wait_until(
            lambda: bot.telegram.pending_updates == 0,
            timeout=REPLY_TIMEOUT_S,
            what="the unreadable update confirmed",
        )

    [reply] = await bot.ask("/help")

    assert reply.plain_text.startswith(HELP_START)
    assert bot.telegram.calls["getUpdates"] - before <= 5  # not fetched again and again
    [skipped] = [r for r in caplog.records if r.name == "balance_bot.telegram_io.updates_request"]
    assert skipped.getMessage().startswith(f"skipped update {unreadable}: ")
    assert skipped.exc_info is None
    # python-telegram-bot's own report of the failed batch, with its data, comes only once.
    assert len(warnings_naming(caplog, str(unreadable))) <= 2


@pytest.fixture
def token_retry(wiring: BotWiring) -> ScaledSleep:
    """Build the bot with the waits between refused tries a hundred times shorter."""
    retry = ScaledSleep()
    wiring.use(token_retry=retry)
    return retry


async def test_a_refused_token_keeps_polling_reports_unhealthy_and_recovers(
    token_retry: ScaledSleep, bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    data_dir = services_of(bot).settings.data_dir
    health_env = {"DATA_DIR": str(data_dir), "POLL_INTERVAL_SECONDS": "3600"}
    write_heartbeat(data_dir, bot.clock(), ok=True)
    await bot.ask("/help")
    assert check(health_env, bot.clock())[0] == EXIT_HEALTHY

    before = bot.telegram.calls["getUpdates"]
    bot.telegram.refuse_token()  # the long poll waiting now is answered 401, then the retries
    await bot.telegram.wait_until(
        lambda: bot.telegram.calls["getUpdates"] >= before + 2,
        timeout=REPLY_TIMEOUT_S,
        what="getUpdates tried again after a 401",
    )
    while_refused = check(health_env, bot.clock())
    bot.telegram.refuse_token(False)
    refused_calls = bot.telegram.calls["getUpdates"] - before + 1  # and the one waiting
    [reply] = await bot.ask("/help")

    assert reply.plain_text.startswith(HELP_START)
    assert while_refused[0] == EXIT_UNHEALTHY
    assert "refused the bot token" in while_refused[1]
    assert check(health_env, bot.clock())[0] == EXIT_HEALTHY
    told = warnings_naming(caplog, "refused the bot token")
    assert 1 <= len(told) <= refused_calls  # once per try, each after a longer wait
    assert token_retry.delays[:2] == [1.0, 1.5]
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info is not None]
    assert tracebacks == []
    assert DEMO_BOT_TOKEN not in caplog.text


async def test_a_flood_of_strangers_takes_a_small_budget_and_never_delays_the_owner(
    wiring: BotWiring,
    make_settings: Callable[..., Settings],
    start_bot: Callable[[Settings], Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    # 1 ms per reading: the whole flood lasts about a second on the guard's clock.
    wiring.use(guard=ManualMonotonic())
    limiter = RecordingLimiter()
    wiring.rate_limiter = limiter
    async with start_bot(make_settings()) as bot:
        tracker = UpdateTracker(bot.application)
        flood = [bot.telegram.send_text(FIRST_STRANGER + n, "/start") for n in range(STRANGERS)]
        [reply] = await bot.ask("/help")
        await tracker.wait_done(flood, timeout=60)

    refusals = [m for m in bot.telegram.sent if m.chat_id != ALLOWED_CHAT]
    assert reply.plain_text.startswith(HELP_START)
    assert 1 <= len(refusals) <= 3  # one a second, out of a budget of their own
    assert ALLOWED_CHAT in limiter.chats  # the owner's messages are paced by the limiter...
    assert limiter.chats == {ALLOWED_CHAT}  # ...and no refusal queues in it, ahead or behind
    summaries = warnings_naming(caplog, "refusals to strangers")
    assert len(summaries) == 1  # one summary line, not one per stranger


class RecordingLimiter(ChatRateLimiter):
    """The bot's rate limiter, recording the chats of the messages that go through it."""

    def __init__(self) -> None:
        super().__init__()
        self.chats: set[object] = set()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JsonDict | list[JsonDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JsonDict | list[JsonDict]:
        if "chat_id" in data:
            self.chats.add(data["chat_id"])
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


async def test_a_stop_while_the_token_is_refused_ends_the_wait_for_the_next_try(
    wiring: BotWiring, make_settings: Callable[..., Settings], start_bot: Callable[[Settings], Any]
) -> None:
    retry = EndlessSleep()  # the wait before the next try, however long, never ends by itself
    wiring.use(token_retry=retry)
    async with asyncio.timeout(REPLY_TIMEOUT_S), start_bot(make_settings()) as bot:
        await bot.ask("/help")
        bot.telegram.refuse_token()
        await retry.entered()
        refused = bot.telegram.calls["getUpdates"]

    assert retry.delays == [1.0]
    assert retry.cancelled == 1  # the stop ended the wait: it did not run out
    # Then only the short poll the Updater sends as it stops, refused and not waited on.
    assert bot.telegram.calls["getUpdates"] == refused + 1
    assert not bot.application.running


@pytest.mark.slow
async def test_sigterm_while_the_token_is_refused_exits_0_within_10_s(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    bot = await launcher.start(base_env(exchange, telegram, tmp_path / "data"))
    await wait_while_running(
        bot,
        telegram.wait_until(
            lambda: telegram.calls["getUpdates"] >= 1, timeout=START_TIMEOUT_S, what="polling"
        ),
    )
    before = telegram.calls["getUpdates"]
    telegram.refuse_token()
    # The waiting long poll is refused, then one more try a second later; SIGTERM comes in the
    # 1.5 s wait before the next. The in-process test above shows that a stop ends a wait of
    # any length; this one, that SIGTERM reaches it.
    await wait_while_running(
        bot,
        telegram.wait_until(
            lambda: telegram.calls["getUpdates"] >= before + REFUSED_TRIES,
            timeout=START_TIMEOUT_S,
            what=f"{REFUSED_TRIES} refused getUpdates",
        ),
    )

    bot.send(signal.SIGTERM)

    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0
    told = [line for line in bot.stderr().splitlines() if "refused the bot token" in line]
    assert len(told) >= REFUSED_TRIES  # one line per try
    assert DEMO_BOT_TOKEN not in bot.stderr()
