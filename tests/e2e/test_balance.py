"""/balance end to end: the real bot, the fake Bot API and the fake exchange."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import CallbackContext, TypeHandler

from balance_bot import app
from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.seed import JsonRow, ticker_row
from balance_bot.fakes.telegram import SentMessage
from tests.e2e.conftest import (
    ALLOWED_CHAT,
    ALLOWED_GROUP,
    REPLY_TIMEOUT_S,
    BotHarness,
    FakeClock,
)
from tests.kit.account import SEEDED_TOTAL
from tests.kit.clocks import ManualMonotonic
from tests.kit.wiring import BotWiring

THIRD_CHAT = 555_000_111
OTHER_SECRET = "c29tZS1vdGhlci1zZWNyZXQtdGhhdC1pcy12YWxpZC1iYXNlNjQ="  # valid base64
TELEGRAM_LIMIT = 4096
ISTANBUL = ZoneInfo("Europe/Istanbul")


@pytest.fixture(autouse=True)
def without_scheduled_jobs(wiring: BotWiring) -> None:
    """Run the bot without its scheduled jobs (poll, summary, delivery).

    The first poll runs at start-up and the daily summary may fall due while a test runs:
    both would add exchange calls or messages at moments these tests do not control.
    """
    wiring.jobs = False


def local_time(clock: FakeClock) -> str:
    """Return the fake clock's time as the bot shows it: 08:00 (Istanbul)."""
    return f"{clock.now.astimezone(ISTANBUL):%H:%M} (Istanbul)"


def table_row(text: str, asset: str) -> str | None:
    """Return the table row of `asset` in a /balance reply, or None: its line, or its record
    of two lines (a table wider than a phone) joined into one."""
    row = rf"^{re.escape(asset)}\*? +\S+(?: +\S+|\n +\S+)$"
    match = re.search(row, text, flags=re.MULTILINE)
    return match.group(0).replace("\n", " ") if match else None


def columns(row: str) -> list[str]:
    """Return the cells of a table line: asset, amount, value."""
    return row.split()


# --- the whole portfolio and one asset --------------------------------------------------------


async def test_balance_lists_the_documented_account(bot: BotHarness) -> None:
    [reply] = await bot.ask("/balance")

    assert reply.parse_mode == "HTML"
    lines = reply.plain_text.splitlines()
    assert lines[0].startswith("💼 Portfolio: ")
    assert "BTC   9.75021866  34,125,765.33" in reply.plain_text
    assert "TRY    27,223.73      27,223.73" in reply.plain_text
    assert "🔒 In orders: 3.31097720 BTC, 4,874.36 TRY" in reply.plain_text
    assert "ETH " not in reply.plain_text
    assert bot.exchange.calls["balances"] == 1


async def test_balance_shows_each_asset_to_its_precision_with_values_and_total(
    bot: BotHarness,
) -> None:
    [reply] = await bot.ask("/balance")
    text = reply.plain_text

    assert text.splitlines()[0] == f"💼 Portfolio: {SEEDED_TOTAL} TRY"
    expected = {
        "BTC": ["BTC", "9.75021866", "34,125,765.33"],  # precision 8
        "TRY": ["TRY", "27,223.73", "27,223.73"],  # precision 2
        "USDT": ["USDT", "1,500.25", "62,260.38"],  # 62,260.375 rounded half to even
        "GLMR": ["GLMR*", "250.00", "851.79"],  # valued through GLMRUSDT x USDTTRY, marked
        "ETHW": ["ETHW", "0.75000000", "—"],  # no price at all
    }
    for asset, cells in expected.items():
        row = table_row(text, asset)
        assert row is not None, f"no table row for {asset} in:\n{text}"
        assert columns(row) == cells
    assert "✅ Free: 6.43924146 BTC, 22,349.37 TRY" in text
    assert "ℹ️ No TRY price for ETHW: not in the total." in text
    assert text.splitlines()[-1] == f"Updated {local_time(bot.clock)}"
    # The most valuable holding comes first.
    assert text.index("BTC ") < text.index("USDT ") < text.index("TRY ") < text.index("GLMR*")


async def test_balance_folds_dust_into_one_line(bot: BotHarness) -> None:
    [reply] = await bot.ask("/balance")
    text = reply.plain_text

    # SHIB, XRP and AVAX are each worth under 1 TRY: 0.1102575 + 0.390361 + 0.2101.
    assert "+ 3 small balances under 1 TRY (together 0.71 TRY)" in text
    for dust in ("SHIB", "XRP", "AVAX"):
        assert table_row(text, dust) is None
        assert dust not in text


@pytest.mark.parametrize("asked", ["btc", "BTC", "Btc"])
async def test_balance_of_one_asset_in_detail(bot: BotHarness, asked: str) -> None:
    [reply] = await bot.ask(f"/balance {asked}")

    assert reply.plain_text.splitlines() == [
        "BTC · Bitcoin",
        "Total: 9.75021866 BTC",
        "Free: 6.43924146 BTC",
        "In orders: 3.31097720 BTC",
        "Value: 34,125,765.33 TRY (1 BTC = 3,500,000.00 TRY)",
        f"Updated {local_time(bot.clock)}",
    ]


async def test_balance_of_a_listed_asset_not_held(bot: BotHarness) -> None:
    [reply] = await bot.ask("/balance eth")

    assert reply.plain_text.startswith("You hold no ETH right now.")
    assert "You hold: " in reply.plain_text
    assert "BTC" in reply.plain_text.split("You hold: ", 1)[1]
    assert "lists no asset" not in reply.plain_text


async def test_balance_of_an_unknown_asset(bot: BotHarness) -> None:
    [reply] = await bot.ask("/balance nope")

    assert reply.plain_text.startswith("BTCTurk lists no asset called “NOPE”.")
    assert "You hold no" not in reply.plain_text


@pytest.mark.parametrize("text", ["/balance a b", "/balance b-t-c", "/balance <b>"])
async def test_malformed_balance_gets_the_usage_line_and_no_exchange_call(
    bot: BotHarness, text: str
) -> None:
    before = dict(bot.exchange.calls)

    [reply] = await bot.ask(text)

    assert reply.plain_text == "Usage: /balance [ASSET]\ne.g. /balance btc"
    assert dict(bot.exchange.calls) == before
    assert bot.exchange.calls["balances"] == 0


# --- long replies -----------------------------------------------------------------------------


def large_account(count: int) -> tuple[list[JsonRow], list[JsonRow], dict[str, list[str]]]:
    """Return balance rows, TRY tickers and each asset's expected table cells."""
    balances: list[JsonRow] = []
    tickers: list[JsonRow] = []
    cells: dict[str, list[str]] = {}
    for i in range(count):
        asset = f"TOKEN{i:03d}"
        total = Decimal(1_000 * (i + 1)) + Decimal("0.25")
        locked = Decimal("0.25") if i % 10 == 0 else Decimal(0)
        price = 1_000 + i
        balances.append(
            {
                "asset": asset,
                "assetname": f"Token number {i}",
                "balance": f"{total}".replace(".", ","),
                "locked": f"{locked}".replace(".", ","),
                "free": f"{total - locked}".replace(".", ","),
                "orderFund": f"{locked}".replace(".", ","),
                "requestFund": "0",
                "precision": 8,
                "timestamp": 1735866257711,
            }
        )
        tickers.append(ticker_row(asset, "TRY", price, digits=0, order=1000 + i))
        cells[asset] = [asset, f"{total:,.8f}", f"{total * price:,.2f}"]  # exact: no rounding
    return balances, tickers, cells


async def test_a_large_account_is_split_into_valid_messages(
    make_settings: Callable[..., Settings],
    start_bot: Callable[[Settings], Any],
    clock: FakeClock,
) -> None:
    balances, tickers, cells = large_account(150)
    updated = f"Updated {local_time(clock)}"
    total = sum(Decimal(c[2].replace(",", "")) for c in cells.values())

    async with (
        FakeBtcTurk(balances=balances, tickers=tickers) as big,
        start_bot(make_settings(BTCTURK_API_URL=big.base_url)) as bot,
    ):
        since = len(bot.telegram.sent)
        bot.telegram.send_text(ALLOWED_CHAT, "/balance")
        # Parts are sent one after the other: the one with the time stamp comes last.
        await bot.telegram.wait_until(
            lambda: any(updated in m.plain_text for m in bot.telegram.sent[since:]),
            timeout=REPLY_TIMEOUT_S,
            what="the last part of the /balance reply",
        )
        parts = [m for m in bot.telegram.sent[since:] if m.chat_id == ALLOWED_CHAT]

    assert len(parts) >= 2
    for part in parts:  # each one accepted by the fake, which parses Telegram HTML
        assert part.method == "sendMessage"
        assert part.parse_mode == "HTML"
        assert len(part.text) <= TELEGRAM_LIMIT
        assert len(part.plain_text) <= TELEGRAM_LIMIT
    assert parts[0].plain_text.startswith(f"💼 Portfolio: {total:,.2f} TRY")
    assert parts[-1].plain_text.endswith(updated)
    for asset, expected in cells.items():
        rows = [row for part in parts if (row := table_row(part.plain_text, asset))]
        assert len(rows) == 1, f"{asset}: {rows}"
        assert columns(rows[0]) == expected
    assert "small balance" not in "".join(p.plain_text for p in parts)


# --- many users at once -----------------------------------------------------------------------


async def test_simultaneous_balance_requests_share_one_exchange_call(
    make_settings: Callable[..., Settings], start_bot: Callable[[Settings], Any]
) -> None:
    settings = make_settings(ALLOWED_CHAT_IDS=f"{ALLOWED_CHAT},{ALLOWED_GROUP},{THIRD_CHAT}")
    async with start_bot(settings) as bot:
        bot.exchange.latency_s = 0.3
        since = len(bot.telegram.sent)
        for _ in range(10):
            bot.telegram.send_text(ALLOWED_CHAT, "/balance")
            bot.telegram.send_text(ALLOWED_GROUP, "/balance", chat_type="supergroup")
            bot.telegram.send_text(THIRD_CHAT, "/balance")
        answers = await asyncio.gather(
            *(
                bot.telegram.wait_for_messages(chat, count=10, since=since, timeout=REPLY_TIMEOUT_S)
                for chat in (ALLOWED_CHAT, ALLOWED_GROUP, THIRD_CHAT)
            )
        )

    for replies in answers:
        assert len(replies) >= 10
        for reply in replies:
            assert reply.plain_text.startswith(f"💼 Portfolio: {SEEDED_TOTAL} TRY")
    assert 1 <= bot.exchange.calls["balances"] <= 2
    assert bot.exchange.calls["ticker"] <= 2


async def test_cached_portfolio_is_reused_then_refreshed(
    cache_clock: ManualMonotonic, bot: BotHarness
) -> None:
    await bot.ask("/balance")
    await bot.ask("/balance btc")
    assert bot.exchange.calls["balances"] == 1

    cache_clock.now += app.BALANCE_CACHE_S + 1
    bot.exchange.set_balance("BTC", "2", precision=8)
    [reply] = await bot.ask("/balance btc")

    assert bot.exchange.calls["balances"] == 2
    assert "Total: 2.00000000 BTC" in reply.plain_text


# --- exchange failures (each fault of the exchange: tests/faults/test_exchange_faults.py) -----

KEY_REFUSED = "🔑 BTCTurk refused the API key"


async def test_wrong_api_secret_is_explained_after_one_more_try(
    make_settings: Callable[..., Settings], start_bot: Callable[[Settings], Any]
) -> None:
    async with start_bot(make_settings(BTCTURK_API_SECRET=OTHER_SECRET)) as bot:
        [reply] = await bot.ask("/balance")

    assert reply.plain_text.startswith(f"{KEY_REFUSED}: the secret does not go with the key")
    assert bot.exchange.auth_failures == 2  # a blip would be over 5 s later; this is not one
    assert bot.exchange.calls["balances"] == 2


# --- groups -----------------------------------------------------------------------------------


class Processed:
    """Record each update once every handler group is done with it (a spy in the last group)."""

    def __init__(self) -> None:
        self.update_ids: list[int] = []
        self._changed = asyncio.Condition()

    async def record(self, update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
        async with self._changed:
            self.update_ids.append(getattr(update, "update_id", -1))
            self._changed.notify_all()

    async def wait_for(self, update_id: int) -> None:
        async with asyncio.timeout(REPLY_TIMEOUT_S), self._changed:
            await self._changed.wait_for(lambda: update_id in self.update_ids)


async def test_group_command_for_this_bot_is_answered_and_for_another_bot_ignored(
    bot: BotHarness,
) -> None:
    processed = Processed()
    last_group = max(bot.application.handlers) + 1
    bot.application.add_handler(TypeHandler(object, processed.record), group=last_group)

    since = len(bot.telegram.sent)
    other = bot.telegram.send_text(ALLOWED_GROUP, "/balance@otherbot", chat_type="supergroup")
    [help_reply] = await bot.ask("/help", chat_id=ALLOWED_GROUP, chat_type="supergroup")
    await processed.wait_for(other)

    to_group: list[SentMessage] = [
        m for m in bot.telegram.sent[since:] if m.chat_id == ALLOWED_GROUP
    ]
    assert to_group == [help_reply]
    assert "/balance" in help_reply.plain_text
    assert bot.exchange.calls["balances"] == 0

    [reply] = await bot.ask(
        "/balance@btcturk_demo_bot", chat_id=ALLOWED_GROUP, chat_type="supergroup"
    )
    assert reply.plain_text.startswith(f"💼 Portfolio: {SEEDED_TOTAL} TRY")
    assert bot.exchange.calls["balances"] == 1
