"""What real BTCTurk answers do that its documentation does not, end to end.

Rows without the optional fields, one odd row among 365 pairs, a held pair left out of the
list, the prices failing while the balances answer, a negative balance, a key revoked while
the bot runs: the owner sees the right figures, and no alert fires on a figure that is not
real.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.services.monitor import PollOutcome
from tests.e2e.conftest import ALLOWED_CHAT, ALLOWED_GROUP, BotHarness, poll, sent_to, services_of
from tests.faults.conftest import expire_cache
from tests.kit.clocks import ManualMonotonic
from tests.kit.wiring import BotWiring

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("without_jobs", "backoff")]

StartBot = Callable[[Settings], Any]
QUIET_SUCCESS = PollOutcome(succeeded=True, queued=0)
FAILED = PollOutcome(succeeded=False, queued=0)
OUTAGE = 1_000  # answers: longer than any test


def texts(bot: BotHarness, prefix: str, chat_id: int = ALLOWED_CHAT) -> list[str]:
    """Return the visible texts sent to `chat_id` that start with `prefix`."""
    return [m.plain_text for m in sent_to(bot, chat_id, prefix)]


def without_time(text: str) -> list[str]:
    """Return the lines of a reply without its last one, the time of the data."""
    return text.splitlines()[:-1]


def rows(text: str) -> list[list[str]]:
    """Return the words of each line of a /balance reply without its time, a record of two
    lines (a table wider than a phone: the value under the amount) taken as one row."""
    found: list[list[str]] = []
    for line in without_time(text):
        if line.startswith(" ") and found:
            found[-1] += line.split()
        else:
            found.append(line.split())
    return found


async def test_prices_down_shows_amounts_alerts_on_amounts_and_guesses_no_total(
    bot: BotHarness, cache_clock: ManualMonotonic, caplog: pytest.LogCaptureFixture
) -> None:
    assert await poll(bot) == QUIET_SUCCESS
    await bot.ask("/alert total below 1000000")  # the account is worth about 34 million
    bot.exchange.inject("500", times=OUTAGE, endpoint="ticker")
    bot.exchange.set_balance("BTC", "10.2502186644553258", locked="3.3109771999999998")
    expire_cache(cache_clock)

    outcome = await poll(bot)
    assert (await poll(bot)).succeeded
    [reply] = await bot.ask("/balance")
    [status] = await bot.ask("/status")

    assert outcome.succeeded
    warned = [r for r in caplog.records if r.getMessage().startswith("prices unavailable")]
    assert sum(r.levelname == "WARNING" for r in warned) == 1  # once an outage, not per poll
    [alert] = texts(bot, "🔔")
    assert alert.splitlines()[1:4] == [
        "BTC 9.75021866 → 10.25021866",
        "    +0.50000000 BTC",
        "Prices unavailable: values not shown.",
    ]
    assert texts(bot, "⚠️ Alert") == []  # the lira alone is no total
    assert reply.plain_text.splitlines()[0] == "💼 Portfolio"
    assert ["BTC", "10.25021866", "—"] in [line.split() for line in reply.plain_text.splitlines()]
    assert "⚠️ Prices unavailable: values and total not shown." in reply.plain_text
    assert "34," not in reply.plain_text and "27,223.73  27,223.73" in reply.plain_text
    assert "⚠️ Prices unavailable" in status.plain_text


async def test_one_odd_ticker_row_costs_only_its_own_price(bot: BotHarness) -> None:
    rows = {row["pair"]: row for row in bot.exchange.tickers}
    rows["ETHTRY"]["last"] = None
    del rows["XRPTRY"]["dailyPercent"], rows["XRPTRY"]["timestamp"]
    del rows["AAVETRY"]["last"]

    [reply] = await bot.ask("/balance")
    [status] = await bot.ask("/status")

    assert reply.plain_text.startswith("💼 Portfolio: 34,216,101.93 TRY")
    notes = status.plain_text.splitlines()[-1]
    assert notes.startswith("📝 Data notes: ")
    assert notes == "📝 Data notes: no usable price from BTCTurk (AAVETRY, ETHTRY)"
    assert "XRPTRY" not in status.plain_text  # its missing fields change nothing for the owner


async def test_a_held_pair_left_out_of_the_list_is_no_total_to_alert_on(
    bot: BotHarness, cache_clock: ManualMonotonic
) -> None:
    assert await poll(bot) == QUIET_SUCCESS  # GLMR is valued through GLMRUSDT: about 852 TRY
    [created] = await bot.ask("/alert total below 34215500")
    glmr = next(row for row in bot.exchange.tickers if row["pair"] == "GLMRUSDT")
    bot.exchange.tickers.remove(glmr)  # no trade in 24 hours: BTCTurk leaves it out
    expire_cache(cache_clock)

    assert await poll(bot) == QUIET_SUCCESS
    [reply] = await bot.ask("/balance")
    bot.exchange.tickers.append(glmr)
    expire_cache(cache_clock)
    assert await poll(bot) == QUIET_SUCCESS

    assert created.plain_text.startswith("✅ Alert #1 set")
    assert texts(bot, "⚠️ Alert") == []
    assert "⚠️ BTCTurk gives no price for GLMR right now: the total leaves it out." in (
        reply.plain_text
    )
    assert ["GLMR", "250.00", "—"] in [line.split() for line in reply.plain_text.splitlines()]


async def test_a_total_without_an_asset_that_had_a_price_fires_nothing_and_says_so(
    bot: BotHarness, cache_clock: ManualMonotonic
) -> None:
    """The change alert of such a read names the asset the total leaves out."""
    assert await poll(bot) == QUIET_SUCCESS
    bot.exchange.tickers[:] = [r for r in bot.exchange.tickers if r["pair"] != "GLMRUSDT"]
    bot.exchange.set_balance("USDT", "1600.25")
    expire_cache(cache_clock)

    assert await poll(bot) != FAILED

    [alert] = texts(bot, "🔔")
    assert alert.splitlines()[-2] == (
        "Portfolio: 34,219,400.14 TRY, without GLMR (no price right now)"
    )


@pytest.mark.parametrize(
    ("dropped", "eight_digits"),
    [
        (("timestamp",), set()),
        (("timestamp", "orderFund", "requestFund"), set()),
        (("timestamp", "orderFund", "requestFund", "precision"), {"USDT", "GLMR"}),
    ],
    ids=["2020", "no-funds", "2019"],
)
async def test_rows_without_optional_fields_give_the_same_figures_and_no_alert(
    bot: BotHarness, cache_clock: ManualMonotonic, dropped: tuple[str, ...], eight_digits: set[str]
) -> None:
    """Without `precision`, a crypto asset is shown to 8 digits: the same amount, longer."""
    assert await poll(bot) == QUIET_SUCCESS
    [documented] = await bot.ask("/balance")
    for row in bot.exchange.balances:
        for field in dropped:
            row.pop(field, None)
    expire_cache(cache_clock)

    assert await poll(bot) == QUIET_SUCCESS  # the same amounts: nothing to report
    [older] = await bot.ask("/balance")

    before, after = rows(documented.plain_text), rows(older.plain_text)
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        if old[0].rstrip("*") in eight_digits:  # GLMR* is valued through USDT
            assert Decimal(new[1].replace(",", "")) == Decimal(old[1].replace(",", ""))
            assert len(new[1].split(".")[1]) == 8
            assert new[2:] == old[2:]
        elif new != old:  # as a record, a value that is the amount again, or unknown, is left out
            assert (new, old[0], old[2:]) in [(old[:2], "TRY", [old[1]]), (old[:2], "ETHW", ["—"])]
    assert older.plain_text.startswith("💼 Portfolio: 34,216,101.93 TRY")
    assert texts(bot, "🔔") == []


async def test_a_negative_balance_is_shown_as_it_is_never_as_dust(bot: BotHarness) -> None:
    bot.exchange.set_balance("USDT", "-1.12826071")

    [reply] = await bot.ask("/balance")

    lines = reply.plain_text.splitlines()
    assert ["USDT", "-1.13", "-46.82"] in [line.split() for line in lines]
    assert "+ 3 small balances under 1 TRY (together 0.71 TRY)" in lines  # SHIB, XRP, AVAX


async def test_a_revoked_key_pauses_signed_requests_says_so_once_and_resumes(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    cache_clock: ManualMonotonic,
    wiring: BotWiring,
) -> None:
    monotonic = wiring.hand_auth_clock()
    async with start_bot(make_settings(BTCTURK_KEY_RETRY_SECONDS="120")) as bot:
        assert await poll(bot) == QUIET_SUCCESS
        bot.exchange.api_key = "0b5e4c2d-revoked-public-key"

        outcomes = []
        for _ in range(60):  # an hour of polls, a minute apart
            outcomes.append(await poll(bot))
            bot.clock.advance(minutes=1)
            monotonic.now += 60
        refused_in_an_hour = bot.exchange.auth_failures
        [status] = await bot.ask("/status")
        expire_cache(cache_clock)
        [answer] = await bot.ask("/balance")
        requests_for_commands = bot.exchange.auth_failures - refused_in_an_hour

        bot.exchange.api_key = services_of(bot).settings.btcturk_api_key
        monotonic.now += 3600
        assert await poll(bot) == PollOutcome(succeeded=True, queued=2)

    assert not any(o.succeeded for o in outcomes)
    assert 1 <= refused_in_an_hour <= 6  # BTCTurk blocks an IP after about 50
    assert requests_for_commands == 1  # /balance tried the key once, at once
    for chat in (ALLOWED_CHAT, ALLOWED_GROUP):
        [refused] = texts(bot, "🔑 BTCTurk refuses the API key", chat)
        assert "it does not know the key: deleted on BTCTurk" in refused  # the likely cause
        assert texts(bot, "⏳ Cannot reach BTCTurk", chat) == []
        [back] = texts(bot, "✅ BTCTurk accepts the API key again", chat)
        assert back
    assert "🔑 BTCTurk refused the API key" in status.plain_text
    assert "🔑 Next try with the API key" in status.plain_text
    assert answer.plain_text.startswith("🔑 BTCTurk refused the API key")


async def test_after_a_restart_a_pair_gone_meanwhile_is_still_no_total(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    """What had a value in the last stored summary counts as priced before, across restarts."""
    settings = make_settings()
    async with start_bot(settings) as bot:
        bot.clock.advance(hours=2)  # past the summary time: the day's values are stored
        assert await services_of(bot).summaries.send_due() == 2
        await bot.ask("/alert total below 34215500")
    bot.exchange.unlist_pair("GLMRUSDT")
    async with start_bot(settings) as restarted:
        assert await poll(restarted) == QUIET_SUCCESS
        [reply] = await restarted.ask("/balance")

    assert texts(restarted, "⚠️ Alert") == []
    assert "⚠️ BTCTurk gives no price for GLMR right now" in reply.plain_text
