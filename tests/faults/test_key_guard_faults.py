"""A key that starts failing while the bot runs: the chats are told its likely cause, as
BTCTurk's answer points to it (the IP, the key itself, the secret, or no reason given), not
only "refuses the key"; a command's answer says the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from tests.e2e.conftest import ALLOWED_CHAT, ALLOWED_GROUP, BotHarness, poll, sent_to
from tests.faults.conftest import expire_cache
from tests.kit.clocks import ManualMonotonic
from tests.kit.wiring import BotWiring

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("without_jobs", "backoff")]

StartBot = Callable[[Settings], Any]
REFUSES = "🔑 BTCTurk refuses the API key since 08:00 (Istanbul): "


def break_ip(exchange: FakeBtcTurk) -> None:
    exchange.ip_allowed = False  # the key bound to another IP (a home IP changed)


def revoke(exchange: FakeBtcTurk) -> None:
    exchange.api_key = "0b5e4c2d-revoked-public-key"  # "Unauthorized - Invalid Public key"


def empty_refusals(exchange: FakeBtcTurk) -> None:
    exchange.inject("401", times=1_000)  # HTTP 401 with an empty body


CASES = [
    (
        break_ip,
        "it does not allow this server's IP address, 127.0.0.1. Bind the key to it on BTCTurk",
    ),
    (revoke, "it does not know the key: deleted on BTCTurk, or BTCTURK_API_KEY is not the one"),
    (empty_refusals, "BTCTurk gave no reason. Most often the key is bound to another IP"),
]


@pytest.mark.parametrize(("fault", "cause"), CASES, ids=["ip", "revoked", "no_reason"])
async def test_a_key_failing_while_running_is_told_with_its_likely_cause(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    cache_clock: ManualMonotonic,
    wiring: BotWiring,
    fault: Callable[[FakeBtcTurk], None],
    cause: str,
) -> None:
    monotonic = wiring.hand_auth_clock()
    async with start_bot(make_settings(BTCTURK_KEY_RETRY_SECONDS="30")) as bot:
        await poll(bot)
        fault(bot.exchange)
        for _ in range(4):  # three failed checks over two minutes: the chats are told
            await poll(bot)
            bot.clock.advance(minutes=1)
            monotonic.now += 60
        expire_cache(cache_clock)
        [answer] = await bot.ask("/balance")

    for chat in (ALLOWED_CHAT, ALLOWED_GROUP):
        [notice] = [m.plain_text for m in sent_to(bot, chat, REFUSES)]
        assert notice.startswith(REFUSES + cause)
    assert answer.plain_text.startswith("🔑 BTCTurk refused the API key: " + cause)


async def test_a_key_refused_for_its_ip_is_shown_in_status_with_the_address(
    bot: BotHarness,
) -> None:
    await poll(bot)
    bot.exchange.ip_allowed = False
    await poll(bot)

    [status] = await bot.ask("/status")

    assert "does not allow this server's IP address, 127.0.0.1" in status.plain_text
