"""Tests for services/delivery.py: the outbox through a recording bot, on a real Store.

They pin what the README promises of the outbox: a message is delivered once, retried with
backoff after a passing failure, dropped after one try when the chat cannot receive it, and
one chat's trouble does not hold up the others.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from balance_bot.core.notify import NotificationKind
from balance_bot.services.delivery import MAX_BACKOFF_S, Deliverer, retry_delay
from balance_bot.store.models import NewNotification
from balance_bot.store.store import Store
from tests.kit.clocks import FakeClock
from tests.kit.services import open_store

CHAT = 100
OTHER_CHAT = 200


@dataclass
class RecordingBot:
    """Stand in for telegram.Bot: record each message sent, or raise the failure queued."""

    sent: list[tuple[int, str]] = field(default_factory=list)
    failures: dict[int, list[TelegramError]] = field(default_factory=dict)
    tries: int = 0

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> SimpleNamespace:
        """Send, unless a failure is queued for `chat_id`; return the message's id."""
        self.tries += 1
        queued = self.failures.get(chat_id)
        if queued:
            raise queued.pop(0)
        self.sent.append((chat_id, text))
        return SimpleNamespace(message_id=len(self.sent))


@dataclass
class Outbox:
    """A Deliverer and what it is built on."""

    deliverer: Deliverer
    bot: RecordingBot
    store: Store
    clock: FakeClock

    async def owe(self, *messages: tuple[int, str]) -> None:
        """Queue `messages` as change alerts."""
        await self.store.enqueue(
            [NewNotification(c, NotificationKind.CHANGE, text) for c, text in messages]
        )


@pytest.fixture
async def outbox(tmp_path: Path) -> AsyncIterator[Outbox]:
    clock, bot = FakeClock(), RecordingBot()
    async with open_store(tmp_path, clock) as store:
        yield Outbox(Deliverer(store, cast(Bot, bot), clock), bot, store, clock)


def test_the_backoff_doubles_from_2_s_up_to_300_s() -> None:
    assert [retry_delay(attempts) for attempts in range(5)] == [2.0, 4.0, 8.0, 16.0, 32.0]
    assert retry_delay(8) == MAX_BACKOFF_S == 300.0
    assert retry_delay(10_000) == 300.0


async def test_each_message_is_delivered_once_in_order(outbox: Outbox) -> None:
    await outbox.owe((CHAT, "first"), (OTHER_CHAT, "other"), (CHAT, "second"))

    assert await outbox.deliverer.deliver_due() == 3
    assert await outbox.deliverer.deliver_due() == 0

    assert [text for chat, text in outbox.bot.sent if chat == CHAT] == ["first", "second"]
    assert outbox.bot.sent.count((OTHER_CHAT, "other")) == 1
    assert await outbox.store.pending_count() == 0


async def test_a_passing_failure_is_retried_after_the_backoff_then_sent_once(
    outbox: Outbox,
) -> None:
    await outbox.owe((CHAT, "owed"))
    outbox.bot.failures[CHAT] = [NetworkError("Bad Gateway")]

    assert await outbox.deliverer.deliver_due() == 0
    outbox.clock.advance(seconds=1)
    assert await outbox.deliverer.deliver_due() == 0  # not due again before 2 s
    assert outbox.bot.tries == 1

    outbox.clock.advance(seconds=1)
    assert await outbox.deliverer.deliver_due() == 1
    assert await outbox.deliverer.deliver_due() == 0
    assert outbox.bot.sent == [(CHAT, "owed")]


async def test_a_failed_chat_waits_in_order_while_other_chats_get_theirs(outbox: Outbox) -> None:
    await outbox.owe((CHAT, "first"), (CHAT, "second"), (OTHER_CHAT, "other"))
    outbox.bot.failures[CHAT] = [NetworkError("Bad Gateway")]

    assert await outbox.deliverer.deliver_due() == 1
    assert outbox.bot.sent == [(OTHER_CHAT, "other")]

    outbox.clock.advance(seconds=2)
    assert await outbox.deliverer.deliver_due() == 2
    assert outbox.bot.sent[1:] == [(CHAT, "first"), (CHAT, "second")]


@pytest.mark.parametrize(
    "refusal",
    [Forbidden("Forbidden: bot was blocked by the user"), BadRequest("Chat not found")],
    ids=["blocked", "chat-not-found"],
)
async def test_a_chat_that_cannot_receive_is_dropped_after_one_try(
    outbox: Outbox, refusal: TelegramError
) -> None:
    await outbox.owe((CHAT, "lost"), (OTHER_CHAT, "other"))
    outbox.bot.failures[CHAT] = [refusal]

    await outbox.deliverer.deliver_due()
    outbox.clock.now += timedelta(hours=1)
    assert await outbox.deliverer.deliver_due() == 0

    assert outbox.bot.tries == 2  # the refused message was tried once, never again
    assert outbox.bot.sent == [(OTHER_CHAT, "other")]
    assert await outbox.store.pending_count() == 0
