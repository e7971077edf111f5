"""`python bot.py --demo`: the real bot against the simulated exchange and chat in `fakes/`.

The terminal is the chat: each line typed is sent as a message from a whitelisted chat and
every message the bot sends is printed; pictures and files are saved in the demo's data
folder, buttons are pressed with `!press`, and the bot's log goes to a file there. With
standard input not a terminal, each line is sent in turn, the replies are printed, and the
demo exits. Ctrl-C (or SIGTERM) and Ctrl-D (the end of the input) stop it cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import tempfile
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Mapping
from datetime import datetime
from typing import TextIO

from balance_bot.config import CREDENTIAL_VARIABLES, ConfigError, Settings, load_settings
from balance_bot.fakes.console import MOVES, run_console_command
from balance_bot.fakes.demo_history import seed_demo_history
from balance_bot.fakes.environment import bot_environment
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.feed import FakeFeed
from balance_bot.fakes.seed import DEMO_CHAT_ID
from balance_bot.fakes.telegram import FakeTelegram, SentMessage
from balance_bot.fakes.telegram_chat import Attachments, find_button, message_text
from balance_bot.fakes.telegram_types import AnsweredCallback
from balance_bot.lifecycle import DATABASE_NAME, run_bot
from balance_bot.logs import configure_logging
from balance_bot.services.heartbeat import heartbeat_path
from balance_bot.store.database import Database
from balance_bot.store.store import Store

BANNER = """\
BTCTurk balance bot: demo. The real bot runs against a simulated BTCTurk account and a
simulated Telegram chat on this machine (no keys, no network). You are the chat: type
  /balance  /chart  /daily  /orders  /pnl  /export  /status  /help
  /alert btc price above 3600000
The bot speaks Turkish until you send /lang en.
Lines starting with ! move the simulated exchange or press a button: !help lists them.
Pictures and files: {files}
Log:                {log}
Ctrl-D or Ctrl-C quits.
"""
STOPPED = "Demo stopped. Its pictures, files and log stay in {folder}"
DEMO_POLL_INTERVAL_S = "5"
DEMO_BACKFILL_DELAY_S = "1"
DEMO_BACKFILL_PACE_S = "0"  # the simulated exchange has requests to spare
REPLY_TIMEOUT_S = 15.0
QUIET_AFTER_S = 0.5
READ_SIZE = 65536  # bytes read from the terminal at a time (a line, in a terminal)
FILES_FOLDER = "files"
LOG_FILE = "demo.log"
ENDPOINT_VARIABLES = (
    "TELEGRAM_API_URL",
    "BTCTURK_API_URL",
    "BTCTURK_GRAPH_URL",
    "BTCTURK_WS_URL",
    "ALLOWED_CHAT_IDS",
)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
EXIT_INTERRUPTED = 130


def run_demo(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Run the demo and return the exit code."""
    return asyncio.run(_demo(stdin, stdout, os.environ))


def demo_environment(
    env: Mapping[str, str],
    telegram_url: str,
    exchange_url: str,
    data_dir: str,
    feed_url: str | None = None,
) -> dict[str, str]:
    """Return `env` without credentials, pointed at the simulated servers."""
    kept = {k: v for k, v in env.items() if k not in CREDENTIAL_VARIABLES + ENDPOINT_VARIABLES}
    poll_s = env.get("POLL_INTERVAL_SECONDS") or DEMO_POLL_INTERVAL_S
    return kept | bot_environment(
        telegram_url,
        exchange_url,
        env.get("DATA_DIR") or data_dir,
        feed_url=feed_url,
        POLL_INTERVAL_SECONDS=poll_s,
        HISTORY_BACKFILL_DELAY_SECONDS=env.get("HISTORY_BACKFILL_DELAY_SECONDS")
        or DEMO_BACKFILL_DELAY_S,
        HISTORY_BACKFILL_PACE_SECONDS=env.get("HISTORY_BACKFILL_PACE_SECONDS")
        or DEMO_BACKFILL_PACE_S,
        EXCHANGE_STATUS_INTERVAL_SECONDS=env.get("EXCHANGE_STATUS_INTERVAL_SECONDS")
        or poll_s,  # a !suspend line is seen at the next check
    )


async def _demo(stdin: TextIO, stdout: TextIO, environ: Mapping[str, str]) -> int:
    stop = _stop_on_signals()
    async with FakeBtcTurk() as exchange, FakeTelegram() as telegram, FakeFeed() as feed:
        seed_demo_history(exchange)
        scratch = "" if environ.get("DATA_DIR") else tempfile.mkdtemp(prefix="btcturk-bot-demo-")
        env = demo_environment(environ, telegram.api_url, exchange.base_url, scratch, feed.ws_url)
        try:
            settings = load_settings(env)
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        except (ConfigError, OSError) as error:
            print(f"Configuration error: {error}", file=sys.stderr)
            return 2
        log = settings.data_dir / LOG_FILE
        configure_logging(settings.log_level, settings.secrets, settings.log_format, path=log)
        logging.captureWarnings(True)  # a library's warning goes to the log, not the chat
        await _count_todays_summary_as_sent(settings)
        files = Attachments(settings.data_dir / FILES_FOLDER)
        chat = _TerminalChat(telegram, exchange, feed, files, settings.poll_interval_s, stdout)
        bot_stop = asyncio.Event()
        bot = asyncio.create_task(run_bot(settings, bot_stop))
        try:
            if stdin.isatty():
                print(BANNER.format(files=files.folder, log=log), file=stdout, flush=True)
            await _until_first(_first_poll(settings), stop.wait(), bot)
            await _until_first(_first_status_read(exchange), stop.wait(), bot)
            if not stop.is_set() and not bot.done():
                talk = chat.interactive(stdin) if stdin.isatty() else chat.scripted(stdin)
                await _until_first(talk, stop.wait(), bot)
        finally:
            bot_stop.set()
            failed = await _failure(bot)
        if failed is not None:
            print(f"The bot stopped: {failed} (see {log})", file=sys.stderr)
            return 1
    # Said once the simulated servers are closed too: the process exits right after it.
    print(STOPPED.format(folder=settings.data_dir), file=stdout, flush=True)
    return 0


async def _failure(bot: asyncio.Task[None]) -> str | None:
    """Wait for the bot to stop; say what stopped it when it failed (logged in full)."""
    try:
        await bot
    except Exception as error:
        logging.getLogger("demo").exception("the bot failed")
        return str(error) or type(error).__name__
    return None


def _stop_on_signals() -> asyncio.Event:
    """Return an event Ctrl-C, SIGTERM and SIGHUP set; a second Ctrl-C quits at once."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        if stop.is_set():
            os._exit(EXIT_INTERRUPTED)  # asked twice: the bot's own stop is taking too long
        stop.set()

    for signum in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, on_signal)
    return stop


async def _until_first(*waits: Awaitable[object]) -> None:
    """Wait until the first of `waits` ends, then cancel the others (a task is left alone)."""
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    owned = [task for task, wait in zip(tasks, waits, strict=True) if task is not wait]
    await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in owned:
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task  # raises what went wrong in the chat, if anything did


async def _count_todays_summary_as_sent(settings: Settings) -> None:
    """Owe the simulated account no summary at start: count today's as sent once it is due.

    The real bot sends a summary it missed when it comes back the same day; the demo's fresh
    state would make every start send one nobody asked for.
    """
    now = datetime.now(settings.timezone)
    if now.time() < settings.daily_summary_time:
        return  # today's comes at its time, as scheduled
    database = await Database.open(settings.data_dir / DATABASE_NAME)
    try:
        store = Store(database)
        for chat_id in settings.allowed_chat_ids:
            await store.record_summary(chat_id, now.date(), [])
    finally:
        await database.close()


async def _first_poll(settings: Settings) -> None:
    """Wait (briefly) for the bot's first poll, so the account's changes are seen from now on."""
    deadline = asyncio.get_running_loop().time() + REPLY_TIMEOUT_S
    while not heartbeat_path(settings.data_dir).exists():
        if asyncio.get_running_loop().time() > deadline:
            return
        await asyncio.sleep(0.05)


async def _first_status_read(exchange: FakeBtcTurk) -> None:
    """Wait (briefly) for the bot's first read of BTCTurk's status, its silent baseline, so a
    `!suspend` typed at once is a change it tells."""
    await exchange.changed.wait_until(lambda: exchange.calls["exchange_info"] >= 1, REPLY_TIMEOUT_S)
    await asyncio.sleep(QUIET_AFTER_S)  # its answer read and compared


async def typed_lines(stdin: TextIO) -> AsyncGenerator[str, None]:
    """Yield the lines of `stdin`, stripped, as they come: a stop never waits for input.

    A terminal or a pipe is read only while the lines are iterated (the event loop watches
    it), so once the demo stops, what is typed before the process exits is left for the
    shell; anything else (a file) is read in a thread.
    """
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[bytes] = asyncio.Queue()
    fd = _watchable(stdin)

    def readable() -> None:
        assert fd is not None
        blocking = os.get_blocking(fd)
        os.set_blocking(fd, False)  # a Ctrl-C may flush the line between the poll and the read
        try:
            data = os.read(fd, READ_SIZE)
        except BlockingIOError:  # nothing to read after all: the line was flushed
            return
        except OSError:  # a terminal that went away
            data = b""
        finally:
            os.set_blocking(fd, blocking)  # the terminal is the shell's too
        chunks.put_nowait(data)
        if not data:
            loop.remove_reader(fd)

    try:
        if fd is None:
            raise PermissionError("not watchable")
        loop.add_reader(fd, readable)
    except (OSError, ValueError):  # a regular file, /dev/null: the selector cannot watch it
        async for line in _lines_in_a_thread(stdin):
            yield line
        return
    encoding, pending = stdin.encoding or "utf-8", b""
    try:
        while data := await chunks.get():
            *complete, pending = (pending + data).split(b"\n")
            for raw in complete:
                yield raw.decode(encoding, errors="replace").strip()
        if pending.strip():
            yield pending.decode(encoding, errors="replace").strip()
    finally:
        loop.remove_reader(fd)


def _watchable(stdin: TextIO) -> int | None:
    """Return the file descriptor of `stdin`, None when it has none."""
    try:
        return stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return None


async def _lines_in_a_thread(stdin: TextIO) -> AsyncIterator[str]:
    """Yield the lines of `stdin`, stripped, read in a thread that never holds up the exit."""
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def read() -> None:
        for raw in stdin:
            loop.call_soon_threadsafe(lines.put_nowait, raw.strip())
        loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=read, daemon=True).start()
    while (line := await lines.get()) is not None:
        yield line


class _TerminalChat:
    """Type into the simulated chat and print what the bot sends to it."""

    def __init__(
        self,
        telegram: FakeTelegram,
        exchange: FakeBtcTurk,
        feed: FakeFeed,
        files: Attachments,
        poll_interval_s: int,
        stdout: TextIO,
    ) -> None:
        self._telegram = telegram
        self._exchange = exchange
        self._feed = feed
        self._files = files
        self._poll_interval_s = poll_interval_s
        self._out = stdout
        self._printed = 0  # of telegram.sent
        self._answers_printed = 0  # of telegram.answered_callbacks

    async def scripted(self, stdin: TextIO) -> None:
        """Send each line of `stdin`, print the replies, and return at the end."""
        async for line in typed_lines(stdin):
            if not line:
                continue
            self._echo(line)
            if line.startswith("!"):
                await self._simulate(line, scripted=True)
                continue
            self._telegram.send_text(DEMO_CHAT_ID, line)
            await self._print_replies(first_timeout=REPLY_TIMEOUT_S)

    async def interactive(self, stdin: TextIO) -> None:
        """Send lines as they are typed and print messages as they arrive, until end of input."""
        printer = asyncio.create_task(self._print_forever())
        try:
            async for line in typed_lines(stdin):
                if line.startswith("!"):
                    await self._simulate(line, scripted=False)
                elif line:
                    self._telegram.send_text(DEMO_CHAT_ID, line)
        finally:
            printer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await printer

    async def _print_forever(self) -> None:
        while True:
            await self._print_replies(first_timeout=None)

    def _news(self) -> bool:
        return (
            len(self._telegram.sent) > self._printed
            or len(self._telegram.answered_callbacks) > self._answers_printed
        )

    async def _print_replies(self, first_timeout: float | None, *, silent: bool = False) -> None:
        """Print what the bot sends next, waiting up to `first_timeout` for it, then until quiet."""
        timeout = first_timeout
        while await self._telegram.changed.wait_until(self._news, timeout):
            messages = self._telegram.sent[self._printed :]
            answers = self._telegram.answered_callbacks[self._answers_printed :]
            self._printed += len(messages)
            self._answers_printed += len(answers)
            items: list[SentMessage | AnsweredCallback] = [*messages, *answers]
            for item in sorted(items, key=lambda item: item.at):
                self._show(item)
            timeout = QUIET_AFTER_S
        if timeout == first_timeout and first_timeout is not None and not silent:
            print("(no reply)\n", file=self._out, flush=True)

    async def _simulate(self, line: str, *, scripted: bool) -> None:
        """Run a `!` line; from a script, also print what the bot says after it."""
        words = line.lstrip("!").split()
        name = words[0].lower() if words else ""
        if name == "press":
            if self._press(" ".join(words[1:])) and scripted:
                await self._print_replies(first_timeout=REPLY_TIMEOUT_S)
            return
        said = run_console_command(self._exchange, line, self._feed)
        print(f"{said}\n" if name == "help" else f"exchange › {said}\n", file=self._out, flush=True)
        if name in MOVES:
            self._feed.publish_balance_update()  # BTCTurk's live feed says "something changed"
        if scripted and name != "help":
            await self._print_replies(first_timeout=self._poll_interval_s + 2.0, silent=True)

    def _press(self, wanted: str) -> bool:
        """Press the button `wanted` names, as the owner's tap would; False if there is none."""
        found = find_button(self._telegram.bot_messages(DEMO_CHAT_ID), wanted)
        if isinstance(found, str):
            print(f"chat › {found}\n", file=self._out, flush=True)
            return False
        print(f"chat › pressed [ {found.label} ]\n", file=self._out, flush=True)
        self._telegram.send_callback(DEMO_CHAT_ID, found.data, message_id=found.message_id)
        return True

    def _echo(self, line: str) -> None:
        print(f"you › {line}", file=self._out, flush=True)

    def _show(self, item: SentMessage | AnsweredCallback) -> None:
        if isinstance(item, AnsweredCallback):
            if not item.text:
                return
            label, text = "bot (pop-up) ›", item.text
        else:
            label = "bot (edited) ›" if item.method.startswith("edit") else "bot ›"
            text = message_text(item, self._files.save(item))
        indent = "\n" + " " * (len(label) + 1)
        print(f"{label} {indent.join(text.splitlines())}\n", file=self._out, flush=True)
