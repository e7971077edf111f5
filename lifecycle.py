"""Run the bot until told to stop: storage first, one bot per DATA_DIR, Telegram with retries.

Shared by `bot.py` (the real bot) and `demo.py` (the same bot on simulated servers).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from app import build_application, open_database, running
from config import Settings
from store.lock import data_dir_lock

log = logging.getLogger("bot")

MAX_CONNECT_DELAY_S = 60.0
# What python-telegram-bot raises building its objects from an answer that lacks fields.
UNREADABLE_ANSWER = (TypeError, KeyError, ValueError, AttributeError)


class BadBotApiAnswer(Exception):
    """The Bot API's answer at start-up is not what Telegram sends; the message says which."""


async def run_bot(settings: Settings, stop: asyncio.Event) -> None:
    """Run the bot until `stop` is set, then shut it down cleanly.

    Every way out, a failed start-up included, closes the HTTP sessions and the database.
    """
    database = await open_database(settings)  # before anything else: a bad disk fails fast
    try:
        with contextlib.ExitStack() as held:
            held.enter_context(data_dir_lock(settings.data_dir))  # one bot per DATA_DIR
            application = build_application(settings, database=database)
            connected = False
            try:
                connected = await connect_to_telegram(application, stop)
            finally:
                if not connected:
                    await application.bot.shutdown()  # the sessions getMe opened
            if not connected:
                return
            async with running(application):
                log.info("bot started; %d chat(s) allowed", len(settings.allowed_chat_ids))
                await stop.wait()
                log.info("stopping")
            log.info("stopped")
    finally:
        await database.close()


async def connect_to_telegram(application: Application, stop: asyncio.Event) -> bool:  # type: ignore[type-arg]
    """Initialise the bot, retrying while Telegram is unreachable; False if stopped first.

    BadBotApiAnswer when the answer to getMe lacks what every Bot API server sends.
    """
    delay = 1.0
    while not stop.is_set():
        try:
            await application.initialize()
        except InvalidToken:
            raise
        except UNREADABLE_ANSWER as error:
            raise BadBotApiAnswer(_unreadable(error)) from error
        except NetworkError as error:
            log.warning("cannot reach Telegram (%s); retrying in %.0f s", error, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, MAX_CONNECT_DELAY_S)
        else:
            return True
    return False


def _unreadable(error: Exception) -> str:
    """Say what the Bot API's answer to getMe lacks, as far as the error tells."""
    if isinstance(error, KeyError):
        missing = [str(error.args[0])] if error.args else []
    elif isinstance(error, TypeError) and "missing" in str(error):
        missing = re.findall(r"'(\w+)'", str(error))
    else:
        missing = []
    lacks = f"lacks {', '.join(missing)}" if missing else "cannot be read"
    return f"TELEGRAM_API_URL: its answer to getMe {lacks}: is it a Telegram Bot API server?"
