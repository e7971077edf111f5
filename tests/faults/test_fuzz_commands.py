"""Hostile input: a seeded fuzz of every command from allowed chats and strangers, and HTML
in asset names from the exchange and in what users type.

The bot stays up and never fails inside a handler, every command from an allowed chat is
answered, a stranger never reads anything but the refusal with their own chat ID, and text
from outside is escaped (the fake Bot API answers 400 to invalid HTML, as Telegram does).
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.seed import demo_balances, demo_tickers
from balance_bot.fakes.telegram import SentMessage
from balance_bot.fakes.telegram_types import ChatType
from balance_bot.handlers.command_table import TABLE
from tests.e2e.conftest import ALLOWED_CHAT, ALLOWED_GROUP, BotHarness, services_of
from tests.faults.conftest import UpdateTracker
from tests.kit.clocks import RecordedSleep

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("without_jobs")]

SEED = 20_261_125
UPDATES = 150
STRANGER = 424242
STRANGE_GROUP = -1009876543210
STRANGE_CHANNEL = -1005555555555
BOT_USERNAME = "btcturk_demo_bot"
CHATS: list[tuple[int, ChatType]] = [
    (ALLOWED_CHAT, "private"),
    (ALLOWED_GROUP, "supergroup"),
    (STRANGER, "private"),
    (STRANGE_GROUP, "supergroup"),
]
ISSUE_COMMANDS = ("start", "help", "balance", "summary", "alert", "alerts", "unalert", "status")
KNOWN = sorted({*ISSUE_COMMANDS, *(e.command.name for e in TABLE)})
UNKNOWN = ["foo", "balances", "BALANCE", "Alert", "start123", "x" * 32, "_", "unalert_all"]
ARGUMENTS = [
    "", "btc", "BTC", "eth", "total", "TOTAL", "above", "below", "urgent", "5", "1,5", "1.5",
    "0", "-1", "+7", "1e999", "1e-999", "9" * 80, "0." + "1" * 40, "NaN", "inf", "0x10",
    "#1", "#2", "1", "999999999999", "<b>", "</pre>", "<b>bold</b>", '<a href="x">', "&amp;",
    "&", "<", ">", "&#0;", "💰", "ЁЖЗ", "日本語", "\u202eRTL", "\u200b", "tr", "en", "30m",
    "2h", "1d", "'; DROP TABLE alerts;--", "%s%n", "{}", "\\", "@everyone",
]  # fmt: skip


@dataclass(frozen=True)
class Sent:
    """One fuzzed update: where it came from, what it was, and whether a reply is owed."""

    update_id: int
    chat_id: int
    description: str
    owes_reply: bool


def random_text(rng: random.Random) -> str:
    """Return printable text from many scripts, with spaces and line ends."""
    alphabet = "abcXYZ019 <>&;/@#\n\t" + "".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(8))
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))).strip() or "?"


def random_command(rng: random.Random, name: str | None = None) -> tuple[str, bool, bool]:
    """Return a command line, whether the bot knows the command, and whether it is ours."""
    known = name is not None or rng.random() < 0.8
    name = name or (rng.choice(KNOWN) if known else rng.choice(UNKNOWN))
    roll = rng.random()
    suffix = f"@{BOT_USERNAME}" if roll < 0.1 else "@otherbot" if roll < 0.15 else ""
    words = [rng.choice(ARGUMENTS) for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.1:
        words.append(random_text(rng))
    line = " ".join([f"/{name}{suffix}", *words]).strip()
    return line, known and name.lower() in KNOWN, suffix != "@otherbot"


def send_command(bot: BotHarness, rng: random.Random, chat_id: int, name: str) -> Sent:
    """Send command `name` with random arguments from a private chat."""
    line = random_command(rng, name)[0]
    update_id = bot.telegram.send_text(chat_id, line)
    return Sent(update_id, chat_id, repr(line), chat_id == ALLOWED_CHAT)


def send_random_update(bot: BotHarness, rng: random.Random, last_reply: int | None) -> Sent:
    """Send one random update (message, edit, button press or channel post); describe it."""
    telegram = bot.telegram
    # Few from the allowed group: python-telegram-bot's rate limiter holds a group to 20
    # messages a minute, as Telegram does, and waiting for that would only slow the test.
    [(chat_id, chat_type)] = rng.choices(CHATS, weights=[45, 8, 30, 17])
    allowed = chat_id in (ALLOWED_CHAT, ALLOWED_GROUP)
    kind = rng.random()
    if kind < 0.05:
        update_id = telegram.post_channel(STRANGE_CHANNEL, random_command(rng)[0])
        return Sent(update_id, STRANGE_CHANNEL, "channel post", owes_reply=False)
    if kind < 0.15:
        data = rng.choice(["refresh:", "refresh:BTC", "refresh:NOPE", "x" * 64, "🔥"])
        message_id = last_reply if allowed and last_reply and chat_id == ALLOWED_CHAT else 1
        update_id = telegram.send_callback(chat_id, data, message_id=message_id)
        return Sent(update_id, chat_id, f"button {data!r}", owes_reply=False)
    if kind < 0.25:
        text = random_text(rng)
        update_id = telegram.send_text(chat_id, text, chat_type=chat_type)
        return Sent(update_id, chat_id, f"text {text!r}", allowed and chat_type == "private")
    line, known, ours = random_command(rng)
    edited = rng.random() < 0.1
    update_id = telegram.send_text(chat_id, line, chat_type=chat_type, edited=edited)
    owed = allowed and not edited and (chat_type == "private" or (known and ours))
    return Sent(update_id, chat_id, f"{'edited ' if edited else ''}{line!r}", owed)


def assert_refusal_only(message: SentMessage) -> None:
    """A stranger's only possible message: the refusal, naming their chat ID and nothing else."""
    assert message.plain_text.startswith("⛔"), message.plain_text
    assert re.findall(r"\d+", message.plain_text) == [str(abs(message.chat_id))], message


async def test_fuzzed_commands_from_everyone(
    backoff: RecordedSleep, bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    rng = random.Random(SEED)
    tracker = UpdateTracker(bot.application)
    unanswered: list[str] = []
    last_reply: int | None = None

    # Every command once from the allowed chat and once from a stranger, then anything.
    planned = [(chat, name) for chat in (ALLOWED_CHAT, STRANGER) for name in KNOWN]
    for number in range(UPDATES):
        since = len(bot.telegram.sent)
        if number < len(planned):
            sent = send_command(bot, rng, *planned[number])
        else:
            sent = send_random_update(bot, rng, last_reply)
        await tracker.wait_done([sent.update_id])
        replies = [m for m in bot.telegram.sent[since:] if m.chat_id == sent.chat_id]
        if sent.owes_reply and not replies:
            unanswered.append(sent.description)
        if replies and sent.chat_id == ALLOWED_CHAT:
            last_reply = replies[-1].message_id
        if sent.chat_id not in (ALLOWED_CHAT, ALLOWED_GROUP):
            assert sent.update_id in tracker.stopped, sent
            assert sent.update_id not in tracker.passed, sent

    [help_reply] = await bot.ask("/help")  # still up and answering

    assert unanswered == []
    assert help_reply.plain_text
    assert bot.application.running
    strangers = [m for m in bot.telegram.sent if m.chat_id not in (ALLOWED_CHAT, ALLOWED_GROUP)]
    for message in strangers:
        assert_refusal_only(message)
    assert len(strangers) == len({m.chat_id for m in strangers})  # at most one each per hour
    for answer in bot.telegram.answered_callbacks:
        if answer.chat_id not in (ALLOWED_CHAT, ALLOWED_GROUP):
            assert answer.text is not None
            assert not re.search(r"\d", answer.text)
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures == [], [r.getMessage() for r in failures]
    assert len(tracker.stopped) + len(tracker.passed) >= UPDATES


def hostile_row(asset: str, name: str, balance: str) -> dict[str, Any]:
    return {
        "asset": asset,
        "assetname": name,
        "balance": balance,
        "locked": "0",
        "free": balance,
        "orderFund": "0",
        "requestFund": "0",
        "precision": 8,
        "timestamp": 1735866257711,
    }


async def test_html_from_the_exchange_and_from_users_is_escaped(
    backoff: RecordedSleep,
    make_settings: Callable[..., Settings],
    start_bot: Callable[[Settings], Any],
) -> None:
    balances = [
        *demo_balances(),
        hostile_row("A<B>&", "<script>", "5"),
        hostile_row("XSS", "<script>alert(1)</script>", "2"),
    ]
    async with (
        FakeBtcTurk(balances=balances, tickers=demo_tickers()) as exchange,
        start_bot(make_settings(BTCTURK_API_URL=exchange.base_url)) as bot,
    ):
        [portfolio] = await bot.ask("/balance")
        [detail] = await bot.ask("/balance xss")
        [unknown] = await bot.ask("/alert <b> above 5")
        [direction] = await bot.ask("/alert btc <b>up</b> 5")
        [amount] = await bot.ask("/alert btc above <i>5</i>")
        [created] = await bot.ask("/alert a<b>& above 9")
        services = services_of(bot)
        await services.monitor.poll()
        exchange.set_balance("A<B>&", "12")
        await services.monitor.poll()
        await services.deliverer.deliver_due()
        pending = await services.store.pending_count()

    # Each reply arrived, so the fake Bot API parsed it as valid HTML; the raw text escapes.
    assert "A&lt;B&gt;&amp;" in portfolio.text
    assert "A<B>&" in portfolio.plain_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail.text
    assert "<script>alert(1)</script>" in detail.plain_text
    for reply, typed in ((unknown, "<b>"), (direction, "<b>up</b>"), (amount, "<i>5</i>")):
        assert reply.plain_text.startswith("⚠️"), reply.plain_text
        assert typed.replace("<", "&lt;").replace(">", "&gt;") in reply.text
        assert typed in reply.plain_text
    assert created.plain_text.startswith("✅ Alert #1")
    assert "A&lt;B&gt;&amp;" in created.text
    fired = [m for m in bot.telegram.sent if m.plain_text.startswith(("🔔", "⚠️ Alert #1"))]
    assert {m.chat_id for m in fired} >= {ALLOWED_CHAT}
    assert all("A&lt;B&gt;&amp;" in m.text for m in fired)
    assert len([m for m in fired if m.plain_text.startswith("⚠️ Alert #1")]) == 1
    assert pending == 0
