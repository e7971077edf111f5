"""`python -m balance_bot --check` (`make check`): test `.env` before going live.

Reads the settings as the bot does, checks the token, the chats, BTCTurk's clock and the key's
permissions (services/key_check.py), prints one line per check in the bot's language, and
returns the exit code core/key_check.py names: 0 ready, 1 cannot run, 2 a bad setting, 3 runs
but fix first. Nothing is sent to any chat; nothing is written to DATA_DIR. Its output is the
report alone: the probes' log lines go nowhere, unless LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Mapping
from typing import TextIO

import aiohttp
from telegram import Bot

from balance_bot.config import ConfigError, Settings, load_settings, missing_env_file
from balance_bot.core.i18n import View, get_lang
from balance_bot.core.key_check import EXIT_CONFIG, exit_code
from balance_bot.core.texts.key_check import key_check_report
from balance_bot.logs import configure_logging
from balance_bot.services.key_check import check_settings
from balance_bot.store.store import utc_now
from balance_bot.telegram_io.request import AiohttpRequest


def run_check(env: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    """Check the settings of `env`, print what was found to `out`; return the exit code."""
    try:
        settings = load_settings(env)
    except ConfigError as error:
        print(f"Configuration error: {error}", file=err)
        if error.missing and (note := missing_env_file(env)) is not None:
            print(note, file=err)
        return EXIT_CONFIG
    quiet_logs(settings)
    return asyncio.run(check(settings, out))


def quiet_logs(settings: Settings) -> None:
    """Keep the probes' log lines out of the report: the check's output is its report alone,
    unless LOG_LEVEL=DEBUG, which logs everything to stderr as the bot does."""
    if settings.log_level == "DEBUG":
        configure_logging("DEBUG", settings.secrets, settings.log_format)
    else:
        logging.getLogger().handlers[:] = [logging.NullHandler()]


async def check(settings: Settings, out: TextIO) -> int:
    """Run the check against the servers the settings name; print it; return the exit code."""
    timeout = aiohttp.ClientTimeout(
        total=settings.btcturk_timeout_s, connect=min(5.0, settings.btcturk_timeout_s)
    )
    bot = Bot(
        settings.telegram_bot_token,
        base_url=settings.telegram_base_url,
        request=AiohttpRequest(connection_pool_size=2),
    )
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            report = await check_settings(settings, session, bot)
    finally:
        await bot.shutdown()
    view = View(get_lang(settings.language), settings.timezone, utc_now())
    text = key_check_report(report, settings.poll_interval_s, view)
    print(html.unescape(text), file=out, flush=True)  # a terminal, not Telegram's HTML
    return exit_code(report)
