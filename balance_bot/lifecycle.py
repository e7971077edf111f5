"""Run the bot: open what it holds in order, close it in reverse, whatever ends it.

`open_bot()` is the one way to a running bot, for `bot.py`, the demo, the benchmark and the
tests alike. It opens, in this order, and closes in reverse (after a failed start, on a stop,
on cancellation):

    1. the database (first: a bad disk fails fast)
    2. DATA_DIR's lock (one bot per DATA_DIR)
    3. the services (services/wiring.py): the store's reads, then the HTTP session of the
       exchange client, the live feed and the chart server
    4. Telegram's sessions: `initialize()` (getMe), asked again while Telegram is unreachable
    5. the Application, its jobs, the command menus and polling (app.py `serving()`)

Every clock, sleep and timeout comes from the `Wiring` it is given (services/wiring.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from balance_bot.app import build_application, serving, telegram_link
from balance_bot.config import Settings
from balance_bot.services.clocks import Sleep
from balance_bot.services.context import Services
from balance_bot.services.wiring import PRODUCTION, Wiring, open_services
from balance_bot.store.lock import data_dir_lock

log = logging.getLogger("bot")

DATABASE_NAME = "bot.sqlite3"
MAX_CONNECT_DELAY_S = 60.0
# What python-telegram-bot raises building its objects from an answer that lacks fields.
UNREADABLE_ANSWER = (TypeError, KeyError, ValueError, AttributeError)


class BadBotApiAnswer(Exception):
    """The Bot API's answer at start-up is not what Telegram sends; the message says which."""


@dataclass(frozen=True, slots=True)
class RunningBot:
    """A bot `open_bot()` started: its Application and the services it was handed."""

    application: Application  # type: ignore[type-arg]
    services: Services


@contextlib.asynccontextmanager
async def open_bot(settings: Settings, wiring: Wiring = PRODUCTION) -> AsyncIterator[RunningBot]:
    """Open the database, the lock, the services and Telegram's sessions, start the bot, and
    close them all in reverse when the block ends, or when a step fails or is cancelled.

    StoreError when the database or the lock cannot be had; InvalidToken or BadBotApiAnswer
    when Telegram refuses the token or is no Bot API server.
    """
    async with contextlib.AsyncExitStack() as stack:
        database = await wiring.open_database(settings.data_dir / DATABASE_NAME)
        stack.push_async_callback(database.close)
        stack.enter_context(data_dir_lock(settings.data_dir))
        telegram = telegram_link(settings, wiring)
        services = await stack.enter_async_context(
            open_services(
                settings,
                telegram.bot,
                database,
                wiring=wiring,
                congested=telegram.limiter.congested,
            )
        )
        application = build_application(settings, telegram, services, clocks=wiring.clocks)
        stack.push_async_callback(_close_telegram, application)
        await connect_to_telegram(application, wiring.clocks.connect_retry)
        await stack.enter_async_context(
            serving(application, services, clocks=wiring.clocks, jobs=wiring.jobs)
        )
        yield RunningBot(application, services)


async def _close_telegram(application: Application) -> None:  # type: ignore[type-arg]
    """Close Telegram's sessions, those a getMe that failed opened too."""
    await application.shutdown()  # nothing, unless `initialize()` went through
    await application.bot.shutdown()  # nothing, unless a getMe that failed opened them


async def connect_to_telegram(application: Application, sleep: Sleep) -> None:  # type: ignore[type-arg]
    """Initialise the bot, asking again (1 s, 2 s … a minute apart) while Telegram is
    unreachable: until it answers, or the caller cancels.

    InvalidToken when Telegram refuses the token; BadBotApiAnswer when its answer to getMe
    lacks what every Bot API server sends.
    """
    delay = 1.0
    while True:
        try:
            await application.initialize()
        except InvalidToken:
            raise
        except UNREADABLE_ANSWER as error:
            raise BadBotApiAnswer(_unreadable(error)) from error
        except NetworkError as error:
            log.warning("cannot reach Telegram (%s); retrying in %.0f s", error, delay)
            await sleep(delay)
            delay = min(delay * 2, MAX_CONNECT_DELAY_S)
        else:
            return


async def run_bot(settings: Settings, stop: asyncio.Event, wiring: Wiring = PRODUCTION) -> None:
    """Run the bot until `stop` is set, then shut it down cleanly.

    A stop before the bot started (Telegram still unreachable) cancels the start-up; either
    way, everything opened is closed.
    """
    started = asyncio.Event()

    async def run() -> None:
        async with open_bot(settings, wiring):
            started.set()
            log.info("bot started; %d chat(s) allowed", len(settings.allowed_chat_ids))
            await stop.wait()
            log.info("stopping")
        log.info("stopped")

    loop = asyncio.get_running_loop()
    task = loop.create_task(run(), name="bot")
    stopping = loop.create_task(stop.wait(), name="bot:stop")
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        task.cancel()
        await asyncio.wait({task})  # everything closed, then the cancellation goes on
        raise
    finally:
        stopping.cancel()
    if not started.is_set():
        task.cancel()  # stopped while starting (Telegram unreachable): give the start up
    with contextlib.suppress(asyncio.CancelledError):
        await task


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
