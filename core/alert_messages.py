"""Texts of /alert, /alerts and /unalert."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from core import numbers
from core.thresholds import TOTAL, AlertSpec, AlertUsageError, Direction, Problem, is_met

USAGE = escape("Usage: /alert <ASSET|total> <above|below> <amount>   e.g. /alert BTC below 5")


def plain_amount(amount: Decimal) -> str:
    """Return an alert amount as the user typed it, thousands grouped: 1,500.5."""
    exponent = amount.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return numbers.amount(amount, places)


def describe(spec: AlertSpec, quote: str) -> str:
    """Return an alert in words: BTC below 5, total above 40,000,000 TRY."""
    unit = f" {escape(quote)}" if spec.target == TOTAL else ""
    return f"{escape(spec.target)} {spec.direction.value} {plain_amount(spec.amount)}{unit}"


def current_text(spec: AlertSpec, value: Decimal | None, precision: int, quote: str) -> str:
    """Return the watched value now: 9.75021866 BTC, or 34,215,249.83 TRY for the total."""
    if value is None:
        return "unknown"
    if spec.target == TOTAL:
        return f"{numbers.money(value)} {escape(quote)}"
    return f"{numbers.amount(value, precision)} {escape(spec.target)}"


def alert_created(
    alert_id: int, spec: AlertSpec, value: Decimal | None, precision: int, quote: str
) -> str:
    """Confirm a new alert, echoing what was understood, and say if it is already met."""
    lines = [
        f"✅ Alert #{alert_id} set: {describe(spec, quote)}",
        f"Now: {current_text(spec, value, precision, quote)}",
    ]
    if value is not None and is_met(spec.direction, value, spec.amount):
        other = "below" if spec.direction is Direction.ABOVE else "above"
        lines.append(
            f"It is already {spec.direction.value} that, so it will fire after it goes {other} "
            "and crosses again."
        )
    return "\n".join(lines)


def alert_usage(error: AlertUsageError) -> str:
    """Explain why /alert was refused, then show its syntax."""
    if error.problem is Problem.USAGE:
        return USAGE
    reason = error.reason[:1].upper() + error.reason[1:]
    return f"⚠️ {escape(reason)}.\n{USAGE}"


def alerts_list(rows: Sequence[tuple[int, AlertSpec, str]], quote: str) -> str:
    """List a chat's alerts: (id, spec, current value text) each."""
    if not rows:
        return "You have no alerts. Set one with /alert, e.g. /alert BTC below 5"
    lines = ["🔔 <b>Your alerts</b>"]
    lines += [f"#{i} {describe(spec, quote)} · now {now}" for i, spec, now in rows]
    lines.append("Remove one with /unalert &lt;id&gt;")
    return "\n".join(lines)


def alert_removed(alert_id: int) -> str:
    """Confirm a removal."""
    return f"🗑 Alert #{alert_id} removed."


def alert_not_found(alert_id: int) -> str:
    """Say the chat has no such alert."""
    return f"You have no alert #{alert_id}. /alerts lists yours."


def unalert_usage() -> str:
    """Show /unalert's syntax."""
    return "Usage: /unalert &lt;id&gt;   e.g. /unalert 3 (see /alerts for the IDs)"
