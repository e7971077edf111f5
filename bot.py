"""Entry point: `python bot.py` runs the bot; `--demo` runs it on simulated servers."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable

from dotenv import load_dotenv

from app import build_application, running
from config import ConfigError, Settings, load_settings
from logs import configure_logging

log = logging.getLogger("bot")

EXIT_CONFIG = 2


async def run_bot(settings: Settings, stop: asyncio.Event) -> None:
    """Run the bot until `stop` is set, then shut it down cleanly."""
    async with running(build_application(settings)):
        log.info("bot started; %d chat(s) allowed", len(settings.allowed_chat_ids))
        await stop.wait()
        log.info("stopping")


async def run_until_signal(main: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run `main(stop)` and set `stop` on SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
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
    asyncio.run(run_until_signal(lambda stop: run_bot(settings, stop)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
