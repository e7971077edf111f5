"""/chart and the chart after the daily summary, end to end on the fakes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from telegram import Update
from telegram.ext import ApplicationHandlerStop, CommandHandler

from balance_bot.config import Settings
from balance_bot.core.chart_data import HistoryPoint, Slice
from balance_bot.core.i18n import Lang
from balance_bot.core.summary import DailyPortfolio
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.exchange_faults import Fault
from balance_bot.fakes.telegram import SentMessage
from balance_bot.handlers.chart import chart
from balance_bot.handlers.context import BotContext
from balance_bot.services.charts import render_portfolio_chart
from tests.e2e.conftest import ALLOWED_CHAT, ALLOWED_GROUP, REPLY_TIMEOUT_S, BotHarness, services_of
from tests.kit.clocks import ManualMonotonic, RecordedSleep
from tests.kit.wiring import BotWiring

StartBot = Callable[[Settings], Any]
MAX_PNG_BYTES = 150 * 1024
TODAY = date(2026, 11, 25)  # the harness clock's day in Istanbul


async def chart_alone(update: Update, context: BotContext) -> None:
    """Answer /chart and stop there, as if registered before the catch-all handler."""
    await chart(update, context)
    raise ApplicationHandlerStop


def with_chart_command(harness: BotHarness) -> BotHarness:
    """Add /chart to the running bot (app.py registers it beside the other commands)."""
    harness.application.add_handler(CommandHandler("chart", chart_alone), group=-1)
    return harness


async def queue_and_deliver_the_summary(harness: BotHarness) -> None:
    """Queue the due summary and send what it owes, as the summary job does.

    The job itself may run meanwhile (it checks every 30 s): each chat's summary is queued
    once whoever gets there first, and once this delivery round ends all of it was sent.
    """
    services = services_of(harness)
    await services.summaries.send_due()
    await services.deliverer.deliver_due()
    for chat_id in (ALLOWED_CHAT, ALLOWED_GROUP):
        await harness.telegram.wait_for_messages(chat_id, timeout=REPLY_TIMEOUT_S)


def assert_is_the_chart(harness: BotHarness, message: SentMessage) -> None:
    assert message.method == "sendPhoto"
    assert message.photo_size is not None
    assert 0 < message.photo_size < MAX_PNG_BYTES
    stored = harness.telegram.message(message.chat_id, message.message_id)
    assert stored is not None
    [photo] = stored["photo"]
    assert (photo["width"], photo["height"]) == (800, 1000)  # read from the PNG's header


async def test_chart_command_sends_a_png_with_the_total(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(LANGUAGE="en")) as bot:
        with_chart_command(bot)
        store = services_of(bot).store
        for days_ago in range(5):
            day = TODAY - timedelta(days=days_ago)
            await store.save_daily_portfolio(
                DailyPortfolio(day, Decimal(34_000_000 + days_ago), {})
            )

        [photo] = await bot.ask("/chart")

    assert_is_the_chart(bot, photo)
    assert photo.plain_text.splitlines() == [
        "📊 Portfolio: 34,216,101.93 TRY · 08:00 (Istanbul)",
        # the line is the totals kept until the history behind the daily values is read
        "⏳ History still loading. The daily values follow once it reaches your first transaction.",
        "ℹ️ No TRY price for ETHW.",
    ]
    assert (ALLOWED_CHAT, "upload_photo") in bot.telegram.chat_actions


class Spy:
    """A chart renderer that keeps what it was asked to draw, then draws it."""

    def __init__(self) -> None:
        self.lines: list[Sequence[HistoryPoint]] = []
        self.notes: list[str] = []
        self.titles: list[str] = []

    def __call__(
        self,
        slices: Sequence[Slice],
        history: Sequence[HistoryPoint],
        quote: str,
        *,
        lang: Lang,
        note: str = "",
        title: str = "",
    ) -> bytes:
        self.lines.append(history)
        self.notes.append(note)
        self.titles.append(title)
        return render_portfolio_chart(slices, history, quote, lang=lang, note=note, title=title)


async def test_chart_of_a_fresh_install_without_history_says_why_its_line_is_empty(
    wiring: BotWiring, make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    spy = Spy()
    wiring.render_chart = spy
    wiring.jobs = False  # the history is read by the test: there is none
    async with start_bot(make_settings(LANGUAGE="en")) as bot:
        with_chart_command(bot)
        backfill = services_of(bot).account.backfill
        while await backfill.step():
            pass

        [photo] = await bot.ask("/chart")

    assert_is_the_chart(bot, photo)
    assert spy.notes == [
        "No line yet: the bot keeps one total a day, at the daily summary (09:00), from the day"
        " it starts; 0 kept so far."
    ]


async def test_a_fresh_install_with_history_draws_it_from_the_first_transaction(
    exchange: FakeBtcTurk,
    wiring: BotWiring,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
) -> None:
    spy = Spy()
    wiring.render_chart = spy
    row = exchange.ledger.deposit("TRY", "1000")
    row["timestamp"] = int(datetime(2026, 11, 10, 12, 0, tzinfo=UTC).timestamp() * 1000)
    wiring.jobs = False  # the history is read by the test
    async with start_bot(make_settings(LANGUAGE="en")) as bot:
        with_chart_command(bot)
        backfill = services_of(bot).account.backfill
        while await backfill.step():
            pass

        [photo] = await bot.ask("/chart")

    assert_is_the_chart(bot, photo)
    [points] = spy.lines  # from 10 Nov, the first transaction, to yesterday: never empty
    assert points[0].day == date(2026, 11, 10) and points[-1].day == TODAY - timedelta(days=1)
    assert len(points) == 15
    assert all(p.total == p.invested == 1000 for p in points)
    assert spy.titles == ["Value and net invested, 10 Nov 2026 – 24 Nov 2026"]
    lines = photo.plain_text.splitlines()
    assert lines[1:3] == [
        "Since 10 Nov 2026: market +0.00 TRY (+0.00%)",  # the history is shorter than 30 days
        "Net invested: 1,000.00 TRY",
    ]


async def test_chart_command_explains_an_exchange_failure(
    exchange: FakeBtcTurk, make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    refused: Fault = "401"
    exchange.inject(refused, times=1000)  # every read fails, the start-up poll's too
    async with start_bot(make_settings(LANGUAGE="en")) as bot:
        with_chart_command(bot)

        [reply] = await bot.ask("/chart")

    assert reply.method == "sendMessage"
    assert reply.plain_text.startswith("🔑 BTCTurk refused the API key")
    assert (ALLOWED_CHAT, "upload_photo") not in bot.telegram.chat_actions


@pytest.mark.parametrize(
    ("fault", "notice"),
    [("maintenance", "⏳ BTCTurk is not answering"), ("401", "🔑 BTCTurk refused the API key")],
)
async def test_chart_during_an_outage_draws_the_last_figures_with_a_notice(
    fault: Fault,
    notice: str,
    exchange: FakeBtcTurk,
    backoff: RecordedSleep,
    cache_clock: ManualMonotonic,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
) -> None:
    async with start_bot(make_settings(LANGUAGE="en")) as bot:
        with_chart_command(bot)
        [before] = await bot.ask("/chart")
        bot.clock.advance(minutes=7)
        cache_clock.now += 60  # the figures read for the first chart are a minute old
        exchange.inject(fault, times=1000)

        [during] = await bot.ask("/chart")  # as /balance and /pnl do: the last figures

    assert_is_the_chart(bot, before)
    assert_is_the_chart(bot, during)
    first, blank, *caption = during.plain_text.splitlines()
    assert first.startswith(notice)
    assert first.endswith(". Showing data from 08:00 (Istanbul).")
    assert blank == ""
    assert caption == before.plain_text.splitlines()  # the same figures, the same time


@pytest.mark.parametrize("enabled", [True, False])
async def test_daily_summary_carries_the_chart_when_asked(
    make_settings: Callable[..., Settings], start_bot: StartBot, enabled: bool
) -> None:
    settings = make_settings(LANGUAGE="en", SUMMARY_CHART=str(enabled).lower())
    async with start_bot(settings) as bot:
        bot.clock.now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)  # 09:00 in Istanbul
        await queue_and_deliver_the_summary(bot)

    for chat_id in (ALLOWED_CHAT, ALLOWED_GROUP):
        sent = [m for m in bot.telegram.sent if m.chat_id == chat_id]
        assert sent[0].method == "sendMessage"
        assert sent[0].plain_text.startswith("☀️ Good morning")
        if enabled:
            assert len(sent) == 2
            assert_is_the_chart(bot, sent[1])
            assert sent[1].plain_text.startswith("📊 Portfolio: 34,216,101.93 TRY · 09:00")
        else:
            assert len(sent) == 1


async def test_daily_summary_goes_without_the_chart_when_drawing_fails(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    wiring: BotWiring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("no fonts today")

    wiring.render_chart = broken
    async with start_bot(make_settings(LANGUAGE="en", SUMMARY_CHART="true")) as bot:
        bot.clock.now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
        await queue_and_deliver_the_summary(bot)

    sent = [m for m in bot.telegram.sent if m.chat_id == ALLOWED_CHAT]
    assert [m.method for m in sent] == ["sendMessage"]
    assert sent[0].plain_text.startswith("☀️ Good morning")
    assert "summary chart could not be drawn" in caplog.text


async def test_chart_while_prices_fail_shows_no_total_nor_allocation_and_says_why(
    exchange: FakeBtcTurk,
    backoff: RecordedSleep,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
) -> None:
    """The lira alone drew as 100% under "Portfolio: 27,223.73 TRY", with "No TRY price for
    AVAX, BTC, …", while /balance said the prices were failing."""
    exchange.inject("500", times=1000, endpoint="ticker")  # the start-up poll's read fails too
    async with start_bot(make_settings(LANGUAGE="en")) as bot:
        with_chart_command(bot)
        [reply] = await bot.ask("/chart")
        [balance] = await bot.ask("/balance")

    print(reply.plain_text)
    assert reply.method == "sendMessage"  # no picture: every bar would be built on no price
    assert (ALLOWED_CHAT, "upload_photo") not in bot.telegram.chat_actions
    assert "Prices unavailable" in reply.plain_text
    assert "27,223.73" not in reply.plain_text
    assert "No TRY price" not in reply.plain_text
    assert "⚠️ Prices unavailable: values and total not shown." in balance.plain_text


async def test_chart_caption_says_the_total_leaves_out_an_asset_that_lost_its_price(
    exchange: FakeBtcTurk,
    cache_clock: ManualMonotonic,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
) -> None:
    async with start_bot(make_settings(LANGUAGE="en")) as bot:
        with_chart_command(bot)
        await bot.ask("/balance")  # GLMR had a price
        exchange.unlist_pair("GLMRUSDT")
        bot.clock.advance(minutes=1)
        cache_clock.now += 60  # the next read is a fresh one
        [photo] = await bot.ask("/chart")

    assert_is_the_chart(bot, photo)
    print(photo.plain_text)
    assert photo.plain_text.splitlines()[-2:] == [  # after why no daily values are drawn yet
        "⚠️ BTCTurk gives no price for GLMR right now: the total leaves it out.",
        "ℹ️ No TRY price for ETHW.",
    ]
