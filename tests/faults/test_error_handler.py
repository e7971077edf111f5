"""The error handler: what a failed reply leads to in the chat."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ALLOWED_CHAT, BotHarness
from tests.faults.conftest import UpdateTracker
from tests.kit.clocks import AdvancingSleep

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("without_jobs")]

QUEUED = 10


async def test_a_reply_held_back_by_a_429_gets_no_apology_in_the_same_chat(
    instant_pacing: AdvancingSleep, bot: BotHarness
) -> None:
    """The chat is rate limited: an apology would only queue behind the reply it replaces."""
    tracker = UpdateTracker(bot.application)
    bot.telegram.fail_chat_next(
        ALLOWED_CHAT, status=429, description="Too Many Requests", retry_after=1, times=QUEUED
    )

    update = bot.telegram.send_text(ALLOWED_CHAT, "/help")
    await tracker.wait_done([update], timeout=30)

    tried = QUEUED - bot.telegram.pending_chat_failures(ALLOWED_CHAT)
    assert tried == 4  # the reply, and the rate limiter's 3 retries: no apology after them
    # Each retry after Telegram's Retry-After and a margin, on the limiter's (virtual) clock.
    assert [round(delay, 3) for delay in instant_pacing.delays] == [1.1] * 3
    assert bot.telegram.sent == []
