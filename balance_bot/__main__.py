"""Entry point: `python bot.py` runs the bot; `--demo` runs it on simulated servers; `--check`
tests the settings (the token, the chats, BTCTurk's clock, the key's permissions) and exits."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable

from telegram.error import InvalidToken

from balance_bot.config import ConfigError, load_settings, missing_env_file, read_environment
from balance_bot.lifecycle import BadBotApiAnswer, run_bot
from balance_bot.logs import configure_logging
from balance_bot.store.database import StoreError

log = logging.getLogger("bot")

EXIT_CONFIG = 2
EXIT_STORAGE = 1
BOTFATHER_HINT = "Telegram refused it; check it with @BotFather"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


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
    parser.add_argument(
        "--check",
        action="store_true",
        help="test the settings in .env (token, chats, clock, the key's permissions) and exit",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start the bot (or the demo) and return the process exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.demo:
        from balance_bot.demo import run_demo

        return run_demo()
    if args.check:
        from balance_bot.check import run_check

        try:
            env = read_environment(os.environ)
        except ConfigError as error:
            print(f"Configuration error: {error}", file=sys.stderr)
            return EXIT_CONFIG
        return run_check(env, sys.stdout, sys.stderr)
    try:
        settings = load_settings(read_environment(os.environ))
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        if error.missing and (note := missing_env_file(os.environ)) is not None:
            print(note, file=sys.stderr)
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
    except BadBotApiAnswer as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    return 0


if __name__ == "__main__":
    sys.exit(main())
