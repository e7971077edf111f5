"""Change alerts that say why, from the fake exchange's history, end to end.

The fake exchange runs on the test's clock here, so its history rows fall inside the windows
the bot asks for, and the bot's request stamps match the fake's clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange import Endpoint, FakeBtcTurk
from balance_bot.fakes.telegram import SentMessage
from balance_bot.store.models import DailyPortfolio
from tests.e2e.conftest import (
    ALLOWED_CHAT,
    REPLY_TIMEOUT_S,
    BotHarness,
    FakeClock,
    poll,
    sent_to,
    services_of,
)
from tests.kit.clocks import RecordedSleep
from tests.kit.env import ALLOWED_GROUP
from tests.kit.wiring import BotWiring

StartBot = Callable[[Settings], Any]
HISTORY_ENDPOINTS: tuple[Endpoint, ...] = ("trades", "crypto", "fiat")
CHATS = (ALLOWED_CHAT, ALLOWED_GROUP)


@pytest.fixture
async def exchange(clock: FakeClock) -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk(clock=lambda: clock().timestamp()) as server:
        yield server


@pytest.fixture(autouse=True)
def stamps_on_the_test_clock(wiring: BotWiring, clock: FakeClock) -> None:
    wiring.use(exchange_time=lambda: clock().timestamp())


@pytest.fixture
async def bot(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> AsyncIterator[BotHarness]:
    async with start_bot(make_settings(EXPLAIN_CHANGES="true")) as harness:
        await poll(harness)  # the baseline snapshot
        yield harness


def alerts(bot: BotHarness) -> list[list[str]]:
    return [m.plain_text.splitlines() for m in sent_alerts(bot)]


def sent_alerts(bot: BotHarness) -> list[SentMessage]:
    """Return the change alerts sent (not their edits) to the allowed chat."""
    return [m for m in sent_to(bot, ALLOWED_CHAT, "🔔") if m.method == "sendMessage"]


def message_lines(bot: BotHarness, message_id: int) -> list[str]:
    """Return the lines a message of the allowed chat shows now (after its edits)."""
    stored = bot.telegram.message(ALLOWED_CHAT, message_id)
    assert stored is not None
    return str(stored["text"]).splitlines()


async def follow_up(bot: BotHarness, seconds: float = 2.0) -> None:
    """Let `seconds` pass, then run the history's follow-ups and a delivery round."""
    bot.clock.advance(seconds=seconds)
    services = services_of(bot)
    await services.monitor.follow_up()
    await services.deliverer.deliver_due()


def history_requests(exchange: FakeBtcTurk) -> int:
    return sum(exchange.calls[endpoint] for endpoint in HISTORY_ENDPOINTS)


async def test_a_buy_in_three_fills_is_one_line_with_its_average_fee_and_tax(
    bot: BotHarness,
) -> None:
    bot.clock.advance(seconds=30)
    bot.exchange.ledger.buy("BTCTRY", "0.005", "3512000", fills=3)
    await poll(bot)

    [alert] = alerts(bot)
    print("\n".join(alert))
    assert alert[0] == "🔔 Balance changed"
    assert alert[1] == "🟢 Bought 0.00500000 BTC at avg 3,512,000.00 TRY (3 fills)"
    assert alert[2].startswith("    fee 21.07 + tax 3.79 TRY · ")
    assert not any("not in the history" in line for line in alert)


async def test_a_sell_a_deposit_and_a_withdrawal_with_fee(bot: BotHarness) -> None:
    bot.clock.advance(seconds=30)
    bot.exchange.ledger.sell("USDTTRY", "100", "41.5")
    bot.exchange.ledger.deposit("BTC", "0.01")
    bot.exchange.ledger.withdraw("TRY", "1000", fee="3.5")
    await poll(bot)

    [alert] = alerts(bot)
    print("\n".join(alert))
    text = "\n".join(alert)
    assert "🔴 Sold 100.00 USDT at avg 41.50 TRY (1 fill)" in text
    assert "📥 Deposit 0.01000000 BTC" in text
    assert "📤 Withdrawal 1,000.00 TRY · fee 3.50 TRY" in text
    assert "not in the history" not in text
    assert history_requests(bot.exchange) == 3  # one per history endpoint


async def test_a_pending_withdrawal_is_told_as_requested(bot: BotHarness) -> None:
    bot.exchange.ledger.withdraw("USDT", "100", fee="1", pending=True)
    await poll(bot)

    [alert] = sent_to(bot, ALLOWED_CHAT, "⏳")
    assert alert.plain_text.splitlines()[:2] == [
        "⏳ Withdrawal requested: 101.00 USDT set aside, fee included",
        "Portfolio: 34,216,101.93 TRY",
    ]
    assert alerts(bot) == []  # the total did not change: no "balance changed"


async def test_nothing_changed_costs_no_history_request(bot: BotHarness) -> None:
    before = history_requests(bot.exchange)
    await poll(bot)
    await poll(bot)
    assert history_requests(bot.exchange) == before == 0
    assert alerts(bot) == []


async def test_a_lagging_history_row_alerts_at_once_then_edits_the_alert(
    bot: BotHarness,
) -> None:
    bot.exchange.ledger.deposit("BTC", "0.25", lag=1)  # listed from the second answer on
    await poll(bot)
    [first] = alerts(bot)  # at once, with what is known
    assert "❔ +0.25000000 BTC (≈ +875,000.00 TRY) not in the history yet" in first

    await follow_up(bot)  # the history, 2 s later

    [sent] = sent_alerts(bot)
    edited = message_lines(bot, sent.message_id)
    print("\n".join(edited))
    assert edited[:2] == ["🔔 Balance changed", "📥 Deposit 0.25000000 BTC"]
    assert not any("not in the history" in line for line in edited)
    assert edited[2:] == first[2:]  # the figures, the total and the time stay as they were
    assert [m.method for m in bot.telegram.sent if m.chat_id == ALLOWED_CHAT] == [
        "sendMessage",
        "editMessageText",
    ]
    await follow_up(bot, seconds=60)
    assert len(bot.telegram.sent) == 2 * len(CHATS)  # nothing explained twice
    assert await services_of(bot).store.open_follow_ups() == []


async def test_a_row_an_open_alert_waits_for_is_told_there_not_in_the_next_change(
    bot: BotHarness,
) -> None:
    bot.exchange.ledger.deposit("BTC", "0.01", lag=1)  # listed from the second answer on
    await poll(bot)
    [first] = alerts(bot)
    assert "❔ +0.01000000 BTC (≈ +35,000.00 TRY) not in the history yet" in first
    bot.clock.advance(seconds=1)  # before the first look: the next change reads it first
    bot.exchange.ledger.deposit("TRY", "2000000")
    bot.exchange.ledger.buy("BTCTRY", "0.5", "3512000", fills=3)
    await poll(bot)

    [old, new] = sent_alerts(bot)
    print("\n".join(message_lines(bot, old.message_id)), new.plain_text, sep="\n\n")
    assert "📥 Deposit 0.01000000 BTC" not in new.plain_text  # the earlier alert's, not this one's
    assert "not in the history yet" not in new.plain_text
    assert "🟢 Bought 0.50000000 BTC" in new.plain_text
    edited = message_lines(bot, old.message_id)
    assert edited[:2] == ["🔔 Balance changed", "📥 Deposit 0.01000000 BTC"]
    assert await services_of(bot).store.open_follow_ups() == []


async def test_an_alert_that_cannot_be_edited_is_replied_to(bot: BotHarness) -> None:
    bot.exchange.ledger.deposit("BTC", "0.25", lag=1)
    await poll(bot)
    [sent] = sent_alerts(bot)
    bot.telegram.freeze_message(ALLOWED_CHAT, sent.message_id)  # too old to edit

    await follow_up(bot)

    [reply] = sent_to(bot, ALLOWED_CHAT, "🔎")
    assert reply.plain_text.splitlines() == [
        "🔎 Now explained (the change of 08:00 (Istanbul))",
        "📥 Deposit 0.25000000 BTC",
    ]
    stored = bot.telegram.message(ALLOWED_CHAT, reply.message_id)
    assert stored is not None
    assert stored["reply_to_message"]["message_id"] == sent.message_id


async def test_a_change_the_history_never_lists_goes_out_at_once(bot: BotHarness) -> None:
    bot.exchange.set_balance("USDT", "1600.25")  # no history row behind it
    await poll(bot)

    [alert] = alerts(bot)
    print("\n".join(alert))
    assert any(line.startswith("❔ +100.00 USDT") for line in alert)
    for _ in range(30):  # looked for at 2, 5 and 15 s, then each minute, for 15 minutes
        await follow_up(bot, seconds=60)
    assert await services_of(bot).store.open_follow_ups() == []
    assert [m.method for m in bot.telegram.sent if m.chat_id == ALLOWED_CHAT] == ["sendMessage"]


async def test_a_key_without_the_account_permission_alerts_as_before_and_says_so_once(
    bot: BotHarness,
) -> None:
    bot.exchange.account_permission = False
    bot.exchange.set_balance("USDT", "1600.25")
    await poll(bot)
    bot.exchange.set_balance("USDT", "1700.25")
    await poll(bot)

    first, second = alerts(bot)
    assert first[1:3] == ["USDT 1,500.25 → 1,600.25", "    +100.00 USDT ≈ +4,150.00 TRY"]
    assert second[1] == "USDT 1,600.25 → 1,700.25"
    notices = sent_to(bot, ALLOWED_CHAT, "🔑")
    assert len(notices) == 1
    assert "Account permission" in notices[0].plain_text
    assert history_requests(bot.exchange) == 1  # refused once, then not asked again
    [status] = await bot.ask("/status")
    assert "lacks the Account permission" in status.plain_text


async def test_a_restart_explains_nothing_twice(
    make_settings: Callable[..., Settings], start_bot: StartBot, clock: FakeClock
) -> None:
    settings = make_settings(EXPLAIN_CHANGES="true")
    async with start_bot(settings) as first:
        await poll(first)
        first.exchange.ledger.buy("BTCTRY", "0.001", "3500000")
        await poll(first)
        sent_before = len(alerts(first))
    clock.advance(seconds=20)
    async with start_bot(settings) as second:
        second.exchange.ledger.buy("BTCTRY", "0.002", "3500000")
        await poll(second)
        later = alerts(second)[sent_before:]

    assert sent_before == 1
    [alert] = later
    print("\n".join(alert))
    assert alert[1] == "🟢 Bought 0.00200000 BTC at avg 3,500,000.00 TRY (1 fill)"


async def test_history_lists_the_last_transactions_newest_first(bot: BotHarness) -> None:
    bot.exchange.ledger.buy("BTCTRY", "0.005", "3512000", fills=2)
    bot.clock.advance(minutes=5)
    bot.exchange.ledger.deposit("TRY", "10000")
    [reply] = await bot.ask("/history")
    lines = reply.plain_text.splitlines()
    print("\n".join(lines))
    assert lines[0].startswith("📜 Last 2 transactions")
    assert "Deposit 10,000.00 TRY" in lines[1]
    assert "Buy 0.00500000 BTC at avg 3,512,000.00 TRY (2 fills)" in lines[2]
    [usage] = await bot.ask("/history lots")
    assert usage.plain_text.startswith("Usage: /history [N]")


async def test_the_summary_tells_a_deposit_from_the_market(bot: BotHarness) -> None:
    services = services_of(bot)
    yesterday = bot.clock().astimezone(services.settings.timezone).date() - timedelta(days=1)
    portfolio = await services.account.portfolio.portfolio(max_age_s=0)
    await services.store.save_daily_portfolio(DailyPortfolio(yesterday, portfolio.total, {}))
    bot.exchange.ledger.deposit("TRY", "10000")
    await poll(bot)
    [summary] = await bot.ask("/summary")
    lines = summary.plain_text.splitlines()
    print("\n".join(lines))
    assert lines[2] == "Since yesterday: ▲ +10,000.00 TRY (+0.03%)"
    assert lines[3:5] == ["  Market: = +0.00 TRY (+0.00%)", "  📥 Net deposits: +10,000.00 TRY"]


async def test_the_history_down_while_balances_answer_sends_the_alert_at_once(
    bot: BotHarness,
) -> None:
    bot.exchange.inject("maintenance", times=100, endpoint="trades")
    bot.exchange.set_balance("USDT", "1600.25")
    await poll(bot)

    [alert] = alerts(bot)
    assert alert[1:3] == ["USDT 1,500.25 → 1,600.25", "    +100.00 USDT ≈ +4,150.00 TRY"]
    assert sent_to(bot, ALLOWED_CHAT, "🔑") == []  # not a permission problem


async def test_a_withdrawal_request_made_with_a_lagging_change_is_told_with_it(
    bot: BotHarness,
) -> None:
    bot.exchange.ledger.deposit("BTC", "0.25", lag=1)  # listed one answer late
    bot.exchange.ledger.withdraw("USDT", "100", fee="1", pending=True)
    await poll(bot)

    [alert] = alerts(bot)
    assert "⏳ Withdrawal requested: 101.00 USDT set aside, fee included" in alert
    await follow_up(bot)
    edited = message_lines(bot, sent_alerts(bot)[0].message_id)
    assert "📥 Deposit 0.25000000 BTC" in edited
    assert "⏳ Withdrawal requested: 101.00 USDT set aside, fee included" in edited


async def test_a_hanging_history_holds_up_neither_the_change_nor_a_price_alert(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    settings = make_settings(EXPLAIN_CHANGES="true", BTCTURK_TIMEOUT_SECONDS="60")
    async with start_bot(settings) as bot:
        await poll(bot)
        [created] = await bot.ask("/alert btc price above 3600000")
        assert created.plain_text.startswith("✅ Alert #1")
        bot.exchange.inject("timeout", times=100, endpoint="trades")  # every read hangs
        bot.exchange.ledger.deposit("USDT", "100")
        bot.exchange.set_price("BTCTRY", "3650000")

        polling = asyncio.create_task(poll(bot))
        [first, second] = await bot.telegram.wait_for_messages(
            ALLOWED_CHAT, count=2, since=len(bot.telegram.sent), timeout=REPLY_TIMEOUT_S
        )  # while the history still hangs (a read waits 60 s, tried 3 times)
        await polling
        texts = sorted([first.plain_text, second.plain_text])
        assert texts[0].startswith("⚠️ Alert #1: BTC price rose above 3,600,000 TRY")
        assert texts[1].splitlines()[1:3] == [
            "USDT 1,500.25 → 1,600.25",
            "    +100.00 USDT ≈ +4,150.00 TRY",
        ]
        bot.exchange.clear_faults()  # the history answers again

        await follow_up(bot)

        [sent] = sent_alerts(bot)
        edited = message_lines(bot, sent.message_id)
        assert edited[:3] == [
            "🔔 Balance changed",
            "📥 Deposit 100.00 USDT",
            "USDT 1,500.25 → 1,600.25",
        ]


async def test_fills_beyond_what_the_history_returns_at_one_moment_are_said_so_once(
    bot: BotHarness,
) -> None:
    bot.clock.advance(seconds=30)
    bot.exchange.ledger.buy("BTCTRY", "0.005", "3512000", fills=250)  # all at one millisecond
    await poll(bot)

    [alert] = alerts(bot)  # BTCTurk returns 200 of the 250 fills: never the other 50
    print("\n".join(alert))
    assert alert[1] == "🟢 Bought 0.00400000 BTC at avg 3,512,000.00 TRY (200 fills)"
    assert not any("not in the history yet" in line for line in alert)
    [why] = [line for line in alert if line.startswith("⚠️")]
    assert "BTCTurk returns at most 200 fills of one millisecond" in why
    assert "    +0.00100000 BTC (≈ +3,500.00 TRY)" in alert
    assert "    -3,516.98 TRY" in alert
    assert await services_of(bot).store.open_follow_ups() == []  # nothing to wait for

    [listed] = await bot.ask("/history")
    lines = listed.plain_text.splitlines()
    print("\n".join(lines))
    at = next(i for i, line in enumerate(lines) if "(200 fills)" in line)
    assert lines[at + 1].startswith("    ⚠️ BTCTurk lists at most 200 fills of one millisecond")


async def test_an_alert_sent_without_the_history_tells_each_fact_once_when_explained(
    backoff: RecordedSleep, bot: BotHarness
) -> None:
    for endpoint in HISTORY_ENDPOINTS:  # the history fails when the change is seen
        bot.exchange.inject("maintenance", times=100, endpoint=endpoint)
    bot.exchange.ledger.deposit("USDT", "100")
    bot.exchange.ledger.deposit("BTC", "0.01", lag=1)  # listed one answer late
    await poll(bot)
    [sent] = sent_alerts(bot)
    first = sent.plain_text.splitlines()
    print("\n".join(first))
    assert first[1:5] == [
        "BTC 9.75021866 → 9.76021866",
        "    +0.01000000 BTC ≈ +35,000.00 TRY",
        "USDT 1,500.25 → 1,600.25",
        "    +100.00 USDT ≈ +4,150.00 TRY",
    ]
    bot.exchange.clear_faults()
    bot.exchange.set_price("BTCTRY", "3900000")
    await poll(bot)  # a check before the look reads another price

    await follow_up(bot)  # the history lists the USDT deposit, not yet the BTC one

    edited = message_lines(bot, sent.message_id)
    print("\n".join(edited))
    # The deposit found instead of its "+100.00 USDT ≈ …" line, not beside it; what is still
    # open at the alert's value.
    assert edited == [
        "🔔 Balance changed",
        "📥 Deposit 100.00 USDT",
        "❔ +0.01000000 BTC (≈ +35,000.00 TRY) not in the history yet",
        "BTC 9.75021866 → 9.76021866",
        "USDT 1,500.25 → 1,600.25",
        *first[5:],
    ]

    await follow_up(bot, seconds=3)  # the BTC deposit is listed now
    assert message_lines(bot, sent.message_id) == [
        "🔔 Balance changed",
        "📥 Deposit 100.00 USDT",
        "📥 Deposit 0.01000000 BTC",
        "BTC 9.75021866 → 9.76021866",
        "USDT 1,500.25 → 1,600.25",
        *first[5:],
    ]
