"""The /status text: is BTCTurk answering, how fresh the data is, what is scheduled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from core.format import data_time


@dataclass(frozen=True, slots=True)
class StatusFacts:
    """Everything /status reports, gathered by the caller."""

    reachable: bool
    last_success_at: datetime | None
    last_latency_s: float | None
    last_error: str | None  # an explanation from core.format.exchange_error_message
    clock_offset_ms: int
    poll_interval_s: int
    chat_alerts: int
    all_alerts: int
    next_summary_at: datetime
    pending_notifications: int


def status_message(facts: StatusFacts, tz: tzinfo, now: datetime) -> str:
    """Render /status for the account owner."""
    if facts.reachable:
        exchange = "✅ BTCTurk is answering"
    else:
        exchange = facts.last_error or "⏳ BTCTurk is not answering"
    lines = ["🩺 <b>Status</b>", exchange]
    if facts.last_success_at is not None:
        latency = "" if facts.last_latency_s is None else f" in {facts.last_latency_s:.2f} s"
        lines.append(f"Last balances read {data_time(facts.last_success_at, tz, now)}{latency}")
    else:
        lines.append("No balances read yet")
    if abs(facts.clock_offset_ms) >= 1000:
        side = "behind" if facts.clock_offset_ms > 0 else "ahead of"
        lines.append(
            f"🕒 This server's clock is {abs(facts.clock_offset_ms) / 1000:.1f} s {side} "
            "BTCTurk's; the bot corrects for it."
        )
    lines.append(f"Checking balances every {_interval(facts.poll_interval_s)}")
    lines.append(f"Alerts: {facts.chat_alerts} in this chat ({facts.all_alerts} in all)")
    lines.append(f"Next daily summary {data_time(facts.next_summary_at, tz, now)}")
    if facts.pending_notifications:
        lines.append(f"Notifications waiting to be delivered: {facts.pending_notifications}")
    return "\n".join(lines)


def _interval(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "minute" if minutes == 1 else f"{minutes} minutes"
    return "second" if seconds == 1 else f"{seconds} s"
