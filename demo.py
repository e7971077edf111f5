"""`python bot.py --demo`: the real bot against the simulated exchange and chat in `fakes/`.

The terminal is the chat: each line typed is sent as a message from a whitelisted chat and
every message the bot sends is printed. With standard input not a terminal, each line is
sent in turn, the replies are printed, and the demo exits.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import threading
from collections.abc import Mapping
from typing import TextIO

from config import CREDENTIAL_VARIABLES, ConfigError, Settings, load_settings
from fakes.console import HELP, run_console_command
from fakes.demo_history import seed_demo_history
from fakes.environment import bot_environment
from fakes.exchange import FakeBtcTurk
from fakes.feed import FakeFeed
from fakes.seed import DEMO_CHAT_ID
from fakes.telegram import FakeTelegram, SentMessage
from lifecycle import open_bot
from logs import configure_logging
from services.heartbeat import heartbeat_path

BANNER = f"""\
BTCTurk balance bot: demo
The real bot is running against a simulated BTCTurk account and a simulated Telegram
chat on this machine (no keys, no network). The bot speaks Turkish until you send /lang en.
Type a command and press Enter:
  /balance   /balance btc   /summary   /alert btc below 9   /status   /lang en   /help
{HELP}
(balances are checked every {{interval}} s, so alerts follow within that). Ctrl-D quits.
"""
DEMO_POLL_INTERVAL_S = "5"
DEMO_BACKFILL_DELAY_S = "1"
DEMO_BACKFILL_PACE_S = "0"  # the simulated exchange has requests to spare
REPLY_TIMEOUT_S = 15.0
QUIET_AFTER_S = 0.5
ENDPOINT_VARIABLES = (
    "TELEGRAM_API_URL",
    "BTCTURK_API_URL",
    "BTCTURK_GRAPH_URL",
    "BTCTURK_WS_URL",
    "ALLOWED_CHAT_IDS",
)
MOVES = frozenset({"deposit", "withdraw", "buy", "sell", "order", "cancel", "release"})


def run_demo(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Run the demo and return the exit code."""
    return asyncio.run(_demo(stdin, stdout))


def demo_environment(
    env: Mapping[str, str],
    telegram_url: str,
    exchange_url: str,
    data_dir: str,
    feed_url: str | None = None,
) -> dict[str, str]:
    """Return `env` without credentials, pointed at the simulated servers."""
    kept = {k: v for k, v in env.items() if k not in CREDENTIAL_VARIABLES + ENDPOINT_VARIABLES}
    return kept | bot_environment(
        telegram_url,
        exchange_url,
        env.get("DATA_DIR") or data_dir,
        feed_url=feed_url,
        POLL_INTERVAL_SECONDS=env.get("POLL_INTERVAL_SECONDS") or DEMO_POLL_INTERVAL_S,
        HISTORY_BACKFILL_DELAY_SECONDS=env.get("HISTORY_BACKFILL_DELAY_SECONDS")
        or DEMO_BACKFILL_DELAY_S,
        HISTORY_BACKFILL_PACE_SECONDS=env.get("HISTORY_BACKFILL_PACE_SECONDS")
        or DEMO_BACKFILL_PACE_S,
    )


async def _demo(stdin: TextIO, stdout: TextIO) -> int:
    with tempfile.TemporaryDirectory(prefix="btcturk-bot-demo-") as scratch:
        async with FakeBtcTurk() as exchange, FakeTelegram() as telegram, FakeFeed() as feed:
            seed_demo_history(exchange)
            env = demo_environment(
                os.environ, telegram.api_url, exchange.base_url, scratch, feed.ws_url
            )
            try:
                settings = load_settings(env)
            except ConfigError as error:
                print(f"Configuration error: {error}", file=sys.stderr)
                return 2
            configure_logging(os.environ.get("LOG_LEVEL", "WARNING").upper(), settings.secrets)
            async with open_bot(settings):
                await _first_poll(settings)
                chat = _TerminalChat(telegram, exchange, feed, settings.poll_interval_s, stdout)
                if stdin.isatty():
                    print(BANNER.format(interval=settings.poll_interval_s), file=stdout)
                    await chat.interactive(stdin)
                else:
                    await chat.scripted(stdin)
    return 0


async def _first_poll(settings: Settings) -> None:
    """Wait (briefly) for the bot's first poll, so the account's changes are seen from now on."""
    deadline = asyncio.get_running_loop().time() + REPLY_TIMEOUT_S
    while not heartbeat_path(settings.data_dir).exists():
        if asyncio.get_running_loop().time() > deadline:
            return
        await asyncio.sleep(0.05)


class _TerminalChat:
    """Type into the simulated chat and print what the bot sends to it."""

    def __init__(
        self,
        telegram: FakeTelegram,
        exchange: FakeBtcTurk,
        feed: FakeFeed,
        poll_interval_s: int,
        stdout: TextIO,
    ) -> None:
        self._telegram = telegram
        self._exchange = exchange
        self._feed = feed
        self._poll_interval_s = poll_interval_s
        self._out = stdout
        self._printed = 0

    async def scripted(self, stdin: TextIO) -> None:
        """Send each line of `stdin`, print the replies, and return at the end."""
        for raw in stdin:
            line = raw.strip()
            if not line:
                continue
            self._echo(line)
            if line.startswith("!"):
                await self._simulate(line, wait_for_poll=True)
                continue
            self._telegram.send_text(DEMO_CHAT_ID, line)
            await self._print_replies(first_timeout=REPLY_TIMEOUT_S)

    async def interactive(self, stdin: TextIO) -> None:
        """Send lines as they are typed and print messages as they arrive, until end of input."""
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def read() -> None:
            for raw in stdin:
                loop.call_soon_threadsafe(lines.put_nowait, raw.strip())
            loop.call_soon_threadsafe(lines.put_nowait, None)

        threading.Thread(target=read, daemon=True).start()
        printer = asyncio.create_task(self._print_forever())
        try:
            while (line := await lines.get()) is not None:
                if line.startswith("!"):
                    await self._simulate(line, wait_for_poll=False)
                elif line:
                    self._telegram.send_text(DEMO_CHAT_ID, line)
        finally:
            printer.cancel()

    async def _print_forever(self) -> None:
        while True:
            await self._print_replies(first_timeout=None)

    async def _print_replies(self, first_timeout: float | None, *, silent: bool = False) -> None:
        """Print the next messages, waiting up to `first_timeout` for one, then until quiet."""
        timeout = first_timeout
        while True:
            try:
                messages = await self._telegram.wait_for_messages(
                    count=1, since=self._printed, timeout=timeout or 3600.0
                )
            except TimeoutError:
                if timeout == first_timeout and first_timeout is not None and not silent:
                    print("(no reply)", file=self._out)
                return
            for message in messages:
                self._show(message)
            self._printed += len(messages)
            timeout = QUIET_AFTER_S

    async def _simulate(self, line: str, *, wait_for_poll: bool) -> None:
        """Change the simulated exchange; from a script, also print what the next poll says."""
        print(f"exchange › {run_console_command(self._exchange, line)}\n", file=self._out)
        words = line.lstrip("!").split()
        if words and words[0].lower() in MOVES:
            self._feed.publish_balance_update()  # BTCTurk's live feed says "something changed"
        if wait_for_poll:
            await self._print_replies(first_timeout=self._poll_interval_s + 2.0, silent=True)

    def _echo(self, line: str) -> None:
        print(f"you › {line}", file=self._out)

    def _show(self, message: SentMessage) -> None:
        if message.photo_size is not None:
            caption = f" {message.caption}" if message.caption else ""
            text = f"[photo, {message.photo_size // 1024 + 1} KB]{caption}"
        else:
            text = message.plain_text
        label = "bot (edited) ›" if message.method.startswith("edit") else "bot ›"
        buttons = [
            f"[ {button.get('text', '')} ]"
            for row in (message.reply_markup or {}).get("inline_keyboard", [])
            for button in row
        ]
        if buttons:
            text = f"{text}\n{' '.join(buttons)}"
        indent = "\n" + " " * (len(label) + 1)
        print(f"{label} {indent.join(text.splitlines())}\n", file=self._out, flush=True)
