"""The floor: a bare python-telegram-bot app whose /balance makes one signed aiohttp GET.

No whitelist, rate limiter, store or parsing: the reply is the exchange's raw text. Run with
the bot's own variables (TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL, BTCTURK_API_URL,
BTCTURK_API_KEY, BTCTURK_API_SECRET): `python -m bench.floor_bot`. With `--bare` it opens no
aiohttp session (and never imports aiohttp): a bare python-telegram-bot app, for start-up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import sys
import time
from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes

if TYPE_CHECKING:
    import aiohttp

BALANCES_PATH = "/api/v1/users/balances"
MAX_TEXT = 4096


def signed_headers(api_key: str, secret: bytes, stamp_ms: int) -> dict[str, str]:
    """Return BTCTurk's authentication headers for a request made at `stamp_ms`."""
    digest = hmac.new(secret, f"{api_key}{stamp_ms}".encode(), hashlib.sha256).digest()
    return {
        "X-PCK": api_key,
        "X-Stamp": str(stamp_ms),
        "X-Signature": base64.b64encode(digest).decode(),
        "Content-Type": "application/json",
    }


async def signed_get(session: aiohttp.ClientSession, url: str, key: str, secret: bytes) -> str:
    """GET `url` signed with `key` and `secret` and return the body as text."""
    headers = signed_headers(key, secret, int(time.time() * 1000))
    async with session.get(url, headers=headers) as response:
        return await response.text()


async def balance(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the raw answer of the balances endpoint."""
    session: aiohttp.ClientSession = context.bot_data["session"]
    url = os.environ["BTCTURK_API_URL"].rstrip("/") + BALANCES_PATH
    secret = base64.b64decode(os.environ["BTCTURK_API_SECRET"])
    text = await signed_get(session, url, os.environ["BTCTURK_API_KEY"], secret)
    if update.effective_message is not None:
        await update.effective_message.reply_text(text[:MAX_TEXT])


async def open_session(application: Application) -> None:  # type: ignore[type-arg]
    """Open the aiohttp session the handler uses."""
    import aiohttp

    application.bot_data["session"] = aiohttp.ClientSession()


async def close_session(application: Application) -> None:  # type: ignore[type-arg]
    """Close the aiohttp session, if one was opened."""
    if "session" in application.bot_data:
        await application.bot_data["session"].close()


def main(argv: list[str] | None = None) -> None:
    """Poll the Bot API until SIGTERM."""
    bare = "--bare" in (sys.argv[1:] if argv is None else argv)
    api_url = os.environ["TELEGRAM_API_URL"].rstrip("/")
    builder = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{api_url}/bot")
        .concurrent_updates(True)
        .post_shutdown(close_session)
    )
    if not bare:
        builder = builder.post_init(open_session)
    application = builder.build()
    application.add_handler(CommandHandler("balance", balance))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
