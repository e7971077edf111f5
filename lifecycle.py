"""Run the bot until told to stop: storage first, one bot per DATA_DIR, Telegram with retries.

Shared by `bot.py` (the real bot) and `demo.py` (the same bot on simulated servers).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from app import build_application, open_database, running
from config import Settings
from store.lock import data_dir_lock

log = logging.getLogger("bot")

MAX_CONNECT_DELAY_S = 60.0


async def run_bot(settings: Settings, stop: asyncio.Event) -> None:
    """Run the bot until `stop` is set, then shut it down cleanly."""
    database = await open_database(settings)  # before anything else: a bad disk fails fast
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(data_dir_lock(settings.data_dir))  # one bot per DATA_DIR
            application = build_application(settings, database=database)
            connected = await connect_to_telegram(application, stop)
        except BaseException:
            await database.close()
            raise
        if not connected:
            await database.close()
            return
        async with running(application):
            log.info("bot started; %d chat(s) allowed", len(settings.allowed_chat_ids))
            await stop.wait()
            log.info("stopping")
        log.info("stopped")


async def connect_to_telegram(application: Application, stop: asyncio.Event) -> bool:  # type: ignore[type-arg]
    """Initialise the bot, retrying while Telegram is unreachable; False if stopped first."""
    delay = 1.0
    while not stop.is_set():
        try:
            await application.initialize()
        except InvalidToken:
            raise
        except NetworkError as error:
            log.warning("cannot reach Telegram (%s); retrying in %.0f s", error, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, MAX_CONNECT_DELAY_S)
        else:
            return True
    return False
