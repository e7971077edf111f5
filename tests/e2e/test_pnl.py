"""/pnl and the history line of /status, end to end on the fakes, the exchange on the test clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.services.backfill import Backfill
from tests.e2e.conftest import BotHarness, FakeClock, poll, services_of
from tests.kit.clocks import ManualMonotonic, RecordedSleep
from tests.kit.values import pnl_part
from tests.kit.wiring import BotWiring

D = Decimal
StartBot = Callable[[Settings], Any]


@pytest.fixture
async def exchange(clock: FakeClock) -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk(clock=lambda: clock().timestamp(), balances=[]) as server:
        yield server


@pytest.fixture(autouse=True)
def on_the_test_clock(wiring: BotWiring, clock: FakeClock) -> None:
    wiring.use(exchange_time=lambda: clock().timestamp())
    wiring.jobs = False  # the backfill is stepped by the test


def trade_history(exchange: FakeBtcTurk, clock: FakeClock) -> None:
    """Twenty days ago: 1,000,000 TRY in, 0.1 BTC bought; then 0.04 sold, 2 ETH deposited."""
    now = clock.now
    clock.advance(days=-20)
    exchange.ledger.deposit("TRY", "1000000")
    exchange.ledger.buy("BTCTRY", "0.1", "3000000", fills=2)
    clock.advance(days=5)
    exchange.ledger.sell("BTCTRY", "0.04", "3500000")
    exchange.ledger.deposit("ETH", "2")
    exchange.candles.set_close("ETHTRY", clock.now.date(), "100000")
    clock.now = now
    exchange.set_price("BTCTRY", "3600000")
    exchange.set_price("ETHTRY", "120000")


async def backfill(bot: BotHarness) -> Backfill:
    steps = services_of(bot).account.backfill
    assert steps is not None
    while await steps.step():
        pass
    return steps


@pytest.fixture
async def bot(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    clock: FakeClock,
) -> AsyncIterator[BotHarness]:
    trade_history(exchange, clock)
    async with start_bot(make_settings()) as harness:
        yield harness


async def test_pnl_waits_for_the_history_then_shows_every_figure(bot: BotHarness) -> None:
    [loading] = await bot.ask("/pnl")
    assert loading.plain_text.startswith("⏳ History still loading: P&L is ready once")
    [status] = await bot.ask("/status")
    assert "History: not read yet" in status.plain_text

    steps = services_of(bot).account.backfill
    assert steps is not None
    assert await steps.step()
    [partial] = await bot.ask("/pnl")
    assert "History still loading (records back to 2026-11 so far)" in partial.plain_text

    await backfill(bot)
    [reply] = await bot.ask("/pnl")
    text = pnl_part(reply.plain_text)
    print(text)
    lines = text.splitlines()
    assert lines[0] == "📈 P&L (average cost, TRY)"
    # ETH: 2 deposited at 100,000 (estimated), now 120,000: +40,000 (+20%).
    # BTC: 0.1 for 300,424.80 (fee 360 + tax 64.80), 0.04 sold for 139,801.76: avg 3,004,248,
    # realized +19,631.84; 0.06 left cost 180,254.88, worth 216,000: +35,745.12 (+19.83%).
    # Sorted by absolute P&L: BTC's +35,745.12 unrealized and +19,631.84 realized come first.
    assert lines[1:5] == [
        "BTC   +35,745.12 (+19.83%)",
        " avg 3,004,248.00 → 3,600,000.00",
        "ETH°  +40,000.00 (+20.00%)",  # ° its deposit is costed at its day's close
        " avg 100,000.00 → 120,000.00",
    ]
    assert "BTC  +19,631.84\n all +19,631.84 · fees 623.04" in text
    assert "Unrealized: +75,745.12 TRY (+19.92%)" in text  # of a cost of 380,254.88
    assert "Realized 2026: +19,631.84 TRY · fees + taxes 2026: 623.04 TRY" in text
    assert "without" not in text  # nothing left out
    assert "° cost includes deposits at their day's closing price" in text

    [status] = await bot.ask("/status")
    assert "History: complete, back to 2026-11" in status.plain_text


async def test_an_asset_the_history_does_not_explain_shows_no_figure(bot: BotHarness) -> None:
    bot.exchange.set_balance("BTC", "0.07")  # 0.01 more than the history accounts for
    await backfill(bot)
    [reply] = await bot.ask("/pnl")
    text = reply.plain_text
    print(text)
    btc = next(line for line in text.splitlines() if line.startswith("BTC"))
    assert btc.split() == ["BTC", "incomplete", "history"]  # no figure at all
    assert "Incomplete history: BTCTurk's history does not account" in text
    # ETH alone, and the totals say so; BTC's fees go with BTC's realized P&L.
    assert "Unrealized: +40,000.00 TRY (+20.00%)\n  without BTC: incomplete history" in text
    assert (
        "Realized 2026: +0.00 TRY · fees + taxes 2026: 0.00 TRY\n  without BTC: incomplete history"
    ) in text


async def test_turkish_reply(bot: BotHarness) -> None:
    await backfill(bot)
    await bot.ask("/lang tr")
    [reply] = await bot.ask("/pnl")
    print(reply.plain_text)
    assert reply.plain_text.startswith("📈 Kâr/Zarar (ortalama maliyet, TRY)")
    assert "Gerçekleşen 2026: +19.631,84 TRY" in reply.plain_text


async def test_a_key_without_the_account_permission_is_told_what_to_do(bot: BotHarness) -> None:
    bot.exchange.account_permission = False
    steps = services_of(bot).account.backfill
    assert steps is not None
    with pytest.raises(Exception, match="Account permission"):
        await steps.step()
    [reply] = await bot.ask("/pnl")
    assert "read-only Account permission" in reply.plain_text


async def test_export_sends_the_year_as_a_csv_a_spreadsheet_opens(bot: BotHarness) -> None:
    import csv
    import io

    [early] = await bot.ask("/export")
    assert early.plain_text.startswith("⏳ History still loading")
    await backfill(bot)
    [sent] = await bot.ask("/export 2026")
    assert sent.method == "sendDocument"
    assert sent.filename == "btcturk-2026.csv"
    assert sent.document is not None
    text = sent.document.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    print("\n".join(",".join(r) for r in rows))
    assert rows[0] == ["# Realized P&L 2026: +19,631.84 TRY"]  # a comment row first
    rows = rows[1:]
    assert rows[0][:4] == ["time", "type", "asset", "pair"]
    kinds = [(r[1], r[2]) for r in rows[1:] if r]
    assert kinds == [
        ("deposit", "TRY"),
        ("buy", "BTC"),
        ("buy", "BTC"),
        ("deposit", "ETH"),  # at the same moment as the sale: money in comes first
        ("sell", "BTC"),
    ]
    sell = next(r for r in rows if r[1:2] == ["sell"])
    assert sell[7] == "140000.00"  # value
    assert sell[10] == "198.24"  # fee + tax
    assert sell[11] == "120169.92"  # basis
    assert sell[12] == "19631.84"  # realized
    eth = next(r for r in rows if r[2:3] == ["ETH"])
    assert eth[7] == "200000.00"  # at the day's close
    assert "5 records" in sent.plain_text

    [usage] = await bot.ask("/export 1999")
    assert usage.plain_text.splitlines()[1].startswith("Usage: /export [YEAR]")


async def test_balance_of_one_asset_shows_its_average_cost_once_the_history_is_read(
    bot: BotHarness,
) -> None:
    [before] = await bot.ask("/balance BTC")
    assert "Average cost" not in before.plain_text
    await backfill(bot)
    [btc] = await bot.ask("/balance BTC")
    [eth] = await bot.ask("/balance eth")
    print(btc.plain_text, eth.plain_text, sep="\n")
    assert "Average cost 3,004,248.00 TRY · unrealized +35,745.12 TRY (+19.83%)" in btc.plain_text
    assert "Average cost 100,000.00 TRY (deposits at the day's close)" in eth.plain_text


async def test_the_summary_adds_the_unrealized_pnl_and_its_change_since_the_last_one(
    bot: BotHarness,
) -> None:
    [before] = await bot.ask("/summary")
    assert "Unrealized" not in before.plain_text
    await backfill(bot)
    # What yesterday's scheduled summary stored.
    await services_of(bot).store.set_meta("summary_unrealized_pnl", "2026-11-24 70000")
    [now] = await bot.ask("/summary")
    print(now.plain_text)
    assert "Unrealized P&L: +75,745.12 TRY (+19.92%), ▲ +5,745.12 since yesterday" in (
        now.plain_text
    )


async def test_a_trade_made_after_the_backfill_counts_at_once(bot: BotHarness) -> None:
    await backfill(bot)
    bot.clock.advance(minutes=1)
    bot.exchange.ledger.buy("BTCTRY", "0.01", "3600000")  # 36,050.98 with fee 43.20 + tax 7.78
    [reply] = await bot.ask("/pnl")
    print(reply.plain_text)
    btc = next(line for line in reply.plain_text.splitlines() if line.startswith("BTC "))
    # 0.07 BTC for 180,254.88 + 36,050.976 = 216,305.856, worth 252,000: +35,694.14.
    assert "+35,694.14" in btc


async def test_a_usdt_quoted_buy_is_valued_at_the_days_usdttry_close(bot: BotHarness) -> None:
    bot.clock.advance(minutes=1)
    bot.exchange.ledger.buy("USDTTRY", "1000", "34")  # 34,048.144 TRY with fee and tax
    bot.exchange.ledger.buy("BTCUSDT", "0.001", "100000")  # 100.1416 USDT with fee and tax
    bot.exchange.candles.set_close("USDTTRY", bot.clock.now.date(), "34")
    bot.exchange.set_price("USDTTRY", "34")
    await backfill(bot)
    [today] = await bot.ask("/pnl")
    print(today.plain_text)
    # The day is not over: its close is not known yet, and no other day's close stands in.
    lines = today.plain_text.splitlines()
    assert next(line for line in lines if line.startswith("BTC ")).split()[1:] == [
        *("⏳", "after", "today's", "close")
    ]
    assert "  without BTC: valued after today's close" in today.plain_text

    bot.clock.advance(days=1)
    [reply] = await bot.ask("/pnl")
    print(reply.plain_text)
    lines = reply.plain_text.splitlines()
    btc = lines[lines.index(next(line for line in lines if line.startswith("BTC "))) + 1]
    usdt = lines[lines.index(next(line for line in lines if line.startswith("USDT "))) + 1]
    # BTC: 180,254.88 + 100.1416 x 34 = 183,659.6944 for 0.061: avg 3,010,814.66.
    assert btc.split()[:2] == ["avg", "3,010,814.66"]
    # USDT: 899.8584 left of 1,000 bought for 34,048.144: avg 34.048144, worth 34 each.
    assert usdt.split()[:2] == ["avg", "34.05"]
    # Spending 100.1416 USDT that cost 3,409.64 for 3,404.81 of BTC realized -4.82.
    assert any(line.split()[:2] == ["USDT", "-4.82"] for line in lines)


async def test_a_price_missing_is_said_unknown_and_named_never_a_zero_or_a_blank(
    cache_clock: ManualMonotonic, bot: BotHarness
) -> None:
    await backfill(bot)
    for pair in ("ETHTRY", "ETHUSDT"):  # a held asset's pairs left out of the ticker list
        bot.exchange.unlist_pair(pair)
    [reply] = await bot.ask("/pnl")
    text = reply.plain_text
    print(text)
    assert "ETH°  unknown (no price)\n avg 100,000.00 → ?" in text
    assert "Unrealized: +35,745.12 TRY (+19.83%)\n  without ETH: no price" in text
    [eth] = await bot.ask("/balance eth")
    print(eth.plain_text)
    assert (
        "Average cost 100,000.00 TRY (deposits at the day's close) · unrealized unknown (no price)"
    ) in eth.plain_text

    cache_clock.now += 60  # the next read is a fresh one, and the ticker fails altogether
    bot.exchange.inject("500", times=3, endpoint="ticker")
    [down] = await bot.ask("/pnl")
    print(down.plain_text)
    assert "Unrealized: unknown (BTC, ETH: no price)" in down.plain_text
    assert "+0.00" not in down.plain_text.split("Unrealized")[1].splitlines()[0]


# A deposit's cost: the price of its moment, recorded once


async def test_a_deposit_costs_the_price_the_bot_saw_when_it_came_in_and_never_moves(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    clock: FakeClock,
) -> None:
    trade_history(exchange, clock)
    yesterday = clock.now.date() - timedelta(days=1)
    exchange.candles.set_close("BTCTRY", yesterday, "3000000")
    async with start_bot(make_settings(EXPLAIN_CHANGES="true")) as bot:
        await backfill(bot)
        await poll(bot)  # the baseline
        clock.advance(minutes=1)
        exchange.ledger.deposit("BTC", "0.01")  # from another wallet, BTCTRY at 3,600,000
        await poll(bot)  # the change alert explains it, valued at the price read then
        [reply] = await bot.ask("/pnl")
        print(reply.plain_text)
        # 0.07 BTC: 180,254.88 + 0.01 x 3,600,000, worth 252,000: a plain deposit adds no P&L.
        assert "BTC†  +35,745.12 (+16.53%)" in reply.plain_text
        assert (
            "† cost includes deposits or trades valued at the price the bot saw" in reply.plain_text
        )

        clock.advance(days=2)  # the day is over; its close is not the price of the moment
        exchange.candles.set_close("BTCTRY", clock.now.date() - timedelta(days=2), "3100000")
        [later] = await bot.ask("/pnl")
        assert "BTC†  +35,745.12 (+16.53%)" in later.plain_text


async def test_a_deposit_first_seen_after_a_long_gap_costs_its_days_close_not_that_price(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    clock: FakeClock,
) -> None:
    trade_history(exchange, clock)
    async with start_bot(make_settings(EXPLAIN_CHANGES="true")) as bot:
        await backfill(bot)
        await poll(bot)  # the baseline
        clock.advance(hours=2)  # the bot saw nothing for two hours (stopped, BTCTurk down)
        exchange.ledger.deposit("BTC", "0.01")  # made at some moment of those two hours
        await poll(bot)  # explained at once, but the price read now is not "at the time"
        [today] = await bot.ask("/pnl")
        print(today.plain_text)
        assert "BTC   ⏳ after today's close" in today.plain_text
        assert "BTC†" not in today.plain_text


async def test_a_deposit_the_bot_did_not_see_costs_its_days_close_fixed_once_recorded(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    clock: FakeClock,
) -> None:
    trade_history(exchange, clock)
    day = clock.now.date()
    exchange.candles.set_close("ETHTRY", day - timedelta(days=1), "90000")
    exchange.candles.set_close("ETHTRY", day, "110000")  # the day's close so far
    settings = make_settings()
    async with start_bot(settings) as bot:
        await backfill(bot)
        clock.advance(minutes=1)
        exchange.ledger.deposit("ETH", "1")
        [today] = await bot.ask("/pnl")
        print(today.plain_text)
        # Neither yesterday's close nor today's moving one: the day's close once it is over.
        assert "ETH°  ⏳ after today's close" in today.plain_text
        assert "  without ETH: valued after today's close" in today.plain_text

        clock.advance(days=1)
        exchange.candles.set_close("ETHTRY", day, "115000")  # the day's final close
        [next_day] = await bot.ask("/pnl")
        print(next_day.plain_text)
        # 3 ETH for 200,000 + 115,000, worth 360,000: +45,000 (+14.29%).
        assert "ETH°  +45,000.00 (+14.29%)" in next_day.plain_text

    # Another close read later (the candle corrected, the kept closes gone) moves nothing.
    exchange.candles.set_close("ETHTRY", day, "130000")
    async with start_bot(settings) as bot:
        await services_of(bot).store.db.run(lambda conn: conn.execute("DELETE FROM daily_prices"))
        [restarted] = await bot.ask("/pnl")
        print(restarted.plain_text)
        assert "ETH°  +45,000.00 (+14.29%)" in restarted.plain_text


# The quote currencies


async def test_pnl_in_usdt_from_the_same_daily_candles(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    clock: FakeClock,
) -> None:
    trade_history(exchange, clock)
    exchange.candles.default_close["USDTTRY"] = Decimal(40)
    for pair, price in (("USDTTRY", "40"), ("BTCUSDT", "90000"), ("ETHUSDT", "3000")):
        exchange.set_price(pair, price)
    async with start_bot(make_settings(QUOTE_CURRENCY="USDT")) as bot:
        await backfill(bot)
        [reply] = await bot.ask("/pnl")
        text = pnl_part(reply.plain_text)
        print(text)
        assert text.startswith("📈 P&L (average cost, USDT)")
        assert "incomplete" not in text and "unknown" not in text
        # BTC: 0.06 left of 300,424.80 TRY / 40, worth 5,400 USDT; ETH: 2 at 100,000 TRY / 40.
        assert "BTC   +893.63 (+19.83%)" in text
        assert "ETH°  +1,000.00 (+20.00%)" in text
        assert "Realized 2026: +490.80 USDT · fees + taxes 2026: 15.58 USDT" in text


async def test_pnl_in_another_quote_currency_says_where_it_is_kept(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    clock: FakeClock,
) -> None:
    trade_history(exchange, clock)
    async with start_bot(make_settings(QUOTE_CURRENCY="EUR")) as bot:
        await backfill(bot)
        [reply] = await bot.ask("/pnl")
        assert reply.plain_text == "📈 P&L is kept in TRY, USDT only; QUOTE_CURRENCY is EUR."
        assert exchange.candles.calls == 0


async def test_an_asset_with_more_fills_at_one_moment_than_the_history_returns_says_so(
    bot: BotHarness,
) -> None:
    bot.clock.advance(minutes=-1)
    bot.exchange.ledger.buy("BTCTRY", "0.05", "3600000", fills=250)  # all at one millisecond
    bot.clock.advance(minutes=1)
    await backfill(bot)
    [reply] = await bot.ask("/pnl")
    text = reply.plain_text
    print(text)
    btc = next(line for line in text.splitlines() if line.startswith("BTC"))
    assert btc.split() == ["BTC‡", "incomplete", "history"]
    assert (
        "‡ BTC: BTCTurk's history returns at most 200 fills of one millisecond, and more were"
        " made at 07:59 (Istanbul): those are missing, so no figure from then on is shown; the"
        " realized P&L and fees before then do not depend on them."
    ) in text
    # The sale of 0.04 BTC came before that moment: its realized P&L and the year's fees
    # before it stay, marked, and the total counts them, saying up to when.
    assert "BTC‡  +19,631.84\n all +19,631.84 · fees 623.04" in text
    assert (
        "Realized 2026: +19,631.84 TRY · fees + taxes 2026: 623.04 TRY\n"
        "  BTC‡ only up to 07:59 (Istanbul)"
    ) in text
    assert "Unrealized: +40,000.00 TRY (+20.00%)\n  without BTC: incomplete history" in text

    [sent] = await bot.ask("/export")
    print(sent.plain_text)
    assert "Realized P&L 2026: +19,631.84 TRY\nBTC counted only up to 07:59 (Istanbul):" in (
        sent.plain_text
    )
    assert "come to" not in sent.plain_text  # the rows it counts add up to it


async def test_status_says_the_history_is_not_read_forward_since_the_permission_went(
    bot: BotHarness,
) -> None:
    await backfill(bot)  # complete, read up to 08:00
    bot.exchange.account_permission = False
    bot.clock.advance(minutes=30)
    steps = services_of(bot).account.backfill
    assert steps is not None
    with pytest.raises(Exception, match="Account permission"):
        await steps.step()  # the forward read is refused
    [status] = await bot.ask("/status")
    print(status.plain_text)

    assert "History: complete, back to 2026-11" not in status.plain_text
    assert (
        "History: back to 2026-11, read up to 08:00 (Istanbul), not since: "
        "the API key lacks the Account permission"
    ) in status.plain_text


async def test_pnl_says_the_history_is_not_read_forward_since_the_permission_went(
    bot: BotHarness,
) -> None:
    await backfill(bot)  # complete, read up to 08:00
    bot.exchange.account_permission = False
    bot.clock.advance(minutes=30)

    [reply] = await bot.ask("/pnl")  # its forward read is refused

    first, blank, title, *_ = reply.plain_text.splitlines()
    assert first == (
        "🔑 BTCTurk's history was read up to 08:00 (Istanbul), not since: the API key lacks"
        " the Account permission. What happened after is not in these figures."
    )
    assert blank == ""
    assert title.startswith("📈 P&L")


async def test_pnl_says_up_to_when_the_history_goes_when_its_forward_read_fails(
    bot: BotHarness, backoff: RecordedSleep
) -> None:
    await backfill(bot)
    bot.clock.advance(minutes=30)
    bot.exchange.inject("maintenance", times=10, endpoint="trades")

    [reply] = await bot.ask("/pnl")

    assert reply.plain_text.splitlines()[0] == (
        "⚠️ BTCTurk's history could not be read just now: these figures go up to 08:00 (Istanbul)."
    )


# The price the bot read at the time, whenever it saw the change


async def test_a_deposit_seen_while_the_history_was_refused_costs_the_price_seen_then(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    clock: FakeClock,
) -> None:
    trade_history(exchange, clock)
    async with start_bot(make_settings(EXPLAIN_CHANGES="true")) as bot:
        await backfill(bot)
        await poll(bot)  # the baseline
        exchange.account_permission = False
        clock.advance(minutes=1)
        exchange.ledger.deposit("BTC", "0.01")  # BTCTRY at 3,600,000
        await poll(bot)  # the alert is told unexplained: the history is refused
        exchange.account_permission = True
        assert services_of(bot).account.client.reopen_history(owner=True)  # 🔄 Check again
        clock.advance(minutes=1)
        [reply] = await bot.ask("/pnl")
        text = reply.plain_text
        print(text)
        # 0.07 BTC: 180,254.88 + 0.01 x 3,600,000 (the price read when the change was seen).
        assert "BTC†  +35,745.12 (+16.53%)" in text
        assert "after today's close" not in text
        assert "† cost includes deposits or trades valued at the price the bot saw" in text


async def test_a_usdt_quoted_buy_the_bot_saw_is_valued_at_the_usdt_price_it_read(
    bot: BotHarness,
) -> None:
    bot.exchange.set_price("USDTTRY", "34")
    await backfill(bot)
    await poll(bot)  # the baseline
    bot.clock.advance(minutes=1)
    bot.exchange.ledger.buy("USDTTRY", "1000", "34")  # 34,048.144 TRY with fee and tax
    bot.exchange.ledger.buy("BTCUSDT", "0.001", "100000")  # 100.1416 USDT with fee and tax
    await poll(bot)  # the change is seen: USDT read at 34 TRY
    [reply] = await bot.ask("/pnl")
    text = pnl_part(reply.plain_text)
    print(text)
    assert "after today's close" not in text
    # BTC: 180,254.88 + 100.1416 x 34 = 183,659.6944 for 0.061, worth 219,600.
    assert "BTC†  +35,940.31 (+19.57%)" in text
    # Spending 100.1416 USDT that cost 34.048144 each, at 34: -4.8212...
    assert any(line.split()[:2] == ["USDT", "-4.82"] for line in text.splitlines())
    assert "Realized 2026: +19,627.02 TRY" in text
    assert "without" not in text
    [btc] = await bot.ask("/balance btc")
    print(btc.plain_text)
    assert (
        "Average cost 3,010,814.66 TRY (prices seen at the time) · unrealized +35,940.31 TRY"
    ) in btc.plain_text

    bot.exchange.candles.set_close("USDTTRY", bot.clock.now.date(), "35")
    bot.clock.advance(days=1)  # the day's close is known now: the rate recorded stays
    [later] = await bot.ask("/pnl")
    assert "BTC†  +35,940.31 (+19.57%)" in later.plain_text


async def test_a_deposit_the_history_lists_late_costs_the_price_its_alert_saw(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    clock: FakeClock,
) -> None:
    trade_history(exchange, clock)
    async with start_bot(make_settings(EXPLAIN_CHANGES="true")) as bot:
        services = services_of(bot)
        await backfill(bot)
        await poll(bot)  # the baseline
        clock.advance(minutes=1)
        exchange.ledger.deposit("BTC", "0.01", lag=1)  # listed one answer late
        await poll(bot)  # "❔ +0.01000000 BTC (≈ +36,000.00 TRY) not in the history yet"
        exchange.set_price("BTCTRY", "3900000")
        await poll(bot)  # a check after the alert reads another price
        clock.advance(seconds=2)
        await services.monitor.follow_up()  # the history lists the deposit: the alert edited

        [reply] = await bot.ask("/pnl")
        text = reply.plain_text
        print(text)
        # 0.07 BTC: 180,254.88 + 0.01 x 3,600,000 (the alert's price, not the later check's),
        # worth 0.07 x 3,900,000 now.
        assert "BTC†  +56,745.12 (+26.24%)\n avg 3,089,355.43 → 3,900,000.00" in text
        [sent] = await bot.ask("/export")
        assert sent.document is not None
        row = next(r for r in sent.document.decode().splitlines() if ",deposit,BTC," in r)
        assert ",0.01,3600000,TRY,36000.00," in row


async def test_pnl_while_loading_names_the_oldest_record_and_promises_no_message(
    bot: BotHarness,
) -> None:
    steps = services_of(bot).account.backfill
    assert steps is not None
    assert await steps.step()  # 30 days read back, to 2026-10-26; the first record 2026-11-05

    [partial] = await bot.ask("/pnl")

    print(partial.plain_text)
    assert "(records back to 2026-11 so far)" in partial.plain_text
    assert "2026-10" not in partial.plain_text  # a month before the first transaction
    assert "follows" not in partial.plain_text  # no P&L is sent by itself: none is promised
    assert "/pnl again" in partial.plain_text


async def test_a_deposit_of_an_asset_without_any_price_says_so_not_after_the_close(
    bot: BotHarness,
) -> None:
    await backfill(bot)
    bot.clock.advance(minutes=1)
    bot.exchange.ledger.deposit("X", "1")  # no pair at all on the exchange: no close will come

    [reply] = await bot.ask("/pnl")
    text = reply.plain_text
    print(text)
    assert "X     unknown (no price)" in text
    assert "after today's close" not in text
    assert "  without X: no price" in text
    [sent] = await bot.ask("/export")
    assert sent.document is not None
    row = next(r for r in sent.document.decode().splitlines() if ",deposit,X," in r)
    assert row.endswith(",value unknown: no TRY price that day")
