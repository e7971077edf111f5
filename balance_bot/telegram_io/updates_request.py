"""The request behind getUpdates: it keeps polling through a refused token and past updates
python-telegram-bot cannot read.

The library's Updater stops polling for good when getUpdates raises InvalidToken (401, or
404 for a wrong token), even though a token hiccup passes and a revoked one can be replaced.
Here a long poll that gets such an answer waits and asks again (1 s, 1.5 s … 30 s, the
Updater's own backoff), logging one line per try, until the token works. The wait is part of
the request, so stopping the Updater cancels it at once. A short poll (timeout 0, the one the
Updater sends when it stops) raises TokenRefused, a plain TelegramError, instead.

An update whose JSON `Update.de_json` cannot parse makes the whole batch fail (the library
logs that), and the Updater asks for the same batch again at once, forever. When the same
offset is asked for again after a batch that held updates, each update of that batch the
library cannot parse is replaced here by an empty one with the same update_id, so the offset
moves past it, and logged once. Batches the library read are never parsed twice.

Every answer also tells `UpdatesHealth` whether updates arrive, for the health check.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus

from telegram import Update
from telegram._utils.types import ODVInput
from telegram.error import TelegramError
from telegram.request import BaseRequest, RequestData

from balance_bot.telegram_io.updates_health import UpdatesHealth

log = logging.getLogger(__name__)

TOKEN_REFUSED = (HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)
FIRST_RETRY_S = 1.0
RETRY_FACTOR = 1.5
MAX_RETRY_S = 30.0


class TokenRefused(TelegramError):
    """Telegram refused the bot token on a short poll."""


class UpdatesRequest(BaseRequest):
    """Send getUpdates through `inner`, as the bot's get_updates_request."""

    def __init__(
        self,
        inner: BaseRequest,
        health: UpdatesHealth,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Ask through `inner`, report to `health`; `sleep` waits between refused tries."""
        self._inner = inner
        self._health = health
        self._sleep = sleep
        self._unconfirmed: object = None  # the offset of the last batch that held updates

    @property
    def read_timeout(self) -> float | None:
        """Return the inner request's read timeout."""
        return self._inner.read_timeout

    async def initialize(self) -> None:
        """Initialize the inner request."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Shut the inner request down."""
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Ask for updates, again while the token is refused; unreadable updates are emptied."""
        long_poll = bool(request_data and request_data.parameters.get("timeout"))
        delay = FIRST_RETRY_S
        while True:
            try:
                status, payload = await self._inner.do_request(
                    url, method, request_data, read_timeout, write_timeout, connect_timeout,
                    pool_timeout,
                )  # fmt: skip
            except TelegramError as error:
                self._health.failed(f"Telegram is not answering ({error})")
                raise
            if status not in TOKEN_REFUSED:
                break
            reason = f"Telegram refused the bot token ({status} {HTTPStatus(status).phrase})"
            self._health.failed(reason)
            if not long_poll:
                raise TokenRefused(reason)
            log.warning("%s: check TELEGRAM_BOT_TOKEN; asking again in %.1f s", reason, delay)
            await self._sleep(delay)
            delay = min(delay * RETRY_FACTOR, MAX_RETRY_S)
        if not HTTPStatus.OK <= status < HTTPStatus.MULTIPLE_CHOICES:
            self._health.failed(f"Telegram answered getUpdates with {status}")
            return status, payload
        self._health.received()
        offset = request_data.parameters.get("offset") if request_data is not None else None
        if offset is not None and offset == self._unconfirmed:  # the library could not read it
            payload = readable_updates(payload)
        self._unconfirmed = offset if _holds_updates(payload) else None
        return status, payload


def _holds_updates(payload: bytes) -> bool:
    """Tell whether a getUpdates answer holds at least one update."""
    try:
        return bool(json.loads(payload)["result"])
    except (ValueError, TypeError, KeyError):
        return False


def readable_updates(payload: bytes) -> bytes:
    """Return `payload` with every update python-telegram-bot cannot parse emptied."""
    try:
        body = json.loads(payload)
        updates = body["result"]
    except (ValueError, TypeError, KeyError):
        return payload  # not a list of updates: python-telegram-bot reports it
    if not isinstance(updates, list):
        return payload
    emptied = False
    for index, raw in enumerate(updates):
        try:
            Update.de_json(raw, None)
        except Exception as error:  # whatever the parser raises, the update is skipped
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            log.error(
                "skipped update %s: python-telegram-bot cannot read it (%s: %s)",
                update_id, type(error).__name__, error,
            )  # fmt: skip
            updates[index] = {"update_id": update_id} if isinstance(update_id, int) else None
            emptied = True
    if not emptied:
        return payload
    body["result"] = [raw for raw in updates if raw is not None]
    return json.dumps(body).encode()
