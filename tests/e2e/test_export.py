"""/export end to end on the fakes: a file that is right, or says where it is not."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.telegram import SentMessage
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.export import send_waiting_exports
from balance_bot.services.backfill import Backfill
from tests.e2e.conftest import (
    ALLOWED_CHAT,
    REPLY_TIMEOUT_S,
    BotHarness,
    FakeClock,
    poll,
    services_of,
)
from tests.kit.clocks import RecordedSleep
from tests.kit.wiring import BotWiring

StartBot = Callable[[Settings], Any]


@pytest.fixture
async def exchange(clock: FakeClock) -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk(clock=lambda: clock().timestamp(), balances=[]) as server:
        yield server


@pytest.fixture(autouse=True)
def on_the_test_clock(wiring: BotWiring, clock: FakeClock) -> None:
    wiring.use(exchange_time=lambda: clock().timestamp())
    wiring.jobs = False  # the backfill is stepped by the test


def trades(exchange: FakeBtcTurk, clock: FakeClock) -> None:
    """Twenty days ago: 1,000,000 TRY in and 0.1 BTC bought; five days later 0.04 BTC sold."""
    now = clock.now
    clock.advance(days=-20)
    exchange.ledger.deposit("TRY", "1000000")
    exchange.ledger.buy("BTCTRY", "0.1", "3000000")
    clock.advance(days=5)
    exchange.ledger.sell("BTCTRY", "0.04", "3500000")
    clock.now = now
    exchange.set_price("BTCTRY", "3600000")


@pytest.fixture
async def bot(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    clock: FakeClock,
) -> AsyncIterator[BotHarness]:
    trades(exchange, clock)
    async with start_bot(make_settings()) as harness:
        yield harness


async def backfill(bot: BotHarness) -> Backfill:
    steps = services_of(bot).account.backfill
    assert steps is not None
    while await steps.step():
        pass
    return steps


def table(sent: SentMessage) -> list[list[str]]:
    assert sent.method == "sendDocument" and sent.document is not None
    text = sent.document.decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    print("\n".join(",".join(r) for r in rows))
    print(sent.plain_text)
    return rows


def records(rows: list[list[str]]) -> list[list[str]]:
    """Return the record rows: after the header, up to the first blank row."""
    start = next(i for i, r in enumerate(rows) if r[:1] == ["time"]) + 1
    end = next((i for i, r in enumerate(rows[start:], start) if not r), len(rows))
    return rows[start:end]


async def test_a_sale_without_a_known_acquisition_has_no_basis_and_the_caption_says_so(
    bot: BotHarness,
) -> None:
    bot.clock.advance(minutes=1)
    bot.exchange.set_balance("XRP", "100")  # arrived with no history row
    bot.exchange.ledger.sell("XRPTRY", "50", "20")
    await backfill(bot)
    [sent] = await bot.ask("/export")
    rows = table(sent)
    [xrp] = [r for r in records(rows) if r[2] == "XRP"]
    assert xrp[1] == "sell" and xrp[7] == "1000.00"
    assert xrp[11:13] == ["", ""]  # no basis, no P&L: never 0.00 and the whole proceeds
    assert xrp[14].startswith("no known acquisition")
    [btc] = [r for r in records(rows) if r[1] == "sell" and r[2] == "BTC"]
    assert btc[12] == "19631.84"
    assert "Realized P&L 2026: +19,631.84 TRY, without XRP" in sent.plain_text
    assert any(r and r[0].startswith("# ") and "XRP" in r[0] for r in rows)


async def test_a_usdt_quoted_buy_books_the_usdt_pnl_on_a_usdt_row(bot: BotHarness) -> None:
    now = bot.clock.now
    bot.clock.advance(days=-1)  # a day that is over: its close values the trade
    bot.exchange.ledger.buy("USDTTRY", "1000", "34")
    bot.exchange.ledger.buy("GLMRUSDT", "100", "0.1")  # 10.01416 USDT with fee and tax
    bot.exchange.candles.set_close("USDTTRY", bot.clock.now.date(), "35")
    bot.clock.now = now
    await backfill(bot)
    [sent] = await bot.ask("/export")
    rows = records(table(sent))
    [glmr] = [r for r in rows if r[2] == "GLMR"]
    assert glmr[1] == "buy" and glmr[11:13] == ["", ""]  # nothing of GLMR realized
    [usdt] = [r for r in rows if r[1] == "spent" and r[2] == "USDT"]
    assert usdt[3] == "GLMRUSDT" and usdt[13] == glmr[13]  # the same fill
    assert usdt[4] == "10.01416"  # what was spent, fee and tax included
    assert usdt[7] == "350.50"  # at 35 TRY
    assert usdt[11] == "340.96"  # bought at 34.048144 TRY each, fee and tax included
    assert usdt[12] == "9.53"


async def test_fills_the_exchange_could_not_return_are_named(bot: BotHarness) -> None:
    bot.clock.advance(minutes=1)
    bot.exchange.ledger.deposit("TRY", "1000000")
    bot.exchange.ledger.buy("BTCTRY", "0.25", "3600000", fills=250)  # 250 fills, one moment
    await backfill(bot)
    [sent] = await bot.ask("/export")
    rows = table(sent)
    assert len([r for r in records(rows) if r[1] == "buy"]) == 201  # what BTCTurk returned
    assert "BTCTurk returns at most 200 fills of one millisecond" in sent.plain_text
    assert any(r and r[0].startswith("# ⚠️ Maybe incomplete") for r in rows)


async def test_a_trade_just_made_is_in_the_export(bot: BotHarness) -> None:
    await backfill(bot)
    bot.clock.advance(minutes=1)
    bot.exchange.ledger.sell("BTCTRY", "0.01", "3600000")  # the alert would tell it now
    [sent] = await bot.ask("/export")
    sells = [r for r in records(table(sent)) if r[1] == "sell"]
    assert len(sells) == 2
    assert "3 records" not in sent.plain_text and "4 records" in sent.plain_text


async def test_export_while_loading_names_no_pnl_and_no_month_before_the_first_record(
    bot: BotHarness,
) -> None:
    [early] = await bot.ask("/export")
    assert early.plain_text.startswith("⏳ History still loading")
    assert "P&L" not in early.plain_text
    steps = services_of(bot).account.backfill
    assert steps is not None
    assert await steps.step()  # back to 2026-10-26; the first record is of 2026-11-05
    [partial] = await bot.ask("/export")
    print(partial.plain_text)
    assert "P&L" not in partial.plain_text
    assert "2026-10" not in partial.plain_text
    assert "2026-11" in partial.plain_text


async def test_a_forward_read_that_fails_is_said_in_the_caption(
    bot: BotHarness, backoff: RecordedSleep
) -> None:
    await backfill(bot)
    bot.clock.advance(minutes=1)
    bot.exchange.ledger.sell("BTCTRY", "0.01", "3600000")
    bot.exchange.inject("maintenance", times=10, endpoint="trades")
    [sent] = await bot.ask("/export")
    rows = table(sent)
    assert len([r for r in records(rows) if r[1] == "sell"]) == 1  # the new one not read
    assert "could not be read just now: the file holds what was read up to 08:00" in (
        sent.plain_text
    )
    assert any(r and r[0].startswith("# ⚠️ BTCTurk's history could not be read") for r in rows)


async def test_a_history_no_longer_read_forward_is_said_in_the_caption(bot: BotHarness) -> None:
    await backfill(bot)  # read up to 08:00
    bot.exchange.account_permission = False
    bot.clock.advance(minutes=30)

    [sent] = await bot.ask("/export")

    assert (
        "🔑 BTCTurk's history was read up to 08:00 (Istanbul), not since: the API key lacks the"
        " Account permission. The file holds what was read until then."
    ) in sent.plain_text


async def test_an_export_asked_while_loading_is_sent_once_the_history_is_read(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    clock: FakeClock,
    wiring: BotWiring,
) -> None:
    trades(exchange, clock)
    settings = make_settings(HISTORY_BACKFILL_DELAY_SECONDS="0", HISTORY_BACKFILL_PACE_SECONDS="0")
    async with start_bot(settings) as first:  # no jobs: the history is not read at all
        [early] = await first.ask("/export")
        await first.ask("/export")  # asked twice: one file
    assert early.plain_text.startswith("⏳ History still loading")

    wiring.jobs = True  # restarted, the bot reads the history in the background
    async with start_bot(settings) as second:
        [sent] = await second.telegram.wait_for_messages(
            ALLOWED_CHAT, since=len(second.telegram.sent), timeout=REPLY_TIMEOUT_S
        )
    wiring.jobs = False
    async with start_bot(settings) as third:  # asked once, sent once: not again
        await send_waiting_exports(BotContext(third.application))

    assert len(records(table(sent))) == 3  # the deposit, the buy and the sell
    assert [m.method for m in third.telegram.sent] == ["sendMessage"] * 2 + ["sendDocument"]


# The same figures as /pnl, the same assets left out, and what is not known yet


async def test_the_export_leaves_out_the_assets_pnl_leaves_out_and_keeps_their_rows(
    bot: BotHarness,
) -> None:
    bot.clock.advance(minutes=1)
    bot.exchange.ledger.buy("XRPTRY", "100", "20")
    bot.exchange.ledger.sell("XRPTRY", "100", "22")
    bot.exchange.set_balance("BTC", "0.07")  # 0.01 BTC more than the history accounts for
    await backfill(bot)
    [pnl] = await bot.ask("/pnl")
    print(pnl.plain_text)
    [sent] = await bot.ask("/export")
    rows = table(sent)
    realized = next(
        line for line in pnl.plain_text.splitlines() if line.startswith("Realized 2026:")
    )
    amount = realized.split()[2]  # "+195.48": XRP alone
    assert "  without BTC: incomplete history" in pnl.plain_text
    assert f"Realized P&L 2026: {amount} TRY, without BTC: incomplete history" in sent.plain_text
    assert any(r and r[0].startswith("# Realized P&L 2026") and "BTC" in r[0] for r in rows)
    [btc] = [r for r in records(rows) if r[1] == "sell" and r[2] == "BTC"]
    assert btc[12] == "19631.84"  # the row keeps its facts
    assert "the history does not account for the BTC held now" in btc[14]
    [xrp] = [r for r in records(rows) if r[1] == "sell" and r[2] == "XRP"]
    assert xrp[14] == ""


async def test_a_usdt_quoted_buy_of_today_the_bot_did_not_see_waits_for_the_close(
    bot: BotHarness,
) -> None:
    bot.clock.advance(minutes=1)
    bot.exchange.ledger.buy("USDTTRY", "1000", "34")
    bot.exchange.ledger.buy("BTCUSDT", "0.001", "100000")  # no check saw it: no price read
    await backfill(bot)
    [sent] = await bot.ask("/export")
    rows = records(table(sent))
    [buy] = [r for r in rows if r[3] == "BTCUSDT" and r[1] == "buy"]
    [spent] = [r for r in rows if r[1] == "spent"]
    for row in (buy, spent):
        assert row[7] == ""
        assert "after today's close" in row[14] and "that day" not in row[14]
    assert "USDT: valued after today's close" in sent.plain_text


async def test_a_usdt_quoted_buy_the_bot_saw_is_exported_at_the_usdt_price_it_read(
    bot: BotHarness,
) -> None:
    bot.exchange.set_price("USDTTRY", "34")
    await backfill(bot)
    await poll(bot)  # the baseline
    bot.clock.advance(minutes=1)
    bot.exchange.ledger.buy("USDTTRY", "1000", "34")
    bot.exchange.ledger.buy("BTCUSDT", "0.001", "100000")
    await poll(bot)  # the change is seen: USDT read at 34 TRY
    [sent] = await bot.ask("/export")
    rows = records(table(sent))
    [buy] = [r for r in rows if r[3] == "BTCUSDT" and r[1] == "buy"]
    [spent] = [r for r in rows if r[1] == "spent"]
    assert buy[7] == "3400.00"
    assert spent[7] == "3404.81" and spent[12] == "-4.82"
    assert "price the bot saw at the time" in buy[14]
    assert "without" not in sent.plain_text


async def test_an_export_without_any_balance_read_says_it_could_not_check_them(
    bot: BotHarness,
) -> None:
    await backfill(bot)
    bot.exchange.inject("500", times=3, endpoint="balances")
    [sent] = await bot.ask("/export")
    table(sent)
    assert "Realized P&L 2026: +19,631.84 TRY" in sent.plain_text
    assert "balances could not be read" in sent.plain_text


async def test_the_caption_names_daily_values_only_when_the_file_has_some(bot: BotHarness) -> None:
    from datetime import date

    from balance_bot.store.models import DailyPortfolio

    await backfill(bot)
    [bare] = await bot.ask("/export")
    assert "daily portfolio values" not in bare.plain_text  # the bot kept none yet
    assert not any(r[:1] == ["day"] for r in table(bare))

    kept = DailyPortfolio(date(2026, 11, 24), Decimal("250000"), {})
    await services_of(bot).store.save_daily_portfolio(kept)
    [sent] = await bot.ask("/export")
    assert "then the daily portfolio values" in sent.plain_text
    assert ["2026-11-24", "250000.00"] in table(sent)


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("1999", "⚠️ BTCTurk opened in 2013: there is nothing to export from 1999."),
        ("2027", "⚠️ 2027 has not started yet."),
        ("abc", "⚠️ “abc” is not a year: write it with four digits, like 2025."),
        ("2025 2026", "⚠️ One year at a time."),
    ],
)
async def test_export_of_a_year_it_cannot_have_says_why_then_the_usage(
    bot: BotHarness, typed: str, why: str
) -> None:
    """`/export 1999` and `/export 2027` got the bare usage line, without the reason."""
    [reply] = await bot.ask(f"/export {typed}")
    print(reply.plain_text)
    lines = reply.plain_text.splitlines()
    assert lines[0] == why
    assert lines[1].startswith("Usage: /export [YEAR]")
