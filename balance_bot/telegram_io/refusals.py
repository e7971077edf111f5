"""The strangers' refusals: a budget of their own, beside the bot's rate limiter.

Refusals do not go through python-telegram-bot's rate limiter, so a crowd of strangers never
queues ahead of the replies and notifications of the allowed chats. Instead they get at most
one message a second all together, which with the limiter's 29 stays within Telegram's 30 a
second. Beyond it strangers get nothing, and one line a minute at most says how many.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

REFUSALS_PER_S = 1.0
REPORT_EVERY_S = 60.0


class RefusalBudget:
    """Allow one refusal a second for all strangers together; count and report the rest."""

    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._last_sent = -math.inf
        self._dropped = 0
        self._reported_at = -math.inf

    def take(self) -> bool:
        """Tell whether a refusal may be sent now; count it as dropped when not."""
        now = self._monotonic()
        if now - self._last_sent >= 1 / REFUSALS_PER_S:
            self._last_sent = now
            self._report(now)
            return True
        self._dropped += 1
        self._report(now)
        return False

    def _report(self, now: float) -> None:
        """Log the refusals dropped since the last line, at most once a minute."""
        if not self._dropped or now - self._reported_at < REPORT_EVERY_S:
            return
        if math.isinf(self._reported_at):  # the first: announce, count from here
            log.warning(
                "too many strangers: refusals to strangers beyond %g a second are dropped "
                "(counted here once a minute)", REFUSALS_PER_S,
            )  # fmt: skip
        else:
            log.warning(
                "%d refusals to strangers dropped in the last %.0f s",
                self._dropped, now - self._reported_at,
            )  # fmt: skip
            self._dropped = 0
        self._reported_at = now
