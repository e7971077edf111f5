"""What the bot sends when Telegram pushes back: floods and 429s hold only their own chat, an
upgraded group is followed, a slow or picky Bot API delays messages but never loses or
multiplies them, a full disk stops sending instead of repeating, and SIGTERM leaves the rest
in the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from balance_bot.config import Settings
from balance_bot.core.notify import NotificationKind
from balance_bot.fakes.telegram import FakeTelegram
from balance_bot.fakes.telegram_types import default_chat_type
from balance_bot.store.database import Database, StoreError
from balance_bot.store.models import NewNotification
from balance_bot.store.store import Store
from balance_bot.telegram_io.backlog import MAX_WAITING_PER_CHAT
from tests.e2e.conftest import (
    ALLOWED_CHAT,
    ALLOWED_GROUP,
    REPLY_TIMEOUT_S,
    BotHarness,
    poll,
    sent_to,
    services_of,
)
from tests.faults.conftest import START_TIMEOUT_S, Launcher, UpdateTracker, base_env
from tests.kit.wiring import BotWiring

pytestmark = pytest.mark.faults
T = TypeVar("T")

StartBot = Callable[[Settings], Any]

CHANGED = "🔔 Balance changed"
SLOW_DOWN = "🐢"
STOP_WITHIN_S = 10.0
OLD_GROUP = -4_012_345_678  # a basic group: Telegram upgrades these to supergroups
NEW_SUPERGROUP = -1_009_876_543_210
BURST = 100  # over 3 s at Telegram's pace (29 a second)
BURST_BEFORE_SIGTERM = 30  # the rest would take 2 s more: the stop must not wait for it


async def flood(telegram: FakeTelegram, chat_id: int, texts: list[str]) -> list[int]:
    """Send every text from `chat_id` at once; return their update IDs."""
    kind = default_chat_type(chat_id)
    return [telegram.send_text(chat_id, text, chat_type=kind) for text in texts]


# --- a flood, and a 429, hold only their own chat ------------------------------------------


@pytest.mark.usefixtures("without_jobs")
async def test_a_group_flood_delays_neither_the_owner_s_replies_nor_their_alerts(
    bot: BotHarness,
) -> None:
    await poll(bot)  # the baseline
    for wave in range(2):  # a minute's worth of group replies, a backlog at a time
        await flood(bot.telegram, ALLOWED_GROUP, [f"/unalert {wave}{i}" for i in range(10)])
        await bot.telegram.wait_until(
            lambda: len(sent_to(bot, ALLOWED_GROUP)) >= 10 * (wave + 1),  # noqa: B023
            timeout=REPLY_TIMEOUT_S,
            what="the group's replies",
        )
    await flood(bot.telegram, ALLOWED_GROUP, [f"/unalert {i}" for i in range(100, 400)])
    [reply] = await bot.ask("/balance")  # the group's replies now wait for the next minute
    bot.exchange.set_balance("USDT", "2000")
    async with asyncio.timeout(REPLY_TIMEOUT_S):
        await poll(bot)

    assert reply.plain_text.startswith("💼")
    assert len(sent_to(bot, ALLOWED_CHAT, CHANGED)) == 1
    assert sent_to(bot, ALLOWED_GROUP, CHANGED) == []  # owed, after the group's backlog
    assert len(sent_to(bot, ALLOWED_GROUP)) <= 20  # Telegram's 20 a minute in a group
    assert await services_of(bot).store.pending_count() == 1


async def test_a_chat_flooding_commands_gets_the_excess_dropped_with_one_slow_down_note(
    bot: BotHarness,
) -> None:
    tracker = UpdateTracker(bot.application)
    bot.exchange.latency_s = 0.5  # every answer waits for the exchange meanwhile
    # 100: one getUpdates answer, all handed out before the first one is answered.
    texts = [t for i in range(50) for t in ("/balance", f"/alert btc below {i + 1}")]

    ids = await flood(bot.telegram, ALLOWED_CHAT, texts)
    taken = ids[:MAX_WAITING_PER_CHAT]  # in order, until the chat's backlog is full
    await tracker.wait_done(taken)
    bot.exchange.latency_s = 0.0
    [listing] = await bot.ask("/alerts")
    answered = set(tracker.passed)

    half = MAX_WAITING_PER_CHAT // 2
    assert len(sent_to(bot, ALLOWED_CHAT, SLOW_DOWN)) == 1
    assert answered & set(ids) == set(taken)  # the rest was dropped, not queued
    assert len(sent_to(bot, ALLOWED_CHAT, "💼")) == half
    assert len(sent_to(bot, ALLOWED_CHAT, "✅ Alert #")) == half
    assert f"#{half} " in listing.plain_text
    assert f"#{half + 1} " not in listing.plain_text


@pytest.mark.usefixtures("without_jobs")
async def test_a_429_for_one_group_holds_that_group_only(bot: BotHarness) -> None:
    await poll(bot)
    bot.telegram.fail_chat_next(
        ALLOWED_GROUP, status=429, description="Too Many Requests: retry after 60", retry_after=60
    )
    bot.telegram.send_text(ALLOWED_GROUP, "/help", chat_type="supergroup")
    await bot.telegram.wait_until(
        lambda: bot.telegram.calls["sendMessage"] >= 1, what="the group's reply, refused"
    )

    [reply] = await bot.ask("/help")
    bot.exchange.set_balance("USDT", "2000")
    async with asyncio.timeout(REPLY_TIMEOUT_S):
        await poll(bot)

    assert reply.plain_text
    assert len(sent_to(bot, ALLOWED_CHAT, CHANGED)) == 1
    assert sent_to(bot, ALLOWED_GROUP) == []  # held for its 60 s, and only it


# --- an upgraded group is followed ----------------------------------------------------------


@pytest.mark.usefixtures("without_jobs")
async def test_an_upgraded_group_keeps_its_alerts_settings_and_owed_messages(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    settings = make_settings(ALLOWED_CHAT_IDS=f"{ALLOWED_CHAT},{OLD_GROUP}")
    async with start_bot(settings) as bot:
        await bot.ask("/lang tr", chat_id=OLD_GROUP, chat_type="group")
        await bot.ask("/alert btc below 5", chat_id=OLD_GROUP, chat_type="group")
        await poll(bot)
        bot.telegram.migrate_chat(OLD_GROUP, NEW_SUPERGROUP)
        bot.exchange.set_balance("BTC", "4")

        await poll(bot)  # the old ID answers migrate_to_chat_id: everything moves
        moved = [m.plain_text for m in sent_to(bot, NEW_SUPERGROUP)]
        [listing] = await bot.ask("/alerts", chat_id=NEW_SUPERGROUP, chat_type="supergroup")

    async with start_bot(settings) as bot:  # remembered across a restart
        [status] = await bot.ask("/settings", chat_id=NEW_SUPERGROUP, chat_type="supergroup")
        bot.exchange.set_balance("BTC", "6")
        await poll(bot)

    assert any(text.startswith("🔔 Bakiye") for text in moved), moved  # in the group's Turkish
    assert any("#1" in text for text in moved), moved  # the threshold alert too
    assert "#1" in listing.plain_text
    assert status.plain_text
    assert len(sent_to(bot, NEW_SUPERGROUP, "🔔 Bakiye")) == 2
    assert [m for m in bot.telegram.sent if m.chat_id == OLD_GROUP and "🔔" in m.plain_text] == []
    hints = [r for r in caplog.records if "ALLOWED_CHAT_IDS" in r.getMessage()]
    assert len(hints) == 1
    assert str(NEW_SUPERGROUP) in hints[0].getMessage()


async def test_the_upgrade_announced_by_telegram_lets_the_new_supergroup_in(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(ALLOWED_CHAT_IDS=f"{ALLOWED_CHAT},{OLD_GROUP}")) as bot:
        tracker = UpdateTracker(bot.application)
        await tracker.wait_done(bot.telegram.migrate_chat(OLD_GROUP, NEW_SUPERGROUP, announce=True))
        [reply] = await bot.ask("/help", chat_id=NEW_SUPERGROUP, chat_type="supergroup")

    assert reply.plain_text.startswith("👋")  # the help, not a refusal


# --- a slow or picky Bot API ----------------------------------------------------------------


@pytest.mark.usefixtures("without_jobs")
async def test_telegram_slower_than_the_read_timeout_delays_but_does_not_multiply(
    bot: BotHarness,
) -> None:
    services = services_of(bot)
    await poll(bot)
    bot.telegram.slow_next("sendMessage", 6.0, times=8)  # accepted, answered after 6 s
    bot.exchange.set_balance("USDT", "2000")

    await poll(bot)
    for _ in range(3):
        bot.clock.advance(minutes=10)
        await services.deliverer.deliver_due()

    assert len(sent_to(bot, ALLOWED_CHAT, CHANGED)) == 1
    assert len(sent_to(bot, ALLOWED_GROUP, CHANGED)) == 1
    assert await services.store.pending_count() == 0


@pytest.fixture
def short_sends(wiring: BotWiring) -> None:
    """Build the bot with sends that wait 0.2 s for Telegram's answer, their one retry too."""
    wiring.time_out(send_s=0.2, patient_send_s=0.2)


@pytest.mark.usefixtures("without_jobs", "short_sends")
async def test_a_send_that_timed_out_is_sent_again_once_and_never_a_third_time(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    services_ = services_of(bot)
    await poll(bot)
    bot.telegram.slow_next("sendMessage", 1.0, times=20)  # slower than both timeouts
    bot.exchange.set_balance("USDT", "2000")

    await poll(bot)
    for _ in range(5):
        bot.clock.advance(minutes=10)
        await services_.deliverer.deliver_due()

    assert len(sent_to(bot, ALLOWED_CHAT, CHANGED)) == 2
    assert len(sent_to(bot, ALLOWED_GROUP, CHANGED)) == 2
    assert await services_.store.pending_count() == 0
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("unconfirmed" in message for message in errors)


PARSE_ERROR = 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 3'


@pytest.mark.usefixtures("without_jobs")
async def test_a_notification_telegram_cannot_parse_is_sent_as_plain_text(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await poll(bot)
    bot.telegram.fail_chat_next(ALLOWED_CHAT, status=400, description=PARSE_ERROR)
    bot.exchange.set_balance("USDT", "2000")

    await poll(bot)

    [alert] = sent_to(bot, ALLOWED_CHAT, CHANGED)
    assert alert.parse_mode is None
    assert "<" not in alert.text and "&" not in alert.text
    assert alert.text == alert.plain_text
    [html] = sent_to(bot, ALLOWED_GROUP, CHANGED)
    assert html.parse_mode == "HTML"
    assert alert.plain_text == html.plain_text  # the same words, only the formatting is gone
    assert await services_of(bot).store.pending_count() == 0
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "change" in error.getMessage()


async def test_a_reply_telegram_cannot_parse_is_sent_as_plain_text(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    [html] = await bot.ask("/help")
    bot.telegram.fail_chat_next(ALLOWED_CHAT, status=400, description=PARSE_ERROR)

    [plain] = await bot.ask("/help")

    assert plain.parse_mode is None
    assert plain.plain_text == html.plain_text
    assert [m for m in bot.telegram.sent if "Something went wrong" in m.plain_text] == []
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "reply" in error.getMessage()


async def test_a_bad_request_in_a_handler_is_an_error_with_its_traceback(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.telegram.fail_chat_next(
        ALLOWED_CHAT, status=400, description="Bad Request: message to be replied not found"
    )
    await bot.ask("/help")  # the apology after the failed reply

    failures = [r for r in caplog.records if r.name == "balance_bot.handlers.errors"]
    assert [r.levelno for r in failures] == [logging.ERROR]
    assert failures[0].exc_info is not None


# --- a full disk ----------------------------------------------------------------------------


@dataclass
class FullDisk:
    """A disk the test fills: the bot's database on it fails every transaction that writes,
    as SQLite does when the disk is full."""

    full: bool = False

    async def open(self, path: Path) -> Database:
        """Open the bot's database on this disk (the bot's `open_database`)."""
        disk = self

        class OnThisDisk(Database):
            def _transaction(self, fn: Callable[[sqlite3.Connection], T]) -> T:
                def write(conn: sqlite3.Connection) -> T:
                    before = conn.total_changes
                    result = fn(conn)
                    if disk.full and conn.total_changes != before:
                        error = sqlite3.OperationalError("database or disk is full")
                        error.sqlite_errorcode = sqlite3.SQLITE_FULL
                        raise error
                    return result

                return super()._transaction(write)

        return await OnThisDisk.open(path)


@pytest.mark.usefixtures("without_jobs")
async def test_a_full_disk_stops_sending_instead_of_repeating(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    wiring: BotWiring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    disk = FullDisk()
    wiring.open_database = disk.open
    async with start_bot(make_settings()) as bot:
        services = services_of(bot)
        await poll(bot)
        bot.exchange.set_balance("USDT", "2000")
        await services.monitor.poll()  # queued before the disk filled up: owed
        disk.full = True
        for _ in range(9):  # the delivery job's rounds, 2 s apart
            with contextlib.suppress(StoreError):
                await services.deliverer.deliver_due()
            bot.clock.advance(seconds=2)
        [refused] = await bot.ask("/alert btc below 5")
        disk.full = False
        await services.deliverer.deliver_due()
        pending = await services.store.pending_count()

    assert len(sent_to(bot, ALLOWED_CHAT, CHANGED)) == 1
    assert len(sent_to(bot, ALLOWED_GROUP, CHANGED)) == 1
    assert "could not be saved" in refused.plain_text
    assert pending == 0
    assert any(r.levelno == logging.ERROR and "record" in r.getMessage() for r in caplog.records)


# --- SIGTERM in the middle of a burst -------------------------------------------------------


async def seed_outbox(path: Path, count: int) -> None:
    """Put `count` owed messages to the private chat into the bot's database."""
    path.parent.mkdir(parents=True, exist_ok=True)
    async with await Database.open(path) as database:
        owed = [
            NewNotification(ALLOWED_CHAT, NotificationKind.CHANGE, f"🔔 burst {i:03d}")
            for i in range(count)
        ]
        await Store(database).enqueue(owed)


def pending_burst(path: Path) -> int:
    """Return how many messages of the burst the database still owes."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        query = (
            "SELECT count(*) FROM outbox WHERE state IN ('owed', 'held', 'unconfirmed')"
            " AND text LIKE '🔔 burst%'"
        )
        count: int = conn.execute(query).fetchone()[0]
    return count


def burst_sent(telegram: FakeTelegram) -> list[str]:
    return [m.text for m in telegram.sent if m.text.startswith("🔔 burst")]


async def test_sigterm_in_a_burst_exits_within_10_s_and_keeps_the_rest_owed(
    telegram: FakeTelegram, launcher: Launcher, tmp_path: Path, exchange: Any
) -> None:
    data = tmp_path / "data"
    await seed_outbox(data / "bot.sqlite3", BURST)
    env = base_env(exchange, telegram, data) | {"ALLOWED_CHAT_IDS": str(ALLOWED_CHAT)}

    bot = await launcher.start(env)
    await telegram.wait_until(
        lambda: len(burst_sent(telegram)) >= BURST_BEFORE_SIGTERM,
        timeout=START_TIMEOUT_S,
        what="the burst",
    )
    bot.send(signal.SIGTERM)
    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0
    first_life = len(burst_sent(telegram))
    owed = pending_burst(data / "bot.sqlite3")

    bot = await launcher.start(env)
    await telegram.wait_until(
        lambda: len(set(burst_sent(telegram))) == BURST,
        timeout=START_TIMEOUT_S,
        what="the rest of the burst",
    )
    bot.send(signal.SIGTERM)
    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0

    burst = burst_sent(telegram)
    assert first_life < BURST
    assert BURST - first_life <= owed <= BURST - first_life + 1
    assert len(burst) <= BURST + 1  # at most the one in flight at SIGTERM, again
    assert "Traceback" not in bot.stderr()
