"""The whitelist end to end: strangers reach no handler, whatever kind of update they send."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from typing import Any

import pytest
from telegram import Update
from telegram.ext import BaseHandler, CallbackContext, TypeHandler

from balance_bot.core.refresh_button import REFRESH_PREFIX
from balance_bot.fakes.telegram import SentMessage
from balance_bot.telegram_io.access import GUARD_GROUP, AccessGuard
from tests.e2e.conftest import ALLOWED_CHAT, ALLOWED_GROUP, REPLY_TIMEOUT_S, STRANGER, BotHarness
from tests.kit.wiring import BotWiring

STRANGE_GROUP = -1009876543210
STRANGE_CHANNEL = -1005555555555
STRANGER_WHO_EDITS = 515151
STRANGER_WHO_PRESSES = 616161
Context = CallbackContext[Any, Any, Any, Any]


@pytest.fixture(autouse=True)
def without_scheduled_jobs(wiring: BotWiring) -> None:
    """Run the bot without its scheduled jobs, so every exchange call comes from an update."""
    wiring.jobs = False


class GuardWatch:
    """Record the updates the guard has finished with, and those that got past it.

    A watcher in the group before the guard's runs the guard's own check and records each
    update once it returned or raised (what the check stops stops there; what it lets through
    is checked again by the guard, which changes nothing); a spy in the group right after the
    guard's records whatever reaches it. The running bot itself is left as it is.
    """

    def __init__(self, bot: BotHarness) -> None:
        self.guarded: list[int] = []
        self.past_guard: list[int] = []
        self._changed = asyncio.Condition()
        [guard] = bot.application.handlers[GUARD_GROUP]
        check = guard.callback

        async def check_then_record(update: object, context: Context) -> Any:
            try:
                return await check(update, context)
            finally:
                await self._record(self.guarded, update)

        application = bot.application
        application.add_handler(TypeHandler(object, check_then_record), group=GUARD_GROUP - 1)
        application.add_handler(TypeHandler(object, self._spy), group=GUARD_GROUP + 1)

    async def _spy(self, update: object, context: Context) -> None:
        await self._record(self.past_guard, update)

    async def _record(self, where: list[int], update: object) -> None:
        async with self._changed:
            where.append(update.update_id if isinstance(update, Update) else -1)
            self._changed.notify_all()

    async def wait_guarded(self, update_ids: Iterable[int]) -> None:
        """Wait until the guard has finished with every one of `update_ids`."""
        wanted = set(update_ids)
        async with asyncio.timeout(REPLY_TIMEOUT_S), self._changed:
            await self._changed.wait_for(lambda: wanted <= set(self.guarded))


@pytest.fixture
def watch(bot: BotHarness) -> GuardWatch:
    return GuardWatch(bot)


def to_chat(bot: BotHarness, chat_id: int) -> list[SentMessage]:
    return [m for m in bot.telegram.sent if m.chat_id == chat_id]


def assert_is_refusal(message: SentMessage, chat_id: int) -> None:
    """Check a refusal: it names the chat's own ID and shows no other number, no figure."""
    text = message.plain_text
    assert text.startswith("⛔ This bot is private.")
    assert re.findall(r"\d+", text) == [str(abs(chat_id))]
    assert str(chat_id) in text
    assert "TRY" not in text
    assert "BTC" not in text.replace("BTCTurk", "")


async def test_no_update_from_a_stranger_reaches_a_handler(
    bot: BotHarness, watch: GuardWatch
) -> None:
    strangers = [
        bot.telegram.send_text(STRANGER, "/balance"),
        bot.telegram.send_text(STRANGE_GROUP, "/balance", chat_type="supergroup"),
        bot.telegram.send_text(STRANGE_GROUP, "what is my balance?", chat_type="supergroup"),
        bot.telegram.send_text(STRANGER_WHO_EDITS, "/balance btc", edited=True),
        bot.telegram.send_callback(STRANGER_WHO_PRESSES, REFRESH_PREFIX, message_id=1),
        bot.telegram.post_channel(STRANGE_CHANNEL, "/balance"),
    ]
    allowed = bot.telegram.send_text(ALLOWED_CHAT, "/help")

    await watch.wait_guarded([*strangers, allowed])
    await bot.telegram.wait_for_messages(ALLOWED_CHAT, timeout=REPLY_TIMEOUT_S)

    assert watch.past_guard == [allowed]  # the spy works, and saw no stranger
    assert bot.exchange.calls["balances"] == 0
    assert bot.exchange.calls["ticker"] == 0
    for message in bot.telegram.sent:
        if message.chat_id != ALLOWED_CHAT:
            assert_is_refusal(message, message.chat_id)


async def test_stranger_is_refused_once_with_their_chat_id_only(
    bot: BotHarness, watch: GuardWatch
) -> None:
    first = bot.telegram.send_text(STRANGER, "/balance")
    await watch.wait_guarded([first])

    [refusal] = to_chat(bot, STRANGER)
    assert_is_refusal(refusal, STRANGER)
    assert refusal.plain_text.count(str(STRANGER)) == 1

    second = bot.telegram.send_text(STRANGER, "/balance")
    await watch.wait_guarded([second])
    assert to_chat(bot, STRANGER) == [refusal]

    [reply] = await bot.ask("/balance")
    assert reply.plain_text.startswith("💼 Portfolio: ")
    assert to_chat(bot, STRANGER) == [refusal]
    [allowed] = watch.past_guard  # only the allowed chat's update got past the guard
    assert allowed not in (first, second)
    assert bot.exchange.calls["balances"] == 1


async def test_stranger_group_command_is_refused_in_the_group(
    bot: BotHarness, watch: GuardWatch
) -> None:
    update_id = bot.telegram.send_text(STRANGE_GROUP, "/balance", chat_type="supergroup")
    await watch.wait_guarded([update_id])

    [refusal] = to_chat(bot, STRANGE_GROUP)
    assert_is_refusal(refusal, STRANGE_GROUP)
    assert watch.past_guard == []
    assert bot.exchange.calls["balances"] == 0


async def test_stranger_callback_is_answered_without_figures(
    bot: BotHarness, watch: GuardWatch
) -> None:
    update_id = bot.telegram.send_callback(STRANGER_WHO_PRESSES, REFRESH_PREFIX, message_id=1)
    await watch.wait_guarded([update_id])

    [answer] = bot.telegram.answered_callbacks
    assert answer.chat_id == STRANGER_WHO_PRESSES
    assert answer.text is not None
    assert answer.text.startswith("⛔")
    assert not re.search(r"\d", answer.text)
    for message in to_chat(bot, STRANGER_WHO_PRESSES):  # at most the hourly refusal
        assert_is_refusal(message, STRANGER_WHO_PRESSES)
    assert watch.past_guard == []
    assert bot.exchange.calls["balances"] == 0


async def test_allowed_group_is_still_answered(bot: BotHarness, watch: GuardWatch) -> None:
    [reply] = await bot.ask("/balance", chat_id=ALLOWED_GROUP, chat_type="supergroup")

    assert reply.plain_text.startswith("💼 Portfolio: ")
    assert len(watch.past_guard) == 1


async def test_the_guard_alone_runs_first_for_every_update(bot: BotHarness) -> None:
    groups = bot.application.handlers
    assert min(groups) == GUARD_GROUP
    [guard] = groups[GUARD_GROUP]
    assert isinstance(guard, TypeHandler)
    assert guard.type is object  # every kind of update, not only telegram.Update
    assert guard.block is not False  # awaited, so ApplicationHandlerStop stops the rest
    assert isinstance(getattr(guard.callback, "__self__", None), AccessGuard)
    others: list[tuple[int, BaseHandler[Any, Any, Any]]] = [
        (group, handler)
        for group, handlers in groups.items()
        for handler in handlers
        if handler is not guard
    ]
    assert others, "no handler besides the guard: nothing was walked"
    for group, handler in others:
        assert group > GUARD_GROUP, f"{handler} in group {group} runs before the guard"
