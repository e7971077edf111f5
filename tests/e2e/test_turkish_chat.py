"""A Turkish chat types and reads Turkish: units, keywords and the words of every answer.

The seeded account: 9.75021866 BTC at 3,500,000 TRY, 1,500.25 USDT at 41.5 TRY.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest

from config import Settings
from tests.e2e.conftest import ALLOWED_CHAT, BotHarness, services_of

StartBot = Callable[[Settings], Any]


@pytest.fixture
async def tr_bot(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> AsyncIterator[BotHarness]:
    """Run the bot with Turkish as the chats' language."""
    async with start_bot(make_settings(LANGUAGE="tr")) as harness:
        yield harness


async def muted_for(bot: BotHarness) -> timedelta | None:
    """Return how long the chat is muted from now, None when it is not."""
    settings = await services_of(bot).store.chat_settings(ALLOWED_CHAT)
    until = settings.muted_until
    return None if until is None else until - bot.clock()


@pytest.mark.parametrize("typed", ["2s", "2sa", "2 saat", "2h"])
async def test_mute_in_hours_as_a_turkish_chat_types_them(tr_bot: BotHarness, typed: str) -> None:
    [reply] = await tr_bot.ask(f"/mute {typed}")
    print(reply.plain_text)
    assert reply.plain_text.startswith("🔕 Değişim bildirimleri")
    assert await muted_for(tr_bot) == timedelta(hours=2)


async def test_a_unit_that_reads_two_ways_in_turkish_is_asked_about(tr_bot: BotHarness) -> None:
    [reply] = await tr_bot.ask("/mute 2d")
    print(reply.plain_text)
    assert reply.plain_text.splitlines() == [
        "⚠️ “2d” iki türlü okunabilir: 2 gün ya da 2 dakika. Kastettiğinizi gönderin:",
        "/mute 2g",
        "/mute 2dk",
    ]
    assert await muted_for(tr_bot) is None
