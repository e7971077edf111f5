"""The key check in the running bot: after start-up (then daily) it tells, one log line per
problem, whether the key can trade, whether the clock is far off, whether a chat cannot be
reached; /status names the permissions the key lacks and what it should not have."""

from __future__ import annotations

import logging

import pytest

from balance_bot.fakes.exchange import FakeBtcTurk
from tests.e2e.conftest import ALLOWED_CHAT, ALLOWED_GROUP, BotHarness, poll, services_of
from tests.kit.wiring import BotWiring


@pytest.fixture(autouse=True)
def without_scheduled_jobs(wiring: BotWiring) -> None:
    wiring.jobs = False


async def run_check(harness: BotHarness) -> None:
    services = services_of(harness)
    assert services.key_check is not None
    await services.key_check.run(harness.application.bot)


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_key_that_can_trade_is_logged_once_and_shown_in_status(
    bot: BotHarness, exchange: FakeBtcTurk, caplog: pytest.LogCaptureFixture
) -> None:
    exchange.trade_permission = True
    await poll(bot)

    with caplog.at_level(logging.WARNING):
        await run_check(bot)
    [status] = await bot.ask("/status")

    assert [w for w in warnings(caplog) if "can trade" in w] == [
        "the API key can trade (Trade permission): the bot never needs it; make a read-only "
        "key (Total Funds, Account, WebSocket) and delete this one"
    ]
    assert "⚠️ The API key can trade (Trade permission)" in status.plain_text
    assert exchange.calls["open_orders"] == 1


async def test_a_read_only_key_says_nothing_and_costs_no_refusal_of_the_key(
    bot: BotHarness, exchange: FakeBtcTurk, caplog: pytest.LogCaptureFixture
) -> None:
    await poll(bot)

    with caplog.at_level(logging.WARNING):
        await run_check(bot)
    [status] = await bot.ask("/status")

    assert warnings(caplog) == []
    assert "can trade" not in status.plain_text
    assert exchange.trade_refusals == 1 and exchange.auth_failures == 0
    assert services_of(bot).account.client.auth_backoff.paused is False


async def test_a_refused_key_is_not_asked_about_trade(
    bot: BotHarness, exchange: FakeBtcTurk
) -> None:
    exchange.api_key = "0b5e4c2d-revoked-public-key"
    await poll(bot)

    await run_check(bot)

    assert exchange.calls["open_orders"] == 0


async def test_an_unreachable_chat_is_logged_and_shown_in_status(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.telegram.forget_chat(ALLOWED_GROUP)
    await poll(bot)

    with caplog.at_level(logging.WARNING):
        await run_check(bot)
    [status] = await bot.ask("/status")

    assert [w for w in warnings(caplog) if "cannot be reached" in w] == [
        f"allowed chat {ALLOWED_GROUP} cannot be reached (not_found: Chat not found): it gets "
        "nothing"
    ]
    assert f"⚠️ Telegram does not reach these allowed chats: {ALLOWED_GROUP}" in status.plain_text
    assert bot.telegram.calls["sendMessage"] == 1  # the /status reply, to the other chat
    assert status.chat_id == ALLOWED_CHAT


async def test_status_names_the_permissions_the_key_lacks(
    bot: BotHarness, exchange: FakeBtcTurk
) -> None:
    exchange.account_permission = False
    await poll(bot)
    await bot.ask("/history")  # the history refused: the Account permission is missing

    [status] = await bot.ask("/status")

    assert (
        "🔑 The API key lacks: Account (changes not explained; no /history, /pnl or /export)"
        in status.plain_text
    )
