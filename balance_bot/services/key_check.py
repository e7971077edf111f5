"""The key check: does each setting of `.env` work, before the bot goes live and while it runs.

`check_settings` (for `make check`) asks, without sending anything to any chat: Telegram for
the token (getMe) and each allowed chat (getChat, and getChatMember in a group); BTCTurk for
its clock (the server time), the key on the balances (Total Funds), the history (Account),
the live feed's login (WebSocket), and one harmless signed read of the open orders, which is
answered only to a key that can trade. Each signed probe has a client of its own, so one
refusal does not hold the next back; a key BTCTurk refuses altogether is asked once.

`StartupCheck` runs in the bot, after its first checks and then once a day: what the bot does
not learn by itself (the balances, the history and the feed log their own refusals): whether
the key can trade, whether the clock is more than 5 s off, whether each chat is reachable.
One log line per problem; /status shows the rest.
"""

from __future__ import annotations

import errno
import logging
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import aiohttp
from telegram import Bot
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError, TimedOut

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.errors import AuthError, BadResponse, BtcTurkError, HistoryRefused
from balance_bot.btcturk.feed_probe import try_login
from balance_bot.btcturk.refusal import key_refusal
from balance_bot.core.key_check import (
    STAMP_TOLERANCE_MS,
    ChatProbe,
    Failure,
    KeyReport,
    Probe,
    failure_named,
)
from balance_bot.core.settings import Settings
from balance_bot.store.store import utc_now

log = logging.getLogger(__name__)

PROBE_ATTEMPTS = 2  # a check waits for no long retries
NO_RETRY_S = 3600  # a refused key is not tried again within the check
FEED_TIMEOUT_S = 10.0
WHOLE_KEY = ("ip", "key", "secret", "timestamp")  # causes that refuse every permission alike
_GONE = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
UNREADABLE_ANSWER = (TypeError, KeyError, ValueError, AttributeError)  # as lifecycle.py reads them


async def check_settings(settings: Settings, session: aiohttp.ClientSession, bot: Bot) -> KeyReport:
    """Check the token, the chats, BTCTurk and the key; send nothing to any chat."""
    telegram, name = await _token(bot)
    chats: tuple[ChatProbe, ...] = ()
    if telegram.access == "granted":
        chats = tuple([await chat_probe(bot, chat) for chat in sorted(settings.allowed_chat_ids)])
    report = KeyReport(
        telegram=telegram, bot_name=name, chats=chats, feed_off=not settings.websocket
    )
    return await _exchange(settings, session, report)


async def chat_probe(bot: Bot, chat_id: int) -> ChatProbe:
    """Tell whether the bot can reach `chat_id`, and why not, asking Telegram only."""
    try:
        chat = await bot.get_chat(chat_id)
        name = chat.title or chat.first_name or chat.username or ""
        if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL):
            member = await bot.get_chat_member(chat_id, bot.id)
            if member.status in _GONE:
                return ChatProbe(chat_id, name, "not_member")
    except Forbidden as error:
        blocked = "blocked" in error.message.lower()
        return ChatProbe(
            chat_id, problem="blocked" if blocked else "not_member", error=error.message
        )
    except BadRequest as error:
        if "not found" in error.message.lower():
            return ChatProbe(chat_id, problem="not_found", error=error.message)
        return ChatProbe(chat_id, problem="error", error=error.message)
    except TelegramError as error:
        return ChatProbe(chat_id, problem="error", error=error.message)
    except UNREADABLE_ANSWER:  # Telegram answered; the library could not read all of it
        log.info("Telegram's answer about chat %d could not be read whole", chat_id)
        return ChatProbe(chat_id)
    return ChatProbe(chat_id, name)


async def _token(bot: Bot) -> tuple[Probe, str]:
    try:
        await bot.initialize()
    except InvalidToken:
        return Probe("refused"), ""
    except TelegramError as error:
        return not_reached(error), ""
    return Probe("granted"), bot.username


async def _exchange(
    settings: Settings, session: aiohttp.ClientSession, report: KeyReport
) -> KeyReport:
    """Fill the report's BTCTurk lines: the clock, then each permission on a client of its own."""
    public = BtcTurkClient(
        session,
        base_url=settings.btcturk_api_url,
        timeout=session.timeout,
        max_attempts=PROBE_ATTEMPTS,
    )
    try:
        offset_ms = await public.sync_clock()
    except BtcTurkError as error:
        return _with(report, exchange=not_reached(error))
    report = _with(report, exchange=Probe("granted"), clock_offset_ms=offset_ms)

    def signed() -> BtcTurkClient:
        return BtcTurkClient(
            session,
            base_url=settings.btcturk_api_url,
            api_key=settings.btcturk_api_key,
            api_secret=settings.btcturk_api_secret,
            timeout=session.timeout,
            max_attempts=PROBE_ATTEMPTS,
            key_retry_s=NO_RETRY_S,
            time_source=lambda: time.time() + offset_ms / 1000,
        )

    balances = await _probe(signed().get_balances)
    report = _with(report, balances=balances)
    if balances.access == "refused" and key_refusal(balances.refusal) in WHOLE_KEY:
        return report  # the key itself: every permission would be refused alike
    history = await _history(signed())
    report = _with(report, history=history)
    if report.key_refused:
        return report
    if settings.websocket:
        answer = await try_login(
            session,
            settings.btcturk_ws_url,
            settings.btcturk_api_key,
            settings.btcturk_api_secret,
            clock=public,
            timeout_s=FEED_TIMEOUT_S,
        )
        if answer.logged_in:
            feed = Probe("granted")
        elif answer.refusal is not None:
            feed = Probe("refused", refusal=answer.refusal)
        else:
            log.debug("the live feed was not reached: %s", answer.error)
            failure, status = failure_named(answer.error or "")
            feed = Probe("unreachable", error=answer.error or "", failure=failure, status=status)
        report = _with(report, feed=feed)
    trade = await _probe(signed().can_trade)
    return _with(report, trade=trade)


async def _probe(ask: Callable[[], Awaitable[object]]) -> Probe:
    """Return how BTCTurk answered `ask`: granted (for `can_trade`, its True), refused, or
    not reached."""
    try:
        answer = await ask()
    except AuthError as error:
        return Probe("refused", refusal=error.refusal or "")
    except BtcTurkError as error:
        return not_reached(error)
    return Probe("refused") if answer is False else Probe("granted")


async def _history(client: BtcTurkClient) -> Probe:
    end = utc_now()
    start = end - timedelta(days=1)
    try:
        await client.get_fills(int(start.timestamp() * 1000), int(end.timestamp() * 1000))
    except HistoryRefused:
        return Probe("refused")
    except AuthError as error:
        return Probe("refused", refusal=error.refusal or "")
    except BtcTurkError as error:
        return not_reached(error)
    return Probe("granted")


def not_reached(error: BaseException) -> Probe:
    """Return the probe of a server not reached, with why, from `error` and what caused it."""
    log.debug("not reached: %s", error)
    failure: Failure | None = None
    seen: BaseException | None = error
    for _ in range(5):  # the error, what raised it, and so on
        if seen is None or (failure := _failure_of(seen)) is not None:
            break
        seen = seen.__cause__ or seen.__context__
    if failure is not None:
        return Probe("unreachable", error=str(error), failure=failure)
    if isinstance(error, BadResponse):
        return Probe("unreachable", error=str(error), failure="answer")
    if isinstance(error, BtcTurkError):
        named, status = failure_named(str(error))
        return Probe("unreachable", error=str(error), failure=named, status=status)
    if isinstance(error, TelegramError):  # Telegram's own words, no connection failed
        return Probe("unreachable", error=error.message, failure="said")
    return Probe("unreachable", error=str(error))


def _failure_of(error: BaseException) -> Failure | None:
    if isinstance(error, (aiohttp.ClientConnectorDNSError, socket.gaierror)):
        return "dns"
    if isinstance(error, (aiohttp.ClientSSLError, ssl.SSLError)):
        return "tls"
    if isinstance(error, OSError) and error.errno == errno.ECONNREFUSED:
        return "refused"
    if isinstance(error, (TimeoutError, TimedOut)):
        return "timeout"
    return None


def _with(report: KeyReport, **changes: Any) -> KeyReport:
    return replace(report, **changes)


class StartupCheck:
    """What the running bot checks after it starts, and once a day: chats, clock, Trade."""

    def __init__(self, client: BtcTurkClient, chats: Callable[[], Iterable[int]]) -> None:
        self._client = client
        self._chats = chats
        self.can_trade: bool | None = None  # None: not known (yet)
        self.unreachable: tuple[ChatProbe, ...] = ()

    async def run(self, bot: Bot) -> None:
        """Check, and log one line per problem."""
        probes = [await chat_probe(bot, chat) for chat in sorted(self._chats())]
        self.unreachable = tuple(p for p in probes if not p.reachable)
        for probe in self.unreachable:
            log.warning(
                "allowed chat %d cannot be reached (%s: %s): it gets nothing",
                probe.chat_id,
                probe.problem,
                probe.error,
            )
        offset_ms = self._client.clock_offset_ms
        if self._client.clock_measured and abs(offset_ms) > STAMP_TOLERANCE_MS:
            log.warning(
                "this server's clock is %.1f s %s BTCTurk's (it refuses more than 5 s): the bot "
                "corrects its stamps, but sync the clock",
                abs(offset_ms) / 1000,
                "behind" if offset_ms > 0 else "ahead of",
            )
        await self._trade()

    async def _trade(self) -> None:
        client = self._client
        if not client.key_worked or client.auth_backoff.paused:
            return  # a refused key would say nothing of Trade
        try:
            self.can_trade = await client.can_trade()
        except BtcTurkError as error:
            log.info("could not tell whether the API key can trade: %s", error)
            return
        if self.can_trade:
            log.warning(
                "the API key can trade (Trade permission): the bot never needs it; make a "
                "read-only key (Total Funds, Account, WebSocket) and delete this one"
            )
