"""Groups end to end: with ALLOWED_USER_IDS only those users change anything in a group."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.core.refresh_button import REFRESH_PREFIX
from tests.e2e.conftest import ALLOWED_CHAT, ALLOWED_GROUP, BotHarness, services_of
from tests.e2e.test_whitelist import GuardWatch
from tests.kit.wiring import BotWiring

OWNER = ALLOWED_CHAT  # the fake's users write from their own ID; the owner is the demo user
MEMBER = 777001
StartBot = Callable[[Settings], Any]
REFUSED = "🔒 Only the bot's owners can change its settings in this group."


@pytest.fixture(autouse=True)
def without_scheduled_jobs(wiring: BotWiring) -> None:
    """No scheduled poll or summary: every message comes from a command."""
    wiring.jobs = False


def in_group(bot: BotHarness, text: str, user_id: int) -> int:
    return bot.telegram.send_text(ALLOWED_GROUP, text, user_id=user_id, chat_type="supergroup")


async def test_a_member_without_rights_is_refused_for_alert_but_answered_for_balance(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(ALLOWED_USER_IDS=str(OWNER))) as bot:
        watch = GuardWatch(bot)
        [refusal] = await bot.ask(
            "/alert BTC below 5", chat_id=ALLOWED_GROUP, chat_type="supergroup", user_id=MEMBER
        )
        again = [in_group(bot, "/alert BTC below 4", MEMBER), in_group(bot, "/mute", MEMBER)]
        await watch.wait_guarded(again)
        [balance] = await bot.ask(
            "/balance", chat_id=ALLOWED_GROUP, chat_type="supergroup", user_id=MEMBER
        )
        alerts = await services_of(bot).store.alerts_for_chat(ALLOWED_GROUP)
        [created] = await bot.ask(
            "/alert BTC below 5", chat_id=ALLOWED_GROUP, chat_type="supergroup", user_id=OWNER
        )

    assert refusal.plain_text.startswith(REFUSED)
    assert not re.search(r"\d", refusal.plain_text)  # no figure, no ID
    refusals = [m for m in bot.telegram.sent if m.plain_text.startswith("🔒")]
    assert refusals == [refusal]  # one a member an hour, never a flood
    assert alerts == []
    assert balance.plain_text.startswith("💼 Portfolio: ")
    assert created.plain_text.startswith("✅ Alert #")


async def test_with_group_members_none_a_member_is_not_answered_even_for_balance(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    settings = make_settings(ALLOWED_USER_IDS=str(OWNER), GROUP_MEMBERS="none")
    async with start_bot(settings) as bot:
        [refusal] = await bot.ask(
            "/balance", chat_id=ALLOWED_GROUP, chat_type="supergroup", user_id=MEMBER
        )
        [answer] = await bot.ask(
            "/balance", chat_id=ALLOWED_GROUP, chat_type="supergroup", user_id=OWNER
        )

    assert refusal.plain_text == "🔒 In this group the bot answers only its owners."
    assert answer.plain_text.startswith("💼 Portfolio: ")
    assert bot.exchange.calls["balances"] == 1  # the owner's, not the member's


async def test_without_allowed_user_ids_every_member_acts_as_before(bot: BotHarness) -> None:
    [created] = await bot.ask(
        "/alert BTC below 5", chat_id=ALLOWED_GROUP, chat_type="supergroup", user_id=MEMBER
    )

    assert created.plain_text.startswith("✅ Alert #")


async def test_private_chats_are_not_affected(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(ALLOWED_USER_IDS=str(MEMBER))) as bot:
        [created] = await bot.ask("/alert BTC below 5")

    assert created.plain_text.startswith("✅ Alert #")


async def test_a_member_may_read_the_settings_but_not_change_them(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(ALLOWED_USER_IDS=str(OWNER))) as bot:
        [settings] = await bot.ask(
            "/settings", chat_id=ALLOWED_GROUP, chat_type="supergroup", user_id=MEMBER
        )
        [refusal] = await bot.ask(
            "/notify@" + bot.telegram.bot_username + " changes off",
            chat_id=ALLOWED_GROUP,
            chat_type="supergroup",
            user_id=MEMBER,
        )
        [levels] = await bot.ask(
            "/notify", chat_id=ALLOWED_GROUP, chat_type="supergroup", user_id=MEMBER
        )
        stored = await services_of(bot).store.chat_settings(ALLOWED_GROUP)

    assert settings.plain_text.startswith("⚙️ Settings of this chat")
    assert refusal.plain_text.startswith(REFUSED)
    assert stored.notify == {}
    assert levels.plain_text.startswith("🔔 Notifications in this chat")  # alone, it only shows


async def test_with_group_members_none_a_member_s_button_press_is_answered_briefly(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    settings = make_settings(ALLOWED_USER_IDS=str(OWNER), GROUP_MEMBERS="none")
    async with start_bot(settings) as bot:
        watch = GuardWatch(bot)
        [answer] = await bot.ask(
            "/balance", chat_id=ALLOWED_GROUP, chat_type="supergroup", user_id=OWNER
        )
        reads = bot.exchange.calls["balances"]
        pressed = bot.telegram.send_callback(
            ALLOWED_GROUP, REFRESH_PREFIX, message_id=answer.message_id, user_id=MEMBER
        )
        await watch.wait_guarded([pressed])

    [callback] = bot.telegram.answered_callbacks
    assert callback.text == "🔒 Only the bot's owners can do that here."
    assert bot.exchange.calls["balances"] == reads
