"""The harness's own share of a round trip: a raw aiohttp getUpdates -> sendMessage loop.

No python-telegram-bot and no exchange: it answers each message with "ok" at once, so its
round trip is what the fake Bot API, the loopback and one aiohttp client cost. Run with
TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL set: `python -m bench.echo_bot`; stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from typing import Any

import aiohttp

LONG_POLL_S = 10


async def echo(session: aiohttp.ClientSession, base: str, stop: asyncio.Event) -> None:
    """Long-poll for updates and answer each message, until `stop` is set."""
    offset = 0
    replies: set[asyncio.Task[None]] = set()
    while not stop.is_set():
        params = {"offset": offset, "timeout": LONG_POLL_S}
        async with session.post(f"{base}/getUpdates", json=params) as response:
            updates: list[dict[str, Any]] = (await response.json())["result"]
        for update in updates:
            offset = int(update["update_id"]) + 1
            message = update.get("message")
            if message is not None:
                task = asyncio.create_task(reply(session, base, int(message["chat"]["id"])))
                replies.add(task)
                task.add_done_callback(replies.discard)


async def reply(session: aiohttp.ClientSession, base: str, chat_id: int) -> None:
    """Send "ok" to `chat_id`."""
    async with session.post(f"{base}/sendMessage", json={"chat_id": chat_id, "text": "ok"}) as r:
        await r.read()


async def main() -> None:
    """Run the loop until SIGTERM or SIGINT."""
    base = f"{os.environ['TELEGRAM_API_URL'].rstrip('/')}/bot{os.environ['TELEGRAM_BOT_TOKEN']}"
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession() as session:
        poller = asyncio.create_task(echo(session, base, stop))
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, poller.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await poller


if __name__ == "__main__":
    asyncio.run(main())
