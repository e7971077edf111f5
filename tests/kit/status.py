"""The /status facts of a bot that is fine: answering, nothing waiting, nothing noted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from balance_bot.core.texts.status import StatusFacts


def healthy_status(now: datetime, **changes: Any) -> StatusFacts:
    """Return /status's facts of a healthy bot read at `now`, with `changes` applied."""
    facts: dict[str, Any] = dict(
        reachable=True,
        last_success_at=now,
        last_latency_s=0.1,
        last_error=None,
        clock_offset_ms=0,
        poll_interval_s=60,
        chat_alerts=0,
        all_alerts=0,
        next_summary_at=now,
        pending_notifications=0,
    )
    return StatusFacts(**(facts | changes))
