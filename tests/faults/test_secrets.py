"""Secrets never leave the process: not in a log line at DEBUG, not in a traceback, not in a
message, through a sequence of exchange and Telegram faults."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp import web

from balance_bot.fakes.exchange import Endpoint, FakeBtcTurk
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET, DEMO_BOT_TOKEN
from balance_bot.fakes.telegram import FakeTelegram, SentMessage
from tests.e2e.conftest import ALLOWED_CHAT
from tests.faults.conftest import (
    START_TIMEOUT_S,
    BotProcess,
    Launcher,
    base_env,
    wait_while_running,
)

pytestmark = pytest.mark.faults

SECRET_KEY = base64.b64decode(DEMO_API_SECRET)
SECRETS = {
    "the bot token": DEMO_BOT_TOKEN,
    "the bot token's secret part": DEMO_BOT_TOKEN.split(":", 1)[1],
    "the API secret": DEMO_API_SECRET,
    "the API secret, decoded": SECRET_KEY.decode("utf-8", errors="replace"),
    "the API key": DEMO_API_KEY,
}
BASE64_SIGNATURE = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=")


class SignatureRecordingExchange(FakeBtcTurk):
    """The fake exchange, keeping every X-Signature the bot sent it."""

    def __init__(self) -> None:
        super().__init__()
        self.signatures: set[str] = set()

    async def _begin(
        self, endpoint: Endpoint, request: web.Request, body: Callable[[], object]
    ) -> web.StreamResponse | None:
        signature = request.headers.get("X-Signature")
        if signature:
            self.signatures.add(signature)
        return await super()._begin(endpoint, request, body)


def is_signature(candidate: str, first_ms: int, last_ms: int) -> bool:
    """Tell whether `candidate` is the demo key's signature for any stamp in the window."""
    for stamp in range(first_ms, last_ms + 1):
        message = f"{DEMO_API_KEY}{stamp}".encode()
        digest = hmac.new(SECRET_KEY, message, hashlib.sha256).digest()
        if base64.b64encode(digest).decode() == candidate:
            return True
    return False


async def ask(bot: BotProcess, telegram: FakeTelegram, text: str) -> SentMessage:
    since = len(telegram.sent)
    telegram.send_text(ALLOWED_CHAT, text)
    [reply, *_] = await wait_while_running(
        bot, telegram.wait_for_messages(ALLOWED_CHAT, since=since, timeout=START_TIMEOUT_S)
    )
    return reply


async def run_fault_sequence(
    bot: BotProcess, exchange: SignatureRecordingExchange, telegram: FakeTelegram
) -> list[str]:
    """Drive the bot through auth failures, 5xx, 429 and Telegram errors; return /status texts."""
    statuses: list[str] = []

    async def until_exchange(predicate: Callable[[], bool], what: str) -> None:
        await wait_while_running(
            bot, exchange.wait_until(predicate, timeout=START_TIMEOUT_S, what=what)
        )

    assert (await ask(bot, telegram, "/balance")).plain_text.startswith("💼")

    exchange.api_key = "0b5e4c2d-another-public-key"  # the bot's key is now a wrong one
    await until_exchange(lambda: exchange.auth_failures >= 1, "a refused poll")
    statuses.append((await ask(bot, telegram, "/status")).text)
    exchange.api_key = DEMO_API_KEY

    exchange.inject("500", times=3)  # one poll fails after its retries
    exchange.inject("429")  # the next one is slowed down once
    await until_exchange(lambda: not exchange.pending_faults(), "the 5xx and 429 answers")

    sends = telegram.calls["sendMessage"]
    telegram.fail_next("sendMessage", status=500, description="Internal Server Error", times=2)
    telegram.send_text(ALLOWED_CHAT, "/status")  # its reply and the apology both fail
    await wait_while_running(
        bot,
        telegram.wait_until(
            lambda: telegram.calls["sendMessage"] >= sends + 2,
            timeout=START_TIMEOUT_S,
            what="two failed sends",
        ),
    )
    polls = telegram.calls["getUpdates"]  # the long poll waiting now included
    telegram.fail_next("getUpdates", status=500, description="Internal Server Error")
    statuses.append((await ask(bot, telegram, "/status")).text)  # wakes the long poll
    await wait_while_running(
        bot,
        telegram.wait_until(
            lambda: telegram.calls["getUpdates"] >= polls + 2,
            timeout=START_TIMEOUT_S,
            what="a failed getUpdates and the next",
        ),
    )
    return statuses


@pytest.mark.slow
async def test_no_secret_in_debug_logs_messages_or_status(
    telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    first_ms = int(time.time() * 1000) - 1000
    async with SignatureRecordingExchange() as exchange:
        env = base_env(exchange, telegram, tmp_path / "data") | {
            "LOG_LEVEL": "DEBUG",
            "ALLOWED_CHAT_IDS": str(ALLOWED_CHAT),
            "POLL_INTERVAL_SECONDS": "1",
        }
        bot = await launcher.start(env)
        statuses = await run_fault_sequence(bot, exchange, telegram)
        bot.send(signal.SIGTERM)
        assert await bot.wait_exit(within=START_TIMEOUT_S) == 0
    last_ms = int(time.time() * 1000) + 1000
    log = bot.stderr()

    # The log is the real thing: DEBUG lines, the faults, and at least one traceback's worth.
    assert "DEBUG" in log
    assert "401" in log
    assert "Internal Server Error" in log  # Telegram's failures were logged too
    assert len(exchange.signatures) >= 5
    texts = [
        log,
        *statuses,
        *(m.text for m in telegram.sent),
        *(m.plain_text for m in telegram.sent),
    ]
    for what, secret in SECRETS.items():
        for text in texts:
            assert secret not in text, f"{what} leaked"
    for signature in exchange.signatures:
        assert all(signature not in text for text in texts), "a request signature leaked"
    for candidate in {m.group(0) for text in texts for m in BASE64_SIGNATURE.finditer(text)}:
        assert not is_signature(candidate, first_ms, last_ms), "a request signature leaked"
