"""Tests for services/menus.py: each language's menu on its own, retried when it may pass."""

from __future__ import annotations

from collections import Counter
from typing import Any, cast

from telegram import Bot
from telegram.error import BadRequest, NetworkError, TelegramError

from balance_bot.handlers.command_table import LISTED
from balance_bot.services.menus import MENU_TRIES, publish_menus
from tests.kit.clocks import RecordedSleep


class MenuBot:
    """Stand in for the Bot: fail each language's first `failures[code]` calls with `error`."""

    def __init__(self, failures: dict[str | None, int], error: TelegramError) -> None:
        self.failures = failures
        self.error = error
        self.calls: Counter[str | None] = Counter()
        self.published: set[str | None] = set()

    async def set_my_commands(self, commands: Any, language_code: str | None = None) -> bool:
        self.calls[language_code] += 1
        if self.calls[language_code] <= self.failures.get(language_code, 0):
            raise self.error
        self.published.add(language_code)
        return True


async def test_a_language_that_fails_twice_is_published_after_1_and_2_s() -> None:
    bot, sleep = MenuBot({"tr": 2}, NetworkError("Bad Gateway")), RecordedSleep()
    assert await publish_menus(cast(Bot, bot), "tr", LISTED, sleep=sleep) == 3
    assert bot.published == {None, "en", "tr"}
    assert sleep.delays == [1.0, 2.0]


async def test_a_language_telegram_keeps_failing_is_given_up_the_others_published() -> None:
    bot, sleep = MenuBot({"en": 99}, NetworkError("Bad Gateway")), RecordedSleep()
    assert await publish_menus(cast(Bot, bot), "tr", LISTED, sleep=sleep) == 2
    assert bot.calls["en"] == MENU_TRIES
    assert bot.published == {None, "tr"}


async def test_a_menu_telegram_refuses_as_bad_is_not_asked_again() -> None:
    bot, sleep = MenuBot({None: 99}, BadRequest("BOT_COMMAND_INVALID")), RecordedSleep()
    assert await publish_menus(cast(Bot, bot), "tr", LISTED, sleep=sleep) == 2
    assert bot.calls[None] == 1
    assert sleep.delays == []
