"""The command menu, published in every language: each on its own, each retried.

The menu is cosmetic and published off the start-up path. Telegram failing one language
(a 5xx, a timeout, a 429) holds up neither start-up nor the other languages: that one is
asked again after 1 s, 2 s, 4 s … up to MENU_TRIES times. A 400 would repeat: it is logged
and not retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, BotCommand
from telegram.error import BadRequest, RetryAfter, TelegramError

from balance_bot.core.commands import Command
from balance_bot.core.i18n import LANGUAGES, get_lang
from balance_bot.telegram_io.rate_limit import retry_after_s

log = logging.getLogger(__name__)

MENU_TRIES = 6  # 1 + 2 + 4 + 8 + 16 s: about half a minute of Telegram trouble
FIRST_RETRY_S = 1.0

Sleep = Callable[[float], Awaitable[None]]


async def publish_menus(
    bot: Bot,
    default_language: str,
    commands: Sequence[Command],
    *,
    sleep: Sleep = asyncio.sleep,
) -> int:
    """Publish the menu of `commands` in every language (the default one for everyone else)
    at once; return how many were published."""
    codes = (None, *LANGUAGES)
    done = await asyncio.gather(
        *(_publish(bot, code, default_language, commands, sleep) for code in codes)
    )
    return sum(done)


async def _publish(
    bot: Bot, code: str | None, default_language: str, commands: Sequence[Command], sleep: Sleep
) -> bool:
    """Publish one language's menu, retrying what may pass; return whether it was."""
    lang = get_lang(code or default_language)
    menu = [BotCommand(command.name, command.description(lang)) for command in commands]
    which = code or "default"
    delay_s = FIRST_RETRY_S
    for attempt in range(1, MENU_TRIES + 1):
        try:
            await bot.set_my_commands(menu, language_code=code)
            return True
        except BadRequest as error:
            log.error("Telegram refused the %s command menu: %s", which, error)
            return False
        except TelegramError as error:
            if attempt == MENU_TRIES:
                log.warning("the %s command menu was not published (%s); given up", which, error)
                return False
            wait_s = retry_after_s(error) if isinstance(error, RetryAfter) else delay_s
            log.warning(
                "the %s command menu was not published (%s); again in %.0f s", which, error, wait_s
            )
            await sleep(wait_s)
            delay_s *= 2
    return False
