"""Exchange faults end to end: the bot answers, stays quiet, retries a bounded number of times
and recovers by itself, whatever BTCTurk (or the network in front of it) does."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.exchange_faults import Fault
from balance_bot.services.monitor import PollOutcome
from tests.e2e.conftest import ALLOWED_CHAT, REPLY_TIMEOUT_S, BotHarness, poll, services_of
from tests.faults.conftest import expire_cache, timing_out
from tests.kit.account import SEEDED_TOTAL
from tests.kit.clocks import FakeClock, ManualMonotonic, RecordedSleep

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("without_jobs")]

StartBot = Callable[[Settings], Any]

NOT_ANSWERING = "⏳ BTCTurk is not answering (maintenance or network)"
SLOW_DOWN = "⏳ BTCTurk asked the bot to slow down"
UNREADABLE = "⚠️ BTCTurk sent an answer the bot could not read"
KEY_REFUSED = "🔑 BTCTurk refused the API key"
PORTFOLIO = "💼"
FAILED = PollOutcome(succeeded=False, queued=0)
QUIET_SUCCESS = PollOutcome(succeeded=True, queued=0)
ISTANBUL = ZoneInfo("Europe/Istanbul")

# The exchange's faults, in one table (fault, what the user reads first, requests the client
# makes before it gives up), each run through a command and a poll, before and after a good
# read. An empty balance list and a refused key (401), which pauses signed requests, have tests
# of their own below; so do answers slower than the timeout on every endpoint, and a closed
# port. How the client meets each fault: tests/integration/test_client_fake.py.
FAULTS: list[tuple[Fault, str, int]] = [
    ("500", NOT_ANSWERING, 3),
    ("maintenance", NOT_ANSWERING, 3),
    ("cdn_html", NOT_ANSWERING, 3),
    ("gateway_timeout_html", NOT_ANSWERING, 3),
    ("reset", NOT_ANSWERING, 3),
    ("timeout", NOT_ANSWERING, 3),
    ("html_200", UNREADABLE, 3),
    ("garbage", UNREADABLE, 3),
    ("success_false", UNREADABLE, 1),  # not retried: it would repeat
    ("429", SLOW_DOWN, 3),
    ("429_no_retry_after", SLOW_DOWN, 3),
]


def assert_clear_explanation(text: str, explanation: str) -> None:
    """An error reply: the expected explanation first, and no figure at all."""
    assert text.startswith(explanation), text
    assert not re.search(r"\d", text), text


def not_portfolios(harness: BotHarness) -> list[str]:
    """Return every message but the portfolios: error replies, and any alert sent by mistake."""
    return [m.plain_text for m in harness.telegram.sent if not m.plain_text.startswith(PORTFOLIO)]


def local_time(clock: FakeClock) -> str:
    """Return the fake clock's time as the bot shows it: 08:00 (Istanbul)."""
    return f"{clock.now.astimezone(ISTANBUL):%H:%M} (Istanbul)"


def assert_marked_stale(text: str, explanation: str, taken_at: str) -> None:
    """A reply after a good read: the explanation and its time, then the last figures."""
    first, blank, *rest = text.splitlines()
    assert first.startswith(explanation), text
    assert first.endswith(f". Showing data from {taken_at}."), text
    assert blank == ""
    assert rest[0] == f"💼 Portfolio: {SEEDED_TOTAL} TRY"
    assert "BTC   9.75021866  34,125,765.33" in text


@pytest.mark.parametrize(("fault", "explanation", "attempts"), FAULTS, ids=[f[0] for f in FAULTS])
async def test_exchange_fault_is_explained_survived_and_forgotten(
    backoff: RecordedSleep,
    cache_clock: ManualMonotonic,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    fault: Fault,
    explanation: str,
    attempts: int,
) -> None:
    settings = make_settings()
    async with start_bot(timing_out(settings) if fault == "timeout" else settings) as bot:
        exchange = bot.exchange

        # 1. A command during the fault, before any good read: answered, clearly, with no
        # figure, after a bounded number of requests.
        exchange.inject(fault, times=attempts)
        [reply] = await bot.ask("/balance")
        assert_clear_explanation(reply.plain_text, explanation)
        assert exchange.calls["balances"] == attempts
        assert exchange.pending_faults() == []
        assert len(backoff.delays) == attempts - 1
        if fault == "429":  # the exchange's Retry-After: 1 is honoured, nothing longer
            assert backoff.delays == [1.0] * (attempts - 1)

        # 2. Recovery without a restart: the next poll reads the account.
        assert await poll(bot) == QUIET_SUCCESS
        taken_at = local_time(bot.clock)

        # 3. A command during the fault, after that read: said first, then the last figures
        # and their time. (A read that times out ends as one that is reset: not waited for
        # a third time here.)
        bot.clock.advance(minutes=7)
        expire_cache(cache_clock)
        before = exchange.calls["balances"]
        stale_fault: Fault = "reset" if fault == "timeout" else fault
        exchange.inject(stale_fault, times=attempts)
        [stale] = await bot.ask("/balance")
        assert_marked_stale(stale.plain_text, explanation, taken_at)
        assert exchange.calls["balances"] - before == attempts

        # 4. The same fault during a poll: no alert, the same bounded number of requests.
        before = exchange.calls["balances"]
        exchange.inject(fault, times=attempts)
        assert await poll(bot) == FAILED
        assert exchange.calls["balances"] - before == attempts

        # 5. And back: nothing changed, so nothing is said.
        assert await poll(bot) == QUIET_SUCCESS
        expire_cache(cache_clock)
        [answer] = await bot.ask("/balance")
        assert answer.plain_text.startswith(PORTFOLIO)
        assert not_portfolios(bot) == [reply.plain_text, stale.plain_text]
        assert await services_of(bot).store.pending_count() == 0


async def test_a_refused_key_is_said_first_then_the_last_figures(
    backoff: RecordedSleep, cache_clock: ManualMonotonic, bot: BotHarness
) -> None:
    assert await poll(bot) == QUIET_SUCCESS
    taken_at = local_time(bot.clock)
    bot.clock.advance(minutes=7)
    expire_cache(cache_clock)
    bot.exchange.inject("401", times=2)

    [reply] = await bot.ask("/balance")

    assert_marked_stale(reply.plain_text, KEY_REFUSED, taken_at)
    assert bot.exchange.calls["balances"] == 1 + 2  # tried once more, seconds later
    assert bot.exchange.pending_faults() == []


@pytest.mark.parametrize(
    ("fault", "explanation", "times"),
    [("500", NOT_ANSWERING, 3 + 3), ("401", KEY_REFUSED, 2 + 2)],  # the check, then /balance
    ids=["500", "401"],
)
async def test_a_check_that_failed_after_the_cached_read_is_not_hidden_by_the_cache(
    fault: Fault,
    explanation: str,
    times: int,
    backoff: RecordedSleep,
    cache_clock: ManualMonotonic,
    bot: BotHarness,
) -> None:
    [fresh] = await bot.ask("/balance")  # read now, and kept 5 s for the next asker
    taken_at = local_time(bot.clock)
    bot.clock.advance(minutes=1)
    bot.exchange.inject(fault, times=times)
    assert await poll(bot) == FAILED  # the check after it fails, within the 5 s

    [reply] = await bot.ask("/balance")

    assert fresh.plain_text.startswith(PORTFOLIO)
    assert_marked_stale(reply.plain_text, explanation, taken_at)


async def test_empty_balance_list_is_not_an_emptied_account(
    backoff: RecordedSleep, bot: BotHarness
) -> None:
    assert await poll(bot) == QUIET_SUCCESS
    bot.exchange.inject("empty")

    assert await poll(bot) == FAILED
    assert await poll(bot) == QUIET_SUCCESS
    assert bot.telegram.sent == []
    assert bot.exchange.calls["balances"] == 3  # an empty list is an answer: not retried


async def test_balance_does_not_claim_the_account_is_empty_on_an_empty_answer(
    backoff: RecordedSleep, cache_clock: ManualMonotonic, bot: BotHarness
) -> None:
    assert await poll(bot) == QUIET_SUCCESS
    bot.exchange.inject("empty", times=1)
    expire_cache(cache_clock)

    [reply] = await bot.ask("/balance")

    assert bot.exchange.calls["balances"] == 2
    text = reply.plain_text
    # Either the answer is explained as unreadable, or the last good figures are shown.
    assert text.startswith(UNREADABLE) or "9.75021866" in text, text


async def test_connection_refused_then_the_exchange_comes_back(
    backoff: RecordedSleep, cache_clock: ManualMonotonic, bot: BotHarness
) -> None:
    assert await poll(bot) == QUIET_SUCCESS
    await bot.exchange.close()  # nothing listens on its port any more

    assert await poll(bot) == FAILED
    expire_cache(cache_clock)
    [reply] = await bot.ask("/balance")
    # Two fetches (the poll's, the command's), each of balances and tickers, 3 tries at most:
    # at most 2 waits before a try again each.
    assert len(backoff.delays) <= 2 * 2 * 2
    # Said first, then the last figures the bot has.
    assert reply.plain_text.startswith(NOT_ANSWERING)
    assert "BTC   9.75021866" in reply.plain_text

    await bot.exchange.start()  # the same port again
    assert await poll(bot) == QUIET_SUCCESS
    expire_cache(cache_clock)
    [answer] = await bot.ask("/balance")
    assert answer.plain_text.startswith(PORTFOLIO)
    assert [m.plain_text for m in bot.telegram.sent] == [reply.plain_text, answer.plain_text]


async def test_exchange_url_on_a_closed_port_is_explained(
    backoff: RecordedSleep,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    unused_tcp_port: int,
) -> None:
    settings = make_settings(BTCTURK_API_URL=f"http://127.0.0.1:{unused_tcp_port}")
    async with start_bot(settings) as bot:
        [reply] = await bot.ask("/balance")
        outcome = await poll(bot)

    assert_clear_explanation(reply.plain_text, NOT_ANSWERING)
    assert outcome == FAILED
    assert len(backoff.delays) <= 2 * 2 * 2  # two fetches of two endpoints, 3 tries at most
    assert not_portfolios(bot) == [reply.plain_text]


async def test_slow_exchange_is_explained_then_recovers(
    backoff: RecordedSleep,
    cache_clock: ManualMonotonic,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
) -> None:
    async with start_bot(timing_out(make_settings())) as bot:
        assert await poll(bot) == QUIET_SUCCESS
        bot.exchange.latency_s = 3.0  # every endpoint, past the timeout
        expire_cache(cache_clock)

        # A command and a poll at once: they share one read of the account (3 timed-out
        # tries), or on a very slow machine read once each.
        bot.telegram.send_text(ALLOWED_CHAT, "/balance")
        assert await poll(bot) == FAILED
        [reply] = await bot.telegram.wait_for_messages(ALLOWED_CHAT, timeout=REPLY_TIMEOUT_S)
        assert bot.exchange.calls["balances"] in (1 + 3, 1 + 3 + 3)
        assert reply.plain_text.startswith(NOT_ANSWERING)
        assert "BTC   9.75021866" in reply.plain_text  # the last figures, after the explanation

        bot.exchange.latency_s = 0.0
        assert await poll(bot) == QUIET_SUCCESS
        assert [m.plain_text for m in bot.telegram.sent] == [reply.plain_text]


@pytest.mark.parametrize(("offset_s", "side"), [(120.0, "behind"), (-120.0, "ahead of")])
async def test_clock_skew_is_corrected_and_shown(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    offset_s: float,
    side: str,
) -> None:
    async with (
        FakeBtcTurk(clock_offset_s=offset_s) as skewed,
        start_bot(make_settings(BTCTURK_API_URL=skewed.base_url)) as bot,
    ):
        [reply] = await bot.ask("/balance")
        [status] = await bot.ask("/status")
        assert await poll(bot) == QUIET_SUCCESS

    assert reply.plain_text.startswith(PORTFOLIO)
    assert skewed.auth_failures == 1  # "Invalid Nonce" once, then the stamps are corrected
    assert skewed.calls["server_time"] == 1
    assert skewed.calls["balances"] == 3  # refused, accepted, and the poll's
    line = next(s for s in status.plain_text.splitlines() if s.startswith("🕒"))
    assert re.fullmatch(
        rf"🕒 This server's clock is 1(19\.9|20\.0|20\.1) s {side} BTCTurk's.*", line
    )
    assert [m.chat_id for m in bot.telegram.sent] == [ALLOWED_CHAT, ALLOWED_CHAT]  # no alert


async def test_status_says_answering_once_a_command_read_the_account_after_failed_checks(
    backoff: RecordedSleep, cache_clock: ManualMonotonic, bot: BotHarness
) -> None:
    assert await poll(bot) == QUIET_SUCCESS
    bot.exchange.inject("maintenance", times=3)
    assert await poll(bot) == FAILED
    [down] = await bot.ask("/status")
    expire_cache(cache_clock)
    [answer] = await bot.ask("/balance")  # BTCTurk is back: the command reads the account
    [status] = await bot.ask("/status")

    assert NOT_ANSWERING in down.plain_text
    assert answer.plain_text.startswith(PORTFOLIO)
    assert NOT_ANSWERING not in status.plain_text
    assert "✅ BTCTurk is answering" in status.plain_text
