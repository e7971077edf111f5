"""One truth for each setting and state: /status, /settings and /help agree, every listing
names its window (/history: tests/unit/test_history_texts.py), /quiet alone shows what is
set, and a misspelt asset gets its nearest."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange_faults import Fault
from balance_bot.fakes.feed import FakeFeed
from tests.e2e.conftest import REPLY_TIMEOUT_S, services_of
from tests.kit.clocks import ManualMonotonic, RecordedSleep

StartBot = Callable[[Settings], Any]


@pytest.fixture
async def feed() -> AsyncIterator[FakeFeed]:
    async with FakeFeed(heartbeat_s=0.2) as server:
        yield server


def line_with(text: str, words: str) -> str:
    """Return the line of `text` that holds `words`."""
    [line] = [line for line in text.splitlines() if words in line]
    return line


async def test_status_and_settings_name_the_same_check_interval(
    make_settings: Callable[..., Settings], start_bot: StartBot, feed: FakeFeed
) -> None:
    settings = make_settings(WEBSOCKET="auto", BTCTURK_WS_URL=feed.ws_url)
    async with start_bot(settings) as bot:
        live = services_of(bot).account.feed
        assert live is not None
        # the bot subscribes to its heartbeat once logged in: the feed is up from then on
        await feed.wait_until(lambda: live.healthy, timeout=REPLY_TIMEOUT_S, what="the feed up")
        [status] = await bot.ask("/status")
        [chat_settings] = await bot.ask("/settings")
        await bot.ask("/alert btc below 5")  # alerts watch prices: the regular check goes on
        [status_alerts] = await bot.ask("/status")
        [settings_alerts] = await bot.ask("/settings")
    print(status.plain_text, chat_settings.plain_text, sep="\n\n")

    assert line_with(status.plain_text, "every") == line_with(chat_settings.plain_text, "every")
    assert line_with(chat_settings.plain_text, "every") == (
        "Checking balances every 5 minutes while the live feed is up"
    )
    assert line_with(settings_alerts.plain_text, "every") == "Checking balances every hour"
    assert line_with(status_alerts.plain_text, "Checking") == "Checking balances every hour"


async def test_quiet_without_an_argument_shows_the_current_setting(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(QUIET_HOURS="23:00-08:00")) as bot:
        [default] = await bot.ask("/quiet")
        await bot.ask("/quiet 22:00-07:00")
        [own] = await bot.ask("/quiet")
        await bot.ask("/quiet off")
        [off] = await bot.ask("/quiet")
    print(default.plain_text, own.plain_text, off.plain_text, sep="\n\n")

    assert default.plain_text.splitlines()[0] == (
        "🌙 Quiet hours in this chat: 23:00-08:00 (the bot's default)."
    )
    assert own.plain_text.splitlines()[0] == "🌙 Quiet hours in this chat: 22:00-07:00."
    assert off.plain_text.splitlines()[0] == "🔔 No quiet hours in this chat."
    assert off.plain_text.splitlines()[1].startswith("Change them with /quiet 23:00-07:00")


@pytest.mark.parametrize(
    ("language", "nearest"),
    [("en", "Did you mean /balance BTC?"), ("tr", "Şunu mu demek istediniz: /balance BTC?")],
)
async def test_a_misspelt_asset_gets_the_nearest_one(
    make_settings: Callable[..., Settings], start_bot: StartBot, language: str, nearest: str
) -> None:
    async with start_bot(make_settings(LANGUAGE=language)) as bot:
        [reply] = await bot.ask("/balance btcc")
    print(reply.plain_text)
    assert nearest in reply.plain_text


async def test_help_says_the_summary_time_and_the_defaults_it_runs_with(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(DAILY_SUMMARY_TIME="21:30")) as bot:
        [reply] = await bot.ask("/help")
    print(reply.plain_text)
    assert "a summary every day at 21:30" in reply.plain_text
    assert "every morning" not in reply.plain_text
    assert "/mute [30m|2h|1d] — Hold change alerts for a while (1 hour unless you say)" in (
        reply.plain_text
    )
    assert "/history [N] — Your trades, deposits and withdrawals of the last 30 days" in (
        reply.plain_text
    )


@pytest.mark.parametrize(
    ("fault", "notice"),
    [("maintenance", "⏳ BTCTurk is not answering"), ("401", "🔑 BTCTurk refused the API key")],
)
async def test_summary_during_an_outage_shows_the_last_figures_with_a_notice(
    fault: Fault,
    notice: str,
    backoff: RecordedSleep,
    cache_clock: ManualMonotonic,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
) -> None:
    """/summary said "Try again in a few minutes" while /balance, /pnl and /chart showed the
    last figures with a notice."""
    async with start_bot(make_settings()) as bot:
        [before] = await bot.ask("/summary")
        bot.clock.advance(minutes=7)
        cache_clock.now += 60
        bot.exchange.inject(fault, times=1000)
        [during] = await bot.ask("/summary")
    print(before.plain_text, during.plain_text, sep="\n\n")

    first, blank, *rest = during.plain_text.splitlines()
    assert first.startswith(notice)
    assert first.endswith(". Showing data from 08:00 (Istanbul).")
    assert blank == ""
    assert rest == before.plain_text.splitlines()  # the same figures, the same time


async def test_quiet_default_says_there_are_none_by_default(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    """It answered "🌙 Quiet hours: the bot's default (none).", a moon over no quiet hours."""
    async with start_bot(make_settings()) as bot:
        [none] = await bot.ask("/quiet default")
    async with start_bot(make_settings(QUIET_HOURS="23:00-08:00")) as bot:
        [some] = await bot.ask("/quiet default")
    print(none.plain_text, some.plain_text, sep="\n\n")
    assert none.plain_text == "🔔 No quiet hours in this chat: the bot has none by default."
    assert some.plain_text == "🌙 Quiet hours in this chat: 23:00-08:00 (the bot's default)."


async def test_lang_and_chart_in_summary_alone_show_the_current_setting(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    """Both answered with the usage line alone, where /quiet shows what is set."""
    async with start_bot(make_settings(LANGUAGE="en")) as bot:
        [lang] = await bot.ask("/lang")
        [chart] = await bot.ask("/chart_in_summary")
        await bot.ask("/chart_in_summary on")
        [chart_on] = await bot.ask("/chart_in_summary")
        await bot.ask("/lang tr")
        [lang_tr] = await bot.ask("/lang")
    print(lang.plain_text, chart.plain_text, chart_on.plain_text, lang_tr.plain_text, sep="\n\n")
    assert lang.plain_text.splitlines() == [
        "🌐 This chat's language: English (the bot's default).",
        "Change it with /lang en or /lang tr.",
    ]
    assert chart.plain_text.splitlines() == [
        "The daily summary comes without a chart in this chat (the bot's default).",
        "Change it with /chart_in_summary on or /chart_in_summary off.",
    ]
    assert chart_on.plain_text.splitlines()[0] == (
        "📊 The daily summary comes with a chart in this chat."
    )
    assert lang_tr.plain_text.splitlines() == [
        "🌐 Bu sohbetin dili: Türkçe.",
        "Değiştirmek için /lang en ya da /lang tr.",
    ]
