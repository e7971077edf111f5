"""Faults in what the bot receives: group joins, edited commands, unreadable updates, a refused
token and floods of strangers. The bot keeps receiving, runs each command once and keeps its
refusals from ever delaying the chats it serves."""

from __future__ import annotations

import pytest

from core.locales import tr
from tests.e2e.conftest import ALLOWED_CHAT, BotHarness, services_of
from tests.faults.conftest import UpdateTracker

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("without_jobs")]

STRANGE_GROUP = -1009876543210
BOT_USERNAME = "btcturk_demo_bot"
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
