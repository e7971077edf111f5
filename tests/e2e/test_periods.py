"""/daily, /weekly, /monthly, and the summary and reports that say the same figures, end to end.

A seeded account of a year and a half, read back by the bot; the clock on Tuesday 1 December
2026, 09:00 in Istanbul: the month and the week before have closed.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from balance_bot.btcturk.errors import HistoryRefused
from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.telegram import SentMessage
from balance_bot.fakes.years import YearsHistory, seed_years
from tests.e2e.conftest import ALLOWED_CHAT, BotHarness, FakeClock, services_of
from tests.kit.clocks import AdvancingSleep, ManualMonotonic
from tests.kit.wiring import BotWiring

StartBot = Callable[[Settings], Any]
TUESDAY = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 09:00 in Istanbul, the 1st of the month
_PRE = re.compile(r"<pre>(.*?)</pre>", re.DOTALL)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(now=TUESDAY)


@pytest.fixture
async def exchange(clock: FakeClock) -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk(
        clock=lambda: clock().timestamp(), balances=[], rate_limit=False
    ) as server:
        yield server


@pytest.fixture(autouse=True)
def on_the_test_clock(wiring: BotWiring, clock: FakeClock) -> None:
    budget = ManualMonotonic()
    wiring.use(exchange_time=lambda: clock().timestamp(), budget=budget)
    wiring.use(backoff=AdvancingSleep(budget))
    wiring.hand_boot_clock()
    wiring.jobs = False  # the test reads the history and runs the summary itself


@pytest.fixture
def years(exchange: FakeBtcTurk) -> YearsHistory:
    return seed_years(exchange, years=1, fills=300, assets=6, seed=11)


@pytest.fixture
async def bot(
    years: YearsHistory, make_settings: Callable[..., Settings], start_bot: StartBot
) -> AsyncIterator[BotHarness]:
    async with start_bot(make_settings(REPORTS="daily,weekly,monthly")) as harness:
        backfill = services_of(harness).account.backfill
        while await backfill.step():
            pass
        yield harness


def records(text: str) -> list[list[str]]:
    """Return the records of the first <pre> block of `text`: a line without indent starts
    one (the summary's second block is its table of assets)."""
    block = _PRE.findall(text)[0]
    found: list[list[str]] = []
    for line in block.splitlines():
        words = " ".join(line.split())  # a table aligns its columns over all its records
        if line.startswith(" "):
            found[-1].append(words)
        else:
            found.append([words])
    return found


async def sent_since(bot: BotHarness, since: int) -> list[SentMessage]:
    services = services_of(bot)
    await services.deliverer.deliver_due()
    return [m for m in bot.telegram.sent[since:] if m.chat_id == ALLOWED_CHAT]


async def test_daily_lists_the_last_seven_closed_days(bot: BotHarness) -> None:
    [reply] = await bot.ask("/daily")
    text = reply.text
    print(reply.plain_text)
    days = records(text)
    assert len(days) == 7
    assert days[0][0].startswith("Tue 24 Nov") and days[-1][0].startswith("Mon 30 Nov")
    values = (await services_of(bot).values.history()).values  # type: ignore[union-attr]
    assert values is not None
    last = values.on(date(2026, 11, 30))
    assert last is not None
    assert days[-1][0].endswith(f"{last.value:,.2f}")
    assert days[-1][1].startswith("market ")
    assert "In all, 7 days: market " in reply.plain_text
    assert "A day ends at BTCTurk's daily close, 03:00 (Istanbul)" in reply.plain_text


async def test_a_count_out_of_range_gets_the_usage_in_the_chats_language(bot: BotHarness) -> None:
    [reply] = await bot.ask("/daily 40")
    assert reply.plain_text.startswith("Usage: /daily [N]")
    await bot.ask("/lang tr")
    [table] = await bot.ask("/weekly 3")
    assert table.plain_text.startswith("📅 Hafta hafta (TRY)")
    assert len(records(table.text)) == 3
    assert "piyasa" in table.plain_text and "USD " in table.plain_text


async def test_the_reports_and_the_summary_say_the_tables_figures_to_the_last_digit(
    bot: BotHarness,
) -> None:
    services = services_of(bot)
    since = len(bot.telegram.sent)
    assert await services.summaries.send_due() == 2
    assert await services.summaries.reports.send_due() == 4  # weekly and monthly, two chats
    summary, weekly, monthly = await sent_since(bot, since)
    assert summary.plain_text.startswith("☀️ Good morning")
    assert weekly.plain_text.startswith("📅 Weekly report — 23 Nov to 29 Nov")
    assert monthly.plain_text.startswith("🗓 Monthly report — November 2026")

    [days] = await bot.ask("/daily 1")
    [weeks] = await bot.ask("/weekly 2")
    [months] = await bot.ask("/monthly 2")
    assert records(summary.text) == records(days.text)  # yesterday, 30 Nov
    assert records(weekly.text) == records(weeks.text)[:1]  # 23-29 Nov; 30 Nov is the next
    assert records(monthly.text) == records(months.text)[-1:]  # November: December has no
    assert records(months.text)[0][0].startswith("October 2026")  # closed day yet


async def test_a_report_waits_for_its_last_day_to_close(
    years: YearsHistory,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    clock: FakeClock,
) -> None:
    """In Tokyo, Monday's 09:00 comes before the week's last day closes (00:00 UTC)."""
    clock.now = datetime(2026, 11, 30, 0, 0, tzinfo=UTC) - timedelta(hours=1)  # Mon 08:00 JST
    settings = make_settings(REPORTS="weekly", TIMEZONE="Asia/Tokyo", DAILY_SUMMARY_TIME="07:00")
    async with start_bot(settings) as bot:
        services = services_of(bot)
        backfill = services.account.backfill
        while await backfill.step():
            pass
        assert await services.summaries.send_due() == 2  # the summary, without the report
        assert await services.summaries.reports.send_due() == 0
        clock.advance(hours=2)  # Monday 10:00 in Tokyo, 01:00 UTC: Sunday has closed
        assert await services.summaries.reports.send_due() == 2
        since = 0
        weekly = [m for m in await sent_since(bot, since) if "Weekly report" in m.plain_text]

    assert weekly[0].plain_text.startswith("📅 Weekly report — 23 Nov to 29 Nov")


async def test_pnl_says_the_market_result_in_lira_dollars_and_bitcoin(bot: BotHarness) -> None:
    [reply] = await bot.ask("/pnl")
    text = reply.plain_text
    print(text)
    returns = text.split("\n\n")[-1]
    assert returns.startswith("Market result, daily closes to 30 Nov 2026:")
    [year, whole] = records(reply.text.split("Market result")[1])
    assert year[0].startswith("2026") and whole[0].startswith("All time")
    assert year[1].startswith("market ") and year[2].startswith("USD ")
    assert " · BTC " in year[2]
    values = (await services_of(bot).values.history()).values  # type: ignore[union-attr]
    assert values is not None and values.first is not None
    start = values.on(values.first)
    assert start is not None
    last = values.days[-1]
    market = last.value - last.invested  # all time: nothing held before the first day
    assert whole[1].startswith(f"market {market:+,.2f}")


async def test_the_tables_say_why_there_are_no_values_yet(
    years: YearsHistory,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
) -> None:
    async with start_bot(make_settings()) as bot:
        [loading] = await bot.ask("/daily")  # the history is not read yet
        exchange.account_permission = False
        with contextlib.suppress(HistoryRefused):
            await services_of(bot).account.backfill.step()  # refused: the key may not read it
        [refused] = await bot.ask("/weekly")
    async with start_bot(make_settings(QUOTE_CURRENCY="EUR")) as bot:
        [unsupported] = await bot.ask("/monthly")

    assert loading.plain_text.startswith("⏳ History still loading.")
    assert refused.plain_text.startswith("🔑 The daily values need BTCTurk's history")
    assert unsupported.plain_text == (
        "📅 Daily values are kept in TRY, USDT only; QUOTE_CURRENCY is EUR."
    )


async def test_while_the_prices_load_no_value_nor_market_result_is_a_figure(
    years: YearsHistory, make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    """With the chart server failing, /daily showed each day at the lira alone (27,223.73 of
    an account of 34 million), "market +0.00 (+0.00%)", /chart's caption a net invested
    without the crypto deposits, and /monthly the money moved in and the fees without the
    crypto ones, each under a footnote only."""
    async with start_bot(make_settings()) as bot:
        backfill = services_of(bot).account.backfill
        while await backfill.step():
            pass
        exchange = bot.exchange
        exchange.candles.fail_next = 1_000  # every daily price stays "loading"
        [table] = await bot.ask("/daily 3")
        caption = await bot.ask("/chart")
        [months] = await bot.ask("/monthly 12")

    print(table.plain_text)
    days = records(table.text)
    assert [day[0].split()[-1] for day in days] == ["⏳"] * 3
    assert all(day[1] == "market ⏳ prices loading" for day in days)
    assert "+0.00" not in table.plain_text
    assert "In all, 3 days: market ⏳ prices loading" in table.plain_text
    [photo] = caption
    print(photo.plain_text)
    assert "Net invested: ⏳ not known yet" in photo.plain_text
    assert "market ⏳ prices loading" in photo.plain_text
    print(months.plain_text)  # the money moved and the fees: no sum that leaves a part out
    in_all = months.plain_text.split("In all, ")[1]
    assert "in and out ⏳ prices loading" in in_all and "fees ⏳" in in_all
    assert "left out for now" not in months.plain_text
