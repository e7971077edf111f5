"""Entry point: `python bot.py` runs the bot; `--demo` runs it on simulated servers."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable

from dotenv import load_dotenv
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from app import build_application, open_database, running
from config import ConfigError, Settings, load_settings
from logs import configure_logging
from store.database import StoreError
from store.lock import data_dir_lock

log = logging.getLogger("bot")

EXIT_CONFIG = 2
EXIT_STORAGE = 1
MAX_CONNECT_DELAY_S = 60.0
BOTFATHER_HINT = "Telegram refused it; check it with @BotFather"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


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


async def run_until_signal(main: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run `main(stop)` and set `stop` on SIGINT, SIGTERM or SIGHUP (a closed terminal)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal(signum: signal.Signals) -> None:
        log.info("received %s", signum.name)
        stop.set()

    for signum in STOP_SIGNALS:
        if signum == signal.SIGHUP and signal.getsignal(signum) is signal.SIG_IGN:
            continue  # started with nohup: the terminal may close, the bot runs on
        loop.add_signal_handler(signum, on_signal, signum)
    await main(stop)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="Telegram bot for your BTCTurk balances.")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="run against a built-in simulated exchange and chat (no keys, no network)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start the bot (or the demo) and return the process exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.demo:
        from demo import run_demo

        return run_demo()
    load_dotenv()
    try:
        settings = load_settings(os.environ)
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings.log_level, settings.secrets, settings.log_format)
    try:
        asyncio.run(run_until_signal(lambda stop: run_bot(settings, stop)))
    except StoreError as error:
        print(f"Storage error: {error}", file=sys.stderr)
        return EXIT_STORAGE
    except InvalidToken:
        print(f"Configuration error: TELEGRAM_BOT_TOKEN: {BOTFATHER_HINT}", file=sys.stderr)
        return EXIT_CONFIG
    return 0


if __name__ == "__main__":
    sys.exit(main())
